/*
 * The file in which ovn-dpu-controller records the representors whose link
 * state it has changed and not yet put back.
 *
 * The agent brings a representor up before adding its port and sets it
 * down after deleting the port, once ovs-vswitchd has dropped the netdev.
 * Either step can be cut short by a SIGKILL: between bringing a link up
 * and committing the port, or between committing the deletion and setting
 * the link down.  A restarted agent that knew only the database would then
 * leave a representor up with no pod behind it.  So each step is written
 * here before it is taken (before the link goes up; before the deleting
 * transaction is committed), and a restarted agent loads the file and
 * finishes what is pending.
 *
 * The file lives in the run directory: it has the lifetime of link state,
 * which a reboot resets too.  One line per representor:
 *
 *     up <netdev>           brought up by us, not set down since
 *     down <netdev> <cfg>   to be set down once Open_vSwitch cur_cfg
 *                           reaches <cfg> (its port was deleted)
 *
 * The file is replaced whole (written to "<file>.tmp", then renamed), so a
 * reader sees either the old or the new contents.
 */

#ifndef LINK_LEDGER_H
#define LINK_LEDGER_H 1

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/compiler.h"

struct shash;

/* One representor. */
struct link_ledger_entry {
    bool down;                  /* False: up.  True: to be set down. */
    int64_t cfg;                /* If 'down': once cur_cfg reaches this. */
    long long int deadline;     /* If 'down': or at this time.  Not in the
                                 * file: loading sets it. */
};

/* Adds the entries of 'file_name' to 'entries' (netdev name -> malloc()ed
 * struct link_ledger_entry), 'down' ones with 'deadline'.  A missing file
 * is an empty ledger.  Lines that cannot be parsed, or that name a netdev
 * that cannot be one, are skipped and counted in '*n_bad'.  Returns NULL,
 * or an error message (which the caller must free()) if the file exists
 * but cannot be read, in which case 'entries' may hold what was read. */
char *link_ledger_load(const char *file_name, long long int deadline,
                       struct shash *entries, size_t *n_bad)
    OVS_WARN_UNUSED_RESULT;

/* Replaces 'file_name' by the contents of 'entries'.  Returns NULL, or an
 * error message (which the caller must free()). */
char *link_ledger_save(const char *file_name, const struct shash *entries)
    OVS_WARN_UNUSED_RESULT;

#endif /* link-ledger.h */
