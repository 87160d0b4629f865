/*
 * What CNI ADD and DEL read from and write to the pod: the pieces of the
 * CNI calls that know the annotations (Documentation/dpu-binding.rst), kept
 * apart from the calls' I/O so that each is small and can be read on its
 * own.
 *
 *   - The edits of k8s.ovn.org/dpu.connection-details that ADD and DEL
 *     make, as pod_patch functions (see pod-patch.h): ADD puts this
 *     network's entry; DEL removes it, but only if it is this sandbox's.
 *
 *   - The verdict on a pod for an ADD waiting for the DPU side: wait on,
 *     go ahead (with the pod's addresses from k8s.ovn.org/pod-networks), or
 *     fail, and why.
 *
 *   - The pod's interface configuration from its pod-networks entry, and
 *     the CNI result that describes it, in the shape of the requested
 *     cniVersion.
 *
 * Pure functions, except that they log what a reader of the log would
 * want to know (e.g. a malformed annotation replaced).
 */

#ifndef CNI_POD_H
#define CNI_POD_H 1

#include <stdbool.h>

#include <stdint.h>

#include "conn-auth.h"
#include "openvswitch/compiler.h"
#include "pod-annotations.h"

struct cJSON;
struct json;
struct vf_netns_config;

/* The 'aux' of cni_pod_put_details() and cni_pod_remove_details(). */
struct cni_pod_edit {
    /* In. */
    const char *node;           /* The pod must be on this node (ADD). */
    const char *nad;            /* NAD key, or "netAttachDefName" if
                                 * 'ifname' is nonnull. */
    const char *ifname;         /* CNI_IFNAME, to find the NAD key of
                                 * this attachment (cni-nad-key.h) in the
                                 * pod, or NULL if 'nad' is the key. */
    struct dpu_conn_details details;  /* ADD: the entry to put.  DEL: only
                                       * 'sandbox_id' is used. */
    bool sign;                  /* ADD: sign the entry with 'key' and 'seq'
                                 * for the pod's uid (conn-auth.h). */
    struct conn_auth_key key;
    uint64_t seq;

    /* Out, from the last attempt. */
    char *nad_key;              /* The NAD key the entry went by. */
    char *vf_netdev_name;       /* DEL: the removed entry's vfNetdevName. */
    bool changed;               /* Whether a patch was needed. */
};

/* Returns an edit of network 'nad''s entry for sandbox 'sandbox' (compared
 * exactly, case included, as the DPU side does), on a pod that must be on
 * 'node' (not copied).  With 'ifname' nonnull, 'nad' is the request's
 * "netAttachDefName" and the entry's NAD key is found in the pod (the
 * attachment of interface 'ifname'); otherwise 'nad' is the key.  The
 * caller fills in 'details' for ADD. */
struct cni_pod_edit *cni_pod_edit_create(const char *node, const char *nad,
                                         const char *ifname,
                                         const char *sandbox);
void cni_pod_edit_free(struct cni_pod_edit *);

/* pod_patch functions. */
char *cni_pod_put_details(const struct cJSON *pod, void *edit,
                          struct cJSON **annotationsp);
char *cni_pod_remove_details(const struct cJSON *pod, void *edit,
                             struct cJSON **annotationsp);

enum cni_pod_verdict {
    CNI_POD_WAIT,               /* The DPU side has not answered yet. */
    CNI_POD_READY,              /* Plugged: go ahead. */
    CNI_POD_FAILED,             /* Give up: '*errorp' says why. */
};

/* Looks at 'pod' for the ADD of 'sandbox' on network 'nad'.  A pod
 * version that does not carry this sandbox's connection details predates
 * our write and says nothing about it, so it means "wait"; so does a
 * status entry that does not answer this sandbox (its "sandboxId" is
 * another's, or it has none and 'allow_without_sandbox' is false).  On
 * CNI_POD_READY, sets '*netp' to the pod's network (free it with
 * pod_networks_clear() on a one-entry shash, or cni_pod_network_free()).
 * On CNI_POD_FAILED, sets '*errorp' to a message to free(). */
enum cni_pod_verdict cni_pod_evaluate(const struct cJSON *pod,
                                      const char *nad, const char *sandbox,
                                      const char *uid,
                                      bool allow_without_sandbox,
                                      struct pod_network **netp,
                                      char **errorp);
void cni_pod_network_free(struct pod_network *);

/* Fills in the addresses, routes and MAC of 'cfg' from 'net'.  A primary
 * network (the default network, or role "primary") gets a default route
 * through each family's first gateway. */
void cni_pod_build_config(const struct pod_network *net, const char *nad,
                          struct vf_netns_config *cfg);

/* The CNI result for 'cfg', in the shape of 'cni_version'.  'pci' is the
 * VF's PCI address or NULL. */
struct json *cni_pod_result(const struct vf_netns_config *cfg,
                            const char *cni_version, const char *pci);

/* True if 'pod''s metadata says it is being deleted. */
bool cni_pod_is_deleting(const struct cJSON *pod);

#endif /* cni-pod.h */
