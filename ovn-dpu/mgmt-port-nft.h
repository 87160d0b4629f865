/*
 * The management port's SNAT, in nftables, as ovn-kubernetes sets it up:
 * table "inet ovn-kubernetes", chain "mgmtport-snat" (a nat chain on the
 * postrouting hook, at the srcnat priority).  Traffic that the host sends
 * out of ovn-k8s-mp0 with a source address other than the management
 * port's own is rewritten to come from it, so that the pods' replies come
 * back through the management port; except traffic whose destination or
 * source is in the sets "mgmtport-no-snat-*", which other parts of
 * ovn-kubernetes fill (NodePorts, ExternalTrafficPolicy=Local services,
 * advertised subnets).  The sets are created here, empty, if they do not
 * exist; their contents are never touched.
 *
 * Everything goes through libnftables, in one transaction per call, in
 * the daemon's own network namespace.
 */

#ifndef MGMT_PORT_NFT_H
#define MGMT_PORT_NFT_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"

struct ds;
struct node_cidr;

#define MGMT_NFT_TABLE "ovn-kubernetes"
#define MGMT_NFT_CHAIN "mgmtport-snat"

/* The chain for device 'ifname' whose addresses are 'addrs' (one per
 * family), as nftables commands, in '*rules'. */
void mgmt_nft_rules(const char *ifname, const struct node_cidr *addrs,
                    size_t n_addrs, struct ds *rules);

/* Creates the table and sets if missing, and makes the chain hold exactly
 * 'rules' (from mgmt_nft_rules()), atomically.  Then stores in '*listing'
 * the chain as nftables lists it, for mgmt_nft_check().  Returns NULL or
 * an error message that the caller must free(). */
char *mgmt_nft_apply(const char *rules, char **listing)
    OVS_WARN_UNUSED_RESULT;

/* Returns NULL if the chain is listed as 'listing' (from
 * mgmt_nft_apply()), otherwise what differs, for the caller to free(). */
char *mgmt_nft_check(const char *listing) OVS_WARN_UNUSED_RESULT;

/* Deletes the chain, if it exists (the sets stay, as in ovn-kubernetes:
 * others fill them), and says in '*removed' whether it did.  Returns NULL
 * or an error message to free(). */
char *mgmt_nft_remove(bool *removed) OVS_WARN_UNUSED_RESULT;

/* The rules last applied and the listing that followed, kept in a file so
 * that a restarted agent can check the chain without rewriting it.
 * mgmt_nft_record_load() returns 0, ENOENT if there is no file, or
 * another errno value; mgmt_nft_record_store() replaces the file
 * atomically and returns NULL or an error message. */
int mgmt_nft_record_load(const char *file, char **rules, char **listing);
char *mgmt_nft_record_store(const char *file, const char *rules,
                            const char *listing) OVS_WARN_UNUSED_RESULT;

#endif /* mgmt-port-nft.h */
