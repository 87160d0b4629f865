/*
 * Where the Kubernetes API server is and how to authenticate to it.
 *
 * A "struct k8s_config" comes from one of three sources, in the same order
 * of precedence as ovnkube uses:
 *
 *   1. A kubeconfig file (--k8s-kubeconfig): the current context's cluster
 *      and user, read with libyaml.  Supported fields: server,
 *      certificate-authority(-data), insecure-skip-tls-verify, token,
 *      tokenFile, client-certificate(-data), client-key(-data).  Relative
 *      paths are relative to the kubeconfig file's directory.
 *
 *   2. The in-cluster service account, when KUBERNETES_SERVICE_HOST and
 *      KUBERNETES_SERVICE_PORT are set and no --k8s-apiserver is given:
 *      the mounted token file and CA under
 *      /var/run/secrets/kubernetes.io/serviceaccount.
 *
 *   3. Explicit options: --k8s-apiserver, --k8s-token, --k8s-token-file,
 *      --k8s-cacert, --k8s-cacert-data (base64 PEM; --k8s-cacert wins over
 *      it).  These also override the matching fields of 1 or 2.
 *
 * This module only parses and validates configuration: it does no network
 * I/O and keeps no state beyond the options.  k8s-client.c consumes the
 * result.  Secrets (tokens, key data) are never printed by this module;
 * k8s_config_format() redacts them.
 */

#ifndef K8S_CONFIG_H
#define K8S_CONFIG_H 1

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/compiler.h"

struct ds;

struct k8s_config {
    char *server;               /* e.g. "https://127.0.0.1:6443", no
                                 * trailing '/'.  Never NULL once valid. */

    /* Verifying the server.  At most one of 'ca_file' and 'ca_data'. */
    char *ca_file;              /* PEM file name, or NULL. */
    char *ca_data;              /* PEM text (already base64-decoded). */
    size_t ca_data_len;
    bool insecure_skip_tls_verify;

    /* Authenticating ourselves: a bearer token (at most one of 'token' and
     * 'token_file'; the client re-reads 'token_file' when it changes) and/or
     * a client certificate and key (each either a file or data). */
    char *token;
    char *token_file;
    char *client_cert_file;
    char *client_cert_data;
    size_t client_cert_data_len;
    char *client_key_file;
    char *client_key_data;
    size_t client_key_data_len;

    /* Not where or who, but how: set only by the command-line options. */
    bool insecure_http;         /* Allow an http:// server URL. */
    int watch_idle_timeout_ms;  /* A lease watch stream on which nothing
                                 * arrives for this long is replaced; 0 for
                                 * never (k8s_watch_set_idle_timeout()). */
};

/* The default of 'watch_idle_timeout_ms': well under the health lease's
 * default duration (40 s), so that a host whose lease watch went silent
 * (a half-open TCP connection, a middlebox that dropped it) reconnects
 * and sees the renewals it missed before the lease could seem expired,
 * and over its default renew interval (10 s), so that a healthy lease
 * watch never idles that long. */
#define K8S_DEFAULT_WATCH_IDLE_TIMEOUT_MS (20 * 1000)

void k8s_config_init(struct k8s_config *);
void k8s_config_destroy(struct k8s_config *);
void k8s_config_clone(struct k8s_config *dst, const struct k8s_config *src);

/* Each returns NULL on success or an error message (naming the file and the
 * field at fault) that the caller must free(); on error 'config' is left
 * empty, as after k8s_config_init().  k8s_config_from_kubeconfig_text() does
 * not know the file's name, so its messages leave it out.  A kubeconfig's
 * result has also passed k8s_config_validate(). */
char *k8s_config_from_kubeconfig(const char *file_name,
                                 struct k8s_config *config)
    OVS_WARN_UNUSED_RESULT;
char *k8s_config_from_kubeconfig_text(const char *text, size_t length,
                                      const char *base_dir,
                                      struct k8s_config *config)
    OVS_WARN_UNUSED_RESULT;
char *k8s_config_in_cluster(const char *sa_dir, struct k8s_config *config)
    OVS_WARN_UNUSED_RESULT;

/* Returns NULL if 'config' is usable (has an https:// or http:// server
 * URL, no conflicting fields), otherwise an error message to free(). */
char *k8s_config_validate(const struct k8s_config *) OVS_WARN_UNUSED_RESULT;

/* Appends a human-readable description of 'config' to 'ds', one
 * "key: value" per line, with secrets shown only as "<set>". */
void k8s_config_format(const struct k8s_config *, struct ds *);

/* Removes one trailing '/' from 'server', so that callers can append
 * "/api/..." paths to it.  Leaves "https://" alone, so that error messages
 * show it as the user wrote it. */
void k8s_config_strip_trailing_slash(char *server);

/* Decodes the 'size' bytes of standard base64 at 'in', ignoring white space
 * (base64 in YAML is often folded over several lines).  Padding is optional
 * but, if present, must be correct.  On success, stores the decoded bytes
 * in a new null-terminated buffer in '*outp' and their number in '*out_sizep'
 * and returns true; otherwise returns false. */
bool k8s_base64_decode(const char *in, size_t size, char **outp,
                       size_t *out_sizep);

/* Command-line options shared by the daemons and test programs (in
 * k8s-options.c).
 *
 * Use like Open vSwitch's DAEMON_* macros: K8S_OPTION_ENUMS in the option
 * enum, K8S_LONG_OPTIONS in the getopt_long() table, K8S_OPTION_HANDLERS in
 * the switch, k8s_options_usage() in --help, then k8s_options_get_config()
 * once options are parsed. */
#define K8S_OPTION_ENUMS                        \
    OPT_K8S_KUBECONFIG,                         \
    OPT_K8S_APISERVER,                          \
    OPT_K8S_TOKEN,                              \
    OPT_K8S_TOKEN_FILE,                         \
    OPT_K8S_CACERT,                             \
    OPT_K8S_CACERT_DATA,                        \
    OPT_K8S_INSECURE_HTTP,                      \
    OPT_K8S_WATCH_IDLE_TIMEOUT

#define K8S_LONG_OPTIONS                                                \
    {"k8s-kubeconfig", required_argument, NULL, OPT_K8S_KUBECONFIG},    \
    {"k8s-apiserver", required_argument, NULL, OPT_K8S_APISERVER},      \
    {"k8s-token", required_argument, NULL, OPT_K8S_TOKEN},              \
    {"k8s-token-file", required_argument, NULL, OPT_K8S_TOKEN_FILE},    \
    {"k8s-cacert", required_argument, NULL, OPT_K8S_CACERT},            \
    {"k8s-cacert-data", required_argument, NULL, OPT_K8S_CACERT_DATA},  \
    {"k8s-insecure-http", no_argument, NULL, OPT_K8S_INSECURE_HTTP},    \
    {"k8s-watch-idle-timeout", required_argument, NULL,                 \
     OPT_K8S_WATCH_IDLE_TIMEOUT}

/* The OPT_K8S_* values that K8S_OPTION_ENUMS adds to a program's own option
 * enum depend on where the program puts it, so K8S_OPTION_HANDLERS passes
 * k8s_options_set() one of these fixed values instead. */
enum k8s_option {
    K8S_OPTION_KUBECONFIG,
    K8S_OPTION_APISERVER,
    K8S_OPTION_TOKEN,
    K8S_OPTION_TOKEN_FILE,
    K8S_OPTION_CACERT,
    K8S_OPTION_CACERT_DATA,
    K8S_OPTION_INSECURE_HTTP,
    K8S_OPTION_WATCH_IDLE_TIMEOUT,
};

#define K8S_OPTION_HANDLERS                                     \
    case OPT_K8S_KUBECONFIG:                                    \
        k8s_options_set(K8S_OPTION_KUBECONFIG, optarg);         \
        break;                                                  \
    case OPT_K8S_APISERVER:                                     \
        k8s_options_set(K8S_OPTION_APISERVER, optarg);          \
        break;                                                  \
    case OPT_K8S_TOKEN:                                         \
        k8s_options_set(K8S_OPTION_TOKEN, optarg);              \
        break;                                                  \
    case OPT_K8S_TOKEN_FILE:                                    \
        k8s_options_set(K8S_OPTION_TOKEN_FILE, optarg);         \
        break;                                                  \
    case OPT_K8S_CACERT:                                        \
        k8s_options_set(K8S_OPTION_CACERT, optarg);             \
        break;                                                  \
    case OPT_K8S_CACERT_DATA:                                   \
        k8s_options_set(K8S_OPTION_CACERT_DATA, optarg);        \
        break;                                                  \
    case OPT_K8S_INSECURE_HTTP:                                 \
        k8s_options_set(K8S_OPTION_INSECURE_HTTP, NULL);        \
        break;                                                  \
    case OPT_K8S_WATCH_IDLE_TIMEOUT:                            \
        k8s_options_set(K8S_OPTION_WATCH_IDLE_TIMEOUT, optarg); \
        break;

/* Exits with a message if 'value' is not valid for 'option'. */
void k8s_options_set(enum k8s_option, const char *value);
void k8s_options_usage(void);

/* Resolves the options given so far (plus the environment, for the
 * in-cluster case) into 'config'.  Returns NULL on success, else an error
 * message to free().
 *
 * File names given as options are made absolute when they are set, so that
 * they stay valid after a daemon changes directory to "/". */
char *k8s_options_get_config(struct k8s_config *config)
    OVS_WARN_UNUSED_RESULT;

#endif /* k8s-config.h */
