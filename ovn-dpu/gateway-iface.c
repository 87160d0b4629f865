/*
 * The host's gateway interface and its Node annotations.  See
 * gateway-iface.h.
 */

#include <config.h>

#include "gateway-iface.h"

#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "node-annotations.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "util.h"
#include "vf-device.h"

char *
gateway_iface_derive(const char *sysfs_root, const char *vf_pci, char **name)
{
    struct svec netdevs = SVEC_EMPTY_INITIALIZER;
    char *pf_pci;

    *name = NULL;
    char *error = vf_device_pf_netdevs(sysfs_root, vf_pci, &pf_pci,
                                       &netdevs);
    if (!error) {
        *name = xstrdup(netdevs.names[0]);
        free(pf_pci);
    }
    svec_destroy(&netdevs);
    return error;
}

/* One address of one device. */
struct host_addr {
    int ifindex;
    struct node_cidr cidr;
};

struct addr_list {
    struct host_addr *addrs;
    size_t n;
};

static void
collect(struct nl_object *obj, void *aux_)
{
    struct addr_list *l = aux_;
    struct rtnl_addr *a = (struct rtnl_addr *) obj;
    struct nl_addr *local = rtnl_addr_get_local(a);
    char buf[INET6_ADDRSTRLEN + 8];
    struct node_cidr c;

    if (!local || (rtnl_addr_get_family(a) != AF_INET
                   && rtnl_addr_get_family(a) != AF_INET6)) {
        return;
    }
    nl_addr2str(local, buf, sizeof buf);
    if (!strchr(buf, '/')) {
        /* nl_addr2str() leaves out a full-length prefix. */
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "/%u",
                 rtnl_addr_get_prefixlen(a));
    }
    char *error = node_cidr_parse(buf, false, &c);
    if (error) {
        free(error);
        return;
    }
    if (!node_cidr_is_ipv4(&c) && c.addr.s6_addr[0] == 0xfe
        && (c.addr.s6_addr[1] & 0xc0) == 0x80) {
        return;                 /* Link-local. */
    }
    l->addrs = xrealloc(l->addrs, (l->n + 1) * sizeof *l->addrs);
    l->addrs[l->n++] = (struct host_addr) {
        .ifindex = rtnl_addr_get_ifindex(a), .cidr = c,
    };
}

/* The first address of family 'ipv4' of device 'ifindex', or NULL. */
static const struct node_cidr *
first_addr(const struct addr_list *l, int ifindex, bool ipv4)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->addrs[i].ifindex == ifindex
            && node_cidr_is_ipv4(&l->addrs[i].cidr) == ipv4) {
            return &l->addrs[i].cidr;
        }
    }
    return NULL;
}

static char *
cidr_string(const struct node_cidr *c)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    node_cidr_format(c, true, &s);
    return ds_steal_cstr(&s);
}

static char *
build(const struct addr_list *l, struct nl_cache *links, const char *node_ip,
      const char *gw_iface, char **primary, char **cidrs, char **used)
{
    int kube = 0;
    if (node_ip) {
        struct node_cidr ip;
        char *text = xasprintf("%s/%d", node_ip, strchr(node_ip, ':')
                               ? 128 : 32);
        char *error = node_cidr_parse(text, false, &ip);
        free(text);
        if (error) {
            return error;
        }
        for (size_t i = 0; i < l->n && !kube; i++) {
            /* The address's own subnet holds the Node's IP. */
            if (node_cidr_contains(&l->addrs[i].cidr, &ip)) {
                kube = l->addrs[i].ifindex;
            }
        }
        if (!kube) {
            return xasprintf("no interface has the Node's IP address %s",
                             node_ip);
        }
    }

    int gw = gw_iface ? rtnl_link_name2i(links, gw_iface) : kube;
    if (!gw) {
        return (gw_iface
                ? xasprintf("gateway interface %s: no such device", gw_iface)
                : xstrdup("the Node has no InternalIP address yet"));
    }
    if (!kube) {
        kube = gw;
    }

    const struct node_cidr *kube4 = first_addr(l, kube, true);
    const struct node_cidr *gw4 = first_addr(l, gw, true);
    const struct node_cidr *gw6 = first_addr(l, gw, false);
    if (!gw4 && !gw6) {
        char name[IFNAMSIZ];
        return xasprintf("gateway interface %s has no address",
                         rtnl_link_i2name(links, gw, name, sizeof name));
    }

    char *v4 = gw4 ? cidr_string(gw4) : NULL;
    char *v6 = gw6 ? cidr_string(gw6) : NULL;
    *primary = node_primary_addr_format(v4, v6);

    struct svec set = SVEC_EMPTY_INITIALIZER;
    if (kube4) {
        svec_add_nocopy(&set, cidr_string(kube4));
    }
    if (gw4) {
        svec_add(&set, v4);
    }
    *cidrs = node_host_cidrs_format(&set);
    svec_destroy(&set);
    free(v4);
    free(v6);

    char name[IFNAMSIZ];
    *used = xstrdup(rtnl_link_i2name(links, gw, name, sizeof name));
    return NULL;
}

char *
gateway_iface_annotations(const char *node_ip, const char *gw_iface,
                          char **primary, char **cidrs, char **used)
{
    struct nl_cache *addrs = NULL, *links = NULL;
    struct addr_list l = { NULL, 0 };
    char *error = NULL;

    *primary = *cidrs = *used = NULL;
    struct nl_sock *sock = nl_socket_alloc();
    int err = sock ? nl_connect(sock, NETLINK_ROUTE) : -NLE_NOMEM;
    if (!err) {
        err = rtnl_addr_alloc_cache(sock, &addrs);
    }
    if (!err) {
        err = rtnl_link_alloc_cache(sock, AF_UNSPEC, &links);
    }
    if (err) {
        error = xasprintf("rtnetlink: %s", nl_geterror(err));
    } else {
        nl_cache_foreach(addrs, collect, &l);
        error = build(&l, links, node_ip, gw_iface, primary, cidrs, used);
    }

    free(l.addrs);
    if (addrs) {
        nl_cache_free(addrs);
    }
    if (links) {
        nl_cache_free(links);
    }
    nl_socket_free(sock);
    return error;
}
