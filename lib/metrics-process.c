/*
 * The build_info and process_* metrics (see metrics-process.h).  The
 * process figures are read from /proc when the registry renders, so they
 * cost nothing between scrapes.
 */

#include <config.h>

#include "metrics-process.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "metrics.h"
#include "openvswitch/version.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(metrics_process);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

struct process_metrics {
    struct metrics_registry *registry;
    struct metric *cpu_seconds;
    struct metric *resident_bytes;
    struct metric *virtual_bytes;
    struct metric *open_fds;
    struct metric *max_fds;
    struct metric *start_time;
    double boot_time;           /* System boot, seconds since the epoch. */
};

/* Reads /proc/stat's "btime": the boot time, in seconds since the epoch.
 * Returns 0 if it cannot. */
static double
read_boot_time(void)
{
    FILE *stream = fopen("/proc/stat", "r");
    if (!stream) {
        VLOG_WARN("/proc/stat: %s", ovs_strerror(errno));
        return 0;
    }

    char line[256];
    unsigned long long int btime = 0;
    while (fgets(line, sizeof line, stream)) {
        if (sscanf(line, "btime %llu", &btime) == 1) {
            break;
        }
    }
    fclose(stream);
    return btime;
}

/* Reads /proc/self/stat into '*utime', '*stime' (clock ticks),
 * '*starttime' (clock ticks after boot), '*vsize' (bytes) and '*rss'
 * (pages).  Returns 0 or an errno value. */
static int
read_proc_stat(unsigned long long int *utime, unsigned long long int *stime,
               unsigned long long int *starttime,
               unsigned long long int *vsize, long long int *rss)
{
    FILE *stream = fopen("/proc/self/stat", "r");
    if (!stream) {
        return errno;
    }
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, stream);
    fclose(stream);
    buf[n] = '\0';

    /* The second field, the command name in parentheses, may contain
     * anything, parentheses and spaces included: the fields we want
     * follow the last ')'.  After it come field 3 (state) onwards. */
    const char *p = strrchr(buf, ')');
    if (!p || sscanf(p + 1,
                     " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u"
                     " %llu %llu %*d %*d %*d %*d %*d %*d %llu %llu %lld",
                     utime, stime, starttime, vsize, rss) != 5) {
        return EPROTO;
    }
    return 0;
}

/* Counts the entries of /proc/self/fd, less the one opendir() uses.
 * Returns -1 if it cannot. */
static int
count_open_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) {
        return -1;
    }
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] != '.') {
            n++;
        }
    }
    closedir(dir);
    return n - 1;
}

static void
collect_process_metrics(void *pm_)
{
    struct process_metrics *pm = pm_;
    long int ticks = sysconf(_SC_CLK_TCK);
    long int page_size = sysconf(_SC_PAGESIZE);

    unsigned long long int utime, stime, starttime, vsize;
    long long int rss;
    int error = read_proc_stat(&utime, &stime, &starttime, &vsize, &rss);
    if (!error && ticks > 0) {
        metrics_counter_set(pm->cpu_seconds,
                            (double) (utime + stime) / ticks);
        metrics_gauge_set(pm->resident_bytes, (double) rss * page_size);
        metrics_gauge_set(pm->virtual_bytes, vsize);
        if (pm->boot_time) {
            metrics_gauge_set(pm->start_time,
                              pm->boot_time + (double) starttime / ticks);
        }
    } else {
        VLOG_WARN_RL(&rl, "/proc/self/stat: %s", ovs_strerror(error));
    }

    int open_fds = count_open_fds();
    if (open_fds >= 0) {
        metrics_gauge_set(pm->open_fds, open_fds);
    } else {
        VLOG_WARN_RL(&rl, "/proc/self/fd: %s", ovs_strerror(errno));
    }

    struct rlimit limit;
    if (!getrlimit(RLIMIT_NOFILE, &limit)) {
        metrics_gauge_set(pm->max_fds, limit.rlim_cur);
    }
}

void
metrics_process_register(struct metrics_registry *registry,
                         const char *prefix)
{
    char *name = xasprintf("%s_build_info", prefix);
    struct metric *build_info = metrics_gauge_create(
        registry, name,
        "Always 1; the labels say which version of ovn-dpu this is and "
        "which version of Open vSwitch it was built against.",
        "version,ovs_version");
    metrics_gauge_set(build_info, 1, PACKAGE_VERSION, OVS_PACKAGE_VERSION);
    free(name);

    /* A process has one set of process metrics. */
    static struct process_metrics process_metrics;
    struct process_metrics *pm = &process_metrics;
    ovs_assert(!pm->registry);
    pm->registry = registry;
    pm->cpu_seconds = metrics_counter_create(
        registry, "process_cpu_seconds_total",
        "CPU time the process has used, user and system, in seconds.",
        NULL);
    pm->resident_bytes = metrics_gauge_create(
        registry, "process_resident_memory_bytes",
        "Resident set size of the process, in bytes.", NULL);
    pm->virtual_bytes = metrics_gauge_create(
        registry, "process_virtual_memory_bytes",
        "Virtual memory size of the process, in bytes.", NULL);
    pm->open_fds = metrics_gauge_create(
        registry, "process_open_fds",
        "File descriptors the process has open.", NULL);
    pm->max_fds = metrics_gauge_create(
        registry, "process_max_fds",
        "File descriptors the process may open (soft RLIMIT_NOFILE).",
        NULL);
    pm->start_time = metrics_gauge_create(
        registry, "process_start_time_seconds",
        "When the process started, in seconds since the Unix epoch.", NULL);
    pm->boot_time = read_boot_time();
    metrics_collector_register(registry, collect_process_metrics, pm);
}
