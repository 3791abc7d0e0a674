/* json.c - yajl_gen helpers; see json.h. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

yajl_gen json_begin(void)
{
    yajl_gen g = yajl_gen_alloc(NULL);

    if (g != NULL)
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    return g;
}

int json_finish(yajl_gen g, int status, struct json_text *out)
{
    const unsigned char *buf = NULL;
    size_t len = 0;
    int rc = -1;

    out->data = NULL;
    out->len = 0;
    if (g == NULL)
        return -1;
    if (status == yajl_gen_status_ok &&
        yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        out->data = malloc(len + 1);
        if (out->data != NULL) {
            memcpy(out->data, buf, len);
            out->data[len] = '\0';
            out->len = len;
            rc = 0;
        }
    }
    yajl_gen_free(g);
    return rc;
}

void json_text_free(struct json_text *text)
{
    free(text->data);
    text->data = NULL;
    text->len = 0;
}

int json_strn(yajl_gen g, const char *value, size_t len)
{
    return yajl_gen_string(g, (const unsigned char *)value, len);
}

int json_str(yajl_gen g, const char *value)
{
    return json_strn(g, value, strlen(value));
}

int json_key(yajl_gen g, const char *key)
{
    return json_str(g, key);
}

int json_key_str(yajl_gen g, const char *key, const char *value)
{
    return json_str(g, key) | json_str(g, value);
}

int json_key_int(yajl_gen g, const char *key, long long value)
{
    return json_str(g, key) | yajl_gen_integer(g, value);
}

int json_key_bool(yajl_gen g, const char *key, int value)
{
    return json_str(g, key) | yajl_gen_bool(g, value);
}

int json_key_untrusted(yajl_gen g, const char *key, const char *value,
                       size_t len)
{
    char stack_buf[512];
    size_t need = utf8_sanitized_size(value, len);
    char *clean = need <= sizeof(stack_buf) ? stack_buf : malloc(need);
    int status;

    if (clean == NULL)
        return yajl_gen_in_error_state;
    utf8_sanitize(value, len, clean);
    status = json_str(g, key) | json_strn(g, clean, need);
    if (clean != stack_buf)
        free(clean);
    return status;
}
