/* The test driver: one program, one subcommand per module under test,
 * like Open vSwitch's ovstest.  Each test-*.c file provides one or more
 * entry points listed in ovn-dpu-test.c. */

#ifndef OVN_DPU_TEST_H
#define OVN_DPU_TEST_H 1

void test_kubeconfig_main(int argc, char *argv[]);
void test_k8s_client_main(int argc, char *argv[]);
void test_dpu_lease_main(int argc, char *argv[]);
void test_pod_annotations_main(int argc, char *argv[]);
void test_node_annotations_main(int argc, char *argv[]);
void test_vf_device_main(int argc, char *argv[]);
void test_cni_nad_key_main(int argc, char *argv[]);
void test_dpu_bind_main(int argc, char *argv[]);
void test_metrics_main(int argc, char *argv[]);

#endif /* ovn-dpu-test.h */
