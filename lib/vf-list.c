/*
 * A set of VFs.  See vf-list.h.
 */

#include <config.h>

#include "vf-list.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "pod-annotations.h"
#include "util.h"

struct vf_list_entry {
    struct hmap_node node;
    int pf, vf;
    char *why;
};

static uint32_t
hash_vf(int pf, int vf)
{
    return hash_2words(pf, vf);
}

void
vf_list_init(struct vf_list *list)
{
    hmap_init(&list->map);
}

void
vf_list_destroy(struct vf_list *list)
{
    struct vf_list_entry *e;

    HMAP_FOR_EACH_POP (e, node, &list->map) {
        free(e->why);
        free(e);
    }
    hmap_destroy(&list->map);
}

static struct vf_list_entry *
find(const struct vf_list *list, int pf, int vf)
{
    struct vf_list_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, hash_vf(pf, vf), &list->map) {
        if (e->pf == pf && e->vf == vf) {
            return e;
        }
    }
    return NULL;
}

void
vf_list_add(struct vf_list *list, int pf, int vf, const char *why)
{
    struct vf_list_entry *e = find(list, pf, vf);

    if (!e) {
        e = xzalloc(sizeof *e);
        e->pf = pf;
        e->vf = vf;
        hmap_insert(&list->map, &e->node, hash_vf(pf, vf));
    }
    free(e->why);
    e->why = xstrdup(why);
}

void
vf_list_add_all(struct vf_list *dst, const struct vf_list *src)
{
    const struct vf_list_entry *e;

    HMAP_FOR_EACH (e, node, &src->map) {
        vf_list_add(dst, e->pf, e->vf, e->why);
    }
}

bool
vf_list_remove(struct vf_list *list, int pf, int vf)
{
    struct vf_list_entry *e = find(list, pf, vf);

    if (e) {
        hmap_remove(&list->map, &e->node);
        free(e->why);
        free(e);
    }
    return e != NULL;
}

const char *
vf_list_find(const struct vf_list *list, int pf, int vf)
{
    const struct vf_list_entry *e = find(list, pf, vf);
    return e ? e->why : NULL;
}

bool
vf_list_is_empty(const struct vf_list *list)
{
    return hmap_is_empty(&list->map);
}

/* Parses a decimal number of at most 'max' at '*p', advancing '*p'. */
static bool
parse_number(const char **p, int max, int *value)
{
    long long int n = 0;

    if (!isdigit((unsigned char) **p)) {
        return false;
    }
    for (; isdigit((unsigned char) **p); (*p)++) {
        n = n * 10 + (**p - '0');
        if (n > max) {
            return false;
        }
    }
    *value = n;
    return true;
}

char *
vf_list_parse(struct vf_list *list, const char *text, const char *why)
{
    struct vf_list new = { HMAP_INITIALIZER(&new.map) };
    char *copy = xstrdup(text);
    char *error = NULL;
    char *save_ptr = NULL;

    for (char *item = strtok_r(copy, ",", &save_ptr); item && !error;
         item = strtok_r(NULL, ",", &save_ptr)) {
        const char *p = item;
        int pf, first, last;

        if (!parse_number(&p, POD_ANN_MAX_PF_ID, &pf) || *p++ != ':'
            || !parse_number(&p, POD_ANN_MAX_VF_ID, &first)) {
            error = xasprintf("\"%s\" is not PF:VF or PF:FIRST-LAST (PF 0 "
                              "to %d, VF 0 to %d)", item, POD_ANN_MAX_PF_ID,
                              POD_ANN_MAX_VF_ID);
            break;
        }
        last = first;
        if (*p == '-' && (p++, !parse_number(&p, POD_ANN_MAX_VF_ID, &last)
                          || last < first)) {
            error = xasprintf("\"%s\": bad VF range", item);
            break;
        }
        if (*p) {
            error = xasprintf("\"%s\" is not PF:VF or PF:FIRST-LAST", item);
            break;
        }
        for (int vf = first; vf <= last; vf++) {
            vf_list_add(&new, pf, vf, why);
        }
    }
    if (!error && !strchr(text, ':')) {
        error = xasprintf("\"%s\" names no VF", text);
    }
    if (!error) {
        vf_list_add_all(list, &new);
    }
    vf_list_destroy(&new);
    free(copy);
    return error;
}

static int
compare_entries(const void *a_, const void *b_)
{
    const struct vf_list_entry *const *a = a_;
    const struct vf_list_entry *const *b = b_;

    return ((*a)->pf != (*b)->pf ? (*a)->pf - (*b)->pf
            : (*a)->vf - (*b)->vf);
}

void
vf_list_format(const struct vf_list *list, struct ds *s)
{
    size_t n = hmap_count(&list->map);
    const struct vf_list_entry **entries = xmalloc(MAX(n, 1)
                                                   * sizeof *entries);
    const struct vf_list_entry *e;
    size_t i = 0;

    HMAP_FOR_EACH (e, node, &list->map) {
        entries[i++] = e;
    }
    qsort(entries, n, sizeof *entries, compare_entries);
    for (i = 0; i < n; i++) {
        ds_put_format(s, "%s%d:%d (%s)", i ? ", " : "", entries[i]->pf,
                      entries[i]->vf, entries[i]->why);
    }
    free(entries);
}
