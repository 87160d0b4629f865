/*
 * The host's management port in the kernel.  See mgmt-port-link.h.
 */

#include <config.h>

#include "mgmt-port-link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "mgmt-port-config.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

/* libnl folds many kernel errors into "Unspecific failure", so the
 * kernel's own errno is kept from the last error message. */
static int kernel_errno;

static int
record_errno(struct sockaddr_nl *nla OVS_UNUSED, struct nlmsgerr *e,
             void *aux OVS_UNUSED)
{
    kernel_errno = -e->error;
    return NL_STOP;
}

static const char *
describe(int err)
{
    int error = kernel_errno;

    kernel_errno = 0;
    return error > 0 ? ovs_strerror(error) : nl_geterror(err);
}

/* The state of one sync or flush: a socket and the caches it read. */
struct nl_state {
    struct nl_sock *sock;
    struct nl_cache *addrs;
    struct nl_cache *routes;
    struct nl_cache *neighs;
};

static char *
nl_state_open(struct nl_state *st)
{
    memset(st, 0, sizeof *st);
    st->sock = nl_socket_alloc();
    int err = st->sock ? nl_connect(st->sock, NETLINK_ROUTE) : -NLE_NOMEM;
    if (!err) {
        nl_socket_modify_err_cb(st->sock, NL_CB_CUSTOM, record_errno, NULL);
        err = rtnl_addr_alloc_cache(st->sock, &st->addrs);
    }
    if (!err) {
        err = rtnl_route_alloc_cache(st->sock, AF_UNSPEC, 0, &st->routes);
    }
    if (!err) {
        err = rtnl_neigh_alloc_cache(st->sock, &st->neighs);
    }
    return err ? xasprintf("rtnetlink: %s", describe(err)) : NULL;
}

static void
nl_state_close(struct nl_state *st)
{
    if (st->addrs) {
        nl_cache_free(st->addrs);
    }
    if (st->routes) {
        nl_cache_free(st->routes);
    }
    if (st->neighs) {
        nl_cache_free(st->neighs);
    }
    nl_socket_free(st->sock);
}

/* Conversions between node_cidr and libnl addresses. */

static struct nl_addr *
to_nl(const struct node_cidr *c, bool with_plen)
{
    struct nl_addr *a;

    if (node_cidr_is_ipv4(c)) {
        a = nl_addr_build(AF_INET, &c->addr.s6_addr[12], 4);
    } else {
        a = nl_addr_build(AF_INET6, &c->addr, 16);
    }
    nl_addr_set_prefixlen(a, with_plen ? c->plen
                          : node_cidr_is_ipv4(c) ? 32 : 128);
    return a;
}

/* True if 'a' (a libnl address of any family) is 'c', prefix length
 * included if 'with_plen'. */
static bool
nl_is(const struct nl_addr *a, const struct node_cidr *c, bool with_plen)
{
    struct nl_addr *want = to_nl(c, with_plen);
    bool same = (a && nl_addr_get_family(a) == nl_addr_get_family(want)
                 && nl_addr_get_len(a) == nl_addr_get_len(want)
                 && !memcmp(nl_addr_get_binary_addr(a),
                            nl_addr_get_binary_addr(want),
                            nl_addr_get_len(a))
                 && (!with_plen || (nl_addr_get_prefixlen(a)
                                    == nl_addr_get_prefixlen(want))));
    nl_addr_put(want);
    return same;
}

static void
put_cidr(struct ds *s, const struct node_cidr *c, bool with_plen)
{
    node_cidr_format(c, with_plen, s);
}

/* Addresses. */

static bool
is_ipv6_link_local(struct nl_addr *a)
{
    const uint8_t *b = nl_addr_get_binary_addr(a);
    return (nl_addr_get_family(a) == AF_INET6 && b[0] == 0xfe
            && (b[1] & 0xc0) == 0x80);
}

struct addr_walk {
    int ifindex;
    const struct mgmt_port_config *cfg;   /* NULL: remove all. */
    bool found[2];              /* Per family of 'cfg'. */
    struct nl_object *objs[64]; /* Addresses to remove. */
    size_t n_objs;
};

static void
walk_addr(struct nl_object *obj, void *aux_)
{
    struct addr_walk *w = aux_;
    struct rtnl_addr *addr = (struct rtnl_addr *) obj;
    struct nl_addr *local = rtnl_addr_get_local(addr);

    if (rtnl_addr_get_ifindex(addr) != w->ifindex || !local
        || is_ipv6_link_local(local)) {
        return;
    }
    for (size_t i = 0; w->cfg && i < w->cfg->n_families; i++) {
        if (nl_is(local, &w->cfg->families[i].addr, true)) {
            w->found[i] = true;
            return;
        }
    }
    if (w->n_objs < ARRAY_SIZE(w->objs)) {
        nl_object_get(obj);
        w->objs[w->n_objs++] = obj;
    }
}

/* Removes the addresses that 'w' collected. */
static char *
remove_addrs(struct nl_state *st, struct addr_walk *w, struct svec *fixed)
{
    char *error = NULL;

    for (size_t i = 0; i < w->n_objs; i++) {
        struct rtnl_addr *addr = (struct rtnl_addr *) w->objs[i];
        char buf[INET6_ADDRSTRLEN + 8];

        nl_addr2str(rtnl_addr_get_local(addr), buf, sizeof buf);
        kernel_errno = 0;
        int err = rtnl_addr_delete(st->sock, addr, 0);
        if (err && !error) {
            error = xasprintf("removing address %s: %s", buf, describe(err));
        } else if (!err && fixed) {
            svec_add_nocopy(fixed, xasprintf("removed address %s", buf));
        }
        nl_object_put(w->objs[i]);
    }
    w->n_objs = 0;
    return error;
}

static char *
sync_addrs(struct nl_state *st, int ifindex,
           const struct mgmt_port_config *cfg, struct svec *fixed)
{
    struct addr_walk w = { .ifindex = ifindex, .cfg = cfg };

    nl_cache_foreach(st->addrs, walk_addr, &w);
    char *error = remove_addrs(st, &w, fixed);

    for (size_t i = 0; i < cfg->n_families && !error; i++) {
        if (w.found[i]) {
            continue;
        }
        const struct node_cidr *c = &cfg->families[i].addr;
        struct rtnl_addr *addr = rtnl_addr_alloc();
        struct nl_addr *local = to_nl(c, true);

        rtnl_addr_set_ifindex(addr, ifindex);
        rtnl_addr_set_local(addr, local);
        if (!node_cidr_is_ipv4(c)) {
            /* OVN answers for the address: duplicate detection would
             * only hold it back. */
            rtnl_addr_set_flags(addr, IFA_F_NODAD);
        }
        kernel_errno = 0;
        int err = rtnl_addr_add(st->sock, addr, 0);
        struct ds s = DS_EMPTY_INITIALIZER;
        put_cidr(&s, c, true);
        if (err) {
            error = xasprintf("adding address %s: %s", ds_cstr(&s),
                              describe(err));
        } else {
            svec_add_nocopy(fixed, xasprintf("added address %s",
                                             ds_cstr(&s)));
        }
        ds_destroy(&s);
        nl_addr_put(local);
        rtnl_addr_put(addr);
    }
    return error;
}

/* Routes. */

/* True if 'route' is the main-table route to 'dst' through 'gw' on
 * 'ifindex' with MTU 'mtu' (0: none). */
static bool
route_is(struct rtnl_route *route, int ifindex, const struct node_cidr *dst,
         const struct node_cidr *gw, int mtu)
{
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN
        || !nl_is(rtnl_route_get_dst(route), dst, true)
        || rtnl_route_get_nnexthops(route) != 1) {
        return false;
    }
    struct rtnl_nexthop *nh = rtnl_route_nexthop_n(route, 0);
    uint32_t have_mtu = 0;
    if (rtnl_route_get_metric(route, RTAX_MTU, &have_mtu)) {
        have_mtu = 0;
    }
    return (rtnl_route_nh_get_ifindex(nh) == ifindex
            && nl_is(rtnl_route_nh_get_gateway(nh), gw, false)
            && have_mtu == (uint32_t) mtu);
}

struct route_find {
    int ifindex;
    const struct node_cidr *dst, *gw;
    int mtu;
    bool found;
};

static void
find_route(struct nl_object *obj, void *aux_)
{
    struct route_find *f = aux_;

    f->found |= route_is((struct rtnl_route *) obj, f->ifindex, f->dst,
                         f->gw, f->mtu);
}

static char *
add_route(struct nl_state *st, int ifindex, const struct node_cidr *dst,
          const struct node_cidr *gw, int mtu)
{
    struct rtnl_route *route = rtnl_route_alloc();
    struct nl_addr *d = to_nl(dst, true);
    struct nl_addr *g = to_nl(gw, false);

    rtnl_route_set_family(route, nl_addr_get_family(d));
    rtnl_route_set_dst(route, d);
    rtnl_route_set_table(route, RT_TABLE_MAIN);
    rtnl_route_set_protocol(route, RTPROT_BOOT);
    rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
    if (mtu) {
        rtnl_route_set_metric(route, RTAX_MTU, mtu);
    }
    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    rtnl_route_nh_set_ifindex(nh, ifindex);
    rtnl_route_nh_set_gateway(nh, g);
    rtnl_route_add_nexthop(route, nh);

    kernel_errno = 0;
    int err = rtnl_route_add(st->sock, route, NLM_F_REPLACE);
    char *error = err ? xstrdup(describe(err)) : NULL;
    rtnl_route_put(route);
    nl_addr_put(d);
    nl_addr_put(g);
    return error;
}

static char *
sync_routes(struct nl_state *st, int ifindex,
            const struct mgmt_port_config *cfg, struct svec *fixed)
{
    for (size_t i = 0; i < cfg->n_families; i++) {
        const struct mgmt_port_family *fam = &cfg->families[i];

        for (size_t j = 0; j < fam->n_routes; j++) {
            struct route_find f = {
                .ifindex = ifindex, .dst = &fam->routes[j], .gw = &fam->gw,
                .mtu = cfg->routable_mtu,
            };
            nl_cache_foreach(st->routes, find_route, &f);
            if (f.found) {
                continue;
            }

            struct ds s = DS_EMPTY_INITIALIZER;
            put_cidr(&s, &fam->routes[j], true);
            ds_put_cstr(&s, " via ");
            put_cidr(&s, &fam->gw, false);
            if (cfg->routable_mtu) {
                ds_put_format(&s, " mtu %d", cfg->routable_mtu);
            }
            char *why = add_route(st, ifindex, &fam->routes[j], &fam->gw,
                                  cfg->routable_mtu);
            if (why) {
                char *error = xasprintf("adding route %s: %s",
                                        ds_cstr(&s), why);
                free(why);
                ds_destroy(&s);
                return error;
            }
            svec_add_nocopy(fixed, xasprintf("added route %s",
                                             ds_cstr(&s)));
            ds_destroy(&s);
        }
    }
    return NULL;
}

/* Neighbour entries. */

static char *
sync_neigh(struct nl_state *st, int ifindex, const struct node_cidr *gw,
           const struct eth_addr *mac, struct svec *fixed)
{
    struct nl_addr *dst = to_nl(gw, false);
    struct rtnl_neigh *cur = rtnl_neigh_get(st->neighs, ifindex, dst);
    struct nl_addr *ll = nl_addr_build(AF_LLC, mac->ea, ETH_ADDR_LEN);
    char *error = NULL;

    if (cur && rtnl_neigh_get_state(cur) == NUD_PERMANENT
        && rtnl_neigh_get_lladdr(cur)
        && !nl_addr_cmp(rtnl_neigh_get_lladdr(cur), ll)) {
        goto out;               /* Right. */
    }

    struct rtnl_neigh *n = rtnl_neigh_alloc();
    rtnl_neigh_set_ifindex(n, ifindex);
    rtnl_neigh_set_dst(n, dst);
    rtnl_neigh_set_lladdr(n, ll);
    rtnl_neigh_set_state(n, NUD_PERMANENT);
    kernel_errno = 0;
    int err = rtnl_neigh_add(st->sock, n, NLM_F_CREATE | NLM_F_REPLACE);
    rtnl_neigh_put(n);

    struct ds s = DS_EMPTY_INITIALIZER;
    put_cidr(&s, gw, false);
    if (err) {
        error = xasprintf("setting neighbour %s lladdr "ETH_ADDR_FMT": %s",
                          ds_cstr(&s), ETH_ADDR_ARGS(*mac), describe(err));
    } else {
        svec_add_nocopy(fixed, xasprintf("set neighbour %s lladdr "
                                         ETH_ADDR_FMT" permanent",
                                         ds_cstr(&s), ETH_ADDR_ARGS(*mac)));
    }
    ds_destroy(&s);

out:
    if (cur) {
        rtnl_neigh_put(cur);
    }
    nl_addr_put(ll);
    nl_addr_put(dst);
    return error;
}

/* Forwarding. */

static char *
sync_forwarding(const char *ifname, bool ipv4, struct svec *fixed)
{
    char *path = xasprintf("/proc/sys/net/%s/conf/%s/forwarding",
                           ipv4 ? "ipv4" : "ipv6", ifname);
    char *error = NULL;
    FILE *f = fopen(path, "r");
    int c = f ? getc(f) : EOF;

    if (f) {
        fclose(f);
    }
    if (c != '1') {
        f = fopen(path, "w");
        if (!f || fputs("1\n", f) < 0 || fclose(f)) {
            error = xasprintf("%s: cannot write (%s)", path,
                              ovs_strerror(errno));
            f = NULL;
        } else {
            svec_add_nocopy(fixed, xasprintf("set %s forwarding",
                                             ipv4 ? "ipv4" : "ipv6"));
        }
    }
    free(path);
    return error;
}

char *
mgmt_link_sync(int ifindex, const char *ifname,
               const struct mgmt_port_config *cfg, struct svec *fixed)
{
    struct nl_state st;
    char *error = nl_state_open(&st);

    if (!error) {
        error = sync_addrs(&st, ifindex, cfg, fixed);
    }
    if (!error) {
        error = sync_routes(&st, ifindex, cfg, fixed);
    }
    for (size_t i = 0; i < cfg->n_families && !error; i++) {
        error = sync_neigh(&st, ifindex, &cfg->families[i].gw, &cfg->gw_mac,
                           fixed);
    }
    for (size_t i = 0; i < cfg->n_families && !error; i++) {
        error = sync_forwarding(ifname,
                                node_cidr_is_ipv4(&cfg->families[i].addr),
                                fixed);
    }
    nl_state_close(&st);
    return error;
}

/* Taking it all away. */

struct obj_list {
    int ifindex;
    struct nl_object *objs[256];
    size_t n;
};

static void
collect_route(struct nl_object *obj, void *aux_)
{
    struct obj_list *l = aux_;
    struct rtnl_route *route = (struct rtnl_route *) obj;

    if (rtnl_route_get_protocol(route) != RTPROT_KERNEL
        && rtnl_route_get_table(route) == RT_TABLE_MAIN
        && rtnl_route_get_nnexthops(route) == 1
        && rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0))
           == l->ifindex
        && l->n < ARRAY_SIZE(l->objs)) {
        nl_object_get(obj);
        l->objs[l->n++] = obj;
    }
}

static void
collect_neigh(struct nl_object *obj, void *aux_)
{
    struct obj_list *l = aux_;

    if (rtnl_neigh_get_ifindex((struct rtnl_neigh *) obj) == l->ifindex
        && l->n < ARRAY_SIZE(l->objs)) {
        nl_object_get(obj);
        l->objs[l->n++] = obj;
    }
}

char *
mgmt_link_flush(int ifindex)
{
    struct nl_state st;
    char *error = nl_state_open(&st);
    if (error) {
        nl_state_close(&st);
        return error;
    }

    struct obj_list routes = { .ifindex = ifindex };
    nl_cache_foreach(st.routes, collect_route, &routes);
    for (size_t i = 0; i < routes.n; i++) {
        int err = rtnl_route_delete(st.sock,
                                    (struct rtnl_route *) routes.objs[i], 0);
        if (err && !error && err != -NLE_OBJ_NOTFOUND) {
            error = xasprintf("removing a route: %s", describe(err));
        }
        nl_object_put(routes.objs[i]);
    }

    struct obj_list neighs = { .ifindex = ifindex };
    nl_cache_foreach(st.neighs, collect_neigh, &neighs);
    for (size_t i = 0; i < neighs.n; i++) {
        int err = rtnl_neigh_delete(st.sock,
                                    (struct rtnl_neigh *) neighs.objs[i], 0);
        if (err && !error && err != -NLE_OBJ_NOTFOUND) {
            error = xasprintf("removing a neighbour: %s", describe(err));
        }
        nl_object_put(neighs.objs[i]);
    }

    struct addr_walk w = { .ifindex = ifindex };
    nl_cache_foreach(st.addrs, walk_addr, &w);
    char *why = remove_addrs(&st, &w, NULL);
    if (why && !error) {
        error = why;
    } else {
        free(why);
    }
    nl_state_close(&st);
    return error;
}

/* The record of the VF as it was. */

int
mgmt_saved_load(const char *file, struct mgmt_saved *saved)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        return errno;
    }

    char name[64], mac[64];
    int mtu;
    int n = fscanf(f, "name %63s\nmac %63s\nmtu %d\n", name, mac, &mtu);
    fclose(f);

    memset(saved, 0, sizeof *saved);
    if (n != 3 || strlen(name) >= IFNAMSIZ || mtu < 68 || mtu > 65535
        || !eth_addr_from_string(mac, &saved->mac)) {
        return EINVAL;
    }
    ovs_strlcpy(saved->name, name, sizeof saved->name);
    saved->mtu = mtu;
    return 0;
}

char *
mgmt_saved_store(const char *file, const struct mgmt_saved *saved)
{
    char *tmp = xasprintf("%s.tmp", file);
    char *error = NULL;
    FILE *f = fopen(tmp, "w");

    if (!f) {
        error = xasprintf("%s: cannot create (%s)", tmp, ovs_strerror(errno));
    } else {
        fprintf(f, "name %s\nmac "ETH_ADDR_FMT"\nmtu %d\n", saved->name,
                ETH_ADDR_ARGS(saved->mac), saved->mtu);
        if (ferror(f) | fclose(f)) {
            error = xasprintf("%s: write error (%s)", tmp,
                              ovs_strerror(errno));
        } else if (rename(tmp, file)) {
            error = xasprintf("cannot rename %s to %s (%s)", tmp, file,
                              ovs_strerror(errno));
        }
        if (error) {
            unlink(tmp);
        }
    }
    free(tmp);
    return error;
}
