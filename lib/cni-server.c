/*
 * The CNI server in ovn-dpu-host.  See cni-server.h.
 */

#include <config.h>

#include "cni-server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni.h"
#include "dpu-lease-watcher.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "smap.h"
#include "socket-util.h"
#include "stream.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(cni_server);

/* At most this many plugin connections at once; more wait in the listen
 * backlog until one closes. */
#define MAX_CONNS 256

/* A connection on which no request arrives for this long, in ms, is
 * closed.  The plugin sends its request as soon as it connects, so only a
 * client that is stuck or not the plugin keeps one idle.  (Every request is
 * answered as soon as it arrives today.  Once a request can wait, e.g. an
 * ADD waiting for the DPU, this timer must not run while one is in flight
 * on the connection.) */
#define CONN_IDLE_TIMEOUT 10000

/* "cni/show" lists this many finished requests. */
#define MAX_RECENT 50

/* One connection from the plugin. */
struct cni_conn {
    struct ovs_list node;       /* In struct cni_server's 'conns'. */
    struct jsonrpc *rpc;
    long long int idle_deadline; /* Closed at this time_msec() if no
                                  * request arrives before. */
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
};

struct cni_server {
    char *path;                         /* Socket file name. */
    struct pstream *listener;
    const struct dpu_lease_watcher *lease;

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

/* Requests. */

static void
cni_call_destroy(struct cni_call *call)
{
    if (call) {
        free(call->pod);
        free(call->sandbox);
        free(call->ifname);
        free(call->msg);
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
    ds_put_format(s, " (%lld ms)", call->duration);
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
    ovs_list_push_front(&s->recent, &call->node);
    if (++s->n_recent > MAX_RECENT) {
        struct cni_call *oldest = CONTAINER_OF(ovs_list_pop_back(&s->recent),
                                               struct cni_call, node);
        cni_call_destroy(oldest);
        s->n_recent--;
    }
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

/* Serves the valid request 'req'.  Returns NULL and sets '*outputp' to
 * what to print, if anything, or returns an error. */
static struct cni_error *
cni_server_serve(struct cni_server *s, const struct cni_request *req,
                 struct json **outputp)
{
    struct cni_error *error;

    *outputp = NULL;
    switch (req->command) {
    case CNI_STATUS:
        return dpu_not_ready(s, CNI_ERR_NOT_AVAILABLE);

    case CNI_ADD:
        error = dpu_not_ready(s, CNI_ERR_TRY_AGAIN_LATER);
        if (!error) {
            error = cni_error_create(
                CNI_ERR_TRY_AGAIN_LATER,
                "this ovn-dpu-host does not yet hand pods' VFs to the DPU",
                "ADD is not implemented yet");
        }
        return error;

    case CNI_DEL:
        /* Nothing is tracked yet, so there is nothing to undo. */
        return NULL;

    case CNI_CHECK:
        return cni_error_create(
            CNI_ERR_TRY_AGAIN_LATER,
            "this ovn-dpu-host does not yet configure pods' VFs",
            "CHECK is not implemented yet");

    case CNI_GC:
        /* Nothing is tracked yet, so nothing can be garbage. */
        VLOG_DBG("GC: %"PRIuSIZE" valid attachments, nothing to clean",
                 req->n_valid_attachments);
        return NULL;

    case CNI_VERSION:
        *outputp = cni_version_result();
        return NULL;

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
    struct cni_request req;
    struct cni_error *error;
    struct json *output = NULL;

    memset(&req, 0, sizeof req);
    error = cni_request_from_jsonrpc(msg->params, &env, &text);
    if (!error) {
        error = cni_request_parse(&req, &env, text);
        call->command = req.command;
    }
    if (!error) {
        if (req.pod_namespace && req.pod_name) {
            call->pod = xasprintf("%s/%s", req.pod_namespace, req.pod_name);
        }
        call->sandbox = nullable_xstrdup(req.container_id);
        call->ifname = nullable_xstrdup(req.ifname);
        error = cni_server_serve(s, &req, &output);
    }

    struct jsonrpc_msg *reply;
    if (error) {
        reply = jsonrpc_create_error(
            cni_error_to_json(error, cni_request_version(&req)), msg->id);
    } else {
        struct json *result = json_object_create();
        if (output) {
            json_object_put(result, "output", output);
        }
        reply = jsonrpc_create_reply(result, msg->id);
    }
    jsonrpc_send(conn->rpc, reply);
    cni_call_finish(s, call, error);

    cni_error_destroy(error);
    cni_request_destroy(&req);
    smap_destroy(&env);
}

/* Connections. */

static void
cni_conn_destroy(struct cni_server *s, struct cni_conn *conn)
{
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
        }
        jsonrpc_run(conn->rpc);
        if (jsonrpc_get_status(conn->rpc)) {
            cni_conn_destroy(s, conn);
        } else if (time_msec() >= conn->idle_deadline) {
            VLOG_INFO("%s: closing connection idle for %d ms",
                      jsonrpc_get_name(conn->rpc), CONN_IDLE_TIMEOUT);
            cni_conn_destroy(s, conn);
        }
    }
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
        poll_timer_wait_until(conn->idle_deadline);
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

    pstream_close(s->listener);
    if (the_server == s) {
        the_server = NULL;
    }
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
        json_array_add(in_flight, c);
    }
    json_object_put(json, "in_flight", in_flight);

    struct json *recent = json_array_create_empty();
    LIST_FOR_EACH (call, node, &s->recent) {
        struct json *c = cni_call_to_json(call);
        json_object_put(c, "duration_ms", json_integer_create(call->duration));
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
        ds_put_format(out, ": for %lld ms\n", now - call->start);
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
