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
 * with an error that names the annotation, that whatever parses formats
 * to a text that parses back to the same thing, and that every value a
 * parse or a check accepts has the properties the agents rely on, checked
 * here independently of the validators: interface names of at most 15
 * bytes without '/', ':' or white space, sandbox ids in the CNI container
 * id grammar, addresses and CIDRs that inet_pton() accepts, MACs of six
 * hexadecimal bytes, NAD keys of the three forms ovn-kubernetes writes.
 */

#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "openvswitch/shash.h"
#include "pod-annotations.h"
#include "util.h"

/* The properties, each checked without the code under test. */

static bool
is_ifname(const char *s)
{
    size_t len = strlen(s);

    return (len > 0 && len <= 15 && strcmp(s, ".") && strcmp(s, "..")
            && !s[strcspn(s, "/: \t\n\r\v\f")]);
}

/* The CNI specification's container id: an alphanumeric, then
 * alphanumerics, '_', '.' and '-'. */
static bool
is_sandbox_id(const char *s)
{
    if (!isalnum((unsigned char) s[0])) {
        return false;
    }
    for (s++; *s; s++) {
        if (!isalnum((unsigned char) *s) && !strchr("_.-", *s)) {
            return false;
        }
    }
    return true;
}

static bool
is_ip(const char *s)
{
    struct in6_addr a6;
    struct in_addr a4;

    return (inet_pton(AF_INET, s, &a4) == 1
            || inet_pton(AF_INET6, s, &a6) == 1);
}

static bool
is_cidr(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || !slash[1] || strlen(slash + 1) > 3) {
        return false;
    }

    char *ip = xmemdup0(s, slash - s);
    struct in6_addr a6;
    struct in_addr a4;
    int max = (inet_pton(AF_INET, ip, &a4) == 1 ? 32
               : inet_pton(AF_INET6, ip, &a6) == 1 ? 128 : -1);
    free(ip);

    int prefix = 0;
    for (const char *p = slash + 1; *p; p++) {
        if (!isdigit((unsigned char) *p)) {
            return false;
        }
        prefix = prefix * 10 + (*p - '0');
    }
    return max >= 0 && prefix <= max;
}

static bool
is_mac_sep(const char *s, char sep)
{
    if (strlen(s) != 17) {
        return false;
    }
    for (int i = 0; i < 17; i++) {
        if (i % 3 == 2 ? s[i] != sep : !isxdigit((unsigned char) s[i])) {
            return false;
        }
    }
    return true;
}

/* A MAC as the codecs give it back: colons. */
static bool
is_mac(const char *s)
{
    return is_mac_sep(s, ':');
}

/* A MAC as the annotation may write it: colons or hyphens, not both. */
static bool
is_mac_text(const char *s)
{
    return is_mac_sep(s, ':') || is_mac_sep(s, '-');
}

/* A NAD key: "default", or "<ns>/<name>" of lowercase letters, digits,
 * '-' and '.' (the namespace without '.'), optionally followed by "/<n>"
 * with n from 1 to 65535 in decimal without a leading zero, the indexed
 * form ovn-kubernetes writes for a second and later attachment. */
static bool
is_nad_key(const char *s)
{
    if (!strcmp(s, "default")) {
        return true;
    }

    const char *slash1 = strchr(s, '/');
    const char *slash2 = slash1 ? strchr(slash1 + 1, '/') : NULL;
    const char *end = slash2 ? slash2 : s + strlen(s);
    if (!slash1 || slash1 == s || end == slash1 + 1
        || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != slash1 - s
        || (strspn(slash1 + 1, "abcdefghijklmnopqrstuvwxyz0123456789-.")
            != end - slash1 - 1)) {
        return false;
    }
    if (slash2) {
        const char *n = slash2 + 1;
        size_t len = strlen(n);
        if (!len || len > 5 || n[0] == '0'
            || strspn(n, "0123456789") != len || atol(n) > 65535) {
            return false;
        }
    }
    return true;
}

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

        ovs_assert(net->mac_address && is_mac(net->mac_address));
        for (size_t i = 0; i < net->n_ip_addresses; i++) {
            ovs_assert(is_cidr(net->ip_addresses[i]));
        }
        for (size_t i = 0; i < net->n_gateway_ips; i++) {
            ovs_assert(is_ip(net->gateway_ips[i]));
        }
        for (size_t i = 0; i < net->n_routes; i++) {
            ovs_assert(is_cidr(net->routes[i].dest));
            ovs_assert(!net->routes[i].next_hop
                       || is_ip(net->routes[i].next_hop));
        }
        ovs_assert(net->n_ip_addresses || !list[0]);
        free(list);
    }
}

/* Checks what connection-details entries offer. */
static void
check_details(const struct shash *details)
{
    const struct shash_node *node;

    SHASH_FOR_EACH (node, details) {
        const struct dpu_conn_details *d = node->data;

        ovs_assert(d->pf_id >= 0 && d->vf_id >= 0);
        ovs_assert(d->sandbox_id && is_sandbox_id(d->sandbox_id));
        ovs_assert(!d->vf_netdev_name || is_ifname(d->vf_netdev_name));
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

    const struct shash_node *key;
    SHASH_FOR_EACH (key, &map) {
        ovs_assert(is_nad_key(key->name));
    }

    if (codec->parse == parse_networks) {
        check_networks(&map);
    } else if (codec->parse == parse_details) {
        check_details(&map);
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
    static const struct {
        char *(*check)(const char *);   /* The validator... */
        bool (*holds)(const char *);    /* ...and what its yes implies. */
    } checks[] = {
        { pod_ann_check_ifname, is_ifname },
        { pod_ann_check_sandbox_id, is_sandbox_id },
        { pod_ann_check_cidr, is_cidr },
        { pod_ann_check_ip, is_ip },
        { pod_ann_check_mac, is_mac_text },
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
        char *error = checks[selector - 4].check(text);
        ovs_assert(error || checks[selector - 4].holds(text));
        free(error);
    }
    free(text);
    return 0;
}
