/*
 * The CNI calls' record: each call's life from the request to the answer
 * (its log line, its reply through the server), the calls in flight and
 * the recent ones, and how "cni/show" shows them.  See cni-call.h.
 */

#include <config.h>

#include "cni-call.h"

#include <stdlib.h>
#include <string.h>

#include "cni-pod.h"
#include "coverage.h"
#include "dpu-lease-watcher.h"
#include "jsonrpc.h"
#include "metrics.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "pod-patch.h"
#include "timeval.h"
#include "util.h"
#include "vf-pool.h"

VLOG_DEFINE_THIS_MODULE(cni_call);

COVERAGE_DEFINE(cni_request);
COVERAGE_DEFINE(cni_request_failed);

static struct metric *duration_metric;
static struct metric *in_flight_metric;
static struct metric *not_ready_metric;

void
cni_call_metrics_init(void)
{
    /* From 1 ms to 131 s, past the longest ADD timeout by default. */
    double buckets[18];

    if (duration_metric) {
        return;
    }
    metrics_buckets_exponential(.001, 2, ARRAY_SIZE(buckets), buckets);
    struct metrics_registry *r = metrics_default();
    duration_metric = metrics_histogram_create(
        r, "ovnkube_node_cni_request_duration_seconds",
        "The duration of CNI server requests.", "command,err",
        buckets, ARRAY_SIZE(buckets));
    in_flight_metric = metrics_gauge_create(
        r, "ovn_dpu_host_cni_requests_in_flight",
        "CNI requests received and not yet answered.", NULL);
    not_ready_metric = metrics_counter_create(
        r, "ovn_dpu_host_cni_add_dpu_not_ready_total",
        "CNI ADDs refused because the DPU was not ready.", NULL);
}

const char *
cni_call_state_to_string(enum call_state state)
{
    switch (state) {
#define CALL_STATE(NAME, DESC) case CALL_##NAME: return DESC;
        CALL_STATES
#undef CALL_STATE
    }
    return "<unknown>";
}

/* A call's life. */

void
cni_call_destroy(struct cni_call *call)
{
    if (call) {
        free(call->pod);
        free(call->sandbox);
        free(call->ifname);
        free(call->msg);
        json_destroy(call->id);
        cni_request_destroy(&call->req);
        free(call->pod_key);
        vf_device_destroy(&call->dev);
        free(call->pool_vf);
        pod_patch_destroy(call->patch);
        cni_pod_edit_free(call->edit);
        cni_error_destroy(call->error);
        free(call->cancel);
        free(call);
    }
}

struct cni_call *
cni_call_start(struct cni_calls *cs, void *conn, const struct json *id)
{
    struct cni_call *call = xzalloc(sizeof *call);
    call->start = time_msec();
    call->start_usec = time_usec();
    call->start_wall = time_wall_msec();
    call->command = CNI_N_COMMANDS;
    call->req.command = CNI_N_COMMANDS;
    call->dpu_wait = -1;
    call->conn = conn;
    call->id = json_clone(id);
    ovs_list_push_back(&cs->in_flight, &call->node);
    cs->n_in_flight++;
    metrics_gauge_set(in_flight_metric, cs->n_in_flight);
    COVERAGE_INC(cni_request);
    return call;
}

void
cni_call_describe(const struct cni_call *call, struct ds *s)
{
    ds_put_cstr(s, call->command < CNI_N_COMMANDS
                ? cni_command_to_string(call->command) : "request");
    if (call->pod) {
        ds_put_format(s, " pod %s", call->pod);
    }
    if (call->sandbox) {
        ds_put_format(s, " sandbox %s/%s", call->sandbox,
                      call->ifname ? call->ifname : "-");
    }
}

void
cni_call_format_result(const struct cni_call *call, struct ds *s)
{
    if (!call->code) {
        ds_put_cstr(s, "ok");
    } else {
        ds_put_format(s, "failed: code %d: %s", call->code, call->msg);
    }
    ds_put_format(s, " (%lld ms", call->duration);
    if (call->dpu_wait >= 0) {
        ds_put_format(s, ", %lld ms of it waiting for the DPU",
                      call->dpu_wait);
    }
    ds_put_char(s, ')');
}

/* Records that 'call' was answered with 'error' (NULL for success), logs
 * it, and moves it to the recent requests. */
static void
cni_call_finish(struct cni_calls *cs, struct cni_call *call,
                const struct cni_error *error)
{
    call->duration = time_msec() - call->start;
    call->code = error ? error->code : 0;
    call->msg = error ? xstrdup(error->msg) : NULL;

    cs->n_requests[call->command]++;
    if (error) {
        cs->n_failed++;
        COVERAGE_INC(cni_request_failed);
    }
    metrics_histogram_observe(duration_metric,
                              (time_usec() - call->start_usec) / 1e6,
                              (call->command < CNI_N_COMMANDS
                               ? cni_command_to_string(call->command)
                               : "malformed"),
                              error ? "true" : "false");
    if (error && call->command == CNI_ADD
        && !strncmp(error->msg, CNI_DPU_NOT_READY,
                    strlen(CNI_DPU_NOT_READY))) {
        metrics_counter_inc(not_ready_metric);
    }

    struct ds line = DS_EMPTY_INITIALIZER;
    cni_call_describe(call, &line);
    ds_put_cstr(&line, ": ");
    cni_call_format_result(call, &line);

    enum vlog_level level = error ? VLL_WARN : VLL_INFO;
    if (call->command == CNI_STATUS) {
        /* The runtime asks for STATUS every few seconds: log changes. */
        const char *outcome = error ? error->msg : "ok";
        if (cs->last_status && !strcmp(cs->last_status, outcome)) {
            level = VLL_DBG;
        } else {
            free(cs->last_status);
            cs->last_status = xstrdup(outcome);
        }
    }
    VLOG(level, "%s", ds_cstr(&line));
    ds_destroy(&line);

    ovs_list_remove(&call->node);
    cs->n_in_flight--;
    metrics_gauge_set(in_flight_metric, cs->n_in_flight);

    /* What only an in-flight request needs goes now. */
    pod_patch_destroy(call->patch);
    call->patch = NULL;
    cni_pod_edit_free(call->edit);
    call->edit = NULL;
    vf_device_destroy(&call->dev);
    memset(&call->dev, 0, sizeof call->dev);
    cni_request_destroy(&call->req);
    memset(&call->req, 0, sizeof call->req);
    json_destroy(call->id);
    call->id = NULL;
    call->state = CALL_NONE;

    ovs_list_push_front(&cs->recent, &call->node);
    if (++cs->n_recent > CNI_MAX_RECENT) {
        struct cni_call *oldest = CONTAINER_OF(ovs_list_pop_back(&cs->recent),
                                               struct cni_call, node);
        cni_call_destroy(oldest);
        cs->n_recent--;
    }
}

/* Answers 'call' on its connection, if the plugin is still there, with
 * 'error' or (if 'error' is NULL) 'output' (which may be NULL too), and
 * finishes it.  Takes ownership of 'output', not of 'error'. */
void
cni_call_answer(struct cni_calls *cs, struct cni_call *call,
                const struct cni_error *error, struct json *output)
{
    if (call->conn) {
        struct jsonrpc_msg *reply;
        if (error) {
            reply = jsonrpc_create_error(
                cni_error_to_json(error, cni_request_version(&call->req)),
                call->id);
            json_destroy(output);
        } else {
            struct json *result = json_object_create();
            if (output) {
                json_object_put(result, "output", output);
            }
            reply = jsonrpc_create_reply(result, call->id);
        }
        cs->reply(call->conn, reply, cs->reply_aux);
        call->conn = NULL;
    } else {
        json_destroy(output);
    }
    if (call->pool_vf) {
        vf_pool_release(cs->pool, call->pool_vf);
        free(call->pool_vf);
        call->pool_vf = NULL;
    }
    cni_call_finish(cs, call, error);
}

char *
cni_calls_describe_attachment(const struct vf_attachment *a)
{
    return xasprintf("pod %s/%s sandbox %s/%s", a->pod_namespace,
                     a->pod_name, a->container_id, a->cfg.ifname);
}

void
cni_calls_forget(struct cni_calls *cs, struct vf_attachment *a)
{
    if (cs->pool) {
        /* A pool names a VF by its PCI address or by its netdev's name. */
        if (a->pci) {
            vf_pool_release(cs->pool, a->pci);
        }
        if (a->cfg.host_name) {
            vf_pool_release(cs->pool, a->cfg.host_name);
        }
    }
    vf_attachments_remove(&cs->attachments, a);
}

struct cni_error *
cni_calls_dpu_not_ready(const struct cni_calls *cs, int code)
{
    struct ds reason = DS_EMPTY_INITIALIZER;
    struct cni_error *error = NULL;

    if (!dpu_lease_watcher_is_ready(cs->lease, &reason)) {
        error = cni_error_create(code, NULL, CNI_DPU_NOT_READY": %s",
                                 ds_cstr(&reason));
    }
    ds_destroy(&reason);
    return error;
}

struct cni_call *
cni_calls_find_in_flight(const struct cni_calls *cs,
                         const struct cni_request *req,
                         const struct cni_call *self)
{
    struct cni_call *call;

    LIST_FOR_EACH (call, node, &cs->in_flight) {
        if (call != self && call->state != CALL_NONE
            && (call->req.command == CNI_ADD || call->req.command == CNI_DEL)
            && !strcmp(call->req.container_id, req->container_id)
            && !strcmp(call->req.ifname, req->ifname)) {
            return call;
        }
    }
    return NULL;
}

/* Showing a call. */

void
cni_call_format_time(long long int when, struct ds *s)
{
    char *t = xastrftime_msec("%Y-%m-%dT%H:%M:%S.###Z", when, true);
    ds_put_cstr(s, t);
    free(t);
}

struct json *
cni_call_to_json(const struct cni_call *call)
{
    struct json *json = json_object_create();
    char *start = xastrftime_msec("%Y-%m-%dT%H:%M:%S.###Z",
                                  call->start_wall, true);

    json_object_put(json, "start", json_string_create_nocopy(start));
    json_object_put_string(json, "command",
                           call->command < CNI_N_COMMANDS
                           ? cni_command_to_string(call->command)
                           : "malformed");
    if (call->pod) {
        json_object_put_string(json, "pod", call->pod);
    }
    if (call->sandbox) {
        json_object_put_string(json, "sandbox", call->sandbox);
    }
    if (call->ifname) {
        json_object_put_string(json, "ifname", call->ifname);
    }
    return json;
}
