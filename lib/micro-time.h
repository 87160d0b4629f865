/*
 * Kubernetes MicroTime timestamps: the renewTime and acquireTime of a
 * Lease.
 *
 * RFC 3339 in UTC with exactly six fractional digits, e.g.
 * "2026-11-25T10:00:00.123456Z".  Parsing also accepts any number of
 * fractional digits up to nine (or none) and a numeric offset instead of
 * "Z", as the API server may return either.  Times are microseconds since
 * the epoch, on any libc and whatever the width of time_t.
 */

#ifndef MICRO_TIME_H
#define MICRO_TIME_H 1

#include <stdbool.h>

#include "openvswitch/compiler.h"

struct ds;

#define USEC_PER_SEC 1000000LL

/* Appends 'usec' to 's' as a MicroTime. */
void micro_time_format(long long int usec, struct ds *s);

/* Parses 's' into '*usec'.  Returns false, leaving '*usec' alone, if 's'
 * is not a MicroTime. */
bool micro_time_parse(const char *s, long long int *usec)
    OVS_WARN_UNUSED_RESULT;

/* Division rounding towards minus and plus infinity, and the modulus that
 * goes with the first, for times before the epoch. */
static inline long long int
floor_div(long long int a, long long int b)
{
    return a / b - (a % b < 0);
}

static inline long long int
floor_mod(long long int a, long long int b)
{
    return a - floor_div(a, b) * b;
}

static inline long long int
ceil_div(long long int a, long long int b)
{
    return -floor_div(-a, b);
}

#endif /* micro-time.h */
