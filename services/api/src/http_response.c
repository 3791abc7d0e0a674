/* http_response.c - see http_response.h. */
#include "http_response.h"

#include <string.h>

#include "decimal.h"
#include "problem.h"

/* A bounded buffer that remembers whether anything did not fit. */
struct head_writer {
    char *buf;
    size_t size;
    size_t used;
    int overflow;
};

static void put(struct head_writer *w, const char *text, size_t len)
{
    if (w->overflow || len > w->size - w->used) {
        w->overflow = 1;
        return;
    }
    memcpy(w->buf + w->used, text, len);
    w->used += len;
}

static void put_str(struct head_writer *w, const char *text)
{
    put(w, text, strlen(text));
}

static void put_header(struct head_writer *w, const char *name,
                       const char *value)
{
    if (value == NULL)
        return;
    put_str(w, name);
    put(w, ": ", 2);
    put_str(w, value);
    put(w, "\r\n", 2);
}

int http_format_head(const struct http_response *r, char *buf, size_t size)
{
    struct head_writer w = {.buf = buf, .size = size};
    char number[20];

    if (r->status < 100 || r->status > 999)
        return -1;
    put(&w, "HTTP/1.1 ", 9);
    decimal_write_fixed(number, (unsigned)r->status, 3);
    put(&w, number, 3);
    put(&w, " ", 1);
    put_str(&w, problem_reason_phrase(r->status));
    put(&w, "\r\n", 2);
    put_header(&w, "Date", r->date);
    put_header(&w, "Content-Type", r->content_type);
    put(&w, "Content-Length: ", 16);
    put(&w, number, decimal_write(number, r->content_length));
    put(&w, "\r\n", 2);
    put_header(&w, "Cache-Control", r->cache_control);
    put_header(&w, "X-Content-Type-Options", "nosniff");
    put_header(&w, "X-Request-Id", r->request_id);
    put_header(&w, "Allow", r->allow);
    put_header(&w, "Location", r->location);
    put_header(&w, "Content-Security-Policy", r->csp);
    put_header(&w, "Retry-After", r->retry_after);
    put_header(&w, "Connection", r->keep_alive ? "keep-alive" : "close");
    put(&w, "\r\n", 3); /* with the NUL, which is not counted */
    if (w.overflow)
        return -1;
    return (int)(w.used - 1);
}

/* IMF-fixdate (RFC 9110 5.6.7), always in English and GMT, whatever the
 * locale: "Thu, 26 Nov 2026 14:46:21 GMT". */
void http_format_date(time_t t, char out[30])
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm tm;

    if (decimal_utc(t, &tm) != 0) {
        memcpy(out, "Thu, 01 Jan 1970 00:00:00 GMT", 30);
        return;
    }
    memcpy(out, days + 3 * tm.tm_wday, 3);
    memcpy(out + 3, ", ", 2);
    decimal_write_fixed(out + 5, (unsigned)tm.tm_mday, 2);
    out[7] = ' ';
    memcpy(out + 8, months + 3 * tm.tm_mon, 3);
    out[11] = ' ';
    decimal_write_fixed(out + 12, (unsigned)(tm.tm_year + 1900), 4);
    out[16] = ' ';
    decimal_write_clock(out + 17, &tm);
    memcpy(out + 25, " GMT", 5);
}
