/*
 * From a pod, as the host cluster's API server returns it, to the
 * bindings that the DPU side wants for it.
 *
 * A pod wants one binding per network (NAD key) in its
 * k8s.ovn.org/dpu.connection-details annotation that this agent serves,
 * once k8s.ovn.org/pod-networks gives that network's MAC and addresses.
 * The OVN logical port (iface-id) is "<namespace>_<pod>" on the default
 * network and "<network prefix><namespace>_<pod>" on another, where the
 * prefix is the network's name with '-' and '/' made '.', then '_', as
 * ovn-kubernetes names them.  Networks other than the default are served
 * only if the caller knows their network name (from the NAD).
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

#include "dpu-binding.h"
#include "pod-annotations.h"

struct cJSON;
struct smap;

struct dpu_pod_options {
    enum pod_ann_mode mode;         /* Switchdev or simulated numbering. */
    int mtu;                        /* mtu_request for every port, or 0. */

    /* NAD key ("<namespace>/<name>") to network name, for the networks
     * other than the default one that this agent serves.  May be NULL. */
    const struct smap *networks;
};

enum dpu_pod_net_state {
    DPU_POD_NET_BIND,               /* Ready to bind: 'spec' is valid. */
    DPU_POD_NET_WAITING,            /* Not yet: no addresses yet. */
    DPU_POD_NET_ERROR,              /* Cannot bind: 'error' says why. */
};

/* One network of a pod. */
struct dpu_pod_net {
    char *nad;                      /* NAD key. */
    enum dpu_pod_net_state state;
    char *error;                    /* DPU_POD_NET_ERROR, WAITING: why. */
    struct dpu_binding_spec spec;   /* DPU_POD_NET_BIND: points into the
                                     * strings below. */

    /* Storage for 'spec'. */
    char *iface_id, *network, *sandbox, *vf_netdev_name, *mac, *ips;
};

struct dpu_pod {
    char *key;                      /* "<namespace>/<name>". */
    char *uid;                      /* metadata.uid, or NULL. */
    bool host_network;              /* Host-network pods are ignored. */
    bool terminating;               /* metadata.deletionTimestamp is set:
                                     * the pod is going away, so it wants
                                     * no binding, whatever it carries. */
    char *error;                    /* Whole-pod error, or NULL: the
                                     * connection details cannot be read. */
    struct dpu_pod_net *nets;       /* In NAD key order. */
    size_t n_nets;
};

/* Fills 'pod' from 'object'.  Returns false, with 'pod' empty, if 'object'
 * is not a pod with a namespace and name. */
bool dpu_pod_parse(const struct cJSON *object, const struct dpu_pod_options *,
                   struct dpu_pod *pod);
void dpu_pod_destroy(struct dpu_pod *);

/* Returns the iface-id for network 'network' ("default" for the default
 * network) of pod 'name' in 'namespace'. */
char *dpu_pod_iface_id(const char *namespace, const char *name,
                       const char *network);

#endif /* dpu-pod.h */
