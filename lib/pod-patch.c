/*
 * Read-modify-write of one pod's annotations.  See pod-patch.h.
 */

#include <config.h>

#include "pod-patch.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "k8s-client.h"
#include "k8s-object.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(pod_patch);

/* Attempts before giving up on a pod that others keep writing. */
#define MAX_ATTEMPTS 10

enum pod_patch_state {
    PP_GET,                     /* Reading the pod. */
    PP_PATCH,                   /* Writing the patch. */
    PP_DONE,
};

struct pod_patch {
    struct k8s_client *client;
    char *path;                 /* /api/v1/namespaces/NS/pods/NAME. */
    char *desc;                 /* "pod NS/NAME", for messages. */
    char *uid;                  /* Expected uid, or NULL. */
    pod_patch_func *func;
    void *aux;

    enum pod_patch_state state;
    struct k8s_request *request;
    int attempts;

    /* Outcome. */
    char *error;
    bool gone;
    cJSON *pod;
};

static void pod_patch_get(struct pod_patch *);
static void pod_patch_got(struct pod_patch *, cJSON *pod);

struct pod_patch *
pod_patch_start(struct k8s_client *client, const char *namespace,
                const char *name, const char *uid, pod_patch_func *func,
                void *aux)
{
    struct pod_patch *pp = xzalloc(sizeof *pp);

    pp->client = client;
    pp->path = k8s_pod_path(namespace, name);
    pp->desc = xasprintf("pod %s/%s", namespace, name);
    pp->uid = nullable_xstrdup(uid);
    pp->func = func;
    pp->aux = aux;
    pod_patch_get(pp);
    return pp;
}

struct pod_patch *
pod_patch_start_from(struct k8s_client *client, const cJSON *pod,
                     const char *uid, pod_patch_func *func, void *aux)
{
    const char *namespace = k8s_object_metadata(pod, "namespace");
    const char *name = k8s_object_metadata(pod, "name");
    struct pod_patch *pp = xzalloc(sizeof *pp);

    pp->client = client;
    pp->path = k8s_pod_path(namespace ? namespace : "", name ? name : "");
    pp->desc = xasprintf("pod %s/%s", namespace ? namespace : "?",
                         name ? name : "?");
    pp->uid = nullable_xstrdup(uid);
    pp->func = func;
    pp->aux = aux;
    pp->attempts = 1;
    pod_patch_got(pp, cJSON_Duplicate(pod, true));
    return pp;
}

void
pod_patch_destroy(struct pod_patch *pp)
{
    if (pp) {
        k8s_request_destroy(pp->request);
        free(pp->path);
        free(pp->desc);
        free(pp->uid);
        free(pp->error);
        cJSON_Delete(pp->pod);
        free(pp);
    }
}

static void
pod_patch_finish(struct pod_patch *pp, char *error, cJSON *pod)
{
    k8s_request_destroy(pp->request);
    pp->request = NULL;
    pp->state = PP_DONE;
    pp->error = error;
    cJSON_Delete(pp->pod);
    pp->pod = pod;
}

static void
pod_patch_get(struct pod_patch *pp)
{
    k8s_request_destroy(pp->request);
    pp->attempts++;
    pp->state = PP_GET;
    pp->request = k8s_request_get(pp->client, pp->path);
}

/* The pod has been read: computes the patch and sends it. */
static void
pod_patch_got(struct pod_patch *pp, cJSON *pod)
{
    const char *uid = k8s_object_metadata(pod, "uid");
    const char *rv = k8s_object_metadata(pod, "resourceVersion");

    if (pp->uid && (!uid || strcmp(uid, pp->uid))) {
        pp->gone = true;
        pod_patch_finish(pp, xasprintf("%s was deleted (it now has uid %s, "
                                       "not %s)", pp->desc,
                                       uid ? uid : "(none)", pp->uid),
                         NULL);
        cJSON_Delete(pod);
        return;
    } else if (!rv) {
        pod_patch_finish(pp, xasprintf("%s has no resourceVersion",
                                       pp->desc), NULL);
        cJSON_Delete(pod);
        return;
    }

    cJSON *annotations = NULL;
    char *error = pp->func(pod, pp->aux, &annotations);
    if (error || !annotations) {
        cJSON_Delete(annotations);
        pod_patch_finish(pp, error, error ? NULL : pod);
        if (error) {
            cJSON_Delete(pod);
        }
        return;
    }

    cJSON *patch = cJSON_CreateObject();
    cJSON *metadata = cJSON_AddObjectToObject(patch, "metadata");
    cJSON_AddStringToObject(metadata, "resourceVersion", rv);
    cJSON_AddItemToObject(metadata, "annotations", annotations);
    if (VLOG_IS_DBG_ENABLED()) {
        char *text = cJSON_PrintUnformatted(patch);
        VLOG_DBG("%s: merge patch %s", pp->desc, text);
        cJSON_free(text);
    }

    k8s_request_destroy(pp->request);
    pp->state = PP_PATCH;
    pp->request = k8s_request_merge_patch(pp->client, pp->path, patch);
    cJSON_Delete(patch);
    cJSON_Delete(pod);
}

void
pod_patch_run(struct pod_patch *pp)
{
    if (pp->state == PP_DONE || !k8s_request_is_done(pp->request)) {
        return;
    }

    const struct k8s_result *r = k8s_request_result(pp->request);
    if (k8s_result_is_not_found(r)) {
        pp->gone = true;
        pod_patch_finish(pp, xasprintf("%s not found", pp->desc), NULL);
    } else if (pp->state == PP_PATCH && k8s_result_is_conflict(r)
               && pp->attempts < MAX_ATTEMPTS) {
        VLOG_DBG("%s: changed while we updated it, trying again", pp->desc);
        pod_patch_get(pp);
    } else if (!k8s_result_ok(r)) {
        pod_patch_finish(pp, xstrdup(r->error), NULL);
    } else {
        cJSON *pod = k8s_request_steal_body(pp->request);
        if (!cJSON_IsObject(pod)) {
            cJSON_Delete(pod);
            pod_patch_finish(pp, xasprintf("%s: the API server returned no "
                                           "pod", pp->desc), NULL);
        } else if (pp->state == PP_GET) {
            pod_patch_got(pp, pod);
        } else {
            pod_patch_finish(pp, NULL, pod);
        }
    }
}

void
pod_patch_wait(const struct pod_patch *pp)
{
    if (pp->state != PP_DONE) {
        k8s_request_wait(pp->request);
    }
}

bool
pod_patch_is_done(const struct pod_patch *pp)
{
    return pp->state == PP_DONE;
}

const char *
pod_patch_error(const struct pod_patch *pp)
{
    return pp->error;
}

bool
pod_patch_pod_gone(const struct pod_patch *pp)
{
    return pp->gone;
}

const struct cJSON *
pod_patch_pod(const struct pod_patch *pp)
{
    return pp->pod;
}
