/*
 * Reading a bearer token file, such as the service account token that the
 * kubelet mounts into a pod and rotates in place.
 */

#ifndef K8S_TOKEN_H
#define K8S_TOKEN_H 1

#include "compiler.h"

/* The largest token file we accept.  Service account tokens are about a
 * kilobyte; anything this large is not a token. */
#define K8S_MAX_TOKEN_SIZE (64 * 1024)

/* Reads the one-line token in 'file_name' into '*token' (to free()),
 * without its trailing white space.  Returns NULL on success, else an
 * error message to free() (the file is missing, empty, too large or holds
 * more than one line) and leaves '*token' NULL. */
char *k8s_token_read(const char *file_name, char **token)
    OVS_WARN_UNUSED_RESULT;

#endif /* k8s-token.h */
