/*
 * The host side of the health lease.  See dpu-lease-watcher.h.
 */

#include <config.h>

#include "dpu-lease-watcher.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dpu-lease.h"
#include "dpu-lease-object.h"
#include "k8s-client.h"
#include "k8s-object.h"
#include "k8s-watch.h"
#include "metrics.h"
#include "micro-time.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(dpu_lease_watcher);

/* Metrics (see dpu-lease-watcher.h). */
static struct metric *ready_metric;
static struct metric *ready_change_metric;
static struct metric *renewals_metric;
static struct metric *read_failures_metric;
static struct metric *delay_metric;

/* Retry delays for reading the Node and writing the lease. */
#define WRITE_BACKOFF_MIN_MS 1000
#define WRITE_BACKOFF_MAX_MS (30 * 1000)

struct dpu_lease_watcher {
    struct k8s_client *client;
    struct dpu_lease_monitor *monitor;
    struct k8s_watch *watch;    /* NULL if the health check is disabled. */
    int duration;

    char *node_name;
    char *name;                 /* "ovn-dpu-<node>". */
    char *namespace;
    char *key;                  /* "<namespace>/<name>" in the watch. */
    char *collection_path;
    char *lease_path;
    char *node_path;

    /* Owning the lease. */
    char *node_uid;             /* Once read. */
    struct k8s_request *request;    /* GET node, create or repair. */
    long long int retry_at;
    int backoff_ms;
    char *written_from;         /* resourceVersion of the lease we last
                                 * wrote over ("" if we created it): no
                                 * new write while the watch still shows
                                 * it. */
    char *last_write_error;
    unsigned long long int creates, repairs;

    /* Reading it. */
    bool synced;                /* The watch has listed once. */
    char *read_error;           /* As last given to the monitor. */

    /* Verdict changes, for the log. */
    bool was_ready;
    unsigned long long int transitions;
};

static void
metrics_init(void)
{
    static const double buckets[] = METRICS_DEFAULT_BUCKETS;

    if (ready_metric) {
        return;
    }
    struct metrics_registry *r = metrics_default();
    ready_metric = metrics_gauge_create(
        r, "ovn_dpu_host_dpu_ready", "1 while the DPU health lease says the "
        "DPU is ready (CNI ADD works), 0 while it does not.", NULL);
    ready_change_metric = metrics_gauge_create(
        r, "ovn_dpu_host_dpu_ready_last_change_timestamp_seconds", "When "
        "ovn_dpu_host_dpu_ready last changed (or the agent started), in "
        "seconds since the epoch.", NULL);
    renewals_metric = metrics_counter_create(
        r, "ovn_dpu_host_lease_renewals_observed_total", "Renewals of the "
        "DPU health lease seen (each new renewTime).", NULL);
    read_failures_metric = metrics_counter_create(
        r, "ovn_dpu_host_lease_read_failures_total", "Times the DPU health "
        "lease could not be read.", NULL);
    delay_metric = metrics_histogram_create(
        r, "ovn_dpu_host_lease_observation_delay_seconds", "From a lease "
        "renewal (its renewTime, on the DPU's clock) to its observation "
        "here (on the host's clock).", NULL, buckets, ARRAY_SIZE(buckets));
}

static void
set_ready_metrics(bool ready)
{
    metrics_gauge_set(ready_metric, ready);
    metrics_gauge_set(ready_change_metric, time_wall_msec() / 1000.0);
}

static void
dpu_lease_watcher_collect(void *w_)
{
    const struct dpu_lease_watcher *w = w_;
    struct dpu_lease_monitor_stats stats;

    dpu_lease_monitor_get_stats(w->monitor, &stats);
    metrics_counter_set(renewals_metric, stats.renewals);
    metrics_counter_set(read_failures_metric, stats.read_failures);
}

struct dpu_lease_watcher *
dpu_lease_watcher_create(struct k8s_client *client, const char *node_name,
                         const struct dpu_lease_config *config)
{
    struct dpu_lease_watcher *w = xzalloc(sizeof *w);
    bool enabled = config->interval > 0;

    w->client = client;
    w->monitor = dpu_lease_monitor_create(enabled);
    w->duration = config->duration;
    w->node_name = xstrdup(node_name);
    w->name = dpu_lease_name(node_name);
    w->namespace = xstrdup(config->namespace);
    w->key = xasprintf("%s/%s", w->namespace, w->name);
    w->collection_path = k8s_leases_path(w->namespace);
    w->lease_path = k8s_lease_path(w->namespace, w->name);
    w->node_path = k8s_node_path(node_name);
    w->backoff_ms = WRITE_BACKOFF_MIN_MS;
    w->was_ready = dpu_lease_monitor_verdict(w->monitor, time_msec(), NULL);
    metrics_init();
    set_ready_metrics(w->was_ready);
    metrics_collector_register(metrics_default(), dpu_lease_watcher_collect,
                               w);

    if (enabled) {
        char *selector = xasprintf("metadata.name=%s", w->name);
        w->watch = k8s_watch_create(client, w->collection_path, NULL,
                                    selector);
        free(selector);
        /* The lease's renewals come every interval: a stream silent for
         * longer is dead, and must be replaced well before the lease
         * could seem expired. */
        k8s_watch_set_idle_timeout(w->watch,
                                   k8s_client_watch_idle_timeout(client));
    } else {
        VLOG_INFO("DPU health check disabled (renew interval 0): the DPU "
                  "is always considered ready");
    }
    return w;
}

void
dpu_lease_watcher_destroy(struct dpu_lease_watcher *w)
{
    if (w) {
        metrics_collector_unregister(metrics_default(),
                                     dpu_lease_watcher_collect, w);
        k8s_watch_destroy(w->watch);
        k8s_request_destroy(w->request);
        dpu_lease_monitor_destroy(w->monitor);
        free(w->node_name);
        free(w->name);
        free(w->namespace);
        free(w->key);
        free(w->collection_path);
        free(w->lease_path);
        free(w->node_path);
        free(w->node_uid);
        free(w->written_from);
        free(w->last_write_error);
        free(w->read_error);
        free(w);
    }
}

static void
dpu_lease_watcher_observe(struct dpu_lease_watcher *w, const cJSON *lease)
{
    struct dpu_lease_monitor_stats before, after;
    struct dpu_lease_observation obs;

    if (lease) {
        dpu_lease_object_observe(lease, &obs);
    }
    dpu_lease_monitor_get_stats(w->monitor, &before);
    dpu_lease_monitor_observe(w->monitor, lease ? &obs : NULL, time_msec(),
                              time_wall_msec());
    dpu_lease_monitor_get_stats(w->monitor, &after);

    long long int renewed;
    if (after.renewals > before.renewals && lease && obs.renew_time
        && micro_time_parse(obs.renew_time, &renewed)) {
        metrics_histogram_observe(delay_metric,
                                  (time_wall_usec() - renewed) / 1e6);
    }
}

/* Keeps the monitor told whether the lease can be read. */
static void
dpu_lease_watcher_update_read_error(struct dpu_lease_watcher *w)
{
    const char *error = k8s_watch_get_error(w->watch);

    if (error && (!w->read_error || strcmp(error, w->read_error))) {
        free(w->read_error);
        w->read_error = xstrdup(error);
        dpu_lease_monitor_set_read_error(w->monitor, error, time_msec());
    } else if (!error && w->read_error && k8s_watch_is_connected(w->watch)) {
        free(w->read_error);
        w->read_error = NULL;
        dpu_lease_monitor_set_read_error(w->monitor, NULL, time_msec());
    }
}

static void
dpu_lease_watcher_write_failed(struct dpu_lease_watcher *w,
                               const char *error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 30);

    VLOG_WARN_RL(&rl, "lease %s: %s (retrying in %d ms)", w->key, error,
                 w->backoff_ms);
    free(w->last_write_error);
    w->last_write_error = xstrdup(error);
    w->retry_at = time_msec() + w->backoff_ms;
    w->backoff_ms = MIN(w->backoff_ms * 2, WRITE_BACKOFF_MAX_MS);
}

/* Handles the outcome of the request in flight. */
static void
dpu_lease_watcher_finish(struct dpu_lease_watcher *w)
{
    const struct k8s_result *r = k8s_request_result(w->request);

    if (!w->node_uid) {
        const char *uid = (k8s_result_ok(r)
                           ? k8s_object_metadata(r->body, "uid") : NULL);
        if (uid && uid[0]) {
            w->node_uid = xstrdup(uid);
            w->backoff_ms = WRITE_BACKOFF_MIN_MS;
            VLOG_INFO("Node %s has uid %s", w->node_name, w->node_uid);
        } else {
            dpu_lease_watcher_write_failed(
                w, r->error ? r->error : "Node has no metadata.uid");
        }
    } else if (k8s_result_ok(r) || k8s_result_is_already_exists(r)) {
        w->backoff_ms = WRITE_BACKOFF_MIN_MS;
        free(w->last_write_error);
        w->last_write_error = NULL;
    } else {
        /* Write again whatever the watch shows next. */
        free(w->written_from);
        w->written_from = NULL;
        dpu_lease_watcher_write_failed(w, r->error);
    }
    k8s_request_destroy(w->request);
    w->request = NULL;
}

/* Starts reading the Node, or creating or repairing the lease, if that is
 * what is needed now. */
static void
dpu_lease_watcher_own(struct dpu_lease_watcher *w)
{
    if (w->request || time_msec() < w->retry_at || !w->synced) {
        return;
    }

    if (!w->node_uid) {
        w->request = k8s_request_get(w->client, w->node_path);
        return;
    }

    const cJSON *lease = k8s_watch_lookup(w->watch, w->key);
    const char *rv = lease ? k8s_object_resource_version(lease) : "";
    if (w->written_from && rv && !strcmp(rv, w->written_from)) {
        /* Our last write has not reached the watch yet. */
        return;
    }

    if (!lease) {
        VLOG_INFO("creating lease %s with owner Node %s (uid %s)", w->key,
                  w->node_name, w->node_uid);
        cJSON *body = dpu_lease_object_new(w->name, w->namespace,
                                           w->node_name, w->node_uid,
                                           w->duration, NULL);
        w->request = k8s_request_create(w->client, w->collection_path,
                                        body);
        cJSON_Delete(body);
        w->creates++;
    } else {
        cJSON *patch = dpu_lease_object_repair_patch(lease, w->node_name,
                                                     w->node_uid);
        if (!patch) {
            return;
        }
        VLOG_INFO("repairing the owner reference or holder of lease %s",
                  w->key);
        w->request = k8s_request_merge_patch(w->client, w->lease_path,
                                             patch);
        cJSON_Delete(patch);
        w->repairs++;
    }
    free(w->written_from);
    w->written_from = xstrdup(rv ? rv : "");
}

void
dpu_lease_watcher_run(struct dpu_lease_watcher *w)
{
    if (w->watch) {
        k8s_watch_run(w->watch);

        struct k8s_event *e;
        while ((e = k8s_watch_next_event(w->watch))) {
            if (!strcmp(e->key, w->key)) {
                bool deleted = e->type == K8S_EVENT_DELETED;
                dpu_lease_watcher_observe(w, deleted ? NULL : e->object);
                if (deleted) {
                    /* Perhaps the garbage collector deleted it with its
                     * Node: read the Node again before recreating it, so as
                     * not to write an owner reference to a Node that no
                     * longer exists. */
                    VLOG_INFO("lease %s was deleted", w->key);
                    free(w->node_uid);
                    w->node_uid = NULL;
                }
            }
            k8s_event_destroy(e);
        }
        if (!w->synced && k8s_watch_is_synced(w->watch)) {
            w->synced = true;
            if (!k8s_watch_lookup(w->watch, w->key)) {
                dpu_lease_watcher_observe(w, NULL);
            }
        }
        dpu_lease_watcher_update_read_error(w);

        if (w->request && k8s_request_is_done(w->request)) {
            dpu_lease_watcher_finish(w);
        }
        dpu_lease_watcher_own(w);
    }

    struct ds reason = DS_EMPTY_INITIALIZER;
    bool ready = dpu_lease_monitor_verdict(w->monitor, time_msec(), &reason);
    if (ready != w->was_ready) {
        w->was_ready = ready;
        w->transitions++;
        set_ready_metrics(ready);
        if (ready) {
            VLOG_INFO("DPU is ready: lease %s renewed", w->key);
        } else {
            VLOG_WARN("DPU is not ready: %s", ds_cstr(&reason));
        }
    }
    ds_destroy(&reason);
}

void
dpu_lease_watcher_wait(struct dpu_lease_watcher *w)
{
    if (!w->watch) {
        return;
    }
    k8s_watch_wait(w->watch);
    if (w->request) {
        k8s_request_wait(w->request);
    } else if (w->synced && time_msec() < w->retry_at) {
        /* A write or Node read is waiting out its backoff.  (Anything else
         * that is due was started by dpu_lease_watcher_run() already.) */
        poll_timer_wait_until(w->retry_at);
    }

    long long int next = dpu_lease_monitor_next_change(w->monitor,
                                                       time_msec());
    if (next != LLONG_MAX) {
        poll_timer_wait_until(next);
    }
}

bool
dpu_lease_watcher_is_synced(const struct dpu_lease_watcher *w)
{
    return !w->watch || w->synced;
}

bool
dpu_lease_watcher_is_ready(const struct dpu_lease_watcher *w,
                           struct ds *reason)
{
    return dpu_lease_monitor_verdict(w->monitor, time_msec(), reason);
}

void
dpu_lease_watcher_format(const struct dpu_lease_watcher *w, bool json,
                         struct ds *s)
{
    long long int now = time_msec();
    const cJSON *lease = w->watch ? k8s_watch_lookup(w->watch, w->key) : NULL;
    struct dpu_lease_observation obs = { NULL, 0, NULL };
    struct dpu_lease_monitor_stats stats;
    struct ds reason = DS_EMPTY_INITIALIZER;
    bool ready = dpu_lease_monitor_verdict(w->monitor, now, &reason);
    long long int next = dpu_lease_monitor_next_change(w->monitor, now);

    if (lease) {
        dpu_lease_object_observe(lease, &obs);
    }
    dpu_lease_monitor_get_stats(w->monitor, &stats);

    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", w->name);
        cJSON_AddStringToObject(o, "namespace", w->namespace);
        cJSON_AddBoolToObject(o, "enabled", w->watch != NULL);
        cJSON_AddBoolToObject(o, "exists", lease != NULL);
        if (obs.holder) {
            cJSON_AddStringToObject(o, "holder", obs.holder);
        }
        if (obs.duration) {
            cJSON_AddNumberToObject(o, "duration", obs.duration);
        }
        if (obs.renew_time) {
            cJSON_AddStringToObject(o, "renewTime", obs.renew_time);
        }
        if (stats.last_renewal != LLONG_MIN) {
            cJSON_AddNumberToObject(o, "lastObservedRenewalAgoMs",
                                    now - stats.last_renewal);
        }
        cJSON_AddBoolToObject(o, "ready", ready);
        if (!ready) {
            cJSON_AddStringToObject(o, "reason", ds_cstr(&reason));
        }
        if (ready && next != LLONG_MAX) {
            cJSON_AddNumberToObject(o, "expiresInMs", next - now);
        }
        cJSON_AddNumberToObject(o, "observations", stats.observations);
        cJSON_AddNumberToObject(o, "renewals", stats.renewals);
        cJSON_AddNumberToObject(o, "readFailures", stats.read_failures);
        cJSON_AddNumberToObject(o, "transitions", w->transitions);
        cJSON_AddNumberToObject(o, "creates", w->creates);
        cJSON_AddNumberToObject(o, "repairs", w->repairs);
        char *text = cJSON_Print(o);
        ds_put_format(s, "%s\n", text);
        cJSON_free(text);
        cJSON_Delete(o);
    } else {
        ds_put_format(s, "lease: %s\n", w->key);
        ds_put_format(s, "node: %s (uid %s)\n", w->node_name,
                      w->node_uid ? w->node_uid : "not yet read");
        dpu_lease_monitor_format(w->monitor, now, time_wall_msec(), s);
        ds_put_format(s, "verdict changes: %llu\n", w->transitions);
        ds_put_format(s, "lease created: %llu, repaired: %llu\n",
                      w->creates, w->repairs);
        if (w->last_write_error) {
            ds_put_format(s, "last write error: %s\n", w->last_write_error);
        }
        if (w->watch) {
            k8s_watch_format_status(w->watch, s);
        }
    }
    ds_destroy(&reason);
}
