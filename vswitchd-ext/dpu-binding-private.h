/*
 * The insides of the binding module (dpu-binding.c), for the modules it is
 * split into: rep-claims.c decides which binding may have which
 * representor; binding-spec.c copies specs.  Nothing else includes this.
 */

#ifndef DPU_BINDING_PRIVATE_H
#define DPU_BINDING_PRIVATE_H 1

#include <stdbool.h>

#include "dpu-binding.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "svec.h"
#include "vf-list.h"

struct ovs_port_extras;
struct ovs_port_view;

struct binding {
    struct dpu_binding_spec spec;   /* Owned copy of what is wanted. */
    enum dpu_binding_state state;
    long long int state_since;  /* When 'state' was entered, or -1 if the
                                 * binding has not run yet. */
    char *rep;                  /* Representor netdev, if found. */
    char *uplink;               /* With 'rep': its PF's uplink, or NULL. */
    bool switchdev;             /* With 'rep': a switchdev eswitch port. */
    char *encap_ip;             /* Its encap-ip at the last run, or NULL. */
    bool need_resolve;          /* Look the representor up at next run. */
    long long int resolve_at;   /* Retry a failed lookup then. */
    char *error;                /* In ERROR: why. */
    char *waiting;              /* In NEW: why it waits, or NULL. */
    bool timed_out;             /* In ERROR: only ovn-installed missing. */
    bool link_up;               /* Representor brought up already. */
    long long int link_retry_at; /* Retry a failed bring-up then. */

    /* For binding-metrics.h: when it first ran after being wanted, and when
     * its port was last written (or found right). */
    long long int wanted_since;
    long long int port_written;
};

struct dpu_bindings {
    struct ovsdb_idl *idl;
    char *bridge;
    char *sysfs_root;
    bool simulated;
    bool set_link_state;
    long long int install_timeout_ms;
    long long int retry_ms;

    struct shash bindings;      /* iface-id -> struct binding. */
    struct vf_list reserved;    /* --reserved-vfs: VFs no binding may
                                 * have, with the reason. */
    struct shash held;          /* "<pf>/<vf>" -> holder (a string): the
                                 * functions other modules reserve
                                 * (dpu_bindings_reserve()). */
    bool complete;              /* Desired set complete? */
    bool stale_ports;           /* Stale ports seen at last run. */

    struct sset changes;        /* iface-ids whose state changed. */
    struct svec journal;        /* Unread journal lines. */

    /* Representors whose link state we changed and have not put back
     * (see link-ledger.h), or NULL if we leave link state alone. */
    struct link_ledger *links;

    /* A run looks at every binding and every port, so it is skipped while
     * nothing it depends on has changed: the replica (its seqno), the
     * desired set ('need_run', set by the functions that change it), the
     * clock (a deadline passed) or the last transaction ('txn_busy': the
     * last run had none to write to, or what it wrote did not commit).
     * An idle agent with many pods then costs nothing per wakeup. */
    unsigned int idl_seqno;     /* Replica seqno at the last run. */
    bool need_run;              /* Desired set changed since the last run. */
    bool txn_busy;              /* Run again at the next wakeup. */
    long long int next_run;     /* Earliest deadline after the last run. */
};

/* Returns the wanted (not REMOVING) binding for 'iface_id', if any. */
static inline struct binding *
dpu_bindings_wanted(const struct dpu_bindings *bs, const char *iface_id)
{
    struct binding *b = iface_id ? shash_find_data(&bs->bindings, iface_id)
                                 : NULL;
    return b && b->state != DPU_BINDING_REMOVING ? b : NULL;
}

/* binding-spec.c. */

/* Makes 'dst' an owned copy of 'src' (every string duplicated). */
void binding_spec_copy(struct dpu_binding_spec *dst,
                       const struct dpu_binding_spec *src);
/* Frees the strings of 'spec', an owned copy. */
void binding_spec_destroy(struct dpu_binding_spec *spec);

/* Fills 'x' with what the Interface of 'b', which has a representor,
 * carries beyond its spec, given the replica 'v': its representor as
 * vf-netdev-name, the encap-ip of its uplink (kept in 'b'), and type
 * "dpdk" if it is a switchdev port and the integration bridge is on the
 * userspace ("netdev") datapath.  Returns NULL, or an error message to
 * free() if the Open_vSwitch configuration is bad for 'b'. */
char *binding_extras(struct binding *b, const struct ovs_port_view *v,
                     struct ovs_port_extras *x) OVS_WARN_UNUSED_RESULT;

/* rep-claims.c. */

/* Fills 'owners' (representor name to struct binding) with the binding
 * that is to have each representor that the 'n' bindings in 'nodes'
 * (sorted by iface-id) want, given the replica 'v'. */
void rep_claims_elect(const struct dpu_bindings *,
                      const struct shash_node **nodes, size_t n,
                      const struct ovs_port_view *v, struct shash *owners);

enum rep_claim {
    REP_CLAIM_OK,               /* Nothing in the way. */
    REP_CLAIM_WAIT,             /* Not yet: the desired set is incomplete. */
    REP_CLAIM_ERROR,            /* Something in the way. */
    REP_CLAIM_ADOPT,            /* ovnkube-node's port for 'b' is there:
                                 * adopt it (port-adoption.h). */
};

/* Checks whether something that is not 'b''s to change stands in the way
 * of binding it to its representor.  If so, sets '*msgp' to why (naming
 * nobody else: it may go into a pod's status) and '*detailp' to who is in
 * the way, or NULL, both to free(). */
enum rep_claim rep_claims_check(const struct dpu_bindings *,
                                const struct binding *b,
                                const struct ovs_port_view *v,
                                const struct shash *owners,
                                char **msgp, char **detailp);

#endif /* dpu-binding-private.h */
