/*
 * "ovn-dpu-test kubeconfig": drives k8s-config.c for tests/kubeconfig.at.
 *
 *   kubeconfig file FILE          load kubeconfig FILE
 *   kubeconfig data FILE          load kubeconfig FILE, print decoded data
 *   kubeconfig in-cluster DIR     in-cluster config with service account DIR
 *   kubeconfig options [--k8s-OPTION=VALUE]...
 *                                 resolve the --k8s-* options
 *   kubeconfig usage              print k8s_options_usage()
 *
 * Each prints the result with k8s_config_format() and the token's value
 * (or, for "data", the decoded *-data fields, which k8s_config_format()
 * only counts), or "error: MESSAGE" and exits with status 1.
 */

#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s-config.h"
#include "openvswitch/dynamic-string.h"
#include "ovn-dpu-test.h"
#include "util.h"

static char *
parse_options(int argc, char *argv[], struct k8s_config *config)
{
    enum {
        OPT_FIRST = UCHAR_MAX,  /* Keeps the long options off short ones. */
        K8S_OPTION_ENUMS
    };
    static const struct option long_options[] = {
        K8S_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };

    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        K8S_OPTION_HANDLERS

        case '?':
            exit(EXIT_FAILURE);

        default:
            OVS_NOT_REACHED();
        }
    }
    if (optind != argc) {
        ovs_fatal(0, "unexpected argument \"%s\"", argv[optind]);
    }
    return k8s_options_get_config(config);
}

static void
print_data(const char *name, const char *data, size_t size)
{
    if (data) {
        printf("%s: ", name);
        fwrite(data, 1, size, stdout);
        printf("\n");
    }
}

void
test_kubeconfig_main(int argc, char *argv[])
{
    const char *command = argc > 1 ? argv[1] : "";
    struct k8s_config config;
    char *error;

    if (!strcmp(command, "file") && argc == 3) {
        error = k8s_config_from_kubeconfig(argv[2], &config);
    } else if (!strcmp(command, "data") && argc == 3) {
        error = k8s_config_from_kubeconfig(argv[2], &config);
        if (!error) {
            print_data("ca_data", config.ca_data, config.ca_data_len);
            print_data("client_cert_data", config.client_cert_data,
                       config.client_cert_data_len);
            print_data("client_key_data", config.client_key_data,
                       config.client_key_data_len);
            k8s_config_destroy(&config);
            return;
        }
    } else if (!strcmp(command, "in-cluster") && argc == 3) {
        error = k8s_config_in_cluster(argv[2], &config);
    } else if (!strcmp(command, "options")) {
        error = parse_options(argc - 1, argv + 1, &config);
    } else if (!strcmp(command, "usage") && argc == 2) {
        k8s_options_usage();
        return;
    } else {
        ovs_fatal(0, "usage: ovn-dpu-test kubeconfig "
                  "file|data|in-cluster|options|usage ARG...");
    }

    if (error) {
        printf("error: %s\n", error);
        free(error);
        exit(EXIT_FAILURE);
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    k8s_config_format(&config, &s);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    /* k8s_config_format() keeps the token secret; tests need to see which
     * user's token was chosen. */
    if (config.token) {
        printf("token value: %s\n", config.token);
    }
    k8s_config_destroy(&config);
}
