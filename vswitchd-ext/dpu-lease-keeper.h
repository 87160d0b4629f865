/*
 * The DPU side of the health lease: keeps "ovn-dpu-<node>" renewed in the
 * host cluster.
 *
 * This is the I/O around the renewer state machine of dpu-lease.h: it does
 * the requests the machine asks for (read the lease, update it, create it
 * with the Node's uid in its owner reference) and reports their outcome.
 * It uses a Kubernetes client of its own, so that a renewal never waits
 * behind the agent's other traffic.
 *
 * Its metrics, in the process-wide registry (Documentation/metrics.rst):
 *
 *   ovn_dpu_controller_lease_renewals_total{result}            counter
 *       The renewer's counts: "ok" (renewals), "conflict", "failure".
 *   ovn_dpu_controller_lease_renewal_latency_seconds           histogram
 *       From the instant each renewal was due (the renewer's schedule, or
 *       the keeper's creation for the first) to the API server's answer
 *       that it was written, through any retries in between.
 *   ovn_dpu_controller_lease_last_renewal_timestamp_seconds    gauge
 *       The wall clock time of the last renewal (or of the creation).
 */

#ifndef DPU_LEASE_KEEPER_H
#define DPU_LEASE_KEEPER_H 1

#include <stdbool.h>

struct dpu_lease_config;
struct ds;
struct k8s_config;

struct dpu_lease_keeper *dpu_lease_keeper_create(
    const struct k8s_config *, const char *node_name,
    const struct dpu_lease_config *);
void dpu_lease_keeper_destroy(struct dpu_lease_keeper *);
void dpu_lease_keeper_run(struct dpu_lease_keeper *);
void dpu_lease_keeper_wait(struct dpu_lease_keeper *);

/* For "ovs-appctl lease/status": text, or JSON if 'json'. */
void dpu_lease_keeper_format(const struct dpu_lease_keeper *, bool json,
                             struct ds *);

#endif /* dpu-lease-keeper.h */
