// When a request is answered 503 instead of being served (overload.h).
#include <gtest/gtest.h>

#include <string>

extern "C" {
#include "overload.h"
}

namespace {

const struct route *route_of(const char *path) {
  int count = 0;
  const struct route *routes = router_routes(&count);
  for (int i = 0; i < count; i++) {
    if (std::string(routes[i].path) == path) return &routes[i];
  }
  ADD_FAILURE() << "no route " << path;
  return &routes[0];
}

TEST(OverloadTest, ShedsOnlyPastTheLimit) {
  EXPECT_FALSE(overload_should_shed(0, route_of("/v1/version")));
  EXPECT_FALSE(overload_should_shed(OVERLOAD_WAIT_MS, route_of("/v1/echo")));
  EXPECT_TRUE(overload_should_shed(OVERLOAD_WAIT_MS + 1, route_of("/v1/echo")));
}

TEST(OverloadTest, EveryRouteButHealthIsShed) {
  int count = 0;
  const struct route *routes = router_routes(&count);
  ASSERT_GT(count, 1);
  for (int i = 0; i < count; i++) {
    EXPECT_EQ(overload_should_shed(60000, &routes[i]),
              std::string(routes[i].path) != "/health")
        << "route " << routes[i].path;
  }
}

}  // namespace
