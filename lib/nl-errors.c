/*
 * The kernel's own error of a libnl request (nl-errors.h).
 */

#include <config.h>

#include "nl-errors.h"

#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "util.h"

static int kernel_errno;

static int
record_errno(struct sockaddr_nl *nla OVS_UNUSED, struct nlmsgerr *e,
             void *aux OVS_UNUSED)
{
    kernel_errno = -e->error;
    return NL_STOP;
}

void
nl_errors_watch(struct nl_sock *sock)
{
    nl_socket_modify_err_cb(sock, NL_CB_CUSTOM, record_errno, NULL);
}

void
nl_errors_reset(void)
{
    kernel_errno = 0;
}

int
nl_errors_take(void)
{
    int error = kernel_errno;

    kernel_errno = 0;
    return error > 0 ? error : 0;
}

const char *
nl_errors_describe(int err)
{
    int error = nl_errors_take();

    return error ? ovs_strerror(error) : nl_geterror(err);
}
