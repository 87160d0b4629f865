/*
 * Prometheus metrics: the registry, updates, and rendering in the text
 * exposition format 0.0.4 (see metrics.h).
 *
 * The format, in short (Prometheus' "Exposition formats" documentation):
 *
 *     # HELP <name> <help, with \ and newline escaped>
 *     # TYPE <name> counter|gauge|histogram
 *     <name>{<label>="<value, with \ " and newline escaped>",...} <float>
 *
 * and for a histogram, per series, one "<name>_bucket" line per bucket
 * with the cumulative count and an extra "le" label ("+Inf" for the last),
 * then "<name>_sum" and "<name>_count".  Floats are Go's: "+Inf", "-Inf",
 * "NaN", or anything strtod() reads back exactly.
 */

#include <config.h>

#include "metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(metrics);

enum metric_type {
    METRIC_COUNTER,
    METRIC_GAUGE,
    METRIC_HISTOGRAM,
};

static const char *const metric_type_names[] = {
    [METRIC_COUNTER] = "counter",
    [METRIC_GAUGE] = "gauge",
    [METRIC_HISTOGRAM] = "histogram",
};

/* One set of label values and what has been recorded for it. */
struct metric_series {
    struct hmap_node node;      /* In 'struct metric''s 'series'. */
    char **values;              /* The label values as given, for lookup. */
    char *labels;               /* Rendered: a="x",b="y" ("" if none). */

    double value;               /* Counter or gauge. */

    uint64_t *buckets;          /* Histogram: 'n_buckets' + 1 counts, each
                                 * of its own bucket (not cumulative), the
                                 * last one for +Inf. */
    double sum;                 /* Histogram: sum of observations. */
    uint64_t count;             /* Histogram: number of observations. */
};

struct metric {
    struct metrics_registry *registry;
    char *name;
    char *help;
    enum metric_type type;

    char **label_names;
    size_t n_labels;

    double *bounds;             /* Histogram: upper bounds of the buckets, */
    char **les;                 /* ...and how they render as "le". */
    size_t n_buckets;           /* Not counting +Inf. */

    struct hmap series;         /* Contains "struct metric_series"s. */
    struct metric_series *only; /* The series when 'n_labels' is 0. */
    size_t max_series;
    bool warned_full;           /* Logged that 'max_series' was reached? */
};

struct metrics_collector {
    struct ovs_list list_node;  /* In 'collectors'. */
    void (*collect)(void *aux);
    void *aux;
};

struct metrics_registry {
    struct shash metrics;       /* Name -> "struct metric". */
    struct ovs_list collectors; /* Contains "struct metrics_collector"s. */
    struct metric *dropped;     /* ovn_dpu_metrics_series_dropped_total. */
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

static void metric_destroy(struct metric *);
static void series_destroy(struct metric *, struct metric_series *);
static void format_value(double, struct ds *);

/* Registries. */

struct metrics_registry *
metrics_registry_create(void)
{
    struct metrics_registry *registry = xzalloc(sizeof *registry);
    shash_init(&registry->metrics);
    ovs_list_init(&registry->collectors);
    registry->dropped = metrics_counter_create(
        registry, "ovn_dpu_metrics_series_dropped_total",
        "Updates dropped because the metric already had as many label "
        "sets as it may hold.", "metric");
    /* Its label sets are bounded by the number of metrics. */
    registry->dropped->max_series = SIZE_MAX;
    return registry;
}

void
metrics_registry_destroy(struct metrics_registry *registry)
{
    if (!registry) {
        return;
    }
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &registry->metrics) {
        metric_destroy(node->data);
        shash_delete(&registry->metrics, node);
    }
    shash_destroy(&registry->metrics);
    struct metrics_collector *c;
    LIST_FOR_EACH_POP (c, list_node, &registry->collectors) {
        free(c);
    }
    free(registry);
}

struct metrics_registry *
metrics_default(void)
{
    static struct metrics_registry *registry;

    if (!registry) {
        registry = metrics_registry_create();
    }
    return registry;
}

/* Creating metrics. */

static bool
is_name_char(char c, bool first, bool colon_ok)
{
    return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
            || (colon_ok && c == ':') || (!first && c >= '0' && c <= '9'));
}

static bool
is_valid_name(const char *s, bool colon_ok)
{
    if (!*s) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (!is_name_char(*p, p == s, colon_ok)) {
            return false;
        }
    }
    return true;
}

/* Splits 'labels' ("a,b", "" or NULL) into 'metric''s label names, or
 * aborts if one is not a valid label name. */
static void
parse_label_names(struct metric *metric, const char *labels)
{
    if (!labels || !*labels) {
        return;
    }
    char *copy = xstrdup(labels);
    char *save_ptr = NULL;
    size_t allocated = 0;
    for (char *label = strtok_r(copy, ",", &save_ptr); label;
         label = strtok_r(NULL, ",", &save_ptr)) {
        if (!is_valid_name(label, false) || !strncmp(label, "__", 2)
            || (metric->type == METRIC_HISTOGRAM && !strcmp(label, "le"))) {
            ovs_abort(0, "metric %s: \"%s\" is not a valid label name",
                      metric->name, label);
        }
        for (size_t i = 0; i < metric->n_labels; i++) {
            if (!strcmp(metric->label_names[i], label)) {
                ovs_abort(0, "metric %s: label \"%s\" given twice",
                          metric->name, label);
            }
        }
        if (metric->n_labels >= allocated) {
            metric->label_names = x2nrealloc(metric->label_names, &allocated,
                                             sizeof *metric->label_names);
        }
        metric->label_names[metric->n_labels++] = xstrdup(label);
    }
    free(copy);
}

static bool
same_definition(const struct metric *a, const struct metric *b)
{
    if (a->type != b->type || a->n_labels != b->n_labels
        || a->n_buckets != b->n_buckets) {
        return false;
    }
    for (size_t i = 0; i < a->n_labels; i++) {
        if (strcmp(a->label_names[i], b->label_names[i])) {
            return false;
        }
    }
    for (size_t i = 0; i < a->n_buckets; i++) {
        if (a->bounds[i] != b->bounds[i]) {
            return false;
        }
    }
    return true;
}

static struct metric_series *series_create(struct metric *, size_t hash,
                                           const char *const *values);

static struct metric *
metric_create(struct metrics_registry *registry, enum metric_type type,
              const char *name, const char *help, const char *labels,
              const double *bounds, size_t n_buckets)
{
    struct metric *metric = xzalloc(sizeof *metric);
    metric->registry = registry;
    metric->name = xstrdup(name);
    metric->help = xstrdup(help ? help : "");
    metric->type = type;
    hmap_init(&metric->series);
    metric->max_series = METRICS_DEFAULT_MAX_SERIES;

    if (!is_valid_name(name, true)) {
        ovs_abort(0, "\"%s\" is not a valid metric name", name);
    }
    parse_label_names(metric, labels);

    if (type == METRIC_HISTOGRAM) {
        metric->n_buckets = n_buckets;
        metric->bounds = (n_buckets
                          ? xmemdup(bounds, n_buckets * sizeof *bounds)
                          : NULL);
        metric->les = xmalloc(n_buckets * sizeof *metric->les);
        for (size_t i = 0; i < n_buckets; i++) {
            if (!isfinite(bounds[i]) || (i && bounds[i] <= bounds[i - 1])) {
                ovs_abort(0, "metric %s: buckets must be finite and "
                          "strictly increasing", name);
            }
            struct ds le = DS_EMPTY_INITIALIZER;
            format_value(bounds[i], &le);
            metric->les[i] = ds_steal_cstr(&le);
        }
    }

    struct metric *old = shash_find_data(&registry->metrics, name);
    if (old) {
        if (!same_definition(old, metric)) {
            ovs_abort(0, "metric %s created twice with different types, "
                      "labels or buckets", name);
        }
        metric_destroy(metric);
        return old;
    }
    shash_add(&registry->metrics, name, metric);
    if (!metric->n_labels) {
        metric->only = series_create(metric, 0, NULL);
    }
    return metric;
}

struct metric *
metrics_counter_create(struct metrics_registry *registry, const char *name,
                       const char *help, const char *labels)
{
    return metric_create(registry, METRIC_COUNTER, name, help, labels,
                         NULL, 0);
}

struct metric *
metrics_gauge_create(struct metrics_registry *registry, const char *name,
                     const char *help, const char *labels)
{
    return metric_create(registry, METRIC_GAUGE, name, help, labels,
                         NULL, 0);
}

struct metric *
metrics_histogram_create(struct metrics_registry *registry, const char *name,
                         const char *help, const char *labels,
                         const double *buckets, size_t n_buckets)
{
    return metric_create(registry, METRIC_HISTOGRAM, name, help, labels,
                         buckets, n_buckets);
}

void
metrics_buckets_exponential(double start, double factor, size_t n,
                            double *buckets)
{
    ovs_assert(start > 0 && factor > 1);
    for (size_t i = 0; i < n; i++) {
        buckets[i] = start;
        start *= factor;
    }
}

void
metrics_set_max_series(struct metric *metric, size_t max)
{
    if (metric) {
        metric->max_series = max;
    }
}

static void
metric_destroy(struct metric *metric)
{
    metrics_clear(metric);
    if (metric->only) {
        series_destroy(metric, metric->only);
    }
    hmap_destroy(&metric->series);
    for (size_t i = 0; i < metric->n_labels; i++) {
        free(metric->label_names[i]);
    }
    free(metric->label_names);
    for (size_t i = 0; i < metric->n_buckets; i++) {
        free(metric->les[i]);
    }
    free(metric->les);
    free(metric->bounds);
    free(metric->name);
    free(metric->help);
    free(metric);
}

/* Series. */

/* Appends 's' to 'out' with every byte that is not part of a valid UTF-8
 * sequence replaced by U+FFFD, and with \, " and newline escaped as the
 * text format wants them in a label value. */
static void
put_label_value(const char *s_, struct ds *out)
{
    const unsigned char *s = (const unsigned char *) s_;

    while (*s) {
        unsigned char c = *s;
        size_t len;
        if (c < 0x80) {
            if (c == '\\') {
                ds_put_cstr(out, "\\\\");
            } else if (c == '"') {
                ds_put_cstr(out, "\\\"");
            } else if (c == '\n') {
                ds_put_cstr(out, "\\n");
            } else {
                ds_put_char(out, c);
            }
            s++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
        } else {
            len = 0;
        }

        /* The second byte's range excludes overlong forms, surrogates and
         * code points above U+10FFFF (RFC 3629, section 4). */
        unsigned char lo = 0x80, hi = 0xbf;
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        } else if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }
        bool valid = len > 0;
        for (size_t i = 1; valid && i < len; i++) {
            unsigned char lo_i = i == 1 ? lo : 0x80;
            unsigned char hi_i = i == 1 ? hi : 0xbf;
            valid = s[i] >= lo_i && s[i] <= hi_i;
        }
        if (valid) {
            ds_put_buffer(out, (const char *) s, len);
            s += len;
        } else {
            ds_put_cstr(out, "\xef\xbf\xbd");
            s++;
        }
    }
}

static size_t
hash_values(size_t n, const char *const *values)
{
    uint32_t hash = 0;
    for (size_t i = 0; i < n; i++) {
        hash = hash_string(values[i] ? values[i] : "", hash);
    }
    return hash;
}

static struct metric_series *
series_create(struct metric *metric, size_t hash,
              const char *const *values)
{
    struct metric_series *series = xzalloc(sizeof *series);
    struct ds labels = DS_EMPTY_INITIALIZER;

    if (metric->n_labels) {
        series->values = xmalloc(metric->n_labels * sizeof *series->values);
    }
    for (size_t i = 0; i < metric->n_labels; i++) {
        const char *value = values[i] ? values[i] : "";
        series->values[i] = xstrdup(value);
        if (i) {
            ds_put_char(&labels, ',');
        }
        ds_put_format(&labels, "%s=\"", metric->label_names[i]);
        put_label_value(value, &labels);
        ds_put_char(&labels, '"');
    }
    series->labels = ds_steal_cstr(&labels);
    if (metric->type == METRIC_HISTOGRAM) {
        series->buckets = xcalloc(metric->n_buckets + 1,
                                  sizeof *series->buckets);
    }
    if (metric->n_labels) {
        hmap_insert(&metric->series, &series->node, hash);
    }
    return series;
}

static void
series_destroy(struct metric *metric, struct metric_series *series)
{
    if (series->values) {
        for (size_t i = 0; i < metric->n_labels; i++) {
            free(series->values[i]);
        }
        free(series->values);
    }
    free(series->labels);
    free(series->buckets);
    free(series);
}

static void
series_reset(struct metric *metric, struct metric_series *series)
{
    series->value = 0;
    series->sum = 0;
    series->count = 0;
    if (series->buckets) {
        memset(series->buckets, 0,
               (metric->n_buckets + 1) * sizeof *series->buckets);
    }
}

static bool
check_values(const struct metric *metric, size_t n)
{
    if (n != metric->n_labels) {
        VLOG_ERR_RL(&rl, "metric %s has %"PRIuSIZE" labels, but an update "
                    "gave %"PRIuSIZE" values: ignored", metric->name,
                    metric->n_labels, n);
        return false;
    }
    return true;
}

static struct metric_series *
series_find(const struct metric *metric, size_t hash, size_t n,
            const char *const *values)
{
    struct metric_series *series;
    HMAP_FOR_EACH_WITH_HASH (series, node, hash, &metric->series) {
        size_t i;
        for (i = 0; i < n; i++) {
            if (strcmp(series->values[i], values[i] ? values[i] : "")) {
                break;
            }
        }
        if (i == n) {
            return series;
        }
    }
    return NULL;
}

/* Returns the series of 'metric' for 'values', creating it if needed, or
 * NULL if the values are the wrong number or the metric is full. */
static struct metric_series *
series_get(struct metric *metric, size_t n, const char *const *values)
{
    if (!n && metric->only) {
        return metric->only;
    }
    if (!check_values(metric, n)) {
        return NULL;
    }

    size_t hash = hash_values(n, values);
    struct metric_series *series = series_find(metric, hash, n, values);
    if (series) {
        return series;
    }
    if (hmap_count(&metric->series) >= metric->max_series) {
        if (!metric->warned_full) {
            metric->warned_full = true;
            VLOG_WARN("metric %s has reached its limit of %"PRIuSIZE" label "
                      "sets: updates of new ones are dropped (counted in "
                      "ovn_dpu_metrics_series_dropped_total)",
                      metric->name, metric->max_series);
        }
        metrics_counter_inc(metric->registry->dropped, metric->name);
        return NULL;
    }
    return series_create(metric, hash, values);
}

static bool
check_type(const struct metric *metric, enum metric_type type,
           const char *what)
{
    if (metric->type != type) {
        VLOG_ERR_RL(&rl, "metric %s is a %s: %s ignored", metric->name,
                    metric_type_names[metric->type], what);
        return false;
    }
    return true;
}

void
metrics_counter_addv(struct metric *metric, double value,
                     size_t n, const char *const *values)
{
    if (!metric || !check_type(metric, METRIC_COUNTER, "counter update")) {
        return;
    }
    if (!(value >= 0)) {
        VLOG_ERR_RL(&rl, "counter %s: adding %g ignored (counters only go "
                    "up)", metric->name, value);
        return;
    }
    struct metric_series *series = series_get(metric, n, values);
    if (series) {
        series->value += value;
    }
}

void
metrics_counter_setv(struct metric *metric, double value,
                     size_t n, const char *const *values)
{
    if (!metric || !check_type(metric, METRIC_COUNTER, "counter update")) {
        return;
    }
    struct metric_series *series = series_get(metric, n, values);
    if (!series) {
        return;
    }
    if (!(value >= series->value)) {
        VLOG_ERR_RL(&rl, "counter %s: setting %g below %g ignored (counters "
                    "only go up)", metric->name, value, series->value);
        return;
    }
    series->value = value;
}

void
metrics_gauge_setv(struct metric *metric, double value,
                   size_t n, const char *const *values)
{
    if (!metric || !check_type(metric, METRIC_GAUGE, "gauge update")) {
        return;
    }
    struct metric_series *series = series_get(metric, n, values);
    if (series) {
        series->value = value;
    }
}

void
metrics_gauge_addv(struct metric *metric, double value,
                   size_t n, const char *const *values)
{
    if (!metric || !check_type(metric, METRIC_GAUGE, "gauge update")) {
        return;
    }
    struct metric_series *series = series_get(metric, n, values);
    if (series) {
        series->value += value;
    }
}

void
metrics_histogram_observev(struct metric *metric, double value,
                           size_t n, const char *const *values)
{
    if (!metric || !check_type(metric, METRIC_HISTOGRAM, "observation")) {
        return;
    }
    if (isnan(value)) {
        VLOG_ERR_RL(&rl, "histogram %s: NaN observation ignored",
                    metric->name);
        return;
    }
    struct metric_series *series = series_get(metric, n, values);
    if (!series) {
        return;
    }

    /* The first bucket whose upper bound is at least 'value'. */
    size_t lo = 0, hi = metric->n_buckets;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (value <= metric->bounds[mid]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    series->buckets[lo]++;
    series->sum += value;
    series->count++;
}

void
metrics_removev(struct metric *metric, size_t n, const char *const *values)
{
    if (!metric) {
        return;
    }
    if (!n && metric->only) {
        series_reset(metric, metric->only);
        return;
    }
    if (!check_values(metric, n)) {
        return;
    }
    struct metric_series *series = series_find(metric, hash_values(n, values),
                                               n, values);
    if (series) {
        hmap_remove(&metric->series, &series->node);
        series_destroy(metric, series);
    }
}

void
metrics_clear(struct metric *metric)
{
    if (!metric) {
        return;
    }
    struct metric_series *series;
    HMAP_FOR_EACH_POP (series, node, &metric->series) {
        series_destroy(metric, series);
    }
    if (metric->only) {
        series_reset(metric, metric->only);
    }
}

double
metrics_getv(const struct metric *metric, size_t n,
             const char *const *values)
{
    if (!metric) {
        return 0;
    }
    const struct metric_series *series;
    if (!n && metric->only) {
        series = metric->only;
    } else if (check_values(metric, n)) {
        series = series_find(metric, hash_values(n, values), n, values);
    } else {
        series = NULL;
    }
    return (!series ? 0
            : metric->type == METRIC_HISTOGRAM ? series->count
            : series->value);
}

/* Collectors. */

void
metrics_collector_register(struct metrics_registry *registry,
                           void (*collect)(void *aux), void *aux)
{
    struct metrics_collector *c = xmalloc(sizeof *c);
    c->collect = collect;
    c->aux = aux;
    ovs_list_push_back(&registry->collectors, &c->list_node);
}

void
metrics_collector_unregister(struct metrics_registry *registry,
                             void (*collect)(void *aux), void *aux)
{
    struct metrics_collector *c;
    LIST_FOR_EACH (c, list_node, &registry->collectors) {
        if (c->collect == collect && c->aux == aux) {
            ovs_list_remove(&c->list_node);
            free(c);
            return;
        }
    }
}

/* Rendering. */

/* Appends 'value' as the text format wants a float: integers as such,
 * others in the fewest digits that read back exactly. */
static void
format_value(double value, struct ds *out)
{
    if (isnan(value)) {
        ds_put_cstr(out, "NaN");
    } else if (isinf(value)) {
        ds_put_cstr(out, value > 0 ? "+Inf" : "-Inf");
    } else if (fabs(value) < 1e15
               && value == (double) (long long int) value) {
        ds_put_format(out, "%lld", (long long int) value);
    } else {
        char buf[32];
        snprintf(buf, sizeof buf, "%.15g", value);
        if (strtod(buf, NULL) != value) {
            snprintf(buf, sizeof buf, "%.17g", value);
        }
        ds_put_cstr(out, buf);
    }
}

static void
put_help(const char *help, struct ds *out)
{
    for (const char *p = help; *p; p++) {
        if (*p == '\\') {
            ds_put_cstr(out, "\\\\");
        } else if (*p == '\n') {
            ds_put_cstr(out, "\\n");
        } else {
            ds_put_char(out, *p);
        }
    }
}

static int
compare_series(const void *a_, const void *b_)
{
    const struct metric_series *const *a = a_;
    const struct metric_series *const *b = b_;
    return strcmp((*a)->labels, (*b)->labels);
}

/* Appends "NAME{LABELS[,EXTRA]} " to 'out': the braces only if there is
 * a label. */
static void
put_series_name(const char *name, const char *suffix,
                const struct metric_series *series, const char *extra,
                struct ds *out)
{
    ds_put_cstr(out, name);
    ds_put_cstr(out, suffix);
    if (series->labels[0] || extra) {
        ds_put_char(out, '{');
        ds_put_cstr(out, series->labels);
        if (extra) {
            if (series->labels[0]) {
                ds_put_char(out, ',');
            }
            ds_put_cstr(out, extra);
        }
        ds_put_char(out, '}');
    }
    ds_put_char(out, ' ');
}

static void
render_series(const struct metric *metric,
              const struct metric_series *series, struct ds *out)
{
    if (metric->type != METRIC_HISTOGRAM) {
        put_series_name(metric->name, "", series, NULL, out);
        format_value(series->value, out);
        ds_put_char(out, '\n');
        return;
    }

    uint64_t cumulative = 0;
    for (size_t i = 0; i <= metric->n_buckets; i++) {
        char le[64];
        snprintf(le, sizeof le, "le=\"%s\"",
                 i < metric->n_buckets ? metric->les[i] : "+Inf");
        cumulative += series->buckets[i];
        put_series_name(metric->name, "_bucket", series, le, out);
        ds_put_format(out, "%"PRIu64"\n", cumulative);
    }
    put_series_name(metric->name, "_sum", series, NULL, out);
    format_value(series->sum, out);
    ds_put_char(out, '\n');
    put_series_name(metric->name, "_count", series, NULL, out);
    ds_put_format(out, "%"PRIu64"\n", series->count);
}

static void
render_metric(const struct metric *metric, struct ds *out)
{
    size_t n = metric->only ? 1 : hmap_count(&metric->series);
    if (!n) {
        return;
    }

    ds_put_format(out, "# HELP %s ", metric->name);
    put_help(metric->help, out);
    ds_put_format(out, "\n# TYPE %s %s\n", metric->name,
                  metric_type_names[metric->type]);

    if (metric->only) {
        render_series(metric, metric->only, out);
        return;
    }

    const struct metric_series **sorted = xmalloc(n * sizeof *sorted);
    const struct metric_series *series;
    size_t i = 0;
    HMAP_FOR_EACH (series, node, &metric->series) {
        sorted[i++] = series;
    }
    qsort(sorted, n, sizeof *sorted, compare_series);
    for (i = 0; i < n; i++) {
        render_series(metric, sorted[i], out);
    }
    free(sorted);
}

void
metrics_render(struct metrics_registry *registry, const char *name_prefix,
               struct ds *out)
{
    struct metrics_collector *c;
    LIST_FOR_EACH (c, list_node, &registry->collectors) {
        c->collect(c->aux);
    }

    const struct shash_node **sorted = shash_sort(&registry->metrics);
    size_t n = shash_count(&registry->metrics);
    size_t prefix_len = name_prefix ? strlen(name_prefix) : 0;
    for (size_t i = 0; i < n; i++) {
        const struct metric *metric = sorted[i]->data;
        if (!prefix_len || !strncmp(metric->name, name_prefix, prefix_len)) {
            render_metric(metric, out);
        }
    }
    free(sorted);
}

/* unixctl. */

static void
metrics_show(struct unixctl_conn *conn, int argc, const char *argv[],
             void *registry)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    metrics_render(registry, argc > 1 ? argv[1] : NULL, &out);
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

void
metrics_unixctl_register(struct metrics_registry *registry)
{
    unixctl_command_register("metrics/show", "[PREFIX]", 0, 1,
                             metrics_show, registry);
}
