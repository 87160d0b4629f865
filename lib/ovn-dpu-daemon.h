/*
 * What ovn-dpu-controller and ovn-dpu-host share as daemons: program name
 * and version, and the connection to the Kubernetes API server with its
 * "k8s/status" unixctl command.  Each program's main() stays its own; this
 * only keeps the common pieces in one place.
 */

#ifndef OVN_DPU_DAEMON_H
#define OVN_DPU_DAEMON_H 1

#include <stdbool.h>

struct k8s_client;
struct k8s_config;
struct unixctl_conn;

/* Sets the program name and version for logs, --version and the
 * "version" unixctl command. */
void ovn_dpu_set_program_name(const char *argv0);

/* Prints "<program> <version>" and the Open vSwitch library version. */
void ovn_dpu_print_version(void);

/* Fills 'config' from the K8S_* options given on the command line (see
 * k8s-config.h).  Exits with a message naming the problem if they do not
 * make a usable configuration. */
void ovn_dpu_k8s_get_config(struct k8s_config *config);

/* Creates the Kubernetes client from 'config'. */
struct k8s_client *ovn_dpu_k8s_connect(const struct k8s_config *config);

/* The --node-name option: the host cluster's Node this agent serves. */
#define OVN_DPU_NODE_NAME_OPTION_ENUM OPT_NODE_NAME
#define OVN_DPU_NODE_NAME_LONG_OPTION                           \
    {"node-name", required_argument, NULL, OPT_NODE_NAME}
/* Checks 'name' (a Kubernetes object name: DNS-1123 subdomain) and exits
 * with a message if it is not valid. */
void ovn_dpu_check_node_name(const char *name);
/* The host's own name, for the host agent's default --node-name. */
char *ovn_dpu_default_node_name(void);

/* For unixctl commands that take "[--format=json]" (or "--format json"):
 * sets '*json' and returns true, or replies with an error to 'conn' and
 * returns false. */
bool ovn_dpu_parse_format(struct unixctl_conn *conn, int argc,
                          const char *argv[], bool *json);

/* Registers the "k8s/status" unixctl command for 'client' and starts a
 * GET /version so that the command can show which server answered.  Call
 * ovn_dpu_k8s_run() and ovn_dpu_k8s_wait() from the main loop. */
void ovn_dpu_k8s_status_init(struct k8s_client *client);
void ovn_dpu_k8s_run(void);
void ovn_dpu_k8s_wait(void);
void ovn_dpu_k8s_destroy(void);

/* Giving freed heap memory back to the kernel.  glibc's free() returns
 * memory to the kernel only from the top of the heap, so after a burst
 * (200 pods bound at once, a relist) a daemon's heap keeps its high-water
 * mark resident although most of it is free.  ovn_dpu_heap_run(), called
 * once per main loop iteration, calls malloc_trim(0) once the heap holds
 * more than OVN_DPU_HEAP_TRIM_FREE bytes free, at most once per
 * OVN_DPU_HEAP_TRIM_INTERVAL_MS, which releases every whole free page
 * wherever it is; ovn_dpu_heap_wait() wakes the loop when a trim that
 * was held back by that interval is due.  Without glibc both do
 * nothing.  The number of trims shows in the "memory/show" output of
 * ovs-appctl as "heap-trims". */
#define OVN_DPU_HEAP_TRIM_FREE (512 * 1024)
#define OVN_DPU_HEAP_TRIM_INTERVAL_MS 1000
void ovn_dpu_heap_run(void);
void ovn_dpu_heap_wait(void);
struct simap;
void ovn_dpu_heap_get_usage(struct simap *usage);

#endif /* ovn-dpu-daemon.h */
