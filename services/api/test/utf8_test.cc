// UTF-8 validation, counting and repair.
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "utf8.h"
}

namespace {

size_t Count(const std::string& s) {
  return utf8_count_code_points(s.data(), s.size());
}

std::string Sanitize(const std::string& s) {
  std::string out(utf8_sanitized_size(s.data(), s.size()), '\0');
  out.resize(utf8_sanitize(s.data(), s.size(), &out[0]));
  return out;
}

const size_t kInvalid = static_cast<size_t>(-1);

TEST(Utf8, CountsCodePoints) {
  EXPECT_EQ(Count(""), 0u);
  EXPECT_EQ(Count("abc"), 3u);
  EXPECT_EQ(Count("h\xc3\xa9"), 2u);             // é
  EXPECT_EQ(Count("\xe2\x82\xac"), 1u);          // €
  EXPECT_EQ(Count("\xf0\x9f\x98\x80"), 1u);      // 😀
  EXPECT_EQ(Count(std::string("\0", 1)), 1u);
}

TEST(Utf8, RejectsIllFormedSequences) {
  for (const char* bad : {"\x80", "\xc0\xaf", "\xc3", "\xe0\x80\xaf",
                          "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
                          "\xff"})
    EXPECT_EQ(Count(bad), kInvalid) << bad;
}

TEST(Utf8, SanitizeKeepsValidText) {
  EXPECT_EQ(Sanitize("plain h\xc3\xa9"), "plain h\xc3\xa9");
}

TEST(Utf8, SanitizeReplacesEachBadByte) {
  EXPECT_EQ(Sanitize("a\xff" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(Sanitize("\xc3"), "\xef\xbf\xbd");
  EXPECT_EQ(Sanitize("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
