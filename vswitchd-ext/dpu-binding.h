/*
 * Binding VF representors to OVN logical ports on the DPU's br-int.
 *
 * The caller (ovn-dpu-controller, or the test driver) says which bindings
 * it wants: for each OVN logical port ("iface-id"), the host PF and VF
 * whose representor carries the pod's traffic, and the pod's sandbox,
 * addresses and MTU.  This module makes the local Open_vSwitch database
 * agree, through the OVSDB IDL: it creates a Port and an Interface named
 * after the representor on the integration bridge, with the external ids
 * that ovn-controller and ovn-kubernetes expect, and watches for
 * ovn-controller to set external_ids:ovn-installed=true on the Interface,
 * which is when the pod may be reported Ready.
 *
 * The ports it makes carry the external id OVS_PORT_MARKER=true, on both
 * the Port and the Interface (ovs-port.h writes the rows).  It deletes
 * only ports with that marker, and never reuses a port without it.  The
 * representors it brings up are recorded in a link ledger
 * (link-ledger.h), so that they are set down again even across a
 * restart.
 *
 * Everything is decided from what the IDL's replica holds, so the module
 * is restart-safe: given the same desired set, a new instance finds its
 * ports right and leaves them untouched (no delete and re-add); ports of
 * bindings that are no longer wanted are removed once the caller says its
 * desired set is complete (dpu_bindings_set_complete()).  Until then no
 * port of ours is deleted or replaced for another iface-id either: a
 * binding that wants a representor whose port another iface-id holds
 * waits (it stays "new"), since the pod behind that port may simply not
 * be listed yet.  Of two wanted bindings for one representor, the one
 * with the higher 'seq' (the newer assignment by the host) has it, then
 * the one whose port is there, then the first by iface-id.
 *
 * Error messages, which the caller may write into a pod's status, never
 * name another pod or iface-id: who holds a representor goes to the log.
 *
 * Use: create it on an IDL for the Open_vSwitch schema that replicates at
 * least the Bridge, Port and Interface tables (an ovsdb_idl_loop's IDL);
 * then on each main-loop iteration call dpu_bindings_run() with the loop's
 * transaction (NULL while one is in flight), dpu_bindings_committed() with
 * what ovsdb_idl_loop_commit_and_wait() returned, and dpu_bindings_wait().
 * A run with nothing changed since the last one returns at once.
 * Per-binding states are described in dpu-binding.c.
 */

#ifndef DPU_BINDING_H
#define DPU_BINDING_H 1

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct sset;
struct svec;
struct vf_list;

#define DPU_BINDING_DEFAULT_BRIDGE "br-int"
#define DPU_BINDING_DEFAULT_INSTALL_TIMEOUT_MS 60000
#define DPU_BINDING_DEFAULT_RETRY_MS 5000

struct dpu_bindings_config {
    const char *bridge;         /* Integration bridge; NULL for default. */
    const char *sysfs_root;     /* For representor lookup; NULL: "/sys". */
    bool simulated;             /* Representors are "rep<p>-<v>". */
    bool set_link_state;        /* Bring representors up and down. */

    /* With 'set_link_state': where to record the representors whose link
     * state is ours to put back (see link-ledger.h), or NULL to keep that
     * in memory only. */
    const char *link_file;

    /* How long a binding waits for its port to appear in OVSDB and then
     * for ovn-installed=true before it reports an error; 0 for default. */
    long long int install_timeout_ms;

    /* How often a binding in error retries finding its representor; 0 for
     * default. */
    long long int retry_ms;

    /* VFs that no binding may ever have (--reserved-vfs), or NULL for
     * none.  Copied.  Other modules reserve functions while they hold them
     * with dpu_bindings_reserve(). */
    const struct vf_list *reserved_vfs;
};

/* What a caller wants bound.  Strings are copied; those marked optional may
 * be NULL. */
struct dpu_binding_spec {
    const char *iface_id;       /* OVN logical port; the binding's key. */
    const char *iface_id_ver;   /* Pod uid (optional). */
    const char *pod;            /* "<namespace>/<name>", for humans. */
    const char *nad;            /* NAD key, "default" for the default net. */
    const char *network;        /* Network name, for non-default NADs. */
    int pf_id, vf_id;           /* Host PF and VF. */
    const char *sandbox;        /* Sandbox (container) id. */
    const char *vf_netdev_name; /* Host VF netdev (optional).  Not
                                 * written: the port's vf-netdev-name is
                                 * the representor, as ovnkube-node
                                 * writes it. */
    const char *pod_if_name;    /* Interface name in the pod (optional). */
    const char *attached_mac;   /* Pod MAC address. */
    const char *ip_addresses;   /* Comma-separated CIDRs (may be ""). */
    int mtu;                    /* mtu_request, 0 to leave unset. */
    int64_t ingress_bps;        /* Pod ingress limit in bit/s, 0 for none
                                 * (pod-bandwidth.h). */
    int64_t egress_bps;         /* Pod egress limit in bit/s, 0 for none. */
    uint64_t seq;               /* The host agent's sequence number of
                                 * this assignment of the VF (conn-auth.h),
                                 * or 0 if unknown: of two bindings that
                                 * want one VF, the higher has it. */
};

enum dpu_binding_state {
    DPU_BINDING_NEW,
    DPU_BINDING_CLAIMING,
    DPU_BINDING_WAIT_INSTALLED,
    DPU_BINDING_INSTALLED,
    DPU_BINDING_ERROR,
    DPU_BINDING_REMOVING,
};
#define DPU_BINDING_N_STATES (DPU_BINDING_REMOVING + 1)

const char *dpu_binding_state_name(enum dpu_binding_state);

/* Makes 'idl', created with monitor_everything_by_default false, replicate
 * the tables and columns of the Open_vSwitch database that this module
 * reads and writes, and only those: a replica of every column (Interface
 * statistics and status above all, which ovs-vswitchd rewrites every few
 * seconds) would cost memory and wake-ups per port for nothing.  Call it
 * before the first ovsdb_idl_run(). */
void dpu_bindings_register_idl(struct ovsdb_idl *);

struct dpu_bindings *dpu_bindings_create(struct ovsdb_idl *,
                                         const struct dpu_bindings_config *);
void dpu_bindings_destroy(struct dpu_bindings *);

/* Wants 'spec' bound, adding it or updating the binding with the same
 * iface-id.  A change of PF, VF or sandbox starts the binding over (its
 * old port is then removed as stale); other changes update the port in
 * place. */
void dpu_bindings_set(struct dpu_bindings *, const struct dpu_binding_spec *);

/* Wants 'iface_id' no longer bound: its ports are removed.  Returns false
 * if there was no such binding. */
bool dpu_bindings_unset(struct dpu_bindings *, const char *iface_id);

/* Reserves host function 'pf_id'/'vf_id' for 'holder' (e.g. "the node's
 * management port"): no binding may claim it.  A binding that names it
 * goes to ERROR, saying who holds it, until the reservation is lifted.
 * Reserving a function again replaces its holder; a null 'holder' lifts
 * the reservation, and bindings that name the function are tried again. */
void dpu_bindings_reserve(struct dpu_bindings *, int pf_id, int vf_id,
                          const char *holder);

/* Says whether the desired set is complete (for example, the pod list has
 * been received).  Only then are marked ports whose iface-id is not wanted
 * removed. */
void dpu_bindings_set_complete(struct dpu_bindings *, bool complete);

/* Forces every binding to be evaluated afresh: representors are looked up
 * again and bindings in error are retried. */
void dpu_bindings_recompute(struct dpu_bindings *);

void dpu_bindings_run(struct dpu_bindings *, struct ovsdb_idl_txn *,
                      long long int now);
void dpu_bindings_committed(struct dpu_bindings *, int status);
void dpu_bindings_wait(const struct dpu_bindings *, long long int now);

/* True if no binding is waiting for OVSDB: each one is installed, waiting
 * for ovn-installed, waiting for the desired set to be complete, or in
 * error, there are no removals pending, no
 * representor waits to be set down, and (if the set is complete) no stale
 * ports remain. */
bool dpu_bindings_is_settled(const struct dpu_bindings *);

/* Looks up the binding for 'iface_id'.  Returns false if there is none;
 * otherwise stores its state, and the error if in DPU_BINDING_ERROR (owned
 * by the module, valid until the next call into it), in the non-null
 * arguments. */
bool dpu_bindings_get(const struct dpu_bindings *, const char *iface_id,
                      enum dpu_binding_state *, const char **error,
                      const char **representor);

/* The spec of the binding for 'iface_id', or NULL if there is none.  Owned
 * by the module, valid until the next call into it. */
const struct dpu_binding_spec *dpu_bindings_get_spec(
    const struct dpu_bindings *, const char *iface_id);

/* Stores in 'n[i]' the number of bindings in state 'i', for each of the
 * DPU_BINDING_N_STATES states. */
void dpu_bindings_count_states(const struct dpu_bindings *, unsigned int n[]);

/* Moves into 'iface_ids' the iface-ids whose state changed since the last
 * call. */
void dpu_bindings_take_changes(struct dpu_bindings *, struct sset *iface_ids);

/* Moves into 'lines' a description of each state change and OVSDB change
 * made since the last call, in order.  They are also logged. */
void dpu_bindings_take_journal(struct dpu_bindings *, struct svec *lines);

/* For "ovs-appctl dpu/show": one line per binding, in iface-id order. */
void dpu_bindings_format(const struct dpu_bindings *, long long int now,
                         struct ds *);

#endif /* dpu-binding.h */
