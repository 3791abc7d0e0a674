/* canonical_json.c - yajl_gen helpers for canonical output; see
 * canonical_json.h. Parsing lives in json_read.c. */
#include "canonical_json.h"

#include <stdlib.h>
#include <string.h>

yajl_gen json_begin(void)
{
    yajl_gen g = yajl_gen_alloc(NULL);

    if (g != NULL) {
        yajl_gen_config(g, yajl_gen_beautify, 0);
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    }
    return g;
}

int json_finish(yajl_gen g, int status, struct json_text *out,
                struct oci_error *err)
{
    const unsigned char *buf = NULL;
    size_t len = 0;

    out->data = NULL;
    out->len = 0;
    if (g == NULL)
        return oci_fail(err, "out of memory");
    if (status != yajl_gen_status_ok ||
        yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
        yajl_gen_free(g);
        return oci_fail(err, "cannot generate JSON (a string is not valid UTF-8?)");
    }
    out->data = malloc(len + 1);
    if (out->data != NULL) {
        memcpy(out->data, buf, len);
        out->data[len] = '\0';
        out->len = len;
    }
    yajl_gen_free(g);
    return out->data != NULL ? 0 : oci_fail(err, "out of memory");
}

void json_text_free(struct json_text *text)
{
    free(text->data);
    text->data = NULL;
    text->len = 0;
}

int json_str(yajl_gen g, const char *value)
{
    return yajl_gen_string(g, (const unsigned char *)value, strlen(value));
}

int json_key_str(yajl_gen g, const char *key, const char *value)
{
    return json_str(g, key) | json_str(g, value);
}

int json_key_int(yajl_gen g, const char *key, long long value)
{
    return json_str(g, key) | yajl_gen_integer(g, value);
}

int json_string_array(yajl_gen g, const char *const *items, size_t count)
{
    int rc = yajl_gen_array_open(g);

    for (size_t i = 0; i < count; i++)
        rc |= json_str(g, items[i]);
    return rc | yajl_gen_array_close(g);
}

static int compare_pairs(const void *a, const void *b)
{
    return strcmp(((const struct json_pair *)a)->key,
                  ((const struct json_pair *)b)->key);
}

void json_sort_pairs(struct json_pair *pairs, size_t count)
{
    if (count > 1)
        qsort(pairs, count, sizeof(*pairs), compare_pairs);
}

const char *json_duplicate_key(const struct json_pair *pairs, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        if (strcmp(pairs[i - 1].key, pairs[i].key) == 0)
            return pairs[i].key;
    }
    return NULL;
}

int json_object_of_pairs(yajl_gen g, const struct json_pair *pairs,
                         size_t count, int empty_values)
{
    int rc = yajl_gen_map_open(g);

    for (size_t i = 0; i < count; i++) {
        rc |= json_str(g, pairs[i].key);
        if (empty_values)
            rc |= yajl_gen_map_open(g) | yajl_gen_map_close(g);
        else
            rc |= json_str(g, pairs[i].value);
    }
    return rc | yajl_gen_map_close(g);
}
