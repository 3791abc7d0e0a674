/* canonical_json.h - emit canonical JSON with yajl_gen.
 *
 * Canonical here means: no insignificant whitespace, object keys in
 * bytewise order, integers as plain decimals, strings escaped by yajl
 * (never by hand) and checked to be UTF-8. Fixed-shape documents write
 * their keys in sorted order in code (the unit tests check every document);
 * maps that come from input (labels, exposed ports) are sorted with
 * json_sort_pairs first.
 *
 * Helpers return a yajl_gen_status (ok is 0), so a run of calls can be
 * OR-ed together and checked once. */
#ifndef OCI_CANONICAL_JSON_H
#define OCI_CANONICAL_JSON_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "oci_error.h"

/* An owned JSON text (NUL-terminated; len excludes the NUL). */
struct json_text {
    char *data;
    size_t len;
};

struct json_pair {
    const char *key;
    const char *value;
};

/* A compact, UTF-8-validating generator; NULL when out of memory. */
yajl_gen json_begin(void);

/* Copies the text out and frees g. -1 with err set when status is not ok. */
int json_finish(yajl_gen g, int status, struct json_text *out,
                struct oci_error *err);

void json_text_free(struct json_text *text);

int json_str(yajl_gen g, const char *value);
int json_key_str(yajl_gen g, const char *key, const char *value);
int json_key_int(yajl_gen g, const char *key, long long value);

/* ["a","b",…] in the order given. */
int json_string_array(yajl_gen g, const char *const *items, size_t count);

/* Sorts pairs by key, bytewise (strcmp order). */
void json_sort_pairs(struct json_pair *pairs, size_t count);

/* The first key that occurs twice in sorted pairs, or NULL. */
const char *json_duplicate_key(const struct json_pair *pairs, size_t count);

/* {"k":"v",…} from sorted pairs; when empty_values, {"k":{},…} instead. */
int json_object_of_pairs(yajl_gen g, const struct json_pair *pairs,
                         size_t count, int empty_values);

#endif
