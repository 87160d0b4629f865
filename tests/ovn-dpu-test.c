/* The test driver's main(): dispatches "ovn-dpu-test COMMAND ARGS..." to
 * the test module that implements COMMAND. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovn-dpu-test.h"
#include "util.h"

struct test_command {
    const char *name;
    void (*main)(int argc, char *argv[]);
    const char *help;
};

static const struct test_command commands[] = {
    { "kubeconfig", test_kubeconfig_main,
      "parse Kubernetes client configuration and print it" },
    { "k8s-client", test_k8s_client_main,
      "run Kubernetes API requests and print the results" },
    { "dpu-lease", test_dpu_lease_main,
      "drive the DPU lease state machines from a script" },
    { "pod-annotations", test_pod_annotations_main,
      "parse and format the DPU pod annotations" },
    { "node-annotations", test_node_annotations_main,
      "parse and format the management port's Node annotations" },
    { "vf-device", test_vf_device_main,
      "resolve CNI deviceIDs to VFs" },
    { "cni-nad-key", test_cni_nad_key_main,
      "find the NAD key of a CNI request in the pod" },
    { "dpu-bind", test_dpu_bind_main,
      "bind representors to br-int ports from a script" },
    { "metrics", test_metrics_main,
      "render metrics from a script, serve them, or time them" },
};

static void
usage(void)
{
    printf("usage: ovn-dpu-test COMMAND [ARG...]\ncommands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        printf("  %-16s %s\n", commands[i].name, commands[i].help);
    }
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        usage();
        return argc < 2 ? EXIT_FAILURE : EXIT_SUCCESS;
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            commands[i].main(argc - 1, argv + 1);
            return EXIT_SUCCESS;
        }
    }
    ovs_fatal(0, "unknown command \"%s\"; use --help for a list", argv[1]);
}
