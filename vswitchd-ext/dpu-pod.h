/*
 * From a pod, as the host cluster's API server returns it, to the
 * bindings that the DPU side wants for it.
 *
 * A pod wants one binding per network (NAD key) in its
 * k8s.ovn.org/dpu.connection-details annotation that this agent serves,
 * once k8s.ovn.org/pod-networks gives that network's MAC and addresses.
 * The default network ("default") is always served; another NAD key
 * ("<namespace>/<name>") is served if its NetworkAttachmentDefinition
 * names an OVN-Kubernetes network (see net-attach-def.h).  The OVN
 * logical port (iface-id) is "<namespace>_<pod>" on the default network
 * and "<NAD key prefix><namespace>_<pod>" on another, where the prefix is
 * the NAD key with '-' and '/' made '.', then '_', as ovn-kubernetes
 * names secondary networks' ports (one port per NAD, even if several
 * NADs share a network).
 *
 * An entry of the connection details is used only if the host agent
 * signed it for this pod (conn-auth.h), unless the options allow
 * unsigned ones; the token's sequence number becomes the binding's
 * 'seq'.  Two NAD keys that give the same iface-id (ns/a-b and ns/a.b)
 * are both errors.
 *
 * This is a pure function of the pod object: no I/O, no state.  Errors in
 * the annotations become per-network (or, if no network can be told,
 * whole-pod) errors with a reason that names the field, for the pod's
 * k8s.ovn.org/dpu.connection-status.
 */

#ifndef DPU_POD_H
#define DPU_POD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu-binding.h"
#include "pod-annotations.h"

struct cJSON;
struct shash;

struct dpu_pod_options {
    enum pod_ann_mode mode;         /* Switchdev or simulated numbering. */
    int mtu;                        /* mtu_request for every port, or 0. */

    /* The authority (conn-auth.h): the host Node's name, its keys (NULL
     * while they are not known: then signed entries wait), and whether an
     * entry without a token is accepted (a host side that does not sign,
     * such as the reference's) rather than refused. */
    const char *node;
    const struct conn_auth_keys *keys;
    bool allow_unsigned;

    /* NAD key ("<namespace>/<name>") to "struct nad_info", for every
     * NetworkAttachmentDefinition there is, or NULL while they are not
     * known (then NAD keys other than "default" are skipped). */
    const struct shash *nads;
};

enum dpu_pod_net_state {
    DPU_POD_NET_BIND,               /* Ready to bind: 'spec' is valid. */
    DPU_POD_NET_WAITING,            /* Not yet: no addresses, or no key to
                                     * check the host's signature, yet. */
    DPU_POD_NET_ERROR,              /* Cannot bind: 'error' says why. */
    DPU_POD_NET_NO_NAD,             /* Not yet: the NAD does not exist. */
};

/* One network of a pod. */
struct dpu_pod_net {
    char *nad;                      /* NAD key. */
    enum dpu_pod_net_state state;
    char *error;                    /* ERROR, WAITING, NO_NAD: why. */
    struct dpu_binding_spec spec;   /* DPU_POD_NET_BIND: points into the
                                     * strings below. */

    char *sandbox;                  /* The connection details' sandbox,
                                     * which a status answers; NULL if
                                     * there are none. */
    int pf_id, vf_id;               /* From the connection details. */
    bool key_unknown;               /* WAITING for the key its signature
                                     * names. */

    /* Storage for 'spec'. */
    char *iface_id, *network, *vf_netdev_name, *mac, *ips;
};

struct dpu_pod {
    char *key;                      /* "<namespace>/<name>". */
    char *uid;                      /* metadata.uid, or NULL. */
    bool host_network;              /* Host-network pods are ignored. */
    bool terminating;               /* metadata.deletionTimestamp is set.
                                     * The pod keeps its bindings for its
                                     * grace period (preStop hooks,
                                     * draining): only shown. */
    bool completed;                 /* status.phase is Succeeded or
                                     * Failed: its containers are done
                                     * for good, so it wants no binding,
                                     * whatever it carries. */
    char *error;                    /* Whole-pod error, or NULL: the
                                     * connection details cannot be read. */
    int64_t ingress_bps, egress_bps;  /* Bandwidth limits for every
                                       * network, 0 for none. */
    char *bandwidth_error;          /* Why a bandwidth annotation was
                                     * ignored, or NULL.  Only logged:
                                     * the pod binds without that limit
                                     * (pod-bandwidth.h). */
    struct dpu_pod_net *nets;       /* In NAD key order. */
    size_t n_nets;
};

/* Fills 'pod' from 'object'.  Returns false, with 'pod' empty, if 'object'
 * is not a pod with a namespace and name. */
bool dpu_pod_parse(const struct cJSON *object, const struct dpu_pod_options *,
                   struct dpu_pod *pod);
void dpu_pod_destroy(struct dpu_pod *);

/* Returns the iface-id for NAD key 'nad' ("default" or NULL for the
 * default network) of pod 'name' in 'namespace'.  An indexed key
 * "ns/nad/1" gives "ns.nad.1_<namespace>_<name>", as ovn-kubernetes names
 * that attachment's logical port. */
char *dpu_pod_iface_id(const char *namespace, const char *name,
                       const char *nad);

#endif /* dpu-pod.h */
