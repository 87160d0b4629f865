/*
 * The CNI server in ovn-dpu-host: answers the requests that the ovn-dpu-cni
 * plugin forwards (the protocol is described in cni.h).
 *
 * It listens on a unix socket in a directory that only root may enter
 * (created 0700 if missing; the socket is 0600), and serves many requests
 * at once on the poll loop: the plugin's connections are JSON-RPC
 * sessions, and nothing here blocks.  A connection that carries no request
 * for 10 seconds is closed.  Limits: at most 512 connections (more wait in
 * the listen backlog), and a request of at most CNI_MAX_REQUEST_SIZE bytes
 * (a larger one is answered with an error and its connection closed).
 *
 * Each request goes to the CNI calls (cni-calls.h), which say what each
 * verb does; their state ("attachments.json") is kept next to the socket.
 * "cni/show" lists the connections and the requests in flight and the
 * recent ones; "cni/vf-pool" the VFs of --vf-pool and who has each.
 */

#ifndef CNI_SERVER_H
#define CNI_SERVER_H 1

#include <stdbool.h>

#include "cni-calls.h"
#include "openvswitch/compiler.h"

struct cni_server;
struct dpu_lease_watcher;
struct ds;

/* Creates a CNI server listening on the unix socket 'path' (absolute),
 * whose calls consult 'lease' for the DPU's readiness and work as
 * 'settings' say (copied; the client must outlive the server), and
 * registers the "cni/show" and "cni/vf-pool" unixctl commands.  Returns NULL and sets
 * '*serverp' if successful, otherwise an error message for the caller to
 * report and free.  Refuses a directory that others may write to, a path
 * that exists and is not a socket, and a socket that another server
 * answers on. */
char *cni_server_create(const char *path,
                        const struct dpu_lease_watcher *lease,
                        const struct cni_settings *settings,
                        struct cni_server **serverp)
    OVS_WARN_UNUSED_RESULT;
void cni_server_destroy(struct cni_server *);

void cni_server_run(struct cni_server *);
void cni_server_wait(struct cni_server *);

/* For "cni/show": text, or JSON if 'json'. */
void cni_server_format(const struct cni_server *, bool json, struct ds *);

#endif /* cni-server.h */
