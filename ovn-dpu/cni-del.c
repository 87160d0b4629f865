/*
 * CNI DEL and GC in ovn-dpu-host: move the VF back to the host and remove
 * the sandbox's connection details from the pod; and the removals of
 * connection details that are left to finish in the background.  See
 * cni-call.h for what DEL and GC answer.
 */

#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cni-call-private.h"
#include "cni-pod.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "pod-patch.h"
#include "timeval.h"
#include "util.h"
#include "vf-netns.h"

VLOG_DEFINE_THIS_MODULE(cni_del);

/* DEL waits this long, in ms, for the API server to remove the
 * connection details before it answers anyway. */
#define DEL_API_TIMEOUT 5000

/* Background removals. */

/* A removal of connection details that nobody waits for: GC's, DEL's
 * when the API server is slow, and any removal (DEL's, or a failed ADD's)
 * that failed for another reason than the pod being gone.  It is tried
 * again, with a growing delay, until it succeeds or the pod is gone: left
 * on the pod, the details would keep the VF's representor bound on the
 * DPU for a sandbox that no longer exists, and the DPU would refuse the
 * VF to its next pod.  Retrying is safe: the removal only ever removes an
 * entry that names this sandbox.  Outcomes are logged. */
struct bg_patch {
    struct ovs_list node;       /* In struct cni_calls's 'bg_patches'. */
    char *what;                 /* For the log. */
    char *pod_namespace;
    char *pod_name;
    char *pod_uid;              /* Or NULL. */
    struct pod_patch *patch;    /* NULL while waiting for 'retry_at'. */
    struct cni_pod_edit *edit;
    long long int retry_at;
    int backoff_ms;             /* Delay before the next retry. */
};

/* Delays between retries of a background removal, in ms. */
#define BG_RETRY_MIN_MS 500
#define BG_RETRY_MAX_MS (16 * 1000)

/* Adds a background removal of 'edit' (taking ownership of it and of
 * 'patch', which may be NULL to start after the first retry delay). */
void
cni_bg_patch_add(struct cni_calls *cs, const char *what,
                 const char *pod_namespace, const char *pod_name,
                 const char *pod_uid, struct pod_patch *patch,
                 struct cni_pod_edit *edit)
{
    struct bg_patch *bg = xzalloc(sizeof *bg);
    bg->what = xstrdup(what);
    bg->pod_namespace = xstrdup(pod_namespace);
    bg->pod_name = xstrdup(pod_name);
    bg->pod_uid = nullable_xstrdup(pod_uid);
    bg->patch = patch;
    bg->edit = edit;
    bg->backoff_ms = BG_RETRY_MIN_MS;
    bg->retry_at = time_msec() + (patch ? 0 : bg->backoff_ms);
    ovs_list_push_back(&cs->bg_patches, &bg->node);
}

static void
bg_patch_destroy(struct bg_patch *bg)
{
    pod_patch_destroy(bg->patch);
    cni_pod_edit_free(bg->edit);
    free(bg->what);
    free(bg->pod_namespace);
    free(bg->pod_name);
    free(bg->pod_uid);
    free(bg);
}

/* Gives up the background removals of the connection details of sandbox
 * 'req' (a new ADD of it writes them anew).  A removal already sent
 * cannot undo that write: every write carries the resourceVersion it
 * read. */
void
cni_bg_patches_cancel(struct cni_calls *cs, const struct cni_request *req)
{
    struct bg_patch *bg;

    LIST_FOR_EACH_SAFE (bg, node, &cs->bg_patches) {
        if (!strcmp(bg->pod_namespace, req->pod_namespace)
            && !strcmp(bg->pod_name, req->pod_name)
            && !strcmp(bg->edit->nad, req->nad)
            && bg->edit->details.sandbox_id
            && !strcasecmp(bg->edit->details.sandbox_id,
                            req->container_id)) {
            VLOG_INFO("%s: removal of the connection details given up for "
                      "a new ADD of the sandbox", bg->what);
            ovs_list_remove(&bg->node);
            bg_patch_destroy(bg);
        }
    }
}

void
cni_bg_patches_run(struct cni_calls *cs)
{
    struct bg_patch *bg;

    LIST_FOR_EACH_SAFE (bg, node, &cs->bg_patches) {
        if (!bg->patch) {
            if (time_msec() < bg->retry_at) {
                continue;
            }
            bg->patch = pod_patch_start(cs->settings.k8s, bg->pod_namespace,
                                        bg->pod_name, bg->pod_uid,
                                        cni_pod_remove_details, bg->edit);
        }
        pod_patch_run(bg->patch);
        if (!pod_patch_is_done(bg->patch)) {
            continue;
        }

        const char *error = pod_patch_error(bg->patch);
        if (error && !pod_patch_pod_gone(bg->patch)) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
            VLOG_WARN_RL(&rl, "%s: removing connection details failed "
                         "(retrying in %d ms): %s", bg->what,
                         bg->backoff_ms, error);
            pod_patch_destroy(bg->patch);
            bg->patch = NULL;
            bg->retry_at = time_msec() + bg->backoff_ms;
            bg->backoff_ms = MIN(bg->backoff_ms * 2, BG_RETRY_MAX_MS);
            continue;
        }
        VLOG_INFO("%s: connection details %s", bg->what,
                  error ? "gone with the pod" : "removed");
        ovs_list_remove(&bg->node);
        bg_patch_destroy(bg);
    }
}

void
cni_bg_patches_wait(const struct cni_calls *cs)
{
    struct bg_patch *bg;
    LIST_FOR_EACH (bg, node, &cs->bg_patches) {
        if (bg->patch) {
            pod_patch_wait(bg->patch);
        } else {
            poll_timer_wait_until(bg->retry_at);
        }
    }
}

void
cni_bg_patches_destroy(struct cni_calls *cs)
{
    struct bg_patch *bg;
    LIST_FOR_EACH_POP (bg, node, &cs->bg_patches) {
        bg_patch_destroy(bg);
    }
}

/* DEL. */

/* The VF's name on the host for the DEL in 'call', if known: what ADD
 * recorded, what the pod's connection details said, or, simulated, the
 * deviceID itself. */
static const char *
del_host_name(const struct cni_calls *cs, const struct cni_call *call,
              const struct vf_attachment *a)
{
    int pf, vf;

    if (a) {
        return a->cfg.host_name;
    } else if (call->edit && call->edit->vf_netdev_name) {
        return call->edit->vf_netdev_name;
    } else if (cs->settings.simulated && call->req.device_id
               && vf_device_parse_sim_name(call->req.device_id, &pf, &vf)) {
        return call->req.device_id;
    }
    return NULL;
}

/* Moves the VF of the DEL in 'call' back to the host, if it can tell
 * which VF that is.  Returns an error, or NULL. */
static struct cni_error *
del_detach(struct cni_calls *cs, struct cni_call *call)
{
    const struct cni_request *req = &call->req;
    struct vf_attachment *a = vf_attachments_find(&cs->attachments,
                                                  req->container_id,
                                                  req->ifname);
    const char *host_name = del_host_name(cs, call, a);
    const char *netns = a ? a->cfg.netns : req->netns;

    if (call->detached) {
        return NULL;
    } else if (!a && netns) {
        /* An interface of that name in that namespace that another sandbox
         * of ours holds is not this sandbox's to take. */
        const struct vf_attachment *other = vf_attachments_find_iface(
            &cs->attachments, netns, req->ifname);
        if (other) {
            VLOG_WARN("DEL sandbox %s/%s: %s in %s belongs to sandbox %s: "
                      "leaving it", req->container_id, req->ifname,
                      req->ifname, netns, other->container_id);
            return NULL;
        }
    }
    if (!host_name) {
        if (netns) {
            VLOG_DBG("DEL sandbox %s/%s: no VF of ours is known there "
                      "(if one is, the kernel returns it to the host with "
                      "the namespace)", req->container_id, req->ifname);
        }
        return NULL;
    }

    const char *what;
    char *why = vf_netns_detach(netns, req->ifname, host_name,
                                a ? &a->saved : NULL, &what);
    if (why) {
        struct cni_error *error = cni_error_create(
            CNI_ERR_TRY_AGAIN_LATER, why, "failed to move VF %s back to the "
            "host: %s", host_name, why);
        free(why);
        return error;
    }
    VLOG_INFO("DEL sandbox %s/%s: VF %s: %s", req->container_id,
              req->ifname, host_name, what);
    if (a) {
        vf_attachments_remove(&cs->attachments, a);
    }
    call->detached = true;
    return NULL;
}

void
cni_del_run(struct cni_calls *cs, struct cni_call *call)
{
    pod_patch_run(call->patch);
    if (!pod_patch_is_done(call->patch)) {
        if (time_msec() < call->deadline) {
            return;
        }

        /* The API server is slow: the VF matters more to the runtime than
         * the annotation, which the next ADD of this pod replaces anyway.
         * Finish the removal in the background. */
        char *what = xasprintf("DEL pod %s sandbox %s/%s", call->pod_key,
                               call->req.container_id, call->req.ifname);
        VLOG_WARN("%s: the API server has not answered in %d ms, "
                  "removing the connection details in the background",
                  what, DEL_API_TIMEOUT);
        struct cni_error *error = del_detach(cs, call);
        cni_bg_patch_add(cs, what, call->req.pod_namespace,
                         call->req.pod_name, NULL, call->patch, call->edit);
        free(what);
        call->patch = NULL;
        call->edit = NULL;
        cni_call_answer(cs, call, error, NULL);
        cni_error_destroy(error);
        return;
    }

    struct cni_error *error = del_detach(cs, call);
    const char *patch_error = pod_patch_error(call->patch);
    if (patch_error && !pod_patch_pod_gone(call->patch)) {
        /* Not the runtime's problem: the VF is back (or the error says
         * why not).  The removal goes on in the background. */
        char *what = xasprintf("DEL pod %s sandbox %s/%s", call->pod_key,
                               call->req.container_id, call->req.ifname);
        VLOG_WARN("%s: removing the connection details failed, retrying "
                  "in the background: %s", what, patch_error);
        cni_bg_patch_add(cs, what, call->req.pod_namespace,
                         call->req.pod_name, NULL, NULL, call->edit);
        call->edit = NULL;
        free(what);
    }
    cni_call_answer(cs, call, error, NULL);
    cni_error_destroy(error);
}

/* Starts the DEL in 'call', which is then in flight: the VF goes back to
 * the host at once if we know which it is, and the connection details are
 * removed next (cni_del_run()). */
void
cni_del_start(struct cni_calls *cs, struct cni_call *call)
{
    const struct cni_request *req = &call->req;

    /* An ADD of the same sandbox that is still waiting gives up: the
     * runtime has given up on it. */
    struct cni_call *add = cni_calls_find_in_flight(cs, req, call);
    if (add && add->req.command == CNI_ADD && !add->cancel) {
        add->cancel = xstrdup("interrupted by DEL of the same sandbox");
    }

    /* When we know which VF it is, it goes back before anything else:
     * that needs neither the API server nor the DPU. */
    struct vf_attachment *a = vf_attachments_find(&cs->attachments,
                                                  req->container_id,
                                                  req->ifname);
    struct cni_error *early = NULL;
    if (del_host_name(cs, call, a)) {
        early = del_detach(cs, call);
    }

    call->edit = cni_pod_edit_create(cs->settings.node, req->nad,
                                     req->container_id);
    call->deadline = time_msec() + DEL_API_TIMEOUT;
    call->patch = pod_patch_start(cs->settings.k8s, req->pod_namespace,
                                  req->pod_name, NULL,
                                  cni_pod_remove_details, call->edit);
    call->state = CALL_DEL_PATCH;
    if (early) {
        /* cni_del_run() tries again once the details are removed, and
         * reports the error if it fails again. */
        VLOG_WARN("DEL sandbox %s/%s: %s", req->container_id, req->ifname,
                  early->msg);
        cni_error_destroy(early);
    }
}

/* GC. */

static bool
is_valid_attachment(const struct cni_request *req,
                    const struct vf_attachment *a)
{
    for (size_t i = 0; i < req->n_valid_attachments; i++) {
        const struct cni_attachment *v = &req->valid_attachments[i];
        if (!strcmp(v->container_id, a->container_id)
            && !strcmp(v->ifname, a->cfg.ifname)) {
            return true;
        }
    }
    return false;
}

void
cni_gc_serve(struct cni_calls *cs, const struct cni_request *req)
{
    struct vf_attachment *a;

    HMAP_FOR_EACH_SAFE (a, node, &cs->attachments.map) {
        if (is_valid_attachment(req, a) || strcmp(a->nad, req->nad)) {
            continue;
        }

        VLOG_INFO("GC: sandbox %s/%s of pod %s/%s is no longer valid",
                  a->container_id, a->cfg.ifname, a->pod_namespace,
                  a->pod_name);
        const char *what;
        char *why = vf_netns_detach(a->cfg.netns, a->cfg.ifname,
                                    a->cfg.host_name, &a->saved, &what);
        if (why) {
            VLOG_WARN("GC: sandbox %s/%s: %s", a->container_id,
                      a->cfg.ifname, why);
            free(why);
            continue;
        }

        /* The removal of the connection details goes on in the
         * background; its outcome is logged. */
        struct cni_pod_edit *edit = cni_pod_edit_create(cs->settings.node,
                                                        a->nad,
                                                        a->container_id);
        struct pod_patch *patch = pod_patch_start(
            cs->settings.k8s, a->pod_namespace, a->pod_name, NULL,
            cni_pod_remove_details, edit);
        char *desc = xasprintf("GC: pod %s/%s", a->pod_namespace,
                               a->pod_name);
        cni_bg_patch_add(cs, desc, a->pod_namespace, a->pod_name, NULL, patch,
                         edit);
        free(desc);
        vf_attachments_remove(&cs->attachments, a);
    }
}
