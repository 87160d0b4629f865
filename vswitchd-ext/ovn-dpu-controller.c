/*
 * ovn-dpu-controller: the DPU-side agent of OVN-Kubernetes DPU offload.
 *
 * Runs on the DPU next to ovs-vswitchd and ovn-controller, with credentials
 * for the host cluster.  It renews the DPU health Lease that the host side
 * watches, and for each pod on its host node plugs the pod's VF
 * representor into br-int under the pod's OVN logical port, then reports
 * the result on the pod.
 */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "dpu-lease.h"
#include "dpu-lease-keeper.h"
#include "fatal-signal.h"
#include "k8s-client.h"
#include "k8s-config.h"
#include "memory.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "pod-binder.h"
#include "representor.h"
#include "simap.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ovn_dpu_controller);

/* Command-line settings. */
static char *node_name;
static struct dpu_lease_config lease_config;
static char *ovs_remote;
static char *link_ledger;
static struct dpu_bindings_config bindings_config;
static struct dpu_pod_options pod_options = { .mtu = 1400 };

static unixctl_cb_func ovn_dpu_controller_exit;
static unixctl_cb_func lease_status;
static unixctl_cb_func dpu_show;
static unixctl_cb_func dpu_recompute;
static unixctl_cb_func dpu_watches;
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
    unixctl_command_register("exit", "", 0, 0, ovn_dpu_controller_exit,
                             &exiting);

    struct k8s_client *k8s = ovn_dpu_k8s_connect(&k8s_config);
    ovn_dpu_k8s_status_init(k8s);
    struct dpu_lease_keeper *lease = dpu_lease_keeper_create(
        &k8s_config, node_name, &lease_config);
    unixctl_command_register("lease/status", "[--format=text|json]", 0, 2,
                             lease_status, lease);
    struct pod_binder *binder = pod_binder_create(
        k8s, node_name, ovs_remote, &bindings_config, &pod_options);
    unixctl_command_register("dpu/show", "", 0, 0, dpu_show, binder);
    unixctl_command_register("dpu/recompute", "", 0, 0, dpu_recompute,
                             binder);
    unixctl_command_register("dpu/watches", "", 0, 0, dpu_watches, binder);

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
        dpu_lease_keeper_run(lease);
        pod_binder_run(binder);
        ovn_dpu_heap_run();

        memory_wait();
        ovn_dpu_heap_wait();
        unixctl_server_wait(unixctl);
        k8s_client_wait(k8s);
        ovn_dpu_k8s_wait();
        dpu_lease_keeper_wait(lease);
        pod_binder_wait(binder);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
        if (should_service_stop()) {
            exiting = true;
        }
    }

    pod_binder_destroy(binder);
    dpu_lease_keeper_destroy(lease);
    ovn_dpu_k8s_destroy();
    k8s_client_destroy(k8s);
    k8s_config_destroy(&k8s_config);
    unixctl_server_destroy(unixctl);
    dpu_lease_config_destroy(&lease_config);
    service_stop();
    free(unixctl_path);
    free(node_name);
    free(ovs_remote);
    free(link_ledger);
    return 0;
}

static char *
parse_options(int argc, char *argv[])
{
    enum {
        OPT_UNIXCTL = UCHAR_MAX + 1,
        OPT_OVS_DB,
        OPT_BRIDGE,
        OPT_SIMULATE_DPU,
        OPT_SYSFS_ROOT,
        OPT_MTU,
        OPT_OVN_INSTALLED_TIMEOUT,
        OPT_LINK_LEDGER,
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
        {"ovs-db", required_argument, NULL, OPT_OVS_DB},
        {"bridge", required_argument, NULL, OPT_BRIDGE},
        {"simulate-dpu", no_argument, NULL, OPT_SIMULATE_DPU},
        {"sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT},
        {"mtu", required_argument, NULL, OPT_MTU},
        {"ovn-installed-timeout", required_argument, NULL,
         OPT_OVN_INSTALLED_TIMEOUT},
        {"link-ledger", required_argument, NULL, OPT_LINK_LEDGER},
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

        case OPT_NODE_NAME:
            free(node_name);
            node_name = xstrdup(optarg);
            break;

        case OPT_OVS_DB:
            free(ovs_remote);
            ovs_remote = xstrdup(optarg);
            break;

        case OPT_BRIDGE:
            bindings_config.bridge = optarg;
            break;

        case OPT_SIMULATE_DPU:
            bindings_config.simulated = true;
            pod_options.mode = POD_ANN_SIMULATED;
            break;

        case OPT_SYSFS_ROOT:
            bindings_config.sysfs_root = optarg;
            break;

        case OPT_MTU:
            if (!str_to_int(optarg, 10, &pod_options.mtu)
                || pod_options.mtu < 0 || pod_options.mtu > 65535) {
                ovs_fatal(0, "--mtu: \"%s\" is not an MTU (0 to 65535, "
                          "0 to leave it unset)", optarg);
            }
            break;

        case OPT_OVN_INSTALLED_TIMEOUT: {
            int secs;
            if (!str_to_int(optarg, 10, &secs) || secs <= 0) {
                ovs_fatal(0, "--ovn-installed-timeout: \"%s\" is not a "
                          "positive number of seconds", optarg);
            }
            bindings_config.install_timeout_ms = secs * 1000LL;
            break;
        }

        case OPT_LINK_LEDGER:
            if (!optarg[0]) {
                ovs_fatal(0, "--link-ledger: a file name is required");
            }
            free(link_ledger);
            link_ledger = abs_file_name(NULL, optarg);
            if (!link_ledger) {
                ovs_fatal(errno, "--link-ledger: cannot get the current "
                          "directory");
            }
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
        ovs_fatal(0, "--node-name is required: the host cluster's Node "
                  "whose DPU this is");
    }
    ovn_dpu_check_node_name(node_name);
    if (!ovs_remote) {
        ovs_remote = xasprintf("unix:%s/db.sock", ovs_rundir());
    }
    bindings_config.set_link_state = true;
    if (!link_ledger) {
        link_ledger = xasprintf("%s/%s.link-ledger", ovs_rundir(),
                                program_name);
    }
    bindings_config.link_file = link_ledger;

    char *error = dpu_lease_config_validate(&lease_config);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    return unixctl_path;
}

static void
usage(void)
{
    printf("%s: OVN-Kubernetes DPU offload, DPU-side agent\n"
           "usage: %s [OPTIONS]\n"
           "\nNode options:\n"
           "  --node-name=NAME        the host cluster's Node whose DPU "
           "this is\n"
           "                          (required)\n"
           "\nKubernetes options (the host cluster's API server):\n",
           program_name, program_name);
    k8s_options_usage();
    dpu_lease_options_usage();
    printf("\nRepresentor binding options:\n"
           "  --ovs-db=REMOTE         local Open_vSwitch database "
           "(default: unix:%s/db.sock)\n"
           "  --bridge=NAME           integration bridge (default: %s)\n"
           "  --simulate-dpu          representors are rep<pf>-<vf> veths, "
           "not switchdev\n"
           "  --sysfs-root=DIR        where sysfs is (default: %s)\n"
           "  --mtu=MTU               mtu_request of pod ports "
           "(default: 1400)\n"
           "  --ovn-installed-timeout=SECS\n"
           "                          report an error if ovn-installed is "
           "not set\n"
           "                          in time (default: %d)\n"
           "  --link-ledger=FILE      where to record representors whose "
           "link state\n"
           "                          is ours to put back "
           "(default: %s/%s.link-ledger)\n",
           ovs_rundir(), DPU_BINDING_DEFAULT_BRIDGE,
           REPRESENTOR_DEFAULT_SYSFS,
           DPU_BINDING_DEFAULT_INSTALL_TIMEOUT_MS / 1000,
           ovs_rundir(), program_name);
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
    struct dpu_lease_keeper *lease = lease_;
    struct ds s = DS_EMPTY_INITIALIZER;
    bool json;

    if (ovn_dpu_parse_format(conn, argc, argv, &json)) {
        dpu_lease_keeper_format(lease, json, &s);
        unixctl_command_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
dpu_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *binder_)
{
    struct pod_binder *binder = binder_;
    struct ds s = DS_EMPTY_INITIALIZER;

    pod_binder_format(binder, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
dpu_watches(struct unixctl_conn *conn, int argc OVS_UNUSED,
            const char *argv[] OVS_UNUSED, void *binder_)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    pod_binder_format_watches(binder_, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
dpu_recompute(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *binder_)
{
    pod_binder_recompute(binder_);
    unixctl_command_reply(conn, NULL);
}

static void
ovn_dpu_controller_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                  const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}
