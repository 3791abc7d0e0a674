// When a request is answered 503 instead of being served (overload.h).
#include <gtest/gtest.h>

extern "C" {
#include "overload.h"
}

namespace {

TEST(OverloadTest, ShedsOnlyPastTheLimit) {
  EXPECT_FALSE(overload_should_shed(0, ROUTE_VERSION));
  EXPECT_FALSE(overload_should_shed(OVERLOAD_WAIT_MS, ROUTE_ECHO));
  EXPECT_TRUE(overload_should_shed(OVERLOAD_WAIT_MS + 1, ROUTE_ECHO));
}

TEST(OverloadTest, EveryRouteButHealthIsShed) {
  for (int id = 0; id < ROUTE_COUNT; id++) {
    EXPECT_EQ(overload_should_shed(60000, static_cast<route_id>(id)),
              id != ROUTE_HEALTH)
        << "route " << id;
  }
}

}  // namespace
