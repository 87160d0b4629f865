/*
 * One CNI call, and the calls as a whole, as the files that make up the
 * CNI calls (cni-calls.h) share them: cni-call.c keeps the record (a
 * call's life from its start to its answer, and what "cni/show" shows),
 * cni-calls.c hands each request to its verb, cni-add.c does ADD,
 * cni-del.c DEL and GC, and cni-bg-patch.c the removals left to the
 * background.  Nothing else includes this header.
 */

#ifndef CNI_CALL_H
#define CNI_CALL_H 1

#include <stdbool.h>

#include "cni.h"
#include "cni-settings.h"
#include "openvswitch/list.h"
#include "vf-attachments.h"
#include "vf-device.h"

struct cni_pod_edit;
struct ds;
struct host_keys;
struct json;
struct k8s_watch;
struct pod_patch;

/* Where a request that takes more than one step is.
 *
 *   ADD:  ADD_PATCH --> ADD_WAIT --> (VF configured) --> answered
 *             |            |               |
 *             |            +---------------+--> ADD_UNDO --> answered
 *             +--> answered (nothing was written)
 *
 *   DEL:  DEL_PATCH --> (VF moved back, if not already) --> answered
 */
#define CALL_STATES                                                     \
    CALL_STATE(NONE, "answered at once")                                \
    CALL_STATE(ADD_PATCH, "writing connection details")                 \
    CALL_STATE(ADD_WAIT, "waiting for the DPU")                         \
    CALL_STATE(ADD_UNDO, "removing connection details after failure")   \
    CALL_STATE(DEL_PATCH, "removing connection details")

enum call_state {
#define CALL_STATE(NAME, DESC) CALL_##NAME,
    CALL_STATES
#undef CALL_STATE
};

/* One CNI request, from the moment it arrives until it is answered, then
 * kept for a while for "cni/show". */
struct cni_call {
    struct ovs_list node;       /* In 'in_flight', then in 'recent'. */
    long long int start;        /* time_msec() when it arrived. */
    long long int start_usec;   /* time_usec() then, for the metrics. */
    long long int start_wall;   /* time_wall_msec() when it arrived. */
    long long int duration;     /* Milliseconds, once answered. */

    /* What it was about.  Filled in only from a request that passed
     * validation, so nothing hostile reaches the log; 'command' as soon as
     * CNI_COMMAND was understood. */
    enum cni_command command;   /* CNI_N_COMMANDS if not understood. */
    char *pod;                  /* "namespace/name", or NULL. */
    char *sandbox;              /* CNI_CONTAINERID, or NULL. */
    char *ifname;               /* CNI_IFNAME, or NULL. */

    /* The result, once answered. */
    int code;                   /* 0 for success, else the CNI error code. */
    char *msg;                  /* The error's message, or NULL. */
    long long int dpu_wait;     /* ADD: ms spent waiting for the DPU, or
                                 * -1. */

    /* While a request that takes more than one step is in flight. */
    enum call_state state;
    void *conn;                 /* The server's token for the connection,
                                 * NULL if the plugin hung up. */
    struct json *id;            /* JSON-RPC id to answer. */
    struct cni_request req;
    char *pod_key;              /* "namespace/name". */
    struct vf_device dev;       /* ADD: the resolved VF.  DEL without a
                                 * record, switchdev: 'netdev' is the name
                                 * the VF gets back on the host. */
    char *pool_vf;              /* ADD: the VF it took from the pool, which
                                 * goes back when the call is answered
                                 * unless ADD attached it. */
    struct cni_pod_edit *edit;  /* The 'aux' of 'patch'. */
    struct pod_patch *patch;
    long long int wait_start;   /* ADD: when ADD_WAIT began. */
    long long int deadline;     /* ADD: when ADD_WAIT gives up.  DEL: when
                                 * it stops waiting for the API server. */
    struct cni_error *error;    /* ADD: why it failed, during ADD_UNDO. */
    char *cancel;               /* Why to give up at the next step. */
    bool detached;              /* DEL: the VF is back on the host. */
    bool vf_moved;              /* ADD: the VF waits in the pod, moved
                                 * there but not configured. */
    struct vf_netns_saved vf_saved;  /* ADD: its own MAC and MTU then. */
};

struct cni_calls {
    const struct dpu_lease_watcher *lease;
    struct cni_settings settings;
    cni_reply_func *reply;
    void *reply_aux;
    struct k8s_watch *pods;             /* This node's pods. */

    struct vf_attachments attachments;  /* The VFs we put in pods. */
    struct host_keys *keys;             /* Signing connection details. */
    struct vf_pool *pool;               /* --vf-pool, or NULL. */
    int n_vf_configs;           /* VFs configured in this iteration. */

    struct ovs_list bg_patches;         /* Contains struct bg_patch. */

    struct ovs_list in_flight;          /* Contains struct cni_call. */
    size_t n_in_flight;
    struct ovs_list recent;             /* Contains struct cni_call,
                                         * newest first. */
    size_t n_recent;

    /* Statistics. */
    unsigned long long int n_requests[CNI_N_COMMANDS + 1];
    unsigned long long int n_failed;

    /* The outcome of the last STATUS, so that only changes are logged at
     * INFO level: the runtime asks every few seconds. */
    char *last_status;
};

/* "cni/show" lists this many finished requests. */
#define CNI_MAX_RECENT 50

const char *cni_call_state_to_string(enum call_state);

/* Starts a call for the request with JSON-RPC 'id' that arrived on the
 * server's 'conn', and puts it in flight. */
struct cni_call *cni_call_start(struct cni_calls *, void *conn,
                                const struct json *id);
void cni_call_destroy(struct cni_call *);

/* Answers 'call' on its connection, if the plugin is still there, with
 * 'error' or (if 'error' is NULL) 'output' (which may be NULL too), logs
 * it, and moves it to the recent calls.  Takes ownership of 'output', not
 * of 'error'. */
void cni_call_answer(struct cni_calls *, struct cni_call *,
                     const struct cni_error *, struct json *output);

/* Describes 'call' as "VERB namespace/pod sandbox ID/IFNAME". */
void cni_call_describe(const struct cni_call *, struct ds *);

/* Describes how 'call' went: "ok" or the error, and how long it took. */
void cni_call_format_result(const struct cni_call *, struct ds *);

/* What 'call' is about, as JSON; the caller adds how it went. */
struct json *cni_call_to_json(const struct cni_call *);

/* Appends 'when', a time_wall_msec(), in RFC 3339 with milliseconds. */
void cni_call_format_time(long long int when, struct ds *);

/* How an answer refused for the DPU's health starts: the reference's
 * wording. */
#define CNI_DPU_NOT_READY "DPU Not Ready"

/* Creates the metrics of the CNI calls, if not done yet:
 *
 *   ovnkube_node_cni_request_duration_seconds{command, err}  histogram
 *       Each request from its arrival to its answer; 'command' is the CNI
 *       verb ("malformed" if not understood), 'err' "true" or "false".
 *       ovnkube-node's name and labels.
 *   ovn_dpu_host_cni_requests_in_flight                      gauge
 *   ovn_dpu_host_cni_add_dpu_not_ready_total                 counter
 *       ADDs answered CNI_DPU_NOT_READY, at once or while they waited.
 */
void cni_call_metrics_init(void);

/* CNI_DPU_NOT_READY ": <reason>" with 'code' while the DPU health lease
 * says so, otherwise NULL. */
struct cni_error *cni_calls_dpu_not_ready(const struct cni_calls *,
                                          int code);

/* Forgets attachment 'a', whose VF is back on the host (or gone): removes
 * it from the record and gives its VF back to the pool. */
void cni_calls_forget(struct cni_calls *, struct vf_attachment *a);

/* "pod NAMESPACE/NAME sandbox ID/IFNAME" for attachment 'a', to free(). */
char *cni_calls_describe_attachment(const struct vf_attachment *a);

/* The in-flight ADD or DEL for the same sandbox and interface as 'req',
 * other than 'self', if any. */
struct cni_call *cni_calls_find_in_flight(const struct cni_calls *,
                                          const struct cni_request *,
                                          const struct cni_call *self);

#endif /* cni-call.h */
