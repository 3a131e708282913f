#!/usr/bin/env python3
"""Poll bridge port states in the current network namespace (stdlib only).

  portwatch.py watch LOG [--interval 0.05] [--duration 600]
      Every INTERVAL seconds read /sys/class/net/*/brport/state and the
      carrier of every bridge port; append one line per change to LOG:
          EPOCH_MS PORT BRIDGE STATE CARRIER
      STATE is disabled/listening/learning/forwarding/blocking.
  portwatch.py summary LOG START_EPOCH_MS [PORT...]
      For each port (default: all ports seen): when its carrier came up and
      when it entered the state it ended in, in ms after START, e.g.
          tap11 carrier=+212 final=blocking@+1904 (after carrier +1692)
Run it with "ip netns exec NS" so that /sys shows that namespace.
"""
import os
import sys
import time

STATES = {"0": "disabled", "1": "listening", "2": "learning",
          "3": "forwarding", "4": "blocking"}


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return "?"


def snapshot():
    snap = {}
    for dev in sorted(os.listdir("/sys/class/net")):
        base = "/sys/class/net/%s" % dev
        if not os.path.isdir(base + "/brport"):
            continue
        bridge = os.path.basename(os.path.realpath(base + "/master"))
        snap[dev] = (bridge, STATES.get(read(base + "/brport/state"), "?"),
                     read(base + "/carrier"))
    return snap


def watch(log, interval, duration):
    end = time.monotonic() + duration
    last = {}
    with open(log, "a", buffering=1) as out:
        while time.monotonic() < end:
            now_ms = int(time.time() * 1000)
            for dev, val in snapshot().items():
                if last.get(dev) != val:
                    out.write("%d %s %s %s %s\n" % ((now_ms, dev) + val))
                    last[dev] = val
            time.sleep(interval)


def summary(log, start_ms, ports):
    events = {}
    with open(log) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5:
                continue
            t, dev, bridge, state, carrier = int(parts[0]), parts[1], parts[2], parts[3], parts[4]
            events.setdefault(dev, []).append((t, bridge, state, carrier))
    for dev in ports or sorted(events):
        ev = events.get(dev)
        if not ev:
            print("%s no-data" % dev)
            continue
        carrier_up = None
        prev = "0"
        for t, _, _, carrier in ev:
            if carrier == "1" and prev != "1":
                carrier_up = t
            prev = carrier
        final_state = ev[-1][2]
        since = ev[-1][0]
        for t, _, state, _ in reversed(ev):
            if state != final_state:
                break
            since = t
        text = "%s bridge=%s final=%s@%+dms" % (dev, ev[-1][1], final_state, since - start_ms)
        if carrier_up is not None:
            text += " carrier_up=%+dms after_carrier=%dms" % (
                carrier_up - start_ms, since - carrier_up)
        path = " ".join("%s@%+d" % (s, t - start_ms) for t, _, s, _ in ev)
        print(text + " path=[" + path + "]")


def main(argv):
    if len(argv) >= 3 and argv[1] == "watch":
        interval, duration = 0.05, 600.0
        rest = argv[3:]
        while rest:
            if rest[0] == "--interval":
                interval = float(rest[1])
            elif rest[0] == "--duration":
                duration = float(rest[1])
            else:
                break
            rest = rest[2:]
        watch(argv[2], interval, duration)
        return 0
    if len(argv) >= 4 and argv[1] == "summary":
        summary(argv[2], int(argv[3]), argv[4:])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(0)
