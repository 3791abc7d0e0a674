// Strict percent-decoding of request paths.
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "url.h"
}

namespace {

std::string Decode(const std::string& path, int* rc, size_t size = 256) {
  std::string out(size, '\0');
  *rc = url_decode_path(path.c_str(), &out[0], size);
  return *rc == 0 ? std::string(out.c_str()) : "";
}

TEST(Url, DecodesEscapes) {
  int rc;
  EXPECT_EQ(Decode("/docs/a%20b.css", &rc), "/docs/a b.css");
  EXPECT_EQ(Decode("/%2e%2E/x", &rc), "/../x");
  EXPECT_EQ(Decode("/plain", &rc), "/plain");
  EXPECT_EQ(rc, 0);
}

TEST(Url, RejectsNulAndMalformedEscapes) {
  for (const char* bad : {"/a%00b", "/a%", "/a%2", "/a%zz", "/a%2g", "/%%41"}) {
    int rc;
    Decode(bad, &rc);
    EXPECT_EQ(rc, -1) << bad;
  }
}

TEST(Url, RejectsWhatDoesNotFit) {
  int rc;
  Decode("/abcdef", &rc, 4);
  EXPECT_EQ(rc, -1);
  Decode("/ab", &rc, 4);
  EXPECT_EQ(rc, 0);
}

}  // namespace
