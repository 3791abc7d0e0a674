/* echo_fuzz.c - libFuzzer target: POST /v1/echo body validation and the
 * reply built from whatever it accepts.
 *
 * Properties: the answer is 0, 400 or 422 (500 only if memory ran out,
 * which ASan's allocator does not do here); an accepted body has a message
 * of 1 to ECHO_MESSAGE_MAX_BYTES bytes and a repeat within its range; and
 * whatever was accepted renders. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "echo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct echo_request req;
    struct echo_error err;
    struct json_text out;
    int status = echo_parse((const char *)data, size, &req, &err);

    if (status == 400 || status == 422)
        return 0;
    if (status != 0)
        abort();
    if (req.message_len == 0 || req.message_len > ECHO_MESSAGE_MAX_BYTES ||
        req.repeat < ECHO_REPEAT_MIN || req.repeat > ECHO_REPEAT_MAX)
        abort();
    if (echo_render(&req, "fuzz", &out) != 0)
        abort();
    json_text_free(&out);
    return 0;
}
