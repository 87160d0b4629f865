/*
 * What every libFuzzer target in fuzz/ has in common: the two entry points
 * libFuzzer calls.  fuzz-init.c defines LLVMFuzzerInitialize() once for all
 * of them; each target defines LLVMFuzzerTestOneInput().
 */

#ifndef FUZZ_H
#define FUZZ_H 1

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* fuzz.h */
