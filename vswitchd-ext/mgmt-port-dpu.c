/*
 * The node's management port, DPU side.  See mgmt-port-dpu.h.
 *
 * States (for "mgmt/show"):
 *
 *   none            the Node names no management port function (yet)
 *   error           something is in the way ('why' says what); retried
 *                   at each check
 *   retiring        the port of a function no longer wanted is being
 *                   removed, its representor set down and named back
 *   claiming        the port was written; waiting to see it in OVSDB
 *   wait-installed  the port is right; waiting for ovn-controller's
 *                   ovn-installed=true
 *   installed       ovn-installed=true
 *
 * Each check works from what is there (the Node's annotation, the
 * netdevs, the replica), in this order: retire a representor named
 * ovn-k8s-mp0 that is not the wanted function's; make the wanted one
 * ovn-k8s-mp0, with its MTU, up; make its rows right.
 */

#include <config.h>

#include "mgmt-port-dpu.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dpu-binding.h"
#include "k8s-object.h"
#include "k8s-watch.h"
#include "link-ledger.h"
#include "netdev-link.h"
#include "netlink-watch.h"
#include "node-annotations.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-port.h"
#include "ovsdb-idl.h"
#include "representor.h"
#include "smap.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(mgmt_port_dpu);

/* The Interface external ids, as ovn-kubernetes names them. */
#define MGMT_IFACE_ID "iface-id"
#define MGMT_PORT_NAME_ID "k8s.ovn.org/management-port-name"
#define MGMT_ORIG_REP_NAME "ovn-orig-mgmt-port-rep-name"

/* How long to wait for ovs-vswitchd to drop a deleted port before setting
 * its representor down anyway. */
#define LINK_DOWN_WAIT_MS 5000

enum mgmt_dpu_state {
    MGMT_DPU_NONE,
    MGMT_DPU_ERROR,
    MGMT_DPU_RETIRING,
    MGMT_DPU_CLAIMING,
    MGMT_DPU_WAIT_INSTALLED,
    MGMT_DPU_INSTALLED,
};

static const char *const state_names[] = {
    [MGMT_DPU_NONE] = "none",
    [MGMT_DPU_ERROR] = "error",
    [MGMT_DPU_RETIRING] = "retiring",
    [MGMT_DPU_CLAIMING] = "claiming",
    [MGMT_DPU_WAIT_INSTALLED] = "wait-installed",
    [MGMT_DPU_INSTALLED] = "installed",
};

struct mgmt_port_dpu {
    struct k8s_watch *watch;    /* The host's Node. */
    char *node;
    char *iface_id;             /* "k8s-<node>". */
    struct ovsdb_idl *idl;
    struct dpu_bindings *bindings;
    char *bridge;
    char *sysfs_root;
    bool simulated;
    int mtu;
    struct link_ledger *links;
    struct netlink_watch *nl;   /* NULL if it could not be created. */

    /* What the Node says. */
    bool want;                  /* A function is named. */
    struct node_mgmt_port dev;
    char *ann_error;            /* Why the annotation cannot be used. */
    bool reserved;              /* 'dev' is reserved in 'bindings'. */

    /* Where things are. */
    char *rep;                  /* The representor's own name, if known. */
    enum mgmt_dpu_state state;
    char *why;
    long long int state_since;
    long long int started;
    long long int ready_ms;     /* Start to first "installed", or -1. */

    /* When to check. */
    bool need_check;
    bool txn_busy;
    unsigned int idl_seqno;
    long long int next_check;
    unsigned long long int checks, repairs;
    char *last_repair;
    long long int last_repair_at;
};

struct mgmt_port_dpu *
mgmt_port_dpu_create(struct k8s_client *client, const char *node_name,
                     struct ovsdb_idl *idl, struct dpu_bindings *bindings,
                     const struct mgmt_port_dpu_config *cfg)
{
    struct mgmt_port_dpu *mp = xzalloc(sizeof *mp);

    char *selector = xasprintf("metadata.name=%s", node_name);
    mp->watch = k8s_watch_create(client, "/api/v1/nodes", NULL, selector);
    k8s_watch_set_trim(mp->watch, node_ann_trim_node);
    free(selector);

    mp->node = xstrdup(node_name);
    mp->iface_id = xasprintf("%s%s", NODE_MGMT_PORT_LSP_PREFIX, node_name);
    mp->idl = idl;
    mp->bindings = bindings;
    mp->bridge = xstrdup(cfg->bridge ? cfg->bridge
                         : DPU_BINDING_DEFAULT_BRIDGE);
    mp->sysfs_root = xstrdup(cfg->sysfs_root ? cfg->sysfs_root
                             : REPRESENTOR_DEFAULT_SYSFS);
    mp->simulated = cfg->simulated;
    mp->mtu = cfg->mtu;
    mp->links = link_ledger_create(cfg->link_file,
                                   time_msec() + LINK_DOWN_WAIT_MS);

    char *error;
    mp->nl = netlink_watch_create(false, &error);
    if (!mp->nl) {
        VLOG_WARN("management port: %s; checking every %d ms only",
                  error, MGMT_DPU_CHECK_INTERVAL_MS);
        free(error);
    }
    mp->started = time_msec();
    mp->state_since = mp->started;
    mp->ready_ms = -1;
    mp->need_check = true;
    return mp;
}

void
mgmt_port_dpu_destroy(struct mgmt_port_dpu *mp)
{
    if (mp) {
        k8s_watch_destroy(mp->watch);
        link_ledger_destroy(mp->links);
        netlink_watch_destroy(mp->nl);
        node_mgmt_port_destroy(&mp->dev);
        free(mp->node);
        free(mp->iface_id);
        free(mp->bridge);
        free(mp->sysfs_root);
        free(mp->ann_error);
        free(mp->rep);
        free(mp->why);
        free(mp->last_repair);
        free(mp);
    }
}

static void
set_state(struct mgmt_port_dpu *mp, enum mgmt_dpu_state state, char *why,
          long long int now)
{
    if (mp->state != state || !nullable_string_is_equal(why, mp->why)) {
        VLOG(state == MGMT_DPU_ERROR ? VLL_WARN : VLL_INFO,
             "management port %s: %s -> %s%s%s", NODE_MGMT_PORT_NAME,
             state_names[mp->state], state_names[state], why ? ": " : "",
             why ? why : "");
        if (mp->state != state) {
            mp->state_since = now;
        }
    }
    if (state == MGMT_DPU_INSTALLED && mp->ready_ms < 0) {
        mp->ready_ms = now - mp->started;
        VLOG_INFO("management port %s installed, %lld ms after start",
                  NODE_MGMT_PORT_NAME, mp->ready_ms);
    }
    mp->state = state;
    free(mp->why);
    mp->why = why;
}

/* Notes that the check had to put 'what' right. */
static void
repaired(struct mgmt_port_dpu *mp, const char *what, long long int now)
{
    if (mp->ready_ms >= 0) {
        mp->repairs++;
        free(mp->last_repair);
        mp->last_repair = xstrdup(what);
        mp->last_repair_at = now;
        VLOG_WARN("management port %s repaired: %s", NODE_MGMT_PORT_NAME,
                  what);
    } else {
        VLOG_INFO("management port %s: %s", NODE_MGMT_PORT_NAME, what);
    }
}

/* The Node's annotation. */

static void
read_node(struct mgmt_port_dpu *mp)
{
    const cJSON *node = k8s_watch_lookup(mp->watch, mp->node);
    const char *text = node ? k8s_object_annotation(node, NODE_ANN_MGMT_PORT)
                            : NULL;
    struct node_mgmt_port dev;
    char *error = text ? node_mgmt_port_parse(text, &dev) : NULL;
    bool want = text && !error;

    if (!nullable_string_is_equal(error, mp->ann_error) && error) {
        VLOG_WARN("Node %s: %s", mp->node, error);
    }
    free(mp->ann_error);
    mp->ann_error = error;

    if (mp->reserved && (!want || dev.pf_id != mp->dev.pf_id
                         || dev.func_id != mp->dev.func_id)) {
        dpu_bindings_reserve(mp->bindings, mp->dev.pf_id, mp->dev.func_id,
                             NULL);
        mp->reserved = false;
    }
    if (want && (!mp->want || !node_mgmt_port_equal(&dev, &mp->dev))) {
        VLOG_INFO("Node %s: management port function PF %d VF %d (device "
                  "%s)", mp->node, dev.pf_id, dev.func_id,
                  dev.device_id ? dev.device_id : "not given");
    }
    node_mgmt_port_destroy(&mp->dev);
    mp->want = want;
    if (want) {
        mp->dev = dev;
        if (!mp->reserved) {
            dpu_bindings_reserve(mp->bindings, dev.pf_id, dev.func_id,
                                 "the node's management port");
            mp->reserved = true;
        }
    }
    mp->need_check = true;
}

/* Retiring. */

/* If a netdev named ovn-k8s-mp0 is there that is not 'rep' (the wanted
 * representor, or NULL), takes it out of service, a step per call.
 * Returns true while that is under way. */
static bool
retire(struct mgmt_port_dpu *mp, struct ovs_port_view *v, const char *rep,
       struct ovsdb_idl_txn *txn, long long int now)
{
    const struct ovs_port_info *port = ovs_port_view_find(v,
                                                          NODE_MGMT_PORT_NAME);
    struct netdev_link old;
    bool have_old = !netdev_link_get(NODE_MGMT_PORT_NAME, &old);

    if (rep && !strcmp(rep, NODE_MGMT_PORT_NAME)) {
        return false;           /* The one there is the one wanted. */
    }
    if (!have_old && (mp->want || !port)) {
        /* Nothing named ovn-k8s-mp0 stands in the way; a port left by a
         * representor that vanished is taken over by the next one. */
        return false;
    }

    const char *orig = (have_old && old.alias[0] ? old.alias
                        : port ? smap_get(&port->iface->external_ids,
                                          MGMT_ORIG_REP_NAME)
                        : NULL);
    if (port) {
        /* First the port, recording the link to set down once ovs-vswitchd
         * has let it go. */
        if (txn && ovs_port_delete(v, port, txn)) {
            VLOG_INFO("management port: deleting port %s (representor %s "
                      "is no longer the management port's)",
                      NODE_MGMT_PORT_NAME, orig ? orig : "(unknown)");
            if (have_old) {
                link_ledger_note_down(mp->links, NODE_MGMT_PORT_NAME,
                                      v->ovs ? v->ovs->next_cfg + 1 : 0,
                                      now + LINK_DOWN_WAIT_MS);
                v->bump_cfg = true;
            }
        }
        set_state(mp, MGMT_DPU_RETIRING, xasprintf("removing the port of "
                                                   "representor %s",
                                                   orig ? orig : "?"), now);
        return true;
    }
    if (link_ledger_has_pending_down(mp->links)) {
        set_state(mp, MGMT_DPU_RETIRING,
                  xstrdup("waiting for ovs-vswitchd to drop the old port"),
                  now);
        return true;
    }
    if (!have_old) {
        return false;
    }
    if (!representor_is_host_function(mp->sysfs_root, mp->simulated,
                                       NODE_MGMT_PORT_NAME, old.alias)) {
        /* Not a representor that we (or ovn-kubernetes) renamed: not ours
         * to touch, but in the way of the one wanted, if any. */
        if (mp->want) {
            set_state(mp, MGMT_DPU_ERROR,
                      xasprintf("a netdev named %s that is not a host "
                                "function's representor is in the way",
                                NODE_MGMT_PORT_NAME), now);
            return true;
        }
        return false;
    }
    if (!orig) {
        set_state(mp, MGMT_DPU_ERROR,
                  xasprintf("a netdev named %s is not the management port's "
                            "representor, and its own name is not known "
                            "(no alias): not touching it",
                            NODE_MGMT_PORT_NAME), now);
        return true;
    }

    struct netdev_link_change back = { .name = orig, .alias = "" };
    char *error = netdev_link_set_up(old.ifindex, false);
    if (!error) {
        error = netdev_link_reshape(old.ifindex, &back);
    }
    if (error) {
        set_state(mp, MGMT_DPU_ERROR, error, now);
        return true;
    }
    VLOG_INFO("management port: representor %s set down and named %s "
              "again", NODE_MGMT_PORT_NAME, orig);
    return false;
}

/* Plugging. */

/* Makes 'rep' (the wanted representor, maybe already ovn-k8s-mp0)
 * ovn-k8s-mp0 with the MTU, up.  Returns NULL or an error message, and
 * stores the representor's own name in '*orig' (to free()). */
static char *
shape_representor(struct mgmt_port_dpu *mp, const char *rep,
                  const struct ovs_port_view *v, char **orig,
                  long long int now)
{
    struct netdev_link link;

    *orig = NULL;
    if (netdev_link_get(rep, &link)) {
        return xasprintf("representor %s: no such device", rep);
    }
    if (strcmp(rep, NODE_MGMT_PORT_NAME)) {
        const struct ovs_port_info *other = ovs_port_view_find(v, rep);
        if (other) {
            return xasprintf("representor %s is in use by port %s "
                             "(iface-id %s)", rep, other->port->name,
                             other->iface_id ? other->iface_id : "none");
        }
        *orig = xstrdup(rep);
    } else {
        const struct ovs_port_info *port = ovs_port_view_find(v, rep);
        const char *name = (link.alias[0] ? link.alias
                            : port ? smap_get(&port->iface->external_ids,
                                              MGMT_ORIG_REP_NAME) : NULL);
        *orig = xstrdup(name ? name : rep);
    }

    struct ds what = DS_EMPTY_INITIALIZER;
    if (strcmp(link.name, NODE_MGMT_PORT_NAME)) {
        ds_put_format(&what, "renamed %s to %s, ", link.name,
                      NODE_MGMT_PORT_NAME);
    }
    if (mp->mtu && link.mtu != mp->mtu) {
        ds_put_format(&what, "set MTU %d, ", mp->mtu);
    }
    struct netdev_link_change change = {
        .name = NODE_MGMT_PORT_NAME,
        .alias = strcmp(*orig, NODE_MGMT_PORT_NAME) ? *orig : NULL,
        .mtu = mp->mtu,
    };
    char *error = netdev_link_reshape(link.ifindex, &change);
    if (!error && netdev_link_get_by_index(link.ifindex, &link)) {
        error = xasprintf("representor %s vanished", *orig);
    }
    if (!error && !link.up) {
        error = netdev_link_set_up(link.ifindex, true);
        ds_put_cstr(&what, "set up, ");
    }
    if (!error && what.length) {
        ds_chomp(&what, ' ');
        ds_chomp(&what, ',');
        repaired(mp, ds_cstr(&what), now);
    }
    ds_destroy(&what);
    return error;
}

/* The Interface external ids the port must have. */
static void
port_ids(const struct mgmt_port_dpu *mp, const char *orig, struct smap *ids)
{
    smap_add(ids, MGMT_IFACE_ID, mp->iface_id);
    smap_add(ids, MGMT_PORT_NAME_ID, NODE_MGMT_PORT_NAME);
    if (strcmp(orig, NODE_MGMT_PORT_NAME)) {
        smap_add(ids, MGMT_ORIG_REP_NAME, orig);
    }
}

/* Makes the rows right.  Returns true if they are right in the replica. */
static bool
sync_rows(struct mgmt_port_dpu *mp, struct ovs_port_view *v,
          const char *orig, struct ovsdb_idl_txn *txn, long long int now)
{
    struct smap ids = SMAP_INITIALIZER(&ids);
    const struct ovs_port_info *cur = ovs_port_view_find(v,
                                                         NODE_MGMT_PORT_NAME);
    bool right = false;

    port_ids(mp, orig, &ids);
    if (cur && cur->br == v->bridge && cur->port->n_interfaces == 1
        && !strcmp(cur->port->name, NODE_MGMT_PORT_NAME)
        && ovs_port_has_ids(cur->iface, &ids, mp->mtu)) {
        right = true;
    } else if (!txn) {
        /* Wait for the transaction in flight. */
    } else if (!cur) {
        ovs_port_add_other(txn, v->bridge, NODE_MGMT_PORT_NAME, &ids,
                           mp->mtu);
        char *what = xasprintf("adding port %s to %s (iface-id %s)",
                               NODE_MGMT_PORT_NAME, v->bridge->name,
                               mp->iface_id);
        repaired(mp, what, now);
        free(what);
    } else if (cur->br != v->bridge || cur->port->n_interfaces != 1
               || strcmp(cur->port->name, NODE_MGMT_PORT_NAME)) {
        /* On another bridge, or in a bond: taken apart and added again at
         * the next check. */
        ovs_port_delete(v, cur, txn);
        repaired(mp, "deleting a misplaced port", now);
    } else {
        struct ds changed = DS_EMPTY_INITIALIZER;
        ovs_port_set_ids(txn, cur->iface, &ids, mp->mtu, &changed);
        char *what = xasprintf("updating port %s:%s", NODE_MGMT_PORT_NAME,
                               ds_cstr(&changed));
        repaired(mp, what, now);
        free(what);
        ds_destroy(&changed);
    }
    smap_destroy(&ids);

    if (right) {
        bool installed = smap_get_bool(&cur->iface->external_ids,
                                       OVS_PORT_OVN_INSTALLED, false);
        set_state(mp, installed ? MGMT_DPU_INSTALLED
                  : MGMT_DPU_WAIT_INSTALLED, NULL, now);
    } else if (mp->state != MGMT_DPU_CLAIMING) {
        set_state(mp, MGMT_DPU_CLAIMING, NULL, now);
    }
    return right;
}

static void
check(struct mgmt_port_dpu *mp, struct ovsdb_idl_txn *txn, long long int now)
{
    struct ovs_port_view v;

    mp->checks++;
    mp->need_check = false;
    mp->next_check = now + MGMT_DPU_CHECK_INTERVAL_MS;
    ovs_port_view_init(&v, mp->idl, mp->bridge);

    char *rep = NULL;
    char *error = NULL;
    if (mp->want) {
        error = representor_find(mp->sysfs_root, mp->simulated,
                                 mp->dev.pf_id, mp->dev.func_id, &rep);
    }

    if (retire(mp, &v, rep, txn, now)) {
        /* One thing at a time. */
    } else if (!mp->want) {
        set_state(mp, MGMT_DPU_NONE,
                  (mp->ann_error ? xstrdup(mp->ann_error)
                   : xasprintf("no %s on Node %s", NODE_ANN_MGMT_PORT,
                               mp->node)), now);
    } else if (error) {
        set_state(mp, MGMT_DPU_ERROR, error, now);
        error = NULL;
    } else if (!v.bridge) {
        set_state(mp, MGMT_DPU_ERROR, xasprintf("bridge %s does not exist",
                                                mp->bridge), now);
    } else {
        char *orig;
        error = shape_representor(mp, rep, &v, &orig, now);
        if (error) {
            set_state(mp, MGMT_DPU_ERROR, error, now);
            error = NULL;
        } else {
            free(mp->rep);
            mp->rep = orig;
            sync_rows(mp, &v, orig, txn, now);
        }
    }
    free(error);
    free(rep);

    if (v.bump_cfg && v.ovs && txn) {
        /* Lets us tell when ovs-vswitchd has applied the deletion. */
        ovsdb_idl_txn_increment(txn, &v.ovs->header_,
                                &ovsrec_open_vswitch_col_next_cfg, false);
    }
    struct shash none = SHASH_INITIALIZER(&none);
    struct svec lines = SVEC_EMPTY_INITIALIZER;
    link_ledger_run(mp->links, &v, &none, true, now, &lines);
    for (size_t i = 0; i < lines.n; i++) {
        VLOG_INFO("management port: %s", lines.names[i]);
    }
    svec_destroy(&lines);
    shash_destroy(&none);
    /* Before the caller commits 'txn': see link-ledger.h. */
    link_ledger_save(mp->links);
    if (link_ledger_has_pending_down(mp->links)) {
        mp->next_check = MIN(mp->next_check,
                             link_ledger_next_deadline(mp->links));
    }
    ovs_port_view_destroy(&v);
}

/* True if check() can run: the IDL holds the database and the Node has
 * been read.  (The IDL's and the watch's own waits wake the loop when
 * that changes.) */
static bool
can_check(const struct mgmt_port_dpu *mp)
{
    return (ovs_port_replica_is_ready(mp->idl)
            && k8s_watch_is_synced(mp->watch));
}

void
mgmt_port_dpu_run(struct mgmt_port_dpu *mp, struct ovsdb_idl_txn *txn,
                  long long int now)
{
    k8s_watch_run(mp->watch);
    bool node_changed = false;
    for (struct k8s_event *e; (e = k8s_watch_next_event(mp->watch)); ) {
        node_changed = true;
        k8s_event_destroy(e);
    }
    if (node_changed) {
        read_node(mp);
    }
    if (mp->nl && netlink_watch_run(mp->nl)) {
        mp->need_check = true;
    }
    if (!can_check(mp)) {
        return;
    }

    unsigned int seqno = ovsdb_idl_get_seqno(mp->idl);
    if (mp->need_check || mp->txn_busy || seqno != mp->idl_seqno
        || now >= mp->next_check) {
        mp->idl_seqno = seqno;
        mp->txn_busy = !txn;
        check(mp, txn, now);
    }
}

void
mgmt_port_dpu_committed(struct mgmt_port_dpu *mp, int status)
{
    if (status != 1) {
        mp->txn_busy = true;
    }
}

void
mgmt_port_dpu_wait(struct mgmt_port_dpu *mp, long long int now)
{
    k8s_watch_wait(mp->watch);
    if (mp->nl) {
        netlink_watch_wait(mp->nl);
    }
    if (!can_check(mp)) {
        return;
    }
    if (mp->need_check) {
        poll_immediate_wake();
    }
    poll_timer_wait_until(MAX(now, mp->next_check));
}

void
mgmt_port_dpu_format_brief(const struct mgmt_port_dpu *mp, struct ds *s)
{
    if (mp->state == MGMT_DPU_NONE) {
        return;                 /* No management port on this node. */
    }
    ds_put_format(s, "management port %s: iface-id %s", NODE_MGMT_PORT_NAME,
                  mp->iface_id);
    if (mp->want) {
        ds_put_format(s, " pf %d vf %d", mp->dev.pf_id, mp->dev.func_id);
    }
    ds_put_format(s, " representor %s state %s", mp->rep ? mp->rep : "-",
                  state_names[mp->state]);
    if (mp->state == MGMT_DPU_ERROR && mp->why) {
        ds_put_format(s, " error \"%s\"", mp->why);
    }
    ds_put_char(s, '\n');
}

void
mgmt_port_dpu_format(const struct mgmt_port_dpu *mp, struct ds *s)
{
    long long int now = time_msec();

    ds_put_format(s, "management port: %s on %s, iface-id %s\n",
                  NODE_MGMT_PORT_NAME, mp->bridge, mp->iface_id);
    if (mp->want) {
        ds_put_format(s, "function: PF %d VF %d (device %s), from Node "
                      "%s\n", mp->dev.pf_id, mp->dev.func_id,
                      mp->dev.device_id ? mp->dev.device_id : "not given",
                      mp->node);
    } else {
        ds_put_format(s, "function: none%s%s\n", mp->ann_error ? ": " : "",
                      mp->ann_error ? mp->ann_error : "");
    }
    if (mp->rep) {
        ds_put_format(s, "representor: %s, named %s, mtu %d\n", mp->rep,
                      NODE_MGMT_PORT_NAME, mp->mtu);
    }
    ds_put_format(s, "state: %s for %lld ms", state_names[mp->state],
                  now - mp->state_since);
    if (mp->why) {
        ds_put_format(s, ": %s", mp->why);
    }
    ds_put_char(s, '\n');
    if (mp->ready_ms >= 0) {
        ds_put_format(s, "first installed: %lld ms after start\n",
                      mp->ready_ms);
    }
    ds_put_format(s, "checks: %llu, repairs: %llu, netlink wake-ups: %llu\n",
                  mp->checks, mp->repairs,
                  mp->nl ? netlink_watch_count(mp->nl) : 0ULL);
    if (mp->last_repair) {
        ds_put_format(s, "last repair: %s (%lld ms ago)\n", mp->last_repair,
                      now - mp->last_repair_at);
    }
}
