/*
 * The kernel's own error of a libnl request.  libnl folds many kernel
 * errors into "Unspecific failure"; a socket watched here keeps the
 * errno of the kernel's last error message, so that what a request
 * failed with can be said exactly.  One record for the process: the
 * agents are single-threaded, and each caller resets it before a request
 * whose error it will describe.
 */

#ifndef NL_ERRORS_H
#define NL_ERRORS_H 1

struct nl_sock;

/* Makes 'sock' record the errno of each kernel error message. */
void nl_errors_watch(struct nl_sock *sock);

/* Forgets the last recorded errno (before a request). */
void nl_errors_reset(void);

/* Describes libnl error 'err', preferring the kernel's recorded errno,
 * and forgets it. */
const char *nl_errors_describe(int err);

/* The kernel's recorded errno, else 0, and forgets it. */
int nl_errors_take(void);

#endif /* nl-errors.h */
