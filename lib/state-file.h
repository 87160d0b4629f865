/*
 * Writing the agents' state files (the host's attachments record, the
 * DPU's link ledger) so that they survive the agent's crash whole: the new
 * contents go to "<file>.tmp", which is renamed over the file.  A reader
 * sees the old contents or the new, never a mix, even if the writer dies
 * between two steps: what a process has written is the kernel's, and the
 * rename is atomic.
 *
 * There is no fsync.  Both files describe kernel state that a reboot
 * discards (VFs moved into pods' network namespaces, links renamed), and
 * both live by default in the run directory, which a reboot empties; a
 * power cut takes the state and its record together.  On this path (every
 * CNI ADD and DEL) the two fsyncs cost 2-6 ms on a disk, and bought only a
 * record of links that no longer exist.  Where the directory is kept
 * across reboots, a file that a power cut left torn is set aside by its
 * reader (the attachments) or read for the lines that parse (the
 * ledger).
 *
 * The files say which pod has which VF: they are created readable by
 * their owner only (0600), whatever the umask.
 */

#ifndef STATE_FILE_H
#define STATE_FILE_H 1

#include "openvswitch/compiler.h"

/* Replaces the contents of 'path' by 'contents'.  Returns NULL, or an
 * error message (to free()) that names the step that failed; the old
 * contents are then still there. */
char *state_file_write(const char *path, const char *contents)
    OVS_WARN_UNUSED_RESULT;

#endif /* state-file.h */
