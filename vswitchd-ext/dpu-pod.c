/*
 * From a pod object to the bindings it wants.  See dpu-pod.h.
 */

#include <config.h>

#include "dpu-pod.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "conn-auth.h"
#include "k8s-object.h"
#include "net-attach-def.h"
#include "openvswitch/shash.h"
#include "pod-bandwidth.h"
#include "util.h"

char *
dpu_pod_iface_id(const char *namespace, const char *name, const char *nad)
{
    if (!nad || !strcmp(nad, POD_ANN_DEFAULT_NAD)) {
        return xasprintf("%s_%s", namespace, name);
    }

    char *prefix = xstrdup(nad);
    for (char *p = prefix; *p; p++) {
        if (*p == '-' || *p == '/') {
            *p = '.';
        }
    }
    char *iface_id = xasprintf("%s_%s_%s", prefix, namespace, name);
    free(prefix);
    return iface_id;
}

/* Checks the host agent's signature on 'd', the entry for 'nad' of 'pod'.
 * Returns the state the network is in as far as that goes (BIND if it may
 * be bound), with '*seqp' set from the token, or with '*errorp' set to
 * why not. */
static enum dpu_pod_net_state
check_auth(const struct dpu_pod *pod, const char *nad,
           const struct dpu_conn_details *d,
           const struct dpu_pod_options *opts, uint64_t *seqp,
           char **errorp)
{
    *seqp = 0;
    if (!d->auth) {
        if (opts->allow_unsigned) {
            return DPU_POD_NET_BIND;
        }
        *errorp = xasprintf("%s: \"%s\": not signed by the host agent (no "
                            "%s)", POD_ANN_CONNECTION_DETAILS, nad,
                            CONN_AUTH_MEMBER);
        return DPU_POD_NET_ERROR;
    }

    struct conn_auth_token token;
    char *bad = conn_auth_token_parse(d->auth, &token);
    ovs_assert(!bad);           /* The annotation's parser checked it. */
    if (!opts->keys || !pod->uid) {
        *errorp = xasprintf("%s: \"%s\": %s", POD_ANN_CONNECTION_DETAILS,
                            nad, (pod->uid ? "the host agent's keys are "
                                  "not known yet" : "the pod has no uid"));
        return pod->uid ? DPU_POD_NET_WAITING : DPU_POD_NET_ERROR;
    }

    struct conn_auth_fields fields = {
        .node = opts->node,
        .pod_uid = pod->uid,
        .nad = nad,
        .pf_id = d->pf_id,
        .vf_id = d->vf_id,
        .sandbox_id = d->sandbox_id,
        .vf_netdev_name = d->vf_netdev_name,
    };
    switch (conn_auth_verify(opts->keys, &fields, &token)) {
    case CONN_AUTH_OK:
        *seqp = token.seq;
        return DPU_POD_NET_BIND;
    case CONN_AUTH_UNKNOWN_KEY:
        *errorp = xasprintf("%s: \"%s\": signed with key %s, which is not "
                            "known (yet)", POD_ANN_CONNECTION_DETAILS, nad,
                            token.key_id);
        return DPU_POD_NET_WAITING;
    case CONN_AUTH_BAD:
    default:
        *errorp = xasprintf("%s: \"%s\": %s does not verify: the host "
                            "agent did not give this VF to this pod's "
                            "sandbox", POD_ANN_CONNECTION_DETAILS, nad,
                            CONN_AUTH_MEMBER);
        return DPU_POD_NET_ERROR;
    }
}

static void
fill_spec(struct dpu_pod_net *net, const struct dpu_pod *pod,
          const char *network, const struct dpu_conn_details *d,
          const struct pod_network *pn, uint64_t seq,
          const struct dpu_pod_options *opts)
{
    net->network = network ? xstrdup(network) : NULL;
    net->vf_netdev_name = nullable_xstrdup(d->vf_netdev_name);
    net->mac = xstrdup(pn->mac_address);
    net->ips = pod_network_ip_list(pn);

    net->spec = (struct dpu_binding_spec) {
        .iface_id = net->iface_id,
        .iface_id_ver = pod->uid,
        .pod = pod->key,
        .nad = net->nad,
        .network = net->network,
        .pf_id = d->pf_id,
        .vf_id = d->vf_id,
        .sandbox = net->sandbox,
        .vf_netdev_name = net->vf_netdev_name,
        .attached_mac = net->mac,
        .ip_addresses = net->ips,
        .mtu = opts->mtu,
        .ingress_bps = pod->ingress_bps,
        .egress_bps = pod->egress_bps,
        .seq = seq,
    };
}

/* Makes every network of 'pod' whose iface-id is also another's an
 * error: ovn-kubernetes would give them one logical port. */
static void
refuse_iface_id_collisions(struct dpu_pod *pod)
{
    for (size_t i = 0; i < pod->n_nets; i++) {
        for (size_t j = i + 1; j < pod->n_nets; j++) {
            struct dpu_pod_net *a = &pod->nets[i];
            struct dpu_pod_net *b = &pod->nets[j];
            if (strcmp(a->iface_id, b->iface_id)) {
                continue;
            }
            char *error = xasprintf("%s: NAD keys \"%s\" and \"%s\" give "
                                    "the same OVN port name %s",
                                    POD_ANN_CONNECTION_DETAILS, a->nad,
                                    b->nad, a->iface_id);
            for (struct dpu_pod_net *net = a; net; net = net == a ? b : NULL) {
                free(net->error);
                net->error = xstrdup(error);
                net->state = DPU_POD_NET_ERROR;
            }
            free(error);
        }
    }
}

bool
dpu_pod_parse(const cJSON *object, const struct dpu_pod_options *opts,
              struct dpu_pod *pod)
{
    memset(pod, 0, sizeof *pod);

    const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(object,
                                                             "metadata");
    const char *namespace = k8s_json_string(metadata, "namespace");
    const char *name = k8s_json_string(metadata, "name");
    if (!namespace || !name) {
        return false;
    }
    pod->key = xasprintf("%s/%s", namespace, name);
    pod->uid = nullable_xstrdup(k8s_json_string(metadata, "uid"));
    pod->terminating = k8s_json_string(metadata, "deletionTimestamp") != NULL;
    const char *phase = k8s_json_string(
        cJSON_GetObjectItemCaseSensitive(object, "status"), "phase");
    pod->completed = (phase && (!strcmp(phase, "Succeeded")
                                || !strcmp(phase, "Failed")));

    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(object, "spec");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec,
                                                      "hostNetwork"))) {
        pod->host_network = true;
        return true;
    }

    const cJSON *annotations = cJSON_GetObjectItemCaseSensitive(
        metadata, "annotations");
    pod->bandwidth_error = pod_bw_from_annotations(annotations,
                                                   &pod->ingress_bps,
                                                   &pod->egress_bps);
    const cJSON *details_item = cJSON_GetObjectItemCaseSensitive(
        annotations, POD_ANN_CONNECTION_DETAILS);
    if (!details_item) {
        return true;            /* Not (yet) plugged by the host. */
    }
    if (!cJSON_IsString(details_item)) {
        pod->error = xasprintf("%s: expected a string annotation",
                               POD_ANN_CONNECTION_DETAILS);
        return true;
    }

    struct shash details = SHASH_INITIALIZER(&details);
    pod->error = dpu_conn_details_parse(details_item->valuestring,
                                        opts->mode, &details);
    if (pod->error) {
        shash_destroy(&details);
        return true;
    }

    /* The pod's addresses, if ovnkube-controller has written them. */
    struct shash networks = SHASH_INITIALIZER(&networks);
    const cJSON *networks_item = cJSON_GetObjectItemCaseSensitive(
        annotations, POD_ANN_POD_NETWORKS);
    char *networks_error = NULL;
    if (networks_item) {
        networks_error = (cJSON_IsString(networks_item)
                          ? pod_networks_parse(networks_item->valuestring,
                                               &networks)
                          : xasprintf("%s: expected a string annotation",
                                      POD_ANN_POD_NETWORKS));
    }

    const struct shash_node **nodes = shash_sort(&details);
    pod->nets = xcalloc(MAX(shash_count(&details), 1), sizeof *pod->nets);
    for (size_t i = 0; i < shash_count(&details); i++) {
        const char *nad = nodes[i]->name;
        const struct dpu_conn_details *d = nodes[i]->data;
        const struct nad_info *info = NULL;

        /* "ns/nad/1" is the pod's second attachment to NAD "ns/nad": a
         * network entry (and a logical port) of its own. */
        char *nad_name = pod_ann_nad_of_key(nad);
        if (strcmp(nad, POD_ANN_DEFAULT_NAD)) {
            info = opts->nads ? shash_find_data(opts->nads, nad_name) : NULL;
            if (!opts->nads || (info && info->kind == NAD_NOT_OVN)) {
                /* NADs not known yet, or not a network that we serve. */
                free(nad_name);
                continue;
            }
        }

        struct dpu_pod_net *net = &pod->nets[pod->n_nets++];
        net->nad = xstrdup(nad);
        net->iface_id = dpu_pod_iface_id(namespace, name, nad);
        net->sandbox = xstrdup(d->sandbox_id);
        net->pf_id = d->pf_id;
        net->vf_id = d->vf_id;
        const struct pod_network *pn = shash_find_data(&networks, nad);
        const char *network = info ? info->network : NULL;
        uint64_t seq = 0;
        enum dpu_pod_net_state auth = check_auth(pod, nad, d, opts, &seq,
                                                 &net->error);
        if (auth != DPU_POD_NET_BIND) {
            net->state = auth;
            net->key_unknown = auth == DPU_POD_NET_WAITING;
        } else if (strcmp(nad, POD_ANN_DEFAULT_NAD) && !info) {
            net->state = DPU_POD_NET_NO_NAD;
            net->error = xasprintf("no NetworkAttachmentDefinition %s",
                                   nad_name);
        } else if (info && info->kind == NAD_ERROR) {
            net->state = DPU_POD_NET_ERROR;
            net->error = xstrdup(info->error);
        } else if (networks_error) {
            net->state = DPU_POD_NET_ERROR;
            net->error = xstrdup(networks_error);
        } else if (!pn) {
            net->state = DPU_POD_NET_WAITING;
            net->error = xasprintf("no %s entry for \"%s\" yet",
                                   POD_ANN_POD_NETWORKS, nad);
        } else {
            net->state = DPU_POD_NET_BIND;
            fill_spec(net, pod, network, d, pn, seq, opts);
        }
        free(nad_name);
    }
    free(nodes);
    refuse_iface_id_collisions(pod);
    free(networks_error);
    pod_networks_clear(&networks);
    shash_destroy(&networks);
    dpu_conn_details_clear(&details);
    shash_destroy(&details);
    return true;
}

void
dpu_pod_destroy(struct dpu_pod *pod)
{
    if (!pod) {
        return;
    }
    for (size_t i = 0; i < pod->n_nets; i++) {
        struct dpu_pod_net *net = &pod->nets[i];

        free(net->nad);
        free(net->error);
        free(net->iface_id);
        free(net->network);
        free(net->sandbox);
        free(net->vf_netdev_name);
        free(net->mac);
        free(net->ips);
    }
    free(pod->nets);
    free(pod->key);
    free(pod->uid);
    free(pod->error);
    free(pod->bandwidth_error);
    memset(pod, 0, sizeof *pod);
}
