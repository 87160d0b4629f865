/*
 * Writing the agents' state files (the host's attachments record, the
 * DPU's link ledger) so that they survive a crash or a power cut whole:
 * the new contents go to "<file>.tmp", which is fsynced and renamed over
 * the file, and then the directory is fsynced so that the rename itself
 * is on disk.  A reader sees the old contents or the new, never a mix or
 * an empty file.
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
