/*
 * The VFs that the host's CNI server has moved into pods, in memory and in
 * a file.  See vf-attachments.h.
 */

#include <config.h>

#include "vf-attachments.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni.h"
#include "hash.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "state-file.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(vf_attachments);

static uint32_t
hash_key(const char *container_id, const char *ifname)
{
    return hash_string(ifname, hash_string(container_id, 0));
}

struct vf_attachment *
vf_attachments_find(const struct vf_attachments *as,
                    const char *container_id, const char *ifname)
{
    struct vf_attachment *a;

    HMAP_FOR_EACH_WITH_HASH (a, node, hash_key(container_id, ifname),
                             &as->map) {
        if (!strcmp(a->container_id, container_id)
            && !strcmp(a->cfg.ifname, ifname)) {
            return a;
        }
    }
    return NULL;
}

struct vf_attachment *
vf_attachments_find_device(const struct vf_attachments *as,
                           const char *device_id)
{
    struct vf_attachment *a;

    HMAP_FOR_EACH (a, node, &as->map) {
        if ((a->cfg.host_name && !strcmp(a->cfg.host_name, device_id))
            || (a->pci && !strcmp(a->pci, device_id))) {
            return a;
        }
    }
    return NULL;
}

struct vf_attachment *
vf_attachments_find_iface(const struct vf_attachments *as, const char *netns,
                          const char *ifname)
{
    struct vf_attachment *a;

    HMAP_FOR_EACH (a, node, &as->map) {
        if (!strcmp(a->cfg.netns, netns) && !strcmp(a->cfg.ifname, ifname)) {
            return a;
        }
    }
    return NULL;
}

void
vf_attachment_free(struct vf_attachment *a)
{
    free(a->container_id);
    free(a->pod_namespace);
    free(a->pod_name);
    free(a->nad);
    free(a->network);
    free(a->key_id);
    free(a->pci);
    vf_netns_config_destroy(&a->cfg);
    free(a);
}


/* The file. */

static struct json *
attachment_to_json(const struct vf_attachment *a)
{
    struct json *j = json_object_create();
    const struct vf_netns_config *c = &a->cfg;

    json_object_put_string(j, "containerID", a->container_id);
    json_object_put_string(j, "namespace", a->pod_namespace);
    json_object_put_string(j, "pod", a->pod_name);
    json_object_put_string(j, "nad", a->nad);
    if (a->network) {
        json_object_put_string(j, "network", a->network);
    }
    if (a->key_id) {
        json_object_put_string(j, "keyId", a->key_id);
        json_object_put(j, "seq", json_integer_create(a->seq));
    }
    if (a->pci) {
        json_object_put_string(j, "pci", a->pci);
    }
    json_object_put_string(j, "netns", c->netns);
    if (a->vfio) {
        json_object_put(j, "vfio", json_boolean_create(true));
    } else {
        json_object_put_string(j, "hostName", c->host_name);
    }
    json_object_put_string(j, "ifname", c->ifname);
    if (c->mac) {
        json_object_put_string(j, "mac", c->mac);
    }
    json_object_put(j, "mtu", json_integer_create(c->mtu));
    struct json *addrs = json_array_create_empty();
    for (size_t i = 0; i < c->n_addrs; i++) {
        json_array_add(addrs, json_string_create(c->addrs[i]));
    }
    json_object_put(j, "addrs", addrs);
    struct json *routes = json_array_create_empty();
    for (size_t i = 0; i < c->n_routes; i++) {
        struct json *r = json_object_create();
        json_object_put_string(r, "dst", c->routes[i].dest);
        if (c->routes[i].gw) {
            json_object_put_string(r, "gw", c->routes[i].gw);
        }
        json_array_add(routes, r);
    }
    json_object_put(j, "routes", routes);
    json_object_put_string(j, "savedMac", a->saved.mac);
    json_object_put(j, "savedMtu", json_integer_create(a->saved.mtu));
    return j;
}

static const char *
json_get_string(const struct json *j, const char *name)
{
    const struct json *v = shash_find_data(json_object(j), name);
    return v && v->type == JSON_STRING ? json_string(v) : NULL;
}

static bool
json_get_int(const struct json *j, const char *name, int max, int *value)
{
    const struct json *v = shash_find_data(json_object(j), name);
    if (!v || v->type != JSON_INTEGER || json_integer(v) < 0
        || json_integer(v) > max) {
        return false;
    }
    *value = json_integer(v);
    return true;
}

/* Returns the attachment in 'j', or NULL if 'j' is not one. */
static struct vf_attachment *
attachment_from_json(const struct json *j)
{
    if (j->type != JSON_OBJECT) {
        return NULL;
    }

    const char *id = json_get_string(j, "containerID");
    const char *ns = json_get_string(j, "namespace");
    const char *pod = json_get_string(j, "pod");
    const char *nad = json_get_string(j, "nad");
    const char *netns = json_get_string(j, "netns");
    const char *host = json_get_string(j, "hostName");
    const char *ifname = json_get_string(j, "ifname");
    const char *saved_mac = json_get_string(j, "savedMac");
    const struct json *addrs = shash_find_data(json_object(j), "addrs");
    const struct json *routes = shash_find_data(json_object(j), "routes");
    const struct json *vfio = shash_find_data(json_object(j), "vfio");
    bool is_vfio = vfio && vfio->type == JSON_TRUE;
    int mtu, saved_mtu;
    char *bad;

    if (!id || !ns || !pod || !nad || !netns || !ifname
        || (is_vfio ? host || !json_get_string(j, "pci") : !host)
        || !saved_mac || strlen(saved_mac) >= 18
        || !json_get_int(j, "mtu", 65535, &mtu)
        || !json_get_int(j, "savedMtu", 65535, &saved_mtu)
        || !addrs || addrs->type != JSON_ARRAY
        || !routes || routes->type != JSON_ARRAY) {
        return NULL;
    } else if ((host && (bad = cni_check_ifname(host)))
               || (bad = cni_check_ifname(ifname))) {
        free(bad);
        return NULL;
    }

    struct vf_attachment *a = xzalloc(sizeof *a);
    a->container_id = xstrdup(id);
    a->pod_namespace = xstrdup(ns);
    a->pod_name = xstrdup(pod);
    a->nad = xstrdup(nad);
    a->network = nullable_xstrdup(json_get_string(j, "network"));
    a->key_id = nullable_xstrdup(json_get_string(j, "keyId"));
    const struct json *seq = shash_find_data(json_object(j), "seq");
    if (seq && seq->type == JSON_INTEGER && json_integer(seq) > 0) {
        a->seq = json_integer(seq);
    }
    a->pci = nullable_xstrdup(json_get_string(j, "pci"));
    a->cfg.netns = xstrdup(netns);
    a->vfio = is_vfio;
    a->cfg.host_name = nullable_xstrdup(host);
    a->cfg.ifname = xstrdup(ifname);
    a->cfg.mac = nullable_xstrdup(json_get_string(j, "mac"));
    a->cfg.mtu = mtu;
    a->cfg.addrs = xcalloc(MAX(json_array(addrs)->n, 1),
                           sizeof *a->cfg.addrs);
    for (size_t i = 0; i < json_array(addrs)->n; i++) {
        const struct json *addr = json_array(addrs)->elems[i];
        if (addr->type != JSON_STRING) {
            vf_attachment_free(a);
            return NULL;
        }
        a->cfg.addrs[a->cfg.n_addrs++] = xstrdup(json_string(addr));
    }
    a->cfg.routes = xcalloc(MAX(json_array(routes)->n, 1),
                            sizeof *a->cfg.routes);
    for (size_t i = 0; i < json_array(routes)->n; i++) {
        const struct json *r = json_array(routes)->elems[i];
        const char *dst = (r->type == JSON_OBJECT
                           ? json_get_string(r, "dst") : NULL);
        if (!dst) {
            vf_attachment_free(a);
            return NULL;
        }
        struct vf_netns_route *route = &a->cfg.routes[a->cfg.n_routes++];
        route->dest = xstrdup(dst);
        route->gw = nullable_xstrdup(json_get_string(r, "gw"));
    }
    ovs_strlcpy(a->saved.mac, saved_mac, sizeof a->saved.mac);
    a->saved.mtu = saved_mtu;
    return a;
}

static void
vf_attachments_save(const struct vf_attachments *as)
{
    struct json *list = json_array_create_empty();
    const struct vf_attachment *a;
    HMAP_FOR_EACH (a, node, &as->map) {
        json_array_add(list, attachment_to_json(a));
    }
    char *json_text = json_to_string(list, JSSF_SORT | JSSF_PRETTY);
    char *text = xasprintf("%s\n", json_text);
    free(json_text);
    json_destroy(list);

    char *error = state_file_write(as->path, text);
    if (error) {
        VLOG_ERR("%s: cannot save attachments: %s", as->path, error);
        free(error);
    }
    free(text);
}

static void
vf_attachments_load(struct vf_attachments *as)
{
    struct stat st;
    if (stat(as->path, &st)) {
        return;
    }

    struct json *list = json_from_file(as->path);
    if (list->type != JSON_ARRAY) {
        char *aside = xasprintf("%s.bad", as->path);
        VLOG_WARN("%s: not a list of attachments (%s), moved aside to %s",
                  as->path, list->type == JSON_STRING
                  ? json_string(list) : "wrong type", aside);
        rename(as->path, aside);
        free(aside);
        json_destroy(list);
        return;
    }

    for (size_t i = 0; i < json_array(list)->n; i++) {
        struct vf_attachment *a
            = attachment_from_json(json_array(list)->elems[i]);
        if (!a) {
            VLOG_WARN("%s: entry %"PRIuSIZE" is not an attachment, "
                      "skipped", as->path, i);
        } else if (vf_attachments_find(as, a->container_id,
                                       a->cfg.ifname)) {
            vf_attachment_free(a);
        } else {
            hmap_insert(&as->map, &a->node,
                        hash_key(a->container_id, a->cfg.ifname));
        }
    }
    json_destroy(list);
    VLOG_INFO("%s: %"PRIuSIZE" attachments known from before", as->path,
              hmap_count(&as->map));
}

void
vf_attachments_init(struct vf_attachments *as, const char *path)
{
    hmap_init(&as->map);
    as->path = xstrdup(path);
    vf_attachments_load(as);
}

void
vf_attachments_destroy(struct vf_attachments *as)
{
    struct vf_attachment *a;

    HMAP_FOR_EACH_POP (a, node, &as->map) {
        vf_attachment_free(a);
    }
    hmap_destroy(&as->map);
    free(as->path);
}

void
vf_attachments_add(struct vf_attachments *as, struct vf_attachment *a)
{
    hmap_insert(&as->map, &a->node,
                hash_key(a->container_id, a->cfg.ifname));
    vf_attachments_save(as);
}

void
vf_attachments_remove(struct vf_attachments *as, struct vf_attachment *a)
{
    hmap_remove(&as->map, &a->node);
    vf_attachment_free(a);
    vf_attachments_save(as);
}
