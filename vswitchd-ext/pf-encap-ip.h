/*
 * The per-PF tunnel endpoint of a multi-VTEP DPU.
 *
 * A DPU with several uplinks may have one VTEP (tunnel endpoint) address
 * per uplink.  The Open_vSwitch table's external_ids:ovn-pf-encap-ip-mapping
 * says which, as ovn-kubernetes reads it: a comma-separated list of
 * "<uplink representor>:<IP address>" entries, for example
 * "p0:192.0.2.10,p1:192.0.2.11".  A pod's Interface then carries
 * external_ids:encap-ip, the address of the uplink of the PF that its
 * representor belongs to, so that ovn-controller tunnels its traffic from
 * that VTEP.
 *
 * This module only reads the mapping; it keeps no state.
 */

#ifndef PF_ENCAP_IP_H
#define PF_ENCAP_IP_H 1

#include "openvswitch/compiler.h"

/* The Open_vSwitch external id that holds the mapping. */
#define PF_ENCAP_IP_MAPPING "ovn-pf-encap-ip-mapping"

/* Looks up 'uplink' in 'mapping' (NULL or "" for none).  On success
 * returns NULL and stores in '*ipp' the uplink's address, which the
 * caller must free(), or NULL if the mapping has no entry for it.
 *
 * On failure returns an error message, which the caller must free(), and
 * stores NULL in '*ipp'.  An entry that is not "<name>:<address>" makes
 * the whole mapping unusable, whatever the uplink; an entry for 'uplink'
 * whose address is not an IPv4 or IPv6 address, or a second entry for
 * 'uplink', is an error for 'uplink' only.  (A netdev name cannot hold a
 * colon, so an entry splits at its first one and IPv6 addresses work.) */
char *pf_encap_ip_lookup(const char *mapping, const char *uplink,
                         char **ipp) OVS_WARN_UNUSED_RESULT;

#endif /* pf-encap-ip.h */
