// Reading the image settings the oci_image rule writes: defaults, and a
// clear failure for every wrong value.
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "image_input.h"
}

namespace {

std::string Error(const std::string& json) {
  image_input in{};
  oci_error err{};
  int rc = image_input_parse(json.c_str(), "cfg.json", &in, &err);
  image_input_free(&in);
  return rc == 0 ? "" : err.message;
}

TEST(ImageInput, MinimalInputHasEmptyDefaults) {
  image_input in{};
  oci_error err{};
  ASSERT_EQ(image_input_parse(R"({"os":"linux","architecture":"amd64"})", "cfg.json",
                              &in, &err),
            0)
      << err.message;
  EXPECT_EQ(in.entrypoint_count, 0u);
  EXPECT_EQ(in.label_count, 0u);
  EXPECT_STREQ(in.user, "");
  EXPECT_STREQ(in.created, "");
  image_input_free(&in);
}

TEST(ImageInput, Ports) {
  for (const char* ok : {"8080", "8080/tcp", "53/udp", "9/sctp", "65535/tcp", "1"}) {
    EXPECT_TRUE(image_input_valid_port(ok)) << ok;
  }
  for (const char* bad : {"", "0", "65536", "080", "8080/TCP", "8080/", "/tcp",
                          "8080/tcp ", "http", "1234567"}) {
    EXPECT_FALSE(image_input_valid_port(bad)) << bad;
  }
}

TEST(ImageInput, RejectsBadValues) {
  const std::string base = R"("os":"linux","architecture":"amd64")";
  EXPECT_EQ(Error("{" + base + R"(,"entrypoin":["/x"]})"),
            "cfg.json: unknown key \"entrypoin\"");
  EXPECT_EQ(Error("{" + base + R"(,"env":["NOEQUALS"]})"),
            "cfg.json: env entry \"NOEQUALS\" is not NAME=VALUE");
  EXPECT_EQ(Error("{" + base + R"(,"env":["=x"]})"),
            "cfg.json: env entry \"=x\" is not NAME=VALUE");
  EXPECT_EQ(Error("{" + base + R"(,"exposed_ports":["http"]})"),
            "cfg.json: exposed port \"http\" is not PORT[/tcp|/udp|/sctp] with PORT 1-65535");
  EXPECT_EQ(Error("{" + base + R"(,"exposed_ports":["80/tcp","80/tcp"]})"),
            "cfg.json: exposed port \"80/tcp\" is listed twice");
  EXPECT_EQ(Error("{" + base + R"(,"labels":{"a":"1","a":"2"}})"),
            "cfg.json: label \"a\" is given twice");
  EXPECT_EQ(Error("{" + base + R"(,"labels":{"a":1}})"),
            "cfg.json: \"labels\" must be an object of strings");
  EXPECT_EQ(Error("{" + base + R"(,"cmd":"/bin/sh"})"),
            "cfg.json: \"cmd\" must be a list of strings");
  EXPECT_EQ(Error("{" + base + R"(,"user":65532})"), "cfg.json: \"user\" must be a string");
  EXPECT_EQ(Error(R"({"architecture":"amd64"})"), "cfg.json: \"os\" is missing");
  EXPECT_EQ(Error(R"({"os":"","architecture":"amd64"})"),
            "cfg.json: os and architecture must not be empty");
  EXPECT_EQ(Error("{" + base + "," + base + "}"), "cfg.json: key \"os\" appears twice");
  EXPECT_NE(Error("{not json").find("cfg.json: invalid JSON"), std::string::npos);
  EXPECT_EQ(Error("[]"), "cfg.json: expected a JSON object");
}

}  // namespace
