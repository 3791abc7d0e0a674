/* descriptor.c - render and parse descriptors; see descriptor.h. */
#include "descriptor.h"

#include <string.h>

#include "json_read.h"

int descriptor_gen(yajl_gen g, const struct descriptor *d, int with_diff_id)
{
    int rc = yajl_gen_map_open(g);

    if (with_diff_id)
        rc |= json_key_str(g, "diff_id", d->diff_id);
    rc |= json_key_str(g, "digest", d->digest);
    rc |= json_key_str(g, "mediaType", d->media_type);
    rc |= json_key_int(g, "size", (long long)d->size);
    return rc | yajl_gen_map_close(g);
}

int descriptor_render_layer(const struct descriptor *d, struct json_text *out,
                            struct oci_error *err)
{
    yajl_gen g = json_begin();

    return json_finish(g, g ? descriptor_gen(g, d, 1) : 0, out, err);
}

static int read_digest(yajl_val root, const char *key, char *out,
                       const char *what, struct oci_error *err)
{
    const char *value;

    if (json_read_string(root, key, 1, &value, what, err) != 0)
        return -1;
    if (!sha256_is_digest(value))
        return oci_fail(err, "%s: \"%s\" must be sha256: and 64 lowercase hex digits",
                        what, key);
    memcpy(out, value, OCI_DIGEST_LEN + 1);
    return 0;
}

static int read_layer(yajl_val root, const char *what, struct descriptor *out,
                      struct oci_error *err)
{
    static const char *const keys[] = {"diff_id", "digest", "mediaType", "size", NULL};
    const char *media_type;
    long long size;

    if (json_read_check_keys(root, keys, what, err) != 0 ||
        read_digest(root, "diff_id", out->diff_id, what, err) != 0 ||
        read_digest(root, "digest", out->digest, what, err) != 0 ||
        json_read_string(root, "mediaType", 1, &media_type, what, err) != 0 ||
        json_read_int(root, "size", &size, what, err) != 0)
        return -1;
    if (strcmp(media_type, OCI_MEDIA_TYPE_LAYER) != 0)
        return oci_fail(err, "%s: mediaType must be %s", what, OCI_MEDIA_TYPE_LAYER);
    if (size < 0)
        return oci_fail(err, "%s: size must not be negative", what);
    out->media_type = OCI_MEDIA_TYPE_LAYER;
    out->size = (int64_t)size;
    return 0;
}

int descriptor_parse_layer(const char *text, const char *what,
                           struct descriptor *out, struct oci_error *err)
{
    yajl_val root;
    int rc;

    memset(out, 0, sizeof(*out));
    if (json_read_object(text, what, &root, err) != 0)
        return -1;
    rc = read_layer(root, what, out, err);
    yajl_tree_free(root);
    return rc;
}

int descriptor_of_bytes(const char *media_type, const void *data, size_t len,
                        struct descriptor *out, struct oci_error *err)
{
    memset(out, 0, sizeof(*out));
    out->media_type = media_type;
    out->size = (int64_t)len;
    return sha256_of(data, len, out->digest, err);
}
