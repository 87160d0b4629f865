/*
 * The HTTP endpoint of a daemon's metrics and health: serves a metrics
 * registry (metrics.h) to Prometheus and answers the kubelet's probes,
 * from the program's poll loop.
 *
 *   GET /metrics   200, the registry in the text exposition format 0.0.4
 *                  (Content-Type METRICS_CONTENT_TYPE).
 *   GET /healthz   200 "ok": the answer itself shows that the poll loop
 *                  turns, since nothing else answers it.
 *   GET /readyz    200 "ok", or 503 and the reason, from the readiness
 *                  function the program sets (ready if none).
 *   other paths    404.
 *   other methods  405 (HEAD is answered as GET without the body).
 *
 * HTTP itself is libmicrohttpd's, run without threads of its own: its
 * sockets are behind one epoll descriptor that metrics_server_wait() hands
 * to the poll loop, with its timeout, and metrics_server_run() lets it
 * work.  Every socket is non-blocking, so no client, however slow, holds
 * up the loop.
 *
 * Limits against clients that misbehave:
 *   - at most 'max_connections' connections.  A new one beyond that
 *     pushes out the connection that has waited longest for a request of
 *     its own (an idle or slow client) among those of the client address
 *     with the most connections waiting, or is itself closed if every
 *     other connection is busy with a request;
 *   - a connection must deliver a complete request head within
 *     'request_timeout' seconds of opening (or of its previous answer),
 *     however it trickles, and one that makes no progress either way for
 *     that long is closed;
 *   - METRICS_SERVER_MEMORY_LIMIT bytes per connection bound the request
 *     line and headers: a longer request is answered with an error
 *     (414 or 431) and closed.
 * Connections closed for these reasons are counted in
 * "ovn_dpu_metrics_http_connections_dropped_total{reason}", requests by
 * handler and status in "ovn_dpu_metrics_http_requests_total", both in the
 * registry served.
 */

#ifndef METRICS_SERVER_H
#define METRICS_SERVER_H 1

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/compiler.h"

struct ds;
struct metrics_registry;
struct metrics_server;
struct sockaddr_storage;

#define METRICS_SERVER_MAX_CONNECTIONS 64
#define METRICS_SERVER_REQUEST_TIMEOUT 10           /* Seconds. */
#define METRICS_SERVER_MEMORY_LIMIT (16 * 1024)     /* Bytes. */

struct metrics_server_settings {
    unsigned int max_connections;   /* 0: METRICS_SERVER_MAX_CONNECTIONS. */
    unsigned int request_timeout;   /* 0: METRICS_SERVER_REQUEST_TIMEOUT. */
};

/* Parses 'address', "IPV4:PORT" or "[IPV6]:PORT" with a numeric address
 * and a port from 0 (the kernel picks one) to 65535, into '*ss'.  Returns
 * NULL, or an error message to free(). */
char *metrics_parse_bind_address(const char *address,
                                 struct sockaddr_storage *ss)
    OVS_WARN_UNUSED_RESULT;

/* Listens on 'bind_address' (as above) and serves 'registry' there, with
 * 'settings' (NULL for the defaults).  Logs the address it listens on,
 * with the port the kernel picked if it was 0.  Returns NULL and stores
 * the server in '*serverp', or returns an error message to free() and
 * stores NULL. */
char *metrics_server_create(const char *bind_address,
                            struct metrics_registry *registry,
                            const struct metrics_server_settings *settings,
                            struct metrics_server **serverp)
    OVS_WARN_UNUSED_RESULT;

/* For a program's main(): NULL if 'bind_address' is NULL (metrics are
 * off), otherwise the server, with the default settings; exits with the
 * error message if it cannot listen. */
struct metrics_server *metrics_server_start(const char *bind_address,
                                            struct metrics_registry *);

/* Closes every connection and stops listening.  Accepts NULL. */
void metrics_server_destroy(struct metrics_server *);

/* The poll loop's calls.  Both accept NULL and then do nothing. */
void metrics_server_run(struct metrics_server *);
void metrics_server_wait(struct metrics_server *);

/* Sets what /readyz answers: 'ready' returns true if the program is
 * ready, or false and appends the reason (one line) to 'reason'.  It is
 * called for each request to /readyz. */
void metrics_server_set_readiness(struct metrics_server *,
                                  bool (*ready)(void *aux, struct ds *reason),
                                  void *aux);

/* The port the server listens on. */
uint16_t metrics_server_port(const struct metrics_server *);

/* Command-line option --metrics-bind-address=ADDR:PORT, used like
 * K8S_OPTION_ENUMS & co in k8s-config.h.  METRICS_OPTION_HANDLERS(ADDRESS)
 * checks the value (exiting with a message if it is not an address) and
 * stores it in 'char *' ADDRESS (freeing the previous one), or NULL for an
 * empty value, which means no endpoint, the default. */
#define METRICS_OPTION_ENUMS                    \
    OPT_METRICS_BIND_ADDRESS

#define METRICS_LONG_OPTIONS                                            \
    {"metrics-bind-address", required_argument, NULL,                   \
     OPT_METRICS_BIND_ADDRESS}

#define METRICS_OPTION_HANDLERS(ADDRESS)                                \
    case OPT_METRICS_BIND_ADDRESS:                                      \
        metrics_option_bind_address(ADDRESS, optarg);                   \
        break;

void metrics_option_bind_address(char **address, const char *value);
void metrics_options_usage(void);

#endif /* metrics-server.h */
