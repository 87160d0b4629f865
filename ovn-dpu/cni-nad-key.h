/*
 * The NAD key of a CNI request: the key by which its entries in
 * k8s.ovn.org/dpu.connection-details, k8s.ovn.org/dpu.connection-status
 * and k8s.ovn.org/pod-networks go (Documentation/dpu-binding.rst).
 *
 * A pod may attach to one NetworkAttachmentDefinition more than once, by
 * naming it more than once in its k8s.v1.cni.cncf.io/networks annotation.
 * ovn-kubernetes then keys the first attachment "<namespace>/<name>", the
 * second "<namespace>/<name>/1", the third ".../2", in the order of the
 * annotation; Multus makes one CNI call per attachment, all with the NAD's
 * own "netAttachDefName", told apart by CNI_IFNAME: the element's
 * "interface", or "net<i>" for the annotation's i-th element (from 1).
 */

#ifndef CNI_NAD_KEY_H
#define CNI_NAD_KEY_H 1

#include "openvswitch/compiler.h"

struct cJSON;

/* The annotation in which a pod names its additional networks (Multus). */
#define CNI_NAD_NETWORKS_ANN "k8s.v1.cni.cncf.io/networks"

/* Sets '*keyp' to the NAD key (to free()) of the CNI request for network
 * 'nad' ("default" or "<namespace>/<name>") and interface 'ifname' of
 * 'pod', and returns NULL; or returns an error message to free().
 *
 * The key is 'nad' itself for the default network, and for a NAD that the
 * pod's k8s.v1.cni.cncf.io/networks does not name (a primary user-defined
 * network, or a pod without the annotation, as in a direct CNI call).  For
 * a NAD that it names, the attachment whose interface is 'ifname' gives
 * the index; if none has that interface, the request cannot be told apart
 * and fails, as in ovn-kubernetes. */
char *cni_nad_key(const struct cJSON *pod, const char *nad,
                  const char *ifname, char **keyp) OVS_WARN_UNUSED_RESULT;

#endif /* cni-nad-key.h */
