/* request_id_fuzz.c - libFuzzer target: whatever X-Request-Id and
 * X-Amzn-Trace-Id carry, the chosen id is safe to echo (it matches
 * ^[A-Za-z0-9._:-]{1,128}$). Input: the two header values, NUL-separated. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char random[REQUEST_ID_RANDOM_BYTES] = {1, 2, 3};
    char *copy = malloc(size + 2);
    char out[REQUEST_ID_MAX + 1];
    const char *trace;

    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    copy[size + 1] = '\0';
    trace = copy + strlen(copy) + 1;
    request_id_choose(copy, trace, random, out);
    if (!request_id_is_valid(out))
        abort();
    free(copy);
    return 0;
}
