/* byte_sink.h - where a stage of the layer pipeline sends its bytes.
 *
 * The layer is produced as a stream: tar writer -> (diff_id hash) -> gzip ->
 * (digest hash) -> file. Each stage writes into the next through this one
 * callback, so no stage holds a whole file and each can be tested against
 * an in-memory sink. */
#ifndef OCI_BYTE_SINK_H
#define OCI_BYTE_SINK_H

#include <stddef.h>

#include "oci_error.h"

struct byte_sink {
    /* Consumes all len bytes; returns 0, or -1 with err set. */
    int (*write)(void *state, const unsigned char *data, size_t len,
                 struct oci_error *err);
    void *state;
};

static inline int byte_sink_write(const struct byte_sink *sink,
                                  const unsigned char *data, size_t len,
                                  struct oci_error *err)
{
    return sink->write(sink->state, data, len, err);
}

#endif
