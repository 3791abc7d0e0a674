// Completing a layer: implied parents, bytewise order, clashes.
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include "layer_plan.h"
}

namespace {

class LayerPlanTest : public ::testing::Test {
 protected:
  void SetUp() override { layer_plan_init(&plan_); }
  void TearDown() override { layer_plan_free(&plan_); }

  void AddFile(const char* spec) {
    layer_entry e;
    oci_error err{};
    ASSERT_EQ(layer_spec_parse_file(spec, &e, &err), 0) << err.message;
    ASSERT_EQ(layer_plan_add(&plan_, &e, &err), 0) << err.message;
  }
  void AddDir(const char* spec) {
    layer_entry e;
    oci_error err{};
    ASSERT_EQ(layer_spec_parse_dir(spec, &e, &err), 0) << err.message;
    ASSERT_EQ(layer_plan_add(&plan_, &e, &err), 0) << err.message;
  }
  std::vector<std::string> Paths() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < plan_.count; i++) out.push_back(plan_.entries[i].path);
    return out;
  }
  const layer_entry* Find(const std::string& path) const {
    for (size_t i = 0; i < plan_.count; i++)
      if (path == plan_.entries[i].path) return &plan_.entries[i];
    return nullptr;
  }

  layer_plan plan_;
  oci_error err_{};
};

TEST_F(LayerPlanTest, AddsParentsAndSortsBytewise) {
  AddFile("b=/usr/share/z:0644:0:0");
  AddFile("a=/app/api:0555:0:0");
  AddFile("c=/app-data/x:0644:0:0");
  AddDir("/tmp:1777:0:0");
  AddFile("d=/app/B:0644:0:0");
  ASSERT_EQ(layer_plan_finish(&plan_, &err_), 0) << err_.message;
  // '-' (0x2d) < '/' (0x2f) and 'B' < 'a': plain strcmp order, and each
  // directory precedes what is inside it.
  EXPECT_EQ(Paths(), (std::vector<std::string>{
                         "app-data/", "app-data/x", "app/", "app/B",
                         "app/api", "tmp/", "usr/", "usr/share/",
                         "usr/share/z"}));
}

TEST_F(LayerPlanTest, ImpliedParentsAre0755RootOwned) {
  AddFile("a=/app/bin/api:0555:65532:65532");
  ASSERT_EQ(layer_plan_finish(&plan_, &err_), 0) << err_.message;
  for (const char* dir : {"app/", "app/bin/"}) {
    const layer_entry* e = Find(dir);
    ASSERT_NE(e, nullptr) << dir;
    EXPECT_EQ(e->mode, 0755u);
    EXPECT_EQ(e->uid, 0u);
    EXPECT_EQ(e->gid, 0u);
    EXPECT_TRUE(layer_entry_is_dir(e));
  }
  EXPECT_EQ(plan_.count, 3u);
}

TEST_F(LayerPlanTest, GivenDirectoryKeepsItsModeAndOwner) {
  AddFile("a=/home/app/.profile:0644:65532:65532");  // no-machine-paths: allow (a path inside the image)
  AddDir("/home/app:0700:65532:65532");
  ASSERT_EQ(layer_plan_finish(&plan_, &err_), 0) << err_.message;
  const layer_entry* home = Find("home/app/");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->mode, 0700u);
  EXPECT_EQ(home->uid, 65532u);
  EXPECT_EQ(Paths(), (std::vector<std::string>{"home/", "home/app/",
                                               "home/app/.profile"}));
}

TEST_F(LayerPlanTest, EmptyLayerIsFine) {
  ASSERT_EQ(layer_plan_finish(&plan_, &err_), 0);
  EXPECT_EQ(plan_.count, 0u);
}

TEST_F(LayerPlanTest, RejectsDuplicateFiles) {
  AddFile("a=/app/api:0555:0:0");
  AddFile("b=/app/api:0555:0:0");
  EXPECT_EQ(layer_plan_finish(&plan_, &err_), -1);
  EXPECT_EQ(err_.kind, OCI_ERROR_USAGE);
  EXPECT_STREQ(err_.message, "duplicate destination \"/app/api\"");
}

TEST_F(LayerPlanTest, RejectsFileAndDirectoryAtOnePath) {
  AddFile("a=/tmp:0644:0:0");
  AddDir("/tmp:1777:0:0");
  EXPECT_EQ(layer_plan_finish(&plan_, &err_), -1);
  EXPECT_STREQ(err_.message, "duplicate destination \"/tmp\"");
}

TEST_F(LayerPlanTest, RejectsDuplicateDirectories) {
  AddDir("/tmp:1777:0:0");
  AddDir("/tmp/:0755:0:0");
  EXPECT_EQ(layer_plan_finish(&plan_, &err_), -1);
  EXPECT_EQ(err_.kind, OCI_ERROR_USAGE);
}

TEST_F(LayerPlanTest, RejectsFileUsedAsParent) {
  AddFile("a=/app:0644:0:0");
  AddFile("b=/app/api:0555:0:0");
  EXPECT_EQ(layer_plan_finish(&plan_, &err_), -1);
  EXPECT_EQ(err_.kind, OCI_ERROR_USAGE);
  EXPECT_STREQ(err_.message, "\"/app\" is a file but \"/app/api\" is inside it");
}

}  // namespace
