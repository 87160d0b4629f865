/*
 * The metrics of the Kubernetes client and its watches (k8s-client.h,
 * k8s-watch.h), in the process-wide registry (metrics.h), which both
 * agents serve:
 *
 *   rest_client_requests_total{code, method, host}          counter
 *       Requests that the API server answered ('code' its HTTP status)
 *       or that failed without an answer ('code' "<error>"); requests
 *       the program canceled before any answer are not counted.
 *   rest_client_request_duration_seconds{verb, host}        histogram
 *       From the start of each request (not a watch) to its end.
 *   ovn_dpu_k8s_watch_{lists,relists,connects,failures,events}_total
 *                                   {resource}              counters
 *       The counts of struct k8s_watch_stats, summed over the watches of
 *       each resource ("pods", "leases", ...).
 *
 * The first two have client-go's names and labels, as every Kubernetes
 * component exports them.  'host' is the server's "host:port".
 */

#ifndef K8S_METRICS_H
#define K8S_METRICS_H 1

#include <stdbool.h>

/* Creates the metrics, if not done yet. */
void k8s_metrics_init(void);

/* The "host" label for API server URL 'server': its "host:port", to
 * free(). */
char *k8s_metrics_host(const char *server);

/* A request ended: 'method' is its HTTP method, 'http_status' 0 if no
 * answer came, 'ms' how long it took. */
void k8s_metrics_request(const char *host, const char *method,
                         int http_status, bool is_watch, long long int ms);

enum k8s_watch_metric {
    K8S_WATCH_METRIC_LISTS,
    K8S_WATCH_METRIC_RELISTS,
    K8S_WATCH_METRIC_CONNECTS,
    K8S_WATCH_METRIC_FAILURES,
    K8S_WATCH_METRIC_EVENTS,
    K8S_N_WATCH_METRICS
};

/* Counts one of 'which' for a watch of 'resource'. */
void k8s_metrics_watch(const char *resource, enum k8s_watch_metric which);

#endif /* k8s-metrics.h */
