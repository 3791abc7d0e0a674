/* url_fuzz.c - libFuzzer target: strict path decoding never writes past its
 * buffer, never lets a NUL through, and never grows the path. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = malloc(size + 1);
    char out[64];

    if (path == NULL)
        return 0;
    memcpy(path, data, size);
    path[size] = '\0';
    if (url_decode_path(path, out, sizeof(out)) == 0 && strlen(out) > strlen(path))
        abort();
    free(path);
    return 0;
}
