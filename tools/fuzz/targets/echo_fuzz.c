/* echo_fuzz.c - libFuzzer target: POST /v1/echo body validation and the
 * reply built from whatever it accepts. */
#include <stddef.h>
#include <stdint.h>

#include "echo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct echo_request req;
    struct echo_error err;
    struct json_text out;

    if (echo_parse((const char *)data, size, &req, &err) == 0 &&
        echo_render(&req, "fuzz", &out) == 0)
        json_text_free(&out);
    return 0;
}
