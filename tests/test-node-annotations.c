/*
 * "ovn-dpu-test node-annotations": drives lib/node-annotations.c and
 * ovn-dpu/mgmt-port-config.c for tests/node-annotations.at.
 *
 *   node-annotations mgmt-port JSON...
 *       Parse each JSON text as k8s.ovn.org/node-mgmt-port; print
 *       "error: MESSAGE" or "pf P func F device D" and the value formatted
 *       back.
 *
 *   node-annotations subnets NETWORK JSON...
 *       Parse each as k8s.ovn.org/node-subnets for NETWORK; print the
 *       subnets and the value formatted back, or the error.
 *
 *   node-annotations mac NETWORK JSON...
 *       Parse each as k8s.ovn.org/node-mgmt-port-mac-addresses.
 *
 *   node-annotations config SUBNETS-JSON CLUSTER-SUBNETS SERVICE-CIDRS
 *                           [MAC]
 *       What the management port must look like: mgmt_port_config_build()
 *       from a node-subnets value, the two lists and an optional MAC.
 *
 *   node-annotations host-cidrs [CIDR...]
 *   node-annotations primary-addr IPV4|- IPV6|-
 *       Format the annotations.
 *
 *   node-annotations trim JSON
 *       Trim a Node object with node_ann_trim_node() and print it, and its
 *       InternalIP.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt-port-config.h"
#include "node-annotations.h"
#include "openvswitch/dynamic-string.h"
#include "ovn-dpu-test.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

static void
do_mgmt_port(int argc, char *argv[])
{
    for (int i = 0; i < argc; i++) {
        struct node_mgmt_port mp;
        char *error = node_mgmt_port_parse(argv[i], &mp);
        if (error) {
            printf("error: %s\n", error);
            free(error);
            continue;
        }
        char *text = node_mgmt_port_format(&mp);
        printf("pf %d func %d device %s\n%s\n", mp.pf_id, mp.func_id,
               mp.device_id ? mp.device_id : "(none)", text);
        free(text);
        node_mgmt_port_destroy(&mp);
    }
}

static void
do_subnets(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        struct node_cidr *subnets;
        size_t n;
        char *error = node_subnets_parse(argv[i], argv[0], &subnets, &n);
        if (error) {
            printf("error: %s\n", error);
            free(error);
            continue;
        }
        struct ds s = DS_EMPTY_INITIALIZER;
        for (size_t j = 0; j < n; j++) {
            ds_put_format(&s, "%s", j ? " " : "");
            node_cidr_format(&subnets[j], true, &s);
        }
        char *text = node_subnets_format(argv[0], subnets, n);
        printf("%s\n%s\n", ds_cstr(&s), text);
        free(text);
        ds_destroy(&s);
        free(subnets);
    }
}

static void
do_mac(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        struct eth_addr mac;
        char *error = node_mgmt_mac_parse(argv[i], argv[0], &mac);
        if (error) {
            printf("error: %s\n", error);
            free(error);
        } else {
            printf(ETH_ADDR_FMT"\n", ETH_ADDR_ARGS(mac));
        }
    }
}

static void
do_config(int argc, char *argv[])
{
    if (argc < 3) {
        ovs_fatal(0, "config: SUBNETS-JSON CLUSTER-SUBNETS SERVICE-CIDRS "
                  "[MAC]");
    }

    struct mgmt_port_settings s = { .mtu = 1400, .routable_mtu = 1300 };
    struct node_cidr *subnets = NULL;
    size_t n = 0;
    char *error = node_subnets_parse(argv[0], NODE_ANN_DEFAULT_NETWORK,
                                     &subnets, &n);
    if (!error) {
        error = mgmt_port_parse_cidrs(argv[1], true, &s.cluster_subnets,
                                      &s.n_cluster_subnets);
    }
    if (!error) {
        error = mgmt_port_parse_cidrs(argv[2], false, &s.service_cidrs,
                                      &s.n_service_cidrs);
    }
    struct eth_addr mac;
    if (!error && argc > 3 && !eth_addr_from_string(argv[3], &mac)) {
        error = xasprintf("%s: not a MAC", argv[3]);
    }
    struct mgmt_port_config cfg;
    if (!error) {
        error = mgmt_port_config_build(subnets, n, argc > 3 ? &mac : NULL,
                                       &s, &cfg);
    }
    if (error) {
        printf("error: %s\n", error);
        free(error);
    } else {
        struct ds out = DS_EMPTY_INITIALIZER;
        mgmt_port_config_format(&cfg, "", &out);
        fputs(ds_cstr(&out), stdout);
        ds_destroy(&out);
        mgmt_port_config_destroy(&cfg);
    }
    free(subnets);
    free(s.cluster_subnets);
    free(s.service_cidrs);
}

static void
do_host_cidrs(int argc, char *argv[])
{
    struct svec cidrs = SVEC_EMPTY_INITIALIZER;

    for (int i = 0; i < argc; i++) {
        svec_add(&cidrs, argv[i]);
    }
    char *text = node_host_cidrs_format(&cidrs);
    puts(text);
    free(text);
    svec_destroy(&cidrs);
}

static void
do_primary_addr(int argc, char *argv[])
{
    if (argc != 2) {
        ovs_fatal(0, "primary-addr: IPV4|- IPV6|-");
    }
    char *text = node_primary_addr_format(strcmp(argv[0], "-") ? argv[0]
                                          : NULL,
                                          strcmp(argv[1], "-") ? argv[1]
                                          : NULL);
    puts(text);
    free(text);
}

static void
do_trim(int argc, char *argv[])
{
    for (int i = 0; i < argc; i++) {
        cJSON *node = cJSON_Parse(argv[i]);
        if (!node) {
            printf("error: not JSON\n");
            continue;
        }
        node_ann_trim_node(node);
        char *text = cJSON_PrintUnformatted(node);
        const char *ip = node_ann_internal_ip(node);
        printf("%s\ninternal ip %s\n", text, ip ? ip : "(none)");
        cJSON_free(text);
        cJSON_Delete(node);
    }
}

void
test_node_annotations_main(int argc, char *argv[])
{
    static const struct {
        const char *name;
        void (*f)(int, char *[]);
        int min_args;
    } cmds[] = {
        { "mgmt-port", do_mgmt_port, 0 },
        { "subnets", do_subnets, 1 },
        { "mac", do_mac, 1 },
        { "config", do_config, 3 },
        { "host-cidrs", do_host_cidrs, 0 },
        { "primary-addr", do_primary_addr, 2 },
        { "trim", do_trim, 0 },
    };

    if (argc < 2) {
        ovs_fatal(0, "node-annotations: a command is required");
    }
    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
        if (!strcmp(argv[1], cmds[i].name)) {
            if (argc - 2 < cmds[i].min_args) {
                ovs_fatal(0, "node-annotations %s: too few arguments",
                          argv[1]);
            }
            cmds[i].f(argc - 2, argv + 2);
            return;
        }
    }
    ovs_fatal(0, "node-annotations: unknown command \"%s\"", argv[1]);
}
