/*
 * Which binding may have which representor: the part of the binding state
 * machine (dpu-binding.c) that decides between wanted bindings, and
 * between a binding and whatever else is on its representor.  It reads
 * the bindings and the replica and changes nothing.
 *
 * The rules, in order:
 *
 *   - A reserved VF (--reserved-vfs, the management port's) is nobody's.
 *   - Of the wanted bindings for one representor, the one with the
 *     highest 'seq' (the host's newest assignment of the VF) has it, then
 *     the one whose port is there, then the first by iface-id.  Until the
 *     desired set is complete, though, a port stays with whoever has it
 *     and the others wait: the pods that would decide may not be listed
 *     yet.
 *   - A port that ovn-dpu did not make is never reused, unless it is
 *     ovnkube-node's port for the very binding (port-adoption.h): then it
 *     is adopted.
 *   - Our port for an iface-id that no binding knows (not even one being
 *     removed) is taken over only once the desired set is complete.
 */

#include <config.h>

#include <inttypes.h>
#include <string.h>

#include "dpu-binding-private.h"
#include "ovs-port.h"
#include "port-adoption.h"
#include "util.h"
#include "vswitch-idl.h"

/* True if our port for 'b''s iface-id is on 'b''s representor. */
static bool
has_port(const struct ovs_port_view *v, const struct binding *b)
{
    const struct ovs_port_info *cur = ovs_port_view_find(v, b->rep);
    return (cur && cur->ours && cur->iface_id
            && !strcmp(cur->iface_id, b->spec.iface_id));
}

/* Of two bindings for one representor, 'b' and 'cur' (which comes first
 * by iface-id), is 'b' to have it?  The host's newer assignment of the
 * VF (higher 'seq') wins: an older one is a sandbox the host gave up
 * on, or an entry written back by someone who has no business with the
 * VF.  Then the port already there wins, then 'cur'.  But until the
 * desired set is complete, a port stays with whoever has it. */
static bool
better_owner(const struct dpu_bindings *bs, const struct ovs_port_view *v,
             const struct binding *b, const struct binding *cur)
{
    bool b_port = has_port(v, b);
    bool cur_port = has_port(v, cur);

    if (!bs->complete && (b_port || cur_port)) {
        return b_port;
    } else if (b->spec.seq != cur->spec.seq) {
        return b->spec.seq > cur->spec.seq;
    }
    return b_port && !cur_port;
}

enum rep_claim
rep_claims_check(const struct dpu_bindings *bs, const struct binding *b,
                 const struct ovs_port_view *v, const struct shash *owners,
                 char **msgp, char **detailp)
{
    const struct ovs_port_info *cur = ovs_port_view_find(v, b->rep);
    const char *x = b->spec.iface_id;

    *msgp = *detailp = NULL;
    const char *why = vf_list_find(&bs->reserved, b->spec.pf_id,
                                   b->spec.vf_id);
    if (why) {
        *msgp = xasprintf("PF %d VF %d is reserved (%s)", b->spec.pf_id,
                          b->spec.vf_id, why);
        return REP_CLAIM_ERROR;
    }

    const struct binding *owner = shash_find_data(owners, b->rep);
    if (owner && owner != b) {
        if (!bs->complete) {
            *msgp = xasprintf("representor %s is wanted by another "
                              "binding too: waiting for every pod to be "
                              "known", b->rep);
            return REP_CLAIM_WAIT;
        }
        *msgp = xasprintf("representor %s is in use by another pod",
                          b->rep);
        *detailp = xasprintf("representor %s goes to iface-id %s (seq "
                             "%"PRIu64", ours %"PRIu64")", b->rep,
                             owner->spec.iface_id, owner->spec.seq,
                             b->spec.seq);
        return REP_CLAIM_ERROR;
    }
    bool adopt = cur && port_adoption_matches(v, cur, &b->spec, b->rep);
    if (cur && !cur->ours && !adopt) {
        if ((*msgp = port_adoption_refusal(cur, &b->spec, b->rep))) {
            /* Ours by iface-id, but not by the rest. */
        } else if (cur->iface_id && strcmp(cur->iface_id, x)) {
            *msgp = xasprintf("refusing to reuse port %s: it belongs to "
                              "another iface-id", cur->port->name);
            *detailp = xasprintf("port %s belongs to iface-id %s",
                                 cur->port->name, cur->iface_id);
        } else {
            *msgp = xasprintf("port %s exists and was not created by "
                              "ovn-dpu", cur->port->name);
        }
        return REP_CLAIM_ERROR;
    }
    if (cur && cur->iface_id && strcmp(cur->iface_id, x)) {
        /* Ours, for another iface-id.  A wanted binding for the same
         * representor lost to 'b' (see rep_claims_elect()), and one
         * moving to another representor leaves it, but one whose
         * representor is not known may still want this one.  If no
         * binding knows that iface-id, its pod may just not be listed yet:
         * the port may only go once every pod is known. */
        const struct binding *other = dpu_bindings_wanted(bs, cur->iface_id);
        if (other && !other->rep) {
            *msgp = xasprintf("representor %s is in use by another pod",
                              b->rep);
            *detailp = xasprintf("representor %s is bound to iface-id %s",
                                 b->rep, cur->iface_id);
            return REP_CLAIM_ERROR;
        } else if (!shash_find(&bs->bindings, cur->iface_id)
                   && !bs->complete) {
            *msgp = xasprintf("representor %s has another pod's port: "
                              "waiting for every pod to be known", b->rep);
            return REP_CLAIM_WAIT;
        }
    }
    for (size_t i = 0; i < v->n_infos; i++) {
        const struct ovs_port_info *info = &v->infos[i];
        if (!info->ours && info->iface_id && !strcmp(info->iface_id, x)
            && !(adopt && info == cur)) {
            *msgp = port_adoption_refusal(info, &b->spec, b->rep);
            return REP_CLAIM_ERROR;
        }
    }
    return adopt ? REP_CLAIM_ADOPT : REP_CLAIM_OK;
}

void
rep_claims_elect(const struct dpu_bindings *bs,
                 const struct shash_node **nodes, size_t n,
                 const struct ovs_port_view *v, struct shash *owners)
{
    for (size_t i = 0; i < n; i++) {
        struct binding *b = nodes[i]->data;
        if (b->rep && b->state != DPU_BINDING_REMOVING) {
            struct binding *cur = shash_find_data(owners, b->rep);
            if (!cur) {
                shash_add(owners, b->rep, b);
            } else if (better_owner(bs, v, b, cur)) {
                shash_replace(owners, b->rep, b);
            }
        }
    }
}
