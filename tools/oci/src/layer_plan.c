/* layer_plan.c - complete and order a layer's entries; see layer_plan.h. */
#include "layer_plan.h"

#include <stdlib.h>
#include <string.h>

void layer_plan_init(struct layer_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
}

static int grow(struct layer_plan *plan, struct oci_error *err)
{
    size_t capacity = plan->capacity ? plan->capacity * 2 : 16;
    struct layer_entry *bigger;

    if (plan->count < plan->capacity)
        return 0;
    bigger = realloc(plan->entries, capacity * sizeof(*bigger));
    if (bigger == NULL)
        return oci_fail(err, "out of memory");
    plan->entries = bigger;
    plan->capacity = capacity;
    return 0;
}

int layer_plan_add(struct layer_plan *plan, struct layer_entry *entry,
                   struct oci_error *err)
{
    if (grow(plan, err) != 0) {
        layer_entry_free(entry);
        return -1;
    }
    plan->entries[plan->count++] = *entry;
    memset(entry, 0, sizeof(*entry));
    return 0;
}

/* Length of a member name without a directory's trailing "/". */
static size_t key_len(const char *path)
{
    size_t len = strlen(path);

    return len > 0 && path[len - 1] == '/' ? len - 1 : len;
}

/* Orders by the path without the trailing "/", so "/x" as a file and as a
 * directory compare equal and are caught as duplicates. */
static int compare_key(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t n = a_len < b_len ? a_len : b_len;
    int c = memcmp(a, b, n);

    if (c != 0)
        return c;
    return a_len < b_len ? -1 : a_len > b_len;
}

static int compare_entries_by_key(const void *a, const void *b)
{
    const char *pa = ((const struct layer_entry *)a)->path;
    const char *pb = ((const struct layer_entry *)b)->path;

    return compare_key(pa, key_len(pa), pb, key_len(pb));
}

static int compare_entries_by_name(const void *a, const void *b)
{
    return strcmp(((const struct layer_entry *)a)->path,
                  ((const struct layer_entry *)b)->path);
}

/* The entry among the first n (sorted by key) whose key is key[0..len). */
static const struct layer_entry *find(const struct layer_entry *entries,
                                      size_t n, const char *key, size_t len)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *path = entries[mid].path;
        int c = compare_key(path, key_len(path), key, len);

        if (c == 0)
            return &entries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int check_duplicates(const struct layer_plan *plan,
                            struct oci_error *err)
{
    for (size_t i = 1; i < plan->count; i++) {
        if (compare_entries_by_key(&plan->entries[i - 1], &plan->entries[i]) == 0)
            return oci_usage(err, "duplicate destination \"/%.*s\"",
                             (int)key_len(plan->entries[i].path),
                             plan->entries[i].path);
    }
    return 0;
}

static int add_implied(struct layer_plan *plan, const char *path, size_t len,
                       struct oci_error *err)
{
    struct layer_entry dir = {0};

    dir.path = malloc(len + 2);
    if (dir.path == NULL)
        return oci_fail(err, "out of memory");
    memcpy(dir.path, path, len);
    dir.path[len] = '/';
    dir.path[len + 1] = '\0';
    dir.mode = LAYER_IMPLIED_DIR_MODE;
    return layer_plan_add(plan, &dir, err);
}

/* Adds the missing parents of the entry `child`. `given` is the number of
 * entries given on the command line (sorted by key, at the front). */
static int add_parents(struct layer_plan *plan, size_t given, size_t child,
                       struct oci_error *err)
{
    const char *path = plan->entries[child].path;
    size_t len = key_len(path);

    for (size_t i = 0; i < len; i++) {
        if (path[i] != '/')
            continue;
        const struct layer_entry *found = find(plan->entries, given, path, i);
        if (found != NULL && !layer_entry_is_dir(found))
            return oci_usage(err, "\"/%.*s\" is a file but \"/%.*s\" is inside it",
                             (int)i, path, (int)len, path);
        /* Growing the array moves the structs, not the path strings. */
        if (found == NULL && add_implied(plan, path, i, err) != 0)
            return -1;
    }
    return 0;
}

/* Sorts by name and drops implied parents that appear more than once. */
static void sort_and_dedupe(struct layer_plan *plan)
{
    size_t kept = 0;

    if (plan->count > 1) /* entries is NULL for an empty layer */
        qsort(plan->entries, plan->count, sizeof(*plan->entries),
              compare_entries_by_name);
    for (size_t i = 0; i < plan->count; i++) {
        if (kept > 0 && strcmp(plan->entries[kept - 1].path, plan->entries[i].path) == 0) {
            layer_entry_free(&plan->entries[i]); /* implied twice */
            continue;
        }
        plan->entries[kept++] = plan->entries[i];
    }
    plan->count = kept;
}

int layer_plan_finish(struct layer_plan *plan, struct oci_error *err)
{
    size_t given = plan->count;

    if (given > 1)
        qsort(plan->entries, given, sizeof(*plan->entries), compare_entries_by_key);
    if (check_duplicates(plan, err) != 0)
        return -1;
    for (size_t i = 0; i < given; i++) {
        if (add_parents(plan, given, i, err) != 0)
            return -1;
    }
    sort_and_dedupe(plan);
    return 0;
}

void layer_plan_free(struct layer_plan *plan)
{
    for (size_t i = 0; i < plan->count; i++)
        layer_entry_free(&plan->entries[i]);
    free(plan->entries);
    layer_plan_init(plan);
}
