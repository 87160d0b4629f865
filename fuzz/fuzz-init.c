/*
 * libFuzzer's initialization hook, shared by every target in fuzz/.
 */

#include <config.h>

#include "fuzz.h"

#include "util.h"

/* So that a failed ovs_assert() names the target. */
int
LLVMFuzzerInitialize(int *argc OVS_UNUSED, char ***argv)
{
    set_program_name((*argv)[0]);
    return 0;
}
