#!/usr/bin/env python3
"""Offline diagnosis of every lab scenario's captures (pcaps/lab/*).

For each scenario, stpwatch reads (a) the per-port Ethernet captures, each
labelled BRIDGE/PORT, and (b) the `tcpdump -i any` capture (Linux cooked
v2) with --ifmap, and must:
  - exit 2 (CRITICAL) for the loop scenarios and 0 (OK) for healthy, fixed
    and paused (whose hub forwards nothing: only the live check, which reads
    the command line, sees it);
  - name exactly the right taps in critical shared-hub findings, one finding
    per VM;
  - match the golden text report (tests/lab/golden/SCENARIO.ports.out).

Usage: offline.py [--update] STPWATCH
"""
import json
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(TOP, "pcaps", "lab")
GOLDEN = os.path.join(TOP, "tests", "lab", "golden")

# What each scenario is (tests/lab/lab.sh): the spec, not a recorded result.
EXPECT = {
    "healthy": (0, []),
    "fixed": (0, []),
    "paused": (0, []),
    "shared-hub": (2, [["tap10", "tap11"]]),
    "shared-hub-one-bridge": (2, [["tap10", "tap11"]]),
    "shared-hub-one-bridge-cont": (2, [["tap10", "tap11"]]),
    "three-nics": (2, [["tap10", "tap11", "tap12"]]),
    "two-vms": (2, [["tap10", "tap11"], ["tap20", "tap21"]]),
    "separate-lans": (2, [["tap10", "tap11"]]),
}


def args_for(d, mode):
    out = subprocess.run([sys.executable, os.path.join(TOP, "tests", "lab", "args.py"), d, mode],
                         check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def run(stpwatch, args):
    env = dict(os.environ, TZ="UTC")
    return subprocess.run([stpwatch] + args, capture_output=True, text=True, env=env, cwd=TOP)


def main():
    update = "--update" in sys.argv
    stpwatch = os.path.abspath(sys.argv[-1])
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("PASS", what)
        else:
            failed += 1
            print("FAIL", what)

    scenarios = sorted(s for s in os.listdir(LAB) if os.path.isdir(os.path.join(LAB, s)))
    check(set(scenarios) >= set(EXPECT), "every lab scenario has captures")
    for s in scenarios:
        if s not in EXPECT:
            check(False, f"{s}: no expectation for this scenario")
            continue
        want_exit, want_groups = EXPECT[s]
        d = os.path.relpath(os.path.join(LAB, s), TOP)
        for mode in ("ports", "any"):
            a = args_for(d, mode)
            chk = run(stpwatch, a + ["--check"])
            check(chk.returncode == want_exit,
                  f"{s} {mode}: --check exit {chk.returncode}, want {want_exit}: {chk.stdout.strip()[:100]}")
            rep = run(stpwatch, a + ["--check", "-j"])
            try:
                doc = json.loads(rep.stdout)
            except ValueError:
                check(False, f"{s} {mode}: -j output is not JSON")
                continue
            crit = [f for f in doc["findings"] if f["severity"] == "critical"]
            groups = sorted(sorted(f["ports"]) for f in crit if f["kind"] == "shared-hub")
            check(groups == sorted(want_groups),
                  f"{s} {mode}: shared-hub findings name {groups}, want {sorted(want_groups)}")
            if not want_groups:
                check(not crit, f"{s} {mode}: no critical finding ({[f['kind'] for f in crit]})")
            check(doc["summary"]["status"] == {0: "OK", 1: "WARNING", 2: "CRITICAL"}[want_exit],
                  f"{s} {mode}: JSON summary status {doc['summary']['status']}")
        # Golden: the human report from the per-port captures.
        text = run(stpwatch, args_for(d, "ports"))
        got = text.stdout + f"# exit {text.returncode}\n"
        path = os.path.join(GOLDEN, s + ".ports.out")
        if update:
            with open(path, "w") as fh:
                fh.write(got)
            print("UPDATED", path)
            continue
        want = open(path).read() if os.path.exists(path) else None
        check(want == got, f"{s}: report matches {os.path.relpath(path, TOP)}")
        if want is not None and want != got:
            import difflib
            sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                       "expected", "got", n=1))
    print(f"lab-offline: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main()
