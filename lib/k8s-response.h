/*
 * Decoding what the Kubernetes API server sends: response bodies, the
 * Status of an error, and the stream of a watch's events.
 *
 * Pure functions, without I/O or logging: the client (k8s-client.h) runs
 * every response through them, and the libFuzzer targets in fuzz/ feed
 * them hostile input.  None needs its input null-terminated.
 */

#ifndef K8S_RESPONSE_H
#define K8S_RESPONSE_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"

struct cJSON;
struct ds;

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

#endif /* k8s-response.h */
