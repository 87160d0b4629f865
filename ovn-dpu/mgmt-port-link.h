/*
 * The host's management port in the kernel: its addresses, routes,
 * neighbour entries and forwarding setting, made to agree with a
 * mgmt_port_config through rtnetlink (libnl-route), and taken away again;
 * and the record of what the VF looked like before it became the
 * management port, so that it can be put back.
 *
 * The device's own name, MAC, MTU and state are netdev-link.h's business;
 * the SNAT mgmt-port-nft.h's.
 */

#ifndef MGMT_PORT_LINK_H
#define MGMT_PORT_LINK_H 1

#include <net/if.h>
#include <stdbool.h>

#include "openvswitch/compiler.h"
#include "openvswitch/types.h"

struct mgmt_port_config;
struct svec;

/* Makes device 'ifindex', named 'ifname', carry exactly the addresses of
 * 'cfg' (other addresses go, except IPv6 link-local ones), have its routes
 * (others through the device stay) and its gateways' neighbour entries,
 * and forward.  Appends to 'fixed' a line for each thing it had to
 * change, so that a run that finds everything right changes nothing and
 * appends nothing.  Returns NULL or an error message, which the caller
 * must free(). */
char *mgmt_link_sync(int ifindex, const char *ifname,
                     const struct mgmt_port_config *cfg, struct svec *fixed)
    OVS_WARN_UNUSED_RESULT;

/* Removes from device 'ifindex' every address but IPv6 link-local ones,
 * every route through it that the kernel did not make, and every
 * neighbour entry.  Returns NULL or an error message. */
char *mgmt_link_flush(int ifindex) OVS_WARN_UNUSED_RESULT;

/* What the VF looked like before it became the management port. */
struct mgmt_saved {
    char name[IFNAMSIZ];
    struct eth_addr mac;
    int mtu;
};

/* Reads 'file' into '*saved'.  Returns 0, ENOENT if there is no such
 * file, or another errno value (EINVAL if it is not such a record). */
int mgmt_saved_load(const char *file, struct mgmt_saved *saved);

/* Replaces 'file' by '*saved', atomically.  Returns NULL or an error
 * message. */
char *mgmt_saved_store(const char *file, const struct mgmt_saved *saved)
    OVS_WARN_UNUSED_RESULT;

#endif /* mgmt-port-link.h */
