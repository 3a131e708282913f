#!/usr/bin/env python3
"""Detection latency in the lab (real QEMU, kernel STP).

The shared-hub VM starts paused (-S: its hub forwards nothing, the loop is
latent).  stpwatch --daemon watches the host namespace; then the VM is
resumed (QMP cont) at T0.  Measured: when the kernel blocks the tap (T1,
sysfs polled every 10 ms) and when stpwatch logs the critical shared-hub
finding (T2).  Goal: T2 within one hello time of T1.

Usage: latency.py STPWATCH [RUNS]
"""
import os
import select
import shlex
import socket
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(TOP, "tests", "lab", "lab.sh")


def qmp(path, command):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(3)
    s.connect(path)
    s.recv(65536)
    s.sendall(b'{"execute":"qmp_capabilities"}\n')
    s.recv(65536)
    s.sendall(('{"execute":"%s"}\n' % command).encode())
    s.recv(65536)
    s.close()


def one_run(stpwatch):
    env = dict(os.environ, LAB_PAUSED="1")
    r = subprocess.run([LAB, "up", "shared-hub"], capture_output=True, text=True, env=env)
    if r.returncode == 77:
        sys.exit(77)
    run_id = next(l.split(":", 1)[1].strip() for l in r.stdout.splitlines() if l.startswith("run id:"))
    labenv = {}
    for line in open(f"/run/stpwatch-lab/{run_id}/env"):
        if "=" in line:
            k, v = line.strip().split("=", 1)
            w = shlex.split(v)
            labenv[k] = w[0] if w else ""
    ns = labenv["LAB_NS_HOST"]
    proc = subprocess.Popen(["ip", "netns", "exec", ns, stpwatch, "--daemon"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, bufsize=1)
    try:
        time.sleep(2.0)          # stpwatch has read the bridges and the paused VM
        t0 = time.monotonic()
        qmp(labenv["LAB_VM0_QMP"], "cont")
        t1 = t2 = None
        state = f"/sys/class/net/tap11/brport/state"
        deadline = t0 + 15
        while time.monotonic() < deadline and (t1 is None or t2 is None):
            if t1 is None:
                s = subprocess.run(["ip", "netns", "exec", ns, "cat", state], capture_output=True,
                                   text=True).stdout.strip()
                if s == "4":
                    t1 = time.monotonic()
            ready, _, _ = select.select([proc.stderr], [], [], 0.01)
            if ready:
                line = proc.stderr.readline()
                if "critical shared-hub" in line and t2 is None:
                    t2 = time.monotonic()
        return t0, t1, t2
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        subprocess.run([LAB, "down", run_id], capture_output=True)


def main():
    stpwatch = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if os.geteuid() != 0:
        print("latency: needs root: skipped")
        sys.exit(77)
    print("\nDetection latency (lab shared-hub, hello time 2 s; seconds after QMP cont):")
    print(f"{'run':>4} {'tap blocked':>12} {'finding':>9} {'finding - block':>16}")
    diffs = []
    for i in range(runs):
        t0, t1, t2 = one_run(stpwatch)
        b = f"{t1 - t0:.2f}" if t1 else "-"
        f = f"{t2 - t0:.2f}" if t2 else "-"
        d = f"{t2 - t1:+.2f}" if t1 and t2 else "-"
        if t1 and t2:
            diffs.append(t2 - t1)
        print(f"{i + 1:>4} {b:>12} {f:>9} {d:>16}")
    if diffs:
        print(f"worst finding - block: {max(diffs):+.2f} s (goal: within one hello time, 2 s)")


main()
