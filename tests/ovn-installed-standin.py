#! /usr/bin/env python3
"""Plays ovn-controller's part for tests that have none: sets
external_ids:ovn-installed=true on every Interface that appears in the
Open_vSwitch database with a name starting with PREFIX.

Usage: ovn-installed-standin.py DB PREFIX
Runs "ovsdb-client monitor" on DB (e.g. unix:db.sock) until killed, and
"ovs-vsctl" to mark the Interfaces, several at once when they come in a
burst."""

import queue
import re
import subprocess
import sys
import threading


def main():
    db, prefix = sys.argv[1:]
    monitor = subprocess.Popen(
        ["ovsdb-client", "monitor", db, "Open_vSwitch", "Interface", "name",
         "--format=csv"], stdout=subprocess.PIPE, text=True, bufsize=1)
    new = queue.Queue()

    def mark():
        while True:
            names = [new.get()]
            while not new.empty():
                names.append(new.get())
            args = []
            for name in names:
                args += ["--", "--if-exists", "set", "Interface", name,
                         "external_ids:ovn-installed=true"]
            subprocess.run(["ovs-vsctl", "--db=" + db, "--no-wait"] + args)

    threading.Thread(target=mark, daemon=True).start()
    # The name ends the line: leave its newline out, or "--if-exists"
    # silently finds no Interface of that name.
    pattern = re.compile(r',insert,"?(%s[^",\s]*)"?' % re.escape(prefix))
    for line in monitor.stdout:
        m = pattern.search(line)
        if m:
            new.put(m.group(1))


if __name__ == "__main__":
    main()
