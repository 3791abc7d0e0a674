/* request_id.c - see request_id.h. */
#include "request_id.h"

#include <string.h>

static int is_id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
           c == '-';
}

static int is_valid_span(const char *value, size_t len)
{
    if (len == 0 || len > REQUEST_ID_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (!is_id_char(value[i]))
            return 0;
    }
    return 1;
}

int request_id_is_valid(const char *value)
{
    return value != NULL && is_valid_span(value, strnlen(value, REQUEST_ID_MAX + 1));
}

int request_id_from_trace_header(const char *trace, char *out)
{
    const char *p = trace;

    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == ';')
            p++;
        size_t field_len = strcspn(p, ";");
        if (field_len > 5 && strncmp(p, "Root=", 5) == 0 &&
            is_valid_span(p + 5, field_len - 5)) {
            memcpy(out, p + 5, field_len - 5);
            out[field_len - 5] = '\0';
            return 1;
        }
        p += field_len;
    }
    return 0;
}

int request_id_from_headers(const char *x_request_id,
                            const char *x_amzn_trace_id, char *out)
{
    if (request_id_is_valid(x_request_id)) {
        strcpy(out, x_request_id);
        return 1;
    }
    return x_amzn_trace_id != NULL &&
           request_id_from_trace_header(x_amzn_trace_id, out);
}

void request_id_generate(const unsigned char random[REQUEST_ID_RANDOM_BYTES],
                         char *out)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < REQUEST_ID_RANDOM_BYTES; i++) {
        out[2 * i] = hex[random[i] >> 4];
        out[2 * i + 1] = hex[random[i] & 0x0f];
    }
    out[2 * REQUEST_ID_RANDOM_BYTES] = '\0';
}

void request_id_choose(const char *x_request_id, const char *x_amzn_trace_id,
                       const unsigned char random[REQUEST_ID_RANDOM_BYTES],
                       char *out)
{
    if (!request_id_from_headers(x_request_id, x_amzn_trace_id, out))
        request_id_generate(random, out);
}
