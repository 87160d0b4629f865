/*
 * The CNI server in ovn-dpu-host: answers the requests that the ovn-dpu-cni
 * plugin forwards (the protocol is described in cni.h).
 *
 * It listens on a unix socket in a directory that only root may enter
 * (created 0700 if missing; the socket is 0600), and serves any number of
 * requests at once on the poll loop: the plugin's connections are
 * JSON-RPC sessions, and nothing here blocks.  A connection that carries
 * no request for 10 seconds is closed.
 *
 * What it answers today:
 *
 *   - STATUS: code 50 with the DPU health lease's verdict while the DPU is
 *     not ready, success otherwise.
 *
 *   - ADD: "DPU Not Ready: <reason>" at once while the DPU is not ready.
 *     When it is ready, an error saying that ADD is not implemented yet:
 *     handing the VF to the DPU through pod annotations and configuring it
 *     in the pod come next.
 *
 *   - DEL: success (nothing is tracked yet, so nothing needs undoing).
 *
 *   - CHECK: an error saying that CHECK is not implemented yet.
 *
 *   - GC: success (nothing is tracked yet, so nothing is garbage).
 *
 * Every request is logged once, with its pod, sandbox, verb, result and
 * duration; "cni/show" lists the requests in flight and the recent ones.
 */

#ifndef CNI_SERVER_H
#define CNI_SERVER_H 1

#include <stdbool.h>

#include "openvswitch/compiler.h"

struct cni_server;
struct dpu_lease_watcher;
struct ds;

/* Creates a CNI server listening on the unix socket 'path' (absolute),
 * that consults 'lease' for the DPU's readiness, and registers the
 * "cni/show" unixctl command.  Returns NULL and sets '*serverp' if
 * successful, otherwise an error message for the caller to report and
 * free.  Refuses a directory that others may write to, a path that exists
 * and is not a socket, and a socket that another server answers on. */
char *cni_server_create(const char *path,
                        const struct dpu_lease_watcher *lease,
                        struct cni_server **serverp)
    OVS_WARN_UNUSED_RESULT;
void cni_server_destroy(struct cni_server *);

void cni_server_run(struct cni_server *);
void cni_server_wait(struct cni_server *);

/* For "cni/show": text, or JSON if 'json'. */
void cni_server_format(const struct cni_server *, bool json, struct ds *);

#endif /* cni-server.h */
