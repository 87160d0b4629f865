/*
 * CNI DEL and GC in ovn-dpu-host: move the VF back to the host and remove
 * the sandbox's connection details from the pod.  See cni-calls.h for what
 * DEL and GC answer.
 */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cni-bg-patch.h"
#include "cni-call.h"
#include "cni-del.h"
#include "cni-pod.h"
#include "openvswitch/vlog.h"
#include "pod-patch.h"
#include "timeval.h"
#include "util.h"
#include "vf-netns.h"

VLOG_DEFINE_THIS_MODULE(cni_del);

/* DEL waits this long, in ms, for the API server to remove the
 * connection details before it answers anyway. */
#define DEL_API_TIMEOUT 5000

/* DEL. */

/* The VF's name on the host for the DEL in 'call', if known: what ADD
 * recorded, or, without a record, the name "deviceID" gives: itself when
 * simulated, else a name made from its PCI address (vf-device.h), in
 * which case '*pcip' is set to that address, for vf_netns_detach() to
 * check that the interface is that VF.  Never what the pod's annotations
 * say: whoever may patch the pod could name a device of the host's. */
static const char *
del_host_name(const struct cni_calls *cs, struct cni_call *call,
              const struct vf_attachment *a, const char **pcip)
{
    const char *device_id = call->req.device_id;
    int pf, vf;

    *pcip = NULL;
    if (a) {
        return a->cfg.host_name;
    } else if (!device_id) {
        return NULL;
    } else if (cs->settings.simulated) {
        return (vf_device_parse_sim_name(device_id, &pf, &vf)
                ? device_id : NULL);
    }
    if (!call->dev.netdev) {
        call->dev.netdev = vf_device_fallback_name(device_id);
    }
    *pcip = call->dev.netdev ? device_id : NULL;
    return call->dev.netdev;
}

/* Moves the VF of the DEL in 'call' back to the host, if it can tell
 * which VF that is.  Returns an error, or NULL. */
static struct cni_error *
del_detach(struct cni_calls *cs, struct cni_call *call)
{
    const struct cni_request *req = &call->req;
    struct vf_attachment *a = vf_attachments_find(&cs->attachments,
                                                  req->container_id,
                                                  req->ifname);
    const char *pci;
    const char *host_name = del_host_name(cs, call, a, &pci);
    const char *netns = a ? a->cfg.netns : req->netns;

    if (call->detached) {
        return NULL;
    } else if (!a && netns) {
        /* An interface of that name in that namespace that another sandbox
         * of ours holds is not this sandbox's to take. */
        const struct vf_attachment *other = vf_attachments_find_iface(
            &cs->attachments, netns, req->ifname);
        if (other) {
            VLOG_WARN("DEL sandbox %s/%s: %s in %s belongs to sandbox %s: "
                      "leaving it", req->container_id, req->ifname,
                      req->ifname, netns, other->container_id);
            return NULL;
        }
    }
    if (a && a->vfio) {
        VLOG_INFO("DEL sandbox %s/%s: VF %s is bound to vfio-pci: nothing "
                  "to move back", req->container_id, req->ifname, a->pci);
        cni_calls_forget(cs, a);
        call->detached = true;
        return NULL;
    }
    if (!host_name) {
        if (netns) {
            VLOG_DBG("DEL sandbox %s/%s: no VF of ours is known there "
                      "(if one is, the kernel returns it to the host with "
                      "the namespace)", req->container_id, req->ifname);
        }
        return NULL;
    }

    const char *what;
    char *why = vf_netns_detach(netns, req->ifname, host_name, pci,
                                a ? &a->saved : NULL, &what);
    if (why) {
        struct cni_error *error = cni_error_create(
            CNI_ERR_TRY_AGAIN_LATER, why, "failed to move VF %s back to the "
            "host: %s", host_name, why);
        free(why);
        return error;
    }
    VLOG_INFO("DEL sandbox %s/%s: VF %s: %s", req->container_id,
              req->ifname, host_name, what);
    if (a) {
        cni_calls_forget(cs, a);
    }
    call->detached = true;
    return NULL;
}

void
cni_del_run(struct cni_calls *cs, struct cni_call *call)
{
    pod_patch_run(call->patch);
    if (!pod_patch_is_done(call->patch)) {
        if (time_msec() < call->deadline) {
            return;
        }

        /* The API server is slow: the VF matters more to the runtime than
         * the annotation, which the next ADD of this pod replaces anyway.
         * Finish the removal in the background. */
        char *what = xasprintf("DEL pod %s sandbox %s/%s", call->pod_key,
                               call->req.container_id, call->req.ifname);
        VLOG_WARN("%s: the API server has not answered in %d ms, "
                  "removing the connection details in the background",
                  what, DEL_API_TIMEOUT);
        struct cni_error *error = del_detach(cs, call);
        cni_bg_patch_add(cs, what, call->req.pod_namespace,
                         call->req.pod_name, NULL, call->patch, call->edit);
        free(what);
        call->patch = NULL;
        call->edit = NULL;
        cni_call_answer(cs, call, error, NULL);
        cni_error_destroy(error);
        return;
    }

    struct cni_error *error = del_detach(cs, call);
    const char *patch_error = pod_patch_error(call->patch);
    if (patch_error && !pod_patch_pod_gone(call->patch)) {
        /* Not the runtime's problem: the VF is back (or the error says
         * why not).  The removal goes on in the background. */
        char *what = xasprintf("DEL pod %s sandbox %s/%s", call->pod_key,
                               call->req.container_id, call->req.ifname);
        VLOG_WARN("%s: removing the connection details failed, retrying "
                  "in the background: %s", what, patch_error);
        cni_bg_patch_add(cs, what, call->req.pod_namespace,
                         call->req.pod_name, NULL, NULL, call->edit);
        call->edit = NULL;
        free(what);
    }
    cni_call_answer(cs, call, error, NULL);
    cni_error_destroy(error);
}

/* Starts the DEL in 'call', which is then in flight: the VF goes back to
 * the host at once if we know which it is, and the connection details are
 * removed next (cni_del_run()). */
void
cni_del_start(struct cni_calls *cs, struct cni_call *call)
{
    const struct cni_request *req = &call->req;

    /* An ADD of the same sandbox that is still waiting gives up: the
     * runtime has given up on it. */
    struct cni_call *add = cni_calls_find_in_flight(cs, req, call);
    if (add && add->req.command == CNI_ADD && !add->cancel) {
        add->cancel = xstrdup("interrupted by DEL of the same sandbox");
    }

    /* When we know which VF it is, it goes back before anything else:
     * that needs neither the API server nor the DPU. */
    struct vf_attachment *a = vf_attachments_find(&cs->attachments,
                                                  req->container_id,
                                                  req->ifname);
    /* The attachment's record knows its NAD key; without one, the pod
     * tells it. */
    call->edit = (a
                  ? cni_pod_edit_create(cs->settings.node, a->nad, NULL,
                                        req->container_id)
                  : cni_pod_edit_create(cs->settings.node, req->nad,
                                        req->ifname, req->container_id));

    struct cni_error *early = NULL;
    const char *pci;
    if (del_host_name(cs, call, a, &pci) || (a && a->vfio)) {
        early = del_detach(cs, call);
    }

    call->deadline = time_msec() + DEL_API_TIMEOUT;
    call->patch = pod_patch_start(cs->settings.k8s, req->pod_namespace,
                                  req->pod_name, NULL,
                                  cni_pod_remove_details, call->edit);
    call->state = CALL_DEL_PATCH;
    if (early) {
        /* cni_del_run() tries again once the details are removed, and
         * reports the error if it fails again. */
        VLOG_WARN("DEL sandbox %s/%s: %s", req->container_id, req->ifname,
                  early->msg);
        cni_error_destroy(early);
    }
}

/* GC. */

static bool
is_valid_attachment(const struct cni_request *req,
                    const struct vf_attachment *a)
{
    for (size_t i = 0; i < req->n_valid_attachments; i++) {
        const struct cni_attachment *v = &req->valid_attachments[i];
        if (!strcmp(v->container_id, a->container_id)
            && !strcmp(v->ifname, a->cfg.ifname)) {
            return true;
        }
    }
    return false;
}

/* True if 'a' is an attachment of the network that GC 'req' is for.  GC
 * is per network configuration, told by its "name"; several
 * configurations may share a NAD key or none (records from before the
 * network's name was kept go by their NAD key). */
static bool
is_gc_network(const struct cni_request *req, const struct vf_attachment *a)
{
    return (a->network
            ? req->name && !strcmp(a->network, req->name)
            : !strcmp(a->nad, req->nad));
}

void
cni_gc_serve(struct cni_calls *cs, const struct cni_request *req)
{
    struct vf_attachment *a;

    HMAP_FOR_EACH_SAFE (a, node, &cs->attachments.map) {
        if (is_valid_attachment(req, a) || !is_gc_network(req, a)) {
            continue;
        }

        VLOG_INFO("GC: sandbox %s/%s of pod %s/%s is no longer valid",
                  a->container_id, a->cfg.ifname, a->pod_namespace,
                  a->pod_name);
        const char *what = "bound to vfio-pci, nothing to move back";
        char *why = (a->vfio ? NULL
                     : vf_netns_detach(a->cfg.netns, a->cfg.ifname,
                                       a->cfg.host_name, NULL, &a->saved,
                                       &what));
        if (why) {
            VLOG_WARN("GC: sandbox %s/%s: %s", a->container_id,
                      a->cfg.ifname, why);
            free(why);
            continue;
        }

        /* The removal of the connection details goes on in the
         * background; its outcome is logged. */
        struct cni_pod_edit *edit = cni_pod_edit_create(cs->settings.node,
                                                        a->nad, NULL,
                                                        a->container_id);
        struct pod_patch *patch = pod_patch_start(
            cs->settings.k8s, a->pod_namespace, a->pod_name, NULL,
            cni_pod_remove_details, edit);
        char *desc = xasprintf("GC: pod %s/%s", a->pod_namespace,
                               a->pod_name);
        cni_bg_patch_add(cs, desc, a->pod_namespace, a->pod_name, NULL, patch,
                         edit);
        free(desc);
        cni_calls_forget(cs, a);
    }
}
