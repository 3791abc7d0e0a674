// The gzip wrapper: fixed header bytes (no name, mtime 0, Unix), level 9,
// output that inflates back to the input and repeats byte for byte.
#include <string>

#include <gtest/gtest.h>
#include <zlib.h>

#include "oci_test_util.h"

extern "C" {
#include "gzip_stream.h"
}

namespace {

using oci_test::StringSink;

std::string Gzip(const std::string& input, size_t piece) {
  std::string out;
  gzip_stream gz;
  oci_error err{};
  EXPECT_EQ(gzip_stream_init(&gz, StringSink(&out), &err), 0) << err.message;
  for (size_t i = 0; i < input.size(); i += piece) {
    std::string part = input.substr(i, piece);
    EXPECT_EQ(gzip_stream_write(&gz, reinterpret_cast<const unsigned char*>(part.data()),
                                part.size(), &err),
              0);
  }
  EXPECT_EQ(gzip_stream_finish(&gz, &err), 0) << err.message;
  return out;
}

std::string Gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 31), Z_OK);
  std::string out;
  char buf[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&z);
  return out;
}

std::string Input() {
  std::string s;
  for (unsigned i = 0; i < 300000; i++) s.push_back(static_cast<char>((i * 7919u) % 251u));
  return s;
}

TEST(GzipStream, HeaderBytes) {
  std::string gz = Gzip("hello\n", 4096);
  ASSERT_GE(gz.size(), 18u);
  const unsigned char expected[10] = {
      0x1f, 0x8b,              // magic
      0x08,                    // deflate
      0x00,                    // flags: no FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT
      0x00, 0x00, 0x00, 0x00,  // mtime 0
      0x02,                    // XFL: maximum compression (level 9)
      0x03,                    // OS: Unix
  };
  EXPECT_EQ(gz.substr(0, 10), std::string(reinterpret_cast<const char*>(expected), 10));
}

TEST(GzipStream, RoundTripsAndIgnoresChunking) {
  std::string input = Input();
  std::string one = Gzip(input, input.size());
  EXPECT_EQ(Gunzip(one), input);
  EXPECT_EQ(Gzip(input, 1000), one);
  EXPECT_EQ(Gzip(input, 65536), one);
  EXPECT_LT(one.size(), input.size());
}

TEST(GzipStream, EmptyInput) {
  std::string gz = Gzip("", 1);
  EXPECT_EQ(Gunzip(gz), "");
  EXPECT_EQ(gz.size(), 20u);  // 10 header + 2 empty block + 8 trailer
}

int FailingWrite(void*, const unsigned char*, size_t, oci_error* err) {
  return oci_fail(err, "disk full");
}

TEST(GzipStream, SinkErrorsPropagate) {
  gzip_stream gz;
  oci_error err{};
  ASSERT_EQ(gzip_stream_init(&gz, byte_sink{FailingWrite, nullptr}, &err), 0);
  EXPECT_EQ(gzip_stream_finish(&gz, &err), -1);
  EXPECT_STREQ(err.message, "disk full");
}

}  // namespace
