/*
 * The DPU health lease: configuration, and the renewer and monitor state
 * machines.  See dpu-lease.h for what they decide and why;
 * this file only says how.
 *
 * Nothing here does I/O or reads a clock: every time comes in as an
 * argument, so tests/test-dpu-lease.c can replay any history exactly.
 */

#include <config.h>

#include "dpu-lease.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "k8s-names.h"
#include "micro-time.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* The largest interval or duration accepted on the command line: a day.
 * Anything longer is a typo, and keeping values small keeps every
 * millisecond sum below far from overflow. */
#define DPU_LEASE_MAX_SECONDS (24 * 60 * 60)

/* ------------------------------------------------------------------ */
/* Configuration. */

void
dpu_lease_config_init(struct dpu_lease_config *config)
{
    config->interval = DPU_LEASE_DEFAULT_INTERVAL;
    config->duration = DPU_LEASE_DEFAULT_DURATION;
    config->namespace = xstrdup(DPU_LEASE_DEFAULT_NAMESPACE);
}

void
dpu_lease_config_destroy(struct dpu_lease_config *config)
{
    if (config) {
        free(config->namespace);
        config->namespace = NULL;
    }
}

/* Returns true if 's' is one or more decimal digits and nothing else. */
static bool
is_all_digits(const char *s)
{
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
    }
    return true;
}

/* Parses 'value', the value of option --'name', as a whole number of
 * seconds between 'min' and DPU_LEASE_MAX_SECONDS.  Only plain decimal
 * digits are accepted: no sign, no blanks, no unit, no trailing text. */
static char *
parse_seconds(const char *name, const char *value, int min, int *secondsp)
{
    if (value[0] == '-' && is_all_digits(value + 1)) {
        return (min > 0
                ? xasprintf("--%s: \"%s\" must be at least %d second%s",
                            name, value, min, min == 1 ? "" : "s")
                : xasprintf("--%s: \"%s\" is negative (use 0 to disable "
                            "the DPU health check)", name, value));
    }
    if (!is_all_digits(value)) {
        return xasprintf("--%s: \"%s\" is not a number of seconds",
                         name, value);
    }

    long long int seconds = 0;
    for (const char *p = value; *p; p++) {
        seconds = seconds * 10 + (*p - '0');
        if (seconds > DPU_LEASE_MAX_SECONDS) {
            return xasprintf("--%s: \"%s\" is more than a day (%d seconds)",
                             name, value, DPU_LEASE_MAX_SECONDS);
        }
    }
    if (seconds < min) {
        return xasprintf("--%s: \"%s\" must be at least %d second%s",
                         name, value, min, min == 1 ? "" : "s");
    }
    *secondsp = seconds;
    return NULL;
}

char *
dpu_lease_config_set(struct dpu_lease_config *config, const char *name,
                     const char *value)
{
    if (!strcmp(name, "dpu-node-lease-renew-interval")) {
        return parse_seconds(name, value, 0, &config->interval);
    } else if (!strcmp(name, "dpu-node-lease-duration")) {
        return parse_seconds(name, value, 1, &config->duration);
    } else if (!strcmp(name, "dpu-lease-namespace")) {
        if (!k8s_is_dns1123_label(value)) {
            return xasprintf("--%s: \"%s\" is not a valid namespace name "
                             "(at most 63 lowercase letters, digits and "
                             "'-', starting and ending with a letter or "
                             "digit)", name, value);
        }
        free(config->namespace);
        config->namespace = xstrdup(value);
        return NULL;
    } else {
        return xasprintf("unknown DPU lease option \"--%s\"", name);
    }
}

char *
dpu_lease_config_validate(const struct dpu_lease_config *config)
{
    if (config->interval && config->duration <= config->interval) {
        return xasprintf("--dpu-node-lease-duration (%d) must be greater "
                         "than --dpu-node-lease-renew-interval (%d)",
                         config->duration, config->interval);
    }
    return NULL;
}

char *
dpu_lease_name(const char *node_name)
{
    return xasprintf("%s%s", DPU_LEASE_NAME_PREFIX, node_name);
}

void
dpu_lease_option(struct dpu_lease_config *config, const char *name,
                 const char *value)
{
    char *error = dpu_lease_config_set(config, name, value);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
}

void
dpu_lease_options_usage(void)
{
    printf(
        "\nDPU health lease options:\n"
        "  --dpu-node-lease-renew-interval=SECS\n"
        "                          renew the DPU lease every SECS seconds, "
                                  "0 to disable\n"
        "                          the DPU health check (default: %d)\n"
        "  --dpu-node-lease-duration=SECS\n"
        "                          DPU is not ready SECS seconds after its "
                                  "last renewal\n"
        "                          (default: %d)\n"
        "  --dpu-lease-namespace=NS\n"
        "                          namespace of the DPU lease "
                                  "(default: %s)\n",
        DPU_LEASE_DEFAULT_INTERVAL, DPU_LEASE_DEFAULT_DURATION,
        DPU_LEASE_DEFAULT_NAMESPACE);
}

/* Appends 'msec' (>= 0) as seconds with millisecond precision, "3.200 s",
 * exact so that test traces are too. */
static void
put_seconds(struct ds *s, long long int msec)
{
    ds_put_format(s, "%lld.%03lld s", msec / 1000, msec % 1000);
}

/* Appends "in X s" or "X s ago" for 'when' relative to 'now'. */
static void
put_relative(struct ds *s, long long int when, long long int now)
{
    if (when > now) {
        ds_put_cstr(s, "in ");
        put_seconds(s, when - now);
    } else {
        put_seconds(s, now - when);
        ds_put_cstr(s, " ago");
    }
}

/* ------------------------------------------------------------------ */
/* The renewer.
 *
 * The renewer has at most one action in flight and otherwise one action
 * scheduled, 'next_action' at 'next_time'.  Each outcome schedules the
 * next one:
 *
 *                  +------------- OK: at once ---------------+
 *                  |                                         v
 *    start --> READ --404--> [GET_NODE --OK-->] CREATE    UPDATE <--+
 *               ^  ^                              |  |      |  |    |
 *               |  +------- already exists -------+  |      |  |    |
 *               |                                    |      |  |    |
 *               +---------------- 409 conflict ------|------+  |    |
 *                                                    |   404   |    |
 *                                                    |  (to    |    |
 *                                                    |  CREATE)|    |
 *                                                    +---OK----+----+
 *                                                     every 'interval'
 *
 * GET_NODE is skipped when the Node's uid is already known.
 *
 * Two kinds of delay keep it from spinning:
 *
 *   - A failure (DPU_LEASE_FAILED, or an answer that makes no sense for
 *     the action, such as 404 to CREATE, which is what a missing namespace
 *     gives) retries the same action after 'fail_backoff': 500 ms, then
 *     doubling, capped at the renew interval.  Any success resets it.
 *
 *   - A detour (409 conflict, 404, already exists) goes to its next action
 *     at once the first time since the last renewal, but a second detour of
 *     the same kind before a renewal waits 'detour_backoff' first (same
 *     sequence), since two writers or a lease that keeps vanishing would
 *     otherwise ping-pong as fast as the API server answers.  For
 *     conflicts that is: 409, READ, UPDATE at once; 409 again, wait, READ,
 *     UPDATE at once.  The wait comes before the READ rather than between
 *     READ and UPDATE so that the UPDATE always carries a fresh
 *     resourceVersion.  The READs in between succeed, so this backoff is
 *     reset only by a renewal: otherwise a conflict storm would never back
 *     off beyond the first step. */

/* Detour kinds, as bits in 'detours'. */
enum {
    DETOUR_CONFLICT = 1 << 0,
    DETOUR_NOT_FOUND = 1 << 1,
    DETOUR_ALREADY_EXISTS = 1 << 2,
};

struct dpu_lease_renewer {
    int interval_ms;            /* 0: renewal disabled. */
    int duration;               /* Seconds, for display only. */
    bool node_known;

    enum dpu_lease_action in_flight;    /* DPU_LEASE_ACTION_NONE if none. */
    enum dpu_lease_action next_action;  /* Scheduled when none in flight. */
    long long int next_time;            /* When to start 'next_action'. */

    int fail_backoff;           /* Last failure delay, ms; 0 if none. */
    int detour_backoff;         /* Last detour delay, ms; 0 if none. */
    unsigned int detours;       /* DETOUR_* seen since the last renewal. */

    struct dpu_lease_renewer_stats stats;
    char *last_error;
    long long int last_error_time;
};

const char *
dpu_lease_action_to_string(enum dpu_lease_action action)
{
    switch (action) {
    case DPU_LEASE_ACTION_NONE:
        return "none";
    case DPU_LEASE_ACTION_GET_NODE:
        return "get node";
    case DPU_LEASE_ACTION_READ:
        return "read";
    case DPU_LEASE_ACTION_UPDATE:
        return "update";
    case DPU_LEASE_ACTION_CREATE:
        return "create";
    }
    return "<invalid>";
}

const char *
dpu_lease_outcome_to_string(enum dpu_lease_outcome outcome)
{
    switch (outcome) {
    case DPU_LEASE_OK:
        return "ok";
    case DPU_LEASE_CONFLICT:
        return "conflict";
    case DPU_LEASE_NOT_FOUND:
        return "not found";
    case DPU_LEASE_ALREADY_EXISTS:
        return "already exists";
    case DPU_LEASE_FAILED:
        return "failed";
    }
    return "<invalid>";
}

struct dpu_lease_renewer *
dpu_lease_renewer_create(int interval, int duration)
{
    struct dpu_lease_renewer *r = xzalloc(sizeof *r);

    r->interval_ms = MAX(interval, 0) * 1000;
    r->duration = duration;
    r->in_flight = DPU_LEASE_ACTION_NONE;
    r->next_action = DPU_LEASE_ACTION_READ;
    r->next_time = LLONG_MIN;   /* At once. */
    r->stats.last_renewal = LLONG_MIN;
    r->last_error_time = LLONG_MIN;
    return r;
}

void
dpu_lease_renewer_destroy(struct dpu_lease_renewer *r)
{
    if (r) {
        free(r->last_error);
        free(r);
    }
}

/* Returns the next delay of the sequence that '*backoffp' is in. */
static int
next_backoff(const struct dpu_lease_renewer *r, int *backoffp)
{
    int cap = r->interval_ms;
    *backoffp = (*backoffp
                 ? MIN(*backoffp * 2, cap)
                 : MIN(DPU_LEASE_BACKOFF_MIN_MS, cap));
    return *backoffp;
}

static void
schedule(struct dpu_lease_renewer *r, enum dpu_lease_action action,
         long long int when)
{
    r->next_action = action;
    r->next_time = when;
}

/* The action to start for 'r->next_action', given what is known now. */
static enum dpu_lease_action
resolve_action(const struct dpu_lease_renewer *r)
{
    if (r->next_action == DPU_LEASE_ACTION_CREATE && !r->node_known) {
        return DPU_LEASE_ACTION_GET_NODE;
    } else if (r->next_action == DPU_LEASE_ACTION_GET_NODE
               && r->node_known) {
        return DPU_LEASE_ACTION_CREATE;
    }
    return r->next_action;
}

enum dpu_lease_action
dpu_lease_renewer_next(struct dpu_lease_renewer *r, long long int now)
{
    if (!r->interval_ms
        || r->in_flight != DPU_LEASE_ACTION_NONE
        || now < r->next_time) {
        return DPU_LEASE_ACTION_NONE;
    }
    r->in_flight = resolve_action(r);
    r->stats.requests++;
    return r->in_flight;
}

static void
renewer_fail(struct dpu_lease_renewer *r, enum dpu_lease_action action,
             long long int now, char *error)
{
    r->stats.failures++;
    free(r->last_error);
    r->last_error = error;
    r->last_error_time = now;
    schedule(r, action, now + next_backoff(r, &r->fail_backoff));
}

/* Goes on to 'action' after detour 'kind': at once the first time since
 * the last renewal, after 'detour_backoff' on a repeat. */
static void
renewer_detour(struct dpu_lease_renewer *r, unsigned int kind,
               enum dpu_lease_action action, long long int now)
{
    long long int when = now;

    if (r->detours & kind) {
        when += next_backoff(r, &r->detour_backoff);
    }
    r->detours |= kind;
    schedule(r, action, when);
}

void
dpu_lease_renewer_done(struct dpu_lease_renewer *r, long long int now,
                       enum dpu_lease_outcome outcome, const char *error)
{
    enum dpu_lease_action action = r->in_flight;

    if (action == DPU_LEASE_ACTION_NONE) {
        /* Nothing in flight: a caller bug, but not worth dying for. */
        return;
    }
    r->in_flight = DPU_LEASE_ACTION_NONE;

    switch (outcome) {
    case DPU_LEASE_OK:
        r->fail_backoff = 0;
        if (action == DPU_LEASE_ACTION_GET_NODE) {
            /* The caller should have said so already; be sure. */
            r->node_known = true;
            schedule(r, DPU_LEASE_ACTION_CREATE, now);
        } else if (action == DPU_LEASE_ACTION_READ) {
            schedule(r, DPU_LEASE_ACTION_UPDATE, now);
        } else {
            r->stats.renewals++;
            r->stats.last_renewal = now;
            r->detours = 0;
            r->detour_backoff = 0;
            schedule(r, DPU_LEASE_ACTION_UPDATE, now + r->interval_ms);
        }
        return;

    case DPU_LEASE_CONFLICT:
        if (action == DPU_LEASE_ACTION_UPDATE) {
            r->stats.conflicts++;
            renewer_detour(r, DETOUR_CONFLICT, DPU_LEASE_ACTION_READ, now);
            return;
        }
        break;

    case DPU_LEASE_NOT_FOUND:
        if (action == DPU_LEASE_ACTION_READ
            || action == DPU_LEASE_ACTION_UPDATE) {
            renewer_detour(r, DETOUR_NOT_FOUND, DPU_LEASE_ACTION_CREATE,
                           now);
            return;
        }
        break;

    case DPU_LEASE_ALREADY_EXISTS:
        if (action == DPU_LEASE_ACTION_CREATE) {
            renewer_detour(r, DETOUR_ALREADY_EXISTS, DPU_LEASE_ACTION_READ,
                           now);
            return;
        }
        break;

    case DPU_LEASE_FAILED:
        renewer_fail(r, action, now,
                     error ? xstrdup(error)
                     : xasprintf("%s failed",
                                 dpu_lease_action_to_string(action)));
        return;
    }

    /* An answer that makes no sense for 'action'.  The likely one is 404
     * to CREATE: the namespace does not exist.  Retrying at once could only
     * spin, so treat it as a failure. */
    char *msg;
    if (error) {
        msg = xstrdup(error);
    } else if (outcome == DPU_LEASE_NOT_FOUND
               && action == DPU_LEASE_ACTION_CREATE) {
        msg = xstrdup("create: not found (does the lease's namespace "
                      "exist?)");
    } else {
        msg = xasprintf("%s: unexpected answer \"%s\"",
                        dpu_lease_action_to_string(action),
                        dpu_lease_outcome_to_string(outcome));
    }
    renewer_fail(r, action, now, msg);
}

void
dpu_lease_renewer_set_node_known(struct dpu_lease_renewer *r, bool known)
{
    r->node_known = known;
}

long long int
dpu_lease_renewer_next_wakeup(const struct dpu_lease_renewer *r)
{
    return (!r->interval_ms || r->in_flight != DPU_LEASE_ACTION_NONE
            ? LLONG_MAX
            : r->next_time);
}

void
dpu_lease_renewer_get_stats(const struct dpu_lease_renewer *r,
                            struct dpu_lease_renewer_stats *stats)
{
    *stats = r->stats;
}

const char *
dpu_lease_renewer_last_error(const struct dpu_lease_renewer *r)
{
    return r->last_error;
}

void
dpu_lease_renewer_format(const struct dpu_lease_renewer *r,
                         long long int now, struct ds *s)
{
    if (!r->interval_ms) {
        ds_put_cstr(s, "state: disabled (renew interval 0)\n");
    } else if (r->in_flight != DPU_LEASE_ACTION_NONE) {
        ds_put_format(s, "state: %s in flight\n",
                      dpu_lease_action_to_string(r->in_flight));
    } else {
        ds_put_format(s, "state: %s ",
                      dpu_lease_action_to_string(resolve_action(r)));
        if (r->next_time <= now) {
            ds_put_cstr(s, "now");
        } else {
            put_relative(s, r->next_time, now);
        }
        ds_put_char(s, '\n');
    }
    ds_put_format(s, "renew interval: %d s\n", r->interval_ms / 1000);
    ds_put_format(s, "lease duration: %d s\n", r->duration);
    ds_put_format(s, "renewals: %llu\n", r->stats.renewals);
    ds_put_format(s, "conflicts: %llu\n", r->stats.conflicts);
    ds_put_format(s, "failures: %llu\n", r->stats.failures);
    ds_put_format(s, "requests: %llu\n", r->stats.requests);
    ds_put_cstr(s, "last renewal: ");
    if (r->stats.last_renewal != LLONG_MIN) {
        put_relative(s, r->stats.last_renewal, now);
    } else {
        ds_put_cstr(s, "never");
    }
    ds_put_cstr(s, "\nlast error: ");
    if (r->last_error) {
        ds_put_format(s, "%s (", r->last_error);
        put_relative(s, r->last_error_time, now);
        ds_put_char(s, ')');
    } else {
        ds_put_cstr(s, "none");
    }
    ds_put_char(s, '\n');
}

/* ------------------------------------------------------------------ */
/* The monitor.
 *
 * All times are kept on the monotonic clock.  The wall clock is used only
 * to read a renewTime under rule 3 and to print instants, through
 * 'wall_offset' (host wall clock minus monotonic clock, as of the last
 * observation).
 *
 * A renewTime that is present but does not parse as a MicroTime is still
 * a renewal value (rule 1 compares strings, so its changes are observed
 * and rule 2 times expiry from them), but it has no wall-clock meaning:
 * under rule 3 such a lease counts as expired from the moment it was
 * first seen, since nothing vouches for it, until it changes. */

struct dpu_lease_monitor {
    bool enabled;

    /* What was last read. */
    bool read_once;             /* A read has succeeded at least once. */
    bool exists;                /* The lease existed at the last read. */
    char *renew_time;           /* Its renewTime, or NULL. */
    int duration;               /* Its leaseDurationSeconds, or 0. */
    char *holder;               /* Its holderIdentity, or NULL. */
    long long int wall_offset;  /* Host wall minus monotonic clock. */

    /* Expiry timing, while 'exists'. */
    long long int first_seen;   /* When this lease was first seen. */
    bool renewed;               /* A renewal observed since 'first_seen'
                                 * (rule 2), else rule 3 applies. */
    long long int renewal_at;   /* When, if 'renewed'. */
    long long int wall_expiry;  /* Rule 3: renewTime + duration, converted
                                 * to the monotonic clock, or LLONG_MIN if
                                 * renewTime does not parse. */
    long long int wall_expiry_usec; /* The same on the wall clock. */
    long long int renew_age;    /* Host wall clock minus renewTime when it
                                 * was last read, in ms, or LLONG_MIN. */

    /* Reading. */
    bool read_failing;
    char *read_error;           /* The last read error, or NULL. */
    long long int failing_since; /* When reads began failing, if they are
                                  * failing now. */
    long long int read_error_time; /* When 'read_error' was reported. */

    struct dpu_lease_monitor_stats stats;
};

struct dpu_lease_monitor *
dpu_lease_monitor_create(bool enabled)
{
    struct dpu_lease_monitor *m = xzalloc(sizeof *m);

    m->enabled = enabled;
    m->wall_expiry = LLONG_MIN;
    m->renew_age = LLONG_MIN;
    m->read_error_time = LLONG_MIN;
    m->failing_since = LLONG_MIN;
    m->stats.last_renewal = LLONG_MIN;
    return m;
}

void
dpu_lease_monitor_destroy(struct dpu_lease_monitor *m)
{
    if (m) {
        free(m->renew_time);
        free(m->holder);
        free(m->read_error);
        free(m);
    }
}

static void
replace_string(char **dst, const char *src)
{
    free(*dst);
    *dst = nullable_xstrdup(src);
}

void
dpu_lease_monitor_observe(struct dpu_lease_monitor *m,
                          const struct dpu_lease_observation *obs,
                          long long int now, long long int wall)
{
    m->stats.observations++;
    m->read_once = true;
    m->read_failing = false;
    m->wall_offset = wall - now;

    if (!obs) {
        /* Gone.  If it comes back, it is a new lease, timed by rule 3 from
         * when it reappears. */
        m->exists = false;
        replace_string(&m->renew_time, NULL);
        replace_string(&m->holder, NULL);
        m->duration = 0;
        m->renewed = false;
        m->renew_age = LLONG_MIN;
        return;
    }

    if (!m->exists) {
        m->exists = true;
        m->first_seen = now;
        m->renewed = false;
        replace_string(&m->renew_time, obs->renew_time);
    } else if (!nullable_string_is_equal(obs->renew_time, m->renew_time)) {
        if (obs->renew_time) {
            m->renewed = true;
            m->renewal_at = now;
            m->stats.renewals++;
            m->stats.last_renewal = now;
        }
        replace_string(&m->renew_time, obs->renew_time);
    }
    m->duration = MAX(obs->duration, 0);
    replace_string(&m->holder, obs->holder);

    long long int renew_usec;
    if (m->renew_time
        && micro_time_parse(m->renew_time, &renew_usec)) {
        m->wall_expiry_usec = renew_usec + m->duration * USEC_PER_SEC;
        m->wall_expiry = now + ceil_div(m->wall_expiry_usec - wall * 1000,
                                        1000);
        m->renew_age = floor_div(wall * 1000 - renew_usec, 1000);
    } else {
        m->wall_expiry = LLONG_MIN;
        m->renew_age = LLONG_MIN;
    }
}

void
dpu_lease_monitor_set_read_error(struct dpu_lease_monitor *m,
                                 const char *error, long long int now)
{
    if (error) {
        m->stats.read_failures++;
        if (!m->read_failing) {
            m->failing_since = now;
        }
        m->read_error_time = now;
        m->read_failing = true;
        replace_string(&m->read_error, error);
    } else {
        m->read_failing = false;
    }
}

/* Returns the monotonic instant at which the lease that 'm' last saw
 * expires (which may be in the past), and stores that instant on the
 * host's wall clock, in microseconds, in '*wall_usecp'.  The lease must
 * exist and have a renewTime and a duration. */
static long long int
monitor_expiry(const struct dpu_lease_monitor *m, long long int *wall_usecp)
{
    long long int duration_ms = m->duration * 1000LL;
    long long int expiry;

    if (m->renewed) {
        /* Rule 2. */
        expiry = m->renewal_at + duration_ms;
    } else {
        /* Rule 3: the wall clock comparison, but trusted for at most one
         * duration from first sight.  An unparsable renewTime vouches for
         * nothing. */
        long long int bound = m->first_seen + duration_ms;
        if (m->wall_expiry == LLONG_MIN) {
            expiry = m->first_seen;
        } else if (m->wall_expiry <= bound) {
            *wall_usecp = m->wall_expiry_usec;
            return m->wall_expiry;
        } else {
            expiry = bound;
        }
    }
    *wall_usecp = (expiry + m->wall_offset) * 1000;
    return expiry;
}

/* Computes the verdict at 'now': returns true if ready, appends the reason
 * if not to 'reason' (if nonnull), and stores in '*next_changep' when it
 * will flip with no new input (LLONG_MAX if never). */
static bool
monitor_verdict(const struct dpu_lease_monitor *m, long long int now,
                struct ds *reason, long long int *next_changep)
{
    const char *why;

    *next_changep = LLONG_MAX;
    if (!m->enabled) {
        return true;
    }

    /* Whenever the verdict is not ready while reads fail, the read failure
     * is the reason given: what the lease said when it was last read is
     * stale, and the failure is what needs fixing. */
    if (!m->read_once) {
        if (reason) {
            ds_put_format(reason, "%s%s", DPU_LEASE_REASON_READ_FAILED,
                          m->read_failing ? m->read_error : "not read yet");
        }
        return false;
    } else if (!m->exists) {
        why = DPU_LEASE_REASON_NOT_FOUND;
    } else if (!m->renew_time || m->duration <= 0) {
        why = DPU_LEASE_REASON_INCOMPLETE;
    } else {
        long long int wall_usec;
        long long int expiry = monitor_expiry(m, &wall_usec);
        if (now < expiry) {
            *next_changep = expiry;
            return true;
        }
        if (reason && !m->read_failing) {
            ds_put_cstr(reason, DPU_LEASE_REASON_EXPIRED);
            micro_time_format(wall_usec, reason);
        }
        why = NULL;
    }

    if (reason) {
        if (m->read_failing) {
            ds_put_format(reason, "%s%s", DPU_LEASE_REASON_READ_FAILED,
                          m->read_error);
        } else if (why) {
            ds_put_cstr(reason, why);
        }
    }
    return false;
}

bool
dpu_lease_monitor_verdict(const struct dpu_lease_monitor *m,
                          long long int now, struct ds *reason)
{
    long long int next_change;
    return monitor_verdict(m, now, reason, &next_change);
}

long long int
dpu_lease_monitor_next_change(const struct dpu_lease_monitor *m,
                              long long int now)
{
    long long int next_change;
    monitor_verdict(m, now, NULL, &next_change);
    return next_change;
}

void
dpu_lease_monitor_get_stats(const struct dpu_lease_monitor *m,
                            struct dpu_lease_monitor_stats *stats)
{
    *stats = m->stats;
}

void
dpu_lease_monitor_format(const struct dpu_lease_monitor *m,
                         long long int now, long long int wall,
                         struct ds *s)
{
    struct ds reason = DS_EMPTY_INITIALIZER;
    bool ready = dpu_lease_monitor_verdict(m, now, &reason);

    ds_put_format(s, "verdict: %s\n", ready ? "ready" : "not ready");
    if (!ready) {
        ds_put_format(s, "reason: %s\n", ds_cstr(&reason));
    }
    ds_destroy(&reason);

    ds_put_cstr(s, "phase: ");
    if (!m->enabled) {
        ds_put_cstr(s, "disabled (renew interval 0)\n");
    } else if (!m->read_once) {
        ds_put_cstr(s, "lease not read yet\n");
    } else if (!m->exists) {
        ds_put_cstr(s, "lease not found\n");
    } else if (m->renewed) {
        ds_put_cstr(s, "timing from observed renewals\n");
    } else {
        ds_put_cstr(s, "waiting for first renewal\n");
    }

    if (m->exists) {
        ds_put_format(s, "renewTime: %s\n",
                      m->renew_time ? m->renew_time : "(none)");
        if (m->renew_age != LLONG_MIN) {
            /* How far renewTime was behind the host's wall clock when last
             * read: about the renew interval if the clocks agree, far off
             * if the DPU's clock is skewed. */
            ds_put_cstr(s, "renewTime age when read: ");
            if (m->renew_age < 0) {
                ds_put_char(s, '-');
            }
            put_seconds(s, llabs(m->renew_age));
            ds_put_char(s, '\n');
        }
        ds_put_format(s, "holder: %s\n", m->holder ? m->holder : "(none)");
        if (m->duration > 0) {
            ds_put_format(s, "duration: %d s\n", m->duration);
        } else {
            ds_put_cstr(s, "duration: (none)\n");
        }
    }

    ds_put_cstr(s, "last renewal observed: ");
    if (m->stats.last_renewal != LLONG_MIN) {
        put_relative(s, m->stats.last_renewal, now);
    } else {
        ds_put_cstr(s, "never");
    }
    ds_put_char(s, '\n');

    if (m->exists && m->renew_time && m->duration > 0) {
        long long int wall_usec;
        long long int expiry = monitor_expiry(m, &wall_usec);
        if (expiry > now) {
            ds_put_cstr(s, "expires: ");
            put_relative(s, expiry, now);
        } else {
            ds_put_cstr(s, "expired: ");
            put_relative(s, expiry, now);
        }
        ds_put_cstr(s, ", at ");
        micro_time_format(wall_usec, s);
        ds_put_char(s, '\n');
    }

    ds_put_format(s, "observations: %llu\n", m->stats.observations);
    ds_put_format(s, "observed renewals: %llu\n", m->stats.renewals);
    ds_put_format(s, "read failures: %llu\n", m->stats.read_failures);
    ds_put_cstr(s, "last read error: ");
    if (m->read_error) {
        ds_put_format(s, "%s (", m->read_error);
        put_relative(s, m->read_error_time, now);
        if (m->read_failing) {
            ds_put_cstr(s, ", failing for ");
            put_seconds(s, now - m->failing_since);
        }
        ds_put_char(s, ')');
    } else {
        ds_put_cstr(s, "none");
    }
    ds_put_char(s, '\n');

    /* The host's clock, for reading the instants above. */
    ds_put_cstr(s, "host clock: ");
    micro_time_format(wall * 1000, s);
    ds_put_char(s, '\n');
}
