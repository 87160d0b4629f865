/*
 * What the host's management port must look like, derived from the
 * node's subnets and the cluster's configuration as ovn-kubernetes
 * derives it (managementPortConfig):
 *
 *   - for each address family of the node's subnets that the cluster has
 *     subnets of: the port's address is the node subnet's second address
 *     (".2"), the gateway the first (".1"), and there is a route through
 *     the gateway to each cluster subnet and each service CIDR of that
 *     family, with the routable MTU;
 *   - the port's MAC is derived from the address of the first node subnet
 *     (unless the Node names one in k8s.ovn.org/node-mgmt-port-mac-
 *     addresses), the gateway's MAC from the IPv4 gateway if there is
 *     one, else from the IPv6 one; the port has a permanent neighbour
 *     entry for each gateway with that MAC;
 *   - the port's MTU is the overlay MTU.
 *
 * Pure: no I/O.
 */

#ifndef MGMT_PORT_CONFIG_H
#define MGMT_PORT_CONFIG_H 1

#include <stdbool.h>
#include <stddef.h>

#include "node-annotations.h"
#include "openvswitch/compiler.h"
#include "openvswitch/types.h"

struct ds;

/* The cluster-wide settings (ovnkube's options of the same names). */
struct mgmt_port_settings {
    struct node_cidr *cluster_subnets;  /* --cluster-subnets. */
    size_t n_cluster_subnets;
    struct node_cidr *service_cidrs;    /* --k8s-service-cidrs. */
    size_t n_service_cidrs;
    int mtu;                            /* --mtu. */
    int routable_mtu;                   /* --routable-mtu, 0 for none. */
};

#define MGMT_PORT_DEFAULT_MTU 1400
#define MGMT_PORT_DEFAULT_CLUSTER_SUBNETS "10.128.0.0/14/23"
#define MGMT_PORT_DEFAULT_SERVICE_CIDRS "172.16.1.0/24"

/* Parses a comma-separated list of CIDRs into '*cidrs'.  With
 * 'host_prefix', each may end in "/<host subnet length>", as
 * --cluster-subnets allows ("10.128.0.0/14/23"), which is ignored here. */
char *mgmt_port_parse_cidrs(const char *list, bool host_prefix,
                            struct node_cidr **cidrs, size_t *n)
    OVS_WARN_UNUSED_RESULT;

/* One address family of the port. */
struct mgmt_port_family {
    struct node_cidr addr;      /* ".2", with the node subnet's length. */
    struct node_cidr gw;        /* ".1", likewise. */
    struct node_cidr *routes;   /* Cluster subnets and service CIDRs. */
    size_t n_routes;
};

struct mgmt_port_config {
    struct eth_addr mac;
    struct eth_addr gw_mac;
    int mtu;
    int routable_mtu;
    struct mgmt_port_family families[2];
    size_t n_families;
};

/* Builds '*cfg' from the node's 'subnets' and 'settings'.  'mac', if
 * nonnull, is the MAC the Node's annotation gives.  Returns NULL or an
 * error message, which the caller must free(). */
char *mgmt_port_config_build(const struct node_cidr *subnets, size_t n,
                             const struct eth_addr *mac,
                             const struct mgmt_port_settings *settings,
                             struct mgmt_port_config *cfg)
    OVS_WARN_UNUSED_RESULT;
void mgmt_port_config_destroy(struct mgmt_port_config *);
bool mgmt_port_config_equal(const struct mgmt_port_config *,
                            const struct mgmt_port_config *);

/* Describes 'cfg' for "mgmt/show", one line per item, each indented by
 * 'indent'. */
void mgmt_port_config_format(const struct mgmt_port_config *,
                             const char *indent, struct ds *);

#endif /* mgmt-port-config.h */
