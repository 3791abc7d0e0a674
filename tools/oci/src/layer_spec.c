/* layer_spec.c - --file/--dir argument parsing; see layer_spec.h.
 *
 * Validation lives here so that everything wrong with a command line is
 * reported before any byte is written. */
#include "layer_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODE_DIGITS_MAX 6
#define ID_DIGITS_MAX 7

int layer_spec_parse_mode(const char *text, unsigned *mode)
{
    size_t len = strlen(text);
    unsigned value = 0;

    if (len == 0 || len > MODE_DIGITS_MAX)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '7')
            return -1;
        value = value * 8 + (unsigned)(text[i] - '0');
    }
    if (value > LAYER_MODE_MAX)
        return -1;
    *mode = value;
    return 0;
}

int layer_spec_parse_id(const char *text, unsigned long *id)
{
    size_t len = strlen(text);
    unsigned long value = 0;

    if (len == 0 || len > ID_DIGITS_MAX)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (unsigned long)(text[i] - '0');
    }
    if (value > LAYER_ID_MAX)
        return -1;
    *id = value;
    return 0;
}

static int has_control_char(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return 1;
    }
    return 0;
}

/* 0 when every "/"-separated component of path (len bytes) is a name. */
static int check_components(const char *path, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && path[i] != '/')
            continue;
        size_t n = i - start;
        if (n == 0 || (n == 1 && path[start] == '.') ||
            (n == 2 && path[start] == '.' && path[start + 1] == '.'))
            return -1;
        start = i + 1;
    }
    return 0;
}

int layer_spec_member_name(const char *dest, int is_dir, char **out,
                           struct oci_error *err)
{
    size_t len;

    *out = NULL;
    if (dest[0] != '/')
        return oci_usage(err, "destination \"%s\" must be absolute (start with /)", dest);
    if (has_control_char(dest))
        return oci_usage(err, "destination \"%s\" contains a control character", dest);
    dest++;
    len = strlen(dest);
    if (is_dir && len > 0 && dest[len - 1] == '/')
        len--;
    if (len == 0)
        return oci_usage(err, "destination \"/%s\" names no file below /", dest);
    if (check_components(dest, len) != 0)
        return oci_usage(err, "destination \"/%s\" has an empty, \".\" or "
                         "\"..\" component", dest);
    *out = malloc(len + 2);
    if (*out == NULL)
        return oci_fail(err, "out of memory");
    memcpy(*out, dest, len);
    (*out)[len] = '/';
    (*out)[is_dir ? len + 1 : len] = '\0';
    return 0;
}

/* Splits "DEST:MODE:UID:GID" (modified in place) from the right. */
static int split_attrs(char *text, char **dest, char **mode, char **uid,
                       char **gid)
{
    char **parts[] = {gid, uid, mode};

    for (size_t i = 0; i < 3; i++) {
        char *colon = strrchr(text, ':');

        if (colon == NULL)
            return -1;
        *colon = '\0';
        *parts[i] = colon + 1;
    }
    *dest = text;
    return 0;
}

/* Fills path, mode, uid and gid of out from "DEST:MODE:UID:GID". */
static int parse_attrs(const char *attrs, int is_dir, struct layer_entry *out,
                       struct oci_error *err)
{
    char *copy = strdup(attrs);
    char *dest, *mode, *uid, *gid;
    int rc = -1;

    if (copy == NULL)
        return oci_fail(err, "out of memory");
    if (split_attrs(copy, &dest, &mode, &uid, &gid) != 0)
        oci_usage(err, "expected %sDEST:MODE:UID:GID", is_dir ? "" : "SRC=");
    else if (layer_spec_parse_mode(mode, &out->mode) != 0)
        oci_usage(err, "mode \"%s\" is not octal from 0000 to 7777", mode);
    else if (layer_spec_parse_id(uid, &out->uid) != 0)
        oci_usage(err, "uid \"%s\" is not a number from 0 to %lu", uid, LAYER_ID_MAX);
    else if (layer_spec_parse_id(gid, &out->gid) != 0)
        oci_usage(err, "gid \"%s\" is not a number from 0 to %lu", gid, LAYER_ID_MAX);
    else
        rc = layer_spec_member_name(dest, is_dir, &out->path, err);
    free(copy);
    return rc;
}

static int fail_spec(struct layer_entry *out, struct oci_error *err,
                     const char *option, const char *spec)
{
    char context[OCI_ERROR_SIZE / 2];

    layer_entry_free(out);
    snprintf(context, sizeof(context), "%s \"%.200s\"", option, spec);
    return oci_error_context(err, context);
}

int layer_spec_parse_file(const char *spec, struct layer_entry *out,
                          struct oci_error *err)
{
    const char *eq = strchr(spec, '=');

    memset(out, 0, sizeof(*out));
    if (eq == NULL || eq == spec) {
        oci_usage(err, "expected SRC=DEST:MODE:UID:GID");
        return fail_spec(out, err, "--file", spec);
    }
    out->source = strndup(spec, (size_t)(eq - spec));
    if (out->source == NULL) {
        oci_fail(err, "out of memory");
        return fail_spec(out, err, "--file", spec);
    }
    if (parse_attrs(eq + 1, 0, out, err) != 0)
        return fail_spec(out, err, "--file", spec);
    return 0;
}

int layer_spec_parse_dir(const char *spec, struct layer_entry *out,
                         struct oci_error *err)
{
    memset(out, 0, sizeof(*out));
    if (parse_attrs(spec, 1, out, err) != 0)
        return fail_spec(out, err, "--dir", spec);
    return 0;
}

int layer_entry_is_dir(const struct layer_entry *entry)
{
    return entry->source == NULL;
}

void layer_entry_free(struct layer_entry *entry)
{
    free(entry->path);
    free(entry->source);
    entry->path = NULL;
    entry->source = NULL;
}
