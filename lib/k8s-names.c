/*
 * Kubernetes object names.  See k8s-names.h.
 */

#include <config.h>

#include "k8s-names.h"

#include <string.h>

static bool
is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Returns true if the 'n' characters at 's' are one DNS-1123 label of any
 * length: [a-z0-9]([-a-z0-9]*[a-z0-9])?. */
static bool
is_label(const char *s, size_t n)
{
    if (!n || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1])) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_lower_alnum(s[i]) && s[i] != '-') {
            return false;
        }
    }
    return true;
}

bool
k8s_is_dns1123_label(const char *s)
{
    size_t n = strlen(s);
    return n <= 63 && is_label(s, n);
}

bool
k8s_is_dns1123_subdomain(const char *s)
{
    if (strlen(s) > 253) {
        return false;
    }
    for (;;) {
        size_t n = strcspn(s, ".");
        if (!is_label(s, n)) {
            return false;
        }
        if (!s[n]) {
            return true;
        }
        s += n + 1;
    }
}

bool
k8s_has_control_chars(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char) *s < 0x20 || *s == 0x7f) {
            return true;
        }
    }
    return false;
}
