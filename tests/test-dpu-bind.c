/*
 * "ovn-dpu-test dpu-bind": drives vswitchd-ext/dpu-binding.c against a
 * real ovsdb-server for tests/dpu-bind.at, and representor lookups for
 * tests/representor.at.
 *
 *   dpu-bind [OPTION]... < SCRIPT
 *       Connects an Open_vSwitch IDL to the database and runs SCRIPT, one
 *       command per line.  Each command is echoed; what the binding module
 *       did follows, indented (its journal).  Options:
 *         --db=REMOTE          database (default unix:db.sock)
 *         --bridge=NAME        integration bridge (default br-int)
 *         --sysfs-root=DIR     for representor lookups (default /sys)
 *         --simulated          representors are rep<p>-<v>
 *         --link-state         bring representors up and down
 *         --install-timeout=MS wait for ovn-installed (default 60000)
 *         --retry=MS           representor lookup retry interval
 *         --max-wait=MS        give up a "settle" or "wait" after MS
 *                              (default 20000) with exit status 1
 *
 *   Commands:
 *     bind IFACE-ID [KEY=VALUE]...
 *         want IFACE-ID bound; KEYs: pod, nad, network, pf, vf, sandbox,
 *         ver (pod uid), mac, ips, vf-netdev, pod-if, mtu, seq,
 *         ingress, egress (bit/s)
 *     unbind IFACE-ID
 *     reserve PF VF WHY...    dpu_bindings_reserve()
 *     complete                the desired set is complete
 *     recompute               dpu_bindings_recompute()
 *     settle                  run until every binding is settled and no
 *                             transaction is in flight
 *     wait IFACE-ID STATE     run until IFACE-ID is in STATE ("gone" once
 *                             it no longer exists)
 *     exec COMMAND...         run a shell command (e.g. ovs-vsctl)
 *     changes                 the iface-ids whose state changed since the
 *                             last "changes" (dpu_bindings_take_changes()),
 *                             with their state now
 *     show                    dpu_bindings_format(), without times
 *
 *   dpu-bind find [--simulated] [--sysfs-root=DIR] PF VF
 *       Print the representor of PF, VF or the error.
 *
 *   dpu-bind link NAME up|down
 *       representor_set_up().
 *
 *   dpu-bind pod [--simulated] [--mtu=N] [--nad=JSON]...
 *                [--keys=SECRET-JSON --node=NODE] JSON...
 *       Parse each JSON text as a pod object with dpu_pod_parse() and
 *       print what it wants bound, given the NetworkAttachmentDefinition
 *       objects of the --nad options (without any, NADs are unknown).
 *       With --keys, connection details must be signed with node NODE's
 *       keys in the Secret object SECRET-JSON; without, unsigned ones are
 *       accepted.
 *
 *   dpu-bind quantity TEXT...
 *       Parse each TEXT as a bandwidth with pod_bw_parse_quantity() and
 *       print its value in bit/s or the error.
 *
 *   dpu-bind nad JSON...
 *       Parse each JSON text as a NetworkAttachmentDefinition with
 *       nad_info_parse() and print what it says.
 */

#include <config.h>

#include <cjson/cJSON.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "conn-auth.h"
#include "dpu-binding.h"
#include "dpu-pod.h"
#include "fatal-signal.h"
#include "k8s-object.h"
#include "k8s-watch.h"
#include "net-attach-def.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-test.h"
#include "ovsdb-idl.h"
#include "pod-bandwidth.h"
#include "representor.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "vswitch-idl.h"

struct driver {
    struct ovsdb_idl_loop loop;
    struct dpu_bindings *bs;
    long long int max_wait;
};

static void
print_journal(struct driver *d)
{
    struct svec lines = SVEC_EMPTY_INITIALIZER;

    dpu_bindings_take_journal(d->bs, &lines);
    for (size_t i = 0; i < lines.n; i++) {
        printf("  %s\n", lines.names[i]);
    }
    svec_destroy(&lines);
    fflush(stdout);
}

/* Prints the iface-ids whose state changed since the last "changes", as
 * a caller that reports status would take them, with their state now. */
static void
print_changes(struct driver *d)
{
    struct sset changes = SSET_INITIALIZER(&changes);
    const char **names;

    dpu_bindings_take_changes(d->bs, &changes);
    names = sset_sort(&changes);
    for (size_t i = 0; i < sset_count(&changes); i++) {
        enum dpu_binding_state state;
        const char *error, *rep;

        if (dpu_bindings_get(d->bs, names[i], &state, &error, &rep)) {
            printf("%s: %s%s%s\n", names[i], dpu_binding_state_name(state),
                   error ? ": " : "", error ? error : "");
        } else {
            printf("%s: gone\n", names[i]);
        }
    }
    free(names);
    sset_destroy(&changes);
}

/* Runs the main loop until 'done' returns true, checking it after each
 * iteration's run, before blocking.
 *
 * The module works with or without a transaction to write into, but when
 * a transaction's reply arrives relative to the next run is a matter of
 * timing, so to keep the journal the same from one test run to the next,
 * the driver runs the module only when it can write. */
static void
run_until(struct driver *d, bool (*done)(const struct driver *,
                                          const void *aux),
          const void *aux, const char *what)
{
    long long int deadline = time_msec() + d->max_wait;

    for (;;) {
        struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&d->loop);
        if (txn) {
            dpu_bindings_run(d->bs, txn, time_msec());
        }
        dpu_bindings_committed(d->bs,
                               ovsdb_idl_loop_commit_and_wait(&d->loop));
        dpu_bindings_wait(d->bs, time_msec());

        if (done(d, aux)) {
            /* Flush what was registered to wait for. */
            poll_immediate_wake();
            poll_block();
            return;
        }
        if (time_msec() >= deadline) {
            print_journal(d);
            printf("timed out waiting for %s\n", what);
            exit(EXIT_FAILURE);
        }
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

static bool
is_idle(const struct driver *d)
{
    return (ovsdb_idl_has_ever_connected(d->loop.idl)
            && !d->loop.committing_txn
            && dpu_bindings_is_settled(d->bs));
}

static bool
settled(const struct driver *d, const void *aux OVS_UNUSED)
{
    return is_idle(d);
}

struct wait_for {
    const char *iface_id;
    const char *state;
};

static bool
reached(const struct driver *d, const void *aux)
{
    const struct wait_for *w = aux;
    enum dpu_binding_state state;

    if (!dpu_bindings_get(d->bs, w->iface_id, &state, NULL, NULL)) {
        return !strcmp(w->state, "gone") && !d->loop.committing_txn;
    }
    return !strcmp(w->state, dpu_binding_state_name(state));
}

static void
do_bind(struct driver *d, int argc, char *argv[])
{
    struct dpu_binding_spec spec = {
        .iface_id = argv[1],
        .nad = "default",
    };

    for (int i = 2; i < argc; i++) {
        char *value = strchr(argv[i], '=');
        if (!value) {
            ovs_fatal(0, "bind: %s: expected KEY=VALUE", argv[i]);
        }
        *value++ = '\0';

        const char *key = argv[i];
        if (!strcmp(key, "pod")) {
            spec.pod = value;
        } else if (!strcmp(key, "nad")) {
            spec.nad = value;
        } else if (!strcmp(key, "network")) {
            spec.network = value;
        } else if (!strcmp(key, "pf")) {
            spec.pf_id = atoi(value);
        } else if (!strcmp(key, "vf")) {
            spec.vf_id = atoi(value);
        } else if (!strcmp(key, "sandbox")) {
            spec.sandbox = value;
        } else if (!strcmp(key, "ver")) {
            spec.iface_id_ver = value;
        } else if (!strcmp(key, "mac")) {
            spec.attached_mac = value;
        } else if (!strcmp(key, "ips")) {
            spec.ip_addresses = value;
        } else if (!strcmp(key, "vf-netdev")) {
            spec.vf_netdev_name = value;
        } else if (!strcmp(key, "pod-if")) {
            spec.pod_if_name = value;
        } else if (!strcmp(key, "mtu")) {
            spec.mtu = atoi(value);
        } else if (!strcmp(key, "seq")) {
            spec.seq = strtoull(value, NULL, 10);
        } else if (!strcmp(key, "ingress")) {
            spec.ingress_bps = strtoll(value, NULL, 10);
        } else if (!strcmp(key, "egress")) {
            spec.egress_bps = strtoll(value, NULL, 10);
        } else {
            ovs_fatal(0, "bind: unknown key %s", key);
        }
    }
    dpu_bindings_set(d->bs, &spec);
}

static void
run_script(struct driver *d, FILE *stream)
{
    struct ds line = DS_EMPTY_INITIALIZER;

    while (!ds_get_line(&line, stream)) {
        struct svec words = SVEC_EMPTY_INITIALIZER;
        const char *cmd;

        svec_parse_words(&words, ds_cstr(&line));
        if (!words.n || words.names[0][0] == '#') {
            svec_destroy(&words);
            continue;
        }
        printf("%s\n", ds_cstr(&line));
        fflush(stdout);

        cmd = words.names[0];
        if (!strcmp(cmd, "bind") && words.n >= 2) {
            do_bind(d, words.n, words.names);
        } else if (!strcmp(cmd, "unbind") && words.n == 2) {
            if (!dpu_bindings_unset(d->bs, words.names[1])) {
                printf("  no binding %s\n", words.names[1]);
            }
        } else if (!strcmp(cmd, "complete")) {
            dpu_bindings_set_complete(d->bs, true);
        } else if (!strcmp(cmd, "reserve") && words.n >= 4) {
            /* The reason is the rest of the line. */
            const char *why = ds_cstr(&line);
            for (int w = 0; w < 3; w++) {
                why = strchr(why, ' ') + 1;
            }
            dpu_bindings_reserve(d->bs, atoi(words.names[1]),
                                 atoi(words.names[2]), why);
        } else if (!strcmp(cmd, "recompute")) {
            dpu_bindings_recompute(d->bs);
        } else if (!strcmp(cmd, "settle")) {
            run_until(d, settled, NULL, "the bindings to settle");
        } else if (!strcmp(cmd, "wait") && words.n == 3) {
            struct wait_for w = { words.names[1], words.names[2] };
            char *what = xasprintf("%s to be %s", w.iface_id, w.state);
            run_until(d, reached, &w, what);
            free(what);
        } else if (!strcmp(cmd, "exec") && words.n >= 2) {
            const char *shell = strchr(ds_cstr(&line), ' ') + 1;
            int status = system(shell);
            if (status) {
                printf("  exit status %d\n", status);
            }
        } else if (!strcmp(cmd, "changes")) {
            print_changes(d);
        } else if (!strcmp(cmd, "show")) {
            struct ds s = DS_EMPTY_INITIALIZER;
            dpu_bindings_format(d->bs, -1, &s);
            fputs(ds_cstr(&s), stdout);
            ds_destroy(&s);
        } else {
            ovs_fatal(0, "bad command: %s", ds_cstr(&line));
        }
        print_journal(d);
        svec_destroy(&words);
    }
    ds_destroy(&line);
}

static void
test_find(int argc, char *argv[])
{
    const char *sysfs = NULL;
    bool simulated = false;
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--simulated")) {
            simulated = true;
        } else if (!strncmp(argv[i], "--sysfs-root=", 13)) {
            sysfs = argv[i] + 13;
        } else {
            ovs_fatal(0, "find: unknown option %s", argv[i]);
        }
    }
    if (argc - i != 2) {
        ovs_fatal(0, "usage: dpu-bind find [--simulated] "
                  "[--sysfs-root=DIR] PF VF");
    }

    char *name;
    char *error = representor_find(sysfs, simulated, atoi(argv[i]),
                                   atoi(argv[i + 1]), &name);
    if (error) {
        printf("error: %s\n", error);
        free(error);
    } else {
        printf("%s\n", name);
        free(name);
    }
}

static void
print_pod(const struct dpu_pod *pod)
{
    printf("pod %s uid %s%s%s%s\n", pod->key,
           pod->uid ? pod->uid : "(none)",
           pod->host_network ? " host-network" : "",
           pod->terminating ? " terminating" : "",
           pod->completed ? " completed" : "");
    if (pod->error) {
        printf("  error: %s\n", pod->error);
    }
    if (pod->bandwidth_error) {
        printf("  bandwidth: %s\n", pod->bandwidth_error);
    }
    for (size_t i = 0; i < pod->n_nets; i++) {
        const struct dpu_pod_net *net = &pod->nets[i];
        const struct dpu_binding_spec *sp = &net->spec;

        if (net->state == DPU_POD_NET_BIND) {
            printf("  %s: bind iface-id %s", net->nad, sp->iface_id);
            if (sp->network) {
                printf(" network %s", sp->network);
            }
            printf(" pf %d vf %d sandbox %s", sp->pf_id, sp->vf_id,
                   sp->sandbox);
            if (sp->vf_netdev_name) {
                printf(" vf-netdev %s", sp->vf_netdev_name);
            }
            printf(" mac %s ips \"%s\" mtu %d", sp->attached_mac,
                   sp->ip_addresses, sp->mtu);
            if (sp->seq) {
                printf(" seq %"PRIu64, sp->seq);
            }
            if (sp->ingress_bps || sp->egress_bps) {
                printf(" ingress %"PRId64" egress %"PRId64,
                       sp->ingress_bps, sp->egress_bps);
            }
            putchar('\n');
        } else {
            printf("  %s: %s: %s\n", net->nad,
                   (net->state == DPU_POD_NET_WAITING ? "waiting"
                    : net->state == DPU_POD_NET_NO_NAD ? "pending"
                    : "error"),
                   net->error);
        }
    }
}

/* Parses NAD 'text' into '*info', storing its key in '*keyp'.  Returns
 * false if it is not an object with a key. */
static bool
parse_nad(const char *text, char **keyp, struct nad_info *info)
{
    cJSON *json = cJSON_Parse(text);
    char *key = json ? k8s_object_key(json) : NULL;

    if (key) {
        nad_info_parse(json, key, info);
    }
    cJSON_Delete(json);
    *keyp = key;
    return key != NULL;
}

static void
print_nad(const char *key, const struct nad_info *info)
{
    switch (info->kind) {
    case NAD_OVN:
        printf("nad %s: network %s\n", key, info->network);
        break;
    case NAD_NOT_OVN:
        printf("nad %s: not OVN-Kubernetes\n", key);
        break;
    case NAD_ERROR:
        printf("nad %s: error: %s\n", key, info->error);
        break;
    }
}

static void
test_nad(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        struct nad_info info;
        char *key;

        if (parse_nad(argv[i], &key, &info)) {
            print_nad(key, &info);
            nad_info_destroy(&info);
            free(key);
        } else {
            printf("not a NAD\n");
        }
    }
}

static void
test_pod(int argc, char *argv[])
{
    struct shash nads = SHASH_INITIALIZER(&nads);
    struct dpu_pod_options opts = {
        .mode = POD_ANN_SWITCHDEV,
        .allow_unsigned = true,
    };
    struct conn_auth_keys keys;
    cJSON *secret = NULL;
    int i;

    conn_auth_keys_init(&keys);

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--simulated")) {
            opts.mode = POD_ANN_SIMULATED;
        } else if (!strncmp(argv[i], "--mtu=", 6)) {
            opts.mtu = atoi(argv[i] + 6);
        } else if (!strncmp(argv[i], "--nad=", 6)) {
            struct nad_info *info = xmalloc(sizeof *info);
            char *key;

            if (!parse_nad(argv[i] + 6, &key, info)) {
                ovs_fatal(0, "--nad: not a NAD object");
            }
            shash_add(&nads, key, info);
            free(key);
            opts.nads = &nads;
        } else if (!strncmp(argv[i], "--keys=", 7)) {
            secret = cJSON_Parse(argv[i] + 7);
            opts.allow_unsigned = false;
        } else if (!strncmp(argv[i], "--node=", 7)) {
            opts.node = argv[i] + 7;
        } else {
            ovs_fatal(0, "pod: unknown option %s", argv[i]);
        }
    }
    if (secret) {
        free(conn_auth_keys_from_secret(secret, opts.node ? opts.node : "",
                                        &keys));
        opts.keys = &keys;
    }

    for (; i < argc; i++) {
        cJSON *json = cJSON_Parse(argv[i]);
        struct dpu_pod pod;

        if (!json || !dpu_pod_parse(json, &opts, &pod)) {
            printf("not a pod\n");
        } else {
            print_pod(&pod);
            dpu_pod_destroy(&pod);
        }
        cJSON_Delete(json);
    }
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &nads) {
        nad_info_destroy(node->data);
        free(node->data);
        shash_delete(&nads, node);
    }
    shash_destroy(&nads);
    conn_auth_keys_destroy(&keys);
    cJSON_Delete(secret);
}

void
test_dpu_bind_main(int argc, char *argv[])
{
    enum {
        OPT_DB = UCHAR_MAX + 1, OPT_BRIDGE, OPT_SYSFS, OPT_SIMULATED,
        OPT_LINK, OPT_TIMEOUT, OPT_RETRY, OPT_MAX_WAIT,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"bridge", required_argument, NULL, OPT_BRIDGE},
        {"sysfs-root", required_argument, NULL, OPT_SYSFS},
        {"simulated", no_argument, NULL, OPT_SIMULATED},
        {"link-state", no_argument, NULL, OPT_LINK},
        {"install-timeout", required_argument, NULL, OPT_TIMEOUT},
        {"retry", required_argument, NULL, OPT_RETRY},
        {"max-wait", required_argument, NULL, OPT_MAX_WAIT},
        {NULL, 0, NULL, 0},
    };

    if (argc >= 2 && !strcmp(argv[1], "nad")) {
        test_nad(argc - 1, argv + 1);
        return;
    }
    if (argc >= 2 && !strcmp(argv[1], "pod")) {
        test_pod(argc - 1, argv + 1);
        return;
    }
    if (argc >= 2 && !strcmp(argv[1], "quantity")) {
        for (int i = 2; i < argc; i++) {
            int64_t bps;
            char *error = pod_bw_parse_quantity(argv[i], &bps);

            printf("%s: ", argv[i]);
            if (error) {
                printf("error: %s\n", error);
                free(error);
            } else {
                printf("%"PRId64"\n", bps);
            }
        }
        return;
    }
    if (argc >= 2 && !strcmp(argv[1], "find")) {
        test_find(argc - 1, argv + 1);
        return;
    }
    if (argc == 4 && !strcmp(argv[1], "link")) {
        int error = representor_set_up(argv[2], !strcmp(argv[3], "up"));
        if (error) {
            ovs_fatal(error, "%s", argv[2]);
        }
        return;
    }

    struct dpu_bindings_config cfg = { .bridge = NULL };
    const char *db = "unix:db.sock";
    long long int max_wait = 20000;

    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_BRIDGE:
            cfg.bridge = optarg;
            break;
        case OPT_SYSFS:
            cfg.sysfs_root = optarg;
            break;
        case OPT_SIMULATED:
            cfg.simulated = true;
            break;
        case OPT_LINK:
            cfg.set_link_state = true;
            break;
        case OPT_TIMEOUT:
            cfg.install_timeout_ms = atoll(optarg);
            break;
        case OPT_RETRY:
            cfg.retry_ms = atoll(optarg);
            break;
        case OPT_MAX_WAIT:
            max_wait = atoll(optarg);
            break;
        default:
            exit(EXIT_FAILURE);
        }
    }

    vlog_set_levels(NULL, VLF_CONSOLE, VLL_OFF);
    fatal_ignore_sigpipe();     /* As the daemons do: ovsdb-server may go. */

    struct driver d = {
        .loop = OVSDB_IDL_LOOP_INITIALIZER(
            ovsdb_idl_create(db, &ovsrec_idl_class, false, true)),
        .max_wait = max_wait,
    };
    dpu_bindings_register_idl(d.loop.idl);
    d.bs = dpu_bindings_create(d.loop.idl, &cfg);

    run_script(&d, stdin);

    dpu_bindings_destroy(d.bs);
    ovsdb_idl_loop_destroy(&d.loop);
}
