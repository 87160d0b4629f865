/*
 * "ovn-dpu-test pod-annotations": drives lib/pod-annotations.c for
 * tests/pod-annotations.at.
 *
 *   pod-annotations details [--simulated] JSON...
 *   pod-annotations status JSON...
 *   pod-annotations networks JSON...
 *       Parse each JSON text as the named annotation.  For each, print
 *       either "error: MESSAGE", or one line per network (NAD key order)
 *       followed by the annotation formatted back.
 *
 *   pod-annotations put-status [NAD STATE [REASON]]...
 *       Build a connection-status annotation, STATE being "Ready" or
 *       "Error", REASON "-" for none, and print it.
 *
 *   pod-annotations sign SECRET-JSON NODE UID NAD PF VF SANDBOX NETDEV SEQ
 *       Print the connection-details token (conn-auth.h) for these fields,
 *       signed with node NODE's current key in Secret object SECRET-JSON
 *       ("-" for no NETDEV).
 *
 *   pod-annotations time REPEAT FILE...
 *       Parse the contents of each FILE REPEAT times as each of the three
 *       annotations and print, per annotation, the outcome and the fastest,
 *       median and slowest parse in microseconds: for the benchmark
 *       (bench/run).
 *
 *   pod-annotations trim-pod JSON...
 *       Trim each JSON text, a Pod object, with pod_ann_trim_pod() and
 *       print what is left (or "error: not JSON").
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <time.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conn-auth.h"
#include "openvswitch/dynamic-string.h"
#include "ovn-dpu-test.h"
#include "pod-annotations.h"
#include "util.h"

static void
print_details(const struct shash *details)
{
    const struct shash_node **nodes = shash_sort(details);

    for (size_t i = 0; i < shash_count(details); i++) {
        const struct dpu_conn_details *d = nodes[i]->data;
        printf("%s: pf %d vf %d sandbox %s vf-netdev %s%s%s\n",
               nodes[i]->name, d->pf_id, d->vf_id, d->sandbox_id,
               d->vf_netdev_name ? d->vf_netdev_name : "(none)",
               d->auth ? " auth " : "", d->auth ? d->auth : "");
    }
    free(nodes);
}

static void
print_statuses(const struct shash *statuses)
{
    const struct shash_node **nodes = shash_sort(statuses);

    for (size_t i = 0; i < shash_count(statuses); i++) {
        const struct dpu_conn_status *s = nodes[i]->data;
        printf("%s: %s%s%s%s%s\n", nodes[i]->name,
               s->state == DPU_CONN_READY ? "Ready" : "Error",
               s->reason ? ": " : "", s->reason ? s->reason : "",
               s->sandbox_id ? " for sandbox " : "",
               s->sandbox_id ? s->sandbox_id : "");
    }
    free(nodes);
}

static void
print_list(struct ds *s, const char *name, char **values, size_t n)
{
    ds_put_format(s, " %s ", name);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s%s", i ? "," : "", values[i]);
    }
    if (!n) {
        ds_put_cstr(s, "(none)");
    }
}

static void
print_networks(const struct shash *networks)
{
    const struct shash_node **nodes = shash_sort(networks);

    for (size_t i = 0; i < shash_count(networks); i++) {
        const struct pod_network *net = nodes[i]->data;
        struct ds s = DS_EMPTY_INITIALIZER;
        char *ips = pod_network_ip_list(net);

        ds_put_format(&s, "%s: mac %s ip_addresses \"%s\"", nodes[i]->name,
                      net->mac_address, ips);
        free(ips);
        print_list(&s, "gateways", net->gateway_ips, net->n_gateway_ips);
        for (size_t j = 0; j < net->n_routes; j++) {
            ds_put_format(&s, " route %s", net->routes[j].dest);
            if (net->routes[j].next_hop) {
                ds_put_format(&s, " via %s", net->routes[j].next_hop);
            }
        }
        if (net->role) {
            ds_put_format(&s, " role %s", net->role);
        }
        if (net->tunnel_id) {
            ds_put_format(&s, " tunnel_id %lld", net->tunnel_id);
        }
        puts(ds_cstr(&s));
        ds_destroy(&s);
    }
    free(nodes);
}

static void
test_put_status(int argc, char *argv[])
{
    struct shash statuses = SHASH_INITIALIZER(&statuses);

    for (int i = 0; i + 1 < argc; i += 3) {
        const char *reason = i + 2 < argc ? argv[i + 2] : "-";
        if (!strcmp(argv[i + 1], "Ready")) {
            dpu_conn_status_put(&statuses, argv[i], DPU_CONN_READY,
                                strcmp(reason, "-") ? reason : NULL, NULL);
        } else {
            dpu_conn_status_put(&statuses, argv[i], DPU_CONN_ERROR,
                                strcmp(reason, "-") ? reason : NULL, NULL);
        }
    }
    char *text = dpu_conn_status_format(&statuses);
    puts(text);
    free(text);
    dpu_conn_status_clear(&statuses);
    shash_destroy(&statuses);
}

static void
test_sign(int argc, char *argv[])
{
    if (argc != 9) {
        ovs_fatal(0, "usage: sign SECRET-JSON NODE UID NAD PF VF SANDBOX "
                  "NETDEV SEQ");
    }
    cJSON *secret = cJSON_Parse(argv[0]);
    struct conn_auth_keys keys;
    free(conn_auth_keys_from_secret(secret, argv[1], &keys));
    const struct conn_auth_key *key = (keys.current
                                       ? conn_auth_keys_find(&keys,
                                                             keys.current)
                                       : NULL);
    if (!key) {
        ovs_fatal(0, "no current key for node %s", argv[1]);
    }
    struct conn_auth_fields fields = {
        .node = argv[1],
        .pod_uid = argv[2],
        .nad = argv[3],
        .pf_id = atoi(argv[4]),
        .vf_id = atoi(argv[5]),
        .sandbox_id = argv[6],
        .vf_netdev_name = strcmp(argv[7], "-") ? argv[7] : NULL,
    };
    char *token = conn_auth_sign(key, &fields, strtoull(argv[8], NULL, 10));
    puts(token);
    free(token);
    conn_auth_keys_destroy(&keys);
    cJSON_Delete(secret);
}

static long long int
now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int
compare_llong(const void *a_, const void *b_)
{
    const long long int *a = a_, *b = b_;
    return *a < *b ? -1 : *a > *b;
}

static void
test_time(int argc, char *argv[])
{
    static const char *const names[] = {
        "connection-details", "connection-status", "pod-networks"
    };
    int repeat = argc ? atoi(argv[0]) : 0;

    if (repeat < 1) {
        ovs_fatal(0, "usage: time REPEAT FILE...");
    }
    for (int i = 1; i < argc; i++) {
        struct ds text = DS_EMPTY_INITIALIZER;
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            ovs_fatal(errno, "%s", argv[i]);
        }
        for (int c; (c = getc(f)) != EOF; ) {
            ds_put_char(&text, c);
        }
        fclose(f);

        for (int k = 0; k < 3; k++) {
            long long int *times = xmalloc(repeat * sizeof *times);
            char *error = NULL;
            for (int r = 0; r < repeat; r++) {
                struct shash map = SHASH_INITIALIZER(&map);
                free(error);
                long long int t0 = now_usec();
                error = (k == 0
                         ? dpu_conn_details_parse(ds_cstr(&text),
                                                  POD_ANN_SWITCHDEV, &map)
                         : k == 1
                         ? dpu_conn_status_parse(ds_cstr(&text), &map)
                         : pod_networks_parse(ds_cstr(&text), &map));
                times[r] = now_usec() - t0;
                (k == 0 ? dpu_conn_details_clear
                 : k == 1 ? dpu_conn_status_clear
                 : pod_networks_clear)(&map);
                shash_destroy(&map);
            }
            qsort(times, repeat, sizeof *times, compare_llong);
            printf("%s %s: %"PRIuSIZE" bytes, %s, min %lld us, median "
                   "%lld us, max %lld us\n", argv[i], names[k], text.length,
                   error ? "refused" : "parsed", times[0],
                   times[repeat / 2], times[repeat - 1]);
            free(times);
            free(error);
        }
        ds_destroy(&text);
    }
}

static void
test_trim_pod(int argc, char *argv[])
{
    for (int i = 0; i < argc; i++) {
        cJSON *pod = cJSON_Parse(argv[i]);
        if (!pod) {
            printf("error: not JSON\n");
            continue;
        }
        pod_ann_trim_pod(pod);
        char *text = cJSON_PrintUnformatted(pod);
        puts(text);
        cJSON_free(text);
        cJSON_Delete(pod);
    }
}

void
test_pod_annotations_main(int argc, char *argv[])
{
    if (argc < 2) {
        ovs_fatal(0, "usage: pod-annotations details|status|networks|"
                  "put-status|trim-pod ARG...");
    }

    const char *what = argv[1];
    enum pod_ann_mode mode = POD_ANN_SWITCHDEV;
    int i = 2;

    if (!strcmp(what, "put-status")) {
        test_put_status(argc - 2, argv + 2);
        return;
    }
    if (!strcmp(what, "trim-pod")) {
        test_trim_pod(argc - 2, argv + 2);
        return;
    }
    if (!strcmp(what, "time")) {
        test_time(argc - 2, argv + 2);
        return;
    }
    if (!strcmp(what, "sign")) {
        test_sign(argc - 2, argv + 2);
        return;
    }
    if (i < argc && !strcmp(argv[i], "--simulated")) {
        mode = POD_ANN_SIMULATED;
        i++;
    }

    for (; i < argc; i++) {
        struct shash map = SHASH_INITIALIZER(&map);
        char *error, *text = NULL;

        if (!strcmp(what, "details")) {
            error = dpu_conn_details_parse(argv[i], mode, &map);
            if (!error) {
                print_details(&map);
                text = dpu_conn_details_format(&map);
            }
            dpu_conn_details_clear(&map);
        } else if (!strcmp(what, "status")) {
            error = dpu_conn_status_parse(argv[i], &map);
            if (!error) {
                print_statuses(&map);
                text = dpu_conn_status_format(&map);
            }
            dpu_conn_status_clear(&map);
        } else if (!strcmp(what, "networks")) {
            error = pod_networks_parse(argv[i], &map);
            if (!error) {
                print_networks(&map);
                text = pod_networks_format(&map);
            }
            pod_networks_clear(&map);
        } else {
            ovs_fatal(0, "unknown annotation \"%s\"", what);
        }

        if (error) {
            ovs_assert(shash_is_empty(&map));
            printf("error: %s\n", error);
            free(error);
        } else {
            printf("%s\n", text);
            free(text);
        }
        shash_destroy(&map);
    }
}
