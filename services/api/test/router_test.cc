// Routing: exact paths, the /docs/ prefix, 404 versus 405 with Allow, and
// the table itself: every row has a handler and a path of its own.
#include <set>
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "router.h"

// handlers.h needs C11 atomics (exchange.h), so its functions are declared
// here by their type; the linker finds them in api_lib.
route_handler handle_health, handle_docs_page, handle_docs_asset,
    handle_openapi, handle_version, handle_echo;
}

namespace {

route_handler* HandlerOf(const char* method, const char* path) {
  route_match m = router_match(method, path);
  return m.status == 0 ? m.route->handler : nullptr;
}

TEST(Router, RoutesEveryPublicPathToItsHandler) {
  EXPECT_EQ(HandlerOf("GET", "/health"), handle_health);
  EXPECT_EQ(HandlerOf("HEAD", "/health"), handle_health);
  EXPECT_EQ(HandlerOf("GET", "/docs"), handle_docs_page);
  EXPECT_EQ(HandlerOf("GET", "/docs/"), handle_docs_asset);
  EXPECT_EQ(HandlerOf("GET", "/docs/swagger-ui.css"), handle_docs_asset);
  EXPECT_EQ(HandlerOf("GET", "/openapi.json"), handle_openapi);
  EXPECT_EQ(HandlerOf("GET", "/v1/version"), handle_version);
  EXPECT_EQ(HandlerOf("POST", "/v1/echo"), handle_echo);
}

TEST(Router, RestIsWhatFollowsTheRoutesPath) {
  EXPECT_STREQ(router_match("GET", "/docs/swagger-ui.css").rest,
               "swagger-ui.css");
  EXPECT_STREQ(router_match("GET", "/docs/").rest, "");
  EXPECT_STREQ(router_match("GET", "/health").rest, "");
  EXPECT_EQ(router_match("POST", "/health").rest, nullptr) << "not routed";
}

TEST(Router, UnknownPathsAre404) {
  for (const char* path : {"/", "/healthz", "/health/", "/dev/health",
                           "/docsx", "/v1", "/v1/echo/", "", "health"}) {
    route_match m = router_match("GET", path);
    EXPECT_EQ(m.status, 404) << path;
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_EQ(m.allow, nullptr) << path;
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  route_match m = router_match("POST", "/health");
  EXPECT_EQ(m.status, 405);
  EXPECT_STREQ(m.allow, "GET, HEAD");
  m = router_match("GET", "/v1/echo");
  EXPECT_EQ(m.status, 405);
  EXPECT_STREQ(m.allow, "POST");
  EXPECT_EQ(router_match("get", "/health").status, 405) << "case-sensitive";
  EXPECT_EQ(router_match("DELETE", "/docs/x").status, 405);
}

TEST(Router, NullInputsAre404) {
  EXPECT_EQ(router_match(nullptr, "/health").status, 404);
  EXPECT_EQ(router_match("GET", nullptr).status, 404);
}

// A row is the whole route: it must name a handler, and no row may be
// hidden behind an earlier one (the first row that matches wins).
TEST(Router, EveryRowHasAHandlerAndIsReachable) {
  int count = 0;
  const route* routes = router_routes(&count);
  ASSERT_GT(count, 0);
  std::set<std::string> paths;
  for (int i = 0; i < count; i++) {
    const route& r = routes[i];
    ASSERT_NE(r.path, nullptr) << "row " << i;
    EXPECT_NE(r.handler, nullptr) << r.path;
    EXPECT_EQ(r.path[0], '/') << r.path;
    EXPECT_TRUE(paths.insert(r.path).second) << "two rows for " << r.path;
    const char* method = r.methods == METHODS_POST ? "POST" : "GET";
    EXPECT_EQ(router_match(method, r.path).route, &r)
        << r.path << " is routed to an earlier row";
  }
}

}  // namespace
