/*
 * The node's management port, host side: the VF named by
 * --ovnkube-node-mgmt-port-netdev becomes "ovn-k8s-mp0", the host's door
 * into its node's logical switch (OVN logical port "k8s-<node>", which the
 * DPU side plugs in through the VF's representor).
 *
 * What it does, as ovn-kubernetes' DPU-host mode does (managementport/):
 *
 *   1. Finds the VF's host function (PF and VF index, from switchdev
 *      sysfs, or from a simulated name "eth<p>-<v>") and publishes it on
 *      the host's Node as k8s.ovn.org/node-mgmt-port, for the DPU side.
 *   2. Waits for k8s.ovn.org/node-subnets on the Node (the cluster
 *      manager writes it), saying so in "mgmt/show" while it waits.
 *   3. Records what the VF looks like (name, MAC, MTU) in a file in the
 *      run directory, then renames it ovn-k8s-mp0 (its old name as the
 *      link's alias), gives it the MAC derived from its address and the
 *      MTU, brings it up, and gives it its address, routes to the cluster
 *      subnets and service CIDRs through the gateway, the gateway's
 *      neighbour entry, forwarding, and the SNAT chain (mgmt-port-nft.h).
 *   4. Keeps it so: every rtnetlink or nftables notification, and a
 *      periodic check, compare it with what it must be and repair what
 *      differs, logging what was repaired.  A check that finds it right
 *      changes nothing, so a restarted agent leaves a right port alone.
 *   5. With --gateway-interface, or the Node's InternalIP, publishes
 *      k8s.ovn.org/primary-dpu-host-addr and k8s.ovn.org/host-cidrs
 *      (gateway-iface.h).
 *
 * mgmt_port_cleanup() puts the VF back as it was (--cleanup).
 */

#ifndef MGMT_PORT_H
#define MGMT_PORT_H 1

#include <stdbool.h>

#include "mgmt-port-config.h"

struct ds;
struct k8s_client;
struct mgmt_port;

struct mgmt_port_options {
    const char *netdev;         /* --ovnkube-node-mgmt-port-netdev. */
    bool simulated;             /* --simulate-dpu. */
    const char *sysfs_root;     /* --sysfs-root. */
    const char *gateway_iface;  /* --gateway-interface, or NULL. */
    const char *state_file;     /* The VF's original state. */
    struct mgmt_port_settings settings;
};

/* How often the port is checked even without a notification, as
 * ovn-kubernetes checks its management port netdev. */
#define MGMT_PORT_CHECK_INTERVAL_MS 30000

/* Creates the management port.  Returns NULL and stores it in '*mpp', or
 * returns an error message (a configuration that cannot work). */
char *mgmt_port_create(struct k8s_client *, const char *node_name,
                       const struct mgmt_port_options *,
                       struct mgmt_port **mpp) OVS_WARN_UNUSED_RESULT;
void mgmt_port_destroy(struct mgmt_port *);
void mgmt_port_run(struct mgmt_port *);
void mgmt_port_wait(struct mgmt_port *);

/* For "ovs-appctl mgmt/show". */
void mgmt_port_format(const struct mgmt_port *, struct ds *);

/* True once the port has been configured as it must be. */
bool mgmt_port_is_ready(const struct mgmt_port *);

/* Puts the VF back as it was before it became the management port: its
 * address, routes and neighbour entries and the SNAT chain go, and it
 * gets its original name, MAC and MTU back, down.  Appends what it did to
 * 's'.  Returns NULL or an error message. */
char *mgmt_port_cleanup(const struct mgmt_port_options *, struct ds *s)
    OVS_WARN_UNUSED_RESULT;

#endif /* mgmt-port.h */
