// Response heads: the headers every response must carry.
#include <ctime>
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "http_response.h"
}

namespace {

http_response Base() {
  http_response r{};
  r.status = 200;
  r.content_type = "application/json";
  r.cache_control = CACHE_NO_STORE;
  r.request_id = "rid";
  r.date = "Thu, 26 Nov 2026 14:46:21 GMT";
  r.keep_alive = 1;
  r.content_length = 42;
  return r;
}

std::string Format(const http_response& r) {
  char buf[1024];
  int n = http_format_head(&r, buf, sizeof(buf));
  return n < 0 ? "<error>" : std::string(buf, static_cast<size_t>(n));
}

TEST(HttpResponse, CarriesTheMandatoryHeaders) {
  std::string head = Format(Base());
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  for (const char* line :
       {"Content-Length: 42\r\n", "Content-Type: application/json\r\n",
        "Cache-Control: no-store\r\n", "X-Content-Type-Options: nosniff\r\n",
        "X-Request-Id: rid\r\n", "Connection: keep-alive\r\n",
        "Date: Thu, 26 Nov 2026 14:46:21 GMT\r\n"})
    EXPECT_NE(head.find(line), std::string::npos) << line;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(HttpResponse, OptionalHeadersOnlyWhenSet) {
  http_response r = Base();
  EXPECT_EQ(Format(r).find("Allow:"), std::string::npos);
  EXPECT_EQ(Format(r).find("Retry-After:"), std::string::npos);
  r.status = 405;
  r.allow = "GET, HEAD";
  r.keep_alive = 0;
  r.location = "../docs";
  std::string head = Format(r);
  EXPECT_EQ(head.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u);
  EXPECT_NE(head.find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_NE(head.find("Location: ../docs\r\n"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
}

TEST(HttpResponse, OverloadCarriesRetryAfter) {
  http_response r = Base();
  r.status = 503;
  r.retry_after = "1";
  r.keep_alive = 0;
  std::string head = Format(r);
  EXPECT_EQ(head.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u);
  EXPECT_NE(head.find("Retry-After: 1\r\n"), std::string::npos);
}

TEST(HttpResponse, TooSmallBufferIsAnError) {
  http_response r = Base();
  char buf[40];
  EXPECT_EQ(http_format_head(&r, buf, sizeof(buf)), -1);
}

TEST(HttpResponse, DateIsImfFixdate) {
  char out[30];
  http_format_date(0, out);
  EXPECT_STREQ(out, "Thu, 01 Jan 1970 00:00:00 GMT");
}

// The formatter writes digits itself (no strftime on the hot path): it
// must agree with strftime, in the C locale, on every field.
TEST(HttpResponse, DateAgreesWithStrftimeFrom1970To2100) {
  for (time_t t = 0; t < 4102444800; t += 7 * 86400 + 3599) {
    char ours[30], libc[30];
    struct tm tm;
    http_format_date(t, ours);
    gmtime_r(&t, &tm);
    strftime(libc, sizeof(libc), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    ASSERT_STREQ(ours, libc) << "t=" << t;
  }
}

TEST(HttpResponse, DateOutsideFourDigitYearsIsTheEpoch) {
  char out[30];
  http_format_date(253402300800, out);  // the year 10000
  EXPECT_STREQ(out, "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpResponse, HeadThatExactlyFitsIsWrittenOneByteLessIsNot) {
  http_response r = Base();
  char big[1024];
  int len = http_format_head(&r, big, sizeof(big));
  ASSERT_GT(len, 0);
  std::string exact(static_cast<size_t>(len) + 1, 'x');  // + the NUL
  EXPECT_EQ(http_format_head(&r, exact.data(), exact.size()), len);
  EXPECT_EQ(std::string(exact.c_str()), std::string(big, len));
  EXPECT_EQ(http_format_head(&r, exact.data(), exact.size() - 1), -1);
}

TEST(HttpResponse, ContentLengthIsExactForLargeBodies) {
  http_response r = Base();
  r.content_length = 18446744073709551615u;
  char buf[1024];
  ASSERT_GT(http_format_head(&r, buf, sizeof(buf)), 0);
  EXPECT_NE(std::string(buf).find("\r\nContent-Length: 18446744073709551615\r\n"),
            std::string::npos);
}

}  // namespace
