/*
 * "ovn-dpu-test dpu-lease": drives dpu-lease.c for tests/dpu-lease.at.
 *
 *   dpu-lease                 run the script on stdin (below)
 *   dpu-lease options [--dpu-OPTION=VALUE]...
 *                             parse the options as the daemons do, validate
 *                             them and print the configuration
 *   dpu-lease usage           print dpu_lease_options_usage()
 *   dpu-lease name NODE       print dpu_lease_name(NODE)
 *   dpu-lease parse-time STRING...
 *                             parse each MicroTime, print it back
 *   dpu-lease format-time USEC...
 *                             format each time in microseconds
 *   dpu-lease renew-object JSON
 *                             renew the Lease object JSON as the DPU side
 *                             does (duration 40, renewTime
 *                             2026-11-25T10:00:00.000000Z) and print what
 *                             the host side then observes in it
 *
 * The script, in the manner of OVS's test-reconnect, is one command per
 * line; each line is echoed, followed by what changed.  Time starts at
 * t=0 ms on the monotonic clock, when the host's wall clock reads
 * 2026-11-25T10:00:00Z.
 *
 *   renewer INTERVAL DURATION   create the renewer (DPU side)
 *   next                        dpu_lease_renewer_next()
 *   done OUTCOME [MESSAGE...]   report the action in flight: ok, conflict,
 *                               not-found, already-exists or failed.  An
 *                               update or create that succeeds also sets
 *                               the modelled lease's renewTime to the DPU
 *                               clock.
 *   node-known [no]             dpu_lease_renewer_set_node_known()
 *   run [MS]                    advance MS, then "next"
 *   monitor enabled|disabled    create the monitor (host side)
 *   observe                     observe the modelled lease as last written
 *   observe RENEWTIME DURATION [HOLDER]
 *                               observe a lease: RENEWTIME is a string,
 *                               "-" for none, or "dpu" for the DPU clock
 *                               now; DURATION 0 means none; HOLDER "-"
 *                               means none (default DPU_LEASE_HOLDER)
 *   observe-absent              observe that the lease does not exist
 *   read-error MESSAGE...       dpu_lease_monitor_set_read_error()
 *   read-ok                     ... with NULL
 *   verdict                     print the verdict and when it changes
 *   advance MS                  advance the monotonic (and wall) clock
 *   timeout                     advance to the renewer's next wakeup or the
 *                               monitor's next change, whichever is first
 *   wall-offset MS              step the host's wall clock to MS from its
 *                               initial relation to the monotonic clock
 *   skew MS                     DPU clock minus host wall clock
 *   show-renewer, show-monitor  print *_format()
 *
 * After each command the trace shows changes in: the renewer's counters,
 * last error and next wakeup; the monitor's counters, verdict and next
 * change.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "dpu-lease.h"
#include "dpu-lease-object.h"
#include "micro-time.h"
#include "openvswitch/dynamic-string.h"
#include "ovn-dpu-test.h"
#include "svec.h"
#include "util.h"

/* The host's wall clock at t=0: 2026-11-25T10:00:00Z, in ms. */
#define WALL_BASE 1795600800000LL

static long long int now;           /* Monotonic, ms. */
static long long int wall_offset;   /* Host wall clock step, ms. */
static long long int skew;          /* DPU clock minus host wall, ms. */

static struct dpu_lease_renewer *renewer;
static int renewer_duration;        /* As given to "renewer". */
static enum dpu_lease_action in_flight = DPU_LEASE_ACTION_NONE;

static struct dpu_lease_monitor *monitor;

/* The lease as the DPU last wrote it. */
static char *lease_renew_time;
static int lease_duration;

/* What the trace last showed. */
struct trace_state {
    bool have_renewer;
    struct dpu_lease_renewer_stats renewer_stats;
    char *renewer_error;
    long long int renewer_wakeup;

    bool have_monitor;
    struct dpu_lease_monitor_stats monitor_stats;
    char *verdict;
    long long int next_change;
};

static long long int
host_wall(void)
{
    return WALL_BASE + now + wall_offset;
}

static void
put_micro_time(struct ds *s, long long int msec)
{
    micro_time_format(msec * 1000, s);
}

static void
capture(struct trace_state *t)
{
    memset(t, 0, sizeof *t);
    t->have_renewer = renewer != NULL;
    if (renewer) {
        const char *error = dpu_lease_renewer_last_error(renewer);
        dpu_lease_renewer_get_stats(renewer, &t->renewer_stats);
        t->renewer_error = nullable_xstrdup(error);
        t->renewer_wakeup = dpu_lease_renewer_next_wakeup(renewer);
    }
    t->have_monitor = monitor != NULL;
    if (monitor) {
        struct ds reason = DS_EMPTY_INITIALIZER;
        bool ready = dpu_lease_monitor_verdict(monitor, now, &reason);

        dpu_lease_monitor_get_stats(monitor, &t->monitor_stats);
        t->verdict = (ready
                      ? xstrdup("ready")
                      : xasprintf("not ready: %s", ds_cstr(&reason)));
        t->next_change = dpu_lease_monitor_next_change(monitor, now);
        ds_destroy(&reason);
    }
}

static void
trace_state_destroy(struct trace_state *t)
{
    free(t->renewer_error);
    free(t->verdict);
}

static void
print_when(const char *what, long long int when)
{
    if (when == LLONG_MAX) {
        printf("  %s: never\n", what);
    } else if (when <= now) {
        printf("  %s: now\n", what);
    } else {
        printf("  %s: in %lld ms\n", what, when - now);
    }
}

static void
diff(const struct trace_state *old, const struct trace_state *new)
{
    if (new->have_renewer) {
        const struct dpu_lease_renewer_stats *a = &old->renewer_stats;
        const struct dpu_lease_renewer_stats *b = &new->renewer_stats;

        if (!old->have_renewer
            || a->requests != b->requests || a->renewals != b->renewals
            || a->conflicts != b->conflicts || a->failures != b->failures) {
            printf("  %llu requests, %llu renewals, %llu conflicts, "
                   "%llu failures\n",
                   b->requests, b->renewals, b->conflicts, b->failures);
        }
        if (!nullable_string_is_equal(old->renewer_error,
                                      new->renewer_error)) {
            printf("  last error: %s\n", new->renewer_error);
        }
        if (!old->have_renewer
            || old->renewer_wakeup != new->renewer_wakeup) {
            print_when("renewer wakes", new->renewer_wakeup);
        }
    }

    if (new->have_monitor) {
        const struct dpu_lease_monitor_stats *a = &old->monitor_stats;
        const struct dpu_lease_monitor_stats *b = &new->monitor_stats;

        if (!old->have_monitor
            || a->observations != b->observations
            || a->renewals != b->renewals
            || a->read_failures != b->read_failures) {
            printf("  %llu observations, %llu renewals observed, "
                   "%llu read failures\n",
                   b->observations, b->renewals, b->read_failures);
        }
        if (!old->have_monitor || strcmp(old->verdict, new->verdict)) {
            printf("  %s\n", new->verdict);
        }
        if (!old->have_monitor || old->next_change != new->next_change) {
            print_when("verdict changes", new->next_change);
        }
    }
}

static long long int
parse_number(const char *s)
{
    char *end;
    long long int value = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0') {
        ovs_fatal(0, "\"%s\" is not a number", s);
    }
    return value;
}

/* Joins argv[i...] with spaces. */
static char *
join_args(struct ovs_cmdl_context *ctx, int i)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    for (; i < ctx->argc; i++) {
        if (s.length) {
            ds_put_char(&s, ' ');
        }
        ds_put_cstr(&s, ctx->argv[i]);
    }
    return ds_steal_cstr(&s);
}

static void
need_renewer(void)
{
    if (!renewer) {
        ovs_fatal(0, "no renewer: use \"renewer INTERVAL DURATION\" first");
    }
}

static void
need_monitor(void)
{
    if (!monitor) {
        ovs_fatal(0, "no monitor: use \"monitor enabled|disabled\" first");
    }
}

static void
do_renewer(struct ovs_cmdl_context *ctx)
{
    dpu_lease_renewer_destroy(renewer);
    renewer_duration = parse_number(ctx->argv[2]);
    renewer = dpu_lease_renewer_create(parse_number(ctx->argv[1]),
                                       renewer_duration);
    in_flight = DPU_LEASE_ACTION_NONE;
}

static void
next(void)
{
    enum dpu_lease_action action;

    need_renewer();
    action = dpu_lease_renewer_next(renewer, now);
    if (action != DPU_LEASE_ACTION_NONE) {
        printf("  start %s\n", dpu_lease_action_to_string(action));
        in_flight = action;
    } else {
        printf("  nothing to start\n");
    }
}

static void
do_next(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    next();
}

static void
do_run(struct ovs_cmdl_context *ctx)
{
    if (ctx->argc > 1) {
        now += parse_number(ctx->argv[1]);
    }
    next();
}

static void
do_done(struct ovs_cmdl_context *ctx)
{
    static const char *const names[] = {
        [DPU_LEASE_OK] = "ok",
        [DPU_LEASE_CONFLICT] = "conflict",
        [DPU_LEASE_NOT_FOUND] = "not-found",
        [DPU_LEASE_ALREADY_EXISTS] = "already-exists",
        [DPU_LEASE_FAILED] = "failed",
    };
    enum dpu_lease_outcome outcome;
    size_t i;

    need_renewer();
    for (i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(ctx->argv[1], names[i])) {
            break;
        }
    }
    if (i >= ARRAY_SIZE(names)) {
        ovs_fatal(0, "unknown outcome \"%s\"", ctx->argv[1]);
    }
    outcome = i;

    char *message = ctx->argc > 2 ? join_args(ctx, 2) : NULL;
    dpu_lease_renewer_done(renewer, now, outcome, message);
    free(message);

    if (outcome == DPU_LEASE_OK
        && (in_flight == DPU_LEASE_ACTION_UPDATE
            || in_flight == DPU_LEASE_ACTION_CREATE)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        put_micro_time(&s, host_wall() + skew);
        free(lease_renew_time);
        lease_renew_time = ds_steal_cstr(&s);
        lease_duration = renewer_duration;
        printf("  lease renewTime %s\n", lease_renew_time);
    }
    in_flight = DPU_LEASE_ACTION_NONE;
}

static void
do_node_known(struct ovs_cmdl_context *ctx)
{
    need_renewer();
    dpu_lease_renewer_set_node_known(renewer,
                                     ctx->argc < 2
                                     || strcmp(ctx->argv[1], "no"));
}

static void
do_monitor(struct ovs_cmdl_context *ctx)
{
    bool enabled;

    if (!strcmp(ctx->argv[1], "enabled")) {
        enabled = true;
    } else if (!strcmp(ctx->argv[1], "disabled")) {
        enabled = false;
    } else {
        ovs_fatal(0, "monitor: expected \"enabled\" or \"disabled\"");
    }
    dpu_lease_monitor_destroy(monitor);
    monitor = dpu_lease_monitor_create(enabled);
}

static void
do_observe(struct ovs_cmdl_context *ctx)
{
    struct dpu_lease_observation obs = { .holder = DPU_LEASE_HOLDER };
    char *renew_time = NULL;

    need_monitor();
    if (ctx->argc == 1) {
        if (!lease_renew_time) {
            ovs_fatal(0, "observe: the DPU has not written the lease yet");
        }
        obs.renew_time = lease_renew_time;
        obs.duration = lease_duration;
        printf("  saw renewTime %s\n", lease_renew_time);
    } else if (ctx->argc >= 3) {
        const char *rt = ctx->argv[1];
        if (!strcmp(rt, "dpu")) {
            struct ds s = DS_EMPTY_INITIALIZER;
            put_micro_time(&s, host_wall() + skew);
            renew_time = ds_steal_cstr(&s);
            obs.renew_time = renew_time;
            printf("  saw renewTime %s\n", renew_time);
        } else if (strcmp(rt, "-")) {
            obs.renew_time = rt;
        }
        obs.duration = parse_number(ctx->argv[2]);
        if (ctx->argc > 3) {
            obs.holder = strcmp(ctx->argv[3], "-") ? ctx->argv[3] : NULL;
        }
    } else {
        ovs_fatal(0, "usage: observe [RENEWTIME DURATION [HOLDER]]");
    }
    dpu_lease_monitor_observe(monitor, &obs, now, host_wall());
    free(renew_time);
}

static void
do_observe_absent(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    need_monitor();
    dpu_lease_monitor_observe(monitor, NULL, now, host_wall());
}

static void
do_read_error(struct ovs_cmdl_context *ctx)
{
    char *message = join_args(ctx, 1);

    need_monitor();
    dpu_lease_monitor_set_read_error(monitor, message, now);
    free(message);
}

static void
do_read_ok(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    need_monitor();
    dpu_lease_monitor_set_read_error(monitor, NULL, now);
}

static void
do_verdict(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct ds reason = DS_EMPTY_INITIALIZER;
    bool ready;
    long long int next_change;

    need_monitor();
    ready = dpu_lease_monitor_verdict(monitor, now, &reason);
    next_change = dpu_lease_monitor_next_change(monitor, now);
    printf("  verdict: %s%s%s", ready ? "ready" : "not ready: ",
           ready ? "" : ds_cstr(&reason),
           next_change == LLONG_MAX ? ", no change due" : "");
    if (next_change != LLONG_MAX) {
        printf(", changes in %lld ms", next_change - now);
    }
    printf("\n");
    ds_destroy(&reason);
}

static void
do_advance(struct ovs_cmdl_context *ctx)
{
    now += parse_number(ctx->argv[1]);
}

static void
do_timeout(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    long long int when = LLONG_MAX;

    if (renewer) {
        when = MIN(when, dpu_lease_renewer_next_wakeup(renewer));
    }
    if (monitor) {
        when = MIN(when, dpu_lease_monitor_next_change(monitor, now));
    }
    if (when == LLONG_MAX) {
        printf("  no timeout\n");
    } else {
        when = MAX(when, now);
        printf("  advance %lld ms\n", when - now);
        now = when;
    }
}

static void
print_clocks(void)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&s, "  host clock ");
    put_micro_time(&s, host_wall());
    ds_put_cstr(&s, ", DPU clock ");
    put_micro_time(&s, host_wall() + skew);
    puts(ds_cstr(&s));
    ds_destroy(&s);
}

static void
do_wall_offset(struct ovs_cmdl_context *ctx)
{
    wall_offset = parse_number(ctx->argv[1]);
    print_clocks();
}

static void
do_skew(struct ovs_cmdl_context *ctx)
{
    skew = parse_number(ctx->argv[1]);
    print_clocks();
}

static void
print_indented(const struct ds *s)
{
    const char *p = ds_cstr_ro(s);

    while (*p) {
        size_t n = strcspn(p, "\n");
        printf("  %.*s\n", (int) n, p);
        p += n + (p[n] == '\n');
    }
}

static void
do_show_renewer(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    need_renewer();
    dpu_lease_renewer_format(renewer, now, &s);
    print_indented(&s);
    ds_destroy(&s);
}

static void
do_show_monitor(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    need_monitor();
    dpu_lease_monitor_format(monitor, now, host_wall(), &s);
    print_indented(&s);
    ds_destroy(&s);
}

static const struct ovs_cmdl_command all_commands[] = {
    { "renewer", NULL, 2, 2, do_renewer, OVS_RO },
    { "next", NULL, 0, 0, do_next, OVS_RO },
    { "done", NULL, 1, INT_MAX, do_done, OVS_RO },
    { "node-known", NULL, 0, 1, do_node_known, OVS_RO },
    { "run", NULL, 0, 1, do_run, OVS_RO },
    { "monitor", NULL, 1, 1, do_monitor, OVS_RO },
    { "observe", NULL, 0, 3, do_observe, OVS_RO },
    { "observe-absent", NULL, 0, 0, do_observe_absent, OVS_RO },
    { "read-error", NULL, 1, INT_MAX, do_read_error, OVS_RO },
    { "read-ok", NULL, 0, 0, do_read_ok, OVS_RO },
    { "verdict", NULL, 0, 0, do_verdict, OVS_RO },
    { "advance", NULL, 1, 1, do_advance, OVS_RO },
    { "timeout", NULL, 0, 0, do_timeout, OVS_RO },
    { "wall-offset", NULL, 1, 1, do_wall_offset, OVS_RO },
    { "skew", NULL, 1, 1, do_skew, OVS_RO },
    { "show-renewer", NULL, 0, 0, do_show_renewer, OVS_RO },
    { "show-monitor", NULL, 0, 0, do_show_monitor, OVS_RO },
    { NULL, NULL, 0, 0, NULL, OVS_RO },
};

static void
run_script(void)
{
    struct trace_state prev;
    long long int old_time;
    char line[256];

    capture(&prev);
    printf("### t=%lld ###\n", now);
    old_time = now;
    while (fgets(line, sizeof line, stdin)) {
        struct trace_state cur;
        struct svec args;

        fputs(line, stdout);
        if (line[0] == '#') {
            continue;
        }

        svec_init(&args);
        svec_parse_words(&args, line);
        svec_terminate(&args);
        if (!svec_is_empty(&args)) {
            struct ovs_cmdl_context ctx = {
                .argc = args.n,
                .argv = args.names,
            };
            ovs_cmdl_run_command(&ctx, all_commands);
        }
        svec_destroy(&args);

        if (old_time != now) {
            printf("\n### t=%lld ###\n", now);
        }
        capture(&cur);
        diff(&prev, &cur);
        trace_state_destroy(&prev);
        prev = cur;
        old_time = now;
    }
    trace_state_destroy(&prev);

    dpu_lease_renewer_destroy(renewer);
    dpu_lease_monitor_destroy(monitor);
    free(lease_renew_time);
}

static void
run_options(int argc, char *argv[])
{
    enum {
        OPT_FIRST = UCHAR_MAX,  /* Keeps the long options off short ones. */
        DPU_LEASE_OPTION_ENUMS
    };
    static const struct option long_options[] = {
        DPU_LEASE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct dpu_lease_config config;
    struct dpu_lease_config *cfg = &config;

    dpu_lease_config_init(&config);
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        DPU_LEASE_OPTION_HANDLERS(cfg)

        case '?':
            exit(EXIT_FAILURE);

        default:
            OVS_NOT_REACHED();
        }
    }
    if (optind != argc) {
        ovs_fatal(0, "unexpected argument \"%s\"", argv[optind]);
    }

    char *error = dpu_lease_config_validate(&config);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    printf("interval: %d\nduration: %d\nnamespace: %s\n",
           config.interval, config.duration, config.namespace);
    dpu_lease_config_destroy(&config);
}

static void
run_parse_time(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        long long int usec;

        if (micro_time_parse(argv[i], &usec)) {
            struct ds s = DS_EMPTY_INITIALIZER;
            micro_time_format(usec, &s);
            printf("%s -> %lld %s\n", argv[i], usec, ds_cstr(&s));
            ds_destroy(&s);
        } else {
            printf("%s -> error\n", argv[i]);
        }
    }
}

static void
run_format_time(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        struct ds s = DS_EMPTY_INITIALIZER;
        long long int usec = parse_number(argv[i]), back;

        micro_time_format(usec, &s);
        if (!micro_time_parse(ds_cstr(&s), &back)
            || back != usec) {
            ovs_fatal(0, "%s does not parse back to %lld", ds_cstr(&s),
                      usec);
        }
        printf("%lld -> %s\n", usec, ds_cstr(&s));
        ds_destroy(&s);
    }
}

static void
run_renew_object(const char *text)
{
    cJSON *lease = cJSON_Parse(text);
    if (!lease) {
        ovs_fatal(0, "%s: not valid JSON", text);
    }

    struct dpu_lease_observation obs;
    dpu_lease_object_renew(lease, 40, "2026-11-25T10:00:00.000000Z");
    dpu_lease_object_observe(lease, &obs);
    printf("renewTime %s duration %d holder %s\n",
           obs.renew_time ? obs.renew_time : "(none)", obs.duration,
           obs.holder ? obs.holder : "(none)");
    cJSON_Delete(lease);
}

void
test_dpu_lease_main(int argc, char *argv[])
{
    const char *command = argc > 1 ? argv[1] : NULL;

    if (!command) {
        run_script();
    } else if (!strcmp(command, "options")) {
        run_options(argc - 1, argv + 1);
    } else if (!strcmp(command, "usage") && argc == 2) {
        dpu_lease_options_usage();
    } else if (!strcmp(command, "name") && argc == 3) {
        char *name = dpu_lease_name(argv[2]);
        printf("%s\n", name);
        free(name);
    } else if (!strcmp(command, "parse-time")) {
        run_parse_time(argc - 1, argv + 1);
    } else if (!strcmp(command, "format-time")) {
        run_format_time(argc - 1, argv + 1);
    } else if (!strcmp(command, "renew-object") && argc == 3) {
        run_renew_object(argv[2]);
    } else {
        ovs_fatal(0, "usage: ovn-dpu-test dpu-lease [options|usage|name|"
                  "parse-time|format-time|renew-object ARG...]");
    }
}
