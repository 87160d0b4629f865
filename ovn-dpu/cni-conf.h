/*
 * The CNI network configuration that ovn-dpu-host writes for the node's
 * container runtime, as ovnkube-node writes its own: a conflist whose one
 * plugin is ovn-dpu-cni, pointed at this agent's CNI socket, e.g.
 *
 *     {"cniVersion": "1.0.0", "name": "ovn-kubernetes",
 *      "plugins": [{"type": "ovn-dpu-cni",
 *                   "socket": "/run/ovn-dpu/cni.sock"}]}
 *
 * The runtime (containerd, CRI-O) and Multus take the first configuration
 * of their configuration directory in lexical order; until there is one,
 * the runtime reports NetworkReady=false and the kubelet keeps the Node
 * NotReady.  So the file appears only once the agent can serve (its
 * socket listens and it has read the DPU health lease once), written
 * atomically: a temporary file that the runtime ignores (".tmp"), fsync,
 * rename over the name, fsync of the directory.  It stays while the DPU
 * is not ready: see ovn-dpu-host(8), "CNI network configuration", for
 * why.  It is removed when the agent stops (exit, SIGTERM, SIGINT,
 * SIGHUP); a SIGKILL leaves it, and the next agent, once ready, keeps a
 * file with the same content as it is and replaces any other.
 *
 * A failed write is logged and tried again every few seconds.
 */

#ifndef CNI_CONF_H
#define CNI_CONF_H 1

#include <stdbool.h>

#include "openvswitch/compiler.h"

/* The defaults of the options, chosen for what runtimes and Multus
 * expect: see ovn-dpu-host(8). */
#define CNI_CONF_DEFAULT_FILE "10-ovn-dpu.conflist"
#define CNI_CONF_DEFAULT_NETWORK "ovn-kubernetes"
#define CNI_CONF_DEFAULT_VERSION "1.0.0"
#define CNI_CONF_PLUGIN_TYPE "ovn-dpu-cni"

struct cni_conf_settings {
    const char *dir;            /* --cni-conf-dir. */
    const char *file;           /* --cni-conf-file: a name in 'dir'. */
    const char *network;        /* --cni-network-name. */
    const char *version;        /* --cni-version. */
    const char *socket;         /* The agent's CNI socket. */
};

/* Checks the option values 'file', 'network' and 'version' of 'settings'.
 * Returns NULL if they are valid, otherwise an error message to free(). */
char *cni_conf_check(const struct cni_conf_settings *)
    OVS_WARN_UNUSED_RESULT;

/* The configuration's text, for 'settings'.  The caller frees it. */
char *cni_conf_format(const struct cni_conf_settings *);

struct cni_conf;

/* Creates the writer of the configuration that 'settings' describe
 * (copied), and registers the "cni/conf" unixctl command, which shows the
 * file's name, whether it is written, and its text.  Nothing is written
 * until cni_conf_run() is told that the agent is ready. */
struct cni_conf *cni_conf_create(const struct cni_conf_settings *);

/* Removes the file if this agent wrote it, and frees 'conf'. */
void cni_conf_destroy(struct cni_conf *conf);

/* Writes the file once 'ready' is true (and tries again after a failure).
 * Once written, it is not written again. */
void cni_conf_run(struct cni_conf *, bool ready);
void cni_conf_wait(struct cni_conf *);

#endif /* cni-conf.h */
