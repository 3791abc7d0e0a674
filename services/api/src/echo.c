/* echo.c - see echo.h. */
#include "echo.h"

#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "utf8.h"

enum echo_field { FIELD_NONE, FIELD_MESSAGE, FIELD_REPEAT };

struct parse_state {
    int depth;              /* 0 = top level, 1 = inside the body object */
    enum echo_field field;  /* the key whose value comes next, at depth 1 */
    int seen_message;
    int seen_repeat;
    struct echo_request *req;
    struct echo_error *err; /* first contract violation, status 0 if none */
};

static int violation(struct parse_state *s, const char *field,
                     const char *detail)
{
    if (s->err->status == 0) {
        s->err->status = 422;
        snprintf(s->err->field, sizeof(s->err->field), "%s", field);
        snprintf(s->err->detail, sizeof(s->err->detail), "%s", detail);
    }
    return 1; /* keep parsing: a later syntax error still wins */
}

static const char *message_rule(void)
{
    return "must be a string of 1 to 1024 characters";
}

static const char *repeat_rule(void)
{
    return "must be an integer from 1 to 10";
}

/* A value other than the expected type arrived for the current field. */
static int wrong_type(struct parse_state *s)
{
    if (s->depth == 0)
        return violation(s, "", "the body must be a JSON object");
    if (s->depth != 1)
        return 1;
    if (s->field == FIELD_MESSAGE)
        return violation(s, "message", message_rule());
    if (s->field == FIELD_REPEAT)
        return violation(s, "repeat", repeat_rule());
    return 1; /* the value of an unknown key, already reported */
}

static int on_null(void *ctx)
{
    return wrong_type(ctx);
}

static int on_boolean(void *ctx, int value)
{
    (void)value;
    return wrong_type(ctx);
}

/* Reads the digits of text[*i, len) into *value, which stops growing once
 * it is above limit (an exponent that large decides the answer anyway). */
static void read_digits(const char *text, size_t len, size_t *i,
                        long *value, long limit)
{
    for (; *i < len && text[*i] >= '0' && text[*i] <= '9'; (*i)++) {
        if (*value <= limit)
            *value = *value * 10 + (text[*i] - '0');
    }
}

/* JSON Schema's integer (draft 2020-12, which OpenAPI 3.1 uses) is any
 * number whose value is whole: 2, 2.0, 0.2e1 and 20e-1 are all accepted
 * and mean 2. Decided exactly, in decimal, without floating point: the
 * significant digits with their trailing zeros dropped, times a power of
 * ten that must not be negative. text is a JSON number (yajl checked its
 * syntax). */
static int parse_repeat(const char *text, size_t len, int *out)
{
    char sig[3]; /* more than two significant digits is never 1..10 */
    size_t nsig = 0, i = 0, zeros = 0;
    int in_fraction = 0;
    long power = 0, exponent = 0;
    int value = 0;

    if (len == 0 || text[0] == '-')
        return -1; /* negative or zero */
    for (; i < len && text[i] != 'e' && text[i] != 'E'; i++) {
        if (text[i] == '.') {
            in_fraction = 1;
            continue;
        }
        if (in_fraction)
            power--; /* each fractional digit divides by ten */
        if (text[i] == '0' && nsig == 0)
            continue; /* leading zero */
        if (text[i] == '0') {
            zeros++; /* kept pending: trailing unless a digit follows */
            continue;
        }
        if (nsig + zeros + 1 > sizeof(sig))
            return -1;
        for (; zeros > 0; zeros--)
            sig[nsig++] = '0';
        sig[nsig++] = text[i];
    }
    power += (long)zeros;
    if (i < len) { /* exponent */
        int negative = 0;
        i++;
        if (i < len && (text[i] == '+' || text[i] == '-'))
            negative = text[i++] == '-';
        read_digits(text, len, &i, &exponent, 1000000);
        power += negative ? -exponent : exponent;
    }
    if (nsig == 0 || power < 0 || (long)nsig + power > 2)
        return -1; /* zero, not whole, or 100 and more */
    for (size_t k = 0; k < nsig; k++)
        value = value * 10 + (sig[k] - '0');
    for (; power > 0; power--)
        value *= 10;
    if (value < ECHO_REPEAT_MIN || value > ECHO_REPEAT_MAX)
        return -1;
    *out = value;
    return 0;
}

static int on_number(void *ctx, const char *text, size_t len)
{
    struct parse_state *s = ctx;

    if (s->depth != 1 || s->field != FIELD_REPEAT)
        return wrong_type(s);
    if (parse_repeat(text, len, &s->req->repeat) != 0)
        return violation(s, "repeat", repeat_rule());
    return 1;
}

static int on_string(void *ctx, const unsigned char *text, size_t len)
{
    struct parse_state *s = ctx;
    size_t chars;

    if (s->depth != 1 || s->field != FIELD_MESSAGE)
        return wrong_type(s);
    chars = utf8_count_code_points((const char *)text, len);
    if (chars < 1 || chars > ECHO_MESSAGE_MAX_CHARS)
        return violation(s, "message", message_rule());
    memcpy(s->req->message, text, len);
    s->req->message[len] = '\0';
    s->req->message_len = len;
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
    struct parse_state *s = ctx;
    char name[48];

    if (s->depth != 1)
        return 1;
    if (len == 7 && memcmp(key, "message", 7) == 0) {
        s->field = FIELD_MESSAGE;
        if (s->seen_message++)
            return violation(s, "message", "appears more than once");
    } else if (len == 6 && memcmp(key, "repeat", 6) == 0) {
        s->field = FIELD_REPEAT;
        if (s->seen_repeat++)
            return violation(s, "repeat", "appears more than once");
    } else {
        s->field = FIELD_NONE;
        snprintf(name, sizeof(name), "%.*s", (int)(len < 40 ? len : 40),
                 (const char *)key);
        return violation(s, name,
                         "is not allowed; the body accepts only message and "
                         "repeat");
    }
    return 1;
}

static int open_container(struct parse_state *s, int is_map)
{
    if (!(is_map && s->depth == 0))
        wrong_type(s);
    s->depth++;
    return 1;
}

static int on_start_map(void *ctx)
{
    return open_container(ctx, 1);
}

static int on_start_array(void *ctx)
{
    return open_container(ctx, 0);
}

static int on_end_container(void *ctx)
{
    struct parse_state *s = ctx;

    s->depth--;
    return 1;
}

static const yajl_callbacks echo_callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_container,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_container,
};

/* at_end: the error came from yajl_complete_parse (the body stopped
 * early), where yajl's byte count no longer refers to the body. */
static int syntax_error(yajl_handle h, const char *body, size_t len,
                        int at_end, struct echo_error *err)
{
    unsigned char *message = yajl_get_error(h, 0, (const unsigned char *)body, len);
    /* yajl counts the offending byte as consumed; report its index. */
    size_t consumed = yajl_get_bytes_consumed(h);
    size_t offset = at_end ? len : (consumed > 0 ? consumed - 1 : 0);

    err->status = 400;
    err->field[0] = '\0';
    err->offset = (long long)(offset < len ? offset : len);
    snprintf(err->detail, sizeof(err->detail), "malformed JSON at byte %lld: %s",
             err->offset, message ? (const char *)message : "parse error");
    err->detail[strcspn(err->detail, "\n")] = '\0';
    if (message)
        yajl_free_error(h, message);
    return 400;
}

int echo_parse(const char *body, size_t len, struct echo_request *req,
               struct echo_error *err)
{
    struct parse_state state = {.req = req, .err = err};
    yajl_handle h;
    yajl_status st;

    memset(req, 0, sizeof(*req));
    memset(err, 0, sizeof(*err));
    req->repeat = 1;
    h = yajl_alloc(&echo_callbacks, NULL, &state);
    if (h == NULL) {
        err->status = 500;
        return 500;
    }
    st = yajl_parse(h, (const unsigned char *)body, len);
    if (st != yajl_status_ok) {
        syntax_error(h, body, len, 0, err);
    } else if (yajl_complete_parse(h) != yajl_status_ok) {
        syntax_error(h, body, len, 1, err);
    } else if (err->status == 0 && !state.seen_message) {
        violation(&state, "message", "is required");
    }
    yajl_free(h);
    return err->status;
}

int echo_render(const struct echo_request *req, const char *request_id,
                struct json_text *out)
{
    yajl_gen g = json_begin();
    int st;

    if (g == NULL)
        return -1;
    st = yajl_gen_map_open(g);
    st |= json_key(g, "message") | json_strn(g, req->message, req->message_len);
    st |= json_key_int(g, "repeat", req->repeat);
    st |= json_key(g, "echo") | yajl_gen_array_open(g);
    for (int i = 0; i < req->repeat; i++)
        st |= json_strn(g, req->message, req->message_len);
    st |= yajl_gen_array_close(g);
    st |= json_key_str(g, "request_id", request_id);
    st |= yajl_gen_map_close(g);
    return json_finish(g, st, out);
}
