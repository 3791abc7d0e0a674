/* healthcheck.c - see healthcheck.h. */
#include "healthcheck.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int healthcheck_parse_status(const char *response, size_t len)
{
    int status = 0;

    if (len < 12 || strncmp(response, "HTTP/1.", 7) != 0 || response[8] != ' ')
        return -1;
    for (int i = 9; i < 12; i++) {
        if (response[i] < '0' || response[i] > '9')
            return -1;
        status = status * 10 + (response[i] - '0');
    }
    return status;
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline; 1 ready, 0 timed out. */
static int wait_for(int fd, short events, long long deadline)
{
    struct pollfd p = {.fd = fd, .events = events};
    long long left = deadline - now_ms();

    if (left <= 0)
        return 0;
    return poll(&p, 1, (int)left) == 1;
}

static int connect_local(int port, long long deadline)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((unsigned short)port)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int err = 0;
    socklen_t err_len = sizeof(err);

    if (fd < 0)
        return -1;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
        return fd;
    if (errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline) &&
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) == 0 && err == 0)
        return fd;
    close(fd);
    return -1;
}

int healthcheck_probe(int port, int timeout_ms, char *error, size_t error_size)
{
    static const char request[] = "GET /health HTTP/1.1\r\n"
                                  "Host: 127.0.0.1\r\n"
                                  "User-Agent: api-healthcheck\r\n"
                                  "Connection: close\r\n\r\n";
    long long deadline = now_ms() + timeout_ms;
    char response[64];
    size_t got = 0;
    int fd = connect_local(port, deadline), status;

    if (fd < 0) {
        snprintf(error, error_size, "cannot connect to 127.0.0.1:%d", port);
        return -1;
    }
    if (send(fd, request, sizeof(request) - 1, MSG_NOSIGNAL) !=
        (ssize_t)(sizeof(request) - 1)) {
        close(fd);
        snprintf(error, error_size, "cannot send the request");
        return -1;
    }
    while (got < 12 && wait_for(fd, POLLIN, deadline)) {
        ssize_t n = recv(fd, response + got, sizeof(response) - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    status = healthcheck_parse_status(response, got);
    if (status == 200)
        return 0;
    if (status < 0)
        snprintf(error, error_size, "no HTTP answer within %d ms", timeout_ms);
    else
        snprintf(error, error_size, "/health answered %d", status);
    return -1;
}
