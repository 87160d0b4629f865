/*
 * "ovn-dpu-test metrics": drives metrics.c, metrics-process.c and
 * metrics-server.c for tests/metrics.at and bench/metrics-bench.
 *
 *   metrics                  run the script on stdin (below) against a
 *                            fresh registry
 *   metrics parse-address ADDRESS...
 *                            metrics_parse_bind_address() of each
 *   metrics serve [OPTION]...
 *                            a daemon serving the process-wide registry
 *                            (below)
 *   metrics bench [--pods=N] [--renders=N]
 *                            time rendering a registry like an agent's
 *                            with N pods (default 200) N times (default
 *                            1000), and updates; print JSON
 *
 * The script has one command per line; words are separated by spaces, and
 * a word in double quotes may hold spaces and the escapes \\, \", \n and
 * \xHH.  LABELS is a comma-separated list of label names or "-" for none,
 * BUCKETS a comma-separated list of upper bounds or "-" for none, and
 * VALUE... the label values.  Numbers are anything strtod() reads ("inf",
 * "nan", "-1e3").
 *
 *   counter NAME LABELS HELP          metrics_counter_create()
 *   gauge NAME LABELS HELP            metrics_gauge_create()
 *   histogram NAME LABELS BUCKETS HELP
 *                                     metrics_histogram_create()
 *   inc NAME VALUE...                 metrics_counter_inc()
 *   counter-add NAME N VALUE...       metrics_counter_add()
 *   counter-set NAME N VALUE...       metrics_counter_set()
 *   gauge-set NAME N VALUE...         metrics_gauge_set()
 *   gauge-add NAME N VALUE...         metrics_gauge_add()
 *   observe NAME N VALUE...           metrics_histogram_observe()
 *   remove NAME VALUE...              metrics_remove()
 *   clear NAME                        metrics_clear()
 *   max-series NAME N                 metrics_set_max_series()
 *   get NAME VALUE...                 print metrics_get()
 *   render [PREFIX]                   print metrics_render()
 *
 * "serve" is a daemon (--detach, --pidfile, --log-file, --unixctl, -v
 * work as in the agents) with --metrics-bind-address=ADDRESS and
 * optionally --max-connections=N, --request-timeout=SECS, --pods=N and
 * --agent-like (the other metrics "bench" renders).
 * It serves the build_info ("ovn_dpu_test_build_info") and process
 * metrics and:
 *
 *   test_ticks_total                 +1 every 100 ms of the poll loop's
 *                                    timer, to see that the loop turns
 *   test_events_total{kind}          "ovs-appctl test/inc KIND [N]"
 *   test_duration_seconds            "ovs-appctl test/observe SECONDS"
 *                                    (the default buckets)
 *   test_pod_ready{namespace,pod}    1 for each of the --pods=N pods
 *   test_pod_restarts_total{namespace,pod}
 *                                    0 for each of them
 *
 * and answers "ovs-appctl test/ticks" (test_ticks_total),
 * "test/set-ready" and "test/set-not-ready REASON" (what /readyz says),
 * "metrics/show [PREFIX]" and "exit".
 */

#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "command-line.h"
#include "daemon.h"
#include "fatal-signal.h"
#include "metrics.h"
#include "metrics-process.h"
#include "metrics-server.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-test.h"
#include "socket-util.h"
#include "svec.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(test_metrics);

/* The script. */

/* Splits 'line' into words as described at the top of the file.  Returns
 * NULL, or an error message to free(). */
static char *
split_words(const char *line, struct svec *words)
{
    const char *p = line;

    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (!*p || *p == '\n' || *p == '#') {
            return NULL;
        }

        struct ds word = DS_EMPTY_INITIALIZER;
        if (*p != '"') {
            while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
                ds_put_char(&word, *p++);
            }
        } else {
            for (p++; *p != '"'; p++) {
                if (!*p || *p == '\n') {
                    ds_destroy(&word);
                    return xstrdup("unterminated quoted word");
                } else if (*p != '\\') {
                    ds_put_char(&word, *p);
                } else if (p[1] == 'n') {
                    ds_put_char(&word, '\n');
                    p++;
                } else if (p[1] == '\\' || p[1] == '"') {
                    ds_put_char(&word, p[1]);
                    p++;
                } else if (p[1] == 'x' && isxdigit((unsigned char) p[2])
                           && isxdigit((unsigned char) p[3])) {
                    bool ok;
                    ds_put_char(&word, hexits_value(p + 2, 2, &ok));
                    p += 3;
                } else {
                    ds_destroy(&word);
                    return xstrdup("bad escape in quoted word");
                }
            }
            p++;
        }
        svec_add_nocopy(words, ds_steal_cstr(&word));
    }
}

static double
parse_number(const char *s)
{
    char *end;
    double d = strtod(s, &end);
    if (!*s || *end) {
        ovs_fatal(0, "\"%s\" is not a number", s);
    }
    return d;
}

static void
parse_list(const char *s, struct svec *items)
{
    if (strcmp(s, "-")) {
        char *copy = xstrdup(s);
        char *save_ptr = NULL;
        for (char *item = strtok_r(copy, ",", &save_ptr); item;
             item = strtok_r(NULL, ",", &save_ptr)) {
            svec_add(items, item);
        }
        free(copy);
    }
}

static struct metric *
find_metric(struct shash *metrics, const char *name)
{
    struct metric *metric = shash_find_data(metrics, name);
    if (!metric) {
        ovs_fatal(0, "no metric %s in this script", name);
    }
    return metric;
}

static void
run_script(void)
{
    struct metrics_registry *registry = metrics_registry_create();
    struct shash metrics = SHASH_INITIALIZER(&metrics);
    char line[4096];

    while (fgets(line, sizeof line, stdin)) {
        struct svec words = SVEC_EMPTY_INITIALIZER;
        char *error = split_words(line, &words);
        if (error) {
            ovs_fatal(0, "%s: %s", line, error);
        }
        if (!words.n) {
            svec_destroy(&words);
            continue;
        }

        const char *cmd = words.names[0];
        size_t n = words.n;
        char **w = words.names;
        const char *const *values = (const char *const *) w;

        if ((!strcmp(cmd, "counter") || !strcmp(cmd, "gauge")) && n == 4) {
            const char *labels = strcmp(w[2], "-") ? w[2] : NULL;
            struct metric *m = (cmd[0] == 'c'
                                ? metrics_counter_create(registry, w[1],
                                                         w[3], labels)
                                : metrics_gauge_create(registry, w[1], w[3],
                                                       labels));
            shash_replace(&metrics, w[1], m);
        } else if (!strcmp(cmd, "histogram") && n == 5) {
            struct svec bounds_s = SVEC_EMPTY_INITIALIZER;
            parse_list(w[3], &bounds_s);
            double *bounds = xcalloc(bounds_s.n + 1, sizeof *bounds);
            for (size_t i = 0; i < bounds_s.n; i++) {
                bounds[i] = parse_number(bounds_s.names[i]);
            }
            struct metric *m = metrics_histogram_create(
                registry, w[1], w[4], strcmp(w[2], "-") ? w[2] : NULL,
                bounds, bounds_s.n);
            shash_replace(&metrics, w[1], m);
            free(bounds);
            svec_destroy(&bounds_s);
        } else if (!strcmp(cmd, "inc") && n >= 2) {
            metrics_counter_addv(find_metric(&metrics, w[1]), 1,
                                 n - 2, values + 2);
        } else if (!strcmp(cmd, "counter-add") && n >= 3) {
            metrics_counter_addv(find_metric(&metrics, w[1]),
                                 parse_number(w[2]), n - 3, values + 3);
        } else if (!strcmp(cmd, "counter-set") && n >= 3) {
            metrics_counter_setv(find_metric(&metrics, w[1]),
                                 parse_number(w[2]), n - 3, values + 3);
        } else if (!strcmp(cmd, "gauge-set") && n >= 3) {
            metrics_gauge_setv(find_metric(&metrics, w[1]),
                               parse_number(w[2]), n - 3, values + 3);
        } else if (!strcmp(cmd, "gauge-add") && n >= 3) {
            metrics_gauge_addv(find_metric(&metrics, w[1]),
                               parse_number(w[2]), n - 3, values + 3);
        } else if (!strcmp(cmd, "observe") && n >= 3) {
            metrics_histogram_observev(find_metric(&metrics, w[1]),
                                       parse_number(w[2]), n - 3,
                                       values + 3);
        } else if (!strcmp(cmd, "remove") && n >= 2) {
            metrics_removev(find_metric(&metrics, w[1]), n - 2, values + 2);
        } else if (!strcmp(cmd, "clear") && n == 2) {
            metrics_clear(find_metric(&metrics, w[1]));
        } else if (!strcmp(cmd, "max-series") && n == 3) {
            metrics_set_max_series(find_metric(&metrics, w[1]),
                                   parse_number(w[2]));
        } else if (!strcmp(cmd, "get") && n >= 2) {
            printf("%.17g\n", metrics_getv(find_metric(&metrics, w[1]),
                                           n - 2, values + 2));
        } else if (!strcmp(cmd, "render") && n <= 2) {
            struct ds out = DS_EMPTY_INITIALIZER;
            metrics_render(registry, n > 1 ? w[1] : NULL, &out);
            fputs(ds_cstr(&out), stdout);
            ds_destroy(&out);
        } else {
            ovs_fatal(0, "bad command: %s", line);
        }
        fflush(stdout);
        svec_destroy(&words);
    }
    shash_destroy(&metrics);
    metrics_registry_destroy(registry);
}

/* parse-address. */

static void
parse_addresses(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        struct sockaddr_storage ss;
        char *error = metrics_parse_bind_address(argv[i], &ss);
        if (error) {
            printf("%s\n", error);
            free(error);
        } else {
            struct ds s = DS_EMPTY_INITIALIZER;
            ss_format_address(&ss, &s);
            printf("%s: %s port %"PRIu16"\n", argv[i], ds_cstr(&s),
                   ss_get_port(&ss));
            ds_destroy(&s);
        }
    }
}

/* What an agent's registry has, for "serve --agent-like" and "bench". */

static const char *const commands[] = { "ADD", "DEL", "CHECK", "STATUS" };
static const char *const verbs[] = { "GET", "PATCH", "PUT", "POST", "LIST",
                                     "WATCH" };

struct agent_like {
    struct metric *cni;
    struct metric *api;
};

/* Adds to 'registry', which has add_pods(), what else an agent with
 * 'n_pods' pods would have: a per-pod histogram of 15 buckets, a
 * histogram by command and result like ovnkube's CNI one, and counters by
 * verb and code like API requests. */
static void
add_agent_like(struct metrics_registry *registry, int n_pods,
               struct agent_like *agent)
{
    double buckets[15];
    metrics_buckets_exponential(0.1, 2, ARRAY_SIZE(buckets), buckets);
    struct metric *pod_seconds = metrics_histogram_create(
        registry, "test_pod_ready_seconds", "Time to ready, per pod.",
        "namespace,pod", buckets, ARRAY_SIZE(buckets));
    agent->cni = metrics_histogram_create(
        registry, "test_cni_request_duration_seconds",
        "CNI requests by command and error.", "command,err",
        buckets, ARRAY_SIZE(buckets));
    agent->api = metrics_counter_create(
        registry, "test_api_requests_total", "API requests by verb and code.",
        "verb,code");
    if (n_pods > METRICS_DEFAULT_MAX_SERIES) {
        metrics_set_max_series(pod_seconds, n_pods);
    }
    for (int i = 0; i < n_pods; i++) {
        char pod[32];
        snprintf(pod, sizeof pod, "pod-%d", i);
        metrics_histogram_observe(pod_seconds, 0.05 * (i % 40), "default",
                                  pod);
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        metrics_histogram_observe(agent->cni, 0.3, commands[i], "false");
        metrics_histogram_observe(agent->cni, 0.3, commands[i], "true");
    }
    for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
        metrics_counter_inc(agent->api, verbs[i], "200");
        metrics_counter_inc(agent->api, verbs[i], "500");
    }
}

/* serve. */

struct serve_state {
    bool exiting;
    bool ready;
    char *not_ready_reason;
    struct metric *ticks;
    struct metric *events;
    struct metric *duration;
};

static void
serve_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *state_)
{
    struct serve_state *state = state_;
    state->exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
serve_inc(struct unixctl_conn *conn, int argc, const char *argv[],
          void *state_)
{
    struct serve_state *state = state_;
    double n = argc > 2 ? strtod(argv[2], NULL) : 1;
    metrics_counter_add(state->events, n, argv[1]);
    unixctl_command_reply(conn, NULL);
}

static void
serve_observe(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[], void *state_)
{
    struct serve_state *state = state_;
    metrics_histogram_observe(state->duration, strtod(argv[1], NULL));
    unixctl_command_reply(conn, NULL);
}

static void
serve_ticks(struct unixctl_conn *conn, int argc OVS_UNUSED,
            const char *argv[] OVS_UNUSED, void *state_)
{
    struct serve_state *state = state_;
    char *reply = xasprintf("%.0f", metrics_get(state->ticks));
    unixctl_command_reply(conn, reply);
    free(reply);
}

static void
serve_set_ready(struct unixctl_conn *conn, int argc, const char *argv[],
                void *state_)
{
    struct serve_state *state = state_;
    state->ready = !strcmp(argv[0], "test/set-ready");
    free(state->not_ready_reason);
    state->not_ready_reason = argc > 1 ? xstrdup(argv[1]) : NULL;
    unixctl_command_reply(conn, NULL);
}

static bool
serve_is_ready(void *state_, struct ds *reason)
{
    struct serve_state *state = state_;
    if (!state->ready && state->not_ready_reason) {
        ds_put_cstr(reason, state->not_ready_reason);
    }
    return state->ready;
}

/* Adds 'n_pods' pods' worth of labelled series, as an agent with that
 * many pods would have, to 'registry'. */
static void
add_pods(struct metrics_registry *registry, int n_pods)
{
    struct metric *ready = metrics_gauge_create(
        registry, "test_pod_ready", "1 for each pod that is ready.",
        "namespace,pod");
    struct metric *restarts = metrics_counter_create(
        registry, "test_pod_restarts_total", "Restarts of each pod.",
        "namespace,pod");
    if (n_pods > METRICS_DEFAULT_MAX_SERIES) {
        metrics_set_max_series(ready, n_pods);
        metrics_set_max_series(restarts, n_pods);
    }
    for (int i = 0; i < n_pods; i++) {
        char pod[32];
        snprintf(pod, sizeof pod, "pod-%d", i);
        metrics_gauge_set(ready, 1, "default", pod);
        metrics_counter_add(restarts, 0, "default", pod);
    }
}

static void
serve(int argc, char *argv[])
{
    enum {
        OPT_MAX_CONNECTIONS = UCHAR_MAX + 1,
        OPT_REQUEST_TIMEOUT,
        OPT_PODS,
        OPT_AGENT_LIKE,
        OPT_UNIXCTL,
        METRICS_OPTION_ENUMS,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
        {"pods", required_argument, NULL, OPT_PODS},
        {"agent-like", no_argument, NULL, OPT_AGENT_LIKE},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        METRICS_LONG_OPTIONS,
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    static char *short_options;
    short_options = ovs_cmdl_long_options_to_short_options(long_options);
    struct metrics_server_settings settings = { 0, 0 };
    char *bind_address = NULL;
    char *unixctl_path = NULL;
    int n_pods = 0;
    bool agent_like = false;

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_MAX_CONNECTIONS:
            settings.max_connections = atoi(optarg);
            break;
        case OPT_REQUEST_TIMEOUT:
            settings.request_timeout = atoi(optarg);
            break;
        case OPT_PODS:
            n_pods = atoi(optarg);
            break;
        case OPT_AGENT_LIKE:
            agent_like = true;
            break;
        case OPT_UNIXCTL:
            free(unixctl_path);
            unixctl_path = xstrdup(optarg);
            break;
        METRICS_OPTION_HANDLERS(&bind_address)
        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        case '?':
            exit(EXIT_FAILURE);
        default:
            abort();
        }
    }
    free(short_options);
    short_options = NULL;
    if (!bind_address) {
        ovs_fatal(0, "serve: --metrics-bind-address is required");
    }

    fatal_ignore_sigpipe();
    daemonize_start(false);
    struct unixctl_server *unixctl;
    if (unixctl_server_create(unixctl_path, &unixctl)) {
        exit(EXIT_FAILURE);
    }

    struct serve_state state = { .ready = true };
    struct metrics_registry *registry = metrics_default();
    metrics_process_register(registry, "ovn_dpu_test");
    state.ticks = metrics_counter_create(
        registry, "test_ticks_total",
        "Ticks of a 100 ms timer on the poll loop.", NULL);
    state.events = metrics_counter_create(
        registry, "test_events_total", "Events counted on command, by kind.",
        "kind");
    double buckets[] = METRICS_DEFAULT_BUCKETS;
    state.duration = metrics_histogram_create(
        registry, "test_duration_seconds", "Durations observed on command.",
        NULL, buckets, ARRAY_SIZE(buckets));
    add_pods(registry, n_pods);
    if (agent_like) {
        struct agent_like agent;
        add_agent_like(registry, n_pods, &agent);
    }

    struct metrics_server *server;
    char *error = metrics_server_create(bind_address, registry, &settings,
                                        &server);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    metrics_server_set_readiness(server, serve_is_ready, &state);

    metrics_unixctl_register(registry);
    unixctl_command_register("exit", "", 0, 0, serve_exit, &state);
    unixctl_command_register("test/inc", "KIND [N]", 1, 2, serve_inc, &state);
    unixctl_command_register("test/observe", "SECONDS", 1, 1, serve_observe,
                             &state);
    unixctl_command_register("test/ticks", "", 0, 0, serve_ticks, &state);
    unixctl_command_register("test/set-ready", "", 0, 0, serve_set_ready,
                             &state);
    unixctl_command_register("test/set-not-ready", "[REASON]", 0, 1,
                             serve_set_ready, &state);
    daemonize_complete();

    long long int next_tick = time_msec() + 100;
    while (!state.exiting) {
        unixctl_server_run(unixctl);
        metrics_server_run(server);
        if (time_msec() >= next_tick) {
            metrics_counter_inc(state.ticks);
            next_tick += 100;
        }

        unixctl_server_wait(unixctl);
        metrics_server_wait(server);
        poll_timer_wait_until(next_tick);
        poll_block();
    }

    metrics_server_destroy(server);
    unixctl_server_destroy(unixctl);
    free(state.not_ready_reason);
    free(bind_address);
    free(unixctl_path);
}

/* bench. */

static long long int
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
compare_ll(const void *a_, const void *b_)
{
    const long long int *a = a_, *b = b_;
    return *a < *b ? -1 : *a > *b;
}

/* Times 'n' calls of the update in 'BODY' (which may use 'i'), and stores
 * the nanoseconds per call in 'NS'. */
#define TIME_UPDATES(NS, N, BODY)                                       \
    do {                                                                \
        long long int start_ = now_ns();                                \
        for (long long int i = 0; i < (N); i++) {                       \
            BODY;                                                       \
        }                                                               \
        (NS) = (double) (now_ns() - start_) / (N);                      \
    } while (0)

static void
bench(int argc, char *argv[])
{
    int n_pods = 200;
    int n_renders = 1000;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--pods=", 7)) {
            n_pods = atoi(argv[i] + 7);
        } else if (!strncmp(argv[i], "--renders=", 10)) {
            n_renders = atoi(argv[i] + 10);
        } else {
            ovs_fatal(0, "bench: unknown argument %s", argv[i]);
        }
    }
    ovs_assert(n_renders > 0);

    struct metrics_registry *registry = metrics_default();
    metrics_process_register(registry, "ovn_dpu_test");
    add_pods(registry, n_pods);
    struct agent_like agent;
    add_agent_like(registry, n_pods, &agent);
    struct metric *plain = metrics_counter_create(
        registry, "test_plain_total", "A counter without labels.", NULL);

    long long int *times = xmalloc(n_renders * sizeof *times);
    size_t bytes = 0, lines = 0;
    for (int i = 0; i < n_renders; i++) {
        struct ds out = DS_EMPTY_INITIALIZER;
        long long int start = now_ns();
        metrics_render(registry, NULL, &out);
        times[i] = now_ns() - start;
        bytes = out.length;
        lines = 0;
        for (const char *p = ds_cstr(&out); *p; p++) {
            lines += *p == '\n';
        }
        ds_destroy(&out);
    }
    qsort(times, n_renders, sizeof *times, compare_ll);

    long long int n = 10 * 1000 * 1000;
    double ns_plain, ns_labelled, ns_observe;
    TIME_UPDATES(ns_plain, n, metrics_counter_inc(plain));
    TIME_UPDATES(ns_labelled, n,
                 metrics_counter_inc(agent.api, verbs[i % 6], "200"));
    TIME_UPDATES(ns_observe, n,
                 metrics_histogram_observe(agent.cni, (i % 100) * 0.1,
                                           commands[i % 4], "false"));

    printf("{\"pods\": %d, \"renders\": %d, \"bytes\": %"PRIuSIZE", "
           "\"lines\": %"PRIuSIZE",\n"
           " \"render_us\": {\"median\": %.1f, \"p99\": %.1f, "
           "\"min\": %.1f, \"max\": %.1f},\n"
           " \"update_ns\": {\"counter_no_labels\": %.1f, "
           "\"counter_2_labels\": %.1f, \"histogram_2_labels\": %.1f}}\n",
           n_pods, n_renders, bytes, lines,
           times[n_renders / 2] / 1e3,
           times[MIN(n_renders - 1, n_renders * 99 / 100)] / 1e3,
           times[0] / 1e3, times[n_renders - 1] / 1e3,
           ns_plain, ns_labelled, ns_observe);
    free(times);
}

void
test_metrics_main(int argc, char *argv[])
{
    if (argc < 2) {
        run_script();
    } else if (!strcmp(argv[1], "parse-address")) {
        parse_addresses(argc - 1, argv + 1);
    } else if (!strcmp(argv[1], "serve")) {
        serve(argc - 1, argv + 1);
    } else if (!strcmp(argv[1], "bench")) {
        bench(argc - 1, argv + 1);
    } else {
        ovs_fatal(0, "metrics: unknown command %s", argv[1]);
    }
}
