// Request-id acceptance: caller ids only when safe, else generated.
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "request_id.h"
}

namespace {

const unsigned char kRandom[REQUEST_ID_RANDOM_BYTES] = {
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
const char kGenerated[] = "00112233445566778899aabbccddeeff";

std::string Choose(const char* x_request_id, const char* trace) {
  char out[REQUEST_ID_MAX + 1];
  request_id_choose(x_request_id, trace, kRandom, out);
  return out;
}

TEST(RequestId, KeepsAValidCallerId) {
  EXPECT_EQ(Choose("abc-DEF_1.2:3", nullptr), "abc-DEF_1.2:3");
  EXPECT_EQ(Choose(std::string(128, 'x').c_str(), nullptr),
            std::string(128, 'x'));
}

TEST(RequestId, GeneratesWhenAbsentOrUnsafe) {
  for (const char* bad : {"", "has space", "semi;colon", "quote\"", "new\nline",
                          "\xc3\xa9", "a/b"})
    EXPECT_EQ(Choose(bad, nullptr), kGenerated) << bad;
  EXPECT_EQ(Choose(nullptr, nullptr), kGenerated);
  EXPECT_EQ(Choose(std::string(129, 'x').c_str(), nullptr), kGenerated);
}

TEST(RequestId, FallsBackToTheAmznTraceRoot) {
  EXPECT_EQ(Choose(nullptr, "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"),
            "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(Choose("bad id", "Self=1-abc; Root=1-def-0123"), "1-def-0123");
}

TEST(RequestId, IgnoresATraceHeaderWithoutAValidRoot) {
  EXPECT_EQ(Choose(nullptr, "Sampled=1"), kGenerated);
  EXPECT_EQ(Choose(nullptr, "Root="), kGenerated);
  EXPECT_EQ(Choose(nullptr, "Root=bad value"), kGenerated);
}

TEST(RequestId, CallerIdWinsOverTrace) {
  EXPECT_EQ(Choose("mine", "Root=1-abc"), "mine");
}

TEST(RequestId, GeneratedIdIs128BitsOfHex) {
  EXPECT_EQ(std::string(kGenerated).size(), 32u);
  EXPECT_TRUE(request_id_is_valid(kGenerated));
}

}  // namespace
