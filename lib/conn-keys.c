/*
 * One node's connection-details keys, from a watch of their Secret.  See
 * conn-keys.h.
 */

#include <config.h>

#include "conn-keys.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "conn-auth.h"
#include "k8s-names.h"
#include "k8s-object.h"
#include "k8s-watch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(conn_keys);

struct conn_keys {
    struct k8s_watch *watch;
    char *node;
    char *key;                  /* "<namespace>/<name>" in the watch. */
    bool known;                 /* Listed at least once. */
    struct conn_auth_keys keys;
    char *warning;              /* Last warning logged about the Secret. */
};

void
conn_keys_namespace_option(char **namespacep, const char *value)
{
    if (!k8s_is_dns1123_label(value)) {
        ovs_fatal(0, "--conn-keys-namespace: \"%s\" is not a valid "
                  "namespace name (at most 63 lowercase letters, digits "
                  "and '-', starting and ending with a letter or digit)",
                  value);
    }
    free(*namespacep);
    *namespacep = xstrdup(value);
}

void
conn_keys_options_usage(void)
{
    printf(
        "\nConnection-details keys options:\n"
        "  --conn-keys-namespace=NS\n"
        "                          namespace of the nodes' key Secrets "
                                  "(default: %s)\n",
        CONN_KEYS_DEFAULT_NAMESPACE);
}

struct conn_keys *
conn_keys_create(struct k8s_client *client, const char *namespace,
                 const char *node)
{
    struct conn_keys *ck = xzalloc(sizeof *ck);
    char *path = k8s_secrets_path(namespace);
    char *selector = xasprintf("metadata.name=%s", node);

    ck->watch = k8s_watch_create(client, path, NULL, selector);
    ck->node = xstrdup(node);
    ck->key = xasprintf("%s/%s", namespace, node);
    conn_auth_keys_init(&ck->keys);
    free(selector);
    free(path);
    return ck;
}

void
conn_keys_destroy(struct conn_keys *ck)
{
    if (ck) {
        k8s_watch_destroy(ck->watch);
        conn_auth_keys_destroy(&ck->keys);
        free(ck->node);
        free(ck->key);
        free(ck->warning);
        free(ck);
    }
}

bool
conn_keys_run(struct conn_keys *ck)
{
    bool event = false;

    k8s_watch_run(ck->watch);
    for (struct k8s_event *e; (e = k8s_watch_next_event(ck->watch)); ) {
        k8s_event_destroy(e);
        event = true;
    }
    if (!k8s_watch_is_synced(ck->watch) || (ck->known && !event)) {
        return false;
    }

    struct conn_auth_keys keys;
    char *warning = conn_auth_keys_from_secret(
        k8s_watch_lookup(ck->watch, ck->key), ck->node, &keys);
    if (warning && !nullable_string_is_equal(warning, ck->warning)) {
        VLOG_WARN("%s", warning);
    }
    free(ck->warning);
    ck->warning = warning;

    bool changed = !ck->known || !conn_auth_keys_equal(&keys, &ck->keys);
    conn_auth_keys_destroy(&ck->keys);
    ck->keys = keys;
    if (changed) {
        VLOG_INFO("Secret %s: %"PRIuSIZE" key(s) for node %s, current %s",
                  ck->key, keys.n, ck->node,
                  keys.current ? keys.current : "(none)");
    }
    ck->known = true;
    return changed;
}

void
conn_keys_wait(struct conn_keys *ck)
{
    k8s_watch_wait(ck->watch);
}

const struct conn_auth_keys *
conn_keys_get(const struct conn_keys *ck)
{
    return ck->known ? &ck->keys : NULL;
}

const cJSON *
conn_keys_secret(const struct conn_keys *ck)
{
    return k8s_watch_lookup(ck->watch, ck->key);
}

const char *
conn_keys_get_error(const struct conn_keys *ck)
{
    return k8s_watch_get_error(ck->watch);
}

void
conn_keys_format(const struct conn_keys *ck, struct ds *s)
{
    ds_put_format(s, "connection-details keys: Secret %s, ", ck->key);
    if (!ck->known) {
        ds_put_cstr(s, "not listed yet");
    } else if (!ck->keys.n) {
        ds_put_format(s, "no key for node %s", ck->node);
    } else {
        ds_put_cstr(s, "key ids");
        for (size_t i = 0; i < ck->keys.n; i++) {
            ds_put_format(s, " %s", ck->keys.keys[i].id);
        }
        ds_put_format(s, ", current %s",
                      ck->keys.current ? ck->keys.current : "(none)");
    }
    if (conn_keys_get_error(ck)) {
        ds_put_format(s, " (%s)", conn_keys_get_error(ck));
    }
    ds_put_char(s, '\n');
}

void
conn_keys_format_watch(const struct conn_keys *ck, struct ds *s)
{
    k8s_watch_format_status(ck->watch, s);
}
