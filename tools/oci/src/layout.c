/* layout.c - the OCI image layout on disk; see layout.h.
 *
 * The only file in the builder that knows the layout's directory names. */
#include "layout.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob_writer.h"
#include "file_io.h"
#include "image_index.h"

static int make_dirs(struct layout *layout, struct oci_error *err)
{
    char *blobs = file_join(layout->dir, "blobs");
    int empty = 0, rc = -1;

    if (blobs == NULL)
        return oci_fail(err, "out of memory");
    if (file_make_dir(layout->dir, err) == 0 &&
        file_dir_is_empty(layout->dir, &empty, err) == 0) {
        if (!empty)
            oci_fail(err, "layout directory %s is not empty", layout->dir);
        else if (file_make_dir(blobs, err) == 0)
            rc = file_make_dir(layout->blobs, err);
    }
    free(blobs);
    return rc;
}

int layout_create(struct layout *layout, const char *dir,
                  struct oci_error *err)
{
    memset(layout, 0, sizeof(*layout));
    layout->dir = strdup(dir);
    layout->blobs = file_join(dir, "blobs/sha256");
    if (layout->dir == NULL || layout->blobs == NULL) {
        layout_free(layout);
        return oci_fail(err, "out of memory");
    }
    if (make_dirs(layout, err) != 0) {
        layout_free(layout);
        return -1;
    }
    return 0;
}

int layout_write_blob(const struct layout *layout,
                      const struct descriptor *desc,
                      const struct json_text *bytes, struct oci_error *err)
{
    char *path = file_join(layout->blobs, sha256_hex(desc->digest));
    int rc;

    if (path == NULL)
        return oci_fail(err, "out of memory");
    rc = file_write_all(path, bytes->data, bytes->len, err);
    free(path);
    return rc;
}

static int check_copy(const char *src, const struct descriptor *expected,
                      const char *digest, int64_t size, struct oci_error *err)
{
    if (strcmp(digest, expected->digest) != 0)
        return oci_fail(err, "layer %s has digest %s but its descriptor says %s",
                        src, digest, expected->digest);
    if (size != expected->size)
        return oci_fail(err, "layer %s has %" PRId64 " bytes but its descriptor says %" PRId64,
                        src, size, expected->size);
    return 0;
}

int layout_copy_layer(const struct layout *layout, const char *src,
                      const struct descriptor *expected,
                      struct oci_error *err)
{
    char digest[OCI_DIGEST_LEN + 1];
    char *path = file_join(layout->blobs, sha256_hex(expected->digest));
    int64_t size = 0;
    int rc;

    if (path == NULL)
        return oci_fail(err, "out of memory");
    rc = blob_copy_file(src, path, digest, &size, err);
    if (rc == 0 && check_copy(src, expected, digest, size, err) != 0) {
        unlink(path);
        rc = -1;
    }
    free(path);
    return rc;
}

static int write_document(const struct layout *layout, const char *name,
                          const struct json_text *text, struct oci_error *err)
{
    char *path = file_join(layout->dir, name);
    int rc;

    if (path == NULL)
        return oci_fail(err, "out of memory");
    rc = file_write_all(path, text->data, text->len, err);
    free(path);
    return rc;
}

int layout_write_index(const struct layout *layout,
                       const struct descriptor *manifest,
                       struct oci_error *err)
{
    struct json_text marker = {0}, index = {0};
    int rc = -1;

    if (image_layout_marker_render(&marker, err) == 0 &&
        image_index_render(manifest, &index, err) == 0 &&
        write_document(layout, "oci-layout", &marker, err) == 0)
        rc = write_document(layout, "index.json", &index, err);
    json_text_free(&marker);
    json_text_free(&index);
    return rc;
}

void layout_free(struct layout *layout)
{
    free(layout->dir);
    free(layout->blobs);
    layout->dir = NULL;
    layout->blobs = NULL;
}
