/*
 * The validators of pod-annotations.h (pod_ann_check_*()): the checks of
 * single values that the annotation codecs apply, and that other modules
 * apply to the same values from elsewhere (CNI requests).  Pure functions.
 */

#include <config.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "k8s-names.h"
#include "pod-annotations.h"
#include "util.h"

char *
pod_ann_check_ifname(const char *name)
{
    if (!name[0]) {
        return xstrdup("empty interface name");
    }
    if (strlen(name) >= IFNAMSIZ) {
        return xasprintf("\"%s\" is longer than %d characters",
                         name, IFNAMSIZ - 1);
    }
    if (!strcmp(name, ".") || !strcmp(name, "..")) {
        return xasprintf("\"%s\" is not a valid interface name", name);
    }
    for (const char *p = name; *p; p++) {
        if (*p == '/' || *p == ':' || isspace((unsigned char) *p)
            || !isprint((unsigned char) *p)) {
            return xasprintf("\"%s\" contains a character not allowed in an "
                             "interface name", name);
        }
    }
    return NULL;
}

int
pod_ann_nad_key_index(const char *key)
{
    const char *slash = strchr(key, '/');
    const char *index = slash ? strchr(slash + 1, '/') : NULL;
    if (!index) {
        return 0;
    }

    /* What ovn-kubernetes writes for the n'th attachment to a NAD is the
     * decimal n, n >= 1: no sign, no leading zero, no other form. */
    index++;
    size_t len = strlen(index);
    if (!len || len > 5 || index[0] == '0'
        || strspn(index, "0123456789") != len) {
        return -1;
    }
    int n = atoi(index);
    return n <= POD_ANN_MAX_NAD_INDEX ? n : -1;
}

char *
pod_ann_nad_of_key(const char *key)
{
    const char *slash = strchr(key, '/');
    const char *index = slash ? strchr(slash + 1, '/') : NULL;

    return index ? xmemdup0(key, index - key) : xstrdup(key);
}

char *
pod_ann_check_nad_key(const char *nad)
{
    if (!nad[0]) {
        return xstrdup("empty network (NAD) key");
    }
    if (strcmp(nad, POD_ANN_DEFAULT_NAD)) {
        const char *slash = strchr(nad, '/');
        if (!slash || slash == nad || !slash[1]) {
            return xasprintf("\"%s\": network key is neither \"%s\" nor "
                             "\"<namespace>/<name>\" nor "
                             "\"<namespace>/<name>/<index>\"",
                             nad, POD_ANN_DEFAULT_NAD);
        }

        const char *slash2 = strchr(slash + 1, '/');
        if (slash2 && pod_ann_nad_key_index(nad) <= 0) {
            return xasprintf("\"%s\": network key's index is not a number "
                             "from 1 to %d without leading zeros",
                             nad, POD_ANN_MAX_NAD_INDEX);
        }

        char *ns = xmemdup0(nad, slash - nad);
        char *name = (slash2
                      ? xmemdup0(slash + 1, slash2 - slash - 1)
                      : xstrdup(slash + 1));
        bool ok = k8s_is_dns1123_label(ns) && k8s_is_dns1123_subdomain(name);
        free(ns);
        free(name);
        if (!ok) {
            return xasprintf("\"%s\": network key is not "
                             "\"<namespace>/<name>\" with a valid Kubernetes "
                             "namespace and name", nad);
        }
    }
    return NULL;
}

char *
pod_ann_check_sandbox_id(const char *id)
{
    size_t len = strlen(id);

    if (!len) {
        return xstrdup("empty");
    }
    if (len > POD_ANN_MAX_SANDBOX_LEN) {
        return xasprintf("longer than %d characters",
                         POD_ANN_MAX_SANDBOX_LEN);
    }
    for (const char *p = id; *p; p++) {
        unsigned char c = *p;
        bool alnum = isascii(c) && isalnum(c);
        if (!alnum && (p == id || !strchr("_.-", c))) {
            return xasprintf("\"%s\" is not a container id (a letter or "
                             "digit, then letters, digits, '_', '.' and "
                             "'-')", id);
        }
    }
    return NULL;
}

/* Parses 'text' as an IPv4 or IPv6 address without a prefix, into 'family'
 * and 'addr'. */
static bool
parse_ip(const char *text, int *family, struct in6_addr *addr)
{
    if (inet_pton(AF_INET, text, addr) == 1) {
        *family = AF_INET;
        return true;
    } else if (inet_pton(AF_INET6, text, addr) == 1) {
        *family = AF_INET6;
        return true;
    }
    return false;
}

char *
pod_ann_check_ip(const char *ip)
{
    struct in6_addr addr;
    int family;

    return (parse_ip(ip, &family, &addr)
            ? NULL
            : xasprintf("\"%s\" is not an IP address", ip));
}

char *
pod_ann_check_cidr(const char *cidr)
{
    const char *slash = strchr(cidr, '/');
    if (!slash) {
        return xasprintf("\"%s\" is not a CIDR (no prefix length)", cidr);
    }

    char *ip = xmemdup0(cidr, slash - cidr);
    struct in6_addr addr;
    int family;
    bool ok = parse_ip(ip, &family, &addr);
    free(ip);
    if (!ok) {
        return xasprintf("\"%s\" is not a CIDR (bad address)", cidr);
    }

    const char *plen_s = slash + 1;
    int max = family == AF_INET ? 32 : 128;
    int plen = 0;
    if (!plen_s[0] || strlen(plen_s) > 3) {
        return xasprintf("\"%s\" is not a CIDR (bad prefix length)", cidr);
    }
    for (const char *p = plen_s; *p; p++) {
        if (!isdigit((unsigned char) *p)) {
            return xasprintf("\"%s\" is not a CIDR (bad prefix length)",
                             cidr);
        }
        plen = plen * 10 + (*p - '0');
    }
    if (plen > max) {
        return xasprintf("\"%s\" is not a CIDR (prefix length over %d)",
                         cidr, max);
    }
    return NULL;
}

char *
pod_ann_check_mac(const char *mac)
{
    /* "xx:xx:xx:xx:xx:xx" or "xx-xx-xx-xx-xx-xx", the 48-bit forms that
     * Go's net.ParseMAC takes: one separator throughout, not a mix. */
    bool ok = strlen(mac) == 17 && (mac[2] == ':' || mac[2] == '-');
    for (int i = 0; ok && i < 17; i++) {
        ok = (i % 3 == 2
              ? mac[i] == mac[2]
              : isxdigit((unsigned char) mac[i]));
    }
    return ok ? NULL : xasprintf("\"%s\" is not a MAC address", mac);
}

/* Member names as Go's encoding/json matches them (see pod-annotations.h).
 * Go folds a name by taking each character to upper case after lower case,
 * so four non-ASCII letters also match ASCII ones: U+0130 and U+0131 match
 * 'i', U+017F (long s) matches 's', U+212A (Kelvin sign) matches 'k'. */
bool
pod_ann_member_names_field(const char *member, const char *field)
{
    static const struct {
        const char *utf8;
        char ascii;
    } folds[] = {
        { "\xc4\xb0", 'I' }, { "\xc4\xb1", 'I' },
        { "\xc5\xbf", 'S' }, { "\xe2\x84\xaa", 'K' },
    };
    const char *m = member;

    for (const char *f = field; *f; f++) {
        char want = toupper((unsigned char) *f);
        if (isascii((unsigned char) *m)) {
            if (!*m || toupper((unsigned char) *m) != want) {
                return false;
            }
            m++;
            continue;
        }

        size_t i;
        for (i = 0; i < ARRAY_SIZE(folds); i++) {
            size_t len = strlen(folds[i].utf8);
            if (folds[i].ascii == want && !strncmp(m, folds[i].utf8, len)) {
                m += len;
                break;
            }
        }
        if (i == ARRAY_SIZE(folds)) {
            return false;
        }
    }
    return !*m;
}

char *
pod_ann_find_member(const cJSON *object, const char *name, const cJSON **itemp)
{
    *itemp = NULL;
    for (const cJSON *m = object->child; m; m = m->next) {
        if (m->string && pod_ann_member_names_field(m->string, name)) {
            if (*itemp) {
                return xasprintf("%s: given twice, as \"%s\" and \"%s\" "
                                 "(member names match regardless of case)",
                                 name, (*itemp)->string, m->string);
            }
            *itemp = m;
        }
    }
    return NULL;
}
