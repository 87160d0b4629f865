/*
 * Prometheus metrics: a registry of counters, gauges and histograms that a
 * program updates as things happen, and that renders itself in the
 * Prometheus text exposition format, version 0.0.4, for the /metrics
 * endpoint (metrics-server.h) and for "ovs-appctl metrics/show".
 *
 * A metric (a "family" in Prometheus' words) has a name, a help text, a
 * type and a fixed list of label names.  Each distinct list of label
 * values is a series, created on first use.  A metric without labels has
 * exactly one series, which always exists (so it renders as 0 before the
 * first update); a labelled metric renders only the series used so far.
 *
 *     static struct metric *requests;
 *
 *     requests = metrics_counter_create(metrics_default(),
 *         "ovn_dpu_example_requests_total", "Requests by verb and result.",
 *         "verb,result");
 *     ...
 *     metrics_counter_inc(requests, "GET", "ok");
 *
 * Label values are passed after the other arguments, one string per label
 * name, in the order of the names.  A call with the wrong number of values
 * is a bug: it is logged (rate-limited) and ignored, never fatal.
 *
 * What it is not: there are no threads and no locks (everything runs on
 * the poll loop that renders), no summaries, no timestamps, and only the
 * text format.
 *
 * Cost.  Updating a metric without labels is a pointer test and an
 * addition.  With labels, each update hashes the values and looks them up
 * in a hash map (tens of nanoseconds for two short values); the first use
 * of a set of values allocates its series.  The work of formatting is done
 * only when something renders the registry.
 *
 * Bounds.  A labelled metric holds at most METRICS_DEFAULT_MAX_SERIES
 * series (metrics_set_max_series() changes it): an update that would
 * create one more is dropped, counted in
 * "ovn_dpu_metrics_series_dropped_total{metric=NAME}" and logged once per
 * metric.  Label values that are not valid UTF-8 (which Prometheus would
 * reject, failing the whole scrape) have each bad byte replaced by U+FFFD.
 *
 * Every update function accepts a null 'struct metric *' and does nothing,
 * so that code can be instrumented before (or without) creating its
 * metrics.  A 'struct metric *' stays valid as long as its registry; the
 * process-wide one, metrics_default(), is never destroyed.
 *
 * Measured (bench/metrics-bench, one core of a shared machine): an update
 * without labels about 3 ns, with two labels about 40 ns, rendering the
 * 4,000 lines of 200 pods' metrics about 0.5 ms.
 */

#ifndef METRICS_H
#define METRICS_H 1

#include <stdbool.h>
#include <stddef.h>

struct ds;
struct metric;
struct metrics_registry;

/* Registries. */

struct metrics_registry *metrics_registry_create(void);
void metrics_registry_destroy(struct metrics_registry *);

/* The process-wide registry, created on first use: the one the program's
 * modules create their metrics in and the one its /metrics serves. */
struct metrics_registry *metrics_default(void);

/* Creating metrics.
 *
 * 'name' must match [a-zA-Z_:][a-zA-Z0-9_:]*, 'labels' is a
 * comma-separated list of label names, each matching
 * [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__" (a histogram may not
 * use "le"), or "" or NULL for none.  By Prometheus convention a counter's
 * name ends in "_total" and names carry their unit ("_seconds",
 * "_bytes").  'help' is one line of text.
 *
 * Creating a metric that already exists in the registry with the same
 * type, labels and buckets returns the existing one, so a module may
 * create its metrics each time it is instantiated.  A bad name, or an
 * existing metric of that name that differs, is a bug: the program
 * aborts with a message that says which. */
struct metric *metrics_counter_create(struct metrics_registry *,
                                      const char *name, const char *help,
                                      const char *labels);
struct metric *metrics_gauge_create(struct metrics_registry *,
                                    const char *name, const char *help,
                                    const char *labels);

/* A histogram counts observations into buckets: 'buckets' holds the
 * 'n_buckets' upper bounds (inclusive, as Prometheus' "le" says), finite
 * and strictly increasing; the "+Inf" bucket is added.  It also keeps the
 * sum and the count of observations. */
struct metric *metrics_histogram_create(struct metrics_registry *,
                                        const char *name, const char *help,
                                        const char *labels,
                                        const double *buckets,
                                        size_t n_buckets);

/* Fills 'buckets' with 'n' upper bounds: 'start', 'start * factor', ...
 * (start > 0, factor > 1), like the Prometheus client's
 * ExponentialBuckets(). */
void metrics_buckets_exponential(double start, double factor, size_t n,
                                 double *buckets);
/* Prometheus' default buckets, in seconds: from 5 ms to 10 s. */
#define METRICS_DEFAULT_BUCKETS \
    { .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10 }

/* How many series a labelled metric may hold. */
#define METRICS_DEFAULT_MAX_SERIES 1024
void metrics_set_max_series(struct metric *, size_t max);

/* Updating metrics.  The trailing arguments are the label values, none
 * for a metric without labels.  These are macros around the functions
 * below, which take the values as an array. */

/* Counters only go up: a negative or NaN 'value' is ignored. */
#define metrics_counter_inc(METRIC, ...) \
    metrics_counter_addv(METRIC, 1, METRICS_VALUES__(__VA_ARGS__))
#define metrics_counter_add(METRIC, VALUE, ...) \
    metrics_counter_addv(METRIC, VALUE, METRICS_VALUES__(__VA_ARGS__))
/* For a counter that mirrors a count kept elsewhere (by the kernel, or by
 * a module for its own "ovs-appctl" output), set from a collector: the
 * count itself, which must never go down.  A value below the current one
 * is ignored. */
#define metrics_counter_set(METRIC, VALUE, ...) \
    metrics_counter_setv(METRIC, VALUE, METRICS_VALUES__(__VA_ARGS__))

#define metrics_gauge_set(METRIC, VALUE, ...) \
    metrics_gauge_setv(METRIC, VALUE, METRICS_VALUES__(__VA_ARGS__))
#define metrics_gauge_add(METRIC, VALUE, ...) \
    metrics_gauge_addv(METRIC, VALUE, METRICS_VALUES__(__VA_ARGS__))
#define metrics_gauge_inc(METRIC, ...) \
    metrics_gauge_addv(METRIC, 1, METRICS_VALUES__(__VA_ARGS__))
#define metrics_gauge_dec(METRIC, ...) \
    metrics_gauge_addv(METRIC, -1, METRICS_VALUES__(__VA_ARGS__))

#define metrics_histogram_observe(METRIC, VALUE, ...) \
    metrics_histogram_observev(METRIC, VALUE, METRICS_VALUES__(__VA_ARGS__))

/* Forgets one series of a labelled metric (e.g. the one of a pod that is
 * gone), so that it is no longer rendered.  Nothing happens if it does
 * not exist.  On a metric without labels, resets its one series to 0. */
#define metrics_remove(METRIC, ...) \
    metrics_removev(METRIC, METRICS_VALUES__(__VA_ARGS__))
/* Forgets every series of 'metric' (resets a metric without labels). */
void metrics_clear(struct metric *);

/* The same, with the 'n' label values in 'values'. */
void metrics_counter_addv(struct metric *, double value,
                          size_t n, const char *const *values);
void metrics_counter_setv(struct metric *, double value,
                          size_t n, const char *const *values);
void metrics_gauge_setv(struct metric *, double value,
                        size_t n, const char *const *values);
void metrics_gauge_addv(struct metric *, double value,
                        size_t n, const char *const *values);
void metrics_histogram_observev(struct metric *, double value,
                                size_t n, const char *const *values);
void metrics_removev(struct metric *, size_t n, const char *const *values);

/* Expands the label values of the macros above into "n, values": the
 * leading null keeps the array non-empty when there are none. */
#define METRICS_VALUES__(...)                                           \
    (sizeof ((const char *[]) { NULL, ##__VA_ARGS__ })                  \
     / sizeof (const char *) - 1),                                      \
    ((const char *const []) { NULL, ##__VA_ARGS__ }) + 1

/* Reading a value back, for tests and for code that reports it elsewhere
 * too: the value of a counter or gauge series, or the count of a
 * histogram series; 0 if the series does not exist. */
#define metrics_get(METRIC, ...) \
    metrics_getv(METRIC, METRICS_VALUES__(__VA_ARGS__))
double metrics_getv(const struct metric *,
                    size_t n, const char *const *values);

/* Collectors: functions called just before each rendering, to set gauges
 * from the program's state (e.g. how many bindings are in each state)
 * rather than tracking every change. */
void metrics_collector_register(struct metrics_registry *,
                                void (*collect)(void *aux), void *aux);
void metrics_collector_unregister(struct metrics_registry *,
                                  void (*collect)(void *aux), void *aux);

/* Rendering.  Runs the collectors, then appends every metric to 'out' in
 * the text exposition format 0.0.4: metrics sorted by name, each with its
 * "# HELP" and "# TYPE" lines, its series sorted by their label values.
 * A labelled metric with no series is left out.  With a nonnull
 * 'name_prefix', only the metrics whose name starts with it. */
void metrics_render(struct metrics_registry *, const char *name_prefix,
                    struct ds *out);

/* The Content-Type of what metrics_render() produces. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Registers the "metrics/show [PREFIX]" unixctl command, which prints
 * metrics_render() of 'registry'. */
void metrics_unixctl_register(struct metrics_registry *);

#endif /* metrics.h */
