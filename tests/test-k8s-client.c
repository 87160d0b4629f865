/*
 * "ovn-dpu-test k8s-client": runs Kubernetes API requests through
 * k8s-client.c and k8s-watch.c on the poll loop, and prints what came back
 * in a stable form for autotest to compare.
 *
 *   ovn-dpu-test k8s-client [K8S-OPTIONS] [--print=PTRS] COMMAND ARGS...
 *
 * Commands:
 *   get PATH                  GET, print status and fields
 *   create PATH JSON          POST JSON to collection PATH
 *   update PATH JSON          PUT JSON to PATH
 *   patch PATH JSON           JSON merge patch
 *   delete PATH               DELETE
 *   watch PATH [--label-selector=S] [--field-selector=S] [--count=N]
 *         [--until-error] [--watches=N] [--rss-at=N]
 *                             list + watch, print each event until N;
 *                             --until-error: stop at the first failure
 *                             and print "error: ..."; --watches=N: stop
 *                             once N watch requests were started, printing
 *                             no events; --rss-at=N: print "rss-at-N=KB"
 *                             (VmRSS) once N watches were started, and
 *                             "rss-at-end=KB" when it stops
 *   watch-once PATH           one watch request (PATH carries watch=1):
 *                             print each event, then the outcome
 *   beside-watch PATH WATCH-PATH
 *                             GET PATH while a watch on WATCH-PATH that
 *                             the server ends after a second runs, then
 *                             three times while a second watch holds
 *                             that watch's connection: each GET must be
 *                             answered
 *   twice PATH SHELL-COMMAND  GET PATH, run SHELL-COMMAND, wait long
 *                             enough for the client to look at its token
 *                             file again, GET PATH again
 *
 * and, without a server, the decoders of what a server sends, on stdin:
 *   decode-body STATUS        k8s_parse_body(), as a STATUS (2xx) body
 *   decode-status STATUS      k8s_parse_status(), as a STATUS error body
 *   decode-stream N           a watch stream, fed N bytes at a time to
 *                             k8s_event_stream_feed(): prints each event,
 *                             then "error: ..." or how the stream ended
 *
 * PTRS is a comma-separated list of JSON pointers (RFC 6901) into the
 * response body or event object, e.g. "/metadata/name,/spec/holderIdentity";
 * each is printed as "pointer=value".  Errors print "error: MESSAGE" (and
 * "reason: REASON" for API errors) and exit with status 1.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "k8s-client.h"
#include "k8s-response.h"
#include "k8s-config.h"
#include "k8s-watch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovn-dpu-test.h"
#include "timeval.h"
#include "util.h"

static char *print_pointers;

/* Resolves JSON pointer 'ptr' in 'json'.  Returns NULL if absent. */
static const cJSON *
json_pointer(const cJSON *json, const char *ptr)
{
    if (!*ptr) {
        return json;
    }
    if (*ptr != '/') {
        return NULL;
    }

    char *copy = xstrdup(ptr + 1);
    char *save = NULL;
    for (char *token = copy; json; token = NULL) {
        char *part = strtok_r(token, "/", &save);
        if (!part) {
            break;
        }

        /* Unescape "~1" to "/" and "~0" to "~". */
        char *dst = part;
        for (const char *src = part; *src; src++) {
            if (src[0] == '~' && (src[1] == '0' || src[1] == '1')) {
                *dst++ = src[1] == '0' ? '~' : '/';
                src++;
            } else {
                *dst++ = *src;
            }
        }
        *dst = '\0';

        if (cJSON_IsArray(json)) {
            json = cJSON_GetArrayItem(json, atoi(part));
        } else {
            json = cJSON_GetObjectItemCaseSensitive(json, part);
        }
    }
    free(copy);
    return json;
}

static void
print_fields(const cJSON *json, const char *indent)
{
    if (!print_pointers) {
        return;
    }

    char *copy = xstrdup(print_pointers);
    char *save = NULL;
    for (char *ptr = strtok_r(copy, ",", &save); ptr;
         ptr = strtok_r(NULL, ",", &save)) {
        const cJSON *value = json_pointer(json, ptr);
        if (!value) {
            printf("%s%s=(absent)\n", indent, ptr);
        } else if (cJSON_IsString(value)) {
            printf("%s%s=%s\n", indent, ptr, value->valuestring);
        } else {
            char *text = cJSON_PrintUnformatted(value);
            printf("%s%s=%s\n", indent, ptr, text);
            cJSON_free(text);
        }
    }
    free(copy);
}

static cJSON *
parse_json_arg(const char *text)
{
    cJSON *json = cJSON_Parse(text);
    if (!json) {
        ovs_fatal(0, "argument is not valid JSON: %s", text);
    }
    return json;
}

/* Runs 'request' to completion, prints the outcome, and returns the exit
 * status. */
static int
run_request(struct k8s_client *client, struct k8s_request *request)
{
    while (!k8s_request_is_done(request)) {
        k8s_client_run(client);
        k8s_client_wait(client);
        k8s_request_wait(request);
        poll_block();
    }

    const struct k8s_result *r = k8s_request_result(request);
    int status = 0;
    if (k8s_result_ok(r)) {
        printf("HTTP %d\n", r->http_status);
        print_fields(r->body, "");
    } else {
        printf("error: %s\n", r->error);
        if (r->reason) {
            printf("reason: %s\n", r->reason);
        }
        printf("conflict: %s, not found: %s, already exists: %s\n",
               k8s_result_is_conflict(r) ? "yes" : "no",
               k8s_result_is_not_found(r) ? "yes" : "no",
               k8s_result_is_already_exists(r) ? "yes" : "no");
        status = 1;
    }
    k8s_request_destroy(request);
    return status;
}

/* Returns this process's resident set size in kB, from /proc. */
static long long int
get_rss_kb(void)
{
    FILE *stream = fopen("/proc/self/status", "r");
    long long int kb = -1;
    char line[256];

    if (!stream) {
        ovs_fatal(errno, "/proc/self/status");
    }
    while (fgets(line, sizeof line, stream)) {
        if (sscanf(line, "VmRSS: %lld kB", &kb) == 1) {
            break;
        }
    }
    fclose(stream);
    return kb;
}

static int
do_watch(struct k8s_client *client, int argc, char *argv[])
{
    const char *label_selector = NULL;
    const char *field_selector = NULL;
    long long int count = LLONG_MAX;
    long long int max_watches = LLONG_MAX;
    long long int rss_at = -1;
    bool until_error = false;
    const char *path = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--label-selector=", 17)) {
            label_selector = argv[i] + 17;
        } else if (!strncmp(argv[i], "--field-selector=", 17)) {
            field_selector = argv[i] + 17;
        } else if (!strncmp(argv[i], "--count=", 8)) {
            count = atoll(argv[i] + 8);
        } else if (!strncmp(argv[i], "--watches=", 10)) {
            max_watches = atoll(argv[i] + 10);
        } else if (!strncmp(argv[i], "--rss-at=", 9)) {
            rss_at = atoll(argv[i] + 9);
        } else if (!strcmp(argv[i], "--until-error")) {
            until_error = true;
        } else if (!path) {
            path = argv[i];
        } else {
            ovs_fatal(0, "watch: unexpected argument %s", argv[i]);
        }
    }
    if (!path) {
        ovs_fatal(0, "watch: PATH required");
    }

    struct k8s_watch *w = k8s_watch_create(client, path, label_selector,
                                           field_selector);
    bool synced = false;
    long long int n = 0;
    int status = 0;
    while (n < count) {
        k8s_client_run(client);
        k8s_watch_run(w);

        if (until_error && k8s_watch_get_error(w)) {
            printf("error: %s\n", k8s_watch_get_error(w));
            status = 1;
            break;
        }
        if (max_watches != LLONG_MAX) {
            /* Counting reconnects: the events do not matter. */
            struct k8s_event *e;
            while ((e = k8s_watch_next_event(w))) {
                k8s_event_destroy(e);
            }

            struct k8s_watch_stats stats;
            k8s_watch_get_stats(w, &stats);
            if (rss_at >= 0 && stats.watches >= rss_at) {
                printf("rss-at-%lld=%lld\n", rss_at, get_rss_kb());
                rss_at = -1;
            }
            if (stats.watches >= max_watches) {
                printf("rss-at-end=%lld\n", get_rss_kb());
                break;
            }
            k8s_client_wait(client);
            k8s_watch_wait(w);
            poll_block();
            continue;
        }

        if (!synced && k8s_watch_is_synced(w)) {
            /* Events from the initial list come before "SYNCED". */
            struct k8s_event *e;
            while (n < count && (e = k8s_watch_next_event(w))) {
                printf("%s %s\n", k8s_event_type_to_string(e->type), e->key);
                print_fields(e->object, "  ");
                k8s_event_destroy(e);
                n++;
            }
            printf("SYNCED\n");
            synced = true;
        }

        struct k8s_event *e;
        while (n < count && (e = k8s_watch_next_event(w))) {
            printf("%s %s\n", k8s_event_type_to_string(e->type), e->key);
            print_fields(e->object, "  ");
            k8s_event_destroy(e);
            n++;
        }
        fflush(stdout);
        if (n >= count) {
            break;
        }

        k8s_client_wait(client);
        k8s_watch_wait(w);
        poll_block();
    }

    struct k8s_watch_stats stats;
    k8s_watch_get_stats(w, &stats);
    printf("lists=%llu relists=%llu\n", stats.lists, stats.relists);
    if (max_watches != LLONG_MAX) {
        printf("watches=%llu failures=%llu\n", stats.watches,
               stats.failures);
    }
    k8s_watch_destroy(w);
    return status;
}

/* The "watch-once" command: one watch request, without k8s-watch.c. */
static int
do_watch_once(struct k8s_client *client, const char *path)
{
    struct k8s_request *request = k8s_request_watch(client, path);
    bool done;

    do {
        k8s_client_run(client);
        done = k8s_request_is_done(request);

        cJSON *event;
        while ((event = k8s_request_pop_event(request))) {
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(event,
                                                                 "type");
            printf("event %s\n", type->valuestring);
            cJSON_Delete(event);
        }
        fflush(stdout);
        if (!done) {
            k8s_client_wait(client);
            k8s_request_wait(request);
            poll_block();
        }
    } while (!done);

    const struct k8s_result *r = k8s_request_result(request);
    int status = 0;
    if (k8s_result_ok(r)) {
        printf("HTTP %d, stream ended\n", r->http_status);
    } else {
        printf("error: %s\n", r->error);
        if (r->reason) {
            printf("reason: %s\n", r->reason);
        }
        printf("gone: %s\n", k8s_result_is_gone(r) ? "yes" : "no");
        status = 1;
    }
    k8s_request_destroy(request);
    return status;
}

/* Runs the client until 'request' is done or, if 'until_event', until it
 * received an event.  Events are dropped.  Returns the request. */
static struct k8s_request *
run_until(struct k8s_client *client, struct k8s_request *request,
          bool until_event)
{
    for (;;) {
        bool got_event = false;
        cJSON *event;

        k8s_client_run(client);
        while ((event = k8s_request_pop_event(request))) {
            cJSON_Delete(event);
            got_event = true;
        }
        if ((until_event && got_event) || k8s_request_is_done(request)) {
            return request;
        }
        k8s_client_wait(client);
        k8s_request_wait(request);
        poll_block();
    }
}

static int
print_outcome(const char *what, struct k8s_request *request)
{
    const struct k8s_result *r = k8s_request_result(request);
    bool ok = k8s_result_ok(r);

    if (ok) {
        printf("%s: HTTP %d\n", what, r->http_status);
    } else {
        printf("%s: error: %s\n", what, r->error);
    }
    k8s_request_destroy(request);
    return !ok;
}

/* The "beside-watch" command.  A watch holds its connection for as long as
 * it runs, and the client must never queue another request behind it: the
 * second GET below goes out while a watch runs on the connection that the
 * first watch left behind. */
static int
do_beside_watch(struct k8s_client *client, const char *path,
                const char *watch_path)
{
    char *short_watch = xasprintf("%s%swatch=1&timeoutSeconds=1",
                                  watch_path,
                                  strchr(watch_path, '?') ? "&" : "?");
    char *long_watch = xasprintf("%s%swatch=1&timeoutSeconds=300",
                                 watch_path,
                                 strchr(watch_path, '?') ? "&" : "?");
    int status = 0;

    /* The first watch has its connection before the GET opens another. */
    struct k8s_request *w1 = run_until(
        client, k8s_request_watch(client, short_watch), true);
    status |= print_outcome("get beside the first watch",
                            run_until(client, k8s_request_get(client, path),
                                      false));
    run_until(client, w1, false);
    status |= print_outcome("first watch", w1);

    struct k8s_request *w2 = run_until(
        client, k8s_request_watch(client, long_watch), true);
    if (k8s_request_is_done(w2)) {
        status |= print_outcome("second watch", w2);
        w2 = NULL;
    } else {
        printf("second watch: receiving\n");
    }
    for (int i = 1; i <= 3; i++) {
        char *what = xasprintf("get %d beside the second watch", i);
        status |= print_outcome(what,
                                run_until(client,
                                          k8s_request_get(client, path),
                                          false));
        free(what);
    }
    k8s_request_destroy(w2);
    free(short_watch);
    free(long_watch);
    return status;
}

/* Reads all of stdin into 's'. */
static void
read_stdin(struct ds *s)
{
    char buf[4096];
    size_t n;

    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        ds_put_buffer(s, buf, n);
    }
}

static void
print_json_line(const cJSON *json)
{
    char *text = cJSON_PrintUnformatted(json);
    printf("%s\n", text);
    cJSON_free(text);
}

/* The decode-* commands.  Returns the exit status: 1 if the input does not
 * decode (a Status error always does). */
static int
do_decode(const char *command, const char *arg)
{
    int number = atoi(arg);
    struct ds input = DS_EMPTY_INITIALIZER;
    struct ds msg = DS_EMPTY_INITIALIZER;

    read_stdin(&input);
    if (!strcmp(command, "decode-body")) {
        cJSON *body = k8s_parse_body(input.string, input.length, number,
                                     &msg);
        if (body) {
            print_json_line(body);
            cJSON_Delete(body);
        }
    } else if (!strcmp(command, "decode-status")) {
        char *reason = k8s_parse_status(number, input.string, input.length,
                                        &msg);
        printf("reason: %s\nmessage: %s\n", reason ? reason : "(none)",
               ds_cstr(&msg));
        free(reason);
        ds_clear(&msg);
    } else if (!strcmp(command, "decode-stream") && number > 0) {
        struct k8s_event_stream *stream = k8s_event_stream_create();
        char *error = NULL;

        for (size_t ofs = 0; ofs < input.length && !error; ofs += number) {
            size_t n = MIN(number, input.length - ofs);
            cJSON *event;

            error = k8s_event_stream_feed(stream, &input.string[ofs], n);
            while ((event = k8s_event_stream_pop(stream))) {
                print_json_line(event);
                cJSON_Delete(event);
            }
        }
        if (error) {
            ds_put_cstr(&msg, error);
            free(error);
        } else {
            printf("end%s\n", (k8s_event_stream_in_event(stream)
                                ? " inside an event" : ""));
        }
        k8s_event_stream_destroy(stream);
    } else {
        ovs_fatal(0, "usage: k8s-client decode-body|decode-status STATUS "
                  "or decode-stream N");
    }

    int status = 0;
    if (msg.length) {
        printf("error: %s\n", ds_cstr(&msg));
        status = 1;
    }
    ds_destroy(&input);
    ds_destroy(&msg);
    return status;
}

void
test_k8s_client_main(int argc, char *argv[])
{
    enum {
        OPT_PRINT = UCHAR_MAX + 1,
        VLOG_OPTION_ENUMS,
        K8S_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"print", required_argument, NULL, OPT_PRINT},
        VLOG_LONG_OPTIONS,
        K8S_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };

    /* Stop at the first non-option, so that the command's own options
     * (e.g. watch --count) are left for it. */
    char *ovs_short_options
        = ovs_cmdl_long_options_to_short_options(long_options);
    char *short_options = xasprintf("+%s", ovs_short_options);
    free(ovs_short_options);
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_PRINT:
            print_pointers = optarg;
            break;
        VLOG_OPTION_HANDLERS
        K8S_OPTION_HANDLERS
        case '?':
            exit(EXIT_FAILURE);
        default:
            abort();
        }
    }
    free(short_options);
    argc -= optind;
    argv += optind;
    if (argc < 2) {
        ovs_fatal(0, "usage: k8s-client [OPTIONS] COMMAND PATH [ARG]");
    }
    if (!strncmp(argv[0], "decode-", 7)) {
        exit(do_decode(argv[0], argv[1]));
    }

    struct k8s_config config;
    char *error = k8s_options_get_config(&config);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    struct k8s_client *client = k8s_client_create(&config, "ovn-dpu-test");
    k8s_config_destroy(&config);

    const char *command = argv[0];
    const char *path = argv[1];
    int status;
    if (!strcmp(command, "watch")) {
        status = do_watch(client, argc, argv);
    } else if (!strcmp(command, "watch-once") && argc == 2) {
        status = do_watch_once(client, path);
    } else if (!strcmp(command, "get") && argc == 2) {
        status = run_request(client, k8s_request_get(client, path));
    } else if (!strcmp(command, "beside-watch") && argc == 3) {
        status = do_beside_watch(client, path, argv[2]);
    } else if (!strcmp(command, "twice") && argc == 3) {
        status = run_request(client, k8s_request_get(client, path));
        if (system(argv[2])) {
            ovs_fatal(0, "\"%s\" failed", argv[2]);
        }
        xsleep(2);
        status |= run_request(client, k8s_request_get(client, path));
    } else if (!strcmp(command, "delete") && argc == 2) {
        status = run_request(client, k8s_request_delete(client, path));
    } else if (argc == 3 && (!strcmp(command, "create")
                             || !strcmp(command, "update")
                             || !strcmp(command, "patch"))) {
        cJSON *body = parse_json_arg(argv[2]);
        struct k8s_request *request
            = (command[0] == 'c' ? k8s_request_create(client, path, body)
               : command[0] == 'u' ? k8s_request_update(client, path, body)
               : k8s_request_merge_patch(client, path, body));
        cJSON_Delete(body);
        status = run_request(client, request);
    } else {
        ovs_fatal(0, "unknown command or wrong arguments: %s", command);
    }

    k8s_client_destroy(client);
    exit(status);
}
