/*
 * Kubernetes client configuration: reading kubeconfig files with libyaml,
 * building the in-cluster service account configuration, validating and
 * printing the result.  The --k8s-* command-line options that choose
 * between them are in k8s-options.c.  See k8s-config.h for the interface.
 *
 * k8s_config_from_kubeconfig_text() is the core of the kubeconfig reader
 * and gets fuzzed, so everything below it assumes hostile input: any node
 * may have any type, scalars may hold null bytes, aliases may make the
 * document a graph.  It only ever follows a fixed path from the root, so
 * neither aliases nor deep nesting can make it do much work.
 */

#include <config.h>

#include "k8s-config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "k8s-names.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* kubeconfig files are a few kilobytes; anything much bigger is a mistake. */
#define KUBECONFIG_MAX_SIZE (1024 * 1024)

#define DEFAULT_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

void
k8s_config_init(struct k8s_config *config)
{
    memset(config, 0, sizeof *config);
}

void
k8s_config_destroy(struct k8s_config *config)
{
    if (config) {
        free(config->server);
        free(config->ca_file);
        free(config->ca_data);
        free(config->token);
        free(config->token_file);
        free(config->client_cert_file);
        free(config->client_cert_data);
        free(config->client_key_file);
        free(config->client_key_data);
    }
}

static char *
nullable_xmemdup0(const char *data, size_t size)
{
    return data ? xmemdup0(data, size) : NULL;
}

void
k8s_config_clone(struct k8s_config *dst, const struct k8s_config *src)
{
    dst->server = nullable_xstrdup(src->server);
    dst->ca_file = nullable_xstrdup(src->ca_file);
    dst->ca_data = nullable_xmemdup0(src->ca_data, src->ca_data_len);
    dst->ca_data_len = src->ca_data_len;
    dst->insecure_skip_tls_verify = src->insecure_skip_tls_verify;
    dst->token = nullable_xstrdup(src->token);
    dst->token_file = nullable_xstrdup(src->token_file);
    dst->client_cert_file = nullable_xstrdup(src->client_cert_file);
    dst->client_cert_data = nullable_xmemdup0(src->client_cert_data,
                                              src->client_cert_data_len);
    dst->client_cert_data_len = src->client_cert_data_len;
    dst->client_key_file = nullable_xstrdup(src->client_key_file);
    dst->client_key_data = nullable_xmemdup0(src->client_key_data,
                                             src->client_key_data_len);
    dst->client_key_data_len = src->client_key_data_len;
    dst->insecure_http = src->insecure_http;
    dst->watch_idle_timeout_ms = src->watch_idle_timeout_ms;
}

void
k8s_config_strip_trailing_slash(char *server)
{
    size_t len = server ? strlen(server) : 0;
    if (len >= 2 && server[len - 1] == '/' && server[len - 2] != '/') {
        server[len - 1] = '\0';
    }
}

bool
k8s_base64_decode(const char *in, size_t size, char **outp, size_t *out_sizep)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = xmalloc(size / 4 * 3 + 3);
    size_t n_out = 0, n_digits = 0, n_pad = 0;
    unsigned int bits = 0;      /* The 'n_bits' bits not yet output. */
    int n_bits = 0;

    for (size_t i = 0; i < size; i++) {
        char c = in[i];
        const char *digit = c ? strchr(digits, c) : NULL;

        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            continue;
        } else if (c == '=') {
            n_pad++;
        } else if (!digit || n_pad) {
            goto error;
        } else {
            n_digits++;
            bits = (bits << 6) | (digit - digits);
            n_bits += 6;
            if (n_bits >= 8) {
                n_bits -= 8;
                out[n_out++] = bits >> n_bits;
                bits &= (1u << n_bits) - 1;
            }
        }
    }
    if (n_digits % 4 == 1 || (n_pad && n_pad != (4 - n_digits % 4) % 4)) {
        goto error;
    }
    out[n_out] = '\0';
    *outp = out;
    *out_sizep = n_out;
    return true;

error:
    free(out);
    return false;
}

/* Reading kubeconfig YAML. */

/* A loaded kubeconfig document. */
struct kubeconfig {
    yaml_document_t doc;
    const char *base_dir;       /* Relative file names are relative to this,
                                 * or to the working directory if NULL. */
};

static const char *
node_type_name(yaml_node_type_t type)
{
    switch (type) {
    case YAML_SCALAR_NODE:
        return "scalar";
    case YAML_SEQUENCE_NODE:
        return "sequence";
    case YAML_MAPPING_NODE:
        return "mapping";
    case YAML_NO_NODE:
    default:
        return "empty node";
    }
}

/* Returns an error message about the value of field 'key' in the mapping
 * described by 'owner' (e.g. "cluster \"foo\""; NULL at the top level),
 * found at 'node', and the problem described by 'format'. */
static char * OVS_PRINTF_FORMAT(4, 5)
field_error(const yaml_node_t *node, const char *owner, const char *key,
            const char *format, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    ds_put_format(&s, "line %zu, column %zu: %s%s%s ",
                  node->start_mark.line + 1, node->start_mark.column + 1,
                  owner ? owner : "", owner ? ": " : "", key);
    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);
    return ds_steal_cstr(&s);
}

static bool
scalar_equals(const yaml_node_t *node, const char *s)
{
    size_t len = strlen(s);
    return (node->type == YAML_SCALAR_NODE
            && node->data.scalar.length == len
            && !memcmp(node->data.scalar.value, s, len));
}

/* Returns true if 'node' is a YAML null, which kubectl writes for some
 * absent fields ("users: null"). */
static bool
is_null(const yaml_node_t *node)
{
    return (node->type == YAML_SCALAR_NODE
            && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
            && (scalar_equals(node, "") || scalar_equals(node, "~")
                || scalar_equals(node, "null") || scalar_equals(node, "Null")
                || scalar_equals(node, "NULL")));
}

/* Returns the value of 'key' in 'map' (a mapping node, or NULL for an absent
 * mapping), or NULL if 'key' is absent or null.  The first of duplicate keys
 * wins. */
static yaml_node_t *
map_get(struct kubeconfig *kc, const yaml_node_t *map, const char *key)
{
    if (!map) {
        return NULL;
    }
    for (const yaml_node_pair_t *pair = map->data.mapping.pairs.start;
         pair < map->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(&kc->doc, pair->key);
        if (k && scalar_equals(k, key)) {
            yaml_node_t *value = yaml_document_get_node(&kc->doc,
                                                        pair->value);
            return value && !is_null(value) ? value : NULL;
        }
    }
    return NULL;
}

/* Stores in '*valuep' the value of 'key' in 'map' (see map_get()), which must
 * be a node of the given 'type'.  'owner' describes 'map' for error
 * messages. */
static char *
get_node(struct kubeconfig *kc, const yaml_node_t *map, const char *owner,
         const char *key, yaml_node_type_t type, yaml_node_t **valuep)
{
    yaml_node_t *value = map_get(kc, map, key);

    *valuep = NULL;
    if (value && value->type != type) {
        return field_error(value, owner, key, "must be a %s, not a %s",
                           node_type_name(type),
                           node_type_name(value->type));
    }
    *valuep = value;
    return NULL;
}

/* Stores in '*valuep' a copy of the scalar value of 'key' in 'map', or NULL
 * if it is absent or empty (as in kubectl, "" means unset). */
static char *
get_string(struct kubeconfig *kc, const yaml_node_t *map, const char *owner,
           const char *key, char **valuep)
{
    yaml_node_t *node;
    char *error = get_node(kc, map, owner, key, YAML_SCALAR_NODE, &node);

    *valuep = NULL;
    if (!error && node) {
        const char *s = (const char *) node->data.scalar.value;
        size_t len = node->data.scalar.length;

        if (memchr(s, '\0', len)) {
            return field_error(node, owner, key, "contains a null byte");
        }
        *valuep = len ? xmemdup0(s, len) : NULL;
    }
    return error;
}

/* Like get_string(), for a file name, which is made relative to the
 * kubeconfig's directory. */
static char *
get_file_name(struct kubeconfig *kc, const yaml_node_t *map,
              const char *owner, const char *key, char **file_namep)
{
    char *error = get_string(kc, map, owner, key, file_namep);

    if (!error && *file_namep && kc->base_dir && kc->base_dir[0]) {
        char *abs_name = abs_file_name(kc->base_dir, *file_namep);
        free(*file_namep);
        *file_namep = abs_name;
    }
    return error;
}

/* Stores in '*datap' and '*sizep' the base64-decoded scalar value of 'key' in
 * 'map', or NULL and 0 if it is absent or empty. */
static char *
get_data(struct kubeconfig *kc, const yaml_node_t *map, const char *owner,
         const char *key, char **datap, size_t *sizep)
{
    yaml_node_t *node;
    char *error = get_node(kc, map, owner, key, YAML_SCALAR_NODE, &node);

    *datap = NULL;
    *sizep = 0;
    if (!error && node) {
        if (!k8s_base64_decode((const char *) node->data.scalar.value,
                           node->data.scalar.length, datap, sizep)) {
            return field_error(node, owner, key, "is not valid base64");
        }
        if (!*sizep) {
            free(*datap);
            *datap = NULL;
        }
    }
    return error;
}

/* Reads the 'file_key' (a file name) and 'data_key' (base64 data) fields of
 * 'map', at most one of which may be present. */
static char *
get_file_or_data(struct kubeconfig *kc, const yaml_node_t *map,
                 const char *owner, const char *file_key,
                 const char *data_key, char **file_namep,
                 char **datap, size_t *sizep)
{
    char *error = get_file_name(kc, map, owner, file_key, file_namep);
    if (!error) {
        error = get_data(kc, map, owner, data_key, datap, sizep);
    }
    if (!error && *file_namep && *datap) {
        error = xasprintf("%s: %s and %s are both set",
                          owner, file_key, data_key);
    }
    return error;
}

static char *
get_bool(struct kubeconfig *kc, const yaml_node_t *map, const char *owner,
         const char *key, bool *valuep)
{
    yaml_node_t *node;
    char *error = get_node(kc, map, owner, key, YAML_SCALAR_NODE, &node);

    *valuep = false;
    if (!error && node) {
        if (scalar_equals(node, "true") || scalar_equals(node, "True")
            || scalar_equals(node, "TRUE")) {
            *valuep = true;
        } else if (!scalar_equals(node, "false")
                   && !scalar_equals(node, "False")
                   && !scalar_equals(node, "FALSE")) {
            return field_error(node, owner, key, "must be true or false");
        }
    }
    return error;
}

/* Stores in '*entriesp' the top-level sequence 'list' ("clusters", "users"
 * or "contexts"), or NULL if it is absent, and in '*n_entriesp' its
 * length. */
static char *
get_list(struct kubeconfig *kc, const char *list, yaml_node_t **entriesp,
         size_t *n_entriesp)
{
    const yaml_node_t *root = yaml_document_get_root_node(&kc->doc);
    char *error = get_node(kc, root, NULL, list, YAML_SEQUENCE_NODE,
                           entriesp);

    *n_entriesp = (*entriesp
                   ? (*entriesp)->data.sequence.items.top
                     - (*entriesp)->data.sequence.items.start
                   : 0);
    return error;
}

/* Stores in '*entryp' entry 'i' of sequence 'entries', which is named 'list'
 * in the document, and in '*namep' a copy of the entry's name.  Each entry
 * must be a mapping with a name. */
static char *
get_entry(struct kubeconfig *kc, const char *list, const yaml_node_t *entries,
          size_t i, yaml_node_t **entryp, char **namep)
{
    yaml_node_t *entry = yaml_document_get_node(
        &kc->doc, entries->data.sequence.items.start[i]);
    char *owner = xasprintf("%s[%zu]", list, i);
    char *error = NULL;

    *entryp = entry;
    *namep = NULL;
    if (!entry || entry->type != YAML_MAPPING_NODE) {
        error = (entry
                 ? field_error(entry, NULL, owner,
                               "must be a mapping, not a %s",
                               node_type_name(entry->type))
                 : xasprintf("%s is missing", owner));
    } else {
        error = get_string(kc, entry, owner, "name", namep);
        if (!error && !*namep) {
            error = field_error(entry, NULL, owner, "has no name");
        }
    }
    free(owner);
    return error;
}

/* Searches top-level sequence 'list' for the entry named 'name' and stores it
 * in '*entryp', or NULL if there is none. */
static char *
find_entry(struct kubeconfig *kc, const char *list, const char *name,
           yaml_node_t **entryp)
{
    yaml_node_t *entries;
    size_t n;
    char *error = get_list(kc, list, &entries, &n);

    *entryp = NULL;
    for (size_t i = 0; !error && i < n; i++) {
        yaml_node_t *entry;
        char *entry_name;

        error = get_entry(kc, list, entries, i, &entry, &entry_name);
        if (!error && !strcmp(entry_name, name)) {
            *entryp = entry;
            free(entry_name);
            break;
        }
        free(entry_name);
    }
    return error;
}

/* Stores in '*namep' and '*contextp' the name and the "context" mapping of
 * the context to use: current-context or, failing that, the only context. */
static char *
choose_context(struct kubeconfig *kc, char **namep, yaml_node_t **contextp)
{
    const yaml_node_t *root = yaml_document_get_root_node(&kc->doc);
    yaml_node_t *entry = NULL;
    char *error;

    *contextp = NULL;
    error = get_string(kc, root, NULL, "current-context", namep);
    if (error) {
        return error;
    } else if (*namep) {
        error = find_entry(kc, "contexts", *namep, &entry);
        if (!error && !entry) {
            error = xasprintf("current-context names context \"%s\", which "
                              "is not defined", *namep);
        }
    } else {
        yaml_node_t *entries;
        size_t n;

        error = get_list(kc, "contexts", &entries, &n);
        if (!error && n != 1) {
            error = (n
                     ? xasprintf("current-context is not set and there are "
                                 "%zu contexts to choose from", n)
                     : xstrdup("no current-context and no contexts"));
        }
        if (!error) {
            error = get_entry(kc, "contexts", entries, 0, &entry, namep);
        }
    }
    if (!error) {
        char *owner = xasprintf("context \"%s\"", *namep);
        error = get_node(kc, entry, owner, "context", YAML_MAPPING_NODE,
                         contextp);
        free(owner);
    }
    return error;
}

/* Finds the 'kind' ("cluster" or "user") named 'name', which context
 * 'context_name' refers to, and stores its 'kind' mapping in '*valuep' and
 * a description of it, for error messages, in '*ownerp'. */
static char *
find_named(struct kubeconfig *kc, const char *context_name, const char *kind,
           const char *name, yaml_node_t **valuep, char **ownerp)
{
    char *list = xasprintf("%ss", kind);
    yaml_node_t *entry;
    char *error = find_entry(kc, list, name, &entry);

    *valuep = NULL;
    *ownerp = xasprintf("%s \"%s\"", kind, name);
    if (!error && !entry) {
        error = xasprintf("context \"%s\" names %s \"%s\", which is not "
                          "defined", context_name, kind, name);
    } else if (!error) {
        error = get_node(kc, entry, *ownerp, kind, YAML_MAPPING_NODE, valuep);
    }
    free(list);
    return error;
}

static char *
parse_cluster(struct kubeconfig *kc, const yaml_node_t *cluster,
              const char *owner, struct k8s_config *config)
{
    char *error = get_string(kc, cluster, owner, "server", &config->server);
    if (!error && !config->server) {
        error = xasprintf("%s has no server", owner);
    }
    if (!error) {
        k8s_config_strip_trailing_slash(config->server);
        error = get_file_or_data(kc, cluster, owner, "certificate-authority",
                                 "certificate-authority-data",
                                 &config->ca_file, &config->ca_data,
                                 &config->ca_data_len);
    }
    if (!error) {
        error = get_bool(kc, cluster, owner, "insecure-skip-tls-verify",
                         &config->insecure_skip_tls_verify);
    }
    return error;
}

static char *
parse_user(struct kubeconfig *kc, const yaml_node_t *user, const char *owner,
           struct k8s_config *config)
{
    static const char *const plugins[] = { "exec", "auth-provider" };
    char *error;

    for (size_t i = 0; i < ARRAY_SIZE(plugins); i++) {
        if (map_get(kc, user, plugins[i])) {
            return xasprintf("%s: %s is not supported: use token, tokenFile "
                             "or a client certificate", owner, plugins[i]);
        }
    }

    error = get_string(kc, user, owner, "token", &config->token);
    if (!error) {
        error = get_file_name(kc, user, owner, "tokenFile",
                              &config->token_file);
    }
    if (!error && config->token && config->token_file) {
        error = xasprintf("%s: token and tokenFile are both set", owner);
    }
    if (!error) {
        error = get_file_or_data(kc, user, owner, "client-certificate",
                                 "client-certificate-data",
                                 &config->client_cert_file,
                                 &config->client_cert_data,
                                 &config->client_cert_data_len);
    }
    if (!error) {
        error = get_file_or_data(kc, user, owner, "client-key",
                                 "client-key-data",
                                 &config->client_key_file,
                                 &config->client_key_data,
                                 &config->client_key_data_len);
    }
    return error;
}

/* Interprets the loaded 'kc' into 'config'. */
static char *
parse_kubeconfig(struct kubeconfig *kc, struct k8s_config *config)
{
    const yaml_node_t *root = yaml_document_get_root_node(&kc->doc);
    char *context_name = NULL, *context_owner = NULL;
    char *cluster_name = NULL, *cluster_owner = NULL;
    char *user_name = NULL, *user_owner = NULL;
    yaml_node_t *context, *cluster, *user;
    char *error;

    if (root->type != YAML_MAPPING_NODE) {
        return field_error(root, NULL, "top level",
                           "must be a mapping, not a %s",
                           node_type_name(root->type));
    }

    error = choose_context(kc, &context_name, &context);
    if (error) {
        goto exit;
    }
    context_owner = xasprintf("context \"%s\"", context_name);
    error = get_string(kc, context, context_owner, "cluster", &cluster_name);
    if (!error && !cluster_name) {
        error = xasprintf("%s has no cluster", context_owner);
    }
    if (!error) {
        error = get_string(kc, context, context_owner, "user", &user_name);
    }
    if (!error) {
        error = find_named(kc, context_name, "cluster", cluster_name,
                           &cluster, &cluster_owner);
    }
    if (!error) {
        error = parse_cluster(kc, cluster, cluster_owner, config);
    }
    if (!error && user_name) {
        /* A context without a user talks to the server anonymously. */
        error = find_named(kc, context_name, "user", user_name,
                           &user, &user_owner);
        if (!error) {
            error = parse_user(kc, user, user_owner, config);
        }
    }
    if (!error) {
        char *invalid = k8s_config_validate(config);
        if (invalid) {
            error = xasprintf("%s: %s", context_owner, invalid);
            free(invalid);
        }
    }

exit:
    free(context_name);
    free(context_owner);
    free(cluster_name);
    free(cluster_owner);
    free(user_name);
    free(user_owner);
    return error;
}

/* Parses the first YAML document in 'text' into 'doc'.  On error, returns a
 * message and leaves nothing to free in 'doc'. */
static char *
load_yaml(const char *text, size_t length, yaml_document_t *doc)
{
    yaml_parser_t parser;
    char *error = NULL;

    if (!yaml_parser_initialize(&parser)) {
        out_of_memory();
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *) text,
                                 length);
    if (!yaml_parser_load(&parser, doc)) {
        const char *problem = parser.problem ? parser.problem : "YAML error";

        if (parser.error == YAML_MEMORY_ERROR) {
            out_of_memory();
        } else if (parser.error == YAML_READER_ERROR) {
            error = xasprintf("byte %zu: %s", parser.problem_offset, problem);
        } else {
            struct ds s = DS_EMPTY_INITIALIZER;

            ds_put_format(&s, "line %zu, column %zu: %s",
                          parser.problem_mark.line + 1,
                          parser.problem_mark.column + 1, problem);
            if (parser.context) {
                ds_put_format(&s, " (%s at line %zu, column %zu)",
                              parser.context, parser.context_mark.line + 1,
                              parser.context_mark.column + 1);
            }
            error = ds_steal_cstr(&s);
        }
    } else if (!yaml_document_get_root_node(doc)) {
        yaml_document_delete(doc);
        error = xstrdup("empty document");
    }
    yaml_parser_delete(&parser);
    return error;
}

char *
k8s_config_from_kubeconfig_text(const char *text, size_t length,
                                const char *base_dir,
                                struct k8s_config *config)
{
    struct kubeconfig kc = { .base_dir = base_dir };
    char *error;

    k8s_config_init(config);
    error = load_yaml(text, length, &kc.doc);
    if (!error) {
        error = parse_kubeconfig(&kc, config);
        yaml_document_delete(&kc.doc);
    }
    if (error) {
        k8s_config_destroy(config);
        k8s_config_init(config);
    }
    return error;
}

/* Reads all of 'file_name', which may be at most 'max_size' bytes long, into
 * a new buffer stored in '*datap', and its size into '*sizep'. */
static char *
read_file(const char *file_name, size_t max_size, char **datap,
          size_t *sizep)
{
    FILE *stream = fopen(file_name, "r");
    char *error = NULL;

    *datap = NULL;
    *sizep = 0;
    if (!stream) {
        return xasprintf("open failed (%s)", ovs_strerror(errno));
    }

    /* Read one byte more than allowed, to see whether there is more. */
    char *data = xmalloc(max_size + 1);
    size_t size = fread(data, 1, max_size + 1, stream);
    if (ferror(stream)) {
        error = xasprintf("read failed (%s)", ovs_strerror(errno));
    } else if (size > max_size) {
        error = xasprintf("file is larger than %zu bytes", max_size);
    }
    fclose(stream);

    if (error) {
        free(data);
    } else {
        *datap = data;
        *sizep = size;
    }
    return error;
}

char *
k8s_config_from_kubeconfig(const char *file_name, struct k8s_config *config)
{
    char *text, *error;
    size_t length;

    k8s_config_init(config);
    error = read_file(file_name, KUBECONFIG_MAX_SIZE, &text, &length);
    if (!error) {
        char *dir = dir_name(file_name);
        error = k8s_config_from_kubeconfig_text(text, length, dir, config);
        free(dir);
        free(text);
    }
    if (error) {
        char *message = xasprintf("kubeconfig %s: %s", file_name, error);
        free(error);
        error = message;
    }
    return error;
}

/* Service account. */

char *
k8s_config_in_cluster(const char *sa_dir, struct k8s_config *config)
{
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    const char *port = getenv("KUBERNETES_SERVICE_PORT");

    k8s_config_init(config);
    if (!host || !host[0] || !port || !port[0]) {
        return xstrdup("in-cluster configuration needs "
                       "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                       "in the environment");
    }
    if (!sa_dir || !sa_dir[0]) {
        sa_dir = DEFAULT_SA_DIR;
    }

    char *token_file = abs_file_name(sa_dir, "token");
    if (access(token_file, R_OK)) {
        char *error = xasprintf("in-cluster configuration: service account "
                                "token %s: %s", token_file,
                                ovs_strerror(errno));
        free(token_file);
        return error;
    }

    /* An IPv6 address needs brackets in a URL. */
    config->server = (strchr(host, ':') && host[0] != '['
                      ? xasprintf("https://[%s]:%s", host, port)
                      : xasprintf("https://%s:%s", host, port));
    config->token_file = token_file;
    config->ca_file = abs_file_name(sa_dir, "ca.crt");
    return NULL;
}

/* Validating and printing. */

char *
k8s_config_validate(const struct k8s_config *c)
{
    const char *s = c->server ? c->server : "";
    size_t scheme_len = (!strncmp(s, "https://", 8) ? 8
                         : !strncmp(s, "http://", 7) ? 7
                         : 0);
    bool has_cert = c->client_cert_file || c->client_cert_data;
    bool has_key = c->client_key_file || c->client_key_data;

    if (!s[0]) {
        return xstrdup("no API server URL");
    } else if (!scheme_len) {
        return xasprintf("API server URL \"%s\" does not start with "
                         "https:// or http://", s);
    } else if (!s[scheme_len] || s[scheme_len] == '/') {
        return xasprintf("API server URL \"%s\" has no host", s);
    } else if (k8s_has_control_chars(s)) {
        return xstrdup("API server URL contains control characters");
    } else if (c->token && k8s_has_control_chars(c->token)) {
        /* They would end up in an HTTP header. */
        return xstrdup("token contains control characters");
    } else if (c->token && c->token_file) {
        return xstrdup("both a token and a token file are set");
    } else if (c->ca_file && c->ca_data) {
        return xstrdup("both a CA certificate file and CA certificate data "
                       "are set");
    } else if (c->client_cert_file && c->client_cert_data) {
        return xstrdup("both a client certificate file and client "
                       "certificate data are set");
    } else if (c->client_key_file && c->client_key_data) {
        return xstrdup("both a client key file and client key data are set");
    } else if (has_cert && !has_key) {
        return xstrdup("a client certificate is set without a client key");
    } else if (has_key && !has_cert) {
        return xstrdup("a client key is set without a client certificate");
    }
    return NULL;
}

void
k8s_config_format(const struct k8s_config *c, struct ds *s)
{
    if (c->server) {
        ds_put_format(s, "server: %s\n", c->server);
    }
    if (c->ca_file) {
        ds_put_format(s, "ca_file: %s\n", c->ca_file);
    }
    if (c->ca_data) {
        ds_put_format(s, "ca_data: <%zu bytes>\n", c->ca_data_len);
    }
    if (c->insecure_skip_tls_verify) {
        ds_put_cstr(s, "insecure_skip_tls_verify: true\n");
    }
    if (c->insecure_http) {
        ds_put_cstr(s, "insecure_http: true\n");
    }
    if (c->token) {
        ds_put_cstr(s, "token: <set>\n");
    }
    if (c->token_file) {
        ds_put_format(s, "token_file: %s\n", c->token_file);
    }
    if (c->client_cert_file) {
        ds_put_format(s, "client_cert_file: %s\n", c->client_cert_file);
    }
    if (c->client_cert_data) {
        ds_put_format(s, "client_cert_data: <%zu bytes>\n",
                      c->client_cert_data_len);
    }
    if (c->client_key_file) {
        ds_put_format(s, "client_key_file: %s\n", c->client_key_file);
    }
    if (c->client_key_data) {
        ds_put_cstr(s, "client_key_data: <set>\n");
    }
}
