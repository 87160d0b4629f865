/*
 * What the host's management port must look like.  See
 * mgmt-port-config.h.
 */

#include <config.h>

#include "mgmt-port-config.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

char *
mgmt_port_parse_cidrs(const char *list, bool host_prefix,
                      struct node_cidr **cidrs, size_t *n)
{
    char *copy = xstrdup(list);
    char *save_ptr = NULL;
    char *error = NULL;

    *cidrs = NULL;
    *n = 0;
    for (char *token = strtok_r(copy, ",", &save_ptr); token && !error;
         token = strtok_r(NULL, ",", &save_ptr)) {
        /* "10.128.0.0/14/23": the last part is the length of each node's
         * subnet, which the cluster manager uses, not us; but it must
         * make sense. */
        char *first = strchr(token, '/');
        char *second = host_prefix && first ? strchr(first + 1, '/') : NULL;
        if (second) {
            *second++ = '\0';
        }
        struct node_cidr c;
        error = node_cidr_parse(token, true, &c);
        if (!error && second) {
            int len, max = node_cidr_is_ipv4(&c) ? 32 : 128;
            if (!str_to_int(second, 10, &len) || len < (int) c.plen
                || len > max) {
                error = xasprintf("\"%s/%s\": the host subnet length is "
                                  "not a number from %u to %d", token,
                                  second, c.plen, max);
            }
        }
        if (!error) {
            *cidrs = xrealloc(*cidrs, (*n + 1) * sizeof **cidrs);
            (*cidrs)[(*n)++] = c;
        }
    }
    if (!error && !*n) {
        error = xstrdup("an empty list");
    }
    if (error) {
        free(*cidrs);
        *cidrs = NULL;
        *n = 0;
    }
    free(copy);
    return error;
}

/* Adds to 'fam' a route for each of 'cidrs' of the same family as
 * 'subnet'. */
static void
add_routes(struct mgmt_port_family *fam, const struct node_cidr *subnet,
           const struct node_cidr *cidrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (node_cidr_is_ipv4(&cidrs[i]) == node_cidr_is_ipv4(subnet)) {
            fam->routes = xrealloc(fam->routes,
                                   (fam->n_routes + 1) * sizeof *fam->routes);
            fam->routes[fam->n_routes++] = cidrs[i];
        }
    }
}

static bool
has_family(const struct node_cidr *cidrs, size_t n, bool ipv4)
{
    for (size_t i = 0; i < n; i++) {
        if (node_cidr_is_ipv4(&cidrs[i]) == ipv4) {
            return true;
        }
    }
    return false;
}

char *
mgmt_port_config_build(const struct node_cidr *subnets, size_t n,
                       const struct eth_addr *mac,
                       const struct mgmt_port_settings *s,
                       struct mgmt_port_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->mtu = s->mtu;
    cfg->routable_mtu = s->routable_mtu;

    for (size_t i = 0; i < n && cfg->n_families < 2; i++) {
        const struct node_cidr *subnet = &subnets[i];
        struct mgmt_port_family fam;

        memset(&fam, 0, sizeof fam);
        if (!node_cidr_nth(subnet, 1, &fam.gw)
            || !node_cidr_nth(subnet, 2, &fam.addr)) {
            struct ds s_ = DS_EMPTY_INITIALIZER;
            node_cidr_format(subnet, true, &s_);
            char *error = xasprintf("node subnet %s is too small for a "
                                    "gateway and a management port",
                                    ds_cstr(&s_));
            ds_destroy(&s_);
            mgmt_port_config_destroy(cfg);
            return error;
        }
        if (!cfg->n_families && !mac) {
            cfg->mac = node_cidr_to_mac(&fam.addr);
        }
        /* As ovn-kubernetes does: a family without cluster subnets gets
         * no management port address. */
        if (!has_family(s->cluster_subnets, s->n_cluster_subnets,
                        node_cidr_is_ipv4(subnet))) {
            continue;
        }
        add_routes(&fam, subnet, s->cluster_subnets, s->n_cluster_subnets);
        add_routes(&fam, subnet, s->service_cidrs, s->n_service_cidrs);
        cfg->families[cfg->n_families++] = fam;
    }
    if (!cfg->n_families) {
        mgmt_port_config_destroy(cfg);
        return xstrdup("no node subnet is of a family the cluster subnets "
                       "have (--cluster-subnets)");
    }
    if (mac) {
        cfg->mac = *mac;
    }

    /* The IPv4 gateway's MAC, if there is one. */
    const struct mgmt_port_family *gw_fam = &cfg->families[0];
    for (size_t i = 0; i < cfg->n_families; i++) {
        if (node_cidr_is_ipv4(&cfg->families[i].gw)) {
            gw_fam = &cfg->families[i];
            break;
        }
    }
    cfg->gw_mac = node_cidr_to_mac(&gw_fam->gw);
    return NULL;
}

void
mgmt_port_config_destroy(struct mgmt_port_config *cfg)
{
    if (cfg) {
        for (size_t i = 0; i < cfg->n_families; i++) {
            free(cfg->families[i].routes);
        }
        memset(cfg, 0, sizeof *cfg);
    }
}

bool
mgmt_port_config_equal(const struct mgmt_port_config *a,
                       const struct mgmt_port_config *b)
{
    if (!eth_addr_equals(a->mac, b->mac)
        || !eth_addr_equals(a->gw_mac, b->gw_mac)
        || a->mtu != b->mtu || a->routable_mtu != b->routable_mtu
        || a->n_families != b->n_families) {
        return false;
    }
    for (size_t i = 0; i < a->n_families; i++) {
        const struct mgmt_port_family *x = &a->families[i];
        const struct mgmt_port_family *y = &b->families[i];
        if (memcmp(&x->addr, &y->addr, sizeof x->addr)
            || memcmp(&x->gw, &y->gw, sizeof x->gw)
            || x->n_routes != y->n_routes
            || memcmp(x->routes, y->routes,
                      x->n_routes * sizeof *x->routes)) {
            return false;
        }
    }
    return true;
}

void
mgmt_port_config_format(const struct mgmt_port_config *cfg,
                        const char *indent, struct ds *s)
{
    ds_put_format(s, "%smac "ETH_ADDR_FMT" mtu %d\n", indent,
                  ETH_ADDR_ARGS(cfg->mac), cfg->mtu);
    for (size_t i = 0; i < cfg->n_families; i++) {
        const struct mgmt_port_family *fam = &cfg->families[i];

        ds_put_format(s, "%saddress ", indent);
        node_cidr_format(&fam->addr, true, s);
        ds_put_cstr(s, ", gateway ");
        node_cidr_format(&fam->gw, false, s);
        ds_put_format(s, " lladdr "ETH_ADDR_FMT"\n",
                      ETH_ADDR_ARGS(cfg->gw_mac));
        for (size_t j = 0; j < fam->n_routes; j++) {
            ds_put_format(s, "%sroute ", indent);
            node_cidr_format(&fam->routes[j], true, s);
            ds_put_cstr(s, " via ");
            node_cidr_format(&fam->gw, false, s);
            if (cfg->routable_mtu) {
                ds_put_format(s, " mtu %d", cfg->routable_mtu);
            }
            ds_put_char(s, '\n');
        }
    }
}
