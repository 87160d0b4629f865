/*
 * The node's management port, DPU side: the representor of the host
 * function that the host named in its Node's k8s.ovn.org/node-mgmt-port
 * is renamed "ovn-k8s-mp0" and plugged into the integration bridge as OVN
 * logical port "k8s-<node>", as ovn-kubernetes' DPU mode does
 * (managementPortRepresentor):
 *
 *   - the representor is renamed ovn-k8s-mp0 (its old name kept as its
 *     alias, so that it can be found and named back), gets the MTU and is
 *     brought up;
 *   - a Port and an Interface "ovn-k8s-mp0" on the bridge carry
 *     external_ids iface-id=k8s-<node>,
 *     k8s.ovn.org/management-port-name=ovn-k8s-mp0 and
 *     ovn-orig-mgmt-port-rep-name=<the representor's old name>, and
 *     mtu_request;
 *   - the function is reserved in the binding module
 *     (dpu_bindings_reserve()), so that no pod can claim it;
 *   - if the representor is renamed, set down or goes, or the rows change,
 *     the next check (on a netlink notification, an OVSDB change, or every
 *     MGMT_DPU_CHECK_INTERVAL_MS) puts it right and says so;
 *   - if the annotation names another function, the old port is deleted,
 *     and once ovs-vswitchd has dropped it, the old representor is set
 *     down (through a link ledger, link-ledger.h, so that a restart
 *     finishes it) and named back; then the new one is plugged.  If the
 *     annotation goes, only the first half happens.
 *
 * The rows carry no OVS_PORT_MARKER (they are not a pod's, and the binding
 * module must leave them alone); the port is known by its name.  Every
 * check writes only differences, so a restarted agent that finds the port
 * right changes nothing.
 *
 * It runs inside the pod binder's loop (pod-binder.h), on the same OVSDB
 * IDL and in the same transactions.
 */

#ifndef MGMT_PORT_DPU_H
#define MGMT_PORT_DPU_H 1

#include <stdbool.h>

struct dpu_bindings;
struct ds;
struct k8s_client;
struct ovsdb_idl;
struct ovsdb_idl_txn;

#define MGMT_DPU_CHECK_INTERVAL_MS 5000

struct mgmt_port_dpu_config {
    const char *bridge;         /* Integration bridge. */
    const char *sysfs_root;     /* For representor lookup. */
    bool simulated;             /* Representors are "rep<p>-<v>". */
    int mtu;                    /* The representor's MTU, mtu_request. */
    const char *link_file;      /* Its link ledger, or NULL. */
};

struct mgmt_port_dpu *mgmt_port_dpu_create(
    struct k8s_client *, const char *node_name, struct ovsdb_idl *,
    struct dpu_bindings *, const struct mgmt_port_dpu_config *);
void mgmt_port_dpu_destroy(struct mgmt_port_dpu *);

/* Called by the pod binder's run with its transaction (NULL while one is
 * in flight), and with the outcome of committing it. */
void mgmt_port_dpu_run(struct mgmt_port_dpu *, struct ovsdb_idl_txn *,
                       long long int now);
void mgmt_port_dpu_committed(struct mgmt_port_dpu *, int status);
void mgmt_port_dpu_wait(struct mgmt_port_dpu *, long long int now);

/* "ovs-appctl mgmt/show", and the line in "dpu/show". */
void mgmt_port_dpu_format(const struct mgmt_port_dpu *, struct ds *);
void mgmt_port_dpu_format_brief(const struct mgmt_port_dpu *, struct ds *);

#endif /* mgmt-port-dpu.h */
