// --healthcheck's status-line parsing and its probe against closed ports.
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "healthcheck.h"
}

namespace {

int Parse(const std::string& s) {
  return healthcheck_parse_status(s.data(), s.size());
}

TEST(Healthcheck, ParsesStatusLines) {
  EXPECT_EQ(Parse("HTTP/1.1 200 OK\r\n"), 200);
  EXPECT_EQ(Parse("HTTP/1.0 503 Service Unavailable\r\n"), 503);
}

TEST(Healthcheck, RejectsNonHttp) {
  EXPECT_EQ(Parse(""), -1);
  EXPECT_EQ(Parse("HTTP/1.1 20"), -1);
  EXPECT_EQ(Parse("SSH-2.0-OpenSSH_9\r\n"), -1);
  EXPECT_EQ(Parse("HTTP/1.1 2x0 OK"), -1);
  EXPECT_EQ(Parse("HTTP/2 200 OK\r\n"), -1);
}

TEST(Healthcheck, FailsFastWhenNothingListens) {
  char error[160] = "";
  // Port 1 on loopback is never ours; the connect is refused at once.
  EXPECT_EQ(healthcheck_probe(1, 2000, error, sizeof(error)), -1);
  EXPECT_NE(std::string(error).find("cannot connect"), std::string::npos)
      << error;
}

}  // namespace
