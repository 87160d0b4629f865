/*
 * libFuzzer target for Kubernetes API response bodies (lib/k8s-response.c,
 * and what the agents read from the objects: lib/k8s-object.c's keys,
 * lib/dpu-lease-object.c's Lease reader).
 *
 * The first byte of the input selects the HTTP status: even, a success
 * (200 + byte / 2 % 8), whose body goes to k8s_parse_body(); odd, an error
 * (400 + byte / 2 % 128), whose body goes to k8s_parse_status().  The rest
 * is the body, in a buffer of exactly its size.
 *
 * A body that parses is then read as a Kubernetes object: its key,
 * resourceVersion and uid, each checked against the metadata it came
 * from; and as the DPU health Lease: observed (a renewTime that parses
 * must round-trip), repaired and renewed, after which observing it again
 * must see the renewal.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpu-lease-object.h"
#include "dpu-lease.h"
#include "fuzz.h"
#include "k8s-object.h"
#include "k8s-response.h"
#include "micro-time.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* The key of 'object' is "namespace/name" of its nonempty metadata
 * strings, or "name" alone, or NULL without a name. */
static void
check_key(const cJSON *object)
{
    const char *name = k8s_object_metadata(object, "name");
    const char *ns = k8s_object_metadata(object, "namespace");
    char *key = k8s_object_key(object);

    if (!name || !name[0]) {
        ovs_assert(!key);
    } else if (ns && ns[0]) {
        ovs_assert(key && !strncmp(key, ns, strlen(ns))
                   && key[strlen(ns)] == '/'
                   && !strcmp(key + strlen(ns) + 1, name));
    } else {
        ovs_assert(key && !strcmp(key, name));
    }
    free(key);
}

static void
read_object(cJSON *object)
{
    check_key(object);
    const char *rv = k8s_object_resource_version(object);
    const char *rv_field = k8s_object_metadata(object, "resourceVersion");
    ovs_assert(rv ? rv == rv_field && rv[0] : !rv_field || !rv_field[0]);
    const char *uid = k8s_object_metadata(object, "uid");
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(object, "metadata");
    const cJSON *uid_item = cJSON_GetObjectItemCaseSensitive(md, "uid");
    ovs_assert(uid ? uid == uid_item->valuestring : !cJSON_IsString(uid_item));

    struct dpu_lease_observation obs;
    long long int usec;
    memset(&obs, 0, sizeof obs);
    dpu_lease_object_observe(object, &obs);
    ovs_assert(obs.duration >= 0 && obs.duration <= 86400);
    if (obs.renew_time && micro_time_parse(obs.renew_time, &usec)) {
        /* What parses formats to a canonical MicroTime that parses back to
         * the same instant. */
        struct ds s = DS_EMPTY_INITIALIZER;
        long long int usec2;
        micro_time_format(usec, &s);
        ovs_assert(s.length == 27 && ds_cstr(&s)[26] == 'Z');
        ovs_assert(micro_time_parse(ds_cstr(&s), &usec2) && usec2 == usec);
        ds_destroy(&s);
    }

    cJSON *patch = dpu_lease_object_repair_patch(object, "node", "uid");
    cJSON_Delete(patch);

    /* A Lease renewed by us says so, whatever it said before.  The reader
     * only looks at objects. */
    if (cJSON_IsObject(object)) {
        static const char renew_time[] = "2026-11-25T10:00:00.123456Z";

        dpu_lease_object_renew(object, 40, renew_time);
        memset(&obs, 0, sizeof obs);
        dpu_lease_object_observe(object, &obs);
        ovs_assert(obs.duration == 40);
        ovs_assert(obs.renew_time && !strcmp(obs.renew_time, renew_time));
        ovs_assert(obs.holder && !strcmp(obs.holder, DPU_LEASE_HOLDER));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }

    int selector = data[0];
    size_t length = size - 1;
    char *body = xmemdup(data + 1, length);
    struct ds msg = DS_EMPTY_INITIALIZER;

    if (selector % 2 == 0) {
        int http_status = 200 + selector / 2 % 8;
        cJSON *json = k8s_parse_body(body, length, http_status, &msg);

        /* Either a JSON value or a reason why not, never both. */
        ovs_assert(!json == !!msg.length);
        if (json) {
            read_object(json);
            cJSON_Delete(json);
        }
    } else {
        int http_status = 400 + selector / 2 % 128;
        char *reason = k8s_parse_status(http_status, body, length, &msg);
        char prefix[16];

        snprintf(prefix, sizeof prefix, "HTTP %d", http_status);
        ovs_assert(!strncmp(ds_cstr(&msg), prefix, strlen(prefix)));
        ovs_assert(!reason || (reason[0] && strstr(ds_cstr(&msg), reason)));
        free(reason);
    }

    ds_destroy(&msg);
    free(body);
    return 0;
}
