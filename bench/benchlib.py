# bench/benchlib.py: the pieces the benchmarks share: running commands and
# the programs of the build trees, waiting, a private dev/k8s-cluster and
# its API server, counting requests from its own /metrics, starting the
# agents, reading their log timestamps and /proc, and summarising trials.
# bench/run (the "make bench" driver) and the component benchmarks
# (bench/cni-bench, bench/dpu-bind-bench, bench/memory-bench) import it, so
# that each figure is computed one way only.

import datetime
import json
import os
import re
import shutil
import ssl
import statistics
import subprocess
import time
import urllib.request

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVS_SRCDIR = os.environ.get("OVS_SRCDIR", "/var/cache/ovn-dpu/ovs-src")

# Where ovn-dpu's programs are: $OVN_DPU_BIN (directories separated by
# ':'), or each program's directory in this build tree.
BINDIR = os.environ.get("OVN_DPU_BIN",
                        os.path.join(TOP, "ovn-dpu") + ":"
                        + os.path.join(TOP, "vswitchd-ext"))


def sh(*argv, check=True, env=None, **kw):
    """Runs 'argv', capturing its output as text."""
    return subprocess.run(argv, check=check, capture_output=True, text=True,
                          env=env, **kw)


def program_file(name):
    """The file of ovn-dpu program 'name' (see BINDIR), or None."""
    return shutil.which(name, path=BINDIR)


def ovs_program(name):
    """The file of Open vSwitch program 'name' in the OVS build tree."""
    sub = {"ovsdb-server": "ovsdb", "ovsdb-tool": "ovsdb",
           "ovsdb-client": "ovsdb", "ovs-vswitchd": "vswitchd",
           "ovs-vsctl": "utilities", "ovs-appctl": "utilities"}[name]
    return os.path.join(OVS_SRCDIR, sub, name)


def wait_for(what, predicate, timeout=60, interval=0.02):
    """Calls 'predicate' every 'interval' seconds until it is true; raises
    an error naming 'what' after 'timeout' seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for " + what)
        time.sleep(interval)


class Cluster:
    """A private control plane (dev/k8s-cluster) in directory 'path'."""

    def __init__(self, path):
        self.path = path
        self.script = os.path.join(TOP, "dev", "k8s-cluster")
        sh(self.script, "start", path)
        self.env = read_env(os.path.join(path, "env.sh"))
        self.api = Api(self.env)

    def create_node(self, name):
        sh(self.script, "create-node", self.path, name)

    def kubectl(self, *args, **kw):
        return sh(self.env["KUBECTL"],
                  "--kubeconfig=%s/admin.kubeconfig" % self.path, *args,
                  **kw)

    def stop(self):
        sh(self.script, "stop", self.path, check=False)


def start_agent(program, workdir, cluster, node, *options, env=None):
    """Starts ovn-dpu 'program' detached, as user "host" or "dpu" of
    'cluster' (whichever the program is), serving Node 'node', its pid
    file, log and control socket in 'workdir', with environment 'env' (by
    default ours).  Returns its pid."""
    user = "host" if program == "ovn-dpu-host" else "dpu"
    sh(program_file(program), "--detach", "--no-chdir",
       "--pidfile=%s/%s.pid" % (workdir, program),
       "--log-file=%s/%s.log" % (workdir, program),
       "--unixctl=%s/%s.ctl" % (workdir, program), "-vconsole:off",
       "--node-name=" + node, "--k8s-apiserver=" + cluster.env["K8S_SERVER"],
       "--k8s-cacert=" + cluster.env["K8S_CACERT"],
       "--k8s-token-file=%s/%s.token" % (cluster.path, user), *options,
       env=env)
    return int(open("%s/%s.pid" % (workdir, program)).read())


def kill_pidfiles(workdir, programs):
    """Kills each of 'programs' whose pid file is in 'workdir'."""
    for program in programs:
        pidfile = os.path.join(workdir, program + ".pid")
        if os.path.exists(pidfile):
            sh("kill", open(pidfile).read().strip(), check=False)


def print_summary(name, seconds, width=44):
    """Prints one line: the median, p99 and maximum of 'seconds', in ms."""
    s = summary([x * 1000 for x in seconds])
    print("  %-*s n=%-4d median %7.1f ms  p99 %7.1f ms  max %7.1f ms"
          % (width, name, s["n"], s["median"], s["p99"], s["max"]))


def read_env(path):
    """Returns the variables of a dev/k8s-cluster env.sh as a dict."""
    env = {}
    for line in open(path):
        m = re.match(r"^(?:export )?([A-Z0-9_]+)=['\"]?(.*?)['\"]?$",
                     line.strip())
        if m:
            env[m.group(1)] = m.group(2)
    return env


class Api:
    """The API server, straight over HTTPS with the admin token (no
    kubectl start-up in any timed path)."""

    def __init__(self, env):
        self.server = env["K8S_SERVER"]
        self.token = env["K8S_ADMIN_TOKEN"]
        self.tls = ssl.create_default_context(cafile=env["K8S_CACERT"])

    def request(self, method, path, body=None,
                content_type="application/json", raw=False):
        req = urllib.request.Request(
            self.server + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": "Bearer " + self.token,
                     "Content-Type": content_type})
        with urllib.request.urlopen(req, context=self.tls,
                                    timeout=60) as r:
            data = r.read()
        return data.decode() if raw else json.loads(data)

    def metrics(self):
        """The API server's own request counters (see parse_metrics())."""
        return parse_metrics(self.request("GET", "/metrics", raw=True))


def parse_metrics(text):
    """The apiserver_request_total counters of a /metrics page, as
    {(verb, resource, subresource, contentType): count}."""
    counts = {}
    for line in text.splitlines():
        if not line.startswith("apiserver_request_total{"):
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', line))
        key = (labels.get("verb"), labels.get("resource"),
               labels.get("subresource", ""), labels.get("contentType"))
        counts[key] = counts.get(key, 0) + float(line.rsplit(None, 1)[1])
    return counts


def parse_histograms(text):
    """The _sum and _count series of the histograms on a /metrics page, as
    a list of (name, {label: value}, "sum" or "count", value)."""
    series = []
    for line in text.splitlines():
        m = re.match(r"^(\w+)_(sum|count)(?:\{(.*)\})? (\S+)$", line)
        if m:
            series.append((m.group(1),
                           dict(re.findall(r'(\w+)="([^"]*)"',
                                           m.group(3) or "")),
                           m.group(2), float(m.group(4))))
    return series


def histogram_mean_ms(before, after, spec):
    """Mean milliseconds per observation, between two parse_histograms()
    snapshots, of histogram 'spec' ('name' or 'name{label="value",...}',
    summed over every series with those labels), or None if nothing was
    observed in between."""
    name, _, labels = spec.partition("{")
    want = dict(re.findall(r'(\w+)="([^"]*)"', labels))

    def total(snapshot, kind):
        return sum(v for n, lab, k, v in snapshot
                   if n == name and k == kind
                   and all(lab.get(x) == y for x, y in want.items()))
    n = total(after, "count") - total(before, "count")
    if n <= 0:
        return None
    return {"mean_ms": round((total(after, "sum") - total(before, "sum"))
                             / n * 1000, 3), "n": int(n)}


def metrics_delta(before, after, json_only=True):
    """Requests between two Api.metrics() snapshots, as
    {"VERB resource[/subresource]": count}.  With 'json_only', only
    application/json clients: the agents (and kubectl) speak JSON, the
    control plane's own components (kube-controller-manager) protobuf, and
    the API server of Kubernetes 1.20 has no per-client label."""
    delta = {}
    for key in set(before) | set(after):
        verb, resource, sub, ctype = key
        if json_only and ctype != "application/json":
            continue
        n = int(after.get(key, 0) - before.get(key, 0))
        if n:
            name = "%s %s%s" % (verb, resource, "/" + sub if sub else "")
            delta[name] = delta.get(name, 0) + n
    return dict(sorted(delta.items()))


def log_time(line):
    """The time of a vlog line (its default format: UTC with milliseconds),
    as a Unix timestamp, or None."""
    try:
        t = datetime.datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f")
    except ValueError:
        return None
    return t.replace(tzinfo=datetime.timezone.utc).timestamp()


def rfc3339(s):
    """A Kubernetes (Micro)Time as a Unix timestamp."""
    return datetime.datetime.strptime(
        s.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f").replace(
            tzinfo=datetime.timezone.utc).timestamp()


def log_lines(path, offset=0):
    with open(path, errors="replace") as f:
        f.seek(offset)
        return f.read().splitlines()


def renewals_written(dpu_log):
    """The renewTimes that the DPU agent wrote into the lease, as its
    dpu_lease_keeper logs them at debug level, as Unix timestamps in
    order."""
    written = []
    for line in log_lines(dpu_log):
        m = re.search(r"renewed lease \S+: (\S+)", line)
        if m:
            written.append(rfc3339(m.group(1)))
    return written


# ovn-dpu-controller's journal and status lines (vlog "file" at info):
# event name, regex whose group 1 is the pod name (default network:
# iface-id "default_<pod>").  "patch" is when the status PATCH is sent.
BIND_EVENTS = (
    ("wanted", r"dpu_binding\|INFO\|default_(\S+): wanted:"),
    # The IDL has seen the port: wait-installed, or installed at once if
    # ovn-installed was already there by then.
    ("committed", r"dpu_binding\|INFO\|default_(\S+): \S+ -> "
                  r"(?:wait-)?installed"),
    ("installed", r"dpu_binding\|INFO\|default_(\S+): \S+ -> installed"),
    ("patch", r"pod_binder\|INFO\|pod default/(\S+): "
              r"k8s.ovn.org/dpu.connection-status .*Ready"),
)


def bind_times(dpu_log, offset=0):
    """Returns {pod: {event: first time}} from ovn-dpu-controller's log."""
    times = {}
    for line in log_lines(dpu_log, offset):
        for name, pattern in BIND_EVENTS:
            m = re.search(pattern, line)
            if m:
                times.setdefault(m.group(1), {}).setdefault(
                    name, log_time(line))
    return times


def add_times(host_log, offset=0):
    """Returns {pod: {event: time}} from ovn-dpu-host's log (cni_add and
    pod_patch at debug) for successful ADDs: "received" (the request
    reached the server), "patch_sent" (the connection-details merge PATCH
    was sent, after the GET of the pod it is guarded with), "details" (its
    answer was in and the wait for the DPU began), "ready" (the server saw
    the DPU's Ready: its own log line where there is one, else derived),
    "answered" (the answer was sent), "vf_ms" (moving and configuring the
    VF) and "record_ms" (saving the attachment record, before the answer;
    None from a host that does not log it)."""
    times = {}
    vf_ms = {}
    record_ms = {}
    seen = {}
    sent = {}
    for line in log_lines(host_log, offset):
        m = re.search(r"pod_patch\|DBG\|pod default/(\S+): merge patch "
                      r".*dpu.connection-details\":\"", line)
        if m:
            sent[m.group(1)] = log_time(line)
            continue
        m = re.search(r"cni_add\|DBG\|pod default/(\S+) sandbox \S+: "
                      r"VF \S+ configured in (\d+) ms", line)
        if m:
            vf_ms[m.group(1)] = int(m.group(2))
            continue
        m = re.search(r"cni_add\|DBG\|pod default/(\S+) sandbox \S+: "
                      r"the DPU side reports Ready", line)
        if m:
            seen[m.group(1)] = log_time(line)
            continue
        m = re.search(r"cni_add\|DBG\|pod default/(\S+) sandbox \S+: "
                      r"attachment recorded in (\d+) ms", line)
        if m:
            record_ms[m.group(1)] = int(m.group(2))
            continue
        m = re.search(r"ADD pod default/(\S+) sandbox \S+: ok \((\d+) ms, "
                      r"(\d+) ms of it waiting for the DPU", line)
        if m:
            end = log_time(line)
            total, wait = int(m.group(2)) / 1000, int(m.group(3)) / 1000
            vf = vf_ms.get(m.group(1), 0) / 1000
            ready = seen.get(m.group(1), end - vf)
            times[m.group(1)] = {"received": end - total,
                                 "patch_sent": sent.get(m.group(1)),
                                 "details": ready - wait, "ready": ready,
                                 "answered": end, "vf_ms": vf * 1000,
                                 "record_ms": record_ms.get(m.group(1))}
    return times


def watch_times(path):
    """From bench/watch-stamp's output: {pod: {"details": when its
    connection details were first seen, "ready": when the DPU's Ready was
    first seen}}, as Unix timestamps."""
    times = {}
    for line in open(path):
        f = line.split()
        if len(f) != 6:
            continue
        t = times.setdefault(f[2], {})
        if f[4] == "details=1":
            t.setdefault("details", float(f[0]))
        if f[5] == "status=Ready":
            t.setdefault("ready", float(f[0]))
    return times


def patch_round_trips(log, after, offset=0):
    """{pod: milliseconds} of the first PATCH of each pod that follows a
    line of 'log' matching regex 'after' (group 1 the pod's name), as the
    agent's k8s_client logs it at debug level (its own round trip)."""
    armed, trips = set(), {}
    for line in log_lines(log, offset):
        m = re.search(after, line)
        if m:
            armed.add(m.group(1))
            continue
        m = re.search(r"k8s_client\|DBG\|PATCH /api/v1/namespaces/default/"
                      r"pods/(\S+): HTTP 2\d\d \((\d+) ms\)", line)
        if m and m.group(1) in armed:
            armed.discard(m.group(1))
            trips[m.group(1)] = int(m.group(2))
    return trips


def proc_status(pid, field):
    """A field of /proc/PID/status in KiB (VmRSS, VmHWM), or None."""
    for line in open("/proc/%s/status" % pid):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def proc_memory(pid):
    """What process 'pid' costs in memory, in KiB: "rss" (VmRSS: every
    resident page it maps, shared ones too), "pss" (each shared page
    divided among the processes that map it) and "uss" (its private pages,
    clean and dirty: what its exit would free), from /proc/PID/status and
    /proc/PID/smaps_rollup."""
    rollup = {}
    for line in open("/proc/%s/smaps_rollup" % pid):
        f = line.split()
        if len(f) == 3 and f[2] == "kB":
            rollup[f[0].rstrip(":")] = int(f[1])
    return {"rss": proc_status(pid, "VmRSS"), "pss": rollup.get("Pss"),
            "uss": rollup.get("Private_Clean", 0)
            + rollup.get("Private_Dirty", 0)}


SMAPS_FIELDS = ("Rss", "Pss", "Private_Clean", "Private_Dirty")


def proc_smaps(pid):
    """Process 'pid''s memory by mapping, from /proc/PID/smaps: {name:
    {"Rss", "Pss", "Private_Clean", "Private_Dirty", "uss": KiB}}, where
    name is "heap", "stack", "anonymous" (every other mapping of no file),
    "the program" or a mapped file's base name, all its mappings (text,
    read-only data, relocated data, bss) together."""
    exe = os.path.realpath("/proc/%s/exe" % pid)
    parts = {}
    part = None
    for line in open("/proc/%s/smaps" % pid):
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            f = line.split(None, 5)
            path = f[5].strip() if len(f) > 5 else ""
            if path == "[heap]":
                name = "heap"
            elif path == "[stack]":
                name = "stack"
            elif path == exe:
                name = "the program"
            elif path.startswith("/"):
                name = os.path.basename(path)
            else:
                name = "anonymous"
            part = parts.setdefault(name, dict.fromkeys(SMAPS_FIELDS, 0))
        else:
            f = line.split()
            if part is not None and f[0].rstrip(":") in SMAPS_FIELDS:
                part[f[0].rstrip(":")] += int(f[1])
    for part in parts.values():
        part["uss"] = part["Private_Clean"] + part["Private_Dirty"]
    return parts


def proc_cpu_ticks(pid):
    """utime + stime of /proc/PID/stat, in clock ticks."""
    stat = open("/proc/%s/stat" % pid).read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def summary(values):
    """Median, p99 (nearest rank), min, max and count of 'values', or
    None if there are none."""
    if not values:
        return None
    v = sorted(values)
    return {"median": round(statistics.median(v), 3),
            "p99": round(v[min(len(v) - 1, int(len(v) * 0.99))], 3),
            "min": round(v[0], 3), "max": round(v[-1], 3), "n": len(v)}
