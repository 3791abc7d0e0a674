// Decimal digits without printf: the same text std::to_string gives.
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "decimal.h"
}

namespace {

std::string Write(unsigned long long v) {
  char out[20];
  return std::string(out, decimal_write(out, v));
}

TEST(Decimal, AgreesWithPrintf) {
  for (unsigned long long v :
       {0ull, 7ull, 10ull, 99ull, 100ull, 65536ull, 1234567890123ull,
        18446744073709551615ull}) {
    EXPECT_EQ(Write(v), std::to_string(v));
  }
}

TEST(Decimal, FixedWidthPadsWithZerosAndKeepsTheLowDigits) {
  char out[4];
  decimal_write_fixed(out, 7, 2);
  EXPECT_EQ(std::string(out, 2), "07");
  decimal_write_fixed(out, 2026, 4);
  EXPECT_EQ(std::string(out, 4), "2026");
  decimal_write_fixed(out, 5, 3);
  EXPECT_EQ(std::string(out, 3), "005");
  decimal_write_fixed(out, 1234, 2);
  EXPECT_EQ(std::string(out, 2), "34");
}

TEST(Decimal, UtcAcceptsOnlyFourDigitYears) {
  struct tm tm;
  ASSERT_EQ(decimal_utc(253402300799, &tm), 0);  // 9999-12-31T23:59:59Z
  EXPECT_EQ(tm.tm_year + 1900, 9999);
  EXPECT_EQ(decimal_utc(253402300800, &tm), -1);  // 10000-01-01
  EXPECT_EQ(decimal_utc(-62167219201, &tm), -1);  // the year -1
}

TEST(Decimal, ClockIsTwoDigitsEach) {
  struct tm tm = {};
  tm.tm_hour = 1;
  tm.tm_min = 2;
  tm.tm_sec = 60;  // a leap second
  char out[8];
  decimal_write_clock(out, &tm);
  EXPECT_EQ(std::string(out, 8), "01:02:60");
}

}  // namespace
