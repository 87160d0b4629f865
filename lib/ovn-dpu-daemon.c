/*
 * Pieces that ovn-dpu-controller and ovn-dpu-host share as daemons.  See
 * ovn-dpu-daemon.h.
 */

#include <config.h>

#include "ovn-dpu-daemon.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command-line.h"
#include "conn-keys.h"
#include "daemon.h"
#include "fatal-signal.h"
#include "k8s-client.h"
#include "k8s-config.h"
#include "k8s-names.h"
#include "memory.h"
#include "metrics.h"
#include "metrics-process.h"
#include "metrics-server.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ovn_dpu_daemon);

void
ovn_dpu_init(int *argcp, char **argvp[])
{
    ovs_cmdl_proctitle_init(*argcp, *argvp);
    ovs_set_program_name((*argvp)[0], PACKAGE_VERSION);
    service_start(argcp, argvp);
}

void
ovn_dpu_print_version(void)
{
    fputs(ovs_get_program_version(), stdout);
}

/* Options. */

void
ovn_dpu_parse_options(int argc, char *argv[],
                      const struct option *program_options,
                      ovn_dpu_option_func *handle, void (*usage)(void),
                      struct ovn_dpu_options *options)
{
    enum {
        OPT_UNIXCTL = UCHAR_MAX + 1,
        OPT_NODE_NAME,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        K8S_OPTION_ENUMS,
        DPU_LEASE_OPTION_ENUMS,
        CONN_KEYS_OPTION_ENUMS,
        METRICS_OPTION_ENUMS,
    };
    BUILD_ASSERT_DECL(OPT_METRICS_BIND_ADDRESS < OVN_DPU_PROGRAM_OPTION_BASE);
    static const struct option common_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"node-name", required_argument, NULL, OPT_NODE_NAME},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        K8S_LONG_OPTIONS,
        DPU_LEASE_LONG_OPTIONS,
        CONN_KEYS_LONG_OPTIONS,
        METRICS_LONG_OPTIONS,
    };
    size_t n_program = 0;
    while (program_options[n_program].name) {
        n_program++;
    }

    /* Static, so that both stay reachable (no leak report) when an option
     * such as --help exits in the middle of the loop. */
    static struct option *long_options;
    static char *short_options;
    size_t n_common = ARRAY_SIZE(common_options);
    long_options = xcalloc(n_common + n_program + 1, sizeof *long_options);
    memcpy(long_options, common_options, sizeof common_options);
    memcpy(&long_options[n_common], program_options,
           n_program * sizeof *long_options);
    short_options = ovs_cmdl_long_options_to_short_options(long_options);

    memset(options, 0, sizeof *options);
    dpu_lease_config_init(&options->lease);
    k8s_config_init(&options->k8s);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        } else if (c >= OVN_DPU_PROGRAM_OPTION_BASE) {
            handle(c, optarg);
            continue;
        }

        switch (c) {
        case 'h':
            usage();
            OVS_NOT_REACHED();

        case 'V':
            ovn_dpu_print_version();
            exit(EXIT_SUCCESS);

        case OPT_UNIXCTL:
            free(options->unixctl_path);
            options->unixctl_path = xstrdup(optarg);
            break;

        case OPT_NODE_NAME:
            free(options->node_name);
            options->node_name = xstrdup(optarg);
            break;

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        K8S_OPTION_HANDLERS
        DPU_LEASE_OPTION_HANDLERS(&options->lease)
        CONN_KEYS_OPTION_HANDLERS(&options->keys_namespace)
        METRICS_OPTION_HANDLERS(&options->metrics_address)

        case '?':
            exit(EXIT_FAILURE);

        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);
    short_options = NULL;
    free(long_options);
    long_options = NULL;
}

void
ovn_dpu_options_destroy(struct ovn_dpu_options *options)
{
    free(options->unixctl_path);
    free(options->node_name);
    free(options->metrics_address);
    free(options->keys_namespace);
    dpu_lease_config_destroy(&options->lease);
    k8s_config_destroy(&options->k8s);
}

void
ovn_dpu_options_finish(struct ovn_dpu_options *options, int argc,
                       char *argv[])
{
    if (optind < argc) {
        ovs_fatal(0, "non-option argument \"%s\"; use --help for usage",
                  argv[optind]);
    }
    if (!k8s_is_dns1123_subdomain(options->node_name)) {
        ovs_fatal(0, "--node-name: \"%s\" is not a valid Kubernetes node "
                  "name (lowercase letters, digits, '-' and '.')",
                  options->node_name);
    }
    if (!options->keys_namespace) {
        options->keys_namespace = xstrdup(CONN_KEYS_DEFAULT_NAMESPACE);
    }

    char *error = dpu_lease_config_validate(&options->lease);
    if (!error) {
        k8s_config_destroy(&options->k8s);
        error = k8s_options_get_config(&options->k8s);
    }
    if (error) {
        ovs_fatal(0, "%s", error);
    }
}

void
ovn_dpu_usage_finish(void)
{
    metrics_options_usage();
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  --unixctl=SOCKET        override default control socket name\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}

char *
ovn_dpu_default_node_name(void)
{
    char name[256];

    if (gethostname(name, sizeof name - 1)) {
        ovs_fatal(errno, "cannot get the host name for --node-name");
    }
    name[sizeof name - 1] = '\0';
    for (char *p = name; *p; p++) {
        *p = tolower((unsigned char) *p);
    }
    return xstrdup(name);
}

bool
ovn_dpu_parse_format(struct unixctl_conn *conn, int argc, const char *argv[],
                     bool *json)
{
    const char *format = "text";

    if (argc == 2 && !strncmp(argv[1], "--format=", 9)) {
        format = argv[1] + 9;
    } else if (argc == 3 && !strcmp(argv[1], "--format")) {
        format = argv[2];
    } else if (argc != 1) {
        unixctl_command_reply_error(conn, "usage: [--format=text|json]");
        return false;
    }

    if (!strcmp(format, "json")) {
        *json = true;
    } else if (!strcmp(format, "text")) {
        *json = false;
    } else {
        unixctl_command_reply_error(conn, "unknown format (use text or json)");
        return false;
    }
    return true;
}

/* State of the "k8s/status" command: the client, and what GET /version
 * told us about the server. */
static struct k8s_client *status_client;
static struct k8s_request *version_request;
static char *server_version;

static void
k8s_status_unixctl(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    k8s_client_format_status(status_client, &s);
    ds_put_format(&s, "server version: %s\n",
                  server_version ? server_version : "(not yet known)");
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
k8s_status_init(struct k8s_client *client)
{
    status_client = client;
    version_request = k8s_request_get(client, "/version");
    unixctl_command_register("k8s/status", "", 0, 0, k8s_status_unixctl,
                             NULL);
}

static void
k8s_status_run(void)
{
    if (version_request && k8s_request_is_done(version_request)) {
        const struct k8s_result *r = k8s_request_result(version_request);
        const cJSON *git = cJSON_GetObjectItemCaseSensitive(r->body,
                                                            "gitVersion");

        free(server_version);
        if (!k8s_result_ok(r)) {
            server_version = xasprintf("unknown (%s)", r->error);
            VLOG_WARN("%s", r->error);
        } else {
            server_version = xstrdup(cJSON_IsString(git) ? git->valuestring
                                     : "unknown (no gitVersion)");
            VLOG_INFO("connected to Kubernetes %s", server_version);
        }
        k8s_request_destroy(version_request);
        version_request = NULL;
    }
}

static void
k8s_status_wait(void)
{
    if (version_request) {
        k8s_request_wait(version_request);
    }
}

static void
k8s_status_destroy(void)
{
    k8s_request_destroy(version_request);
    version_request = NULL;
    free(server_version);
    server_version = NULL;
    status_client = NULL;
}

/* Giving freed heap memory back. */

static long long int heap_next_check = LLONG_MIN;
static long long int heap_next_trim = LLONG_MIN;
static bool heap_trim_due;
static unsigned int heap_trims;

/* The least free heap seen since the last trim.  A trim gives back whole
 * free pages; what it leaves, holes smaller than a page between live
 * chunks, stays free and counted, so a trim is due only once the free heap
 * has grown beyond that by OVN_DPU_HEAP_TRIM_FREE, not on every check. */
static size_t heap_free_floor;

static void
heap_run(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 \
                           || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    long long int now = time_msec();

    /* mallinfo2() walks the free lists, so not on every iteration of a
     * busy loop either. */
    if (!heap_trim_due && now >= heap_next_check) {
        heap_next_check = now + OVN_DPU_HEAP_TRIM_INTERVAL_MS / 10;
        size_t free_heap = mallinfo2().fordblks;
        heap_free_floor = MIN(heap_free_floor, free_heap);
        heap_trim_due = free_heap - heap_free_floor > OVN_DPU_HEAP_TRIM_FREE;
    }
    if (heap_trim_due && now >= heap_next_trim) {
        malloc_trim(0);
        heap_trims++;
        heap_trim_due = false;
        heap_next_trim = now + OVN_DPU_HEAP_TRIM_INTERVAL_MS;
        heap_free_floor = mallinfo2().fordblks;
    }
#endif
}

static void
heap_wait(void)
{
    if (heap_trim_due) {
        poll_timer_wait_until(heap_next_trim);
    }
}

/* The daemon. */

static void
ovn_dpu_daemon_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                    const char *argv[] OVS_UNUSED, void *d_)
{
    struct ovn_dpu_daemon *d = d_;

    d->exiting = true;
    unixctl_command_reply(conn, NULL);
}

/* /readyz while the program has not said how to tell. */
static bool
starting_ready(void *aux OVS_UNUSED, struct ds *reason)
{
    ds_put_cstr(reason, "starting");
    return false;
}

void
ovn_dpu_daemon_start(struct ovn_dpu_daemon *d,
                     const struct ovn_dpu_options *options,
                     const char *metrics_prefix)
{
    memset(d, 0, sizeof *d);
    fatal_ignore_sigpipe();

    daemonize_start(false);
    int retval = unixctl_server_create(options->unixctl_path, &d->unixctl);
    if (retval) {
        exit(EXIT_FAILURE);
    }
    unixctl_command_register("exit", "", 0, 0, ovn_dpu_daemon_exit, d);

    d->k8s = k8s_client_create(&options->k8s, program_name);
    VLOG_INFO("Kubernetes API server: %s", k8s_client_server(d->k8s));
    k8s_status_init(d->k8s);

    struct metrics_registry *registry = metrics_default();
    metrics_process_register(registry, metrics_prefix);
    metrics_unixctl_register(registry);
    d->metrics = metrics_server_start(options->metrics_address, registry);
    metrics_server_set_readiness(d->metrics, starting_ready, NULL);
}

void
ovn_dpu_daemon_set_readiness(struct ovn_dpu_daemon *d,
                             bool (*ready)(void *aux, struct ds *reason),
                             void *aux)
{
    metrics_server_set_readiness(d->metrics, ready, aux);
}

void
ovn_dpu_daemon_started(const struct ovn_dpu_daemon *d OVS_UNUSED,
                       const struct ovn_dpu_options *options)
{
    daemonize_complete();
    VLOG_INFO("%s version %s starting for node %s", program_name,
              PACKAGE_VERSION, options->node_name);
    if (getpid() == 1) {
        /* On SIGTERM, OVS's fatal-signal handling cleans up and then
         * raises the signal again with its default action, which the init
         * of a PID namespace ignores: the daemon then abort()s, ignores
         * SIGABRT as well, and dies of SIGSEGV. */
        VLOG_WARN("running as process 1 of its PID namespace: a SIGTERM "
                  "will end it by SIGSEGV after its clean-up; run it under "
                  "an init (in a pod: shareProcessNamespace: true)");
    }
}

void
ovn_dpu_daemon_run(struct ovn_dpu_daemon *d)
{
    memory_run();
    if (memory_should_report()) {
        struct simap usage = SIMAP_INITIALIZER(&usage);
        simap_put(&usage, "heap-trims", heap_trims);
#if defined(__GLIBC__) && (__GLIBC__ > 2 \
                           || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
        /* What the heap holds, in kB: allocated, and free but not given
         * back (fragmentation, or below the trim threshold), so that a
         * heap larger than expected can be told apart (Documentation/
         * memory.rst). */
        struct mallinfo2 mi = mallinfo2();
        simap_put(&usage, "heap-in-use-kB", mi.uordblks / 1024);
        simap_put(&usage, "heap-free-kB", mi.fordblks / 1024);
#endif
        memory_report(&usage);
        simap_destroy(&usage);
    }

    unixctl_server_run(d->unixctl);
    k8s_client_run(d->k8s);
    k8s_status_run();
    metrics_server_run(d->metrics);
    heap_run();
}

void
ovn_dpu_daemon_wait(struct ovn_dpu_daemon *d)
{
    memory_wait();
    heap_wait();
    unixctl_server_wait(d->unixctl);
    k8s_client_wait(d->k8s);
    k8s_status_wait();
    metrics_server_wait(d->metrics);
    if (d->exiting) {
        poll_immediate_wake();
    }
}

void
ovn_dpu_daemon_block(struct ovn_dpu_daemon *d)
{
    poll_block();
    if (should_service_stop()) {
        d->exiting = true;
    }
}

void
ovn_dpu_daemon_destroy(struct ovn_dpu_daemon *d)
{
    metrics_server_destroy(d->metrics);
    k8s_status_destroy();
    k8s_client_destroy(d->k8s);
    unixctl_server_destroy(d->unixctl);
    service_stop();
}
