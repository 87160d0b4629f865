/*
 * The metrics every ovn-dpu program exports about itself, whatever it
 * does: which build it is, and the standard "process_*" metrics that the
 * Prometheus client libraries export, read from /proc at each rendering.
 *
 *   <prefix>_build_info{version, ovs_version}            gauge, always 1
 *       'version' is ovn-dpu's, 'ovs_version' that of the Open vSwitch
 *       tree it was built against (and whose library it carries).
 *   process_cpu_seconds_total                             counter
 *       user and system CPU time, from /proc/self/stat.
 *   process_resident_memory_bytes                         gauge
 *   process_virtual_memory_bytes                          gauge
 *       resident set and virtual memory size, from /proc/self/stat.
 *   process_open_fds                                      gauge
 *       file descriptors open, from /proc/self/fd (not counting the one
 *       used to read it).
 *   process_max_fds                                       gauge
 *       the soft RLIMIT_NOFILE.
 *   process_start_time_seconds                            gauge
 *       when the process started, in seconds since the epoch.
 *
 * <prefix> names the program: "ovn_dpu_host" for ovn-dpu-host,
 * "ovn_dpu_controller" for ovn-dpu-controller (see
 * Documentation/metrics.rst).
 */

#ifndef METRICS_PROCESS_H
#define METRICS_PROCESS_H 1

struct metrics_registry;

/* Registers the metrics above in 'registry', the process ones with a
 * collector that refreshes them before each rendering.  Call it once per
 * process. */
void metrics_process_register(struct metrics_registry *, const char *prefix);

/* The build_info prefixes of the two agents. */
#define METRICS_PREFIX_HOST "ovn_dpu_host"
#define METRICS_PREFIX_CONTROLLER "ovn_dpu_controller"

#endif /* metrics-process.h */
