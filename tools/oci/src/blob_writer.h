/* blob_writer.h - write a content-addressed blob: bytes go to a file while
 * their SHA-256 and size are computed on the way.
 *
 * Used for the compressed layer and for every blob copied into the layout,
 * so a blob's digest is always the digest of the bytes on disk. */
#ifndef OCI_BLOB_WRITER_H
#define OCI_BLOB_WRITER_H

#include <stdint.h>
#include <stdio.h>

#include "byte_sink.h"
#include "oci_error.h"
#include "sha256.h"

struct blob_writer {
    FILE *file;
    char *path;
    struct sha256 hash;
    int64_t size;
};

/* Creates path with mode 0644 (truncating it). */
int blob_writer_open(struct blob_writer *blob, const char *path,
                     struct oci_error *err);
int blob_writer_write(struct blob_writer *blob, const unsigned char *data,
                      size_t len, struct oci_error *err);
/* Closes the file and reports its digest ("sha256:…") and size. */
int blob_writer_close(struct blob_writer *blob, char *digest, int64_t *size,
                      struct oci_error *err);
/* Closes and removes a partial file (safe after close, or twice). */
void blob_writer_abort(struct blob_writer *blob);

/* A byte_sink that appends to blob. */
struct byte_sink blob_writer_sink(struct blob_writer *blob);

/* Streams the file at src into a blob at dst; reports digest and size. */
int blob_copy_file(const char *src, const char *dst, char *digest,
                   int64_t *size, struct oci_error *err);

#endif
