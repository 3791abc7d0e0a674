// The two subcommands end to end, in process, on files under TEST_TMPDIR:
// what they write, with which modes whatever the umask, and which errors
// are usage errors (exit 2) and which failures (exit 1).
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>

#include "oci_test_util.h"

extern "C" {
#include "image_command.h"
#include "layer_command.h"
#include "sha256.h"
}

namespace {

using oci_test::Exists;
using oci_test::IsCanonicalJson;
using oci_test::ParseJson;
using oci_test::ReadFile;
using oci_test::ScratchDir;
using oci_test::WriteFile;

std::string Sha256(const std::string& bytes) {
  char digest[OCI_DIGEST_LEN + 1];
  oci_error err{};
  EXPECT_EQ(sha256_of(bytes.data(), bytes.size(), digest, &err), 0);
  return digest;
}

std::string Gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::string out;
  char buf[4096];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) out.append(buf, n);
  gzclose(f);
  return out;
}

unsigned Mode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string Field(const std::string& json, const char* key) {
  oci_test::Json doc = ParseJson(json);
  const char* path[] = {key, nullptr};
  yajl_val v = doc ? yajl_tree_get(doc.get(), path, yajl_t_any) : nullptr;
  if (v && YAJL_IS_STRING(v)) return YAJL_GET_STRING(v);
  if (v && YAJL_IS_INTEGER(v)) return std::to_string(YAJL_GET_INTEGER(v));
  return "<missing>";
}

using Command = int (*)(int, char**, FILE*, oci_error*);

struct Result {
  int rc;
  oci_error err;
  std::string out;
};

Result RunCommand(Command command, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  Result r{};
  FILE* out = tmpfile();
  r.rc = command(static_cast<int>(args.size()), argv.data(), out, &r.err);
  rewind(out);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), out)) > 0) r.out.append(buf, n);
  fclose(out);
  return r;
}

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ScratchDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    old_umask_ = umask(077);  // outputs must still be 0644 / 0755
    WriteFile(dir_ + "/hello.txt", "hello\n");
  }
  void TearDown() override { umask(old_umask_); }

  Result Layer(const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args = {"layer", "--output", dir_ + "/" + name + ".tar.gz",
                                     "--descriptor=" + dir_ + "/" + name + ".json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCommand(layer_command, args);
  }
  void WriteConfig() {
    WriteFile(dir_ + "/config.json",
              R"({"architecture":"amd64","cmd":[],"created":"1970-01-01T00:00:00Z",)"
              R"("entrypoint":["/app/hello"],"env":["A=1"],"exposed_ports":["8080/tcp"],)"
              R"("labels":{"k":"v"},"os":"linux","user":"65532:65532","workdir":"/"})");
  }
  Result Image(const std::string& layout, std::vector<std::string> layers) {
    std::vector<std::string> args = {"image", "--layout-dir", layout,
                                     "--digest-out", dir_ + "/img.digest",
                                     "--report-out", dir_ + "/img.report.json",
                                     "--config", dir_ + "/config.json"};
    for (const std::string& l : layers)
      args.push_back("--layer=" + dir_ + "/" + l + ".tar.gz=" + dir_ + "/" + l + ".json");
    return RunCommand(image_command, args);
  }

  std::string dir_;
  mode_t old_umask_;
};

TEST_F(CommandsTest, LayerWritesBlobAndDescriptor) {
  Result r = Layer("l", {"--file", dir_ + "/hello.txt=/app/hello:0444:0:0"});
  ASSERT_EQ(r.rc, 0) << r.err.message;
  std::string blob = ReadFile(dir_ + "/l.tar.gz");
  std::string desc = ReadFile(dir_ + "/l.json");
  EXPECT_TRUE(IsCanonicalJson(desc));
  EXPECT_EQ(Field(desc, "digest"), Sha256(blob));
  EXPECT_EQ(Field(desc, "diff_id"), Sha256(Gunzip(dir_ + "/l.tar.gz")));
  EXPECT_EQ(Field(desc, "size"), std::to_string(blob.size()));
  EXPECT_EQ(Field(desc, "mediaType"), "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(Mode(dir_ + "/l.tar.gz"), 0644u);
  EXPECT_EQ(Mode(dir_ + "/l.json"), 0644u);
}

TEST_F(CommandsTest, LayerUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"layer", "--descriptor", "d.json"}, "missing required option --output"},
      {{"layer", "--output", "o", "--descriptor", "d", "--colour", "x"},
       "unknown option --colour"},
      {{"layer", "--output", "o", "--output", "p"}, "option --output given twice"},
      {{"layer", "stray"}, "unexpected argument \"stray\" (every input is a --option)"},
      {{"layer", "--output"}, "option --output needs a value"},
      {{"layer", "--output", "o", "--descriptor", "d", "--dir", "/x:8888:0:0"},
       "--dir \"/x:8888:0:0\": mode \"8888\" is not octal from 0000 to 7777"},
      {{"layer", "--output", "o", "--descriptor", "d", "--dir", "/x:0755:0:0",
        "--dir", "/x:0700:0:0"},
       "duplicate destination \"/x\""},
  };
  for (const Case& c : cases) {
    Result r = RunCommand(layer_command, c.args);
    EXPECT_EQ(r.rc, -1);
    EXPECT_EQ(r.err.kind, OCI_ERROR_USAGE) << c.message;
    EXPECT_STREQ(r.err.message, c.message);
  }
}

TEST_F(CommandsTest, MissingSourceFailsAndLeavesNoOutput) {
  Result r = Layer("l", {"--file", dir_ + "/nope=/x:0644:0:0"});
  EXPECT_EQ(r.rc, -1);
  EXPECT_EQ(r.err.kind, OCI_ERROR_FAILURE);
  EXPECT_FALSE(Exists(dir_ + "/l.tar.gz"));
  EXPECT_FALSE(Exists(dir_ + "/l.json"));
}

TEST_F(CommandsTest, Help) {
  Result r = RunCommand(layer_command, {"layer", "--help"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out.rfind("Usage: oci_builder layer", 0), 0u) << r.out;
  r = RunCommand(image_command, {"image", "-h"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out.rfind("Usage: oci_builder image", 0), 0u) << r.out;
}

TEST_F(CommandsTest, ImageWritesLayout) {
  ASSERT_EQ(Layer("app", {"--file", dir_ + "/hello.txt=/app/hello:0555:0:0"}).rc, 0);
  ASSERT_EQ(Layer("tmp", {"--dir", "/tmp:1777:0:0"}).rc, 0);
  WriteConfig();
  const std::string layout = dir_ + "/layout";
  Result r = Image(layout, {"app", "tmp"});
  ASSERT_EQ(r.rc, 0) << r.err.message;

  EXPECT_EQ(ReadFile(layout + "/oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
  std::string index = ReadFile(layout + "/index.json");
  EXPECT_TRUE(IsCanonicalJson(index));
  std::string digest = ReadFile(dir_ + "/img.digest");
  ASSERT_EQ(digest.size(), 71u);  // no newline
  EXPECT_NE(index.find("\"digest\":\"" + digest + "\""), std::string::npos) << index;

  std::string blobs = layout + "/blobs/sha256/";
  std::string manifest = ReadFile(blobs + digest.substr(7));
  EXPECT_EQ(Sha256(manifest), digest);
  EXPECT_TRUE(IsCanonicalJson(manifest));
  for (const char* layer : {"app", "tmp"}) {
    std::string layer_digest = Field(ReadFile(dir_ + "/" + layer + ".json"), "digest");
    EXPECT_NE(manifest.find(layer_digest), std::string::npos);
    EXPECT_EQ(ReadFile(blobs + layer_digest.substr(7)),
              ReadFile(dir_ + "/" + layer + ".tar.gz"));
    EXPECT_EQ(Mode(blobs + layer_digest.substr(7)), 0644u);
  }
  std::string report = ReadFile(dir_ + "/img.report.json");
  EXPECT_TRUE(IsCanonicalJson(report));
  EXPECT_EQ(Field(report, "digest"), digest);
  std::string config = ReadFile(blobs + Field(report, "config_digest").substr(7));
  EXPECT_TRUE(IsCanonicalJson(config));
  EXPECT_NE(config.find(Field(ReadFile(dir_ + "/tmp.json"), "diff_id")), std::string::npos);

  for (const char* d : {"", "/blobs", "/blobs/sha256"}) EXPECT_EQ(Mode(layout + d), 0755u) << d;
  for (const char* f : {"/oci-layout", "/index.json"}) EXPECT_EQ(Mode(layout + f), 0644u) << f;
  EXPECT_EQ(Mode(dir_ + "/img.digest"), 0644u);
  EXPECT_EQ(Mode(dir_ + "/img.report.json"), 0644u);
}

TEST_F(CommandsTest, ImageRejectsALayerThatDoesNotMatchItsDescriptor) {
  ASSERT_EQ(Layer("a", {"--dir", "/a:0755:0:0"}).rc, 0);
  ASSERT_EQ(Layer("b", {"--dir", "/b:0755:0:0"}).rc, 0);
  WriteFile(dir_ + "/a.json", ReadFile(dir_ + "/b.json"));  // wrong descriptor
  WriteConfig();
  Result r = Image(dir_ + "/layout", {"a"});
  EXPECT_EQ(r.rc, -1);
  EXPECT_EQ(r.err.kind, OCI_ERROR_FAILURE);
  EXPECT_NE(std::string(r.err.message).find("but its descriptor says"), std::string::npos)
      << r.err.message;
}

TEST_F(CommandsTest, ImageRefusesANonEmptyLayout) {
  ASSERT_EQ(Layer("a", {"--dir", "/a:0755:0:0"}).rc, 0);
  WriteConfig();
  ScratchDir(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
             "/layout");
  WriteFile(dir_ + "/layout/stale", "x");
  Result r = Image(dir_ + "/layout", {"a"});
  EXPECT_EQ(r.rc, -1);
  EXPECT_NE(std::string(r.err.message).find("is not empty"), std::string::npos);
}

TEST_F(CommandsTest, ImageUsageErrors) {
  Result r = RunCommand(image_command, {"image", "--layout-dir", "l", "--digest-out", "d",
                                 "--report-out", "r", "--config", "c"});
  EXPECT_EQ(r.err.kind, OCI_ERROR_USAGE);
  EXPECT_STREQ(r.err.message, "at least one --layer is needed");
  r = RunCommand(image_command, {"image", "--layer", "no-equals"});
  EXPECT_EQ(r.err.kind, OCI_ERROR_USAGE);
  EXPECT_STREQ(r.err.message, "--layer \"no-equals\": expected BLOB=DESCRIPTOR");
}

}  // namespace
