/*
 * The asynchronous Kubernetes API client: libcurl's multi interface on the
 * Open vSwitch poll loop.  See k8s-client.h for the contract.
 *
 * libcurl tells us which sockets it wants watched through its socket
 * callback and when it next needs to run through its timer callback; we
 * keep both in 'struct k8s_client' and hand them to the poll loop in
 * k8s_client_wait().  k8s_client_run() asks poll() (with a zero timeout)
 * which of those sockets are ready and passes each to
 * curl_multi_socket_action(), then collects finished transfers.
 */

#include <config.h>

#include "k8s-client.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#if LIBCURL_VERSION_NUM < 0x074d00
#error "libcurl 7.77 or later is required (CURLOPT_CAINFO_BLOB)"
#endif
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "k8s-config.h"
#include "k8s-metrics.h"
#include "k8s-response.h"
#include "k8s-token.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "coverage.h"
#include "hash.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(k8s_client);

COVERAGE_DEFINE(k8s_request);
COVERAGE_DEFINE(k8s_request_failed);

/* A request that gets no answer within this time fails, so that a server
 * that accepts connections but never answers cannot stall a caller
 * (k8s_client_set_request_timeout() changes it per client).  Watches are
 * exempt: they end by the server's timeoutSeconds. */
#define K8S_REQUEST_TIMEOUT_MS (30 * 1000)
#define K8S_CONNECT_TIMEOUT_MS (10 * 1000)

/* At most this many requests other than watches are handed to libcurl at
 * once; the others wait in the client's queue, in order.  Each request in
 * libcurl's hands costs its own buffers (about 80 kB in libcurl 7.88) and
 * more state; without a limit, an agent that patches 200 pods at once
 * would hold 200 of them, grow its heap by some 20 MB for a moment and,
 * fragmented, never give most of it back.  Watches are not counted: they
 * live long and must not wait behind each other. */
#define K8S_MAX_ACTIVE_REQUESTS 8

/* How often, at most, we stat() the token file to see if it changed. */
#define K8S_TOKEN_CHECK_MS 1000

struct k8s_socket {
    struct hmap_node hmap_node; /* In k8s_client's 'sockets', by fd. */
    curl_socket_t fd;
    int what;                   /* CURL_POLL_IN, _OUT or _INOUT. */
};

struct k8s_client {
    struct k8s_config config;
    char *user_agent;
    CURLM *multi;

    struct hmap sockets;        /* Contains "struct k8s_socket"s. */
    long long int timer;        /* When libcurl wants to run, or
                                 * LLONG_MAX for never. */
    struct ovs_list requests;   /* Contains "struct k8s_request"s. */
    struct ovs_list queue;      /* Requests not yet started, in order. */
    size_t n_active;            /* Non-watch requests started, unfinished. */

    /* Bearer token, from config.token or re-read from config.token_file. */
    char *token;
    struct stat token_stat;     /* Of the token file when last read. */
    long long int token_checked;
    char *token_error;          /* Why the token file can't be read. */

    int request_timeout_ms;     /* CURLOPT_TIMEOUT_MS of non-watches. */

    struct k8s_client_stats stats;
    char *last_error;
    char *metrics_host;         /* The server's "host:port". */
};

enum k8s_method {
    K8S_GET,
    K8S_POST,
    K8S_PUT,
    K8S_PATCH,
    K8S_DELETE,
};

static const char *const method_names[] = {
    [K8S_GET] = "GET",
    [K8S_POST] = "POST",
    [K8S_PUT] = "PUT",
    [K8S_PATCH] = "PATCH",
    [K8S_DELETE] = "DELETE",
};

struct k8s_request {
    struct ovs_list list_node;  /* In k8s_client's 'requests'. */
    struct k8s_client *client;
    CURL *easy;                 /* While started and not finished. */
    struct ovs_list queue_node; /* In k8s_client's 'queue' while queued. */
    bool queued;                /* Waiting in the client's queue. */
    bool active;                /* Counted in client's 'n_active'. */
    char *body_text;            /* Request body until started, or NULL. */
    char *content_type;         /* Content-Type until started, or NULL. */
    struct curl_slist *headers;
    enum k8s_method method;
    char *path;
    bool is_watch;
    bool fresh_connection;      /* Never reuse a pooled connection. */
    long long int start;        /* time_msec() when started. */
    long long int last_activity;  /* When a watch last received bytes. */
    long long int finish;       /* time_msec() when done, or LLONG_MAX. */

    struct ds body;             /* Body received so far (non-watch). */
    struct k8s_event_stream *stream;    /* A watch's events, else NULL. */
    char *local_error;          /* Our own reason to abort the transfer. */
    char curl_error[CURL_ERROR_SIZE];

    struct k8s_result result;
};

static void k8s_request_finish(struct k8s_request *, CURLcode);
static void k8s_request_launch(struct k8s_request *);
static void k8s_client_start_queued(struct k8s_client *);
static void k8s_client_check_token(struct k8s_client *, bool force);

/* Global libcurl initialization, done once per process. */
static void
k8s_curl_init(void)
{
    static bool inited;

    if (!inited) {
        CURLcode error = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (error) {
            ovs_fatal(0, "libcurl initialization failed: %s",
                      curl_easy_strerror(error));
        }
        inited = true;
    }
}

static struct k8s_socket *
k8s_socket_find(const struct k8s_client *client, curl_socket_t fd)
{
    struct k8s_socket *s;

    HMAP_FOR_EACH_WITH_HASH (s, hmap_node, hash_int(fd, 0),
                             &client->sockets) {
        if (s->fd == fd) {
            return s;
        }
    }
    return NULL;
}

/* libcurl's CURLMOPT_SOCKETFUNCTION. */
static int
k8s_socket_cb(CURL *easy OVS_UNUSED, curl_socket_t fd, int what,
              void *client_, void *socketp OVS_UNUSED)
{
    struct k8s_client *client = client_;
    struct k8s_socket *s = k8s_socket_find(client, fd);

    if (what == CURL_POLL_REMOVE) {
        if (s) {
            hmap_remove(&client->sockets, &s->hmap_node);
            free(s);
        }
    } else {
        if (!s) {
            s = xmalloc(sizeof *s);
            s->fd = fd;
            hmap_insert(&client->sockets, &s->hmap_node, hash_int(fd, 0));
        }
        s->what = what;
    }
    return 0;
}

/* libcurl's CURLMOPT_TIMERFUNCTION. */
static int
k8s_timer_cb(CURLM *multi OVS_UNUSED, long timeout_ms, void *client_)
{
    struct k8s_client *client = client_;

    client->timer = timeout_ms < 0 ? LLONG_MAX : time_msec() + timeout_ms;
    return 0;
}

struct k8s_client *
k8s_client_create(const struct k8s_config *config, const char *user_agent)
{
    struct k8s_client *client = xzalloc(sizeof *client);

    k8s_curl_init();
    k8s_metrics_init();
    k8s_config_clone(&client->config, config);
    client->user_agent = xasprintf("%s ovn-dpu/%s", user_agent,
                                   PACKAGE_VERSION);
    client->request_timeout_ms = K8S_REQUEST_TIMEOUT_MS;
    client->metrics_host = k8s_metrics_host(config->server
                                            ? config->server : "");
    client->multi = curl_multi_init();
    if (!client->multi) {
        ovs_fatal(0, "curl_multi_init() failed");
    }
    curl_multi_setopt(client->multi, CURLMOPT_SOCKETFUNCTION, k8s_socket_cb);
    curl_multi_setopt(client->multi, CURLMOPT_SOCKETDATA, client);
    curl_multi_setopt(client->multi, CURLMOPT_TIMERFUNCTION, k8s_timer_cb);
    curl_multi_setopt(client->multi, CURLMOPT_TIMERDATA, client);
    hmap_init(&client->sockets);
    client->timer = LLONG_MAX;
    ovs_list_init(&client->requests);
    ovs_list_init(&client->queue);

    if (config->token) {
        client->token = xstrdup(config->token);
    }
    client->token_checked = LLONG_MIN;
    k8s_client_check_token(client, true);
    return client;
}

void
k8s_client_destroy(struct k8s_client *client)
{
    if (!client) {
        return;
    }

    /* Requests outlive the client only as finished, detached objects. */
    struct k8s_request *request;
    LIST_FOR_EACH_POP (request, list_node, &client->requests) {
        if (!k8s_request_is_done(request)) {
            request->local_error = xstrdup("client destroyed");
            k8s_request_finish(request, CURLE_ABORTED_BY_CALLBACK);
        }
        request->client = NULL;
        ovs_list_init(&request->list_node);
    }
    curl_multi_cleanup(client->multi);

    struct k8s_socket *s;
    HMAP_FOR_EACH_POP (s, hmap_node, &client->sockets) {
        free(s);
    }
    hmap_destroy(&client->sockets);
    k8s_config_destroy(&client->config);
    free(client->user_agent);
    free(client->metrics_host);
    free(client->token);
    free(client->token_error);
    free(client->last_error);
    free(client);
}

const char *
k8s_client_server(const struct k8s_client *client)
{
    return client->config.server;
}

void
k8s_client_set_request_timeout(struct k8s_client *client, int ms)
{
    client->request_timeout_ms = MAX(ms, 1);
}

void
k8s_client_get_stats(const struct k8s_client *client,
                     struct k8s_client_stats *stats)
{
    *stats = client->stats;
    stats->in_flight = ovs_list_size(&client->requests);
}

void
k8s_client_format_status(const struct k8s_client *client, struct ds *s)
{
    struct k8s_client_stats stats;

    k8s_client_get_stats(client, &stats);
    ds_put_format(s, "server: %s\n", client->config.server);
    ds_put_format(s, "credentials: %s\n",
                  client->config.token_file ? "token file"
                  : client->config.token ? "token"
                  : client->config.client_cert_file
                    || client->config.client_cert_data
                  ? "client certificate" : "none");
    if (client->config.token_file) {
        ds_put_format(s, "token file: %s%s%s\n", client->config.token_file,
                      client->token_error ? " (" : "",
                      client->token_error ? client->token_error : "");
        if (client->token_error) {
            ds_put_char(s, ')');
        }
    }
    ds_put_format(s, "requests: %llu started, %llu failed, %llu in flight\n",
                  stats.requests, stats.failures, stats.in_flight);
    if (client->config.token_file) {
        ds_put_format(s, "token reloads: %llu\n", stats.token_reloads);
    }
    if (client->last_error) {
        ds_put_format(s, "last error: %s\n", client->last_error);
    }
}

/* Re-reads the token file if it changed since we last read it.  Checks at
 * most once per K8S_TOKEN_CHECK_MS unless 'force'. */
static void
k8s_client_check_token(struct k8s_client *client, bool force)
{
    const char *file_name = client->config.token_file;
    long long int now = time_msec();

    if (!file_name
        || (!force && now - client->token_checked < K8S_TOKEN_CHECK_MS)) {
        return;
    }
    client->token_checked = now;

    /* On an error, the token read before (if any) stays in use: the
     * kubelet replaces a projected token by swapping a symlink, and a
     * reader may look in between. */
    struct stat st;
    char *error = NULL;
    if (stat(file_name, &st)) {
        error = xasprintf("cannot stat token file: %s", ovs_strerror(errno));
    } else if (client->token
               && st.st_ino == client->token_stat.st_ino
               && st.st_dev == client->token_stat.st_dev
               && st.st_size == client->token_stat.st_size
               && st.st_mtim.tv_sec == client->token_stat.st_mtim.tv_sec
               && st.st_mtim.tv_nsec == client->token_stat.st_mtim.tv_nsec) {
        /* Unchanged. */
    } else {
        char *token;
        error = k8s_token_read(file_name, &token);
        if (!error) {
            if (client->token) {
                client->stats.token_reloads++;
                VLOG_INFO("re-read bearer token from %s", file_name);
            }
            free(client->token);
            client->token = token;
            client->token_stat = st;
        }
    }

    free(client->token_error);
    client->token_error = error;
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_WARN_RL(&rl, "%s: %s", file_name, error);
    }
}

/* libcurl's CURLOPT_WRITEFUNCTION for ordinary requests. */
static size_t
k8s_write_body_cb(char *data, size_t size OVS_UNUSED, size_t n, void *req_)
{
    struct k8s_request *request = req_;

    if (request->body.length + n > K8S_MAX_BODY_SIZE) {
        request->local_error = xasprintf("response body exceeds %d bytes",
                                         K8S_MAX_BODY_SIZE);
        return 0;
    }
    ds_put_buffer(&request->body, data, n);
    return n;
}

/* libcurl's CURLOPT_WRITEFUNCTION for watches.
 *
 * Only a 2xx answer is a stream of events.  Any other status carries a
 * Status object (e.g. 403 Forbidden, 410 Gone), which is collected like an
 * ordinary body, within K8S_MAX_BODY_SIZE, so that k8s_request_finish()
 * reports its reason and message rather than a framing error. */
static size_t
k8s_write_watch_cb(char *data, size_t size, size_t n, void *req_)
{
    struct k8s_request *request = req_;
    long http_status = 0;

    curl_easy_getinfo(request->easy, CURLINFO_RESPONSE_CODE, &http_status);
    if (http_status < 200 || http_status > 299) {
        return k8s_write_body_cb(data, size, n, req_);
    }

    request->last_activity = time_msec();
    char *error = k8s_event_stream_feed(request->stream, data, n);

    if (error) {
        free(request->local_error);
        request->local_error = error;
        return 0;
    }
    return n;
}

static void
k8s_set_blob(CURL *easy, CURLoption option, const char *data, size_t length)
{
    struct curl_blob blob = {
        .data = CONST_CAST(char *, data),
        .len = length,
        .flags = CURL_BLOB_COPY,
    };
    curl_easy_setopt(easy, option, &blob);
}

/* Flags for k8s_request_start(). */
#define START_WATCH 1           /* A watch. */
#define START_FRESH 2           /* On a new connection. */

static struct k8s_request *
k8s_request_start(struct k8s_client *client, enum k8s_method method,
                  const char *path, const cJSON *body,
                  const char *content_type, unsigned int flags)
{
    struct k8s_request *request = xzalloc(sizeof *request);
    bool is_watch = flags & START_WATCH;

    request->client = client;
    request->method = method;
    request->path = xstrdup(path);
    request->is_watch = is_watch;
    request->fresh_connection = flags & START_FRESH;
    request->start = time_msec();
    request->last_activity = request->start;
    request->finish = LLONG_MAX;
    ds_init(&request->body);
    request->stream = is_watch ? k8s_event_stream_create() : NULL;
    ovs_list_push_back(&client->requests, &request->list_node);
    client->stats.requests++;
    COVERAGE_INC(k8s_request);

    if (body) {
        char *text = cJSON_PrintUnformatted(body);
        if (!text) {
            request->local_error = xstrdup("cannot serialize request body");
            k8s_request_finish(request, CURLE_ABORTED_BY_CALLBACK);
            return request;
        }
        request->body_text = xstrdup(text);
        cJSON_free(text);
    }
    request->content_type = nullable_xstrdup(content_type);

    if (!is_watch && client->n_active >= K8S_MAX_ACTIVE_REQUESTS) {
        request->queued = true;
        ovs_list_push_back(&client->queue, &request->queue_node);
        VLOG_DBG("%s %s: queued", method_names[method], path);
    } else {
        k8s_request_launch(request);
    }
    return request;
}

/* Sets up 'easy' to check the server and present our client certificate
 * as 'cfg' says. */
static void
k8s_set_tls(CURL *easy, const struct k8s_config *cfg)
{
    if (cfg->insecure_skip_tls_verify) {
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (cfg->ca_file) {
        curl_easy_setopt(easy, CURLOPT_CAINFO, cfg->ca_file);
    } else if (cfg->ca_data) {
        k8s_set_blob(easy, CURLOPT_CAINFO_BLOB, cfg->ca_data,
                     cfg->ca_data_len);
    }
    if (cfg->client_cert_file) {
        curl_easy_setopt(easy, CURLOPT_SSLCERT, cfg->client_cert_file);
    } else if (cfg->client_cert_data) {
        k8s_set_blob(easy, CURLOPT_SSLCERT_BLOB, cfg->client_cert_data,
                     cfg->client_cert_data_len);
    }
    if (cfg->client_key_file) {
        curl_easy_setopt(easy, CURLOPT_SSLKEY, cfg->client_key_file);
    } else if (cfg->client_key_data) {
        k8s_set_blob(easy, CURLOPT_SSLKEY_BLOB, cfg->client_key_data,
                     cfg->client_key_data_len);
    }
}

/* Hands 'request' to libcurl. */
static void
k8s_request_launch(struct k8s_request *request)
{
    struct k8s_client *client = request->client;
    const struct k8s_config *cfg = &client->config;
    enum k8s_method method = request->method;
    const char *path = request->path;
    bool is_watch = request->is_watch;

    CURL *easy = request->easy = curl_easy_init();
    if (!easy) {
        request->local_error = xstrdup("curl_easy_init() failed");
        k8s_request_finish(request, CURLE_FAILED_INIT);
        return;
    }

    char *url = xasprintf("%s%s", cfg->server, path);
    curl_easy_setopt(easy, CURLOPT_URL, url);
    free(url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    /* Before 7.85 (e.g. Ubuntu 22.04's 7.81); deprecated since. */
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS,
                     (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(easy, CURLOPT_PRIVATE, request);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, request->curl_error);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, client->user_agent);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     (long) K8S_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPINTVL, 10L);
    /* HTTP/1.1 for every request.  A watch needs a connection of its own:
     * over HTTP/2 every request of the client would share one connection,
     * so that a watch that went silent (see k8s-watch.h) could not be
     * replaced by one on a working connection.  The other requests must
     * then use HTTP/1.1 too: libcurl 7.88 (Debian 12) marks all its
     * connections to a server as able to multiplex once one of them speaks
     * HTTP/2, and may then send a request onto an HTTP/1.1 connection that
     * a watch holds, where it waits until the watch ends. */
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION,
                     (long) CURL_HTTP_VERSION_1_1);
    if (is_watch) {
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, k8s_write_watch_cb);
        if (request->fresh_connection) {
            curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
        }
    } else {
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, k8s_write_body_cb);
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                         (long) client->request_timeout_ms);
    }
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, request);

    k8s_set_tls(easy, cfg);

    /* Headers. */
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Accept: application/json");
    k8s_client_check_token(client, false);
    if (client->token) {
        char *auth = xasprintf("Authorization: Bearer %s", client->token);
        headers = curl_slist_append(headers, auth);
        explicit_bzero(auth, strlen(auth));
        free(auth);
    }
    if (request->content_type) {
        char *ct = xasprintf("Content-Type: %s", request->content_type);
        headers = curl_slist_append(headers, ct);
        free(ct);
    }
    request->headers = headers;
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);

    /* Method and body. */
    switch (method) {
    case K8S_GET:
        break;
    case K8S_POST:
    case K8S_PUT:
    case K8S_PATCH:
    case K8S_DELETE:
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method_names[method]);
        break;
    }
    if (request->body_text) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE,
                         (long) strlen(request->body_text));
        curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request->body_text);
        free(request->body_text);
        request->body_text = NULL;
    }
    free(request->content_type);
    request->content_type = NULL;

    CURLMcode mc = curl_multi_add_handle(client->multi, easy);
    if (mc) {
        request->local_error = xasprintf("curl_multi_add_handle: %s",
                                         curl_multi_strerror(mc));
        k8s_request_finish(request, CURLE_FAILED_INIT);
        return;
    }
    if (!is_watch) {
        request->active = true;
        client->n_active++;
    }
    VLOG_DBG("%s %s", method_names[method], path);
}

/* Starts queued requests while there is room. */
static void
k8s_client_start_queued(struct k8s_client *client)
{
    while (client->n_active < K8S_MAX_ACTIVE_REQUESTS
           && !ovs_list_is_empty(&client->queue)) {
        struct k8s_request *request = CONTAINER_OF(
            ovs_list_pop_front(&client->queue), struct k8s_request,
            queue_node);
        request->queued = false;
        k8s_request_launch(request);
    }
}

struct k8s_request *
k8s_request_get(struct k8s_client *client, const char *path)
{
    return k8s_request_start(client, K8S_GET, path, NULL, NULL, 0);
}

struct k8s_request *
k8s_request_create(struct k8s_client *client, const char *collection_path,
                   const cJSON *body)
{
    return k8s_request_start(client, K8S_POST, collection_path, body,
                             "application/json", 0);
}

struct k8s_request *
k8s_request_update(struct k8s_client *client, const char *path,
                   const cJSON *body)
{
    return k8s_request_start(client, K8S_PUT, path, body,
                             "application/json", 0);
}

struct k8s_request *
k8s_request_merge_patch(struct k8s_client *client, const char *path,
                        const cJSON *patch)
{
    return k8s_request_start(client, K8S_PATCH, path, patch,
                             "application/merge-patch+json", 0);
}

struct k8s_request *
k8s_request_delete(struct k8s_client *client, const char *path)
{
    return k8s_request_start(client, K8S_DELETE, path, NULL, NULL, 0);
}

struct k8s_request *
k8s_request_watch(struct k8s_client *client, const char *path)
{
    return k8s_request_start(client, K8S_GET, path, NULL, NULL, START_WATCH);
}

struct k8s_request *
k8s_request_watch_fresh(struct k8s_client *client, const char *path)
{
    return k8s_request_start(client, K8S_GET, path, NULL, NULL,
                             START_WATCH | START_FRESH);
}

/* Puts what went wrong in a transfer that ended with 'code' into 'msg'.
 * libcurl keeps the first message of a transfer in its error buffer
 * 'error': when it sent a request on a pooled connection that the server
 * had closed ("Send failure: Broken pipe") and then failed to connect
 * again (the server is down), the buffer still has the first message, so
 * that message comes after what the code says. */
static void
k8s_put_curl_error(struct ds *msg, CURLcode code, const char *error)
{
    const char *what = curl_easy_strerror(code);

    if (!error[0]) {
        ds_put_cstr(msg, what);
    } else if (code == CURLE_COULDNT_CONNECT && !strstr(error, what)) {
        ds_put_format(msg, "%s (before that: %s)", what, error);
    } else {
        ds_put_cstr(msg, error);
    }
}

static void
k8s_request_finish(struct k8s_request *request, CURLcode code)
{
    struct k8s_client *client = request->client;
    struct k8s_result *r = &request->result;
    struct ds msg = DS_EMPTY_INITIALIZER;
    long http_status = 0;

    if (request->easy) {
        curl_easy_getinfo(request->easy, CURLINFO_RESPONSE_CODE, &http_status);
    }
    if (request->queued) {
        ovs_list_remove(&request->queue_node);
        request->queued = false;
    }
    if (request->active) {
        request->active = false;
        client->n_active--;
    }
    free(request->body_text);
    request->body_text = NULL;
    free(request->content_type);
    request->content_type = NULL;
    r->http_status = http_status;
    request->finish = time_msec();

    ds_put_format(&msg, "%s %s: ", method_names[request->method],
                  request->path);
    if (request->local_error) {
        ds_put_cstr(&msg, request->local_error);
    } else if (code != CURLE_OK) {
        k8s_put_curl_error(&msg, code, request->curl_error);
    } else if (http_status < 200 || http_status > 299) {
        r->reason = k8s_parse_status(http_status, request->body.string,
                                     request->body.length, &msg);
    } else if (!request->is_watch && request->body.length) {
        r->body = k8s_parse_body(request->body.string, request->body.length,
                                 http_status, &msg);
        if (r->body) {
            ds_clear(&msg);
        }
    } else if (request->is_watch
               && k8s_event_stream_in_event(request->stream)) {
        ds_put_cstr(&msg, "watch stream ended inside an event");
    } else {
        ds_clear(&msg);
    }

    if (client && (http_status || code != CURLE_ABORTED_BY_CALLBACK)) {
        /* Not a request that we canceled before it had an answer. */
        k8s_metrics_request(client->metrics_host,
                            method_names[request->method], http_status,
                            request->is_watch,
                            request->finish - request->start);
    }
    if (msg.length) {
        r->error = ds_steal_cstr(&msg);
        COVERAGE_INC(k8s_request_failed);
        if (client) {
            client->stats.failures++;
            free(client->last_error);
            client->last_error = xstrdup(r->error);
            if (r->http_status == 401) {
                /* Maybe the token rotated: look again before the next
                 * request. */
                k8s_client_check_token(client, true);
            }
        }
        VLOG_DBG("%s", r->error);
    } else {
        VLOG_DBG("%s %s: HTTP %d (%lld ms)", method_names[request->method],
                 request->path, r->http_status,
                 request->finish - request->start);
    }
    ds_destroy(&msg);
    if (!request->is_watch) {
        ds_destroy(&request->body);
        ds_init(&request->body);
    }

    if (request->easy) {
        if (client) {
            curl_multi_remove_handle(client->multi, request->easy);
        }
        curl_easy_cleanup(request->easy);
        request->easy = NULL;
    }
    curl_slist_free_all(request->headers);
    request->headers = NULL;
}

void
k8s_client_run(struct k8s_client *client)
{
    size_t n = hmap_count(&client->sockets);
    int running;

    if (n) {
        struct pollfd *fds = xmalloc(n * sizeof *fds);
        struct k8s_socket *s;
        size_t i = 0;

        HMAP_FOR_EACH (s, hmap_node, &client->sockets) {
            fds[i].fd = s->fd;
            fds[i].events = ((s->what & CURL_POLL_IN ? POLLIN : 0)
                             | (s->what & CURL_POLL_OUT ? POLLOUT : 0));
            fds[i].revents = 0;
            i++;
        }
        if (poll(fds, n, 0) > 0) {
            for (i = 0; i < n; i++) {
                int mask = ((fds[i].revents & POLLIN ? CURL_CSELECT_IN : 0)
                            | (fds[i].revents & POLLOUT ? CURL_CSELECT_OUT : 0)
                            | (fds[i].revents & (POLLERR | POLLHUP)
                               ? CURL_CSELECT_ERR : 0));
                if (mask) {
                    curl_multi_socket_action(client->multi, fds[i].fd, mask,
                                             &running);
                }
            }
        }
        free(fds);
    }

    if (time_msec() >= client->timer) {
        client->timer = LLONG_MAX;
        curl_multi_socket_action(client->multi, CURL_SOCKET_TIMEOUT, 0,
                                 &running);
    }

    CURLMsg *msg;
    int n_left;
    while ((msg = curl_multi_info_read(client->multi, &n_left))) {
        if (msg->msg == CURLMSG_DONE) {
            CURLcode code = msg->data.result;
            char *private;

            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &private);
            k8s_request_finish((struct k8s_request *) (void *) private, code);
        }
    }
    k8s_client_start_queued(client);
}

void
k8s_client_wait(struct k8s_client *client)
{
    struct k8s_socket *s;

    HMAP_FOR_EACH (s, hmap_node, &client->sockets) {
        poll_fd_wait(s->fd, ((s->what & CURL_POLL_IN ? POLLIN : 0)
                             | (s->what & CURL_POLL_OUT ? POLLOUT : 0)));
    }
    if (client->timer != LLONG_MAX) {
        poll_timer_wait_until(client->timer);
    }
    if (client->n_active < K8S_MAX_ACTIVE_REQUESTS
        && !ovs_list_is_empty(&client->queue)) {
        poll_immediate_wake();
    }
}

void
k8s_request_destroy(struct k8s_request *request)
{
    if (!request) {
        return;
    }
    if (!k8s_request_is_done(request)) {
        request->local_error = xstrdup("canceled");
        k8s_request_finish(request, CURLE_ABORTED_BY_CALLBACK);
    }
    ovs_list_remove(&request->list_node);

    k8s_event_stream_destroy(request->stream);
    ds_destroy(&request->body);
    free(request->path);
    free(request->local_error);
    cJSON_Delete(request->result.body);
    free(request->result.error);
    free(request->result.reason);
    free(request);
}

bool
k8s_request_is_done(const struct k8s_request *request)
{
    return request->finish != LLONG_MAX;
}

void
k8s_request_wait(const struct k8s_request *request)
{
    if (k8s_request_is_done(request) || k8s_request_has_events(request)) {
        poll_immediate_wake();
    }
}

const struct k8s_result *
k8s_request_result(const struct k8s_request *request)
{
    ovs_assert(k8s_request_is_done(request));
    return &request->result;
}

cJSON *
k8s_request_steal_body(struct k8s_request *request)
{
    cJSON *body = request->result.body;
    request->result.body = NULL;
    return body;
}

cJSON *
k8s_request_pop_event(struct k8s_request *request)
{
    return request->stream ? k8s_event_stream_pop(request->stream) : NULL;
}

bool
k8s_request_has_events(const struct k8s_request *request)
{
    return request->stream && k8s_event_stream_has_events(request->stream);
}

long long int
k8s_request_finish_time(const struct k8s_request *request)
{
    return request->finish;
}

long long int
k8s_request_last_activity(const struct k8s_request *request)
{
    return request->last_activity;
}

int
k8s_client_watch_idle_timeout(const struct k8s_client *client)
{
    return client->config.watch_idle_timeout_ms;
}

bool
k8s_result_is_not_found(const struct k8s_result *r)
{
    return r->error && r->http_status == 404;
}

bool
k8s_result_is_conflict(const struct k8s_result *r)
{
    return r->error && r->http_status == 409;
}

bool
k8s_result_is_already_exists(const struct k8s_result *r)
{
    return (r->error && r->http_status == 409
            && r->reason && !strcmp(r->reason, "AlreadyExists"));
}

bool
k8s_result_is_gone(const struct k8s_result *r)
{
    return r->error && r->http_status == 410;
}

void
k8s_path_add_query(struct ds *path, const char *key, const char *value)
{
    ds_put_char(path, strchr(ds_cstr(path), '?') ? '&' : '?');
    ds_put_format(path, "%s=", key);
    for (const char *p = value; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || strchr("-._~", c)) {
            ds_put_char(path, c);
        } else {
            ds_put_format(path, "%%%02X", c);
        }
    }
}
