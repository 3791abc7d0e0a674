// oci_test_util.h - helpers shared by the oci_builder unit tests: scratch
// files under TEST_TMPDIR, an in-memory byte_sink, and JSON checks (parse
// with yajl_tree; assert every object's keys are in bytewise order).
#ifndef OCI_TEST_UTIL_H
#define OCI_TEST_UTIL_H

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yajl/yajl_tree.h>

extern "C" {
#include "byte_sink.h"
#include "canonical_json.h"
#include "oci_error.h"
}

namespace oci_test {

// A fresh directory under TEST_TMPDIR for one test.
inline std::string ScratchDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base ? base : "/tmp") + "/" + name;
  std::string cmd = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// A byte_sink appending to a std::string.
inline int StringSinkWrite(void* state, const unsigned char* data, size_t len,
                           struct oci_error*) {
  static_cast<std::string*>(state)->append(reinterpret_cast<const char*>(data),
                                           len);
  return 0;
}

inline byte_sink StringSink(std::string* out) {
  return byte_sink{StringSinkWrite, out};
}

// Takes a json_text, returning it as a string (and freeing it).
inline std::string Take(json_text* text) {
  std::string s = text->data ? std::string(text->data, text->len) : "";
  json_text_free(text);
  return s;
}

struct JsonFree {
  void operator()(yajl_val v) const { yajl_tree_free(v); }
};
using Json = std::unique_ptr<std::remove_pointer<yajl_val>::type, JsonFree>;

inline Json ParseJson(const std::string& text) {
  char error[256];
  return Json(yajl_tree_parse(text.c_str(), error, sizeof(error)));
}

// Empty when every object in v has strictly increasing keys (strcmp),
// else the first offending pair.
inline std::string UnsortedKeys(yajl_val v) {
  if (YAJL_IS_OBJECT(v)) {
    for (size_t i = 0; i < v->u.object.len; i++) {
      if (i > 0 && std::strcmp(v->u.object.keys[i - 1], v->u.object.keys[i]) >= 0)
        return std::string(v->u.object.keys[i - 1]) + " >= " + v->u.object.keys[i];
      std::string inner = UnsortedKeys(v->u.object.values[i]);
      if (!inner.empty()) return inner;
    }
  } else if (YAJL_IS_ARRAY(v)) {
    for (size_t i = 0; i < v->u.array.len; i++) {
      std::string inner = UnsortedKeys(v->u.array.values[i]);
      if (!inner.empty()) return inner;
    }
  }
  return "";
}

// Valid JSON, no whitespace outside strings, keys sorted at every level.
inline ::testing::AssertionResult IsCanonicalJson(const std::string& text) {
  Json doc = ParseJson(text);
  if (!doc) return ::testing::AssertionFailure() << "not JSON: " << text;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') i++;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      return ::testing::AssertionFailure() << "whitespace at " << i << ": " << text;
    }
  }
  std::string unsorted = UnsortedKeys(doc.get());
  if (!unsorted.empty())
    return ::testing::AssertionFailure() << "keys out of order (" << unsorted
                                         << "): " << text;
  return ::testing::AssertionSuccess();
}

}  // namespace oci_test

#endif
