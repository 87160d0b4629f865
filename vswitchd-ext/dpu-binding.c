/*
 * Binding VF representors to OVN logical ports through the OVSDB IDL:
 * the state machine.  See dpu-binding.h for what the module does; this
 * file says how.  The rows it writes are ovs-port.c's business, and the
 * representors' link state link-ledger.c's.
 *
 * Each binding (one per wanted iface-id) goes through these states:
 *
 *   NEW             Wanted; the representor is looked up next and the
 *                   database checked for its port.  Also: waiting
 *                   ('waiting' says why) for the desired set to be
 *                   complete before taking a representor whose port
 *                   another iface-id holds.
 *   CLAIMING        A transaction that adds (or fixes) the port has been
 *                   written; waiting to see the port right in OVSDB.
 *   WAIT_INSTALLED  The port is right in OVSDB; waiting for ovn-controller
 *                   to set external_ids:ovn-installed=true.
 *   INSTALLED       ovn-installed=true: the pod may be reported Ready.
 *   ERROR           Something is wrong (no representor, a port in the way,
 *                   no ovn-installed in time...); 'error' says what.
 *   REMOVING        No longer wanted; waiting for its ports to be gone,
 *                   after which the binding is freed.
 *
 * Transitions:
 *
 *            set()
 *              |
 *              v        port written            port right
 *   +-----> NEW -------------------> CLAIMING -----------+
 *   |        |  \                      |   ^              |
 *   |        |   \ port already right  |   | port changed |
 *   |        |    \ (restart)          |   | by others    v
 *   |        |     +---------------------------> WAIT_INSTALLED
 *   |        |                         |   |       |    ^
 *   |        | no representor,         |   |  ovn- |    | ovn-installed
 *   |        | port in the way         |   |  inst.|    | removed
 *   |        v                         |   |       v    |
 *   |      ERROR <---------------------+---+---- INSTALLED
 *   |        |  not in OVSDB in time,    no ovn-installed in time
 *   |        |  (WAIT_INSTALLED)         (ERROR: ovn-installed=true
 *   |        |                            moves on to INSTALLED)
 *   |        |
 *   +--------+ retry: recompute(), set() with a new device or sandbox,
 *              the conflict cleared, or every 'retry_ms' for a missing
 *              representor
 *
 *   any state --unset()--> REMOVING --ports gone--> (freed)
 *   REMOVING --set()--> NEW
 *
 * Every run compares what is wanted with the IDL's replica and writes only
 * differences, so a failed or lost transaction is simply redone, and a
 * restarted instance finds right ports right.
 */

#include <config.h>

#include "dpu-binding.h"
#include "dpu-binding-private.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "binding-metrics.h"
#include "coverage.h"
#include "link-ledger.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-port.h"
#include "ovsdb-idl.h"
#include "pod-bandwidth.h"
#include "port-adoption.h"
#include "representor.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "vf-list.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(dpu_binding);

COVERAGE_DEFINE(dpu_binding_run);
COVERAGE_DEFINE(dpu_binding_state_change);

static const char *const state_names[] = {
    [DPU_BINDING_NEW] = "new",
    [DPU_BINDING_CLAIMING] = "claiming",
    [DPU_BINDING_WAIT_INSTALLED] = "wait-installed",
    [DPU_BINDING_INSTALLED] = "installed",
    [DPU_BINDING_ERROR] = "error",
    [DPU_BINDING_REMOVING] = "removing",
};

const char *
dpu_binding_state_name(enum dpu_binding_state state)
{
    return state < ARRAY_SIZE(state_names) ? state_names[state] : "<bad>";
}

/* How long to wait for ovs-vswitchd before setting a link down anyway. */
#define LINK_DOWN_WAIT_MS 5000

static void journal(struct dpu_bindings *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* Creating and destroying. */

void
dpu_bindings_register_idl(struct ovsdb_idl *idl)
{
    ovs_port_register_idl(idl);
}

struct dpu_bindings *
dpu_bindings_create(struct ovsdb_idl *idl,
                    const struct dpu_bindings_config *cfg)
{
    struct dpu_bindings *bs = xzalloc(sizeof *bs);

    bs->idl = idl;
    bs->bridge = xstrdup(cfg->bridge ? cfg->bridge
                         : DPU_BINDING_DEFAULT_BRIDGE);
    bs->sysfs_root = xstrdup(cfg->sysfs_root ? cfg->sysfs_root
                             : REPRESENTOR_DEFAULT_SYSFS);
    bs->simulated = cfg->simulated;
    bs->set_link_state = cfg->set_link_state;
    bs->install_timeout_ms = (cfg->install_timeout_ms > 0
                              ? cfg->install_timeout_ms
                              : DPU_BINDING_DEFAULT_INSTALL_TIMEOUT_MS);
    bs->retry_ms = (cfg->retry_ms > 0 ? cfg->retry_ms
                    : DPU_BINDING_DEFAULT_RETRY_MS);
    shash_init(&bs->bindings);
    vf_list_init(&bs->reserved);
    if (cfg->reserved_vfs) {
        vf_list_add_all(&bs->reserved, cfg->reserved_vfs);
    }
    shash_init(&bs->held);
    sset_init(&bs->changes);
    svec_init(&bs->journal);
    if (cfg->set_link_state) {
        bs->links = link_ledger_create(cfg->link_file,
                                       time_msec() + LINK_DOWN_WAIT_MS);
    }
    bs->need_run = true;
    bs->next_run = LLONG_MAX;
    return bs;
}

static void
binding_free(struct binding *b)
{
    binding_spec_destroy(&b->spec);
    free(b->rep);
    free(b->uplink);
    free(b->encap_ip);
    free(b->error);
    free(b->waiting);
    free(b);
}

void
dpu_bindings_destroy(struct dpu_bindings *bs)
{
    if (bs) {
        struct shash_node *node;

        SHASH_FOR_EACH_SAFE (node, &bs->bindings) {
            binding_free(node->data);
            shash_delete(&bs->bindings, node);
        }
        shash_destroy(&bs->bindings);
        vf_list_destroy(&bs->reserved);
        shash_destroy_free_data(&bs->held);
        link_ledger_destroy(bs->links);
        sset_destroy(&bs->changes);
        svec_destroy(&bs->journal);
        free(bs->bridge);
        free(bs->sysfs_root);
        free(bs);
    }
}

/* Journal and state changes. */

static void
journal(struct dpu_bindings *bs, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *line = xvasprintf(format, args);
    va_end(args);

    VLOG_INFO("%s", line);
    svec_add_nocopy(&bs->journal, line);
}

/* Notes the times that binding-metrics.h wants as 'b' goes to 'state'. */
static void
time_transition(struct binding *b, enum dpu_binding_state state,
                long long int now)
{
    COVERAGE_INC(dpu_binding_state_change);
    if (state == DPU_BINDING_CLAIMING
        || (state == DPU_BINDING_WAIT_INSTALLED
            && b->state == DPU_BINDING_NEW)) {
        b->port_written = now;
    } else if (state == DPU_BINDING_INSTALLED
               && (b->state == DPU_BINDING_CLAIMING
                   || b->state == DPU_BINDING_WAIT_INSTALLED)) {
        binding_metrics_installed(now - b->wanted_since,
                                  now - b->port_written);
    }
}

/* Moves 'b' to 'state', journaling 'why' (which may be NULL).  Entering
 * ERROR takes 'why' as the error. */
static void
set_state(struct dpu_bindings *bs, struct binding *b,
          enum dpu_binding_state state, long long int now, const char *why)
{
    if (b->state == state
        && (state != DPU_BINDING_ERROR || !strcmp(b->error, why))) {
        return;
    }

    if (state == DPU_BINDING_ERROR) {
        VLOG_WARN("%s (pod %s): %s", b->spec.iface_id,
                  b->spec.pod ? b->spec.pod : "?", why);
    }
    journal(bs, "%s: %s -> %s%s%s", b->spec.iface_id,
            dpu_binding_state_name(b->state), dpu_binding_state_name(state),
            why ? ": " : "", why ? why : "");
    free(b->waiting);
    b->waiting = NULL;
    if (state != DPU_BINDING_ERROR) {
        free(b->error);
        b->error = NULL;
        b->timed_out = false;
    } else if (!b->error || strcmp(b->error, why)) {
        free(b->error);
        b->error = xstrdup(why);
    }
    if (b->state != state) {
        time_transition(b, state, now);
        b->state = state;
        b->state_since = now;
    }
    sset_add(&bs->changes, b->spec.iface_id);
}

static void
set_error(struct dpu_bindings *bs, struct binding *b, long long int now,
          char *error)
{
    set_state(bs, b, DPU_BINDING_ERROR, now, error);
    free(error);
}

/* Moves 'b' to ERROR with 'error', which names nobody else, journaling
 * 'detail' (who is in the way, which may name others) when the error is
 * new.  Takes ownership of both. */
static void
set_conflict(struct dpu_bindings *bs, struct binding *b, long long int now,
             char *error, char *detail)
{
    if (detail && (b->state != DPU_BINDING_ERROR || strcmp(b->error, error))) {
        journal(bs, "%s: %s", b->spec.iface_id, detail);
    }
    set_error(bs, b, now, error);
    free(detail);
}

/* Makes 'b' wait in NEW for 'why' (taking ownership): it has not run
 * into an error, it only may not go on yet. */
static void
set_waiting(struct dpu_bindings *bs, struct binding *b, long long int now,
            char *why)
{
    if (b->state != DPU_BINDING_NEW
        || !nullable_string_is_equal(b->waiting, why)) {
        journal(bs, "%s: %s -> new: waiting: %s", b->spec.iface_id,
                dpu_binding_state_name(b->state), why);
        free(b->error);
        b->error = NULL;
        b->timed_out = false;
        if (b->state != DPU_BINDING_NEW) {
            b->state = DPU_BINDING_NEW;
            b->state_since = now;
        }
        sset_add(&bs->changes, b->spec.iface_id);
        free(b->waiting);
        b->waiting = why;
    } else {
        free(why);
    }
}

/* Wanting and not wanting. */

/* Moves 'b' back to NEW, to be evaluated afresh at the next run. */
static void
restart_binding(struct dpu_bindings *bs, struct binding *b, const char *why)
{
    if (b->state != DPU_BINDING_NEW) {
        journal(bs, "%s: %s -> new: %s", b->spec.iface_id,
                dpu_binding_state_name(b->state), why);
        b->state = DPU_BINDING_NEW;
        b->state_since = -1;
        sset_add(&bs->changes, b->spec.iface_id);
    }
    free(b->error);
    b->error = NULL;
    free(b->waiting);
    b->waiting = NULL;
    b->timed_out = false;
    b->link_up = false;
}

void
dpu_bindings_set(struct dpu_bindings *bs, const struct dpu_binding_spec *s)
{
    struct binding *b = shash_find_data(&bs->bindings, s->iface_id);

    bs->need_run = true;
    if (!b) {
        b = xzalloc(sizeof *b);
        binding_spec_copy(&b->spec, s);
        b->state = DPU_BINDING_NEW;
        b->state_since = -1;
        b->need_resolve = true;
        shash_add(&bs->bindings, s->iface_id, b);
        sset_add(&bs->changes, s->iface_id);
        journal(bs, "%s: wanted: pf %d vf %d sandbox %s", s->iface_id,
                s->pf_id, s->vf_id, s->sandbox ? s->sandbox : "(none)");
        return;
    }

    bool restart = (b->state == DPU_BINDING_REMOVING
                    || b->spec.seq != s->seq
                    || b->spec.pf_id != s->pf_id
                    || b->spec.vf_id != s->vf_id
                    || !nullable_string_is_equal(b->spec.sandbox,
                                                 s->sandbox));
    binding_spec_destroy(&b->spec);
    binding_spec_copy(&b->spec, s);
    if (restart) {
        journal(bs, "%s: wanted: pf %d vf %d sandbox %s", s->iface_id,
                s->pf_id, s->vf_id, s->sandbox ? s->sandbox : "(none)");
        b->need_resolve = true;
        restart_binding(bs, b, "device or sandbox changed");
    }
}

bool
dpu_bindings_unset(struct dpu_bindings *bs, const char *iface_id)
{
    struct binding *b = shash_find_data(&bs->bindings, iface_id);

    if (!b) {
        return false;
    }
    bs->need_run = true;
    if (b->state != DPU_BINDING_REMOVING) {
        journal(bs, "%s: %s -> removing", iface_id,
                dpu_binding_state_name(b->state));
        b->state = DPU_BINDING_REMOVING;
        b->state_since = -1;
        free(b->error);
        b->error = NULL;
        sset_add(&bs->changes, iface_id);
    }
    return true;
}

/* Restarts every binding of function 'pf_id'/'vf_id', so that the next run
 * looks at the function's reservation afresh. */
static void
restart_function(struct dpu_bindings *bs, int pf_id, int vf_id,
                 const char *why)
{
    struct shash_node *node;

    bs->need_run = true;
    SHASH_FOR_EACH (node, &bs->bindings) {
        struct binding *b = node->data;
        if (b->state != DPU_BINDING_REMOVING && b->spec.pf_id == pf_id
            && b->spec.vf_id == vf_id) {
            b->need_resolve = true;
            restart_binding(bs, b, why);
        }
    }
}

void
dpu_bindings_reserve(struct dpu_bindings *bs, int pf_id, int vf_id,
                     const char *holder)
{
    char *key = xasprintf("%d/%d", pf_id, vf_id);
    char *old = (holder ? shash_replace(&bs->held, key, xstrdup(holder))
                 : shash_find_and_delete(&bs->held, key));

    if (!nullable_string_is_equal(old, holder)) {
        journal(bs, "pf %d vf %d %s %s", pf_id, vf_id,
                holder ? "reserved for" : "no longer reserved for",
                holder ? holder : old);
        restart_function(bs, pf_id, vf_id, "function reservation changed");
    }
    free(old);
    free(key);
}

void
dpu_bindings_set_complete(struct dpu_bindings *bs, bool complete)
{
    if (bs->complete != complete) {
        bs->complete = complete;
        bs->need_run = true;
    }
}

void
dpu_bindings_recompute(struct dpu_bindings *bs)
{
    const struct shash_node **nodes = shash_sort(&bs->bindings);

    bs->need_run = true;
    for (size_t i = 0; i < shash_count(&bs->bindings); i++) {
        struct binding *b = nodes[i]->data;
        if (b->state != DPU_BINDING_REMOVING) {
            b->need_resolve = true;
            if (b->state == DPU_BINDING_ERROR && !b->timed_out) {
                restart_binding(bs, b, "recompute");
            }
        }
    }
    free(nodes);
}

/* Link state. */

/* Records as up the representors of the bindings in 'nodes' (all of them)
 * that may bring theirs up in this run, and saves the ledger: one write
 * for a burst of new bindings, rather than one in each ensure_link_up(). */
static void
record_links_up(struct dpu_bindings *bs, const struct shash_node **nodes)
{
    for (size_t i = 0; i < shash_count(&bs->bindings); i++) {
        const struct binding *b = nodes[i]->data;

        if (b->rep && !b->link_up && b->state != DPU_BINDING_REMOVING) {
            link_ledger_note_up(bs->links, b->rep);
        }
    }
    link_ledger_save(bs->links);
}

/* Ports. */

/* Deletes the Port of 'info' in 'txn', once per run. */
static void
delete_port(struct dpu_bindings *bs, struct ovs_port_view *v,
            const struct ovs_port_info *info, struct ovsdb_idl_txn *txn,
            bool link_down, const char *why, long long int now)
{
    if (!ovs_port_delete(v, info, txn)) {
        return;
    }
    journal(bs, "deleting port %s from %s (iface-id %s): %s",
            info->port->name, info->br->name,
            info->iface_id ? info->iface_id : "(none)", why);

    if (link_down && bs->links) {
        link_ledger_note_down(bs->links, info->iface->name,
                              v->ovs ? v->ovs->next_cfg + 1 : 0,
                              now + LINK_DOWN_WAIT_MS);
        v->bump_cfg = true;
    }
}

static void
add_port(struct dpu_bindings *bs, const struct binding *b,
         const struct ovs_port_extras *x, const struct ovsrec_bridge *br,
         struct ovsdb_idl_txn *txn)
{
    ovs_port_add(txn, br, b->rep, &b->spec, x);
    journal(bs, "adding port %s to %s (iface-id %s)", b->rep, br->name,
            b->spec.iface_id);
}

static void
update_port(struct dpu_bindings *bs, const struct binding *b,
            const struct ovs_port_extras *x,
            const struct ovs_port_info *cur, struct ovsdb_idl_txn *txn)
{
    const struct ovsrec_interface *iface = cur->iface;
    struct ds changed = DS_EMPTY_INITIALIZER;

    ovs_port_update(txn, cur->port, iface, &b->spec, x, &changed);
    journal(bs, "updating port %s (iface-id %s):%s", iface->name,
            b->spec.iface_id, ds_cstr(&changed));
    ds_destroy(&changed);
}

/* Looks up the representor of every binding in 'nodes' (all of them,
 * sorted) that needs it. */
static void
resolve_representors(struct dpu_bindings *bs,
                     const struct shash_node **nodes, long long int now)
{
    for (size_t i = 0; i < shash_count(&bs->bindings); i++) {
        struct binding *b = nodes[i]->data;

        if (b->state == DPU_BINDING_REMOVING
            || !(b->need_resolve || (!b->rep && now >= b->resolve_at))) {
            continue;
        }
        free(b->rep);
        free(b->uplink);
        b->rep = b->uplink = NULL;
        b->need_resolve = false;

        char *key = xasprintf("%d/%d", b->spec.pf_id, b->spec.vf_id);
        const char *holder = shash_find_data(&bs->held, key);
        free(key);
        if (holder) {
            /* Not retried on a timer: lifting the reservation restarts
             * the binding. */
            b->resolve_at = LLONG_MAX;
            set_error(bs, b, now, xasprintf("pf %d vf %d is reserved for "
                                            "%s", b->spec.pf_id,
                                            b->spec.vf_id, holder));
            continue;
        }

        char *error = representor_find(bs->sysfs_root, bs->simulated,
                                       b->spec.pf_id, b->spec.vf_id,
                                       &b->rep);
        if (error) {
            b->resolve_at = now + bs->retry_ms;
            set_error(bs, b, now, error);
        } else {
            b->resolve_at = LLONG_MAX;
            b->uplink = representor_uplink(bs->sysfs_root, b->rep);
            b->switchdev = representor_is_switchdev_port(bs->sysfs_root,
                                                         b->rep);
        }
    }
}

/* Brings the representor of 'b' up, once, if so configured.  Returns false
 * if that failed, after moving 'b' to ERROR. */
static bool
ensure_link_up(struct dpu_bindings *bs, struct binding *b, long long int now)
{
    if (bs->set_link_state && !b->link_up) {
        /* Recorded before it happens, so that a restart after a SIGKILL
         * here knows to set it down if the binding goes meanwhile.
         * (Usually record_links_up() did it already.) */
        if (link_ledger_note_up(bs->links, b->rep)) {
            link_ledger_save(bs->links);
        }

        int error = representor_set_up(b->rep, true);
        if (error) {
            b->link_retry_at = now + bs->retry_ms;
            set_error(bs, b, now,
                      xasprintf("cannot bring representor %s up (%s)",
                                b->rep, ovs_strerror(error)));
            return false;
        }
        b->link_up = true;
    }
    return true;
}

/* Our ports for the iface-id of 'b' on other representors are left from
 * an earlier sandbox or device: removes them. */
static void
delete_stale_ports(struct dpu_bindings *bs, const struct binding *b,
                   struct ovs_port_view *v, struct ovsdb_idl_txn *txn,
                   long long int now)
{
    for (size_t i = 0; txn && i < v->n_infos; i++) {
        const struct ovs_port_info *info = &v->infos[i];
        if (info->ours && info->iface_id
            && !strcmp(info->iface_id, b->spec.iface_id)
            && strcmp(info->iface->name, b->rep)) {
            delete_port(bs, v, info, txn, true, "stale: not on "
                        "the wanted representor", now);
        }
    }
}

/* Makes progress on binding 'b', which is not REMOVING. */
static void
binding_run(struct dpu_bindings *bs, struct binding *b,
            struct ovs_port_view *v, const struct shash *owners,
            struct ovsdb_idl_txn *txn, long long int now)
{
    if (!b->rep) {
        return;                 /* In ERROR until the next lookup. */
    }

    char *msg, *detail;
    switch (rep_claims_check(bs, b, v, owners, &msg, &detail)) {
    case REP_CLAIM_OK:
    case REP_CLAIM_ADOPT:
        break;
    case REP_CLAIM_WAIT:
        set_waiting(bs, b, now, msg);
        free(detail);
        return;
    case REP_CLAIM_ERROR:
        set_conflict(bs, b, now, msg, detail);
        return;
    }

    /* A bad mapping leaves the port as it is (none, for a new pod). */
    struct ovs_port_extras x;
    char *error = binding_extras(b, v, &x);
    if (error) {
        set_error(bs, b, now, error);
        return;
    }

    delete_stale_ports(bs, b, v, txn, now);

    const struct ovs_port_info *cur = ovs_port_view_find(v, b->rep);
    if (cur && cur->br == v->bridge && !strcmp(cur->port->name, b->rep)
        && cur->port->n_interfaces == 1
        && ovs_port_is_right(&b->spec, &x, cur->port, cur->iface)) {
        bool installed = smap_get_bool(&cur->iface->external_ids,
                                       OVS_PORT_OVN_INSTALLED, false);
        if (!ensure_link_up(bs, b, now)) {
            return;
        }
        if (installed) {
            set_state(bs, b, DPU_BINDING_INSTALLED, now,
                      (b->state == DPU_BINDING_NEW
                       ? "port already right in OVSDB, ovn-installed=true"
                       : "ovn-installed=true"));
        } else if (b->state == DPU_BINDING_WAIT_INSTALLED) {
            if (now >= b->state_since + bs->install_timeout_ms) {
                set_error(bs, b, now,
                          xasprintf("no ovn-installed=true on port %s "
                                    "within %lld ms", b->rep,
                                    bs->install_timeout_ms));
                b->timed_out = true;
            }
        } else if (b->state != DPU_BINDING_ERROR || !b->timed_out) {
            set_state(bs, b, DPU_BINDING_WAIT_INSTALLED, now,
                      (b->state == DPU_BINDING_NEW
                       ? "port already right in OVSDB"
                       : b->state == DPU_BINDING_INSTALLED
                       ? "ovn-installed removed"
                       : "port is in OVSDB"));
        }
        return;
    }

    /* The port is missing or not right. */
    if (!v->bridge) {
        set_error(bs, b, now, xasprintf("bridge %s does not exist",
                                        bs->bridge));
        return;
    }
    if (b->state == DPU_BINDING_CLAIMING
        && now >= b->state_since + bs->install_timeout_ms) {
        set_error(bs, b, now,
                  xasprintf("port %s did not appear in OVSDB within %lld ms",
                            b->rep, bs->install_timeout_ms));
        return;
    }
    if (!txn) {
        return;                 /* Wait for the transaction in flight. */
    }

    /* Up before ovs-vswitchd opens it, as ovn-kubernetes does, so that we
     * never race with its own changes to the netdev's flags. */
    if (!ensure_link_up(bs, b, now)) {
        return;
    }
    if (!cur) {
        add_port(bs, b, &x, v->bridge, txn);
    } else if (hmapx_contains(&v->deleted, cur->port)) {
        /* Deleted in this transaction: add it back in the next one. */
    } else if (!cur->ours) {
        /* REP_CLAIM_ADOPT: ovnkube-node's port.  Made right next run. */
        char *what = port_adoption_adopt(txn, cur);
        journal(bs, "%s", what);
        free(what);
    } else if (cur->br != v->bridge || strcmp(cur->port->name, b->rep)
               || cur->port->n_interfaces != 1
               || !cur->iface_id || strcmp(cur->iface_id, b->spec.iface_id)
               || ovs_port_needs_replacing(&b->spec, cur->iface)) {
        /* Ours, but for another instance, another bridge or another
         * iface-id that is no longer wanted (only once the desired set is
         * complete, says rep_claims_check()): delete it now and add it
         * again in the next transaction, so that it gets a new Interface
         * record (and ovn-controller sees a new port). */
        delete_port(bs, v, cur, txn, false, "replaced", now);
    } else {
        update_port(bs, b, &x, cur, txn);
    }
    set_state(bs, b, DPU_BINDING_CLAIMING, now, NULL);
}

/* Makes progress on binding 'b', which is REMOVING.  Returns false if it is
 * done and may be freed. */
static bool
binding_remove(struct dpu_bindings *bs, struct binding *b,
               struct ovs_port_view *v, struct ovsdb_idl_txn *txn,
               long long int now)
{
    bool any = false;

    for (size_t i = 0; i < v->n_infos; i++) {
        const struct ovs_port_info *info = &v->infos[i];
        if (info->ours && info->iface_id
            && !strcmp(info->iface_id, b->spec.iface_id)) {
            any = true;
            if (txn) {
                delete_port(bs, v, info, txn, true, "unbound", now);
            }
        }
    }
    if (!any) {
        journal(bs, "%s: removed", b->spec.iface_id);
    }
    return any;
}

/* Returns when the bindings must be looked at again even if nothing else
 * changes: a representor to look up, a timeout, a link to set down. */
static long long int
next_deadline(const struct dpu_bindings *bs, long long int now)
{
    long long int next = LLONG_MAX;
    struct shash_node *node;

    SHASH_FOR_EACH (node, &bs->bindings) {
        const struct binding *b = node->data;

        if (b->need_resolve || b->state_since < 0) {
            next = now;
        } else if (b->state == DPU_BINDING_CLAIMING
                   || b->state == DPU_BINDING_WAIT_INSTALLED) {
            next = MIN(next, b->state_since + bs->install_timeout_ms);
        } else if (b->state == DPU_BINDING_ERROR && !b->rep) {
            next = MIN(next, b->resolve_at);
        } else if (b->state == DPU_BINDING_ERROR && !b->link_up
                   && b->link_retry_at > now) {
            /* Netlink refused to bring the representor up: nothing in
             * the replica would tell us to try again.  (Once the time has
             * come, the run either tried again or stopped short of it at
             * an error that the replica will clear.) */
            next = MIN(next, b->link_retry_at);
        }
    }
    if (bs->links) {
        next = MIN(next, link_ledger_next_deadline(bs->links));
    }
    return next;
}

void
dpu_bindings_run(struct dpu_bindings *bs, struct ovsdb_idl_txn *txn,
                 long long int now)
{
    if (!ovs_port_replica_is_ready(bs->idl)) {
        /* Nothing to go by yet, or nothing a transaction could change
         * now: the IDL wakes us when it (re)connects. */
        return;
    }

    unsigned int seqno = ovsdb_idl_get_seqno(bs->idl);
    if (!bs->need_run && !bs->txn_busy && seqno == bs->idl_seqno
        && now < bs->next_run) {
        return;                 /* Nothing changed. */
    }
    bs->idl_seqno = seqno;
    bs->need_run = false;
    COVERAGE_INC(dpu_binding_run);
    bs->txn_busy = !txn;

    struct ovs_port_view v;
    ovs_port_view_init(&v, bs->idl, bs->bridge);
    size_t n_swept = txn ? pod_bandwidth_sweep(bs->idl, txn) : 0;
    if (n_swept) {
        journal(bs, "deleting %"PRIuSIZE" unused QoS row(s)", n_swept);
    }

    /* Bindings are handled in iface-id order, so that what happens does
     * not depend on hash order. */
    const struct shash_node **nodes = shash_sort(&bs->bindings);
    size_t n = shash_count(&bs->bindings);

    resolve_representors(bs, nodes, now);
    if (bs->set_link_state) {
        record_links_up(bs, nodes);
    }

    struct shash owners = SHASH_INITIALIZER(&owners);
    rep_claims_elect(bs, nodes, n, &v, &owners);

    for (size_t i = 0; i < n; i++) {
        struct binding *b = nodes[i]->data;
        if (b->state_since < 0) {
            b->state_since = b->wanted_since = now;
        }
        if (b->state == DPU_BINDING_REMOVING) {
            if (!binding_remove(bs, b, &v, txn, now)) {
                shash_find_and_delete(&bs->bindings, b->spec.iface_id);
                binding_free(b);
            }
        } else {
            binding_run(bs, b, &v, &owners, txn, now);
        }
    }
    free(nodes);

    /* Our ports whose iface-id nobody wants. */
    bs->stale_ports = false;
    if (bs->complete) {
        for (size_t i = 0; i < v.n_infos; i++) {
            const struct ovs_port_info *info = &v.infos[i];
            if (info->ours && !dpu_bindings_wanted(bs, info->iface_id)
                && !shash_find(&bs->bindings, info->iface_id
                               ? info->iface_id : "")) {
                bs->stale_ports = true;
                if (txn) {
                    delete_port(bs, &v, info, txn, true,
                                "stale: iface-id not wanted", now);
                }
            }
        }
    }
    if (v.bump_cfg && v.ovs && txn) {
        /* Lets us tell when ovs-vswitchd has applied the deletions. */
        ovsdb_idl_txn_increment(txn, &v.ovs->header_,
                                &ovsrec_open_vswitch_col_next_cfg, false);
    }
    if (bs->links) {
        struct svec lines = SVEC_EMPTY_INITIALIZER;
        link_ledger_run(bs->links, &v, &owners, bs->complete, now, &lines);
        for (size_t i = 0; i < lines.n; i++) {
            journal(bs, "%s", lines.names[i]);
        }
        svec_destroy(&lines);
    }
    shash_destroy(&owners);
    ovs_port_view_destroy(&v);

    /* Before the caller commits 'txn': see link-ledger.h. */
    if (bs->links) {
        link_ledger_save(bs->links);
    }
    bs->next_run = next_deadline(bs, now);
}

void
dpu_bindings_committed(struct dpu_bindings *bs, int status)
{
    if (status != 1) {
        bs->txn_busy = true;
    }
}

void
dpu_bindings_wait(const struct dpu_bindings *bs, long long int now)
{
    if (!ovs_port_replica_is_ready(bs->idl)) {
        return;                 /* The IDL wakes us when it connects. */
    }
    if (bs->need_run) {
        poll_immediate_wake();
    } else if (bs->next_run != LLONG_MAX) {
        poll_timer_wait_until(MAX(now, bs->next_run));
    }
}

bool
dpu_bindings_is_settled(const struct dpu_bindings *bs)
{
    struct shash_node *node;

    if (bs->stale_ports) {
        return false;
    }
    if (bs->links && link_ledger_has_pending_down(bs->links)) {
        return false;
    }
    SHASH_FOR_EACH (node, &bs->bindings) {
        const struct binding *b = node->data;
        if ((b->state == DPU_BINDING_NEW && !b->waiting)
            || b->state == DPU_BINDING_CLAIMING
            || b->state == DPU_BINDING_REMOVING || b->state_since < 0) {
            return false;
        }
    }
    return true;
}

bool
dpu_bindings_get(const struct dpu_bindings *bs, const char *iface_id,
                 enum dpu_binding_state *state, const char **error,
                 const char **representor)
{
    const struct binding *b = shash_find_data(&bs->bindings, iface_id);

    if (!b) {
        return false;
    }
    if (state) {
        *state = b->state;
    }
    if (error) {
        *error = b->error;
    }
    if (representor) {
        *representor = b->rep;
    }
    return true;
}

const struct dpu_binding_spec *
dpu_bindings_get_spec(const struct dpu_bindings *bs, const char *iface_id)
{
    const struct binding *b = shash_find_data(&bs->bindings, iface_id);
    return b && b->state != DPU_BINDING_REMOVING ? &b->spec : NULL;
}

void
dpu_bindings_count_states(const struct dpu_bindings *bs, unsigned int n[])
{
    struct shash_node *node;

    memset(n, 0, DPU_BINDING_N_STATES * sizeof *n);
    SHASH_FOR_EACH (node, &bs->bindings) {
        const struct binding *b = node->data;
        n[b->state]++;
    }
}

void
dpu_bindings_take_changes(struct dpu_bindings *bs, struct sset *iface_ids)
{
    const char *name;

    SSET_FOR_EACH (name, &bs->changes) {
        sset_add(iface_ids, name);
    }
    sset_clear(&bs->changes);
}

void
dpu_bindings_take_journal(struct dpu_bindings *bs, struct svec *lines)
{
    svec_append(lines, &bs->journal);
    svec_clear(&bs->journal);
}

void
dpu_bindings_format(const struct dpu_bindings *bs, long long int now,
                    struct ds *s)
{
    const struct shash_node **nodes = shash_sort(&bs->bindings);

    for (size_t i = 0; i < shash_count(&bs->bindings); i++) {
        const struct binding *b = nodes[i]->data;

        ds_put_format(s, "%s: pod %s nad %s pf %d vf %d representor %s "
                      "state %s", b->spec.iface_id,
                      b->spec.pod ? b->spec.pod : "-",
                      b->spec.nad ? b->spec.nad : "-",
                      b->spec.pf_id, b->spec.vf_id,
                      b->rep ? b->rep : "-",
                      dpu_binding_state_name(b->state));
        if (now >= 0) {
            ds_put_format(s, " for %lld ms",
                          b->state_since < 0 ? 0 : now - b->state_since);
        }
        if (b->error) {
            ds_put_format(s, " error \"%s\"", b->error);
        }
        if (b->waiting) {
            ds_put_format(s, " waiting \"%s\"", b->waiting);
        }
        ds_put_char(s, '\n');
    }
    free(nodes);
}
