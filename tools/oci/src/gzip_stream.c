/* gzip_stream.c - zlib deflate with a fixed gzip header; see gzip_stream.h.
 *
 * Streams: every call deflates what it is given and passes the compressed
 * bytes on, so memory use does not grow with the input. */
#include "gzip_stream.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define GZIP_WINDOW_BITS (15 + 16) /* 32 KiB window, gzip wrapper */
#define GZIP_LEVEL 9
#define GZIP_MEM_LEVEL 8
#define GZIP_OS_UNIX 3
#define GZIP_CHUNK 65536

struct gzip_state {
    z_stream z;
    gz_header header;
};

int gzip_stream_init(struct gzip_stream *gz, struct byte_sink out,
                     struct oci_error *err)
{
    struct gzip_state *state = calloc(1, sizeof(*state));

    gz->zstream = NULL;
    gz->out = out;
    if (state == NULL)
        return oci_fail(err, "out of memory");
    if (deflateInit2(&state->z, GZIP_LEVEL, Z_DEFLATED, GZIP_WINDOW_BITS,
                     GZIP_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(state);
        return oci_fail(err, "zlib deflateInit2 failed");
    }
    /* calloc left text, time, extra, name, comment and hcrc at zero. */
    state->header.os = GZIP_OS_UNIX;
    if (deflateSetHeader(&state->z, &state->header) != Z_OK) {
        deflateEnd(&state->z);
        free(state);
        return oci_fail(err, "zlib deflateSetHeader failed");
    }
    gz->zstream = state;
    return 0;
}

/* Runs deflate with `flush` until zlib has no more output for now. */
static int pump(struct gzip_stream *gz, int flush, struct oci_error *err)
{
    struct gzip_state *state = gz->zstream;
    unsigned char chunk[GZIP_CHUNK];
    int rc;

    do {
        state->z.next_out = chunk;
        state->z.avail_out = sizeof(chunk);
        rc = deflate(&state->z, flush);
        if (rc == Z_STREAM_ERROR)
            return oci_fail(err, "zlib deflate failed");
        size_t produced = sizeof(chunk) - state->z.avail_out;
        if (produced > 0 &&
            byte_sink_write(&gz->out, chunk, produced, err) != 0)
            return -1;
    } while (state->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return 0;
}

int gzip_stream_write(struct gzip_stream *gz, const unsigned char *data,
                      size_t len, struct oci_error *err)
{
    struct gzip_state *state = gz->zstream;

    while (len > 0) {
        uInt part = len > UINT32_MAX ? UINT32_MAX : (uInt)len;

        state->z.next_in = (Bytef *)data;
        state->z.avail_in = part;
        if (pump(gz, Z_NO_FLUSH, err) != 0)
            return -1;
        data += part;
        len -= part;
    }
    return 0;
}

int gzip_stream_finish(struct gzip_stream *gz, struct oci_error *err)
{
    struct gzip_state *state = gz->zstream;
    int rc;

    state->z.next_in = NULL;
    state->z.avail_in = 0;
    rc = pump(gz, Z_FINISH, err);
    gzip_stream_free(gz);
    return rc;
}

void gzip_stream_free(struct gzip_stream *gz)
{
    struct gzip_state *state = gz->zstream;

    if (state == NULL)
        return;
    deflateEnd(&state->z);
    free(state);
    gz->zstream = NULL;
}

static int sink_write(void *state, const unsigned char *data, size_t len,
                      struct oci_error *err)
{
    return gzip_stream_write(state, data, len, err);
}

struct byte_sink gzip_stream_sink(struct gzip_stream *gz)
{
    struct byte_sink sink = {sink_write, gz};

    return sink;
}
