/*
 * Codecs for the Node annotations of the management port.  See
 * node-annotations.h.
 */

#include <config.h>

#include "node-annotations.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pod-annotations.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

/* Longest value quoted in an error message. */
#define QUOTE_MAX 64

/* Parses 'text' as JSON.  Returns it, or NULL with '*errorp' set. */
static cJSON *
parse_json(const char *annotation, const char *text, char **errorp)
{
    const char *end = NULL;
    cJSON *json = text ? cJSON_ParseWithOpts(text, &end, true) : NULL;

    *errorp = NULL;
    if (!json) {
        *errorp = (!text ? xasprintf("%s: missing", annotation)
                   : xasprintf("%s: invalid JSON at offset %td", annotation,
                               end ? end - text : (ptrdiff_t) 0));
    }
    return json;
}

/* Returns 'json' if it is an object, otherwise NULL with '*errorp' set. */
static cJSON *
parse_object(const char *annotation, const char *text, char **errorp)
{
    cJSON *json = parse_json(annotation, text, errorp);

    if (json && !cJSON_IsObject(json)) {
        *errorp = xasprintf("%s: expected a JSON object", annotation);
        cJSON_Delete(json);
        json = NULL;
    }
    return json;
}

/* A copy of 'text' that is safe to put in a message. */
static char *
quote(const char *text)
{
    return pod_ann_escape(text, QUOTE_MAX);
}

static char *
print_and_delete(cJSON *json)
{
    char *text = cJSON_PrintUnformatted(json);
    char *copy = xstrdup(text);

    cJSON_free(text);
    cJSON_Delete(json);
    return copy;
}

/* Reads integer member 'name' of 'object' (its name matched regardless of
 * case: see pod_ann_find_member()), which must be a JSON number with an
 * integer value from 0 to 'max' (as Go's encoding/json reads an "int"). */
static char *
get_index(const cJSON *object, const char *name, int max, int *valuep)
{
    const cJSON *item;
    char *error = pod_ann_find_member(object, name, &item);

    if (error) {
        return error;
    }
    if (!item) {
        return xasprintf("%s: missing", name);
    }
    if (!cJSON_IsNumber(item)) {
        return xasprintf("%s: expected a number", name);
    }
    double v = item->valuedouble;
    if (v < 0 || v > max) {
        /* (Before the cast below, which is undefined out of range.) */
        return xasprintf("%s: %.0f is out of range (0 to %d)", name, v, max);
    }
    if (v != (double) (long long int) v) {
        return xasprintf("%s: %g is not an integer", name, v);
    }
    *valuep = v;
    return NULL;
}

/* k8s.ovn.org/node-mgmt-port
 * ========================== */

void
node_mgmt_port_destroy(struct node_mgmt_port *mp)
{
    if (mp) {
        free(mp->device_id);
        mp->device_id = NULL;
    }
}

/* True if 'object' has a member that names field 'name' (in any case). */
static bool
has_member(const cJSON *object, const char *name)
{
    for (const cJSON *m = object->child; m; m = m->next) {
        if (m->string && pod_ann_member_names_field(m->string, name)) {
            return true;
        }
    }
    return false;
}

static char *
parse_mgmt_entry(const cJSON *entry, struct node_mgmt_port *mp)
{
    char *error = get_index(entry, "PfId", NODE_ANN_MAX_PF_ID, &mp->pf_id);
    if (!error) {
        error = get_index(entry, "FuncId", NODE_ANN_MAX_FUNC_ID,
                          &mp->func_id);
    }
    if (error) {
        return error;
    }

    const cJSON *dev;
    error = pod_ann_find_member(entry, "DeviceId", &dev);
    if (error) {
        return error;
    }
    if (dev && !cJSON_IsNull(dev)) {
        if (!cJSON_IsString(dev)) {
            return xstrdup("DeviceId: expected a string");
        }
        const char *s = dev->valuestring;
        for (const char *p = s; *p; p++) {
            if (!isalnum((unsigned char) *p) && !strchr(":.-_", *p)) {
                char *q = quote(s);
                error = xasprintf("DeviceId: \"%s\" is not a PCI address or "
                                  "a netdev name", q);
                free(q);
                return error;
            }
        }
        if (s[0]) {
            mp->device_id = xstrdup(s);
        }
    }
    return NULL;
}

char *
node_mgmt_port_parse(const char *text, struct node_mgmt_port *mp)
{
    char *error;

    memset(mp, 0, sizeof *mp);
    cJSON *json = parse_object(NODE_ANN_MGMT_PORT, text, &error);
    if (!json) {
        return error;
    }

    const cJSON *def = cJSON_GetObjectItemCaseSensitive(
        json, NODE_ANN_DEFAULT_NETWORK);
    if (def) {
        if (!cJSON_IsObject(def)) {
            error = xasprintf("%s: \"%s\": expected an object",
                              NODE_ANN_MGMT_PORT, NODE_ANN_DEFAULT_NETWORK);
        } else {
            char *why = parse_mgmt_entry(def, mp);
            if (why) {
                error = xasprintf("%s: \"%s\": %s", NODE_ANN_MGMT_PORT,
                                  NODE_ANN_DEFAULT_NETWORK, why);
                free(why);
            }
        }
    } else if (has_member(json, "PfId") || has_member(json, "FuncId")) {
        /* The legacy form: the bare entry, for the default network. */
        char *why = parse_mgmt_entry(json, mp);
        if (why) {
            error = xasprintf("%s: %s", NODE_ANN_MGMT_PORT, why);
            free(why);
        }
    } else {
        error = xasprintf("%s: no entry for the \"%s\" network",
                          NODE_ANN_MGMT_PORT, NODE_ANN_DEFAULT_NETWORK);
    }
    cJSON_Delete(json);

    if (error) {
        node_mgmt_port_destroy(mp);
        memset(mp, 0, sizeof *mp);
    }
    return error;
}

char *
node_mgmt_port_format(const struct node_mgmt_port *mp)
{
    cJSON *json = cJSON_CreateObject();
    cJSON *entry = cJSON_AddObjectToObject(json, NODE_ANN_DEFAULT_NETWORK);

    /* The members in the order of ovn-kubernetes' Go struct. */
    cJSON_AddStringToObject(entry, "DeviceId",
                            mp->device_id ? mp->device_id : "");
    cJSON_AddNumberToObject(entry, "PfId", mp->pf_id);
    cJSON_AddNumberToObject(entry, "FuncId", mp->func_id);
    return print_and_delete(json);
}

bool
node_mgmt_port_equal(const struct node_mgmt_port *a,
                     const struct node_mgmt_port *b)
{
    return (a->pf_id == b->pf_id && a->func_id == b->func_id
            && nullable_string_is_equal(a->device_id, b->device_id));
}

/* Addresses.
 * ========== */

char *
node_cidr_parse(const char *text, bool network, struct node_cidr *c)
{
    memset(c, 0, sizeof *c);

    const char *slash = strchr(text, '/');
    char addr[INET6_ADDRSTRLEN];
    size_t len = slash ? slash - text : 0;
    if (!slash || !len || len >= sizeof addr) {
        goto bad;
    }
    memcpy(addr, text, len);
    addr[len] = '\0';

    unsigned int max;
    struct in_addr a4;
    if (inet_pton(AF_INET, addr, &a4) == 1) {
        in6_addr_set_mapped_ipv4(&c->addr, a4.s_addr);
        max = 32;
    } else if (inet_pton(AF_INET6, addr, &c->addr) == 1
               && !IN6_IS_ADDR_V4MAPPED(&c->addr)) {
        max = 128;
    } else {
        goto bad;
    }

    const char *p = slash + 1;
    if (!isdigit((unsigned char) *p) || (p[0] == '0' && p[1])
        || strlen(p) > 3) {
        goto bad;
    }
    c->plen = atoi(p);
    for (; *p; p++) {
        if (!isdigit((unsigned char) *p)) {
            goto bad;
        }
    }
    if (c->plen > max) {
        goto bad;
    }

    if (network) {
        unsigned int bits = max == 32 ? c->plen + 96 : c->plen;
        for (unsigned int i = bits; i < 128; i++) {
            c->addr.s6_addr[i / 8] &= ~(0x80 >> (i % 8));
        }
    }
    return NULL;

bad: ;
    char *q = quote(text);
    char *error = xasprintf("\"%s\" is not an address with a prefix length "
                            "(e.g. 10.244.1.0/24)", q);
    free(q);
    memset(c, 0, sizeof *c);
    return error;
}

void
node_cidr_format(const struct node_cidr *c, bool with_plen, struct ds *s)
{
    char buf[INET6_ADDRSTRLEN];

    if (node_cidr_is_ipv4(c)) {
        ovs_be32 ip = in6_addr_get_mapped_ipv4(&c->addr);
        inet_ntop(AF_INET, &ip, buf, sizeof buf);
    } else {
        inet_ntop(AF_INET6, &c->addr, buf, sizeof buf);
    }
    ds_put_cstr(s, buf);
    if (with_plen) {
        ds_put_format(s, "/%u", c->plen);
    }
}

bool
node_cidr_nth(const struct node_cidr *subnet, unsigned int n,
              struct node_cidr *out)
{
    unsigned int host_bits = (node_cidr_is_ipv4(subnet) ? 32 : 128)
                             - subnet->plen;

    /* The subnet must have room for address 'n' and more (a /31 or /32
     * has no .2). */
    if (host_bits < 32 && (1ULL << host_bits) <= n + 1) {
        return false;
    }

    *out = *subnet;
    unsigned int carry = n;
    for (int i = 15; i >= 0 && carry; i--) {
        unsigned int sum = out->addr.s6_addr[i] + carry;
        out->addr.s6_addr[i] = sum & 0xff;
        carry = sum >> 8;
    }
    return true;
}

bool
node_cidr_contains(const struct node_cidr *subnet, const struct node_cidr *c)
{
    if (node_cidr_is_ipv4(subnet) != node_cidr_is_ipv4(c)) {
        return false;
    }
    unsigned int bits = subnet->plen + (node_cidr_is_ipv4(subnet) ? 96 : 0);
    for (unsigned int i = 0; i < bits; i++) {
        uint8_t mask = 0x80 >> (i % 8);
        if ((subnet->addr.s6_addr[i / 8] ^ c->addr.s6_addr[i / 8]) & mask) {
            return false;
        }
    }
    return true;
}

struct eth_addr
node_cidr_to_mac(const struct node_cidr *c)
{
    struct eth_addr mac = { .ea = { 0x0a, 0x58 } };

    if (node_cidr_is_ipv4(c)) {
        memcpy(&mac.ea[2], &c->addr.s6_addr[12], 4);
    } else {
        /* As Go's net.IP.String() writes it, which is RFC 5952's form,
         * as inet_ntop() writes it too. */
        struct ds text = DS_EMPTY_INITIALIZER;
        uint8_t digest[SHA256_DIGEST_LENGTH];

        node_cidr_format(c, false, &text);
        SHA256((const unsigned char *) text.string, text.length, digest);
        memcpy(&mac.ea[2], digest, 4);
        ds_destroy(&text);
    }
    return mac;
}

/* k8s.ovn.org/node-subnets
 * ======================== */

/* Adds subnet 'text' to '*subnets', refusing a second one of a family. */
static char *
add_subnet(const char *text, struct node_cidr **subnets, size_t *n)
{
    struct node_cidr c;
    char *error = node_cidr_parse(text, true, &c);
    if (error) {
        return error;
    }
    for (size_t i = 0; i < *n; i++) {
        if (node_cidr_is_ipv4(&(*subnets)[i]) == node_cidr_is_ipv4(&c)) {
            return xasprintf("more than one %s subnet",
                             node_cidr_is_ipv4(&c) ? "IPv4" : "IPv6");
        }
    }
    *subnets = xrealloc(*subnets, (*n + 1) * sizeof **subnets);
    (*subnets)[(*n)++] = c;
    return NULL;
}

char *
node_subnets_parse(const char *text, const char *network,
                   struct node_cidr **subnets, size_t *n_subnets)
{
    char *error;

    *subnets = NULL;
    *n_subnets = 0;
    cJSON *json = parse_object(NODE_ANN_SUBNETS, text, &error);
    if (!json) {
        return error;
    }

    char *why = NULL;
    const cJSON *entry = cJSON_GetObjectItemCaseSensitive(json, network);
    if (!entry) {
        why = xstrdup("no entry");
    } else if (cJSON_IsString(entry)) {
        why = add_subnet(entry->valuestring, subnets, n_subnets);
    } else if (cJSON_IsArray(entry)) {
        for (const cJSON *e = entry->child; e && !why; e = e->next) {
            why = (cJSON_IsString(e)
                   ? add_subnet(e->valuestring, subnets, n_subnets)
                   : xstrdup("expected a list of strings"));
        }
        if (!why && !*n_subnets) {
            why = xstrdup("empty list");
        }
    } else {
        why = xstrdup("expected a string or a list of strings");
    }
    cJSON_Delete(json);

    if (why) {
        char *q = quote(network);
        error = xasprintf("%s: \"%s\": %s", NODE_ANN_SUBNETS, q, why);
        free(q);
        free(why);
        free(*subnets);
        *subnets = NULL;
        *n_subnets = 0;
    }
    return error;
}

char *
node_subnets_format(const char *network, const struct node_cidr *subnets,
                    size_t n)
{
    cJSON *json = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(json, network);
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        ds_clear(&s);
        node_cidr_format(&subnets[i], true, &s);
        cJSON_AddItemToArray(list, cJSON_CreateString(ds_cstr(&s)));
    }
    ds_destroy(&s);
    return print_and_delete(json);
}

/* k8s.ovn.org/node-mgmt-port-mac-addresses
 * ======================================== */

char *
node_mgmt_mac_parse(const char *text, const char *network,
                    struct eth_addr *mac)
{
    char *error;
    cJSON *json = parse_object(NODE_ANN_MGMT_PORT_MACS, text, &error);
    if (!json) {
        return error;
    }

    const cJSON *entry = cJSON_GetObjectItemCaseSensitive(json, network);
    char *q = quote(network);
    if (!entry) {
        error = xasprintf("%s: \"%s\": no entry", NODE_ANN_MGMT_PORT_MACS,
                          q);
    } else if (!cJSON_IsString(entry)
               || !eth_addr_from_string(entry->valuestring, mac)
               || strlen(entry->valuestring) != ETH_ADDR_STRLEN) {
        error = xasprintf("%s: \"%s\": expected a MAC address "
                          "(xx:xx:xx:xx:xx:xx)", NODE_ANN_MGMT_PORT_MACS, q);
    }
    free(q);
    cJSON_Delete(json);
    return error;
}

/* k8s.ovn.org/primary-dpu-host-addr and k8s.ovn.org/host-cidrs
 * ============================================================ */

char *
node_primary_addr_format(const char *ipv4, const char *ipv6)
{
    cJSON *json = cJSON_CreateObject();

    if (ipv4) {
        cJSON_AddStringToObject(json, "ipv4", ipv4);
    }
    if (ipv6) {
        cJSON_AddStringToObject(json, "ipv6", ipv6);
    }
    return print_and_delete(json);
}

char *
node_host_cidrs_format(const struct svec *cidrs)
{
    struct sset set = SSET_INITIALIZER(&set);
    cJSON *json = cJSON_CreateArray();

    for (size_t i = 0; i < cidrs->n; i++) {
        sset_add(&set, cidrs->names[i]);
    }
    const char **sorted = sset_sort(&set);
    for (size_t i = 0; i < sset_count(&set); i++) {
        cJSON_AddItemToArray(json, cJSON_CreateString(sorted[i]));
    }
    free(sorted);
    sset_destroy(&set);
    return print_and_delete(json);
}

/* Node objects.
 * ============= */

/* Deletes every member of 'object' (if it is an object) that 'keep' does
 * not name. */
static void
keep_members(cJSON *object, const char *const *keep, size_t n)
{
    if (!cJSON_IsObject(object)) {
        return;
    }
    cJSON *next;
    for (cJSON *item = object->child; item; item = next) {
        bool wanted = false;
        next = item->next;
        for (size_t i = 0; i < n && !wanted; i++) {
            wanted = item->string && !strcmp(item->string, keep[i]);
        }
        if (!wanted) {
            cJSON_Delete(cJSON_DetachItemViaPointer(object, item));
        }
    }
}

void
node_ann_trim_node(cJSON *node)
{
    static const char *const top[] = { "metadata", "status" };
    static const char *const metadata[] = {
        "name", "uid", "resourceVersion", "annotations",
    };
    static const char *const annotations[] = {
        NODE_ANN_MGMT_PORT, NODE_ANN_SUBNETS, NODE_ANN_MGMT_PORT_MACS,
        NODE_ANN_PRIMARY_DPU_HOST_ADDR, NODE_ANN_HOST_CIDRS,
    };
    static const char *const status[] = { "addresses" };

    keep_members(node, top, ARRAY_SIZE(top));
    cJSON *md = cJSON_GetObjectItemCaseSensitive(node, "metadata");
    keep_members(md, metadata, ARRAY_SIZE(metadata));
    keep_members(cJSON_GetObjectItemCaseSensitive(md, "annotations"),
                 annotations, ARRAY_SIZE(annotations));
    keep_members(cJSON_GetObjectItemCaseSensitive(node, "status"), status,
                 ARRAY_SIZE(status));
}

const char *
node_ann_internal_ip(const cJSON *node)
{
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(node, "status");
    const cJSON *addrs = cJSON_GetObjectItemCaseSensitive(status,
                                                          "addresses");
    const cJSON *a;

    cJSON_ArrayForEach (a, addrs) {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(a, "type");
        const cJSON *addr = cJSON_GetObjectItemCaseSensitive(a, "address");
        if (cJSON_IsString(type) && !strcmp(type->valuestring, "InternalIP")
            && cJSON_IsString(addr)) {
            return addr->valuestring;
        }
    }
    return NULL;
}
