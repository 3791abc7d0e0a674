/* request_id.h - choose the id that ties a request to its log line.
 *
 * A caller-supplied id is kept when it is safe to echo into headers and logs
 * (^[A-Za-z0-9._:-]{1,128}$); otherwise a fresh 128-bit id is used. Pure: the
 * random bytes come from the caller. */
#ifndef API_REQUEST_ID_H
#define API_REQUEST_ID_H

#include <stddef.h>

#define REQUEST_ID_MAX 128
#define REQUEST_ID_RANDOM_BYTES 16

/* 1 if value (NUL-terminated, may be NULL) is acceptable as a request id. */
int request_id_is_valid(const char *value);

/* Extracts the Root= field of an X-Amzn-Trace-Id header value into out
 * (REQUEST_ID_MAX + 1 bytes). Returns 1 when found and valid, else 0. */
int request_id_from_trace_header(const char *trace, char *out);

/* Copies X-Request-Id, else the trace header's Root, into out (REQUEST_ID_MAX
 * + 1 bytes). Returns 1, or 0 when neither is usable. */
int request_id_from_headers(const char *x_request_id,
                            const char *x_amzn_trace_id, char *out);

/* The hex of 128 random bits, for requests without a usable id. */
void request_id_generate(const unsigned char random[REQUEST_ID_RANDOM_BYTES],
                         char *out);

/* request_id_from_headers(), else request_id_generate(random). */
void request_id_choose(const char *x_request_id, const char *x_amzn_trace_id,
                       const unsigned char random[REQUEST_ID_RANDOM_BYTES],
                       char *out);

#endif
