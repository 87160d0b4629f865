/*
 * Adopting ovnkube-node's ports.  See port-adoption.h.
 */

#include <config.h>

#include "port-adoption.h"

#include <string.h>

#include "dpu-binding.h"
#include "ovs-port.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "util.h"
#include "vswitch-idl.h"

bool
port_adoption_matches(const struct ovs_port_view *v,
                      const struct ovs_port_info *info,
                      const struct dpu_binding_spec *spec, const char *rep)
{
    const char *ver = smap_get(&info->iface->external_ids,
                               OVS_PORT_IFACE_ID_VER);

    return (!info->ours && v->bridge && info->br == v->bridge
            && info->iface_id && !strcmp(info->iface_id, spec->iface_id)
            && ver && spec->iface_id_ver && !strcmp(ver, spec->iface_id_ver)
            && !strcmp(info->iface->name, rep)
            && !strcmp(info->port->name, rep)
            && info->port->n_interfaces == 1);
}

char *
port_adoption_refusal(const struct ovs_port_info *info,
                      const struct dpu_binding_spec *spec, const char *rep)
{
    const char *ver = smap_get(&info->iface->external_ids,
                               OVS_PORT_IFACE_ID_VER);

    if (info->ours || !info->iface_id
        || strcmp(info->iface_id, spec->iface_id)) {
        return NULL;
    } else if (strcmp(info->iface->name, rep)) {
        return xasprintf("iface-id %s is already on port %s, which was not "
                         "created by ovn-dpu: not adopted, its representor "
                         "%s is not this pod's (%s)", spec->iface_id,
                         info->port->name, info->iface->name, rep);
    } else if (!ver || !spec->iface_id_ver
               || strcmp(ver, spec->iface_id_ver)) {
        return xasprintf("port %s was not created by ovn-dpu: not adopted, "
                         "its iface-id-ver %s is not this pod's uid",
                         info->port->name, ver ? ver : "(none)");
    } else {
        return xasprintf("port %s was not created by ovn-dpu: not adopted, "
                         "it is not alone in a Port of its name on the "
                         "integration bridge", info->port->name);
    }
}

char *
port_adoption_adopt(struct ovsdb_idl_txn *txn,
                    const struct ovs_port_info *info)
{
    ovsrec_port_update_external_ids_setkey(info->port, OVS_PORT_MARKER,
                                           "true");
    ovsrec_interface_update_external_ids_setkey(info->iface,
                                                OVS_PORT_MARKER, "true");
    ovsdb_idl_txn_add_comment(txn, "ovn-dpu: adopting port %s for %s",
                              info->port->name, info->iface_id);
    return xasprintf("adopting port %s (iface-id %s, iface-id-ver %s), "
                     "which another agent made: its iface-id, iface-id-ver "
                     "and representor are the pod's", info->port->name,
                     info->iface_id,
                     smap_get_def(&info->iface->external_ids,
                                  OVS_PORT_IFACE_ID_VER, ""));
}
