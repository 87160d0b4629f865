/*
 * libFuzzer target for watch-stream framing (lib/k8s-response.c): the bytes
 * of a watch response, which arrive in pieces of any size.
 *
 * The first two bytes of the input seed the sizes of the pieces (1 to 64
 * bytes, sometimes all that is left); the rest is the stream.  It is fed
 * to one k8s_event_stream in those pieces and to another all at once, and
 * both must agree exactly: the same events in the same order, the same
 * error, and whether the stream stopped inside an event.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "k8s-response.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* What feeding a stream produced. */
struct outcome {
    struct ds events;           /* Each event, compact, one per line. */
    char *error;
    bool in_event;
};

static void
drain(struct k8s_event_stream *stream, struct outcome *out)
{
    cJSON *event;

    while ((event = k8s_event_stream_pop(stream))) {
        ovs_assert(cJSON_IsObject(event));
        ovs_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(event,
                                                                   "type")));
        char *text = cJSON_PrintUnformatted(event);
        ds_put_format(&out->events, "%s\n", text);
        cJSON_free(text);
        cJSON_Delete(event);
    }
    ovs_assert(!k8s_event_stream_has_events(stream));
}

/* Feeds the 'size' bytes at 'data' to a new stream, in pieces whose sizes
 * come from 'seed', or all at once if 'seed' is negative. */
static void
feed(const uint8_t *data, size_t size, int seed, struct outcome *out)
{
    struct k8s_event_stream *stream = k8s_event_stream_create();
    uint32_t state = seed;
    size_t ofs = 0;

    ds_init(&out->events);
    out->error = NULL;
    while (ofs < size && !out->error) {
        size_t n = size - ofs;
        if (seed >= 0) {
            state = state * 1103515245 + 12345;
            size_t r = (state >> 16) & 0x7f;
            n = r < 64 ? MIN(n, r + 1) : n;
        }

        /* A buffer of exactly the piece's size, as libcurl hands it. */
        char *piece = xmemdup(data + ofs, n);
        out->error = k8s_event_stream_feed(stream, piece, n);
        free(piece);
        ofs += n;

        /* Take events as they come, as k8s-watch does. */
        drain(stream, out);
    }
    out->in_event = k8s_event_stream_in_event(stream);
    k8s_event_stream_destroy(stream);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }

    int seed = data[0] | (data[1] << 8);
    struct outcome pieces, whole;

    feed(data + 2, size - 2, seed, &pieces);
    feed(data + 2, size - 2, -1, &whole);

    ovs_assert(!strcmp(ds_cstr(&pieces.events), ds_cstr(&whole.events)));
    ovs_assert(nullable_string_is_equal(pieces.error, whole.error));
    if (!pieces.error) {
        ovs_assert(pieces.in_event == whole.in_event);
    }

    ds_destroy(&pieces.events);
    ds_destroy(&whole.events);
    free(pieces.error);
    free(whole.error);
    return 0;
}
