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
 * "resourceVersion=" in its query. */
struct k8s_request *k8s_request_watch(struct k8s_client *, const char *path);

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

/* Path helpers. */
void k8s_path_add_query(struct ds *path, const char *key, const char *value);

/* Limits on what we accept from the server (Documentation/security.rst).
 *
 * A response body, or the Status body of a watch refused with an HTTP
 * error, larger than K8S_MAX_BODY_SIZE fails the request with "response
 * body exceeds N bytes".  A watch event larger than K8S_MAX_EVENT_SIZE
 * fails the stream with "watch event exceeds N bytes" as soon as that much
 * of it has arrived, even if it would never end.  Real objects are far
 * smaller: etcd refuses values over 1.5 MiB. */
#define K8S_MAX_BODY_SIZE (64 * 1024 * 1024)   /* One response body. */
#define K8S_MAX_EVENT_SIZE (16 * 1024 * 1024)  /* One watch event. */

/* Decoding what the server sends.
 *
 * Pure functions, without I/O or logging: the client runs every response
 * through them, and the libFuzzer targets in fuzz/ feed them hostile input.
 * None needs its input null-terminated. */

/* Parses the 'length' bytes at 'body', the body of a 2xx answer with status
 * 'http_status', as one JSON value with nothing but white space after it.
 * Returns it, or NULL after appending to 'msg' why it is not one. */
struct cJSON *k8s_parse_body(const char *body, size_t length,
                             int http_status, struct ds *msg);

/* Appends to 'msg' what the non-2xx answer with 'http_status' and the
 * 'length' bytes at 'body' says: "HTTP 409 Conflict: <message>" from a
 * Kubernetes Status, otherwise the status and a printable excerpt of the
 * body.  Returns the Status's reason (e.g. "Conflict"), which the caller
 * must free(), or NULL if there is none. */
char *k8s_parse_status(int http_status, const char *body, size_t length,
                       struct ds *msg) OVS_WARN_UNUSED_RESULT;

/* Watch stream framing: the events of a watch are JSON objects one after
 * another, and arrive in pieces of any size.  Feed the pieces in order to
 * k8s_event_stream_feed(); each complete event is queued for
 * k8s_event_stream_pop(), which hands it over to the caller to
 * cJSON_Delete(). */
struct k8s_event_stream *k8s_event_stream_create(void);
void k8s_event_stream_destroy(struct k8s_event_stream *);

/* Returns NULL, or an error message to free() if 'data' makes the stream
 * invalid; then the stream must not be fed again. */
char *k8s_event_stream_feed(struct k8s_event_stream *,
                            const char *data, size_t n)
    OVS_WARN_UNUSED_RESULT;
struct cJSON *k8s_event_stream_pop(struct k8s_event_stream *);
bool k8s_event_stream_has_events(const struct k8s_event_stream *);

/* True if the stream stopped in the middle of an event. */
bool k8s_event_stream_in_event(const struct k8s_event_stream *);

#endif /* k8s-client.h */
