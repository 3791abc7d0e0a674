/* json.h - small helpers over yajl_gen for building response documents.
 *
 * Every JSON byte the service writes comes from yajl_gen: no hand-written
 * escaping anywhere. Helpers return yajl_gen_status so a caller can OR a
 * sequence of calls together and check once (yajl_gen_status_ok is 0). */
#ifndef API_JSON_H
#define API_JSON_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

/* An owned, NUL-terminated JSON text. */
struct json_text {
    char *data;
    size_t len;
};

/* A compact generator (no whitespace) that validates UTF-8. NULL on OOM. */
yajl_gen json_begin(void);

/* Copies the generated text into *out and frees the generator.
 * Returns 0, or -1 when status is not ok or memory ran out. */
int json_finish(yajl_gen g, int status, struct json_text *out);

void json_text_free(struct json_text *text);

int json_str(yajl_gen g, const char *value);
int json_strn(yajl_gen g, const char *value, size_t len);
int json_key_str(yajl_gen g, const char *key, const char *value);
int json_key_int(yajl_gen g, const char *key, long long value);
int json_key_bool(yajl_gen g, const char *key, int value);
/* Emits the key; the caller then emits the value. */
int json_key(yajl_gen g, const char *key);
/* A string that may hold anything a client sent: invalid UTF-8 becomes
 * U+FFFD so the document stays valid. */
int json_key_untrusted(yajl_gen g, const char *key, const char *value,
                       size_t len);

#endif
