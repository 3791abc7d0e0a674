/* problem.h - RFC 9457 problem details (application/problem+json).
 *
 * Every error the service returns is one of these documents. Rendering is
 * pure; the caller sends the bytes. */
#ifndef API_PROBLEM_H
#define API_PROBLEM_H

#include <stddef.h>

#include "json.h"

#define PROBLEM_CONTENT_TYPE "application/problem+json"

/* Problem types with their own URI and title; everything else is
 * "about:blank" with the HTTP reason phrase as title, as RFC 9457 asks. */
#define PROBLEM_TYPE_MALFORMED_JSON "urn:problem-type:malformed-json"
#define PROBLEM_TYPE_VALIDATION "urn:problem-type:validation-error"

struct problem {
    int status;
    const char *type;    /* NULL means about:blank */
    const char *title;   /* NULL means the reason phrase of status */
    const char *detail;  /* human-readable, may be NULL */
    const char *field;   /* 422: the offending field ("" = the body) */
    long long offset;    /* byte offset; written only for malformed JSON */
    const char *request_id; /* may be NULL */
};

/* The standard reason phrase ("Not Found"), or "Error" if unknown. */
const char *problem_reason_phrase(int status);

/* Renders {"type","title","status","detail"[,"field"][,"offset"][,"request_id"]}. */
int problem_render(const struct problem *p, struct json_text *out);

#endif
