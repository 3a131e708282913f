#!/usr/bin/env python3
"""Live tests in the lab: real namespaces, kernel STP, real QEMU.

For every scenario: `lab.sh up`, then `stpwatch --check -j` inside the
host namespace must give the scenario's exit code and name the VM (pid and
-name) and its taps; its result must agree with the offline diagnosis of
the scenario's captures.  Then, for the scenarios whose VM can be fixed
mechanically (no frame injector on the hub: LAB_INJECT=0), the proposed
fix.argv is launched in place of the original VM and the lab must become
healthy: every tap forwarding, no critical finding, the same MACs on the
same taps.

Usage: live.py STPWATCH [SCENARIO...]      exit 77 when the lab cannot run here
"""
import json
import shlex
import os
import signal
import socket
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(TOP, "tests", "lab", "lab.sh")

# scenario -> (exit code, shared-hub groups the check must name, finding severity)
EXPECT = {
    "healthy": (0, [], None),
    "fixed": (0, [], None),
    "paused": (1, [["tap10", "tap11"]], "warning"),   # from the command line alone
    "shared-hub": (2, [["tap10", "tap11"]], "critical"),
    "shared-hub-one-bridge": (2, [["tap10", "tap11"]], "critical"),
    "three-nics": (2, [["tap10", "tap11", "tap12"]], "critical"),
    "two-vms": (2, [["tap10", "tap11"], ["tap20", "tap21"]], "critical"),
    "separate-lans": (2, [["tap10", "tap11"]], "critical"),
}
FIXABLE = ["shared-hub", "three-nics", "two-vms"]

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("PASS", what, flush=True)
    else:
        failed += 1
        print("FAIL", what, flush=True)
    return ok


def lab(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([LAB, *args], capture_output=True, text=True, env=e)


def read_env(run_id):
    env = {}
    with open(f"/run/stpwatch-lab/{run_id}/env") as fh:
        for line in fh:
            line = line.strip()
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                words = shlex.split(v)      # lab.sh writes values with printf %q
                env[k] = words[0] if words else ""
    return env


def up(scenario, extra_env=None):
    r = lab("up", scenario, env=extra_env)
    if r.returncode == 77:
        print(r.stderr.strip())
        sys.exit(77)
    if r.returncode != 0:
        check(False, f"{scenario}: lab up: {r.stderr.strip()[-300:]}")
        return None
    run_id = None
    for line in r.stdout.splitlines():
        if line.startswith("run id:"):
            run_id = line.split(":", 1)[1].strip()
    return run_id, read_env(run_id)


def stpwatch(ns, *args, timeout=60):
    r = subprocess.run(["ip", "netns", "exec", ns, STPWATCH, *args], capture_output=True,
                       text=True, timeout=timeout)
    return r


def vms_of(env):
    vms = []
    i = 0
    while f"LAB_VM{i}_PID" in env:
        vms.append({"pid": int(env[f"LAB_VM{i}_PID"]), "name": env[f"LAB_VM{i}_NAME"],
                    "taps": env.get(f"LAB_VM{i}_TAPS", "").split(),
                    "qmp": env.get(f"LAB_VM{i}_QMP", ""), "pidfile": env.get(f"LAB_VM{i}_PIDFILE", "")})
        i += 1
    return vms


def diagnose(scenario, env):
    """Runs --check -j in the lab; returns (exit code, JSON report)."""
    r = stpwatch(env["LAB_NS_HOST"], "--check", "-j")
    try:
        return r.returncode, json.loads(r.stdout)
    except ValueError:
        check(False, f"{scenario}: --check -j printed no JSON: {r.stdout[:200]} {r.stderr[:200]}")
        return r.returncode, None


def check_detection(scenario, env, rc, doc):
    want_rc, groups, severity = EXPECT[scenario]
    check(rc == want_rc, f"{scenario}: live --check exit {rc}, want {want_rc}")
    if doc is None:
        return
    hubs = [f for f in doc["findings"] if f["kind"] == "shared-hub"]
    got = sorted(sorted(f["ports"]) for f in hubs if f["severity"] == severity) if severity else []
    check(got == sorted(groups), f"{scenario}: shared-hub findings name {got}, want {sorted(groups)}")
    if not groups:
        crit = [f["kind"] for f in doc["findings"] if f["severity"] == "critical"]
        check(not crit, f"{scenario}: no critical finding ({crit})")
    vms = vms_of(env)
    for f in hubs:
        vm = next((v for v in vms if set(f["ports"]) <= set(v["taps"])), None)
        check(vm is not None and f.get("vm") and f["vm"]["pid"] == vm["pid"] and f["vm"]["name"] == vm["name"],
              f"{scenario}: finding on {f['ports']} names VM {f.get('vm')}, want {vm and (vm['pid'], vm['name'])}")


def offline_agrees(scenario, doc):
    """The live result agrees with the offline diagnosis of the same scenario's captures."""
    d = os.path.join(TOP, "pcaps", "lab", scenario)
    if not os.path.isdir(d) or doc is None:
        return
    args = subprocess.run([sys.executable, os.path.join(TOP, "tests", "lab", "args.py"), d, "ports"],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    off = subprocess.run([STPWATCH, *args, "--check", "-j"], capture_output=True, text=True, cwd=TOP)
    odoc = json.loads(off.stdout)

    def hub_groups(x):
        return sorted(sorted(f["ports"]) for f in x["findings"]
                      if f["kind"] == "shared-hub" and f["severity"] == "critical")
    if scenario == "paused":   # offline, a paused hub forwards nothing: only live reads argv
        check(hub_groups(odoc) == [], f"{scenario}: offline finds no traffic loop")
        return
    check(hub_groups(odoc) == hub_groups(doc),
          f"{scenario}: live and offline agree on shared hubs ({hub_groups(doc)} / {hub_groups(odoc)})")


def qmp_quit(path):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(3)
        s.connect(path)
        s.recv(65536)
        s.sendall(b'{"execute":"qmp_capabilities"}\n')
        s.recv(65536)
        s.sendall(b'{"execute":"quit"}\n')
        s.recv(65536)
        s.close()
    except OSError:
        pass


def wait_gone(pid, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def tap_state(ns, tap):
    r = subprocess.run(["ip", "netns", "exec", ns, "cat", f"/sys/class/net/{tap}/brport/state"],
                       capture_output=True, text=True)
    return r.stdout.strip()


def apply_fix(scenario, env, doc):
    """Replaces each VM by its fix.argv and checks the lab becomes healthy."""
    ns = env["LAB_NS_HOST"]
    before = {n["tap"]: n.get("mac") for v in doc["vms"] for n in v["nics"]}
    for vm in doc["vms"]:
        fix = vm.get("fix", {})
        if not check(fix.get("status") == "proposed",
                     f"{scenario}: a fix is proposed for VM {vm['name']} ({fix.get('status')}: {fix.get('why')})"):
            return
        argv = fix["argv"]
        qmp = next((argv[i + 1].split(",")[0].replace("unix:", "") for i, a in enumerate(argv)
                    if a == "-qmp"), None)
        qmp_quit(qmp)
        check(wait_gone(vm["pid"], 10), f"{scenario}: VM {vm['name']} stopped")
        r = subprocess.run(["ip", "netns", "exec", ns, *argv], capture_output=True, text=True,
                           cwd=vm.get("cwd", "/"), timeout=30)
        check(r.returncode == 0, f"{scenario}: the fixed command line starts ({r.stderr.strip()[:200]})")
    taps = sorted(before)
    end = time.time() + 25   # listening + learning: 2 x forward_delay (4 s) and slack
    while time.time() < end and any(tap_state(ns, t) != "3" for t in taps):
        time.sleep(0.2)
    states = {t: tap_state(ns, t) for t in taps}
    check(all(s == "3" for s in states.values()), f"{scenario}: every tap forwards after the fix ({states})")
    rc, after = diagnose(scenario, env)
    check(rc == 0, f"{scenario}: --check after the fix exits {rc}, want 0")
    if after:
        crit = [f["kind"] for f in after["findings"] if f["severity"] == "critical"]
        check(not crit, f"{scenario}: no critical finding after the fix ({crit})")
        macs = {n["tap"]: n.get("mac") for v in after["vms"] for n in v["nics"]}
        check(macs == before, f"{scenario}: same MACs on the same taps ({before} -> {macs})")


def main():
    global STPWATCH
    STPWATCH = os.path.abspath(sys.argv[1])
    scenarios = sys.argv[2:] or list(EXPECT)
    if os.geteuid() != 0:
        print("live lab tests need root: skipped")
        sys.exit(77)
    # Only this run's labs are taken down: others (another test, a developer's)
    # may be running beside it under their own names.
    try:
        for s in scenarios:
            got = up(s)
            if not got:
                continue
            run_id, env = got
            try:
                time.sleep(1.0)
                rc, doc = diagnose(s, env)
                check_detection(s, env, rc, doc)
                offline_agrees(s, doc)
            finally:
                lab("down", run_id)
        for s in [x for x in FIXABLE if x in scenarios]:
            got = up(s, {"LAB_INJECT": "0"})
            if not got:
                continue
            run_id, env = got
            try:
                time.sleep(1.0)
                rc, doc = diagnose(s, env)
                check(rc == 2, f"{s} (no injector): live --check exit {rc}, want 2")
                if doc:
                    apply_fix(s, env, doc)
            finally:
                lab("down", run_id)
    finally:
        pass
    print(f"lab-live: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


STPWATCH = None
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
main()
