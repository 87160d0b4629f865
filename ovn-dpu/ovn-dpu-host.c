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

#include "command-line.h"
#include "daemon.h"
#include "fatal-signal.h"
#include "k8s-client.h"
#include "k8s-config.h"
#include "memory.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "simap.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ovn_dpu_host);

static unixctl_cb_func ovn_dpu_host_exit;
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
    char *unixctl_path = parse_options(argc, argv);
    fatal_ignore_sigpipe();

    daemonize_start(false);
    int retval = unixctl_server_create(unixctl_path, &unixctl);
    if (retval) {
        exit(EXIT_FAILURE);
    }
    unixctl_command_register("exit", "", 0, 0, ovn_dpu_host_exit, &exiting);

    struct k8s_client *k8s = ovn_dpu_k8s_connect();
    ovn_dpu_k8s_status_init(k8s);

    daemonize_complete();
    VLOG_INFO("%s version %s starting", program_name, PACKAGE_VERSION);

    while (!exiting) {
        memory_run();
        if (memory_should_report()) {
            struct simap usage = SIMAP_INITIALIZER(&usage);
            memory_report(&usage);
            simap_destroy(&usage);
        }

        unixctl_server_run(unixctl);
        k8s_client_run(k8s);
        ovn_dpu_k8s_run();

        memory_wait();
        unixctl_server_wait(unixctl);
        k8s_client_wait(k8s);
        ovn_dpu_k8s_wait();
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
        if (should_service_stop()) {
            exiting = true;
        }
    }

    ovn_dpu_k8s_destroy();
    k8s_client_destroy(k8s);
    unixctl_server_destroy(unixctl);
    service_stop();
    free(unixctl_path);
    return 0;
}

static char *
parse_options(int argc, char *argv[])
{
    enum {
        OPT_UNIXCTL = UCHAR_MAX + 1,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        K8S_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        K8S_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);
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

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        K8S_OPTION_HANDLERS

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);

    if (optind < argc) {
        ovs_fatal(0, "non-option argument \"%s\"; use --help for usage",
                  argv[optind]);
    }
    return unixctl_path;
}

static void
usage(void)
{
    printf("%s: OVN-Kubernetes DPU offload, host-side agent\n"
           "usage: %s [OPTIONS]\n"
           "\nKubernetes options (the host cluster's API server):\n",
           program_name, program_name);
    k8s_options_usage();
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  --unixctl=SOCKET        override default control socket name\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}

static void
ovn_dpu_host_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                  const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}
