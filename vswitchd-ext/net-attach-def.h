/*
 * NetworkAttachmentDefinitions (k8s.cni.cncf.io/v1), read the way
 * ovn-kubernetes reads them: which NADs name an OVN-Kubernetes secondary
 * network, and that network's name.
 *
 * A NAD's spec.config is a CNI network configuration, as JSON text: a
 * single plugin configuration, or a list with a "plugins" array (of which
 * OVN-Kubernetes accepts exactly one).  It is an OVN-Kubernetes network if
 * the plugin's "type" is "ovn-k8s-cni-overlay"; then "name" is the
 * network's name (several NADs may share one network) and
 * "netAttachDefName" must be the NAD's own "<namespace>/<name>", as
 * ovn-kubernetes requires.  Any other type is some other CNI's business.
 *
 * This is a pure function of the object: no I/O.
 */

#ifndef NET_ATTACH_DEF_H
#define NET_ATTACH_DEF_H 1

struct cJSON;

/* The API collection of every namespace's NADs. */
#define NAD_COLLECTION_PATH \
    "/apis/k8s.cni.cncf.io/v1/network-attachment-definitions"

/* The CNI "type" of OVN-Kubernetes networks. */
#define NAD_OVN_CNI_TYPE "ovn-k8s-cni-overlay"

enum nad_kind {
    NAD_OVN,            /* An OVN-Kubernetes secondary network. */
    NAD_NOT_OVN,        /* Another CNI's network: not ours. */
    NAD_ERROR,          /* Malformed: 'error' says why. */
};

struct nad_info {
    enum nad_kind kind;
    char *network;      /* NAD_OVN: the network's name. */
    char *error;        /* NAD_ERROR: why, naming the NAD. */
};

/* Fills 'info' from NAD 'object', whose "<namespace>/<name>" is 'key'. */
void nad_info_parse(const struct cJSON *object, const char *key,
                    struct nad_info *info);
void nad_info_destroy(struct nad_info *);

#endif /* net-attach-def.h */
