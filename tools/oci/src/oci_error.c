/* oci_error.c - fill a struct oci_error; see oci_error.h. */
#include "oci_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int set(struct oci_error *err, enum oci_error_kind kind,
               const char *format, va_list args)
{
    err->kind = kind;
    vsnprintf(err->message, sizeof(err->message), format, args);
    return -1;
}

int oci_fail(struct oci_error *err, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    set(err, OCI_ERROR_FAILURE, format, args);
    va_end(args);
    return -1;
}

int oci_usage(struct oci_error *err, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    set(err, OCI_ERROR_USAGE, format, args);
    va_end(args);
    return -1;
}

int oci_error_context(struct oci_error *err, const char *context)
{
    size_t context_len = strnlen(context, OCI_ERROR_SIZE / 2);
    size_t message_len = strnlen(err->message, OCI_ERROR_SIZE - 1);
    size_t room = OCI_ERROR_SIZE - 1 - context_len - 2;

    if (message_len > room)
        message_len = room;
    memmove(err->message + context_len + 2, err->message, message_len);
    memcpy(err->message, context, context_len);
    memcpy(err->message + context_len, ": ", 2);
    err->message[context_len + 2 + message_len] = '\0';
    return -1;
}
