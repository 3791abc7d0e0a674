// Configuration: every variable's default, a valid value and the rejection
// of invalid ones with a message that names variable, value and rule.
#include <map>
#include <string>

#include <gtest/gtest.h>

extern "C" {
#include "config.h"
}

namespace {

using Env = std::map<std::string, std::string>;

const char* Lookup(const char* name, void* ctx) {
  auto* env = static_cast<Env*>(ctx);
  auto it = env->find(name);
  return it == env->end() ? nullptr : it->second.c_str();
}

struct Result {
  int rc;
  api_config cfg;
  std::string error;
};

Result Load(Env env) {
  Result r{};
  char error[CONFIG_ERROR_MAX] = "";
  r.rc = config_load(&r.cfg, Lookup, &env, error, sizeof(error));
  r.error = error;
  return r;
}

TEST(Config, DefaultsWhenNothingIsSet) {
  Result r = Load({});
  ASSERT_EQ(r.rc, 0) << r.error;
  EXPECT_EQ(r.cfg.port, 8080);
  EXPECT_STREQ(r.cfg.stage, "");
  EXPECT_STREQ(r.cfg.environment, "local");
  EXPECT_STREQ(r.cfg.version, "dev");
  EXPECT_STREQ(r.cfg.image_digest, "");
  EXPECT_EQ(r.cfg.threads, CONFIG_DEFAULT_THREADS);
  EXPECT_EQ(r.cfg.shutdown_timeout_s, 10);
}

TEST(Config, AcceptsEveryVariable) {
  const std::string digest = "sha256:" + std::string(64, 'a');
  Result r = Load({{"PORT", "9000"},
                   {"API_STAGE", "prod_2-b"},
                   {"APP_ENV", "prod"},
                   {"APP_VERSION", "0123abc"},
                   {"IMAGE_DIGEST", digest},
                   {"API_THREADS", "64"},
                   {"SHUTDOWN_TIMEOUT_S", "25"}});
  ASSERT_EQ(r.rc, 0) << r.error;
  EXPECT_EQ(r.cfg.port, 9000);
  EXPECT_STREQ(r.cfg.stage, "prod_2-b");
  EXPECT_STREQ(r.cfg.environment, "prod");
  EXPECT_STREQ(r.cfg.version, "0123abc");
  EXPECT_EQ(r.cfg.image_digest, digest);
  EXPECT_EQ(r.cfg.threads, 64);
  EXPECT_EQ(r.cfg.shutdown_timeout_s, 25);
}

TEST(Config, EmptyMeansDefault) {
  Result r = Load({{"PORT", ""}, {"APP_ENV", ""}, {"API_THREADS", ""}});
  ASSERT_EQ(r.rc, 0) << r.error;
  EXPECT_EQ(r.cfg.port, 8080);
  EXPECT_STREQ(r.cfg.environment, "local");
}

TEST(Config, StageOfExactly64IsAccepted) {
  Result r = Load({{"API_STAGE", std::string(64, 's')}});
  EXPECT_EQ(r.rc, 0) << r.error;
}

struct BadValue {
  const char* name;
  std::string value;
};

class ConfigRejects : public testing::TestWithParam<BadValue> {};

TEST_P(ConfigRejects, NamesVariableValueAndRule) {
  const BadValue& bad = GetParam();
  Result r = Load({{bad.name, bad.value}});
  EXPECT_EQ(r.rc, -1);
  EXPECT_NE(r.error.find(std::string("invalid ") + bad.name + "=\""),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("expected"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find('\n'), std::string::npos) << "one line: " << r.error;
}

INSTANTIATE_TEST_SUITE_P(
    AllVariables, ConfigRejects,
    testing::Values(
        BadValue{"PORT", "0"}, BadValue{"PORT", "65536"},
        BadValue{"PORT", "80a"}, BadValue{"PORT", "-1"},
        BadValue{"PORT", " 80"}, BadValue{"PORT", "99999999999999999999"},
        BadValue{"API_STAGE", "/dev"}, BadValue{"API_STAGE", "de v"},
        BadValue{"API_STAGE", std::string(65, 's')},
        BadValue{"APP_ENV", "has space"}, BadValue{"APP_ENV", "q\"uote"},
        BadValue{"APP_ENV", std::string(129, 'e')},
        BadValue{"APP_VERSION", "back\\slash"},
        BadValue{"APP_VERSION", "caf\xc3\xa9"},
        BadValue{"IMAGE_DIGEST", "sha256:abc"},
        BadValue{"IMAGE_DIGEST", "sha256:" + std::string(64, 'A')},
        BadValue{"IMAGE_DIGEST", "sha512:" + std::string(64, 'a')},
        BadValue{"IMAGE_DIGEST", "latest"},
        BadValue{"API_THREADS", "0"}, BadValue{"API_THREADS", "1025"},
        BadValue{"API_THREADS", "many"},
        BadValue{"SHUTDOWN_TIMEOUT_S", "0"},
        BadValue{"SHUTDOWN_TIMEOUT_S", "301"},
        BadValue{"SHUTDOWN_TIMEOUT_S", "1.5"}));

}  // namespace
