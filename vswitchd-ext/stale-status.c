/*
 * Stale connection-status entries.  See stale-status.h.
 */

#include <config.h>

#include "stale-status.h"

#include <stdlib.h>
#include <string.h>

#include "dpu-pod.h"
#include "openvswitch/vlog.h"
#include "pod-annotations.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(stale_status);

void
stale_status_init(struct stale_status *ss)
{
    shash_init(&ss->details);
    shash_init(&ss->stale);
}

void
stale_status_destroy(struct stale_status *ss)
{
    if (ss) {
        shash_destroy_free_data(&ss->details);
        shash_destroy_free_data(&ss->stale);
    }
}

/* What a status entry answers: the VF and sandbox of the connection
 * details of 'net', as a string. */
static char *
details_key(const struct dpu_pod_net *net)
{
    return xasprintf("pf %d vf %d sandbox %s", net->pf_id, net->vf_id,
                     net->sandbox ? net->sandbox : "(none)");
}

void
stale_status_note(struct stale_status *ss, const char *key,
                  const struct dpu_pod *pod)
{
    struct shash details = SHASH_INITIALIZER(&details);

    for (size_t i = 0; i < pod->n_nets; i++) {
        const struct dpu_pod_net *net = &pod->nets[i];
        if (!net->sandbox) {
            continue;
        }
        char *new = details_key(net);
        const char *old = shash_find_data(&ss->details, net->nad);
        if (old && strcmp(old, new)) {
            VLOG_INFO("pod %s: %s: connection details changed (%s, now "
                      "%s): the status entry for the old ones goes",
                      key, net->nad, old, new);
            free(shash_replace(&ss->stale, net->nad, xstrdup(new)));
        }
        if (!shash_add_once(&details, net->nad, new)) {
            free(new);
        }
    }
    shash_swap(&ss->details, &details);
    shash_destroy_free_data(&details);

    /* A network that left the details has no entry to mark any more. */
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &ss->stale) {
        if (!shash_find(&ss->details, node->name)) {
            free(node->data);
            shash_delete(&ss->stale, node);
        }
    }
}

bool
stale_status_is_stale(const struct stale_status *ss,
                      const struct dpu_pod_net *net,
                      const struct dpu_conn_status *old)
{
    if (!net->sandbox) {
        return false;
    } else if (old->sandbox_id && strcmp(old->sandbox_id, net->sandbox)) {
        return true;
    }

    const char *stale = shash_find_data(&ss->stale, net->nad);
    if (!stale) {
        return false;
    }
    char *key = details_key(net);
    bool is_stale = !strcmp(stale, key);
    free(key);
    return is_stale;
}

bool
stale_status_is_marked(const struct stale_status *ss, const char *nad)
{
    return shash_find(&ss->stale, nad) != NULL;
}

void
stale_status_clear(struct stale_status *ss, const char *nad)
{
    free(shash_find_and_delete(&ss->stale, nad));
}

void
stale_status_drop(struct shash *statuses, const char *nad)
{
    struct dpu_conn_status *old = shash_find_and_delete(statuses, nad);

    if (old) {
        free(old->reason);
        free(old->sandbox_id);
        free(old);
    }
}
