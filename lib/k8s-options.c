/*
 * The --k8s-* command-line options of the ovn-dpu programs, and resolving
 * them (with the environment, for the in-cluster case) into a struct
 * k8s_config.  See k8s-config.h.
 */

#include <config.h>

#include "k8s-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Replaces '*dst' by a copy of 'src' (which may be NULL). */
static void
replace_string(char **dst, const char *src)
{
    free(*dst);
    *dst = nullable_xstrdup(src);
}

static char *kubeconfig_option;
static char *apiserver_option;
static char *token_option;
static char *token_file_option;
static char *cacert_option;
static char *cacert_data_option;    /* Decoded. */
static size_t cacert_data_len;
static bool insecure_http_option;
static int watch_idle_timeout_option = K8S_DEFAULT_WATCH_IDLE_TIMEOUT_MS;

void
k8s_options_set(enum k8s_option option, const char *value)
{
    switch (option) {
    case K8S_OPTION_KUBECONFIG:
    case K8S_OPTION_TOKEN_FILE:
    case K8S_OPTION_CACERT: {
        char **file_namep = (option == K8S_OPTION_KUBECONFIG
                             ? &kubeconfig_option
                             : option == K8S_OPTION_TOKEN_FILE
                             ? &token_file_option
                             : &cacert_option);
        char *abs_name = abs_file_name(NULL, value);

        free(*file_namep);
        *file_namep = abs_name ? abs_name : xstrdup(value);
        break;
    }
    case K8S_OPTION_CACERT_DATA:
        /* As ovnkube's --k8s-cacert-data (helm's K8S_CACERT_DATA): the CA
         * certificate(s) in PEM, base64-encoded. */
        free(cacert_data_option);
        if (!k8s_base64_decode(value, strlen(value), &cacert_data_option,
                               &cacert_data_len)) {
            ovs_fatal(0, "--k8s-cacert-data: not valid base64");
        }
        if (!strstr(cacert_data_option, "-----BEGIN CERTIFICATE-----")) {
            ovs_fatal(0, "--k8s-cacert-data: the decoded data is not PEM "
                      "CA certificates (no \"-----BEGIN CERTIFICATE-----\")");
        }
        break;
    case K8S_OPTION_APISERVER:
        replace_string(&apiserver_option, value);
        break;
    case K8S_OPTION_TOKEN:
        replace_string(&token_option, value);
        break;
    case K8S_OPTION_INSECURE_HTTP:
        insecure_http_option = true;
        break;
    case K8S_OPTION_WATCH_IDLE_TIMEOUT: {
        int secs;
        if (!str_to_int(value, 10, &secs) || secs < 0 || secs > 3600) {
            ovs_fatal(0, "--k8s-watch-idle-timeout: \"%s\" is not a number "
                      "of seconds from 0 (never) to 3600", value);
        }
        watch_idle_timeout_option = secs * 1000;
        break;
    }
    default:
        OVS_NOT_REACHED();
    }
}

void
k8s_options_usage(void)
{
    printf(
        "\nKubernetes API options:\n"
        "  --k8s-kubeconfig=FILE   use API server and credentials from "
                                  "kubeconfig FILE\n"
        "                          (default: in-cluster service account, "
                                  "if any)\n"
        "  --k8s-apiserver=URL     connect to API server URL "
                                  "(https://HOST:PORT)\n"
        "  --k8s-token=TOKEN       authenticate with bearer TOKEN\n"
        "  --k8s-token-file=FILE   authenticate with the bearer token in "
                                  "FILE\n"
        "  --k8s-cacert=FILE       verify the API server with CA "
                                  "certificate(s) in FILE\n"
        "  --k8s-cacert-data=BASE64\n"
        "                          verify it with the PEM CA "
                                  "certificate(s) in BASE64\n"
        "  --k8s-insecure-http     allow an http:// API server (the "
                                  "credentials then\n"
        "                          travel in clear)\n"
        "  --k8s-watch-idle-timeout=SECS\n"
        "                          reconnect the health lease's watch when "
                                  "nothing\n"
        "                          arrives on it for SECS seconds "
                                  "(default: %d, 0: never)\n",
        K8S_DEFAULT_WATCH_IDLE_TIMEOUT_MS / 1000);
}

char *
k8s_options_get_config(struct k8s_config *config)
{
    char *error = NULL;

    if (kubeconfig_option) {
        error = k8s_config_from_kubeconfig(kubeconfig_option, config);
    } else if (!apiserver_option && getenv("KUBERNETES_SERVICE_HOST")) {
        error = k8s_config_in_cluster(NULL, config);
    } else if (!apiserver_option) {
        k8s_config_init(config);
        error = xstrdup("no Kubernetes API server configured: use "
                        "--k8s-kubeconfig or --k8s-apiserver");
    } else {
        k8s_config_init(config);
    }
    if (error) {
        return error;
    }

    if (apiserver_option) {
        replace_string(&config->server, apiserver_option);
        k8s_config_strip_trailing_slash(config->server);
    }
    if (token_option || token_file_option) {
        /* Either replaces the other; both together fail validation. */
        replace_string(&config->token, token_option);
        replace_string(&config->token_file, token_file_option);
    }
    if (cacert_option || cacert_data_option) {
        /* Given both, the file wins, as with ovnkube. */
        free(config->ca_file);
        free(config->ca_data);
        config->ca_file = nullable_xstrdup(cacert_option);
        config->ca_data = (cacert_option ? NULL
                           : xmemdup0(cacert_data_option, cacert_data_len));
        config->ca_data_len = cacert_option ? 0 : cacert_data_len;
        config->insecure_skip_tls_verify = false;
    }

    config->insecure_http = insecure_http_option;
    config->watch_idle_timeout_ms = watch_idle_timeout_option;

    error = k8s_config_validate(config);
    if (!error && !strncmp(config->server, "http://", 7)
        && !config->insecure_http) {
        /* The bearer token would go in clear to whoever is on the path. */
        error = xasprintf("refusing API server URL \"%s\": over http:// "
                          "the credentials travel in clear (use https://, "
                          "or --k8s-insecure-http if you must)",
                          config->server);
    }
    if (error) {
        k8s_config_destroy(config);
        k8s_config_init(config);
    }
    return error;
}
