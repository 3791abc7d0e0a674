// Routing: exact paths, the /docs/ prefix, 404 versus 405 with Allow.
#include <gtest/gtest.h>

extern "C" {
#include "router.h"
}

namespace {

TEST(Router, RoutesEveryPublicPath) {
  EXPECT_EQ(router_match("GET", "/health").route->id, ROUTE_HEALTH);
  EXPECT_EQ(router_match("HEAD", "/health").route->id, ROUTE_HEALTH);
  EXPECT_EQ(router_match("GET", "/docs").route->id, ROUTE_DOCS_PAGE);
  EXPECT_EQ(router_match("GET", "/docs/").route->id, ROUTE_DOCS_ASSET);
  EXPECT_EQ(router_match("GET", "/docs/swagger-ui.css").route->id,
            ROUTE_DOCS_ASSET);
  EXPECT_EQ(router_match("GET", "/openapi.json").route->id, ROUTE_OPENAPI);
  EXPECT_EQ(router_match("GET", "/v1/version").route->id, ROUTE_VERSION);
  EXPECT_EQ(router_match("POST", "/v1/echo").route->id, ROUTE_ECHO);
}

TEST(Router, UnknownPathsAre404) {
  for (const char* path : {"/", "/healthz", "/health/", "/dev/health",
                           "/docsx", "/v1", "/v1/echo/", "", "health"}) {
    route_match m = router_match("GET", path);
    EXPECT_EQ(m.status, 404) << path;
    EXPECT_EQ(m.route, nullptr) << path;
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  route_match m = router_match("POST", "/health");
  EXPECT_EQ(m.status, 405);
  EXPECT_STREQ(m.route->allow, "GET, HEAD");
  m = router_match("GET", "/v1/echo");
  EXPECT_EQ(m.status, 405);
  EXPECT_STREQ(m.route->allow, "POST");
  EXPECT_EQ(router_match("get", "/health").status, 405) << "case-sensitive";
  EXPECT_EQ(router_match("DELETE", "/docs/x").status, 405);
}

TEST(Router, NullInputsAre404) {
  EXPECT_EQ(router_match(nullptr, "/health").status, 404);
  EXPECT_EQ(router_match("GET", nullptr).status, 404);
}

}  // namespace
