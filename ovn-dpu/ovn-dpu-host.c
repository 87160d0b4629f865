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

#include <getopt.h>
#include <stdlib.h>

#include "cni.h"
#include "cni-server.h"
#include "dpu-lease-watcher.h"
#include "metrics-process.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "unixctl.h"
#include "util.h"
#include "vf-list.h"

VLOG_DEFINE_THIS_MODULE(ovn_dpu_host);

/* Command-line settings. */
static struct ovn_dpu_options options;
static char *cni_socket;         /* --cni-socket. */
static bool simulate_dpu;        /* --simulate-dpu. */
static char *sysfs_root;         /* --sysfs-root. */
static int cni_add_timeout = CNI_DEFAULT_ADD_TIMEOUT; /* --cni-add-timeout. */
static int cni_max_requests = CNI_DEFAULT_MAX_REQUESTS; /* --cni-max-... */
static struct vf_list reserved_vfs;     /* --reserved-vfs. */
static bool allow_status_without_sandbox;   /* --allow-status-without-... */

static unixctl_cb_func lease_status;
static bool is_ready(void *lease, struct ds *reason);
static void parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);

int
main(int argc, char *argv[])
{
    struct ovn_dpu_daemon d;

    ovn_dpu_init(&argc, &argv);
    parse_options(argc, argv);

    ovn_dpu_daemon_start(&d, &options, METRICS_PREFIX_HOST);
    struct dpu_lease_watcher *lease = dpu_lease_watcher_create(
        d.k8s, options.node_name, &options.lease);
    unixctl_command_register("lease/status", "[--format=text|json]", 0, 2,
                             lease_status, lease);
    struct cni_server *cni;
    struct cni_settings cni_settings = {
        .k8s = d.k8s,
        .node = options.node_name,
        .simulated = simulate_dpu,
        .sysfs_root = sysfs_root,
        .add_timeout = cni_add_timeout,
        .max_requests = cni_max_requests,
        .keys_namespace = options.lease.namespace,
        .reserved_vfs = &reserved_vfs,
        .allow_status_without_sandbox = allow_status_without_sandbox,
    };
    char *error = cni_server_create(cni_socket, lease, &cni_settings, &cni);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    ovn_dpu_daemon_set_readiness(&d, is_ready, lease);
    ovn_dpu_daemon_started(&d, &options);

    while (!d.exiting) {
        ovn_dpu_daemon_run(&d);
        dpu_lease_watcher_run(lease);
        cni_server_run(cni);

        ovn_dpu_daemon_wait(&d);
        dpu_lease_watcher_wait(lease);
        cni_server_wait(cni);
        ovn_dpu_daemon_block(&d);
    }

    cni_server_destroy(cni);
    dpu_lease_watcher_destroy(lease);
    ovn_dpu_daemon_destroy(&d);
    ovn_dpu_options_destroy(&options);
    free(cni_socket);
    free(sysfs_root);
    vf_list_destroy(&reserved_vfs);
    return 0;
}

enum {
    OPT_CNI_SOCKET = OVN_DPU_PROGRAM_OPTION_BASE,
    OPT_CNI_ADD_TIMEOUT,
    OPT_CNI_MAX_REQUESTS,
    OPT_SIMULATE_DPU,
    OPT_SYSFS_ROOT,
    OPT_RESERVED_VFS,
    OPT_ALLOW_STATUS_WITHOUT_SANDBOX,
};

static void
handle_option(int option, const char *arg)
{
    switch (option) {
    case OPT_CNI_SOCKET:
        if (arg[0] != '/') {
            ovs_fatal(0, "--cni-socket: \"%s\" is not an absolute file name",
                      arg);
        }
        free(cni_socket);
        cni_socket = xstrdup(arg);
        break;

    case OPT_CNI_ADD_TIMEOUT:
        if (!str_to_int(arg, 10, &cni_add_timeout)
            || cni_add_timeout < 1 || cni_add_timeout > 3600) {
            ovs_fatal(0, "--cni-add-timeout: \"%s\" is not a number of "
                      "seconds between 1 and 3600", arg);
        }
        break;

    case OPT_CNI_MAX_REQUESTS:
        if (!str_to_int(arg, 10, &cni_max_requests)
            || cni_max_requests < 1
            || cni_max_requests > CNI_MAX_MAX_REQUESTS) {
            ovs_fatal(0, "--cni-max-requests: \"%s\" is not a number "
                      "between 1 and %d", arg, CNI_MAX_MAX_REQUESTS);
        }
        break;

    case OPT_SIMULATE_DPU:
        simulate_dpu = true;
        break;

    case OPT_SYSFS_ROOT:
        if (arg[0] != '/') {
            ovs_fatal(0, "--sysfs-root: \"%s\" is not an absolute file name",
                      arg);
        }
        free(sysfs_root);
        sysfs_root = xstrdup(arg);
        break;

    case OPT_RESERVED_VFS: {
        char *error = vf_list_parse(&reserved_vfs, arg, "--reserved-vfs");
        if (error) {
            ovs_fatal(0, "--reserved-vfs: %s", error);
        }
        break;
    }

    case OPT_ALLOW_STATUS_WITHOUT_SANDBOX:
        allow_status_without_sandbox = true;
        break;

    default:
        OVS_NOT_REACHED();
    }
}

static void
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"cni-socket", required_argument, NULL, OPT_CNI_SOCKET},
        {"cni-add-timeout", required_argument, NULL, OPT_CNI_ADD_TIMEOUT},
        {"cni-max-requests", required_argument, NULL, OPT_CNI_MAX_REQUESTS},
        {"simulate-dpu", no_argument, NULL, OPT_SIMULATE_DPU},
        {"sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT},
        {"reserved-vfs", required_argument, NULL, OPT_RESERVED_VFS},
        {"allow-status-without-sandbox", no_argument, NULL,
         OPT_ALLOW_STATUS_WITHOUT_SANDBOX},
        {NULL, 0, NULL, 0},
    };
    vf_list_init(&reserved_vfs);
    ovn_dpu_parse_options(argc, argv, long_options, handle_option, usage,
                          &options);

    if (!options.node_name) {
        options.node_name = ovn_dpu_default_node_name();
    }
    ovn_dpu_options_finish(&options, argc, argv);
    if (!cni_socket) {
        cni_socket = xstrdup(CNI_DEFAULT_SOCKET);
    }
    if (!sysfs_root) {
        sysfs_root = xstrdup("/sys");
    }
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
           "  --reserved-vfs=PF:VF[-VF][,...]\n"
           "                          VFs never given to a pod (the "
           "management port's)\n"
           "  --allow-status-without-sandbox\n"
           "                          take a DPU status entry that names no "
           "sandbox as\n"
           "                          the answer (a reference DPU side): "
           "INSECURE\n"
           "\nKubernetes options (the host cluster's API server):\n",
           program_name, program_name, CNI_DEFAULT_SOCKET,
           CNI_DEFAULT_ADD_TIMEOUT, CNI_DEFAULT_MAX_REQUESTS);
    k8s_options_usage();
    dpu_lease_options_usage();
    ovn_dpu_usage_finish();
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

/* /readyz: the CNI socket listens from the start, so ready once the lease
 * has been read (the DPU's own readiness is the lease's verdict, which
 * STATUS reports). */
static bool
is_ready(void *lease, struct ds *reason)
{
    if (!dpu_lease_watcher_is_synced(lease)) {
        ds_put_cstr(reason, "the DPU health lease has not been read yet");
        return false;
    }
    return true;
}
