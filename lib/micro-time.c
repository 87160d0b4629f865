/*
 * Kubernetes MicroTime timestamps.  See micro-time.h.
 *
 * Calendar arithmetic is done here rather than with timegm()/gmtime_r() so
 * that it is the same on every libc, independent of time_t's width, and
 * obviously free of time zone state.  The conversions are Howard Hinnant's
 * days_from_civil() and civil_from_days() for the proleptic Gregorian
 * calendar.
 */

#include <config.h>

#include "micro-time.h"

#include "openvswitch/dynamic-string.h"

static long long int
days_from_civil(long long int y, int m, int d)
{
    y -= m <= 2;
    long long int era = (y >= 0 ? y : y - 399) / 400;
    long long int yoe = y - era * 400;
    long long int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(long long int z, long long int *yp, int *mp, int *dp)
{
    z += 719468;
    long long int era = (z >= 0 ? z : z - 146096) / 146097;
    long long int doe = z - era * 146097;
    long long int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long int mp_ = (5 * doy + 2) / 153;
    int m = mp_ < 10 ? mp_ + 3 : mp_ - 9;

    *dp = doy - (153 * mp_ + 2) / 5 + 1;
    *mp = m;
    *yp = yoe + era * 400 + (m <= 2);
}

void
micro_time_format(long long int usec, struct ds *s)
{
    long long int secs = floor_div(usec, USEC_PER_SEC);
    long long int frac = floor_mod(usec, USEC_PER_SEC);
    long long int days = floor_div(secs, 86400);
    long long int sod = floor_mod(secs, 86400);
    long long int year;
    int month, day;

    civil_from_days(days, &year, &month, &day);
    ds_put_format(s, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%06lldZ",
                  year, month, day, sod / 3600, sod / 60 % 60, sod % 60,
                  frac);
}

/* Parses exactly 'n' decimal digits at '*sp' into '*valuep' and advances
 * '*sp' past them. */
static bool
parse_fixed_digits(const char **sp, int n, int *valuep)
{
    int value = 0;

    for (int i = 0; i < n; i++) {
        char c = (*sp)[i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    *sp += n;
    *valuep = value;
    return true;
}

static bool
expect_char(const char **sp, char c)
{
    if (**sp != c) {
        return false;
    }
    (*sp)++;
    return true;
}

static bool
is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
    static const int days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };
    return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

/* Accepts "YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|+hh:mm|-hh:mm)" and nothing else:
 * uppercase 'T' and 'Z' as Kubernetes writes them, every field in range
 * (no leap second 60, as Go's time package rejects it too), no trailing
 * text.  Fractional digits beyond the sixth are truncated. */
bool
micro_time_parse(const char *s, long long int *usecp)
{
    int year, month, day, hour, minute, second;
    long long int frac = 0;
    int offset = 0;             /* Minutes east of UTC. */

    if (!parse_fixed_digits(&s, 4, &year) || !expect_char(&s, '-')
        || !parse_fixed_digits(&s, 2, &month) || !expect_char(&s, '-')
        || !parse_fixed_digits(&s, 2, &day) || !expect_char(&s, 'T')
        || !parse_fixed_digits(&s, 2, &hour) || !expect_char(&s, ':')
        || !parse_fixed_digits(&s, 2, &minute) || !expect_char(&s, ':')
        || !parse_fixed_digits(&s, 2, &second)) {
        return false;
    }
    if (month < 1 || month > 12 || day < 1
        || day > days_in_month(year, month)
        || hour > 23 || minute > 59 || second > 59) {
        return false;
    }

    if (expect_char(&s, '.')) {
        int n;
        for (n = 0; *s >= '0' && *s <= '9'; n++, s++) {
            if (n >= 9) {
                return false;
            }
            if (n < 6) {
                frac = frac * 10 + (*s - '0');
            }
        }
        if (!n) {
            return false;
        }
        for (; n < 6; n++) {
            frac *= 10;
        }
    }

    if (*s == '+' || *s == '-') {
        int sign = *s++ == '-' ? -1 : 1;
        int off_hour, off_minute;
        if (!parse_fixed_digits(&s, 2, &off_hour) || !expect_char(&s, ':')
            || !parse_fixed_digits(&s, 2, &off_minute)
            || off_hour > 23 || off_minute > 59) {
            return false;
        }
        offset = sign * (off_hour * 60 + off_minute);
    } else if (!expect_char(&s, 'Z')) {
        return false;
    }
    if (*s) {
        return false;
    }

    long long int secs = (days_from_civil(year, month, day) * 86400
                          + hour * 3600 + minute * 60 + second
                          - offset * 60);
    *usecp = secs * USEC_PER_SEC + frac;
    return true;
}
