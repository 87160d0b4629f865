/*
 * The DPU health Lease as a Kubernetes object.  See dpu-lease-object.h.
 */

#include <config.h>

#include "dpu-lease-object.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "dpu-lease.h"
#include "k8s-object.h"
#include "util.h"

/* Sets 'object''s member 'name' to 'value'.  If 'object' has more than one
 * member 'name', replaces the first, which is the one that every reader
 * here (cJSON_GetObjectItemCaseSensitive()) sees. */
static void
set_member(cJSON *object, const char *name, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(object, name)) {
        cJSON_ReplaceItemInObjectCaseSensitive(object, name, value);
    } else {
        cJSON_AddItemToObject(object, name, value);
    }
}

/* Returns 'object''s member 'name', replacing whatever was there by a new
 * empty object if it is not an object. */
static cJSON *
get_or_add_object(cJSON *object, const char *name)
{
    cJSON *member = cJSON_GetObjectItemCaseSensitive(object, name);

    if (!cJSON_IsObject(member)) {
        member = cJSON_CreateObject();
        set_member(object, name, member);
    }
    return member;
}

cJSON *
dpu_lease_object_new(const char *name, const char *namespace,
                     const char *node, const char *node_uid, int duration,
                     const char *renew_time)
{
    cJSON *lease = cJSON_CreateObject();
    cJSON_AddStringToObject(lease, "apiVersion", "coordination.k8s.io/v1");
    cJSON_AddStringToObject(lease, "kind", "Lease");

    cJSON *metadata = cJSON_AddObjectToObject(lease, "metadata");
    cJSON_AddStringToObject(metadata, "name", name);
    cJSON_AddStringToObject(metadata, "namespace", namespace);
    cJSON_AddItemToObject(metadata, "ownerReferences",
                          k8s_node_owner_references(node, node_uid));

    cJSON *spec = cJSON_AddObjectToObject(lease, "spec");
    cJSON_AddStringToObject(spec, "holderIdentity", DPU_LEASE_HOLDER);
    cJSON_AddNumberToObject(spec, "leaseDurationSeconds", duration);
    if (renew_time) {
        cJSON_AddStringToObject(spec, "acquireTime", renew_time);
        cJSON_AddStringToObject(spec, "renewTime", renew_time);
    }
    return lease;
}

void
dpu_lease_object_renew(cJSON *lease, int duration, const char *renew_time)
{
    cJSON *spec = get_or_add_object(lease, "spec");

    set_member(spec, "holderIdentity",
               cJSON_CreateString(DPU_LEASE_HOLDER));
    set_member(spec, "leaseDurationSeconds", cJSON_CreateNumber(duration));
    set_member(spec, "renewTime", cJSON_CreateString(renew_time));
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(spec,
                                                         "acquireTime"))) {
        set_member(spec, "acquireTime", cJSON_CreateString(renew_time));
    }
}

void
dpu_lease_object_observe(const cJSON *lease,
                         struct dpu_lease_observation *obs)
{
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(lease, "spec");
    const cJSON *renew = cJSON_GetObjectItemCaseSensitive(spec, "renewTime");
    const cJSON *duration = cJSON_GetObjectItemCaseSensitive(
        spec, "leaseDurationSeconds");
    const cJSON *holder = cJSON_GetObjectItemCaseSensitive(spec,
                                                           "holderIdentity");

    obs->renew_time = (cJSON_IsString(renew) && renew->valuestring[0]
                       ? renew->valuestring : NULL);
    obs->duration = (cJSON_IsNumber(duration) && duration->valuedouble >= 1
                     && duration->valuedouble <= 86400
                     ? duration->valueint : 0);
    obs->holder = cJSON_IsString(holder) ? holder->valuestring : NULL;
}

static bool
json_string_equals(const cJSON *object, const char *name, const char *value)
{
    const char *item = k8s_json_string(object, name);
    return item && !strcmp(item, value);
}

static bool
owner_references_ok(const cJSON *lease, const char *node,
                    const char *node_uid)
{
    const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(lease,
                                                             "metadata");
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(metadata,
                                                         "ownerReferences");
    if (!cJSON_IsArray(refs) || cJSON_GetArraySize(refs) != 1) {
        return false;
    }

    const cJSON *ref = cJSON_GetArrayItem(refs, 0);
    const cJSON *bod = cJSON_GetObjectItemCaseSensitive(ref,
                                                        "blockOwnerDeletion");
    return (json_string_equals(ref, "apiVersion", "v1")
            && json_string_equals(ref, "kind", "Node")
            && json_string_equals(ref, "name", node)
            && json_string_equals(ref, "uid", node_uid)
            && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref,
                                                             "controller"))
            && (!bod || cJSON_IsFalse(bod)));
}

cJSON *
dpu_lease_object_repair_patch(const cJSON *lease, const char *node,
                              const char *node_uid)
{
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(lease, "spec");
    bool owner_ok = owner_references_ok(lease, node, node_uid);
    bool holder_ok = json_string_equals(spec, "holderIdentity",
                                        DPU_LEASE_HOLDER);

    if (owner_ok && holder_ok) {
        return NULL;
    }

    /* A merge patch replaces a list as a whole, which is what we want. */
    cJSON *patch = cJSON_CreateObject();
    if (!owner_ok) {
        cJSON *metadata = cJSON_AddObjectToObject(patch, "metadata");
        cJSON_AddItemToObject(metadata, "ownerReferences",
                              k8s_node_owner_references(node, node_uid));
    }
    if (!holder_ok) {
        cJSON *patch_spec = cJSON_AddObjectToObject(patch, "spec");
        cJSON_AddStringToObject(patch_spec, "holderIdentity",
                                DPU_LEASE_HOLDER);
    }
    return patch;
}
