/*
 * The host's gateway interface and the Node annotations that describe
 * it, as ovn-kubernetes' DPU-host mode writes them at start-up
 * (initGatewayDPUHostPreStart):
 *
 *   - the "Kubernetes interface" is the host's interface whose address
 *     covers the Node's IP address;
 *   - the gateway interface is --gateway-interface=NAME, or the PF of the
 *     management port's VF with --gateway-interface=derive-from-mgmt-port
 *     (the first netdev of that PF, in name order), or else the Kubernetes
 *     interface;
 *   - k8s.ovn.org/primary-dpu-host-addr holds the gateway interface's
 *     first IPv4 and first IPv6 address;
 *   - k8s.ovn.org/host-cidrs holds the first IPv4 address of the
 *     Kubernetes interface and of the gateway interface.
 *
 * IPv6 link-local addresses never count.  Reading is through rtnetlink in
 * the daemon's own network namespace; nothing is changed.
 */

#ifndef GATEWAY_IFACE_H
#define GATEWAY_IFACE_H 1

#include "openvswitch/compiler.h"

/* --gateway-interface's special value. */
#define GATEWAY_IFACE_DERIVE "derive-from-mgmt-port"

/* Resolves the gateway interface from the management port's VF, whose PCI
 * address is 'vf_pci', under 'sysfs_root': stores the PF's first netdev
 * in '*name' (to free()) and returns NULL, or returns an error message. */
char *gateway_iface_derive(const char *sysfs_root, const char *vf_pci,
                           char **name) OVS_WARN_UNUSED_RESULT;

/* The two annotations' values, for Node IP 'node_ip' (NULL if the Node has
 * none yet) and gateway interface 'gw_iface' (NULL for the Kubernetes
 * interface).  Returns NULL and stores the values (to free()) and the
 * gateway interface used, or returns an error message. */
char *gateway_iface_annotations(const char *node_ip, const char *gw_iface,
                                char **primary_addr, char **host_cidrs,
                                char **used) OVS_WARN_UNUSED_RESULT;

#endif /* gateway-iface.h */
