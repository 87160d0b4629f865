/*
 * List + watch of one Kubernetes collection with a local cache.  See
 * k8s-watch.h for the contract.
 *
 * States:
 *
 *               list ok                         stream ended normally
 *   LISTING ------------> WATCHING <--------------------------+
 *      ^  \                 |   |                             |
 *      |   \ list failed    |   +-----------------------------+
 *      |    v               |
 *      |   BACKOFF <--------+ watch failed (transport, API error)
 *      |      |             |
 *      +------+-------------+ 410 Gone, or backoff with no
 *                              resourceVersion to resume from
 *
 * A watch stream on which nothing at all arrives (no event, no bookmark)
 * for the watch's idle timeout is given up and started again from the
 * last resourceVersion, on a new connection, straight from WATCHING: a
 * half-open TCP connection (a peer or middlebox gone without a FIN) would
 * otherwise hold the stream until TCP gives up, minutes later.  It is not
 * a failure: no backoff, no error for the consumer to report.  By default
 * the idle timeout is K8S_WATCH_STALL_MS, past the server's own end of
 * the stream; a watch that must notice a silent stream sooner (the host's
 * lease watch) sets a short one with k8s_watch_set_idle_timeout().
 *
 * BACKOFF retries a watch from the last resourceVersion if we have one,
 * else a list.  The delay doubles from K8S_WATCH_BACKOFF_MIN_MS up to
 * K8S_WATCH_BACKOFF_MAX_MS, with jitter so that many agents do not return
 * to a recovering API server in step, and resets once events flow again.
 */

#include <config.h>

#include "k8s-watch.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "k8s-client.h"
#include "k8s-metrics.h"
#include "k8s-object.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "coverage.h"
#include "random.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(k8s_watch);

COVERAGE_DEFINE(k8s_watch_event);
COVERAGE_DEFINE(k8s_watch_relist);

#define K8S_WATCH_BACKOFF_MIN_MS 250
#define K8S_WATCH_BACKOFF_MAX_MS (16 * 1000)

/* A watch stream that ends normally sooner than this after it started and
 * delivered nothing counts as a failure, so that a server that keeps
 * closing streams at once cannot make us spin. */
#define K8S_WATCH_MIN_LIFETIME_MS 1000

/* The server ends each watch after a time we choose at random in this
 * range (seconds), as client-go does, so streams are refreshed now and
 * then and reconnects of many clients spread out. */
#define K8S_WATCH_TIMEOUT_MIN_S 300
#define K8S_WATCH_TIMEOUT_MAX_S 600

/* The default idle timeout: a minute past the latest end of a stream that
 * the server chose ("timeoutSeconds"), so that a healthy stream always
 * ends before it.  Shorter would replace every quiet watch on a timer: a
 * collection that does not change (NetworkAttachmentDefinitions, a
 * Node, the pods of an idle node) gets no bookmarks from kube-apiserver
 * until something of its kind changes, and at thousands of nodes each
 * replacement is a TLS handshake and a request for the API server.  TCP
 * keepalives (k8s-client.c) still find a peer that went away within a
 * couple of minutes; this catches a stream that stays connected and
 * silent. */
#define K8S_WATCH_STALL_MS ((K8S_WATCH_TIMEOUT_MAX_S + 60) * 1000)

/* A LIST asks for pages of at most this many objects ("limit", then
 * "continue" with the token of the previous page, all from one snapshot of
 * the server), as client-go's reflector does, so that listing many objects
 * never holds the whole response, body and parsed, in memory at once. */
#define K8S_WATCH_LIST_PAGE_SIZE 100

enum k8s_watch_state {
    K8S_WATCH_LISTING,          /* LIST in flight. */
    K8S_WATCH_WATCHING,         /* Watch stream in flight. */
    K8S_WATCH_BACKOFF,          /* Waiting until 'retry_at'. */
};

static const char *const state_names[] = {
    [K8S_WATCH_LISTING] = "listing",
    [K8S_WATCH_WATCHING] = "watching",
    [K8S_WATCH_BACKOFF] = "backoff",
};

struct k8s_event_node {
    struct ovs_list list_node;
    struct k8s_event event;
};

struct k8s_watch {
    struct k8s_client *client;
    char *collection_path;
    char *label_selector;
    char *field_selector;

    enum k8s_watch_state state;
    struct k8s_request *request;
    char *resource_version;     /* To resume from, or NULL to list. */
    long long int request_start;
    bool got_event;             /* Current stream delivered something. */

    long long int retry_at;
    int backoff_ms;
    char *last_error;

    k8s_watch_trim_func *trim;  /* Applied to each object received. */
    struct shash cache;         /* Key -> cJSON object. */
    char *list_continue;        /* Token for the next page of the LIST. */
    struct shash list_seen;     /* Keys in the LIST's pages so far. */
    bool synced;
    struct ovs_list events;     /* Contains "struct k8s_event_node"s. */

    int idle_timeout_ms;        /* See k8s_watch_set_idle_timeout(). */

    struct k8s_watch_stats stats;
    const char *resource;       /* For metrics: the path's last segment. */
};

static void k8s_watch_start_list(struct k8s_watch *);
static void k8s_watch_start_watch(struct k8s_watch *);

const char *
k8s_event_type_to_string(enum k8s_event_type type)
{
    switch (type) {
    case K8S_EVENT_ADDED:
        return "ADDED";
    case K8S_EVENT_MODIFIED:
        return "MODIFIED";
    case K8S_EVENT_DELETED:
        return "DELETED";
    }
    OVS_NOT_REACHED();
}

void
k8s_event_destroy(struct k8s_event *event)
{
    if (event) {
        free(event->key);
        cJSON_Delete(event->object);
        free(CONTAINER_OF(event, struct k8s_event_node, event));
    }
}

struct k8s_watch *
k8s_watch_create(struct k8s_client *client, const char *collection_path,
                 const char *label_selector, const char *field_selector)
{
    struct k8s_watch *w = xzalloc(sizeof *w);

    k8s_metrics_init();
    w->client = client;
    w->collection_path = xstrdup(collection_path);
    const char *slash = strrchr(w->collection_path, '/');
    w->resource = slash ? slash + 1 : w->collection_path;
    w->label_selector = nullable_xstrdup(label_selector);
    w->field_selector = nullable_xstrdup(field_selector);
    shash_init(&w->cache);
    shash_init(&w->list_seen);
    ovs_list_init(&w->events);
    w->backoff_ms = K8S_WATCH_BACKOFF_MIN_MS;
    w->idle_timeout_ms = K8S_WATCH_STALL_MS;
    k8s_watch_start_list(w);
    return w;
}

void
k8s_watch_set_idle_timeout(struct k8s_watch *w, int idle_ms)
{
    w->idle_timeout_ms = idle_ms;
}

void
k8s_watch_set_trim(struct k8s_watch *w, k8s_watch_trim_func *trim)
{
    w->trim = trim;
}

void
k8s_watch_destroy(struct k8s_watch *w)
{
    if (!w) {
        return;
    }
    k8s_request_destroy(w->request);

    struct k8s_event_node *node;
    LIST_FOR_EACH_POP (node, list_node, &w->events) {
        k8s_event_destroy(&node->event);
    }

    struct shash_node *sn;
    SHASH_FOR_EACH_SAFE (sn, &w->cache) {
        cJSON_Delete(sn->data);
        shash_delete(&w->cache, sn);
    }
    shash_destroy(&w->cache);
    shash_destroy(&w->list_seen);
    free(w->list_continue);
    free(w->collection_path);
    free(w->label_selector);
    free(w->field_selector);
    free(w->resource_version);
    free(w->last_error);
    free(w);
}

/* Queues an event of 'type' for 'key' with a copy of 'object'. */
static void
k8s_watch_queue_event(struct k8s_watch *w, enum k8s_event_type type,
                      const char *key, cJSON *object)
{
    struct k8s_event_node *node = xmalloc(sizeof *node);

    node->event.type = type;
    node->event.key = xstrdup(key);
    node->event.object = object;
    node->event.received = time_msec();
    ovs_list_push_back(&w->events, &node->list_node);
}

static void
k8s_watch_set_resource_version(struct k8s_watch *w, const char *rv)
{
    if (rv && (!w->resource_version || strcmp(rv, w->resource_version))) {
        free(w->resource_version);
        w->resource_version = xstrdup(rv);
    }
}

/* Stores 'object' (taking ownership) in the cache and queues an event for
 * it, unless the cache already holds this very version. */
static void
k8s_watch_upsert(struct k8s_watch *w, const char *key, cJSON *object)
{
    cJSON *old = shash_find_data(&w->cache, key);
    const char *new_rv = k8s_object_resource_version(object);

    if (old) {
        const char *old_rv = k8s_object_resource_version(old);
        if (old_rv && new_rv && !strcmp(old_rv, new_rv)) {
            cJSON_Delete(object);
            return;
        }
        cJSON_Delete(old);
    }
    shash_replace(&w->cache, key, object);
    k8s_watch_queue_event(w, old ? K8S_EVENT_MODIFIED : K8S_EVENT_ADDED,
                          key, cJSON_Duplicate(object, true));
}

static void
k8s_watch_remove(struct k8s_watch *w, const char *key, cJSON *last)
{
    cJSON *old = shash_find_and_delete(&w->cache, key);

    if (old || last) {
        k8s_watch_queue_event(w, K8S_EVENT_DELETED, key,
                              last ? last : old);
        if (last) {
            cJSON_Delete(old);
        }
    }
}

static void
k8s_watch_fail(struct k8s_watch *w, const char *error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

    /* 'error' may point into 'w->request', so copy it first. */
    w->stats.failures++;
    k8s_metrics_watch(w->resource, K8S_WATCH_METRIC_FAILURES);
    free(w->last_error);
    w->last_error = xstrdup(error);
    k8s_request_destroy(w->request);
    w->request = NULL;

    int delay = w->backoff_ms;
    delay += random_range(delay / 4 + 1) - delay / 8;
    w->retry_at = time_msec() + delay;
    w->backoff_ms = MIN(w->backoff_ms * 2, K8S_WATCH_BACKOFF_MAX_MS);
    w->state = K8S_WATCH_BACKOFF;
    VLOG_WARN_RL(&rl, "%s (retrying in %d ms)", w->last_error, delay);
}

static void
k8s_watch_reset_backoff(struct k8s_watch *w)
{
    w->backoff_ms = K8S_WATCH_BACKOFF_MIN_MS;
}

static void
k8s_watch_add_selectors(const struct k8s_watch *w, struct ds *path)
{
    if (w->label_selector) {
        k8s_path_add_query(path, "labelSelector", w->label_selector);
    }
    if (w->field_selector) {
        k8s_path_add_query(path, "fieldSelector", w->field_selector);
    }
}

/* Requests the next page of the LIST: the first one if 'w->list_continue'
 * is NULL. */
static void
k8s_watch_request_page(struct k8s_watch *w)
{
    struct ds path = DS_EMPTY_INITIALIZER;
    char limit[16];

    snprintf(limit, sizeof limit, "%d", K8S_WATCH_LIST_PAGE_SIZE);
    ds_put_cstr(&path, w->collection_path);
    k8s_watch_add_selectors(w, &path);
    k8s_path_add_query(&path, "limit", limit);
    if (w->list_continue) {
        k8s_path_add_query(&path, "continue", w->list_continue);
    }
    k8s_request_destroy(w->request);
    w->request = k8s_request_get(w->client, ds_cstr(&path));
    w->request_start = time_msec();
    w->state = K8S_WATCH_LISTING;
    ds_destroy(&path);
}

static void
k8s_watch_start_list(struct k8s_watch *w)
{
    free(w->list_continue);
    w->list_continue = NULL;
    shash_clear(&w->list_seen);
    w->stats.lists++;
    k8s_metrics_watch(w->resource, K8S_WATCH_METRIC_LISTS);
    k8s_watch_request_page(w);
}

static void
k8s_watch_start_watch__(struct k8s_watch *w, bool fresh)
{
    struct ds path = DS_EMPTY_INITIALIZER;
    char timeout[16];

    snprintf(timeout, sizeof timeout, "%d",
             K8S_WATCH_TIMEOUT_MIN_S
             + (int) random_range(K8S_WATCH_TIMEOUT_MAX_S
                                  - K8S_WATCH_TIMEOUT_MIN_S + 1));
    ds_put_cstr(&path, w->collection_path);
    k8s_watch_add_selectors(w, &path);
    k8s_path_add_query(&path, "watch", "1");
    k8s_path_add_query(&path, "resourceVersion", w->resource_version);
    k8s_path_add_query(&path, "allowWatchBookmarks", "true");
    k8s_path_add_query(&path, "timeoutSeconds", timeout);

    k8s_request_destroy(w->request);
    w->request = (fresh
                  ? k8s_request_watch_fresh(w->client, ds_cstr(&path))
                  : k8s_request_watch(w->client, ds_cstr(&path)));
    w->request_start = time_msec();
    w->got_event = false;
    w->state = K8S_WATCH_WATCHING;
    w->stats.watches++;
    k8s_metrics_watch(w->resource, K8S_WATCH_METRIC_CONNECTS);
    ds_destroy(&path);
}

static void
k8s_watch_start_watch(struct k8s_watch *w)
{
    k8s_watch_start_watch__(w, false);
}

/* When the current watch stream counts as idle, or LLONG_MAX if it never
 * does. */
static long long int
k8s_watch_idle_deadline(const struct k8s_watch *w)
{
    int idle_ms = w->idle_timeout_ms;

    return (w->state == K8S_WATCH_WATCHING && idle_ms > 0
            && !k8s_request_is_done(w->request)
            ? k8s_request_last_activity(w->request) + idle_ms
            : LLONG_MAX);
}

/* Stores the items of a successful page of a LIST 'body' in the cache,
 * queueing an event for each object that is new or changed, and asks for
 * the next page.  After the last page, removes from the cache (with an
 * event) each object that no page listed, and starts watching. */
static void
k8s_watch_process_list(struct k8s_watch *w, cJSON *body)
{
    const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(body,
                                                             "metadata");
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(metadata,
                                                       "resourceVersion");
    cJSON *items = cJSON_GetObjectItemCaseSensitive(body, "items");

    if (!cJSON_IsString(rv) || !rv->valuestring[0]
        || !(cJSON_IsArray(items) || cJSON_IsNull(items))) {
        char *error = xasprintf("LIST %s: response is not a list (no "
                                "metadata.resourceVersion or items)",
                                w->collection_path);
        k8s_watch_fail(w, error);
        free(error);
        return;
    }

    struct shash *seen = &w->list_seen;
    cJSON *item;
    while (cJSON_IsArray(items) && (item = cJSON_DetachItemFromArray(items,
                                                                     0))) {
        char *key = k8s_object_key(item);
        if (!key || shash_find(seen, key)) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
            VLOG_WARN_RL(&rl, "LIST %s: ignoring item %s", w->collection_path,
                         key ? "listed twice" : "without metadata.name");
            cJSON_Delete(item);
            free(key);
            continue;
        }
        shash_add(seen, key, NULL);
        if (w->trim) {
            w->trim(item);
        }
        k8s_watch_upsert(w, key, item);
        free(key);
    }

    const cJSON *cont = cJSON_GetObjectItemCaseSensitive(metadata,
                                                         "continue");
    if (cJSON_IsString(cont) && cont->valuestring[0]) {
        free(w->list_continue);
        w->list_continue = xstrdup(cont->valuestring);
        k8s_watch_request_page(w);
        return;
    }
    free(w->list_continue);
    w->list_continue = NULL;

    /* Objects that are not in the new list are deleted. */
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &w->cache) {
        if (!shash_find(seen, node->name)) {
            char *key = xstrdup(node->name);
            k8s_watch_remove(w, key, NULL);
            free(key);
        }
    }
    shash_clear(seen);

    k8s_watch_set_resource_version(w, rv->valuestring);
    w->synced = true;
    k8s_watch_reset_backoff(w);
    k8s_watch_start_watch(w);
}

/* Handles one watch event.  Returns false if the stream must be abandoned:
 * then the watch has already moved to its next state. */
static bool
k8s_watch_process_event(struct k8s_watch *w, cJSON *event)
{
    const char *type = cJSON_GetObjectItemCaseSensitive(event,
                                                        "type")->valuestring;
    cJSON *object = cJSON_DetachItemFromObjectCaseSensitive(event, "object");
    bool ok = true;

    if (!strcmp(type, "ERROR")) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(object, "code");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(object,
                                                            "message");
        if (cJSON_IsNumber(code) && code->valueint == 410) {
            VLOG_INFO("watch %s: resourceVersion %s is too old, listing "
                      "again", w->collection_path, w->resource_version);
            w->stats.relists++;
            k8s_metrics_watch(w->resource, K8S_WATCH_METRIC_RELISTS);
            COVERAGE_INC(k8s_watch_relist);
            free(w->resource_version);
            w->resource_version = NULL;
            k8s_watch_start_list(w);
        } else {
            char *error = xasprintf(
                "watch %s: server sent an error: %s", w->collection_path,
                cJSON_IsString(msg) ? msg->valuestring : "(no message)");
            k8s_watch_fail(w, error);
            free(error);
        }
        ok = false;
    } else if (!strcmp(type, "BOOKMARK")) {
        k8s_watch_set_resource_version(w,
                                       k8s_object_resource_version(object));
    } else if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED")
               || !strcmp(type, "DELETED")) {
        char *key = k8s_object_key(object);
        const char *rv = k8s_object_resource_version(object);

        if (!key || !rv) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
            VLOG_WARN_RL(&rl, "watch %s: ignoring %s event for an object "
                         "without metadata.name or resourceVersion",
                         w->collection_path, type);
        } else {
            k8s_watch_set_resource_version(w, rv);
            if (w->trim) {
                w->trim(object);
            }
            if (type[0] == 'D') {
                k8s_watch_remove(w, key, object);
            } else {
                k8s_watch_upsert(w, key, object);
            }
            object = NULL;
        }
        free(key);
    } else {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
        VLOG_WARN_RL(&rl, "watch %s: ignoring event of unknown type \"%s\"",
                     w->collection_path, type);
    }
    cJSON_Delete(object);
    return ok;
}

void
k8s_watch_run(struct k8s_watch *w)
{
    switch (w->state) {
    case K8S_WATCH_BACKOFF:
        if (time_msec() >= w->retry_at) {
            if (w->resource_version) {
                k8s_watch_start_watch(w);
            } else {
                k8s_watch_start_list(w);
            }
        }
        break;

    case K8S_WATCH_LISTING:
        if (k8s_request_is_done(w->request)) {
            const struct k8s_result *r = k8s_request_result(w->request);
            if (w->list_continue && k8s_result_is_gone(r)) {
                /* The snapshot that the pages came from is gone. */
                VLOG_INFO("LIST %s: continue token expired, listing again",
                          w->collection_path);
                k8s_watch_start_list(w);
            } else if (!k8s_result_ok(r)) {
                k8s_watch_fail(w, r->error);
            } else {
                cJSON *body = k8s_request_steal_body(w->request);
                k8s_watch_process_list(w, body);
                cJSON_Delete(body);
            }
        }
        break;

    case K8S_WATCH_WATCHING: {
        cJSON *event;
        while ((event = k8s_request_pop_event(w->request))) {
            bool keep_going = k8s_watch_process_event(w, event);
            cJSON_Delete(event);
            w->got_event = true;
            if (!keep_going) {
                return;
            }
            k8s_watch_reset_backoff(w);
        }
        if (time_msec() >= k8s_watch_idle_deadline(w)) {
            /* Routine on a quiet collection (the server's bookmarks come
             * about once a minute), so only at debug level; the count is
             * in k8s_watch_format_status(). */
            VLOG_DBG("watch %s: nothing received for %d ms, reconnecting "
                     "from %s", w->collection_path,
                     w->idle_timeout_ms,
                     w->resource_version);
            w->stats.idle_reconnects++;
            k8s_watch_start_watch__(w, true);
        } else if (k8s_request_is_done(w->request)) {
            const struct k8s_result *r = k8s_request_result(w->request);
            if (k8s_result_is_gone(r)) {
                w->stats.relists++;
                k8s_metrics_watch(w->resource, K8S_WATCH_METRIC_RELISTS);
                COVERAGE_INC(k8s_watch_relist);
                free(w->resource_version);
                w->resource_version = NULL;
                k8s_watch_start_list(w);
            } else if (!k8s_result_ok(r)) {
                k8s_watch_fail(w, r->error);
            } else if (!w->got_event
                       && (k8s_request_finish_time(w->request)
                           - w->request_start
                           < K8S_WATCH_MIN_LIFETIME_MS)) {
                char *error = xasprintf("watch %s: stream ended at once",
                                        w->collection_path);
                k8s_watch_fail(w, error);
                free(error);
            } else {
                VLOG_DBG("watch %s: stream ended, resuming from %s",
                         w->collection_path, w->resource_version);
                k8s_watch_start_watch(w);
            }
        }
        break;
    }
    }
}

void
k8s_watch_wait(struct k8s_watch *w)
{
    if (!ovs_list_is_empty(&w->events)) {
        poll_immediate_wake();
    }
    if (w->state == K8S_WATCH_BACKOFF) {
        poll_timer_wait_until(w->retry_at);
    } else {
        k8s_request_wait(w->request);
        long long int idle = k8s_watch_idle_deadline(w);
        if (idle != LLONG_MAX) {
            poll_timer_wait_until(idle);
        }
    }
}

struct k8s_event *
k8s_watch_next_event(struct k8s_watch *w)
{
    if (ovs_list_is_empty(&w->events)) {
        return NULL;
    }
    struct k8s_event_node *node = CONTAINER_OF(ovs_list_pop_front(&w->events),
                                               struct k8s_event_node,
                                               list_node);
    w->stats.events++;
    k8s_metrics_watch(w->resource, K8S_WATCH_METRIC_EVENTS);
    COVERAGE_INC(k8s_watch_event);
    return &node->event;
}

bool
k8s_watch_is_synced(const struct k8s_watch *w)
{
    return w->synced;
}

bool
k8s_watch_is_connected(const struct k8s_watch *w)
{
    return w->state == K8S_WATCH_WATCHING;
}

const char *
k8s_watch_get_error(const struct k8s_watch *w)
{
    return w->state == K8S_WATCH_BACKOFF ? w->last_error : NULL;
}

const cJSON *
k8s_watch_lookup(const struct k8s_watch *w, const char *key)
{
    return shash_find_data(&w->cache, key);
}

size_t
k8s_watch_count(const struct k8s_watch *w)
{
    return shash_count(&w->cache);
}

void
k8s_watch_get_stats(const struct k8s_watch *w, struct k8s_watch_stats *s)
{
    *s = w->stats;
}

void
k8s_watch_format_status(const struct k8s_watch *w, struct ds *s)
{
    ds_put_format(s, "watch: %s", w->collection_path);
    if (w->label_selector) {
        ds_put_format(s, " labelSelector=%s", w->label_selector);
    }
    if (w->field_selector) {
        ds_put_format(s, " fieldSelector=%s", w->field_selector);
    }
    ds_put_format(s, "\n  state: %s%s\n", state_names[w->state],
                  w->synced ? "" : " (not yet synced)");
    if (w->state == K8S_WATCH_BACKOFF) {
        ds_put_format(s, "  retry in: %lld ms\n",
                      MAX(0, w->retry_at - time_msec()));
    }
    ds_put_format(s, "  resourceVersion: %s\n",
                  w->resource_version ? w->resource_version : "(none)");
    ds_put_format(s, "  objects: %"PRIuSIZE"\n", shash_count(&w->cache));
    ds_put_format(s, "  lists: %llu, watches: %llu, relists: %llu, "
                  "failures: %llu, events: %llu, idle reconnects: %llu\n",
                  w->stats.lists, w->stats.watches, w->stats.relists,
                  w->stats.failures, w->stats.events,
                  w->stats.idle_reconnects);
    if (w->last_error) {
        ds_put_format(s, "  last error: %s\n", w->last_error);
    }
}
