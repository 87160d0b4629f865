/*
 * The VFs that ovn-dpu-host hands out itself.  See vf-pool.h.
 */

#include <config.h>

#include "vf-pool.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "svec.h"
#include "util.h"
#include "vf-device.h"

struct vf_pool_entry {
    char *id;                   /* deviceID. */
    char *owner;                /* Who took it, or NULL if free. */
    size_t index;               /* Position in the pool. */
    unsigned long long int freed; /* When it was last freed, as a count of
                                   * releases; 0 if never taken. */
};

struct vf_pool {
    struct vf_pool_entry *entries;
    size_t n;
    size_t n_free;
    struct shash by_id;         /* deviceID -> struct vf_pool_entry. */
    unsigned long long int n_releases;
};

/* Parsing. */

static char *
check_id(const char *id, bool simulated)
{
    if (!vf_device_id_is_valid(id, simulated)) {
        return xasprintf("--vf-pool: \"%s\" is not %s", id,
                         simulated
                         ? "a simulated VF name, ending in <pf>-<vf>"
                         : "a PCI address of the form 0000:03:00.2 or a "
                         "network device name");
    }
    return NULL;
}

static char *
add_id(struct svec *ids, const char *id, bool simulated)
{
    char *error = check_id(id, simulated);
    if (error) {
        return error;
    } else if (svec_contains_unsorted(ids, id)) {
        return xasprintf("--vf-pool: %s is given twice", id);
    } else if (ids->n >= VF_POOL_MAX) {
        return xasprintf("--vf-pool: more than %d VFs", VF_POOL_MAX);
    }
    svec_add(ids, id);
    return NULL;
}

/* Adds the IDs of the range "FIRST..LAST", where LAST is a number. */
static char *
add_range(struct svec *ids, const char *first, const char *last,
          bool simulated)
{
    size_t len = strlen(first);
    size_t digits = 0;
    while (digits < len && isdigit((unsigned char) first[len - digits - 1])) {
        digits++;
    }

    int from, to;
    if (!digits || digits > 5 || !str_to_int(first + len - digits, 10, &from)
        || !last[0] || strlen(last) > 5
        || last[strspn(last, "0123456789")] || !str_to_int(last, 10, &to)
        || to < from) {
        return xasprintf("--vf-pool: \"%s..%s\" is not a range FIRST..N "
                         "(FIRST ending in a number up to N)", first, last);
    }

    for (int i = from; i <= to; i++) {
        char *id = xasprintf("%.*s%d", (int) (len - digits), first, i);
        char *error = add_id(ids, id, simulated);
        free(id);
        if (error) {
            return error;
        }
    }
    return NULL;
}

char *
vf_pool_parse(const char *spec, bool simulated, struct svec *ids)
{
    char *copy = xstrdup(spec);
    char *save_ptr = NULL;
    char *error = NULL;

    if (!spec[0]) {
        error = xstrdup("--vf-pool: empty");
    }
    for (char *item = strtok_r(copy, ",", &save_ptr); item && !error;
         item = strtok_r(NULL, ",", &save_ptr)) {
        char *dots = strstr(item, "..");
        if (dots) {
            *dots = '\0';
            error = add_range(ids, item, dots + 2, simulated);
        } else {
            error = add_id(ids, item, simulated);
        }
    }
    free(copy);
    return error;
}

/* The pool. */

struct vf_pool *
vf_pool_create(const struct svec *ids)
{
    struct vf_pool *pool = xzalloc(sizeof *pool);

    pool->entries = xcalloc(ids->n ? ids->n : 1, sizeof *pool->entries);
    shash_init(&pool->by_id);
    for (size_t i = 0; i < ids->n; i++) {
        struct vf_pool_entry *e = &pool->entries[pool->n];
        if (!shash_add_once(&pool->by_id, ids->names[i], e)) {
            continue;
        }
        e->id = xstrdup(ids->names[i]);
        e->index = pool->n++;
    }
    pool->n_free = pool->n;
    return pool;
}

void
vf_pool_destroy(struct vf_pool *pool)
{
    if (pool) {
        for (size_t i = 0; i < pool->n; i++) {
            free(pool->entries[i].id);
            free(pool->entries[i].owner);
        }
        free(pool->entries);
        shash_destroy(&pool->by_id);
        free(pool);
    }
}

size_t
vf_pool_size(const struct vf_pool *pool)
{
    return pool->n;
}

size_t
vf_pool_n_free(const struct vf_pool *pool)
{
    return pool->n_free;
}

bool
vf_pool_contains(const struct vf_pool *pool, const char *id)
{
    return shash_find(&pool->by_id, id) != NULL;
}

static int
compare_free(const void *a_, const void *b_)
{
    const struct vf_pool_entry *const *a = a_;
    const struct vf_pool_entry *const *b = b_;

    if ((*a)->freed != (*b)->freed) {
        return (*a)->freed < (*b)->freed ? -1 : 1;
    }
    return (*a)->index < (*b)->index ? -1 : (*a)->index > (*b)->index;
}

size_t
vf_pool_list_free(const struct vf_pool *pool, const char ***idsp)
{
    const struct vf_pool_entry **free_entries
        = xcalloc(pool->n_free ? pool->n_free : 1, sizeof *free_entries);
    size_t n = 0;

    for (size_t i = 0; i < pool->n; i++) {
        if (!pool->entries[i].owner) {
            free_entries[n++] = &pool->entries[i];
        }
    }
    qsort(free_entries, n, sizeof *free_entries, compare_free);

    const char **ids = xcalloc(n ? n : 1, sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        ids[i] = free_entries[i]->id;
    }
    free(free_entries);
    *idsp = ids;
    return n;
}

bool
vf_pool_claim(struct vf_pool *pool, const char *id, const char *owner)
{
    struct vf_pool_entry *e = shash_find_data(&pool->by_id, id);

    ovs_assert(e);
    if (e->owner) {
        return false;
    }
    e->owner = xstrdup(owner);
    pool->n_free--;
    return true;
}

void
vf_pool_release(struct vf_pool *pool, const char *id)
{
    struct vf_pool_entry *e = shash_find_data(&pool->by_id, id);

    if (e && e->owner) {
        free(e->owner);
        e->owner = NULL;
        e->freed = ++pool->n_releases;
        pool->n_free++;
    }
}

void
vf_pool_format(const struct vf_pool *pool, struct ds *s)
{
    for (size_t i = 0; i < pool->n; i++) {
        const struct vf_pool_entry *e = &pool->entries[i];
        if (e->owner) {
            ds_put_format(s, "%s taken by %s\n", e->id, e->owner);
        } else {
            ds_put_format(s, "%s free\n", e->id);
        }
    }
}
