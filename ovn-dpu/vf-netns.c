/*
 * Moving a pod's VF into the pod's network namespace and configuring it
 * through rtnetlink (libnl-route).  See vf-netns.h.
 */

#include <config.h>

#include "vf-netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/nsfs.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "nl-errors.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(vf_netns);

/* The time each kernel round trip of an attach or detach takes, logged at
 * debug level: where a VF's configuration spends its time is read from
 * the log (Documentation/benchmarks.rst).  One at a time: the daemon is
 * single-threaded. */
static struct {
    char vf[64];                /* Name the log lines carry. */
    long long int t;            /* When the previous step ended, in us. */
} step_clock;

static void
steps_start(const char *vf)
{
    ovs_strlcpy(step_clock.vf, vf ? vf : "?", sizeof step_clock.vf);
    step_clock.t = time_usec();
}

/* Logs that 'what' just ended and starts timing the next step, not
 * counting the log line's own writing. */
static void
step_done(const char *what)
{
    if (VLOG_IS_DBG_ENABLED()) {
        VLOG_DBG("VF %s: %s: %lld us", step_clock.vf, what,
                 time_usec() - step_clock.t);
        step_clock.t = time_usec();
    }
}

void
vf_netns_config_destroy(struct vf_netns_config *cfg)
{
    if (cfg) {
        free(cfg->netns);
        free(cfg->host_name);
        free(cfg->ifname);
        free(cfg->mac);
        for (size_t i = 0; i < cfg->n_addrs; i++) {
            free(cfg->addrs[i]);
        }
        free(cfg->addrs);
        for (size_t i = 0; i < cfg->n_routes; i++) {
            free(cfg->routes[i].dest);
            free(cfg->routes[i].gw);
        }
        free(cfg->routes);
        memset(cfg, 0, sizeof *cfg);
    }
}

/* Namespaces and sockets. */

/* The daemon's own network namespace, opened once. */
static int
host_netns_fd(void)
{
    static int fd = -1;

    if (fd < 0) {
        fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            ovs_fatal(errno, "/proc/self/ns/net: cannot open");
        }
    }
    return fd;
}

/* True if 'a' and 'b' are the same namespace file (the same device and
 * inode of nsfs, however they were reached). */
static bool
same_ns(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* True if 'fd' is this daemon's own network namespace, or that of PID 1
 * (the host's, if the daemon runs in another). */
static bool
is_host_netns(int fd)
{
    struct stat st, own, init;

    if (fstat(fd, &st)) {
        return true;            /* Cannot tell: be safe. */
    }
    if (!fstat(host_netns_fd(), &own) && same_ns(&st, &own)) {
        return true;
    }
    return !stat("/proc/1/ns/net", &init) && same_ns(&st, &init);
}

/* Opens the network namespace 'path'.  Returns an fd, or a negative errno
 * value with '*errorp' set to a message (ENOENT: it does not exist). */
static int
open_netns(const char *path, char **errorp)
{
    *errorp = NULL;
    /* Nonblocking, so that a FIFO named as CNI_NETNS cannot make us wait
     * for a writer; a network namespace file does not mind. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        int error = errno;
        *errorp = xasprintf("CNI_NETNS %s: %s", path, ovs_strerror(error));
        return -error;
    }

    int type = ioctl(fd, NS_GET_NSTYPE);
    if (type != CLONE_NEWNET) {
        *errorp = xasprintf("CNI_NETNS %s is not a network namespace", path);
        close(fd);
        return -EINVAL;
    }
    if (is_host_netns(fd)) {
        /* Renaming, addressing and routing "the pod's" interface there
         * would change the host's own networking. */
        *errorp = xasprintf("CNI_NETNS %s is the host's own network "
                            "namespace, not a pod's", path);
        close(fd);
        return -EPERM;
    }
    return fd;
}

char *
vf_netns_check_netns(const char *path)
{
    char *error;
    int fd = open_netns(path, &error);
    if (fd >= 0) {
        close(fd);
    }
    return error;
}

static char *
nl_error(const char *what, int err)
{
    return xasprintf("%s: %s", what, nl_errors_describe(err));
}

/* Creates a route netlink socket in the namespace 'ns_fd' (-1 for the
 * host's). */
static char *
open_socket(int ns_fd, struct nl_sock **sockp)
{
    *sockp = NULL;

    /* Opened before we leave it, or it would be the pod's. */
    int host_fd = host_netns_fd();
    if (ns_fd >= 0 && setns(ns_fd, CLONE_NEWNET)) {
        return xasprintf("cannot enter the pod's network namespace: %s",
                         ovs_strerror(errno));
    }

    struct nl_sock *sock = nl_socket_alloc();
    int err = sock ? nl_connect(sock, NETLINK_ROUTE) : -NLE_NOMEM;

    if (ns_fd >= 0 && setns(host_fd, CLONE_NEWNET)) {
        /* We would go on in the pod's namespace: better to stop. */
        ovs_fatal(errno, "cannot return to the host's network namespace");
    }
    if (err) {
        nl_socket_free(sock);
        return nl_error("netlink socket", err);
    }
    nl_errors_watch(sock);
    *sockp = sock;
    return NULL;
}

/* Creates route netlink sockets in the host's namespace and in 'ns_fd'. */
static char *
open_sockets(int ns_fd, struct nl_sock **hostp, struct nl_sock **podp)
{
    *podp = NULL;
    char *error = open_socket(-1, hostp);
    return error ? error : open_socket(ns_fd, podp);
}

/* Links. */

/* Releases what attaching or detaching held: 'link' (if nonnull), both
 * sockets and the pod's namespace. */
static void
close_handles(struct rtnl_link *link, struct nl_sock *host,
              struct nl_sock *pod, int ns_fd)
{
    if (link) {
        rtnl_link_put(link);
    }
    nl_socket_free(pod);
    nl_socket_free(host);
    close(ns_fd);
}

static int
get_link(struct nl_sock *sock, const char *name, struct rtnl_link **linkp)
{
    *linkp = NULL;
    nl_errors_reset();
    return rtnl_link_get_kernel(sock, 0, name, linkp);
}

static bool
is_no_device(int err)
{
    return err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND;
}

/* Applies 'change' to 'link'. */
static int
change_link(struct nl_sock *sock, struct rtnl_link *link,
            struct rtnl_link *change)
{
    nl_errors_reset();
    return rtnl_link_change(sock, link, change, 0);
}

static void
format_mac(const struct rtnl_link *link, char mac[18])
{
    struct nl_addr *addr = rtnl_link_get_addr((struct rtnl_link *) link);

    mac[0] = '\0';
    if (addr && nl_addr_get_len(addr) == 6) {
        const uint8_t *b = nl_addr_get_binary_addr(addr);
        snprintf(mac, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
                 b[0], b[1], b[2], b[3], b[4], b[5]);
    }
}

/* Sets 'link' (in the namespace of 'sock') down, renames it 'name', sets
 * 'mac' and 'mtu' if nonnull/nonzero and moves it to namespace 'ns_fd' if
 * nonnegative.  A link must be down to be renamed. */
static char *
reshape_link(struct nl_sock *sock, struct rtnl_link *link, const char *name,
             const char *mac, int mtu, int ns_fd)
{
    struct rtnl_link *change = rtnl_link_alloc();
    char *error = NULL;
    int err;

    rtnl_link_unset_flags(change, IFF_UP);
    err = change_link(sock, link, change);
    step_done("set down");
    if (err) {
        error = nl_error("set down", err);
        goto out;
    }

    rtnl_link_put(change);
    change = rtnl_link_alloc();
    if (strcmp(rtnl_link_get_name(link), name)) {
        rtnl_link_set_name(change, name);
    }
    if (mac && mac[0]) {
        struct nl_addr *addr;
        err = nl_addr_parse(mac, AF_LLC, &addr);
        if (err) {
            error = xasprintf("MAC %s: %s", mac, nl_errors_describe(err));
            goto out;
        }
        rtnl_link_set_addr(change, addr);
        nl_addr_put(addr);
    }
    if (mtu) {
        rtnl_link_set_mtu(change, mtu);
    }
    err = change_link(sock, link, change);
    step_done("set name, MAC, MTU");
    if (err) {
        struct ds what = DS_EMPTY_INITIALIZER;
        ds_put_format(&what, "set name %s", name);
        if (mac && mac[0]) {
            ds_put_format(&what, ", MAC %s", mac);
        }
        if (mtu) {
            ds_put_format(&what, ", MTU %d", mtu);
        }
        error = nl_error(ds_cstr(&what), err);
        ds_destroy(&what);
        goto out;
    }

    if (ns_fd >= 0) {
        rtnl_link_put(change);
        change = rtnl_link_alloc();
        rtnl_link_set_ns_fd(change, ns_fd);
        err = change_link(sock, link, change);
        step_done("move to another namespace");
        if (err) {
            error = nl_error("move to another network namespace", err);
        }
    }

out:
    rtnl_link_put(change);
    return error;
}

/* Addresses and routes. */

static char *
add_address(struct nl_sock *sock, int ifindex, const char *cidr)
{
    struct nl_addr *local;
    int err = nl_addr_parse(cidr, AF_UNSPEC, &local);
    if (err) {
        return xasprintf("address %s: %s", cidr, nl_errors_describe(err));
    }

    struct rtnl_addr *addr = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(addr, ifindex);
    rtnl_addr_set_local(addr, local);
    if (nl_addr_get_family(local) == AF_INET6) {
        /* OVN answers for the address: duplicate detection would only
         * delay the pod's first packets. */
        rtnl_addr_set_flags(addr, IFA_F_NODAD);
    }
    nl_errors_reset();
    err = rtnl_addr_add(sock, addr, 0);
    rtnl_addr_put(addr);
    nl_addr_put(local);
    return err ? xasprintf("address %s: %s", cidr, nl_errors_describe(err)) : NULL;
}

static char *
add_route(struct nl_sock *sock, int ifindex, const struct vf_netns_route *r)
{
    struct nl_addr *dst = NULL, *gw = NULL;
    struct rtnl_route *route = NULL;
    char *error = NULL;
    int err;

    err = nl_addr_parse(r->dest, AF_UNSPEC, &dst);
    if (!err && r->gw) {
        err = nl_addr_parse(r->gw, nl_addr_get_family(dst), &gw);
    }
    if (err) {
        error = xasprintf("route %s: %s", r->dest, nl_errors_describe(err));
        goto out;
    }

    route = rtnl_route_alloc();
    rtnl_route_set_family(route, nl_addr_get_family(dst));
    rtnl_route_set_dst(route, dst);
    rtnl_route_set_table(route, RT_TABLE_MAIN);
    rtnl_route_set_protocol(route, RTPROT_BOOT);
    rtnl_route_set_scope(route, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);

    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    rtnl_route_nh_set_ifindex(nh, ifindex);
    if (gw) {
        rtnl_route_nh_set_gateway(nh, gw);
    }
    rtnl_route_add_nexthop(route, nh);

    nl_errors_reset();
    err = rtnl_route_add(sock, route, NLM_F_REPLACE);
    if (err) {
        error = xasprintf("route %s%s%s: %s", r->dest, r->gw ? " via " : "",
                          r->gw ? r->gw : "", nl_errors_describe(err));
    }

out:
    if (route) {
        rtnl_route_put(route);
    }
    nl_addr_put(dst);
    nl_addr_put(gw);
    return error;
}

/* Attaching. */

/* Moves the interface with index 'ifindex' in the pod's namespace (socket
 * 'pod') back to the host as 'host_name', with the MAC and MTU in
 * '*saved'. */
static char *
move_back(struct nl_sock *pod, int ifindex, const char *host_name,
          const struct vf_netns_saved *saved)
{
    struct rtnl_link *link = NULL;

    nl_errors_reset();
    int err = rtnl_link_get_kernel(pod, ifindex, NULL, &link);
    if (err) {
        return xasprintf("interface %d: %s", ifindex, nl_errors_describe(err));
    }
    char *error = reshape_link(pod, link, host_name,
                               saved->mac[0] ? saved->mac : NULL, saved->mtu,
                               host_netns_fd());
    rtnl_link_put(link);
    return error;
}

/* In the pod's namespace (socket 'pod'), gives 'link', already named
 * 'cfg->ifname' and down, its MAC and MTU and brings it up, in one
 * message (the kernel sets the address and the MTU before it changes the
 * flags), then adds the addresses and routes. */
static char *
configure(struct nl_sock *pod, struct rtnl_link *link,
          const struct vf_netns_config *cfg)
{
    struct rtnl_link *change = rtnl_link_alloc();
    struct ds what = DS_EMPTY_INITIALIZER;
    char *error = NULL;

    if (cfg->mac && cfg->mac[0]) {
        struct nl_addr *addr;
        int err = nl_addr_parse(cfg->mac, AF_LLC, &addr);
        if (err) {
            rtnl_link_put(change);
            return xasprintf("MAC %s: %s", cfg->mac, nl_errors_describe(err));
        }
        rtnl_link_set_addr(change, addr);
        nl_addr_put(addr);
        ds_put_format(&what, "MAC %s, ", cfg->mac);
    }
    if (cfg->mtu) {
        rtnl_link_set_mtu(change, cfg->mtu);
        ds_put_format(&what, "MTU %d, ", cfg->mtu);
    }
    rtnl_link_set_flags(change, IFF_UP);
    ds_put_cstr(&what, "up");
    int err = change_link(pod, link, change);
    rtnl_link_put(change);
    step_done("set MAC, MTU, up");
    if (err) {
        error = nl_error(ds_cstr(&what), err);
    }
    ds_destroy(&what);

    int ifindex = rtnl_link_get_ifindex(link);
    for (size_t i = 0; i < cfg->n_addrs && !error; i++) {
        error = add_address(pod, ifindex, cfg->addrs[i]);
        step_done("add address");
    }
    for (size_t i = 0; i < cfg->n_routes && !error; i++) {
        error = add_route(pod, ifindex, &cfg->routes[i]);
        step_done("add route");
    }
    return error;
}

char *
vf_netns_move_in(const struct vf_netns_config *cfg,
                 struct vf_netns_saved *saved)
{
    struct nl_sock *host = NULL, *pod = NULL;
    struct rtnl_link *link = NULL, *change = NULL;
    char *error = NULL;
    int err;

    memset(saved, 0, sizeof *saved);

    steps_start(cfg->host_name);
    int ns_fd = open_netns(cfg->netns, &error);
    step_done("open the pod's namespace");
    if (ns_fd < 0) {
        return error;
    }
    error = open_sockets(ns_fd, &host, &pod);
    step_done("open netlink sockets");
    if (error) {
        goto out;
    }

    /* The name must be free in the pod.  (The kernel would refuse the
     * move if it were not, but this says so more clearly.) */
    err = get_link(pod, cfg->ifname, &link);
    step_done("look up the name in the pod");
    if (!err) {
        error = xasprintf("CNI_NETNS %s already has an interface %s",
                          cfg->netns, cfg->ifname);
        goto out;
    }
    rtnl_link_put(link);
    link = NULL;

    err = get_link(host, cfg->host_name, &link);
    step_done("look up the VF on the host");
    if (err) {
        error = xasprintf("VF netdev %s: %s", cfg->host_name,
                          is_no_device(err) ? "no such device on the host"
                          : nl_errors_describe(err));
        goto out;
    }
    format_mac(link, saved->mac);
    saved->mtu = rtnl_link_get_mtu(link);

    /* One message: the kernel takes the VF down, moves it and gives it its
     * new name there (checked free in the target namespace), or, failing,
     * leaves it as it was.  Its name on the host might be taken in the
     * pod, and the pod's name on the host, so neither name alone would
     * do. */
    change = rtnl_link_alloc();
    rtnl_link_set_ns_fd(change, ns_fd);
    rtnl_link_set_name(change, cfg->ifname);
    err = change_link(host, link, change);
    step_done("move to the pod and rename");
    if (err) {
        error = xasprintf("VF netdev %s: move to %s as %s: %s",
                          cfg->host_name, cfg->netns, cfg->ifname,
                          nl_errors_describe(err));
    }

out:
    if (change) {
        rtnl_link_put(change);
    }
    close_handles(link, host, pod, ns_fd);
    step_done("close");
    return error;
}

char *
vf_netns_configure(const struct vf_netns_config *cfg,
                   const struct vf_netns_saved *saved)
{
    struct nl_sock *pod = NULL;
    struct rtnl_link *link = NULL;
    char *error = NULL;

    steps_start(cfg->host_name);
    int ns_fd = open_netns(cfg->netns, &error);
    if (ns_fd < 0) {
        return error;
    }
    error = open_socket(ns_fd, &pod);
    step_done("open the pod's namespace and a netlink socket");
    if (error) {
        goto out;
    }

    int err = get_link(pod, cfg->ifname, &link);
    step_done("look up the VF in the pod");
    if (err) {
        error = xasprintf("VF netdev %s vanished after the move to %s as %s: "
                          "%s", cfg->host_name, cfg->netns, cfg->ifname,
                          nl_errors_describe(err));
        goto out;
    }
    int ifindex = rtnl_link_get_ifindex(link);
    char *step = configure(pod, link, cfg);
    if (step) {
        error = xasprintf("%s in %s: %s", cfg->ifname, cfg->netns, step);
        free(step);

        /* By its index: the step that failed may have changed its MAC or
         * MTU, or brought it up. */
        rtnl_link_put(link);
        link = NULL;
        char *back = move_back(pod, ifindex, cfg->host_name, saved);
        if (back) {
            char *both = xasprintf("%s; moving VF %s back to the host "
                                   "failed too: %s", error, cfg->host_name,
                                   back);
            VLOG_ERR("%s", both);
            free(back);
            free(error);
            error = both;
        }
    }

out:
    close_handles(link, NULL, pod, ns_fd);
    step_done("close");
    return error;
}

char *
vf_netns_attach(const struct vf_netns_config *cfg,
                struct vf_netns_saved *saved)
{
    char *error = vf_netns_move_in(cfg, saved);
    return error ? error : vf_netns_configure(cfg, saved);
}

/* Detaching. */

/* Reads into 'bus_info' the bus address that the driver of 'ifname', in
 * namespace 'ns_fd', reports (ethtool's "bus-info": a VF's PCI address). */
static char *
get_bus_info(int ns_fd, const char *ifname, char bus_info[32])
{
    int host_fd = host_netns_fd();
    if (setns(ns_fd, CLONE_NEWNET)) {
        return xasprintf("cannot enter the pod's network namespace: %s",
                         ovs_strerror(errno));
    }
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int error = sock < 0 ? errno : 0;
    if (setns(host_fd, CLONE_NEWNET)) {
        ovs_fatal(errno, "cannot return to the host's network namespace");
    }
    if (error) {
        return xasprintf("socket: %s", ovs_strerror(error));
    }

    struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ovs_strlcpy(ifr.ifr_name, ifname, sizeof ifr.ifr_name);
    ifr.ifr_data = (void *) &info;
    error = ioctl(sock, SIOCETHTOOL, &ifr) ? errno : 0;
    close(sock);
    if (error) {
        return xasprintf("%s: cannot read its bus address (%s)", ifname,
                         ovs_strerror(error));
    }
    ovs_strlcpy(bus_info, info.bus_info, 32);
    return NULL;
}

char *
vf_netns_detach(const char *netns, const char *ifname, const char *host_name,
                const char *pci, const struct vf_netns_saved *saved,
                const char **what)
{
    struct nl_sock *host = NULL, *pod = NULL;
    struct rtnl_link *link = NULL;
    char *error = NULL;
    int err;

    *what = "moved back to the host";
    steps_start(host_name);
    int ns_fd = netns ? open_netns(netns, &error) : -ENOENT;
    if (ns_fd == -ENOENT || ns_fd == -EPERM) {
        free(error);
        *what = (ns_fd == -EPERM
                 ? "CNI_NETNS is the host's own namespace: no VF of ours "
                   "is there"
                 : "network namespace already gone");
        return NULL;
    } else if (ns_fd < 0) {
        return error;
    }

    error = open_sockets(ns_fd, &host, &pod);
    if (error) {
        goto out;
    }

    err = get_link(pod, ifname, &link);
    if (is_no_device(err)) {
        struct rtnl_link *on_host = NULL;
        *what = (!get_link(host, host_name, &on_host)
                 ? "VF already on the host" : "interface already gone");
        if (on_host) {
            rtnl_link_put(on_host);
        }
        goto out;
    } else if (err) {
        error = xasprintf("%s in %s: %s", ifname, netns, nl_errors_describe(err));
        goto out;
    }
    if (pci) {
        /* Without a record of what we put there, only the VF that the
         * request names comes back, whatever else the pod has named so. */
        char bus_info[32];
        error = get_bus_info(ns_fd, ifname, bus_info);
        if (!error && strcmp(bus_info, pci)) {
            error = xasprintf("%s in %s is not VF %s (its bus address is "
                              "\"%s\"): leaving it", ifname, netns, pci,
                              bus_info);
        }
        if (error) {
            goto out;
        }
    }

    /* Renamed first, in the pod, since the host has its own "eth0". */
    char *step = reshape_link(pod, link, host_name,
                              saved && saved->mac[0] ? saved->mac : NULL,
                              saved ? saved->mtu : 0, host_netns_fd());
    if (step) {
        error = xasprintf("%s in %s: moving back to the host as %s: %s",
                          ifname, netns, host_name, step);
        free(step);
    }

out:
    close_handles(link, host, pod, ns_fd);
    return error;
}

/* Checking. */

/* Callback data for finding an address of one interface that is not
 * link-local. */
struct addr_find {
    int ifindex;
    char *found;                /* The first one, or NULL. */
};

static void
find_global_addr(struct nl_object *obj, void *aux_)
{
    struct addr_find *aux = aux_;
    struct rtnl_addr *addr = (struct rtnl_addr *) obj;

    if (!aux->found && rtnl_addr_get_ifindex(addr) == aux->ifindex
        && rtnl_addr_get_scope(addr) != RT_SCOPE_LINK) {
        char buf[128];
        nl_addr2str(rtnl_addr_get_local(addr), buf, sizeof buf);
        aux->found = xstrdup(buf);
    }
}

char *
vf_netns_check_unused(const char *host_name)
{
    struct nl_sock *host = NULL;
    struct rtnl_link *link = NULL;
    struct nl_cache *addrs = NULL;
    char *error = open_socket(-1, &host);
    int err;

    if (error) {
        return error;
    }
    err = get_link(host, host_name, &link);
    if (err) {
        error = xasprintf("VF netdev %s: %s", host_name,
                          is_no_device(err) ? "no such device on the host"
                          : nl_errors_describe(err));
    } else if (rtnl_link_get_flags(link) & IFF_UP) {
        error = xasprintf("VF netdev %s is up on the host", host_name);
    } else if (rtnl_link_get_master(link)) {
        error = xasprintf("VF netdev %s is enslaved to interface %d on the "
                          "host", host_name, rtnl_link_get_master(link));
    } else if ((err = rtnl_addr_alloc_cache(host, &addrs))) {
        error = nl_error("reading addresses", err);
    } else {
        struct addr_find aux = { rtnl_link_get_ifindex(link), NULL };
        nl_cache_foreach(addrs, find_global_addr, &aux);
        if (aux.found) {
            error = xasprintf("VF netdev %s has address %s on the host",
                              host_name, aux.found);
            free(aux.found);
        }
    }

    if (addrs) {
        nl_cache_free(addrs);
    }
    if (link) {
        rtnl_link_put(link);
    }
    nl_socket_free(host);
    return error;
}

/* Callback data for collecting the addresses of one interface. */
struct addr_collect {
    int ifindex;
    struct ds *out;             /* "CIDR " for each. */
};

static void
collect_addr(struct nl_object *obj, void *aux_)
{
    struct addr_collect *aux = aux_;
    struct rtnl_addr *addr = (struct rtnl_addr *) obj;

    if (rtnl_addr_get_ifindex(addr) == aux->ifindex) {
        char buf[128];
        nl_addr2str(rtnl_addr_get_local(addr), buf, sizeof buf);
        ds_put_format(aux->out, " %s ", buf);
    }
}

char *
vf_netns_verify(const struct vf_netns_config *cfg)
{
    struct nl_sock *pod = NULL;
    struct rtnl_link *link = NULL;
    struct nl_cache *addrs = NULL;
    struct ds have = DS_EMPTY_INITIALIZER;
    char *error = NULL;
    int err;

    int ns_fd = open_netns(cfg->netns, &error);
    if (ns_fd < 0) {
        return error;
    }
    error = open_socket(ns_fd, &pod);
    if (error) {
        goto out;
    }

    err = get_link(pod, cfg->ifname, &link);
    if (err) {
        error = xasprintf("%s in %s: %s", cfg->ifname, cfg->netns,
                          is_no_device(err) ? "no such interface"
                          : nl_errors_describe(err));
        goto out;
    }

    char mac[18];
    format_mac(link, mac);
    if (cfg->mac && strcasecmp(mac, cfg->mac)) {
        error = xasprintf("%s in %s has MAC %s, not %s", cfg->ifname,
                          cfg->netns, mac, cfg->mac);
        goto out;
    }
    if (!(rtnl_link_get_flags(link) & IFF_UP)) {
        error = xasprintf("%s in %s is down", cfg->ifname, cfg->netns);
        goto out;
    }

    err = rtnl_addr_alloc_cache(pod, &addrs);
    if (err) {
        error = nl_error("reading addresses", err);
        goto out;
    }
    struct addr_collect aux = { rtnl_link_get_ifindex(link), &have };
    nl_cache_foreach(addrs, collect_addr, &aux);
    for (size_t i = 0; i < cfg->n_addrs; i++) {
        char *want = xasprintf(" %s ", cfg->addrs[i]);
        bool found = strstr(ds_cstr(&have), want) != NULL;
        free(want);
        if (!found) {
            error = xasprintf("%s in %s lacks address %s", cfg->ifname,
                              cfg->netns, cfg->addrs[i]);
            break;
        }
    }

out:
    if (addrs) {
        nl_cache_free(addrs);
    }
    if (link) {
        rtnl_link_put(link);
    }
    ds_destroy(&have);
    nl_socket_free(pod);
    close(ns_fd);
    return error;
}
