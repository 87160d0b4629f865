/*
 * One node's connection-details keys (conn-auth.h), as the node's own
 * Secret holds them, kept up to date by a watch of that one Secret.  Both
 * agents use it: the DPU side to check the host's signatures, the host
 * side to know what it has written.
 *
 * Each node's Secret is named after the node and lives in a namespace of
 * its own, CONN_KEYS_DEFAULT_NAMESPACE unless --conn-keys-namespace says
 * otherwise, which holds nothing but these Secrets: RBAC cannot grant
 * Secrets by a pattern of names, so the agents get Secrets of that whole
 * namespace, and nothing else may live there.  One Secret per node, not
 * one for all, keeps a node's key write from reaching every agent of the
 * cluster: each Secret has two watchers, its node's two agents.
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

/* Where the nodes' key Secrets are unless --conn-keys-namespace says. */
#define CONN_KEYS_DEFAULT_NAMESPACE "ovn-dpu-keys"

/* Command-line option --conn-keys-namespace=NS, used like
 * DPU_LEASE_OPTION_ENUMS & co in dpu-lease.h: CONN_KEYS_OPTION_HANDLERS
 * stores a copy of NS into 'char **NAMESPACEP' and exits with a message on
 * a bad name. */
#define CONN_KEYS_OPTION_ENUMS OPT_CONN_KEYS_NAMESPACE
#define CONN_KEYS_LONG_OPTIONS                                          \
    {"conn-keys-namespace", required_argument, NULL,                    \
     OPT_CONN_KEYS_NAMESPACE}
#define CONN_KEYS_OPTION_HANDLERS(NAMESPACEP)                           \
    case OPT_CONN_KEYS_NAMESPACE:                                       \
        conn_keys_namespace_option(NAMESPACEP, optarg);                 \
        break;

void conn_keys_namespace_option(char **namespacep, const char *value);
void conn_keys_options_usage(void);

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
