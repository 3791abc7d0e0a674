// json_check.h - parse a response body with yajl_tree and read fields, so
// tests assert on JSON structure rather than on byte strings.
#ifndef API_TEST_JSON_CHECK_H
#define API_TEST_JSON_CHECK_H

#include <memory>
#include <string>
#include <vector>

#include <yajl/yajl_tree.h>

struct JsonFree {
  void operator()(yajl_val v) const { yajl_tree_free(v); }
};
using Json = std::unique_ptr<std::remove_pointer<yajl_val>::type, JsonFree>;

// nullptr when text is not valid JSON.
inline Json ParseJson(const std::string& text) {
  char error[256];
  return Json(yajl_tree_parse(text.c_str(), error, sizeof(error)));
}

// The value at a path of object keys, or nullptr.
inline yajl_val At(yajl_val root, std::vector<const char*> path) {
  path.push_back(nullptr);
  return root ? yajl_tree_get(root, path.data(), yajl_t_any) : nullptr;
}

inline std::string Str(yajl_val root, std::vector<const char*> path) {
  yajl_val v = At(root, std::move(path));
  return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "<missing>";
}

inline long long Int(yajl_val root, std::vector<const char*> path) {
  yajl_val v = At(root, std::move(path));
  return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -999999;
}

#endif
