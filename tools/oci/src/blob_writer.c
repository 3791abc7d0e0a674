/* blob_writer.c - a hashing, counting file writer; see blob_writer.h. */
#include "blob_writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_io.h"

#define COPY_CHUNK 65536

int blob_writer_open(struct blob_writer *blob, const char *path,
                     struct oci_error *err)
{
    memset(blob, 0, sizeof(*blob));
    blob->path = strdup(path);
    if (blob->path == NULL)
        return oci_fail(err, "out of memory");
    if (file_create(path, OCI_FILE_MODE, &blob->file, err) != 0) {
        free(blob->path); /* not ours to remove */
        blob->path = NULL;
        return -1;
    }
    if (sha256_init(&blob->hash, err) != 0) {
        blob_writer_abort(blob);
        return -1;
    }
    return 0;
}

int blob_writer_write(struct blob_writer *blob, const unsigned char *data,
                      size_t len, struct oci_error *err)
{
    if (sha256_update(&blob->hash, data, len, err) != 0)
        return -1;
    if (len > 0 && fwrite(data, 1, len, blob->file) != len)
        return oci_fail(err, "cannot write %s: %s", blob->path,
                        strerror(errno));
    blob->size += (int64_t)len;
    return 0;
}

int blob_writer_close(struct blob_writer *blob, char *digest, int64_t *size,
                      struct oci_error *err)
{
    FILE *f = blob->file;

    blob->file = NULL;
    if (fclose(f) != 0) {
        oci_fail(err, "cannot write %s: %s", blob->path, strerror(errno));
        blob_writer_abort(blob);
        return -1;
    }
    if (sha256_final(&blob->hash, digest, err) != 0) {
        blob_writer_abort(blob);
        return -1;
    }
    *size = blob->size;
    free(blob->path);
    blob->path = NULL;
    return 0;
}

void blob_writer_abort(struct blob_writer *blob)
{
    if (blob->file != NULL)
        fclose(blob->file);
    if (blob->path != NULL)
        unlink(blob->path);
    sha256_free(&blob->hash);
    free(blob->path);
    blob->file = NULL;
    blob->path = NULL;
}

static int sink_write(void *state, const unsigned char *data, size_t len,
                      struct oci_error *err)
{
    return blob_writer_write(state, data, len, err);
}

struct byte_sink blob_writer_sink(struct blob_writer *blob)
{
    struct byte_sink sink = {sink_write, blob};

    return sink;
}

static int copy_stream(FILE *in, const char *src, struct blob_writer *blob,
                       struct oci_error *err)
{
    unsigned char chunk[COPY_CHUNK];
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
        if (blob_writer_write(blob, chunk, n, err) != 0)
            return -1;
    }
    if (ferror(in))
        return oci_fail(err, "cannot read %s", src);
    return 0;
}

int blob_copy_file(const char *src, const char *dst, char *digest,
                   int64_t *size, struct oci_error *err)
{
    struct blob_writer blob;
    FILE *in = fopen(src, "rb");
    int rc;

    if (in == NULL)
        return oci_fail(err, "cannot open %s: %s", src, strerror(errno));
    if (blob_writer_open(&blob, dst, err) != 0) {
        fclose(in);
        return -1;
    }
    rc = copy_stream(in, src, &blob, err);
    fclose(in);
    if (rc != 0) {
        blob_writer_abort(&blob);
        return -1;
    }
    return blob_writer_close(&blob, digest, size, err);
}
