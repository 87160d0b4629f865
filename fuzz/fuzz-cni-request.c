/*
 * libFuzzer target for CNI requests (ovn-dpu/cni.c): the environment and the
 * network configuration that a container runtime hands ovn-dpu-cni, which
 * ovn-dpu-host parses again after they cross its socket.
 *
 * The input is the environment, one NAME=VALUE per line, then an empty
 * line, then the network configuration (stdin):
 *
 *     CNI_COMMAND=ADD
 *     CNI_CONTAINERID=abc
 *     ...
 *
 *     {"cniVersion": "1.1.0", "name": "net", "type": "ovn-dpu-cni", ...}
 *
 * Checks that the plugin and the server decide alike (the server parses
 * the request after cni_request_to_jsonrpc() and
 * cni_request_from_jsonrpc()), that a request that parses has what
 * cni.h promises for its command, and that an error survives the trip
 * through its JSON form.
 */

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cni.h"
#include "jsonrpc.h"
#include "openvswitch/json.h"
#include "smap.h"
#include "util.h"

/* Fills 'env' from the NAME=VALUE lines in 'text' up to the first empty
 * line, and returns where the network configuration starts. */
static const char *
parse_input(const char *text, struct smap *env)
{
    const char *p = text;

    while (*p && *p != '\n') {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        const char *eq = memchr(p, '=', end - p);

        if (eq) {
            char *name = xmemdup0(p, eq - p);
            char *value = xmemdup0(eq + 1, end - (eq + 1));
            smap_replace(env, name, value);
            free(name);
            free(value);
        }
        p = eol ? eol + 1 : end;
    }
    return *p ? p + 1 : p;
}

static void
check_request(const struct cni_request *req)
{
    enum cni_command cmd = req->command;

    ovs_assert(cmd < CNI_N_COMMANDS);
    if (cmd == CNI_VERSION) {
        return;
    }
    ovs_assert(req->config && req->cni_version && req->name && req->type);
    ovs_assert(req->socket && req->nad);
    ovs_assert(req->timeout >= 1 && req->timeout <= 3600);
    ovs_assert(!req->mtu || (req->mtu >= 68 && req->mtu <= 65535));
    if (cmd == CNI_ADD || cmd == CNI_DEL || cmd == CNI_CHECK) {
        ovs_assert(req->container_id && req->ifname);
        ovs_assert(req->pod_namespace && req->pod_name);
        ovs_assert(req->netns || cmd == CNI_DEL);
        ovs_assert(!cni_check_ifname(req->ifname));
        ovs_assert(!req->netns || req->netns[0] == '/');
    }
    if (cmd == CNI_GC) {
        for (size_t i = 0; i < req->n_valid_attachments; i++) {
            ovs_assert(req->valid_attachments[i].container_id);
            ovs_assert(req->valid_attachments[i].ifname);
        }
    }
}

static void
check_error(const struct cni_error *error, const struct cni_request *req)
{
    ovs_assert(error->code > 0 && error->msg && error->msg[0]);

    struct json *json = cni_error_to_json(error, cni_request_version(req));
    struct cni_error *copy = cni_error_from_json(json);
    ovs_assert(copy);
    ovs_assert(copy->code == error->code);
    ovs_assert(!strcmp(copy->msg, error->msg));
    ovs_assert(nullable_string_is_equal(copy->details, error->details));
    cni_error_destroy(copy);
    json_destroy(json);
}

static bool
errors_equal(const struct cni_error *a, const struct cni_error *b)
{
    return (!a == !b
            && (!a
                || (a->code == b->code && !strcmp(a->msg, b->msg)
                    && nullable_string_is_equal(a->details, b->details))));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmemdup0((const char *) data, size);
    struct smap env = SMAP_INITIALIZER(&env);
    const char *config = parse_input(text, &env);

    /* The plugin's side. */
    struct cni_request req;
    struct cni_error *error = cni_request_parse(&req, &env, config);
    if (error) {
        check_error(error, &req);
    } else {
        check_request(&req);
    }

    /* The server's side, after the request crossed the socket. */
    struct jsonrpc_msg *msg = cni_request_to_jsonrpc(&env, config);
    struct smap env2 = SMAP_INITIALIZER(&env2);
    const char *config2;
    struct cni_error *error2 = cni_request_from_jsonrpc(msg->params, &env2,
                                                        &config2);
    ovs_assert(!error2);

    struct cni_request req2;
    error2 = cni_request_parse(&req2, &env2, config2);
    ovs_assert(errors_equal(error, error2));
    ovs_assert(req.command == req2.command);

    cni_error_destroy(error);
    cni_error_destroy(error2);
    cni_request_destroy(&req);
    cni_request_destroy(&req2);
    jsonrpc_msg_destroy(msg);
    smap_destroy(&env);
    smap_destroy(&env2);
    free(text);
    return 0;
}
