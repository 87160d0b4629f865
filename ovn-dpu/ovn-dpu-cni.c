/*
 * ovn-dpu-cni: the CNI plugin that the container runtime executes on a host
 * whose pod networking is offloaded to a DPU.
 *
 * It is thin on purpose.  It reads the request (environment and network
 * configuration on stdin, see cni.h), refuses what is malformed, answers
 * VERSION itself, and forwards everything else to ovn-dpu-host over its
 * unix socket with JSON-RPC; then it prints what ovn-dpu-host answered and
 * exits 0, or prints a CNI error and exits 1.  All state and all decisions
 * about pods live in ovn-dpu-host.
 *
 * When ovn-dpu-host is not running, STATUS reports code 50 (not available),
 * ADD and CHECK fail with code 11 (try again later), and DEL succeeds: with
 * no agent there is nothing it could undo, and a physical VF returns to the
 * host by itself when the pod's network namespace is destroyed.
 */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "fatal-signal.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "stream.h"
#include "timeval.h"
#include "util.h"


static void usage(void);
static struct cni_error *read_stdin(char **textp);
static struct cni_error *forward(const struct cni_request *,
                                 const struct smap *env, const char *text,
                                 struct json **outputp);
static void print_json(const struct json *);

int
main(int argc, char *argv[])
{
    ovs_set_program_name(argv[0], PACKAGE_VERSION);

    /* The runtime reads stdout; keep libraries' log messages off stderr
     * too, since every failure is reported in the CNI error. */
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    fatal_ignore_sigpipe();

    if (argc > 1) {
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
            usage();
        } else if (!strcmp(argv[1], "--version")
                   || !strcmp(argv[1], "-V")) {
            fputs(ovs_get_program_version(), stdout);
            exit(EXIT_SUCCESS);
        }
        ovs_fatal(0, "a CNI plugin takes no arguments (the container "
                  "runtime passes its request in CNI_* environment "
                  "variables and on stdin); use --help for more");
    }

    struct smap env = SMAP_INITIALIZER(&env);
    for (size_t i = 0; i < cni_n_env_vars; i++) {
        const char *value = getenv(cni_env_vars[i]);
        if (value) {
            smap_add(&env, cni_env_vars[i], value);
        }
    }

    struct cni_request req;
    struct json *output = NULL;
    char *text = NULL;
    struct cni_error *error = read_stdin(&text);
    if (!error) {
        error = cni_request_parse(&req, &env, text);
    } else {
        memset(&req, 0, sizeof req);
    }
    if (!error) {
        if (req.command == CNI_VERSION) {
            output = cni_version_result();
        } else {
            error = forward(&req, &env, text, &output);
        }
    }

    int status = EXIT_SUCCESS;
    if (error) {
        struct json *json = cni_error_to_json(error,
                                              cni_request_version(&req));
        print_json(json);
        json_destroy(json);
        cni_error_destroy(error);
        status = EXIT_FAILURE;
    } else if (output) {
        print_json(output);
    }

    json_destroy(output);
    cni_request_destroy(&req);
    free(text);
    smap_destroy(&env);
    return status;
}

static void
usage(void)
{
    printf("%s: CNI plugin for OVN-Kubernetes DPU offload (host side)\n"
           "usage: CNI_COMMAND=... [CNI_*=...] %s < NETWORK-CONFIG\n"
           "\nThe container runtime runs this program with a CNI request "
           "(CNI specification\n"
           "%s; supported cniVersions:",
           program_name, program_name, CNI_CURRENT_VERSION);
    for (size_t i = 0; i < cni_n_supported_versions; i++) {
        printf(" %s", cni_supported_versions[i]);
    }
    printf(") and it forwards the request to\n"
           "ovn-dpu-host.  Network configuration keys besides the "
           "standard ones:\n"
           "  \"deviceID\"   the pod's VF (PCI address), required for ADD\n"
           "  \"socket\"     ovn-dpu-host's CNI socket (default: %s)\n"
           "  \"timeout\"    seconds to wait for ovn-dpu-host (default: "
           "%d)\n"
           "\nOther options:\n"
           "  -h, --help     display this help message\n"
           "  -V, --version  display version information\n",
           CNI_DEFAULT_SOCKET, CNI_DEFAULT_TIMEOUT);
    exit(EXIT_SUCCESS);
}

static struct cni_error *
read_stdin(char **textp)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    char buf[4096];
    size_t n;

    *textp = NULL;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        if (text.length + n > CNI_MAX_CONFIG_SIZE) {
            ds_destroy(&text);
            return cni_error_create(CNI_ERR_DECODE, NULL,
                                    "network configuration on stdin is "
                                    "larger than %d bytes",
                                    CNI_MAX_CONFIG_SIZE);
        }
        ds_put_buffer(&text, buf, n);
    }
    if (ferror(stdin)) {
        ds_destroy(&text);
        return cni_error_create(CNI_ERR_IO, NULL, "reading stdin: %s",
                                ovs_strerror(errno));
    }
    if (memchr(ds_cstr(&text), '\0', text.length)) {
        ds_destroy(&text);
        return cni_error_create(CNI_ERR_DECODE, NULL,
                                "network configuration on stdin contains "
                                "a null byte");
    }
    *textp = ds_steal_cstr(&text);
    return NULL;
}

/* Turns a failure to get an answer from ovn-dpu-host into the CNI error to
 * report, or NULL if 'req' succeeds anyway.  'not_running' means that
 * nothing listens on the socket.  Takes ownership of 'details'. */
static struct cni_error *
unanswered(const struct cni_request *req, bool not_running, int code,
           char *details, const char *msg)
{
    struct cni_error *error = NULL;

    if (req->command == CNI_DEL && not_running) {
        /* Nothing to undo without the agent. */
    } else if (req->command == CNI_STATUS) {
        error = cni_error_create(CNI_ERR_NOT_AVAILABLE, details, "%s", msg);
    } else {
        error = cni_error_create(code, details, "%s", msg);
    }
    free(details);
    return error;
}

/* Sends the request to ovn-dpu-host and waits for its answer, at most
 * req->timeout seconds in all.  Returns NULL if ovn-dpu-host answered with
 * success, with '*outputp' set to what to print (or NULL), otherwise the
 * error to report. */
static struct cni_error *
forward(const struct cni_request *req, const struct smap *env,
        const char *text, struct json **outputp)
{
    long long int deadline = time_msec() + req->timeout * 1000LL;
    char *name = xasprintf("unix:%s", req->socket);
    struct cni_error *error = NULL;
    struct stream *stream;

    *outputp = NULL;
    int retval;
    for (long long int backoff = 10; ; backoff = MIN(backoff * 2, 250)) {
        retval = stream_open_block(stream_open(name, &stream, DSCP_DEFAULT),
                                   MAX(deadline - time_msec(), 1), &stream);
        /* ovn-dpu-host is alive but its listen backlog is full, as in a
         * burst of pods set up at once: connect() failed with EAGAIN,
         * which Open vSwitch reports as EPROTO.  Knock again shortly. */
        if ((retval != EAGAIN && retval != EPROTO)
            || time_msec() + backoff >= deadline) {
            break;
        }
        xnanosleep(backoff * 1000 * 1000);
    }
    free(name);
    if (retval) {
        bool not_running = retval == ENOENT || retval == ECONNREFUSED;
        return unanswered(
            req, not_running,
            not_running ? CNI_ERR_TRY_AGAIN_LATER : CNI_ERR_IO,
            xasprintf("cannot connect to %s: %s", req->socket,
                      ovs_strerror(retval)),
            not_running ? "ovn-dpu-host is not running"
            : "cannot reach ovn-dpu-host");
    }

    struct jsonrpc *rpc = jsonrpc_open(stream);
    struct jsonrpc_msg *request = cni_request_to_jsonrpc(env, text);
    struct json *id = json_clone(request->id);
    struct jsonrpc_msg *reply = NULL;
    jsonrpc_send(rpc, request);
    for (;;) {
        jsonrpc_run(rpc);
        retval = jsonrpc_recv(rpc, &reply);
        if (!retval) {
            /* An error with a null id answers a request that ovn-dpu-host
             * could not read at all (e.g. one over CNI_MAX_REQUEST_SIZE):
             * ours, since we send only one. */
            if ((reply->type == JSONRPC_REPLY || reply->type == JSONRPC_ERROR)
                && (json_equal(reply->id, id)
                    || (reply->type == JSONRPC_ERROR
                        && reply->id->type == JSON_NULL))) {
                break;
            }
            jsonrpc_msg_destroy(reply);
            reply = NULL;
            continue;
        } else if (retval != EAGAIN) {
            error = unanswered(
                req, false, CNI_ERR_TRY_AGAIN_LATER,
                xasprintf("on %s: %s", req->socket,
                          retval == EOF ? "connection closed"
                          : ovs_strerror(retval)),
                "ovn-dpu-host closed the connection without answering");
            break;
        } else if (time_msec() >= deadline) {
            error = unanswered(
                req, false, CNI_ERR_TRY_AGAIN_LATER,
                xasprintf("no answer on %s within %d s (\"timeout\" in the "
                          "network configuration)", req->socket,
                          req->timeout),
                "ovn-dpu-host did not answer in time");
            break;
        }

        jsonrpc_run(rpc);
        jsonrpc_wait(rpc);
        jsonrpc_recv_wait(rpc);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    jsonrpc_close(rpc);
    json_destroy(id);

    if (!reply) {
        return error;
    }

    const struct json *output = NULL;
    if (reply->type == JSONRPC_ERROR) {
        error = cni_error_from_json(reply->error);
    } else if (reply->result->type == JSON_OBJECT) {
        output = shash_find_data(json_object(reply->result), "output");
        if (!output || output->type == JSON_OBJECT) {
            *outputp = json_nullable_clone(output);
            jsonrpc_msg_destroy(reply);
            return NULL;
        }
    }
    if (!error) {
        char *s = jsonrpc_msg_to_string(reply);
        error = unanswered(req, false, CNI_ERR_IO, s,
                           "malformed answer from ovn-dpu-host");
    }
    jsonrpc_msg_destroy(reply);
    return error;
}

static void
print_json(const struct json *json)
{
    char *s = json_to_string(json, JSSF_SORT);
    puts(s);
    free(s);
}
