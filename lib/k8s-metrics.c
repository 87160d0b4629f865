/*
 * The metrics of the Kubernetes client and its watches.  See
 * k8s-metrics.h.
 */

#include <config.h>

#include "k8s-metrics.h"

#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "util.h"

static struct metric *requests;
static struct metric *durations;
static struct metric *watch_metrics[K8S_N_WATCH_METRICS];

void
k8s_metrics_init(void)
{
    /* client-go's buckets, in seconds. */
    static const double buckets[] = {
        .005, .025, .1, .25, .5, 1, 2, 4, 8, 15, 30, 60
    };
    static const char *const watch_names[K8S_N_WATCH_METRICS][2] = {
        [K8S_WATCH_METRIC_LISTS] = {
            "ovn_dpu_k8s_watch_lists_total",
            "LIST requests of watched collections: the first ones, and "
            "relists." },
        [K8S_WATCH_METRIC_RELISTS] = {
            "ovn_dpu_k8s_watch_relists_total",
            "Lists forced by the API server's 410 Gone, when a watch could "
            "no longer resume." },
        [K8S_WATCH_METRIC_CONNECTS] = {
            "ovn_dpu_k8s_watch_connects_total",
            "Watch streams opened: after each list, and each time a stream "
            "ended and resumed." },
        [K8S_WATCH_METRIC_FAILURES] = {
            "ovn_dpu_k8s_watch_failures_total",
            "Lists and watch streams that failed, to be retried after a "
            "backoff." },
        [K8S_WATCH_METRIC_EVENTS] = {
            "ovn_dpu_k8s_watch_events_total",
            "Changes of watched objects handed to the agent." },
    };

    if (requests) {
        return;
    }
    struct metrics_registry *r = metrics_default();
    requests = metrics_counter_create(
        r, "rest_client_requests_total", "Number of HTTP requests to the "
        "Kubernetes API server, partitioned by status code, method, and "
        "host.", "code,method,host");
    durations = metrics_histogram_create(
        r, "rest_client_request_duration_seconds", "Request latency in "
        "seconds, broken down by verb and host (watches not included).",
        "verb,host", buckets, ARRAY_SIZE(buckets));
    for (size_t i = 0; i < K8S_N_WATCH_METRICS; i++) {
        watch_metrics[i] = metrics_counter_create(r, watch_names[i][0],
                                                  watch_names[i][1],
                                                  "resource");
    }
}

char *
k8s_metrics_host(const char *server)
{
    const char *start = strstr(server, "://");

    start = start ? start + 3 : server;
    return xmemdup0(start, strcspn(start, "/?#"));
}

void
k8s_metrics_request(const char *host, const char *method, int http_status,
                    bool is_watch, long long int ms)
{
    char code[16];

    if (http_status) {
        snprintf(code, sizeof code, "%d", http_status);
    } else {
        ovs_strlcpy(code, "<error>", sizeof code);
    }
    metrics_counter_inc(requests, code, method, host);
    if (!is_watch) {
        metrics_histogram_observe(durations, ms / 1000.0, method, host);
    }
}

void
k8s_metrics_watch(const char *resource, enum k8s_watch_metric which)
{
    metrics_counter_inc(watch_metrics[which], resource);
}
