/*
 * The representors whose link state ovn-dpu-controller has changed and
 * not yet put back, in memory and in a file that outlives the agent.
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
 * The file is replaced whole (state-file.h: written to "<file>.tmp",
 * fsynced, renamed, and the directory fsynced, mode 0600), so a reader
 * sees either the old or the new contents, even after a power cut.
 *
 * Setting a link down is ovs-vswitchd's business too: it changes a
 * netdev's flags when it drops its port, from flags it may have cached
 * before ours changed.  So a representor whose port was deleted is set
 * down only once ovs-vswitchd has applied the deletion: Open_vSwitch
 * cur_cfg reaches the next_cfg that the deleting transaction made, or a
 * few seconds pass.
 */

#ifndef LINK_LEDGER_H
#define LINK_LEDGER_H 1

#include <stdbool.h>
#include <stdint.h>

struct ovs_port_view;
struct shash;
struct svec;

/* Creates the ledger, loading what an earlier run of the agent left in
 * 'file_name' ('down' entries get 'deadline'), or an empty one kept in
 * memory only if 'file_name' is NULL.  Problems with the file are
 * logged. */
struct link_ledger *link_ledger_create(const char *file_name,
                                       long long int deadline);
void link_ledger_destroy(struct link_ledger *);

/* Records 'name' as brought up.  Returns true if that changed the
 * ledger. */
bool link_ledger_note_up(struct link_ledger *, const char *name);

/* Records that 'name' is to be set down once cur_cfg reaches 'cfg' or at
 * 'deadline', whichever comes first. */
void link_ledger_note_down(struct link_ledger *, const char *name,
                           int64_t cfg, long long int deadline);

/* Writes the ledger to its file if it changed since it was last written.
 * A failure is logged and tried again at the next call. */
void link_ledger_save(struct link_ledger *);

/* Puts back the link state of representors that no binding wants
 * ('wanted' holds the representors that bindings want): sets down those
 * whose ports ovs-vswitchd has dropped (as 'v' shows the replica), and,
 * once the desired set is 'complete', those brought up for a binding that
 * went before its port was added.  Appends a line to 'journal' for each
 * representor it sets down for the second reason. */
void link_ledger_run(struct link_ledger *, const struct ovs_port_view *v,
                     const struct shash *wanted, bool complete,
                     long long int now, struct svec *journal);

/* True if a representor waits to be set down. */
bool link_ledger_has_pending_down(const struct link_ledger *);

/* The earliest deadline of a representor waiting to be set down, or
 * LLONG_MAX. */
long long int link_ledger_next_deadline(const struct link_ledger *);

#endif /* link-ledger.h */
