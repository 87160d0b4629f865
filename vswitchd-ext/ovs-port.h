/*
 * The OVSDB rows behind the DPU agent's ports on the integration bridge.
 *
 * What the binding state machine (dpu-binding.h) decides, this module
 * writes: a Port and an Interface named after the representor, with the
 * external ids that ovn-controller and ovn-kubernetes read, the type
 * ("dpdk" for a switchdev representor on a userspace datapath) and
 * mtu_request.  It also says which Open_vSwitch tables and columns the
 * agent replicates, and indexes what the replica holds for one run.  It
 * decides nothing: every function reads or writes rows as told.
 *
 * The ports it makes carry the external id OVS_PORT_MARKER=true, on both
 * the Port and the Interface; that is how the agent tells its own ports
 * from others'.  A pod's Port also has other_config:transient=true, as
 * ovn-kubernetes sets it, so that "ovs-ctl --delete-transient-ports"
 * removes pod ports left from before a hard reboot.
 */

#ifndef OVS_PORT_H
#define OVS_PORT_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/shash.h"
#include "hmapx.h"

struct dpu_binding_spec;
struct ds;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct ovsrec_bridge;
struct ovsrec_interface;
struct ovsrec_open_vswitch;
struct ovsrec_port;
struct smap;

/* The external id that marks Ports and Interfaces made by ovn-dpu. */
#define OVS_PORT_MARKER "ovn-dpu-managed"

/* External ids of the Interface, as ovn-kubernetes sets them. */
#define OVS_PORT_IFACE_ID "iface-id"
#define OVS_PORT_IFACE_ID_VER "iface-id-ver"
#define OVS_PORT_SANDBOX "sandbox"
#define OVS_PORT_ATTACHED_MAC "attached_mac"
#define OVS_PORT_IP_ADDRESSES "ip_addresses"
#define OVS_PORT_VF_NETDEV_NAME "vf-netdev-name"
#define OVS_PORT_POD_IF_NAME "pod-if-name"
#define OVS_PORT_ENCAP_IP "encap-ip"
#define OVS_PORT_NETWORK "k8s.ovn.org/network"
#define OVS_PORT_NAD "k8s.ovn.org/nad"
#define OVS_PORT_OVN_INSTALLED "ovn-installed"  /* Set by ovn-controller. */

/* The Port other_config key of pods' ports. */
#define OVS_PORT_TRANSIENT "transient"

/* Makes 'idl', created with monitor_everything_by_default false, replicate
 * the tables and columns of the Open_vSwitch database that the agent reads
 * and writes, and only those: a replica of every column (Interface
 * statistics and status above all, which ovs-vswitchd rewrites every few
 * seconds) would cost memory and wake-ups per port for nothing.  Call it
 * before the first ovsdb_idl_run(). */
void ovs_port_register_idl(struct ovsdb_idl *);

/* True if 'idl' is connected and holds the database's contents: a session
 * that is up but has not had its first monitor reply yet (or never will,
 * with ovsdb-server stuck) gives nothing to go by.  The IDL's own wait
 * wakes the loop when that changes. */
bool ovs_port_replica_is_ready(const struct ovsdb_idl *);

/* One Interface in the replica, with its Port and Bridge. */
struct ovs_port_info {
    const struct ovsrec_interface *iface;
    const struct ovsrec_port *port;
    const struct ovsrec_bridge *br;
    const char *iface_id;       /* external_ids:iface-id, or NULL. */
    bool ours;                  /* Carries OVS_PORT_MARKER. */
};

/* What the replica holds, indexed for one run. */
struct ovs_port_view {
    struct ovs_port_info *infos;
    size_t n_infos;
    struct shash by_name;       /* Interface name -> struct ovs_port_info. */
    const struct ovsrec_bridge *bridge;   /* The integration bridge. */
    struct hmapx deleted;       /* Ports deleted in this run's txn. */
    const struct ovsrec_open_vswitch *ovs;  /* The Open_vSwitch row. */
    bool bump_cfg;              /* Increment next_cfg in this run's txn. */
};

void ovs_port_view_init(struct ovs_port_view *, struct ovsdb_idl *,
                        const char *bridge);
void ovs_port_view_destroy(struct ovs_port_view *);

/* The Interface named 'name', or NULL. */
static inline const struct ovs_port_info *
ovs_port_view_find(const struct ovs_port_view *v, const char *name)
{
    return shash_find_data(&v->by_name, name);
}

/* What a pod's Interface carries beyond what its spec says: what its
 * representor and the Open_vSwitch configuration give. */
struct ovs_port_extras {
    /* external_ids:vf-netdev-name: the representor, as ovn-kubernetes in
     * DPU mode sets it (its port health check looks the netdev up). */
    const char *vf_netdev_name;
    const char *encap_ip;       /* external_ids:encap-ip, or NULL. */
    bool dpdk;                  /* Interface type "dpdk", not "". */
};

/* Fills 'ids' with the Interface external ids that 'spec' and 'x'
 * want. */
void ovs_port_external_ids(const struct dpu_binding_spec *spec,
                           const struct ovs_port_extras *x,
                           struct smap *ids);

/* True if 'iface' carries exactly the external ids, type and MTU that
 * 'spec' and 'x' want (other keys, such as ovn-installed, may be there
 * too), and its 'port' is transient. */
bool ovs_port_is_right(const struct dpu_binding_spec *spec,
                       const struct ovs_port_extras *x,
                       const struct ovsrec_port *port,
                       const struct ovsrec_interface *iface);

/* True if the port of 'iface' must be deleted and added again rather than
 * updated: it belongs to another instance of the pod. */
bool ovs_port_needs_replacing(const struct dpu_binding_spec *spec,
                              const struct ovsrec_interface *iface);

/* Adds to 'br', in 'txn', a Port (transient) and an Interface named
 * 'name' for 'spec' and 'x'. */
void ovs_port_add(struct ovsdb_idl_txn *txn, const struct ovsrec_bridge *br,
                  const char *name, const struct dpu_binding_spec *spec,
                  const struct ovs_port_extras *x);

/* Makes the external ids, type and MTU of 'iface' what 'spec' and 'x'
 * want, and its 'port' transient, in 'txn', and appends the names of what
 * changed to 'changed'. */
void ovs_port_update(struct ovsdb_idl_txn *txn,
                     const struct ovsrec_port *port,
                     const struct ovsrec_interface *iface,
                     const struct dpu_binding_spec *spec,
                     const struct ovs_port_extras *x,
                     struct ds *changed);

/* For ports that are not a pod's (the node's management port): adds to
 * 'br', in 'txn', a Port and an Interface named 'name', the Interface
 * with external ids 'ids' and mtu_request 'mtu' (0 for none).  Neither
 * row carries OVS_PORT_MARKER. */
void ovs_port_add_other(struct ovsdb_idl_txn *txn,
                        const struct ovsrec_bridge *br, const char *name,
                        const struct smap *ids, int mtu);

/* True if every key of 'ids' has its value on 'iface', and 'iface' has
 * mtu_request 'mtu' (if nonzero). */
bool ovs_port_has_ids(const struct ovsrec_interface *iface,
                      const struct smap *ids, int mtu);

/* Gives every key of 'ids' its value on 'iface', and 'iface' mtu_request
 * 'mtu' (if nonzero), in 'txn'; other keys stay.  Appends the names of
 * what changed to 'changed'. */
void ovs_port_set_ids(struct ovsdb_idl_txn *txn,
                      const struct ovsrec_interface *iface,
                      const struct smap *ids, int mtu, struct ds *changed);

/* Deletes the Port of 'info' in 'txn', unless this run's 'v' already did.
 * Returns true if it deleted it now. */
bool ovs_port_delete(struct ovs_port_view *v,
                     const struct ovs_port_info *info,
                     struct ovsdb_idl_txn *txn);

#endif /* ovs-port.h */
