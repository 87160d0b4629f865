/*
 * What the CNI calls of ovn-dpu-host (cni-calls.h) are told when they are
 * created: how ADD finds and hands over VFs, how many requests may be in
 * flight, and how they answer through the server.
 */

#ifndef CNI_SETTINGS_H
#define CNI_SETTINGS_H 1

#include <stdbool.h>

struct jsonrpc_msg;
struct k8s_client;
struct vf_list;
struct svec;

/* How ADD finds and hands over VFs. */
struct cni_settings {
    struct k8s_client *k8s;     /* The host cluster. */
    const char *node;           /* The Node this host is. */
    bool simulated;             /* --simulate-dpu: "deviceID" is a netdev
                                 * name ending in <p>-<v>. */
    const char *sysfs_root;     /* Where sysfs is, normally "/sys". */
    int mtu;                    /* The pod interface's MTU when the network
                                 * configuration gives none (--mtu, the
                                 * DPU side's representor MTU too), or 0
                                 * to leave the VF's. */
    int add_timeout;            /* Seconds ADD waits for the DPU side. */
    int max_requests;           /* Requests in flight beyond which ADD,
                                 * CHECK and GC are refused as busy. */
    const char *keys_namespace; /* Where the nodes' key Secrets are
                                 * (conn-keys.h). */
    const struct vf_list *reserved_vfs;     /* Never given to a pod. */
    const char *mgmt_netdev;    /* The management port's VF netdev, never
                                 * given to a pod either, or NULL. */
    bool early_vf_move;         /* --cni-early-vf-move: move the VF into
                                 * the pod while ADD waits for the DPU. */
    bool allow_status_without_sandbox;      /* Take a status entry that
                                             * names no sandbox (the
                                             * reference DPU side's) as
                                             * the answer. */
    const struct svec *vf_pool; /* --vf-pool: the deviceIDs that ADD hands
                                 * out when the network configuration has
                                 * none (vf-pool.h); NULL or empty if
                                 * there is no pool. */
};

/* The default of --cni-add-timeout, in seconds (the reference's). */
#define CNI_DEFAULT_ADD_TIMEOUT 120

/* The default and the largest value of --cni-max-requests: how many
 * requests may be in flight at once before an ADD, CHECK or GC is answered
 * at once with code 11 (try again later) and "ovn-dpu-host is busy", which
 * the runtime retries like any failed ADD.  DEL is never refused, since it
 * is what frees resources and ends waiting ADDs, and it finishes within a
 * few seconds; STATUS and VERSION are answered at once and never refused.
 * (The server's 512 connections bound DELs too.)  The kubelet sets up pods
 * in parallel, one goroutine each, so a node's whole complement (110 pods
 * by default, often 250 on large nodes) may ADD at once: the default
 * serves such a burst, leaves as many connections for DELs, and still
 * bounds what a stuck DPU or a runaway client can pile up. */
#define CNI_DEFAULT_MAX_REQUESTS 256
#define CNI_MAX_MAX_REQUESTS 4096

/* Sends 'reply' (taking ownership) on the connection that 'conn' stands
 * for.  Called once for each request handed over with that 'conn'. */
typedef void cni_reply_func(void *conn, struct jsonrpc_msg *reply,
                            void *aux);

#endif /* cni-settings.h */
