/* layer_plan.h - the complete, ordered list of tar entries of one layer.
 *
 * Takes the entries given on the command line and adds every parent
 * directory that was not given (mode 0755, owner 0:0), rejects two entries
 * for one path and a file used as a parent directory, and sorts entries by
 * member name, bytewise. Since a directory's name ("app/") is a prefix of
 * its children's ("app/api"), parents always precede their children.
 * Pure logic: it never touches the file system. */
#ifndef OCI_LAYER_PLAN_H
#define OCI_LAYER_PLAN_H

#include <stddef.h>

#include "layer_spec.h"
#include "oci_error.h"

#define LAYER_IMPLIED_DIR_MODE 0755u

struct layer_plan {
    struct layer_entry *entries;
    size_t count;
    size_t capacity;
};

void layer_plan_init(struct layer_plan *plan);

/* Moves *entry into the plan (it is zeroed); on error it is freed. */
int layer_plan_add(struct layer_plan *plan, struct layer_entry *entry,
                   struct oci_error *err);

/* Adds implied parents, checks for clashes and sorts. Call once, after the
 * last layer_plan_add. */
int layer_plan_finish(struct layer_plan *plan, struct oci_error *err);

void layer_plan_free(struct layer_plan *plan);

#endif
