/* json_read.h - read the builder's JSON inputs (layer descriptors, the
 * image config input) strictly, with yajl_tree.
 *
 * Strict means: an unknown or repeated key, or a value of the wrong type,
 * is an error naming the key, so a typo in a rule never passes silently.
 * Values returned point into the parsed tree and live as long as it. */
#ifndef OCI_JSON_READ_H
#define OCI_JSON_READ_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "canonical_json.h"
#include "oci_error.h"

/* Parses a top-level object; free *root with yajl_tree_free. `what` names
 * the input in messages ("descriptor layer.json"). */
int json_read_object(const char *text, const char *what, yajl_val *root,
                     struct oci_error *err);

/* Fails on a key not in `allowed` (NULL-terminated) or a key given twice. */
int json_read_check_keys(yajl_val obj, const char *const *allowed,
                         const char *what, struct oci_error *err);

/* The value of key in obj, or NULL when absent. */
yajl_val json_read_member(yajl_val obj, const char *key);

/* A string member; when absent, an error if required, else "". */
int json_read_string(yajl_val obj, const char *key, int required,
                     const char **out, const char *what,
                     struct oci_error *err);

/* A required integer member. */
int json_read_int(yajl_val obj, const char *key, long long *out,
                  const char *what, struct oci_error *err);

/* A list of strings (absent: empty). *items is allocated (free() it), its
 * strings point into the tree. */
int json_read_string_list(yajl_val obj, const char *key, const char ***items,
                          size_t *count, const char *what,
                          struct oci_error *err);

/* An object of strings (absent: empty), as pairs in input order; *pairs is
 * allocated (free() it), its strings point into the tree. */
int json_read_string_map(yajl_val obj, const char *key,
                         struct json_pair **pairs, size_t *count,
                         const char *what, struct oci_error *err);

#endif
