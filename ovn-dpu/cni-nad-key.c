/*
 * The NAD key of a CNI request.  See cni-nad-key.h.
 *
 * k8s.v1.cni.cncf.io/networks is either a JSON list of network selection
 * elements, {"name": ..., "namespace": ..., "interface": ...} (member names
 * matched regardless of case, as Go's encoding/json does), or a
 * comma-separated list of "[<namespace>/]<name>[@<interface>]", each part
 * a DNS-1123 label.  A missing namespace is the pod's.
 */

#include <config.h>

#include "cni-nad-key.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "k8s-names.h"
#include "k8s-object.h"
#include "openvswitch/dynamic-string.h"
#include "pod-annotations.h"
#include "util.h"

/* One element of the annotation: the attachment's NAD and interface. */
struct selection {
    char *nad;                  /* "<namespace>/<name>". */
    char *ifname;               /* "interface", or NULL if not given. */
};

static void
selections_free(struct selection *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].nad);
        free(s[i].ifname);
    }
    free(s);
}

/* Returns a copy of 'p' (length 'len') without leading and trailing
 * white space. */
static char *
trimmed(const char *p, size_t len)
{
    while (len && isspace((unsigned char) *p)) {
        p++;
        len--;
    }
    while (len && isspace((unsigned char) p[len - 1])) {
        len--;
    }
    return xmemdup0(p, len);
}

/* Parses one "[<namespace>/]<name>[@<interface>]" of 'len' bytes at
 * 'item' into 's'. */
static char *
parse_text_item(const char *item, size_t len, const char *pod_ns,
                struct selection *s)
{
    char *copy = trimmed(item, len);
    char *ns = NULL, *name, *ifname = NULL;
    char *error = NULL;

    char *slash = strchr(copy, '/');
    if (slash && strchr(slash + 1, '/')) {
        error = xasprintf("\"%s\": more than one '/'", copy);
        goto out;
    }
    if (slash) {
        ns = trimmed(copy, slash - copy);
    }
    const char *rest = slash ? slash + 1 : copy;
    const char *at = strchr(rest, '@');
    if (at && strchr(at + 1, '@')) {
        error = xasprintf("\"%s\": more than one '@'", copy);
        goto out;
    }
    name = trimmed(rest, at ? at - rest : strlen(rest));
    if (at) {
        ifname = trimmed(at + 1, strlen(at + 1));
    }

    const char *parts[] = { ns, name, ifname };
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        if (parts[i] && parts[i][0] && !k8s_is_dns1123_label(parts[i])) {
            error = xasprintf("\"%s\": \"%s\" is not a DNS-1123 label",
                              copy, parts[i]);
            break;
        }
    }
    if (!error) {
        s->nad = xasprintf("%s/%s", ns && ns[0] ? ns : pod_ns, name);
        s->ifname = ifname && ifname[0] ? ifname : NULL;
        if (!s->ifname) {
            free(ifname);
        }
    } else {
        free(ifname);
    }
    free(name);

out:
    free(ns);
    free(copy);
    return error;
}

static char *
parse_text(const char *text, const char *pod_ns, struct selection **sp,
           size_t *np)
{
    for (const char *p = text; ; ) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? comma - p : strlen(p);
        *sp = xrealloc(*sp, (*np + 1) * sizeof **sp);
        char *error = parse_text_item(p, len, pod_ns, &(*sp)[*np]);
        if (error) {
            return error;
        }
        (*np)++;
        if (!comma) {
            return NULL;
        }
        p = comma + 1;
    }
}

/* Finds string member 'name' of element 'elem' (index 'i') into '*valuep',
 * NULL if absent, null or "". */
static char *
get_member(const cJSON *elem, int i, const char *name, const char **valuep)
{
    const cJSON *item;
    char *error = pod_ann_find_member(elem, name, &item);

    *valuep = NULL;
    if (error) {
        char *full = xasprintf("[%d]: %s", i, error);
        free(error);
        return full;
    }
    if (item && !cJSON_IsNull(item)) {
        if (!cJSON_IsString(item)) {
            return xasprintf("[%d]: %s: expected a string", i, name);
        }
        *valuep = item->valuestring[0] ? item->valuestring : NULL;
    }
    return NULL;
}

static char *
parse_json(const char *text, const char *pod_ns, struct selection **sp,
           size_t *np)
{
    cJSON *json = cJSON_Parse(text);
    char *error = NULL;

    if (!json || !cJSON_IsArray(json)) {
        cJSON_Delete(json);
        return xstrdup("not a JSON list of network selection elements");
    }

    int i = 0;
    for (const cJSON *elem = json->child; elem; elem = elem->next, i++) {
        const char *name, *ns, *ifname;
        if (!cJSON_IsObject(elem)) {
            error = xasprintf("[%d]: not an object", i);
        } else if (!(error = get_member(elem, i, "name", &name))
                   && !(error = get_member(elem, i, "namespace", &ns))
                   && !(error = get_member(elem, i, "interface", &ifname))
                   && !name) {
            error = xasprintf("[%d]: name: missing", i);
        }
        if (error) {
            break;
        }
        *sp = xrealloc(*sp, (*np + 1) * sizeof **sp);
        (*sp)[*np].nad = xasprintf("%s/%s", ns ? ns : pod_ns, name);
        (*sp)[(*np)++].ifname = nullable_xstrdup(ifname);
    }
    cJSON_Delete(json);
    return error;
}

char *
cni_nad_key(const cJSON *pod, const char *nad, const char *ifname,
            char **keyp)
{
    const char *text = k8s_object_annotation(pod, CNI_NAD_NETWORKS_ANN);
    const char *pod_ns = k8s_object_metadata(pod, "namespace");

    *keyp = NULL;
    if (!strcmp(nad, POD_ANN_DEFAULT_NAD) || !text || !text[0] || !pod_ns) {
        *keyp = xstrdup(nad);
        return NULL;
    }

    struct selection *s = NULL;
    size_t n = 0;
    char *error = (strpbrk(text, "[{\"")
                   ? parse_json(text, pod_ns, &s, &n)
                   : parse_text(text, pod_ns, &s, &n));
    if (error) {
        char *full = xasprintf("%s: %s", CNI_NAD_NETWORKS_ANN, error);
        free(error);
        selections_free(s, n);
        return full;
    }

    /* The attachments of 'nad', in order; the one of 'ifname' is ours. */
    int count = 0;
    for (size_t i = 0; i < n && !*keyp; i++) {
        if (strcmp(s[i].nad, nad)) {
            continue;
        }
        char *name = (s[i].ifname ? xstrdup(s[i].ifname)
                      : xasprintf("net%"PRIuSIZE, i + 1));
        if (!strcmp(name, ifname)) {
            *keyp = (count ? xasprintf("%s/%d", nad, count) : xstrdup(nad));
        }
        free(name);
        count++;
    }
    selections_free(s, n);

    if (!*keyp && !count) {
        *keyp = xstrdup(nad);
    } else if (!*keyp) {
        return xasprintf("%s: none of the %d attachments of network %s has "
                         "interface %s", CNI_NAD_NETWORKS_ANN, count, nad,
                         ifname);
    }
    return NULL;
}
