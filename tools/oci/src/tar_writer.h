/* tar_writer.h - write a layer_plan as a deterministic ustar archive.
 *
 * Format: POSIX ustar through libarchive, so no pax extended headers and
 * with them no atime/ctime, xattrs or high-resolution times. Every header
 * has mtime 0, the uid/gid of its entry, empty uname/gname and exactly the
 * entry's mode. A file's bytes are read from its source; its mode, owner
 * and times on disk are never looked at. Entries are written in plan order
 * (the plan is already sorted). Output streams to a byte_sink. */
#ifndef OCI_TAR_WRITER_H
#define OCI_TAR_WRITER_H

#include "byte_sink.h"
#include "layer_plan.h"
#include "oci_error.h"

int tar_write(const struct layer_plan *plan, struct byte_sink out,
              struct oci_error *err);

#endif
