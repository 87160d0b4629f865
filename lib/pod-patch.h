/*
 * Read-modify-write of one pod's annotations, safe against concurrent
 * writers, on the poll loop.
 *
 * Several annotations hold one JSON map per pod whose entries different
 * requests own (e.g. one entry per network in
 * k8s.ovn.org/dpu.connection-details), so changing an entry means reading
 * the annotation, editing it and writing it back.  A "struct pod_patch"
 * does that with the API server's optimistic concurrency: it GETs the pod,
 * asks its caller's function what the annotations should become, and sends
 * a JSON merge patch that carries the resourceVersion it read, so that the
 * server refuses it (409 Conflict) if anyone wrote the pod in between; then
 * it reads again and retries.  Annotations it does not mention are never
 * touched, and no full pod object is ever written back.
 *
 * The caller polls pod_patch_is_done() from its run function and calls
 * pod_patch_wait() from its wait function.
 */

#ifndef POD_PATCH_H
#define POD_PATCH_H 1

#include <stdbool.h>

struct cJSON;
struct k8s_client;

/* Given the current 'pod', sets '*annotationsp' to the "annotations" part
 * of a merge patch (each member a string to set or null to remove), or to
 * NULL if nothing needs to change.  Returns NULL, or an error message (to
 * be freed by pod_patch) that ends the update without writing anything.
 * Called once per attempt. */
typedef char *pod_patch_func(const struct cJSON *pod, void *aux,
                             struct cJSON **annotationsp);

/* Starts updating pod 'namespace'/'name'.  If 'uid' is nonnull, a pod with
 * another uid (the pod was deleted and created again) counts as gone.
 * 'aux' must live until the update is done or destroyed. */
struct pod_patch *pod_patch_start(struct k8s_client *,
                                  const char *namespace, const char *name,
                                  const char *uid, pod_patch_func *,
                                  void *aux);
/* Like pod_patch_start(), but the first attempt computes the patch from
 * 'pod' (a version of the pod the caller already has, e.g. from a watch;
 * copied) instead of reading the pod first: one request fewer when that
 * version is still the latest, and a 409 and a fresh read when it is
 * not. */
struct pod_patch *pod_patch_start_from(struct k8s_client *,
                                       const struct cJSON *pod,
                                       const char *uid, pod_patch_func *,
                                       void *aux);
void pod_patch_destroy(struct pod_patch *);

void pod_patch_run(struct pod_patch *);
void pod_patch_wait(const struct pod_patch *);
bool pod_patch_is_done(const struct pod_patch *);

/* Once done: NULL if it succeeded (or there was nothing to change),
 * otherwise why not. */
const char *pod_patch_error(const struct pod_patch *);

/* Once done: true if the pod does not exist (or has another uid);
 * pod_patch_error() then says so too. */
bool pod_patch_pod_gone(const struct pod_patch *);

/* Once done successfully: the pod as the server returned it after the
 * patch, or as read if nothing needed to change. */
const struct cJSON *pod_patch_pod(const struct pod_patch *);

#endif /* pod-patch.h */
