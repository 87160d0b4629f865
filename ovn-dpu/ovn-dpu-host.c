/*
 * ovn-dpu-host: the host-side agent of OVN-Kubernetes DPU offload.
 *
 * On a host whose networking is offloaded to a DPU, this daemon owns the
 * DPU health Lease in the host cluster and watches it, and answers the
 * container runtime's CNI requests (forwarded by the ovn-dpu-cni plugin):
 * it hands each pod's VF to the DPU side through pod annotations and moves
 * the VF into the pod once the DPU side has plugged its representor.
 */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>

#include "cni.h"
#include "cni-server.h"
#include "command-line.h"
#include "daemon.h"
#include "dpu-lease.h"
#include "dpu-lease-watcher.h"
#include "fatal-signal.h"
#include "k8s-client.h"
#include "k8s-config.h"
#include "memory.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "simap.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ovn_dpu_host);

/* Command-line settings. */
static char *node_name;
static struct dpu_lease_config lease_config;
static char *cni_socket;         /* --cni-socket. */
static bool simulate_dpu;        /* --simulate-dpu. */
static char *sysfs_root;         /* --sysfs-root. */
static int cni_add_timeout = CNI_DEFAULT_ADD_TIMEOUT; /* --cni-add-timeout. */
static int cni_max_requests = CNI_DEFAULT_MAX_REQUESTS; /* --cni-max-... */

static unixctl_cb_func ovn_dpu_host_exit;
static unixctl_cb_func lease_status;
static char *parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    bool exiting = false;

    ovs_cmdl_proctitle_init(argc, argv);
    ovn_dpu_set_program_name(argv[0]);
    service_start(&argc, &argv);
    dpu_lease_config_init(&lease_config);
    char *unixctl_path = parse_options(argc, argv);
    struct k8s_config k8s_config;
    ovn_dpu_k8s_get_config(&k8s_config);
    fatal_ignore_sigpipe();

    daemonize_start(false);
    int retval = unixctl_server_create(unixctl_path, &unixctl);
    if (retval) {
        exit(EXIT_FAILURE);
    }
    unixctl_command_register("exit", "", 0, 0, ovn_dpu_host_exit, &exiting);

    struct k8s_client *k8s = ovn_dpu_k8s_connect(&k8s_config);
    ovn_dpu_k8s_status_init(k8s);
    struct dpu_lease_watcher *lease = dpu_lease_watcher_create(
        k8s, node_name, &lease_config);
    unixctl_command_register("lease/status", "[--format=text|json]", 0, 2,
                             lease_status, lease);
    struct cni_server *cni;
    struct cni_settings cni_settings = {
        .k8s = k8s,
        .node = node_name,
        .simulated = simulate_dpu,
        .sysfs_root = sysfs_root,
        .add_timeout = cni_add_timeout,
        .max_requests = cni_max_requests,
    };
    char *error = cni_server_create(cni_socket, lease, &cni_settings, &cni);
    if (error) {
        ovs_fatal(0, "%s", error);
    }

    daemonize_complete();
    VLOG_INFO("%s version %s starting for node %s", program_name,
              PACKAGE_VERSION, node_name);

    while (!exiting) {
        memory_run();
        if (memory_should_report()) {
            struct simap usage = SIMAP_INITIALIZER(&usage);
            ovn_dpu_heap_get_usage(&usage);
            memory_report(&usage);
            simap_destroy(&usage);
        }

        unixctl_server_run(unixctl);
        k8s_client_run(k8s);
        ovn_dpu_k8s_run();
        dpu_lease_watcher_run(lease);
        cni_server_run(cni);
        ovn_dpu_heap_run();

        memory_wait();
        ovn_dpu_heap_wait();
        unixctl_server_wait(unixctl);
        k8s_client_wait(k8s);
        ovn_dpu_k8s_wait();
        dpu_lease_watcher_wait(lease);
        cni_server_wait(cni);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
        if (should_service_stop()) {
            exiting = true;
        }
    }

    cni_server_destroy(cni);
    dpu_lease_watcher_destroy(lease);
    ovn_dpu_k8s_destroy();
    k8s_client_destroy(k8s);
    k8s_config_destroy(&k8s_config);
    unixctl_server_destroy(unixctl);
    dpu_lease_config_destroy(&lease_config);
    service_stop();
    free(unixctl_path);
    free(node_name);
    free(cni_socket);
    free(sysfs_root);
    return 0;
}

static char *
parse_options(int argc, char *argv[])
{
    enum {
        OPT_UNIXCTL = UCHAR_MAX + 1,
        OPT_CNI_SOCKET,
        OPT_CNI_ADD_TIMEOUT,
        OPT_CNI_MAX_REQUESTS,
        OPT_SIMULATE_DPU,
        OPT_SYSFS_ROOT,
        OVN_DPU_NODE_NAME_OPTION_ENUM,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        K8S_OPTION_ENUMS,
        DPU_LEASE_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"cni-socket", required_argument, NULL, OPT_CNI_SOCKET},
        {"cni-add-timeout", required_argument, NULL, OPT_CNI_ADD_TIMEOUT},
        {"cni-max-requests", required_argument, NULL, OPT_CNI_MAX_REQUESTS},
        {"simulate-dpu", no_argument, NULL, OPT_SIMULATE_DPU},
        {"sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT},
        OVN_DPU_NODE_NAME_LONG_OPTION,
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        K8S_LONG_OPTIONS,
        DPU_LEASE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    /* Static, so that it stays reachable (no leak report) when an option
     * such as --help exits in the middle of the loop. */
    static char *short_options;
    short_options = ovs_cmdl_long_options_to_short_options(long_options);
    char *unixctl_path = NULL;

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case 'h':
            usage();

        case 'V':
            ovn_dpu_print_version();
            exit(EXIT_SUCCESS);

        case OPT_UNIXCTL:
            free(unixctl_path);
            unixctl_path = xstrdup(optarg);
            break;

        case OPT_CNI_SOCKET:
            if (optarg[0] != '/') {
                ovs_fatal(0, "--cni-socket: \"%s\" is not an absolute "
                          "file name", optarg);
            }
            free(cni_socket);
            cni_socket = xstrdup(optarg);
            break;

        case OPT_CNI_ADD_TIMEOUT:
            if (!str_to_int(optarg, 10, &cni_add_timeout)
                || cni_add_timeout < 1 || cni_add_timeout > 3600) {
                ovs_fatal(0, "--cni-add-timeout: \"%s\" is not a number of "
                          "seconds between 1 and 3600", optarg);
            }
            break;

        case OPT_CNI_MAX_REQUESTS:
            if (!str_to_int(optarg, 10, &cni_max_requests)
                || cni_max_requests < 1
                || cni_max_requests > CNI_MAX_MAX_REQUESTS) {
                ovs_fatal(0, "--cni-max-requests: \"%s\" is not a number "
                          "between 1 and %d", optarg, CNI_MAX_MAX_REQUESTS);
            }
            break;

        case OPT_SIMULATE_DPU:
            simulate_dpu = true;
            break;

        case OPT_SYSFS_ROOT:
            if (optarg[0] != '/') {
                ovs_fatal(0, "--sysfs-root: \"%s\" is not an absolute "
                          "file name", optarg);
            }
            free(sysfs_root);
            sysfs_root = xstrdup(optarg);
            break;

        case OPT_NODE_NAME:
            free(node_name);
            node_name = xstrdup(optarg);
            break;

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        K8S_OPTION_HANDLERS
        DPU_LEASE_OPTION_HANDLERS(&lease_config)

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);
    short_options = NULL;

    if (optind < argc) {
        ovs_fatal(0, "non-option argument \"%s\"; use --help for usage",
                  argv[optind]);
    }
    if (!node_name) {
        node_name = ovn_dpu_default_node_name();
    }
    ovn_dpu_check_node_name(node_name);
    if (!cni_socket) {
        cni_socket = xstrdup(CNI_DEFAULT_SOCKET);
    }
    if (!sysfs_root) {
        sysfs_root = xstrdup("/sys");
    }

    char *error = dpu_lease_config_validate(&lease_config);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    return unixctl_path;
}

static void
usage(void)
{
    printf("%s: OVN-Kubernetes DPU offload, host-side agent\n"
           "usage: %s [OPTIONS]\n"
           "\nNode options:\n"
           "  --node-name=NAME        the host cluster's Node this agent "
           "serves\n"
           "                          (default: this host's name)\n"
           "\nCNI options:\n"
           "  --cni-socket=PATH       where the ovn-dpu-cni plugin reaches "
           "this agent\n"
           "                          (default: %s)\n"
           "  --cni-add-timeout=SECS  how long ADD waits for the DPU to plug "
           "a VF\n"
           "                          (default: %d)\n"
           "  --cni-max-requests=N    requests in flight beyond which ADD, "
           "CHECK and\n"
           "                          GC fail at once as busy (default: "
           "%d)\n"
           "  --simulate-dpu          VFs are veths named eth<pf>-<vf>, and "
           "deviceID\n"
           "                          is that name (dpu-simulator "
           "convention)\n"
           "  --sysfs-root=DIR        where to find VFs' PCI devices "
           "(default: /sys)\n"
           "\nKubernetes options (the host cluster's API server):\n",
           program_name, program_name, CNI_DEFAULT_SOCKET,
           CNI_DEFAULT_ADD_TIMEOUT, CNI_DEFAULT_MAX_REQUESTS);
    k8s_options_usage();
    dpu_lease_options_usage();
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  --unixctl=SOCKET        override default control socket name\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}

static void
lease_status(struct unixctl_conn *conn, int argc, const char *argv[],
             void *lease_)
{
    struct dpu_lease_watcher *lease = lease_;
    struct ds s = DS_EMPTY_INITIALIZER;
    bool json;

    if (ovn_dpu_parse_format(conn, argc, argv, &json)) {
        dpu_lease_watcher_format(lease, json, &s);
        unixctl_command_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
ovn_dpu_host_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                  const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}
