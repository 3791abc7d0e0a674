/* tar_writer.c - layer_plan -> ustar bytes with libarchive; see tar_writer.h.
 *
 * Knows nothing about gzip or digests: it only feeds its sink. */
#include "tar_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#define TAR_CHUNK 65536

struct tar_output {
    struct byte_sink sink;
    struct oci_error *err;
    int sink_failed;
};

static la_ssize_t on_write(struct archive *a, void *state, const void *data,
                           size_t len)
{
    struct tar_output *out = state;

    (void)a;
    if (byte_sink_write(&out->sink, data, len, out->err) != 0) {
        out->sink_failed = 1;
        return -1;
    }
    return (la_ssize_t)len;
}

/* The error of a failed libarchive call: the sink's own, or libarchive's. */
static int archive_failure(struct archive *a, const struct tar_output *out,
                           const char *what)
{
    if (out->sink_failed)
        return -1;
    return oci_fail(out->err, "%s: %s", what,
                    archive_error_string(a) ? archive_error_string(a) : "libarchive error");
}

/* Most often a path that ustar cannot hold: a name part over 100 bytes, or
 * no "/" that splits the path into <= 155 + <= 100 bytes. */
static int header_failure(struct archive *a, const struct tar_output *out,
                          const struct layer_entry *entry)
{
    if (out->sink_failed)
        return -1;
    return oci_fail(out->err, "cannot store /%s as ustar: %s (ustar allows a "
                    "name of up to 100 bytes after a directory prefix of up to 155)",
                    entry->path,
                    archive_error_string(a) ? archive_error_string(a) : "libarchive error");
}

static int open_source(const struct layer_entry *entry, int *fd, int64_t *size,
                       struct oci_error *err)
{
    struct stat st;

    *fd = open(entry->source, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return oci_fail(err, "cannot open %s (for /%s): %s", entry->source,
                        entry->path, strerror(errno));
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(*fd);
        *fd = -1;
        return oci_fail(err, "%s (for /%s) is not a regular file", entry->source,
                        entry->path);
    }
    *size = (int64_t)st.st_size;
    return 0;
}

static int copy_data(struct archive *a, const struct tar_output *out,
                     const struct layer_entry *entry, int fd, int64_t size)
{
    unsigned char chunk[TAR_CHUNK];
    int64_t done = 0;

    while (done < size) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return oci_fail(out->err, "cannot read %s (changed while reading?)",
                            entry->source);
        if (n > size - done)
            n = (ssize_t)(size - done);
        if (archive_write_data(a, chunk, (size_t)n) != n)
            return archive_failure(a, out, entry->source);
        done += n;
    }
    return 0;
}

static struct archive_entry *make_header(const struct layer_entry *entry,
                                         int64_t size)
{
    struct archive_entry *header = archive_entry_new();

    if (header == NULL)
        return NULL;
    archive_entry_set_pathname(header, entry->path);
    archive_entry_set_filetype(header, layer_entry_is_dir(entry) ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(header, (mode_t)entry->mode);
    archive_entry_set_uid(header, (la_int64_t)entry->uid);
    archive_entry_set_gid(header, (la_int64_t)entry->gid);
    archive_entry_set_mtime(header, 0, 0);
    archive_entry_set_size(header, size);
    return header;
}

static int write_entry(struct archive *a, const struct tar_output *out,
                       const struct layer_entry *entry)
{
    struct archive_entry *header;
    int64_t size = 0;
    int fd = -1, rc = 0;

    if (!layer_entry_is_dir(entry) && open_source(entry, &fd, &size, out->err) != 0)
        return -1;
    header = make_header(entry, size);
    if (header == NULL)
        rc = oci_fail(out->err, "out of memory");
    else if (archive_write_header(a, header) != ARCHIVE_OK)
        rc = header_failure(a, out, entry);
    else if (fd >= 0)
        rc = copy_data(a, out, entry, fd, size);
    archive_entry_free(header);
    if (fd >= 0)
        close(fd);
    return rc;
}

static int write_all(struct archive *a, struct tar_output *out,
                     const struct layer_plan *plan)
{
    if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
        archive_write_add_filter_none(a) != ARCHIVE_OK)
        return archive_failure(a, out, "cannot set up ustar output");
    if (archive_write_open2(a, out, NULL, on_write, NULL, NULL) != ARCHIVE_OK)
        return archive_failure(a, out, "cannot start the tar stream");
    for (size_t i = 0; i < plan->count; i++) {
        if (write_entry(a, out, &plan->entries[i]) != 0)
            return -1;
    }
    if (archive_write_close(a) != ARCHIVE_OK)
        return archive_failure(a, out, "cannot finish the tar stream");
    return 0;
}

int tar_write(const struct layer_plan *plan, struct byte_sink sink,
              struct oci_error *err)
{
    struct tar_output out = {sink, err, 0};
    struct archive *a = archive_write_new();
    int rc;

    if (a == NULL)
        return oci_fail(err, "out of memory");
    rc = write_all(a, &out, plan);
    archive_write_free(a);
    return rc;
}
