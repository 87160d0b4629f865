/*
 * Adopting the ports that ovnkube-node, in DPU mode, left on the
 * integration bridge.
 *
 * A node moving from ovn-kubernetes' DPU side to ovn-dpu-controller has a
 * port on br-int for every pod already running, made by ovnkube-node: a
 * Port and an Interface named after the VF representor, with the
 * Interface external ids iface-id (the OVN logical port) and iface-id-ver
 * (the pod uid), among others, and no OVS_PORT_MARKER.  Those ids are the
 * proof of whose the port is: such a port is this agent's to take over
 * when its iface-id, its iface-id-ver and its representor (the Interface's
 * and the Port's name) are all those of the binding that wants it.  It is
 * then marked as ours, in place: the Interface keeps its uuid, so
 * ovn-controller sees no new port and the pod's traffic goes on.  Any
 * other unmarked port stays untouched.
 *
 * This module judges and marks; dpu-binding.c decides when.
 */

#ifndef PORT_ADOPTION_H
#define PORT_ADOPTION_H 1

#include <stdbool.h>

struct dpu_binding_spec;
struct ovs_port_info;
struct ovs_port_view;
struct ovsdb_idl_txn;

/* True if 'info', a port that ovn-dpu did not make, may be adopted by the
 * binding for 'spec' on representor 'rep', given the replica 'v'. */
bool port_adoption_matches(const struct ovs_port_view *v,
                           const struct ovs_port_info *info,
                           const struct dpu_binding_spec *spec,
                           const char *rep);

/* If 'info', a port that ovn-dpu did not make, holds the iface-id of
 * 'spec' but may not be adopted for it on representor 'rep', returns why,
 * for the pod's status (to free()); otherwise NULL. */
char *port_adoption_refusal(const struct ovs_port_info *info,
                            const struct dpu_binding_spec *spec,
                            const char *rep);

/* Marks the port of 'info' as ovn-dpu's, in 'txn'.  Returns what it did,
 * for the log (to free()). */
char *port_adoption_adopt(struct ovsdb_idl_txn *txn,
                          const struct ovs_port_info *info);

#endif /* port-adoption.h */
