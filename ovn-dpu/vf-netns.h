/*
 * A pod's VF, moved into the pod's network namespace and configured there,
 * and moved back: the kernel side of CNI ADD, DEL and CHECK.
 *
 * Everything here goes through rtnetlink (libnl-route), never through the
 * "ip" command.  A netlink socket belongs to the network namespace it was
 * created in, so for the pod's namespace this module enters it (setns())
 * only long enough to create a socket there, then returns at once; the
 * daemon itself never runs in the pod's namespace.
 *
 * vf_netns_attach() is all or nothing: if any step fails, it puts the VF
 * back in the host namespace under its original name (and MAC and MTU)
 * before it returns the error, finding it by its interface index, whatever
 * the failed step left it with.  vf_netns_detach() is idempotent.
 *
 * vf_netns_attach() is vf_netns_move_in() then vf_netns_configure(), which
 * a caller may also call apart: the move, which costs the kernel most of
 * the time (it waits for RCU grace periods), can then be made while the
 * caller waits for something else, and only the configuration, a few
 * hundred microseconds, once it knows how.
 *
 * Each call takes a few system calls and returns quickly; none waits on
 * anything but the kernel.
 */

#ifndef VF_NETNS_H
#define VF_NETNS_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"

struct ds;

struct vf_netns_route {
    char *dest;                 /* CIDR, "0.0.0.0/0" for a default route. */
    char *gw;                   /* Next hop, or NULL for a direct route. */
};

/* How the pod's interface must look. */
struct vf_netns_config {
    char *netns;                /* Path of the pod's network namespace. */
    char *host_name;            /* The VF's netdev name on the host. */
    char *ifname;               /* Its name in the pod (CNI_IFNAME). */
    char *mac;                  /* "0a:58:..." or NULL to keep the VF's. */
    int mtu;                    /* 0 to keep the VF's. */
    char **addrs;               /* CIDRs, e.g. "10.244.1.5/24". */
    size_t n_addrs;
    struct vf_netns_route *routes;
    size_t n_routes;
};

void vf_netns_config_destroy(struct vf_netns_config *);

/* What the VF looked like on the host before it was moved, to restore. */
struct vf_netns_saved {
    char mac[18];               /* "" if unknown. */
    int mtu;                    /* 0 if unknown. */
};

/* Returns NULL if 'path' is a pod's network namespace (a bind mount of
 * one, as runtimes make under /var/run/netns, or a /proc/PID/ns/net),
 * otherwise why not.  The daemon's own namespace, and PID 1's, however
 * named (/proc/self/ns/net, a bind mount of it...), are not pods': they
 * are told by the device and inode of the namespace file. */
char *vf_netns_check_netns(const char *path) OVS_WARN_UNUSED_RESULT;

/* Returns NULL if the VF netdev 'host_name', in the host's namespace, is
 * free to hand out: down, without a master, without an address other than
 * a link-local one.  Otherwise why not: it is the host's own. */
char *vf_netns_check_unused(const char *host_name) OVS_WARN_UNUSED_RESULT;

/* Moves 'cfg->host_name' into 'cfg->netns', renames it 'cfg->ifname', sets
 * MAC, MTU, addresses and routes, and brings it up.  Saves the VF's host
 * MAC and MTU in '*saved'.  On failure, the VF is back on the host as it
 * was, and the error says which step failed. */
char *vf_netns_attach(const struct vf_netns_config *cfg,
                      struct vf_netns_saved *saved)
    OVS_WARN_UNUSED_RESULT;

/* The first half of vf_netns_attach(): moves 'cfg->host_name' into
 * 'cfg->netns' as 'cfg->ifname', down, with its own MAC and MTU (which it
 * saves in '*saved'), in one message.  Only 'cfg->netns', 'cfg->host_name'
 * and 'cfg->ifname' are used.  On failure, nothing changed.  The VF
 * stays there, unconfigured, until vf_netns_configure() or
 * vf_netns_detach() (with '*saved'). */
char *vf_netns_move_in(const struct vf_netns_config *cfg,
                       struct vf_netns_saved *saved)
    OVS_WARN_UNUSED_RESULT;

/* The second half of vf_netns_attach(): gives the VF that
 * vf_netns_move_in() moved into 'cfg->netns' as 'cfg->ifname' its MAC and
 * MTU and brings it up (one message), then adds its addresses and routes.
 * On failure, the VF is back on the host as '*saved' says it was, under
 * 'cfg->host_name'. */
char *vf_netns_configure(const struct vf_netns_config *cfg,
                         const struct vf_netns_saved *saved)
    OVS_WARN_UNUSED_RESULT;

/* Moves 'ifname' in 'netns' back to the host as 'host_name', restoring
 * '*saved' (if nonnull).  If 'pci' is nonnull, only if 'ifname' is the VF
 * with that PCI address (its driver's bus address).  Succeeds, setting
 * '*what' to a note for the log, if the namespace or the interface is
 * already gone, if the VF is already on the host, or if 'netns' is the
 * host's own namespace (no pod's VF is there). */
char *vf_netns_detach(const char *netns, const char *ifname,
                      const char *host_name, const char *pci,
                      const struct vf_netns_saved *saved, const char **what)
    OVS_WARN_UNUSED_RESULT;

/* Returns NULL if 'cfg->ifname' is in 'cfg->netns', up, with 'cfg->mac'
 * and every address in 'cfg->addrs'; otherwise what differs. */
char *vf_netns_verify(const struct vf_netns_config *cfg)
    OVS_WARN_UNUSED_RESULT;

#endif /* vf-netns.h */
