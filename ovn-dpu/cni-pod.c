/*
 * What CNI ADD and DEL read from and write to the pod.  See cni-pod.h.
 */

#include <config.h>

#include "cni-pod.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cni-nad-key.h"
#include "k8s-object.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "util.h"
#include "vf-netns.h"

VLOG_DEFINE_THIS_MODULE(cni_pod);

struct cni_pod_edit *
cni_pod_edit_create(const char *node, const char *nad, const char *ifname,
                    const char *sandbox)
{
    struct cni_pod_edit *edit = xzalloc(sizeof *edit);
    edit->node = node;
    edit->nad = xstrdup(nad);
    edit->ifname = nullable_xstrdup(ifname);
    edit->details.sandbox_id = xstrdup(sandbox);
    return edit;
}

void
cni_pod_edit_free(struct cni_pod_edit *edit)
{
    if (edit) {
        OPENSSL_cleanse(&edit->key, sizeof edit->key);
        free(CONST_CAST(char *, edit->nad));
        free(CONST_CAST(char *, edit->ifname));
        free(edit->nad_key);
        free(edit->details.sandbox_id);
        free(edit->details.vf_netdev_name);
        free(edit->details.auth);
        free(edit->vf_netdev_name);
        free(edit);
    }
}

/* Pod fields. */

static char *
pod_name(const cJSON *pod)
{
    const char *ns = k8s_object_metadata(pod, "namespace");
    const char *name = k8s_object_metadata(pod, "name");
    return xasprintf("pod %s/%s", ns ? ns : "?", name ? name : "?");
}

bool
cni_pod_is_deleting(const cJSON *pod)
{
    const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    return cJSON_GetObjectItemCaseSensitive(metadata,
                                            "deletionTimestamp") != NULL;
}

/* Connection details edits. */

/* Sets 'edit->nad_key' to the NAD key of 'edit' on 'pod'. */
static char *
edit_find_nad_key(const cJSON *pod, struct cni_pod_edit *edit)
{
    free(edit->nad_key);
    edit->nad_key = NULL;
    if (!edit->ifname) {
        edit->nad_key = xstrdup(edit->nad);
        return NULL;
    }
    return cni_nad_key(pod, edit->nad, edit->ifname, &edit->nad_key);
}

/* Adds to 'annotations' the edit of 'pod''s connection status that drops
 * the entry of NAD key 'key' ('name' is the pod's, for the log). */
static void
drop_status(const cJSON *pod, const char *name, const char *key,
            cJSON *annotations)
{
    const char *text = k8s_object_annotation(pod, POD_ANN_CONNECTION_STATUS);
    if (!text) {
        return;
    }

    struct shash statuses = SHASH_INITIALIZER(&statuses);
    char *bad = dpu_conn_status_parse(text, &statuses);
    if (bad) {
        VLOG_WARN("%s: removing malformed annotation (%s)", name, bad);
        free(bad);
        cJSON_AddNullToObject(annotations, POD_ANN_CONNECTION_STATUS);
    } else if (shash_find(&statuses, key)) {
        struct dpu_conn_status *s = shash_find_and_delete(&statuses, key);
        free(s->reason);
        free(s->sandbox_id);
        free(s);
        if (shash_is_empty(&statuses)) {
            cJSON_AddNullToObject(annotations, POD_ANN_CONNECTION_STATUS);
        } else {
            char *t = dpu_conn_status_format(&statuses);
            cJSON_AddStringToObject(annotations, POD_ANN_CONNECTION_STATUS,
                                    t);
            free(t);
        }
    }
    dpu_conn_status_clear(&statuses);
    shash_destroy(&statuses);
}

char *
cni_pod_put_details(const cJSON *pod, void *edit_, cJSON **annotationsp)
{
    struct cni_pod_edit *edit = edit_;
    char *name = pod_name(pod);
    char *error = NULL;

    *annotationsp = NULL;
    edit->changed = false;

    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    const char *node = k8s_json_string(spec, "nodeName");
    if (!node || strcmp(node, edit->node)) {
        error = xasprintf("%s is not scheduled on node %s (spec.nodeName "
                          "is %s)", name, edit->node, node ? node : "unset");
        goto out;
    } else if (cni_pod_is_deleting(pod)) {
        error = xasprintf("%s is being deleted", name);
        goto out;
    }
    char *why = edit_find_nad_key(pod, edit);
    if (why) {
        error = xasprintf("%s: %s", name, why);
        free(why);
        goto out;
    }

    /* Refuse pod-networks that we could not apply before the DPU side is
     * told anything. */
    const char *networks_text = k8s_object_annotation(pod,
                                                      POD_ANN_POD_NETWORKS);
    if (networks_text) {
        struct shash networks = SHASH_INITIALIZER(&networks);
        error = pod_networks_parse(networks_text, &networks);
        pod_networks_clear(&networks);
        shash_destroy(&networks);
        if (error) {
            char *full = xasprintf("%s: %s", name, error);
            free(error);
            error = full;
            goto out;
        }
    }

    struct shash details = SHASH_INITIALIZER(&details);
    const char *details_text = k8s_object_annotation(
        pod, POD_ANN_CONNECTION_DETAILS);
    if (details_text) {
        char *bad = dpu_conn_details_parse(details_text, POD_ANN_SIMULATED,
                                           &details);
        if (bad) {
            VLOG_WARN("%s: replacing malformed annotation (%s)", name, bad);
            free(bad);
        }
    }
    if (edit->sign) {
        /* For this pod: a copy of the entry on a pod of another uid does
         * not verify. */
        const char *uid = k8s_object_metadata(pod, "uid");
        struct conn_auth_fields fields = {
            .node = edit->node,
            .pod_uid = uid,
            .nad = edit->nad_key,
            .pf_id = edit->details.pf_id,
            .vf_id = edit->details.vf_id,
            .sandbox_id = edit->details.sandbox_id,
            .vf_netdev_name = edit->details.vf_netdev_name,
        };
        free(edit->details.auth);
        edit->details.auth = conn_auth_sign(&edit->key, &fields, edit->seq);
    }

    const struct dpu_conn_details *old = shash_find_data(&details,
                                                         edit->nad_key);
    bool same = old && dpu_conn_details_equal(old, &edit->details);
    cJSON *annotations = cJSON_CreateObject();
    if (!same) {
        dpu_conn_details_put(&details, edit->nad_key, &edit->details);
        char *text = dpu_conn_details_format(&details);
        cJSON_AddStringToObject(annotations, POD_ANN_CONNECTION_DETAILS,
                                text);
        free(text);

        /* A status left from an earlier sandbox of this pod must not be
         * taken for the DPU's answer to this one: drop this network's
         * entry in the same write.  (If our details were already there,
         * the status is about them and stays.) */
        drop_status(pod, name, edit->nad_key, annotations);
    }
    dpu_conn_details_clear(&details);
    shash_destroy(&details);

    if (cJSON_GetArraySize(annotations)) {
        edit->changed = true;
        *annotationsp = annotations;
    } else {
        cJSON_Delete(annotations);
    }

out:
    free(name);
    return error;
}

char *
cni_pod_remove_details(const cJSON *pod, void *edit_, cJSON **annotationsp)
{
    struct cni_pod_edit *edit = edit_;

    *annotationsp = NULL;
    edit->changed = false;

    const char *text = k8s_object_annotation(pod, POD_ANN_CONNECTION_DETAILS);
    if (!text) {
        return NULL;
    }
    char *why = edit_find_nad_key(pod, edit);
    if (why) {
        /* We cannot tell which entry is this attachment's. */
        char *name = pod_name(pod);
        VLOG_WARN("%s: leaving %s alone: %s", name,
                  POD_ANN_CONNECTION_DETAILS, why);
        free(name);
        free(why);
        return NULL;
    }

    struct shash details = SHASH_INITIALIZER(&details);
    char *bad = dpu_conn_details_parse(text, POD_ANN_SIMULATED, &details);
    if (bad) {
        /* We cannot tell whose it is: leave it to whoever wrote it. */
        char *name = pod_name(pod);
        VLOG_WARN("%s: leaving malformed annotation alone (%s)", name, bad);
        free(name);
        free(bad);
    }

    struct dpu_conn_details *d = shash_find_data(&details, edit->nad_key);
    if (d && !strcmp(d->sandbox_id, edit->details.sandbox_id)) {
        free(edit->vf_netdev_name);
        edit->vf_netdev_name = nullable_xstrdup(d->vf_netdev_name);
        shash_find_and_delete(&details, edit->nad_key);
        free(d->sandbox_id);
        free(d->vf_netdev_name);
        free(d->auth);
        free(d);

        cJSON *annotations = cJSON_CreateObject();
        if (shash_is_empty(&details)) {
            cJSON_AddNullToObject(annotations, POD_ANN_CONNECTION_DETAILS);
        } else {
            char *t = dpu_conn_details_format(&details);
            cJSON_AddStringToObject(annotations, POD_ANN_CONNECTION_DETAILS,
                                    t);
            free(t);
        }
        edit->changed = true;
        *annotationsp = annotations;
    }
    dpu_conn_details_clear(&details);
    shash_destroy(&details);
    return NULL;
}

/* Waiting for the DPU side. */

void
cni_pod_network_free(struct pod_network *net)
{
    if (net) {
        struct shash one = SHASH_INITIALIZER(&one);
        shash_add(&one, "x", net);
        pod_networks_clear(&one);
        shash_destroy(&one);
    }
}

enum cni_pod_verdict
cni_pod_evaluate(const cJSON *pod, const char *nad, const char *sandbox,
                 const char *uid, bool allow_without_sandbox,
                 struct pod_network **netp, char **errorp)
{
    enum cni_pod_verdict verdict = CNI_POD_WAIT;
    char *name = pod_name(pod);

    *netp = NULL;
    *errorp = NULL;

    const char *pod_uid = k8s_object_metadata(pod, "uid");
    if (uid && pod_uid && strcmp(uid, pod_uid)) {
        *errorp = xasprintf("%s was deleted while waiting for the DPU (it "
                            "now has uid %s)", name, pod_uid);
        verdict = CNI_POD_FAILED;
        goto out;
    } else if (cni_pod_is_deleting(pod)) {
        *errorp = xasprintf("%s is being deleted", name);
        verdict = CNI_POD_FAILED;
        goto out;
    }

    /* Only a version that carries our details can carry the answer. */
    struct shash details = SHASH_INITIALIZER(&details);
    const char *text = k8s_object_annotation(pod, POD_ANN_CONNECTION_DETAILS);
    char *bad = text ? dpu_conn_details_parse(text, POD_ANN_SIMULATED,
                                              &details) : NULL;
    const struct dpu_conn_details *d = shash_find_data(&details, nad);
    bool ours = !bad && d && !strcmp(d->sandbox_id, sandbox);
    free(bad);
    dpu_conn_details_clear(&details);
    shash_destroy(&details);
    if (!ours) {
        goto out;
    }

    text = k8s_object_annotation(pod, POD_ANN_CONNECTION_STATUS);
    if (!text) {
        goto out;
    }
    struct shash statuses = SHASH_INITIALIZER(&statuses);
    bad = dpu_conn_status_parse(text, &statuses);
    const struct dpu_conn_status *s = shash_find_data(&statuses, nad);
    if (s && (s->sandbox_id
              ? strcmp(s->sandbox_id, sandbox)
              : !allow_without_sandbox)) {
        /* An answer about another sandbox (an earlier one of this pod,
         * written back by a writer that had not seen ours), or about no
         * sandbox in particular: not ours. */
        s = NULL;
    }
    if (bad) {
        *errorp = xasprintf("%s: %s", name, bad);
        free(bad);
        verdict = CNI_POD_FAILED;
    } else if (s && s->state == DPU_CONN_ERROR) {
        /* The reason is whatever the annotation says: escaped and
         * bounded before it goes to the runtime and the log. */
        char *reason = pod_ann_escape(s->reason ? s->reason
                                      : "(no reason given)",
                                      POD_ANN_MAX_ERROR_LEN);
        *errorp = xasprintf("DPU failed to plug the VF of %s: %s", name,
                            reason);
        free(reason);
        verdict = CNI_POD_FAILED;
    } else if (s) {
        verdict = CNI_POD_READY;
    }
    dpu_conn_status_clear(&statuses);
    shash_destroy(&statuses);
    if (verdict != CNI_POD_READY) {
        goto out;
    }

    /* Ready: the addresses. */
    text = k8s_object_annotation(pod, POD_ANN_POD_NETWORKS);
    struct shash networks = SHASH_INITIALIZER(&networks);
    bad = text ? pod_networks_parse(text, &networks) : NULL;
    if (!text) {
        *errorp = xasprintf("%s has no %s annotation", name,
                            POD_ANN_POD_NETWORKS);
        verdict = CNI_POD_FAILED;
    } else if (bad) {
        *errorp = xasprintf("%s: %s", name, bad);
        free(bad);
        verdict = CNI_POD_FAILED;
    } else if (!shash_find(&networks, nad)) {
        *errorp = xasprintf("%s: %s has no entry for network \"%s\"",
                            name, POD_ANN_POD_NETWORKS, nad);
        verdict = CNI_POD_FAILED;
    } else {
        *netp = shash_find_and_delete(&networks, nad);
    }
    pod_networks_clear(&networks);
    shash_destroy(&networks);

out:
    free(name);
    return verdict;
}

/* The pod's interface. */

static bool
is_ipv6(const char *s)
{
    return strchr(s, ':') != NULL;
}

void
cni_pod_build_config(const struct pod_network *net, const char *nad,
                     struct vf_netns_config *cfg)
{
    cfg->mac = xstrdup(net->mac_address);
    cfg->n_addrs = net->n_ip_addresses;
    cfg->addrs = xcalloc(MAX(net->n_ip_addresses, 1), sizeof *cfg->addrs);
    for (size_t i = 0; i < net->n_ip_addresses; i++) {
        cfg->addrs[i] = xstrdup(net->ip_addresses[i]);
    }

    bool primary = (!strcmp(nad, POD_ANN_DEFAULT_NAD)
                    || (net->role && !strcmp(net->role, "primary")));
    cfg->routes = xcalloc(net->n_routes + 2, sizeof *cfg->routes);
    cfg->n_routes = 0;
    if (primary) {
        bool have4 = false, have6 = false;
        for (size_t i = 0; i < net->n_gateway_ips; i++) {
            const char *gw = net->gateway_ips[i];
            bool *have = is_ipv6(gw) ? &have6 : &have4;
            if (!*have) {
                struct vf_netns_route *r = &cfg->routes[cfg->n_routes++];
                r->dest = xstrdup(is_ipv6(gw) ? "::/0" : "0.0.0.0/0");
                r->gw = xstrdup(gw);
                *have = true;
            }
        }
    }
    for (size_t i = 0; i < net->n_routes; i++) {
        struct vf_netns_route *r = &cfg->routes[cfg->n_routes++];
        r->dest = xstrdup(net->routes[i].dest);
        r->gw = nullable_xstrdup(net->routes[i].next_hop);
    }
}

struct json *
cni_pod_result(const struct vf_netns_config *cfg, const char *cni_version,
               const char *pci)
{
    bool v04 = !strcmp(cni_version, "0.4.0");
    bool v11 = !strcmp(cni_version, "1.1.0");
    struct json *result = json_object_create();

    json_object_put_string(result, "cniVersion", cni_version);

    struct json *iface = json_object_create();
    json_object_put_string(iface, "name", cfg->ifname);
    if (cfg->mac) {
        json_object_put_string(iface, "mac", cfg->mac);
    }
    if (v11 && cfg->mtu) {
        json_object_put(iface, "mtu", json_integer_create(cfg->mtu));
    }
    json_object_put_string(iface, "sandbox", cfg->netns);
    if (v11 && pci) {
        json_object_put_string(iface, "pciID", pci);
    }
    json_object_put(result, "interfaces", json_array_create_1(iface));

    struct json *ips = json_array_create_empty();
    for (size_t i = 0; i < cfg->n_addrs; i++) {
        const char *addr = cfg->addrs[i];
        struct json *ip = json_object_create();
        if (v04) {
            json_object_put_string(ip, "version", is_ipv6(addr) ? "6" : "4");
        }
        json_object_put_string(ip, "address", addr);
        for (size_t j = 0; j < cfg->n_routes; j++) {
            const struct vf_netns_route *r = &cfg->routes[j];
            if (r->gw && (!strcmp(r->dest, "0.0.0.0/0")
                          || !strcmp(r->dest, "::/0"))
                && is_ipv6(r->gw) == is_ipv6(addr)) {
                json_object_put_string(ip, "gateway", r->gw);
                break;
            }
        }
        json_object_put(ip, "interface", json_integer_create(0));
        json_array_add(ips, ip);
    }
    json_object_put(result, "ips", ips);

    struct json *routes = json_array_create_empty();
    for (size_t i = 0; i < cfg->n_routes; i++) {
        struct json *r = json_object_create();
        json_object_put_string(r, "dst", cfg->routes[i].dest);
        if (cfg->routes[i].gw) {
            json_object_put_string(r, "gw", cfg->routes[i].gw);
        }
        json_array_add(routes, r);
    }
    json_object_put(result, "routes", routes);
    json_object_put(result, "dns", json_object_create());
    return result;
}
