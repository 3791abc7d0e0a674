// GET /openapi.json: the embedded template rendered with and without a
// stage, and checked against the router so no route goes undocumented.
#include <cctype>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "json_check.h"

extern "C" {
#include "app.h"
#include "router.h"
}

namespace {

Json RenderFor(const char* stage) {
  api_config cfg{};
  snprintf(cfg.stage, sizeof(cfg.stage), "%s", stage);
  snprintf(cfg.environment, sizeof(cfg.environment), "test");
  app a;
  char error[256] = "";
  EXPECT_EQ(app_init(&a, &cfg, error, sizeof(error)), 0) << error;
  Json doc = ParseJson(a.openapi.data ? a.openapi.data : "");
  app_free(&a);
  return doc;
}

std::string ServerUrl(yajl_val doc) {
  yajl_val servers = At(doc, {"servers"});
  if (!servers || !YAJL_IS_ARRAY(servers) || servers->u.array.len != 1)
    return "<bad servers>";
  return Str(servers->u.array.values[0], {"url"});
}

TEST(OpenApi, IsVersion31) {
  Json doc = RenderFor("");
  ASSERT_TRUE(doc);
  EXPECT_EQ(Str(doc.get(), {"openapi"}), "3.1.0");
}

TEST(OpenApi, ServerIsRootWithoutStage) {
  Json doc = RenderFor("");
  EXPECT_EQ(ServerUrl(doc.get()), "/");
}

TEST(OpenApi, ServerIsTheStageWhenSet) {
  Json doc = RenderFor("prod");
  EXPECT_EQ(ServerUrl(doc.get()), "/prod");
}

TEST(OpenApi, PathsNeverIncludeTheStage) {
  Json doc = RenderFor("dev");
  yajl_val paths = At(doc.get(), {"paths"});
  ASSERT_TRUE(paths && YAJL_IS_OBJECT(paths));
  for (size_t i = 0; i < paths->u.object.len; i++)
    EXPECT_EQ(std::string(paths->u.object.keys[i]).find("/dev"),
              std::string::npos);
}

// The operations the document lists, each as (row of the route table,
// method): a path template is filled in ("/docs/{asset}" -> "/docs/x") and
// routed by the router itself, so a documented operation nothing serves
// fails here.
std::set<std::pair<const route*, std::string>> Documented(yajl_val paths) {
  static const std::set<std::string> kMethods = {
      "get", "put", "post", "delete", "options", "head", "patch", "trace"};
  std::set<std::pair<const route*, std::string>> ops;
  for (size_t i = 0; i < paths->u.object.len; i++) {
    std::string path = paths->u.object.keys[i];
    std::string concrete =
        std::regex_replace(path, std::regex("\\{[^}]*\\}"), "x");
    yajl_val item = paths->u.object.values[i];
    for (size_t m = 0; m < item->u.object.len; m++) {
      std::string op = item->u.object.keys[m];
      if (kMethods.count(op) == 0) continue;
      std::string method = op;
      for (char& c : method) c = static_cast<char>(toupper(c));
      route_match match = router_match(method.c_str(), concrete.c_str());
      EXPECT_EQ(match.status, 0)
          << op << " " << path << " is documented but not in the route table";
      if (match.status != 0) continue;
      EXPECT_EQ(match.route->is_prefix != 0, path != concrete)
          << path << ": a template is documented for a prefix route only";
      ops.insert({match.route, op});
    }
  }
  return ops;
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  Json doc = RenderFor("");
  yajl_val paths = At(doc.get(), {"paths"});
  ASSERT_TRUE(paths && YAJL_IS_OBJECT(paths));
  auto documented = Documented(paths);
  std::set<std::pair<const route*, std::string>> routed;
  int count = 0;
  const route* routes = router_routes(&count);
  for (int i = 0; i < count; i++) {
    // Every method of the Allow header, lower-case; OpenAPI's GET covers HEAD.
    std::stringstream allow(router_allow(routes[i].methods));
    for (std::string method; std::getline(allow >> std::ws, method, ',');) {
      for (char& c : method) c = static_cast<char>(tolower(c));
      if (method != "head") routed.insert({&routes[i], method});
    }
  }
  for (const auto& op : routed)
    EXPECT_EQ(documented.count(op), 1u)
        << op.second << " " << op.first->path
        << " is routed but not documented";
  EXPECT_EQ(documented, routed);
}

// Every route the service may shed (overload.h) documents its 503 with
// Retry-After; an always-served row (/health) does not.
TEST(OpenApi, EveryRouteButHealthDocumentsOverload) {
  Json doc = RenderFor("");
  int count = 0;
  const route* routes = router_routes(&count);
  for (int i = 0; i < count; i++) {
    std::string path = routes[i].path;
    if (routes[i].is_prefix) path += "{asset}";
    const char* method = routes[i].methods == METHODS_POST ? "post" : "get";
    EXPECT_EQ(Str(doc.get(), {"paths", path.c_str(), method, "responses", "503",
                              "$ref"}),
              routes[i].always_served ? "<missing>"
                                      : "#/components/responses/Overloaded")
        << method << " " << path;
  }
  EXPECT_NE(At(doc.get(), {"components", "responses", "Overloaded", "headers",
                           "Retry-After"}),
            nullptr);
}

TEST(OpenApi, V1RoutesNeedTheApiKeyAndPublicOnesDoNot) {
  Json doc = RenderFor("");
  EXPECT_EQ(Str(doc.get(), {"components", "securitySchemes", "api_key", "in"}),
            "header");
  EXPECT_EQ(
      Str(doc.get(), {"components", "securitySchemes", "api_key", "name"}),
      "x-api-key");
  yajl_val paths = At(doc.get(), {"paths"});
  for (size_t i = 0; i < paths->u.object.len; i++) {
    std::string path = paths->u.object.keys[i];
    yajl_val item = paths->u.object.values[i];
    for (size_t m = 0; m < item->u.object.len; m++) {
      yajl_val security = At(item->u.object.values[m], {"security"});
      ASSERT_TRUE(security && YAJL_IS_ARRAY(security)) << path;
      bool keyed = security->u.array.len == 1 &&
                   At(security->u.array.values[0], {"api_key"}) != nullptr;
      EXPECT_EQ(keyed, path.rfind("/v1/", 0) == 0) << path;
    }
  }
}

TEST(OpenApi, EchoDocumentsEveryErrorAsProblemJson) {
  Json doc = RenderFor("");
  for (const char* status : {"400", "413", "415", "422"}) {
    std::string ref = Str(doc.get(), {"paths", "/v1/echo", "post", "responses",
                                      status, "$ref"});
    EXPECT_EQ(ref.rfind("#/components/responses/", 0), 0u) << status;
    std::string name = ref.substr(std::string("#/components/responses/").size());
    EXPECT_NE(At(doc.get(), {"components", "responses", name.c_str(), "content",
                             "application/problem+json"}),
              nullptr)
        << status;
  }
  EXPECT_EQ(At(doc.get(), {"components", "schemas", "EchoRequest",
                           "additionalProperties"})
                ->type,
            yajl_t_false);
}

}  // namespace
