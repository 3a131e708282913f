#!/usr/bin/env python3
"""Prints the stpwatch arguments for a lab capture directory, from its meta.txt.

  args.py DIR ports   ->  -r BRIDGE/PORT=DIR/PORT.pcap ... (every bridge port)
  args.py DIR any     ->  -r DIR/any.pcap --ifmap IFINDEX=[BRIDGE/]NAME,...

One argument per line, so that a shell reads them with mapfile.
"""
import os
import re
import sys


def main():
    d, mode = sys.argv[1], sys.argv[2]
    meta = open(os.path.join(d, "meta.txt")).read()
    # "7: tap11: <...> mtu 1500 master br1 state blocking ..." from `bridge -d link`
    ports = {}
    for m in re.finditer(r"^\d+: ([^:@\s]+)(?:@\S+)?: <[^>]*>.* master (\S+) state (\S+)", meta, re.M):
        ports[m.group(1)] = m.group(2)
    if mode == "ports":
        for port, bridge in sorted(ports.items()):
            path = os.path.join(d, port + ".pcap")
            if os.path.exists(path):
                print("-r")
                print(f"{bridge}/{port}={path}")
        return
    section = meta.split("## ifindex -> name", 1)[1].split("##", 1)[0]
    names = []
    for line in section.splitlines():
        m = re.match(r"^(\d+) (\S+)$", line.strip())
        if m and m.group(2) != "lo":
            idx, name = m.group(1), m.group(2)
            names.append(f"{idx}={ports[name]}/{name}" if name in ports else f"{idx}={name}")
    print("-r")
    print(os.path.join(d, "any.pcap"))
    print("--ifmap")
    print(",".join(names))


main()
