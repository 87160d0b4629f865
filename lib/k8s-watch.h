/*
 * List + watch of one Kubernetes collection, kept in a local cache, that
 * survives reconnects: the "informer" of client-go, reduced to what the
 * agents need.
 *
 * A "struct k8s_watch" lists a collection (optionally narrowed by label and
 * field selectors), in pages of at most 100 objects from one snapshot, then
 * watches it from the list's resourceVersion.  When the watch stream ends
 * it resumes from the last resourceVersion it saw (kept fresh by
 * bookmarks); when the server says that version is too old (410 Gone) it
 * lists again and reports only what really changed, so
 * consumers never see a spurious event for an object that is unchanged.
 * When the server cannot be reached it retries with exponential backoff.
 * A stream on which nothing arrives for the watch's idle timeout (see
 * k8s_watch_set_idle_timeout()) is replaced by a new one on a new
 * connection, resuming where it was: that is not a failure
 * (k8s_watch_get_error() stays NULL).
 *
 * The consumer calls k8s_watch_run() and k8s_watch_wait() from its main
 * loop (after k8s_client_run()) and takes changes with
 * k8s_watch_next_event().  The cache of current objects is readable with
 * k8s_watch_lookup().
 */

#ifndef K8S_WATCH_H
#define K8S_WATCH_H 1

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct ds;
struct k8s_client;

enum k8s_event_type {
    K8S_EVENT_ADDED,
    K8S_EVENT_MODIFIED,
    K8S_EVENT_DELETED,
};

const char *k8s_event_type_to_string(enum k8s_event_type);

/* A change to one object.  'object' is the new object (the last known one
 * for K8S_EVENT_DELETED) and belongs to the event. */
struct k8s_event {
    enum k8s_event_type type;
    char *key;                  /* "namespace/name", or "name" if
                                 * cluster-scoped. */
    struct cJSON *object;
    long long int received;     /* time_msec() when it arrived. */
};

void k8s_event_destroy(struct k8s_event *);

struct k8s_watch *k8s_watch_create(struct k8s_client *,
                                   const char *collection_path,
                                   const char *label_selector,
                                   const char *field_selector);
void k8s_watch_destroy(struct k8s_watch *);
void k8s_watch_run(struct k8s_watch *);
void k8s_watch_wait(struct k8s_watch *);

/* Makes 'w' pass each object it receives, before it caches it or hands it
 * out in an event, to 'trim', which may delete from it whatever the
 * consumer never reads, so that a cache of many objects costs memory for
 * just the fields that matter (pod_ann_trim_pod() in pod-annotations.h is
 * one).  'trim' must leave metadata.name, metadata.namespace and
 * metadata.resourceVersion alone.  Call it right after k8s_watch_create(),
 * before the first k8s_watch_run(). */
typedef void k8s_watch_trim_func(struct cJSON *object);
void k8s_watch_set_trim(struct k8s_watch *, k8s_watch_trim_func *);

/* Makes 'w' replace a stream on which nothing at all arrives for 'idle_ms'
 * milliseconds (0: never).  The default is past the longest a healthy
 * stream lasts before the server ends it (about 11 minutes), so that a
 * quiet collection's stream is not replaced on a timer; a consumer that
 * must notice a silent stream sooner sets the client's
 * k8s_client_watch_idle_timeout() (--k8s-watch-idle-timeout), as the
 * host's lease watch does. */
void k8s_watch_set_idle_timeout(struct k8s_watch *, int idle_ms);

/* Returns the next change, which the caller must free with
 * k8s_event_destroy(), or NULL if there is none now. */
struct k8s_event *k8s_watch_next_event(struct k8s_watch *);

/* True once the first list has completed, so that the cache reflects the
 * server as of some point in time. */
bool k8s_watch_is_synced(const struct k8s_watch *);

/* The cached object with 'key', or NULL. */
const struct cJSON *k8s_watch_lookup(const struct k8s_watch *,
                                     const char *key);
size_t k8s_watch_count(const struct k8s_watch *);

/* True while a watch stream is open and has not failed. */
bool k8s_watch_is_connected(const struct k8s_watch *);

/* If the last list or watch failed and the watch is waiting to retry,
 * returns why; otherwise NULL. */
const char *k8s_watch_get_error(const struct k8s_watch *);

struct k8s_watch_stats {
    unsigned long long int lists;       /* LIST requests made. */
    unsigned long long int watches;     /* Watch streams opened. */
    unsigned long long int relists;     /* Lists forced by 410 Gone. */
    unsigned long long int failures;    /* Failed lists and watches. */
    unsigned long long int events;      /* Events handed to the consumer. */
    unsigned long long int idle_reconnects; /* Streams replaced because
                                             * nothing arrived on them. */
};
void k8s_watch_get_stats(const struct k8s_watch *, struct k8s_watch_stats *);
void k8s_watch_format_status(const struct k8s_watch *, struct ds *);

#endif /* k8s-watch.h */
