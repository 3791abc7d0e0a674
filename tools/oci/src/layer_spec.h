/* layer_spec.h - parse the --file and --dir arguments of `oci_builder layer`.
 *
 *   --file SRC=DEST:MODE:UID:GID   a regular file whose bytes come from SRC
 *   --dir  DEST:MODE:UID:GID       a directory
 *
 * DEST is absolute ("/app/api"); it becomes the tar member name without the
 * leading "/" ("app/api", directories "tmp/"). MODE is octal, at most 07777
 * (setuid, setgid and sticky bits included); UID and GID are decimal and fit
 * ustar's 7 octal digits. SRC is everything before the first "=", so it
 * cannot contain "="; DEST is split from MODE at the third ":" from the
 * right, so it may contain ":". Pure parsing: no file is touched here. */
#ifndef OCI_LAYER_SPEC_H
#define OCI_LAYER_SPEC_H

#include "oci_error.h"

#define LAYER_MODE_MAX 07777u
#define LAYER_ID_MAX 07777777ul /* ustar's uid/gid field: 7 octal digits */

struct layer_entry {
    char *path;   /* tar member name; no leading "/", directories end in "/" */
    char *source; /* where a file's bytes come from; NULL for a directory */
    unsigned mode;
    unsigned long uid;
    unsigned long gid;
};

/* Both fill *out (owned; free with layer_entry_free) or return -1 with a
 * usage error that quotes the argument. */
int layer_spec_parse_file(const char *spec, struct layer_entry *out,
                          struct oci_error *err);
int layer_spec_parse_dir(const char *spec, struct layer_entry *out,
                         struct oci_error *err);

/* "0555", "1777", "644": octal, at most 07777. Returns 0 or -1. */
int layer_spec_parse_mode(const char *text, unsigned *mode);

/* Decimal 0..LAYER_ID_MAX. Returns 0 or -1. */
int layer_spec_parse_id(const char *text, unsigned long *id);

/* The tar member name for an absolute destination, in a new string:
 * "/a/b" -> "a/b", or "a/b/" when is_dir. Rejects relative paths, empty,
 * "." and ".." components, and control characters. */
int layer_spec_member_name(const char *dest, int is_dir, char **out,
                           struct oci_error *err);

int layer_entry_is_dir(const struct layer_entry *entry);
void layer_entry_free(struct layer_entry *entry);

#endif
