// Access-log lines are one valid JSON object whatever the client sent.
#include <cstring>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "json_check.h"

extern "C" {
#include "access_log.h"
}

namespace {

std::string Format(const access_entry& e) {
  json_text out;
  EXPECT_EQ(access_log_format(&e, &out), 0);
  std::string line(out.data ? out.data : "", out.len);
  json_text_free(&out);
  return line;
}

access_entry Entry() {
  access_entry e{};
  e.time.tv_sec = 1795704381;  // 2026-11-26T14:46:21Z
  e.time.tv_nsec = 7000000;
  e.method = "GET";
  e.path = "/health";
  e.status = 200;
  e.bytes = 321;
  e.duration_ms = 0.25;
  e.request_id = "rid";
  e.user_agent = "curl/8";
  return e;
}

TEST(AccessLog, HasEveryFieldAsJson) {
  std::string line = Format(Entry());
  Json doc = ParseJson(line);
  ASSERT_TRUE(doc) << line;
  EXPECT_EQ(Str(doc.get(), {"time"}), "2026-11-26T14:46:21.007Z");
  EXPECT_EQ(Str(doc.get(), {"method"}), "GET");
  EXPECT_EQ(Str(doc.get(), {"path"}), "/health");
  EXPECT_EQ(Int(doc.get(), {"status"}), 200);
  EXPECT_EQ(Int(doc.get(), {"bytes"}), 321);
  EXPECT_EQ(Str(doc.get(), {"request_id"}), "rid");
  EXPECT_EQ(Str(doc.get(), {"user_agent"}), "curl/8");
  EXPECT_NE(line.find("\"duration_ms\":0.250"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(AccessLog, HostilePathAndAgentStayValidJson) {
  access_entry e = Entry();
  e.path = "/\"},{\"status\":500,\"x\":\"\\\n\r\t\x01\x1f\xff\xfe\xc3";
  e.user_agent = "\xed\xa0\x80 surrogate \xf4\x90\x80\x80 too big";
  std::string line = Format(e);
  Json doc = ParseJson(line);
  ASSERT_TRUE(doc) << line;
  EXPECT_EQ(Int(doc.get(), {"status"}), 200) << "no field injection";
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(Str(doc.get(), {"path"}).substr(0, 3), "/\"}");
}

TEST(AccessLog, MissingRequestLineFieldsAreNull) {
  access_entry e = Entry();
  e.method = nullptr;
  e.path = nullptr;
  e.user_agent = nullptr;
  Json doc = ParseJson(Format(e));
  ASSERT_TRUE(doc);
  ASSERT_NE(At(doc.get(), {"method"}), nullptr);
  EXPECT_TRUE(YAJL_IS_NULL(At(doc.get(), {"method"})));
  EXPECT_TRUE(YAJL_IS_NULL(At(doc.get(), {"path"})));
}

TEST(AccessLog, LongValuesAreCut) {
  std::string path(100000, 'p');
  access_entry e = Entry();
  e.path = path.c_str();
  std::string line = Format(e);
  ASSERT_TRUE(ParseJson(line));
  EXPECT_LT(line.size(), 3000u);
}

// The timestamp is written digit by digit (no strftime per request): it
// must agree with strftime and carry the milliseconds, truncated.
TEST(AccessLog, TimeAgreesWithStrftimeFrom1970To2100) {
  for (time_t t = 0; t < 4102444800; t += 7 * 86400 + 3599) {
    timespec ts = {t, static_cast<long>(t % 1000) * 1000000 + 999999};
    char ours[25], libc[32];
    struct tm tm;
    access_log_time(&ts, ours);
    gmtime_r(&t, &tm);
    size_t n = strftime(libc, sizeof(libc), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(libc + n, sizeof(libc) - n, ".%03dZ", static_cast<int>(t % 1000));
    ASSERT_STREQ(ours, libc) << "t=" << t;
  }
}

TEST(AccessLog, DurationHasThreeDecimalsAndIsNeverNegative) {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0.000"},     {0.0004, "0.000"},   {0.0006, "0.001"},
      {1.5, "1.500"},     {12.3456, "12.346"}, {10000.0, "10000.000"},
      {-3.0, "0.000"},    {1e300, "1000000000000.000"},
  };
  for (const auto& [ms, want] : cases) {
    access_entry e = {};
    e.duration_ms = ms;
    std::string line = Format(e);
    EXPECT_NE(line.find(std::string("\"duration_ms\":") + want + ","),
              std::string::npos)
        << ms << ": " << line;
  }
}

}  // namespace
