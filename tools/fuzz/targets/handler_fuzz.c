/* handler_fuzz.c - libFuzzer target: the whole request path, CivetWeb's
 * parser included, driven over loopback.
 *
 * CivetWeb has no in-memory connection, so the real server (server_start(),
 * as main() starts it) listens on an ephemeral loopback port and each input
 * is written, as raw bytes, to a new connection, which is then half-closed.
 * Coverage from the server's worker threads guides the fuzzer like the
 * main thread's does.
 *
 * Properties, checked on everything the server sends back:
 *   - it is a sequence of well-formed HTTP/1.1 responses: a status line,
 *     a head ending in CRLF CRLF, a Content-Length on every final response
 *     and exactly that many body bytes (none after a HEAD);
 *   - no status is 5xx: hostile input is the client's fault, never ours;
 *   - the connection ends within the read timeout (no hang, no stall);
 *   - afterwards the server still answers GET /health with 200.
 * Sanitizer reports, in any thread, fail the run as crashes do. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "config.h"
#include "server.h"

#define REPLY_MAX (4 * 1024 * 1024) /* the largest asset is ~1.5 MB */
#define READ_TIMEOUT_S 15           /* above request_timeout_ms (10 s) */

static int server_port_number;

static void fail(const char *what, const char *reply, size_t len)
{
    fprintf(stderr, "handler_fuzz: %s\n--- reply (%zu bytes) ---\n%.*s\n",
            what, len, (int)(len > 2048 ? 2048 : len), reply);
    abort();
}

/* libFuzzer's alarm can interrupt a connect() that waits for the server's
 * answer (seen with over 10,000 of the fuzzer's own connections in
 * TIME_WAIT, whose client ports loopback reuses); the connection then
 * completes on its own. 1 when it did. */
static int connect_finished(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    int error = 0;
    socklen_t len = sizeof(error);
    int n;

    do
        n = poll(&pfd, 1, READ_TIMEOUT_S * 1000);
    while (n < 0 && errno == EINTR);
    if (n != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
        return 0;
    errno = error;
    return error == 0;
}

static int connect_loopback(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct timeval timeout = {.tv_sec = READ_TIMEOUT_S};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    addr.sin_port = htons((uint16_t)server_port_number);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 &&
        !(errno == EINTR && connect_finished(fd))) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends the request bytes, half-closes and reads until the server closes.
 * The server may answer and close before reading everything (a 431, a bad
 * request line): a failed write is then expected, not an error. Returns
 * the number of bytes read, or -1 when the read timed out; *full is set
 * when the reply filled the buffer and the rest was not read. */
static long exchange_raw(const uint8_t *data, size_t size, char *reply,
                         int *full)
{
    size_t sent = 0, got = 0;
    int fd = connect_loopback();

    if (fd < 0)
        fail("cannot connect to the server", strerror(errno),
             strlen(strerror(errno)));
    while (sent < size) {
        ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    *full = 0;
    for (;;) {
        ssize_t n = recv(fd, reply + got, REPLY_MAX - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            close(fd);
            return -1;
        }
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == REPLY_MAX) { /* many pipelined asset requests */
            *full = 1;
            break;
        }
    }
    close(fd);
    return (long)got;
}

static int starts_with(const char *p, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

/* The value of Content-Length in head[0, len), or -1 when absent. */
static long content_length(const char *head, size_t len)
{
    static const char name[] = "\r\ncontent-length:";
    for (size_t i = 0; i + sizeof(name) - 1 <= len; i++) {
        if (strncasecmp(head + i, name, sizeof(name) - 1) == 0)
            return strtol(head + i + sizeof(name) - 1, NULL, 10);
    }
    return -1;
}

/* Checks that reply[0, len) is a sequence of well-formed responses; when
 * the reply was cut at the buffer's end (full), so may be its last one. */
static void check_responses(const char *reply, size_t len, int full)
{
    const char *p = reply, *end = reply + len;

    while (p < end) {
        const char *head_end;
        long status, body;

        if (!starts_with(p, end, "HTTP/1.1 ") || end - p < 13 ||
            p[12] != ' ')
            fail("not an HTTP/1.1 status line", reply, len);
        status = strtol(p + 9, NULL, 10);
        if (status < 100 || status > 599)
            fail("status out of range", reply, len);
        if (status >= 500)
            fail("5xx answered to client input", reply, len);
        head_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (head_end == NULL && full)
            return;
        if (head_end == NULL)
            fail("response head not terminated", reply, len);
        head_end += 4;
        if (status < 200) { /* 100 Continue: no body, a final one follows */
            p = head_end;
            continue;
        }
        body = content_length(p, (size_t)(head_end - p));
        if (body < 0)
            fail("response without Content-Length", reply, len);
        /* After a HEAD the body is omitted but Content-Length is not; the
         * next response, or the end, tells which one this was. */
        if (body <= end - head_end &&
            (head_end + body == end ||
             starts_with(head_end + body, end, "HTTP/1.1 ")))
            p = head_end + body;
        else if (head_end == end || starts_with(head_end, end, "HTTP/1.1 "))
            p = head_end;
        else if (full && body > end - head_end)
            return;
        else
            fail("body length differs from Content-Length", reply, len);
    }
}

static void check_still_healthy(char *reply)
{
    static const char health[] = "GET /health HTTP/1.1\r\nHost: f\r\n"
                                 "Connection: close\r\n\r\n";
    int full;
    long got = exchange_raw((const uint8_t *)health, sizeof(health) - 1,
                            reply, &full);

    if (got < 0 || !starts_with(reply, reply + got, "HTTP/1.1 200 "))
        fail("GET /health failed after the input", reply,
             got < 0 ? 0 : (size_t)got);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct api_config cfg = {.port = 8080, .threads = 4,
                             .shutdown_timeout_s = 5};
    char error[CONFIG_ERROR_MAX];
    struct api_server *server;

    (void)argc;
    (void)argv;
    snprintf(cfg.stage, sizeof(cfg.stage), "fuzz");
    snprintf(cfg.environment, sizeof(cfg.environment), "fuzz");
    snprintf(cfg.version, sizeof(cfg.version), "fuzz");
    /* The access log is one JSON line per request on stdout: not wanted
     * here, and a full pipe would block the server. */
    if (freopen("/dev/null", "w", stdout) == NULL)
        return perror("freopen"), 1;
    signal(SIGPIPE, SIG_IGN);
    server = server_start(&cfg, "127.0.0.1:0", error, sizeof(error));
    if (server == NULL) {
        fprintf(stderr, "handler_fuzz: server_start: %s\n", error);
        exit(1);
    }
    server_port_number = server_port(server);
    return 0; /* the server lives until the process exits */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char reply[REPLY_MAX];
    int full;
    long got = exchange_raw(data, size, reply, &full);

    if (got < 0)
        fail("no end of reply within the read timeout", reply, 0);
    check_responses(reply, (size_t)got, full);
    check_still_healthy(reply);
    return 0;
}
