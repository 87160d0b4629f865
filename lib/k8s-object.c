/*
 * Reading Kubernetes objects, and the API paths that name them.  See
 * k8s-object.h.
 */

#include <config.h>

#include "k8s-object.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "util.h"

const char *
k8s_json_string(const cJSON *object, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, name);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

const char *
k8s_object_metadata(const cJSON *object, const char *field)
{
    return k8s_json_string(cJSON_GetObjectItemCaseSensitive(object,
                                                            "metadata"),
                           field);
}

const char *
k8s_object_annotation(const cJSON *object, const char *key)
{
    const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(object,
                                                             "metadata");
    return k8s_json_string(cJSON_GetObjectItemCaseSensitive(metadata,
                                                            "annotations"),
                           key);
}

/* Like k8s_object_metadata(), but NULL for an empty string too. */
static const char *
metadata_nonempty(const cJSON *object, const char *field)
{
    const char *value = k8s_object_metadata(object, field);
    return value && value[0] ? value : NULL;
}

char *
k8s_object_key(const cJSON *object)
{
    const char *name = metadata_nonempty(object, "name");
    const char *ns = metadata_nonempty(object, "namespace");

    if (!name) {
        return NULL;
    }
    return ns ? xasprintf("%s/%s", ns, name) : xstrdup(name);
}

const char *
k8s_object_resource_version(const cJSON *object)
{
    return metadata_nonempty(object, "resourceVersion");
}

cJSON *
k8s_node_owner_references(const char *node, const char *node_uid)
{
    cJSON *refs = cJSON_CreateArray();
    cJSON *ref = cJSON_CreateObject();

    cJSON_AddStringToObject(ref, "apiVersion", "v1");
    cJSON_AddStringToObject(ref, "kind", "Node");
    cJSON_AddStringToObject(ref, "name", node);
    cJSON_AddStringToObject(ref, "uid", node_uid);
    cJSON_AddBoolToObject(ref, "controller", true);
    cJSON_AddBoolToObject(ref, "blockOwnerDeletion", false);
    cJSON_AddItemToArray(refs, ref);
    return refs;
}

cJSON *
k8s_annotations_patch_create(cJSON **annotationsp)
{
    cJSON *patch = cJSON_CreateObject();
    *annotationsp = cJSON_AddObjectToObject(
        cJSON_AddObjectToObject(patch, "metadata"), "annotations");
    return patch;
}

char *
k8s_pod_path(const char *namespace, const char *name)
{
    return xasprintf("/api/v1/namespaces/%s/pods/%s", namespace, name);
}

char *
k8s_pod_path_from_key(const char *key)
{
    const char *slash = strchr(key, '/');
    ovs_assert(slash);
    return xasprintf("/api/v1/namespaces/%.*s/pods/%s",
                     (int) (slash - key), key, slash + 1);
}

char *
k8s_node_path(const char *name)
{
    return xasprintf("/api/v1/nodes/%s", name);
}

char *
k8s_leases_path(const char *namespace)
{
    return xasprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases",
                     namespace);
}

char *
k8s_lease_path(const char *namespace, const char *name)
{
    return xasprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s",
                     namespace, name);
}

char *
k8s_secrets_path(const char *namespace)
{
    return xasprintf("/api/v1/namespaces/%s/secrets", namespace);
}

char *
k8s_secret_path(const char *namespace, const char *name)
{
    return xasprintf("/api/v1/namespaces/%s/secrets/%s", namespace, name);
}
