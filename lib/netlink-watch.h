/*
 * A wake-up for changes to the network configuration of the daemon's own
 * network namespace: links, addresses, routes, neighbours and per-device
 * settings such as forwarding, as rtnetlink
 * announces them to its multicast groups, and optionally nftables rules,
 * as nfnetlink announces them.
 *
 * The agents keep the node's management port as it must be; a periodic
 * check finds anything changed behind their back, but only after a while.
 * This module lets them look again as soon as the kernel says that
 * something changed (a device renamed or set down, an address or route
 * removed), without saying what: the caller compares what it wants with
 * what is there, which it must be able to do anyway.
 *
 * Use: netlink_watch_create(), then each main-loop iteration
 * netlink_watch_run() (true if anything changed since the last call, or
 * if notifications were lost) and netlink_watch_wait().
 */

#ifndef NETLINK_WATCH_H
#define NETLINK_WATCH_H 1

#include <stdbool.h>

/* Creates a watch, or returns NULL and stores an error message, which the
 * caller must free(), in '*errorp'.  With 'nftables', changes to nftables
 * tables, chains and rules wake it too. */
struct netlink_watch *netlink_watch_create(bool nftables, char **errorp);
void netlink_watch_destroy(struct netlink_watch *);

/* Drains the notifications that have arrived.  Returns true if there were
 * any (or the kernel dropped some for lack of buffer space). */
bool netlink_watch_run(struct netlink_watch *);
void netlink_watch_wait(struct netlink_watch *);

/* Number of wake-ups so far, for "show" commands. */
unsigned long long int netlink_watch_count(const struct netlink_watch *);

#endif /* netlink-watch.h */
