/*
 * ovn-dpu-host: the host-side agent of OVN-Kubernetes DPU offload.
 *
 * On a host whose networking is offloaded to a DPU, this daemon owns the
 * DPU health Lease in the host cluster and watches it, and answers the
 * container runtime's CNI requests (forwarded by the ovn-dpu-cni plugin):
 * it hands each pod's VF to the DPU side through pod annotations and moves
 * the VF into the pod once the DPU side has plugged its representor.  With
 * --ovnkube-node-mgmt-port-netdev it also makes a VF the node's management
 * port (mgmt-port.h), the host's way into its pods.
 */

#include <config.h>

#include <getopt.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "cni-conf.h"
#include "cni-server.h"
#include "conn-keys.h"
#include "dpu-lease-watcher.h"
#include "dirs.h"
#include "gateway-iface.h"
#include "metrics-process.h"
#include "mgmt-port.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-daemon.h"
#include "svec.h"
#include "unixctl.h"
#include "util.h"
#include "vf-device.h"
#include "vf-list.h"
#include "vf-pool.h"

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
static bool cni_early_vf_move;              /* --cni-early-vf-move. */
static struct mgmt_port_options mgmt_options = {
    .settings = { .mtu = MGMT_PORT_DEFAULT_MTU },
};
static char *mgmt_netdev;        /* --ovnkube-node-mgmt-port-netdev. */
static char *gateway_iface;      /* --gateway-interface. */
static char *mgmt_state_file;    /* --mgmt-port-state-file. */
static bool cleanup;             /* --cleanup. */
static struct svec vf_pool = SVEC_EMPTY_INITIALIZER;  /* --vf-pool. */
static char *cni_conf_dir;       /* --cni-conf-dir, NULL: write none. */
static char *cni_conf_file;      /* --cni-conf-file. */
static char *cni_network_name;   /* --cni-network-name. */
static char *cni_version;        /* --cni-version. */
static struct svec vf_pool_specs = SVEC_EMPTY_INITIALIZER; /* As given. */

static unixctl_cb_func lease_status;
static unixctl_cb_func mgmt_show;
static void run_cleanup(void);
static bool is_ready(void *lease, struct ds *reason);
static void parse_options(int argc, char *argv[]);
static void finish_cni_options(void);
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
        .mtu = mgmt_options.settings.mtu,
        .add_timeout = cni_add_timeout,
        .max_requests = cni_max_requests,
        .keys_namespace = options.keys_namespace,
        .reserved_vfs = &reserved_vfs,
        .mgmt_netdev = mgmt_netdev,
        .allow_status_without_sandbox = allow_status_without_sandbox,
        .early_vf_move = cni_early_vf_move,
        .vf_pool = &vf_pool,
    };
    char *error = cni_server_create(cni_socket, lease, &cni_settings, &cni);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    struct mgmt_port *mgmt = NULL;
    if (mgmt_netdev) {
        error = mgmt_port_create(d.k8s, options.node_name, &mgmt_options,
                                 &mgmt);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
        unixctl_command_register("mgmt/show", "", 0, 0, mgmt_show, mgmt);
    }
    struct cni_conf *conf = NULL;
    if (cni_conf_dir) {
        conf = cni_conf_create(&(struct cni_conf_settings) {
                .dir = cni_conf_dir,
                .file = cni_conf_file,
                .network = cni_network_name,
                .version = cni_version,
                .socket = cni_socket,
            });
    }
    ovn_dpu_daemon_set_readiness(&d, is_ready, lease);
    ovn_dpu_daemon_started(&d, &options);

    while (!d.exiting) {
        ovn_dpu_daemon_run(&d);
        dpu_lease_watcher_run(lease);
        cni_server_run(cni);
        if (mgmt) {
            mgmt_port_run(mgmt);
        }
        if (conf) {
            /* The runtime starts using ovn-dpu-cni once the file is
             * there: the socket listens by now, and the lease has been
             * read once, so that STATUS and ADD give its real verdict. */
            cni_conf_run(conf, dpu_lease_watcher_is_synced(lease));
        }

        ovn_dpu_daemon_wait(&d);
        dpu_lease_watcher_wait(lease);
        cni_server_wait(cni);
        if (mgmt) {
            mgmt_port_wait(mgmt);
        }
        if (conf) {
            cni_conf_wait(conf);
        }
        ovn_dpu_daemon_block(&d);
    }

    mgmt_port_destroy(mgmt);
    cni_conf_destroy(conf);
    cni_server_destroy(cni);
    dpu_lease_watcher_destroy(lease);
    ovn_dpu_daemon_destroy(&d);
    ovn_dpu_options_destroy(&options);
    free(cni_socket);
    free(sysfs_root);
    vf_list_destroy(&reserved_vfs);
    free(mgmt_netdev);
    free(gateway_iface);
    free(mgmt_state_file);
    free(mgmt_options.settings.cluster_subnets);
    free(mgmt_options.settings.service_cidrs);
    free(cni_conf_dir);
    free(cni_conf_file);
    free(cni_network_name);
    free(cni_version);
    svec_destroy(&vf_pool);
    svec_destroy(&vf_pool_specs);
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
    OPT_CNI_EARLY_VF_MOVE,
    OPT_MGMT_PORT_NETDEV,
    OPT_GATEWAY_INTERFACE,
    OPT_CLUSTER_SUBNETS,
    OPT_SERVICE_CIDRS,
    OPT_MTU,
    OPT_ROUTABLE_MTU,
    OPT_MGMT_STATE_FILE,
    OPT_CLEANUP,
    OPT_VF_POOL,
    OPT_CNI_CONF_DIR,
    OPT_CNI_CONF_FILE,
    OPT_CNI_NETWORK_NAME,
    OPT_CNI_VERSION,
};

/* Parses 'arg' as a list of CIDRs for option 'option' into '*cidrs'. */
static void
parse_cidr_list(const char *option, const char *arg, bool host_prefix,
                struct node_cidr **cidrs, size_t *n)
{
    free(*cidrs);
    char *error = mgmt_port_parse_cidrs(arg, host_prefix, cidrs, n);
    if (error) {
        ovs_fatal(0, "--%s: %s", option, error);
    }
}

/* Parses 'arg' as an MTU for option 'option'; 'zero_ok' allows 0. */
static int
parse_mtu(const char *option, const char *arg, bool zero_ok)
{
    int mtu;
    if (!str_to_int(arg, 10, &mtu) || (mtu == 0 ? !zero_ok
                                       : mtu < 576 || mtu > 65535)) {
        ovs_fatal(0, "--%s: \"%s\" is not an MTU (576 to 65535%s)", option,
                  arg, zero_ok ? ", or 0 for none" : "");
    }
    return mtu;
}

/* Sets '*dst' to a copy of 'arg', which must be an absolute file name. */
static void
set_absolute_path(const char *option, const char *arg, char **dst)
{
    if (arg[0] != '/') {
        ovs_fatal(0, "--%s: \"%s\" is not an absolute file name", option,
                  arg);
    }
    free(*dst);
    *dst = xstrdup(arg);
}

static void
set_string(const char *arg, char **dst)
{
    free(*dst);
    *dst = xstrdup(arg);
}

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
        set_absolute_path("sysfs-root", arg, &sysfs_root);
        break;

    case OPT_VF_POOL:
        /* Parsed once --simulate-dpu, which may come later, is known. */
        svec_add(&vf_pool_specs, arg);
        break;

    case OPT_CNI_CONF_DIR:
        set_absolute_path("cni-conf-dir", arg, &cni_conf_dir);
        break;

    case OPT_CNI_CONF_FILE:
        set_string(arg, &cni_conf_file);
        break;

    case OPT_CNI_NETWORK_NAME:
        set_string(arg, &cni_network_name);
        break;

    case OPT_CNI_VERSION:
        set_string(arg, &cni_version);
        break;

    case OPT_MGMT_PORT_NETDEV:
        if (!arg[0] || strlen(arg) >= IFNAMSIZ || strchr(arg, '/')
            || strpbrk(arg, " \t\n:")) {
            ovs_fatal(0, "--ovnkube-node-mgmt-port-netdev: \"%s\" is not a "
                      "netdev name", arg);
        }
        free(mgmt_netdev);
        mgmt_netdev = xstrdup(arg);
        break;

    case OPT_GATEWAY_INTERFACE:
        if (!arg[0] || (strcmp(arg, GATEWAY_IFACE_DERIVE)
                        && (strlen(arg) >= IFNAMSIZ || strchr(arg, '/')))) {
            ovs_fatal(0, "--gateway-interface: \"%s\" is neither a netdev "
                      "name nor %s", arg, GATEWAY_IFACE_DERIVE);
        }
        free(gateway_iface);
        gateway_iface = xstrdup(arg);
        break;

    case OPT_CLUSTER_SUBNETS:
        parse_cidr_list("cluster-subnets", arg, true,
                        &mgmt_options.settings.cluster_subnets,
                        &mgmt_options.settings.n_cluster_subnets);
        break;

    case OPT_SERVICE_CIDRS:
        parse_cidr_list("k8s-service-cidrs", arg, false,
                        &mgmt_options.settings.service_cidrs,
                        &mgmt_options.settings.n_service_cidrs);
        break;

    case OPT_MTU:
        mgmt_options.settings.mtu = parse_mtu("mtu", arg, false);
        break;

    case OPT_ROUTABLE_MTU:
        mgmt_options.settings.routable_mtu = parse_mtu("routable-mtu", arg,
                                                       true);
        break;

    case OPT_MGMT_STATE_FILE:
        if (arg[0] != '/') {
            ovs_fatal(0, "--mgmt-port-state-file: \"%s\" is not an "
                      "absolute file name", arg);
        }
        free(mgmt_state_file);
        mgmt_state_file = xstrdup(arg);
        break;

    case OPT_CLEANUP:
        cleanup = true;
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

    case OPT_CNI_EARLY_VF_MOVE:
        cni_early_vf_move = true;
        break;

    default:
        OVS_NOT_REACHED();
    }
}

/* The VF pool and the CNI network configuration, once every option is
 * known. */
static void
finish_cni_options(void)
{
    const char *spec;
    size_t i;
    SVEC_FOR_EACH (i, spec, &vf_pool_specs) {
        char *error = vf_pool_parse(spec, simulate_dpu, &vf_pool);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
    }
    if (mgmt_netdev && vf_pool.n) {
        /* A pod given the management port's VF would take the node's
         * own link into its namespace.  (If the VF is already renamed,
         * the management port finds it by its alias; the check is then
         * left to the DPU side, which never binds the port's function to
         * a pod.) */
        char *pci = NULL;
        const char *id = mgmt_netdev;
        if (!simulate_dpu) {
            char *error = vf_device_pci_of_netdev(sysfs_root, mgmt_netdev,
                                                  &pci);
            free(error);
            id = pci;
        }
        if (id && svec_contains_unsorted(&vf_pool, id)) {
            ovs_fatal(0, "--vf-pool: %s is the management port's VF "
                      "(--ovnkube-node-mgmt-port-netdev=%s)", id,
                      mgmt_netdev);
        }
        free(pci);
    }

    if (!cni_conf_file) {
        cni_conf_file = xstrdup(CNI_CONF_DEFAULT_FILE);
    }
    if (!cni_network_name) {
        cni_network_name = xstrdup(CNI_CONF_DEFAULT_NETWORK);
    }
    if (!cni_version) {
        cni_version = xstrdup(CNI_CONF_DEFAULT_VERSION);
    }
    char *error = cni_conf_check(&(struct cni_conf_settings) {
            .dir = cni_conf_dir,
            .file = cni_conf_file,
            .network = cni_network_name,
            .version = cni_version,
            .socket = cni_socket,
        });
    if (error) {
        ovs_fatal(0, "%s", error);
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
        {"cni-early-vf-move", no_argument, NULL, OPT_CNI_EARLY_VF_MOVE},
        {"ovnkube-node-mgmt-port-netdev", required_argument, NULL,
         OPT_MGMT_PORT_NETDEV},
        {"gateway-interface", required_argument, NULL,
         OPT_GATEWAY_INTERFACE},
        {"cluster-subnets", required_argument, NULL, OPT_CLUSTER_SUBNETS},
        {"k8s-service-cidrs", required_argument, NULL, OPT_SERVICE_CIDRS},
        {"k8s-service-cidr", required_argument, NULL, OPT_SERVICE_CIDRS},
        {"mtu", required_argument, NULL, OPT_MTU},
        {"routable-mtu", required_argument, NULL, OPT_ROUTABLE_MTU},
        {"mgmt-port-state-file", required_argument, NULL,
         OPT_MGMT_STATE_FILE},
        {"cleanup", no_argument, NULL, OPT_CLEANUP},
        {"vf-pool", required_argument, NULL, OPT_VF_POOL},
        {"cni-conf-dir", required_argument, NULL, OPT_CNI_CONF_DIR},
        {"cni-conf-file", required_argument, NULL, OPT_CNI_CONF_FILE},
        {"cni-network-name", required_argument, NULL, OPT_CNI_NETWORK_NAME},
        {"cni-version", required_argument, NULL, OPT_CNI_VERSION},
        {NULL, 0, NULL, 0},
    };
    vf_list_init(&reserved_vfs);
    ovn_dpu_parse_options(argc, argv, long_options, handle_option, usage,
                          &options);

    if (!sysfs_root) {
        sysfs_root = xstrdup("/sys");
    }
    if (!mgmt_state_file) {
        mgmt_state_file = xasprintf("%s/%s.mgmt-port", ovs_rundir(),
                                    program_name);
    }
    struct mgmt_port_settings *ms = &mgmt_options.settings;
    if (!ms->cluster_subnets) {
        parse_cidr_list("cluster-subnets", MGMT_PORT_DEFAULT_CLUSTER_SUBNETS,
                        true, &ms->cluster_subnets, &ms->n_cluster_subnets);
    }
    if (!ms->service_cidrs) {
        parse_cidr_list("k8s-service-cidrs", MGMT_PORT_DEFAULT_SERVICE_CIDRS,
                        false, &ms->service_cidrs, &ms->n_service_cidrs);
    }
    mgmt_options.netdev = mgmt_netdev;
    mgmt_options.simulated = simulate_dpu;
    mgmt_options.sysfs_root = sysfs_root;
    mgmt_options.gateway_iface = gateway_iface;
    mgmt_options.state_file = mgmt_state_file;
    if (cleanup) {
        /* Needs nothing else: no API server, no node name. */
        run_cleanup();
    }
    if (gateway_iface && !mgmt_netdev) {
        ovs_fatal(0, "--gateway-interface needs "
                  "--ovnkube-node-mgmt-port-netdev");
    }
    if (gateway_iface && !strcmp(gateway_iface, GATEWAY_IFACE_DERIVE)
        && simulate_dpu) {
        ovs_fatal(0, "--gateway-interface=%s needs switchdev sysfs to find "
                  "the VF's PF: with --simulate-dpu, name the interface",
                  GATEWAY_IFACE_DERIVE);
    }

    if (!options.node_name) {
        options.node_name = ovn_dpu_default_node_name();
    }
    ovn_dpu_options_finish(&options, argc, argv);
    if (!cni_socket) {
        cni_socket = xstrdup(CNI_DEFAULT_SOCKET);
    }
    finish_cni_options();
}

/* --cleanup: puts the management port's VF back as it was and exits. */
static void
run_cleanup(void)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error = mgmt_port_cleanup(&mgmt_options, &s);

    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    if (error) {
        ovs_fatal(0, "--cleanup: %s", error);
    }
    exit(EXIT_SUCCESS);
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
           "  --simulate-dpu          VFs are veths named ...<pf>-<vf>, and "
           "deviceID\n"
           "                          is that name (dpu-simulator "
           "convention)\n"
           "  --sysfs-root=DIR        where to find VFs' PCI devices "
           "(default: /sys)\n"
           "  --reserved-vfs=PF:VF[-VF][,...]\n"
           "                          VFs never given to a pod (the "
           "management port's)\n"
           "  --cni-early-vf-move     move the VF into the pod while ADD "
           "waits for the DPU\n"
           "  --allow-status-without-sandbox\n"
           "                          take a DPU status entry that names no "
           "sandbox as\n"
           "                          the answer (a reference DPU side): "
           "INSECURE\n"
           "  --vf-pool=ID[,ID...]    VFs to hand out when the network "
           "configuration\n"
           "                          has no deviceID (ID..N: a range)\n"
           "  --cni-conf-dir=DIR      write the CNI network configuration "
           "there once\n"
           "                          ready, e.g. /etc/cni/net.d (default: "
           "none)\n"
           "  --cni-conf-file=NAME    its file name (default: %s)\n"
           "  --cni-network-name=NAME its network name (default: %s)\n"
           "  --cni-version=VERSION   its cniVersion (default: %s)\n"
           "\nManagement port options:\n"
           "  --ovnkube-node-mgmt-port-netdev=NAME\n"
           "                          make VF netdev NAME the node's "
           "management port,\n"
           "                          %s\n"
           "  --gateway-interface=NAME|%s\n"
           "                          the host's gateway interface, for "
           "the Node's\n"
           "                          address annotations (default: the "
           "one with the\n"
           "                          Node's IP address)\n"
           "  --cluster-subnets=LIST  the cluster's pod subnets, CIDR[/HOST-"
           "LEN],...\n"
           "                          (default: %s)\n"
           "  --k8s-service-cidrs=LIST\n"
           "                          the service CIDRs (default: %s)\n"
           "  --mtu=MTU               the MTU of pods' VFs (unless the "
           "network\n"
           "                          configuration has one) and of the "
           "management port\n"
           "                          (default: %d)\n"
           "  --routable-mtu=MTU      MTU of its routes (default: none)\n"
           "  --mgmt-port-state-file=FILE\n"
           "                          where the VF's original name, MAC "
           "and MTU are kept\n"
           "                          (default: %s/%s.mgmt-port)\n"
           "  --cleanup               put the VF back as it was, and exit\n"
           "\nKubernetes options (the host cluster's API server):\n",
           program_name, program_name, CNI_DEFAULT_SOCKET,
           CNI_DEFAULT_ADD_TIMEOUT, CNI_DEFAULT_MAX_REQUESTS,
           CNI_CONF_DEFAULT_FILE, CNI_CONF_DEFAULT_NETWORK,
           CNI_CONF_DEFAULT_VERSION, NODE_MGMT_PORT_NAME, GATEWAY_IFACE_DERIVE,
           MGMT_PORT_DEFAULT_CLUSTER_SUBNETS, MGMT_PORT_DEFAULT_SERVICE_CIDRS,
           MGMT_PORT_DEFAULT_MTU, ovs_rundir(), program_name);
    k8s_options_usage();
    dpu_lease_options_usage();
    conn_keys_options_usage();
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

static void
mgmt_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
          const char *argv[] OVS_UNUSED, void *mgmt)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    mgmt_port_format(mgmt, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
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
