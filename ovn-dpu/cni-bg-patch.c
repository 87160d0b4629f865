/*
 * Removals of connection details that nobody waits for, retried in the
 * background.  See cni-bg-patch.h.
 */

#include <config.h>

#include "cni-bg-patch.h"

#include <stdlib.h>
#include <string.h>

#include "cni-call.h"
#include "cni-pod.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "pod-patch.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(cni_bg_patch);

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
 * read.  A removal keyed by an indexed NAD key ("<nad>/<n>") is given up
 * for an ADD of any attachment of that NAD: better an entry left over
 * than the new one removed. */
static bool
same_nad(const char *key, const char *nad)
{
    char *key_nad = pod_ann_nad_of_key(key);
    bool same = !strcmp(key_nad, nad);
    free(key_nad);
    return same;
}

void
cni_bg_patches_cancel(struct cni_calls *cs, const struct cni_request *req)
{
    struct bg_patch *bg;

    LIST_FOR_EACH_SAFE (bg, node, &cs->bg_patches) {
        if (!strcmp(bg->pod_namespace, req->pod_namespace)
            && !strcmp(bg->pod_name, req->pod_name)
            && same_nad(bg->edit->nad, req->nad)
            && bg->edit->details.sandbox_id
            && !strcmp(bg->edit->details.sandbox_id, req->container_id)) {
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
