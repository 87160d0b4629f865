/*
 * An asynchronous Kubernetes API client on libcurl and cJSON, driven by the
 * Open vSwitch poll loop.
 *
 * A "struct k8s_client" holds one API server's address and credentials
 * (from a struct k8s_config) and a libcurl multi handle.  Every operation
 * starts a "struct k8s_request" and returns at once; the client makes
 * progress in k8s_client_run() and registers its sockets and timeouts with
 * the poll loop in k8s_client_wait(), so no call here ever blocks and no
 * thread is used.  The owner of a request checks k8s_request_is_done() in
 * its own run function and calls k8s_request_wait() in its wait function.
 *
 * Errors are values: a finished request has a "struct k8s_result" that
 * says whether it succeeded and, if not, why, in one message that names the
 * request (verb and path) and the cause: the API server's Status (code,
 * reason, message), a transport or TLS failure, or a malformed body.
 *
 * Watches are requests too: k8s_request_watch() starts a streaming GET and
 * k8s_request_pop_event() hands out each event as it arrives.  Resuming,
 * relisting and backing off belong to k8s-watch.c, which builds on this.
 *
 * Credentials: a bearer token file is re-read when it changes (bound
 * service-account tokens rotate); tokens and keys never reach the log.
 */

#ifndef K8S_CLIENT_H
#define K8S_CLIENT_H 1

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/compiler.h"

struct cJSON;
struct ds;
struct k8s_config;

/* The client. */
struct k8s_client *k8s_client_create(const struct k8s_config *,
                                     const char *user_agent);
void k8s_client_destroy(struct k8s_client *);
void k8s_client_run(struct k8s_client *);
void k8s_client_wait(struct k8s_client *);
const char *k8s_client_server(const struct k8s_client *);

/* Requests other than watches that get no complete answer within 'ms'
 * milliseconds fail (default: 30 s).  A client whose requests lose their
 * value after a while (a lease renewal) sets it shorter, so that a request
 * hung on an unhealthy server is retried rather than waited out. */
void k8s_client_set_request_timeout(struct k8s_client *, int ms);

/* Counters, for "ovs-appctl ... k8s/status". */
struct k8s_client_stats {
    unsigned long long int requests;    /* Requests started. */
    unsigned long long int failures;    /* Requests that ended in error. */
    unsigned long long int in_flight;   /* Requests not yet finished. */
    unsigned long long int token_reloads;
};
void k8s_client_get_stats(const struct k8s_client *,
                          struct k8s_client_stats *);
void k8s_client_format_status(const struct k8s_client *, struct ds *);

/* The result of a finished request. */
struct k8s_result {
    int http_status;            /* HTTP status, 0 if no response arrived. */
    struct cJSON *body;         /* On success, the parsed body (NULL for a
                                 * watch or an empty body). */
    char *error;                /* NULL on success, else a message naming
                                 * the request and the cause. */
    char *reason;               /* The Status reason on API errors, e.g.
                                 * "Conflict", "NotFound", "Expired". */
};

static inline bool
k8s_result_ok(const struct k8s_result *r)
{
    return !r->error;
}

bool k8s_result_is_not_found(const struct k8s_result *);
bool k8s_result_is_conflict(const struct k8s_result *);
bool k8s_result_is_already_exists(const struct k8s_result *);
bool k8s_result_is_gone(const struct k8s_result *);

/* Requests.  'path' is the part of the URL after the server, starting with
 * '/', including any query string (see k8s_path_add_query()).  Bodies are
 * serialized at once, so the caller keeps ownership of 'body'. */
struct k8s_request *k8s_request_get(struct k8s_client *, const char *path);
struct k8s_request *k8s_request_create(struct k8s_client *,
                                       const char *collection_path,
                                       const struct cJSON *body);
struct k8s_request *k8s_request_update(struct k8s_client *,
                                       const char *path,
                                       const struct cJSON *body);
struct k8s_request *k8s_request_merge_patch(struct k8s_client *,
                                            const char *path,
                                            const struct cJSON *patch);
struct k8s_request *k8s_request_delete(struct k8s_client *,
                                       const char *path);

/* Starts a watch.  'path' must carry "watch=1" and normally a
 * "resourceVersion=" in its query.  Each watch has an HTTP/1.1 connection
 * of its own; k8s_request_watch_fresh() makes sure that it is a new one,
 * not one from the pool (which may be as dead as the one it replaces). */
struct k8s_request *k8s_request_watch(struct k8s_client *, const char *path);
struct k8s_request *k8s_request_watch_fresh(struct k8s_client *,
                                            const char *path);

/* Cancels 'request' if it is still running, and frees it. */
void k8s_request_destroy(struct k8s_request *);

bool k8s_request_is_done(const struct k8s_request *);
void k8s_request_wait(const struct k8s_request *);
const struct k8s_result *k8s_request_result(const struct k8s_request *);

/* Takes ownership of the body of a finished request (so the caller can keep
 * it after k8s_request_destroy()); returns NULL if there is none. */
struct cJSON *k8s_request_steal_body(struct k8s_request *);

/* Watch events.  Returns the next complete event of a watch, {"type": ...,
 * "object": ...}, which the caller must cJSON_Delete(), or NULL if none is
 * queued.  Events that arrived before the stream ended are still returned
 * after k8s_request_is_done() becomes true. */
struct cJSON *k8s_request_pop_event(struct k8s_request *);
bool k8s_request_has_events(const struct k8s_request *);

/* The time, in milliseconds on the monotonic clock of time_msec(), at which
 * 'request' finished, or LLONG_MAX while it runs. */
long long int k8s_request_finish_time(const struct k8s_request *);

/* For a watch: when it last received anything (event, bookmark or a
 * fragment of one), or when it started. */
long long int k8s_request_last_activity(const struct k8s_request *);

/* The configuration's watch_idle_timeout_ms (k8s-config.h). */
int k8s_client_watch_idle_timeout(const struct k8s_client *);

/* Path helpers. */
void k8s_path_add_query(struct ds *path, const char *key, const char *value);

#endif /* k8s-client.h */
