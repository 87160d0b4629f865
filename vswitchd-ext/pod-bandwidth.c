/*
 * Pod bandwidth limits, from the pod's annotations to the OVSDB rows of
 * its ports.  See pod-bandwidth.h.
 */

#include <config.h>

#include "pod-bandwidth.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <string.h>

#include "dpu-binding.h"
#include "hmapx.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-port.h"
#include "ovsdb-idl.h"
#include "pod-annotations.h"
#include "smap.h"
#include "util.h"
#include "vswitch-idl.h"

/* Most significant digits in a quantity: 10^18 - 1 fits in 60 bits, so
 * that times 2^60 (the "Ei" suffix) fits in 128. */
#define MAX_DIGITS 18

/* Largest exponent magnitude worth computing with: any more gives a
 * value far out of range either way. */
#define MAX_EXPONENT 1000

/* Parses the suffix at 's' into a power of ten '*exp10' and a power of
 * two '*exp2'.  Returns false if it is not a suffix. */
static bool
parse_suffix(const char *s, int *exp10, int *exp2)
{
    static const struct {
        const char *name;
        int exp10, exp2;
    } suffixes[] = {
        { "", 0, 0 }, { "m", -3, 0 }, { "k", 3, 0 }, { "M", 6, 0 },
        { "G", 9, 0 }, { "T", 12, 0 }, { "P", 15, 0 }, { "E", 18, 0 },
        { "Ki", 0, 10 }, { "Mi", 0, 20 }, { "Gi", 0, 30 },
        { "Ti", 0, 40 }, { "Pi", 0, 50 }, { "Ei", 0, 60 },
    };

    *exp10 = *exp2 = 0;
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        if (!strcmp(s, suffixes[i].name)) {
            *exp10 = suffixes[i].exp10;
            *exp2 = suffixes[i].exp2;
            return true;
        }
    }

    /* A decimal exponent: "e" or "E", an optional sign, digits.  ("E"
     * alone is exa, above.) */
    if (*s != 'e' && *s != 'E') {
        return false;
    }
    s++;
    bool negative = *s == '-';
    if (*s == '+' || *s == '-') {
        s++;
    }
    if (!isdigit((unsigned char) *s)) {
        return false;
    }
    int value = 0;
    for (; isdigit((unsigned char) *s); s++) {
        value = MIN(value * 10 + (*s - '0'), MAX_EXPONENT + 1);
    }
    if (*s) {
        return false;
    }
    *exp10 = negative ? -value : value;
    return true;
}

/* Returns N * 2^exp2 * 10^exp10, rounded up, or a value above
 * POD_BW_MAX_BPS if it is larger than that. */
static int64_t
scale(uint64_t n, int exp2, int exp10)
{
    unsigned __int128 x = (unsigned __int128) n << exp2;

    if (exp10 >= 0) {
        for (int i = 0; i < exp10 && x <= POD_BW_MAX_BPS; i++) {
            x *= 10;
        }
        return x > POD_BW_MAX_BPS ? POD_BW_MAX_BPS + 1 : (int64_t) x;
    }
    if (-exp10 > 38) {
        /* 10^39 does not fit, and x < 2^120 < 10^37: a fraction of 1. */
        return x ? 1 : 0;
    }
    unsigned __int128 d = 1;
    for (int i = 0; i < -exp10; i++) {
        d *= 10;
    }
    x = (x + d - 1) / d;
    return x > POD_BW_MAX_BPS ? POD_BW_MAX_BPS + 1 : (int64_t) x;
}

char *
pod_bw_parse_quantity(const char *text, int64_t *bps)
{
    const char *p = text;
    bool negative = false;

    *bps = 0;
    if (*p == '+' || *p == '-') {
        negative = *p++ == '-';
    }

    /* The digits, without leading zeros or trailing zeros after the
     * point, as one integer 'n' and the number of digits after the point
     * that it holds. */
    uint64_t n = 0;
    int n_digits = 0, n_frac = 0, trailing_zeros = 0;
    bool any_digit = false, point = false;
    for (;; p++) {
        if (*p == '.' && !point) {
            point = true;
            continue;
        } else if (!isdigit((unsigned char) *p)) {
            break;
        }
        any_digit = true;
        if (*p == '0' && point) {
            trailing_zeros++;   /* Counted in only if a digit follows. */
            continue;
        }
        if (*p == '0' && !n_digits) {
            continue;           /* A leading zero. */
        }
        for (; trailing_zeros > 0; trailing_zeros--) {
            if (n && ++n_digits > MAX_DIGITS) {
                break;
            }
            n *= 10;
            n_frac++;
        }
        if (++n_digits > MAX_DIGITS) {
            return xasprintf("more than %d significant digits", MAX_DIGITS);
        }
        n = n * 10 + (*p - '0');
        n_frac += point;
    }
    if (n_digits > MAX_DIGITS) {
        return xasprintf("more than %d significant digits", MAX_DIGITS);
    }
    if (!any_digit) {
        return xstrdup("not a quantity (no digits)");
    }

    int exp10, exp2;
    if (!parse_suffix(p, &exp10, &exp2)) {
        return xstrdup("not a quantity (unknown suffix; expected one of "
                       "k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, m or an "
                       "exponent)");
    }
    if (exp10 > MAX_EXPONENT || exp10 < -MAX_EXPONENT) {
        return xstrdup("exponent out of range");
    }
    if (negative && n) {
        return xstrdup("negative");
    }

    int64_t value = scale(n, exp2, exp10 - n_frac);
    if (value < POD_BW_MIN_BPS) {
        return xstrdup("unreasonably small (less than 1k bit/s)");
    } else if (value > POD_BW_MAX_BPS) {
        return xstrdup("unreasonably large (more than 1P bit/s)");
    }
    *bps = value;
    return NULL;
}

/* Reads annotation 'name' of 'annotations' into '*bps', appending an error
 * to 'errors'. */
static void
read_annotation(const cJSON *annotations, const char *name, int64_t *bps,
                struct ds *errors)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(annotations, name);

    *bps = 0;
    if (!item) {
        return;
    }

    char *error = (cJSON_IsString(item)
                   ? pod_bw_parse_quantity(item->valuestring, bps)
                   : xstrdup("not a string"));
    if (error) {
        char *value = (cJSON_IsString(item)
                       ? pod_ann_escape(item->valuestring, 64)
                       : xstrdup("?"));
        ds_put_format(errors, "%s%s \"%s\": %s, so no limit",
                      errors->length ? "; " : "", name, value, error);
        free(value);
        free(error);
    }
}

char *
pod_bw_from_annotations(const cJSON *annotations, int64_t *ingress_bps,
                        int64_t *egress_bps)
{
    struct ds errors = DS_EMPTY_INITIALIZER;

    read_annotation(annotations, POD_ANN_INGRESS_BANDWIDTH, ingress_bps,
                    &errors);
    read_annotation(annotations, POD_ANN_EGRESS_BANDWIDTH, egress_bps,
                    &errors);
    return errors.length ? ds_steal_cstr(&errors) : NULL;
}

/* The OVSDB side. */

void
pod_bandwidth_register_idl(struct ovsdb_idl *idl)
{
    ovsdb_idl_add_column(idl, &ovsrec_port_col_qos);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ingress_policing_rate);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ingress_policing_burst);

    ovsdb_idl_add_table(idl, &ovsrec_table_qos);
    ovsdb_idl_add_column(idl, &ovsrec_qos_col_type);
    ovsdb_idl_add_column(idl, &ovsrec_qos_col_other_config);
    ovsdb_idl_add_column(idl, &ovsrec_qos_col_external_ids);
}

static bool
qos_is_ours(const struct ovsrec_qos *qos)
{
    return qos && smap_get_bool(&qos->external_ids, OVS_PORT_MARKER, false);
}

/* The Interface policing that 'spec' wants, in kbit/s: ovn-kubernetes
 * truncates the rate to kbit/s and makes the burst a tenth of it (the
 * Open_vSwitch schema's advice). */
static void
wanted_policing(const struct dpu_binding_spec *spec, int64_t *rate,
                int64_t *burst)
{
    *rate = spec->egress_bps / 1000;
    *burst = *rate / 10;
}

/* True if 'qos' is the QoS row that 'spec' wants. */
static bool
qos_is_right(const struct dpu_binding_spec *spec,
             const struct ovsrec_qos *qos)
{
    if (!spec->ingress_bps) {
        return !qos;
    }
    if (!qos_is_ours(qos) || strcmp(qos->type, "linux-htb")
        || !nullable_string_is_equal(
            spec->sandbox, smap_get(&qos->external_ids, OVS_PORT_SANDBOX))) {
        return false;
    }
    const char *max_rate = smap_get(&qos->other_config, "max-rate");
    char *want = xasprintf("%"PRId64, spec->ingress_bps);
    bool right = max_rate && !strcmp(max_rate, want);
    free(want);
    return right;
}

bool
pod_bandwidth_is_right(const struct dpu_binding_spec *spec,
                       const struct ovsrec_port *port,
                       const struct ovsrec_interface *iface)
{
    int64_t rate, burst;

    wanted_policing(spec, &rate, &burst);
    return (qos_is_right(spec, port->qos)
            && iface->ingress_policing_rate == rate
            && iface->ingress_policing_burst == burst);
}

static void
apply_qos(struct ovsdb_idl_txn *txn, const struct ovsrec_port *port,
          const struct dpu_binding_spec *spec, struct ds *changed)
{
    if (qos_is_right(spec, port->qos)) {
        return;
    }
    if (qos_is_ours(port->qos)) {
        ovsrec_qos_delete(port->qos);
    }
    if (!spec->ingress_bps) {
        ovsrec_port_set_qos(port, NULL);
    } else {
        struct ovsrec_qos *qos = ovsrec_qos_insert(txn);
        struct smap ids = SMAP_INITIALIZER(&ids);
        struct smap config = SMAP_INITIALIZER(&config);

        ovsrec_qos_set_type(qos, "linux-htb");
        smap_add_format(&config, "max-rate", "%"PRId64, spec->ingress_bps);
        ovsrec_qos_set_other_config(qos, &config);
        smap_add(&ids, OVS_PORT_MARKER, "true");
        if (spec->sandbox) {
            smap_add(&ids, OVS_PORT_SANDBOX, spec->sandbox);
        }
        ovsrec_qos_set_external_ids(qos, &ids);
        ovsrec_port_set_qos(port, qos);
        smap_destroy(&ids);
        smap_destroy(&config);
    }
    if (changed) {
        ds_put_cstr(changed, " qos");
    }
}

void
pod_bandwidth_apply(struct ovsdb_idl_txn *txn,
                    const struct ovsrec_port *port,
                    const struct ovsrec_interface *iface,
                    const struct dpu_binding_spec *spec, struct ds *changed)
{
    int64_t rate, burst;

    apply_qos(txn, port, spec, changed);
    wanted_policing(spec, &rate, &burst);
    if (iface->ingress_policing_rate != rate
        || iface->ingress_policing_burst != burst) {
        ovsrec_interface_set_ingress_policing_rate(iface, rate);
        ovsrec_interface_set_ingress_policing_burst(iface, burst);
        if (changed) {
            ds_put_cstr(changed, " ingress_policing");
        }
    }
}

size_t
pod_bandwidth_sweep(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn)
{
    struct hmapx used = HMAPX_INITIALIZER(&used);
    const struct ovsrec_port *port;
    const struct ovsrec_qos *qos, *next;
    size_t n = 0;

    OVSREC_PORT_FOR_EACH (port, idl) {
        if (port->qos) {
            hmapx_add(&used, CONST_CAST(struct ovsrec_qos *, port->qos));
        }
    }
    OVSREC_QOS_FOR_EACH_SAFE (qos, next, idl) {
        if (qos_is_ours(qos) && !hmapx_contains(&used, qos)) {
            ovsdb_idl_txn_add_comment(txn, "ovn-dpu: deleting unused QoS "
                                      "of sandbox %s",
                                      smap_get_def(&qos->external_ids,
                                                   OVS_PORT_SANDBOX, "?"));
            ovsrec_qos_delete(qos);
            n++;
        }
    }
    hmapx_destroy(&used);
    return n;
}
