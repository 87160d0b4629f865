/*
 * The metrics of the DPU side's representor bindings (dpu-binding.h), in
 * the process-wide registry (metrics.h):
 *
 *   ovn_dpu_controller_bindings{state}                         gauge
 *       Bindings in each state of dpu-binding.c, counted at each
 *       rendering.
 *   ovn_dpu_controller_pod_ready_duration_seconds              histogram
 *       From the first run of a binding that a pod network's connection
 *       details asked for (or a new sandbox or device of it) to its
 *       port's ovn-installed=true, when the pod is reported Ready.
 *   ovn_dpu_controller_ovn_installed_wait_seconds              histogram
 *       From writing the port (or finding it right, after a restart) to
 *       ovn-installed=true on it: ovn-controller's part.
 *
 * Bindings found installed already (a restart) are in neither histogram.
 */

#ifndef BINDING_METRICS_H
#define BINDING_METRICS_H 1

struct dpu_bindings;

/* Creates the metrics, if not done yet, and counts the bindings of 'bs'
 * by state at each rendering until binding_metrics_unregister(). */
void binding_metrics_register(const struct dpu_bindings *bs);
void binding_metrics_unregister(const struct dpu_bindings *bs);

/* A binding got ovn-installed=true 'ready_ms' after it was wanted and
 * 'wait_ms' after its port was written. */
void binding_metrics_installed(long long int ready_ms, long long int wait_ms);

#endif /* binding-metrics.h */
