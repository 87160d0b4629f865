/*
 * CNI ADD in ovn-dpu-host: hand the pod's VF to the DPU side through the
 * pod's connection details, wait for its answer, then move the VF into
 * the pod.  See cni-calls.h for what ADD answers, and cni-call.h for the
 * states a call goes through.
 */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cni-add.h"
#include "cni-bg-patch.h"
#include "cni-call.h"
#include "cni-pod.h"
#include "host-keys.h"
#include "k8s-watch.h"
#include "openvswitch/vlog.h"
#include "pod-annotations.h"
#include "pod-patch.h"
#include "timeval.h"
#include "util.h"
#include "vf-list.h"
#include "vf-netns.h"
#include "vf-pool.h"

VLOG_DEFINE_THIS_MODULE(cni_add);

/* At most this many VFs are moved into pods per main-loop iteration (the
 * kernel's move to another network namespace takes some 15-20 ms), so
 * that a burst of answers from the API server or the DPU cannot keep the
 * loop from accepting connections, reading requests and timing the lease
 * for seconds: the other pod events wait for the next iteration, and an
 * ADD whose VF could not be moved early moves it once the DPU answers. */
#define MAX_VF_CONFIGS_PER_RUN 16

static void add_fail(struct cni_calls *, struct cni_call *,
                     struct cni_error *);

/* Checks that the VF resolved into 'call->dev' for 'device_id' is one the
 * host may hand out: not reserved, and not in use on the host.
 * "deviceID" comes from the network configuration, which for a secondary
 * network is a NAD that whoever may create NADs wrote: it must not be able
 * to move a VF that the host uses into a pod.  The VFs of --vf-pool go
 * through the same check. */
static struct cni_error *
add_check_device(const struct cni_calls *cs, const struct cni_call *call,
                 const char *device_id)
{
    const struct vf_device *dev = &call->dev;
    const char *why = (cs->settings.reserved_vfs
                       ? vf_list_find(cs->settings.reserved_vfs,
                                      dev->pf_id, dev->vf_id)
                       : NULL);
    if (!why && cs->settings.mgmt_netdev && dev->netdev
        && !strcmp(dev->netdev, cs->settings.mgmt_netdev)) {
        /* Before the management port is made (it waits for the Node's
         * subnet), its VF is down and has no address. */
        why = "the node's management port";
    }
    if (why) {
        return cni_error_create(CNI_ERR_INVALID_CONFIG, NULL,
                                "deviceID %s is PF %d VF %d, which is "
                                "reserved (%s)", device_id,
                                dev->pf_id, dev->vf_id, why);
    }

    /* A VF bound to vfio-pci has no netdev that the host could use. */
    char *busy = dev->vfio ? NULL : vf_netns_check_unused(dev->netdev);
    if (busy) {
        struct cni_error *error = cni_error_create(
            CNI_ERR_INVALID_CONFIG, "a VF that is up, has an address or "
            "belongs to a master device is the host's own, not one to "
            "hand out", "deviceID %s: %s", device_id, busy);
        free(busy);
        return error;
    }
    return NULL;
}

/* Who takes a VF from the pool, for "cni/vf-pool". */
static char *
add_owner(const struct cni_call *call)
{
    return xasprintf("pod %s sandbox %s/%s", call->pod_key,
                     call->req.container_id, call->req.ifname);
}

/* Resolves the "deviceID" of the ADD in 'call' into 'call->dev' and, if
 * the VF is in the pool, takes it there.  Returns an error, or NULL. */
static struct cni_error *
add_use_device(struct cni_calls *cs, struct cni_call *call)
{
    const struct cni_request *req = &call->req;
    struct cni_error *error;

    char *why = vf_device_resolve(req->device_id, cs->settings.simulated,
                                  cs->settings.sysfs_root, &call->dev);
    if (why) {
        const struct vf_attachment *a
            = vf_attachments_find_device(&cs->attachments, req->device_id);
        if (a) {
            error = cni_error_create(
                CNI_ERR_INVALID_CONFIG, why,
                "deviceID %s is in use by sandbox %s/%s of pod %s/%s",
                req->device_id, a->container_id, a->cfg.ifname,
                a->pod_namespace, a->pod_name);
        } else {
            error = cni_error_create(CNI_ERR_INVALID_CONFIG, NULL, "%s",
                                     why);
        }
        free(why);
        return error;
    }

    error = add_check_device(cs, call, req->device_id);
    if (error) {
        return error;
    }

    /* A VF bound to vfio-pci stays on the host while a pod has it, so it
     * still resolves: only the attachments say that it is taken. */
    const struct vf_attachment *a = (call->dev.vfio
                                     ? vf_attachments_find_device(
                                           &cs->attachments, call->dev.pci)
                                     : NULL);
    if (a) {
        return cni_error_create(
            CNI_ERR_INVALID_CONFIG, NULL,
            "deviceID %s is in use by sandbox %s/%s of pod %s/%s",
            req->device_id, a->container_id, a->cfg.ifname,
            a->pod_namespace, a->pod_name);
    }

    if (cs->pool && vf_pool_contains(cs->pool, req->device_id)) {
        char *owner = add_owner(call);
        bool taken = vf_pool_claim(cs->pool, req->device_id, owner);
        free(owner);
        if (!taken) {
            return cni_error_create(
                CNI_ERR_INVALID_CONFIG, "ovn-dpu-host hands it out from "
                "its --vf-pool: see \"ovs-appctl cni/vf-pool\"",
                "deviceID %s is in use by another pod", req->device_id);
        }
        call->pool_vf = xstrdup(req->device_id);
    }
    return NULL;
}

/* Takes a free VF from the pool for the ADD in 'call', which has no
 * "deviceID", into 'call->dev'.  Returns an error, or NULL. */
static struct cni_error *
add_take_from_pool(struct cni_calls *cs, struct cni_call *call)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    if (!cs->pool) {
        return cni_error_create(
            CNI_ERR_INVALID_CONFIG, "it is the VF's PCI address, which the "
            "SR-IOV device plugin provides, unless ovn-dpu-host hands out "
            "VFs itself (--vf-pool)",
            "network configuration: ADD needs \"deviceID\"");
    }

    const char **ids;
    size_t n = vf_pool_list_free(cs->pool, &ids);
    char *last_why = NULL;
    for (size_t i = 0; i < n; i++) {
        char *why = vf_device_resolve(ids[i], cs->settings.simulated,
                                      cs->settings.sysfs_root, &call->dev);
        if (!why) {
            struct cni_error *unusable = add_check_device(cs, call, ids[i]);
            if (unusable) {
                why = xstrdup(unusable->msg);
                cni_error_destroy(unusable);
                vf_device_destroy(&call->dev);
                memset(&call->dev, 0, sizeof call->dev);
            }
        }
        if (!why) {
            char *owner = add_owner(call);
            call->pool_vf = xstrdup(ids[i]);
            ovs_assert(vf_pool_claim(cs->pool, ids[i], owner));
            free(owner);
            break;
        }
        /* A VF that is not there (yet), or that the host uses, stays
         * free: it may come, or be let go. */
        VLOG_WARN_RL(&rl, "VF pool: skipping %s: %s", ids[i], why);
        free(last_why);
        last_why = why;
    }
    free(ids);

    struct cni_error *error = NULL;
    if (!call->pool_vf) {
        error = cni_error_create(
            CNI_ERR_TRY_AGAIN_LATER, last_why,
            "no VF to hand out: %"PRIuSIZE" of the %"PRIuSIZE" VFs of "
            "--vf-pool are in use%s", vf_pool_size(cs->pool) - n,
            vf_pool_size(cs->pool), n ? ", the others unusable" : "");
    }
    free(last_why);
    return error;
}

/* Starts the ADD in 'call'.  Returns an error if it failed at once
 * (nothing was changed), otherwise NULL: 'call' is then in flight. */
struct cni_error *
cni_add_start(struct cni_calls *cs, struct cni_call *call)
{
    const struct cni_request *req = &call->req;
    struct cni_error *error = cni_calls_dpu_not_ready(
        cs, CNI_ERR_TRY_AGAIN_LATER);
    if (error) {
        return error;
    }

    if (cni_calls_find_in_flight(cs, req, call)) {
        return cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                "another request for sandbox %s/%s is in "
                                "progress", req->container_id, req->ifname);
    }
    if (vf_attachments_find(&cs->attachments, req->container_id,
                            req->ifname)) {
        return cni_error_create(CNI_ERR_TRY_AGAIN_LATER,
                                "DEL it before adding it again",
                                "sandbox %s/%s is already attached",
                                req->container_id, req->ifname);
    }

    error = (req->device_id
             ? add_use_device(cs, call)
             : add_take_from_pool(cs, call));
    if (error) {
        return error;
    }

    char *why = vf_netns_check_netns(req->netns);
    if (why) {
        error = cni_error_create(CNI_ERR_INVALID_ENV, NULL, "%s", why);
        free(why);
        return error;
    }

    const char *no_key;
    const struct conn_auth_key *key = (cs->keys
                                       ? host_keys_current(cs->keys, &no_key)
                                       : NULL);
    if (cs->keys && !key) {
        return cni_error_create(
            CNI_ERR_TRY_AGAIN_LATER, "the DPU side binds a VF only for "
            "connection details signed with the node's key (see "
            "Documentation/security.rst)", "cannot sign the connection "
            "details of pod %s: no key: %s", call->pod_key, no_key);
    }

    cni_bg_patches_cancel(cs, req);
    call->edit = cni_pod_edit_create(cs->settings.node, req->nad,
                                     req->ifname, req->container_id);
    call->edit->details.pf_id = call->dev.pf_id;
    call->edit->details.vf_id = call->dev.vf_id;
    /* None for a VF bound to vfio-pci, as ovnkube leaves it empty. */
    call->edit->details.vf_netdev_name = nullable_xstrdup(call->dev.netdev);
    if (key) {
        call->edit->sign = true;
        call->edit->key = *key;
        call->edit->seq = host_keys_next_seq(cs->keys);
    }
    call->patch = pod_patch_start(cs->settings.k8s, req->pod_namespace,
                                  req->pod_name, req->pod_uid,
                                  cni_pod_put_details, call->edit);
    call->state = CALL_ADD_PATCH;
    return NULL;
}

/* Puts back on the host, as it was, the VF that add_move_early() moved
 * into the pod of 'call', an ADD that failed before configuring it. */
static void
add_move_back(struct cni_call *call)
{
    if (!call->vf_moved) {
        return;
    }
    call->vf_moved = false;

    const char *what;
    char *why = vf_netns_detach(call->req.netns, call->req.ifname,
                                call->dev.netdev, call->dev.pci,
                                &call->vf_saved, &what);
    if (why) {
        VLOG_ERR("pod %s sandbox %s/%s: moving VF %s back to the host "
                 "failed: %s", call->pod_key, call->req.container_id,
                 call->req.ifname, call->dev.netdev, why);
        free(why);
    } else {
        VLOG_DBG("pod %s sandbox %s/%s: VF %s %s", call->pod_key,
                 call->req.container_id, call->req.ifname, call->dev.netdev,
                 what);
    }
}

void
cni_add_abandon(struct cni_call *call)
{
    add_move_back(call);
}

/* While the DPU side plugs the representor, moves the VF of 'call' into
 * the pod already, down and unconfigured, under its name there: the
 * kernel's move is most of a VF's configuration time, and it then
 * overlaps the wait instead of following it.  Only a head start: if the
 * move fails, nothing changed, and add_configure() moves the VF itself
 * (and reports what fails then). */
static void
add_move_early(struct cni_calls *cs, struct cni_call *call)
{
    const struct cni_request *req = &call->req;

    if (!cs->settings.early_vf_move || call->dev.vfio || !call->dev.netdev
        || cs->n_vf_configs >= MAX_VF_CONFIGS_PER_RUN) {
        return;
    }
    cs->n_vf_configs++;

    struct vf_netns_config cfg = {
        .netns = req->netns,
        .host_name = call->dev.netdev,
        .ifname = req->ifname,
    };
    long long int t0 = time_msec();
    char *why = vf_netns_move_in(&cfg, &call->vf_saved);
    call->vf_moved = !why;
    VLOG_DBG("pod %s sandbox %s/%s: VF %s %s while waiting for the DPU "
             "(%lld ms)%s%s", call->pod_key, req->container_id, req->ifname,
             call->dev.netdev,
             why ? "not moved into the pod" : "moved into the pod",
             time_msec() - t0, why ? ": " : "", why ? why : "");
    free(why);
}

/* The DPU side plugged the VF: moves it into the pod and answers. */
static void
add_configure(struct cni_calls *cs, struct cni_call *call,
              struct pod_network *net)
{
    const struct cni_request *req = &call->req;
    struct vf_attachment *a = xzalloc(sizeof *a);

    call->dpu_wait = time_msec() - call->wait_start;
    VLOG_DBG("pod %s sandbox %s/%s: the DPU side reports Ready",
             call->pod_key, req->container_id, req->ifname);

    a->container_id = xstrdup(req->container_id);
    a->pod_namespace = xstrdup(req->pod_namespace);
    a->pod_name = xstrdup(req->pod_name);
    a->nad = xstrdup(call->edit->nad_key);
    a->pci = nullable_xstrdup(call->dev.pci);
    a->cfg.netns = xstrdup(req->netns);
    a->vfio = call->dev.vfio;
    a->cfg.host_name = nullable_xstrdup(call->dev.netdev);
    a->cfg.ifname = xstrdup(req->ifname);
    /* The network configuration's "mtu" wins; otherwise the VF gets the
     * MTU that the DPU side gives its representor, so that a full-size
     * packet is not dropped between them.  (A VF bound to vfio-pci is the
     * virtual machine's to configure.) */
    a->cfg.mtu = (a->vfio ? 0 : req->mtu ? req->mtu : cs->settings.mtu);
    cni_pod_build_config(net, req->nad, &a->cfg);
    a->network = nullable_xstrdup(req->name);
    if (call->edit->sign) {
        a->key_id = xstrdup(call->edit->key.id);
        a->seq = call->edit->seq;
    }

    long long int t0 = time_msec();
    char *why = NULL;
    if (a->vfio) {
        /* For a virtual machine (KubeVirt) that gets the VF through
         * vfio-pci: there is nothing to move into the pod, as in ovnkube;
         * the answer still carries the pod's addresses. */
        VLOG_INFO("pod %s sandbox %s/%s: VF %s is bound to vfio-pci: "
                  "nothing to move into the pod", call->pod_key,
                  req->container_id, req->ifname, a->pci);
    } else {
        cs->n_vf_configs++;
        if (call->vf_moved) {
            /* Configured, or back on the host: no longer waiting. */
            call->vf_moved = false;
            a->saved = call->vf_saved;
            why = vf_netns_configure(&a->cfg, &a->saved);
        } else {
            why = vf_netns_attach(&a->cfg, &a->saved);
        }
        VLOG_DBG("pod %s sandbox %s/%s: VF %s %s in %lld ms",
                 call->pod_key, req->container_id, req->ifname,
                 call->dev.netdev,
                 why ? "failed to configure" : "configured",
                 time_msec() - t0);
    }
    if (why) {
        vf_attachment_free(a);
        add_fail(cs, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, why,
                                            "failed to configure the VF: %s",
                                            why));
        free(why);
        return;
    }

    t0 = time_msec();
    vf_attachments_add(&cs->attachments, a);
    VLOG_DBG("pod %s sandbox %s/%s: attachment recorded in %lld ms",
             call->pod_key, req->container_id, req->ifname,
             time_msec() - t0);
    /* The VF stays taken in the pool until DEL or GC gives it back. */
    free(call->pool_vf);
    call->pool_vf = NULL;
    cni_call_answer(cs, call, NULL,
                    cni_pod_result(&a->cfg, req->cni_version, a->pci));
}

/* Fails 'call' with 'error' (taking ownership): if connection details may
 * have been written, removes them first. */
static void
add_fail(struct cni_calls *cs, struct cni_call *call,
         struct cni_error *error)
{
    if (call->dpu_wait < 0 && call->state == CALL_ADD_WAIT) {
        call->dpu_wait = time_msec() - call->wait_start;
    }
    add_move_back(call);
    if (call->state == CALL_ADD_WAIT) {
        cni_error_destroy(call->error);
        call->error = error;
        call->state = CALL_ADD_UNDO;
        pod_patch_destroy(call->patch);
        call->patch = pod_patch_start(cs->settings.k8s,
                                      call->req.pod_namespace,
                                      call->req.pod_name, call->req.pod_uid,
                                      cni_pod_remove_details, call->edit);
    } else {
        cni_call_answer(cs, call, error, NULL);
        cni_error_destroy(error);
    }
}

/* Looks at 'pod' for the waiting ADD 'call'. */
static void
add_evaluate(struct cni_calls *cs, struct cni_call *call, const cJSON *pod)
{
    struct pod_network *net;
    char *why;

    if (call->cancel) {
        /* Not even a Ready may bring back a sandbox given up on. */
        add_fail(cs, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                            "%s", call->cancel));
        return;
    }

    switch (cni_pod_evaluate(pod, call->edit->nad_key,
                             call->req.container_id, call->req.pod_uid,
                             cs->settings.allow_status_without_sandbox,
                             &net, &why)) {
    case CNI_POD_WAIT:
        break;
    case CNI_POD_READY:
        add_configure(cs, call, net);
        cni_pod_network_free(net);
        break;
    case CNI_POD_FAILED:
        add_fail(cs, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                            "%s", why));
        free(why);
        break;
    }
}

/* The connection details are written: wait for the DPU side. */
static void
add_patched(struct cni_calls *cs, struct cni_call *call)
{
    if (pod_patch_error(call->patch)) {
        /* Nothing was written. */
        add_fail(cs, call, cni_error_create(
                     CNI_ERR_TRY_AGAIN_LATER, NULL, "%s",
                     pod_patch_error(call->patch)));
        return;
    }
    call->state = CALL_ADD_WAIT;
    call->wait_start = time_msec();
    call->deadline = call->wait_start + cs->settings.add_timeout * 1000LL;
    if (call->cancel) {
        add_fail(cs, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                            "%s", call->cancel));
        return;
    }
    add_move_early(cs, call);
    /* The DPU may have answered already, or may have answered an
     * identical earlier write. */
    add_evaluate(cs, call, pod_patch_pod(call->patch));
    if (call->state == CALL_ADD_WAIT) {
        const cJSON *cached = k8s_watch_lookup(cs->pods, call->pod_key);
        if (cached) {
            add_evaluate(cs, call, cached);
        }
    }
}

/* Gives up on the waiting ADD in 'call' if it is time to. */
static void
add_check_wait(struct cni_calls *cs, struct cni_call *call)
{
    struct cni_error *error = cni_calls_dpu_not_ready(
        cs, CNI_ERR_TRY_AGAIN_LATER);
    if (error) {
        add_fail(cs, call, error);
    } else if (call->cancel) {
        add_fail(cs, call, cni_error_create(CNI_ERR_TRY_AGAIN_LATER, NULL,
                                            "%s", call->cancel));
    } else if (time_msec() >= call->deadline) {
        const char *watch_error = k8s_watch_get_error(cs->pods);
        char *details = xasprintf(
            "the DPU side did not write "
            "k8s.ovn.org/dpu.connection-status for this network "
            "(see --cni-add-timeout)%s%s",
            watch_error ? "; the watch of this node's pods failed: "
            : "", watch_error ? watch_error : "");
        add_fail(cs, call, cni_error_create(
                     CNI_ERR_TRY_AGAIN_LATER, details,
                     "timed out after %d s waiting for the DPU to plug "
                     "the VF of pod %s", cs->settings.add_timeout,
                     call->pod_key));
        free(details);
    }
}

/* The connection details of a failed ADD are removed (or could not be):
 * answers with the ADD's error. */
static void
add_undone(struct cni_calls *cs, struct cni_call *call)
{
    const char *undo = pod_patch_error(call->patch);
    if (undo && !pod_patch_pod_gone(call->patch)) {
        char *what = xasprintf("failed ADD of pod %s sandbox %s/%s",
                               call->pod_key, call->req.container_id,
                               call->req.ifname);
        VLOG_WARN("%s: removing the connection details failed, "
                  "retrying in the background: %s", what, undo);
        cni_bg_patch_add(cs, what, call->req.pod_namespace,
                         call->req.pod_name, call->req.pod_uid, NULL,
                         call->edit);
        call->edit = NULL;
        free(what);
    }
    struct cni_error *error = call->error;
    call->error = NULL;
    cni_call_answer(cs, call, error, NULL);
    cni_error_destroy(error);
}

void
cni_add_run(struct cni_calls *cs, struct cni_call *call)
{
    switch (call->state) {
    case CALL_ADD_PATCH:
        pod_patch_run(call->patch);
        if (pod_patch_is_done(call->patch)) {
            add_patched(cs, call);
        }
        return;

    case CALL_ADD_WAIT:
        add_check_wait(cs, call);
        return;

    case CALL_ADD_UNDO:
        pod_patch_run(call->patch);
        if (pod_patch_is_done(call->patch)) {
            add_undone(cs, call);
        }
        return;

    case CALL_NONE:
    case CALL_DEL_PATCH:
    default:
        OVS_NOT_REACHED();
    }
}

/* Feeds the pod watch's events to the ADDs waiting for the DPU. */
void
cni_add_run_pods(struct cni_calls *cs)
{
    if (!cs->pods) {
        return;
    }

    k8s_watch_run(cs->pods);
    struct k8s_event *event;
    cs->n_vf_configs = 0;
    while (cs->n_vf_configs < MAX_VF_CONFIGS_PER_RUN
           && (event = k8s_watch_next_event(cs->pods)) != NULL) {
        struct cni_call *call;
        LIST_FOR_EACH_SAFE (call, node, &cs->in_flight) {
            if (call->state != CALL_ADD_WAIT
                || strcmp(call->pod_key, event->key)) {
                continue;
            }
            if (event->type == K8S_EVENT_DELETED) {
                add_fail(cs, call, cni_error_create(
                             CNI_ERR_TRY_AGAIN_LATER, NULL,
                             "pod %s was deleted while waiting for the DPU",
                             call->pod_key));
            } else {
                add_evaluate(cs, call, event->object);
            }
        }
        k8s_event_destroy(event);
    }
}
