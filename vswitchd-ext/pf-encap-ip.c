/*
 * Reading ovn-pf-encap-ip-mapping.  See pf-encap-ip.h.
 */

#include <config.h>

#include "pf-encap-ip.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* True if 's' is an IPv4 or IPv6 address in text form. */
static bool
is_ip_address(const char *s)
{
    struct in6_addr addr;

    return (inet_pton(AF_INET, s, &addr) == 1
            || inet_pton(AF_INET6, s, &addr) == 1);
}

char *
pf_encap_ip_lookup(const char *mapping, const char *uplink, char **ipp)
{
    char *copy = xstrdup(mapping ? mapping : "");
    char *save_ptr = NULL;
    char *error = NULL;

    *ipp = NULL;
    for (char *entry = strtok_r(copy, ",", &save_ptr); entry && !error;
         entry = strtok_r(NULL, ",", &save_ptr)) {
        char *colon = strchr(entry, ':');

        if (!colon || colon == entry || !colon[1]) {
            error = xasprintf("bad Open_vSwitch external_ids:%s \"%s\": "
                              "entry \"%s\" is not <uplink>:<address>",
                              PF_ENCAP_IP_MAPPING, mapping, entry);
            break;
        }
        *colon = '\0';
        if (!uplink || strcmp(entry, uplink)) {
            continue;
        }
        const char *ip = colon + 1;
        if (*ipp) {
            error = xasprintf("bad Open_vSwitch external_ids:%s \"%s\": "
                              "uplink %s is given twice",
                              PF_ENCAP_IP_MAPPING, mapping, uplink);
        } else if (!is_ip_address(ip)) {
            error = xasprintf("bad Open_vSwitch external_ids:%s \"%s\": "
                              "the address of uplink %s, \"%s\", is not an "
                              "IP address", PF_ENCAP_IP_MAPPING, mapping,
                              uplink, ip);
        } else {
            *ipp = xstrdup(ip);
        }
    }
    if (error) {
        free(*ipp);
        *ipp = NULL;
    }
    free(copy);
    return error;
}
