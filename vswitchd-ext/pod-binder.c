/*
 * The DPU side's pod loop.  See pod-binder.h.
 */

#include <config.h>

#include "pod-binder.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conn-auth.h"
#include "conn-keys.h"
#include "binding-metrics.h"
#include "coverage.h"
#include "k8s-client.h"
#include "k8s-object.h"
#include "k8s-watch.h"
#include "metrics.h"
#include "mgmt-port-dpu.h"
#include "net-attach-def.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-port.h"
#include "ovsdb-idl.h"
#include "pod-annotations.h"
#include "pod-patch.h"
#include "smap.h"
#include "sset.h"
#include "stale-status.h"
#include "timeval.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(pod_binder);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

COVERAGE_DEFINE(pod_binder_pod_event);
COVERAGE_DEFINE(pod_binder_status_patch);

static struct metric *patches_metric;

/* How long to wait before retrying a failed status patch. */
#define STATUS_RETRY_MS 1000

/* The most time, in ms, that one run spends on pod events and on looking
 * at pods again (after a NAD or key change).  What is left waits for the
 * next iteration of the main loop, so that no burst of pod events (a pod
 * owner may patch their pod many times a second, with up to 256 KiB of
 * annotations) delays the lease renewal, which runs in the same loop, by
 * more than this. */
#define POD_WORK_BUDGET_MS 20

struct pod_binder;

/* One pod of the host node. */
struct pod_rec {
    struct pod_binder *pb;
    char *key;                  /* "<namespace>/<name>". */
    struct dpu_pod pod;         /* As last parsed. */
    char *rv;                   /* resourceVersion 'pod' was parsed from. */
    struct sset iface_ids;      /* Wanted bindings of this pod. */
    bool dirty;                 /* Status may need writing. */
    struct pod_patch *patch;    /* Status patch in flight, or NULL. */
    bool patch_sent;            /* 'patch' has sent a write. */
    long long int retry_at;     /* Do not patch before this. */
    char *logged;               /* Annotation errors last logged. */
    struct stale_status stale;  /* Status entries for details gone. */
};

struct pod_binder {
    struct k8s_client *client;
    struct k8s_watch *watch;
    struct ovsdb_idl_loop idl_loop;
    struct dpu_bindings *bindings;
    struct dpu_pod_options pod_options;
    bool complete;
    bool events_pending;        /* run_pods() left pod events unread. */

    /* NetworkAttachmentDefinitions, for the pods' other networks. */
    struct k8s_watch *nad_watch;
    struct shash nads;          /* "<ns>/<name>" -> struct nad_info. */
    bool nads_failed;           /* Listing them failed before it worked. */

    /* The host agent's keys, to check its signatures (conn-auth.h). */
    struct conn_keys *keys;
    bool keys_failed;           /* Listing them failed before it worked. */

    struct shash pods;          /* "<ns>/<name>" -> struct pod_rec. */
    struct shash iface_ids;     /* iface-id -> struct pod_rec. */
    struct sset reevaluate;     /* Pods to look at again, as the NADs and
                                 * keys are now. */

    struct mgmt_port_dpu *mgmt; /* The management port, or NULL. */

    unsigned long long int patches;         /* Status patches sent. */
    unsigned long long int patch_failures;
};

struct pod_binder *
pod_binder_create(struct k8s_client *client, const char *node_name,
                  const char *keys_namespace, const char *ovs_remote,
                  const struct dpu_bindings_config *bindings_config,
                  const struct dpu_pod_options *pod_options)
{
    struct pod_binder *pb = xzalloc(sizeof *pb);

    pb->client = client;
    char *selector = xasprintf("spec.nodeName=%s", node_name);
    pb->watch = k8s_watch_create(client, K8S_PODS_PATH, NULL, selector);
    k8s_watch_set_trim(pb->watch, pod_ann_trim_pod);
    free(selector);

    struct ovsdb_idl *idl = ovsdb_idl_create(ovs_remote, &ovsrec_idl_class,
                                             false, true);
    dpu_bindings_register_idl(idl);
    pb->idl_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(idl);
    pb->bindings = dpu_bindings_create(idl, bindings_config);
    binding_metrics_register(pb->bindings);
    if (!patches_metric) {
        patches_metric = metrics_counter_create(
            metrics_default(), "ovn_dpu_controller_status_patches_total",
            "Patches of pods' k8s.ovn.org/dpu.connection-status that "
            "ended, by result.", "result");
    }

    pb->pod_options = *pod_options;
    pb->pod_options.nads = NULL;    /* Until the NADs are listed. */
    pb->pod_options.node = node_name;
    pb->pod_options.keys = NULL;    /* Until the keys are listed. */
    pb->keys = conn_keys_create(client, keys_namespace, node_name);
    if (pod_options->allow_unsigned) {
        VLOG_WARN("--allow-unsigned-connection-details: connection details "
                  "that the host agent did not sign are bound: whoever may "
                  "patch a pod on node %s can claim any of its VFs",
                  node_name);
    }
    pb->nad_watch = k8s_watch_create(client, NAD_COLLECTION_PATH, NULL,
                                     NULL);
    shash_init(&pb->nads);

    shash_init(&pb->pods);
    shash_init(&pb->iface_ids);
    sset_init(&pb->reevaluate);
    return pb;
}

static void
pod_rec_destroy(struct pod_rec *rec)
{
    if (rec) {
        pod_patch_destroy(rec->patch);
        dpu_pod_destroy(&rec->pod);
        sset_destroy(&rec->iface_ids);
        free(rec->key);
        free(rec->rv);
        free(rec->logged);
        stale_status_destroy(&rec->stale);
        free(rec);
    }
}

void
pod_binder_destroy(struct pod_binder *pb)
{
    if (pb) {
        struct shash_node *node;

        SHASH_FOR_EACH_SAFE (node, &pb->pods) {
            pod_rec_destroy(node->data);
            shash_delete(&pb->pods, node);
        }
        shash_destroy(&pb->pods);
        shash_destroy(&pb->iface_ids);
        sset_destroy(&pb->reevaluate);
        conn_keys_destroy(pb->keys);
        binding_metrics_unregister(pb->bindings);
        dpu_bindings_destroy(pb->bindings);
        ovsdb_idl_loop_destroy(&pb->idl_loop);
        k8s_watch_destroy(pb->watch);
        SHASH_FOR_EACH_SAFE (node, &pb->nads) {
            nad_info_destroy(node->data);
            free(node->data);
            shash_delete(&pb->nads, node);
        }
        shash_destroy(&pb->nads);
        k8s_watch_destroy(pb->nad_watch);
        free(pb);
    }
}

/* Stops wanting every binding of 'rec' that is not in 'keep' (may be
 * NULL). */
static void
unbind_others(struct pod_binder *pb, struct pod_rec *rec,
              const struct sset *keep)
{
    const char *iface_id;

    SSET_FOR_EACH_SAFE (iface_id, &rec->iface_ids) {
        if (!keep || !sset_contains(keep, iface_id)) {
            if (shash_find_data(&pb->iface_ids, iface_id) == rec) {
                shash_find_and_delete(&pb->iface_ids, iface_id);
                dpu_bindings_unset(pb->bindings, iface_id);
            }
            sset_find_and_delete(&rec->iface_ids, iface_id);
        }
    }
}

/* True if the binding that 'net' of 'rec' has already is for exactly what
 * 'net' says now: the same sandbox and VF. */
static bool
is_bound_as(const struct pod_binder *pb, const struct pod_rec *rec,
            const struct dpu_pod_net *net)
{
    const struct dpu_binding_spec *spec;

    return (net->sandbox && sset_contains(&rec->iface_ids, net->iface_id)
            && (spec = dpu_bindings_get_spec(pb->bindings, net->iface_id))
            && spec->sandbox && !strcmp(spec->sandbox, net->sandbox)
            && spec->pf_id == net->pf_id && spec->vf_id == net->vf_id);
}

/* True if 'net' of 'rec', which waits for a key that is no longer (or not
 * yet) known, keeps the binding it has: a key that goes (retired, or its
 * Secret deleted by mistake) does not unplug pods already bound with it;
 * it only stops new bindings.  A restart checks every entry again. */
static bool
keeps_binding(const struct pod_binder *pb, const struct pod_rec *rec,
              const struct dpu_pod_net *net)
{
    return (net->state == DPU_POD_NET_WAITING && net->key_unknown
            && !rec->pod.completed && is_bound_as(pb, rec, net));
}

/* Logs the errors in the annotations of 'rec', unless they are the same as
 * at the last change of the pod: pods change for many other reasons. */
static void
log_errors(struct pod_rec *rec)
{
    struct ds errors = DS_EMPTY_INITIALIZER;

    if (rec->pod.error) {
        ds_put_format(&errors, "%s; ", rec->pod.error);
    }
    if (rec->pod.bandwidth_error && rec->pod.n_nets) {
        ds_put_format(&errors, "%s; ", rec->pod.bandwidth_error);
    }
    for (size_t i = 0; i < rec->pod.n_nets; i++) {
        const struct dpu_pod_net *net = &rec->pod.nets[i];
        if (net->state == DPU_POD_NET_ERROR) {
            ds_put_format(&errors, "%s; ", net->error);
        }
    }
    ds_chomp(&errors, ' ');
    ds_chomp(&errors, ';');

    char *text = ds_steal_cstr(&errors);
    if (!nullable_string_is_equal(text[0] ? text : NULL, rec->logged)) {
        if (text[0]) {
            VLOG_WARN("pod %s: %s", rec->key, text);
        }
        free(rec->logged);
        rec->logged = text[0] ? xstrdup(text) : NULL;
    }
    free(text);
}

/* Forgets that the status entries of 'rec' are stale once the bindings of
 * their networks' new details have an outcome (which replaces them). */
static void
clear_stale(struct pod_binder *pb, struct pod_rec *rec)
{
    for (size_t i = 0; i < rec->pod.n_nets; i++) {
        const struct dpu_pod_net *net = &rec->pod.nets[i];
        enum dpu_binding_state state;
        const char *error;

        if (stale_status_is_marked(&rec->stale, net->nad)
            && net->state == DPU_POD_NET_BIND && is_bound_as(pb, rec, net)
            && dpu_bindings_get(pb->bindings, net->iface_id, &state, &error,
                                NULL)
            && (state == DPU_BINDING_INSTALLED
                || state == DPU_BINDING_ERROR)) {
            stale_status_clear(&rec->stale, net->nad);
        }
    }
}

static void
pod_updated(struct pod_binder *pb, const char *key, const cJSON *object)
{
    struct pod_rec *rec = shash_find_data(&pb->pods, key);

    if (!rec) {
        rec = xzalloc(sizeof *rec);
        rec->pb = pb;
        rec->key = xstrdup(key);
        sset_init(&rec->iface_ids);
        stale_status_init(&rec->stale);
        shash_add(&pb->pods, key, rec);
    }
    sset_find_and_delete(&pb->reevaluate, key);
    dpu_pod_destroy(&rec->pod);
    free(rec->rv);
    rec->rv = nullable_xstrdup(k8s_object_resource_version(object));
    if (!dpu_pod_parse(object, &pb->pod_options, &rec->pod)) {
        VLOG_WARN("%s: not a pod object", key);
        return;
    }
    log_errors(rec);
    stale_status_note(&rec->stale, key, &rec->pod);

    struct sset wanted = SSET_INITIALIZER(&wanted);
    for (size_t i = 0; i < rec->pod.n_nets; i++) {
        const struct dpu_pod_net *net = &rec->pod.nets[i];

        if (keeps_binding(pb, rec, net)) {
            /* Its key is gone, but its entry is as it was bound. */
            sset_add(&wanted, net->iface_id);
        } else if (net->state == DPU_POD_NET_BIND
                   && !rec->pod.completed) {
            struct pod_rec *owner = shash_find_data(&pb->iface_ids,
                                                    net->iface_id);
            if (owner && owner != rec) {
                VLOG_WARN("pod %s: iface-id %s is also pod %s's", key,
                          net->iface_id, owner->key);
                continue;
            }
            sset_add(&wanted, net->iface_id);
            shash_replace(&pb->iface_ids, net->iface_id, rec);
            sset_add(&rec->iface_ids, net->iface_id);
            dpu_bindings_set(pb->bindings, &net->spec);
        }
    }
    unbind_others(pb, rec, &wanted);
    sset_destroy(&wanted);
    rec->dirty = true;
}

static void
pod_deleted(struct pod_binder *pb, const char *key)
{
    struct pod_rec *rec = shash_find_and_delete(&pb->pods, key);

    if (rec) {
        unbind_others(pb, rec, NULL);
        pod_rec_destroy(rec);
    }
}

/* Returns the connection-status that 'pod' (a version of the pod of 'rec',
 * parsed) should carry, as JSON text, or NULL for none, given that it
 * carries 'current' (may be NULL).
 *
 * Only outcomes are written: a network whose binding is pending keeps what
 * the pod carries for it.  So a restart of this agent, which finds every
 * binding pending until it has looked at OVSDB, never takes a pod's Ready
 * away, and an Error stays until there is a new outcome.  The host agent
 * removes the status when it writes new connection details (CNI ADD), so
 * an outcome for an earlier sandbox does not linger.
 *
 * An outcome is that of the binding made for exactly the sandbox and VF
 * that 'pod' names: a version of the pod newer than the one the binding
 * was made from (seen when a write of the status is refused for being
 * based on an old version) is pending as far as we know.  Each entry says
 * which sandbox it answers ("sandboxId"), so that the host never takes an
 * answer about an earlier sandbox for one about its own. */
static char *
pod_status(const struct pod_binder *pb, const struct pod_rec *rec,
           const struct dpu_pod *pod, const char *current)
{
    struct shash statuses = SHASH_INITIALIZER(&statuses);

    if (current) {
        char *error = dpu_conn_status_parse(current, &statuses);
        if (error) {
            VLOG_WARN_RL(&rl, "pod %s: overwriting a malformed status (%s)",
                         rec->key, error);
            free(error);
        }
    }
    if (pod->error) {
        dpu_conn_status_put(&statuses, POD_ANN_DEFAULT_NAD, DPU_CONN_ERROR,
                            pod->error, NULL);
    }
    for (size_t i = 0; i < pod->n_nets; i++) {
        const struct dpu_pod_net *net = &pod->nets[i];
        enum dpu_binding_state state;
        const char *error;

        if (net->state == DPU_POD_NET_ERROR) {
            dpu_conn_status_put(&statuses, net->nad, DPU_CONN_ERROR,
                                net->error, net->sandbox);
            continue;
        } else if (net->state == DPU_POD_NET_NO_NAD) {
            /* Pending until the NAD exists; if it was deleted, its
             * network's port is gone, so its old outcome goes too. */
            stale_status_drop(&statuses, net->nad);
            continue;
        } else if (net->state == DPU_POD_NET_BIND
                   && is_bound_as(pb, rec, net)
                   && dpu_bindings_get(pb->bindings, net->iface_id, &state,
                                       &error, NULL)) {
            if (state == DPU_BINDING_INSTALLED) {
                dpu_conn_status_put(&statuses, net->nad, DPU_CONN_READY,
                                    NULL, net->sandbox);
                continue;
            } else if (state == DPU_BINDING_ERROR) {
                dpu_conn_status_put(&statuses, net->nad, DPU_CONN_ERROR,
                                    error, net->sandbox);
                continue;
            }
        }

        /* No outcome yet for what 'net' names now.  An entry for other
         * connection details goes, so that no host moves on (or takes its
         * VF away) before the new port is bound. */
        const struct dpu_conn_status *old = shash_find_data(&statuses,
                                                            net->nad);
        if (old && stale_status_is_stale(&rec->stale, net, old)) {
            stale_status_drop(&statuses, net->nad);
        }
    }

    char *text = (shash_is_empty(&statuses) ? NULL
                  : dpu_conn_status_format(&statuses));
    dpu_conn_status_clear(&statuses);
    shash_destroy(&statuses);
    return text;
}

/* The pod_patch function of a status write: what the status of 'pod', the
 * version of the pod that the write is based on, should be.  The first
 * attempt is based on the version 'rec' was parsed from; if the server
 * refuses that (409: the pod changed since), the next is based on the
 * pod as read again, so that nothing computed from an old version (a
 * Ready for the sandbox before) lands over what the host wrote since. */
static char *
status_patch(const cJSON *object, void *rec_, cJSON **annotationsp)
{
    struct pod_rec *rec = rec_;
    struct pod_binder *pb = rec->pb;
    const char *rv = k8s_object_resource_version(object);
    struct dpu_pod fresh;
    const struct dpu_pod *pod = &rec->pod;

    *annotationsp = NULL;
    if (!rv || !rec->rv || strcmp(rv, rec->rv)) {
        if (!dpu_pod_parse(object, &pb->pod_options, &fresh)) {
            return xasprintf("pod %s: not a pod object", rec->key);
        }
        pod = &fresh;
    }

    const char *current = k8s_object_annotation(object,
                                                POD_ANN_CONNECTION_STATUS);
    bool ours = !pod->completed && !pod->host_network;
    char *status = ours ? pod_status(pb, rec, pod, current) : NULL;
    if (ours && !nullable_string_is_equal(status, current)) {
        cJSON *annotations = cJSON_CreateObject();
        if (status) {
            cJSON_AddStringToObject(annotations, POD_ANN_CONNECTION_STATUS,
                                    status);
        } else {
            cJSON_AddNullToObject(annotations, POD_ANN_CONNECTION_STATUS);
        }
        VLOG_INFO("pod %s: %s %s (from resourceVersion %s)", rec->key,
                  POD_ANN_CONNECTION_STATUS, status ? status : "(removed)",
                  rv ? rv : "?");
        pb->patches++;
        COVERAGE_INC(pod_binder_status_patch);
        rec->patch_sent = true;
        *annotationsp = annotations;
    }
    free(status);
    if (pod == &fresh) {
        dpu_pod_destroy(&fresh);
    }
    return NULL;
}

static void
run_status(struct pod_binder *pb, long long int now)
{
    struct sset changes = SSET_INITIALIZER(&changes);
    const char *iface_id;

    dpu_bindings_take_changes(pb->bindings, &changes);
    SSET_FOR_EACH (iface_id, &changes) {
        struct pod_rec *rec = shash_find_data(&pb->iface_ids, iface_id);
        if (rec) {
            rec->dirty = true;
            clear_stale(pb, rec);
        }
    }
    sset_destroy(&changes);

    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &pb->pods) {
        struct pod_rec *rec = node->data;

        if (rec->patch) {
            pod_patch_run(rec->patch);
            if (!pod_patch_is_done(rec->patch)) {
                continue;
            }
            const char *error = pod_patch_error(rec->patch);
            if (error || rec->patch_sent) {
                metrics_counter_inc(patches_metric, error ? "failed" : "ok");
            }
            if (error && !pod_patch_pod_gone(rec->patch)) {
                VLOG_WARN("pod %s: writing %s failed: %s", rec->key,
                          POD_ANN_CONNECTION_STATUS, error);
                pb->patch_failures++;
                rec->dirty = true;
                rec->retry_at = now + STATUS_RETRY_MS;
            }
            pod_patch_destroy(rec->patch);
            rec->patch = NULL;
        }
        if (rec->pod.host_network || rec->pod.completed) {
            /* Never ours to report on, or done: a completed pod's
             * bindings are gone, and its status stays as it was. */
            rec->dirty = false;
            continue;
        }
        if (!rec->dirty || now < rec->retry_at) {
            continue;
        }

        /* A status we wrote shows up in the watch as a change of the pod,
         * which makes it dirty again, and then equal. */
        const cJSON *object = k8s_watch_lookup(pb->watch, rec->key);
        const char *current = k8s_object_annotation(
            object, POD_ANN_CONNECTION_STATUS);
        char *status = object ? pod_status(pb, rec, &rec->pod, current)
                              : NULL;
        rec->dirty = false;
        if (object && !nullable_string_is_equal(status, current)) {
            rec->patch_sent = false;
            rec->patch = pod_patch_start_from(pb->client, object,
                                              rec->pod.uid, status_patch,
                                              rec);
        }
        free(status);
    }
}

/* Takes the NAD changes.  Returns true if what the pods want may have
 * changed. */
static bool
run_nads(struct pod_binder *pb)
{
    bool changed = false;

    k8s_watch_run(pb->nad_watch);
    for (struct k8s_event *e; (e = k8s_watch_next_event(pb->nad_watch)); ) {
        struct nad_info *info = shash_find_and_delete(&pb->nads, e->key);

        nad_info_destroy(info);
        free(info);
        info = NULL;
        if (e->type != K8S_EVENT_DELETED) {
            info = xmalloc(sizeof *info);
            nad_info_parse(e->object, e->key, info);
            if (info->kind == NAD_ERROR) {
                VLOG_WARN("%s", info->error);
            }
            shash_add(&pb->nads, e->key, info);
        }
        /* Other CNIs' NADs are none of our business: debug only. */
        VLOG(info && info->kind == NAD_NOT_OVN ? VLL_DBG : VLL_INFO,
             "NetworkAttachmentDefinition %s %s%s%s", e->key,
             k8s_event_type_to_string(e->type),
             info && info->kind == NAD_OVN ? ": network " : "",
             info && info->kind == NAD_OVN ? info->network : "");
        k8s_event_destroy(e);
        changed = true;
    }

    if (!pb->pod_options.nads && k8s_watch_is_synced(pb->nad_watch)) {
        /* The first list is in: from now on a NAD key without a NAD is
         * pending rather than unknown. */
        pb->pod_options.nads = &pb->nads;
        changed = true;
    } else if (!pb->pod_options.nads && !pb->nads_failed
               && k8s_watch_get_error(pb->nad_watch)) {
        pb->nads_failed = true;
        VLOG_WARN("cannot list NetworkAttachmentDefinitions (%s): only the "
                  "default network is served until they can be listed",
                  k8s_watch_get_error(pb->nad_watch));
    }
    return changed;
}

/* Takes changes of the host agent's keys.  Returns true if what the pods
 * want may have changed. */
static bool
run_keys(struct pod_binder *pb)
{
    bool changed = conn_keys_run(pb->keys);

    if (changed) {
        pb->pod_options.keys = conn_keys_get(pb->keys);
    } else if (!pb->pod_options.keys && !pb->keys_failed
               && conn_keys_get_error(pb->keys)) {
        pb->keys_failed = true;
        VLOG_WARN("cannot list the node's keys Secret (%s): connection "
                  "details signed by the host agent wait until it can be "
                  "listed%s", conn_keys_get_error(pb->keys),
                  pb->pod_options.allow_unsigned
                  ? "; unsigned ones are bound" : "");
    }
    return changed;
}

/* Takes pod events and looks at pods again, for at most
 * POD_WORK_BUDGET_MS. */
static void
run_pods(struct pod_binder *pb, bool everything_changed)
{
    long long int deadline = time_msec() + POD_WORK_BUDGET_MS;

    if (everything_changed) {
        /* Look at every pod again with the NADs and keys as they are. */
        struct shash_node *node;
        SHASH_FOR_EACH (node, &pb->pods) {
            sset_add(&pb->reevaluate, node->name);
        }
    }

    k8s_watch_run(pb->watch);
    /* Until the watch has no event left, some pod may not have been
     * looked at yet: the budget may end the loop first. */
    pb->events_pending = true;
    while (time_msec() < deadline) {
        struct k8s_event *e = k8s_watch_next_event(pb->watch);
        if (!e) {
            pb->events_pending = false;
            break;
        }
        COVERAGE_INC(pod_binder_pod_event);
        if (e->type == K8S_EVENT_DELETED) {
            pod_deleted(pb, e->key);
        } else {
            pod_updated(pb, e->key, e->object);
        }
        k8s_event_destroy(e);
    }
    while (time_msec() < deadline && !sset_is_empty(&pb->reevaluate)) {
        char *key = xstrdup(SSET_FIRST(&pb->reevaluate));
        const cJSON *object = k8s_watch_lookup(pb->watch, key);

        sset_find_and_delete(&pb->reevaluate, key);
        if (object && shash_find(&pb->pods, key)) {
            pod_updated(pb, key, object);
        }
        free(key);
    }
}

void
pod_binder_run(struct pod_binder *pb)
{
    long long int now = time_msec();

    bool nads_changed = run_nads(pb);
    bool keys_changed = run_keys(pb);
    run_pods(pb, nads_changed || keys_changed);

    bool keys_ready = (pb->pod_options.keys
                       || (pb->keys_failed && pb->pod_options.allow_unsigned));
    if (!pb->complete && k8s_watch_is_synced(pb->watch)
        && !pb->events_pending
        && (pb->pod_options.nads || pb->nads_failed) && keys_ready
        && sset_is_empty(&pb->reevaluate)) {
        /* The first lists are in and every pod has been looked at with
         * them: bindings not wanted now are stale.  (If the NADs cannot
         * be listed, the default network goes on without them.) */
        pb->complete = true;
        dpu_bindings_set_complete(pb->bindings, true);
    }

    struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&pb->idl_loop);
    dpu_bindings_run(pb->bindings, txn, now);
    if (pb->mgmt) {
        mgmt_port_dpu_run(pb->mgmt, txn, now);
    }
    int status = ovsdb_idl_loop_commit_and_wait(&pb->idl_loop);
    dpu_bindings_committed(pb->bindings, status);
    if (pb->mgmt) {
        mgmt_port_dpu_committed(pb->mgmt, status);
    }

    run_status(pb, now);
}

void
pod_binder_wait(struct pod_binder *pb)
{
    long long int now = time_msec();
    struct shash_node *node;

    k8s_watch_wait(pb->watch);
    k8s_watch_wait(pb->nad_watch);
    conn_keys_wait(pb->keys);
    if (!sset_is_empty(&pb->reevaluate) || pb->events_pending) {
        poll_immediate_wake();
    }
    ovsdb_idl_wait(pb->idl_loop.idl);
    dpu_bindings_wait(pb->bindings, now);
    if (pb->mgmt) {
        mgmt_port_dpu_wait(pb->mgmt, now);
    }
    SHASH_FOR_EACH (node, &pb->pods) {
        const struct pod_rec *rec = node->data;

        if (rec->patch) {
            pod_patch_wait(rec->patch);
        } else if (rec->dirty) {
            poll_timer_wait_until(rec->retry_at);
        }
    }
}

void
pod_binder_format(const struct pod_binder *pb, struct ds *s)
{
    ds_put_format(s, "pods: %"PRIuSIZE" (%s), status patches: %llu "
                  "(%llu failed)\n", shash_count(&pb->pods),
                  pb->complete ? "synced" : "not synced yet",
                  pb->patches, pb->patch_failures);
    size_t n_ovn = 0;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &pb->nads) {
        const struct nad_info *info = node->data;
        n_ovn += info->kind == NAD_OVN;
    }
    ds_put_format(s, "network-attachment-definitions: %"PRIuSIZE" (%"
                  PRIuSIZE" OVN-Kubernetes, %s)\n", shash_count(&pb->nads),
                  n_ovn, (pb->pod_options.nads ? "synced"
                          : pb->nads_failed ? "cannot list"
                          : "not synced yet"));
    const struct shash_node **nodes = shash_sort(&pb->nads);
    for (size_t i = 0; i < shash_count(&pb->nads); i++) {
        const struct nad_info *info = nodes[i]->data;
        if (info->kind == NAD_OVN) {
            ds_put_format(s, "  %s: network %s\n", nodes[i]->name,
                          info->network);
        } else if (info->kind == NAD_ERROR) {
            ds_put_format(s, "  %s: error \"%s\"\n", nodes[i]->name,
                          info->error);
        }
    }
    free(nodes);
    ds_put_format(s, "ovsdb: %s\n",
                  ovs_port_replica_is_ready(pb->idl_loop.idl) ? "connected" : "not connected");
    conn_keys_format(pb->keys, s);
    if (pb->pod_options.allow_unsigned) {
        ds_put_cstr(s, "unsigned connection details: BOUND "
                    "(--allow-unsigned-connection-details)\n");
    }
    if (pb->mgmt) {
        mgmt_port_dpu_format_brief(pb->mgmt, s);
    }
    dpu_bindings_format(pb->bindings, time_msec(), s);
}

static const char *
net_state_name(const struct pod_binder *pb, const struct dpu_pod_net *net,
               const char **error, const char **rep)
{
    enum dpu_binding_state state;

    *error = net->error;
    *rep = NULL;
    switch (net->state) {
    case DPU_POD_NET_BIND:
        return (dpu_bindings_get(pb->bindings, net->iface_id, &state, error,
                                 rep)
                ? dpu_binding_state_name(state) : "not bound");
    case DPU_POD_NET_WAITING:
        return "waiting";
    case DPU_POD_NET_ERROR:
        return "error";
    case DPU_POD_NET_NO_NAD:
        return "no-nad";
    }
    return "<bad>";
}

/* A member of "pods" for each pod, with its networks. */
static void
put_pods_json(const struct pod_binder *pb, cJSON *pods)
{
    const struct shash_node **nodes = shash_sort(&pb->pods);

    for (size_t i = 0; i < shash_count(&pb->pods); i++) {
        const struct pod_rec *rec = nodes[i]->data;
        cJSON *pod = cJSON_CreateObject();

        cJSON_AddStringToObject(pod, "name", rec->key);
        cJSON_AddBoolToObject(pod, "terminating", rec->pod.terminating);
        cJSON_AddBoolToObject(pod, "completed", rec->pod.completed);
        if (rec->pod.error) {
            cJSON_AddStringToObject(pod, "error", rec->pod.error);
        }
        cJSON *networks = cJSON_AddArrayToObject(pod, "networks");
        for (size_t j = 0; j < rec->pod.n_nets; j++) {
            const struct dpu_pod_net *net = &rec->pod.nets[j];
            const char *error, *rep;
            const char *state = net_state_name(pb, net, &error, &rep);
            cJSON *o = cJSON_CreateObject();

            cJSON_AddStringToObject(o, "nad", net->nad);
            cJSON_AddStringToObject(o, "state", state);
            if (net->state == DPU_POD_NET_BIND) {
                cJSON_AddStringToObject(o, "ifaceId", net->iface_id);
                cJSON_AddNumberToObject(o, "pf", net->spec.pf_id);
                cJSON_AddNumberToObject(o, "vf", net->spec.vf_id);
            }
            if (rep) {
                cJSON_AddStringToObject(o, "representor", rep);
            }
            if (error) {
                cJSON_AddStringToObject(o, "error", error);
            }
            cJSON_AddItemToArray(networks, o);
        }
        cJSON_AddItemToArray(pods, pod);
    }
    free(nodes);
}

void
pod_binder_format_json(const struct pod_binder *pb, struct ds *s)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddBoolToObject(o, "synced", pb->complete);
    cJSON_AddNumberToObject(o, "statusPatches", pb->patches);
    cJSON_AddNumberToObject(o, "statusPatchFailures", pb->patch_failures);
    cJSON_AddBoolToObject(o, "ovsdbConnected", ovs_port_replica_is_ready(pb->idl_loop.idl));

    cJSON *nads = cJSON_AddObjectToObject(o, "networkAttachmentDefinitions");
    cJSON_AddStringToObject(nads, "state",
                            (pb->pod_options.nads ? "synced"
                             : pb->nads_failed ? "cannot list"
                             : "not synced yet"));
    cJSON *networks = cJSON_AddObjectToObject(nads, "networks");
    cJSON *errors = cJSON_AddObjectToObject(nads, "errors");
    struct shash_node *node;
    SHASH_FOR_EACH (node, &pb->nads) {
        const struct nad_info *info = node->data;
        if (info->kind == NAD_OVN) {
            cJSON_AddStringToObject(networks, node->name, info->network);
        } else if (info->kind == NAD_ERROR) {
            cJSON_AddStringToObject(errors, node->name, info->error);
        }
    }
    cJSON_AddNumberToObject(nads, "count", shash_count(&pb->nads));

    unsigned int n[DPU_BINDING_N_STATES];
    dpu_bindings_count_states(pb->bindings, n);
    cJSON *states = cJSON_AddObjectToObject(o, "bindings");
    for (int i = 0; i < DPU_BINDING_N_STATES; i++) {
        cJSON_AddNumberToObject(states, dpu_binding_state_name(i), n[i]);
    }
    put_pods_json(pb, cJSON_AddArrayToObject(o, "pods"));

    char *text = cJSON_Print(o);
    ds_put_format(s, "%s\n", text);
    cJSON_free(text);
    cJSON_Delete(o);
}

struct ovsdb_idl *
pod_binder_get_idl(const struct pod_binder *pb)
{
    return pb->idl_loop.idl;
}

struct dpu_bindings *
pod_binder_get_bindings(const struct pod_binder *pb)
{
    return pb->bindings;
}

void
pod_binder_set_mgmt_port(struct pod_binder *pb, struct mgmt_port_dpu *mp)
{
    pb->mgmt = mp;
}

void
pod_binder_format_watches(const struct pod_binder *pb, struct ds *s)
{
    k8s_watch_format_status(pb->watch, s);
    k8s_watch_format_status(pb->nad_watch, s);
    conn_keys_format_watch(pb->keys, s);
}

void
pod_binder_recompute(struct pod_binder *pb)
{
    struct shash_node *node;

    dpu_bindings_recompute(pb->bindings);
    SHASH_FOR_EACH (node, &pb->pods) {
        struct pod_rec *rec = node->data;
        rec->dirty = true;
    }
}

bool
pod_binder_is_ready(const struct pod_binder *pb, struct ds *reason)
{
    if (!ovs_port_replica_is_ready(pb->idl_loop.idl)) {
        ds_put_cstr(reason, "not connected to the Open_vSwitch database");
        return false;
    } else if (!pb->complete) {
        ds_put_cstr(reason, "the node's pods are not listed yet");
        return false;
    }
    return true;
}
