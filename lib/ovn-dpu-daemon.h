/*
 * What ovn-dpu-controller and ovn-dpu-host share as daemons: the options
 * both take, program name and version, the control socket with its
 * "exit" command, the connection to the Kubernetes API server with its
 * "k8s/status" command, memory reports, and the main loop's common steps.
 * Each program's main() creates its own modules and runs them beside
 * these:
 *
 *     struct ovn_dpu_daemon d;
 *     ovn_dpu_init(&argc, &argv);
 *     ovn_dpu_parse_options(argc, argv, ...);
 *     ovn_dpu_daemon_start(&d, &options);
 *     ...create the program's modules...
 *     ovn_dpu_daemon_started(&d, &options);
 *     while (!d.exiting) {
 *         ovn_dpu_daemon_run(&d);
 *         ...run the program's modules...
 *         ovn_dpu_daemon_wait(&d);
 *         ...make them wait...
 *         ovn_dpu_daemon_block(&d);
 *     }
 *     ...destroy them...
 *     ovn_dpu_daemon_destroy(&d);
 */

#ifndef OVN_DPU_DAEMON_H
#define OVN_DPU_DAEMON_H 1

#include <stdbool.h>

#include "dpu-lease.h"
#include "k8s-config.h"

struct ds;
struct k8s_client;
struct metrics_server;
struct option;
struct unixctl_conn;
struct unixctl_server;

/* The options every agent takes: --help, --version, --unixctl,
 * --node-name, and the vlog, daemon, Kubernetes (k8s-config.h), lease
 * (dpu-lease.h) and keys (conn-keys.h) options.  A program parses them,
 * with its own, through ovn_dpu_parse_options(); then it sets what it
 * defaults (e.g. the node name) and calls ovn_dpu_options_finish(). */
struct ovn_dpu_options {
    char *unixctl_path;         /* --unixctl, or NULL for the default. */
    char *node_name;            /* --node-name, or NULL if not given. */
    struct dpu_lease_config lease;      /* --dpu-node-lease-*. */
    char *keys_namespace;       /* --conn-keys-namespace, or its default
                                 * once ovn_dpu_options_finish() ran. */
    char *metrics_address;      /* --metrics-bind-address, or NULL. */
    struct k8s_config k8s;      /* --k8s-*, set by ovn_dpu_options_finish(). */
};

/* A program's own options have getopt values from this one up. */
#define OVN_DPU_PROGRAM_OPTION_BASE 1000

/* Handles the program's own option 'option', whose argument is 'arg' (or
 * NULL); exits with a message if 'arg' is not valid. */
typedef void ovn_dpu_option_func(int option, const char *arg);

/* Initializes 'options' and parses 'argv' into them: the options every
 * agent takes, and 'program_options' (ended by a null entry), each of
 * which 'handle' is called for.  Calls 'usage' (which must not return)
 * for --help, prints the version for --version, and exits on an unknown
 * option. */
void ovn_dpu_parse_options(int argc, char *argv[],
                           const struct option *program_options,
                           ovn_dpu_option_func *handle,
                           void (*usage)(void),
                           struct ovn_dpu_options *options);

void ovn_dpu_options_destroy(struct ovn_dpu_options *);

/* After the option loop, whose getopt_long() stopped at 'optind' of
 * 'argc': refuses arguments that are not options, checks the node name
 * (which the caller must have set by now) and the lease options, and
 * builds the Kubernetes client configuration from the --k8s-* options.
 * Exits with a message naming the problem, if there is one. */
void ovn_dpu_options_finish(struct ovn_dpu_options *, int argc,
                            char *argv[]);

/* Prints the end of --help that both agents share (daemon, logging and
 * other options) and exits. */
OVS_NO_RETURN void ovn_dpu_usage_finish(void);

/* The daemon. */
struct ovn_dpu_daemon {
    struct unixctl_server *unixctl;
    struct k8s_client *k8s;     /* The host cluster. */
    struct metrics_server *metrics;     /* NULL if not serving metrics. */
    bool exiting;               /* "exit" or a service stop was asked for. */
};

/* Detaches (if --detach), creates the control socket with an "exit"
 * command, connects to the API server, and serves metrics and health
 * probes if asked to, as 'options' say.  Metric names start with
 * 'metrics_prefix' (e.g. METRICS_PREFIX_HOST); until the program calls
 * ovn_dpu_daemon_set_readiness(), /readyz says the daemon is starting. */
void ovn_dpu_daemon_start(struct ovn_dpu_daemon *,
                          const struct ovn_dpu_options *,
                          const char *metrics_prefix);

/* What /readyz answers: 'ready' returns true, or false after appending to
 * 'reason' why the daemon is not ready. */
void ovn_dpu_daemon_set_readiness(struct ovn_dpu_daemon *,
                                  bool (*ready)(void *aux, struct ds *reason),
                                  void *aux);

/* Once the program's own modules exist: finishes detaching and logs that
 * the daemon is starting. */
void ovn_dpu_daemon_started(const struct ovn_dpu_daemon *,
                            const struct ovn_dpu_options *);

/* The main loop's common steps, and its poll_block(). */
void ovn_dpu_daemon_run(struct ovn_dpu_daemon *);
void ovn_dpu_daemon_wait(struct ovn_dpu_daemon *);
void ovn_dpu_daemon_block(struct ovn_dpu_daemon *);

void ovn_dpu_daemon_destroy(struct ovn_dpu_daemon *);

/* What a main() does first: sets the program name and version for logs,
 * --version and the "version" unixctl command, prepares to change the
 * process title, and lets a Windows service start (as OVS daemons do). */
void ovn_dpu_init(int *argcp, char **argvp[]);

/* Prints "<program> <version>" and the Open vSwitch library version. */
void ovn_dpu_print_version(void);

/* The host's own name, for the host agent's default --node-name. */
char *ovn_dpu_default_node_name(void);

/* For unixctl commands that take "[--format=json]" (or "--format json"):
 * sets '*json' and returns true, or replies with an error to 'conn' and
 * returns false. */
bool ovn_dpu_parse_format(struct unixctl_conn *conn, int argc,
                          const char *argv[], bool *json);

/* Giving freed heap memory back to the kernel.  glibc's free() returns
 * memory to the kernel only from the top of the heap, so after a burst
 * (200 pods bound at once, a relist) a daemon's heap keeps its high-water
 * mark resident although most of it is free.  ovn_dpu_daemon_run()
 * calls malloc_trim(0), which releases every whole free page wherever it
 * is, once the heap's free memory has grown by more than
 * OVN_DPU_HEAP_TRIM_FREE bytes over the least seen since the last trim
 * (what a trim leaves free, in holes smaller than a page, does not count
 * again), at most once per OVN_DPU_HEAP_TRIM_INTERVAL_MS;
 * ovn_dpu_daemon_wait() wakes the loop when a trim that was held back by
 * that interval is due.  Without glibc neither trims.
 * The number of trims shows in the "memory/show" output of ovs-appctl as
 * "heap-trims". */
#define OVN_DPU_HEAP_TRIM_FREE (512 * 1024)
#define OVN_DPU_HEAP_TRIM_INTERVAL_MS 1000

#endif /* ovn-dpu-daemon.h */
