/*
 * Finding a pod's VF on the host from the CNI "deviceID".  See vf-device.h.
 */

#include <config.h>

#include "vf-device.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "util.h"

/* Largest PF and VF numbers we accept from a simulated name, as in
 * pod-annotations.h. */
#define MAX_PF_ID 255
#define MAX_VF_ID 65535

void
vf_device_destroy(struct vf_device *dev)
{
    if (dev) {
        free(dev->netdev);
        free(dev->pci);
    }
}

/* Parses the decimal number at '*s' (no sign, no leading zero unless it is
 * "0") up to 'max', advancing '*s'. */
static bool
parse_decimal(const char **s, int max, int *value)
{
    const char *p = *s;
    long long int v = 0;

    if (!isdigit((unsigned char) *p) || (p[0] == '0' && isdigit(p[1]))) {
        return false;
    }
    for (; isdigit((unsigned char) *p); p++) {
        v = v * 10 + (*p - '0');
        if (v > max) {
            return false;
        }
    }
    *value = v;
    *s = p;
    return true;
}

/* True if 'name' is a network device name (cni_check_ifname()). */
static bool
is_netdev_name(const char *name)
{
    char *why = cni_check_ifname(name);
    bool ok = !why;
    free(why);
    return ok;
}

bool
vf_device_parse_sim_name(const char *name, int *pf, int *vf)
{
    /* Any prefix, as ovn-kubernetes' dpu-simulator names match
     * "(\d+)-(\d+)$": the PF number is the run of digits just before the
     * last '-'. */
    const char *dash = strrchr(name, '-');
    if (!dash || !is_netdev_name(name)) {
        return false;
    }
    const char *p = dash;
    while (p > name && isdigit((unsigned char) p[-1])) {
        p--;
    }
    return (parse_decimal(&p, MAX_PF_ID, pf)
            && p == dash++
            && parse_decimal(&dash, MAX_VF_ID, vf)
            && !*dash);
}

/* A copy of the deviceID 's' fit for a message: quoted, each byte that is
 * not printable ASCII as \xNN, and cut short after 64 bytes. */
static char *
quote_id(const char *s)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    size_t i;

    ds_put_char(&ds, '"');
    for (i = 0; s[i] && i < 64; i++) {
        unsigned char c = s[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            ds_put_format(&ds, "\\x%02x", c);
        } else {
            ds_put_char(&ds, c);
        }
    }
    ds_put_cstr(&ds, s[i] ? "\"..." : "\"");
    return ds_steal_cstr(&ds);
}

/* True if 's' is a PCI address in the canonical sysfs form
 * "dddd:bb:ss.f" (hex, lowercase as the kernel names them).  Sets
 * '*function' to its function number. */
static bool
is_pci_address(const char *s, int *function)
{
    static const char pattern[] = "xxxx:xx:xx.x";

    if (strlen(s) != sizeof pattern - 1) {
        return false;
    }
    for (size_t i = 0; pattern[i]; i++) {
        if (pattern[i] == 'x'
            ? !isxdigit((unsigned char) s[i]) || isupper((unsigned char) s[i])
            : s[i] != pattern[i]) {
            return false;
        }
    }
    *function = s[11] - '0';
    return *function >= 0 && *function <= 7;
}

bool
vf_device_id_is_valid(const char *device_id, bool simulated)
{
    int a, b;

    return (simulated
            ? vf_device_parse_sim_name(device_id, &a, &b)
            : is_pci_address(device_id, &a) || is_netdev_name(device_id));
}

/* Returns the last component of the target of symlink 'path', or NULL with
 * errno set. */
static char *
link_target_name(const char *path)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof buf - 1);

    if (n < 0) {
        return NULL;
    }
    buf[n] = '\0';
    while (n > 1 && buf[n - 1] == '/') {
        buf[--n] = '\0';
    }
    const char *slash = strrchr(buf, '/');
    return xstrdup(slash ? slash + 1 : buf);
}

/* Finds the VF index of 'vf' among 'pf_dir''s "virtfnN" links.  'label'
 * names the deviceID in messages. */
static char *
find_vf_index(const char *pf_dir, const char *pf, const char *vf,
              const char *label, int *vf_id)
{
    DIR *dir = opendir(pf_dir);
    if (!dir) {
        return xasprintf("PF %s of VF %s: %s: %s", pf, vf, pf_dir,
                         ovs_strerror(errno));
    }

    char *error = NULL;
    struct dirent *de;
    *vf_id = -1;
    while ((de = readdir(dir)) != NULL) {
        const char *p = de->d_name;
        int n;

        if (strncmp(p, "virtfn", 6)) {
            continue;
        }
        p += 6;
        if (!parse_decimal(&p, MAX_VF_ID, &n) || *p) {
            continue;
        }

        char *path = xasprintf("%s/%s", pf_dir, de->d_name);
        char *target = link_target_name(path);
        free(path);
        if (target && !strcmp(target, vf)) {
            *vf_id = n;
            free(target);
            break;
        }
        free(target);
    }
    closedir(dir);

    if (*vf_id < 0) {
        error = xasprintf("deviceID %s: its PF %s has no virtfnN link to it",
                          label, pf);
    }
    return error;
}

/* Finds the single netdev of the PCI device in 'dev_dir'. */
static char *
find_netdev(const char *dev_dir, const char *pci, char **netdevp)
{
    char *net_dir = xasprintf("%s/net", dev_dir);
    DIR *dir = opendir(net_dir);
    free(net_dir);
    if (!dir) {
        return xasprintf("deviceID %s: the VF has no netdev (%s; is it "
                         "bound to a network driver or vfio-pci?)", pci,
                         ovs_strerror(errno));
    }

    char *netdev = NULL;
    char *error = NULL;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        if (netdev) {
            bool in_order = strcmp(netdev, de->d_name) < 0;
            error = xasprintf("deviceID %s: the VF has more than one netdev "
                              "(%s, %s)", pci,
                              in_order ? netdev : de->d_name,
                              in_order ? de->d_name : netdev);
            break;
        }
        netdev = xstrdup(de->d_name);
    }
    closedir(dir);

    if (!error && !netdev) {
        error = xasprintf("deviceID %s: the VF has no netdev (is it bound "
                          "to a network driver or vfio-pci?)", pci);
    } else if (!error) {
        char *why = cni_check_ifname(netdev);
        if (why) {
            error = xasprintf("deviceID %s: netdev name is not valid: %s",
                              pci, why);
            free(why);
        }
    }
    if (error) {
        free(netdev);
        return error;
    }
    *netdevp = netdev;
    return NULL;
}

/* True if the PCI device in 'dev_dir' is bound to vfio-pci. */
static bool
is_vfio_bound(const char *dev_dir)
{
    char *path = xasprintf("%s/driver", dev_dir);
    char *driver = link_target_name(path);
    bool vfio = driver && !strcmp(driver, "vfio-pci");
    free(driver);
    free(path);
    return vfio;
}

/* Resolves the VF with PCI address 'pci' (already checked to be one).
 * 'label' names the deviceID in messages. */
static char *
resolve_pci(const char *pci, const char *label, const char *sysfs_root,
            struct vf_device *dev)
{
    char *error = NULL;
    char *vf_dir = xasprintf("%s/bus/pci/devices/%s", sysfs_root, pci);
    char *physfn = xasprintf("%s/physfn", vf_dir);
    char *pf = NULL;
    char *pf_dir = NULL;
    struct stat st;
    int pf_function;

    if (stat(vf_dir, &st)) {
        error = xasprintf("deviceID %s: no such PCI device (%s)",
                          label, ovs_strerror(errno));
        goto out;
    }
    pf = link_target_name(physfn);
    if (!pf) {
        error = (errno == ENOENT
                 ? xasprintf("deviceID %s is not a VF (it has no physfn)",
                             label)
                 : xasprintf("deviceID %s: %s: %s", label, physfn,
                             ovs_strerror(errno)));
        goto out;
    }
    if (!is_pci_address(pf, &pf_function)) {
        error = xasprintf("deviceID %s: its physfn points at \"%s\", which "
                          "is not a PCI address", label, pf);
        goto out;
    }

    pf_dir = xasprintf("%s/bus/pci/devices/%s", sysfs_root, pf);
    error = find_vf_index(pf_dir, pf, pci, label, &dev->vf_id);
    if (!error) {
        /* A VF for a virtual machine has no netdev, by design. */
        dev->vfio = is_vfio_bound(vf_dir);
        if (!dev->vfio) {
            error = find_netdev(vf_dir, label, &dev->netdev);
        }
    }
    if (!error) {
        dev->pf_id = pf_function;
        dev->pci = xstrdup(pci);
    }

out:
    free(pf_dir);
    free(pf);
    free(physfn);
    free(vf_dir);
    return error;
}

static char *
resolve_switchdev(const char *device_id, const char *sysfs_root,
                  struct vf_device *dev)
{
    int function;
    if (is_pci_address(device_id, &function)) {
        return resolve_pci(device_id, device_id, sysfs_root, dev);
    }

    /* A netdev name: a component of a path, so it must be a name and
     * nothing else ('/', ".." and the like are refused here). */
    char *why = cni_check_ifname(device_id);
    if (why) {
        char *quoted = quote_id(device_id);
        char *error = xasprintf("deviceID %s is neither a PCI address of "
                                "the form 0000:03:00.2 nor a network device "
                                "name (%s)", quoted, why);
        free(quoted);
        free(why);
        return error;
    }
    char *pci;
    char *error = vf_device_pci_of_netdev(sysfs_root, device_id, &pci);
    if (error) {
        char *full = xasprintf("deviceID %s: %s", device_id, error);
        free(error);
        return full;
    }
    char *label = xasprintf("%s (PCI device %s)", device_id, pci);
    error = resolve_pci(pci, label, sysfs_root, dev);
    if (!error && (dev->vfio || strcmp(dev->netdev, device_id))) {
        /* Only if sysfs changed under us, or a test's tree says so. */
        error = xasprintf("deviceID %s: its netdev is %s", label,
                          dev->netdev ? dev->netdev : "none (vfio-pci)");
    }
    free(label);
    free(pci);
    return error;
}

static char *
resolve_simulated(const char *device_id, struct vf_device *dev)
{
    if (!vf_device_parse_sim_name(device_id, &dev->pf_id, &dev->vf_id)) {
        char *quoted = quote_id(device_id);
        char *error = xasprintf("deviceID %s is not a simulated VF: with "
                                "--simulate-dpu it is the VF netdev's name, "
                                "which ends in <pf>-<vf>, e.g. eth0-3",
                                quoted);
        free(quoted);
        return error;
    }
    if (!if_nametoindex(device_id)) {
        return xasprintf("deviceID %s: no such network device on the host "
                         "(%s)", device_id, ovs_strerror(errno));
    }
    dev->netdev = xstrdup(device_id);
    return NULL;
}

char *
vf_device_resolve(const char *device_id, bool simulated,
                  const char *sysfs_root, struct vf_device *dev)
{
    memset(dev, 0, sizeof *dev);
    char *error = (simulated
                   ? resolve_simulated(device_id, dev)
                   : resolve_switchdev(device_id, sysfs_root, dev));
    if (error) {
        vf_device_destroy(dev);
        memset(dev, 0, sizeof *dev);
    }
    return error;
}

char *
vf_device_fallback_name(const char *pci)
{
    int function;

    if (!is_pci_address(pci, &function)) {
        return NULL;
    }
    /* "vf-" and the address without its domain when that is 0, else the
     * whole address, ':' made '-': at most 15 characters. */
    char *name = xasprintf("vf-%s", strncmp(pci, "0000:", 5) ? pci : pci + 5);
    for (char *p = name; *p; p++) {
        if (*p == ':') {
            *p = '-';
        }
    }
    return name;
}

char *
vf_device_pci_of_netdev(const char *sysfs_root, const char *netdev,
                        char **pci)
{
    char *path = xasprintf("%s/class/net/%s/device", sysfs_root, netdev);
    int function;

    *pci = link_target_name(path);
    char *error = NULL;
    if (!*pci) {
        error = xasprintf("netdev %s: no PCI device (%s: %s)", netdev, path,
                          ovs_strerror(errno));
    } else if (!is_pci_address(*pci, &function)) {
        error = xasprintf("netdev %s: its device \"%s\" is not a PCI "
                          "address", netdev, *pci);
        free(*pci);
        *pci = NULL;
    }
    free(path);
    return error;
}

char *
vf_device_pf_netdevs(const char *sysfs_root, const char *vf_pci,
                     char **pf_pci, struct svec *netdevs)
{
    char *physfn = xasprintf("%s/bus/pci/devices/%s/physfn", sysfs_root,
                             vf_pci);
    char *error = NULL;
    int function;

    *pf_pci = link_target_name(physfn);
    if (!*pf_pci) {
        error = xasprintf("%s is not a VF: %s: %s", vf_pci, physfn,
                          ovs_strerror(errno));
    } else if (!is_pci_address(*pf_pci, &function)) {
        error = xasprintf("%s: its physfn \"%s\" is not a PCI address",
                          vf_pci, *pf_pci);
    } else {
        char *dir_name = xasprintf("%s/bus/pci/devices/%s/net", sysfs_root,
                                   *pf_pci);
        DIR *dir = opendir(dir_name);
        if (!dir) {
            error = xasprintf("no netdevs found for PCI address %s (%s: %s)",
                              *pf_pci, dir_name, ovs_strerror(errno));
        } else {
            for (struct dirent *de; (de = readdir(dir)) != NULL; ) {
                if (de->d_name[0] != '.') {
                    svec_add(netdevs, de->d_name);
                }
            }
            closedir(dir);
            svec_sort(netdevs);
            if (!netdevs->n) {
                error = xasprintf("no netdevs found for PCI address %s",
                                  *pf_pci);
            }
        }
        free(dir_name);
    }
    if (error) {
        free(*pf_pci);
        *pf_pci = NULL;
    }
    free(physfn);
    return error;
}
