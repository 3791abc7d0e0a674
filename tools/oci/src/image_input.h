/* image_input.h - the image settings `oci_builder image --config` reads.
 *
 * The oci_image rule writes them with json.encode:
 *   {"architecture","cmd","created","entrypoint","env","exposed_ports",
 *    "labels","os","user","workdir"}
 * Lists and labels may be absent (empty); os and architecture are required.
 * Parsing validates env entries ("K=V"), exposed ports ("8080/tcp", "53/udp",
 * "9000") and rejects duplicate labels or ports, so the config renderer only
 * has to write. Labels and ports come out sorted. */
#ifndef OCI_IMAGE_INPUT_H
#define OCI_IMAGE_INPUT_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "canonical_json.h"
#include "oci_error.h"

struct image_input {
    yajl_val root; /* every string below points into it */
    const char **entrypoint;
    size_t entrypoint_count;
    const char **cmd;
    size_t cmd_count;
    const char **env;
    size_t env_count;
    struct json_pair *exposed_ports; /* sorted keys, values unused */
    size_t exposed_port_count;
    struct json_pair *labels; /* sorted by key */
    size_t label_count;
    const char *user;
    const char *workdir;
    const char *os;
    const char *architecture;
    const char *created;
};

/* `what` names the input in messages. */
int image_input_parse(const char *text, const char *what,
                      struct image_input *out, struct oci_error *err);
void image_input_free(struct image_input *in);

/* 1 for "PORT", "PORT/tcp", "PORT/udp" or "PORT/sctp" with PORT 1..65535. */
int image_input_valid_port(const char *port);

#endif
