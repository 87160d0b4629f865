/*
 * Reading and reshaping one network device through rtnetlink.  See
 * netdev-link.h.
 */

#include <config.h>

#include "netdev-link.h"

#include <errno.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
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

/* The route netlink socket, opened once, in the daemon's namespace. */
static struct nl_sock *
get_socket(int *errp)
{
    static struct nl_sock *sock;

    *errp = 0;
    if (!sock) {
        struct nl_sock *s = nl_socket_alloc();
        int err = s ? nl_connect(s, NETLINK_ROUTE) : -NLE_NOMEM;
        if (err) {
            nl_socket_free(s);
            *errp = err;
            return NULL;
        }
        nl_socket_modify_err_cb(s, NL_CB_CUSTOM, record_errno, NULL);
        sock = s;
    }
    return sock;
}

/* Describes libnl error 'err', preferring the kernel's errno. */
static const char *
describe(int err)
{
    int error = kernel_errno;

    kernel_errno = 0;
    return error > 0 ? ovs_strerror(error) : nl_geterror(err);
}

/* Converts libnl error 'err' to an errno value. */
static int
to_errno(int err)
{
    int error = kernel_errno;

    kernel_errno = 0;
    if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND) {
        return ENODEV;
    }
    return error > 0 ? error : EIO;
}

static void
fill(struct rtnl_link *l, struct netdev_link *link)
{
    memset(link, 0, sizeof *link);
    link->ifindex = rtnl_link_get_ifindex(l);
    ovs_strlcpy(link->name, rtnl_link_get_name(l), sizeof link->name);
    const char *alias = rtnl_link_get_ifalias(l);
    ovs_strlcpy(link->alias, alias ? alias : "", sizeof link->alias);
    struct nl_addr *addr = rtnl_link_get_addr(l);
    if (addr && nl_addr_get_len(addr) == ETH_ADDR_LEN) {
        memcpy(link->mac.ea, nl_addr_get_binary_addr(addr), ETH_ADDR_LEN);
    }
    link->mtu = rtnl_link_get_mtu(l);
    link->up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
}

static int
get_link(int ifindex, const char *name, struct netdev_link *link)
{
    struct rtnl_link *l = NULL;
    int err;
    struct nl_sock *sock = get_socket(&err);

    if (!sock) {
        return EIO;
    }
    if (name && strlen(name) >= IFNAMSIZ) {
        return ENODEV;
    }
    kernel_errno = 0;
    err = rtnl_link_get_kernel(sock, ifindex, name, &l);
    if (err) {
        return to_errno(err);
    }
    fill(l, link);
    rtnl_link_put(l);
    return 0;
}

int
netdev_link_get(const char *name, struct netdev_link *link)
{
    return get_link(0, name, link);
}

int
netdev_link_get_by_index(int ifindex, struct netdev_link *link)
{
    return get_link(ifindex, NULL, link);
}

/* Applies 'change' to device 'ifindex'. */
static int
apply(int ifindex, struct rtnl_link *change)
{
    int err;
    struct nl_sock *sock = get_socket(&err);

    if (!sock) {
        return err;
    }
    struct rtnl_link *orig = rtnl_link_alloc();
    rtnl_link_set_ifindex(orig, ifindex);
    kernel_errno = 0;
    err = rtnl_link_change(sock, orig, change, 0);
    rtnl_link_put(orig);
    return err;
}

char *
netdev_link_set_up(int ifindex, bool up)
{
    struct rtnl_link *change = rtnl_link_alloc();

    if (up) {
        rtnl_link_set_flags(change, IFF_UP);
    } else {
        rtnl_link_unset_flags(change, IFF_UP);
    }
    int err = apply(ifindex, change);
    rtnl_link_put(change);
    return (err ? xasprintf("device %d: cannot set it %s: %s", ifindex,
                            up ? "up" : "down", describe(err))
            : NULL);
}

char *
netdev_link_reshape(int ifindex, const struct netdev_link_change *c)
{
    struct netdev_link cur;
    int error = netdev_link_get_by_index(ifindex, &cur);
    if (error) {
        return xasprintf("device %d: %s", ifindex, ovs_strerror(error));
    }

    bool rename = c->name && strcmp(c->name, cur.name);
    if (rename && strlen(c->name) >= IFNAMSIZ) {
        return xasprintf("%s: name %s is too long", cur.name, c->name);
    }
    if (rename && cur.up) {
        char *why = netdev_link_set_up(ifindex, false);
        if (why) {
            char *msg = xasprintf("%s: %s", cur.name, why);
            free(why);
            return msg;
        }
    }

    struct rtnl_link *change = rtnl_link_alloc();
    struct ds what = DS_EMPTY_INITIALIZER;
    if (rename) {
        rtnl_link_set_name(change, c->name);
        ds_put_format(&what, " name %s", c->name);
    }
    if (c->alias && strcmp(c->alias, cur.alias)) {
        rtnl_link_set_ifalias(change, c->alias);
        ds_put_format(&what, " alias \"%s\"", c->alias);
    }
    if (c->mac && !eth_addr_equals(*c->mac, cur.mac)) {
        struct nl_addr *addr = nl_addr_build(AF_LLC, c->mac->ea,
                                             ETH_ADDR_LEN);
        rtnl_link_set_addr(change, addr);
        nl_addr_put(addr);
        ds_put_format(&what, " MAC "ETH_ADDR_FMT, ETH_ADDR_ARGS(*c->mac));
    }
    if (c->mtu && c->mtu != cur.mtu) {
        rtnl_link_set_mtu(change, c->mtu);
        ds_put_format(&what, " MTU %d", c->mtu);
    }

    char *msg = NULL;
    if (what.length) {
        int err = apply(ifindex, change);
        if (err) {
            msg = xasprintf("%s: cannot set%s: %s", cur.name,
                            ds_cstr(&what), describe(err));
        }
    }
    ds_destroy(&what);
    rtnl_link_put(change);
    return msg;
}
