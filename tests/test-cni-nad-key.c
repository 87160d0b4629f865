/*
 * "ovn-dpu-test cni-nad-key": drives ovn-dpu/cni-nad-key.c for
 * tests/cni-nad.at.
 *
 *   cni-nad-key NETWORKS NAD IFNAME...
 *       For a pod in namespace "ns" whose k8s.v1.cni.cncf.io/networks is
 *       NETWORKS ("-" for none), print "IFNAME: KEY" or "IFNAME: error:
 *       MESSAGE" for the CNI request of each IFNAME on network NAD.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni-nad-key.h"
#include "ovn-dpu-test.h"
#include "util.h"

void
test_cni_nad_key_main(int argc, char *argv[])
{
    if (argc < 4) {
        ovs_fatal(0, "usage: cni-nad-key NETWORKS NAD IFNAME...");
    }

    cJSON *pod = cJSON_CreateObject();
    cJSON *metadata = cJSON_AddObjectToObject(pod, "metadata");
    cJSON_AddStringToObject(metadata, "namespace", "ns");
    cJSON_AddStringToObject(metadata, "name", "p");
    if (strcmp(argv[1], "-")) {
        cJSON *annotations = cJSON_AddObjectToObject(metadata, "annotations");
        cJSON_AddStringToObject(annotations, CNI_NAD_NETWORKS_ANN, argv[1]);
    }

    for (int i = 3; i < argc; i++) {
        char *key;
        char *error = cni_nad_key(pod, argv[2], argv[i], &key);
        if (error) {
            printf("%s: error: %s\n", argv[i], error);
            free(error);
        } else {
            printf("%s: %s\n", argv[i], key);
            free(key);
        }
    }
    cJSON_Delete(pod);
}
