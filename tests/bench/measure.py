#!/usr/bin/env python3
"""Runs a command N times; prints the best wall time (s) and the peak RSS (KiB).

Usage: measure.py N [--stdout FILE] -- CMD ARGS...
Output: "<seconds> <maxrss_kib>"
"""
import os
import subprocess
import sys
import time


def main():
    n = int(sys.argv[1])
    args = sys.argv[2:]
    out = subprocess.DEVNULL
    if args[:1] == ["--stdout"]:
        out = open(args[1], "wb")
        args = args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    best = None
    rss = 0
    for _ in range(n):
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL)
        # wait4 gives this child's own peak RSS, not the maximum over all children
        _, status, usage = os.wait4(proc.pid, 0)
        dt = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc
        if rc not in (0, 1, 2):
            print(f"command failed with {rc}: {' '.join(args)}", file=sys.stderr)
            sys.exit(1)
        best = dt if best is None else min(best, dt)
        rss = max(rss, usage.ru_maxrss)
    print(f"{best:.3f} {rss}")


main()
