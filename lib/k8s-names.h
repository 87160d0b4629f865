/*
 * Kubernetes object names: the DNS-1123 rules that the API server enforces,
 * checked by the agents before a name from the command line, a CNI request
 * or an annotation goes into a URL path or a field selector; and the
 * control characters that no name, file name, URL or token we accept may
 * hold.
 */

#ifndef K8S_NAMES_H
#define K8S_NAMES_H 1

#include <stdbool.h>

/* A DNS-1123 label, as namespaces must be: 1 to 63 lowercase letters,
 * digits and '-', starting and ending with a letter or digit. */
bool k8s_is_dns1123_label(const char *);

/* A DNS-1123 subdomain, as node and pod names must be: at most 253
 * characters, one or more dot-separated parts that each are lowercase
 * letters, digits and '-', starting and ending with a letter or digit. */
bool k8s_is_dns1123_subdomain(const char *);

/* True if 's' holds an ASCII control character (below 0x20, or DEL). */
bool k8s_has_control_chars(const char *s);

#endif /* k8s-names.h */
