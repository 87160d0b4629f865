/*
 * Removals of a sandbox's connection details that nobody waits for: GC's,
 * DEL's when the API server is slow, and any removal (DEL's, or a failed
 * ADD's) that failed for another reason than the pod being gone.  Each is
 * tried again, with a growing delay, until it succeeds or the pod is gone:
 * left on the pod, the details would keep the VF's representor bound on
 * the DPU for a sandbox that no longer exists.  Outcomes are logged.
 */

#ifndef CNI_BG_PATCH_H
#define CNI_BG_PATCH_H 1

struct cni_calls;
struct cni_pod_edit;
struct cni_request;
struct pod_patch;

/* Adds a background removal of 'edit' from pod 'pod_namespace'/'pod_name'
 * (whose uid must be 'pod_uid', if nonnull), described as 'what' in the
 * log.  Takes ownership of 'edit' and of 'patch', a removal already
 * started, or NULL to start one after the first retry delay. */
void cni_bg_patch_add(struct cni_calls *, const char *what,
                      const char *pod_namespace, const char *pod_name,
                      const char *pod_uid, struct pod_patch *patch,
                      struct cni_pod_edit *edit);

/* Gives up the removals of the connection details of the sandbox of
 * 'req', which a new ADD of it is about to write anew. */
void cni_bg_patches_cancel(struct cni_calls *, const struct cni_request *req);

void cni_bg_patches_run(struct cni_calls *);
void cni_bg_patches_wait(const struct cni_calls *);
void cni_bg_patches_destroy(struct cni_calls *);

#endif /* cni-bg-patch.h */
