/* openapi.c - see openapi.h. */
#include "openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

static int emit_value(yajl_gen g, yajl_val v);

static int emit_object(yajl_gen g, yajl_val v)
{
    int st = yajl_gen_map_open(g);

    for (size_t i = 0; i < v->u.object.len; i++) {
        st |= json_str(g, v->u.object.keys[i]);
        st |= emit_value(g, v->u.object.values[i]);
    }
    return st | yajl_gen_map_close(g);
}

static int emit_array(yajl_gen g, yajl_val v)
{
    int st = yajl_gen_array_open(g);

    for (size_t i = 0; i < v->u.array.len; i++)
        st |= emit_value(g, v->u.array.values[i]);
    return st | yajl_gen_array_close(g);
}

static int emit_value(yajl_gen g, yajl_val v)
{
    switch (v->type) {
    case yajl_t_string:
        return json_str(g, v->u.string);
    case yajl_t_number:
        return yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    case yajl_t_object:
        return emit_object(g, v);
    case yajl_t_array:
        return emit_array(g, v);
    case yajl_t_true:
        return yajl_gen_bool(g, 1);
    case yajl_t_false:
        return yajl_gen_bool(g, 0);
    default:
        return yajl_gen_null(g);
    }
}

static int emit_servers(yajl_gen g, const char *stage)
{
    char url[80];

    snprintf(url, sizeof(url), "/%s", stage);
    return yajl_gen_array_open(g) | yajl_gen_map_open(g) |
           json_key_str(g, "url", url) | yajl_gen_map_close(g) |
           yajl_gen_array_close(g);
}

static int emit_document(yajl_gen g, yajl_val root, const char *stage)
{
    int st = yajl_gen_map_open(g);

    for (size_t i = 0; i < root->u.object.len; i++) {
        const char *key = root->u.object.keys[i];
        st |= json_str(g, key);
        if (strcmp(key, "servers") == 0)
            st |= emit_servers(g, stage);
        else
            st |= emit_value(g, root->u.object.values[i]);
    }
    return st | yajl_gen_map_close(g);
}

int openapi_render(const char *template_json, size_t len, const char *stage,
                   struct json_text *out, char *error, size_t error_size)
{
    char *text = malloc(len + 1);
    yajl_val root;
    yajl_gen g;
    int st;

    out->data = NULL;
    out->len = 0;
    if (text == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    memcpy(text, template_json, len);
    text[len] = '\0';
    root = yajl_tree_parse(text, error, error_size);
    free(text);
    if (root == NULL || !YAJL_IS_OBJECT(root)) {
        if (root != NULL)
            snprintf(error, error_size, "the OpenAPI template is not an object");
        yajl_tree_free(root);
        return -1;
    }
    g = json_begin();
    st = g ? emit_document(g, root, stage) : -1;
    yajl_tree_free(root);
    if (json_finish(g, st, out) != 0) {
        snprintf(error, error_size, "cannot render the OpenAPI document");
        return -1;
    }
    return 0;
}
