/*
 * The authority behind the connection details.  See conn-auth.h.
 */

#include <config.h>

#include "conn-auth.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

/* The token's version prefix, and what the HMAC input starts with, so
 * that a MAC made for anything else never verifies as one of these. */
#define TOKEN_PREFIX "v1:"
#define MAC_DOMAIN "ovn-dpu/connection-details/v1"

/* Tokens. */

static bool
is_lower_hex(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char) s[i])
            && !(s[i] >= 'a' && s[i] <= 'f')) {
            return false;
        }
    }
    return true;
}

char *
conn_auth_token_parse(const char *text, struct conn_auth_token *token)
{
    memset(token, 0, sizeof *token);
    if (strncmp(text, TOKEN_PREFIX, strlen(TOKEN_PREFIX))) {
        return xstrdup("not a \"" TOKEN_PREFIX "\" token");
    }

    const char *id = text + strlen(TOKEN_PREFIX);
    const char *colon = strchr(id, ':');
    size_t id_len = colon ? colon - id : 0;
    if (!id_len || id_len > CONN_AUTH_MAX_KEY_ID || !is_lower_hex(id, id_len)) {
        return xasprintf("key id is not 1 to %d lowercase hex digits",
                         CONN_AUTH_MAX_KEY_ID);
    }

    const char *seq = colon + 1;
    colon = strchr(seq, ':');
    size_t seq_len = colon ? colon - seq : 0;
    if (!seq_len || seq_len > 20 || (seq[0] == '0' && seq_len > 1)) {
        /* One spelling per number, as conn_auth_token_format() writes
         * it: no leading zero. */
        return xstrdup("sequence number is not 1 to 20 decimal digits");
    }
    uint64_t value = 0;
    for (size_t i = 0; i < seq_len; i++) {
        if (!isdigit((unsigned char) seq[i])
            || value > (UINT64_MAX - (seq[i] - '0')) / 10) {
            return xstrdup("sequence number is not a 64-bit decimal "
                           "number");
        }
        value = value * 10 + (seq[i] - '0');
    }

    const char *mac = colon + 1;
    if (strlen(mac) != 2 * CONN_AUTH_MAC_LEN
        || !is_lower_hex(mac, 2 * CONN_AUTH_MAC_LEN)) {
        return xasprintf("MAC is not %d lowercase hex digits",
                         2 * CONN_AUTH_MAC_LEN);
    }

    memcpy(token->key_id, id, id_len);
    token->seq = value;
    for (size_t i = 0; i < CONN_AUTH_MAC_LEN; i++) {
        bool ok;
        token->mac[i] = hexits_value(&mac[2 * i], 2, &ok);
    }
    return NULL;
}

char *
conn_auth_token_format(const struct conn_auth_token *token)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, TOKEN_PREFIX "%s:%"PRIu64":", token->key_id,
                  token->seq);
    for (size_t i = 0; i < CONN_AUTH_MAC_LEN; i++) {
        ds_put_format(&s, "%02x", token->mac[i]);
    }
    return ds_steal_cstr(&s);
}

/* The MAC. */

/* Appends 'field' and a NUL separator to 's'.  No field can hold a NUL,
 * so the input is unambiguous. */
static void
put_field(struct ds *s, const char *field)
{
    ds_put_cstr(s, field ? field : "");
    ds_put_char(s, '\0');
}

static void
compute_mac(const uint8_t key[CONN_AUTH_KEY_LEN],
            const struct conn_auth_fields *f, uint64_t seq,
            uint8_t mac[CONN_AUTH_MAC_LEN])
{
    struct ds msg = DS_EMPTY_INITIALIZER;

    put_field(&msg, MAC_DOMAIN);
    put_field(&msg, f->node);
    put_field(&msg, f->pod_uid);
    put_field(&msg, f->nad);
    ds_put_format(&msg, "%d%c%d%c", f->pf_id, '\0', f->vf_id, '\0');

    put_field(&msg, f->sandbox_id);
    put_field(&msg, f->vf_netdev_name);
    ds_put_format(&msg, "%"PRIu64, seq);

    unsigned int len = CONN_AUTH_MAC_LEN;
    HMAC(EVP_sha256(), key, CONN_AUTH_KEY_LEN,
         (const unsigned char *) msg.string, msg.length, mac, &len);
    ds_destroy(&msg);
}

char *
conn_auth_sign(const struct conn_auth_key *key,
               const struct conn_auth_fields *fields, uint64_t seq)
{
    struct conn_auth_token token;

    memset(&token, 0, sizeof token);
    ovs_strlcpy(token.key_id, key->id, sizeof token.key_id);
    token.seq = seq;
    compute_mac(key->key, fields, seq, token.mac);
    return conn_auth_token_format(&token);
}

enum conn_auth_verdict
conn_auth_verify(const struct conn_auth_keys *keys,
                 const struct conn_auth_fields *fields,
                 const struct conn_auth_token *token)
{
    const struct conn_auth_key *key = conn_auth_keys_find(keys,
                                                          token->key_id);
    if (!key) {
        return CONN_AUTH_UNKNOWN_KEY;
    }

    uint8_t mac[CONN_AUTH_MAC_LEN];
    compute_mac(key->key, fields, token->seq, mac);
    return (CRYPTO_memcmp(mac, token->mac, sizeof mac)
            ? CONN_AUTH_BAD : CONN_AUTH_OK);
}

/* Keys. */

void
conn_auth_keys_init(struct conn_auth_keys *keys)
{
    memset(keys, 0, sizeof *keys);
}

void
conn_auth_keys_destroy(struct conn_auth_keys *keys)
{
    if (keys) {
        OPENSSL_cleanse(keys->keys, keys->n * sizeof *keys->keys);
        free(keys->keys);
        free(keys->current);
        conn_auth_keys_init(keys);
    }
}

const struct conn_auth_key *
conn_auth_keys_find(const struct conn_auth_keys *keys, const char *id)
{
    for (size_t i = 0; i < keys->n; i++) {
        if (!strcmp(keys->keys[i].id, id)) {
            return &keys->keys[i];
        }
    }
    return NULL;
}

bool
conn_auth_keys_equal(const struct conn_auth_keys *a,
                     const struct conn_auth_keys *b)
{
    if (a->n != b->n || !nullable_string_is_equal(a->current, b->current)) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct conn_auth_key *k = conn_auth_keys_find(b,
                                                            a->keys[i].id);
        if (!k || CRYPTO_memcmp(k->key, a->keys[i].key, CONN_AUTH_KEY_LEN)) {
            return false;
        }
    }
    return true;
}

char *
conn_auth_key_member(const char *node, const char *id)
{
    return xasprintf("%s.%s", node, id);
}

char *
conn_auth_current_member(const char *node)
{
    return xasprintf("%s.current", node);
}

char *
conn_auth_base64(const void *data, size_t size)
{
    char *out = xmalloc(4 * ((size + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *) out, data, size);
    return out;
}

/* Decodes standard padded base64 'in' into 'out', which has room for
 * 'max' bytes.  Returns the number of bytes, or -1 if 'in' is not base64
 * or decodes to more than 'max' bytes. */
static int
base64_decode(const char *in, uint8_t *out, size_t max)
{
    size_t len = strlen(in);
    if (!len || len % 4 || len / 4 * 3 > max + 2) {
        return -1;
    }

    uint8_t *buf = xmalloc(len / 4 * 3);
    int n = EVP_DecodeBlock(buf, (const unsigned char *) in, len);
    if (n >= 0) {
        n -= (in[len - 1] == '=') + (in[len - 2] == '=');
        if ((size_t) n > max) {
            n = -1;
        } else {
            memcpy(out, buf, n);
        }
    }
    OPENSSL_cleanse(buf, len / 4 * 3);
    free(buf);
    return n;
}

char *
conn_auth_keys_from_secret(const cJSON *secret, const char *node,
                           struct conn_auth_keys *keys)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(secret, "data");
    char *prefix = xasprintf("%s.", node);
    size_t prefix_len = strlen(prefix);
    size_t allocated = 0;
    struct ds bad = DS_EMPTY_INITIALIZER;

    conn_auth_keys_init(keys);
    for (const cJSON *m = cJSON_IsObject(data) ? data->child : NULL; m;
         m = m->next) {
        if (!m->string || strncmp(m->string, prefix, prefix_len)) {
            continue;           /* Another node's. */
        }
        const char *id = m->string + prefix_len;
        uint8_t value[CONN_AUTH_KEY_LEN];
        int n = (cJSON_IsString(m)
                 ? base64_decode(m->valuestring, value, sizeof value) : -1);

        if (!strcmp(id, "current")) {
            if (n > 0 && n <= CONN_AUTH_MAX_KEY_ID
                && is_lower_hex((const char *) value, n)) {
                free(keys->current);
                keys->current = xmemdup0((const char *) value, n);
                continue;
            }
        } else if (strlen(id) <= CONN_AUTH_MAX_KEY_ID && id[0]
                   && is_lower_hex(id, strlen(id))
                   && n == CONN_AUTH_KEY_LEN
                   && !conn_auth_keys_find(keys, id)) {
            if (keys->n >= allocated) {
                keys->keys = x2nrealloc(keys->keys, &allocated,
                                        sizeof *keys->keys);
            }
            struct conn_auth_key *k = &keys->keys[keys->n++];
            ovs_strlcpy(k->id, id, sizeof k->id);
            memcpy(k->key, value, sizeof k->key);
            OPENSSL_cleanse(value, sizeof value);
            continue;
        }
        OPENSSL_cleanse(value, sizeof value);
        ds_put_format(&bad, "%s\"%s\"", bad.length ? ", " : "", m->string);
    }
    free(prefix);

    char *warning = (bad.length
                     ? xasprintf("Secret of node %s: ignoring malformed "
                                 "data member(s) %s", node, ds_cstr(&bad))
                     : NULL);
    ds_destroy(&bad);
    return warning;
}

int
conn_auth_key_generate(struct conn_auth_key *key)
{
    uint8_t id[4];

    if (RAND_bytes(key->key, sizeof key->key) != 1
        || RAND_bytes(id, sizeof id) != 1) {
        return EIO;
    }
    snprintf(key->id, sizeof key->id, "%02x%02x%02x%02x",
             id[0], id[1], id[2], id[3]);
    return 0;
}
