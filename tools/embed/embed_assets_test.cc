// Checks that embed_assets reproduces files byte for byte, including NUL,
// quotes, backslashes, newlines and high bytes, and that lookup works.
#include <cstring>
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "embedded_asset.h"
extern const struct embedded_asset fixture_assets[];
extern const size_t fixture_assets_count;
}

TEST(EmbedAssets, KeepsOrderAndCount) {
  ASSERT_EQ(fixture_assets_count, 2u);
  EXPECT_STREQ(fixture_assets[0].name, "empty.txt");
  EXPECT_STREQ(fixture_assets[1].name, "binary.bin");
}

TEST(EmbedAssets, EmptyFileHasZeroSize) {
  const embedded_asset* a =
      embedded_asset_find(fixture_assets, fixture_assets_count, "empty.txt");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->size, 0u);
}

TEST(EmbedAssets, BinaryBytesAreExact) {
  const unsigned char expected[] = {0x00, 0x01, '"', '\\', '\n', 'A', 0xff};
  const embedded_asset* a =
      embedded_asset_find(fixture_assets, fixture_assets_count, "binary.bin");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->size, sizeof(expected));
  EXPECT_EQ(std::memcmp(a->data, expected, sizeof(expected)), 0);
}

TEST(EmbedAssets, UnknownNameIsNull) {
  EXPECT_EQ(embedded_asset_find(fixture_assets, fixture_assets_count, "nope"),
            nullptr);
}
