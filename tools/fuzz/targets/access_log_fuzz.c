/* access_log_fuzz.c - libFuzzer target: an access-log line is one valid
 * JSON object whatever bytes the method, path and user agent hold. Input:
 * the three values, NUL-separated. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "access_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 3);
    struct access_entry e = {.status = 200, .bytes = 1, .duration_ms = 0.5};
    struct json_text line;
    char error[128];
    yajl_val parsed;

    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    memset(copy + size, 0, 3);
    e.method = copy;
    e.path = e.method + strlen(e.method) + 1;
    e.user_agent = e.path + strlen(e.path) + 1;
    if (access_log_format(&e, &line) != 0 || memchr(line.data, '\n', line.len) != NULL)
        abort();
    parsed = yajl_tree_parse(line.data, error, sizeof(error));
    if (parsed == NULL || !YAJL_IS_OBJECT(parsed))
        abort();
    yajl_tree_free(parsed);
    json_text_free(&line);
    free(copy);
    return 0;
}
