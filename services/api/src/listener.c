/* listener.c - see listener.h. */
#include "listener.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int is_listener_on(int fd, int port)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);
    int listening = 0;
    socklen_t opt_len = sizeof(listening);

    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &opt_len) != 0 ||
        !listening || getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
        return 0;
    if (addr.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&addr)->sin_port) == port;
    if (addr.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port) == port;
    return 0;
}

int listener_close(int port)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *entry;
    int pipe_fds[2] = {-1, -1}, replaced = 0;

    if (dir == NULL || pipe2(pipe_fds, O_CLOEXEC) != 0) {
        if (dir != NULL)
            closedir(dir);
        return -1;
    }
    while ((entry = readdir(dir)) != NULL) {
        int fd = atoi(entry->d_name);
        if (entry->d_name[0] == '.' || fd == dirfd(dir) || !is_listener_on(fd, port))
            continue;
        if (dup2(pipe_fds[0], fd) == fd)
            replaced++;
    }
    closedir(dir);
    close(pipe_fds[0]);
    if (replaced == 0) {
        close(pipe_fds[1]);
        return -1;
    }
    return pipe_fds[1];
}
