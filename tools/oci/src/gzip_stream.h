/* gzip_stream.h - deterministic gzip compression of a byte stream (zlib).
 *
 * The gzip header carries no name, no comment, mtime 0 and OS 3 (Unix), and
 * the level is fixed at 9, so the output depends only on the input bytes
 * and the zlib version. Output goes to a byte_sink as it is produced. */
#ifndef OCI_GZIP_STREAM_H
#define OCI_GZIP_STREAM_H

#include <stddef.h>

#include "byte_sink.h"
#include "oci_error.h"

struct gzip_stream {
    void *zstream; /* z_stream, opaque here */
    struct byte_sink out;
};

int gzip_stream_init(struct gzip_stream *gz, struct byte_sink out,
                     struct oci_error *err);
int gzip_stream_write(struct gzip_stream *gz, const unsigned char *data,
                      size_t len, struct oci_error *err);
/* Flushes the trailer; the stream is freed either way. */
int gzip_stream_finish(struct gzip_stream *gz, struct oci_error *err);
/* Frees without finishing (safe after finish, or twice). */
void gzip_stream_free(struct gzip_stream *gz);

/* A byte_sink that compresses into gz. */
struct byte_sink gzip_stream_sink(struct gzip_stream *gz);

#endif
