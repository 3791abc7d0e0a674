// The JSON documents, byte for byte: layer descriptor, image config,
// manifest, index.json, oci-layout and the size report. Each is also
// checked to be canonical (compact, keys sorted at every level).
#include <string>

#include <gtest/gtest.h>

#include "oci_test_util.h"

extern "C" {
#include "descriptor.h"
#include "image_config.h"
#include "image_index.h"
#include "image_input.h"
#include "manifest.h"
#include "report.h"
}

namespace {

using oci_test::IsCanonicalJson;
using oci_test::Take;

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');
const std::string kC = "sha256:" + std::string(64, 'c');
const std::string kD = "sha256:" + std::string(64, 'd');

descriptor Layer(const std::string& digest, const std::string& diff_id,
                 long long size) {
  descriptor d{};
  d.media_type = OCI_MEDIA_TYPE_LAYER;
  snprintf(d.digest, sizeof(d.digest), "%s", digest.c_str());
  snprintf(d.diff_id, sizeof(d.diff_id), "%s", diff_id.c_str());
  d.size = size;
  return d;
}

descriptor Blob(const char* media_type, const std::string& digest, long long size) {
  descriptor d = Layer(digest, "", size);
  d.media_type = media_type;
  return d;
}

TEST(Documents, LayerDescriptor) {
  descriptor d = Layer(kA, kB, 156);
  json_text out{};
  oci_error err{};
  ASSERT_EQ(descriptor_render_layer(&d, &out, &err), 0);
  std::string text = Take(&out);
  EXPECT_EQ(text, "{\"diff_id\":\"" + kB + "\",\"digest\":\"" + kA +
                      "\",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                      "\"size\":156}");
  EXPECT_TRUE(IsCanonicalJson(text));

  descriptor back{};
  ASSERT_EQ(descriptor_parse_layer(text.c_str(), "l.json", &back, &err), 0) << err.message;
  EXPECT_STREQ(back.digest, kA.c_str());
  EXPECT_STREQ(back.diff_id, kB.c_str());
  EXPECT_EQ(back.size, 156);
}

TEST(Documents, LayerDescriptorParsingIsStrict) {
  const char* bad[] = {
      "[]",
      "{\"diff_id\":\"sha256:x\",\"digest\":\"sha256:x\",\"mediaType\":\"m\",\"size\":1}",
      "{\"digest\":\"sha256:x\"}",
  };
  for (const char* text : bad) {
    descriptor d{};
    oci_error err{};
    EXPECT_EQ(descriptor_parse_layer(text, "l.json", &d, &err), -1) << text;
    EXPECT_EQ(err.kind, OCI_ERROR_FAILURE);
  }
  std::string extra = "{\"diff_id\":\"" + kB + "\",\"digest\":\"" + kA +
                      "\",\"extra\":1,\"mediaType\":\"" OCI_MEDIA_TYPE_LAYER "\",\"size\":1}";
  descriptor d{};
  oci_error err{};
  EXPECT_EQ(descriptor_parse_layer(extra.c_str(), "l.json", &d, &err), -1);
  EXPECT_STREQ(err.message, "l.json: unknown key \"extra\"");
  std::string docker = "{\"diff_id\":\"" + kB + "\",\"digest\":\"" + kA +
                       "\",\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":1}";
  EXPECT_EQ(descriptor_parse_layer(docker.c_str(), "l.json", &d, &err), -1);
}

class ConfigTest : public ::testing::Test {
 protected:
  void Parse(const std::string& json) {
    oci_error err{};
    ASSERT_EQ(image_input_parse(json.c_str(), "config.json", &in_, &err), 0) << err.message;
  }
  void TearDown() override { image_input_free(&in_); }
  std::string Render(const descriptor* layers, size_t n) {
    json_text out{};
    oci_error err{};
    EXPECT_EQ(image_config_render(&in_, layers, n, &out, &err), 0) << err.message;
    return Take(&out);
  }
  image_input in_{};
};

TEST_F(ConfigTest, FullConfig) {
  Parse(R"({"entrypoint":["/app/api"],"cmd":["--port","8080"],)"
        R"("env":["PATH=/bin","A=b=c"],"user":"65532:65532","workdir":"/app",)"
        R"("exposed_ports":["8080/tcp","53/udp"],"labels":{"z":"1","B":"2","a":"3"},)"
        R"("os":"linux","architecture":"amd64","created":"1970-01-01T00:00:00Z"})");
  descriptor layers[] = {Layer(kA, kB, 1), Layer(kC, kD, 2)};
  std::string text = Render(layers, 2);
  EXPECT_EQ(text,
            R"({"architecture":"amd64","config":{"Cmd":["--port","8080"],)"
            R"("Entrypoint":["/app/api"],"Env":["PATH=/bin","A=b=c"],)"
            R"("ExposedPorts":{"53/udp":{},"8080/tcp":{}},"Labels":{"B":"2","a":"3","z":"1"},)"
            R"("User":"65532:65532","WorkingDir":"/app"},"created":"1970-01-01T00:00:00Z",)"
            R"("history":[{"created":"1970-01-01T00:00:00Z","created_by":"oci_builder layer"},)"
            R"({"created":"1970-01-01T00:00:00Z","created_by":"oci_builder layer"}],)"
            R"("os":"linux","rootfs":{"diff_ids":[")" + kB + R"(",")" + kD +
                R"("],"type":"layers"}})");
  EXPECT_TRUE(IsCanonicalJson(text));
}

TEST_F(ConfigTest, EmptyOptionalFieldsAreOmitted) {
  Parse(R"({"entrypoint":[],"cmd":[],"env":[],"user":"","workdir":"",)"
        R"("exposed_ports":[],"labels":{},"os":"linux","architecture":"arm64","created":""})");
  descriptor layers[] = {Layer(kA, kB, 1)};
  EXPECT_EQ(Render(layers, 1),
            R"({"architecture":"arm64","config":{},)"
            R"("history":[{"created_by":"oci_builder layer"}],"os":"linux",)"
            R"("rootfs":{"diff_ids":[")" + kB + R"("],"type":"layers"}})");
}

TEST(Documents, Manifest) {
  descriptor config = Blob(OCI_MEDIA_TYPE_CONFIG, kC, 602);
  descriptor layers[] = {Layer(kA, kB, 156), Layer(kD, kB, 94)};
  json_text out{};
  oci_error err{};
  ASSERT_EQ(manifest_render(&config, layers, 2, &out, &err), 0);
  std::string text = Take(&out);
  EXPECT_EQ(text,
            R"({"config":{"digest":")" + kC +
                R"(","mediaType":"application/vnd.oci.image.config.v1+json","size":602},)"
                R"("layers":[{"digest":")" + kA +
                R"(","mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":156},)"
                R"({"digest":")" + kD +
                R"(","mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":94}],)"
                R"("mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2})");
  EXPECT_TRUE(IsCanonicalJson(text));
  EXPECT_EQ(text.find("diff_id"), std::string::npos);
}

TEST(Documents, IndexAndLayoutMarker) {
  descriptor manifest = Blob(OCI_MEDIA_TYPE_MANIFEST, kA, 554);
  json_text out{};
  oci_error err{};
  ASSERT_EQ(image_index_render(&manifest, &out, &err), 0);
  std::string index = Take(&out);
  EXPECT_EQ(index, R"({"manifests":[{"digest":")" + kA +
                       R"(","mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                       R"("size":554}],"schemaVersion":2})");
  EXPECT_EQ(index.find("annotations"), std::string::npos);
  ASSERT_EQ(image_layout_marker_render(&out, &err), 0);
  EXPECT_EQ(Take(&out), R"({"imageLayoutVersion":"1.0.0"})");
}

TEST(Documents, Report) {
  descriptor manifest = Blob(OCI_MEDIA_TYPE_MANIFEST, kA, 500);
  descriptor config = Blob(OCI_MEDIA_TYPE_CONFIG, kB, 600);
  descriptor layers[] = {Layer(kC, kA, 1000), Layer(kD, kA, 20)};
  json_text out{};
  oci_error err{};
  ASSERT_EQ(report_render(&manifest, &config, layers, 2, &out, &err), 0);
  std::string text = Take(&out);
  EXPECT_EQ(text, R"({"compressed_size":2120,"config_digest":")" + kB +
                      R"(","digest":")" + kA + R"(","layers":[{"digest":")" + kC +
                      R"(","size":1000},{"digest":")" + kD + R"(","size":20}]})");
  EXPECT_TRUE(IsCanonicalJson(text));
}

}  // namespace
