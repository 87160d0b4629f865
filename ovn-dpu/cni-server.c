/*
 * The CNI server in ovn-dpu-host.  See cni-server.h.
 */

#include <config.h>

#include "cni-server.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cni.h"
#include "cni-pod.h"
#include "dpu-lease-watcher.h"
#include "jsonrpc.h"
#include "k8s-object.h"
#include "k8s-watch.h"
#include "openvswitch/hmap.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "pod-annotations.h"
#include "smap.h"
#include "socket-util.h"
#include "stream.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "pod-patch.h"
#include "vf-attachments.h"
#include "vf-device.h"
#include "vf-netns.h"

VLOG_DEFINE_THIS_MODULE(cni_server);

/* At most this many VFs are configured per main-loop iteration (each
 * takes some 20 ms of netlink work, mostly the kernel's move to another
 * network namespace), so that a burst of answers from the DPU cannot keep
 * the loop from accepting connections, reading requests and timing the
 * lease for seconds: the other pod events wait for the next iteration. */
#define MAX_VF_CONFIGS_PER_RUN 16

/* At most this many plugin connections at once; more wait in the listen
 * backlog until one closes.  Twice the default number of requests in
 * flight, so that DELs still get through when that many ADDs wait, and
 * well inside the usual limit of 1024 open files. */
#define MAX_CONNS 512

/* A connection on which no request arrives for this long, in ms, is
 * closed.  The plugin sends its request as soon as it connects, so only a
 * client that is stuck or not the plugin keeps one idle.  The timer does
 * not run while a request on the connection is in flight (an ADD waits
 * for the DPU for up to --cni-add-timeout): it starts again once the
 * request is answered. */
#define CONN_IDLE_TIMEOUT 10000

/* DEL waits this long, in ms, for the API server to remove the
 * connection details before it answers anyway. */
#define DEL_API_TIMEOUT 5000

/* "cni/show" lists this many finished requests. */
#define MAX_RECENT 50

/* One connection from the plugin. */
struct cni_conn {
    struct ovs_list node;       /* In struct cni_server's 'conns'. */
    struct jsonrpc *rpc;
    long long int idle_deadline; /* Closed at this time_msec() if no
                                  * request arrives before, unless
                                  * 'n_pending' is nonzero. */
    size_t n_pending;           /* Requests in flight on it. */
    unsigned int msg_start;     /* jsonrpc_get_received_bytes() when the
                                 * last complete request had arrived. */
};

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

static const char *
call_state_to_string(enum call_state state)
{
    switch (state) {
#define CALL_STATE(NAME, DESC) case CALL_##NAME: return DESC;
        CALL_STATES
#undef CALL_STATE
    }
    return "<unknown>";
}

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
    struct cni_conn *conn;      /* NULL if the plugin hung up. */
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

struct cni_server {
    char *path;                         /* Socket file name. */
    struct pstream *listener;
    const struct dpu_lease_watcher *lease;
    struct cni_server_settings settings;
    struct k8s_watch *pods;             /* This node's pods. */

    struct vf_attachments attachments;  /* The VFs we put in pods. */
    int n_vf_configs;           /* VFs configured in this iteration. */

    struct ovs_list bg_patches;         /* Contains struct bg_patch. */

    struct ovs_list conns;              /* Contains struct cni_conn. */
    size_t n_conns;

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

static struct cni_server *the_server;   /* For "cni/show". */
static unixctl_cb_func cni_show;

/* Creating the socket. */

/* Makes sure that 'dir' exists and that nobody but us can write to it,
 * since whoever can would be able to put a socket of their own in our
 * socket's place. */
static char *
prepare_dir(const char *dir)
{
    struct stat st;

    if (stat(dir, &st)) {
        if (errno != ENOENT) {
            return xasprintf("%s: %s", dir, ovs_strerror(errno));
        }
        if (mkdir(dir, 0700) && errno != EEXIST) {
            return xasprintf("%s: cannot create directory: %s",
                             dir, ovs_strerror(errno));
        }
        VLOG_INFO("created directory %s for the CNI socket", dir);
        if (stat(dir, &st)) {
            return xasprintf("%s: %s", dir, ovs_strerror(errno));
        }
    }

    if (!S_ISDIR(st.st_mode)) {
        return xasprintf("%s is not a directory", dir);
    } else if (st.st_uid != geteuid()) {
        return xasprintf("%s belongs to uid %lu, not to this process's uid "
                         "%lu: refusing to put the CNI socket in it",
                         dir, (unsigned long) st.st_uid,
                         (unsigned long) geteuid());
    } else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        return xasprintf("%s is writable by %s (mode %04o): refusing to put "
                         "the CNI socket in it (use a directory that only "
                         "root may write, e.g. mode 0700)", dir,
                         st.st_mode & S_IWOTH ? "everyone" : "its group",
                         (unsigned int) (st.st_mode & 07777));
    }
    return NULL;
}

/* Checks that 'path' is free for our socket: absent, or a socket that no
 * one answers on (left over by a server that crashed). */
static char *
check_socket_path(const char *path)
{
    struct stat st;

    if (lstat(path, &st)) {
        return (errno == ENOENT ? NULL
                : xasprintf("%s: %s", path, ovs_strerror(errno)));
    } else if (!S_ISSOCK(st.st_mode)) {
        return xasprintf("%s exists and is not a socket: refusing to "
                         "replace it", path);
    }

    /* Nonblocking, so that a server that is alive but stuck, with its
     * listen backlog full, cannot make us hang either: connect() then fails
     * with EAGAIN, which make_unix_socket() reports as EPROTO. */
    int fd = make_unix_socket(SOCK_STREAM, true, NULL, path);
    if (fd >= 0 || fd == -EAGAIN || fd == -EPROTO) {
        if (fd >= 0) {
            close(fd);
        }
        return xasprintf("%s: another server is already listening on it",
                         path);
    } else if (fd != -ECONNREFUSED && fd != -ENOENT) {
        return xasprintf("%s: cannot tell whether another server is "
                         "listening on it: %s", path, ovs_strerror(-fd));
    }
    VLOG_INFO("%s: replacing stale socket (%s)", path, ovs_strerror(-fd));
    return NULL;
}

char *
cni_server_create(const char *path, const struct dpu_lease_watcher *lease,
                  const struct cni_server_settings *settings,
                  struct cni_server **serverp)
{
    *serverp = NULL;
    if (path[0] != '/') {
        return xasprintf("CNI socket \"%s\" is not an absolute file name",
                         path);
    }

    char *dir = dir_name(path);
    char *error = prepare_dir(dir);
    free(dir);
    if (!error) {
        error = check_socket_path(path);
    }
    if (error) {
        return error;
    }

    char *name = xasprintf("punix:%s", path);
    struct pstream *listener;
    int retval = pstream_open(name, &listener, DSCP_DEFAULT);
    free(name);
    if (retval) {
        return xasprintf("%s: cannot listen: %s", path,
                         ovs_strerror(retval));
    }
    /* Open vSwitch creates unix sockets with mode 0770.  The directory
     * already keeps others out; this is belt and braces. */
    if (chmod(path, 0600)) {
        error = xasprintf("%s: chmod: %s", path, ovs_strerror(errno));
        pstream_close(listener);
        return error;
    }

    struct cni_server *s = xzalloc(sizeof *s);
    s->path = xstrdup(path);
    s->listener = listener;
    s->lease = lease;
    s->settings = *settings;
    s->settings.node = xstrdup(settings->node);
    s->settings.sysfs_root = xstrdup(settings->sysfs_root);
    if (s->settings.max_requests <= 0) {
        s->settings.max_requests = CNI_DEFAULT_MAX_REQUESTS;
    }
    if (settings->k8s) {
        char *selector = xasprintf("spec.nodeName=%s", settings->node);
        s->pods = k8s_watch_create(settings->k8s, K8S_PODS_PATH, NULL,
                                   selector);
        k8s_watch_set_trim(s->pods, pod_ann_trim_pod);
        free(selector);
    }
    char *state_dir = dir_name(path);
    char *state_path = xasprintf("%s/attachments.json", state_dir);
    vf_attachments_init(&s->attachments, state_path);
    free(state_path);
    free(state_dir);
    ovs_list_init(&s->bg_patches);
    ovs_list_init(&s->conns);
    ovs_list_init(&s->in_flight);
    ovs_list_init(&s->recent);

    if (!the_server) {
        static bool registered;
        if (!registered) {
            unixctl_command_register("cni/show", "[--format=text|json]",
                                     0, 2, cni_show, NULL);
            registered = true;
        }
        the_server = s;
    }
    VLOG_INFO("CNI server listening on %s", path);
    *serverp = s;
    return NULL;
}

/* Edits of the connection details, and the ones left to finish in the
 * background. */

static struct cni_pod_edit *
edit_create(const char *node, const char *nad, const char *sandbox)
{
    struct cni_pod_edit *edit = xzalloc(sizeof *edit);
    edit->node = node;
    edit->nad = xstrdup(nad);
    edit->details.sandbox_id = xstrdup(sandbox);
    for (char *p = edit->details.sandbox_id; *p; p++) {
        *p = tolower((unsigned char) *p);
    }
    return edit;
}

static void
edit_destroy(struct cni_pod_edit *edit)
{
    if (edit) {
        free(CONST_CAST(char *, edit->nad));
        free(edit->details.sandbox_id);
        free(edit->details.vf_netdev_name);
        cni_pod_edit_destroy(edit);
        free(edit);
    }
}

/* A removal of connection details that nobody waits for: GC's, DEL's
 * when the API server is slow, and any removal (DEL's, or a failed ADD's)
 * that failed for another reason than the pod being gone.  It is tried
 * again, with a growing delay, until it succeeds or the pod is gone: left
 * on the pod, the details would keep the VF's representor bound on the
 * DPU for a sandbox that no longer exists, and the DPU would refuse the
 * VF to its next pod.  Retrying is safe: the removal only ever removes an
 * entry that names this sandbox.  Outcomes are logged. */
struct bg_patch {
    struct ovs_list node;       /* In struct cni_server's 'bg_patches'. */
    char *what;                 /* For the log. */
    char *pod_namespace;
    char *pod_name;
    char *pod_uid;              /* Or NULL. */
    struct pod_patch *patch;    /* NULL while waiting for 'retry_at'. */
    struct cni_pod_edit *edit;
    long long int retry_at;
    int backoff_ms;             /* Delay before the next retry. */
};

/* Delays between retries of a background removal, in ms. */
#define BG_RETRY_MIN_MS 500
#define BG_RETRY_MAX_MS (16 * 1000)

/* Adds a background removal of 'edit' (taking ownership of it and of
 * 'patch', which may be NULL to start after the first retry delay). */
static void
bg_patch_add(struct cni_server *s, const char *what,
             const char *pod_namespace, const char *pod_name,
             const char *pod_uid, struct pod_patch *patch,
             struct cni_pod_edit *edit)
{
    struct bg_patch *bg = xzalloc(sizeof *bg);
    bg->what = xstrdup(what);
    bg->pod_namespace = xstrdup(pod_namespace);
    bg->pod_name = xstrdup(pod_name);
    bg->pod_uid = nullable_xstrdup(pod_uid);
    bg->patch = patch;
    bg->edit = edit;
    bg->backoff_ms = BG_RETRY_MIN_MS;
    bg->retry_at = time_msec() + (patch ? 0 : bg->backoff_ms);
    ovs_list_push_back(&s->bg_patches, &bg->node);
}

static void bg_patch_destroy(struct bg_patch *);

/* Gives up the background removals of the connection details of sandbox
 * 'req' (a new ADD of it writes them anew).  A removal already sent
 * cannot undo that write: every write carries the resourceVersion it
 * read. */
static void
bg_patches_cancel(struct cni_server *s, const struct cni_request *req)
{
    struct bg_patch *bg;

    LIST_FOR_EACH_SAFE (bg, node, &s->bg_patches) {
        if (!strcmp(bg->pod_namespace, req->pod_namespace)
            && !strcmp(bg->pod_name, req->pod_name)
            && !strcmp(bg->edit->nad, req->nad)
            && bg->edit->details.sandbox_id
            && !strcasecmp(bg->edit->details.sandbox_id,
                            req->container_id)) {
            VLOG_INFO("%s: removal of the connection details given up for "
                      "a new ADD of the sandbox", bg->what);
            ovs_list_remove(&bg->node);
            bg_patch_destroy(bg);
        }
    }
}

static void
bg_patch_destroy(struct bg_patch *bg)
{
    pod_patch_destroy(bg->patch);
    edit_destroy(bg->edit);
    free(bg->what);
    free(bg->pod_namespace);
    free(bg->pod_name);
    free(bg->pod_uid);
    free(bg);
}

/* Requests. */

static void
cni_call_destroy(struct cni_call *call)
{
    if (call) {
        free(call->pod);
        free(call->sandbox);
        free(call->ifname);
        free(call->msg);
        json_destroy(call->id);
        cni_request_destroy(&call->req);
        free(call->pod_key);
        vf_device_destroy(&call->dev);
        pod_patch_destroy(call->patch);
        edit_destroy(call->edit);
        cni_error_destroy(call->error);
        free(call->cancel);
        free(call);
    }
}

static struct cni_call *
cni_call_start(struct cni_server *s)
{
    struct cni_call *call = xzalloc(sizeof *call);
    call->start = time_msec();
    call->start_wall = time_wall_msec();
    call->command = CNI_N_COMMANDS;
    call->req.command = CNI_N_COMMANDS;
    call->dpu_wait = -1;
    ovs_list_push_back(&s->in_flight, &call->node);
    s->n_in_flight++;
    return call;
}

/* Describes 'call' as "VERB namespace/pod sandbox ID/IFNAME". */
static void
cni_call_describe(const struct cni_call *call, struct ds *s)
{
    ds_put_cstr(s, call->command < CNI_N_COMMANDS
                ? cni_command_to_string(call->command) : "request");
    if (call->pod) {
        ds_put_format(s, " pod %s", call->pod);
    }
    if (call->sandbox) {
        ds_put_format(s, " sandbox %s/%s", call->sandbox,
                      call->ifname ? call->ifname : "-");
    }
}

static void
cni_call_format_result(const struct cni_call *call, struct ds *s)
{
    if (!call->code) {
        ds_put_cstr(s, "ok");
    } else {
        ds_put_format(s, "failed: code %d: %s", call->code, call->msg);
    }
    ds_put_format(s, " (%lld ms", call->duration);
    if (call->dpu_wait >= 0) {
        ds_put_format(s, ", %lld ms of it waiting for the DPU",
                      call->dpu_wait);
    }
    ds_put_char(s, ')');
}

/* Records that 'call' was answered with 'error' (NULL for success), logs
 * it, and moves it to the recent requests. */
static void
cni_call_finish(struct cni_server *s, struct cni_call *call,
                const struct cni_error *error)
{
    call->duration = time_msec() - call->start;
    call->code = error ? error->code : 0;
    call->msg = error ? xstrdup(error->msg) : NULL;

    s->n_requests[call->command]++;
    if (error) {
        s->n_failed++;
    }

    struct ds line = DS_EMPTY_INITIALIZER;
    cni_call_describe(call, &line);
    ds_put_cstr(&line, ": ");
    cni_call_format_result(call, &line);

    enum vlog_level level = error ? VLL_WARN : VLL_INFO;
    if (call->command == CNI_STATUS) {
        /* The runtime asks for STATUS every few seconds: log changes. */
        const char *outcome = error ? error->msg : "ok";
        if (s->last_status && !strcmp(s->last_status, outcome)) {
            level = VLL_DBG;
        } else {
            free(s->last_status);
            s->last_status = xstrdup(outcome);
        }
    }
    VLOG(level, "%s", ds_cstr(&line));
    ds_destroy(&line);

    ovs_list_remove(&call->node);
    s->n_in_flight--;

    /* What only an in-flight request needs goes now. */
    pod_patch_destroy(call->patch);
    call->patch = NULL;
    edit_destroy(call->edit);
    call->edit = NULL;
    vf_device_destroy(&call->dev);
    memset(&call->dev, 0, sizeof call->dev);
    cni_request_destroy(&call->req);
    memset(&call->req, 0, sizeof call->req);
    json_destroy(call->id);
    call->id = NULL;
    call->state = CALL_NONE;

    ovs_list_push_front(&s->recent, &call->node);
    if (++s->n_recent > MAX_RECENT) {
        struct cni_call *oldest = CONTAINER_OF(ovs_list_pop_back(&s->recent),
                                               struct cni_call, node);
        cni_call_destroy(oldest);
        s->n_recent--;
    }
}

/* Answers 'call' on its connection, if the plugin is still there, with
 * 'error' or (if 'error' is NULL) 'output' (which may be NULL too), and
 * finishes it.  Takes ownership of 'output', not of 'error'. */
static void
cni_call_answer(struct cni_server *s, struct cni_call *call,
                const struct cni_error *error, struct json *output)
{
    if (call->conn) {
        struct jsonrpc_msg *reply;
        if (error) {
            reply = jsonrpc_create_error(
                cni_error_to_json(error, cni_request_version(&call->req)),
                call->id);
            json_destroy(output);
        } else {
            struct json *result = json_object_create();
            if (output) {
                json_object_put(result, "output", output);
            }
            reply = jsonrpc_create_reply(result, call->id);
        }
        jsonrpc_send(call->conn->rpc, reply);
        if (!--call->conn->n_pending) {
            call->conn->idle_deadline = time_msec() + CONN_IDLE_TIMEOUT;
        }
        call->conn = NULL;
    } else {
        json_destroy(output);
    }
    cni_call_finish(s, call, error);
}

static struct cni_error *
dpu_not_ready(const struct cni_server *s, int code)
{
    struct ds reason = DS_EMPTY_INITIALIZER;
    struct cni_error *error = NULL;

    if (!dpu_lease_watcher_is_ready(s->lease, &reason)) {
        error = cni_error_create(code, NULL, "DPU Not Ready: %s",
                                 ds_cstr(&reason));
    }
    ds_destroy(&reason);
    return error;
}

/* The in-flight ADD or DEL for the same sandbox and interface as 'req',
 * other than 'self', if any. */
static struct cni_call *
find_in_flight(const struct cni_server *s, const struct cni_request *req,
               const struct cni_call *self)
{
    struct cni_call *call;

    LIST_FOR_EACH (call, node, &s->in_flight) {
        if (call != self && call->state != CALL_NONE
            && (call->req.command == CNI_ADD || call->req.command == CNI_DEL)
            && !strcmp(call->req.container_id, req->container_id)
            && !strcmp(call->req.ifname, req->ifname)) {
            return call;
        }
    }
    return NULL;
}

/* ADD. */

static void add_fail(struct cni_server *, struct cni_call *,
                     struct cni_error *);

/* Starts the ADD in 'call'.  Returns an error if it failed at once
 * (nothing was changed), otherwise NULL: 'call' is then in flight. */
static struct cni_error *
add_start(struct cni_server *s, struct cni_call *call)
{
    const struct cni_request *req = &call->req;
    struct cni_error *error = dpu_not_ready(s, CNI_ERR_TRY_AGAIN_LATER);
    if (error) {
        return error;
    }

    char *why = pod_ann_check_hex_id(req->container_id);
    if (why) {
        error = cni_error_create(
            CNI_ERR_INVALID_ENV, "the DPU side takes the sandbox id from "
            "k8s.ovn.org/dpu.connection-details, where it is hexadecimal, "
            "as container runtimes make them",
            "CNI_CONTAINERID is not valid: %s", why);
        free(why);
        return error;
    }

    if (find_in_flight(s, req, call)) {
        return cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                "another request for sandbox %s/%s is in "
                                "progress", req->container_id, req->ifname);
    }
    if (vf_attachments_find(&s->attachments, req->container_id,
                            req->ifname)) {
        return cni_error_create(CNI_ERR_TRY_AGAIN_LATER,
                                "DEL it before adding it again",
                                "sandbox %s/%s is already attached",
                                req->container_id, req->ifname);
    }

    why = vf_device_resolve(req->device_id, s->settings.simulated,
                            s->settings.sysfs_root, &call->dev);
    if (why) {
        const struct vf_attachment *a
            = vf_attachments_find_device(&s->attachments, req->device_id);
        if (a) {
            error = cni_error_create(
                CNI_ERR_INVALID_CONFIG, why,
                "deviceID %s is in use by sandbox %s/%s of pod %s/%s",
                req->device_id, a->container_id, a->cfg.ifname,
                a->pod_namespace, a->pod_name);
        } else {
            error = cni_error_create(CNI_ERR_INVALID_CONFIG, NULL, "%s",
                                     why);
        }
        free(why);
        return error;
    }

    why = vf_netns_check_netns(req->netns);
    if (why) {
        error = cni_error_create(CNI_ERR_INVALID_ENV, NULL, "%s", why);
        free(why);
        return error;
    }

    bg_patches_cancel(s, req);
    call->edit = edit_create(s->settings.node, req->nad, req->container_id);
    call->edit->details.pf_id = call->dev.pf_id;
    call->edit->details.vf_id = call->dev.vf_id;
    call->edit->details.vf_netdev_name = xstrdup(call->dev.netdev);
    call->patch = pod_patch_start(s->settings.k8s, req->pod_namespace,
                                  req->pod_name, req->pod_uid,
                                  cni_pod_put_details, call->edit);
    call->state = CALL_ADD_PATCH;
    return NULL;
}

/* The DPU side plugged the VF: moves it into the pod and answers. */
static void
add_configure(struct cni_server *s, struct cni_call *call,
              struct pod_network *net)
{
    const struct cni_request *req = &call->req;
    struct vf_attachment *a = xzalloc(sizeof *a);

    call->dpu_wait = time_msec() - call->wait_start;

    a->container_id = xstrdup(req->container_id);
    a->pod_namespace = xstrdup(req->pod_namespace);
    a->pod_name = xstrdup(req->pod_name);
    a->nad = xstrdup(req->nad);
    a->pci = nullable_xstrdup(call->dev.pci);
    a->cfg.netns = xstrdup(req->netns);
    a->cfg.host_name = xstrdup(call->dev.netdev);
    a->cfg.ifname = xstrdup(req->ifname);
    a->cfg.mtu = req->mtu;
    cni_pod_build_config(net, req->nad, &a->cfg);

    long long int t0 = time_msec();
    s->n_vf_configs++;
    char *why = vf_netns_attach(&a->cfg, &a->saved);
    VLOG_DBG("pod %s sandbox %s/%s: VF %s %s in %lld ms", call->pod_key,
             req->container_id, req->ifname, call->dev.netdev,
             why ? "failed to configure" : "configured", time_msec() - t0);
    if (why) {
        vf_netns_config_destroy(&a->cfg);
        free(a->container_id);
        free(a->pod_namespace);
        free(a->pod_name);
        free(a->nad);
        free(a->pci);
        free(a);
        add_fail(s, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, why,
                                           "failed to configure the VF: %s",
                                           why));
        free(why);
        return;
    }

    vf_attachments_add(&s->attachments, a);
    cni_call_answer(s, call, NULL,
                    cni_pod_result(&a->cfg, req->cni_version, a->pci));
}

/* Fails 'call' with 'error' (taking ownership): if connection details may
 * have been written, removes them first. */
static void
add_fail(struct cni_server *s, struct cni_call *call,
         struct cni_error *error)
{
    if (call->dpu_wait < 0 && call->state == CALL_ADD_WAIT) {
        call->dpu_wait = time_msec() - call->wait_start;
    }
    if (call->state == CALL_ADD_WAIT) {
        cni_error_destroy(call->error);
        call->error = error;
        call->state = CALL_ADD_UNDO;
        pod_patch_destroy(call->patch);
        call->patch = pod_patch_start(s->settings.k8s,
                                      call->req.pod_namespace,
                                      call->req.pod_name, call->req.pod_uid,
                                      cni_pod_remove_details, call->edit);
    } else {
        cni_call_answer(s, call, error, NULL);
        cni_error_destroy(error);
    }
}

/* Looks at 'pod' for the waiting ADD 'call'. */
static void
add_evaluate(struct cni_server *s, struct cni_call *call, const cJSON *pod)
{
    struct pod_network *net;
    char *why;

    if (call->cancel) {
        /* Not even a Ready may bring back a sandbox given up on. */
        add_fail(s, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                           "%s", call->cancel));
        return;
    }

    switch (cni_pod_evaluate(pod, call->req.nad, call->req.container_id,
                             call->req.pod_uid, &net, &why)) {
    case CNI_POD_WAIT:
        break;
    case CNI_POD_READY:
        add_configure(s, call, net);
        cni_pod_network_free(net);
        break;
    case CNI_POD_FAILED:
        add_fail(s, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                           "%s", why));
        free(why);
        break;
    }
}

static void
add_run(struct cni_server *s, struct cni_call *call)
{
    switch (call->state) {
    case CALL_ADD_PATCH:
        pod_patch_run(call->patch);
        if (!pod_patch_is_done(call->patch)) {
            return;
        }
        if (pod_patch_error(call->patch)) {
            /* Nothing was written. */
            add_fail(s, call, cni_error_create(
                         CNI_ERR_TRY_AGAIN_LATER, NULL, "%s",
                         pod_patch_error(call->patch)));
            return;
        }
        call->state = CALL_ADD_WAIT;
        call->wait_start = time_msec();
        call->deadline = call->wait_start + s->settings.add_timeout * 1000LL;
        if (call->cancel) {
            add_fail(s, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                               "%s", call->cancel));
            return;
        }
        /* The DPU may have answered already, or may have answered an
         * identical earlier write. */
        add_evaluate(s, call, pod_patch_pod(call->patch));
        if (call->state == CALL_ADD_WAIT) {
            const cJSON *cached = k8s_watch_lookup(s->pods, call->pod_key);
            if (cached) {
                add_evaluate(s, call, cached);
            }
        }
        return;

    case CALL_ADD_WAIT: {
        struct cni_error *error = dpu_not_ready(s, CNI_ERR_TRY_AGAIN_LATER);
        if (error) {
            add_fail(s, call, error);
        } else if (call->cancel) {
            add_fail(s, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                               "%s", call->cancel));
        } else if (time_msec() >= call->deadline) {
            const char *watch_error = k8s_watch_get_error(s->pods);
            char *details = xasprintf(
                "the DPU side did not write "
                "k8s.ovn.org/dpu.connection-status for this network "
                "(see --cni-add-timeout)%s%s",
                watch_error ? "; the watch of this node's pods failed: "
                : "", watch_error ? watch_error : "");
            add_fail(s, call, cni_error_create(
                         CNI_ERR_TRY_AGAIN_LATER, details,
                         "timed out after %d s waiting for the DPU to plug "
                         "the VF of pod %s", s->settings.add_timeout,
                         call->pod_key));
            free(details);
        }
        return;
    }

    case CALL_ADD_UNDO:
        pod_patch_run(call->patch);
        if (pod_patch_is_done(call->patch)) {
            const char *undo = pod_patch_error(call->patch);
            if (undo && !pod_patch_pod_gone(call->patch)) {
                char *what = xasprintf("failed ADD of pod %s sandbox %s/%s",
                                       call->pod_key, call->req.container_id,
                                       call->req.ifname);
                VLOG_WARN("%s: removing the connection details failed, "
                          "retrying in the background: %s", what, undo);
                bg_patch_add(s, what, call->req.pod_namespace,
                             call->req.pod_name, call->req.pod_uid, NULL,
                             call->edit);
                call->edit = NULL;
                free(what);
            }
            struct cni_error *error = call->error;
            call->error = NULL;
            cni_call_answer(s, call, error, NULL);
            cni_error_destroy(error);
        }
        return;

    case CALL_NONE:
    case CALL_DEL_PATCH:
    default:
        OVS_NOT_REACHED();
    }
}

/* DEL. */

/* The VF's name on the host for the DEL in 'call', if known: what ADD
 * recorded, what the pod's connection details said, or, simulated, the
 * deviceID itself. */
static const char *
del_host_name(const struct cni_server *s, const struct cni_call *call,
              const struct vf_attachment *a)
{
    int pf, vf;

    if (a) {
        return a->cfg.host_name;
    } else if (call->edit && call->edit->vf_netdev_name) {
        return call->edit->vf_netdev_name;
    } else if (s->settings.simulated && call->req.device_id
               && vf_device_parse_sim_name(call->req.device_id, &pf, &vf)) {
        return call->req.device_id;
    }
    return NULL;
}

/* Moves the VF of the DEL in 'call' back to the host, if it can tell
 * which VF that is.  Returns an error, or NULL. */
static struct cni_error *
del_detach(struct cni_server *s, struct cni_call *call)
{
    const struct cni_request *req = &call->req;
    struct vf_attachment *a = vf_attachments_find(&s->attachments,
                                                  req->container_id,
                                                  req->ifname);
    const char *host_name = del_host_name(s, call, a);
    const char *netns = a ? a->cfg.netns : req->netns;

    if (call->detached) {
        return NULL;
    } else if (!a && netns) {
        /* An interface of that name in that namespace that another sandbox
         * of ours holds is not this sandbox's to take. */
        const struct vf_attachment *other = vf_attachments_find_iface(
            &s->attachments, netns, req->ifname);
        if (other) {
            VLOG_WARN("DEL sandbox %s/%s: %s in %s belongs to sandbox %s: "
                      "leaving it", req->container_id, req->ifname,
                      req->ifname, netns, other->container_id);
            return NULL;
        }
    }
    if (!host_name) {
        if (netns) {
            VLOG_DBG("DEL sandbox %s/%s: no VF of ours is known there "
                      "(if one is, the kernel returns it to the host with "
                      "the namespace)", req->container_id, req->ifname);
        }
        return NULL;
    }

    const char *what;
    char *why = vf_netns_detach(netns, req->ifname, host_name,
                                a ? &a->saved : NULL, &what);
    if (why) {
        struct cni_error *error = cni_error_create(
            CNI_ERR_TRY_AGAIN_LATER, why, "failed to move VF %s back to the "
            "host: %s", host_name, why);
        free(why);
        return error;
    }
    VLOG_INFO("DEL sandbox %s/%s: VF %s: %s", req->container_id,
              req->ifname, host_name, what);
    if (a) {
        vf_attachments_remove(&s->attachments, a);
    }
    call->detached = true;
    return NULL;
}

static void
del_run(struct cni_server *s, struct cni_call *call)
{
    pod_patch_run(call->patch);
    if (!pod_patch_is_done(call->patch)) {
        if (time_msec() < call->deadline) {
            return;
        }

        /* The API server is slow: the VF matters more to the runtime than
         * the annotation, which the next ADD of this pod replaces anyway.
         * Finish the removal in the background. */
        char *what = xasprintf("DEL pod %s sandbox %s/%s", call->pod_key,
                               call->req.container_id, call->req.ifname);
        VLOG_WARN("%s: the API server has not answered in %d ms, "
                  "removing the connection details in the background",
                  what, DEL_API_TIMEOUT);
        struct cni_error *error = del_detach(s, call);
        bg_patch_add(s, what, call->req.pod_namespace, call->req.pod_name,
                     NULL, call->patch, call->edit);
        free(what);
        call->patch = NULL;
        call->edit = NULL;
        cni_call_answer(s, call, error, NULL);
        cni_error_destroy(error);
        return;
    }

    struct cni_error *error = del_detach(s, call);
    const char *patch_error = pod_patch_error(call->patch);
    if (patch_error && !pod_patch_pod_gone(call->patch)) {
        /* Not the runtime's problem: the VF is back (or the error says
         * why not).  The removal goes on in the background. */
        char *what = xasprintf("DEL pod %s sandbox %s/%s", call->pod_key,
                               call->req.container_id, call->req.ifname);
        VLOG_WARN("%s: removing the connection details failed, retrying "
                  "in the background: %s", what, patch_error);
        bg_patch_add(s, what, call->req.pod_namespace, call->req.pod_name,
                     NULL, NULL, call->edit);
        call->edit = NULL;
        free(what);
    }
    cni_call_answer(s, call, error, NULL);
    cni_error_destroy(error);
}

/* Starts the DEL in 'call', which is then in flight: the VF goes back to
 * the host at once if we know which it is, and the connection details are
 * removed next (del_run()). */
static void
del_start(struct cni_server *s, struct cni_call *call)
{
    const struct cni_request *req = &call->req;

    /* An ADD of the same sandbox that is still waiting gives up: the
     * runtime has given up on it. */
    struct cni_call *add = find_in_flight(s, req, call);
    if (add && add->req.command == CNI_ADD && !add->cancel) {
        add->cancel = xstrdup("interrupted by DEL of the same sandbox");
    }

    /* When we know which VF it is, it goes back before anything else:
     * that needs neither the API server nor the DPU. */
    struct vf_attachment *a = vf_attachments_find(&s->attachments,
                                                  req->container_id,
                                                  req->ifname);
    struct cni_error *early = NULL;
    if (del_host_name(s, call, a)) {
        early = del_detach(s, call);
    }

    call->edit = edit_create(s->settings.node, req->nad, req->container_id);
    call->deadline = time_msec() + DEL_API_TIMEOUT;
    call->patch = pod_patch_start(s->settings.k8s, req->pod_namespace,
                                  req->pod_name, NULL,
                                  cni_pod_remove_details, call->edit);
    call->state = CALL_DEL_PATCH;
    if (early) {
        /* del_run() tries again once the details are removed, and
         * reports the error if it fails again. */
        VLOG_WARN("DEL sandbox %s/%s: %s", req->container_id, req->ifname,
                  early->msg);
        cni_error_destroy(early);
    }
}

/* CHECK and GC. */

static struct cni_error *
check_serve(struct cni_server *s, const struct cni_request *req)
{
    struct cni_error *error = NULL;
    const struct vf_attachment *a = vf_attachments_find(&s->attachments,
                                                        req->container_id,
                                                        req->ifname);
    if (!a) {
        return cni_error_create(CNI_ERR_TRY_AGAIN_LATER,
                                "ovn-dpu-host tracks the attachments it "
                                "made since it started",
                                "sandbox %s/%s is not attached",
                                req->container_id, req->ifname);
    } else if (req->netns && strcmp(req->netns, a->cfg.netns)) {
        return cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                "sandbox %s/%s was attached in %s, not %s",
                                req->container_id, req->ifname,
                                a->cfg.netns, req->netns);
    }

    char *why = vf_netns_verify(&a->cfg);
    if (why) {
        error = cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL, "%s", why);
        free(why);
    }
    return error;
}

static bool
is_valid_attachment(const struct cni_request *req,
                    const struct vf_attachment *a)
{
    for (size_t i = 0; i < req->n_valid_attachments; i++) {
        const struct cni_attachment *v = &req->valid_attachments[i];
        if (!strcmp(v->container_id, a->container_id)
            && !strcmp(v->ifname, a->cfg.ifname)) {
            return true;
        }
    }
    return false;
}

static void
gc_serve(struct cni_server *s, const struct cni_request *req)
{
    struct vf_attachment *a;

    HMAP_FOR_EACH_SAFE (a, node, &s->attachments.map) {
        if (is_valid_attachment(req, a) || strcmp(a->nad, req->nad)) {
            continue;
        }

        VLOG_INFO("GC: sandbox %s/%s of pod %s/%s is no longer valid",
                  a->container_id, a->cfg.ifname, a->pod_namespace,
                  a->pod_name);
        const char *what;
        char *why = vf_netns_detach(a->cfg.netns, a->cfg.ifname,
                                    a->cfg.host_name, &a->saved, &what);
        if (why) {
            VLOG_WARN("GC: sandbox %s/%s: %s", a->container_id,
                      a->cfg.ifname, why);
            free(why);
            continue;
        }

        /* The removal of the connection details goes on in the
         * background; its outcome is logged. */
        struct cni_pod_edit *edit = edit_create(s->settings.node, a->nad,
                                                a->container_id);
        struct pod_patch *patch = pod_patch_start(
            s->settings.k8s, a->pod_namespace, a->pod_name, NULL,
            cni_pod_remove_details, edit);
        char *desc = xasprintf("GC: pod %s/%s", a->pod_namespace,
                               a->pod_name);
        bg_patch_add(s, desc, a->pod_namespace, a->pod_name, NULL, patch,
                     edit);
        free(desc);
        vf_attachments_remove(&s->attachments, a);
    }
}

static void
bg_patches_run(struct cni_server *s)
{
    struct bg_patch *bg;

    LIST_FOR_EACH_SAFE (bg, node, &s->bg_patches) {
        if (!bg->patch) {
            if (time_msec() < bg->retry_at) {
                continue;
            }
            bg->patch = pod_patch_start(s->settings.k8s, bg->pod_namespace,
                                        bg->pod_name, bg->pod_uid,
                                        cni_pod_remove_details, bg->edit);
        }
        pod_patch_run(bg->patch);
        if (!pod_patch_is_done(bg->patch)) {
            continue;
        }

        const char *error = pod_patch_error(bg->patch);
        if (error && !pod_patch_pod_gone(bg->patch)) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
            VLOG_WARN_RL(&rl, "%s: removing connection details failed "
                         "(retrying in %d ms): %s", bg->what,
                         bg->backoff_ms, error);
            pod_patch_destroy(bg->patch);
            bg->patch = NULL;
            bg->retry_at = time_msec() + bg->backoff_ms;
            bg->backoff_ms = MIN(bg->backoff_ms * 2, BG_RETRY_MAX_MS);
            continue;
        }
        VLOG_INFO("%s: connection details %s", bg->what,
                  error ? "gone with the pod" : "removed");
        ovs_list_remove(&bg->node);
        bg_patch_destroy(bg);
    }
}

/* Serving. */

/* Serves the valid request in 'call'.  Returns true if it was answered
 * (with '*errorp' and '*outputp'), false if it is now in flight. */
static bool
cni_server_serve(struct cni_server *s, struct cni_call *call,
                 struct cni_error **errorp, struct json **outputp)
{
    const struct cni_request *req = &call->req;

    *errorp = NULL;
    *outputp = NULL;
    switch (req->command) {
    case CNI_STATUS:
        *errorp = dpu_not_ready(s, CNI_ERR_NOT_AVAILABLE);
        return true;

    case CNI_ADD:
        *errorp = add_start(s, call);
        return *errorp != NULL;

    case CNI_DEL:
        del_start(s, call);
        return false;

    case CNI_CHECK:
        *errorp = check_serve(s, req);
        return true;

    case CNI_GC:
        gc_serve(s, req);
        return true;

    case CNI_VERSION:
        *outputp = cni_version_result();
        return true;

    case CNI_N_COMMANDS:
    default:
        OVS_NOT_REACHED();
    }
}

static void
cni_server_handle(struct cni_server *s, struct cni_conn *conn,
                  const struct jsonrpc_msg *msg)
{
    if (msg->type != JSONRPC_REQUEST) {
        return;
    } else if (strcmp(msg->method, CNI_JSONRPC_METHOD)) {
        jsonrpc_send(conn->rpc, jsonrpc_create_error(
                         json_string_create("unknown method"), msg->id));
        return;
    }

    struct cni_call *call = cni_call_start(s);
    struct smap env = SMAP_INITIALIZER(&env);
    const char *text;
    struct cni_error *error;
    struct json *output = NULL;

    call->conn = conn;
    call->id = json_clone(msg->id);
    conn->n_pending++;

    error = cni_request_from_jsonrpc(msg->params, &env, &text);
    if (!error) {
        error = cni_request_parse(&call->req, &env, text);
        call->command = call->req.command;
    }
    bool answered = true;
    if (!error) {
        const struct cni_request *req = &call->req;
        if (req->pod_namespace && req->pod_name) {
            call->pod = xasprintf("%s/%s", req->pod_namespace, req->pod_name);
            call->pod_key = xstrdup(call->pod);
        }
        call->sandbox = nullable_xstrdup(req->container_id);
        call->ifname = nullable_xstrdup(req->ifname);
        if ((req->command == CNI_ADD || req->command == CNI_CHECK
             || req->command == CNI_GC)
            && s->n_in_flight - 1 >= (size_t) s->settings.max_requests) {
            /* 'n_in_flight' counts this request too.  DEL is never
             * refused: it is what frees resources and ends waiting ADDs,
             * and it finishes within DEL_API_TIMEOUT. */
            error = cni_error_create(
                CNI_ERR_TRY_AGAIN_LATER,
                "at most --cni-max-requests requests may be in flight",
                "ovn-dpu-host is busy: %"PRIuSIZE" requests in flight",
                s->n_in_flight - 1);
        } else {
            answered = cni_server_serve(s, call, &error, &output);
        }
    }
    if (answered) {
        cni_call_answer(s, call, error, output);
    }
    cni_error_destroy(error);
    smap_destroy(&env);
}

/* Feeds the pod watch's events to the ADDs waiting for the DPU. */
static void
cni_server_run_pods(struct cni_server *s)
{
    if (!s->pods) {
        return;
    }

    k8s_watch_run(s->pods);
    struct k8s_event *event;
    s->n_vf_configs = 0;
    while (s->n_vf_configs < MAX_VF_CONFIGS_PER_RUN
           && (event = k8s_watch_next_event(s->pods)) != NULL) {
        struct cni_call *call;
        LIST_FOR_EACH_SAFE (call, node, &s->in_flight) {
            if (call->state != CALL_ADD_WAIT
                || strcmp(call->pod_key, event->key)) {
                continue;
            }
            if (event->type == K8S_EVENT_DELETED) {
                add_fail(s, call, cni_error_create(
                             CNI_ERR_TRY_AGAIN_LATER, NULL,
                             "pod %s was deleted while waiting for the DPU",
                             call->pod_key));
            } else {
                add_evaluate(s, call, event->object);
            }
        }
        k8s_event_destroy(event);
    }
}

/* Connections. */

/* Refuses the request that is arriving on 'conn', which has grown beyond
 * CNI_MAX_REQUEST_SIZE: answers it with an error (with a null id, since
 * it was never parsed) and records it like any malformed request.  The
 * caller closes the connection, so that nothing more is read from it. */
static void
cni_conn_refuse_oversize(struct cni_server *s, struct cni_conn *conn)
{
    struct cni_call *call = cni_call_start(s);
    struct cni_error *error = cni_error_create(
        CNI_ERR_DECODE, NULL, "request to ovn-dpu-host is larger than %d "
        "bytes", CNI_MAX_REQUEST_SIZE);

    call->conn = conn;
    call->id = json_null_create();
    conn->n_pending++;
    cni_call_answer(s, call, error, NULL);
    cni_error_destroy(error);
}

static void
cni_conn_destroy(struct cni_server *s, struct cni_conn *conn)
{
    /* Requests still in flight on it go on, unanswered; an ADD gives up
     * at its next step, since nobody will configure the pod with it. */
    struct cni_call *call;
    LIST_FOR_EACH (call, node, &s->in_flight) {
        if (call->conn == conn) {
            call->conn = NULL;
            if (call->req.command == CNI_ADD && !call->cancel) {
                call->cancel = xstrdup("the plugin hung up");
            }
        }
    }

    ovs_list_remove(&conn->node);
    s->n_conns--;
    jsonrpc_close(conn->rpc);
    free(conn);
}

void
cni_server_run(struct cni_server *s)
{
    while (s->n_conns < MAX_CONNS) {
        struct stream *stream;
        int error = pstream_accept(s->listener, &stream);
        if (error) {
            if (error != EAGAIN) {
                static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
                VLOG_WARN_RL(&rl, "%s: accept failed: %s", s->path,
                             ovs_strerror(error));
            }
            break;
        }

        struct cni_conn *conn = xzalloc(sizeof *conn);
        conn->rpc = jsonrpc_open(stream);
        conn->idle_deadline = time_msec() + CONN_IDLE_TIMEOUT;
        ovs_list_push_back(&s->conns, &conn->node);
        s->n_conns++;
    }

    struct cni_conn *conn;
    LIST_FOR_EACH_SAFE (conn, node, &s->conns) {
        jsonrpc_run(conn->rpc);
        /* A bounded number of messages per connection per run, so that a
         * chatty client cannot starve the others. */
        for (int i = 0; i < 50; i++) {
            struct jsonrpc_msg *msg;
            if (jsonrpc_recv(conn->rpc, &msg)) {
                break;
            }
            cni_server_handle(s, conn, msg);
            jsonrpc_msg_destroy(msg);
            conn->idle_deadline = time_msec() + CONN_IDLE_TIMEOUT;
            conn->msg_start = jsonrpc_get_received_bytes(conn->rpc);
        }
        /* jsonrpc_recv() reads at most a few hundred kB per call, so the
         * request that is still arriving is checked before it grows much
         * beyond the limit.  (Bytes already received but not yet parsed
         * count too, which only errs on the safe side.) */
        bool oversize = (jsonrpc_get_received_bytes(conn->rpc)
                         - conn->msg_start > CNI_MAX_REQUEST_SIZE);
        if (oversize) {
            cni_conn_refuse_oversize(s, conn);
        }
        jsonrpc_run(conn->rpc);
        if (oversize || jsonrpc_get_status(conn->rpc)) {
            cni_conn_destroy(s, conn);
        } else if (!conn->n_pending && time_msec() >= conn->idle_deadline) {
            VLOG_INFO("%s: closing connection idle for %d ms",
                      jsonrpc_get_name(conn->rpc), CONN_IDLE_TIMEOUT);
            cni_conn_destroy(s, conn);
        }
    }

    cni_server_run_pods(s);

    struct cni_call *call;
    LIST_FOR_EACH_SAFE (call, node, &s->in_flight) {
        switch (call->state) {
        case CALL_ADD_PATCH:
        case CALL_ADD_WAIT:
        case CALL_ADD_UNDO:
            add_run(s, call);
            break;
        case CALL_DEL_PATCH:
            del_run(s, call);
            break;
        case CALL_NONE:
        default:
            break;
        }
    }
    bg_patches_run(s);
}

void
cni_server_wait(struct cni_server *s)
{
    if (s->n_conns < MAX_CONNS) {
        pstream_wait(s->listener);
    }

    struct cni_conn *conn;
    LIST_FOR_EACH (conn, node, &s->conns) {
        jsonrpc_wait(conn->rpc);
        jsonrpc_recv_wait(conn->rpc);
        if (!conn->n_pending) {
            poll_timer_wait_until(conn->idle_deadline);
        }
    }

    if (s->pods) {
        k8s_watch_wait(s->pods);
    }
    struct cni_call *call;
    LIST_FOR_EACH (call, node, &s->in_flight) {
        if (call->patch) {
            pod_patch_wait(call->patch);
        }
        if (call->state == CALL_ADD_WAIT || call->state == CALL_DEL_PATCH) {
            poll_timer_wait_until(call->deadline);
            if (call->cancel) {
                poll_immediate_wake();
            }
        }
    }
    struct bg_patch *bg;
    LIST_FOR_EACH (bg, node, &s->bg_patches) {
        if (bg->patch) {
            pod_patch_wait(bg->patch);
        } else {
            poll_timer_wait_until(bg->retry_at);
        }
    }
}

void
cni_server_destroy(struct cni_server *s)
{
    if (!s) {
        return;
    }

    struct cni_conn *conn;
    LIST_FOR_EACH_SAFE (conn, node, &s->conns) {
        cni_conn_destroy(s, conn);
    }

    struct cni_call *call;
    LIST_FOR_EACH_POP (call, node, &s->in_flight) {
        cni_call_destroy(call);
    }
    LIST_FOR_EACH_POP (call, node, &s->recent) {
        cni_call_destroy(call);
    }
    struct bg_patch *bg;
    LIST_FOR_EACH_POP (bg, node, &s->bg_patches) {
        bg_patch_destroy(bg);
    }

    /* The VFs stay in their pods: a restarted agent must not take away
     * the network of pods that are running. */
    vf_attachments_destroy(&s->attachments);
    k8s_watch_destroy(s->pods);

    pstream_close(s->listener);
    if (the_server == s) {
        the_server = NULL;
    }
    free(CONST_CAST(char *, s->settings.node));
    free(CONST_CAST(char *, s->settings.sysfs_root));
    free(s->last_status);
    free(s->path);
    free(s);
}

/* "cni/show". */

static void
format_time(long long int when, struct ds *s)
{
    char *t = xastrftime_msec("%Y-%m-%dT%H:%M:%S.###Z", when, true);
    ds_put_cstr(s, t);
    free(t);
}

/* What 'call' is about, as JSON; the caller adds how it went. */
static struct json *
cni_call_to_json(const struct cni_call *call)
{
    struct json *json = json_object_create();
    char *start = xastrftime_msec("%Y-%m-%dT%H:%M:%S.###Z",
                                  call->start_wall, true);

    json_object_put(json, "start", json_string_create_nocopy(start));
    json_object_put_string(json, "command",
                           call->command < CNI_N_COMMANDS
                           ? cni_command_to_string(call->command)
                           : "malformed");
    if (call->pod) {
        json_object_put_string(json, "pod", call->pod);
    }
    if (call->sandbox) {
        json_object_put_string(json, "sandbox", call->sandbox);
    }
    if (call->ifname) {
        json_object_put_string(json, "ifname", call->ifname);
    }
    return json;
}

static struct json *
cni_server_to_json(const struct cni_server *s)
{
    long long int now = time_msec();
    struct json *json = json_object_create();

    json_object_put_string(json, "socket", s->path);
    json_object_put(json, "connections", json_integer_create(s->n_conns));

    struct json *requests = json_object_create();
    for (int i = 0; i < CNI_N_COMMANDS; i++) {
        json_object_put(requests, cni_command_to_string(i),
                        json_integer_create(s->n_requests[i]));
    }
    json_object_put(requests, "malformed",
                    json_integer_create(s->n_requests[CNI_N_COMMANDS]));
    json_object_put(json, "requests", requests);
    json_object_put(json, "failed", json_integer_create(s->n_failed));

    const struct cni_call *call;
    struct json *in_flight = json_array_create_empty();
    LIST_FOR_EACH (call, node, &s->in_flight) {
        struct json *c = cni_call_to_json(call);
        json_object_put(c, "elapsed_ms",
                        json_integer_create(now - call->start));
        json_object_put_string(c, "state", call_state_to_string(call->state));
        json_array_add(in_flight, c);
    }
    json_object_put(json, "in_flight", in_flight);

    struct json *recent = json_array_create_empty();
    LIST_FOR_EACH (call, node, &s->recent) {
        struct json *c = cni_call_to_json(call);
        json_object_put(c, "duration_ms", json_integer_create(call->duration));
        if (call->dpu_wait >= 0) {
            json_object_put(c, "dpu_wait_ms",
                            json_integer_create(call->dpu_wait));
        }
        json_object_put(c, "code", json_integer_create(call->code));
        if (call->msg) {
            json_object_put_string(c, "msg", call->msg);
        }
        json_array_add(recent, c);
    }
    json_object_put(json, "recent", recent);
    return json;
}

void
cni_server_format(const struct cni_server *s, bool json, struct ds *out)
{
    if (json) {
        struct json *j = cni_server_to_json(s);
        json_to_ds(j, JSSF_SORT, out);
        json_destroy(j);
        return;
    }

    ds_put_format(out, "socket: %s\n", s->path);
    ds_put_format(out, "connections: %"PRIuSIZE"\n", s->n_conns);

    unsigned long long int total = 0;
    for (int i = 0; i <= CNI_N_COMMANDS; i++) {
        total += s->n_requests[i];
    }
    ds_put_format(out, "requests: %llu (", total);
    for (int i = 0; i < CNI_N_COMMANDS; i++) {
        ds_put_format(out, "%s%s %llu", i ? ", " : "",
                      cni_command_to_string(i), s->n_requests[i]);
    }
    ds_put_format(out, ", malformed %llu), failed: %llu\n",
                  s->n_requests[CNI_N_COMMANDS], s->n_failed);

    const struct cni_call *call;
    long long int now = time_msec();
    ds_put_format(out, "in flight: %"PRIuSIZE"\n", s->n_in_flight);
    LIST_FOR_EACH (call, node, &s->in_flight) {
        ds_put_cstr(out, "  ");
        format_time(call->start_wall, out);
        ds_put_char(out, ' ');
        cni_call_describe(call, out);
        ds_put_format(out, ": for %lld ms", now - call->start);
        if (call->state != CALL_NONE) {
            ds_put_format(out, ", %s", call_state_to_string(call->state));
        }
        ds_put_char(out, '\n');
    }

    ds_put_format(out, "recent (newest first, at most %d): %"PRIuSIZE"\n",
                  MAX_RECENT, s->n_recent);
    LIST_FOR_EACH (call, node, &s->recent) {
        ds_put_cstr(out, "  ");
        format_time(call->start_wall, out);
        ds_put_char(out, ' ');
        cni_call_describe(call, out);
        ds_put_cstr(out, ": ");
        cni_call_format_result(call, out);
        ds_put_char(out, '\n');
    }
}

static void
cni_show(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    bool json;

    if (!ovn_dpu_parse_format(conn, argc, argv, &json)) {
        return;
    } else if (!the_server) {
        unixctl_command_reply_error(conn, "CNI server is not running");
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    cni_server_format(the_server, json, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}
