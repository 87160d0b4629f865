/*
 * The DPU health lease: configuration, and the two state machines that
 * decide everything about it.
 *
 * OVN-Kubernetes tracks the health of a DPU with a coordination.k8s.io/v1
 * Lease named "ovn-dpu-<node>" in the host cluster.  The host side creates
 * it and watches it; the DPU side renews it.  While it is not healthy, the
 * host fails CNI ADD with "DPU Not Ready: <reason>" and CNI STATUS with
 * error 50.
 *
 * This module decides; it does no I/O and never reads a clock.  Every
 * function that depends on time takes 'now', in milliseconds of the
 * caller's monotonic clock (time_msec()), and, where the lease's wall-clock
 * timestamps matter, 'wall', milliseconds since the epoch on the caller's
 * wall clock (time_wall_msec()).  Callers (dpu-lease-keeper.c on the DPU,
 * dpu-lease-watcher.c on the host) do the Kubernetes requests and report
 * what happened; tests/test-dpu-lease.c drives both machines from scripts.
 *
 *
 * The renewer (DPU side)
 * ======================
 *
 * Renews every 'interval' with a single write in the steady state: an
 * update carrying the resourceVersion of the lease as last written or read.
 *
 *   - At start it reads the lease once (READ).
 *   - READ found it: update at once (UPDATE), then every 'interval' after
 *     each successful update.
 *   - READ or UPDATE found no lease (404): create it (CREATE), which needs
 *     the Node's uid for the owner reference: if not yet known, GET_NODE
 *     first.  CREATE answered "already exists": READ.
 *   - UPDATE answered 409 Conflict: READ, then UPDATE at once.  A further
 *     conflict straight after is retried the same way, but after the
 *     failure backoff, so two writers cannot spin.
 *   - Any failure (transport, 5xx, 403, ...): retry the same action after a
 *     backoff that starts at DPU_LEASE_BACKOFF_MIN_MS and doubles, capped at
 *     the renew interval, and resets on success.
 *
 * At most one action is in flight: dpu_lease_renewer_next() says what to do
 * now (or DPU_LEASE_ACTION_NONE), the caller starts it and later reports
 * its outcome with dpu_lease_renewer_done().
 *
 *
 * The monitor (host side): the verdict rule
 * =========================================
 *
 * The host must not depend on the DPU's wall clock agreeing with its own.
 * As the Kubernetes node-lifecycle controller does, it times expiry from
 * when it *observed* a renewal:
 *
 *   1. A renewal is observed when the host sees the lease's renewTime
 *      differ from the renewTime it last saw (including a renewTime
 *      appearing where there was none).  Changes of other fields (the
 *      resourceVersion alone, owner references, holder) are not renewals.
 *
 *   2. Once a renewal has been observed at monotonic time T, the lease is
 *      healthy until T + leaseDurationSeconds (the duration the lease
 *      itself carries), and expired from that instant on.  The wall clocks
 *      of host and DPU play no part.
 *
 *   3. A lease that the monitor has seen but not yet seen renewed (just
 *      after the host agent starts, or just after the lease appears) has no
 *      observation to time from.  Then, and only then, the host compares
 *      renewTime + leaseDurationSeconds with its own wall clock, as the
 *      reference implementation does, but trusts that for at most one
 *      leaseDurationSeconds from when it first saw the lease: if renewTime
 *      has not changed by then, the lease is expired whatever the clocks
 *      say.  So with clocks in step the verdict is right from the first
 *      look; with a skewed DPU clock, a healthy DPU may look expired until
 *      its next renewal (one renew interval), and a dead one healthy for at
 *      most one lease duration after the host agent starts.
 *
 *   4. When the lease cannot be read (the watch fails, the API server is
 *      unreachable), the host keeps its last observation: a short outage
 *      does not mark a healthy DPU dead.  Only once the lease would have
 *      expired anyway does the verdict turn, and then its reason is
 *      "failed to read DPU node lease: <why>" rather than "expired".
 *      Before any successful read at all, a read failure is the verdict at
 *      once.
 *
 *   5. A lease that does not exist is "not found"; one without renewTime or
 *      leaseDurationSeconds is "missing renew time or duration".  Both are
 *      not ready at once.
 *
 *   6. With the renew interval set to 0 the health check is disabled: the
 *      verdict is always ready.
 *
 * dpu_lease_monitor_next_change() gives the exact instant at which the
 * verdict will next flip with no new input, so that the caller can set a
 * timer for it instead of polling.
 */

#ifndef DPU_LEASE_H
#define DPU_LEASE_H 1

#include <stdbool.h>
#include "openvswitch/compiler.h"

struct ds;

/* Configuration, shared by both programs. */
#define DPU_LEASE_DEFAULT_INTERVAL 10           /* Seconds. */
#define DPU_LEASE_DEFAULT_DURATION 40           /* Seconds. */
#define DPU_LEASE_DEFAULT_NAMESPACE "ovn-kubernetes"
#define DPU_LEASE_HOLDER "ovnkube-dpu-node"
#define DPU_LEASE_NAME_PREFIX "ovn-dpu-"

/* Retry delays after failures. */
#define DPU_LEASE_BACKOFF_MIN_MS 500

/* Verdict reasons, exactly as the reference implementation words them. */
#define DPU_LEASE_REASON_NOT_FOUND "DPU node lease not found"
#define DPU_LEASE_REASON_READ_FAILED "failed to read DPU node lease: "
#define DPU_LEASE_REASON_EXPIRED "DPU node lease expired at "
#define DPU_LEASE_REASON_INCOMPLETE \
    "DPU node lease missing renew time or duration"

struct dpu_lease_config {
    int interval;               /* Renew interval, seconds; 0 disables. */
    int duration;               /* Lease duration, seconds. */
    char *namespace;            /* Namespace of the lease. */
};

void dpu_lease_config_init(struct dpu_lease_config *);
void dpu_lease_config_destroy(struct dpu_lease_config *);

/* Parses the value of option 'name' (e.g. "dpu-node-lease-renew-interval")
 * into 'config'.  Returns NULL or an error message naming the option, to
 * free(). */
char *dpu_lease_config_set(struct dpu_lease_config *, const char *name,
                           const char *value) OVS_WARN_UNUSED_RESULT;

/* Checks the combination: unless the interval is 0, the duration must be
 * greater than the interval.  Returns NULL or an error message naming the
 * options, to free(). */
char *dpu_lease_config_validate(const struct dpu_lease_config *)
    OVS_WARN_UNUSED_RESULT;

/* "ovn-dpu-<node>", to free(). */
char *dpu_lease_name(const char *node_name);

/* Command-line options, used like K8S_OPTION_ENUMS & co in k8s-config.h:
 * DPU_LEASE_OPTION_HANDLERS(CONFIG) stores into struct dpu_lease_config
 * *CONFIG and exits with a message on a bad value. */
#define DPU_LEASE_OPTION_ENUMS                  \
    OPT_DPU_LEASE_INTERVAL,                     \
    OPT_DPU_LEASE_DURATION,                     \
    OPT_DPU_LEASE_NAMESPACE

#define DPU_LEASE_LONG_OPTIONS                                          \
    {"dpu-node-lease-renew-interval", required_argument, NULL,          \
     OPT_DPU_LEASE_INTERVAL},                                           \
    {"dpu-node-lease-duration", required_argument, NULL,                \
     OPT_DPU_LEASE_DURATION},                                           \
    {"dpu-lease-namespace", required_argument, NULL,                    \
     OPT_DPU_LEASE_NAMESPACE}

#define DPU_LEASE_OPTION_HANDLERS(CONFIG)                               \
    case OPT_DPU_LEASE_INTERVAL:                                        \
        dpu_lease_option(CONFIG, "dpu-node-lease-renew-interval", optarg); \
        break;                                                          \
    case OPT_DPU_LEASE_DURATION:                                        \
        dpu_lease_option(CONFIG, "dpu-node-lease-duration", optarg);    \
        break;                                                          \
    case OPT_DPU_LEASE_NAMESPACE:                                       \
        dpu_lease_option(CONFIG, "dpu-lease-namespace", optarg);        \
        break;

/* dpu_lease_config_set() that exits with the error message on failure. */
void dpu_lease_option(struct dpu_lease_config *, const char *name,
                      const char *value);
void dpu_lease_options_usage(void);

/* ------------------------------------------------------------------ */
/* The renewer (DPU side). */

enum dpu_lease_action {
    DPU_LEASE_ACTION_NONE,      /* Nothing to do now. */
    DPU_LEASE_ACTION_GET_NODE,  /* GET the Node, for its uid. */
    DPU_LEASE_ACTION_READ,      /* GET the lease. */
    DPU_LEASE_ACTION_UPDATE,    /* PUT the lease with a new renewTime. */
    DPU_LEASE_ACTION_CREATE,    /* POST a new lease with owner reference. */
};
const char *dpu_lease_action_to_string(enum dpu_lease_action);

enum dpu_lease_outcome {
    DPU_LEASE_OK,
    DPU_LEASE_CONFLICT,         /* 409 on update. */
    DPU_LEASE_NOT_FOUND,        /* 404. */
    DPU_LEASE_ALREADY_EXISTS,   /* 409 AlreadyExists on create. */
    DPU_LEASE_FAILED,           /* Anything else. */
};
const char *dpu_lease_outcome_to_string(enum dpu_lease_outcome);

struct dpu_lease_renewer *dpu_lease_renewer_create(int interval,
                                                   int duration);
void dpu_lease_renewer_destroy(struct dpu_lease_renewer *);

/* Returns the action to start now, or DPU_LEASE_ACTION_NONE if none is due
 * (or one is in flight, or renewal is disabled).  Starting it is implied:
 * the caller must start it and report with dpu_lease_renewer_done(). */
enum dpu_lease_action dpu_lease_renewer_next(struct dpu_lease_renewer *,
                                             long long int now);

/* Reports the outcome of the action in flight.  'error' describes a
 * DPU_LEASE_FAILED outcome (may be NULL otherwise).  After a successful
 * GET_NODE the caller must also call dpu_lease_renewer_set_node_known(). */
void dpu_lease_renewer_done(struct dpu_lease_renewer *, long long int now,
                            enum dpu_lease_outcome, const char *error);

/* The Node's uid is known (the caller keeps it).  Forgetting it is needed
 * only if the Node was replaced. */
void dpu_lease_renewer_set_node_known(struct dpu_lease_renewer *, bool);

/* When dpu_lease_renewer_next() will next return an action, or LLONG_MAX
 * if not before something is reported. */
long long int dpu_lease_renewer_next_wakeup(const struct dpu_lease_renewer *);

struct dpu_lease_renewer_stats {
    unsigned long long int renewals;    /* Successful updates and creates. */
    unsigned long long int failures;    /* Failed actions of any kind. */
    unsigned long long int conflicts;   /* 409s on update. */
    unsigned long long int requests;    /* Actions started. */
    long long int last_renewal;         /* 'now' of the last success, or
                                         * LLONG_MIN. */
};
void dpu_lease_renewer_get_stats(const struct dpu_lease_renewer *,
                                 struct dpu_lease_renewer_stats *);
/* The last failure's message, or NULL. */
const char *dpu_lease_renewer_last_error(const struct dpu_lease_renewer *);
/* Appends a "key: value" line per field, for ovs-appctl. */
void dpu_lease_renewer_format(const struct dpu_lease_renewer *,
                              long long int now, struct ds *);

/* ------------------------------------------------------------------ */
/* The monitor (host side). */

/* What the host saw of the lease.  'renew_time' is NULL if the lease has
 * no renewTime; 'duration' is 0 if it has no leaseDurationSeconds. */
struct dpu_lease_observation {
    const char *renew_time;     /* As in the lease, e.g. MicroTime. */
    int duration;               /* leaseDurationSeconds. */
    const char *holder;         /* spec.holderIdentity, or NULL. */
};

/* 'enabled' false means the health check is disabled (renew interval 0). */
struct dpu_lease_monitor *dpu_lease_monitor_create(bool enabled);
void dpu_lease_monitor_destroy(struct dpu_lease_monitor *);

/* The lease as read (from a watch event or a list); 'obs' NULL means the
 * lease does not exist.  A successful read also clears a read failure. */
void dpu_lease_monitor_observe(struct dpu_lease_monitor *,
                               const struct dpu_lease_observation *obs,
                               long long int now, long long int wall);

/* Reading the lease failed ('error' describes why), or works again
 * ('error' NULL) without anything new to observe (e.g. a watch resumed). */
void dpu_lease_monitor_set_read_error(struct dpu_lease_monitor *,
                                      const char *error, long long int now);

/* The verdict at 'now'.  Returns true if the DPU is ready.  If 'reason' is
 * nonnull, appends why it is not ready (one of the DPU_LEASE_REASON_*
 * texts; "expired at" is followed by the instant of expiry on the host's
 * wall clock, RFC 3339 UTC with six fractional digits) or nothing if it
 * is. */
bool dpu_lease_monitor_verdict(const struct dpu_lease_monitor *,
                               long long int now, struct ds *reason);

/* The instant (monotonic, like 'now') at which the verdict will flip if
 * nothing new is observed, or LLONG_MAX if it will not. */
long long int dpu_lease_monitor_next_change(const struct dpu_lease_monitor *,
                                            long long int now);

struct dpu_lease_monitor_stats {
    unsigned long long int observations;  /* Reads of the lease. */
    unsigned long long int renewals;      /* Observed renewals. */
    unsigned long long int read_failures;
    long long int last_renewal;           /* 'now' of the last observed
                                           * renewal, or LLONG_MIN. */
};
void dpu_lease_monitor_get_stats(const struct dpu_lease_monitor *,
                                 struct dpu_lease_monitor_stats *);

/* Appends a "key: value" line per field (last renewTime seen, when the
 * last renewal was observed, the verdict and reason, time until expiry,
 * counters), for ovs-appctl. */
void dpu_lease_monitor_format(const struct dpu_lease_monitor *,
                              long long int now, long long int wall,
                              struct ds *);

#endif /* dpu-lease.h */
