/*
 * The VFs that the host's CNI server has moved into pods ("attachments"),
 * kept in memory and in a file, so that a restarted ovn-dpu-host still
 * knows which VF it put in which pod: for DEL (the VF's host name, MAC and
 * MTU to restore), CHECK (what the pod's interface must look like) and GC
 * (which attachments are ours).
 *
 * The file is JSON, a list with one object per attachment, rewritten
 * atomically (temporary file, fsync, rename, fsync of the directory)
 * whenever one is added or removed, and readable by its owner only (0600):
 * it says which pod has which VF.  A file that does not parse is renamed "<file>.bad" with a
 * warning and ignored; an entry that is not an attachment is skipped.
 * Freeing the table leaves the file alone: the VFs stay in their pods
 * while the agent is away.
 */

#ifndef VF_ATTACHMENTS_H
#define VF_ATTACHMENTS_H 1

#include <stdint.h>

#include "openvswitch/hmap.h"
#include "vf-netns.h"

/* One pod's VF, from ADD until DEL or GC. */
struct vf_attachment {
    struct hmap_node node;      /* In struct vf_attachments' 'map'. */
    char *container_id;         /* CNI_CONTAINERID. */
    char *pod_namespace;
    char *pod_name;
    char *nad;                  /* NAD key, e.g. "default". */
    char *network;              /* The CNI network's "name" (what GC goes
                                 * by), or NULL in a record from before. */
    char *key_id;               /* The key its connection details were
                                 * signed with (conn-auth.h), or NULL. */
    uint64_t seq;               /* Their sequence number, or 0. */
    char *pci;                  /* PCI address, or NULL when simulated. */
    bool vfio;                  /* The VF is bound to vfio-pci (for a
                                 * virtual machine): it has no netdev and
                                 * stayed where it was; 'cfg.host_name' is
                                 * NULL. */
    struct vf_netns_config cfg; /* netns, host_name, ifname, MAC... */
    struct vf_netns_saved saved;  /* The VF's own MAC and MTU. */
};

void vf_attachment_free(struct vf_attachment *);

struct vf_attachments {
    struct hmap map;            /* Contains struct vf_attachment. */
    char *path;                 /* The file. */
};

/* Initializes 'as' from the file 'path', if there is one. */
void vf_attachments_init(struct vf_attachments *as, const char *path);
void vf_attachments_destroy(struct vf_attachments *);

/* Takes ownership of 'a', which must not be there yet, and saves. */
void vf_attachments_add(struct vf_attachments *, struct vf_attachment *a);

/* Removes and frees 'a', and saves. */
void vf_attachments_remove(struct vf_attachments *, struct vf_attachment *a);

/* The attachment of sandbox 'container_id', interface 'ifname'. */
struct vf_attachment *vf_attachments_find(const struct vf_attachments *,
                                          const char *container_id,
                                          const char *ifname);

/* The attachment that holds the VF named 'device_id' (its host netdev or
 * its PCI address). */
struct vf_attachment *vf_attachments_find_device(
    const struct vf_attachments *, const char *device_id);

/* The attachment whose interface is 'ifname' in namespace 'netns'. */
struct vf_attachment *vf_attachments_find_iface(
    const struct vf_attachments *, const char *netns, const char *ifname);

#endif /* vf-attachments.h */
