/*
 * Which of a pod's k8s.ovn.org/dpu.connection-status entries answer
 * connection details that the pod no longer carries.
 *
 * When a pod's k8s.ovn.org/dpu.connection-details change for a network
 * (CNI ADD of a new sandbox, or a new VF) while the pod still carries a
 * status entry for that network, the entry answers the old details.  A
 * host side that does not remove it when it writes new details (the
 * reference's does not) would take a "Ready" there for the new sandbox
 * and move on, or hand the old VF to another pod, before the new port is
 * bound.  So, as ovn-kubernetes' DPU side does, such an entry goes as soon
 * as the change is seen, and "Ready" comes back once the new port is
 * installed.
 *
 * An entry is stale if it names another sandbox ("sandboxId", which this
 * agent writes), or if the pod's details for its network changed (another
 * sandbox or VF) since this agent last looked, until the binding of the
 * new details has an outcome.  Entries that name no sandbox (written by
 * another DPU side) are judged by the second rule only: what they answer
 * is not known after a restart.
 *
 * This module only remembers and judges: it writes nothing.
 */

#ifndef STALE_STATUS_H
#define STALE_STATUS_H 1

#include <stdbool.h>

#include "openvswitch/shash.h"

struct dpu_conn_status;
struct dpu_pod;
struct dpu_pod_net;

struct stale_status {
    struct shash details;       /* NAD key -> its details, as last seen. */
    struct shash stale;         /* NAD key -> the details whose binding has
                                 * no outcome yet, while the pod's entry
                                 * answers earlier ones. */
};

void stale_status_init(struct stale_status *);
void stale_status_destroy(struct stale_status *);

/* Takes the connection details of 'pod' (pod key 'key', for the log), as
 * just parsed, and marks the entries of the networks whose details
 * changed since the last call as stale. */
void stale_status_note(struct stale_status *, const char *key,
                       const struct dpu_pod *pod);

/* True if 'old', the status entry that the pod carries for 'net', whose
 * binding has no outcome yet, answers other connection details. */
bool stale_status_is_stale(const struct stale_status *,
                           const struct dpu_pod_net *net,
                           const struct dpu_conn_status *old);

/* True if the entry for 'nad' is marked stale. */
bool stale_status_is_marked(const struct stale_status *, const char *nad);

/* Forgets that the entry for 'nad' is stale: the binding of the new
 * details has an outcome, which replaces it. */
void stale_status_clear(struct stale_status *, const char *nad);

/* Removes the entry for 'nad' from 'statuses' (NAD key to struct
 * dpu_conn_status), if there is one. */
void stale_status_drop(struct shash *statuses, const char *nad);

#endif /* stale-status.h */
