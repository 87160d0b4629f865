/*
 * The DPU side's pod loop: watches the pods of the host node in the host
 * cluster, binds their representors through dpu-binding.h, and reports
 * the outcome in each pod's k8s.ovn.org/dpu.connection-status.
 *
 * This is the I/O around the pure pieces: dpu-pod.h says what a pod
 * wants, dpu-binding.h makes OVSDB agree and keeps each binding's state.
 * The binder lists and watches pods with "spec.nodeName=<node>" (resuming
 * and relisting without spurious events, see k8s-watch.h) and every
 * NetworkAttachmentDefinition (to tell which of a pod's NAD keys are
 * OVN-Kubernetes secondary networks, see net-attach-def.h), tells the
 * binding module its wanted set is complete once both first lists are in
 * (so that stale ports go only then), and writes a pod's status with a
 * merge patch of that one annotation whenever what it should say differs
 * from what the pod carries: "Ready" once ovn-installed=true, "Error"
 * with the reason on failure, each naming the sandbox it answers.  The
 * patch carries the resourceVersion of the pod it was computed from, and
 * a 409 makes it read the pod and compute it again (pod-patch.h).  A
 * pending binding leaves the pod's status as it is (see pod_status() in
 * pod-binder.c).
 *
 * It also watches the Secret of the host agent's keys (conn-keys.h), so
 * that dpu-pod.h can check the host's signatures, and counts the desired
 * set complete only once pods, NADs and keys are listed.  Pod events and
 * re-evaluations take at most POD_WORK_BUDGET_MS of each run, so that the
 * lease renewal in the same loop is never held up.
 */

#ifndef POD_BINDER_H
#define POD_BINDER_H 1

#include "dpu-binding.h"
#include "dpu-pod.h"

struct ds;
struct k8s_client;
struct mgmt_port_dpu;
struct ovsdb_idl;

/* Besides the binding metrics (binding-metrics.h), the binder counts its
 * status patches as they end, in
 * "ovn_dpu_controller_status_patches_total{result}" ("ok" or
 * "failed"). */

/* 'keys_namespace' is where the nodes' key Secrets are (conn-keys.h). */
struct pod_binder *pod_binder_create(struct k8s_client *,
                                     const char *node_name,
                                     const char *keys_namespace,
                                     const char *ovs_remote,
                                     const struct dpu_bindings_config *,
                                     const struct dpu_pod_options *);
void pod_binder_destroy(struct pod_binder *);
void pod_binder_run(struct pod_binder *);
void pod_binder_wait(struct pod_binder *);

/* The OVSDB IDL and the bindings, for the modules that share the binder's
 * loop (the management port). */
struct ovsdb_idl *pod_binder_get_idl(const struct pod_binder *);
struct dpu_bindings *pod_binder_get_bindings(const struct pod_binder *);

/* Runs 'mp' in the binder's loop, in its OVSDB transactions, and shows it
 * in "dpu/show".  The caller keeps ownership. */
void pod_binder_set_mgmt_port(struct pod_binder *, struct mgmt_port_dpu *);

/* For "ovs-appctl dpu/show", "dpu/watches" and "dpu/recompute". */
void pod_binder_format(const struct pod_binder *, struct ds *);
void pod_binder_format_json(const struct pod_binder *, struct ds *);
void pod_binder_format_watches(const struct pod_binder *, struct ds *);
void pod_binder_recompute(struct pod_binder *);

/* True if the binder is connected to OVSDB and has listed the node's pods
 * (and the NetworkAttachmentDefinitions, or given up on them); otherwise
 * false, after appending to 'reason' what it waits for. */
bool pod_binder_is_ready(const struct pod_binder *, struct ds *reason);

#endif /* pod-binder.h */
