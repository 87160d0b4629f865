/*
 * libFuzzer target for the pod annotation codecs (lib/pod-annotations.c):
 * the values of k8s.ovn.org/dpu.connection-details, .../dpu.connection-status
 * and k8s.ovn.org/pod-networks come from whoever can annotate a pod.
 *
 * The first byte of the input selects what the rest is fed to:
 *
 *   0  connection-details, switchdev mode     4  pod_ann_check_ifname()
 *   1  connection-details, simulated mode     5  pod_ann_check_sandbox_id()
 *   2  connection-status                      6  pod_ann_check_cidr()
 *   3  pod-networks                           7  pod_ann_check_ip()
 *                                             8  pod_ann_check_mac()
 *
 * (modulo 9).  Checks that a parse either succeeds or leaves the map empty
 * with an error that names the annotation, and that whatever parses
 * formats to a text that parses back to the same thing.
 */

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "openvswitch/shash.h"
#include "pod-annotations.h"
#include "util.h"

/* One annotation's codec. */
struct codec {
    const char *annotation;
    char *(*parse)(const char *json, enum pod_ann_mode, struct shash *);
    char *(*format)(const struct shash *);
    void (*clear)(struct shash *);
};

static char *
parse_details(const char *json, enum pod_ann_mode mode, struct shash *map)
{
    return dpu_conn_details_parse(json, mode, map);
}

static char *
parse_status(const char *json, enum pod_ann_mode mode OVS_UNUSED,
             struct shash *map)
{
    return dpu_conn_status_parse(json, map);
}

static char *
parse_networks(const char *json, enum pod_ann_mode mode OVS_UNUSED,
               struct shash *map)
{
    return pod_networks_parse(json, map);
}

static const struct codec codecs[] = {
    { POD_ANN_CONNECTION_DETAILS, parse_details, dpu_conn_details_format,
      dpu_conn_details_clear },
    { POD_ANN_CONNECTION_STATUS, parse_status, dpu_conn_status_format,
      dpu_conn_status_clear },
    { POD_ANN_POD_NETWORKS, parse_networks, pod_networks_format,
      pod_networks_clear },
};

/* Checks what only pod-networks entries offer. */
static void
check_networks(const struct shash *networks)
{
    const struct shash_node *node;

    SHASH_FOR_EACH (node, networks) {
        const struct pod_network *net = node->data;
        char *list = pod_network_ip_list(net);

        ovs_assert(net->mac_address);
        ovs_assert(!pod_ann_check_mac(net->mac_address));
        for (size_t i = 0; i < net->n_ip_addresses; i++) {
            ovs_assert(!pod_ann_check_cidr(net->ip_addresses[i]));
        }
        ovs_assert(net->n_ip_addresses || !list[0]);
        free(list);
    }
}

static void
fuzz_codec(const struct codec *codec, enum pod_ann_mode mode,
           const char *text)
{
    struct shash map = SHASH_INITIALIZER(&map);
    char *error = codec->parse(text, mode, &map);

    if (error) {
        /* A failed parse leaves no entries (the caller still owns the
         * map's buckets) and says which annotation. */
        ovs_assert(shash_is_empty(&map));
        ovs_assert(!strncmp(error, codec->annotation,
                            strlen(codec->annotation)));
        free(error);
        shash_destroy(&map);
        return;
    }

    if (codec->parse == parse_networks) {
        check_networks(&map);
    }

    /* Format, parse again, format again: the same text, the same map. */
    char *text1 = codec->format(&map);
    struct shash map2 = SHASH_INITIALIZER(&map2);
    error = codec->parse(text1, mode, &map2);
    ovs_assert(!error);
    ovs_assert(shash_count(&map2) == shash_count(&map));

    char *text2 = codec->format(&map2);
    ovs_assert(!strcmp(text1, text2));

    if (codec->parse == parse_details) {
        const struct shash_node *node;

        SHASH_FOR_EACH (node, &map) {
            const struct dpu_conn_details *d2 = shash_find_data(&map2,
                                                                node->name);
            ovs_assert(d2 && dpu_conn_details_equal(node->data, d2));
        }
    }

    free(text1);
    free(text2);
    codec->clear(&map);
    codec->clear(&map2);
    shash_destroy(&map);
    shash_destroy(&map2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *(*const checks[])(const char *) = {
        pod_ann_check_ifname, pod_ann_check_sandbox_id, pod_ann_check_cidr,
        pod_ann_check_ip, pod_ann_check_mac,
    };

    if (!size) {
        return 0;
    }

    int selector = data[0] % 9;
    char *text = xmemdup0((const char *) data + 1, size - 1);
    if (selector <= 1) {
        fuzz_codec(&codecs[0],
                   selector ? POD_ANN_SIMULATED : POD_ANN_SWITCHDEV, text);
    } else if (selector <= 3) {
        fuzz_codec(&codecs[selector - 1], POD_ANN_SWITCHDEV, text);
    } else {
        free(checks[selector - 4](text));
    }
    free(text);
    return 0;
}
