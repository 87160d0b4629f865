/*
 * The CNI wire format, as the container runtime and ovn-dpu speak it.
 *
 * A runtime runs the plugin with the request in environment variables
 * (CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH)
 * and the network configuration as JSON on stdin, and reads a result or an
 * error as JSON on stdout (CNI specification 1.1.0).  This module parses and
 * validates such a request into a struct cni_request, and formats what goes
 * back: errors, and the answer to VERSION.  It does no I/O and knows nothing
 * of pods, VFs or the DPU.
 *
 * The ovn-dpu-cni plugin is thin: it forwards the request, exactly as it got
 * it, to the CNI server in ovn-dpu-host over a unix socket with OVS JSON-RPC
 * (cni_request_to_jsonrpc()), and the server parses it again here, so that
 * both sides accept and refuse exactly the same things:
 *
 *     request:  {"method": "cni",
 *                "params": [{"env": {"CNI_COMMAND": "ADD", ...},
 *                            "stdin": "<network configuration text>"}],
 *                "id": ...}
 *     success:  {"result": {}} (the verb prints nothing) or
 *               {"result": {"output": <CNI result object>}}
 *     failure:  {"error": <CNI error object>}
 */

#ifndef CNI_H
#define CNI_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"

struct json;
struct jsonrpc_msg;
struct smap;

/* Where the plugin and ovn-dpu-host meet unless configured otherwise:
 * "socket" in the network configuration and --cni-socket on ovn-dpu-host
 * override it.  OVN_DPU_RUNDIR comes from the build (configure's RUNDIR). */
#define CNI_DEFAULT_SOCKET OVN_DPU_RUNDIR "/cni.sock"

/* How long the plugin waits for ovn-dpu-host's answer, in seconds, unless
 * "timeout" in the network configuration says otherwise.  Longer than the
 * time ovn-dpu-host gives the DPU to plug a pod's VF, so that an ADD fails
 * with ovn-dpu-host's reason rather than the plugin's timeout. */
#define CNI_DEFAULT_TIMEOUT 150

/* The largest network configuration, in bytes, that the plugin reads from
 * stdin and that ovn-dpu-host accepts in a request.  Real ones are a few
 * kB. */
#define CNI_MAX_CONFIG_SIZE (1024 * 1024)

/* The largest JSON-RPC request, in bytes, that ovn-dpu-host reads on its
 * CNI socket: room for the largest configuration even if every byte of it
 * had to be escaped, plus the environment.  A client that sends more gets
 * a CNI error (code 6, with a null JSON-RPC id, since the request was never
 * parsed) and its connection is closed; the server goes on serving the
 * others. */
#define CNI_MAX_REQUEST_SIZE (8 * 1024 * 1024)

/* The JSON-RPC method that carries a CNI request. */
#define CNI_JSONRPC_METHOD "cni"

/* The CNI versions we speak, oldest first, and the one we answer in when
 * the request does not say. */
extern const char *const cni_supported_versions[];
extern const size_t cni_n_supported_versions;
#define CNI_CURRENT_VERSION "1.1.0"

/* The verbs of CNI 1.1.0. */
#define CNI_COMMANDS                            \
    CNI_COMMAND(ADD)                            \
    CNI_COMMAND(DEL)                            \
    CNI_COMMAND(CHECK)                          \
    CNI_COMMAND(STATUS)                         \
    CNI_COMMAND(GC)                             \
    CNI_COMMAND(VERSION)

enum cni_command {
#define CNI_COMMAND(NAME) CNI_##NAME,
    CNI_COMMANDS
#undef CNI_COMMAND
    CNI_N_COMMANDS
};

const char *cni_command_to_string(enum cni_command);

/* Error codes of the CNI specification that we use.  1 to 99 are reserved
 * by the specification. */
enum cni_error_code {
    CNI_ERR_INCOMPATIBLE_VERSION = 1, /* Incompatible CNI version. */
    CNI_ERR_INVALID_ENV = 4,          /* Invalid environment variables. */
    CNI_ERR_IO = 5,                   /* I/O failure. */
    CNI_ERR_DECODE = 6,               /* Failed to decode content. */
    CNI_ERR_INVALID_CONFIG = 7,       /* Invalid network config. */
    CNI_ERR_TRY_AGAIN_LATER = 11,     /* Try again later. */
    CNI_ERR_NOT_AVAILABLE = 50,       /* Plugin not available (STATUS). */
};

/* A CNI error: what goes to stdout as {"cniVersion", "code", "msg",
 * "details"}. */
struct cni_error {
    int code;                   /* One of enum cni_error_code, nonzero. */
    char *msg;                  /* Short message, never NULL. */
    char *details;              /* Longer explanation, or NULL. */
};

struct cni_error *cni_error_create(int code, const char *details,
                                   const char *msg_format, ...)
    OVS_PRINTF_FORMAT(3, 4);
void cni_error_destroy(struct cni_error *);
struct json *cni_error_to_json(const struct cni_error *,
                               const char *cni_version);
struct cni_error *cni_error_from_json(const struct json *);

/* A GC request's "cni.dev/valid-attachments": the attachments the runtime
 * still knows. */
struct cni_attachment {
    char *container_id;
    char *ifname;
};

/* A validated CNI request. */
struct cni_request {
    enum cni_command command;

    /* The environment.  Each is NULL if the variable was not given (or
     * empty, which the specification treats the same).  container_id,
     * ifname and, except for DEL, netns are nonnull for ADD, DEL and
     * CHECK. */
    char *container_id;         /* CNI_CONTAINERID. */
    char *netns;                /* CNI_NETNS: an absolute path. */
    char *ifname;               /* CNI_IFNAME. */
    char *args;                 /* CNI_ARGS, verbatim. */
    char *path;                 /* CNI_PATH, verbatim (unused). */

    /* From CNI_ARGS.  pod_namespace and pod_name are nonnull for ADD, DEL
     * and CHECK; pod_uid may be NULL. */
    char *pod_namespace;        /* K8S_POD_NAMESPACE. */
    char *pod_name;             /* K8S_POD_NAME. */
    char *pod_uid;              /* K8S_POD_UID. */

    /* The network configuration, as given, and what we take from it. */
    struct json *config;        /* NULL only for VERSION with no stdin. */
    char *cni_version;          /* "cniVersion", one we support. */
    char *name;                 /* "name": the network's name. */
    char *type;                 /* "type": the plugin's name. */
    char *device_id;            /* "deviceID", or NULL (ADD then takes a VF
                                 * from ovn-dpu-host's --vf-pool). */
    char *socket;               /* "socket", or CNI_DEFAULT_SOCKET. */
    int timeout;                /* "timeout" in seconds, or the default. */
    char *nad;                  /* "netAttachDefName" ("namespace/name",
                                 * as Multus passes it), or "default". */
    int mtu;                    /* "mtu" for the pod's interface, or 0 to
                                 * leave the VF's as it is. */

    /* For GC only: "cni.dev/valid-attachments". */
    struct cni_attachment *valid_attachments;
    size_t n_valid_attachments;
};

/* The environment variables a CNI request is made of, for the plugin to
 * collect them with getenv(). */
extern const char *const cni_env_vars[];
extern const size_t cni_n_env_vars;

struct cni_error *cni_request_parse(struct cni_request *,
                                    const struct smap *env,
                                    const char *config_text)
    OVS_WARN_UNUSED_RESULT;
void cni_request_destroy(struct cni_request *);

/* The version to put in an error for a request that may not have been
 * parsed (NULL if it was not): the request's own, else the current one. */
const char *cni_request_version(const struct cni_request *);

/* The answer to VERSION. */
struct json *cni_version_result(void);

/* The plugin's side of the JSON-RPC protocol described at the top. */
struct jsonrpc_msg *cni_request_to_jsonrpc(const struct smap *env,
                                           const char *config_text);

/* The server's side: parses the parameters of a "cni" JSON-RPC request
 * into 'env' (initialized by the caller) and '*config_textp'.  Returns NULL
 * if successful, otherwise an error. */
struct cni_error *cni_request_from_jsonrpc(const struct json *params,
                                           struct smap *env,
                                           const char **config_textp)
    OVS_WARN_UNUSED_RESULT;

/* Checks for a CNI_IFNAME, for the server's later use too.  Returns NULL
 * if 'ifname' is a valid interface name, otherwise why not. */
char *cni_check_ifname(const char *ifname) OVS_WARN_UNUSED_RESULT;

#endif /* cni.h */
