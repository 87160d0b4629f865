/*
 * The authority behind k8s.ovn.org/dpu.connection-details: proof that the
 * host agent, and not whoever may patch the pod, gave a VF to a pod's
 * sandbox.
 *
 * Each entry that ovn-dpu-host writes into a pod's connection details
 * carries one more member, "ovnDpuAuth" (Go's decoder, and so the
 * reference DPU side, ignores it):
 *
 *     {"default": {"pfId": "0", "vfId": "3", "sandboxId": "<container id>",
 *                  "vfNetdevName": "eth0-3",
 *                  "ovnDpuAuth": "v1:<key id>:<seq>:<HMAC-SHA256, hex>"}}
 *
 * The HMAC is keyed by a secret of the host's Node and covers the node
 * name, the pod's uid, the NAD key, pfId, vfId, sandboxId, vfNetdevName
 * and <seq>, a number that grows with every ADD on the node, so that:
 *
 *   - a pod owner, who can write any annotation of their pod but cannot
 *     read the key, cannot make an entry for a VF the host did not give
 *     them;
 *   - a valid entry copied onto another pod (another uid), another
 *     network, another node or another VF does not verify;
 *   - an old valid entry written back (a replay) loses to the newer
 *     assignment of the same VF: the DPU side lets the highest <seq> have
 *     a VF.
 *
 * Each node's keys live in a Secret of their own, named after the node, in
 * a namespace that holds nothing else (conn-keys.h): data member
 * "<node>.<key id>" is a key (32 random bytes), "<node>.current" the id of
 * the key that node's host agent signs with.  Only the two agents'
 * service accounts may read it, and only the host agent's may change it
 * (see Documentation/security.rst).
 *
 * This module is pure: the token's codec, the HMAC, keys from a Secret
 * object, and verdicts.  Fetching the Secret and choosing keys are the
 * agents' business.
 */

#ifndef CONN_AUTH_H
#define CONN_AUTH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/compiler.h"

struct cJSON;

/* The member of a connection-details entry that carries the token. */
#define CONN_AUTH_MEMBER "ovnDpuAuth"

#define CONN_AUTH_KEY_LEN 32        /* Bytes of a key. */
#define CONN_AUTH_MAC_LEN 32        /* Bytes of an HMAC-SHA256. */
#define CONN_AUTH_MAX_KEY_ID 16     /* Longest key id, in hex digits. */

/* A parsed token. */
struct conn_auth_token {
    char key_id[CONN_AUTH_MAX_KEY_ID + 1];  /* Lowercase hex. */
    uint64_t seq;
    uint8_t mac[CONN_AUTH_MAC_LEN];
};

/* Parses 'text' into '*token'.  Returns NULL, or an error message that
 * does not quote 'text' (the caller names the field). */
char *conn_auth_token_parse(const char *text, struct conn_auth_token *token)
    OVS_WARN_UNUSED_RESULT;

/* Returns 'token' as text, to free(). */
char *conn_auth_token_format(const struct conn_auth_token *token);

/* What the HMAC covers.  'vf_netdev_name' may be NULL. */
struct conn_auth_fields {
    const char *node;
    const char *pod_uid;
    const char *nad;
    int pf_id, vf_id;
    const char *sandbox_id;     /* Exactly, case included. */
    const char *vf_netdev_name;
};

/* One node's keys. */
struct conn_auth_key {
    char id[CONN_AUTH_MAX_KEY_ID + 1];
    uint8_t key[CONN_AUTH_KEY_LEN];
};

struct conn_auth_keys {
    struct conn_auth_key *keys;
    size_t n;
    char *current;              /* Id of the key to sign with, or NULL. */
};

void conn_auth_keys_init(struct conn_auth_keys *);
void conn_auth_keys_destroy(struct conn_auth_keys *);
const struct conn_auth_key *conn_auth_keys_find(const struct conn_auth_keys *,
                                                const char *id);
bool conn_auth_keys_equal(const struct conn_auth_keys *,
                          const struct conn_auth_keys *);

/* Fills 'keys' with node 'node''s keys from 'secret', a Secret object as
 * the API server returns it (NULL: no keys).  Members of other nodes are
 * skipped; a malformed member of this node's is skipped too, and named in
 * the returned warning (to free()), which is NULL if there is none.  A key
 * id that appears twice (JSON allows duplicate member names) keeps its
 * first value; the second member counts as malformed. */
char *conn_auth_keys_from_secret(const struct cJSON *secret,
                                 const char *node,
                                 struct conn_auth_keys *keys)
    OVS_WARN_UNUSED_RESULT;

/* The Secret's data member names for node 'node': "<node>.<id>" and
 * "<node>.current".  To free(). */
char *conn_auth_key_member(const char *node, const char *id);
char *conn_auth_current_member(const char *node);

/* Makes a new random key with a new random id.  Returns 0 or an errno
 * value. */
int conn_auth_key_generate(struct conn_auth_key *);

/* Base64 (standard, padded) of 'size' bytes at 'data', to free(). */
char *conn_auth_base64(const void *data, size_t size);

/* Signs 'fields' with 'key' and 'seq'.  Returns the token text, to
 * free(). */
char *conn_auth_sign(const struct conn_auth_key *key,
                     const struct conn_auth_fields *fields, uint64_t seq);

enum conn_auth_verdict {
    CONN_AUTH_OK,               /* Signed by a key of 'keys'. */
    CONN_AUTH_UNKNOWN_KEY,      /* Signed with a key id 'keys' lacks. */
    CONN_AUTH_BAD,              /* Does not verify. */
};

/* Checks 'token' (parsed) against 'fields' and 'keys', in constant time
 * for the MAC itself. */
enum conn_auth_verdict conn_auth_verify(const struct conn_auth_keys *keys,
                                        const struct conn_auth_fields *,
                                        const struct conn_auth_token *);

#endif /* conn-auth.h */
