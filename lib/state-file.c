/*
 * Writing state files whole.  See state-file.h.
 */

#include <config.h>

#include "state-file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Writes all of 'data' ('size' bytes) to 'fd'.  Returns 0 or an errno. */
static int
write_all(int fd, const char *data, size_t size)
{
    while (size) {
        ssize_t n = write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        data += n;
        size -= n;
    }
    return 0;
}

char *
state_file_write(const char *path, const char *contents)
{
    char *tmp = xasprintf("%s.tmp", path);
    char *error = NULL;

    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    if (fd < 0) {
        error = xasprintf("%s: cannot create (%s)", tmp,
                          ovs_strerror(errno));
        goto out;
    }

    /* An earlier file of that name may have had another mode. */
    int retval = (fchmod(fd, 0600) ? errno
                  : write_all(fd, contents, strlen(contents)));
    if (retval) {
        error = xasprintf("%s: write error (%s)", tmp, ovs_strerror(retval));
    }
    if (close(fd) && !error) {
        error = xasprintf("%s: write error (%s)", tmp, ovs_strerror(errno));
    }
    if (!error && rename(tmp, path)) {
        error = xasprintf("cannot rename %s to %s (%s)", tmp, path,
                          ovs_strerror(errno));
    }
    if (error) {
        unlink(tmp);
    }

out:
    free(tmp);
    return error;
}
