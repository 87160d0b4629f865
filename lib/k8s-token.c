/*
 * Reading a bearer token file.  See k8s-token.h.
 */

#include <config.h>

#include "k8s-token.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

char *
k8s_token_read(const char *file_name, char **tokenp)
{
    *tokenp = NULL;

    FILE *stream = fopen(file_name, "r");
    if (!stream) {
        return xasprintf("cannot open token file: %s", ovs_strerror(errno));
    }

    struct ds token = DS_EMPTY_INITIALIZER;
    int c;
    while ((c = getc(stream)) != EOF
           && token.length <= K8S_MAX_TOKEN_SIZE) {
        ds_put_char(&token, c);
    }
    fclose(stream);
    while (token.length && strchr(" \t\r\n", ds_last(&token))) {
        token.length--;
    }
    ds_cstr(&token);

    char *error = NULL;
    if (token.length > K8S_MAX_TOKEN_SIZE) {
        error = xstrdup("token file is too large");
    } else if (!token.length) {
        error = xstrdup("token file is empty");
    } else if (strcspn(token.string, "\r\n") != token.length) {
        error = xstrdup("token file holds more than one line");
    }
    if (error) {
        ds_destroy(&token);
    } else {
        *tokenp = ds_steal_cstr(&token);
    }
    return error;
}
