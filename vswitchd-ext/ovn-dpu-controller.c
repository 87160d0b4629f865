/*
 * ovn-dpu-controller: the DPU-side agent of OVN-Kubernetes DPU offload.
 *
 * Runs on the DPU next to ovs-vswitchd and ovn-controller, with credentials
 * for the host cluster.  It renews the DPU health Lease that the host side
 * watches, and for each pod on its host node plugs the pod's VF
 * representor into br-int under the pod's OVN logical port, then reports
 * the result on the pod.  It also plugs the representor of the node's
 * management port (mgmt-port-dpu.h), which the host's Node names.
 */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "conn-keys.h"
#include "dirs.h"
#include "dpu-lease-keeper.h"
#include "host-node-name.h"
#include "k8s-names.h"
#include "metrics-process.h"
#include "mgmt-port-dpu.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "pod-binder.h"
#include "representor.h"
#include "unixctl.h"
#include "util.h"
#include "vf-list.h"

VLOG_DEFINE_THIS_MODULE(ovn_dpu_controller);

/* Command-line settings. */
static struct ovn_dpu_options options;
static char *ovs_remote;
static char *link_ledger;
static struct dpu_bindings_config bindings_config;
static struct dpu_pod_options pod_options = { .mtu = 1400 };
static struct vf_list reserved_vfs;

static unixctl_cb_func lease_status;
static bool is_ready(void *binder, struct ds *reason);
static unixctl_cb_func dpu_show;
static unixctl_cb_func dpu_recompute;
static unixctl_cb_func dpu_watches;
static unixctl_cb_func mgmt_show;
static void parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);

int
main(int argc, char *argv[])
{
    struct ovn_dpu_daemon d;

    ovn_dpu_init(&argc, &argv);
    parse_options(argc, argv);

    ovn_dpu_daemon_start(&d, &options, METRICS_PREFIX_CONTROLLER);
    struct dpu_lease_keeper *lease = dpu_lease_keeper_create(
        &options.k8s, options.node_name, &options.lease);
    unixctl_command_register("lease/status", "[--format=text|json]", 0, 2,
                             lease_status, lease);
    struct pod_binder *binder = pod_binder_create(
        d.k8s, options.node_name, options.keys_namespace, ovs_remote,
        &bindings_config, &pod_options);
    unixctl_command_register("dpu/show", "[--format=text|json]", 0, 2,
                             dpu_show, binder);
    unixctl_command_register("dpu/recompute", "", 0, 0, dpu_recompute,
                             binder);
    unixctl_command_register("dpu/watches", "", 0, 0, dpu_watches, binder);

    char *mgmt_ledger = xasprintf("%s.mgmt-port", link_ledger);
    struct mgmt_port_dpu_config mgmt_config = {
        .bridge = bindings_config.bridge,
        .sysfs_root = bindings_config.sysfs_root,
        .simulated = bindings_config.simulated,
        .mtu = pod_options.mtu,
        .link_file = mgmt_ledger,
    };
    struct mgmt_port_dpu *mgmt = mgmt_port_dpu_create(
        d.k8s, options.node_name, pod_binder_get_idl(binder),
        pod_binder_get_bindings(binder), &mgmt_config);
    pod_binder_set_mgmt_port(binder, mgmt);
    unixctl_command_register("mgmt/show", "", 0, 0, mgmt_show, mgmt);
    ovn_dpu_daemon_set_readiness(&d, is_ready, binder);
    ovn_dpu_daemon_started(&d, &options);

    while (!d.exiting) {
        ovn_dpu_daemon_run(&d);
        dpu_lease_keeper_run(lease);
        pod_binder_run(binder);

        ovn_dpu_daemon_wait(&d);
        dpu_lease_keeper_wait(lease);
        pod_binder_wait(binder);
        ovn_dpu_daemon_block(&d);
    }

    pod_binder_destroy(binder);
    mgmt_port_dpu_destroy(mgmt);
    free(mgmt_ledger);
    dpu_lease_keeper_destroy(lease);
    ovn_dpu_daemon_destroy(&d);
    ovn_dpu_options_destroy(&options);
    vf_list_destroy(&reserved_vfs);
    free(ovs_remote);
    free(link_ledger);
    return 0;
}

enum {
    OPT_OVS_DB = OVN_DPU_PROGRAM_OPTION_BASE,
    OPT_BRIDGE,
    OPT_SIMULATE_DPU,
    OPT_SYSFS_ROOT,
    OPT_MTU,
    OPT_OVN_INSTALLED_TIMEOUT,
    OPT_LINK_LEDGER,
    OPT_RESERVED_VFS,
    OPT_ALLOW_UNSIGNED,
};

static void
handle_option(int option, const char *arg)
{
    switch (option) {
    case OPT_OVS_DB:
        free(ovs_remote);
        ovs_remote = xstrdup(arg);
        break;

    case OPT_BRIDGE:
        bindings_config.bridge = arg;
        break;

    case OPT_SIMULATE_DPU:
        bindings_config.simulated = true;
        pod_options.mode = POD_ANN_SIMULATED;
        break;

    case OPT_SYSFS_ROOT:
        bindings_config.sysfs_root = arg;
        break;

    case OPT_MTU:
        if (!str_to_int(arg, 10, &pod_options.mtu)
            || pod_options.mtu < 0 || pod_options.mtu > 65535) {
            ovs_fatal(0, "--mtu: \"%s\" is not an MTU (0 to 65535, "
                      "0 to leave it unset)", arg);
        }
        break;

    case OPT_OVN_INSTALLED_TIMEOUT: {
        int secs;
        if (!str_to_int(arg, 10, &secs) || secs <= 0) {
            ovs_fatal(0, "--ovn-installed-timeout: \"%s\" is not a "
                      "positive number of seconds", arg);
        }
        bindings_config.install_timeout_ms = secs * 1000LL;
        break;
    }

    case OPT_LINK_LEDGER:
        if (!arg[0]) {
            ovs_fatal(0, "--link-ledger: a file name is required");
        }
        free(link_ledger);
        link_ledger = abs_file_name(NULL, arg);
        if (!link_ledger) {
            ovs_fatal(errno, "--link-ledger: cannot get the current "
                      "directory");
        }
        break;

    case OPT_RESERVED_VFS: {
        char *error = vf_list_parse(&reserved_vfs, arg, "--reserved-vfs");
        if (error) {
            ovs_fatal(0, "--reserved-vfs: %s", error);
        }
        break;
    }

    case OPT_ALLOW_UNSIGNED:
        pod_options.allow_unsigned = true;
        break;

    default:
        OVS_NOT_REACHED();
    }
}

static void
parse_options(int argc, char *argv[])
{
    vf_list_init(&reserved_vfs);

    static const struct option long_options[] = {
        {"ovs-db", required_argument, NULL, OPT_OVS_DB},
        {"bridge", required_argument, NULL, OPT_BRIDGE},
        {"simulate-dpu", no_argument, NULL, OPT_SIMULATE_DPU},
        {"sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT},
        {"mtu", required_argument, NULL, OPT_MTU},
        {"ovn-installed-timeout", required_argument, NULL,
         OPT_OVN_INSTALLED_TIMEOUT},
        {"link-ledger", required_argument, NULL, OPT_LINK_LEDGER},
        {"reserved-vfs", required_argument, NULL, OPT_RESERVED_VFS},
        {"allow-unsigned-connection-details", no_argument, NULL,
         OPT_ALLOW_UNSIGNED},
        {NULL, 0, NULL, 0},
    };
    ovn_dpu_parse_options(argc, argv, long_options, handle_option, usage,
                          &options);

    if (!ovs_remote) {
        ovs_remote = xasprintf("unix:%s/db.sock", ovs_rundir());
    }
    if (!options.node_name) {
        /* As ovnkube's start-up script does on a DPU. */
        char *error = host_node_name_read(ovs_remote, 10 * 1000,
                                          &options.node_name);
        if (error) {
            ovs_fatal(0, "--node-name not given, and %s", error);
        } else if (!options.node_name) {
            ovs_fatal(0, "--node-name not given, and Open_vSwitch "
                      "external_ids:%s is not set: one of them must name "
                      "the host cluster's Node whose DPU this is",
                      HOST_NODE_NAME_KEY);
        }
        if (!k8s_is_dns1123_subdomain(options.node_name)) {
            ovs_fatal(0, "Open_vSwitch external_ids:%s: \"%s\" is not a "
                      "valid Kubernetes node name", HOST_NODE_NAME_KEY,
                      options.node_name);
        }
    }
    ovn_dpu_options_finish(&options, argc, argv);
    bindings_config.set_link_state = true;
    if (!link_ledger) {
        link_ledger = xasprintf("%s/%s.link-ledger", ovs_rundir(),
                                program_name);
    }
    bindings_config.link_file = link_ledger;
    bindings_config.reserved_vfs = &reserved_vfs;
}

static void
usage(void)
{
    printf("%s: OVN-Kubernetes DPU offload, DPU-side agent\n"
           "usage: %s [OPTIONS]\n"
           "\nNode options:\n"
           "  --node-name=NAME        the host cluster's Node whose DPU "
           "this is\n"
           "                          (default: external_ids:"
           "host-k8s-nodename of\n"
           "                          the Open_vSwitch table)\n"
           "\nKubernetes options (the host cluster's API server):\n",
           program_name, program_name);
    k8s_options_usage();
    dpu_lease_options_usage();
    conn_keys_options_usage();
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
           "(default: %s/%s.link-ledger)\n"
           "  --reserved-vfs=PF:VF[-VF][,...]\n"
           "                          VFs never bound for a pod (the "
           "management\n"
           "                          port's is always reserved)\n"
           "  --allow-unsigned-connection-details\n"
           "                          bind connection details that the "
           "host agent\n"
           "                          did not sign (a reference host "
           "side): INSECURE\n",
           ovs_rundir(), DPU_BINDING_DEFAULT_BRIDGE,
           REPRESENTOR_DEFAULT_SYSFS,
           DPU_BINDING_DEFAULT_INSTALL_TIMEOUT_MS / 1000,
           ovs_rundir(), program_name);
    ovn_dpu_usage_finish();
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
dpu_show(struct unixctl_conn *conn, int argc, const char *argv[],
         void *binder_)
{
    struct pod_binder *binder = binder_;
    struct ds s = DS_EMPTY_INITIALIZER;
    bool json;

    if (ovn_dpu_parse_format(conn, argc, argv, &json)) {
        if (json) {
            pod_binder_format_json(binder, &s);
        } else {
            pod_binder_format(binder, &s);
        }
        unixctl_command_reply(conn, ds_cstr(&s));
    }
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
mgmt_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
          const char *argv[] OVS_UNUSED, void *mgmt)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    mgmt_port_dpu_format(mgmt, &s);
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

/* /readyz: connected to OVSDB and the node's pods listed. */
static bool
is_ready(void *binder, struct ds *reason)
{
    return pod_binder_is_ready(binder, reason);
}
