/*
 * The CNI calls of ovn-dpu-host: each request handed over by the server
 * goes to its verb, STATUS, CHECK and VERSION answered here at once, ADD
 * in cni-add.c, DEL and GC in cni-del.c.  See cni-calls.h.
 */

#include <config.h>

#include "cni-calls.h"

#include <stdlib.h>
#include <string.h>

#include "cni-add.h"
#include "cni-bg-patch.h"
#include "cni-call.h"
#include "cni-del.h"
#include "cni-pod.h"
#include "host-keys.h"
#include "jsonrpc.h"
#include "k8s-object.h"
#include "k8s-watch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "pod-annotations.h"
#include "pod-patch.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "openvswitch/vlog.h"
#include "vf-netns.h"
#include "vf-pool.h"

VLOG_DEFINE_THIS_MODULE(cni_calls);

/* Creates the VF pool of 'ids', in which the VFs that the attachments
 * record holds are taken: they are in pods, which a restarted agent must
 * leave alone. */
static void
cni_calls_create_pool(struct cni_calls *cs, const struct svec *ids)
{
    cs->pool = vf_pool_create(ids);

    const struct vf_attachment *a;
    HMAP_FOR_EACH (a, node, &cs->attachments.map) {
        /* A pool names a VF by its PCI address or by its netdev's name. */
        const char *id = (a->pci && vf_pool_contains(cs->pool, a->pci)
                          ? a->pci : a->cfg.host_name);
        if (id && vf_pool_contains(cs->pool, id)) {
            char *owner = cni_calls_describe_attachment(a);
            if (!vf_pool_claim(cs->pool, id, owner)) {
                VLOG_WARN("VF pool: %s is in more than one attachment "
                          "(%s among them)", id, owner);
            }
            free(owner);
        }
    }
    VLOG_INFO("VF pool: %"PRIuSIZE" VFs, %"PRIuSIZE" of them in pods "
              "according to %s", vf_pool_size(cs->pool),
              vf_pool_size(cs->pool) - vf_pool_n_free(cs->pool),
              cs->attachments.path);
}

struct cni_calls *
cni_calls_create(const struct dpu_lease_watcher *lease,
                 const struct cni_settings *settings, const char *state_dir,
                 cni_reply_func *reply, void *aux)
{
    struct cni_calls *cs = xzalloc(sizeof *cs);

    cni_call_metrics_init();
    cs->lease = lease;
    cs->settings = *settings;
    cs->settings.node = xstrdup(settings->node);
    cs->settings.sysfs_root = xstrdup(settings->sysfs_root);
    cs->settings.keys_namespace = nullable_xstrdup(settings->keys_namespace);
    if (cs->settings.max_requests <= 0) {
        cs->settings.max_requests = CNI_DEFAULT_MAX_REQUESTS;
    }
    cs->reply = reply;
    cs->reply_aux = aux;
    if (settings->k8s) {
        char *selector = xasprintf("spec.nodeName=%s", settings->node);
        cs->pods = k8s_watch_create(settings->k8s, K8S_PODS_PATH, NULL,
                                    selector);
        k8s_watch_set_trim(cs->pods, pod_ann_trim_pod);
        free(selector);
        cs->keys = host_keys_create(settings->k8s, settings->keys_namespace,
                                    settings->node);
    }
    char *state_path = xasprintf("%s/attachments.json", state_dir);
    vf_attachments_init(&cs->attachments, state_path);
    free(state_path);
    const struct vf_attachment *a;
    HMAP_FOR_EACH (a, node, &cs->attachments.map) {
        if (cs->keys) {
            host_keys_note_seq(cs->keys, a->seq);
        }
    }
    if (settings->vf_pool && settings->vf_pool->n) {
        cni_calls_create_pool(cs, settings->vf_pool);
    }
    cs->settings.vf_pool = NULL;
    ovs_list_init(&cs->bg_patches);
    ovs_list_init(&cs->in_flight);
    ovs_list_init(&cs->recent);
    return cs;
}

void
cni_calls_destroy(struct cni_calls *cs)
{
    if (!cs) {
        return;
    }

    struct cni_call *call;
    LIST_FOR_EACH_POP (call, node, &cs->in_flight) {
        if (call->req.command == CNI_ADD) {
            cni_add_abandon(call);
        }
        cni_call_destroy(call);
    }
    LIST_FOR_EACH_POP (call, node, &cs->recent) {
        cni_call_destroy(call);
    }
    cni_bg_patches_destroy(cs);

    /* The VFs stay in their pods: a restarted agent must not take away
     * the network of pods that are running. */
    vf_attachments_destroy(&cs->attachments);
    vf_pool_destroy(cs->pool);
    k8s_watch_destroy(cs->pods);

    free(CONST_CAST(char *, cs->settings.node));
    free(CONST_CAST(char *, cs->settings.sysfs_root));
    free(CONST_CAST(char *, cs->settings.keys_namespace));
    host_keys_destroy(cs->keys);
    free(cs->last_status);
    free(cs);
}

/* CHECK. */

static struct cni_error *
check_serve(struct cni_calls *cs, const struct cni_request *req)
{
    struct cni_error *error = NULL;
    const struct vf_attachment *a = vf_attachments_find(&cs->attachments,
                                                        req->container_id,
                                                        req->ifname);
    if (!a) {
        return cni_error_create(CNI_ERR_TRY_AGAIN_LATER,
                                "ovn-dpu-host tracks the attachments it "
                                "made since it started",
                                "sandbox %s/%s is not attached",
                                req->container_id, req->ifname);
    } else if (req->netns && strcmp(req->netns, a->cfg.netns)) {
        return cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                "sandbox %s/%s was attached in %s, not %s",
                                req->container_id, req->ifname,
                                a->cfg.netns, req->netns);
    }

    /* A VF bound to vfio-pci is not in the namespace: nothing to see. */
    char *why = a->vfio ? NULL : vf_netns_verify(&a->cfg);
    if (why) {
        error = cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL, "%s", why);
        free(why);
    }
    return error;
}

/* Serving. */

/* Serves the valid request in 'call'.  Returns true if it was answered
 * (with '*errorp' and '*outputp'), false if it is now in flight. */
static bool
cni_calls_serve(struct cni_calls *cs, struct cni_call *call,
                struct cni_error **errorp, struct json **outputp)
{
    const struct cni_request *req = &call->req;

    *errorp = NULL;
    *outputp = NULL;
    switch (req->command) {
    case CNI_STATUS:
        *errorp = cni_calls_dpu_not_ready(cs, CNI_ERR_NOT_AVAILABLE);
        return true;

    case CNI_ADD:
        *errorp = cni_add_start(cs, call);
        return *errorp != NULL;

    case CNI_DEL:
        cni_del_start(cs, call);
        return false;

    case CNI_CHECK:
        *errorp = check_serve(cs, req);
        return true;

    case CNI_GC:
        cni_gc_serve(cs, req);
        return true;

    case CNI_VERSION:
        *outputp = cni_version_result();
        return true;

    case CNI_N_COMMANDS:
    default:
        OVS_NOT_REACHED();
    }
}

void
cni_calls_handle(struct cni_calls *cs, void *conn,
                 const struct jsonrpc_msg *msg)
{
    struct cni_call *call = cni_call_start(cs, conn, msg->id);
    struct smap env = SMAP_INITIALIZER(&env);
    const char *text;
    struct cni_error *error;
    struct json *output = NULL;

    error = cni_request_from_jsonrpc(msg->params, &env, &text);
    if (!error) {
        error = cni_request_parse(&call->req, &env, text);
        call->command = call->req.command;
    }
    bool answered = true;
    if (!error) {
        const struct cni_request *req = &call->req;
        if (req->pod_namespace && req->pod_name) {
            call->pod = xasprintf("%s/%s", req->pod_namespace, req->pod_name);
            call->pod_key = xstrdup(call->pod);
        }
        call->sandbox = nullable_xstrdup(req->container_id);
        call->ifname = nullable_xstrdup(req->ifname);
        if ((req->command == CNI_ADD || req->command == CNI_CHECK
             || req->command == CNI_GC)
            && cs->n_in_flight - 1 >= (size_t) cs->settings.max_requests) {
            /* 'n_in_flight' counts this request too.  DEL is never
             * refused: it is what frees resources and ends waiting ADDs,
             * and it finishes within a few seconds (see cni-del.c). */
            error = cni_error_create(
                CNI_ERR_TRY_AGAIN_LATER,
                "at most --cni-max-requests requests may be in flight",
                "ovn-dpu-host is busy: %"PRIuSIZE" requests in flight",
                cs->n_in_flight - 1);
        } else {
            answered = cni_calls_serve(cs, call, &error, &output);
        }
    }
    if (answered) {
        cni_call_answer(cs, call, error, output);
    }
    cni_error_destroy(error);
    smap_destroy(&env);
}

void
cni_calls_refuse_oversize(struct cni_calls *cs, void *conn)
{
    struct json *null_id = json_null_create();
    struct cni_call *call = cni_call_start(cs, conn, null_id);
    struct cni_error *error = cni_error_create(
        CNI_ERR_DECODE, NULL, "request to ovn-dpu-host is larger than %d "
        "bytes", CNI_MAX_REQUEST_SIZE);

    json_destroy(null_id);
    cni_call_answer(cs, call, error, NULL);
    cni_error_destroy(error);
}

void
cni_calls_hang_up(struct cni_calls *cs, const void *conn)
{
    struct cni_call *call;
    LIST_FOR_EACH (call, node, &cs->in_flight) {
        if (call->conn == conn) {
            call->conn = NULL;
            if (call->req.command == CNI_ADD && !call->cancel) {
                call->cancel = xstrdup("the plugin hung up");
            }
        }
    }
}

/* Stores in 'in_use' the ids of the keys that the connection details of
 * attachments on record, and of ADDs in flight, were signed with. */
static void
keys_in_use(const struct cni_calls *cs, struct sset *in_use)
{
    const struct vf_attachment *a;
    HMAP_FOR_EACH (a, node, &cs->attachments.map) {
        if (a->key_id) {
            sset_add(in_use, a->key_id);
        }
    }

    const struct cni_call *call;
    LIST_FOR_EACH (call, node, &cs->in_flight) {
        if (call->edit && call->edit->sign) {
            sset_add(in_use, call->edit->key.id);
        }
    }
}

void
cni_calls_run(struct cni_calls *cs)
{
    if (cs->keys) {
        struct sset in_use = SSET_INITIALIZER(&in_use);
        keys_in_use(cs, &in_use);
        host_keys_run(cs->keys, &in_use);
        sset_destroy(&in_use);
    }
    cni_add_run_pods(cs);

    struct cni_call *call;
    LIST_FOR_EACH_SAFE (call, node, &cs->in_flight) {
        switch (call->state) {
        case CALL_ADD_PATCH:
        case CALL_ADD_WAIT:
        case CALL_ADD_UNDO:
            cni_add_run(cs, call);
            break;
        case CALL_DEL_PATCH:
            cni_del_run(cs, call);
            break;
        case CALL_NONE:
        default:
            break;
        }
    }
    cni_bg_patches_run(cs);
}

void
cni_calls_wait(struct cni_calls *cs)
{
    if (cs->pods) {
        k8s_watch_wait(cs->pods);
    }
    if (cs->keys) {
        host_keys_wait(cs->keys);
    }
    struct cni_call *call;
    LIST_FOR_EACH (call, node, &cs->in_flight) {
        if (call->patch) {
            pod_patch_wait(call->patch);
        }
        if (call->state == CALL_ADD_WAIT || call->state == CALL_DEL_PATCH) {
            poll_timer_wait_until(call->deadline);
            if (call->cancel) {
                poll_immediate_wake();
            }
        }
    }
    cni_bg_patches_wait(cs);
}

/* "cni/show". */

void
cni_calls_put_json(const struct cni_calls *cs, struct json *json)
{
    long long int now = time_msec();

    struct json *requests = json_object_create();
    for (int i = 0; i < CNI_N_COMMANDS; i++) {
        json_object_put(requests, cni_command_to_string(i),
                        json_integer_create(cs->n_requests[i]));
    }
    json_object_put(requests, "malformed",
                    json_integer_create(cs->n_requests[CNI_N_COMMANDS]));
    json_object_put(json, "requests", requests);
    json_object_put(json, "failed", json_integer_create(cs->n_failed));

    const struct cni_call *call;
    struct json *in_flight = json_array_create_empty();
    LIST_FOR_EACH (call, node, &cs->in_flight) {
        struct json *c = cni_call_to_json(call);
        json_object_put(c, "elapsed_ms",
                        json_integer_create(now - call->start));
        json_object_put_string(c, "state",
                               cni_call_state_to_string(call->state));
        json_array_add(in_flight, c);
    }
    json_object_put(json, "in_flight", in_flight);

    struct json *recent = json_array_create_empty();
    LIST_FOR_EACH (call, node, &cs->recent) {
        struct json *c = cni_call_to_json(call);
        json_object_put(c, "duration_ms", json_integer_create(call->duration));
        if (call->dpu_wait >= 0) {
            json_object_put(c, "dpu_wait_ms",
                            json_integer_create(call->dpu_wait));
        }
        json_object_put(c, "code", json_integer_create(call->code));
        if (call->msg) {
            json_object_put_string(c, "msg", call->msg);
        }
        json_array_add(recent, c);
    }
    json_object_put(json, "recent", recent);
}

void
cni_calls_format(const struct cni_calls *cs, struct ds *out)
{
    unsigned long long int total = 0;
    for (int i = 0; i <= CNI_N_COMMANDS; i++) {
        total += cs->n_requests[i];
    }
    ds_put_format(out, "requests: %llu (", total);
    for (int i = 0; i < CNI_N_COMMANDS; i++) {
        ds_put_format(out, "%s%s %llu", i ? ", " : "",
                      cni_command_to_string(i), cs->n_requests[i]);
    }
    ds_put_format(out, ", malformed %llu), failed: %llu\n",
                  cs->n_requests[CNI_N_COMMANDS], cs->n_failed);

    const struct cni_call *call;
    long long int now = time_msec();
    ds_put_format(out, "in flight: %"PRIuSIZE"\n", cs->n_in_flight);
    LIST_FOR_EACH (call, node, &cs->in_flight) {
        ds_put_cstr(out, "  ");
        cni_call_format_time(call->start_wall, out);
        ds_put_char(out, ' ');
        cni_call_describe(call, out);
        ds_put_format(out, ": for %lld ms", now - call->start);
        if (call->state != CALL_NONE) {
            ds_put_format(out, ", %s",
                          cni_call_state_to_string(call->state));
        }
        ds_put_char(out, '\n');
    }

    ds_put_format(out, "recent (newest first, at most %d): %"PRIuSIZE"\n",
                  CNI_MAX_RECENT, cs->n_recent);
    LIST_FOR_EACH (call, node, &cs->recent) {
        ds_put_cstr(out, "  ");
        cni_call_format_time(call->start_wall, out);
        ds_put_char(out, ' ');
        cni_call_describe(call, out);
        ds_put_cstr(out, ": ");
        cni_call_format_result(call, out);
        ds_put_char(out, '\n');
    }
}

void
cni_calls_format_vf_pool(const struct cni_calls *cs, struct ds *out)
{
    if (!cs->pool) {
        ds_put_cstr(out, "no VF pool (see --vf-pool)\n");
        return;
    }
    ds_put_format(out, "VFs: %"PRIuSIZE", free: %"PRIuSIZE"\n",
                  vf_pool_size(cs->pool), vf_pool_n_free(cs->pool));
    vf_pool_format(cs->pool, out);
}
