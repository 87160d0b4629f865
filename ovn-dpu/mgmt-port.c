/*
 * The node's management port, host side.  See mgmt-port.h.
 *
 * States (for "mgmt/show"):
 *
 *   resolving     the VF's netdev or its function is not found yet;
 *                 retried every RESOLVE_RETRY_MS
 *   wait-subnet   k8s.ovn.org/node-subnets is missing or unusable
 *   ready         the port is as it must be
 *   error         configuring it failed; retried every ERROR_RETRY_MS
 *
 *     resolving --found--> wait-subnet --subnet--> ready <--> error
 *
 * The device goes untouched until the subnet is known: its MAC address
 * depends on it.  The annotation that names the function goes out as soon
 * as the function is known, so that the DPU side can plug the
 * representor meanwhile.
 */

#include <config.h>

#include "mgmt-port.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway-iface.h"
#include "k8s-client.h"
#include "k8s-object.h"
#include "k8s-watch.h"
#include "mgmt-port-link.h"
#include "mgmt-port-nft.h"
#include "netdev-link.h"
#include "netlink-watch.h"
#include "node-annotations.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "vf-device.h"

VLOG_DEFINE_THIS_MODULE(mgmt_port);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

#define RESOLVE_RETRY_MS 5000
#define ERROR_RETRY_MS 1000
#define PATCH_RETRY_MS 1000

enum mgmt_state {
    MGMT_RESOLVING,
    MGMT_WAIT_SUBNET,
    MGMT_READY,
    MGMT_ERROR,
};

static const char *const state_names[] = {
    [MGMT_RESOLVING] = "resolving",
    [MGMT_WAIT_SUBNET] = "wait-subnet",
    [MGMT_READY] = "ready",
    [MGMT_ERROR] = "error",
};

struct mgmt_port {
    struct k8s_client *client;
    char *node;
    char *node_path;
    char *netdev;               /* --ovnkube-node-mgmt-port-netdev. */
    bool simulated;
    char *sysfs_root;
    char *gateway_option;       /* --gateway-interface, or NULL. */
    char *state_file;           /* The VF's original state. */
    char *nft_file;             /* The SNAT chain as last set. */
    struct mgmt_port_settings settings;

    struct k8s_watch *watch;    /* The Node. */
    struct netlink_watch *nl;   /* Wake-ups from the kernel. */

    /* The VF's function. */
    bool resolved;
    struct node_mgmt_port dev;
    char *gateway_iface;        /* Derived or given, or NULL. */
    long long int resolve_at;

    int ifindex;                /* The VF's, once configured, or 0. */

    /* What the port must be, from the Node. */
    struct mgmt_port_config cfg;
    bool have_cfg;
    const char *node_ip;        /* In the watch cache; NULL if none. */

    /* What the Node must carry (NULL: nothing to say). */
    char *want_primary_addr;
    char *want_host_cidrs;
    char *gateway_used;
    struct k8s_request *patch;
    long long int patch_retry_at;
    unsigned long long int patches, patch_failures;

    /* Checking and repairing. */
    enum mgmt_state state;
    char *why;                  /* In RESOLVING, WAIT_SUBNET, ERROR. */
    char *gateway_error;
    long long int state_since;
    long long int started;
    long long int ready_ms;     /* Start to first ready, or -1. */
    bool need_check;
    long long int next_check;
    char *nft_rules;            /* As last applied, or NULL. */
    char *nft_listing;
    unsigned long long int checks, repairs;
    char *last_repair;
    long long int last_repair_at;
};

static void
set_state(struct mgmt_port *mp, enum mgmt_state state, char *why,
          long long int now)
{
    if (mp->state != state || !nullable_string_is_equal(why, mp->why)) {
        if (state == MGMT_ERROR) {
            VLOG_WARN("management port: %s", why);
        } else if (why) {
            VLOG_INFO("management port: %s: %s", state_names[state], why);
        }
        if (mp->state != state) {
            mp->state_since = now;
        }
    }
    mp->state = state;
    free(mp->why);
    mp->why = why;
}

char *
mgmt_port_create(struct k8s_client *client, const char *node_name,
                 const struct mgmt_port_options *o, struct mgmt_port **mpp)
{
    *mpp = NULL;
    if (o->gateway_iface && !strcmp(o->gateway_iface, GATEWAY_IFACE_DERIVE)
        && o->simulated) {
        return xasprintf("--gateway-interface=%s needs switchdev sysfs to "
                         "find the VF's PF: with --simulate-dpu, name the "
                         "interface", GATEWAY_IFACE_DERIVE);
    }

    char *error = NULL;
    struct netlink_watch *nl = netlink_watch_create(true, &error);
    if (!nl) {
        return error;
    }

    struct mgmt_port *mp = xzalloc(sizeof *mp);
    mp->client = client;
    mp->node = xstrdup(node_name);
    mp->node_path = k8s_node_path(node_name);
    mp->netdev = xstrdup(o->netdev);
    mp->simulated = o->simulated;
    mp->sysfs_root = xstrdup(o->sysfs_root);
    mp->gateway_option = nullable_xstrdup(o->gateway_iface);
    mp->state_file = xstrdup(o->state_file);
    mp->nft_file = xasprintf("%s.snat", o->state_file);
    mp->settings = o->settings;
    mp->settings.cluster_subnets = xmemdup(
        o->settings.cluster_subnets,
        o->settings.n_cluster_subnets * sizeof *o->settings.cluster_subnets);
    mp->settings.service_cidrs = xmemdup(
        o->settings.service_cidrs,
        o->settings.n_service_cidrs * sizeof *o->settings.service_cidrs);

    char *selector = xasprintf("metadata.name=%s", node_name);
    mp->watch = k8s_watch_create(client, "/api/v1/nodes", NULL, selector);
    k8s_watch_set_trim(mp->watch, node_ann_trim_node);
    free(selector);
    mp->nl = nl;

    mp->started = time_msec();
    mp->ready_ms = -1;
    mp->state = MGMT_RESOLVING;
    mp->state_since = mp->started;
    mp->need_check = true;

    /* What an earlier run set, to check it without rewriting it. */
    int retval = mgmt_nft_record_load(mp->nft_file, &mp->nft_rules,
                                      &mp->nft_listing);
    if (retval && retval != ENOENT) {
        VLOG_WARN("%s: cannot read (%s); the SNAT chain will be rewritten",
                  mp->nft_file, ovs_strerror(retval));
    }
    *mpp = mp;
    return NULL;
}

void
mgmt_port_destroy(struct mgmt_port *mp)
{
    if (mp) {
        k8s_request_destroy(mp->patch);
        k8s_watch_destroy(mp->watch);
        netlink_watch_destroy(mp->nl);
        node_mgmt_port_destroy(&mp->dev);
        mgmt_port_config_destroy(&mp->cfg);
        free(mp->settings.cluster_subnets);
        free(mp->settings.service_cidrs);
        free(mp->node);
        free(mp->node_path);
        free(mp->netdev);
        free(mp->sysfs_root);
        free(mp->gateway_option);
        free(mp->state_file);
        free(mp->nft_file);
        free(mp->gateway_iface);
        free(mp->want_primary_addr);
        free(mp->want_host_cidrs);
        free(mp->gateway_used);
        free(mp->why);
        free(mp->gateway_error);
        free(mp->nft_rules);
        free(mp->nft_listing);
        free(mp->last_repair);
        free(mp);
    }
}

/* Finding the VF. */

/* Finds the VF's device: named as given, or already renamed to
 * NODE_MGMT_PORT_NAME by us (its alias, or the saved record, names it),
 * or, once configured, under whatever name someone renamed it to (its
 * ifindex stays).  Returns 0 or ENODEV; with 'other', sets it if a device
 * that is not ours holds NODE_MGMT_PORT_NAME. */
static int
find_device(const struct mgmt_port *mp, struct netdev_link *link,
            bool *other)
{
    struct mgmt_saved saved;
    bool have_saved = !mgmt_saved_load(mp->state_file, &saved);

    if (other) {
        *other = false;
    }
    if (!netdev_link_get(NODE_MGMT_PORT_NAME, link)) {
        if (!strcmp(link->alias, mp->netdev)
            || (have_saved && !strcmp(saved.name, mp->netdev))) {
            return 0;
        }
        if (other) {
            *other = true;
        }
    }
    if (!netdev_link_get(mp->netdev, link)) {
        return 0;
    }
    if (mp->ifindex && !netdev_link_get_by_index(mp->ifindex, link)
        && strcmp(link->name, NODE_MGMT_PORT_NAME)) {
        return 0;
    }
    return ENODEV;
}

static char *
resolve(struct mgmt_port *mp)
{
    struct netdev_link link;

    if (find_device(mp, &link, NULL)) {
        return xasprintf("VF netdev %s: no such device (nor one named %s "
                         "that was it)", mp->netdev, NODE_MGMT_PORT_NAME);
    }

    struct node_mgmt_port dev = { .device_id = NULL };
    char *pci = NULL;
    char *error = NULL;
    if (mp->simulated) {
        if (!vf_device_parse_sim_name(mp->netdev, &dev.pf_id,
                                      &dev.func_id)) {
            return xasprintf("VF netdev %s: with --simulate-dpu, the "
                             "management port's VF's name ends in <pf>-<vf>",
                             mp->netdev);
        }
        dev.device_id = xstrdup(mp->netdev);
    } else {
        /* Under its current name (real sysfs follows renames), else under
         * the name it was given (a test's sysfs tree does not). */
        error = vf_device_pci_of_netdev(mp->sysfs_root, link.name, &pci);
        if (error && strcmp(link.name, mp->netdev)) {
            free(error);
            error = vf_device_pci_of_netdev(mp->sysfs_root, mp->netdev,
                                            &pci);
        }
        struct vf_device vf;
        if (!error) {
            error = vf_device_resolve(pci, false, mp->sysfs_root, &vf);
        }
        if (error) {
            free(pci);
            return error;
        }
        dev.pf_id = vf.pf_id;
        dev.func_id = vf.vf_id;
        dev.device_id = pci;
        vf_device_destroy(&vf);
    }

    if (mp->gateway_option && !strcmp(mp->gateway_option,
                                      GATEWAY_IFACE_DERIVE)) {
        error = gateway_iface_derive(mp->sysfs_root, dev.device_id,
                                     &mp->gateway_iface);
        if (error) {
            node_mgmt_port_destroy(&dev);
            char *msg = xasprintf("--gateway-interface=%s: %s",
                                  GATEWAY_IFACE_DERIVE, error);
            free(error);
            return msg;
        }
        VLOG_INFO("gateway interface %s, the first netdev of the PF of the "
                  "management port's VF %s", mp->gateway_iface,
                  dev.device_id);
    } else if (mp->gateway_option) {
        mp->gateway_iface = xstrdup(mp->gateway_option);
    }

    VLOG_INFO("management port VF %s: PF %d VF %d, device %s", mp->netdev,
              dev.pf_id, dev.func_id, dev.device_id);
    mp->dev = dev;
    mp->resolved = true;
    return NULL;
}

/* The Node. */

/* Reads what the port must be from the Node.  Returns true if that
 * changed. */
static bool
update_from_node(struct mgmt_port *mp, char **why)
{
    const cJSON *node = k8s_watch_lookup(mp->watch, mp->node);

    *why = NULL;
    mp->node_ip = node ? node_ann_internal_ip(node) : NULL;
    if (!node) {
        *why = (k8s_watch_is_synced(mp->watch)
                ? xasprintf("Node %s does not exist", mp->node)
                : xasprintf("Node %s not read yet", mp->node));
        return false;
    }

    const char *text = k8s_object_annotation(node, NODE_ANN_SUBNETS);
    if (!text) {
        *why = xasprintf("waiting for %s on Node %s", NODE_ANN_SUBNETS,
                         mp->node);
        return false;
    }

    struct node_cidr *subnets;
    size_t n;
    char *error = node_subnets_parse(text, NODE_ANN_DEFAULT_NETWORK,
                                     &subnets, &n);
    struct eth_addr mac;
    bool have_mac = false;
    const char *macs = k8s_object_annotation(node, NODE_ANN_MGMT_PORT_MACS);
    if (!error && macs) {
        error = node_mgmt_mac_parse(macs, NODE_ANN_DEFAULT_NETWORK, &mac);
        have_mac = !error;
        if (error && strstr(error, "no entry")) {
            /* Entries for other networks only: derive ours. */
            free(error);
            error = NULL;
        }
    }
    struct mgmt_port_config cfg;
    if (!error) {
        error = mgmt_port_config_build(subnets, n, have_mac ? &mac : NULL,
                                       &mp->settings, &cfg);
    }
    free(subnets);
    if (error) {
        *why = xasprintf("Node %s: %s", mp->node, error);
        free(error);
        return false;
    }

    if (mp->have_cfg && mgmt_port_config_equal(&cfg, &mp->cfg)) {
        mgmt_port_config_destroy(&cfg);
        return false;
    }
    mgmt_port_config_destroy(&mp->cfg);
    mp->cfg = cfg;
    mp->have_cfg = true;
    return true;
}

/* Configuring and repairing. */

static void
describe_change(const struct netdev_link *cur, const struct mgmt_port *mp,
                struct svec *fixed)
{
    if (strcmp(cur->name, NODE_MGMT_PORT_NAME)) {
        svec_add_nocopy(fixed, xasprintf("renamed %s to %s", cur->name,
                                         NODE_MGMT_PORT_NAME));
    }
    if (strcmp(cur->alias, mp->netdev)) {
        svec_add_nocopy(fixed, xasprintf("set alias %s", mp->netdev));
    }
    if (!eth_addr_equals(cur->mac, mp->cfg.mac)) {
        svec_add_nocopy(fixed, xasprintf("set MAC "ETH_ADDR_FMT,
                                         ETH_ADDR_ARGS(mp->cfg.mac)));
    }
    if (cur->mtu != mp->cfg.mtu) {
        svec_add_nocopy(fixed, xasprintf("set MTU %d", mp->cfg.mtu));
    }
}

/* The SNAT chain: rewritten if the rules changed or it is not as it was
 * left. */
static char *
sync_nft(struct mgmt_port *mp, struct svec *fixed)
{
    struct ds rules = DS_EMPTY_INITIALIZER;
    struct node_cidr addrs[2];

    for (size_t i = 0; i < mp->cfg.n_families; i++) {
        addrs[i] = mp->cfg.families[i].addr;
    }
    mgmt_nft_rules(NODE_MGMT_PORT_NAME, addrs, mp->cfg.n_families, &rules);

    char *why = NULL;
    if (!mp->nft_rules || strcmp(mp->nft_rules, ds_cstr(&rules))) {
        why = xstrdup("rules changed");
    } else {
        why = mgmt_nft_check(mp->nft_listing);
    }
    if (!why) {
        ds_destroy(&rules);
        return NULL;
    }

    char *listing;
    char *error = mgmt_nft_apply(ds_cstr(&rules), &listing);
    if (!error) {
        free(mp->nft_rules);
        free(mp->nft_listing);
        mp->nft_rules = ds_steal_cstr(&rules);
        mp->nft_listing = listing;
        svec_add_nocopy(fixed, xasprintf("set SNAT chain %s (%s)",
                                         MGMT_NFT_CHAIN, why));
        char *e = mgmt_nft_record_store(mp->nft_file, mp->nft_rules,
                                        mp->nft_listing);
        if (e) {
            VLOG_WARN("%s", e);
            free(e);
        }
    }
    ds_destroy(&rules);
    free(why);
    return error;
}

static char *
configure(struct mgmt_port *mp, struct svec *fixed)
{
    struct netdev_link cur;
    bool other;

    if (find_device(mp, &cur, &other)) {
        return (other
                ? xasprintf("another device holds the name %s; not "
                            "touching it", NODE_MGMT_PORT_NAME)
                : xasprintf("VF netdev %s: no such device", mp->netdev));
    }
    if (other) {
        return xasprintf("another device holds the name %s, so %s cannot "
                         "have it; not touching either",
                         NODE_MGMT_PORT_NAME, mp->netdev);
    }

    /* The VF as it was, recorded once, before anything changes. */
    struct mgmt_saved saved;
    if (!strcmp(cur.name, mp->netdev)
        && (mgmt_saved_load(mp->state_file, &saved)
            || strcmp(saved.name, mp->netdev))) {
        memset(&saved, 0, sizeof saved);
        ovs_strlcpy(saved.name, cur.name, sizeof saved.name);
        saved.mac = cur.mac;
        saved.mtu = cur.mtu;
        char *error = mgmt_saved_store(mp->state_file, &saved);
        if (error) {
            return error;
        }
    }

    describe_change(&cur, mp, fixed);
    struct netdev_link_change change = {
        .name = NODE_MGMT_PORT_NAME,
        .alias = mp->netdev,
        .mac = &mp->cfg.mac,
        .mtu = mp->cfg.mtu,
    };
    char *error = netdev_link_reshape(cur.ifindex, &change);
    if (!error && netdev_link_get_by_index(cur.ifindex, &cur)) {
        error = xasprintf("%s vanished", NODE_MGMT_PORT_NAME);
    }
    if (!error) {
        mp->ifindex = cur.ifindex;
    }
    if (!error && !cur.up) {
        error = netdev_link_set_up(cur.ifindex, true);
        if (!error) {
            svec_add(fixed, "set up");
        }
    }
    if (!error) {
        error = mgmt_link_sync(cur.ifindex, NODE_MGMT_PORT_NAME, &mp->cfg,
                               fixed);
    }
    if (!error) {
        error = sync_nft(mp, fixed);
    }
    return error;
}

/* The gateway interface's annotations, from the host's addresses now. */
static void
update_gateway(struct mgmt_port *mp)
{
    char *primary, *cidrs, *used;

    if (!mp->gateway_iface && !mp->node_ip) {
        free(mp->gateway_error);
        mp->gateway_error = xstrdup("the Node has no InternalIP address "
                                    "and there is no --gateway-interface");
        return;
    }
    char *error = gateway_iface_annotations(mp->node_ip, mp->gateway_iface,
                                            &primary, &cidrs, &used);
    if (!nullable_string_is_equal(error, mp->gateway_error) && error) {
        VLOG_WARN("gateway interface: %s", error);
    }
    free(mp->gateway_error);
    mp->gateway_error = error;
    if (!error) {
        free(mp->want_primary_addr);
        free(mp->want_host_cidrs);
        free(mp->gateway_used);
        mp->want_primary_addr = primary;
        mp->want_host_cidrs = cidrs;
        mp->gateway_used = used;
    }
}

static void
check(struct mgmt_port *mp, long long int now)
{
    mp->checks++;
    mp->need_check = false;
    mp->next_check = now + MGMT_PORT_CHECK_INTERVAL_MS;
    if (!mp->resolved) {
        return;
    }
    update_gateway(mp);
    if (!mp->have_cfg) {
        return;
    }

    struct svec fixed = SVEC_EMPTY_INITIALIZER;
    char *error = configure(mp, &fixed);
    bool was_ready = mp->ready_ms >= 0;

    if (fixed.n) {
        struct ds s = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < fixed.n; i++) {
            ds_put_format(&s, "%s%s", i ? ", " : "", fixed.names[i]);
        }
        if (was_ready) {
            mp->repairs++;
            free(mp->last_repair);
            mp->last_repair = xstrdup(ds_cstr(&s));
            mp->last_repair_at = now;
            VLOG_WARN("management port %s repaired: %s",
                      NODE_MGMT_PORT_NAME, ds_cstr(&s));
        } else {
            VLOG_INFO("management port %s: %s", NODE_MGMT_PORT_NAME,
                      ds_cstr(&s));
        }
        ds_destroy(&s);
    }
    svec_destroy(&fixed);

    if (error) {
        set_state(mp, MGMT_ERROR, error, now);
        mp->next_check = now + ERROR_RETRY_MS;
    } else {
        set_state(mp, MGMT_READY, NULL, now);
        if (!was_ready) {
            mp->ready_ms = now - mp->started;
            VLOG_INFO("management port %s ready, %lld ms after start",
                      NODE_MGMT_PORT_NAME, mp->ready_ms);
        }
    }
}

/* The Node's annotations. */

/* Adds to 'annotations' each annotation whose value on the Node differs
 * from what it must be. */
static void
add_differences(const struct mgmt_port *mp, const cJSON *node,
                cJSON *annotations)
{
    struct node_mgmt_port cur = { .device_id = NULL };
    const char *text = k8s_object_annotation(node, NODE_ANN_MGMT_PORT);
    char *error = text ? node_mgmt_port_parse(text, &cur) : xstrdup("");
    if (error || !node_mgmt_port_equal(&cur, &mp->dev)) {
        char *value = node_mgmt_port_format(&mp->dev);
        cJSON_AddStringToObject(annotations, NODE_ANN_MGMT_PORT, value);
        free(value);
    }
    free(error);
    node_mgmt_port_destroy(&cur);

    if (mp->want_primary_addr
        && !nullable_string_is_equal(
            mp->want_primary_addr,
            k8s_object_annotation(node, NODE_ANN_PRIMARY_DPU_HOST_ADDR))) {
        cJSON_AddStringToObject(annotations, NODE_ANN_PRIMARY_DPU_HOST_ADDR,
                                mp->want_primary_addr);
    }
    if (mp->want_host_cidrs
        && !nullable_string_is_equal(
            mp->want_host_cidrs,
            k8s_object_annotation(node, NODE_ANN_HOST_CIDRS))) {
        cJSON_AddStringToObject(annotations, NODE_ANN_HOST_CIDRS,
                                mp->want_host_cidrs);
    }
}

static void
run_patch(struct mgmt_port *mp, long long int now)
{
    if (mp->patch) {
        if (!k8s_request_is_done(mp->patch)) {
            return;
        }
        const struct k8s_result *r = k8s_request_result(mp->patch);
        if (!k8s_result_ok(r)) {
            VLOG_WARN("Node %s: writing annotations failed: %s", mp->node,
                      r->error);
            mp->patch_failures++;
            mp->patch_retry_at = now + PATCH_RETRY_MS;
        }
        k8s_request_destroy(mp->patch);
        mp->patch = NULL;
    }

    const cJSON *node = k8s_watch_lookup(mp->watch, mp->node);
    if (!mp->resolved || !node || now < mp->patch_retry_at) {
        return;
    }

    cJSON *annotations;
    cJSON *patch = k8s_annotations_patch_create(&annotations);
    add_differences(mp, node, annotations);
    if (annotations->child) {
        char *text = cJSON_PrintUnformatted(annotations);
        VLOG_INFO("Node %s: setting %s", mp->node, text);
        cJSON_free(text);
        mp->patch = k8s_request_merge_patch(mp->client, mp->node_path,
                                            patch);
        mp->patches++;
    }
    cJSON_Delete(patch);
}

void
mgmt_port_run(struct mgmt_port *mp)
{
    long long int now = time_msec();

    bool node_changed = false;
    k8s_watch_run(mp->watch);
    for (struct k8s_event *e; (e = k8s_watch_next_event(mp->watch)); ) {
        node_changed = true;
        k8s_event_destroy(e);
    }
    if (netlink_watch_run(mp->nl)) {
        mp->need_check = true;
    }

    if (!mp->resolved && now >= mp->resolve_at) {
        char *error = resolve(mp);
        if (error) {
            set_state(mp, MGMT_RESOLVING, error, now);
            mp->resolve_at = now + RESOLVE_RETRY_MS;
        } else {
            node_changed = true;
            mp->need_check = true;
        }
    }

    if (node_changed && mp->resolved) {
        char *why;
        if (update_from_node(mp, &why)) {
            mp->need_check = true;
        }
        if (!mp->have_cfg) {
            set_state(mp, MGMT_WAIT_SUBNET, why, now);
        } else {
            if (why) {
                VLOG_WARN_RL(&rl, "keeping the management port as it is: "
                             "%s", why);
            }
            free(why);
        }
        mp->need_check = true;  /* For the gateway's annotations too. */
    }

    if (mp->need_check || now >= mp->next_check) {
        check(mp, now);
    }
    run_patch(mp, now);
}

void
mgmt_port_wait(struct mgmt_port *mp)
{
    k8s_watch_wait(mp->watch);
    netlink_watch_wait(mp->nl);
    if (mp->need_check) {
        poll_immediate_wake();
    }
    poll_timer_wait_until(mp->next_check);
    if (!mp->resolved) {
        poll_timer_wait_until(mp->resolve_at);
    }
    if (mp->patch) {
        k8s_request_wait(mp->patch);
    } else if (mp->resolved && mp->patch_retry_at > time_msec()) {
        poll_timer_wait_until(mp->patch_retry_at);
    }
}

bool
mgmt_port_is_ready(const struct mgmt_port *mp)
{
    return mp->state == MGMT_READY;
}

void
mgmt_port_format(const struct mgmt_port *mp, struct ds *s)
{
    long long int now = time_msec();

    ds_put_format(s, "management port: %s (VF %s", NODE_MGMT_PORT_NAME,
                  mp->netdev);
    if (mp->resolved) {
        ds_put_format(s, ", PF %d VF %d, device %s", mp->dev.pf_id,
                      mp->dev.func_id, mp->dev.device_id);
    }
    ds_put_format(s, ")\nstate: %s for %lld ms", state_names[mp->state],
                  now - mp->state_since);
    if (mp->why) {
        ds_put_format(s, ": %s", mp->why);
    }
    ds_put_char(s, '\n');
    if (mp->ready_ms >= 0) {
        ds_put_format(s, "first ready: %lld ms after start\n", mp->ready_ms);
    }
    if (mp->have_cfg) {
        mgmt_port_config_format(&mp->cfg, "  ", s);
        ds_put_format(s, "  snat chain inet %s %s\n", MGMT_NFT_TABLE,
                      MGMT_NFT_CHAIN);
    }
    if (mp->gateway_used) {
        ds_put_format(s, "gateway interface: %s\n  %s %s\n  %s %s\n",
                      mp->gateway_used,
                      NODE_ANN_PRIMARY_DPU_HOST_ADDR, mp->want_primary_addr,
                      NODE_ANN_HOST_CIDRS, mp->want_host_cidrs);
    }
    if (mp->gateway_error) {
        ds_put_format(s, "gateway interface: not known: %s\n",
                      mp->gateway_error);
    }
    ds_put_format(s, "checks: %llu, repairs: %llu, netlink wake-ups: %llu\n",
                  mp->checks, mp->repairs, netlink_watch_count(mp->nl));
    if (mp->last_repair) {
        ds_put_format(s, "last repair: %s (%lld ms ago)\n", mp->last_repair,
                      now - mp->last_repair_at);
    }
    ds_put_format(s, "node annotation patches: %llu (%llu failed)%s\n",
                  mp->patches, mp->patch_failures,
                  mp->patch ? ", one in flight" : "");
}

/* --cleanup. */

char *
mgmt_port_cleanup(const struct mgmt_port_options *o, struct ds *s)
{
    struct mgmt_saved saved;
    int retval = mgmt_saved_load(o->state_file, &saved);
    bool have_saved = !retval;
    char *error = NULL;

    if (retval && retval != ENOENT) {
        ds_put_format(s, "%s: cannot read (%s): restoring the name only\n",
                      o->state_file, ovs_strerror(retval));
    }

    struct netdev_link link;
    if (!netdev_link_get(NODE_MGMT_PORT_NAME, &link)
        && (!o->netdev || !strcmp(link.alias, o->netdev)
            || (have_saved && !strcmp(saved.name, o->netdev)))) {
        const char *name = (have_saved ? saved.name
                            : link.alias[0] ? link.alias : NULL);
        if (!name) {
            error = xasprintf("%s: its original name is not known (no "
                              "alias, no %s)", NODE_MGMT_PORT_NAME,
                              o->state_file);
            goto out;
        }
        error = mgmt_link_flush(link.ifindex);
        if (!error) {
            error = netdev_link_set_up(link.ifindex, false);
        }
        if (!error) {
            struct netdev_link_change change = {
                .name = name,
                .alias = "",
                .mac = have_saved ? &saved.mac : NULL,
                .mtu = have_saved ? saved.mtu : 0,
            };
            error = netdev_link_reshape(link.ifindex, &change);
        }
        if (error) {
            goto out;
        }
        ds_put_format(s, "%s: addresses, routes and neighbours removed, "
                      "set down, renamed back to %s", NODE_MGMT_PORT_NAME,
                      name);
        if (have_saved) {
            ds_put_format(s, ", MAC "ETH_ADDR_FMT", MTU %d",
                          ETH_ADDR_ARGS(saved.mac), saved.mtu);
        }
        ds_put_char(s, '\n');
    } else {
        ds_put_format(s, "no management port device %s%s%s to restore\n",
                      NODE_MGMT_PORT_NAME, o->netdev ? " for " : "",
                      o->netdev ? o->netdev : "");
    }

    bool removed;
    error = mgmt_nft_remove(&removed);
    if (!error) {
        ds_put_format(s, "SNAT chain inet %s %s %s\n", MGMT_NFT_TABLE,
                      MGMT_NFT_CHAIN, removed ? "removed" : "not there");
        char *nft_file = xasprintf("%s.snat", o->state_file);
        unlink(nft_file);
        unlink(o->state_file);
        free(nft_file);
    }

out:
    return error;
}
