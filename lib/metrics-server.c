/*
 * The metrics and health endpoint (see metrics-server.h) on libmicrohttpd
 * in "external polling" mode with epoll: libmicrohttpd owns the listening
 * socket (which we open, to report errors and the port ourselves) and the
 * connections; we poll its epoll descriptor, call MHD_run() when it is
 * readable or its timeout passes, and answer requests in the handler it
 * calls.
 *
 * libmicrohttpd closes a connection that is idle for its timeout, but a
 * client that trickles a byte now and then is never idle, and when its
 * connection limit is reached it refuses new connections, however idle
 * the old ones.  So we keep our own record of each connection
 * ("struct metrics_conn", the connection's socket context) and whether it
 * is waiting for a request or busy with one, the waiting ones in the order
 * they started to wait, all together and by client address.  A connection
 * that has waited longer than the request timeout is shut down; so is,
 * when a new connection exceeds our limit, the longest-waiting one of the
 * address with the most connections waiting.  That address is the
 * flood's, if there is one: a client that connects while another address
 * opens connections faster than it can send its request (a probe from the
 * node while a pod floods the port) keeps its place, where a plain
 * oldest-first rule would push it out before its request arrived.
 * shutdown() makes libmicrohttpd see the end of the connection on its
 * next read and close it as usual, without us closing a descriptor it
 * still owns.
 */

#include <config.h>

#include "metrics-server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hash.h"
#include "metrics.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(metrics_server);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
/* libmicrohttpd's own messages, apart: under a flood of connections the
 * drops above would use up a shared budget and hide them. */
static struct vlog_rate_limit mhd_rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* libmicrohttpd's own connection limit is this many above ours (see
 * metrics_server_create()). */
#define MHD_LIMIT_MARGIN 448

/* A client address, while it has connections. */
struct metrics_source {
    struct hmap_node hmap_node; /* In metrics_server's 'sources'. */
    struct in6_addr addr;       /* IPv4 as IPv4-mapped IPv6. */
    size_t n_conns;             /* "struct metrics_conn"s from it. */
    size_t n_waiting;           /* Those in 'waiting'. */
    struct ovs_list waiting;    /* Its waiting connections, oldest first. */
};

/* A connection, from libmicrohttpd's NOTIFY_STARTED to NOTIFY_CLOSED. */
struct metrics_conn {
    struct ovs_list list_node;  /* In the server's 'waiting' if 'waiting'. */
    struct ovs_list source_node;    /* In the source's 'waiting', too. */
    struct metrics_source *source;
    int fd;
    bool waiting;               /* Waiting for a request (not answering)? */
    bool dropped;               /* Shut down by us, not yet closed? */
    long long int since;        /* When it started waiting (time_msec()). */
};

struct metrics_server {
    struct MHD_Daemon *daemon;
    int epoll_fd;               /* libmicrohttpd's, -1 until it runs. */
    uint16_t port;
    char *url;                  /* "http://ADDRESS:PORT", for logs. */
    struct metrics_registry *registry;

    bool (*ready)(void *aux, struct ds *reason);
    void *ready_aux;

    unsigned int max_connections;
    long long int request_timeout_ms;

    size_t n_conns;             /* Connections not dropped. */
    struct ovs_list waiting;    /* "struct metrics_conn"s, oldest first. */
    struct hmap sources;        /* "struct metrics_source"s, by address. */

    struct metric *requests;    /* By handler and code. */
    struct metric *dropped;     /* Connections we shut down, by reason. */
};

/* Bind addresses. */

char *
metrics_parse_bind_address(const char *address, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);

    const char *colon = strrchr(address, ':');
    if (!colon || colon == address) {
        goto bad;
    }

    char *host;
    if (address[0] == '[') {
        if (colon[-1] != ']' || colon - address < 3) {
            goto bad;
        }
        host = xmemdup0(address + 1, colon - address - 2);
    } else {
        host = xmemdup0(address, colon - address);
    }

    const char *port_s = colon + 1;
    char *end;
    errno = 0;
    unsigned long int port = strtoul(port_s, &end, 10);
    if (!*port_s || *end || errno || port > 65535
        || port_s[0] < '0' || port_s[0] > '9') {
        free(host);
        return xasprintf("--metrics-bind-address: \"%s\": \"%s\" is not a "
                         "port number (0 to 65535)", address, port_s);
    }

    if (address[0] == '[') {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
        if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
            free(host);
            goto bad;
        }
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *) ss;
        if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
            free(host);
            goto bad;
        }
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
    }
    free(host);
    return NULL;

bad:
    return xasprintf("--metrics-bind-address: \"%s\" is not IPV4:PORT or "
                     "[IPV6]:PORT with a numeric address", address);
}

/* Opens a listening TCP socket on 'address'.  Returns NULL and stores the
 * socket in '*fdp' and its port in '*portp', or returns an error
 * message. */
static char *
open_listener(const char *address, int *fdp, uint16_t *portp)
{
    struct sockaddr_storage ss;
    char *error = metrics_parse_bind_address(address, &ss);
    if (error) {
        return error;
    }

    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
    if (fd < 0) {
        return xasprintf("metrics endpoint %s: socket: %s", address,
                         ovs_strerror(errno));
    }
    int on = 1;
    socklen_t len = (ss.ss_family == AF_INET6
                     ? sizeof(struct sockaddr_in6)
                     : sizeof(struct sockaddr_in));
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on)
        || (ss.ss_family == AF_INET6
            && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on))
        || bind(fd, (struct sockaddr *) &ss, len)
        || listen(fd, 128)
        || getsockname(fd, (struct sockaddr *) &ss, &len)) {
        error = xasprintf("metrics endpoint %s: cannot listen: %s", address,
                          ovs_strerror(errno));
        close(fd);
        return error;
    }
    *portp = ntohs(ss.ss_family == AF_INET6
                   ? ((struct sockaddr_in6 *) &ss)->sin6_port
                   : ((struct sockaddr_in *) &ss)->sin_port);
    *fdp = fd;
    return NULL;
}

/* Connections. */

/* The record of the client address of 'connection', created if need be,
 * with one more connection counted.  An address libmicrohttpd does not
 * give counts as "::". */
static struct metrics_source *
source_ref(struct metrics_server *server, struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    struct in6_addr addr = in6addr_any;
    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = ALIGNED_CAST(
            const struct sockaddr_in *, sa);
        addr = in6_addr_mapped_ipv4(sin->sin_addr.s_addr);
    } else if (sa && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = ALIGNED_CAST(
            const struct sockaddr_in6 *, sa);
        addr = sin6->sin6_addr;
    }

    uint32_t hash = hash_bytes(&addr, sizeof addr, 0);
    struct metrics_source *source;
    HMAP_FOR_EACH_WITH_HASH (source, hmap_node, hash, &server->sources) {
        if (ipv6_addr_equals(&source->addr, &addr)) {
            source->n_conns++;
            return source;
        }
    }
    source = xzalloc(sizeof *source);
    source->addr = addr;
    source->n_conns = 1;
    ovs_list_init(&source->waiting);
    hmap_insert(&server->sources, &source->hmap_node, hash);
    return source;
}

static void
source_unref(struct metrics_server *server, struct metrics_source *source)
{
    if (!--source->n_conns) {
        hmap_remove(&server->sources, &source->hmap_node);
        free(source);
    }
}

static void
conn_start_waiting(struct metrics_server *server, struct metrics_conn *conn)
{
    conn->waiting = true;
    conn->since = time_msec();
    ovs_list_push_back(&server->waiting, &conn->list_node);
    ovs_list_push_back(&conn->source->waiting, &conn->source_node);
    conn->source->n_waiting++;
}

static void
conn_stop_waiting(struct metrics_conn *conn)
{
    if (conn->waiting) {
        conn->waiting = false;
        ovs_list_remove(&conn->list_node);
        ovs_list_remove(&conn->source_node);
        conn->source->n_waiting--;
    }
}

/* Shuts 'conn' down, so that libmicrohttpd closes it: see the comment at
 * the top of the file. */
static void
conn_drop(struct metrics_server *server, struct metrics_conn *conn,
          const char *reason)
{
    VLOG_DBG_RL(&rl, "%s: closing connection (fd %d): %s", server->url,
                conn->fd, reason);
    conn_stop_waiting(conn);
    conn->dropped = true;
    server->n_conns--;
    shutdown(conn->fd, SHUT_RDWR);
    metrics_counter_inc(server->dropped, reason);
}

/* The connection to shut down to make room: the longest-waiting one of
 * the address with the most connections waiting (of those, the one that
 * has waited longest), or NULL if none waits. */
static struct metrics_conn *
conn_to_evict(const struct metrics_server *server)
{
    const struct metrics_source *worst = NULL;
    const struct metrics_conn *worst_front = NULL;
    const struct metrics_source *source;

    HMAP_FOR_EACH (source, hmap_node, &server->sources) {
        if (!source->n_waiting) {
            continue;
        }
        const struct metrics_conn *front = CONTAINER_OF(
            ovs_list_front(&source->waiting), struct metrics_conn,
            source_node);
        if (!worst || source->n_waiting > worst->n_waiting
            || (source->n_waiting == worst->n_waiting
                && front->since < worst_front->since)) {
            worst = source;
            worst_front = front;
        }
    }
    return CONST_CAST(struct metrics_conn *, worst_front);
}

static void
notify_connection(void *server_, struct MHD_Connection *connection,
                  void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
    struct metrics_server *server = server_;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(
            connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct metrics_conn *conn = xzalloc(sizeof *conn);
        conn->fd = info ? info->connect_fd : -1;
        conn->source = source_ref(server, connection);
        conn_start_waiting(server, conn);
        *socket_context = conn;
        server->n_conns++;

        if (server->n_conns > server->max_connections) {
            /* That is the new one itself only if no other is waiting. */
            struct metrics_conn *victim = conn_to_evict(server);
            conn_drop(server, victim,
                      victim == conn ? "refused" : "evicted");
        }
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        struct metrics_conn *conn = *socket_context;
        if (conn) {
            if (!conn->dropped) {
                conn_stop_waiting(conn);
                server->n_conns--;
            }
            source_unref(server, conn->source);
            free(conn);
            *socket_context = NULL;
        }
    }
}

static struct metrics_conn *
conn_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void
request_completed(void *server_, struct MHD_Connection *connection,
                  void **request_context OVS_UNUSED,
                  enum MHD_RequestTerminationCode code OVS_UNUSED)
{
    struct metrics_server *server = server_;
    struct metrics_conn *conn = conn_of(connection);

    /* Kept alive for another request, which has the whole timeout to
     * arrive. */
    if (conn && !conn->dropped && !conn->waiting) {
        conn_start_waiting(server, conn);
    }
}

/* Requests. */

static enum MHD_Result
reply(struct metrics_server *server, struct MHD_Connection *connection,
      const char *handler, unsigned int status, const char *content_type,
      struct ds *body)
{
    size_t length = body->length;
    struct MHD_Response *response = MHD_create_response_from_buffer(
        length, ds_steal_cstr(body), MHD_RESPMEM_MUST_FREE);
    if (!response) {
        return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            content_type);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    }
    enum MHD_Result result = MHD_queue_response(connection, status,
                                                response);
    MHD_destroy_response(response);

    char code[16];
    snprintf(code, sizeof code, "%u", status);
    metrics_counter_inc(server->requests, handler, code);
    return result;
}

static enum MHD_Result
handle_request(void *server_, struct MHD_Connection *connection,
               const char *url, const char *method,
               const char *version OVS_UNUSED,
               const char *upload_data OVS_UNUSED,
               size_t *upload_data_size, void **request_context)
{
    struct metrics_server *server = server_;

    /* The first call comes with the request head.  A GET or HEAD without
     * a body is answered on the second call, which follows at once: an
     * answer queued on the first call makes libmicrohttpd close the
     * connection afterwards instead of keeping it alive for the next
     * scrape.  Any other request is answered on the first call, without
     * waiting for its body (which could trickle in forever), and its
     * connection is then closed. */
    bool has_body = (MHD_lookup_connection_value(
                         connection, MHD_HEADER_KIND,
                         MHD_HTTP_HEADER_CONTENT_LENGTH)
                     || MHD_lookup_connection_value(
                         connection, MHD_HEADER_KIND,
                         MHD_HTTP_HEADER_TRANSFER_ENCODING));
    bool simple = (!has_body && (!strcmp(method, MHD_HTTP_METHOD_GET)
                                 || !strcmp(method, MHD_HTTP_METHOD_HEAD)));
    if (!*request_context) {
        static char head_seen;
        *request_context = &head_seen;

        struct metrics_conn *conn = conn_of(connection);
        if (conn) {
            if (conn->dropped) {
                return MHD_NO;
            }
            conn_stop_waiting(conn);
        }
        if (simple) {
            return MHD_YES;
        }
    } else if (!simple) {
        /* Answered already: the body is ignored. */
        *upload_data_size = 0;
        return MHD_YES;
    }

    const char *handler = (!strcmp(url, "/metrics") ? "/metrics"
                           : !strcmp(url, "/healthz") ? "/healthz"
                           : !strcmp(url, "/readyz") ? "/readyz"
                           : "other");
    static const char text[] = "text/plain; charset=utf-8";
    struct ds body = DS_EMPTY_INITIALIZER;
    unsigned int status = MHD_HTTP_OK;
    const char *content_type = text;

    if (!strcmp(handler, "other")) {
        status = MHD_HTTP_NOT_FOUND;
        ds_put_cstr(&body, "not found: try /metrics, /healthz or /readyz\n");
    } else if (strcmp(method, MHD_HTTP_METHOD_GET)
               && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        ds_put_cstr(&body, "method not allowed: only GET and HEAD\n");
    } else if (!strcmp(handler, "/metrics")) {
        metrics_render(server->registry, NULL, &body);
        content_type = METRICS_CONTENT_TYPE;
    } else if (!strcmp(handler, "/readyz") && server->ready
               && !server->ready(server->ready_aux, &body)) {
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        if (!body.length) {
            ds_put_cstr(&body, "not ready");
        }
        ds_put_char(&body, '\n');
    } else {
        ds_put_cstr(&body, "ok\n");
    }

    VLOG_DBG("%s %s: %u (%"PRIuSIZE" bytes)", method, url, status,
             body.length);
    return reply(server, connection, handler, status, content_type, &body);
}

/* libmicrohttpd's messages.  While it starts, they say why it would not
 * (warnings); once it runs, they are about clients that went away or sent
 * garbage, which any client can cause as often as it likes (debug,
 * rate-limited). */
static void
log_mhd(void *server_, const char *format, va_list args)
{
    struct metrics_server *server = server_;
    enum vlog_level level = server->epoll_fd >= 0 ? VLL_DBG : VLL_WARN;

    if (!vlog_should_drop(&this_module, level, &mhd_rl)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_format_valist(&s, format, args);
        ds_chomp(&s, '\n');
        vlog(&this_module, level, "%s: libmicrohttpd: %s", server->url,
             ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* The server. */

char *
metrics_server_create(const char *bind_address,
                      struct metrics_registry *registry,
                      const struct metrics_server_settings *settings,
                      struct metrics_server **serverp)
{
    *serverp = NULL;

    int fd = -1;
    uint16_t port = 0;
    char *error = open_listener(bind_address, &fd, &port);
    if (error) {
        return error;
    }

    struct metrics_server *server = xzalloc(sizeof *server);
    server->registry = registry;
    server->port = port;
    server->max_connections = (settings && settings->max_connections
                               ? settings->max_connections
                               : METRICS_SERVER_MAX_CONNECTIONS);
    unsigned int timeout = (settings && settings->request_timeout
                            ? settings->request_timeout
                            : METRICS_SERVER_REQUEST_TIMEOUT);
    server->request_timeout_ms = timeout * 1000LL;
    server->epoll_fd = -1;      /* Until libmicrohttpd runs. */
    ovs_list_init(&server->waiting);
    hmap_init(&server->sources);

    struct ds url = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&url, "http://");
    ds_put_buffer(&url, bind_address, strrchr(bind_address, ':')
                                      - bind_address);
    ds_put_format(&url, ":%"PRIu16, port);
    server->url = ds_steal_cstr(&url);

    server->requests = metrics_counter_create(
        registry, "ovn_dpu_metrics_http_requests_total",
        "Requests answered by the metrics endpoint, by handler and HTTP "
        "status code.", "handler,code");
    server->dropped = metrics_counter_create(
        registry, "ovn_dpu_metrics_http_connections_dropped_total",
        "Connections the metrics endpoint closed itself: to make room "
        "(evicted), because it had no room (refused), or because no "
        "complete request came in time (timeout).", "reason");

    /* libmicrohttpd's own connection limit is only a backstop: ours, in
     * notify_connection(), is reached first.  But the connections we drop
     * count in libmicrohttpd's until it has seen them shut down and closed
     * them, and at its limit it accepts the next connection in the queue
     * and closes it unanswered, which may be the kubelet's probe ("Empty
     * reply from server").  Under a flood, each connection accepted drops
     * one, and libmicrohttpd accepts up to 11 in a run before it reaps,
     * so the margin covers the drops not yet reaped many times over. */
    server->daemon = MHD_start_daemon(
        MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        handle_request, server,
        /* First, so that it gets every message. */
        MHD_OPTION_EXTERNAL_LOGGER, log_mhd, server,
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_CONNECTION_LIMIT,
        server->max_connections + MHD_LIMIT_MARGIN,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t) METRICS_SERVER_MEMORY_LIMIT,
        MHD_OPTION_NOTIFY_CONNECTION, notify_connection, server,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, server,
        MHD_OPTION_END);
    const union MHD_DaemonInfo *info = (server->daemon
                                        ? MHD_get_daemon_info(
                                              server->daemon,
                                              MHD_DAEMON_INFO_EPOLL_FD)
                                        : NULL);
    if (!info) {
        error = xasprintf("metrics endpoint %s: libmicrohttpd would not "
                          "start (see the log)", bind_address);
        if (server->daemon) {
            MHD_stop_daemon(server->daemon);
        } else {
            close(fd);
        }
        hmap_destroy(&server->sources);
        free(server->url);
        free(server);
        return error;
    }
    server->epoll_fd = info->epoll_fd;

    VLOG_INFO("serving metrics on %s/metrics, health on /healthz and "
              "/readyz", server->url);
    *serverp = server;
    return NULL;
}

struct metrics_server *
metrics_server_start(const char *bind_address,
                     struct metrics_registry *registry)
{
    if (!bind_address) {
        return NULL;
    }
    struct metrics_server *server;
    char *error = metrics_server_create(bind_address, registry, NULL,
                                        &server);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    return server;
}

void
metrics_server_destroy(struct metrics_server *server)
{
    if (server) {
        /* Closes the connections (each NOTIFY_CLOSED frees our record)
         * and the listening socket. */
        MHD_stop_daemon(server->daemon);
        hmap_destroy(&server->sources);
        free(server->url);
        free(server);
    }
}

void
metrics_server_run(struct metrics_server *server)
{
    if (!server) {
        return;
    }
    MHD_run(server->daemon);

    long long int now = time_msec();
    while (!ovs_list_is_empty(&server->waiting)) {
        struct metrics_conn *oldest = CONTAINER_OF(
            ovs_list_front(&server->waiting), struct metrics_conn,
            list_node);
        if (now < oldest->since + server->request_timeout_ms) {
            break;
        }
        conn_drop(server, oldest, "timeout");
    }
}

void
metrics_server_wait(struct metrics_server *server)
{
    if (!server) {
        return;
    }
    poll_fd_wait(server->epoll_fd, POLLIN);

    MHD_UNSIGNED_LONG_LONG timeout;
    if (MHD_get_timeout(server->daemon, &timeout) == MHD_YES) {
        poll_timer_wait(MIN(timeout, (MHD_UNSIGNED_LONG_LONG) INT_MAX));
    }
    if (!ovs_list_is_empty(&server->waiting)) {
        struct metrics_conn *oldest = CONTAINER_OF(
            ovs_list_front(&server->waiting), struct metrics_conn,
            list_node);
        poll_timer_wait_until(oldest->since + server->request_timeout_ms);
    }
}

void
metrics_server_set_readiness(struct metrics_server *server,
                             bool (*ready)(void *aux, struct ds *reason),
                             void *aux)
{
    if (server) {
        server->ready = ready;
        server->ready_aux = aux;
    }
}

uint16_t
metrics_server_port(const struct metrics_server *server)
{
    return server->port;
}

/* Options. */

void
metrics_option_bind_address(char **address, const char *value)
{
    free(*address);
    *address = NULL;
    if (*value) {
        struct sockaddr_storage ss;
        char *error = metrics_parse_bind_address(value, &ss);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
        *address = xstrdup(value);
    }
}

void
metrics_options_usage(void)
{
    printf(
        "\nMetrics and health endpoint options:\n"
        "  --metrics-bind-address=ADDR:PORT\n"
        "                          serve /metrics, /healthz and /readyz "
                                  "over HTTP on\n"
        "                          IPV4:PORT or [IPV6]:PORT "
                                  "(default: off)\n");
}
