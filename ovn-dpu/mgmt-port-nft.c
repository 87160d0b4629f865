/*
 * The management port's SNAT chain, through libnftables.  See
 * mgmt-port-nft.h.
 */

#include <config.h>

#include "mgmt-port-nft.h"

#include <dlfcn.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node-annotations.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

#define T "inet " MGMT_NFT_TABLE
#define C T " " MGMT_NFT_CHAIN

/* The sets the chain refers to: name, type, flags, comment (as
 * ovn-kubernetes names and describes them). */
static const char *const sets[][4] = {
    { "mgmtport-no-snat-nodeports", "inet_proto . inet_service", NULL,
      "NodePorts not subject to management port SNAT" },
    { "mgmtport-no-snat-services-v4", "ipv4_addr . inet_proto . inet_service",
      NULL, "eTP:Local short-circuit not subject to management port SNAT "
      "(IPv4)" },
    { "mgmtport-no-snat-services-v6", "ipv6_addr . inet_proto . inet_service",
      NULL, "eTP:Local short-circuit not subject to management port SNAT "
      "(IPv6)" },
    { "mgmtport-no-snat-subnets-v4", "ipv4_addr", "interval",
      "subnets not subject to management port SNAT (IPv4)" },
    { "mgmtport-no-snat-subnets-v6", "ipv6_addr", "interval",
      "subnets not subject to management port SNAT (IPv6)" },
};

void
mgmt_nft_rules(const char *ifname, const struct node_cidr *addrs,
               size_t n_addrs, struct ds *r)
{
    ds_put_cstr(r, "add table " T "\n");
    for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
        ds_put_format(r, "add set " T " %s { type %s ; ", sets[i][0],
                      sets[i][1]);
        if (sets[i][2]) {
            ds_put_format(r, "flags %s ; ", sets[i][2]);
        }
        ds_put_format(r, "comment \"%s\" ; }\n", sets[i][3]);
    }
    ds_put_cstr(r, "add chain " C " { type nat hook postrouting priority "
                "srcnat ; comment \"OVN SNAT to Management Port\" ; }\n");
    ds_put_cstr(r, "flush chain " C "\n");
    ds_put_format(r, "add rule " C " oifname != \"%s\" return\n", ifname);
    ds_put_cstr(r, "add rule " C " meta l4proto . th dport "
                "@mgmtport-no-snat-nodeports return\n");
    for (size_t i = 0; i < n_addrs; i++) {
        bool v4 = node_cidr_is_ipv4(&addrs[i]);
        const char *ip = v4 ? "ip" : "ip6";
        const char *sfx = v4 ? "v4" : "v6";

        /* No SNAT for what already comes from the management port. */
        ds_put_format(r, "add rule " C " meta nfproto %s %s saddr ",
                      v4 ? "ipv4" : "ipv6", ip);
        node_cidr_format(&addrs[i], false, r);
        ds_put_cstr(r, " return\n");
        ds_put_format(r, "add rule " C " %s daddr . meta l4proto . th dport "
                      "@mgmtport-no-snat-services-%s return\n", ip, sfx);
        ds_put_format(r, "add rule " C " %s saddr "
                      "@mgmtport-no-snat-subnets-%s return\n", ip, sfx);
        ds_put_format(r, "add rule " C " snat %s to ", ip);
        node_cidr_format(&addrs[i], false, r);
        ds_put_char(r, '\n');
    }
}

/* libnftables is loaded for each run() and unloaded after it, not linked:
 * its command parser touches some 1.2 MB of its own text and that of
 * libnftnl, libgmp, libxtables and libjansson, which no other process
 * maps, and which would otherwise stay in the host agent's memory (its
 * USS) between the runs, 30 s apart (Documentation/memory.rst).  The
 * soname is that of every libnftables since 0.9. */
#define NFT_LIBRARY "libnftables.so.1"

/* The functions used, typed from the header's declarations (typeof does
 * not reference the symbols, so nothing is linked). */
struct nft_api {
    __typeof__(nft_ctx_new) *ctx_new;
    __typeof__(nft_ctx_free) *ctx_free;
    __typeof__(nft_ctx_buffer_output) *buffer_output;
    __typeof__(nft_ctx_buffer_error) *buffer_error;
    __typeof__(nft_ctx_get_output_buffer) *get_output;
    __typeof__(nft_ctx_get_error_buffer) *get_error;
    __typeof__(nft_run_cmd_from_buffer) *run_cmd;
};

/* Loads libnftables into '*handle' and its functions into '*api'.  Returns
 * NULL or an error message. */
static char *
nft_load(void **handle, struct nft_api *api)
{
    *handle = dlopen(NFT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!*handle) {
        return xasprintf("nftables: cannot load %s: %s", NFT_LIBRARY,
                         dlerror());
    }
    static const char *const names[] = {
        "nft_ctx_new", "nft_ctx_free", "nft_ctx_buffer_output",
        "nft_ctx_buffer_error", "nft_ctx_get_output_buffer",
        "nft_ctx_get_error_buffer", "nft_run_cmd_from_buffer",
    };
    void *f[ARRAY_SIZE(names)];
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        f[i] = dlsym(*handle, names[i]);
        if (!f[i]) {
            char *error = xasprintf("nftables: %s has no %s", NFT_LIBRARY,
                                    names[i]);
            dlclose(*handle);
            *handle = NULL;
            return error;
        }
    }
    /* POSIX allows converting dlsym()'s void * to a function pointer. */
    memcpy(&api->ctx_new, &f[0], sizeof api->ctx_new);
    memcpy(&api->ctx_free, &f[1], sizeof api->ctx_free);
    memcpy(&api->buffer_output, &f[2], sizeof api->buffer_output);
    memcpy(&api->buffer_error, &f[3], sizeof api->buffer_error);
    memcpy(&api->get_output, &f[4], sizeof api->get_output);
    memcpy(&api->get_error, &f[5], sizeof api->get_error);
    memcpy(&api->run_cmd, &f[6], sizeof api->run_cmd);
    return NULL;
}

/* Runs 'commands'.  Returns NULL and stores what nftables printed in
 * '*output' (if nonnull), or returns an error message. */
static char *
run(const char *commands, char **output)
{
    struct nft_api nft = { .ctx_new = NULL };
    void *handle;
    char *error = nft_load(&handle, &nft);
    if (error) {
        return error;
    }

    struct nft_ctx *ctx = nft.ctx_new(NFT_CTX_DEFAULT);
    if (!ctx) {
        dlclose(handle);
        return xstrdup("nftables: cannot create a context");
    }
    nft.buffer_output(ctx);
    nft.buffer_error(ctx);

    if (nft.run_cmd(ctx, commands)) {
        struct ds why = DS_EMPTY_INITIALIZER;
        ds_put_cstr(&why, nft.get_error(ctx));
        ds_chomp(&why, '\n');
        /* nftables repeats the command and marks the place with "^^^"
         * lines: the first line says what is wrong. */
        char *nl = strchr(ds_cstr(&why), '\n');
        if (nl) {
            *nl = '\0';
        }
        error = xasprintf("nftables: %s", ds_cstr(&why));
        ds_destroy(&why);
    } else if (output) {
        *output = xstrdup(nft.get_output(ctx));
    }
    nft.ctx_free(ctx);
    dlclose(handle);
    return error;
}

char *
mgmt_nft_apply(const char *rules, char **listing)
{
    *listing = NULL;
    char *error = run(rules, NULL);
    return error ? error : run("list chain " C "\n", listing);
}

char *
mgmt_nft_check(const char *listing)
{
    char *now = NULL;
    char *error = run("list chain " C "\n", &now);

    if (error) {
        char *msg = xasprintf("chain %s: %s", MGMT_NFT_CHAIN, error);
        free(error);
        return msg;
    }
    if (strcmp(now, listing)) {
        error = xasprintf("chain %s differs from what was set",
                          MGMT_NFT_CHAIN);
    }
    free(now);
    return error;
}

char *
mgmt_nft_remove(bool *removed)
{
    /* Only if it is there: adding the table just to delete the chain
     * would leave an empty table on a host that never had one. */
    char *listing = NULL;
    char *error = run("list chain " C "\n", &listing);
    free(listing);
    *removed = !error;
    if (error) {
        free(error);
        return NULL;
    }
    return run("delete chain " C "\n", NULL);
}

/* The record file: the rules, a separator line, the listing. */
#define SEPARATOR "-- listing --\n"

int
mgmt_nft_record_load(const char *file, char **rules, char **listing)
{
    *rules = *listing = NULL;

    FILE *f = fopen(file, "r");
    if (!f) {
        return errno;
    }
    struct ds text = DS_EMPTY_INITIALIZER;
    int c;
    while ((c = getc(f)) != EOF && text.length < 65536) {
        ds_put_char(&text, c);
    }
    int error = ferror(f) ? errno : 0;
    fclose(f);

    char *sep = error ? NULL : strstr(ds_cstr(&text), SEPARATOR);
    if (!error && !sep) {
        error = EINVAL;
    }
    if (!error) {
        *sep = '\0';
        *rules = xstrdup(ds_cstr(&text));
        *listing = xstrdup(sep + strlen(SEPARATOR));
    }
    ds_destroy(&text);
    return error;
}

char *
mgmt_nft_record_store(const char *file, const char *rules,
                      const char *listing)
{
    char *tmp = xasprintf("%s.tmp", file);
    char *error = NULL;
    FILE *f = fopen(tmp, "w");

    if (!f) {
        error = xasprintf("%s: cannot create (%s)", tmp, ovs_strerror(errno));
    } else {
        fputs(rules, f);
        fputs(SEPARATOR, f);
        fputs(listing, f);
        if (ferror(f) | fclose(f)) {
            error = xasprintf("%s: write error (%s)", tmp,
                              ovs_strerror(errno));
        } else if (rename(tmp, file)) {
            error = xasprintf("cannot rename %s to %s (%s)", tmp, file,
                              ovs_strerror(errno));
        }
        if (error) {
            unlink(tmp);
        }
    }
    free(tmp);
    return error;
}
