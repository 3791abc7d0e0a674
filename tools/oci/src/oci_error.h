/* oci_error.h - an error value: one line of text that the caller prints.
 *
 * Functions that can fail take a `struct oci_error *` and return -1 after
 * filling it (oci_fail() does both), 0 on success. Only main() prints and
 * chooses the exit status; nothing below it exits. */
#ifndef OCI_ERROR_H
#define OCI_ERROR_H

#define OCI_ERROR_SIZE 1024

/* Whether the error is the caller's command line (exit 2) or the work (1). */
enum oci_error_kind {
    OCI_ERROR_FAILURE = 1,
    OCI_ERROR_USAGE = 2,
};

struct oci_error {
    enum oci_error_kind kind;
    char message[OCI_ERROR_SIZE];
};

/* Sets a failure message (printf format) and returns -1. */
int oci_fail(struct oci_error *err, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets a usage-error message and returns -1. */
int oci_usage(struct oci_error *err, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefixes the message already in err with "CONTEXT: " and returns -1. */
int oci_error_context(struct oci_error *err, const char *context);

#endif
