/* file_io.c - whole-file reads and writes, directories; see file_io.h.
 *
 * Deliberately small: no path normalisation, no recursion, no metadata
 * reads beyond what open/fstat need to size a buffer. */
#include "file_io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_fully(int fd, char *buf, size_t len, size_t *got)
{
    *got = 0;
    while (*got < len) {
        ssize_t n = read(fd, buf + *got, len - *got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
}

int file_read_all(const char *path, char **data, size_t *len,
                  struct oci_error *err)
{
    struct stat st;
    size_t got = 0;
    char probe;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *data = NULL;
    *len = 0;
    if (fd < 0)
        return oci_fail(err, "cannot open %s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return oci_fail(err, "%s is not a regular file", path);
    }
    *data = malloc((size_t)st.st_size + 1);
    if (*data == NULL) {
        close(fd);
        return oci_fail(err, "out of memory reading %s", path);
    }
    if (read_fully(fd, *data, (size_t)st.st_size, &got) != 0 ||
        got != (size_t)st.st_size || read(fd, &probe, 1) != 0) {
        close(fd);
        free(*data);
        *data = NULL;
        return oci_fail(err, "cannot read %s (changed while reading?)", path);
    }
    close(fd);
    (*data)[got] = '\0';
    *len = got;
    return 0;
}

int file_create(const char *path, mode_t mode, FILE **out,
                struct oci_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

    *out = NULL;
    if (fd < 0)
        return oci_fail(err, "cannot create %s: %s", path, strerror(errno));
    if (fchmod(fd, mode) != 0) {
        int saved = errno;

        close(fd);
        return oci_fail(err, "cannot chmod %s: %s", path, strerror(saved));
    }
    *out = fdopen(fd, "wb");
    if (*out == NULL) {
        close(fd);
        return oci_fail(err, "cannot open %s: %s", path, strerror(errno));
    }
    return 0;
}

int file_write_close(FILE *f, const char *path, const void *data, size_t len,
                     struct oci_error *err)
{
    int failed = len > 0 && fwrite(data, 1, len, f) != len;

    failed |= fclose(f) != 0;
    if (failed)
        return oci_fail(err, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

int file_write_all(const char *path, const void *data, size_t len,
                   struct oci_error *err)
{
    FILE *f;

    if (file_create(path, OCI_FILE_MODE, &f, err) != 0)
        return -1;
    return file_write_close(f, path, data, len, err);
}

int file_make_dir(const char *path, struct oci_error *err)
{
    if (mkdir(path, OCI_DIR_MODE) != 0 && errno != EEXIST)
        return oci_fail(err, "cannot create directory %s: %s", path,
                        strerror(errno));
    if (chmod(path, OCI_DIR_MODE) != 0)
        return oci_fail(err, "cannot chmod %s: %s", path, strerror(errno));
    return 0;
}

int file_dir_is_empty(const char *path, int *empty, struct oci_error *err)
{
    DIR *dir = opendir(path);
    struct dirent *entry;

    *empty = 1;
    if (dir == NULL)
        return oci_fail(err, "cannot open directory %s: %s", path,
                        strerror(errno));
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
            *empty = 0;
            break;
        }
    }
    closedir(dir);
    return 0;
}

char *file_join(const char *dir, const char *name)
{
    size_t dir_len = strlen(dir), name_len = strlen(name);
    char *path = malloc(dir_len + 1 + name_len + 1);

    if (path == NULL)
        return NULL;
    memcpy(path, dir, dir_len);
    path[dir_len] = '/';
    memcpy(path + dir_len + 1, name, name_len + 1);
    return path;
}
