/*
 * CNI ADD in ovn-dpu-host (cni-add.c), for the CNI calls (cni-calls.c).
 */

#ifndef CNI_ADD_H
#define CNI_ADD_H 1

struct cni_call;
struct cni_calls;

/* Starts the ADD in 'call'.  Returns an error if it failed at once
 * (nothing was changed), otherwise NULL: 'call' is then in flight and
 * cni_add_run() takes it on. */
struct cni_error *cni_add_start(struct cni_calls *, struct cni_call *call);

/* Makes progress on the ADD in 'call', which is in flight. */
void cni_add_run(struct cni_calls *, struct cni_call *call);

/* Feeds the events of the watch of the node's pods to the ADDs that wait
 * for the DPU. */
void cni_add_run_pods(struct cni_calls *);

/* For an ADD in flight that will never be answered (the daemon exits):
 * puts back on the host a VF that it moved into the pod. */
void cni_add_abandon(struct cni_call *call);

#endif /* cni-add.h */
