/*
 * Reading Kubernetes objects, and the API paths that name them.
 *
 * Objects arrive from the API server as cJSON trees (k8s-client.h,
 * k8s-watch.h).  These functions read the few things every module needs
 * from them, without copying: a string member, metadata fields,
 * annotations, the "namespace/name" key.  Each returns NULL for anything
 * that is absent or not a string, so callers need no checks of their own
 * before they validate the value.
 *
 * The paths are those of the core and coordination APIs that ovn-dpu
 * uses; each returns a string the caller must free().  Names are put in
 * as they are: callers pass names the API server gave them or that were
 * checked (k8s-names.h).
 */

#ifndef K8S_OBJECT_H
#define K8S_OBJECT_H 1

struct cJSON;

/* String member 'name' of 'object' (which may be NULL or not an object),
 * or NULL. */
const char *k8s_json_string(const struct cJSON *object, const char *name);

/* String field 'field' of the object's "metadata" ("uid", "name",
 * "resourceVersion", "deletionTimestamp", ...), or NULL. */
const char *k8s_object_metadata(const struct cJSON *object,
                                const char *field);

/* Annotation 'key' of the object, or NULL. */
const char *k8s_object_annotation(const struct cJSON *object,
                                  const char *key);

/* "namespace/name" for a namespaced object, "name" for a cluster-scoped
 * one, or NULL if it has no (nonempty) name.  The caller frees it. */
char *k8s_object_key(const struct cJSON *object);

/* metadata.resourceVersion, or NULL if it is missing or empty. */
const char *k8s_object_resource_version(const struct cJSON *object);

/* A merge patch that sets annotations: returns {"metadata":
 * {"annotations": {}}} and stores its empty annotations object in
 * '*annotationsp', for the caller to fill (a null member deletes the
 * annotation).  The caller deletes the patch with cJSON_Delete(). */
struct cJSON *k8s_annotations_patch_create(struct cJSON **annotationsp);

/* A new "ownerReferences" array that makes Node 'node' (uid 'node_uid')
 * the object's controller, so that the garbage collector deletes the
 * object with the Node.  The caller adds it to the object's metadata. */
struct cJSON *k8s_node_owner_references(const char *node,
                                        const char *node_uid);

/* API paths. */
#define K8S_PODS_PATH "/api/v1/pods"    /* Pods of every namespace. */
char *k8s_pod_path(const char *namespace, const char *name);
char *k8s_pod_path_from_key(const char *key);   /* "namespace/name". */
char *k8s_node_path(const char *name);
char *k8s_leases_path(const char *namespace);
char *k8s_lease_path(const char *namespace, const char *name);
char *k8s_secrets_path(const char *namespace);
char *k8s_secret_path(const char *namespace, const char *name);

#endif /* k8s-object.h */
