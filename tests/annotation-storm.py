#! /usr/bin/env python3
"""A pod owner's annotation storm, and an independent record of the DPU
health lease's renewals while it lasts.

Usage: annotation-storm.py SERVER CACERT ADMIN-TOKEN TENANT-TOKEN
                           LEASE-NAMESPACE LEASE POD SECONDS RATE

As the tenant (TENANT-TOKEN, a file), patches pod POD of namespace
"tenant" RATE times a second in all, from 4 processes, for SECONDS
seconds, with a k8s.ovn.org/dpu.connection-details annotation of about
250 KiB (the API server takes at most 256 KiB of annotations per
object): one JSON object of some 23,000 short members, the worst case
for a parser that compares every pair of members.  Each patch changes one
member, so that every one is a new version of the pod that watchers
receive.

Meanwhile, as admin, a process of its own watches Lease
LEASE-NAMESPACE/LEASE and records when each renewal (a new
spec.renewTime) reaches it: the API server's view, not the renewing
agent's.  At the end prints, one per line:

    patches: N
    rate: R (patches per second)
    renewals: N
    worst gap: MS ms
    worst stamp gap: MS ms

"worst gap" is the longest time between two renewals reaching the watch,
from the first renewal after the storm started to its end; "worst stamp
gap" the longest between the renewTime stamps of those renewals (the
renewing agent's clock, as stored by the server), which leaves out the
API server's own delays under the storm."""

import datetime
import http.client
import json
import multiprocessing
import ssl
import sys
import time
import urllib.parse

WORKERS = 4


def connect(server, cafile):
    u = urllib.parse.urlparse(server)
    ctx = ssl.create_default_context(cafile=cafile)
    return http.client.HTTPSConnection(u.hostname, u.port, context=ctx,
                                       timeout=60)


def micro_time(text):
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    return t.replace(tzinfo=datetime.timezone.utc).timestamp()


def watch_lease(server, cafile, token, ns, name, out):
    """Sends (arrival time, renewTime) to 'out' for each renewal."""
    last = None
    while True:
        conn = connect(server, cafile)
        path = ("/apis/coordination.k8s.io/v1/namespaces/%s/leases?watch=1&"
                "fieldSelector=metadata.name%%3D%s&timeoutSeconds=600"
                % (ns, name))
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        resp = conn.getresponse()
        if resp.status != 200:
            raise SystemExit("lease watch: HTTP %d" % resp.status)
        while True:
            line = resp.readline()
            if not line:
                break
            event = json.loads(line)
            renew = event.get("object", {}).get("spec", {}).get("renewTime")
            if renew and renew != last:
                out.put((time.time(), micro_time(renew)))
                last = renew
        conn.close()


def storm(server, cafile, token, pod, start, seconds, period, offset,
          count):
    conn = connect(server, cafile)
    members = 23000
    base = {"k%05d" % i: 0 for i in range(members)}
    n = 0
    while True:
        due = start + offset + n * period
        if due >= start + seconds:
            break
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        base["k%05d" % ((n * WORKERS + offset) % members)] = n
        value = json.dumps(base, separators=(",", ":"))
        body = json.dumps({"metadata": {"annotations": {
            "k8s.ovn.org/dpu.connection-details": value}}})
        conn.request("PATCH", "/api/v1/namespaces/tenant/pods/" + pod,
                     body=body,
                     headers={"Authorization": "Bearer " + token,
                              "Content-Type": "application/merge-patch+json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise SystemExit("PATCH: HTTP %d" % resp.status)
        n += 1
        with count.get_lock():
            count.value += 1


def main():
    (server, cafile, admin_file, tenant_file, ns, lease, pod, seconds,
     rate) = sys.argv[1:]
    admin = open(admin_file).read().strip()
    tenant = open(tenant_file).read().strip()
    seconds, rate = float(seconds), float(rate)

    renewals = multiprocessing.Queue()
    watcher = multiprocessing.Process(
        target=watch_lease, args=(server, cafile, admin, ns, lease,
                                  renewals), daemon=True)
    watcher.start()
    time.sleep(1)

    count = multiprocessing.Value("i", 0)
    start = time.time() + 0.5
    period = WORKERS / rate
    workers = [multiprocessing.Process(
        target=storm, args=(server, cafile, tenant, pod, start, seconds,
                            period, i * period / WORKERS, count))
               for i in range(WORKERS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    end = time.time()
    watcher.terminate()

    seen = []
    while not renewals.empty():
        seen.append(renewals.get())
    seen = [s for s in seen if s[0] >= start]
    arrivals = [a for a, _ in seen]
    stamps = [s for _, s in seen]
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    if arrivals:
        gaps.append(end - arrivals[-1])
    stamp_gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    print("patches: %d" % count.value)
    print("rate: %.1f" % (count.value / (end - start)))
    print("renewals: %d" % len(seen))
    print("worst gap: %d ms" % (max(gaps) * 1000 if gaps else -1))
    print("worst stamp gap: %d ms"
          % (max(stamp_gaps) * 1000 if stamp_gaps else -1))


if __name__ == "__main__":
    main()
