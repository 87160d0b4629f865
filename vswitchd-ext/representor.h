/*
 * Finding the representor netdev of a host VF on the DPU, and setting its
 * link state.
 *
 * On switchdev hardware, the representor of host PF 'p', VF 'v' is the
 * netdev whose /sys/class/net/<dev>/phys_port_name is "c1pf<p>vf<v>" (the
 * form of BlueField DPUs, where controller 1 is the host), or, if no netdev
 * has a "c1pf..." name at all (a SmartNIC whose host functions are
 * controller 0), "pf<p>vf<v>".  Where the host's functions are "c1pf...",
 * "pf<p>vf<v>" is a function of the DPU itself and is never returned.  In simulated mode (--simulate-dpu, the
 * ovn-kubernetes dpu-simulator convention) it is the netdev named
 * "rep<p>-<v>", or else the one whose link alias (ifalias) is that name.
 *
 * Lookups read sysfs under a configurable root ("/sys" normally), so that
 * tests can build a tree; they do no other I/O and keep no state.
 */

#ifndef REPRESENTOR_H
#define REPRESENTOR_H 1

#include <stdbool.h>

#include "openvswitch/compiler.h"

#define REPRESENTOR_DEFAULT_SYSFS "/sys"

/* Finds the representor of host PF 'pf', VF 'vf' under 'sysfs_root' (NULL
 * means REPRESENTOR_DEFAULT_SYSFS).  On success returns NULL and stores the
 * netdev name, which the caller must free(), in '*namep'.  On failure
 * returns an error message, which the caller must free(), and stores NULL
 * in '*namep'. */
char *representor_find(const char *sysfs_root, bool simulated, int pf,
                       int vf, char **namep) OVS_WARN_UNUSED_RESULT;

/* True if netdev 'name', whose link alias is 'alias' ("" for none), is the
 * representor of some host function: on switchdev hardware, its
 * phys_port_name under 'sysfs_root' is "c1pf<p>vf<v>" or "pf<p>vf<v>";
 * simulated, its alias is "rep<p>-<v>" (what a representor renamed by
 * ovn-dpu carries). */
bool representor_is_host_function(const char *sysfs_root, bool simulated,
                                   const char *name, const char *alias);

/* True if netdev 'name' under 'sysfs_root' is a port of a switchdev
 * eswitch that has a flavour: it has a non-empty phys_switch_id and a
 * non-empty phys_port_name.  A veth or any plain netdev is not.  This is
 * what decides whether a pod's port on a userspace (netdev) datapath is a
 * "dpdk" Interface. */
bool representor_is_switchdev_port(const char *sysfs_root, const char *name);

/* Returns the uplink representor of the PF that netdev 'name' (a
 * representor) belongs to, which the caller must free(), or NULL if there
 * is none: among the netdevs of the PCI function behind 'name' (its
 * "device", or that device's "physfn" if it is a VF), the switchdev port
 * whose phys_port_name is "p<N>".  Simulated representors (veths) have
 * no device, hence no uplink. */
char *representor_uplink(const char *sysfs_root, const char *name);

/* Brings netdev 'name' administratively up or down.  Returns 0 or an errno
 * value.  Counts each call in the metric
 * "ovn_dpu_controller_representor_link_operations_total{operation,result}"
 * ("up" or "down", "ok" or "failed"). */
int representor_set_up(const char *name, bool up);

#endif /* representor.h */
