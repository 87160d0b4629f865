/*
 * Pod bandwidth limits: the kubernetes.io/ingress-bandwidth and
 * kubernetes.io/egress-bandwidth annotations of a pod, applied to the
 * OVSDB rows of its ports on the integration bridge.
 *
 * The annotations are Kubernetes resource quantities ("10M", "1Gi",
 * "2.5e6") in bits per second.  A value must be at least 1k and at most
 * 1P, as ovn-kubernetes accepts them.  Ingress and egress are the pod's:
 * what the pod receives is what the port sends, so the ingress limit is a
 * QoS row of type linux-htb with other_config:max-rate, set as the
 * Port's qos, and the egress limit is the Interface's
 * ingress_policing_rate (in kbit/s) with ingress_policing_burst a tenth
 * of it, as ovn-kubernetes sets them.
 *
 * The QoS rows this module makes carry external_ids:ovn-dpu-managed=true
 * and external_ids:sandbox=<sandbox id>.  QoS is a root table: a QoS row
 * outlives its Port.  It cannot go in the transaction that deletes the
 * Port either: the IDL leaves a Port (not a root table) to the server's
 * garbage collection, which comes after the server's referential
 * integrity check, so deleting the QoS row there fails the whole
 * transaction.  Instead pod_bandwidth_sweep(), at the start of every
 * transaction of the binding module, deletes ours that no Port uses: the
 * one of a Port that the previous transaction deleted, and those of Ports
 * deleted behind our back (by hand, by "ovs-ctl
 * --delete-transient-ports", or while the agent was down).
 *
 * A malformed or out-of-range annotation is the same as none for its
 * direction: see Documentation/dpu-binding.rst for why.
 */

#ifndef POD_BANDWIDTH_H
#define POD_BANDWIDTH_H 1

#include <stdbool.h>
#include <stdint.h>

#include "compiler.h"

struct cJSON;
struct dpu_binding_spec;
struct ds;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct ovsrec_interface;
struct ovsrec_port;

/* The range of a limit, in bit/s. */
#define POD_BW_MIN_BPS 1000LL                   /* 1k */
#define POD_BW_MAX_BPS 1000000000000000LL       /* 1P */

/* Parses 'text', a Kubernetes resource quantity, into '*bps', rounded up
 * to a whole number as Kubernetes' Quantity.Value() does, and checks that
 * it is within [POD_BW_MIN_BPS, POD_BW_MAX_BPS].  Returns NULL, or an
 * error message to free() (with '*bps' 0) that does not name the
 * annotation.  Quantities with more than 18 significant digits are
 * refused: no bandwidth needs them, and refusing them keeps the
 * arithmetic exact. */
char *pod_bw_parse_quantity(const char *text, int64_t *bps)
    OVS_WARN_UNUSED_RESULT;

/* Reads the two annotations from 'annotations' (the pod's
 * metadata.annotations object, or NULL) into '*ingress_bps' and
 * '*egress_bps', 0 for no limit.  Returns NULL, or an error message to
 * free() that names the bad annotations; a bad one gives 0, the other is
 * still read. */
char *pod_bw_from_annotations(const struct cJSON *annotations,
                              int64_t *ingress_bps, int64_t *egress_bps)
    OVS_WARN_UNUSED_RESULT;

/* The OVSDB side. */

/* Makes 'idl' replicate what this module reads and writes: the QoS table,
 * Port qos, and the Interface policing columns. */
void pod_bandwidth_register_idl(struct ovsdb_idl *);

/* True if 'port' and 'iface' carry the limits 'spec' wants. */
bool pod_bandwidth_is_right(const struct dpu_binding_spec *spec,
                            const struct ovsrec_port *port,
                            const struct ovsrec_interface *iface);

/* Makes 'port' and 'iface' (which may be new in 'txn') carry the limits
 * that 'spec' wants, in 'txn', replacing or deleting our QoS row as
 * needed, and appends the names of what changed to 'changed' (if
 * nonnull). */
void pod_bandwidth_apply(struct ovsdb_idl_txn *txn,
                         const struct ovsrec_port *port,
                         const struct ovsrec_interface *iface,
                         const struct dpu_binding_spec *spec,
                         struct ds *changed);

/* Deletes, in 'txn', our QoS rows that no Port uses.  Call it before
 * anything else in 'txn' changes Ports or QoS rows.  Returns the number
 * deleted. */
size_t pod_bandwidth_sweep(struct ovsdb_idl *, struct ovsdb_idl_txn *txn);

#endif /* pod-bandwidth.h */
