// Canonical JSON from yajl_gen: compact, bytewise-sorted maps, escaping by
// yajl, invalid UTF-8 refused.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oci_test_util.h"

extern "C" {
#include "canonical_json.h"
}

namespace {

using oci_test::IsCanonicalJson;
using oci_test::Take;

std::string Object(std::vector<json_pair> pairs, int empty_values) {
  json_sort_pairs(pairs.data(), pairs.size());
  yajl_gen g = json_begin();
  json_text out{};
  oci_error err{};
  EXPECT_EQ(json_finish(g, json_object_of_pairs(g, pairs.data(), pairs.size(), empty_values),
                        &out, &err),
            0)
      << err.message;
  return Take(&out);
}

TEST(CanonicalJson, SortsKeysBytewise) {
  // Upper case before lower case, shorter prefix first, UTF-8 after ASCII.
  std::string text = Object({{"b", "1"}, {"a", "2"}, {"B", "3"}, {"ab", "4"},
                             {"\xc3\xa9", "5"}, {"a-b", "6"}},
                            0);
  EXPECT_EQ(text, "{\"B\":\"3\",\"a\":\"2\",\"a-b\":\"6\",\"ab\":\"4\",\"b\":\"1\","
                  "\"\xc3\xa9\":\"5\"}");
  EXPECT_TRUE(IsCanonicalJson(text));
}

TEST(CanonicalJson, EmptyObjectValues) {
  EXPECT_EQ(Object({{"8080/tcp", nullptr}, {"53/udp", nullptr}}, 1),
            "{\"53/udp\":{},\"8080/tcp\":{}}");
}

TEST(CanonicalJson, YajlEscapes) {
  yajl_gen g = json_begin();
  const char* items[] = {"quote\" back\\ nl\n tab\t", "/slash", "\x01"};
  json_text out{};
  oci_error err{};
  ASSERT_EQ(json_finish(g, json_string_array(g, items, 3), &out, &err), 0);
  EXPECT_EQ(Take(&out),
            "[\"quote\\\" back\\\\ nl\\n tab\\t\",\"/slash\",\"\\u0001\"]");
}

TEST(CanonicalJson, RejectsInvalidUtf8) {
  yajl_gen g = json_begin();
  json_text out{};
  oci_error err{};
  EXPECT_EQ(json_finish(g, json_str(g, "\xff"), &out, &err), -1);
  EXPECT_EQ(out.data, nullptr);
  EXPECT_NE(std::string(err.message).find("UTF-8"), std::string::npos);
}

TEST(CanonicalJson, DuplicateKeys) {
  std::vector<json_pair> pairs = {{"b", "1"}, {"a", "2"}, {"b", "3"}};
  json_sort_pairs(pairs.data(), pairs.size());
  EXPECT_STREQ(json_duplicate_key(pairs.data(), pairs.size()), "b");
  EXPECT_EQ(json_duplicate_key(pairs.data(), 2), nullptr);
}

TEST(CanonicalJson, CheckerCatchesDisorderAndWhitespace) {
  EXPECT_FALSE(IsCanonicalJson("{\"b\":1,\"a\":2}"));
  EXPECT_FALSE(IsCanonicalJson("{\"a\":{\"z\":1,\"y\":2}}"));
  EXPECT_FALSE(IsCanonicalJson("{\"a\": 1}"));
  EXPECT_TRUE(IsCanonicalJson("{\"a\":\"x y\",\"b\":[{\"c\":1,\"d\":2}]}"));
}

}  // namespace
