/*
 * The validators of pod-annotations.h (pod_ann_check_*()): the checks of
 * single values that the annotation codecs apply, and that other modules
 * apply to the same values from elsewhere (CNI requests).  Pure functions.
 */

#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

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

