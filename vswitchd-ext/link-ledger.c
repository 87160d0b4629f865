/*
 * The representor link ledger.  See link-ledger.h.
 */

#include <config.h>

#include "link-ledger.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-port.h"
#include "representor.h"
#include "state-file.h"
#include "svec.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(link_ledger);

/* One representor. */
struct link_ledger_entry {
    bool down;                  /* False: up.  True: to be set down. */
    int64_t cfg;                /* If 'down': once cur_cfg reaches this. */
    long long int deadline;     /* If 'down': or at this time.  Not in the
                                 * file: loading sets it. */
};

struct link_ledger {
    struct shash entries;       /* Netdev name -> struct link_ledger_entry. */
    char *file_name;            /* Or NULL to keep it in memory only. */
    bool dirty;                 /* Changed since last saved. */
};

/* The file. */

/* Returns true if 'name' can be a netdev name. */
static bool
is_netdev_name(const char *name)
{
    size_t len = strlen(name);

    return (len > 0 && len < IFNAMSIZ
            && strcmp(name, ".") && strcmp(name, "..")
            && !name[strcspn(name, "/: \t\n")]);
}

/* Parses one line of the file into 'name' and 'entry'.  Returns false if
 * it is not one. */
static bool
parse_line(char *line, char **name, struct link_ledger_entry *entry)
{
    char *save_ptr = NULL;
    char *kind = strtok_r(line, " ", &save_ptr);
    char *netdev = strtok_r(NULL, " ", &save_ptr);
    char *cfg = strtok_r(NULL, " ", &save_ptr);

    if (!kind || !netdev || !is_netdev_name(netdev)
        || strtok_r(NULL, " ", &save_ptr)) {
        return false;
    }
    if (!strcmp(kind, "up") && !cfg) {
        entry->down = false;
        entry->cfg = 0;
    } else if (!strcmp(kind, "down") && cfg) {
        long long int value;
        if (!str_to_llong(cfg, 10, &value) || value < 0) {
            return false;
        }
        entry->down = true;
        entry->cfg = value;
    } else {
        return false;
    }
    *name = netdev;
    return true;
}

/* Adds the entries of 'file_name' to 'entries', 'down' ones with
 * 'deadline'.  A missing file is an empty ledger.  Lines that cannot be
 * parsed, or that name a netdev that cannot be one, are skipped and
 * counted in '*n_bad'.  Returns NULL, or an error message (which the
 * caller must free()) if the file exists but cannot be read, in which
 * case 'entries' may hold what was read. */
static char *
load_file(const char *file_name, long long int deadline,
          struct shash *entries, size_t *n_bad)
{
    FILE *stream = fopen(file_name, "r");

    *n_bad = 0;
    if (!stream) {
        return (errno == ENOENT ? NULL
                : xasprintf("%s: cannot open (%s)", file_name,
                            ovs_strerror(errno)));
    }

    struct ds line = DS_EMPTY_INITIALIZER;
    while (!ds_get_line(&line, stream)) {
        struct link_ledger_entry entry;
        char *name;

        if (!parse_line(ds_cstr(&line), &name, &entry)) {
            (*n_bad)++;
            continue;
        }
        entry.deadline = deadline;
        free(shash_replace(entries, name, xmemdup(&entry, sizeof entry)));
    }
    ds_destroy(&line);

    char *error = (ferror(stream)
                   ? xasprintf("%s: read error (%s)", file_name,
                               ovs_strerror(errno))
                   : NULL);
    fclose(stream);
    return error;
}

/* Replaces 'file_name' by the contents of 'entries' (see state-file.h).
 * Returns NULL, or an error message (which the caller must free()). */
static char *
save_file(const char *file_name, const struct shash *entries)
{
    const struct shash_node **nodes = shash_sort(entries);
    struct ds text = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < shash_count(entries); i++) {
        const struct link_ledger_entry *entry = nodes[i]->data;

        if (entry->down) {
            ds_put_format(&text, "down %s %"PRId64"\n", nodes[i]->name,
                          entry->cfg);
        } else {
            ds_put_format(&text, "up %s\n", nodes[i]->name);
        }
    }
    free(nodes);

    char *error = state_file_write(file_name, ds_cstr(&text));
    ds_destroy(&text);
    return error;
}

/* The ledger. */

struct link_ledger *
link_ledger_create(const char *file_name, long long int deadline)
{
    struct link_ledger *ledger = xzalloc(sizeof *ledger);
    size_t n_bad;

    shash_init(&ledger->entries);
    if (!file_name) {
        return ledger;
    }

    ledger->file_name = xstrdup(file_name);
    char *error = load_file(file_name, deadline, &ledger->entries, &n_bad);
    if (error) {
        VLOG_WARN("%s", error);
        free(error);
    }
    if (n_bad) {
        VLOG_WARN("%s: skipped %"PRIuSIZE" malformed lines", file_name,
                  n_bad);
    }
    if (!shash_is_empty(&ledger->entries)) {
        struct shash_node *node;
        size_t n_down = 0;

        SHASH_FOR_EACH (node, &ledger->entries) {
            const struct link_ledger_entry *e = node->data;
            n_down += e->down;
        }
        VLOG_INFO("%s: from an earlier run, %"PRIuSIZE" representors "
                  "brought up, %"PRIuSIZE" to set down", file_name,
                  shash_count(&ledger->entries) - n_down, n_down);
    }
    ledger->dirty = n_bad > 0;
    return ledger;
}

void
link_ledger_destroy(struct link_ledger *ledger)
{
    if (ledger) {
        shash_destroy_free_data(&ledger->entries);
        free(ledger->file_name);
        free(ledger);
    }
}

/* Returns the entry for 'name', adding an up one if there is none. */
static struct link_ledger_entry *
link_entry(struct link_ledger *ledger, const char *name)
{
    struct link_ledger_entry *e = shash_find_data(&ledger->entries, name);

    if (!e) {
        e = xzalloc(sizeof *e);
        shash_add(&ledger->entries, name, e);
        ledger->dirty = true;
    }
    return e;
}

bool
link_ledger_note_up(struct link_ledger *ledger, const char *name)
{
    struct link_ledger_entry *e = shash_find_data(&ledger->entries, name);

    if (e && !e->down) {
        return false;
    }
    e = link_entry(ledger, name);
    e->down = false;
    ledger->dirty = true;
    return true;
}

void
link_ledger_note_down(struct link_ledger *ledger, const char *name,
                      int64_t cfg, long long int deadline)
{
    struct link_ledger_entry *e = link_entry(ledger, name);
    e->down = true;
    e->cfg = cfg;
    e->deadline = deadline;
    ledger->dirty = true;
}

static void
remove_entry(struct link_ledger *ledger, struct shash_node *node)
{
    free(node->data);
    shash_delete(&ledger->entries, node);
    ledger->dirty = true;
}

void
link_ledger_save(struct link_ledger *ledger)
{
    if (ledger->dirty && ledger->file_name) {
        char *error = save_file(ledger->file_name, &ledger->entries);
        if (error) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "%s", error);
            free(error);
            return;             /* Try again at the next change. */
        }
    }
    ledger->dirty = false;
}

static void
set_link_down(const char *name)
{
    int error = representor_set_up(name, false);
    if (error && error != ENODEV) {
        VLOG_WARN("%s: cannot set link down (%s)", name,
                  ovs_strerror(error));
    }
}

void
link_ledger_run(struct link_ledger *ledger, const struct ovs_port_view *v,
                const struct shash *wanted, bool complete,
                long long int now, struct svec *journal)
{
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, &ledger->entries) {
        struct link_ledger_entry *e = node->data;
        const char *name = node->name;
        const struct ovs_port_info *port = ovs_port_view_find(v, name);

        if (shash_find(wanted, name)) {
            /* Wanted (again): the binding keeps it up. */
            link_ledger_note_up(ledger, name);
        } else if (!e->down) {
            /* Up, and no binding wants it.  Until the desired set is
             * complete, one may yet; our port, if any, is stale and its
             * deletion makes the entry 'down'; someone else's port is not
             * ours to take down. */
            if (complete && !(port && port->ours)) {
                if (!port) {
                    svec_add_nocopy(journal, xasprintf(
                                        "setting %s down: its binding went "
                                        "before its port was added", name));
                    set_link_down(name);
                }
                remove_entry(ledger, node);
            }
        } else if (port) {
            /* Its port is back (or not gone yet): leave the link alone,
             * and once the deadline passes, forget it if the port is not
             * ours (ours is stale: deleting it makes the entry 'down'
             * again). */
            if (now >= e->deadline) {
                if (port->ours) {
                    link_ledger_note_up(ledger, name);
                } else {
                    remove_entry(ledger, node);
                }
            }
        } else if (!v->ovs || v->ovs->cur_cfg >= e->cfg
                   || now >= e->deadline) {
            set_link_down(name);
            remove_entry(ledger, node);
        }
    }
}

bool
link_ledger_has_pending_down(const struct link_ledger *ledger)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &ledger->entries) {
        const struct link_ledger_entry *e = node->data;
        if (e->down) {
            return true;
        }
    }
    return false;
}

long long int
link_ledger_next_deadline(const struct link_ledger *ledger)
{
    long long int next = LLONG_MAX;
    struct shash_node *node;

    SHASH_FOR_EACH (node, &ledger->entries) {
        const struct link_ledger_entry *e = node->data;
        if (e->down) {
            next = MIN(next, e->deadline);
        }
    }
    return next;
}
