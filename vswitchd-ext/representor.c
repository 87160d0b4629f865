/*
 * Finding VF representors on the DPU.  See representor.h.
 */

#include <config.h>

#include "representor.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "coverage.h"
#include "metrics.h"
#include "openvswitch/dynamic-string.h"
#include "sset.h"
#include "util.h"

/* Reads the first line of file 'dir'/'name'/'file' into 'line', without
 * its newline.  Returns false if the file cannot be read (as sysfs returns
 * EOPNOTSUPP for phys_port_name on netdevs that have none). */
static bool
read_attr(const char *dir, const char *name, const char *file,
          struct ds *line)
{
    char *path = xasprintf("%s/%s/%s", dir, name, file);
    FILE *stream = fopen(path, "r");
    bool ok = false;

    free(path);
    ds_clear(line);
    if (stream) {
        ok = !ds_get_line(line, stream);
        fclose(stream);
    }
    return ok;
}

/* Stores in 'names' every netdev under 'dir' (a sysfs class/net) whose
 * attribute 'file' reads 'value'. */
static void
find_by_attr(const char *dir, const struct sset *netdevs, const char *file,
             const char *value, struct sset *names)
{
    struct ds line = DS_EMPTY_INITIALIZER;
    const char *name;

    SSET_FOR_EACH (name, netdevs) {
        if (read_attr(dir, name, file, &line)
            && !strcmp(ds_cstr(&line), value)) {
            sset_add(names, name);
        }
    }
    ds_destroy(&line);
}

/* True if a netdev under 'dir' has a 'file' attribute that starts with
 * 'prefix'. */
static bool
any_attr_prefix(const char *dir, const struct sset *netdevs,
                const char *file, const char *prefix)
{
    struct ds line = DS_EMPTY_INITIALIZER;
    const char *name;
    bool found = false;

    SSET_FOR_EACH (name, netdevs) {
        if (read_attr(dir, name, file, &line)
            && !strncmp(ds_cstr(&line), prefix, strlen(prefix))) {
            found = true;
            break;
        }
    }
    ds_destroy(&line);
    return found;
}

/* Lists the netdevs under 'dir' into 'netdevs'.  Returns 0 or an errno. */
static int
list_netdevs(const char *dir, struct sset *netdevs)
{
    DIR *d = opendir(dir);
    if (!d) {
        return errno;
    }
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (de->d_name[0] != '.') {
            sset_add(netdevs, de->d_name);
        }
    }
    closedir(d);
    return 0;
}

/* Returns the single name in 'names' (a copy) or NULL, with '*errorp' set
 * if there are several. */
static char *
single_match(const struct sset *names, const char *what, char **errorp)
{
    if (sset_count(names) == 1) {
        return xstrdup(SSET_FIRST(names));
    }
    if (sset_count(names) > 1) {
        struct ds s = DS_EMPTY_INITIALIZER;
        const char **sorted = sset_sort(names);

        for (size_t i = 0; i < sset_count(names); i++) {
            ds_put_format(&s, "%s%s", i ? ", " : "", sorted[i]);
        }
        free(sorted);
        *errorp = xasprintf("several netdevs have %s: %s", what,
                            ds_cstr(&s));
        ds_destroy(&s);
    }
    return NULL;
}

char *
representor_find(const char *sysfs_root, bool simulated, int pf, int vf,
                 char **namep)
{
    char *dir = xasprintf("%s/class/net",
                          sysfs_root ? sysfs_root : REPRESENTOR_DEFAULT_SYSFS);
    struct sset netdevs = SSET_INITIALIZER(&netdevs);
    struct sset names = SSET_INITIALIZER(&names);
    char *error = NULL;

    *namep = NULL;
    int retval = list_netdevs(dir, &netdevs);
    if (retval) {
        error = xasprintf("cannot list netdevs in %s (%s)",
                          dir, ovs_strerror(retval));
        goto out;
    }

    if (simulated) {
        char *rep = xasprintf("rep%d-%d", pf, vf);

        if (sset_contains(&netdevs, rep)) {
            *namep = xstrdup(rep);
        } else {
            char *what = xasprintf("alias %s", rep);
            find_by_attr(dir, &netdevs, "ifalias", rep, &names);
            *namep = single_match(&names, what, &error);
            free(what);
            if (!*namep && !error) {
                error = xasprintf("no representor for PF %d VF %d: no netdev "
                                  "in %s is named or aliased %s",
                                  pf, vf, dir, rep);
            }
        }
        free(rep);
    } else {
        /* "c1pf<p>vf<v>" first: on a DPU, controller 1 is the host.  Where
         * any netdev has a "c1pf" name, the host's functions are named so,
         * and a plain "pf<p>vf<v>" is a function of the DPU's own: never a
         * pod's, whatever a pod's connection details say. */
        char *c1 = xasprintf("c1pf%dvf%d", pf, vf);
        char *plain = xasprintf("pf%dvf%d", pf, vf);

        char *what = xasprintf("phys_port_name %s", c1);
        find_by_attr(dir, &netdevs, "phys_port_name", c1, &names);
        *namep = single_match(&names, what, &error);
        free(what);
        if (!*namep && !error
            && any_attr_prefix(dir, &netdevs, "phys_port_name", "c1pf")) {
            error = xasprintf("no representor for PF %d VF %d: no netdev in "
                              "%s has phys_port_name %s (and %s is one of "
                              "the DPU's own functions, not the host's)",
                              pf, vf, dir, c1, plain);
        }
        if (!*namep && !error) {
            what = xasprintf("phys_port_name %s", plain);
            find_by_attr(dir, &netdevs, "phys_port_name", plain, &names);
            *namep = single_match(&names, what, &error);
            free(what);
        }
        if (!*namep && !error) {
            error = xasprintf("no representor for PF %d VF %d: no netdev in "
                              "%s has phys_port_name %s or %s",
                              pf, vf, dir, c1, plain);
        }
        free(c1);
        free(plain);
    }

out:
    sset_destroy(&names);
    sset_destroy(&netdevs);
    free(dir);
    return error;
}

bool
representor_is_host_function(const char *sysfs_root, bool simulated,
                              const char *name, const char *alias)
{
    int pf, vf, n = -1;

    if (simulated) {
        return (sscanf(alias, "rep%d-%d%n", &pf, &vf, &n) == 2
                && n == strlen(alias));
    }

    char *dir = xasprintf("%s/class/net",
                          sysfs_root ? sysfs_root : REPRESENTOR_DEFAULT_SYSFS);
    struct ds line = DS_EMPTY_INITIALIZER;
    bool is = false;
    if (read_attr(dir, name, "phys_port_name", &line)) {
        const char *s = ds_cstr(&line);
        is = ((sscanf(s, "c1pf%dvf%d%n", &pf, &vf, &n) == 2
               && n == strlen(s))
              || (sscanf(s, "pf%dvf%d%n", &pf, &vf, &n) == 2
                  && n == strlen(s)));
    }
    ds_destroy(&line);
    free(dir);
    return is;
}

/* True if 'name' under 'dir' has a non-empty phys_switch_id and a
 * non-empty phys_port_name, which it stores in 'port_name'. */
static bool
is_switchdev_port(const char *dir, const char *name, struct ds *port_name)
{
    bool is = (read_attr(dir, name, "phys_switch_id", port_name)
               && port_name->length
               && read_attr(dir, name, "phys_port_name", port_name)
               && port_name->length);
    return is;
}

bool
representor_is_switchdev_port(const char *sysfs_root, const char *name)
{
    char *dir = xasprintf("%s/class/net",
                          sysfs_root ? sysfs_root : REPRESENTOR_DEFAULT_SYSFS);
    struct ds port_name = DS_EMPTY_INITIALIZER;
    bool is = is_switchdev_port(dir, name, &port_name);

    ds_destroy(&port_name);
    free(dir);
    return is;
}

char *
representor_uplink(const char *sysfs_root, const char *name)
{
    const char *root = sysfs_root ? sysfs_root : REPRESENTOR_DEFAULT_SYSFS;
    char *device = xasprintf("%s/class/net/%s/device", root, name);
    char *physfn = xasprintf("%s/physfn", device);
    char *dir = xasprintf("%s/net", access(physfn, F_OK) ? device : physfn);
    struct sset netdevs = SSET_INITIALIZER(&netdevs);
    struct ds port_name = DS_EMPTY_INITIALIZER;
    char *uplink = NULL;

    if (!list_netdevs(dir, &netdevs)) {
        const char **sorted = sset_sort(&netdevs);

        for (size_t i = 0; !uplink && i < sset_count(&netdevs); i++) {
            int port, n = -1;

            if (is_switchdev_port(dir, sorted[i], &port_name)
                && sscanf(ds_cstr(&port_name), "p%d%n", &port, &n) == 1
                && n == port_name.length) {
                uplink = xstrdup(sorted[i]);
            }
        }
        free(sorted);
    }
    ds_destroy(&port_name);
    sset_destroy(&netdevs);
    free(dir);
    free(physfn);
    free(device);
    return uplink;
}

COVERAGE_DEFINE(representor_link_set);

static int set_up(const char *name, bool up);

int
representor_set_up(const char *name, bool up)
{
    static struct metric *operations;

    if (!operations) {
        operations = metrics_counter_create(
            metrics_default(),
            "ovn_dpu_controller_representor_link_operations_total",
            "Representors brought up or set down, by result.",
            "operation,result");
    }
    int error = set_up(name, up);
    metrics_counter_inc(operations, up ? "up" : "down",
                        error ? "failed" : "ok");
    COVERAGE_INC(representor_link_set);
    return error;
}

static int
set_up(const char *name, bool up)
{
    struct ifreq ifr;
    int error = 0;

    if (strlen(name) >= IFNAMSIZ) {
        return ENAMETOOLONG;
    }
    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    if (sock < 0) {
        return errno;
    }

    memset(&ifr, 0, sizeof ifr);
    ovs_strlcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
        error = errno;
    } else if (!!(ifr.ifr_flags & IFF_UP) != up) {
        ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
        if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
            error = errno;
        }
    }
    close(sock);
    return error;
}
