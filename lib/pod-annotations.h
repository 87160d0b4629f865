/*
 * Codecs for the pod annotations through which the host and the DPU sides
 * of OVN-Kubernetes DPU offload meet:
 *
 *   k8s.ovn.org/dpu.connection-details  written by the host on CNI ADD:
 *       {"<nad>": {"pfId": "0", "vfId": "3", "sandboxId": "<id>",
 *                  "vfNetdevName": "<host VF netdev>"}}
 *       The legacy form, the bare inner object, means the default network.
 *       Our host side's entries also carry "ovnDpuAuth" (conn-auth.h).
 *
 *   k8s.ovn.org/dpu.connection-status   written by the DPU side:
 *       {"<nad>": {"Status": "Ready", "sandboxId": "<container id>"}} or
 *       {"<nad>": {"Status": "Error", "Reason": "...",
 *                  "sandboxId": "<container id>"}}
 *       where "sandboxId" (ours; the reference leaves it out) names the
 *       sandbox whose connection details the entry answers.
 *       The legacy bare inner object means the default network.
 *
 *   k8s.ovn.org/pod-networks            written by ovnkube-controller:
 *       {"<nad>": {"ip_addresses": ["10.244.1.5/24"],
 *                  "mac_address": "0a:58:0a:f4:01:05",
 *                  "gateway_ips": ["10.244.1.1"],
 *                  "routes": [{"dest": "10.96.0.0/16",
 *                              "nextHop": "10.244.1.1"}],
 *                  "role": "primary"}}
 *       Older writers set "ip_address" / "gateway_ip" (one string each)
 *       instead of the lists.
 *
 * "<nad>" is the NAD key: "default" for the default network, otherwise
 * "<namespace>/<name>" of the NetworkAttachmentDefinition.
 *
 * Member names inside an entry match regardless of case, as Go's
 * encoding/json (the reference's reader) matches them; two that name one
 * field are an error.  NAD keys and values are compared exactly.
 *
 * These are pure functions: no I/O, no logging.  Each parser takes the
 * annotation's value (a JSON text of at most POD_ANN_MAX_SIZE bytes), fills
 * a map from NAD key to a parsed entry, and returns NULL, or on failure an
 * error message that the caller must free() and an empty map.  Messages name the annotation, the NAD key
 * and the field, e.g.
 *
 *   k8s.ovn.org/dpu.connection-details: "default": pfId: "2" is not 0 or 1
 *
 * so that a pod's Status: Error can carry them as they are.  Formatters
 * return a malloc()ed compact JSON text with the NAD keys in sorted order.
 */

#ifndef POD_ANNOTATIONS_H
#define POD_ANNOTATIONS_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"

struct cJSON;

#define POD_ANN_CONNECTION_DETAILS "k8s.ovn.org/dpu.connection-details"
#define POD_ANN_CONNECTION_STATUS "k8s.ovn.org/dpu.connection-status"
#define POD_ANN_POD_NETWORKS "k8s.ovn.org/pod-networks"

/* The pod's bandwidth limits, Kubernetes' own annotations (read by the
 * DPU agent: vswitchd-ext/pod-bandwidth.h). */
#define POD_ANN_INGRESS_BANDWIDTH "kubernetes.io/ingress-bandwidth"
#define POD_ANN_EGRESS_BANDWIDTH "kubernetes.io/egress-bandwidth"

/* The NAD key of the default network. */
#define POD_ANN_DEFAULT_NAD "default"

/* Largest index accepted in a NAD key "<namespace>/<name>/<index>".  Each
 * attachment of a DPU pod takes a VF, so a pod cannot attach to one NAD
 * more often than a host has VFs. */
#define POD_ANN_MAX_NAD_INDEX POD_ANN_MAX_VF_ID

/* Returns true if JSON member name 'member' names struct field 'field' (in
 * ASCII) as Go's encoding/json, which ovn-kubernetes reads its annotations
 * with, matches them: regardless of case. */
bool pod_ann_member_names_field(const char *member, const char *field);

/* Finds the member of 'object' that names field 'name' (see
 * pod_ann_member_names_field()), into '*itemp' (NULL if there is none).
 * Go would take the last of several such members; since which one a reader
 * takes differs, two of them are an error: returns a message to free() that
 * names both. */
char *pod_ann_find_member(const struct cJSON *object, const char *name,
                          const struct cJSON **itemp)
    OVS_WARN_UNUSED_RESULT;

/* Returns the index of NAD key 'key': 0 for "default" and
 * "<namespace>/<name>", n for "<namespace>/<name>/<n>" with n a decimal
 * from 1 to POD_ANN_MAX_NAD_INDEX without leading zeros, -1 for anything
 * else after a second '/'.  Does not check the namespace and name. */
int pod_ann_nad_key_index(const char *key);

/* Returns, in a malloc()ed string, the NetworkAttachmentDefinition's
 * "<namespace>/<name>" of NAD key 'key' (its index dropped), or a copy of
 * 'key' if it has no index. */
char *pod_ann_nad_of_key(const char *key);

/* Connection details: how the host plugged a pod's VF.
 * ===================================================== */

/* How device numbers are checked.  On switchdev hardware the host has two
 * PFs, so pfId must be 0 or 1; the simulated DPU (rep<p>-<v> veths) allows
 * any PF number. */
enum pod_ann_mode {
    POD_ANN_SWITCHDEV,
    POD_ANN_SIMULATED,
};

/* Largest PF and VF numbers accepted in any mode. */
#define POD_ANN_MAX_PF_ID 255
#define POD_ANN_MAX_VF_ID 65535

/* Longest sandbox (container) id accepted.  The CNI specification sets no
 * limit; runtimes make ids of 64 hex digits, other clients shorter ones.
 * The CNI plugin and the host agent apply the same limit to
 * CNI_CONTAINERID (pod_ann_check_sandbox_id()). */
#define POD_ANN_MAX_SANDBOX_LEN 255

/* Longest error message, in bytes, that a parser returns: one that quotes a
 * longer value from an annotation is cut short. */
#define POD_ANN_MAX_ERROR_LEN 512

/* Largest annotation value, in bytes, that a parser looks at: a longer one
 * is refused before it is parsed.  The API server accepts 256 KiB of
 * annotations per object, all of which a pod owner may write; real values
 * of these annotations are a few kB even with many networks, and this
 * bounds the work any one of them costs the agents. */
#define POD_ANN_MAX_SIZE (64 * 1024)

/* Returns a copy of 'text', a value from an annotation, that is safe to log
 * or to pass on in a message: control characters and bytes outside ASCII
 * become "\xNN", and it is cut after about 'max_len' bytes, with "...". */
char *pod_ann_escape(const char *text, size_t max_len);

struct dpu_conn_details {
    int pf_id;                  /* PF index on the host. */
    int vf_id;                  /* VF index within the PF. */
    char *sandbox_id;           /* Container (sandbox) id, as CNI_CONTAINERID
                                 * gave it (pod_ann_check_sandbox_id()). */
    char *vf_netdev_name;       /* Host VF netdev, or NULL if not given. */
    char *auth;                 /* The host agent's token (conn-auth.h),
                                 * well-formed, or NULL if not given. */
};

char *dpu_conn_details_parse(const char *json, enum pod_ann_mode,
                             struct shash *details)
    OVS_WARN_UNUSED_RESULT;
char *dpu_conn_details_format(const struct shash *details);
void dpu_conn_details_clear(struct shash *details);
bool dpu_conn_details_equal(const struct dpu_conn_details *,
                            const struct dpu_conn_details *);

/* Adds a copy of 'entry' to 'details' under 'nad', replacing any entry
 * already there. */
void dpu_conn_details_put(struct shash *details, const char *nad,
                          const struct dpu_conn_details *entry);

/* Connection status: what the DPU side reports.
 * ============================================= */

enum dpu_conn_state {
    DPU_CONN_READY,
    DPU_CONN_ERROR,
};

struct dpu_conn_status {
    enum dpu_conn_state state;
    char *reason;               /* NULL if none. */
    char *sandbox_id;           /* "sandboxId": the sandbox whose
                                 * connection details this answers,
                                 * lowercase hex, or NULL if not given. */
};

char *dpu_conn_status_parse(const char *json, struct shash *statuses)
    OVS_WARN_UNUSED_RESULT;
char *dpu_conn_status_format(const struct shash *statuses);
void dpu_conn_status_clear(struct shash *statuses);

/* Adds a status for 'nad' to 'statuses', replacing any already there.
 * 'reason' and 'sandbox_id' may be NULL. */
void dpu_conn_status_put(struct shash *statuses, const char *nad,
                         enum dpu_conn_state, const char *reason,
                         const char *sandbox_id);

/* Pod networks: addresses that ovnkube-controller allocated.
 * ========================================================== */

struct pod_route {
    char *dest;                 /* CIDR, e.g. "10.96.0.0/16". */
    char *next_hop;             /* IP address, or NULL if none. */
};

struct pod_network {
    char **ip_addresses;        /* CIDRs, e.g. "10.244.1.5/24". */
    size_t n_ip_addresses;
    char *mac_address;          /* "0a:58:0a:f4:01:05", lowercase. */
    char **gateway_ips;         /* IP addresses. */
    size_t n_gateway_ips;
    struct pod_route *routes;
    size_t n_routes;
    char *role;                 /* "primary", "secondary", ..., or NULL. */
    long long int tunnel_id;    /* 0 if none. */
};

char *pod_networks_parse(const char *json, struct shash *networks)
    OVS_WARN_UNUSED_RESULT;
char *pod_networks_format(const struct shash *networks);
void pod_networks_clear(struct shash *networks);

/* Returns 'network''s IP addresses as a comma-separated list, the form of
 * the "ip_addresses" external id on an OVS Interface.  The caller must
 * free() it. */
char *pod_network_ip_list(const struct pod_network *);

/* Pod objects.
 * ============ */

/* Deletes from 'pod', a Pod object as the API server returns it, every
 * member that neither agent reads, keeping only metadata.name, namespace,
 * uid, resourceVersion and deletionTimestamp, the five annotations above
 * (other annotations go), and spec.nodeName and spec.hostNetwork.  A pod
 * of a real cluster (containers, volumes, status, managedFields) shrinks
 * from some hundreds of JSON nodes to about a dozen.  For
 * k8s_watch_set_trim(). */
void pod_ann_trim_pod(struct cJSON *pod);

/* Validators the codecs use, for other modules that take the same values
 * from elsewhere (in pod-ann-validate.c).  Each returns NULL or an error message to free(), which
 * does not name the field: callers prefix it. */
char *pod_ann_check_ifname(const char *name) OVS_WARN_UNUSED_RESULT;
/* A NAD key: "default", or "<namespace>/<name>" with a DNS-1123 label and a
 * DNS-1123 subdomain, as Kubernetes names them, optionally followed by
 * "/<index>" (pod_ann_nad_key_index()), so that a key is never a path
 * ("../x"), too long, or anything odd in OVSDB or a log. */
char *pod_ann_check_nad_key(const char *nad) OVS_WARN_UNUSED_RESULT;
/* A sandbox id is a CNI container id: as the CNI specification has it,
 * not empty, starting with an ASCII letter or digit, then letters, digits,
 * '_', '.' and '-' (at most POD_ANN_MAX_SANDBOX_LEN of them).  Case
 * matters: "Ab" and "ab" are two sandboxes. */
char *pod_ann_check_sandbox_id(const char *id) OVS_WARN_UNUSED_RESULT;
char *pod_ann_check_cidr(const char *cidr) OVS_WARN_UNUSED_RESULT;
char *pod_ann_check_ip(const char *ip) OVS_WARN_UNUSED_RESULT;
char *pod_ann_check_mac(const char *mac) OVS_WARN_UNUSED_RESULT;

#endif /* pod-annotations.h */
