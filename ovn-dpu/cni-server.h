/*
 * The CNI server in ovn-dpu-host: answers the requests that the ovn-dpu-cni
 * plugin forwards (the protocol is described in cni.h).
 *
 * It listens on a unix socket in a directory that only root may enter
 * (created 0700 if missing; the socket is 0600), and serves many requests
 * at once on the poll loop: the plugin's connections are JSON-RPC
 * sessions, and nothing here blocks.  A connection that carries no request
 * for 10 seconds is closed.  Limits: at most 512 connections (more wait in
 * the listen backlog), a request of at most CNI_MAX_REQUEST_SIZE bytes (a
 * larger one is answered with an error and its connection closed), and at
 * most 'max_requests' requests in flight before an ADD, CHECK or GC is
 * answered "busy" at once (see CNI_DEFAULT_MAX_REQUESTS).
 *
 * What it answers:
 *
 *   - STATUS: code 50 with the DPU health lease's verdict while the DPU is
 *     not ready, success otherwise.
 *
 *   - ADD: "DPU Not Ready: <reason>" at once while the DPU is not ready.
 *     Otherwise it resolves "deviceID" to the VF (vf-device.h), writes
 *     this network's entry of k8s.ovn.org/dpu.connection-details on the
 *     pod (pod-patch.h, cni-pod.h), and waits, through one watch of the
 *     node's pods, for the DPU side's k8s.ovn.org/dpu.connection-status.
 *     It gives up at once if the lease expires (with "DPU Not Ready"), if
 *     the pod is deleted, if the DPU reports an error, and after the ADD
 *     timeout.  Once the DPU says Ready, it moves the VF into the pod and
 *     configures it from k8s.ovn.org/pod-networks (vf-netns.h) and answers
 *     with the CNI result.  A failure after the connection details were
 *     written removes them again, and the VF is never left half
 *     configured.
 *
 *   - DEL: removes this sandbox's connection details, if they are there,
 *     and moves the VF back to the host under its own name.  Never waits
 *     for the DPU; succeeds if the pod, the namespace or the VF are gone.
 *
 *   - CHECK: the VF is in the pod's namespace with its name, MAC and
 *     addresses, as ADD left it.
 *
 *   - GC: does what DEL would for every attachment that this server made
 *     and that is not in "cni.dev/valid-attachments".
 *
 * The attachments it made are kept in "attachments.json" next to the
 * socket, so that a restarted server still knows them for DEL, CHECK and
 * GC.  Without that record, DEL finds the VF's host name in the pod's
 * annotation or, simulated, in "deviceID".
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
struct k8s_client;

/* How ADD finds and hands over VFs. */
struct cni_server_settings {
    struct k8s_client *k8s;     /* The host cluster. */
    const char *node;           /* The Node this host is. */
    bool simulated;             /* --simulate-dpu: "deviceID" is eth<p>-<v>. */
    const char *sysfs_root;     /* Where sysfs is, normally "/sys". */
    int add_timeout;            /* Seconds ADD waits for the DPU side. */
    int max_requests;           /* Requests in flight beyond which ADD,
                                 * CHECK and GC are refused as busy. */
};

/* The default of --cni-add-timeout, in seconds (the reference's). */
#define CNI_DEFAULT_ADD_TIMEOUT 120

/* The default and the largest value of --cni-max-requests: how many
 * requests may be in flight at once before an ADD, CHECK or GC is answered
 * at once with code 11 (try again later) and "ovn-dpu-host is busy", which
 * the runtime retries like any failed ADD.  DEL is never refused, since it
 * is what frees resources and ends waiting ADDs, and it finishes within a
 * few seconds; STATUS and VERSION are answered at once and never refused.
 * (The 512 connections of the socket bound DELs too.)  The kubelet sets
 * up pods in parallel, one goroutine each, so a node's whole complement
 * (110 pods by default, often 250 on large nodes) may ADD at once: the
 * default serves such a burst, leaves as many connections for DELs, and
 * still bounds what a stuck DPU or a runaway client can pile up. */
#define CNI_DEFAULT_MAX_REQUESTS 256
#define CNI_MAX_MAX_REQUESTS 4096

/* Creates a CNI server listening on the unix socket 'path' (absolute),
 * that consults 'lease' for the DPU's readiness and works as 'settings'
 * say (copied; the client must outlive the server), and registers the
 * "cni/show" unixctl command.  Returns NULL and sets '*serverp' if
 * successful, otherwise an error message for the caller to report and
 * free.  Refuses a directory that others may write to, a path that exists
 * and is not a socket, and a socket that another server answers on. */
char *cni_server_create(const char *path,
                        const struct dpu_lease_watcher *lease,
                        const struct cni_server_settings *settings,
                        struct cni_server **serverp)
    OVS_WARN_UNUSED_RESULT;
void cni_server_destroy(struct cni_server *);

void cni_server_run(struct cni_server *);
void cni_server_wait(struct cni_server *);

/* For "cni/show": text, or JSON if 'json'. */
void cni_server_format(const struct cni_server *, bool json, struct ds *);

#endif /* cni-server.h */
