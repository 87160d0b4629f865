/*
 * A wake-up for rtnetlink notifications.  See netlink-watch.h.
 */

#include <config.h>

#include "netlink-watch.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdlib.h>

#include "netlink-socket.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

struct netlink_watch {
    struct nl_sock *sock;       /* rtnetlink. */
    struct nl_sock *nft;        /* nfnetlink, or NULL. */
    unsigned long long int count;
};

/* nfnetlink's multicast group for nftables (NFNLGRP_NFTABLES in
 * <linux/netfilter/nfnetlink.h>). */
#define NFNLGRP_NFTABLES_ 7

static const unsigned int groups[] = {
    RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
    RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEIGH,
    RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF,   /* Forwarding. */
};

/* Creates a socket of 'protocol' that joins 'groups'. */
static struct nl_sock *
open_socket(int protocol, const unsigned int *groups_, size_t n,
            char **errorp)
{
    struct nl_sock *sock;
    int error = nl_sock_create(protocol, &sock);

    if (error) {
        *errorp = xasprintf("cannot create a netlink socket (%s)",
                            ovs_strerror(error));
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        error = nl_sock_join_mcgroup(sock, groups_[i]);
        if (error) {
            *errorp = xasprintf("cannot join netlink group %u of protocol "
                                "%d (%s)", groups_[i], protocol,
                                ovs_strerror(error));
            nl_sock_destroy(sock);
            return NULL;
        }
    }
    return sock;
}

struct netlink_watch *
netlink_watch_create(bool nftables, char **errorp)
{
    static const unsigned int nft_groups[] = { NFNLGRP_NFTABLES_ };

    *errorp = NULL;
    struct nl_sock *sock = open_socket(NETLINK_ROUTE, groups,
                                       ARRAY_SIZE(groups), errorp);
    if (!sock) {
        return NULL;
    }
    struct nl_sock *nft = NULL;
    if (nftables) {
        nft = open_socket(NETLINK_NETFILTER, nft_groups,
                          ARRAY_SIZE(nft_groups), errorp);
        if (!nft) {
            nl_sock_destroy(sock);
            return NULL;
        }
    }

    struct netlink_watch *w = xzalloc(sizeof *w);
    w->sock = sock;
    w->nft = nft;
    return w;
}

void
netlink_watch_destroy(struct netlink_watch *w)
{
    if (w) {
        nl_sock_destroy(w->sock);
        nl_sock_destroy(w->nft);
        free(w);
    }
}

/* Drains 'sock'.  Returns true if anything arrived. */
static bool
drain(struct nl_sock *sock)
{
    uint64_t stub[4096 / 8];
    struct ofpbuf buf;
    bool changed = false;

    ofpbuf_use_stub(&buf, stub, sizeof stub);
    for (int i = 0; i < 100; i++) {
        ofpbuf_clear(&buf);
        int error = nl_sock_recv(sock, &buf, NULL, false);
        if (error == EAGAIN) {
            break;
        }
        /* A message or ENOBUFS (some were lost): either way, something
         * changed. */
        changed = true;
        if (error && error != ENOBUFS) {
            break;
        }
    }
    ofpbuf_uninit(&buf);
    return changed;
}

bool
netlink_watch_run(struct netlink_watch *w)
{
    bool changed = drain(w->sock);
    if (w->nft) {
        changed |= drain(w->nft);
    }
    w->count += changed;
    return changed;
}

void
netlink_watch_wait(struct netlink_watch *w)
{
    nl_sock_wait(w->sock, POLLIN);
    if (w->nft) {
        nl_sock_wait(w->nft, POLLIN);
    }
}

unsigned long long int
netlink_watch_count(const struct netlink_watch *w)
{
    return w->count;
}
