/*
 * What ovn-dpu-controller and ovn-dpu-host share as daemons: program name
 * and version, and the connection to the Kubernetes API server with its
 * "k8s/status" unixctl command.  Each program's main() stays its own; this
 * only keeps the common pieces in one place.
 */

#ifndef OVN_DPU_DAEMON_H
#define OVN_DPU_DAEMON_H 1

struct k8s_client;

/* Sets the program name and version for logs, --version and the
 * "version" unixctl command. */
void ovn_dpu_set_program_name(const char *argv0);

/* Prints "<program> <version>" and the Open vSwitch library version. */
void ovn_dpu_print_version(void);

/* Creates the Kubernetes client from the K8S_* options given on the
 * command line (see k8s-config.h).  Exits with a message naming the
 * problem if they do not make a usable configuration. */
struct k8s_client *ovn_dpu_k8s_connect(void);

/* Registers the "k8s/status" unixctl command for 'client' and starts a
 * GET /version so that the command can show which server answered.  Call
 * ovn_dpu_k8s_run() and ovn_dpu_k8s_wait() from the main loop. */
void ovn_dpu_k8s_status_init(struct k8s_client *client);
void ovn_dpu_k8s_run(void);
void ovn_dpu_k8s_wait(void);
void ovn_dpu_k8s_destroy(void);

#endif /* ovn-dpu-daemon.h */
