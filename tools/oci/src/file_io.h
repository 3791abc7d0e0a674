/* file_io.h - the few file-system operations the builder needs, with modes
 * set explicitly.
 *
 * Every file or directory created here gets its mode with fchmod/chmod
 * after creation, so the process umask never shows in the output. Nothing
 * here reads a file's mode, owner or time. */
#ifndef OCI_FILE_IO_H
#define OCI_FILE_IO_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "oci_error.h"

#define OCI_FILE_MODE 0644
#define OCI_DIR_MODE 0755

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
int file_read_all(const char *path, char **data, size_t *len,
                  struct oci_error *err);

/* Creates or truncates path, sets its mode to `mode` and opens it for
 * writing. */
int file_create(const char *path, mode_t mode, FILE **out,
                struct oci_error *err);

/* Writes len bytes and closes the stream; the stream is closed either way. */
int file_write_close(FILE *f, const char *path, const void *data, size_t len,
                     struct oci_error *err);

/* Creates path (mode 0644) holding exactly data. */
int file_write_all(const char *path, const void *data, size_t len,
                   struct oci_error *err);

/* Creates the directory when missing; either way sets its mode to 0755. */
int file_make_dir(const char *path, struct oci_error *err);

/* Sets *empty to 1 when the directory path has no entries, else to 0. */
int file_dir_is_empty(const char *path, int *empty, struct oci_error *err);

/* "DIR/NAME" in a new buffer the caller frees (NULL when out of memory). */
char *file_join(const char *dir, const char *name);

#endif
