/*
 * The host agent's connection-details keys.  See host-keys.h.
 */

#include <config.h>

#include "host-keys.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "conn-auth.h"
#include "conn-keys.h"
#include "k8s-client.h"
#include "k8s-object.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(host_keys);

/* Retry delays for writing the Secret. */
#define WRITE_BACKOFF_MIN_MS 1000
#define WRITE_BACKOFF_MAX_MS (30 * 1000)

struct host_keys {
    struct k8s_client *client;
    struct conn_keys *keys;     /* The Secret, as the watch shows it. */
    char *namespace;
    char *node;
    char *secret_path;
    char *node_path;

    /* The Node's uid, read just before each creation of the Secret, which
     * the Node then owns (so that it goes with the Node). */
    char *node_uid;
    bool reading_node;          /* 'request' reads the Node. */

    struct k8s_request *request;    /* Request in flight, or NULL. */
    struct conn_auth_key pending;   /* A key written, not yet seen. */
    bool pending_valid;
    bool rotate;                /* conn-keys/rotate asked for a new key. */
    struct sset retiring;       /* Ids asked to be removed, still seen. */
    long long int retry_at;
    int backoff_ms;
    char *write_error;          /* Last failed write, or NULL. */

    uint64_t last_seq;          /* Highest sequence number issued. */
    unsigned long long int rotations, retirements;
};

static struct host_keys *the_keys;      /* For the unixctl commands. */
static unixctl_cb_func keys_show;
static unixctl_cb_func keys_rotate;

struct host_keys *
host_keys_create(struct k8s_client *client, const char *namespace,
                 const char *node)
{
    struct host_keys *hk = xzalloc(sizeof *hk);

    hk->client = client;
    hk->keys = conn_keys_create(client, namespace, node);
    hk->namespace = xstrdup(namespace);
    hk->node = xstrdup(node);
    hk->secret_path = k8s_secret_path(namespace, node);
    hk->node_path = k8s_node_path(node);
    hk->backoff_ms = WRITE_BACKOFF_MIN_MS;
    sset_init(&hk->retiring);

    if (!the_keys) {
        static bool registered;
        if (!registered) {
            unixctl_command_register("conn-keys/show", "", 0, 0, keys_show,
                                     NULL);
            unixctl_command_register("conn-keys/rotate", "", 0, 0,
                                     keys_rotate, NULL);
            registered = true;
        }
        the_keys = hk;
    }
    return hk;
}

void
host_keys_destroy(struct host_keys *hk)
{
    if (hk) {
        if (the_keys == hk) {
            the_keys = NULL;
        }
        k8s_request_destroy(hk->request);
        conn_keys_destroy(hk->keys);
        OPENSSL_cleanse(&hk->pending, sizeof hk->pending);
        sset_destroy(&hk->retiring);
        free(hk->namespace);
        free(hk->node);
        free(hk->secret_path);
        free(hk->node_path);
        free(hk->node_uid);
        free(hk->write_error);
        free(hk);
    }
}

/* The "data" of a write that makes 'key' the node's current one. */
static cJSON *
data_for_new_key(const struct host_keys *hk, const struct conn_auth_key *key)
{
    cJSON *data = cJSON_CreateObject();
    char *member = conn_auth_key_member(hk->node, key->id);
    char *value = conn_auth_base64(key->key, sizeof key->key);
    cJSON_AddStringToObject(data, member, value);
    OPENSSL_cleanse(value, strlen(value));
    free(value);
    free(member);

    member = conn_auth_current_member(hk->node);
    value = conn_auth_base64(key->id, strlen(key->id));
    cJSON_AddStringToObject(data, member, value);
    free(value);
    free(member);
    return data;
}

/* Starts writing a new current key into the Secret, creating the Secret
 * if there is none: then it reads the Node first, for its uid. */
static void
start_new_key(struct host_keys *hk)
{
    if (!conn_keys_secret(hk->keys) && !hk->node_uid) {
        hk->request = k8s_request_get(hk->client, hk->node_path);
        hk->reading_node = true;
        return;
    }

    int error = conn_auth_key_generate(&hk->pending);
    if (error) {
        free(hk->write_error);
        hk->write_error = xasprintf("cannot make a key: %s",
                                    ovs_strerror(error));
        hk->retry_at = time_msec() + hk->backoff_ms;
        return;
    }
    hk->pending_valid = true;

    cJSON *body = cJSON_CreateObject();
    cJSON *data = data_for_new_key(hk, &hk->pending);
    if (conn_keys_secret(hk->keys)) {
        cJSON_AddItemToObject(body, "data", data);
        hk->request = k8s_request_merge_patch(hk->client, hk->secret_path,
                                              body);
    } else {
        char *collection = k8s_secrets_path(hk->namespace);
        cJSON_AddStringToObject(body, "apiVersion", "v1");
        cJSON_AddStringToObject(body, "kind", "Secret");
        cJSON *metadata = cJSON_AddObjectToObject(body, "metadata");
        cJSON_AddStringToObject(metadata, "name", hk->node);
        cJSON_AddStringToObject(metadata, "namespace", hk->namespace);
        cJSON_AddItemToObject(metadata, "ownerReferences",
                              k8s_node_owner_references(hk->node,
                                                        hk->node_uid));
        cJSON_AddStringToObject(body, "type", "Opaque");
        cJSON_AddItemToObject(body, "data", data);
        hk->request = k8s_request_create(hk->client, collection, body);
        free(collection);
    }
    /* The body held the key: wipe it before it goes. */
    char *text = cJSON_PrintUnformatted(body);
    OPENSSL_cleanse(text, strlen(text));
    cJSON_free(text);
    cJSON_Delete(body);
    VLOG_INFO("Secret %s/%s: adding key %s", hk->namespace, hk->node,
              hk->pending.id);
}

/* Starts removing from the Secret the node's keys that are neither current
 * nor in 'in_use'.  Returns true if it did. */
static bool
start_retire(struct host_keys *hk, const struct conn_auth_keys *keys,
             const struct sset *in_use)
{
    cJSON *data = NULL;

    for (size_t i = 0; i < keys->n; i++) {
        const char *id = keys->keys[i].id;
        if ((keys->current && !strcmp(id, keys->current))
            || sset_contains(in_use, id) || sset_contains(&hk->retiring, id)) {
            continue;
        }
        sset_add(&hk->retiring, id);
        if (!data) {
            data = cJSON_CreateObject();
        }
        char *member = conn_auth_key_member(hk->node, id);
        cJSON_AddNullToObject(data, member);
        free(member);
        VLOG_INFO("Secret %s/%s: retiring key %s: no attachment uses it",
                  hk->namespace, hk->node, id);
        hk->retirements++;
    }
    if (!data) {
        return false;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "data", data);
    hk->request = k8s_request_merge_patch(hk->client, hk->secret_path, body);
    cJSON_Delete(body);
    return true;
}

/* Takes the Node's uid from the answer to reading it.  Returns an error
 * message, or NULL. */
static char *
finish_read_node(struct host_keys *hk, const struct k8s_result *r)
{
    const char *uid = (k8s_result_ok(r)
                       ? k8s_object_metadata(r->body, "uid") : NULL);
    if (!uid || !uid[0]) {
        return xasprintf("cannot read Node %s, which is to own the "
                         "Secret: %s", hk->node,
                         r->error ? r->error : "it has no metadata.uid");
    }
    free(hk->node_uid);
    hk->node_uid = xstrdup(uid);
    return NULL;
}

static void
finish_write(struct host_keys *hk)
{
    const struct k8s_result *r = k8s_request_result(hk->request);
    char *error = NULL;

    if (hk->reading_node) {
        hk->reading_node = false;
        error = finish_read_node(hk, r);
    } else {
        if (hk->node_uid) {
            /* Read the Node again before any later creation: it may have
             * been deleted and made anew. */
            free(hk->node_uid);
            hk->node_uid = NULL;
        }
        if (!k8s_result_ok(r) && !k8s_result_is_already_exists(r)) {
            error = xstrdup(r->error);
        }
    }

    if (!error) {
        /* (AlreadyExists: another writer created the Secret meanwhile; the
         * watch shows it, and the next run adds our key to it.) */
        hk->backoff_ms = WRITE_BACKOFF_MIN_MS;
        free(hk->write_error);
        hk->write_error = NULL;
    } else {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 30);
        hk->pending_valid = false;
        sset_clear(&hk->retiring);
        VLOG_WARN_RL(&rl, "Secret %s/%s: %s (retrying in %d ms)",
                     hk->namespace, hk->node, error, hk->backoff_ms);
        free(hk->write_error);
        hk->write_error = error;
        hk->retry_at = time_msec() + hk->backoff_ms;
        hk->backoff_ms = MIN(hk->backoff_ms * 2, WRITE_BACKOFF_MAX_MS);
    }
    k8s_request_destroy(hk->request);
    hk->request = NULL;
}

void
host_keys_run(struct host_keys *hk, const struct sset *in_use)
{
    conn_keys_run(hk->keys);
    if (hk->request) {
        if (!k8s_request_is_done(hk->request)) {
            return;
        }
        finish_write(hk);
    }

    const struct conn_auth_keys *keys = conn_keys_get(hk->keys);
    if (!keys || time_msec() < hk->retry_at) {
        return;
    }
    const char *id;
    SSET_FOR_EACH_SAFE (id, &hk->retiring) {
        if (!conn_auth_keys_find(keys, id)) {
            sset_delete(&hk->retiring, SSET_NODE_FROM_NAME(id));
        }
    }
    if (hk->pending_valid) {
        if (!keys->current || strcmp(keys->current, hk->pending.id)) {
            return;             /* Until the watch shows what we wrote. */
        }
        hk->pending_valid = false;
        OPENSSL_cleanse(&hk->pending, sizeof hk->pending);
        if (hk->rotate) {
            hk->rotate = false;
            hk->rotations++;
        }
    }

    bool have_current = (keys->current
                         && conn_auth_keys_find(keys, keys->current));
    if (!have_current || hk->rotate) {
        start_new_key(hk);
    } else {
        start_retire(hk, keys, in_use);
    }
}

void
host_keys_wait(struct host_keys *hk)
{
    conn_keys_wait(hk->keys);
    if (hk->request) {
        k8s_request_wait(hk->request);
    } else if (hk->write_error) {
        poll_timer_wait_until(hk->retry_at);
    }
}

const struct conn_auth_key *
host_keys_current(const struct host_keys *hk, const char **whyp)
{
    const struct conn_auth_keys *keys = conn_keys_get(hk->keys);
    const struct conn_auth_key *key = (keys && keys->current
                                       ? conn_auth_keys_find(keys,
                                                             keys->current)
                                       : NULL);
    if (!key) {
        *whyp = (hk->write_error ? hk->write_error
                 : conn_keys_get_error(hk->keys)
                 ? conn_keys_get_error(hk->keys)
                 : !keys ? "the Secret has not been read yet"
                 : "the node's key is being written");
    }
    return key;
}

uint64_t
host_keys_next_seq(struct host_keys *hk)
{
    uint64_t now = time_wall_usec();
    hk->last_seq = MAX(hk->last_seq + 1, now);
    return hk->last_seq;
}

void
host_keys_note_seq(struct host_keys *hk, uint64_t seq)
{
    hk->last_seq = MAX(hk->last_seq, seq);
}

void
host_keys_format(const struct host_keys *hk, struct ds *s)
{
    const char *why;

    conn_keys_format(hk->keys, s);
    if (host_keys_current(hk, &why)) {
        ds_put_cstr(s, "signing: yes\n");
    } else {
        ds_put_format(s, "signing: no (%s)\n", why);
    }
    ds_put_format(s, "rotations: %llu, retired keys: %llu\n",
                  hk->rotations, hk->retirements);
    if (hk->write_error) {
        ds_put_format(s, "last write error: %s\n", hk->write_error);
    }
    conn_keys_format_watch(hk->keys, s);
}

static void
keys_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
          const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (the_keys) {
        host_keys_format(the_keys, &s);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
keys_rotate(struct unixctl_conn *conn, int argc OVS_UNUSED,
            const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    if (!the_keys) {
        unixctl_command_reply_error(conn, "no keys");
        return;
    }
    the_keys->rotate = true;
    the_keys->retry_at = 0;
    poll_immediate_wake();
    unixctl_command_reply(conn, "a new key will be made current");
}
