/*
 * Decoding what the Kubernetes API server sends.  See k8s-response.h.
 */

#include <config.h>

#include "k8s-response.h"

#include <cjson/cJSON.h>
#if (CJSON_VERSION_MAJOR * 10000 + CJSON_VERSION_MINOR * 100 \
     + CJSON_VERSION_PATCH) < 10713
#error "cJSON 1.7.13 or later is required (cJSON_ParseWithLength)"
#endif
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "util.h"

/* Watch stream framing: scanning state over 'buf'. */
struct k8s_event_stream {
    struct ds buf;              /* The incomplete tail of the stream. */
    size_t scan_ofs;            /* Bytes of 'buf' already scanned. */
    int depth;                  /* JSON nesting depth at 'scan_ofs'. */
    bool in_string;
    bool escaped;
    struct ovs_list events;     /* Contains "struct k8s_event_node"s. */
    size_t n_events;            /* Events ever queued. */
};

struct k8s_event_node {
    struct ovs_list list_node;
    cJSON *event;
};

/* Bodies. */

/* Appends to 'msg' a short, printable excerpt of the 'length' bytes at
 * 'body'. */
static void
put_body_excerpt(struct ds *msg, const char *body, size_t length)
{
    size_t n = MIN(length, 120);

    ds_put_cstr(msg, ": \"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = body[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            ds_put_char(msg, c);
        } else {
            ds_put_format(msg, "\\x%02x", c);
        }
    }
    ds_put_format(msg, "\"%s", length > n ? "..." : "");
}

char *
k8s_parse_status(int http_status, const char *body, size_t length,
                 struct ds *msg)
{
    cJSON *status = cJSON_ParseWithLength(body, length);
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(status, "kind");
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(status, "reason");
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(status,
                                                            "message");
    char *reason_copy = NULL;

    ds_put_format(msg, "HTTP %d", http_status);
    if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "Status")) {
        if (cJSON_IsString(reason) && reason->valuestring[0]) {
            reason_copy = xstrdup(reason->valuestring);
            ds_put_format(msg, " %s", reason_copy);
        }
        if (cJSON_IsString(message) && message->valuestring[0]) {
            ds_put_format(msg, ": %s", message->valuestring);
        }
    } else if (length) {
        ds_put_cstr(msg, " with a body that is not a Status");
        put_body_excerpt(msg, body, length);
    }
    cJSON_Delete(status);
    return reason_copy;
}

cJSON *
k8s_parse_body(const char *body, size_t length, int http_status,
               struct ds *msg)
{
    const char *end = NULL;
    cJSON *json = cJSON_ParseWithLengthOpts(body, length, &end, false);

    if (!json) {
        ds_put_format(msg, "HTTP %d with a body that is not valid JSON "
                      "(error at byte %td of %zu)", http_status,
                      end ? end - body : (ptrdiff_t) 0, length);
        return NULL;
    }
    for (size_t i = end ? end - body : length; i < length; i++) {
        char c = body[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            ds_put_format(msg, "HTTP %d with trailing garbage after the "
                          "JSON body", http_status);
            cJSON_Delete(json);
            return NULL;
        }
    }
    return json;
}

/* Watch stream framing. */

struct k8s_event_stream *
k8s_event_stream_create(void)
{
    struct k8s_event_stream *stream = xzalloc(sizeof *stream);

    ds_init(&stream->buf);
    ovs_list_init(&stream->events);
    return stream;
}

void
k8s_event_stream_destroy(struct k8s_event_stream *stream)
{
    if (stream) {
        struct k8s_event_node *node;

        LIST_FOR_EACH_POP (node, list_node, &stream->events) {
            cJSON_Delete(node->event);
            free(node);
        }
        ds_destroy(&stream->buf);
        free(stream);
    }
}

/* Appends the complete JSON object in 'text' (of 'length' bytes) to the
 * events of 'stream'.  Returns NULL, or an error message if it is not a
 * valid event. */
static char *
k8s_event_stream_add(struct k8s_event_stream *stream,
                     const char *text, size_t length)
{
    cJSON *event = cJSON_ParseWithLength(text, length);

    if (!event || !cJSON_IsObject(event)
        || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(event, "type"))) {
        cJSON_Delete(event);
        return xasprintf("watch event %zu is %s", stream->n_events + 1,
                         !event ? "not valid JSON"
                         : "not a {\"type\": ...} object");
    }

    struct k8s_event_node *node = xmalloc(sizeof *node);
    node->event = event;
    ovs_list_push_back(&stream->events, &node->list_node);
    stream->n_events++;
    return NULL;
}

/* The API server sends watch events as JSON objects one after another
 * (each followed by a newline, but we do not rely on that).  We find where
 * each object ends by tracking nesting depth outside strings, so an event
 * split across reads, or several in one read, are both handled. */
char *
k8s_event_stream_feed(struct k8s_event_stream *stream,
                      const char *data, size_t n)
{
    struct ds *buf = &stream->buf;

    ds_put_buffer(buf, data, n);

    size_t start = 0;           /* Start of the current object in 'buf'. */
    size_t i;
    for (i = stream->scan_ofs; i < buf->length; i++) {
        unsigned char c = buf->string[i];

        if (stream->in_string) {
            if (stream->escaped) {
                stream->escaped = false;
            } else if (c == '\\') {
                stream->escaped = true;
            } else if (c == '"') {
                stream->in_string = false;
            }
        } else if (stream->depth == 0) {
            if (c == '{') {
                start = i;
                stream->depth = 1;
            } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return xasprintf("watch stream has unexpected byte 0x%02x "
                                 "between events", c);
            } else {
                start = i + 1;
            }
        } else if (c == '"') {
            stream->in_string = true;
        } else if (c == '{' || c == '[') {
            stream->depth++;
        } else if (c == '}' || c == ']') {
            if (!--stream->depth) {
                char *error = k8s_event_stream_add(stream,
                                                   &buf->string[start],
                                                   i + 1 - start);
                if (error) {
                    return error;
                }
                start = i + 1;
            }
        }
    }

    /* Keep only the incomplete tail. */
    if (stream->depth == 0 && !stream->in_string) {
        start = buf->length;
    }
    if (start > 0) {
        memmove(buf->string, &buf->string[start], buf->length - start);
        buf->length -= start;
    }
    stream->scan_ofs = buf->length;

    if (buf->length > K8S_MAX_EVENT_SIZE) {
        return xasprintf("watch event exceeds %d bytes", K8S_MAX_EVENT_SIZE);
    }
    return NULL;
}

cJSON *
k8s_event_stream_pop(struct k8s_event_stream *stream)
{
    if (ovs_list_is_empty(&stream->events)) {
        return NULL;
    }

    struct k8s_event_node *node = CONTAINER_OF(
        ovs_list_pop_front(&stream->events), struct k8s_event_node,
        list_node);
    cJSON *event = node->event;
    free(node);
    return event;
}

bool
k8s_event_stream_has_events(const struct k8s_event_stream *stream)
{
    return !ovs_list_is_empty(&stream->events);
}

bool
k8s_event_stream_in_event(const struct k8s_event_stream *stream)
{
    return stream->depth || stream->in_string;
}
