/*
 * The host side of the health lease: owns "ovn-dpu-<node>" and watches it,
 * and says whether the DPU is ready.
 *
 * This is the I/O around the monitor state machine of dpu-lease.h.  It
 * watches the one lease (a watch with a field selector, no polling) and
 * feeds every version it sees to the machine; it sets a timer for the exact
 * instant the verdict would flip, so the verdict is never late.  It also
 * owns the lease: it reads the Node to learn its uid, creates the lease if
 * it is missing (with the owner reference, so that the garbage collector
 * deletes it with the Node) and repairs a lease whose owner reference or
 * holder is wrong.
 *
 * dpu_lease_watcher_is_ready() is the readiness verdict that the CNI server
 * consults for ADD and STATUS.
 *
 * Its metrics, in the process-wide registry (Documentation/metrics.rst):
 *
 *   ovn_dpu_host_dpu_ready                                  gauge
 *   ovn_dpu_host_dpu_ready_last_change_timestamp_seconds    gauge
 *       The verdict, 1 or 0, and the wall clock time it last changed (or
 *       the watcher was created).
 *   ovn_dpu_host_lease_renewals_observed_total              counter
 *   ovn_dpu_host_lease_read_failures_total                  counter
 *       The monitor's counts.
 *   ovn_dpu_host_lease_observation_delay_seconds            histogram
 *       For each observed renewal, this host's wall clock when it saw it
 *       minus the renewTime the DPU wrote.
 */

#ifndef DPU_LEASE_WATCHER_H
#define DPU_LEASE_WATCHER_H 1

#include <stdbool.h>

struct dpu_lease_config;
struct ds;
struct k8s_client;

struct dpu_lease_watcher *dpu_lease_watcher_create(
    struct k8s_client *, const char *node_name,
    const struct dpu_lease_config *);
void dpu_lease_watcher_destroy(struct dpu_lease_watcher *);
void dpu_lease_watcher_run(struct dpu_lease_watcher *);
void dpu_lease_watcher_wait(struct dpu_lease_watcher *);

/* Returns true if the DPU is ready now.  If not and 'reason' is nonnull,
 * appends why ("DPU node lease expired at ...", ...). */
/* True once the lease has been read at all (listed by the watch), or if
 * the health check is off: the verdict then says something. */
bool dpu_lease_watcher_is_synced(const struct dpu_lease_watcher *);

bool dpu_lease_watcher_is_ready(const struct dpu_lease_watcher *,
                                struct ds *reason);

/* For "ovs-appctl lease/status": text, or JSON if 'json'. */
void dpu_lease_watcher_format(const struct dpu_lease_watcher *, bool json,
                              struct ds *);

#endif /* dpu-lease-watcher.h */
