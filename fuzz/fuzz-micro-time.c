/*
 * libFuzzer target for Kubernetes MicroTime timestamps (lib/micro-time.c):
 * the DPU health Lease's renewTime, written by the other side.
 *
 * The input is the text given to micro_time_parse().  Checks
 * that what parses formats to a timestamp that parses back to the same
 * time, that a timestamp already in canonical form
 * ("YYYY-MM-DDThh:mm:ss.ffffffZ") formats back to itself, and that
 * formatting any time in range (taken from the input's first 8 bytes)
 * round-trips too.
 */

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "micro-time.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* The times that format with a four-digit year: 0000-01-01T00:00:00Z up to
 * 9999-12-31T23:59:59.999999Z. */
#define MIN_USEC (-62167219200LL * 1000000)
#define MAX_USEC (253402300800LL * 1000000 - 1)

/* Formats 'usec' and checks that it parses back to 'usec'.  Returns the
 * text, which the caller must free(). */
static char *
round_trip(long long int usec)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    long long int usec2;

    micro_time_format(usec, &s);
    ovs_assert(s.length == 27);
    ovs_assert(micro_time_parse(ds_cstr(&s), &usec2));
    ovs_assert(usec2 == usec);
    return ds_steal_cstr(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmemdup0((const char *) data, size);
    long long int usec;

    if (micro_time_parse(text, &usec)
        && usec >= MIN_USEC && usec <= MAX_USEC) {
        char *canonical = round_trip(usec);
        if (strlen(text) == 27 && text[19] == '.' && text[26] == 'Z') {
            ovs_assert(!strcmp(canonical, text));
        }
        free(canonical);
    }
    free(text);

    if (size >= 8) {
        uint64_t bits;
        memcpy(&bits, data, sizeof bits);
        usec = MIN_USEC + (long long int) (bits % (MAX_USEC - MIN_USEC + 1));
        free(round_trip(usec));
    }
    return 0;
}
