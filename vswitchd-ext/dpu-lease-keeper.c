/*
 * The DPU side of the health lease.  See dpu-lease-keeper.h.
 */

#include <config.h>

#include "dpu-lease-keeper.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>

#include "dpu-lease.h"
#include "dpu-lease-object.h"
#include "k8s-client.h"
#include "k8s-object.h"
#include "metrics.h"
#include "micro-time.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "coverage.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(dpu_lease_keeper);

COVERAGE_DEFINE(lease_renewal);

/* Metrics (see dpu-lease-keeper.h). */
static struct metric *renewals_metric;
static struct metric *latency_metric;
static struct metric *last_renewal_metric;

struct dpu_lease_keeper {
    struct k8s_client *client;
    struct dpu_lease_renewer *renewer;
    int duration;

    char *node_name;
    char *node_uid;             /* Once known. */
    char *name;                 /* "ovn-dpu-<node>". */
    char *namespace;
    char *collection_path;      /* .../namespaces/<ns>/leases */
    char *lease_path;           /* .../namespaces/<ns>/leases/<name> */
    char *node_path;            /* /api/v1/nodes/<node> */

    enum dpu_lease_action action;   /* In flight, or NONE. */
    struct k8s_request *request;
    cJSON *lease;               /* As last read or written, or NULL. */
    char *last_renew_time;      /* renewTime of the last successful write. */
    long long int created;      /* time_msec() at creation. */
    long long int renewal_due;  /* When the renewal in progress (through
                                 * retries and detours) was due, or
                                 * LLONG_MIN between renewals. */
};

static void
metrics_init(void)
{
    static const double buckets[] = {
        .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 40
    };

    if (renewals_metric) {
        return;
    }
    struct metrics_registry *r = metrics_default();
    renewals_metric = metrics_counter_create(
        r, "ovn_dpu_controller_lease_renewals_total", "Requests for the "
        "DPU health lease by result: ok (renewed), conflict (written by "
        "another meanwhile), failure (of any request for it).", "result");
    latency_metric = metrics_histogram_create(
        r, "ovn_dpu_controller_lease_renewal_latency_seconds", "From the "
        "instant each lease renewal was due to the API server's answer "
        "that it was written, retries included.", NULL, buckets,
        ARRAY_SIZE(buckets));
    last_renewal_metric = metrics_gauge_create(
        r, "ovn_dpu_controller_lease_last_renewal_timestamp_seconds",
        "When the DPU health lease was last renewed (or the agent "
        "started), in seconds since the epoch.", NULL);
}

static void
dpu_lease_keeper_collect(void *k_)
{
    const struct dpu_lease_keeper *k = k_;
    struct dpu_lease_renewer_stats stats;

    dpu_lease_renewer_get_stats(k->renewer, &stats);
    metrics_counter_set(renewals_metric, stats.renewals, "ok");
    metrics_counter_set(renewals_metric, stats.conflicts, "conflict");
    metrics_counter_set(renewals_metric, stats.failures, "failure");
}

struct dpu_lease_keeper *
dpu_lease_keeper_create(const struct k8s_config *k8s_config,
                        const char *node_name,
                        const struct dpu_lease_config *config)
{
    struct dpu_lease_keeper *k = xzalloc(sizeof *k);

    k->client = k8s_client_create(k8s_config, "ovn-dpu-controller/lease");
    /* A renewal stuck on an unhealthy API server (one whose etcd is away
     * holds requests for up to a minute) is worth nothing once the next
     * one is due: give up on it after one renew interval, at least 2 s, so
     * that renewals are retried while the lease is still valid. */
    k8s_client_set_request_timeout(
        k->client, MAX(config->interval, 2) * 1000);
    k->renewer = dpu_lease_renewer_create(config->interval,
                                          config->duration);
    k->duration = config->duration;
    k->node_name = xstrdup(node_name);
    k->name = dpu_lease_name(node_name);
    k->namespace = xstrdup(config->namespace);
    k->collection_path = k8s_leases_path(k->namespace);
    k->lease_path = k8s_lease_path(k->namespace, k->name);
    k->node_path = k8s_node_path(node_name);
    k->action = DPU_LEASE_ACTION_NONE;
    k->created = time_msec();
    k->renewal_due = LLONG_MIN;
    metrics_init();
    metrics_gauge_set(last_renewal_metric, time_wall_msec() / 1000.0);
    metrics_collector_register(metrics_default(), dpu_lease_keeper_collect,
                               k);
    return k;
}

void
dpu_lease_keeper_destroy(struct dpu_lease_keeper *k)
{
    if (k) {
        metrics_collector_unregister(metrics_default(),
                                     dpu_lease_keeper_collect, k);
        k8s_request_destroy(k->request);
        k8s_client_destroy(k->client);
        dpu_lease_renewer_destroy(k->renewer);
        cJSON_Delete(k->lease);
        free(k->node_name);
        free(k->node_uid);
        free(k->name);
        free(k->namespace);
        free(k->collection_path);
        free(k->lease_path);
        free(k->node_path);
        free(k->last_renew_time);
        free(k);
    }
}

static char *
now_micro_time(void)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    micro_time_format(time_wall_usec(), &s);
    return ds_steal_cstr(&s);
}

static void
dpu_lease_keeper_start(struct dpu_lease_keeper *k, enum dpu_lease_action a)
{
    char *renew_time = NULL;
    cJSON *body = NULL;

    k->action = a;
    switch (a) {
    case DPU_LEASE_ACTION_NONE:
        OVS_NOT_REACHED();

    case DPU_LEASE_ACTION_GET_NODE:
        k->request = k8s_request_get(k->client, k->node_path);
        break;

    case DPU_LEASE_ACTION_READ:
        k->request = k8s_request_get(k->client, k->lease_path);
        break;

    case DPU_LEASE_ACTION_UPDATE:
        /* The machine asks to update only a lease it has read or
         * written. */
        ovs_assert(k->lease);
        renew_time = now_micro_time();
        body = cJSON_Duplicate(k->lease, true);
        dpu_lease_object_renew(body, k->duration, renew_time);
        k->request = k8s_request_update(k->client, k->lease_path, body);
        break;

    case DPU_LEASE_ACTION_CREATE:
        renew_time = now_micro_time();
        body = dpu_lease_object_new(k->name, k->namespace, k->node_name,
                                    k->node_uid ? k->node_uid : "",
                                    k->duration, renew_time);
        k->request = k8s_request_create(k->client, k->collection_path, body);
        break;
    }
    cJSON_Delete(body);
    free(renew_time);
}

/* Handles the outcome of the request in flight. */
static void
dpu_lease_keeper_finish(struct dpu_lease_keeper *k)
{
    const struct k8s_result *r = k8s_request_result(k->request);
    enum dpu_lease_outcome outcome;
    long long int now = time_msec();

    if (k8s_result_ok(r)) {
        outcome = DPU_LEASE_OK;
        cJSON *body = k8s_request_steal_body(k->request);

        switch (k->action) {
        case DPU_LEASE_ACTION_GET_NODE: {
            const char *uid = k8s_object_metadata(body, "uid");
            if (uid && uid[0]) {
                free(k->node_uid);
                k->node_uid = xstrdup(uid);
                dpu_lease_renewer_set_node_known(k->renewer, true);
            } else {
                outcome = DPU_LEASE_FAILED;
            }
            cJSON_Delete(body);
            break;
        }
        case DPU_LEASE_ACTION_READ:
        case DPU_LEASE_ACTION_UPDATE:
        case DPU_LEASE_ACTION_CREATE:
            if (k8s_object_metadata(body, "resourceVersion")) {
                if (k->action != DPU_LEASE_ACTION_READ) {
                    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(
                        body, "spec");
                    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(
                        spec, "renewTime");
                    free(k->last_renew_time);
                    k->last_renew_time = (cJSON_IsString(rt)
                                          ? xstrdup(rt->valuestring) : NULL);
                    VLOG_DBG("renewed lease %s/%s: %s", k->namespace,
                             k->name, k->last_renew_time);
                    metrics_histogram_observe(
                        latency_metric, (now - k->renewal_due) / 1000.0);
                    metrics_gauge_set(last_renewal_metric,
                                      time_wall_msec() / 1000.0);
                    k->renewal_due = LLONG_MIN;
                    COVERAGE_INC(lease_renewal);
                }
                cJSON_Delete(k->lease);
                k->lease = body;
            } else {
                cJSON_Delete(body);
                outcome = DPU_LEASE_FAILED;
            }
            break;
        case DPU_LEASE_ACTION_NONE:
        default:
            OVS_NOT_REACHED();
        }
    } else if (k8s_result_is_already_exists(r)) {
        outcome = DPU_LEASE_ALREADY_EXISTS;
    } else if (k8s_result_is_conflict(r)) {
        outcome = DPU_LEASE_CONFLICT;
    } else if (k8s_result_is_not_found(r)) {
        outcome = DPU_LEASE_NOT_FOUND;
        if (k->action == DPU_LEASE_ACTION_GET_NODE) {
            /* Without its Node the lease cannot be created. */
            outcome = DPU_LEASE_FAILED;
        }
    } else {
        outcome = DPU_LEASE_FAILED;
    }

    if (outcome == DPU_LEASE_FAILED) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 30);
        const char *error = r->error ? r->error : "response without metadata";
        VLOG_WARN_RL(&rl, "lease %s/%s: %s", k->namespace, k->name, error);
        dpu_lease_renewer_done(k->renewer, now, outcome, error);
    } else {
        if (outcome == DPU_LEASE_NOT_FOUND) {
            VLOG_INFO("lease %s/%s does not exist, creating it",
                      k->namespace, k->name);
        } else if (outcome == DPU_LEASE_CONFLICT) {
            VLOG_DBG("lease %s/%s changed under us, reading it again",
                     k->namespace, k->name);
        }
        dpu_lease_renewer_done(k->renewer, now, outcome, NULL);
        if (outcome == DPU_LEASE_NOT_FOUND) {
            /* The lease may be gone because its Node was deleted (the
             * garbage collector follows the owner reference), so read the
             * Node again rather than recreate the lease with a uid that may
             * be stale. */
            free(k->node_uid);
            k->node_uid = NULL;
            dpu_lease_renewer_set_node_known(k->renewer, false);
        }
    }
    k8s_request_destroy(k->request);
    k->request = NULL;
    k->action = DPU_LEASE_ACTION_NONE;
}

void
dpu_lease_keeper_run(struct dpu_lease_keeper *k)
{
    k8s_client_run(k->client);
    if (k->request && k8s_request_is_done(k->request)) {
        dpu_lease_keeper_finish(k);
    }
    if (!k->request) {
        long long int now = time_msec();
        long long int due = dpu_lease_renewer_next_wakeup(k->renewer);
        enum dpu_lease_action a = dpu_lease_renewer_next(k->renewer, now);
        if (a != DPU_LEASE_ACTION_NONE) {
            if (k->renewal_due == LLONG_MIN) {
                /* A new renewal begins: it was due at the renewer's
                 * wakeup time, or at creation for the first one. */
                k->renewal_due = MIN(MAX(due, k->created), now);
            }
            dpu_lease_keeper_start(k, a);
        }
    }
}

void
dpu_lease_keeper_wait(struct dpu_lease_keeper *k)
{
    k8s_client_wait(k->client);
    if (k->request) {
        k8s_request_wait(k->request);
    } else {
        long long int when = dpu_lease_renewer_next_wakeup(k->renewer);
        if (when != LLONG_MAX) {
            poll_timer_wait_until(when);
        }
    }
}

void
dpu_lease_keeper_format(const struct dpu_lease_keeper *k, bool json,
                        struct ds *s)
{
    long long int now = time_msec();
    struct dpu_lease_renewer_stats stats;
    const char *error = dpu_lease_renewer_last_error(k->renewer);

    dpu_lease_renewer_get_stats(k->renewer, &stats);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", k->name);
        cJSON_AddStringToObject(o, "namespace", k->namespace);
        cJSON_AddStringToObject(o, "holder", DPU_LEASE_HOLDER);
        cJSON_AddNumberToObject(o, "duration", k->duration);
        if (k->last_renew_time) {
            cJSON_AddStringToObject(o, "renewTime", k->last_renew_time);
        }
        if (stats.last_renewal != LLONG_MIN) {
            cJSON_AddNumberToObject(o, "lastRenewalAgoMs",
                                    now - stats.last_renewal);
        }
        cJSON_AddNumberToObject(o, "renewals", stats.renewals);
        cJSON_AddNumberToObject(o, "conflicts", stats.conflicts);
        cJSON_AddNumberToObject(o, "failures", stats.failures);
        cJSON_AddNumberToObject(o, "requests", stats.requests);
        if (error) {
            cJSON_AddStringToObject(o, "lastError", error);
        }
        char *text = cJSON_Print(o);
        ds_put_format(s, "%s\n", text);
        cJSON_free(text);
        cJSON_Delete(o);
        return;
    }

    ds_put_format(s, "lease: %s/%s\n", k->namespace, k->name);
    ds_put_format(s, "holder: %s\n", DPU_LEASE_HOLDER);
    ds_put_format(s, "node: %s (uid %s)\n", k->node_name,
                  k->node_uid ? k->node_uid : "not yet read");
    ds_put_format(s, "last renewTime written: %s\n",
                  k->last_renew_time ? k->last_renew_time : "(none)");
    dpu_lease_renewer_format(k->renewer, now, s);
}
