/*
 * The metrics of the DPU side's representor bindings.  See
 * binding-metrics.h.
 */

#include <config.h>

#include "binding-metrics.h"

#include "dpu-binding.h"
#include "metrics.h"
#include "util.h"

static struct metric *states;
static struct metric *ready_durations;
static struct metric *installed_waits;

static void
binding_metrics_init(void)
{
    /* Up to the default --ovn-installed-timeout. */
    static const double buckets[] = {
        .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60
    };

    if (states) {
        return;
    }
    struct metrics_registry *r = metrics_default();
    states = metrics_gauge_create(
        r, "ovn_dpu_controller_bindings", "Representor bindings by state.",
        "state");
    ready_durations = metrics_histogram_create(
        r, "ovn_dpu_controller_pod_ready_duration_seconds", "From seeing a "
        "pod network's connection details to ovn-installed=true on its "
        "port, when the pod is reported Ready.", NULL,
        buckets, ARRAY_SIZE(buckets));
    installed_waits = metrics_histogram_create(
        r, "ovn_dpu_controller_ovn_installed_wait_seconds", "From writing "
        "a pod's port to ovn-controller's ovn-installed=true on it.", NULL,
        buckets, ARRAY_SIZE(buckets));
}

static void
binding_metrics_collect(void *bs_)
{
    const struct dpu_bindings *bs = bs_;
    unsigned int n[DPU_BINDING_N_STATES];

    dpu_bindings_count_states(bs, n);
    for (int i = 0; i < DPU_BINDING_N_STATES; i++) {
        metrics_gauge_set(states, n[i], dpu_binding_state_name(i));
    }
}

void
binding_metrics_register(const struct dpu_bindings *bs)
{
    binding_metrics_init();
    metrics_collector_register(metrics_default(), binding_metrics_collect,
                               CONST_CAST(struct dpu_bindings *, bs));
}

void
binding_metrics_unregister(const struct dpu_bindings *bs)
{
    metrics_collector_unregister(metrics_default(), binding_metrics_collect,
                                 CONST_CAST(struct dpu_bindings *, bs));
}

void
binding_metrics_installed(long long int ready_ms, long long int wait_ms)
{
    metrics_histogram_observe(ready_durations, ready_ms / 1000.0);
    metrics_histogram_observe(installed_waits, wait_ms / 1000.0);
}
