#!/usr/bin/env python3
"""Detection latency in the lab (real QEMU, kernel STP).

The shared-hub VM starts paused (-S: its hub forwards nothing, the loop is
latent).  stpwatch --daemon watches the host namespace; then the VM is
resumed (QMP cont) at T0.  Measured: when the kernel blocks the tap (T1,
sysfs polled every 10 ms) and when stpwatch logs the critical shared-hub
finding (T2).  Goal: T2 within one hello time of T1.

With --storm, a broadcast storm runs into br0 through an extra port from a
second before the VM is resumed until the end of the run (a raw socket
sending 1500-octet broadcasts as fast as it can): detection must go on
(goal: T2 within 1 s of T1), and the daemon's exit summary gives the frames
it captured and those the kernel dropped.

Usage: latency.py [--storm] STPWATCH [RUNS]
"""
import os
import re
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


STORM = r"""
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("storms", 0))
frame = b"\xff" * 6 + bytes.fromhex("02005354524d") + b"\x08\x00" + b"\x45" + b"\x00" * 1485
n = 0
try:
    while True:
        for _ in range(1000):
            try:
                s.send(frame)
            except BlockingIOError:
                pass
        n += 1000
except KeyboardInterrupt:
    pass
print(n, flush=True)
"""


def start_storm(ns):
    """An extra port of br0 (stormp), its peer storms sending broadcasts."""
    ip = ["ip", "-n", ns, "link"]
    subprocess.run(ip + ["add", "stormp", "type", "veth", "peer", "name", "storms"], check=True)
    subprocess.run(ip + ["set", "stormp", "master", "br0"], check=True)
    for dev in ("stormp", "storms"):
        subprocess.run(ip + ["set", dev, "up"], check=True)
    # Past listening and learning (forward delay 4 s in the lab): flooded.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        s = subprocess.run(["ip", "netns", "exec", ns, "cat", "/sys/class/net/stormp/brport/state"],
                           capture_output=True, text=True).stdout.strip()
        if s == "3":
            break
        time.sleep(0.1)
    return subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", STORM],
                            stdout=subprocess.PIPE, text=True)


def one_run(stpwatch, storm=False):
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
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, bufsize=0)
    blaster = None
    summary = ""
    try:
        time.sleep(2.0)          # stpwatch has read the bridges and the paused VM
        if storm:
            blaster = start_storm(ns)
            time.sleep(1.0)
        t0 = time.monotonic()
        qmp(labenv["LAB_VM0_QMP"], "cont")
        t1 = t2 = None
        state = f"/sys/class/net/tap11/brport/state"
        deadline = t0 + 15
        logged = b""
        while time.monotonic() < deadline and (t1 is None or t2 is None):
            if t1 is None:
                s = subprocess.run(["ip", "netns", "exec", ns, "cat", state], capture_output=True,
                                   text=True).stdout.strip()
                if s == "4":
                    t1 = time.monotonic()
            # The descriptor itself, not readline(): lines buffered in the
            # file object would wait for the next write to be seen.
            ready, _, _ = select.select([proc.stderr], [], [], 0.01)
            if ready:
                logged += os.read(proc.stderr.fileno(), 65536)
                if b"critical shared-hub" in logged and t2 is None:
                    t2 = time.monotonic()
        sent = 0
        if blaster:
            blaster.send_signal(2)
            sent = int(blaster.communicate(timeout=10)[0].strip() or 0)
            blaster = None
        proc.terminate()
        summary = (logged + proc.stderr.read()).decode(errors="replace")
        proc.wait(timeout=10)
        m = re.search(r"(\d+) frames captured, \d+ BPDUs, (\d+) dropped by the kernel"
                      r"(?:, (\d+) of them BPDUs)?", summary)
        captured, dropped = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        if m and m.group(3):
            dropped = f"{dropped}/{m.group(3)}"
        return t0, t1, t2, sent, captured, dropped
    finally:
        if blaster:
            blaster.kill()
        if proc.poll() is None:
            proc.kill()
        subprocess.run([LAB, "down", run_id], capture_output=True)


def main():
    args = sys.argv[1:]
    storm = "--storm" in args
    args = [a for a in args if a != "--storm"]
    stpwatch = os.path.abspath(args[0])
    runs = int(args[1]) if len(args) > 1 else 3
    if os.geteuid() != 0:
        print("latency: needs root: skipped")
        sys.exit(77)
    goal = 1.0 if storm else 2.0
    what = "during a broadcast storm into br0" if storm else "hello time 2 s"
    print(f"\nDetection latency (lab shared-hub, {what}; seconds after QMP cont):")
    print(f"{'run':>4} {'tap blocked':>12} {'finding':>9} {'finding - block':>16}"
          + (f" {'storm sent':>11} {'captured':>9} {'dropped':>8}" if storm else ""))
    if storm:
        print("     (dropped: frames lost to full capture buffers; a/b: a in all, b of them BPDUs)")
    diffs = []
    missed = 0
    for i in range(runs):
        t0, t1, t2, sent, captured, dropped = one_run(stpwatch, storm)
        b = f"{t1 - t0:.2f}" if t1 else "-"
        f = f"{t2 - t0:.2f}" if t2 else "-"
        d = f"{t2 - t1:+.2f}" if t1 and t2 else "-"
        if t1 and t2:
            diffs.append(t2 - t1)
        elif t1:
            missed += 1
        row = f"{i + 1:>4} {b:>12} {f:>9} {d:>16}"
        if storm:
            row += f" {sent:>11} {captured if captured is not None else '-':>9}" \
                   f" {dropped if dropped is not None else '-':>8}"
        print(row)
    if diffs:
        print(f"worst finding - block: {max(diffs):+.2f} s (goal: within {goal:g} s)"
              + (f"; {missed} run(s) without a finding" if missed else ""))
    elif missed:
        print(f"no finding in {missed} run(s) (goal: within {goal:g} s)")


main()
