#!/usr/bin/env python3
"""Checks that each program's code stays in its own room.

The source tree has three rooms for C code:

    lib/           what both agents share
    vswitchd-ext/  the DPU agent (ovn-dpu-controller) and its modules
    ovn-dpu/       the host agent (ovn-dpu-host), the CNI plugin and
                   their modules

A file may include headers of its own room and of lib/; lib/ includes
only lib/ (and outside headers, such as Open vSwitch's).  This prints each
#include that breaks the rule, as FILE:LINE: what and why, and exits 1 if
there is any.

Usage: check-layout.py SRCDIR
"""

import os
import re
import sys

ROOMS = ("lib", "vswitchd-ext", "ovn-dpu")
ALLOWED = {
    "lib": {"lib"},
    "vswitchd-ext": {"vswitchd-ext", "lib"},
    "ovn-dpu": {"ovn-dpu", "lib"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def headers_by_room(srcdir):
    """Maps each header file name of a room to the room."""
    where = {}
    for room in ROOMS:
        for name in os.listdir(os.path.join(srcdir, room)):
            if name.endswith(".h"):
                where.setdefault(name, set()).add(room)
    return where


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    srcdir = sys.argv[1]
    where = headers_by_room(srcdir)
    problems = []

    # A header name in two rooms would make the include path decide
    # which one a file gets.
    for name, rooms in sorted(where.items()):
        if len(rooms) > 1:
            problems.append("%s: in %s: one name, one room"
                            % (name, " and ".join(sorted(rooms))))

    for room in ROOMS:
        for name in sorted(os.listdir(os.path.join(srcdir, room))):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(room, name)
            with open(os.path.join(srcdir, path)) as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    base = os.path.basename(target)
                    first = target.split("/")[0]
                    if target != base and (first in ROOMS or first == ".."):
                        problems.append(
                            "%s:%d: #include \"%s\": name the header "
                            "alone, the build's include path finds it"
                            % (path, lineno, target))
                    for other in sorted(where.get(base, ())):
                        if other not in ALLOWED[room]:
                            problems.append(
                                "%s:%d: #include \"%s\": %s/ may not "
                                "include %s/ (move what both need to lib/)"
                                % (path, lineno, target, room, other))
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
