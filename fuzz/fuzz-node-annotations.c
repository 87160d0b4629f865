/*
 * libFuzzer target for the Node annotation codecs of the management port
 * (lib/node-annotations.c): whoever may patch the host's Node writes
 * k8s.ovn.org/node-mgmt-port, which ovn-dpu-controller reads to decide
 * which representor to rename and plug, and k8s.ovn.org/node-subnets and
 * node-mgmt-port-mac-addresses, which ovn-dpu-host reads to configure the
 * management port.
 *
 * The first byte of the input selects what the rest is (modulo 4):
 *
 *   0  a k8s.ovn.org/node-mgmt-port value
 *   1  a k8s.ovn.org/node-subnets value (network "default")
 *   2  a k8s.ovn.org/node-mgmt-port-mac-addresses value
 *   3  a whole Node object, trimmed, then its InternalIP
 *
 * Checks that a failed parse leaves nothing behind, that what parses
 * formats back to something that parses to the same thing, that parsed
 * numbers are in range, that subnets have their host bits clear and a
 * management port address and gateway in them (or say why not).
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "node-annotations.h"
#include "util.h"

static void
check_mgmt_port(const char *text)
{
    struct node_mgmt_port mp, again;
    char *error = node_mgmt_port_parse(text, &mp);

    if (error) {
        ovs_assert(!mp.device_id);
        free(error);
        return;
    }
    ovs_assert(mp.pf_id >= 0 && mp.pf_id <= NODE_ANN_MAX_PF_ID);
    ovs_assert(mp.func_id >= 0 && mp.func_id <= NODE_ANN_MAX_FUNC_ID);

    char *formatted = node_mgmt_port_format(&mp);
    error = node_mgmt_port_parse(formatted, &again);
    ovs_assert(!error);
    ovs_assert(node_mgmt_port_equal(&mp, &again));
    free(formatted);
    node_mgmt_port_destroy(&again);
    node_mgmt_port_destroy(&mp);
}

static void
check_subnets(const char *text)
{
    struct node_cidr *subnets, *again;
    size_t n, n_again;
    char *error = node_subnets_parse(text, NODE_ANN_DEFAULT_NETWORK,
                                     &subnets, &n);

    if (error) {
        ovs_assert(!subnets && !n);
        free(error);
        return;
    }
    ovs_assert(n >= 1 && n <= 2);
    for (size_t i = 0; i < n; i++) {
        struct node_cidr gw, addr;
        bool v4 = node_cidr_is_ipv4(&subnets[i]);

        ovs_assert(subnets[i].plen <= (v4 ? 32 : 128));
        if (node_cidr_nth(&subnets[i], 1, &gw)
            && node_cidr_nth(&subnets[i], 2, &addr)) {
            ovs_assert(node_cidr_contains(&subnets[i], &gw));
            ovs_assert(node_cidr_contains(&subnets[i], &addr));
            struct eth_addr mac = node_cidr_to_mac(&addr);
            ovs_assert(mac.ea[0] == 0x0a && mac.ea[1] == 0x58);
        }
    }

    char *formatted = node_subnets_format(NODE_ANN_DEFAULT_NETWORK, subnets,
                                          n);
    error = node_subnets_parse(formatted, NODE_ANN_DEFAULT_NETWORK, &again,
                               &n_again);
    ovs_assert(!error);
    ovs_assert(n_again == n && !memcmp(again, subnets, n * sizeof *again));
    free(formatted);
    free(again);
    free(subnets);
}

static void
check_mac(const char *text)
{
    struct eth_addr mac;
    char *error = node_mgmt_mac_parse(text, NODE_ANN_DEFAULT_NETWORK, &mac);
    free(error);
}

/* The InternalIP, if any, came out of 'text'. */
static size_t
size_max_of(const char *text)
{
    return strlen(text) + 1;
}

static void
check_node(const char *text)
{
    cJSON *node = cJSON_Parse(text);
    if (node) {
        node_ann_trim_node(node);
        if (cJSON_IsObject(node)) {
            /* Only what the agents read is left. */
            for (const cJSON *item = node->child; item; item = item->next) {
                ovs_assert(item->string
                           && (!strcmp(item->string, "metadata")
                               || !strcmp(item->string, "status")));
            }
        }
        const char *ip = node_ann_internal_ip(node);
        ovs_assert(!ip || strlen(ip) < size_max_of(text));
        cJSON_Delete(node);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    char *text = xmemdup0((const char *) data + 1, size - 1);
    switch (data[0] % 4) {
    case 0:
        check_mgmt_port(text);
        break;
    case 1:
        check_subnets(text);
        break;
    case 2:
        check_mac(text);
        break;
    case 3:
        check_node(text);
        break;
    }
    free(text);
    return 0;
}
