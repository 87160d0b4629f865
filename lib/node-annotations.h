/*
 * Codecs for the Node annotations through which the node's management
 * port is set up, on the host cluster's Node of a DPU host:
 *
 *   k8s.ovn.org/node-mgmt-port        written by the host side: which
 *       host function (PF and VF) is the management port, so that the DPU
 *       side can plug its representor:
 *           {"default": {"DeviceId": "0000:03:00.4", "PfId": 0,
 *                        "FuncId": 3}}
 *       The legacy form, {"PfId": 0, "FuncId": 3}, means the default
 *       network and has no DeviceId.  Member names match regardless of
 *       case, as Go's encoding/json matches them (pod_ann_find_member());
 *       the formatter writes the canonical case.
 *
 *   k8s.ovn.org/node-subnets          written by ovnkube's cluster
 *       manager: the node's pod subnets, per network,
 *           {"default": ["10.244.1.0/24", "fd00:10:244:1::/64"]}
 *       or, single-stack and older, {"default": "10.244.1.0/24"}.
 *
 *   k8s.ovn.org/node-mgmt-port-mac-addresses   older ovnkube: the
 *       management port's MAC per network, {"default": "0a:58:..."}.
 *
 *   k8s.ovn.org/primary-dpu-host-addr  written by the host side: the
 *       first IPv4 and IPv6 address of its gateway interface,
 *           {"ipv4": "192.0.2.10/24"}
 *
 *   k8s.ovn.org/host-cidrs             written by the host side: its
 *       addresses that matter for routing, ["192.0.2.10/24"].
 *
 * And what follows from a node subnet for its management port, as
 * ovn-kubernetes derives it: the gateway (router port) is the subnet's
 * first address (".1"), the management port the second (".2"), and the
 * MAC address of each is derived from its IP address (node_cidr_to_mac()).
 *
 * These are pure functions: no I/O, no logging.  Parsers return NULL, or
 * on failure an error message (naming the annotation and what is wrong)
 * that the caller must free().  Formatters return a malloc()ed compact
 * JSON text.
 */

#ifndef NODE_ANNOTATIONS_H
#define NODE_ANNOTATIONS_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"
#include "openvswitch/types.h"

struct cJSON;
struct ds;
struct svec;

#define NODE_ANN_MGMT_PORT "k8s.ovn.org/node-mgmt-port"
#define NODE_ANN_SUBNETS "k8s.ovn.org/node-subnets"
#define NODE_ANN_MGMT_PORT_MACS "k8s.ovn.org/node-mgmt-port-mac-addresses"
#define NODE_ANN_PRIMARY_DPU_HOST_ADDR "k8s.ovn.org/primary-dpu-host-addr"
#define NODE_ANN_HOST_CIDRS "k8s.ovn.org/host-cidrs"

/* The network name of the default network in these annotations. */
#define NODE_ANN_DEFAULT_NETWORK "default"

/* The management port's name on both sides, and the prefix of its OVN
 * logical port ("k8s-<node>"). */
#define NODE_MGMT_PORT_NAME "ovn-k8s-mp0"
#define NODE_MGMT_PORT_LSP_PREFIX "k8s-"

/* Largest PF and function numbers accepted. */
#define NODE_ANN_MAX_PF_ID 255
#define NODE_ANN_MAX_FUNC_ID 65535

/* k8s.ovn.org/node-mgmt-port
 * ========================== */

struct node_mgmt_port {
    char *device_id;            /* PCI address or netdev; NULL if legacy. */
    int pf_id;                  /* Host PF index. */
    int func_id;                /* VF index within the PF. */
};

void node_mgmt_port_destroy(struct node_mgmt_port *);

/* Parses 'text', the annotation's value, into '*mp' (the default
 * network's entry).  On error, '*mp' is zeroed and has nothing to free. */
char *node_mgmt_port_parse(const char *text, struct node_mgmt_port *mp)
    OVS_WARN_UNUSED_RESULT;

/* The annotation's value for 'mp' (the default network only), in the
 * current form. */
char *node_mgmt_port_format(const struct node_mgmt_port *mp);

/* True if 'a' and 'b' name the same function with the same device id. */
bool node_mgmt_port_equal(const struct node_mgmt_port *a,
                          const struct node_mgmt_port *b);

/* Addresses.
 * ========== */

/* An IP address with a prefix length.  IPv4 addresses are held
 * IPv4-mapped. */
struct node_cidr {
    struct in6_addr addr;
    unsigned int plen;          /* 0...32 for IPv4, 0...128 for IPv6. */
};

static inline bool
node_cidr_is_ipv4(const struct node_cidr *c)
{
    return IN6_IS_ADDR_V4MAPPED(&c->addr);
}

/* Parses 'text', "ADDRESS/PLEN", into '*c'.  With 'network' true, clears
 * the host bits, as a subnet ("10.244.1.5/24" is 10.244.1.0/24). */
char *node_cidr_parse(const char *text, bool network, struct node_cidr *c)
    OVS_WARN_UNUSED_RESULT;

/* Appends "ADDRESS/PLEN" to 's', or just "ADDRESS" if 'with_plen' is
 * false. */
void node_cidr_format(const struct node_cidr *, bool with_plen,
                      struct ds *s);

/* Address number 'n' of subnet 'subnet' (1 for the gateway, 2 for the
 * management port), with the subnet's prefix length.  Returns false if
 * the subnet is too small to have it. */
bool node_cidr_nth(const struct node_cidr *subnet, unsigned int n,
                   struct node_cidr *out);

/* True if 'c' (an address) lies in 'subnet'. */
bool node_cidr_contains(const struct node_cidr *subnet,
                        const struct node_cidr *c);

/* The MAC address ovn-kubernetes derives from IP address 'c' (its
 * IPAddrToHWAddr): 0a:58 then, for IPv4, the four address bytes; for
 * IPv6, the first four bytes of the SHA-256 of the address's text. */
struct eth_addr node_cidr_to_mac(const struct node_cidr *c);

/* k8s.ovn.org/node-subnets
 * ======================== */

/* Parses 'text', the annotation's value, and stores the subnets of
 * network 'network' in '*subnets' (which the caller must initialize and
 * free), at most one per address family (as ovn-kubernetes uses them; a
 * second of a family is an error).  Fails if the network has no entry. */
char *node_subnets_parse(const char *text, const char *network,
                         struct node_cidr **subnets, size_t *n_subnets)
    OVS_WARN_UNUSED_RESULT;

/* Formats 'subnets' as the annotation's value for network 'network', in
 * the current (list) form. */
char *node_subnets_format(const char *network,
                          const struct node_cidr *subnets, size_t n);

/* k8s.ovn.org/node-mgmt-port-mac-addresses
 * ======================================== */

/* Parses 'text' and stores network 'network''s MAC in '*mac'.  Returns
 * an error, also if the network has no entry. */
char *node_mgmt_mac_parse(const char *text, const char *network,
                          struct eth_addr *mac) OVS_WARN_UNUSED_RESULT;

/* k8s.ovn.org/primary-dpu-host-addr and k8s.ovn.org/host-cidrs
 * ============================================================ */

/* {"ipv4":"...","ipv6":"..."}, each member only if nonnull. */
char *node_primary_addr_format(const char *ipv4, const char *ipv6);

/* The sorted, duplicate-free JSON list of 'cidrs'. */
char *node_host_cidrs_format(const struct svec *cidrs);

/* Node objects.
 * ============= */

/* Deletes from 'node', a Node object as the API server returns it, every
 * member that neither agent reads: what is left is metadata.name, uid and
 * resourceVersion, the annotations above (other annotations go), and
 * status.addresses.  For k8s_watch_set_trim(). */
void node_ann_trim_node(struct cJSON *node);

/* The first InternalIP address in the status of 'node', or NULL. */
const char *node_ann_internal_ip(const struct cJSON *node);

#endif /* node-annotations.h */
