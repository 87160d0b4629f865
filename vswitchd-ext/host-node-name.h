/*
 * The host node's name as the DPU's Open vSwitch database records it.
 *
 * An OVN-Kubernetes DPU is set up with
 * Open_vSwitch external_ids:host-k8s-nodename naming the host cluster's
 * Node it serves, and ovnkube's start-up script takes the node name from
 * there.  ovn-dpu-controller does the same when --node-name is not given:
 * one blocking read, at start-up, before anything else is running.
 */

#ifndef HOST_NODE_NAME_H
#define HOST_NODE_NAME_H 1

#include "openvswitch/compiler.h"

#define HOST_NODE_NAME_KEY "host-k8s-nodename"

/* Reads external_ids:host-k8s-nodename of the Open_vSwitch table's row
 * from the OVSDB server at 'remote', waiting at most 'timeout_ms' for the
 * connection and the answer.  Returns NULL with '*namep' set to a
 * malloc()ed copy of the value (NULL if there is no such key, or no row),
 * or an error message to free() that names 'remote'. */
char *host_node_name_read(const char *remote, long long int timeout_ms,
                          char **namep)
    OVS_WARN_UNUSED_RESULT;

#endif /* host-node-name.h */
