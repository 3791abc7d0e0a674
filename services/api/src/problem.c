/* problem.c - see problem.h. */
#include "problem.h"

#include <string.h>

const char *problem_reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

int problem_render(const struct problem *p, struct json_text *out)
{
    yajl_gen g = json_begin();
    int st;

    if (g == NULL)
        return -1;
    st = yajl_gen_map_open(g);
    st |= json_key_str(g, "type", p->type ? p->type : "about:blank");
    st |= json_key_str(g, "title",
                       p->title ? p->title : problem_reason_phrase(p->status));
    st |= json_key_int(g, "status", p->status);
    if (p->detail != NULL)
        st |= json_key_untrusted(g, "detail", p->detail, strlen(p->detail));
    if (p->field != NULL)
        st |= json_key_untrusted(g, "field", p->field, strlen(p->field));
    if (p->type != NULL && strcmp(p->type, PROBLEM_TYPE_MALFORMED_JSON) == 0)
        st |= json_key_int(g, "offset", p->offset);
    if (p->request_id != NULL)
        st |= json_key_str(g, "request_id", p->request_id);
    st |= yajl_gen_map_close(g);
    return json_finish(g, st, out);
}
