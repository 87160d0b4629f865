/*
 * Reading the host node's name from the DPU's Open vSwitch database.  See
 * host-node-name.h.
 */

#include <config.h>

#include "host-node-name.h"

#include <errno.h>
#include <string.h>

#include "dirs.h"
#include "jsonrpc.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "stream.h"
#include "timeval.h"
#include "util.h"

/* Finds 'key' in 'map', an OVSDB map datum ["map", [[k, v], ...]] of
 * strings.  Returns its value or NULL. */
static const char *
find_in_map(const struct json *map, const char *key)
{
    if (map->type != JSON_ARRAY || map->array.n != 2
        || map->array.elems[0]->type != JSON_STRING
        || strcmp(json_string(map->array.elems[0]), "map")
        || map->array.elems[1]->type != JSON_ARRAY) {
        return NULL;
    }

    const struct json *pairs = map->array.elems[1];
    for (size_t i = 0; i < pairs->array.n; i++) {
        const struct json *pair = pairs->array.elems[i];
        if (pair->type == JSON_ARRAY && pair->array.n == 2
            && pair->array.elems[0]->type == JSON_STRING
            && pair->array.elems[1]->type == JSON_STRING
            && !strcmp(json_string(pair->array.elems[0]), key)) {
            return json_string(pair->array.elems[1]);
        }
    }
    return NULL;
}

/* Takes the name from 'result', the result of the select transaction. */
static char *
parse_result(const struct json *result, char **namep)
{
    const struct json *rows = NULL;
    if (result->type == JSON_ARRAY && result->array.n == 1
        && result->array.elems[0]->type == JSON_OBJECT) {
        rows = shash_find_data(json_object(result->array.elems[0]), "rows");
    }
    if (!rows || rows->type != JSON_ARRAY) {
        return xstrdup("unexpected answer to the select");
    }
    if (rows->array.n && rows->array.elems[0]->type == JSON_OBJECT) {
        const struct json *ids = shash_find_data(
            json_object(rows->array.elems[0]), "external_ids");
        const char *name = ids ? find_in_map(ids, HOST_NODE_NAME_KEY) : NULL;
        *namep = name && name[0] ? xstrdup(name) : NULL;
    }
    return NULL;
}

/* Sends the select on 'rpc' and waits for its answer until 'deadline'. */
static char *
transact(struct jsonrpc *rpc, long long int deadline, char **namep)
{
    struct json *select = json_object_create();
    json_object_put_string(select, "op", "select");
    json_object_put_string(select, "table", "Open_vSwitch");
    json_object_put(select, "where", json_array_create_empty());
    struct json *columns = json_array_create_1(
        json_string_create("external_ids"));
    json_object_put(select, "columns", columns);
    struct json *params = json_array_create_2(
        json_string_create("Open_vSwitch"), select);
    struct jsonrpc_msg *request = jsonrpc_create_request("transact", params,
                                                         NULL);
    struct json *id = json_clone(request->id);

    int error = jsonrpc_send(rpc, request);
    struct jsonrpc_msg *reply = NULL;
    while (!error && !reply) {
        jsonrpc_run(rpc);
        error = jsonrpc_recv(rpc, &reply);
        if (error == EAGAIN) {
            error = 0;
            if (time_msec() >= deadline) {
                error = ETIMEDOUT;
                break;
            }
            jsonrpc_run(rpc);
            jsonrpc_wait(rpc);
            jsonrpc_recv_wait(rpc);
            poll_timer_wait_until(deadline);
            poll_block();
        } else if (reply && !json_equal(reply->id, id)) {
            jsonrpc_msg_destroy(reply);     /* Not ours: e.g. an echo. */
            reply = NULL;
        }
    }
    json_destroy(id);

    char *msg;
    if (error) {
        msg = xstrdup(ovs_strerror(error));
    } else if (reply->type != JSONRPC_REPLY || !reply->result) {
        msg = xstrdup("the select failed");
    } else {
        msg = parse_result(reply->result, namep);
    }
    jsonrpc_msg_destroy(reply);
    return msg;
}

char *
host_node_name_read(const char *remote, long long int timeout_ms,
                    char **namep)
{
    long long int deadline = time_msec() + timeout_ms;
    struct stream *stream;

    *namep = NULL;
    int error = stream_open_block(jsonrpc_stream_open(remote, &stream,
                                                      DSCP_DEFAULT),
                                  timeout_ms, &stream);
    char *msg;
    if (error) {
        msg = xstrdup(ovs_strerror(error));
    } else {
        struct jsonrpc *rpc = jsonrpc_open(stream);
        msg = transact(rpc, deadline, namep);
        jsonrpc_close(rpc);
    }
    if (msg) {
        char *full = xasprintf("cannot read Open_vSwitch external_ids:%s "
                               "from %s: %s", HOST_NODE_NAME_KEY, remote,
                               msg);
        free(msg);
        free(*namep);
        *namep = NULL;
        return full;
    }
    return NULL;
}
