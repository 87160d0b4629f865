/*
 * The VFs that ovn-dpu-host hands out itself (--vf-pool), for nodes
 * without the SR-IOV device plugin and Multus, which otherwise put the
 * VF's PCI address in the network configuration's "deviceID".
 *
 * A pool is an ordered list of deviceIDs (PCI addresses, or with
 * --simulate-dpu VF netdev names), each free or taken by one owner (a
 * sandbox and interface).  ADD takes the VF that has been free the
 * longest, so that a VF just returned by DEL goes to a new pod last,
 * after the DPU side has had the most time to let go of the old pod's
 * port; ADD gives it back if it fails, DEL and GC once the VF is back on
 * the host.  The pool is only memory: the attachments record
 * (vf-attachments.h) is what survives a restart, and a new pool takes
 * the VFs it lists (vf_pool_claim()) before the first request.
 *
 * The pool knows nothing of devices: whether a VF exists is
 * vf-device.h's question.
 */

#ifndef VF_POOL_H
#define VF_POOL_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"

struct ds;
struct svec;

/* The largest pool. */
#define VF_POOL_MAX 4096

/* Parses 'spec', a --vf-pool value, appending its deviceIDs to 'ids':
 * comma-separated deviceIDs, each a PCI address ("0000:03:00.2") or, if
 * 'simulated', a netdev name "eth<p>-<v>"; "FIRST..N" stands for FIRST
 * and the IDs after it up to the one whose last number is N
 * ("eth0-1..16", "0000:03:00.2..7").  Refuses an ID that is already in
 * 'ids' and a pool that would grow beyond VF_POOL_MAX.  Returns NULL, or
 * an error message to free(). */
char *vf_pool_parse(const char *spec, bool simulated, struct svec *ids)
    OVS_WARN_UNUSED_RESULT;

struct vf_pool;

/* A pool of the VFs in 'ids', in that order, all free. */
struct vf_pool *vf_pool_create(const struct svec *ids);
void vf_pool_destroy(struct vf_pool *);

size_t vf_pool_size(const struct vf_pool *);
size_t vf_pool_n_free(const struct vf_pool *);

/* True if 'id' is one of the pool's VFs. */
bool vf_pool_contains(const struct vf_pool *, const char *id);

/* The free VFs, the one free the longest first, for the caller to try in
 * turn: stores them in '*idsp' (an array of pointers into the pool, valid
 * until the next change, for the caller to free()) and returns how many. */
size_t vf_pool_list_free(const struct vf_pool *, const char ***idsp);

/* Marks VF 'id', which must be in the pool, taken by 'owner' (copied; a
 * description for logs and "cni/vf-pool").  Returns false if it is taken
 * already. */
bool vf_pool_claim(struct vf_pool *, const char *id, const char *owner);

/* Frees VF 'id', if it is in the pool and taken. */
void vf_pool_release(struct vf_pool *, const char *id);

/* Describes every VF, one a line: "ID free" or "ID taken by OWNER". */
void vf_pool_format(const struct vf_pool *, struct ds *);

#endif /* vf-pool.h */
