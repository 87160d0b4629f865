/*
 * The CNI server in ovn-dpu-host: the unix socket, the plugin's
 * connections, and "cni/show".  It reads each request and hands it to the
 * CNI calls (cni-calls.h), which answer it.  See cni-server.h.
 */

#include <config.h>

#include "cni-server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni.h"
#include "cni-calls.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "socket-util.h"
#include "stream.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(cni_server);

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

/* A connection whose replies not yet taken by the client exceed this many
 * bytes is closed: the plugin reads its one answer at once, so only a
 * client that sends requests and never reads (STATUS and VERSION are
 * answered at once, however many) would pile them up, in our memory. */
#define MAX_REPLY_BACKLOG (1024 * 1024)

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

struct cni_server {
    char *path;                         /* Socket file name. */
    struct pstream *listener;
    struct cni_calls *calls;

    struct ovs_list conns;              /* Contains struct cni_conn. */
    size_t n_conns;
};

static struct cni_server *the_server;   /* For "cni/show". */
static unixctl_cb_func cni_show;
static unixctl_cb_func cni_vf_pool;
static cni_reply_func cni_conn_reply;

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
                  const struct cni_settings *settings,
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
    char *state_dir = dir_name(path);
    s->calls = cni_calls_create(lease, settings, state_dir, cni_conn_reply,
                                s);
    free(state_dir);
    ovs_list_init(&s->conns);

    if (!the_server) {
        static bool registered;
        if (!registered) {
            unixctl_command_register("cni/show", "[--format=text|json]",
                                     0, 2, cni_show, NULL);
            unixctl_command_register("cni/vf-pool", "", 0, 0, cni_vf_pool,
                                     NULL);
            registered = true;
        }
        the_server = s;
    }
    VLOG_INFO("CNI server listening on %s", path);
    *serverp = s;
    return NULL;
}

/* Connections. */

/* Sends 'reply' on 'conn_', the cni_reply_func of the calls. */
static void
cni_conn_reply(void *conn_, struct jsonrpc_msg *reply, void *aux OVS_UNUSED)
{
    struct cni_conn *conn = conn_;

    jsonrpc_send(conn->rpc, reply);
    if (!--conn->n_pending) {
        conn->idle_deadline = time_msec() + CONN_IDLE_TIMEOUT;
    }
}

/* Hands the message 'msg' that arrived on 'conn' to the calls, if it is a
 * CNI request. */
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
    conn->n_pending++;
    cni_calls_handle(s->calls, conn, msg);
}

static void
cni_conn_destroy(struct cni_server *s, struct cni_conn *conn)
{
    cni_calls_hang_up(s->calls, conn);

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
            conn->n_pending++;
            cni_calls_refuse_oversize(s->calls, conn);
        }
        jsonrpc_run(conn->rpc);
        size_t backlog = jsonrpc_get_backlog(conn->rpc);
        if (backlog > MAX_REPLY_BACKLOG) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
            VLOG_WARN_RL(&rl, "%s: closing connection: %"PRIuSIZE" bytes of "
                         "replies not read by the client",
                         jsonrpc_get_name(conn->rpc), backlog);
            cni_conn_destroy(s, conn);
        } else if (oversize || jsonrpc_get_status(conn->rpc)) {
            cni_conn_destroy(s, conn);
        } else if (!conn->n_pending && time_msec() >= conn->idle_deadline) {
            VLOG_INFO("%s: closing connection idle for %d ms",
                      jsonrpc_get_name(conn->rpc), CONN_IDLE_TIMEOUT);
            cni_conn_destroy(s, conn);
        }
    }

    cni_calls_run(s->calls);
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
    cni_calls_wait(s->calls);
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
    cni_calls_destroy(s->calls);

    pstream_close(s->listener);
    if (the_server == s) {
        the_server = NULL;
    }
    free(s->path);
    free(s);
}

/* "cni/show". */

void
cni_server_format(const struct cni_server *s, bool json, struct ds *out)
{
    if (json) {
        struct json *j = json_object_create();
        json_object_put_string(j, "socket", s->path);
        json_object_put(j, "connections", json_integer_create(s->n_conns));
        cni_calls_put_json(s->calls, j);
        json_to_ds(j, JSSF_SORT, out);
        json_destroy(j);
        return;
    }

    ds_put_format(out, "socket: %s\n", s->path);
    ds_put_format(out, "connections: %"PRIuSIZE"\n", s->n_conns);
    cni_calls_format(s->calls, out);
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

static void
cni_vf_pool(struct unixctl_conn *conn, int argc OVS_UNUSED,
            const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    if (!the_server) {
        unixctl_command_reply_error(conn, "CNI server is not running");
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    cni_calls_format_vf_pool(the_server->calls, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}
