/*
 * Codecs for the DPU pod annotations.  See pod-annotations.h.
 */

#include <config.h>

#include "pod-annotations.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conn-auth.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "util.h"

/* JSON helpers.
 * ============= */

/* Returns a string that describes the JSON type of 'item', for messages. */
static const char *
json_type_name(const cJSON *item)
{
    return (cJSON_IsString(item) ? "a string"
            : cJSON_IsNumber(item) ? "a number"
            : cJSON_IsBool(item) ? "a boolean"
            : cJSON_IsNull(item) ? "null"
            : cJSON_IsArray(item) ? "an array"
            : cJSON_IsObject(item) ? "an object"
            : "invalid");
}

/* Parses 'text' as a JSON object.  Returns it, or NULL with '*errorp' set
 * to a message prefixed by 'annotation'. */
static cJSON *
parse_object(const char *annotation, const char *text, char **errorp)
{
    const char *end = NULL;
    size_t size = text ? strnlen(text, POD_ANN_MAX_SIZE + 1) : 0;
    if (size > POD_ANN_MAX_SIZE) {
        /* Refused before any parsing: see POD_ANN_MAX_SIZE. */
        *errorp = xasprintf("%s: larger than %d bytes", annotation,
                            POD_ANN_MAX_SIZE);
        return NULL;
    }
    cJSON *json = text ? cJSON_ParseWithOpts(text, &end, true) : NULL;

    if (!json) {
        if (!text) {
            *errorp = xasprintf("%s: missing", annotation);
        } else {
            *errorp = xasprintf("%s: invalid JSON at offset %td",
                                annotation, end ? end - text : (ptrdiff_t) 0);
        }
        return NULL;
    }
    if (!cJSON_IsObject(json)) {
        *errorp = xasprintf("%s: expected a JSON object, not %s",
                            annotation, json_type_name(json));
        cJSON_Delete(json);
        return NULL;
    }
    *errorp = NULL;
    return json;
}

/* Returns an error message if 'object' has a member name twice, since the
 * meaning of such an object depends on the reader.  In time linear in the
 * number of members: an annotation may hold thousands. */
static char *
check_duplicates(const cJSON *object)
{
    struct member {
        struct hmap_node node;
        const char *name;
    };
    size_t n = 0;
    for (const cJSON *a = object->child; a; a = a->next) {
        n++;
    }
    if (n < 2) {
        return NULL;
    }

    struct member *members = xmalloc(n * sizeof *members);
    struct hmap names = HMAP_INITIALIZER(&names);
    char *error = NULL;
    size_t i = 0;
    hmap_reserve(&names, n);
    for (const cJSON *a = object->child; a && !error; a = a->next) {
        if (!a->string) {
            continue;
        }
        uint32_t hash = hash_string(a->string, 0);
        const struct member *m;
        HMAP_FOR_EACH_WITH_HASH (m, node, hash, &names) {
            if (!strcmp(m->name, a->string)) {
                error = xasprintf("duplicate member \"%s\"", a->string);
                break;
            }
        }
        members[i].name = a->string;
        hmap_insert_fast(&names, &members[i++].node, hash);
    }
    hmap_destroy(&names);
    free(members);
    return error;
}

/* Finds string member 'name' of 'object'.  Returns NULL and sets '*valuep'
 * to its value, or to NULL if it is absent (or null) and not 'required';
 * otherwise returns an error message that names 'name'. */
static char *
get_string(const cJSON *object, const char *name, bool required,
           const char **valuep)
{
    const cJSON *item;
    char *error = pod_ann_find_member(object, name, &item);

    *valuep = NULL;
    if (error) {
        return error;
    }
    if (!item || cJSON_IsNull(item)) {
        return required ? xasprintf("%s: missing", name) : NULL;
    }
    if (!cJSON_IsString(item)) {
        return xasprintf("%s: expected a string, not %s",
                         name, json_type_name(item));
    }
    *valuep = item->valuestring;
    return NULL;
}

/* Like get_string(), for a member that is a list of strings: sets '*arrayp'
 * to the array, or to NULL if absent or null. */
static char *
get_string_array(const cJSON *object, const char *name, const cJSON **arrayp)
{
    const cJSON *item;
    char *error = pod_ann_find_member(object, name, &item);

    *arrayp = NULL;
    if (error) {
        return error;
    }
    if (!item || cJSON_IsNull(item)) {
        return NULL;
    }
    if (!cJSON_IsArray(item)) {
        return xasprintf("%s: expected an array of strings, not %s",
                         name, json_type_name(item));
    }
    int i = 0;
    for (const cJSON *elem = item->child; elem; elem = elem->next, i++) {
        if (!cJSON_IsString(elem)) {
            return xasprintf("%s[%d]: expected a string, not %s",
                             name, i, json_type_name(elem));
        }
    }
    *arrayp = item;
    return NULL;
}

/* Prints 'json' compactly into a malloc()ed string and frees 'json'. */
static char *
print_and_delete(cJSON *json)
{
    char *text = cJSON_PrintUnformatted(json);
    char *copy = xstrdup(text);

    cJSON_free(text);
    cJSON_Delete(json);
    return copy;
}

/* Parses 'text', a decimal number in a JSON string, into '*valuep', which
 * must be between 0 and 'max'. */
static char *
parse_index(const char *field, const char *text, int max, int *valuep)
{
    long long int value = 0;

    if (!text[0]) {
        return xasprintf("%s: \"%s\" is not a decimal number", field, text);
    }
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char) *p)) {
            return xasprintf("%s: \"%s\" is not a decimal number",
                             field, text);
        }
        value = MIN(value * 10 + (*p - '0'), (long long int) INT_MAX + 1);
    }
    if (value > max) {
        return xasprintf("%s: %s is out of range (0 to %d)",
                         field, text, max);
    }
    *valuep = value;
    return NULL;
}

/* Returns "<annotation>: "<nad>": <error>", freeing 'error'. */
static char *
entry_error(const char *annotation, const char *nad, char *error)
{
    char *full = xasprintf("%s: \"%s\": %s", annotation, nad, error);
    free(error);
    return full;
}

/* Checks NAD key 'nad' (pod_ann_check_nad_key()), for 'annotation'. */
static char *
check_nad_key(const char *annotation, const char *nad)
{
    char *error = pod_ann_check_nad_key(nad);
    if (error) {
        char *full = xasprintf("%s: %s", annotation, error);
        free(error);
        return full;
    }
    return NULL;
}

char *
pod_ann_escape(const char *text, size_t max_len)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *p;

    for (p = text; *p && s.length < max_len; p++) {
        unsigned char c = *p;
        if (c < 0x20 || c >= 0x7f) {
            ds_put_format(&s, "\\x%02x", c);
        } else {
            ds_put_char(&s, c);
        }
    }
    if (*p) {
        ds_put_cstr(&s, "...");
    }
    return ds_steal_cstr(&s);
}

/* Makes 'error', which may quote anything found in an annotation, safe to
 * log and to pass on in a CNI error or a pod's status (see
 * pod_ann_escape()), cut at POD_ANN_MAX_ERROR_LEN bytes.  Frees 'error' and
 * returns the result (NULL if 'error' is NULL).  Applying it twice changes
 * nothing more. */
static char *
safe_error(char *error)
{
    if (!error) {
        return NULL;
    }

    char *safe = pod_ann_escape(error, POD_ANN_MAX_ERROR_LEN);
    free(error);
    return safe;
}

/* Walks the members of annotation 'json', parsing each with 'parse_entry'
 * into 'map'.  If 'legacy_member' names a member that only the bare inner
 * object has, such an object is parsed as the default network's entry. */
static char *
parse_map(const char *annotation, const char *text,
          const char *const *legacy_members,
          char *(*parse_entry)(const cJSON *, const void *aux, void **entryp),
          const void *aux, void (*clear)(struct shash *), struct shash *map)
{
    char *error;
    cJSON *json = parse_object(annotation, text, &error);
    if (!json) {
        return safe_error(error);
    }

    error = check_duplicates(json);
    if (error) {
        char *full = xasprintf("%s: %s", annotation, error);
        free(error);
        cJSON_Delete(json);
        return safe_error(full);
    }

    bool legacy = false;
    for (const char *const *m = legacy_members; *m && !legacy; m++) {
        for (const cJSON *item = json->child; item; item = item->next) {
            if (item->string
                && pod_ann_member_names_field(item->string, *m)) {
                legacy = true;
                break;
            }
        }
    }

    if (legacy) {
        void *entry;
        error = parse_entry(json, aux, &entry);
        if (error) {
            error = entry_error(annotation, POD_ANN_DEFAULT_NAD, error);
        } else {
            shash_add(map, POD_ANN_DEFAULT_NAD, entry);
        }
    } else {
        for (const cJSON *m = json->child; m && !error; m = m->next) {
            error = check_nad_key(annotation, m->string);
            if (error) {
                break;
            }
            if (!cJSON_IsObject(m)) {
                error = xasprintf("%s: \"%s\": expected an object, not %s",
                                  annotation, m->string, json_type_name(m));
                break;
            }
            error = check_duplicates(m);
            if (!error) {
                void *entry;
                error = parse_entry(m, aux, &entry);
                if (!error) {
                    shash_add(map, m->string, entry);
                }
            }
            if (error) {
                error = entry_error(annotation, m->string, error);
            }
        }
    }
    cJSON_Delete(json);
    if (error) {
        clear(map);
    }
    return safe_error(error);
}

/* Connection details.
 * =================== */

static const char *const conn_details_legacy[] = {
    "pfId", "vfId", "sandboxId", "vfNetdevName", CONN_AUTH_MEMBER, NULL
};

static void
conn_details_free(struct dpu_conn_details *d)
{
    if (d) {
        free(d->sandbox_id);
        free(d->vf_netdev_name);
        free(d->auth);
        free(d);
    }
}

static char *
conn_details_parse_entry(const cJSON *object, const void *aux_,
                         void **entryp)
{
    const enum pod_ann_mode *mode = aux_;
    const char *pf, *vf, *sandbox, *netdev, *auth;
    char *error;

    *entryp = NULL;
    if ((error = get_string(object, "pfId", true, &pf))
        || (error = get_string(object, "vfId", true, &vf))
        || (error = get_string(object, "sandboxId", true, &sandbox))
        || (error = get_string(object, "vfNetdevName", false, &netdev))
        || (error = get_string(object, CONN_AUTH_MEMBER, false, &auth))) {
        return error;
    }

    int pf_id, vf_id;
    if ((error = parse_index("pfId", pf, POD_ANN_MAX_PF_ID, &pf_id))
        || (error = parse_index("vfId", vf, POD_ANN_MAX_VF_ID, &vf_id))) {
        return error;
    }
    if (*mode == POD_ANN_SWITCHDEV && pf_id > 1) {
        /* A BlueField-class DPU exposes two host PFs. */
        return xasprintf("pfId: %s is not 0 or 1 (switchdev mode)", pf);
    }
    error = pod_ann_check_sandbox_id(sandbox);
    if (error) {
        char *full = xasprintf("sandboxId: %s", error);
        free(error);
        return full;
    }
    if (netdev) {
        error = pod_ann_check_ifname(netdev);
        if (error) {
            char *full = xasprintf("vfNetdevName: %s", error);
            free(error);
            return full;
        }
    }
    if (auth) {
        struct conn_auth_token token;
        error = conn_auth_token_parse(auth, &token);
        if (error) {
            char *full = xasprintf("%s: %s", CONN_AUTH_MEMBER, error);
            free(error);
            return full;
        }
    }

    struct dpu_conn_details *d = xzalloc(sizeof *d);
    d->pf_id = pf_id;
    d->vf_id = vf_id;
    d->sandbox_id = xstrdup(sandbox);
    d->vf_netdev_name = nullable_xstrdup(netdev);
    d->auth = nullable_xstrdup(auth);
    *entryp = d;
    return NULL;
}

char *
dpu_conn_details_parse(const char *json, enum pod_ann_mode mode,
                       struct shash *details)
{
    return parse_map(POD_ANN_CONNECTION_DETAILS, json, conn_details_legacy,
                     conn_details_parse_entry, &mode,
                     dpu_conn_details_clear, details);
}

char *
dpu_conn_details_format(const struct shash *details)
{
    const struct shash_node **nodes = shash_sort(details);
    cJSON *json = cJSON_CreateObject();

    for (size_t i = 0; i < shash_count(details); i++) {
        const struct dpu_conn_details *d = nodes[i]->data;
        cJSON *entry = cJSON_AddObjectToObject(json, nodes[i]->name);
        char number[16];

        snprintf(number, sizeof number, "%d", d->pf_id);
        cJSON_AddStringToObject(entry, "pfId", number);
        snprintf(number, sizeof number, "%d", d->vf_id);
        cJSON_AddStringToObject(entry, "vfId", number);
        cJSON_AddStringToObject(entry, "sandboxId", d->sandbox_id);
        if (d->vf_netdev_name) {
            cJSON_AddStringToObject(entry, "vfNetdevName",
                                    d->vf_netdev_name);
        }
        if (d->auth) {
            cJSON_AddStringToObject(entry, CONN_AUTH_MEMBER, d->auth);
        }
    }
    free(nodes);
    return print_and_delete(json);
}

void
dpu_conn_details_clear(struct shash *details)
{
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, details) {
        conn_details_free(node->data);
        shash_delete(details, node);
    }
}

bool
dpu_conn_details_equal(const struct dpu_conn_details *a,
                       const struct dpu_conn_details *b)
{
    return (a->pf_id == b->pf_id
            && a->vf_id == b->vf_id
            && !strcmp(a->sandbox_id, b->sandbox_id)
            && nullable_string_is_equal(a->vf_netdev_name,
                                        b->vf_netdev_name)
            && nullable_string_is_equal(a->auth, b->auth));
}

void
dpu_conn_details_put(struct shash *details, const char *nad,
                     const struct dpu_conn_details *entry)
{
    struct dpu_conn_details *d = xzalloc(sizeof *d);

    d->pf_id = entry->pf_id;
    d->vf_id = entry->vf_id;
    d->sandbox_id = xstrdup(entry->sandbox_id);
    d->vf_netdev_name = nullable_xstrdup(entry->vf_netdev_name);
    d->auth = nullable_xstrdup(entry->auth);
    conn_details_free(shash_replace(details, nad, d));
}

/* Connection status.
 * ================== */

static const char *const conn_status_legacy[] = {
    "Status", "Reason", "sandboxId", NULL
};

static void
conn_status_free(struct dpu_conn_status *s)
{
    if (s) {
        free(s->reason);
        free(s->sandbox_id);
        free(s);
    }
}

static char *
conn_status_parse_entry(const cJSON *object, const void *aux OVS_UNUSED,
                        void **entryp)
{
    const char *status, *reason, *sandbox;
    char *error;

    *entryp = NULL;
    if ((error = get_string(object, "Status", true, &status))
        || (error = get_string(object, "Reason", false, &reason))
        || (error = get_string(object, "sandboxId", false, &sandbox))) {
        return error;
    }
    if (sandbox && (error = pod_ann_check_sandbox_id(sandbox))) {
        char *full = xasprintf("sandboxId: %s", error);
        free(error);
        return full;
    }

    enum dpu_conn_state state;
    if (!strcmp(status, "Ready")) {
        state = DPU_CONN_READY;
    } else if (!strcmp(status, "Error")) {
        state = DPU_CONN_ERROR;
    } else {
        return xasprintf("Status: \"%s\" is neither \"Ready\" nor \"Error\"",
                         status);
    }

    struct dpu_conn_status *s = xzalloc(sizeof *s);
    s->state = state;
    s->reason = reason && reason[0] ? xstrdup(reason) : NULL;
    s->sandbox_id = nullable_xstrdup(sandbox);
    *entryp = s;
    return NULL;
}

char *
dpu_conn_status_parse(const char *json, struct shash *statuses)
{
    return parse_map(POD_ANN_CONNECTION_STATUS, json, conn_status_legacy,
                     conn_status_parse_entry, NULL,
                     dpu_conn_status_clear, statuses);
}

char *
dpu_conn_status_format(const struct shash *statuses)
{
    const struct shash_node **nodes = shash_sort(statuses);
    cJSON *json = cJSON_CreateObject();

    for (size_t i = 0; i < shash_count(statuses); i++) {
        const struct dpu_conn_status *s = nodes[i]->data;
        cJSON *entry = cJSON_AddObjectToObject(json, nodes[i]->name);

        cJSON_AddStringToObject(entry, "Status",
                                s->state == DPU_CONN_READY ? "Ready"
                                : "Error");
        if (s->reason) {
            cJSON_AddStringToObject(entry, "Reason", s->reason);
        }
        if (s->sandbox_id) {
            cJSON_AddStringToObject(entry, "sandboxId", s->sandbox_id);
        }
    }
    free(nodes);
    return print_and_delete(json);
}

void
dpu_conn_status_clear(struct shash *statuses)
{
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, statuses) {
        conn_status_free(node->data);
        shash_delete(statuses, node);
    }
}

void
dpu_conn_status_put(struct shash *statuses, const char *nad,
                    enum dpu_conn_state state, const char *reason,
                    const char *sandbox_id)
{
    struct dpu_conn_status *s = xzalloc(sizeof *s);

    s->state = state;
    s->reason = reason && reason[0] ? xstrdup(reason) : NULL;
    s->sandbox_id = nullable_xstrdup(sandbox_id);
    conn_status_free(shash_replace(statuses, nad, s));
}

/* Pod networks.
 * ============= */

/* The pod-networks annotation has no legacy bare form. */
static const char *const pod_networks_legacy[] = { NULL };

static void
pod_network_free(struct pod_network *net)
{
    if (!net) {
        return;
    }
    for (size_t i = 0; i < net->n_ip_addresses; i++) {
        free(net->ip_addresses[i]);
    }
    free(net->ip_addresses);
    free(net->mac_address);
    for (size_t i = 0; i < net->n_gateway_ips; i++) {
        free(net->gateway_ips[i]);
    }
    free(net->gateway_ips);
    for (size_t i = 0; i < net->n_routes; i++) {
        free(net->routes[i].dest);
        free(net->routes[i].next_hop);
    }
    free(net->routes);
    free(net->role);
    free(net);
}

/* Parses the list member 'list_name' of 'object', or if that is absent or
 * empty its older single-string form 'single_name', into '*valuesp' and
 * '*n', checking each with 'check'. */
static char *
parse_addresses(const cJSON *object, const char *list_name,
                const char *single_name, char *(*check)(const char *),
                char ***valuesp, size_t *n)
{
    const cJSON *array;
    const char *single;
    char *error;

    if ((error = get_string_array(object, list_name, &array))
        || (error = get_string(object, single_name, false, &single))) {
        return error;
    }

    int size = array ? cJSON_GetArraySize(array) : 0;
    if (size) {
        int i = 0;
        for (const cJSON *e = array->child; e; e = e->next, i++) {
            error = check(e->valuestring);
            if (error) {
                char *full = xasprintf("%s[%d]: %s", list_name, i, error);
                free(error);
                return full;
            }
        }
        *valuesp = xcalloc(size, sizeof **valuesp);
        for (const cJSON *e = array->child; e; e = e->next) {
            (*valuesp)[(*n)++] = xstrdup(e->valuestring);
        }
    } else if (single && single[0]) {
        error = check(single);
        if (error) {
            char *full = xasprintf("%s: %s", single_name, error);
            free(error);
            return full;
        }
        *valuesp = xmalloc(sizeof **valuesp);
        (*valuesp)[(*n)++] = xstrdup(single);
    }
    return NULL;
}

static char *
parse_routes(const cJSON *object, struct pod_network *net)
{
    const cJSON *routes;
    char *error = pod_ann_find_member(object, "routes", &routes);

    if (error) {
        return error;
    }
    if (!routes || cJSON_IsNull(routes)) {
        return NULL;
    }
    if (!cJSON_IsArray(routes)) {
        return xasprintf("routes: expected an array of objects, not %s",
                         json_type_name(routes));
    }

    int size = cJSON_GetArraySize(routes);
    net->routes = xcalloc(MAX(size, 1), sizeof *net->routes);
    int i = 0;
    for (const cJSON *r = routes->child; r; r = r->next, i++) {
        const char *dest, *next_hop;

        if (!cJSON_IsObject(r)) {
            return xasprintf("routes[%d]: expected an object, not %s",
                             i, json_type_name(r));
        }
        if ((error = check_duplicates(r))
            || (error = get_string(r, "dest", true, &dest))
            || (error = get_string(r, "nextHop", false, &next_hop))) {
            char *full = xasprintf("routes[%d]: %s", i, error);
            free(error);
            return full;
        }
        if ((error = pod_ann_check_cidr(dest))) {
            char *full = xasprintf("routes[%d]: dest: %s", i, error);
            free(error);
            return full;
        }
        if (next_hop && next_hop[0] && (error = pod_ann_check_ip(next_hop))) {
            char *full = xasprintf("routes[%d]: nextHop: %s", i, error);
            free(error);
            return full;
        }
        struct pod_route *route = &net->routes[net->n_routes++];
        route->dest = xstrdup(dest);
        route->next_hop = next_hop && next_hop[0] ? xstrdup(next_hop) : NULL;
    }
    return NULL;
}

static char *
pod_network_parse_entry(const cJSON *object, const void *aux OVS_UNUSED,
                        void **entryp)
{
    struct pod_network *net = xzalloc(sizeof *net);
    const char *mac, *role;
    char *error;

    *entryp = NULL;
    if ((error = parse_addresses(object, "ip_addresses", "ip_address",
                                 pod_ann_check_cidr, &net->ip_addresses,
                                 &net->n_ip_addresses))
        || (error = get_string(object, "mac_address", true, &mac))
        || (error = parse_addresses(object, "gateway_ips", "gateway_ip",
                                    pod_ann_check_ip, &net->gateway_ips,
                                    &net->n_gateway_ips))
        || (error = parse_routes(object, net))
        || (error = get_string(object, "role", false, &role))) {
        pod_network_free(net);
        return error;
    }
    error = pod_ann_check_mac(mac);
    if (error) {
        char *full = xasprintf("mac_address: %s", error);
        free(error);
        pod_network_free(net);
        return full;
    }

    const cJSON *tunnel_id;
    error = pod_ann_find_member(object, "tunnel_id", &tunnel_id);
    if (error) {
        pod_network_free(net);
        return error;
    }
    if (tunnel_id && !cJSON_IsNull(tunnel_id)) {
        double v = tunnel_id->valuedouble;
        if (!cJSON_IsNumber(tunnel_id) || v < 0 || v > UINT32_MAX
            || v != (long long int) v) {
            pod_network_free(net);
            return xstrdup("tunnel_id: expected a non-negative integer");
        }
        net->tunnel_id = v;
    }

    net->mac_address = xstrdup(mac);
    for (char *p = net->mac_address; *p; p++) {
        *p = *p == '-' ? ':' : tolower((unsigned char) *p);
    }
    net->role = role && role[0] ? xstrdup(role) : NULL;
    *entryp = net;
    return NULL;
}

char *
pod_networks_parse(const char *json, struct shash *networks)
{
    return parse_map(POD_ANN_POD_NETWORKS, json, pod_networks_legacy,
                     pod_network_parse_entry, NULL,
                     pod_networks_clear, networks);
}

static void
add_string_array(cJSON *object, const char *name, char **values, size_t n)
{
    cJSON *array = cJSON_AddArrayToObject(object, name);

    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(array, cJSON_CreateString(values[i]));
    }
}

char *
pod_networks_format(const struct shash *networks)
{
    const struct shash_node **nodes = shash_sort(networks);
    cJSON *json = cJSON_CreateObject();

    for (size_t i = 0; i < shash_count(networks); i++) {
        const struct pod_network *net = nodes[i]->data;
        cJSON *entry = cJSON_AddObjectToObject(json, nodes[i]->name);

        add_string_array(entry, "ip_addresses", net->ip_addresses,
                         net->n_ip_addresses);
        cJSON_AddStringToObject(entry, "mac_address", net->mac_address);
        if (net->n_gateway_ips) {
            add_string_array(entry, "gateway_ips", net->gateway_ips,
                             net->n_gateway_ips);
        }
        if (net->n_routes) {
            cJSON *routes = cJSON_AddArrayToObject(entry, "routes");
            for (size_t j = 0; j < net->n_routes; j++) {
                cJSON *r = cJSON_CreateObject();
                cJSON_AddStringToObject(r, "dest", net->routes[j].dest);
                if (net->routes[j].next_hop) {
                    cJSON_AddStringToObject(r, "nextHop",
                                            net->routes[j].next_hop);
                }
                cJSON_AddItemToArray(routes, r);
            }
        }
        if (net->tunnel_id) {
            cJSON_AddNumberToObject(entry, "tunnel_id", net->tunnel_id);
        }
        if (net->role) {
            cJSON_AddStringToObject(entry, "role", net->role);
        }
    }
    free(nodes);
    return print_and_delete(json);
}

void
pod_networks_clear(struct shash *networks)
{
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, networks) {
        pod_network_free(node->data);
        shash_delete(networks, node);
    }
}

char *
pod_network_ip_list(const struct pod_network *net)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < net->n_ip_addresses; i++) {
        if (i) {
            ds_put_char(&s, ',');
        }
        ds_put_cstr(&s, net->ip_addresses[i]);
    }
    return ds_steal_cstr(&s);
}

/* Pod objects. */

/* Deletes every member of 'object' (if it is an object) whose name is not
 * in 'keep', a NULL-terminated list. */
static void
keep_members(cJSON *object, const char *const *keep)
{
    if (!cJSON_IsObject(object)) {
        return;
    }
    cJSON *item = object->child;
    while (item) {
        cJSON *next = item->next;
        const char *const *k = keep;
        while (*k && (!item->string || strcmp(*k, item->string))) {
            k++;
        }
        if (!*k) {
            cJSON_Delete(cJSON_DetachItemViaPointer(object, item));
        }
        item = next;
    }
}

void
pod_ann_trim_pod(cJSON *pod)
{
    static const char *const top[] = { "metadata", "spec", "status",
                                       NULL };
    static const char *const metadata[] = {
        "name", "namespace", "uid", "resourceVersion", "deletionTimestamp",
        "annotations", NULL
    };
    static const char *const annotations[] = {
        POD_ANN_CONNECTION_DETAILS, POD_ANN_CONNECTION_STATUS,
        POD_ANN_POD_NETWORKS, POD_ANN_INGRESS_BANDWIDTH,
        POD_ANN_EGRESS_BANDWIDTH, NULL
    };
    static const char *const spec[] = { "nodeName", "hostNetwork", NULL };
    static const char *const status[] = { "phase", NULL };

    keep_members(pod, top);
    cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    keep_members(md, metadata);
    keep_members(cJSON_GetObjectItemCaseSensitive(md, "annotations"),
                 annotations);
    keep_members(cJSON_GetObjectItemCaseSensitive(pod, "spec"), spec);
    keep_members(cJSON_GetObjectItemCaseSensitive(pod, "status"), status);
}
