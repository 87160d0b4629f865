/*
 * The host agent's side of the connection-details authority (conn-auth.h):
 * its Node's keys in the node's own Secret (conn-keys.h), and the sequence
 * numbers of its assignments.
 *
 * Once the Secret has been read, the module makes sure the node has a
 * current key: it creates the Secret if there is none, owned by the Node
 * (whose uid it reads just before), so that the garbage collector deletes
 * it with the Node; or it adds a new random key to it with a merge
 * patch.  A key is used to sign only once the watch shows it in the
 * Secret, so that the DPU side can read whatever the host signed with.
 *
 * "ovs-appctl -t ovn-dpu-host conn-keys/rotate" makes a new key current.
 * Older keys stay while an attachment on record was signed with them (the
 * DPU side checks a pod's entry again whenever it changes), and are
 * removed from the Secret once none is.
 *
 * Sequence numbers grow with every ADD: the host's wall clock in
 * microseconds, but always above the last one issued and every one on
 * record, so that a clock stepped back cannot give a new assignment of a
 * VF a lower number than an old one.
 */

#ifndef HOST_KEYS_H
#define HOST_KEYS_H 1

#include <stdint.h>

struct conn_auth_key;
struct ds;
struct k8s_client;
struct sset;

struct host_keys *host_keys_create(struct k8s_client *,
                                   const char *namespace, const char *node);
void host_keys_destroy(struct host_keys *);

/* Makes progress.  'in_use' holds the ids of the keys that attachments on
 * record were signed with. */
void host_keys_run(struct host_keys *, const struct sset *in_use);
void host_keys_wait(struct host_keys *);

/* The key to sign with now, or NULL with '*whyp' set to why there is
 * none (yet). */
const struct conn_auth_key *host_keys_current(const struct host_keys *,
                                              const char **whyp);

/* Returns a new sequence number, above every earlier one. */
uint64_t host_keys_next_seq(struct host_keys *);

/* Tells the module of a sequence number already issued (one on record). */
void host_keys_note_seq(struct host_keys *, uint64_t seq);

/* For "conn-keys/show": the Secret, key ids and state (never a key). */
void host_keys_format(const struct host_keys *, struct ds *);

#endif /* host-keys.h */
