/*
 * Copying and freeing the binding module's owned copies of what is
 * wanted (struct dpu_binding_spec), and what a binding's port wants
 * beyond its spec (struct ovs_port_extras).  See dpu-binding-private.h.
 */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "dpu-binding-private.h"
#include "ovs-port.h"
#include "pf-encap-ip.h"
#include "smap.h"
#include "util.h"
#include "vswitch-idl.h"

void
binding_spec_copy(struct dpu_binding_spec *dst,
                  const struct dpu_binding_spec *src)
{
    dst->iface_id = xstrdup(src->iface_id);
    dst->iface_id_ver = nullable_xstrdup(src->iface_id_ver);
    dst->pod = nullable_xstrdup(src->pod);
    dst->nad = nullable_xstrdup(src->nad);
    dst->network = nullable_xstrdup(src->network);
    dst->pf_id = src->pf_id;
    dst->vf_id = src->vf_id;
    dst->sandbox = nullable_xstrdup(src->sandbox);
    dst->vf_netdev_name = nullable_xstrdup(src->vf_netdev_name);
    dst->pod_if_name = nullable_xstrdup(src->pod_if_name);
    dst->attached_mac = nullable_xstrdup(src->attached_mac);
    dst->ip_addresses = nullable_xstrdup(src->ip_addresses);
    dst->mtu = src->mtu;
    dst->ingress_bps = src->ingress_bps;
    dst->egress_bps = src->egress_bps;
    dst->seq = src->seq;
}

void
binding_spec_destroy(struct dpu_binding_spec *spec)
{
    free(CONST_CAST(char *, spec->iface_id));
    free(CONST_CAST(char *, spec->iface_id_ver));
    free(CONST_CAST(char *, spec->pod));
    free(CONST_CAST(char *, spec->nad));
    free(CONST_CAST(char *, spec->network));
    free(CONST_CAST(char *, spec->sandbox));
    free(CONST_CAST(char *, spec->vf_netdev_name));
    free(CONST_CAST(char *, spec->pod_if_name));
    free(CONST_CAST(char *, spec->attached_mac));
    free(CONST_CAST(char *, spec->ip_addresses));
}

char *
binding_extras(struct binding *b, const struct ovs_port_view *v,
               struct ovs_port_extras *x)
{
    free(b->encap_ip);
    b->encap_ip = NULL;
    if (b->uplink) {
        const char *mapping = (v->ovs
                               ? smap_get(&v->ovs->external_ids,
                                          PF_ENCAP_IP_MAPPING)
                               : NULL);
        char *error = pf_encap_ip_lookup(mapping, b->uplink, &b->encap_ip);
        if (error) {
            return error;
        }
    }
    *x = (struct ovs_port_extras) {
        .vf_netdev_name = b->rep,
        .encap_ip = b->encap_ip,
        .dpdk = (b->switchdev && v->bridge
                 && !strcmp(v->bridge->datapath_type, "netdev")),
    };
    return NULL;
}
