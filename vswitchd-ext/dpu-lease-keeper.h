/*
 * The DPU side of the health lease: keeps "ovn-dpu-<node>" renewed in the
 * host cluster.
 *
 * This is the I/O around the renewer state machine of dpu-lease.h: it does
 * the requests the machine asks for (read the lease, update it, create it
 * with the Node's uid in its owner reference) and reports their outcome.
 * It uses a Kubernetes client of its own, so that a renewal never waits
 * behind the agent's other traffic.
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
