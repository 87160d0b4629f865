/*
 * libFuzzer target for the pod bandwidth annotations
 * (vswitchd-ext/pod-bandwidth.c): kubernetes.io/ingress-bandwidth and
 * kubernetes.io/egress-bandwidth, which whoever creates a pod writes.
 *
 * The input is the annotation's value.  Checks that a refused value
 * gives 0 and an accepted one a value in [1k, 1P]; that an accepted
 * value agrees, to within rounding, with the same quantity computed in
 * long double from its number and suffix (an independent reading); that
 * the decimal form of an accepted value parses back to itself; and that
 * both annotations of a pod object carrying the value read alike, with an
 * error that names both exactly when the value is refused.
 */

#include <config.h>

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pod-annotations.h"
#include "pod-bandwidth.h"
#include "util.h"

/* 'text' read another way: strtold() on its number, times its suffix.
 * Only for text that pod_bw_parse_quantity() accepted. */
static long double
reference_value(const char *text)
{
    static const struct {
        const char *name;
        long double factor;
    } suffixes[] = {
        { "", 1 }, { "m", 1e-3L }, { "k", 1e3L }, { "M", 1e6L },
        { "G", 1e9L }, { "T", 1e12L }, { "P", 1e15L }, { "E", 1e18L },
        { "Ki", 0x1p10L }, { "Mi", 0x1p20L }, { "Gi", 0x1p30L },
        { "Ti", 0x1p40L }, { "Pi", 0x1p50L }, { "Ei", 0x1p60L },
    };
    size_t n = strspn(text, "+-0123456789.");
    char *number = xmemdup0(text, n);
    long double value = strtold(number, NULL);
    const char *suffix = text + n;

    free(number);
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        if (!strcmp(suffix, suffixes[i].name)) {
            return value * suffixes[i].factor;
        }
    }
    ovs_assert(*suffix == 'e' || *suffix == 'E');
    return value * powl(10, strtol(suffix + 1, NULL, 10));
}

static void
check_quantity(const char *text)
{
    int64_t bps = -1;
    char *error = pod_bw_parse_quantity(text, &bps);

    if (error) {
        ovs_assert(bps == 0 && error[0]);
        free(error);
        return;
    }
    ovs_assert(bps >= POD_BW_MIN_BPS && bps <= POD_BW_MAX_BPS);

    long double want = reference_value(text);
    ovs_assert(fabsl((long double) bps - want)
               <= 1 + want * 1e-15L);

    char decimal[32];
    int64_t again;
    snprintf(decimal, sizeof decimal, "%"PRId64, bps);
    error = pod_bw_parse_quantity(decimal, &again);
    ovs_assert(!error && again == bps);
}

static void
check_annotations(const char *text)
{
    cJSON *annotations = cJSON_CreateObject();
    cJSON_AddStringToObject(annotations, POD_ANN_INGRESS_BANDWIDTH, text);
    cJSON_AddStringToObject(annotations, POD_ANN_EGRESS_BANDWIDTH, text);

    int64_t single, ingress, egress;
    char *single_error = pod_bw_parse_quantity(text, &single);
    char *error = pod_bw_from_annotations(annotations, &ingress, &egress);

    ovs_assert(ingress == single && egress == single);
    ovs_assert(!error == !single_error);
    if (error) {
        ovs_assert(strstr(error, POD_ANN_INGRESS_BANDWIDTH));
        ovs_assert(strstr(error, POD_ANN_EGRESS_BANDWIDTH));
    }
    free(error);
    free(single_error);
    cJSON_Delete(annotations);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmemdup0((const char *) data, size);

    if (strlen(text) == size) {
        check_quantity(text);
        check_annotations(text);
    }
    free(text);
    return 0;
}
