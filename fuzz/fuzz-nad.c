/*
 * libFuzzer target for NetworkAttachmentDefinitions
 * (vswitchd-ext/net-attach-def.c): whoever may create a NAD in any
 * namespace writes its spec.config, which ovn-dpu-controller reads to
 * decide whether the NAD is an OVN-Kubernetes secondary network.
 *
 * The first byte of the input selects what the rest is (modulo 2):
 *
 *   0  the spec.config text of NAD "ns/nad"
 *   1  a whole NAD object, as JSON text (malformed objects too)
 *
 * Checks that the verdict is one of the three with exactly the fields
 * that go with it: a network name (not empty, not "default") for an
 * OVN-Kubernetes network, nothing for another CNI's NAD, and an error
 * that names the NAD for a malformed one; and that reading the same NAD
 * again gives the same verdict.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "net-attach-def.h"
#include "util.h"

#define KEY "ns/nad"

static void
check(const cJSON *object)
{
    struct nad_info info, again;

    nad_info_parse(object, KEY, &info);
    switch (info.kind) {
    case NAD_OVN:
        ovs_assert(info.network && info.network[0]);
        ovs_assert(strcmp(info.network, "default"));
        ovs_assert(!info.error);
        break;
    case NAD_NOT_OVN:
        ovs_assert(!info.network && !info.error);
        break;
    case NAD_ERROR:
        ovs_assert(!info.network && info.error);
        ovs_assert(!strncmp(info.error, "NetworkAttachmentDefinition "
                            KEY ": ", strlen("NetworkAttachmentDefinition "
                                             KEY ": ")));
        break;
    default:
        OVS_NOT_REACHED();
    }

    nad_info_parse(object, KEY, &again);
    ovs_assert(again.kind == info.kind);
    ovs_assert(nullable_string_is_equal(again.network, info.network));
    ovs_assert(nullable_string_is_equal(again.error, info.error));
    nad_info_destroy(&again);
    nad_info_destroy(&info);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }

    char *text = xmemdup0((const char *) data + 1, size - 1);
    cJSON *object;

    if (data[0] % 2 == 0) {
        object = cJSON_CreateObject();
        cJSON *metadata = cJSON_AddObjectToObject(object, "metadata");
        cJSON_AddStringToObject(metadata, "namespace", "ns");
        cJSON_AddStringToObject(metadata, "name", "nad");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(object, "spec"),
                                "config", text);
    } else {
        object = cJSON_Parse(text);
    }
    check(object);
    cJSON_Delete(object);
    free(text);
    return 0;
}
