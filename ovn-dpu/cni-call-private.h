/*
 * The insides of the CNI calls (cni-call.h), shared by the three files
 * that make them up and by nothing else: cni-call.c (a call's life, the
 * verbs answered at once, the record), cni-add.c (ADD) and cni-del.c (DEL,
 * GC, and the removals of connection details left to the background).
 */

#ifndef CNI_CALL_PRIVATE_H
#define CNI_CALL_PRIVATE_H 1

#include <stdbool.h>

#include "cni.h"
#include "cni-call.h"
#include "openvswitch/list.h"
#include "vf-attachments.h"
#include "vf-device.h"

struct cni_pod_edit;
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
    struct vf_device dev;       /* ADD: the resolved VF. */
    struct cni_pod_edit *edit;  /* The 'aux' of 'patch'. */
    struct pod_patch *patch;
    long long int wait_start;   /* ADD: when ADD_WAIT began. */
    long long int deadline;     /* ADD: when ADD_WAIT gives up.  DEL: when
                                 * it stops waiting for the API server. */
    struct cni_error *error;    /* ADD: why it failed, during ADD_UNDO. */
    char *cancel;               /* Why to give up at the next step. */
    bool detached;              /* DEL: the VF is back on the host. */
};

struct cni_calls {
    const struct dpu_lease_watcher *lease;
    struct cni_settings settings;
    cni_reply_func *reply;
    void *reply_aux;
    struct k8s_watch *pods;             /* This node's pods. */

    struct vf_attachments attachments;  /* The VFs we put in pods. */
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

/* cni-call.c. */
void cni_call_answer(struct cni_calls *, struct cni_call *,
                     const struct cni_error *, struct json *output);
struct cni_error *cni_calls_dpu_not_ready(const struct cni_calls *,
                                          int code);
struct cni_call *cni_calls_find_in_flight(const struct cni_calls *,
                                          const struct cni_request *,
                                          const struct cni_call *self);

/* cni-add.c. */
struct cni_error *cni_add_start(struct cni_calls *, struct cni_call *);
void cni_add_run(struct cni_calls *, struct cni_call *);
void cni_add_run_pods(struct cni_calls *);

/* cni-del.c. */
void cni_del_start(struct cni_calls *, struct cni_call *);
void cni_del_run(struct cni_calls *, struct cni_call *);
void cni_gc_serve(struct cni_calls *, const struct cni_request *);

/* Removals of connection details that nobody waits for (cni-del.c). */
void cni_bg_patch_add(struct cni_calls *, const char *what,
                      const char *pod_namespace, const char *pod_name,
                      const char *pod_uid, struct pod_patch *,
                      struct cni_pod_edit *);
void cni_bg_patches_cancel(struct cni_calls *, const struct cni_request *);
void cni_bg_patches_run(struct cni_calls *);
void cni_bg_patches_wait(const struct cni_calls *);
void cni_bg_patches_destroy(struct cni_calls *);

#endif /* cni-call-private.h */
