/*
 * The CNI calls of ovn-dpu-host: what happens to each request that the
 * CNI server (cni-server.h) has read from the plugin, until it is
 * answered, and the record of recent requests for "cni/show".
 *
 * What it answers:
 *
 *   - STATUS: code 50 with the DPU health lease's verdict while the DPU is
 *     not ready, success otherwise.
 *
 *   - ADD (cni-add.c): "DPU Not Ready: <reason>" at once while the DPU is
 *     not ready.  Otherwise it resolves "deviceID" to the VF
 *     (vf-device.h), writes this network's entry of
 *     k8s.ovn.org/dpu.connection-details on the pod (pod-patch.h,
 *     cni-pod.h), and waits, through one watch of the node's pods, for the
 *     DPU side's k8s.ovn.org/dpu.connection-status.  It gives up at once
 *     if the lease expires (with "DPU Not Ready"), if the pod is deleted,
 *     if the DPU reports an error, and after the ADD timeout.  Once the
 *     DPU says Ready, it moves the VF into the pod and configures it from
 *     k8s.ovn.org/pod-networks (vf-netns.h) and answers with the CNI
 *     result.  A failure after the connection details were written
 *     removes them again, and the VF is never left half configured.
 *
 *   - DEL (cni-del.c): removes this sandbox's connection details, if they
 *     are there, and moves the VF back to the host under its own name.
 *     Never waits for the DPU; succeeds if the pod, the namespace or the
 *     VF are gone.
 *
 *   - CHECK: the VF is in the pod's namespace with its name, MAC and
 *     addresses, as ADD left it.
 *
 *   - GC (cni-del.c): does what DEL would for every attachment of the
 *     network (by its "name") that this agent made and that is not in
 *     "cni.dev/valid-attachments".
 *
 * The attachments it made are kept in "attachments.json" in the state
 * directory, so that a restarted agent still knows them for DEL, CHECK
 * and GC.  Without that record, DEL takes the VF's host name from
 * "deviceID" (simulated: the name itself; switchdev: a name made from the
 * PCI address, and only for the interface whose bus address it is), never
 * from the pod's annotations, which whoever may patch the pod writes.
 *
 * ADD signs the connection details it writes with the node's key
 * (host-keys.h, conn-auth.h), refuses a "deviceID" that is reserved
 * (--reserved-vfs) or in use on the host, and a CNI_NETNS that is the
 * host's own namespace; it takes as the DPU side's answer only a status
 * entry that names its sandbox.
 *
 * At most 'max_requests' requests are in flight before an ADD, CHECK or
 * GC is answered "busy" at once (see CNI_DEFAULT_MAX_REQUESTS).  Every
 * request is logged once, with its pod, sandbox, verb, result and
 * duration.
 *
 * The calls know nothing of sockets: the server hands each request over
 * with an opaque token for its connection, and the calls give the answer
 * back, with that token, to the server's reply function.
 *
 * cni-calls.c hands each request to its verb; cni-call.c keeps the record
 * of calls, in flight and recent, and shows it (cni_calls_format(),
 * cni_calls_put_json()).
 */

#ifndef CNI_CALLS_H
#define CNI_CALLS_H 1

#include "cni-settings.h"

struct cni_calls;
struct dpu_lease_watcher;
struct ds;
struct json;
struct jsonrpc_msg;

/* Creates the calls, which consult 'lease' for the DPU's readiness, work
 * as 'settings' say (copied; the client must outlive them), keep the
 * attachments record in 'state_dir', and answer through 'reply' with
 * 'aux'. */
struct cni_calls *cni_calls_create(const struct dpu_lease_watcher *lease,
                                   const struct cni_settings *settings,
                                   const char *state_dir,
                                   cni_reply_func *reply, void *aux);

/* Frees 'calls'.  Requests in flight are dropped unanswered; the VFs stay
 * in their pods. */
void cni_calls_destroy(struct cni_calls *calls);

/* Serves 'request', a JSON-RPC request for CNI_JSONRPC_METHOD that
 * arrived on 'conn': answers it at once or, for an ADD or DEL in flight,
 * later. */
void cni_calls_handle(struct cni_calls *, void *conn,
                      const struct jsonrpc_msg *request);

/* Answers the request arriving on 'conn', which grew beyond
 * CNI_MAX_REQUEST_SIZE, with an error, and records it as malformed. */
void cni_calls_refuse_oversize(struct cni_calls *, void *conn);

/* The plugin on 'conn' hung up: requests in flight on it go on,
 * unanswered; an ADD gives up at its next step, since nobody will
 * configure the pod with it. */
void cni_calls_hang_up(struct cni_calls *, const void *conn);

void cni_calls_run(struct cni_calls *);
void cni_calls_wait(struct cni_calls *);

/* For "cni/show": the requests so far, in flight and recent, as text, or
 * as members of the JSON object 'json'. */
void cni_calls_format(const struct cni_calls *, struct ds *);

/* For "cni/vf-pool": the VF pool's VFs and who has each. */
void cni_calls_format_vf_pool(const struct cni_calls *, struct ds *);
void cni_calls_put_json(const struct cni_calls *, struct json *json);

#endif /* cni-calls.h */
