/*
 * Reading and reshaping one network device of the daemon's own network
 * namespace through rtnetlink (libnl-route): its name, alias, MAC address,
 * MTU and administrative state.  Both agents turn a function into the
 * node's management port this way, the host its VF and the DPU the VF's
 * representor, and put it back as it was.
 *
 * Each call takes a few system calls and returns; none waits on anything
 * but the kernel.  Errors are messages that name the device and the step.
 */

#ifndef NETDEV_LINK_H
#define NETDEV_LINK_H 1

#include <net/if.h>
#include <stdbool.h>

#include "openvswitch/compiler.h"
#include "openvswitch/types.h"

struct netdev_link {
    int ifindex;
    char name[IFNAMSIZ];
    char alias[256];            /* "" if none. */
    struct eth_addr mac;
    int mtu;
    bool up;                    /* IFF_UP. */
};

/* Reads device 'name'.  Returns 0 and fills in '*link', or ENODEV if
 * there is no such device, or another errno value. */
int netdev_link_get(const char *name, struct netdev_link *link);

/* Reads the device with index 'ifindex', as netdev_link_get(). */
int netdev_link_get_by_index(int ifindex, struct netdev_link *link);

/* What to change on a device; NULL or 0 members are left as they are. */
struct netdev_link_change {
    const char *name;           /* New name. */
    const char *alias;          /* New alias ("" to clear it). */
    const struct eth_addr *mac; /* New MAC address. */
    int mtu;                    /* New MTU. */
};

/* Makes device 'ifindex' what 'change' says.  A device must be down to be
 * renamed, so if the name changes the device is set down first and left
 * down; the caller brings it up again.  Returns NULL or an error
 * message, which the caller must free(). */
char *netdev_link_reshape(int ifindex, const struct netdev_link_change *)
    OVS_WARN_UNUSED_RESULT;

/* Brings device 'ifindex' administratively up or down.  Returns NULL or
 * an error message, which the caller must free(). */
char *netdev_link_set_up(int ifindex, bool up) OVS_WARN_UNUSED_RESULT;

#endif /* netdev-link.h */
