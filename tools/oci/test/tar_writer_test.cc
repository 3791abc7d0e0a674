// The tar stream: read back with libarchive and byte by byte. Entries come
// in plan order with mtime 0, numeric owners, empty uname/gname, exact
// modes and no pax headers; the sources' own mode and times never leak.
#include <sys/stat.h>
#include <utime.h>

#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "oci_test_util.h"

extern "C" {
#include "layer_plan.h"
#include "tar_writer.h"
}

namespace {

using oci_test::ScratchDir;
using oci_test::StringSink;
using oci_test::WriteFile;

constexpr size_t kBlock = 512;

struct Member {
  std::string path;
  int format;
  unsigned mode;
  int type;
  long long uid, gid, mtime;
  std::string uname, gname;
  std::string data;
};

std::vector<Member> ReadTar(const std::string& tar) {
  std::vector<Member> out;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_memory(a, tar.data(), tar.size()), ARCHIVE_OK);
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    Member m;
    m.path = archive_entry_pathname(e);
    m.format = archive_format(a);
    m.mode = archive_entry_perm(e);
    m.type = archive_entry_filetype(e);
    m.uid = archive_entry_uid(e);
    m.gid = archive_entry_gid(e);
    m.mtime = archive_entry_mtime(e);
    m.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    m.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
    char buf[4096];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) m.data.append(buf, n);
    out.push_back(m);
  }
  archive_read_free(a);
  return out;
}

class TarWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ScratchDir("tar_writer_test");
    layer_plan_init(&plan_);
  }
  void TearDown() override { layer_plan_free(&plan_); }

  // A source with a mode, owner and time the tar must not copy.
  std::string Source(const std::string& name, const std::string& bytes) {
    std::string path = dir_ + "/" + name;
    WriteFile(path, bytes);
    chmod(path.c_str(), 0600);
    utimbuf times{1600000000, 1600000000};
    utime(path.c_str(), &times);
    return path;
  }
  void Add(bool is_dir, const std::string& spec) {
    layer_entry e;
    oci_error err{};
    int rc = is_dir ? layer_spec_parse_dir(spec.c_str(), &e, &err)
                    : layer_spec_parse_file(spec.c_str(), &e, &err);
    ASSERT_EQ(rc, 0) << err.message;
    ASSERT_EQ(layer_plan_add(&plan_, &e, &err), 0) << err.message;
  }
  std::string Write() {
    oci_error err{};
    EXPECT_EQ(layer_plan_finish(&plan_, &err), 0) << err.message;
    std::string tar;
    EXPECT_EQ(tar_write(&plan_, StringSink(&tar), &err), 0) << err.message;
    return tar;
  }

  std::string dir_;
  layer_plan plan_;
};

TEST_F(TarWriterTest, EntriesAndHeaders) {
  Add(false, Source("api", std::string("binary\0bytes", 12)) + "=/app/api:0555:65532:65532");
  Add(false, Source("hello", "hello\n") + "=/etc/hello.txt:0644:0:0");
  Add(true, "/tmp:1777:0:0");
  std::vector<Member> members = ReadTar(Write());
  ASSERT_EQ(members.size(), 5u);
  std::vector<std::string> paths;
  for (const Member& m : members) {
    paths.push_back(m.path);
    EXPECT_EQ(m.format, ARCHIVE_FORMAT_TAR_USTAR) << m.path;
    EXPECT_EQ(m.mtime, 0) << m.path;
    EXPECT_EQ(m.uname, "") << m.path;
    EXPECT_EQ(m.gname, "") << m.path;
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"app/", "app/api", "etc/",
                                             "etc/hello.txt", "tmp/"}));
  EXPECT_EQ(members[1].mode, 0555u);
  EXPECT_EQ(members[1].uid, 65532);
  EXPECT_EQ(members[1].gid, 65532);
  EXPECT_EQ(members[1].type, AE_IFREG);
  EXPECT_EQ(members[1].data, std::string("binary\0bytes", 12));
  EXPECT_EQ(members[3].mode, 0644u);
  EXPECT_EQ(members[3].data, "hello\n");
  EXPECT_EQ(members[4].mode, 01777u);
  EXPECT_EQ(members[4].type, AE_IFDIR);
  EXPECT_EQ(members[0].mode, 0755u);
  EXPECT_EQ(members[0].uid, 0);
}

// ustar header fields at their POSIX offsets, for every header block.
TEST_F(TarWriterTest, RawUstarHeaders) {
  Add(false, Source("f", std::string(700, 'x')) + "=/a/f:4755:1:2");
  Add(true, "/a:0700:3:4");
  std::string tar = Write();
  ASSERT_EQ(tar.size() % 10240, 0u);  // libarchive's default record size
  // a/ (header only), a/f (header + 2 data blocks), then zero blocks.
  std::vector<size_t> headers = {0, kBlock};
  for (size_t off : headers) {
    const char* h = tar.data() + off;
    EXPECT_EQ(std::string(h + 257, 6), std::string("ustar\0", 6)) << off;
    EXPECT_EQ(std::string(h + 263, 2), "00") << off;
    EXPECT_NE(h[156], 'x') << "pax extended header at " << off;
    EXPECT_NE(h[156], 'g') << "pax global header at " << off;
    EXPECT_EQ(std::string(h + 136, 11), "00000000000") << "mtime at " << off;
    EXPECT_EQ(std::string(h + 265, 32), std::string(32, '\0')) << "uname";
    EXPECT_EQ(std::string(h + 297, 32), std::string(32, '\0')) << "gname";
  }
  EXPECT_EQ(std::string(tar.data(), 3), std::string("a/\0", 3));
  EXPECT_EQ(tar[156], '5');  // directory
  EXPECT_EQ(std::string(tar.data() + 100, 8), std::string("000700 \0", 8));
  EXPECT_EQ(std::string(tar.data() + kBlock, 4), std::string("a/f\0", 4));
  EXPECT_EQ(tar[kBlock + 156], '0');  // regular file
  EXPECT_EQ(std::string(tar.data() + kBlock + 100, 8), std::string("004755 \0", 8));
  EXPECT_EQ(std::string(tar.data() + kBlock + 108, 8), std::string("000001 \0", 8));        // uid
  EXPECT_EQ(std::string(tar.data() + kBlock + 116, 8), std::string("000002 \0", 8));        // gid
  EXPECT_EQ(std::string(tar.data() + kBlock + 124, 11), "00000001274");  // 700
  EXPECT_EQ(tar.substr(2 * kBlock, 700), std::string(700, 'x'));
  for (size_t i = 2 * kBlock + 700; i < tar.size(); i++)
    ASSERT_EQ(tar[i], '\0') << i;
}

TEST_F(TarWriterTest, SameInputSameBytes) {
  Add(false, Source("f", "same") + "=/f:0644:0:0");
  std::string first = Write();
  layer_plan_free(&plan_);
  layer_plan_init(&plan_);
  std::string path = dir_ + "/f";
  chmod(path.c_str(), 0755);
  utimbuf times{1700000000, 1700000000};
  utime(path.c_str(), &times);
  Add(false, path + "=/f:0644:0:0");
  EXPECT_EQ(Write(), first);
}

TEST_F(TarWriterTest, MissingSourceFails) {
  Add(false, dir_ + "/does-not-exist=/f:0644:0:0");
  oci_error err{};
  ASSERT_EQ(layer_plan_finish(&plan_, &err), 0);
  std::string tar;
  EXPECT_EQ(tar_write(&plan_, StringSink(&tar), &err), -1);
  EXPECT_EQ(err.kind, OCI_ERROR_FAILURE);
  EXPECT_NE(std::string(err.message).find("does-not-exist"), std::string::npos);
}

TEST_F(TarWriterTest, DirectoryAsSourceFails) {
  Add(false, dir_ + "=/f:0644:0:0");
  oci_error err{};
  ASSERT_EQ(layer_plan_finish(&plan_, &err), 0);
  std::string tar;
  EXPECT_EQ(tar_write(&plan_, StringSink(&tar), &err), -1);
  EXPECT_NE(std::string(err.message).find("not a regular file"), std::string::npos)
      << err.message;
}

TEST_F(TarWriterTest, PathTooLongForUstarFails) {
  std::string long_name(120, 'n');  // one component over ustar's 100 bytes
  Add(false, Source("f", "x") + "=/" + long_name + ":0644:0:0");
  oci_error err{};
  ASSERT_EQ(layer_plan_finish(&plan_, &err), 0);
  std::string tar;
  EXPECT_EQ(tar_write(&plan_, StringSink(&tar), &err), -1);
  EXPECT_NE(std::string(err.message).find(long_name), std::string::npos)
      << err.message;
}

}  // namespace
