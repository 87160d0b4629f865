/*
 * The OVSDB rows behind the DPU agent's ports.  See ovs-port.h.
 */

#include <config.h>

#include "ovs-port.h"

#include <string.h>

#include "dpu-binding.h"
#include "openvswitch/dynamic-string.h"
#include "ovsdb-idl.h"
#include "pod-bandwidth.h"
#include "smap.h"
#include "util.h"
#include "vswitch-idl.h"

void
ovs_port_register_idl(struct ovsdb_idl *idl)
{
    /* next_cfg and cur_cfg: to tell when ovs-vswitchd has applied a
     * deletion (see link-ledger.h). */
    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_next_cfg);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_cur_cfg);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_external_ids);

    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_datapath_type);

    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_other_config);

    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_mtu_request);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_type);

    pod_bandwidth_register_idl(idl);
}

bool
ovs_port_replica_is_ready(const struct ovsdb_idl *idl)
{
    return ovsdb_idl_has_ever_connected(idl) && ovsdb_idl_is_connected(idl);
}

/* The view of the replica. */

void
ovs_port_view_init(struct ovs_port_view *v, struct ovsdb_idl *idl,
                   const char *bridge)
{
    const struct ovsrec_bridge *br;
    size_t allocated = 0;

    memset(v, 0, sizeof *v);
    shash_init(&v->by_name);
    hmapx_init(&v->deleted);
    v->ovs = ovsrec_open_vswitch_first(idl);
    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        if (!strcmp(br->name, bridge)) {
            v->bridge = br;
        }
        for (size_t i = 0; i < br->n_ports; i++) {
            const struct ovsrec_port *port = br->ports[i];
            bool port_ours = smap_get_bool(&port->external_ids,
                                           OVS_PORT_MARKER, false);

            for (size_t j = 0; j < port->n_interfaces; j++) {
                const struct ovsrec_interface *iface = port->interfaces[j];

                if (v->n_infos >= allocated) {
                    v->infos = x2nrealloc(v->infos, &allocated,
                                          sizeof *v->infos);
                }
                struct ovs_port_info *info = &v->infos[v->n_infos++];
                info->iface = iface;
                info->port = port;
                info->br = br;
                info->iface_id = smap_get(&iface->external_ids,
                                          OVS_PORT_IFACE_ID);
                info->ours = port_ours || smap_get_bool(&iface->external_ids,
                                                        OVS_PORT_MARKER,
                                                        false);
            }
        }
    }
    for (size_t i = 0; i < v->n_infos; i++) {
        shash_add_once(&v->by_name, v->infos[i].iface->name, &v->infos[i]);
    }
}

void
ovs_port_view_destroy(struct ovs_port_view *v)
{
    shash_destroy(&v->by_name);
    hmapx_destroy(&v->deleted);
    free(v->infos);
}

/* External ids. */

void
ovs_port_external_ids(const struct dpu_binding_spec *spec,
                      const struct ovs_port_extras *x, struct smap *ids)
{
    smap_add(ids, OVS_PORT_MARKER, "true");
    smap_add(ids, OVS_PORT_IFACE_ID, spec->iface_id);
    if (spec->iface_id_ver) {
        smap_add(ids, OVS_PORT_IFACE_ID_VER, spec->iface_id_ver);
    }
    if (spec->sandbox) {
        smap_add(ids, OVS_PORT_SANDBOX, spec->sandbox);
    }
    if (spec->attached_mac) {
        smap_add(ids, OVS_PORT_ATTACHED_MAC, spec->attached_mac);
    }
    if (spec->ip_addresses && spec->ip_addresses[0]) {
        smap_add(ids, OVS_PORT_IP_ADDRESSES, spec->ip_addresses);
    }
    if (x->vf_netdev_name) {
        smap_add(ids, OVS_PORT_VF_NETDEV_NAME, x->vf_netdev_name);
    }
    if (x->encap_ip) {
        smap_add(ids, OVS_PORT_ENCAP_IP, x->encap_ip);
    }
    if (spec->pod_if_name) {
        smap_add(ids, OVS_PORT_POD_IF_NAME, spec->pod_if_name);
    }
    if (spec->nad && strcmp(spec->nad, "default")) {
        smap_add(ids, OVS_PORT_NAD, spec->nad);
        if (spec->network) {
            smap_add(ids, OVS_PORT_NETWORK, spec->network);
        }
    }
}

/* The external ids that this module manages on an Interface: those that
 * ovs_port_external_ids() may set. */
static const char *const managed_keys[] = {
    OVS_PORT_MARKER, OVS_PORT_IFACE_ID, OVS_PORT_IFACE_ID_VER,
    OVS_PORT_SANDBOX, OVS_PORT_ATTACHED_MAC, OVS_PORT_IP_ADDRESSES,
    OVS_PORT_VF_NETDEV_NAME, OVS_PORT_POD_IF_NAME, OVS_PORT_NAD,
    OVS_PORT_NETWORK, OVS_PORT_ENCAP_IP,
};

/* The Interface type that 'x' wants. */
static const char *
want_type(const struct ovs_port_extras *x)
{
    return x->dpdk ? "dpdk" : "";
}

bool
ovs_port_is_right(const struct dpu_binding_spec *spec,
                  const struct ovs_port_extras *x,
                  const struct ovsrec_port *port,
                  const struct ovsrec_interface *iface)
{
    struct smap want = SMAP_INITIALIZER(&want);
    bool right = (smap_get_bool(&port->other_config, OVS_PORT_TRANSIENT,
                                false)
                  && !strcmp(iface->type, want_type(x)));

    ovs_port_external_ids(spec, x, &want);
    for (size_t i = 0; right && i < ARRAY_SIZE(managed_keys); i++) {
        right = nullable_string_is_equal(
            smap_get(&want, managed_keys[i]),
            smap_get(&iface->external_ids, managed_keys[i]));
    }
    smap_destroy(&want);

    if (right && spec->mtu > 0) {
        right = (iface->n_mtu_request == 1
                 && *iface->mtu_request == spec->mtu);
    }
    return right && pod_bandwidth_is_right(spec, port, iface);
}

bool
ovs_port_needs_replacing(const struct dpu_binding_spec *spec,
                         const struct ovsrec_interface *iface)
{
    return (!nullable_string_is_equal(
                spec->iface_id_ver,
                smap_get(&iface->external_ids, OVS_PORT_IFACE_ID_VER))
            || !nullable_string_is_equal(
                spec->sandbox,
                smap_get(&iface->external_ids, OVS_PORT_SANDBOX)));
}

/* Writing. */

/* Adds the rows of a port named 'name' to 'br'.  Returns the Port, and
 * its Interface in '*ifacep'. */
static struct ovsrec_port *
add_rows(struct ovsdb_idl_txn *txn, const struct ovsrec_bridge *br,
         const char *name, const struct smap *ids,
         const struct smap *port_ids, bool transient, int mtu_request,
         struct ovsrec_interface **ifacep)
{
    struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, name);
    ovsrec_interface_set_external_ids(iface, ids);
    if (mtu_request > 0) {
        int64_t mtu = mtu_request;
        ovsrec_interface_set_mtu_request(iface, &mtu, 1);
    }

    struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, name);
    ovsrec_port_set_interfaces(port, &iface, 1);
    ovsrec_port_set_external_ids(port, port_ids);
    if (transient) {
        const struct smap other_config = SMAP_CONST1(&other_config,
                                                     OVS_PORT_TRANSIENT,
                                                     "true");
        ovsrec_port_set_other_config(port, &other_config);
    }
    ovsrec_bridge_update_ports_addvalue(br, port);
    *ifacep = iface;
    return port;
}

void
ovs_port_add(struct ovsdb_idl_txn *txn, const struct ovsrec_bridge *br,
             const char *name, const struct dpu_binding_spec *spec,
             const struct ovs_port_extras *x)
{
    struct smap ids = SMAP_INITIALIZER(&ids);
    struct smap port_ids = SMAP_INITIALIZER(&port_ids);

    ovs_port_external_ids(spec, x, &ids);
    smap_add(&port_ids, OVS_PORT_MARKER, "true");

    struct ovsrec_interface *iface;
    struct ovsrec_port *port = add_rows(txn, br, name, &ids, &port_ids,
                                        true, spec->mtu, &iface);
    if (x->dpdk) {
        ovsrec_interface_set_type(iface, want_type(x));
    }
    pod_bandwidth_apply(txn, port, iface, spec, NULL);
    ovsdb_idl_txn_add_comment(txn, "ovn-dpu: adding port %s for %s",
                              name, spec->iface_id);
    smap_destroy(&ids);
    smap_destroy(&port_ids);
}

void
ovs_port_add_other(struct ovsdb_idl_txn *txn, const struct ovsrec_bridge *br,
                   const char *name, const struct smap *ids, int mtu)
{
    struct smap no_ids = SMAP_INITIALIZER(&no_ids);

    struct ovsrec_interface *iface;
    add_rows(txn, br, name, ids, &no_ids, false, mtu, &iface);
    ovsdb_idl_txn_add_comment(txn, "ovn-dpu: adding port %s", name);
    smap_destroy(&no_ids);
}

bool
ovs_port_has_ids(const struct ovsrec_interface *iface,
                 const struct smap *ids, int mtu)
{
    const struct smap_node *node;

    SMAP_FOR_EACH (node, ids) {
        if (!nullable_string_is_equal(node->value,
                                      smap_get(&iface->external_ids,
                                               node->key))) {
            return false;
        }
    }
    return (mtu <= 0
            || (iface->n_mtu_request == 1 && *iface->mtu_request == mtu));
}

void
ovs_port_set_ids(struct ovsdb_idl_txn *txn,
                 const struct ovsrec_interface *iface,
                 const struct smap *ids, int mtu, struct ds *changed)
{
    const struct smap_node *node;

    SMAP_FOR_EACH (node, ids) {
        if (!nullable_string_is_equal(node->value,
                                      smap_get(&iface->external_ids,
                                               node->key))) {
            ovsrec_interface_update_external_ids_setkey(iface, node->key,
                                                        node->value);
            ds_put_format(changed, " %s", node->key);
        }
    }
    if (mtu > 0 && (iface->n_mtu_request != 1
                    || *iface->mtu_request != mtu)) {
        int64_t mtu_ = mtu;
        ovsrec_interface_set_mtu_request(iface, &mtu_, 1);
        ds_put_cstr(changed, " mtu_request");
    }
    ovsdb_idl_txn_add_comment(txn, "ovn-dpu: updating port %s",
                              iface->name);
}

void
ovs_port_update(struct ovsdb_idl_txn *txn, const struct ovsrec_port *port,
                const struct ovsrec_interface *iface,
                const struct dpu_binding_spec *spec,
                const struct ovs_port_extras *x, struct ds *changed)
{
    struct smap want = SMAP_INITIALIZER(&want);

    if (!smap_get_bool(&port->other_config, OVS_PORT_TRANSIENT, false)) {
        ovsrec_port_update_other_config_setkey(port, OVS_PORT_TRANSIENT,
                                               "true");
        ds_put_cstr(changed, " transient");
    }

    ovs_port_external_ids(spec, x, &want);
    for (size_t i = 0; i < ARRAY_SIZE(managed_keys); i++) {
        const char *key = managed_keys[i];
        const char *value = smap_get(&want, key);

        if (!nullable_string_is_equal(value,
                                      smap_get(&iface->external_ids, key))) {
            if (value) {
                ovsrec_interface_update_external_ids_setkey(iface, key,
                                                            value);
            } else {
                ovsrec_interface_update_external_ids_delkey(iface, key);
            }
            ds_put_format(changed, " %s", key);
        }
    }
    if (spec->mtu > 0 && (iface->n_mtu_request != 1
                          || *iface->mtu_request != spec->mtu)) {
        int64_t mtu = spec->mtu;
        ovsrec_interface_set_mtu_request(iface, &mtu, 1);
        ds_put_cstr(changed, " mtu_request");
    }
    if (strcmp(iface->type, want_type(x))) {
        ovsrec_interface_set_type(iface, want_type(x));
        ds_put_cstr(changed, " type");
    }
    pod_bandwidth_apply(txn, port, iface, spec, changed);

    ovsdb_idl_txn_add_comment(txn, "ovn-dpu: updating port %s for %s",
                              iface->name, spec->iface_id);
    smap_destroy(&want);
}

bool
ovs_port_delete(struct ovs_port_view *v, const struct ovs_port_info *info,
                struct ovsdb_idl_txn *txn)
{
    if (!hmapx_add(&v->deleted, CONST_CAST(struct ovsrec_port *,
                                           info->port))) {
        return false;
    }
    ovsdb_idl_txn_add_comment(txn, "ovn-dpu: deleting port %s",
                              info->port->name);
    ovsrec_bridge_update_ports_delvalue(info->br, info->port);
    ovsrec_port_delete(info->port);
    return true;
}
