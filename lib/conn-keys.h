/*
 * One node's connection-details keys (conn-auth.h), as the Secret
 * CONN_AUTH_SECRET_NAME holds them, kept up to date by a watch of that one
 * Secret (RBAC can then grant "get", "list" and "watch" on it by name
 * alone).  Both agents use it: the DPU side to check the host's
 * signatures, the host side to know what it has written.
 *
 * Call conn_keys_run() and conn_keys_wait() from the main loop (after
 * k8s_client_run()).  Until the Secret has been listed once,
 * conn_keys_get() returns NULL; a Secret that does not exist, or has
 * nothing for the node, gives an empty set.
 */

#ifndef CONN_KEYS_H
#define CONN_KEYS_H 1

#include <stdbool.h>

struct conn_auth_keys;
struct cJSON;
struct ds;
struct k8s_client;

struct conn_keys *conn_keys_create(struct k8s_client *,
                                   const char *namespace, const char *node);
void conn_keys_destroy(struct conn_keys *);

/* Takes what the watch brought.  Returns true if the node's keys changed
 * (or were known for the first time). */
bool conn_keys_run(struct conn_keys *);
void conn_keys_wait(struct conn_keys *);

/* The node's keys, or NULL while the Secret has not been listed. */
const struct conn_auth_keys *conn_keys_get(const struct conn_keys *);

/* The Secret as last seen, or NULL if there is none (or it is not listed
 * yet). */
const struct cJSON *conn_keys_secret(const struct conn_keys *);

/* Why the Secret cannot be read now, or NULL. */
const char *conn_keys_get_error(const struct conn_keys *);

/* For "ovs-appctl": the Secret, the key ids (never the keys) and the
 * current one. */
void conn_keys_format(const struct conn_keys *, struct ds *);
void conn_keys_format_watch(const struct conn_keys *, struct ds *);

#endif /* conn-keys.h */
