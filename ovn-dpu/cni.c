/*
 * The CNI wire format: parsing and validating a runtime's request, and
 * formatting errors and the VERSION answer.  See cni.h.
 */

#include <config.h>

#include "cni.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "k8s-names.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "pod-annotations.h"
#include "smap.h"
#include "util.h"

const char *const cni_supported_versions[] = { "0.4.0", "1.0.0", "1.1.0" };
const size_t cni_n_supported_versions = ARRAY_SIZE(cni_supported_versions);

const char *const cni_env_vars[] = {
    "CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME",
    "CNI_ARGS", "CNI_PATH",
};
const size_t cni_n_env_vars = ARRAY_SIZE(cni_env_vars);

/* Longest values we accept.  A Kubernetes namespace is a DNS label, a pod
 * name a DNS subdomain.  (Container ids: pod_ann_check_sandbox_id(), which
 * the DPU side applies to the same id.) */
#define MAX_IFNAME_LEN 15       /* IFNAMSIZ - 1. */
#define MAX_NAMESPACE_LEN 63
#define MAX_POD_UID_LEN 128
#define MAX_DEVICE_ID_LEN 64
#define MAX_TIMEOUT 3600

const char *
cni_command_to_string(enum cni_command command)
{
    switch (command) {
#define CNI_COMMAND(NAME) case CNI_##NAME: return #NAME;
        CNI_COMMANDS
#undef CNI_COMMAND
    case CNI_N_COMMANDS:
    default:
        return "<unknown>";
    }
}

static bool
cni_command_from_string(const char *s, enum cni_command *command)
{
    for (int i = 0; i < CNI_N_COMMANDS; i++) {
        if (!strcmp(s, cni_command_to_string(i))) {
            *command = i;
            return true;
        }
    }
    return false;
}

/* Errors. */

struct cni_error *
cni_error_create(int code, const char *details, const char *msg_format, ...)
{
    struct cni_error *error = xmalloc(sizeof *error);
    va_list args;

    va_start(args, msg_format);
    error->code = code;
    error->msg = xvasprintf(msg_format, args);
    error->details = nullable_xstrdup(details);
    va_end(args);
    return error;
}

void
cni_error_destroy(struct cni_error *error)
{
    if (error) {
        free(error->msg);
        free(error->details);
        free(error);
    }
}

struct json *
cni_error_to_json(const struct cni_error *error, const char *cni_version)
{
    struct json *json = json_object_create();

    json_object_put_string(json, "cniVersion",
                           cni_version ? cni_version : CNI_CURRENT_VERSION);
    json_object_put(json, "code", json_integer_create(error->code));
    json_object_put_string(json, "msg", error->msg);
    if (error->details) {
        json_object_put_string(json, "details", error->details);
    }
    return json;
}

/* Returns the CNI error in 'json', or NULL if 'json' is not one. */
struct cni_error *
cni_error_from_json(const struct json *json)
{
    if (json->type != JSON_OBJECT) {
        return NULL;
    }

    const struct json *code = shash_find_data(json_object(json), "code");
    const struct json *msg = shash_find_data(json_object(json), "msg");
    const struct json *details = shash_find_data(json_object(json),
                                                 "details");
    if (!code || code->type != JSON_INTEGER || json_integer(code) <= 0
        || json_integer(code) > INT_MAX
        || !msg || msg->type != JSON_STRING
        || (details && details->type != JSON_STRING)) {
        return NULL;
    }
    return cni_error_create(json_integer(code),
                            details ? json_string(details) : NULL,
                            "%s", json_string(msg));
}

/* Appends 's' to 'out' as a JSON string, so that a hostile value can
 * neither break a message nor a log line, cut short if it is long. */
static void
put_quoted(struct ds *out, const char *s)
{
    enum { MAX = 80 };
    size_t len = strlen(s);
    char *copy = xmemdup0(s, MIN(len, MAX));

    json_string_escape(copy, out);
    if (len > MAX) {
        ds_chomp(out, '"');
        ds_put_cstr(out, "...\"");
    }
    free(copy);
}

/* Returns a CNI error with 'code' and 'details', whose message is
 * 'format' followed by 'value', quoted, if 'value' is nonnull. */
static struct cni_error *invalid(int code, const char *value,
                                 const char *details, const char *format,
                                 ...)
    OVS_PRINTF_FORMAT(4, 5);

static struct cni_error *
invalid(int code, const char *value, const char *details,
        const char *format, ...)
{
    struct ds msg = DS_EMPTY_INITIALIZER;
    va_list args;

    va_start(args, format);
    ds_put_format_valist(&msg, format, args);
    va_end(args);
    if (value) {
        ds_put_char(&msg, ' ');
        put_quoted(&msg, value);
    }

    struct cni_error *error = cni_error_create(code, details, "%s",
                                               ds_cstr(&msg));
    ds_destroy(&msg);
    return error;
}

/* Character classes. */

static bool
is_alnum(char c)
{
    return isascii((unsigned char) c) && isalnum((unsigned char) c);
}

/* The CNI specification's rule for network names (and container ids,
 * which is_container_id() checks): a letter or digit, then letters,
 * digits, '_', '.' and '-'. */
static bool
is_cni_identifier(const char *s, size_t max_len)
{
    size_t len = strlen(s);

    if (!len || len > max_len || !is_alnum(s[0])) {
        return false;
    }
    for (size_t i = 1; i < len; i++) {
        if (!is_alnum(s[i]) && !strchr("_.-", s[i])) {
            return false;
        }
    }
    return true;
}

/* A CNI container id, as the DPU side will accept it as a sandbox id. */
static bool
is_container_id(const char *s)
{
    char *why = pod_ann_check_sandbox_id(s);
    if (why) {
        free(why);
        return false;
    }
    return true;
}

char *
cni_check_ifname(const char *ifname)
{
    size_t len = strlen(ifname);

    if (!len) {
        return xstrdup("it is empty");
    } else if (len > MAX_IFNAME_LEN) {
        return xasprintf("it is longer than %d bytes", MAX_IFNAME_LEN);
    } else if (!strcmp(ifname, ".") || !strcmp(ifname, "..")) {
        return xstrdup("\".\" and \"..\" are not interface names");
    }
    for (const char *p = ifname; *p; p++) {
        unsigned char c = *p;
        if (c == '/' || c == ':' || isspace(c) || c < 0x20 || c >= 0x7f) {
            return xstrdup("it must not contain '/', ':', spaces or "
                           "control characters");
        }
    }
    return NULL;
}

/* An absolute path without "." or ".." components or control characters,
 * e.g. "/var/run/netns/cni-1234". */
static bool
is_clean_absolute_path(const char *path)
{
    if (path[0] != '/' || strlen(path) >= PATH_MAX
        || k8s_has_control_chars(path)) {
        return false;
    }
    for (const char *p = path; *p; p++) {
        if (p[0] == '/' && p[1] == '.'
            && (p[2] == '/' || !p[2]
                || (p[2] == '.' && (p[3] == '/' || !p[3])))) {
            return false;
        }
    }
    return true;
}

/* A NAD key as Multus gives it: "namespace/name", a DNS-1123 label and a
 * DNS-1123 subdomain. */
static bool
is_nad_key(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash - s > MAX_NAMESPACE_LEN) {
        return false;
    }

    char *ns = xmemdup0(s, slash - s);
    bool ok = (k8s_is_dns1123_label(ns)
               && k8s_is_dns1123_subdomain(slash + 1));
    free(ns);
    return ok;
}

/* Parsing. */

static const char *
get_env(const struct smap *env, const char *name)
{
    const char *value = smap_get(env, name);
    return value && value[0] ? value : NULL;
}

/* Parses CNI_ARGS ("KEY=VALUE;KEY=VALUE...") into 'req'.  Keys other than
 * K8S_POD_* are ignored, as with IgnoreUnknown=1, which Kubernetes runtimes
 * always pass. */
static struct cni_error *
parse_cni_args(struct cni_request *req)
{
    struct cni_error *error = NULL;
    char *copy = xstrdup(req->args);
    char *save_ptr = NULL;

    for (char *pair = strtok_r(copy, ";", &save_ptr); pair && !error;
         pair = strtok_r(NULL, ";", &save_ptr)) {
        char *eq = strchr(pair, '=');
        if (!eq || eq == pair) {
            error = invalid(CNI_ERR_INVALID_ENV, pair,
                            "CNI_ARGS is a list of KEY=VALUE separated "
                            "by ';'", "CNI_ARGS: not KEY=VALUE:");
            break;
        }
        *eq = '\0';

        const char *key = pair;
        const char *value = eq + 1;
        char **dst;
        if (!strcmp(key, "K8S_POD_NAMESPACE")) {
            dst = &req->pod_namespace;
        } else if (!strcmp(key, "K8S_POD_NAME")) {
            dst = &req->pod_name;
        } else if (!strcmp(key, "K8S_POD_UID")) {
            dst = &req->pod_uid;
        } else {
            continue;
        }
        if (*dst) {
            error = invalid(CNI_ERR_INVALID_ENV, NULL, NULL,
                            "CNI_ARGS: %s is given twice", key);
        } else if (value[0]) {
            *dst = xstrdup(value);
        }
    }
    free(copy);
    if (error) {
        return error;
    }

    if (req->pod_namespace
        && !k8s_is_dns1123_label(req->pod_namespace)) {
        return invalid(CNI_ERR_INVALID_ENV, req->pod_namespace,
                       "a namespace is a DNS-1123 label: at most 63 "
                       "lowercase letters, digits and '-'",
                       "CNI_ARGS: K8S_POD_NAMESPACE is not valid:");
    }
    if (req->pod_name && !k8s_is_dns1123_subdomain(req->pod_name)) {
        return invalid(CNI_ERR_INVALID_ENV, req->pod_name,
                       "a pod name is a DNS-1123 subdomain: at most 253 "
                       "lowercase letters, digits, '-' and '.'",
                       "CNI_ARGS: K8S_POD_NAME is not valid:");
    }
    if (req->pod_uid) {
        bool ok = strlen(req->pod_uid) <= MAX_POD_UID_LEN;
        for (const char *p = req->pod_uid; ok && *p; p++) {
            ok = is_alnum(*p) || *p == '-';
        }
        if (!ok) {
            return invalid(CNI_ERR_INVALID_ENV, req->pod_uid, NULL,
                           "CNI_ARGS: K8S_POD_UID is not valid:");
        }
    }
    return NULL;
}

/* Parses and checks the environment of 'req', whose command is known. */
static struct cni_error *
parse_env(struct cni_request *req, const struct smap *env)
{
    enum cni_command cmd = req->command;
    bool uses_container = cmd == CNI_ADD || cmd == CNI_DEL || cmd == CNI_CHECK;

    if (!uses_container) {
        return NULL;
    }

    req->container_id = nullable_xstrdup(get_env(env, "CNI_CONTAINERID"));
    req->netns = nullable_xstrdup(get_env(env, "CNI_NETNS"));
    req->ifname = nullable_xstrdup(get_env(env, "CNI_IFNAME"));
    req->args = nullable_xstrdup(get_env(env, "CNI_ARGS"));
    req->path = nullable_xstrdup(get_env(env, "CNI_PATH"));

    if (!req->container_id) {
        return invalid(CNI_ERR_INVALID_ENV, NULL, NULL,
                       "CNI_CONTAINERID is not set");
    } else if (!is_container_id(req->container_id)) {
        return invalid(CNI_ERR_INVALID_ENV, req->container_id,
                       "a container id starts with a letter or digit, "
                       "followed by letters, digits, '_', '.' or '-'",
                       "CNI_CONTAINERID is not valid:");
    }

    if (!req->ifname) {
        return invalid(CNI_ERR_INVALID_ENV, NULL, NULL,
                       "CNI_IFNAME is not set");
    }
    char *why = cni_check_ifname(req->ifname);
    if (why) {
        struct cni_error *error = invalid(CNI_ERR_INVALID_ENV, req->ifname,
                                          why, "CNI_IFNAME is not a valid "
                                          "interface name:");
        free(why);
        return error;
    }

    if (!req->netns) {
        if (cmd != CNI_DEL) {
            return invalid(CNI_ERR_INVALID_ENV, NULL, NULL,
                           "CNI_NETNS is not set");
        }
    } else if (!is_clean_absolute_path(req->netns)) {
        return invalid(CNI_ERR_INVALID_ENV, req->netns,
                       "CNI_NETNS is the absolute path of a network "
                       "namespace, e.g. /var/run/netns/cni-1234",
                       "CNI_NETNS is not valid:");
    }

    if (req->args) {
        struct cni_error *error = parse_cni_args(req);
        if (error) {
            return error;
        }
    }
    if (!req->pod_namespace || !req->pod_name) {
        return invalid(CNI_ERR_INVALID_ENV, NULL,
                       "the runtime must pass K8S_POD_NAMESPACE and "
                       "K8S_POD_NAME in CNI_ARGS",
                       "CNI_ARGS: %s is missing",
                       !req->pod_namespace ? "K8S_POD_NAMESPACE"
                       : "K8S_POD_NAME");
    }
    return NULL;
}

static bool
version_is_supported(const char *version)
{
    for (size_t i = 0; i < cni_n_supported_versions; i++) {
        if (!strcmp(version, cni_supported_versions[i])) {
            return true;
        }
    }
    return false;
}

static char *
supported_versions_string(void)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&s, "supported versions:");
    for (size_t i = 0; i < cni_n_supported_versions; i++) {
        ds_put_format(&s, " %s", cni_supported_versions[i]);
    }
    return ds_steal_cstr(&s);
}

/* Returns the member 'name' of 'config' if it has type 'type', NULL if it
 * is absent.  Sets '*error' if it is there with another type. */
static const struct json *
get_member(const struct json *config, const char *name, enum json_type type,
           struct cni_error **error)
{
    const struct json *value = shash_find_data(json_object(config), name);

    if (value && value->type != type) {
        *error = invalid(CNI_ERR_INVALID_CONFIG, NULL, NULL,
                         "network configuration: \"%s\" must be %s, "
                         "not %s", name,
                         type == JSON_OBJECT ? "an object"
                         : type == JSON_ARRAY ? "an array"
                         : type == JSON_INTEGER ? "an integer"
                         : "a string",
                         json_type_to_string(value->type));
        return NULL;
    }
    return value;
}

static struct cni_error *
parse_valid_attachments(struct cni_request *req)
{
    struct cni_error *error = NULL;
    const struct json *list = get_member(req->config,
                                         "cni.dev/valid-attachments",
                                         JSON_ARRAY, &error);
    if (error) {
        return error;
    } else if (!list) {
        return invalid(CNI_ERR_INVALID_CONFIG, NULL,
                       "without it, every attachment would be garbage",
                       "network configuration: GC needs "
                       "\"cni.dev/valid-attachments\"");
    }

    const struct json_array *a = json_array(list);
    req->valid_attachments = xcalloc(a->n ? a->n : 1,
                                     sizeof *req->valid_attachments);
    for (size_t i = 0; i < a->n; i++) {
        const struct json *elem = a->elems[i];
        const struct json *id = NULL, *ifname = NULL;

        if (elem->type == JSON_OBJECT) {
            id = shash_find_data(json_object(elem), "containerID");
            ifname = shash_find_data(json_object(elem), "ifname");
        }
        if (!id || id->type != JSON_STRING || !ifname
            || ifname->type != JSON_STRING) {
            return invalid(CNI_ERR_INVALID_CONFIG, NULL, NULL,
                           "network configuration: "
                           "\"cni.dev/valid-attachments\" element %"
                           PRIuSIZE" is not {\"containerID\": string, "
                           "\"ifname\": string}", i);
        }

        /* The same rules as CNI_CONTAINERID and CNI_IFNAME: GC compares
         * these with what ADD accepted, and they reach the log. */
        bool id_ok = is_container_id(json_string(id));
        char *why = cni_check_ifname(json_string(ifname));
        if (!id_ok || why) {
            error = invalid(
                CNI_ERR_INVALID_CONFIG, why ? json_string(ifname)
                                            : json_string(id),
                why, "network configuration: \"cni.dev/valid-attachments\" "
                "element %"PRIuSIZE" has an invalid %s:", i,
                why ? "ifname" : "containerID");
            free(why);
            return error;
        }

        struct cni_attachment *att
            = &req->valid_attachments[req->n_valid_attachments++];
        att->container_id = xstrdup(json_string(id));
        att->ifname = xstrdup(json_string(ifname));
    }
    return NULL;
}

/* Checks the members of the network configuration that we use. */
static struct cni_error *
parse_config(struct cni_request *req)
{
    struct cni_error *error = NULL;
    const struct json *config = req->config;
    const struct json *name, *type, *device_id, *socket, *timeout;

    name = get_member(config, "name", JSON_STRING, &error);
    if (error) {
        return error;
    } else if (!name) {
        return invalid(CNI_ERR_INVALID_CONFIG, NULL, NULL,
                       "network configuration: \"name\" is missing");
    } else if (!is_cni_identifier(json_string(name), 255)) {
        return invalid(CNI_ERR_INVALID_CONFIG, json_string(name),
                       "a network name starts with a letter or digit, "
                       "followed by letters, digits, '_', '.' or '-'",
                       "network configuration: \"name\" is not valid:");
    }
    req->name = xstrdup(json_string(name));

    type = get_member(config, "type", JSON_STRING, &error);
    if (error) {
        return error;
    } else if (!type || !json_string(type)[0]) {
        return invalid(CNI_ERR_INVALID_CONFIG, NULL, NULL,
                       "network configuration: \"type\" is missing");
    }
    req->type = xstrdup(json_string(type));

    device_id = get_member(config, "deviceID", JSON_STRING, &error);
    if (error) {
        return error;
    } else if (device_id) {
        const char *s = json_string(device_id);
        bool ok = s[0] && strlen(s) <= MAX_DEVICE_ID_LEN;
        for (const char *p = s; ok && *p; p++) {
            ok = is_alnum(*p) || strchr(":._-", *p);
        }
        if (!ok) {
            return invalid(CNI_ERR_INVALID_CONFIG, s,
                           "deviceID is a VF's PCI address, e.g. "
                           "0000:03:00.2, or its netdev name",
                           "network configuration: \"deviceID\" "
                           "is not valid:");
        }
        req->device_id = xstrdup(s);
    }
    /* Without "deviceID", ovn-dpu-host takes a VF from its --vf-pool, if
     * it has one (cni-add.c). */

    socket = get_member(config, "socket", JSON_STRING, &error);
    if (error) {
        return error;
    } else if (socket && !is_clean_absolute_path(json_string(socket))) {
        return invalid(CNI_ERR_INVALID_CONFIG, json_string(socket), NULL,
                       "network configuration: \"socket\" is not an "
                       "absolute path:");
    }
    req->socket = xstrdup(socket ? json_string(socket) : CNI_DEFAULT_SOCKET);

    timeout = get_member(config, "timeout", JSON_INTEGER, &error);
    if (error) {
        return error;
    } else if (timeout && (json_integer(timeout) < 1
                           || json_integer(timeout) > MAX_TIMEOUT)) {
        return invalid(CNI_ERR_INVALID_CONFIG, NULL, NULL,
                       "network configuration: \"timeout\" must be "
                       "between 1 and %d seconds", MAX_TIMEOUT);
    }
    req->timeout = timeout ? json_integer(timeout) : CNI_DEFAULT_TIMEOUT;

    const struct json *nad = get_member(config, "netAttachDefName",
                                        JSON_STRING, &error);
    if (error) {
        return error;
    } else if (nad && !is_nad_key(json_string(nad))) {
        return invalid(CNI_ERR_INVALID_CONFIG, json_string(nad),
                       "it is the NetworkAttachmentDefinition's "
                       "\"namespace/name\"", "network configuration: "
                       "\"netAttachDefName\" is not valid:");
    }
    req->nad = xstrdup(nad ? json_string(nad) : "default");

    const struct json *mtu = get_member(config, "mtu", JSON_INTEGER, &error);
    if (error) {
        return error;
    } else if (mtu && (json_integer(mtu) < 68
                       || json_integer(mtu) > 65535)) {
        return invalid(CNI_ERR_INVALID_CONFIG, NULL, NULL,
                       "network configuration: \"mtu\" must be between "
                       "68 and 65535");
    }
    req->mtu = mtu ? json_integer(mtu) : 0;

    /* Members that we do not use yet must still have the right shape. */
    get_member(config, "runtimeConfig", JSON_OBJECT, &error);
    if (!error) {
        get_member(config, "prevResult", JSON_OBJECT, &error);
    }
    if (!error && req->command == CNI_GC) {
        error = parse_valid_attachments(req);
    }
    return error;
}

static struct cni_error *
cni_request_parse__(struct cni_request *req, const struct smap *env,
                    const char *config_text)
{
    const char *command = get_env(env, "CNI_COMMAND");
    if (!command) {
        return invalid(CNI_ERR_INVALID_ENV, NULL,
                       "CNI_COMMAND is one of ADD, DEL, CHECK, STATUS, GC "
                       "and VERSION", "CNI_COMMAND is not set");
    } else if (!cni_command_from_string(command, &req->command)) {
        return invalid(CNI_ERR_INVALID_ENV, command,
                       "CNI_COMMAND is one of ADD, DEL, CHECK, STATUS, GC "
                       "and VERSION", "unknown CNI_COMMAND");
    }

    /* The plugin reads no more than this; the server must not accept more
     * from another client either. */
    if (strlen(config_text) > CNI_MAX_CONFIG_SIZE) {
        return invalid(CNI_ERR_DECODE, NULL, NULL,
                       "network configuration is larger than %d bytes",
                       CNI_MAX_CONFIG_SIZE);
    }

    /* The network configuration.  VERSION may come without one. */
    const char *p = config_text;
    while (isspace((unsigned char) *p)) {
        p++;
    }
    if (!*p) {
        if (req->command == CNI_VERSION) {
            return NULL;
        }
        return invalid(CNI_ERR_DECODE, NULL,
                       "the runtime passes the network configuration as "
                       "JSON on stdin", "no network configuration on stdin");
    }
    req->config = json_from_string(config_text);
    if (req->config->type == JSON_STRING) {
        struct cni_error *error = invalid(
            CNI_ERR_DECODE, NULL, json_string(req->config),
            "failed to decode the network configuration");
        json_destroy(req->config);
        req->config = NULL;
        return error;
    } else if (req->config->type != JSON_OBJECT) {
        return invalid(CNI_ERR_DECODE, NULL, NULL,
                       "failed to decode the network configuration: it is "
                       "a JSON %s, not an object",
                       json_type_to_string(req->config->type));
    }

    /* The version comes first, so that later errors can be given in it. */
    struct cni_error *error = NULL;
    const struct json *version = get_member(req->config, "cniVersion",
                                            JSON_STRING, &error);
    if (error) {
        return error;
    } else if (req->command == CNI_VERSION) {
        /* VERSION answers whatever version the runtime has. */
        return NULL;
    } else if (!version) {
        return invalid(CNI_ERR_INVALID_CONFIG, NULL, NULL,
                       "network configuration: \"cniVersion\" is missing");
    } else if (!version_is_supported(json_string(version))) {
        char *details = supported_versions_string();
        error = invalid(CNI_ERR_INCOMPATIBLE_VERSION, json_string(version),
                        details, "incompatible CNI version");
        free(details);
        return error;
    }
    req->cni_version = xstrdup(json_string(version));

    if ((req->command == CNI_STATUS || req->command == CNI_GC)
        && strcmp(req->cni_version, "1.1.0")) {
        return invalid(CNI_ERR_INCOMPATIBLE_VERSION, NULL, NULL,
                       "%s needs cniVersion 1.1.0 or later, not %s",
                       cni_command_to_string(req->command),
                       req->cni_version);
    }

    error = parse_env(req, env);
    if (!error) {
        error = parse_config(req);
    }
    return error;
}

/* Parses the request made of the environment variables in 'env' (the
 * names in cni_env_vars; others are ignored) and the network configuration
 * 'config_text' (what the runtime wrote on stdin).
 *
 * Returns NULL if successful.  Otherwise returns the CNI error to report;
 * then '*req' may be partly filled in (cni_request_version() tells the
 * version to report it in).  Either way the caller must eventually call
 * cni_request_destroy(). */
struct cni_error *
cni_request_parse(struct cni_request *req, const struct smap *env,
                  const char *config_text)
{
    memset(req, 0, sizeof *req);
    req->command = CNI_N_COMMANDS;
    req->timeout = CNI_DEFAULT_TIMEOUT;
    return cni_request_parse__(req, env, config_text);
}

void
cni_request_destroy(struct cni_request *req)
{
    if (req) {
        free(req->container_id);
        free(req->netns);
        free(req->ifname);
        free(req->args);
        free(req->path);
        free(req->pod_namespace);
        free(req->pod_name);
        free(req->pod_uid);
        json_destroy(req->config);
        free(req->cni_version);
        free(req->name);
        free(req->type);
        free(req->device_id);
        free(req->socket);
        free(req->nad);
        for (size_t i = 0; i < req->n_valid_attachments; i++) {
            free(req->valid_attachments[i].container_id);
            free(req->valid_attachments[i].ifname);
        }
        free(req->valid_attachments);
    }
}

const char *
cni_request_version(const struct cni_request *req)
{
    return req && req->cni_version ? req->cni_version : CNI_CURRENT_VERSION;
}

struct json *
cni_version_result(void)
{
    struct json *versions = json_array_create_empty();
    for (size_t i = 0; i < cni_n_supported_versions; i++) {
        json_array_add(versions,
                       json_string_create(cni_supported_versions[i]));
    }

    struct json *result = json_object_create();
    json_object_put_string(result, "cniVersion", CNI_CURRENT_VERSION);
    json_object_put(result, "supportedVersions", versions);
    return result;
}

/* The JSON-RPC protocol between the plugin and ovn-dpu-host. */

struct jsonrpc_msg *
cni_request_to_jsonrpc(const struct smap *env, const char *config_text)
{
    struct json *env_json = json_object_create();
    for (size_t i = 0; i < cni_n_env_vars; i++) {
        const char *value = smap_get(env, cni_env_vars[i]);
        if (value) {
            json_object_put_string(env_json, cni_env_vars[i], value);
        }
    }

    struct json *params = json_object_create();
    json_object_put(params, "env", env_json);
    json_object_put_string(params, "stdin", config_text);
    return jsonrpc_create_request(CNI_JSONRPC_METHOD,
                                  json_array_create_1(params), NULL);
}

struct cni_error *
cni_request_from_jsonrpc(const struct json *params, struct smap *env,
                         const char **config_textp)
{
    const struct json *env_json = NULL, *stdin_json = NULL;

    if (params->type == JSON_ARRAY && json_array(params)->n == 1
        && json_array(params)->elems[0]->type == JSON_OBJECT) {
        const struct shash *p = json_object(json_array(params)->elems[0]);
        env_json = shash_find_data(p, "env");
        stdin_json = shash_find_data(p, "stdin");
    }
    if (!env_json || env_json->type != JSON_OBJECT
        || !stdin_json || stdin_json->type != JSON_STRING) {
        return invalid(CNI_ERR_DECODE, NULL,
                       "expected [{\"env\": {...}, \"stdin\": \"...\"}]",
                       "malformed request to ovn-dpu-host");
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, json_object(env_json)) {
        const struct json *value = node->data;
        if (value->type != JSON_STRING) {
            return invalid(CNI_ERR_DECODE, node->name, NULL,
                           "malformed request to ovn-dpu-host: not a "
                           "string:");
        }
        smap_replace(env, node->name, json_string(value));
    }
    *config_textp = json_string(stdin_json);
    return NULL;
}
