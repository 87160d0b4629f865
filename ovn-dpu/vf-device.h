/*
 * Finding a pod's VF on the host: the CNI "deviceID" resolved to the PF
 * index, the VF index and the VF's netdev, which is what the host writes
 * into k8s.ovn.org/dpu.connection-details for the DPU side.
 *
 * Two ways, as ovn-dpu-host(8) describes them:
 *
 *   - Switchdev hardware: "deviceID" is the VF's PCI address, as the SR-IOV
 *     device plugin gives it (e.g. "0000:03:00.2"), or the name of the VF's
 *     netdev on the host (e.g. "ens1f0v2"), which leads to the PCI address
 *     through "class/net/<name>/device".  Under the sysfs root (normally
 *     "/sys"; tests build a tree of their own):
 *
 *         bus/pci/devices/<vf>/physfn     -> the PF
 *         bus/pci/devices/<pf>/virtfnN    -> the VF, for VF index N
 *         bus/pci/devices/<vf>/net/<dev>  the VF's netdev, exactly one
 *         bus/pci/devices/<vf>/driver     -> .../vfio-pci for a VF that is
 *                                            for a virtual machine
 *
 *     and the PF index is the PF's PCI function number.  A VF bound to
 *     vfio-pci (KubeVirt) has no netdev: the DPU side still plugs its
 *     representor, but nothing moves into the pod.
 *
 *   - Simulated DPU (the ovn-kubernetes dpu-simulator convention):
 *     "deviceID" is the VF netdev name itself, a name that ends in
 *     "<p>-<v>" (e.g. "eth0-3"), which must exist in the host's network
 *     namespace.
 *
 * This module only reads sysfs (and, in simulated mode, asks the kernel
 * whether the netdev exists); it changes nothing.
 */

#ifndef VF_DEVICE_H
#define VF_DEVICE_H 1

#include <stdbool.h>

#include "openvswitch/compiler.h"

struct vf_device {
    int pf_id;                  /* PF index on the host. */
    int vf_id;                  /* VF index within the PF. */
    char *netdev;               /* The VF's netdev name on the host, or
                                 * NULL if 'vfio'. */
    char *pci;                  /* PCI address, or NULL in simulated mode. */
    bool vfio;                  /* Bound to vfio-pci, for a virtual machine:
                                 * no netdev, nothing to move. */
};

/* Resolves 'device_id'.  In switchdev mode ('simulated' false) looks under
 * 'sysfs_root'.  Returns NULL and fills in '*dev' (which the caller must
 * free with vf_device_destroy()) if successful, otherwise an error message
 * that names the device and says what is wrong, for the caller to free. */
char *vf_device_resolve(const char *device_id, bool simulated,
                        const char *sysfs_root, struct vf_device *dev)
    OVS_WARN_UNUSED_RESULT;
void vf_device_destroy(struct vf_device *);

/* A name for the VF with PCI address 'pci' on the host, for a VF that
 * comes back from a pod without a record of its own name: "vf-03-00.2"
 * for "0000:03:00.2".  Returns NULL if 'pci' is not a PCI address. */
char *vf_device_fallback_name(const char *pci);

/* True if 'device_id' has the form of a deviceID: a PCI address
 * "dddd:bb:ss.f" (lowercase hex) or a network device name, or if
 * 'simulated' a network device name that ends in "<p>-<v>".  Says nothing
 * of whether the device exists. */
bool vf_device_id_is_valid(const char *device_id, bool simulated);

/* Parses a simulated VF netdev name, a network device name that ends in
 * "<p>-<v>" (decimal, no leading zero, PF up to 255, VF up to 65535), into
 * '*pf' and '*vf'. */
bool vf_device_parse_sim_name(const char *name, int *pf, int *vf);

/* Switchdev only: the PCI address of netdev 'netdev', from the target of
 * "class/net/<netdev>/device" under 'sysfs_root'.  Returns NULL and stores
 * it in '*pci' (to free()), or an error message. */
char *vf_device_pci_of_netdev(const char *sysfs_root, const char *netdev,
                              char **pci) OVS_WARN_UNUSED_RESULT;

struct svec;

/* Switchdev only: the netdevs of the PF of VF 'vf_pci' (the entries of
 * "bus/pci/devices/<pf>/net/"), in name order, into 'netdevs'; and the
 * PF's PCI address into '*pf_pci' (to free()).  Returns NULL, or an error
 * message, also if the PF has no netdev. */
char *vf_device_pf_netdevs(const char *sysfs_root, const char *vf_pci,
                           char **pf_pci, struct svec *netdevs)
    OVS_WARN_UNUSED_RESULT;

#endif /* vf-device.h */
