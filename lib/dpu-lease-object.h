/*
 * The DPU health Lease as a Kubernetes object: building it, reading it,
 * and checking its owner reference.  JSON in and out (cJSON); no I/O.
 *
 * The lease, as OVN-Kubernetes defines it:
 *
 *   apiVersion: coordination.k8s.io/v1
 *   kind: Lease
 *   metadata:
 *     name: ovn-dpu-<node>
 *     namespace: ovn-kubernetes
 *     ownerReferences:
 *     - {apiVersion: v1, kind: Node, name: <node>, uid: <the Node's uid>,
 *        controller: true, blockOwnerDeletion: false}
 *   spec:
 *     holderIdentity: ovnkube-dpu-node
 *     leaseDurationSeconds: <duration>
 *     renewTime: <MicroTime>        (written by the DPU side only)
 *     acquireTime: <MicroTime>
 */

#ifndef DPU_LEASE_OBJECT_H
#define DPU_LEASE_OBJECT_H 1

#include <stdbool.h>

struct cJSON;
struct dpu_lease_observation;

/* A new Lease object for Node 'node' (with uid 'node_uid').  With
 * 'renew_time' nonnull, it also carries renewTime and acquireTime (the DPU
 * side creating it); without, it has neither (the host side creating it:
 * only the DPU may claim a renewal). */
struct cJSON *dpu_lease_object_new(const char *name, const char *namespace,
                                   const char *node, const char *node_uid,
                                   int duration, const char *renew_time);

/* Sets the fields a renewal writes on 'lease': holderIdentity,
 * leaseDurationSeconds, renewTime, and acquireTime if it has none. */
void dpu_lease_object_renew(struct cJSON *lease, int duration,
                            const char *renew_time);

/* Fills 'obs' from 'lease' (pointers into 'lease'). */
void dpu_lease_object_observe(const struct cJSON *lease,
                              struct dpu_lease_observation *obs);

/* Returns a JSON merge patch that gives 'lease' exactly the owner reference
 * to Node 'node'/'node_uid' and holderIdentity DPU_LEASE_HOLDER, or NULL if
 * it already has them.  Appends nothing else. */
struct cJSON *dpu_lease_object_repair_patch(const struct cJSON *lease,
                                            const char *node,
                                            const char *node_uid);

#endif /* dpu-lease-object.h */
