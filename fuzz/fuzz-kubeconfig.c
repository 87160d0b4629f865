/*
 * libFuzzer target for the kubeconfig reader (lib/k8s-config.c): the YAML
 * file given to --k8s-kubeconfig, often mounted from a Secret.
 *
 * The input is the file's text, fed to k8s_config_from_kubeconfig_text() in
 * a buffer of exactly its size (no null terminator, so that AddressSanitizer
 * sees any read past the end), with a base directory so that relative file
 * names get resolved.  Checks that a failure leaves the configuration empty
 * and that a success is valid and survives k8s_config_clone().
 */

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "k8s-config.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* 'data' is 'size' bytes with a null byte after them, or NULL and 0. */
static void
check_data(const char *data, size_t size)
{
    ovs_assert(!data == !size);
    ovs_assert(!data || !data[size]);
}

static bool
data_equal(const char *a, size_t a_len, const char *b, size_t b_len)
{
    return a_len == b_len && (!a_len || !memcmp(a, b, a_len));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmemdup(data, size);
    struct k8s_config config;
    char *error = k8s_config_from_kubeconfig_text(text, size,
                                                  "/etc/kubernetes",
                                                  &config);
    free(text);

    if (error) {
        struct k8s_config empty;

        k8s_config_init(&empty);
        ovs_assert(error[0]);
        ovs_assert(!memcmp(&config, &empty, sizeof config));
        free(error);
        return 0;
    }

    char *invalid = k8s_config_validate(&config);
    ovs_assert(!invalid);
    ovs_assert(config.server);
    check_data(config.ca_data, config.ca_data_len);
    check_data(config.client_cert_data, config.client_cert_data_len);
    check_data(config.client_key_data, config.client_key_data_len);

    /* A clone describes itself the same way and holds the same data. */
    struct k8s_config clone;
    struct ds s1 = DS_EMPTY_INITIALIZER;
    struct ds s2 = DS_EMPTY_INITIALIZER;

    k8s_config_clone(&clone, &config);
    k8s_config_format(&config, &s1);
    k8s_config_format(&clone, &s2);
    ovs_assert(!strcmp(ds_cstr(&s1), ds_cstr(&s2)));
    ovs_assert(data_equal(config.ca_data, config.ca_data_len,
                          clone.ca_data, clone.ca_data_len));
    ovs_assert(data_equal(config.client_cert_data,
                          config.client_cert_data_len,
                          clone.client_cert_data,
                          clone.client_cert_data_len));
    ovs_assert(data_equal(config.client_key_data, config.client_key_data_len,
                          clone.client_key_data, clone.client_key_data_len));

    ds_destroy(&s1);
    ds_destroy(&s2);
    k8s_config_destroy(&clone);
    k8s_config_destroy(&config);
    return 0;
}
