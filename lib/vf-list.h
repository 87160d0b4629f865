/*
 * A set of VFs, each named by host PF index and VF index, with the reason
 * each is in it: the VFs that the agents must never give to a pod (the
 * management port's above all), from --reserved-vfs and from the modules
 * that own such VFs.
 *
 * The text form, for options, is a comma-separated list of "PF:VF" or
 * "PF:FIRST-LAST", e.g. "0:0,1:0-3".
 */

#ifndef VF_LIST_H
#define VF_LIST_H 1

#include <stdbool.h>

#include "openvswitch/compiler.h"
#include "openvswitch/hmap.h"

struct ds;

struct vf_list {
    struct hmap map;            /* Contains "struct vf_list_entry"s. */
};

void vf_list_init(struct vf_list *);
void vf_list_destroy(struct vf_list *);

/* Adds every VF of 'text' (the form above) with reason 'why'.  Returns
 * NULL, or an error message (to free()) that quotes the bad part, with
 * nothing added. */
char *vf_list_parse(struct vf_list *, const char *text, const char *why)
    OVS_WARN_UNUSED_RESULT;

/* Adds VF 'vf' of PF 'pf' with reason 'why', or replaces the reason of
 * that VF. */
void vf_list_add(struct vf_list *, int pf, int vf, const char *why);

/* Adds every VF of 'src' to 'dst', with its reason. */
void vf_list_add_all(struct vf_list *dst, const struct vf_list *src);

/* Removes VF 'vf' of PF 'pf'.  Returns false if it was not there. */
bool vf_list_remove(struct vf_list *, int pf, int vf);

/* Returns the reason VF 'vf' of PF 'pf' is in the set, or NULL if it is
 * not. */
const char *vf_list_find(const struct vf_list *, int pf, int vf);

bool vf_list_is_empty(const struct vf_list *);

/* Appends "PF:VF (reason)" for each VF, in order, separated by ", ". */
void vf_list_format(const struct vf_list *, struct ds *);

#endif /* vf-list.h */
