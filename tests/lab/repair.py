#!/usr/bin/env python3
"""Repair tests in the lab (real QEMU, kernel STP, namespaces):

  (a) --repair --yes on a shared-hub VM: a new process runs the corrected
      command line, every tap forwards, no critical finding remains, the
      journal is complete and the MACs are unchanged;
  (b) rollback: the corrected start made to fail (STPWATCH_REPAIR_FAULT) ->
      the original VM runs again and the exit code says the repair failed;
  (c) refusal: a VM with a writable disk and no monitor -> untouched,
      non-zero exit, an explanation;
  (d) --repair --auto repairs a VM that starts broken while stpwatch runs;
  and --repair without --yes changes nothing.

Usage: repair.py STPWATCH     exit 77 when the lab cannot run here
"""
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(TOP, "tests", "lab", "lab.sh")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("PASS" if ok else "FAIL", what, flush=True)
    return ok


def up(scenario):
    env = dict(os.environ, LAB_INJECT="0")
    r = subprocess.run([LAB, "up", scenario], capture_output=True, text=True, env=env)
    if r.returncode == 77:
        print(r.stderr.strip())
        sys.exit(77)
    if r.returncode:
        check(False, f"lab up {scenario}: {r.stderr.strip()[-200:]}")
        return None, None
    run_id = next(l.split(":", 1)[1].strip() for l in r.stdout.splitlines() if l.startswith("run id:"))
    env = {}
    for line in open(f"/run/stpwatch-lab/{run_id}/env"):
        if "=" in line:
            k, v = line.strip().split("=", 1)
            w = shlex.split(v)
            env[k] = w[0] if w else ""
    return run_id, env


def down(run_id):
    if run_id:
        subprocess.run([LAB, "down", run_id], capture_output=True)


def cmdline(pid):
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[:-1]
    except OSError:
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def pid_from(pidfile):
    try:
        return int(open(pidfile).read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def sw(env, conf, *args, extra_env=None, timeout=180):
    e = dict(os.environ)
    e.update(extra_env or {})
    return subprocess.run(["ip", "netns", "exec", env["LAB_NS_HOST"], STPWATCH, "-f", conf, *args],
                          capture_output=True, text=True, timeout=timeout, env=e)


def states(env, taps):
    out = {}
    for t in taps:
        r = subprocess.run(["ip", "netns", "exec", env["LAB_NS_HOST"], "cat",
                            f"/sys/class/net/{t}/brport/state"], capture_output=True, text=True)
        out[t] = r.stdout.strip()
    return out


def journal_steps(state_dir):
    try:
        return [json.loads(l)["step"] for l in open(os.path.join(state_dir, "journal.jsonl"))]
    except OSError:
        return []


def qmp_quit(path):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(3)
        s.connect(path)
        s.recv(65536)
        s.sendall(b'{"execute":"qmp_capabilities"}\n')
        s.recv(65536)
        s.sendall(b'{"execute":"quit"}\n')
        s.recv(65536)
    except OSError:
        pass


def wait_gone(pid, seconds=10):
    end = time.time() + seconds
    while time.time() < end and alive(pid):
        time.sleep(0.05)
    return not alive(pid)


def test_repair_and_dry_run(conf, state):
    run_id, env = up("shared-hub")
    if not run_id:
        return
    try:
        taps = env["LAB_VM0_TAPS"].split()
        old_pid = int(env["LAB_VM0_PID"])
        old_argv = cmdline(old_pid)
        before = json.loads(sw(env, conf, "--check", "-j").stdout)
        macs_before = {n["tap"]: n.get("mac") for v in before["vms"] for n in v["nics"]}
        fix = next(f["fix"] for f in before["findings"] if f["kind"] == "shared-hub")

        r = sw(env, conf, "--repair")
        check(r.returncode == 0 and "repeat with --yes" in r.stdout and "system_powerdown" in r.stdout,
              f"(plan) --repair without --yes prints the plan: {r.stdout[-200:]!r}")
        check(alive(old_pid) and cmdline(old_pid) == old_argv, "(plan) nothing was changed")

        r = sw(env, conf, "--repair", "--yes")
        check(r.returncode == 0, f"(a) --repair --yes exits 0 ({r.returncode}: {r.stderr.strip()[-300:]})")
        check(not alive(old_pid), "(a) the old process is gone")
        new_pid = pid_from(env["LAB_VM0_PIDFILE"])
        new_argv = cmdline(new_pid) if new_pid else None
        check(new_pid and new_pid != old_pid and new_argv == [a.encode() for a in fix["argv"]],
              "(a) a new process runs the corrected command line")
        check(all(s == "3" for s in states(env, taps).values()), f"(a) every tap forwards: {states(env, taps)}")
        after = json.loads(sw(env, conf, "--check", "-j").stdout)
        crit = [f["kind"] for f in after["findings"] if f["severity"] == "critical"]
        check(not crit, f"(a) no critical finding after the repair: {crit}")
        macs_after = {n["tap"]: n.get("mac") for v in after["vms"] for n in v["nics"]}
        check(macs_after == macs_before, f"(a) the same MACs on the same taps: {macs_after}")
        steps = journal_steps(state)
        check(steps[:2] == ["saved", "plan"] and "stopped" in steps and "started" in steps
              and steps[-1] == "done", f"(a) the journal holds every step: {steps}")
        saved = json.loads(open(os.path.join(state, "journal.jsonl")).readline())
        check(saved["argv"] == [a.decode() for a in old_argv] and saved["exe"] and "environ" in saved
              and saved["uid"] == 0, "(a) the journal saved argv, executable, environment, uid")
    finally:
        down(run_id)


def test_rollback(conf, state):
    run_id, env = up("shared-hub")
    if not run_id:
        return
    try:
        taps = env["LAB_VM0_TAPS"].split()
        old_pid = int(env["LAB_VM0_PID"])
        old_argv = cmdline(old_pid)
        r = sw(env, conf, "--repair", "--yes", extra_env={"STPWATCH_REPAIR_FAULT": "start"})
        check(r.returncode == 4, f"(b) a failed repair exits 4 ({r.returncode})")
        check("ROLLED BACK" in r.stderr or "ROLLING BACK" in r.stderr, "(b) it says so loudly")
        new_pid = pid_from(env["LAB_VM0_PIDFILE"])
        check(new_pid and alive(new_pid) and cmdline(new_pid) == old_argv,
              "(b) the original command line runs again")
        steps = journal_steps(state)
        check("rollback" in steps and steps[-1] == "rolled-back", f"(b) the journal records the rollback: {steps[-4:]}")
        end = time.time() + 20
        while time.time() < end and states(env, taps).get(taps[0]) != "3":
            time.sleep(0.2)
        check(states(env, taps)[taps[0]] == "3", "(b) the VM's first tap forwards again")
    finally:
        down(run_id)


def test_refusal(conf, state, tmp):
    run_id, env = up("shared-hub")
    if not run_id:
        return
    try:
        ns = env["LAB_NS_HOST"]
        taps = env["LAB_VM0_TAPS"].split()
        qmp_quit(env["LAB_VM0_QMP"])
        wait_gone(int(env["LAB_VM0_PID"]))
        disk = os.path.join(tmp, "disk.raw")
        with open(disk, "wb") as fh:
            fh.truncate(1 << 20)
        pidfile = os.path.join(tmp, "nomon.pid")
        argv = ["qemu-system-x86_64", "-name", "nomon", "-nodefaults", "-display", "none",
                "-machine", "accel=tcg", "-m", "64", "-global", "virtio-net-pci.romfile=",
                "-drive", f"file={disk},format=raw,if=virtio", "-pidfile", pidfile, "-daemonize"]
        for t in taps:
            argv += ["-net", "nic,model=virtio", "-net", f"tap,ifname={t},script=no,downscript=no"]
        subprocess.run(["ip", "netns", "exec", ns, *argv], check=True)
        pid = pid_from(pidfile)
        r = sw(env, conf, "--repair", "--yes")
        check(r.returncode == 3, f"(c) refused with exit 3 ({r.returncode})")
        check("writable disk" in (r.stdout + r.stderr) and "monitor" in (r.stdout + r.stderr),
              "(c) the explanation names the writable disk and the missing monitor")
        check(pid and alive(pid), "(c) the VM is untouched")
        if pid:
            os.kill(pid, 15)
            wait_gone(pid)
    finally:
        down(run_id)


def test_auto(conf, state):
    run_id, env = up("shared-hub")
    if not run_id:
        return
    proc = None
    try:
        ns = env["LAB_NS_HOST"]
        taps = env["LAB_VM0_TAPS"].split()
        old_pid = int(env["LAB_VM0_PID"])
        old_argv = [a.decode() for a in cmdline(old_pid)]
        qmp_quit(env["LAB_VM0_QMP"])
        wait_gone(old_pid)
        proc = subprocess.Popen(["ip", "netns", "exec", ns, STPWATCH, "-f", conf, "--repair", "--auto",
                                 "--yes"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(3)
        subprocess.run(["ip", "netns", "exec", ns, *old_argv], check=True)   # starts broken
        broken = pid_from(env["LAB_VM0_PIDFILE"])
        end = time.time() + 60
        repaired = None
        while time.time() < end:
            p = pid_from(env["LAB_VM0_PIDFILE"])
            if p and p != broken and alive(p) and b"-netdev" in b" ".join(cmdline(p) or []):
                repaired = p
                break
            time.sleep(0.5)
        check(repaired is not None, "(d) --auto restarted the broken VM with its corrected command line")
        end = time.time() + 25
        while repaired and time.time() < end and any(s != "3" for s in states(env, taps).values()):
            time.sleep(0.2)
        check(repaired and all(s == "3" for s in states(env, taps).values()),
              f"(d) every tap forwards: {states(env, taps)}")
    finally:
        if proc:
            proc.terminate()
            try:
                out, _ = proc.communicate(timeout=10)
                print("\n".join("  | " + l for l in out.splitlines()[-6:]))
            except subprocess.TimeoutExpired:
                proc.kill()
        down(run_id)


def main():
    global STPWATCH
    STPWATCH = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        print("repair lab tests need root: skipped")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in (("repair", test_repair_and_dry_run), ("rollback", test_rollback),
                         ("refusal", test_refusal), ("auto", test_auto)):
            state = os.path.join(tmp, name)
            conf = os.path.join(tmp, name + ".conf")
            with open(conf, "w") as fh:
                fh.write(f"state_dir = {state}\nshutdown_timeout = 10\n")
            if fn is test_refusal:
                fn(conf, state, tmp)
            else:
                fn(conf, state)
    print(f"lab-repair: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


STPWATCH = None
main()
