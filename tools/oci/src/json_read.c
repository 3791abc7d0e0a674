/* json_read.c - strict readers over yajl_tree; see json_read.h. */
#include "json_read.h"

#include <stdlib.h>
#include <string.h>

int json_read_object(const char *text, const char *what, yajl_val *root,
                     struct oci_error *err)
{
    char error[256];
    char *newline;

    error[0] = '\0';
    *root = yajl_tree_parse(text, error, sizeof(error));
    if (*root == NULL) {
        if ((newline = strchr(error, '\n')) != NULL)
            *newline = '\0';
        return oci_fail(err, "%s: invalid JSON: %s", what, error);
    }
    if (!YAJL_IS_OBJECT(*root)) {
        yajl_tree_free(*root);
        *root = NULL;
        return oci_fail(err, "%s: expected a JSON object", what);
    }
    return 0;
}

static int is_allowed(const char *key, const char *const *allowed)
{
    for (; *allowed != NULL; allowed++) {
        if (strcmp(key, *allowed) == 0)
            return 1;
    }
    return 0;
}

int json_read_check_keys(yajl_val obj, const char *const *allowed,
                         const char *what, struct oci_error *err)
{
    size_t n = obj->u.object.len;
    const char **keys = obj->u.object.keys;

    for (size_t i = 0; i < n; i++) {
        if (!is_allowed(keys[i], allowed))
            return oci_fail(err, "%s: unknown key \"%s\"", what, keys[i]);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(keys[i], keys[j]) == 0)
                return oci_fail(err, "%s: key \"%s\" appears twice", what, keys[i]);
        }
    }
    return 0;
}

yajl_val json_read_member(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++) {
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    }
    return NULL;
}

int json_read_string(yajl_val obj, const char *key, int required,
                     const char **out, const char *what,
                     struct oci_error *err)
{
    yajl_val v = json_read_member(obj, key);

    *out = "";
    if (v == NULL)
        return required ? oci_fail(err, "%s: \"%s\" is missing", what, key) : 0;
    if (!YAJL_IS_STRING(v))
        return oci_fail(err, "%s: \"%s\" must be a string", what, key);
    *out = YAJL_GET_STRING(v);
    return 0;
}

int json_read_int(yajl_val obj, const char *key, long long *out,
                  const char *what, struct oci_error *err)
{
    yajl_val v = json_read_member(obj, key);

    if (v == NULL)
        return oci_fail(err, "%s: \"%s\" is missing", what, key);
    if (!YAJL_IS_INTEGER(v))
        return oci_fail(err, "%s: \"%s\" must be an integer", what, key);
    *out = YAJL_GET_INTEGER(v);
    return 0;
}

int json_read_string_list(yajl_val obj, const char *key, const char ***items,
                          size_t *count, const char *what,
                          struct oci_error *err)
{
    yajl_val v = json_read_member(obj, key);

    *items = NULL;
    *count = 0;
    if (v == NULL)
        return 0;
    if (!YAJL_IS_ARRAY(v))
        return oci_fail(err, "%s: \"%s\" must be a list of strings", what, key);
    *items = calloc(v->u.array.len + 1, sizeof(**items));
    if (*items == NULL)
        return oci_fail(err, "out of memory");
    for (size_t i = 0; i < v->u.array.len; i++) {
        if (!YAJL_IS_STRING(v->u.array.values[i])) {
            free(*items);
            *items = NULL;
            return oci_fail(err, "%s: \"%s\" must be a list of strings", what, key);
        }
        (*items)[i] = YAJL_GET_STRING(v->u.array.values[i]);
    }
    *count = v->u.array.len;
    return 0;
}

int json_read_string_map(yajl_val obj, const char *key,
                         struct json_pair **pairs, size_t *count,
                         const char *what, struct oci_error *err)
{
    yajl_val v = json_read_member(obj, key);

    *pairs = NULL;
    *count = 0;
    if (v == NULL)
        return 0;
    if (!YAJL_IS_OBJECT(v))
        return oci_fail(err, "%s: \"%s\" must be an object of strings", what, key);
    *pairs = calloc(v->u.object.len + 1, sizeof(**pairs));
    if (*pairs == NULL)
        return oci_fail(err, "out of memory");
    for (size_t i = 0; i < v->u.object.len; i++) {
        if (!YAJL_IS_STRING(v->u.object.values[i])) {
            free(*pairs);
            *pairs = NULL;
            return oci_fail(err, "%s: \"%s\" must be an object of strings", what, key);
        }
        (*pairs)[i].key = v->u.object.keys[i];
        (*pairs)[i].value = YAJL_GET_STRING(v->u.object.values[i]);
    }
    *count = v->u.object.len;
    return 0;
}
