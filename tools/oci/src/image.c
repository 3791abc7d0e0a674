/* image.c - the steps of `oci_builder image`; see image.h.
 *
 * Only sequencing: documents are rendered by image_config.c, manifest.c,
 * report.c and image_index.c, and written by layout.c. */
#include "image.h"

#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "descriptor.h"
#include "file_io.h"
#include "image_config.h"
#include "image_input.h"
#include "layout.h"
#include "manifest.h"
#include "report.h"

struct image_state {
    struct image_input input;
    struct descriptor *layers;
    struct descriptor config;
    struct descriptor manifest;
    struct layout layout;
};

static int read_json_file(const char *path, char **text, struct oci_error *err)
{
    size_t len;

    if (file_read_all(path, text, &len, err) != 0)
        return -1;
    if (strlen(*text) != len) {
        free(*text);
        *text = NULL;
        return oci_fail(err, "%s: contains a NUL byte", path);
    }
    return 0;
}

static int load_input(const struct image_request *req, struct image_state *s,
                      struct oci_error *err)
{
    char *text;
    int rc;

    if (read_json_file(req->config, &text, err) != 0)
        return -1;
    rc = image_input_parse(text, req->config, &s->input, err);
    free(text);
    return rc;
}

static int load_layers(const struct image_request *req, struct image_state *s,
                       struct oci_error *err)
{
    s->layers = calloc(req->layer_count + 1, sizeof(*s->layers));
    if (s->layers == NULL)
        return oci_fail(err, "out of memory");
    for (size_t i = 0; i < req->layer_count; i++) {
        const char *path = req->layers[i].descriptor;
        char *text;
        int rc;

        if (read_json_file(path, &text, err) != 0)
            return -1;
        rc = descriptor_parse_layer(text, path, &s->layers[i], err);
        free(text);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int copy_layers(const struct image_request *req, struct image_state *s,
                       struct oci_error *err)
{
    for (size_t i = 0; i < req->layer_count; i++) {
        if (layout_copy_layer(&s->layout, req->layers[i].blob, &s->layers[i], err) != 0)
            return -1;
    }
    return 0;
}

/* Stores a rendered document as a blob and describes it. */
static int store(struct image_state *s, const char *media_type,
                 const struct json_text *text, struct descriptor *desc,
                 struct oci_error *err)
{
    if (descriptor_of_bytes(media_type, text->data, text->len, desc, err) != 0)
        return -1;
    return layout_write_blob(&s->layout, desc, text, err);
}

static int write_documents(const struct image_request *req,
                           struct image_state *s, struct oci_error *err)
{
    struct json_text config = {0}, manifest = {0};
    int rc = -1;

    if (image_config_render(&s->input, s->layers, req->layer_count, &config, err) == 0 &&
        store(s, OCI_MEDIA_TYPE_CONFIG, &config, &s->config, err) == 0 &&
        manifest_render(&s->config, s->layers, req->layer_count, &manifest, err) == 0 &&
        store(s, OCI_MEDIA_TYPE_MANIFEST, &manifest, &s->manifest, err) == 0)
        rc = layout_write_index(&s->layout, &s->manifest, err);
    json_text_free(&config);
    json_text_free(&manifest);
    return rc;
}

static int write_outputs(const struct image_request *req,
                         const struct image_state *s, struct oci_error *err)
{
    struct json_text report = {0};
    int rc = -1;

    if (file_write_all(req->digest_out, s->manifest.digest,
                       strlen(s->manifest.digest), err) == 0 &&
        report_render(&s->manifest, &s->config, s->layers, req->layer_count,
                      &report, err) == 0)
        rc = file_write_all(req->report_out, report.data, report.len, err);
    json_text_free(&report);
    return rc;
}

int image_build(const struct image_request *req, struct oci_error *err)
{
    struct image_state s;
    int rc = -1;

    memset(&s, 0, sizeof(s));
    if (load_input(req, &s, err) == 0 && load_layers(req, &s, err) == 0 &&
        layout_create(&s.layout, req->layout_dir, err) == 0) {
        if (copy_layers(req, &s, err) == 0 && write_documents(req, &s, err) == 0)
            rc = write_outputs(req, &s, err);
        layout_free(&s.layout);
    }
    image_input_free(&s.input);
    free(s.layers);
    return rc;
}
