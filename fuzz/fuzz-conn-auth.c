/*
 * libFuzzer target for the decoders of the connection-details authority:
 * the "ovnDpuAuth" token (conn_auth_token_parse()), which whoever may
 * patch a pod writes, the keys of a Secret object
 * (conn_auth_keys_from_secret()), and the VF lists of --reserved-vfs
 * (vf_list_parse()).
 *
 * The first byte of the input selects what the rest is fed to (modulo 3):
 *
 *   0  a token: whatever parses formats back to the same text, and a
 *      token made from it by signing with a key verifies, and no longer
 *      does once one bit of its MAC is flipped;
 *   1  a Secret object (JSON): every key it yields has a valid id and
 *      signs and verifies;
 *   2  a VF list: an error leaves the list empty.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conn-auth.h"
#include "fuzz.h"
#include "util.h"
#include "vf-list.h"

static const struct conn_auth_fields fields = {
    .node = "node-1",
    .pod_uid = "7d3e2a6c-0d8a-4b5e-9a43-1c2f3e4d5a6b",
    .nad = "default",
    .pf_id = 0,
    .vf_id = 3,
    .sandbox_id = "abcdef",
    .vf_netdev_name = "eth0-3",
};

/* Checks that 'key' signs 'fields' with 'seq' into a token that verifies
 * against 'keys', and fails once a bit of its MAC changes. */
static void
check_round_trip(const struct conn_auth_keys *keys,
                 const struct conn_auth_key *key, uint64_t seq)
{
    char *text = conn_auth_sign(key, &fields, seq);
    struct conn_auth_token token;
    char *error = conn_auth_token_parse(text, &token);

    ovs_assert(!error);
    ovs_assert(token.seq == seq);
    ovs_assert(conn_auth_verify(keys, &fields, &token) == CONN_AUTH_OK);
    token.mac[seq % CONN_AUTH_MAC_LEN] ^= 1;
    ovs_assert(conn_auth_verify(keys, &fields, &token) == CONN_AUTH_BAD);
    free(text);
}

static void
fuzz_token(const char *text)
{
    struct conn_auth_token token;
    char *error = conn_auth_token_parse(text, &token);

    if (error) {
        free(error);
        return;
    }
    char *again = conn_auth_token_format(&token);
    ovs_assert(!strcmp(again, text));
    free(again);

    struct conn_auth_keys keys = { .n = 1 };
    struct conn_auth_key key;
    memset(&key, 0x5a, sizeof key);
    ovs_strlcpy(key.id, token.key_id, sizeof key.id);
    keys.keys = &key;
    check_round_trip(&keys, &key, token.seq);
}

static void
fuzz_secret(const char *text)
{
    cJSON *secret = cJSON_Parse(text);
    struct conn_auth_keys keys;

    free(conn_auth_keys_from_secret(secret, "node-1", &keys));
    for (size_t i = 0; i < keys.n; i++) {
        const struct conn_auth_key *key = &keys.keys[i];
        size_t len = strlen(key->id);

        ovs_assert(len >= 1 && len <= CONN_AUTH_MAX_KEY_ID);
        ovs_assert(len == strspn(key->id, "0123456789abcdef"));
        check_round_trip(&keys, key, i);
    }
    conn_auth_keys_destroy(&keys);
    cJSON_Delete(secret);
}

static void
fuzz_vf_list(const char *text)
{
    struct vf_list list;
    vf_list_init(&list);

    char *error = vf_list_parse(&list, text, "fuzz");
    if (error) {
        ovs_assert(vf_list_is_empty(&list));
        free(error);
    }
    vf_list_destroy(&list);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }

    char *text = xmemdup0((const char *) data + 1, size - 1);
    switch (data[0] % 3) {
    case 0:
        fuzz_token(text);
        break;
    case 1:
        fuzz_secret(text);
        break;
    default:
        fuzz_vf_list(text);
        break;
    }
    free(text);
    return 0;
}
