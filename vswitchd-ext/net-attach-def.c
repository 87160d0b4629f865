/*
 * Reading NetworkAttachmentDefinitions.  See net-attach-def.h.
 */

#include <config.h>

#include "net-attach-def.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "k8s-object.h"
#include "pod-annotations.h"
#include "util.h"

/* Classifies network configuration 'conf' of the NAD 'key': returns NULL
 * if it is an OVN-Kubernetes network, storing its name in '*network', or
 * if it is not one, storing NAD_NOT_OVN in '*kind'; otherwise an error. */
static char *
parse_config(const cJSON *conf, const char *key, enum nad_kind *kind,
             char **network)
{
    if (!cJSON_IsObject(conf)) {
        return xstrdup("not a JSON object");
    }

    const cJSON *plugin = conf;
    const cJSON *plugins = cJSON_GetObjectItemCaseSensitive(conf, "plugins");
    if (plugins) {
        if (!cJSON_IsArray(plugins) || !cJSON_GetArraySize(plugins)) {
            return xstrdup("\"plugins\" is not a non-empty array");
        }
        plugin = cJSON_GetArrayItem(plugins, 0);
        if (!cJSON_IsObject(plugin)) {
            return xstrdup("\"plugins\"[0] is not an object");
        }
    }

    const cJSON *type = cJSON_GetObjectItemCaseSensitive(plugin, "type");
    if (!cJSON_IsString(type)) {
        return xstrdup("no \"type\" string");
    }
    if (strcmp(type->valuestring, NAD_OVN_CNI_TYPE)) {
        *kind = NAD_NOT_OVN;
        return NULL;
    }
    if (plugins && cJSON_GetArraySize(plugins) > 1) {
        return xstrdup("a list of several plugins (chaining) is not "
                       "supported by " NAD_OVN_CNI_TYPE);
    }

    /* In a list, the network's name is the list's. */
    const char *name = k8s_json_string(conf, "name");
    if (!name || !name[0]) {
        return xstrdup("no \"name\" string");
    }
    if (!strcmp(name, POD_ANN_DEFAULT_NAD)) {
        return xasprintf("network name \"%s\" is the default network's",
                         name);
    }
    const char *nad_name = k8s_json_string(plugin, "netAttachDefName");
    if (!nad_name) {
        return xstrdup("no \"netAttachDefName\" string");
    }
    if (strcmp(nad_name, key)) {
        return xasprintf("\"netAttachDefName\" is \"%s\", not the NAD's "
                         "own \"%s\"", nad_name, key);
    }
    *kind = NAD_OVN;
    *network = xstrdup(name);
    return NULL;
}

void
nad_info_parse(const cJSON *object, const char *key, struct nad_info *info)
{
    memset(info, 0, sizeof *info);

    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(object, "spec");
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(spec, "config");
    char *error;

    if (!cJSON_IsString(config)) {
        error = xstrdup("no spec.config string");
    } else {
        const char *end = NULL;
        cJSON *conf = cJSON_ParseWithOpts(config->valuestring, &end, true);
        if (!conf) {
            error = xasprintf("spec.config: invalid JSON at offset %td",
                              (end ? end - config->valuestring
                               : (ptrdiff_t) 0));
        } else {
            char *why = parse_config(conf, key, &info->kind, &info->network);
            error = why ? xasprintf("spec.config: %s", why) : NULL;
            free(why);
            cJSON_Delete(conf);
        }
    }
    if (error) {
        info->kind = NAD_ERROR;
        info->error = xasprintf("NetworkAttachmentDefinition %s: %s",
                                key, error);
        free(error);
    }
}

void
nad_info_destroy(struct nad_info *info)
{
    if (info) {
        free(info->network);
        free(info->error);
        memset(info, 0, sizeof *info);
    }
}
