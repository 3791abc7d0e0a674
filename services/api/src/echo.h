/* echo.h - the POST /v1/echo contract: validate the JSON body, render the
 * reply.
 *
 * Body: {"message": string of 1..1024 characters, "repeat": integer 1..10
 * (optional, default 1)}, no other fields. Parsing uses yajl's callback
 * API so a syntax error reports its byte offset (400) and a contract
 * violation names the field (422). Syntax is checked in full before the
 * contract, so a body that is both malformed and invalid is a 400. */
#ifndef API_ECHO_H
#define API_ECHO_H

#include <stddef.h>

#include "json.h"

#define ECHO_MESSAGE_MAX_CHARS 1024
#define ECHO_MESSAGE_MAX_BYTES (4 * ECHO_MESSAGE_MAX_CHARS)
#define ECHO_REPEAT_MIN 1
#define ECHO_REPEAT_MAX 10

struct echo_request {
    char message[ECHO_MESSAGE_MAX_BYTES + 1];
    size_t message_len; /* bytes; the message may contain NUL */
    int repeat;
};

struct echo_error {
    int status;             /* 400 or 422 */
    char field[64];         /* 422: which field ("" for the body itself) */
    char detail[160];       /* why */
    long long offset;       /* 400: index of the byte where parsing failed,
                               or len when the body ended early */
};

/* Returns 0 and fills *req, or the HTTP status (400, 422, 500 on OOM) and
 * fills *err. */
int echo_parse(const char *body, size_t len, struct echo_request *req,
               struct echo_error *err);

/* {"message":…, "repeat":…, "echo":[message × repeat], "request_id":…} */
int echo_render(const struct echo_request *req, const char *request_id,
                struct json_text *out);

#endif
