// --file/--dir parsing: destinations become tar member names, modes and
// owners are validated, and every bad spec is a usage error naming itself.
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "layer_spec.h"
}

namespace {

struct Parsed {
  int rc;
  layer_entry entry;
  oci_error err;
};

Parsed File(const char* spec) {
  Parsed p{};
  p.rc = layer_spec_parse_file(spec, &p.entry, &p.err);
  return p;
}

Parsed Dir(const char* spec) {
  Parsed p{};
  p.rc = layer_spec_parse_dir(spec, &p.entry, &p.err);
  return p;
}

TEST(LayerSpec, FileSpec) {
  Parsed p = File("bazel-out/k8/bin/api=/app/api:0555:65532:65533");
  ASSERT_EQ(p.rc, 0) << p.err.message;
  EXPECT_STREQ(p.entry.source, "bazel-out/k8/bin/api");
  EXPECT_STREQ(p.entry.path, "app/api");
  EXPECT_EQ(p.entry.mode, 0555u);
  EXPECT_EQ(p.entry.uid, 65532u);
  EXPECT_EQ(p.entry.gid, 65533u);
  EXPECT_FALSE(layer_entry_is_dir(&p.entry));
  layer_entry_free(&p.entry);
}

TEST(LayerSpec, DirSpecGetsTrailingSlash) {
  for (const char* spec : {"/tmp:1777:0:0", "/tmp/:1777:0:0"}) {
    Parsed p = Dir(spec);
    ASSERT_EQ(p.rc, 0) << p.err.message;
    EXPECT_STREQ(p.entry.path, "tmp/");
    EXPECT_EQ(p.entry.mode, 01777u);
    EXPECT_TRUE(layer_entry_is_dir(&p.entry));
    layer_entry_free(&p.entry);
  }
}

TEST(LayerSpec, DestinationMayContainColonsAndEquals) {
  Parsed p = File("src=/etc/a:b=c:0644:0:0");
  ASSERT_EQ(p.rc, 0) << p.err.message;
  EXPECT_STREQ(p.entry.source, "src");
  EXPECT_STREQ(p.entry.path, "etc/a:b=c");
  layer_entry_free(&p.entry);
}

TEST(LayerSpec, Modes) {
  unsigned mode = 0;
  EXPECT_EQ(layer_spec_parse_mode("0644", &mode), 0);
  EXPECT_EQ(mode, 0644u);
  EXPECT_EQ(layer_spec_parse_mode("7777", &mode), 0);
  EXPECT_EQ(mode, 07777u);
  EXPECT_EQ(layer_spec_parse_mode("4755", &mode), 0);
  EXPECT_EQ(mode, 04755u);
  EXPECT_EQ(layer_spec_parse_mode("644", &mode), 0);
  EXPECT_EQ(mode, 0644u);
  for (const char* bad : {"", "10000", "17777", "0o644", "0648", "-1", "64 4",
                          "0000000"}) {
    EXPECT_EQ(layer_spec_parse_mode(bad, &mode), -1) << bad;
  }
}

TEST(LayerSpec, Ids) {
  unsigned long id = 0;
  EXPECT_EQ(layer_spec_parse_id("0", &id), 0);
  EXPECT_EQ(layer_spec_parse_id("2097151", &id), 0);
  EXPECT_EQ(id, 2097151u);
  for (const char* bad : {"", "2097152", "-1", "x", "1.5", "99999999"}) {
    EXPECT_EQ(layer_spec_parse_id(bad, &id), -1) << bad;
  }
}

TEST(LayerSpec, RejectsBadSpecsAsUsageErrors) {
  const char* bad_files[] = {
      "no-equals-sign",
      "=/app/x:0644:0:0",           // empty source
      "src=/app/x:0644:0",          // missing gid
      "src=app/x:0644:0:0",         // relative
      "src=/app/../etc/x:0644:0:0", // ".."
      "src=/app/./x:0644:0:0",      // "."
      "src=/app//x:0644:0:0",       // empty component
      "src=/app/x/:0644:0:0",       // a file cannot end in "/"
      "src=/:0644:0:0",             // nothing below /
      "src=/x:17777:0:0",           // mode above 07777
      "src=/x:0644:root:0",         // names are not ids
      "src=/x:0644:0:2097152",      // beyond ustar's 7 octal digits
      "src=/a\nb:0644:0:0",         // control character
  };
  for (const char* spec : bad_files) {
    Parsed p = File(spec);
    EXPECT_EQ(p.rc, -1) << spec;
    EXPECT_EQ(p.err.kind, OCI_ERROR_USAGE) << spec;
    EXPECT_NE(std::string(p.err.message).find("--file"), std::string::npos)
        << p.err.message;
    EXPECT_EQ(p.entry.path, nullptr);
    EXPECT_EQ(p.entry.source, nullptr);
  }
  for (const char* spec : {"tmp:1777:0:0", "/:0755:0:0", "/tmp:0755:0",
                           "/../tmp:0755:0:0"}) {
    Parsed p = Dir(spec);
    EXPECT_EQ(p.rc, -1) << spec;
    EXPECT_EQ(p.err.kind, OCI_ERROR_USAGE) << spec;
  }
}

TEST(LayerSpec, MessagesSayWhatIsWrong) {
  Parsed p = File("src=/x:17777:0:0");
  EXPECT_STREQ(p.err.message,
               "--file \"src=/x:17777:0:0\": mode \"17777\" is not octal from "
               "0000 to 7777");
  p = File("src=etc/x:0644:0:0");
  EXPECT_STREQ(p.err.message,
               "--file \"src=etc/x:0644:0:0\": destination \"etc/x\" must be "
               "absolute (start with /)");
}

}  // namespace
