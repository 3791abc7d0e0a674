/* layer.c - the tar -> gzip -> blob pipeline; see layer.h.
 *
 * Only wiring: the format decisions live in tar_writer.c and
 * gzip_stream.c, hashing in sha256.c. */
#include "layer.h"

#include <string.h>

#include "blob_writer.h"
#include "gzip_stream.h"
#include "sha256.h"
#include "tar_writer.h"

/* The stage between tar and gzip: hashes the uncompressed bytes. */
struct diff_tee {
    struct sha256 hash;
    struct gzip_stream *gzip;
};

static int tee_write(void *state, const unsigned char *data, size_t len,
                     struct oci_error *err)
{
    struct diff_tee *tee = state;

    if (sha256_update(&tee->hash, data, len, err) != 0)
        return -1;
    return gzip_stream_write(tee->gzip, data, len, err);
}

static int run_pipeline(const struct layer_plan *plan, struct blob_writer *blob,
                        struct descriptor *desc, struct oci_error *err)
{
    struct gzip_stream gzip;
    struct diff_tee tee = {{NULL}, &gzip};
    struct byte_sink tar_out = {tee_write, &tee};

    if (gzip_stream_init(&gzip, blob_writer_sink(blob), err) != 0)
        return -1;
    if (sha256_init(&tee.hash, err) != 0 || tar_write(plan, tar_out, err) != 0 ||
        gzip_stream_finish(&gzip, err) != 0 ||
        sha256_final(&tee.hash, desc->diff_id, err) != 0) {
        sha256_free(&tee.hash);
        gzip_stream_free(&gzip);
        return -1;
    }
    return 0;
}

int layer_build(const struct layer_plan *plan, const char *output,
                struct descriptor *desc, struct oci_error *err)
{
    struct blob_writer blob;

    memset(desc, 0, sizeof(*desc));
    desc->media_type = OCI_MEDIA_TYPE_LAYER;
    if (blob_writer_open(&blob, output, err) != 0)
        return -1;
    if (run_pipeline(plan, &blob, desc, err) != 0) {
        blob_writer_abort(&blob);
        return -1;
    }
    return blob_writer_close(&blob, desc->digest, &desc->size, err);
}
