/*
 * The CNI network configuration that ovn-dpu-host writes for the node's
 * container runtime.  See cni-conf.h.
 */

#include <config.h>

#include "cni-conf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni.h"
#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(cni_conf);

/* After a failed write, the next try comes this many ms later. */
#define RETRY_INTERVAL 5000

struct cni_conf {
    struct cni_conf_settings settings;  /* Strings owned. */
    char *path;                 /* dir/file. */
    char *text;                 /* What the file holds. */
    bool written;               /* This agent wrote (or kept) it. */
    long long int written_at;   /* time_wall_msec() of that. */
    long long int retry_at;     /* After a failure, LLONG_MIN otherwise. */
    char *error;                /* The last failure, or NULL. */
};

static unixctl_cb_func cni_conf_unixctl_show;

/* A network name follows the CNI specification's rule, as CNI_CONTAINERID
 * does, and a file name is one name that runtimes read as a conflist. */
char *
cni_conf_check(const struct cni_conf_settings *s)
{
    size_t len = strlen(s->file);
    static const char suffix[] = ".conflist";

    if (!len || strchr(s->file, '/') || s->file[0] == '.'
        || len <= strlen(suffix)
        || strcmp(s->file + len - strlen(suffix), suffix)) {
        return xasprintf("--cni-conf-file: \"%s\" is not a file name "
                         "ending in \"%s\" (without '/' nor a leading '.')",
                         s->file, suffix);
    }
    if (!s->network[0] || strlen(s->network) > 255
        || !strchr("abcdefghijklmnopqrstuvwxyz"
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", s->network[0])
        || s->network[strspn(s->network, "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")]) {
        return xasprintf("--cni-network-name: \"%s\" is not a CNI network "
                         "name (a letter or digit, then letters, digits, "
                         "'_', '.' and '-')", s->network);
    }
    for (size_t i = 0; i < cni_n_supported_versions; i++) {
        if (!strcmp(s->version, cni_supported_versions[i])) {
            return NULL;
        }
    }
    struct ds versions = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < cni_n_supported_versions; i++) {
        ds_put_format(&versions, " %s", cni_supported_versions[i]);
    }
    char *error = xasprintf("--cni-version: \"%s\" is not one of the "
                            "versions ovn-dpu-cni speaks:%s", s->version,
                            ds_cstr(&versions));
    ds_destroy(&versions);
    return error;
}

/* Written out by hand rather than with json_to_string(), so that it reads
 * like the configurations people write. */
char *
cni_conf_format(const struct cni_conf_settings *s)
{
    struct ds text = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&text, "{\n  \"cniVersion\": ");
    json_string_escape(s->version, &text);
    ds_put_cstr(&text, ",\n  \"name\": ");
    json_string_escape(s->network, &text);
    ds_put_cstr(&text, ",\n  \"plugins\": [\n    {\n      \"type\": ");
    json_string_escape(CNI_CONF_PLUGIN_TYPE, &text);
    ds_put_cstr(&text, ",\n      \"socket\": ");
    json_string_escape(s->socket, &text);
    ds_put_cstr(&text, "\n    }\n  ]\n}\n");
    return ds_steal_cstr(&text);
}

struct cni_conf *
cni_conf_create(const struct cni_conf_settings *s)
{
    struct cni_conf *conf = xzalloc(sizeof *conf);
    conf->settings.dir = xstrdup(s->dir);
    conf->settings.file = xstrdup(s->file);
    conf->settings.network = xstrdup(s->network);
    conf->settings.version = xstrdup(s->version);
    conf->settings.socket = xstrdup(s->socket);
    conf->path = xasprintf("%s/%s", s->dir, s->file);
    conf->text = cni_conf_format(s);
    conf->retry_at = LLONG_MIN;
    unixctl_command_register("cni/conf", "", 0, 0, cni_conf_unixctl_show,
                             conf);
    return conf;
}

void
cni_conf_destroy(struct cni_conf *conf)
{
    if (!conf) {
        return;
    }
    if (conf->written) {
        /* What fatal_signal would do at exit anyway, but logged. */
        if (!fatal_signal_unlink_file_now(conf->path)) {
            VLOG_INFO("%s: removed the CNI network configuration",
                      conf->path);
        }
    }
    free(CONST_CAST(char *, conf->settings.dir));
    free(CONST_CAST(char *, conf->settings.file));
    free(CONST_CAST(char *, conf->settings.network));
    free(CONST_CAST(char *, conf->settings.version));
    free(CONST_CAST(char *, conf->settings.socket));
    free(conf->path);
    free(conf->text);
    free(conf->error);
    free(conf);
}

/* True if 'path' holds exactly 'text'. */
static bool
file_holds(const char *path, const char *text)
{
    size_t len = strlen(text);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }

    char *buf = xmalloc(len + 1);
    ssize_t n = read(fd, buf, len + 1);
    close(fd);
    bool same = n == (ssize_t) len && !memcmp(buf, text, len);
    free(buf);
    return same;
}

/* Writes 'text' to 'path' atomically, and makes it durable: a temporary
 * file in the same directory, whose ".tmp" suffix runtimes do not read,
 * renamed over 'path'.  Returns 0 or an errno value, and sets '*what' to
 * the step that failed. */
static int
write_atomically(const char *dir, const char *path, const char *text,
                 const char **what)
{
    char *tmp = xasprintf("%s.tmp", path);
    size_t len = strlen(text);
    int error = 0;

    *what = "create";
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = errno;
        goto out;
    }
    /* The umask must not make it unreadable for the runtime. */
    *what = "write";
    errno = 0;
    if (fchmod(fd, 0644) || write(fd, text, len) != (ssize_t) len) {
        error = errno ? errno : EIO;
    } else if (fsync(fd)) {
        *what = "fsync";
        error = errno;
    }
    if (close(fd) && !error) {
        *what = "close";
        error = errno;
    }
    if (!error) {
        *what = "rename";
        if (rename(tmp, path)) {
            error = errno;
        }
    }
    if (error) {
        unlink(tmp);
        goto out;
    }

    /* The rename is durable once the directory is. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }

out:
    free(tmp);
    return error;
}

static void
cni_conf_write(struct cni_conf *conf)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 12);
    const char *what;
    int error = 0;

    if (file_holds(conf->path, conf->text)) {
        /* A SIGKILLed agent's, or one written by hand: the runtime has
         * read it already, and a new file would make it read it again. */
        VLOG_INFO("%s: the CNI network configuration is already there",
                  conf->path);
    } else {
        error = write_atomically(conf->settings.dir, conf->path, conf->text,
                                 &what);
    }

    free(conf->error);
    conf->error = NULL;
    if (error) {
        conf->error = xasprintf("%s: %s", what, ovs_strerror(error));
        conf->retry_at = time_msec() + RETRY_INTERVAL;
        VLOG_WARN_RL(&rl, "%s: cannot write the CNI network configuration "
                     "(%s), retrying in %d s", conf->path, conf->error,
                     RETRY_INTERVAL / 1000);
        return;
    }

    conf->written = true;
    conf->written_at = time_wall_msec();
    conf->retry_at = LLONG_MIN;
    fatal_signal_add_file_to_unlink(conf->path);
    VLOG_INFO("%s: CNI network configuration in place (network %s, "
              "cniVersion %s): the runtime can run pods", conf->path,
              conf->settings.network, conf->settings.version);
}

void
cni_conf_run(struct cni_conf *conf, bool ready)
{
    if (!conf->written && ready && time_msec() >= conf->retry_at) {
        cni_conf_write(conf);
    }
}

void
cni_conf_wait(struct cni_conf *conf)
{
    if (!conf->written && conf->retry_at != LLONG_MIN) {
        poll_timer_wait_until(conf->retry_at);
    }
}

static void
cni_conf_unixctl_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
                      const char *argv[] OVS_UNUSED, void *conf_)
{
    const struct cni_conf *conf = conf_;
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "file: %s\n", conf->path);
    if (conf->written) {
        ds_put_cstr(&s, "state: written at ");
        ds_put_strftime_msec(&s, "%Y-%m-%dT%H:%M:%S.###Z",
                             conf->written_at, true);
        ds_put_char(&s, '\n');
    } else if (conf->error) {
        ds_put_format(&s, "state: not written: %s\n", conf->error);
    } else {
        ds_put_cstr(&s, "state: not written: waiting until this agent is "
                    "ready\n");
    }
    ds_put_cstr(&s, conf->text);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}
