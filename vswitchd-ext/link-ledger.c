/*
 * Loading and saving the representor link ledger.  See link-ledger.h.
 */

#include <config.h>

#include "link-ledger.h"

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "util.h"

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

char *
link_ledger_load(const char *file_name, long long int deadline,
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

char *
link_ledger_save(const char *file_name, const struct shash *entries)
{
    const struct shash_node **nodes = shash_sort(entries);
    char *tmp_name = xasprintf("%s.tmp", file_name);
    char *error = NULL;

    FILE *stream = fopen(tmp_name, "w");
    if (!stream) {
        error = xasprintf("%s: cannot create (%s)", tmp_name,
                          ovs_strerror(errno));
        goto out;
    }
    for (size_t i = 0; i < shash_count(entries); i++) {
        const struct link_ledger_entry *entry = nodes[i]->data;

        if (entry->down) {
            fprintf(stream, "down %s %"PRId64"\n", nodes[i]->name,
                    entry->cfg);
        } else {
            fprintf(stream, "up %s\n", nodes[i]->name);
        }
    }
    if (ferror(stream) | fclose(stream)) {
        error = xasprintf("%s: write error (%s)", tmp_name,
                          ovs_strerror(errno));
    } else if (rename(tmp_name, file_name)) {
        error = xasprintf("cannot rename %s to %s (%s)", tmp_name,
                          file_name, ovs_strerror(errno));
    }
    if (error) {
        unlink(tmp_name);
    }

out:
    free(tmp_name);
    free(nodes);
    return error;
}
