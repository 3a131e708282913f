#!/bin/bash
# Faults (issue #8), each in a throwaway network namespace: stpwatch must not
# crash, must not spin (its CPU is read from /proc/PID/stat while idle and
# must stay under $CPU_MAX % of one core), must say clearly what happened,
# must keep working on the rest, and --check must answer UNKNOWN (3), never
# OK, when it could not look.
#
#   8  no bridge at all, netlink unavailable, -i naming nothing
#   1  a bridge port deleted mid-capture (--daemon, --check, --report -j)
#   2  the bridge itself deleted while watching, then created again
#   5  a capture buffer too small for a burst (-B): drops in every output
#   6  a snapshot length shorter than a BPDU (-s), live and with -r
#   3  a VM's tap hot-removed when its QEMU stops
#   4  the VM restarted with the same tap names: new ports, new pid
#
# The lab: br1 (the root, priority 4096) sends BPDUs every second through
# peer0 into eth0, a port of br0; eth1 and eth2 are further ports of br0
# whose peers are plain interfaces (the burst goes into peer1).  For 3 and
# 4: brq0 and brq1 with the taps of a paused QEMU (-S, no guest) whose two
# legacy NICs share hub 0.
#
# Usage: tests/ns/faults.sh STPWATCH.  Exit 77 (skip) when not root or
# without network namespaces; the QEMU part says SKIP without QEMU or
# /dev/net/tun (FAIL under CI).  Every namespace, process and file it makes
# goes on every exit path.
set -u
stpwatch=$(realpath "$1")
CPU_MAX=${CPU_MAX:-10}
QEMU_BIN=${QEMU:-qemu-system-x86_64}
[ "$(id -u)" -eq 0 ] || { echo "faults-ns: needs root: skipped"; exit 77; }
ns=stpwf$$
ip netns add "$ns" 2>/dev/null || { echo "faults-ns: no network namespaces: skipped"; exit 77; }
work=$(mktemp -d /tmp/stpwf.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for f in "$work"/vm*.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	sleep 0.2
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for f in "$work"/vm*.pid; do
		[ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$(dirname "$0")/../lib.sh"
skip() { if [ -n "${CI:-}" ]; then fail "$1" "$2 (under CI it must run)"; else echo "SKIP $1: $2"; fi; }
nsx() { ip netns exec "$ns" "$@"; }
hz=$(getconf CLK_TCK)

# Starts stpwatch in the namespace in the background: $! must be stpwatch
# itself (ip execs it).  bg NAME ARGS...: output in $work/NAME.out and .err.
bg() {
	local name=$1
	shift
	ip netns exec "$ns" "$stpwatch" "$@" >"$work/$name.out" 2>"$work/$name.err" &
	bgpid=$!
	pids+=("$bgpid")
}
# CPU (user + system) of a process over SECONDS, in tenths of a percent of
# one core: "12" is 1.2 %.  Fails if the process is gone.
cpu() {
	local a b
	a=$(awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null) || return 1
	sleep "$2"
	b=$(awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$a" ] && [ -n "$b" ] || return 1
	echo $(((b - a) * 1000 / (hz * $2)))
}
pct() { echo "$(($1 / 10)).$(($1 % 10)) %"; }
# low NAME PID SECONDS: alive, and under CPU_MAX % of a core meanwhile.
low() {
	local t
	if ! t=$(cpu "$2" "$3"); then
		fail "$1: alive" "process $2 is gone: $(tail -3 "$work/${1%% *}.err" 2>/dev/null)"
		return
	fi
	[ "$t" -lt $((CPU_MAX * 10)) ] && ok "$1: alive, CPU $(pct "$t") of a core over $3 s" ||
		fail "$1: no busy loop" "$(pct "$t") of a core over $3 s"
}
check_idle() { low "$1" "$2" 3; }
# wait_for FILE REGEX [TENTHS]: until FILE has a line matching REGEX.
wait_for() {
	local i
	for ((i = 0; i < ${3:-100}; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# finish NAME PID: waits for a one-shot run; its exit status in $rc.
finish() {
	wait "$2"
	rc=$?
}
# stop NAME PID: SIGTERM, status 0 within 5 s.
stop() {
	kill -TERM "$2" 2>/dev/null
	local i
	for ((i = 0; i < 50; i++)); do kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$2" 2>/dev/null; then
		fail "$1: stops on SIGTERM" "still running"
		return
	fi
	wait "$2"
	local st=$?
	[ "$st" -eq 0 ] && ok "$1: stops on SIGTERM with status 0" || fail "$1: stops on SIGTERM" "status $st"
}
metric() { # FILE NAME{labels}: the value, or empty
	awk -v k="$2" '$1 == k {print $2}' "$1" 2>/dev/null
}
conf() { # NAME: a configuration file with a metrics file written every second
	printf 'metrics_file = %s\ninterval = 1\nstate_dir = %s/state\n' \
		"$work/$1.prom" "$work" >"$work/$1.conf"
	echo "$work/$1.conf"
}

nsx ip link set lo up

# ---- 8: nothing to look at ---------------------------------------------------
# No bridge at all.  A monitoring check on a hypervisor whose bridges are gone
# must not say OK: UNKNOWN, and the reason.
nsx "$stpwatch" --check --window 1 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q '^STPWATCH UNKNOWN - no bridge in this network namespace |' "$work/c.out" &&
	ok "8 no bridge: --check UNKNOWN (3)" || fail "8 no bridge: --check" "exit $rc: $(cat "$work/c.out")"
nsx "$stpwatch" --check -j --window 1 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 3 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"] == "no bridge in this network namespace"' "$work/c.out" &&
	ok "8 no bridge: --check -j exit 3 with \"error\"" || fail "8 no bridge: --check -j" "exit $rc"
nsx "$stpwatch" --report --window 1 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'no bridge in this network namespace' "$work/c.err" &&
	ok "8 no bridge: --report exit 1, said on stderr" || fail "8 no bridge: --report" "exit $rc: $(cat "$work/c.err")"
nsx "$stpwatch" --report -j --window 1 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 1 ] && python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["error"]' "$work/c.out" &&
	ok "8 no bridge: --report -j exit 1 with \"error\"" || fail "8 no bridge: --report -j" "exit $rc"
timeout 10 ip netns exec "$ns" "$stpwatch" --bpdus -t 1 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 0 ] && ok "8 no bridge: --bpdus -t 1 ends after 1 s, exit 0 (-t is a duration there)" ||
	fail "8 --bpdus -t 1" "exit $rc: $(cat "$work/c.err")"

# A daemon started before any bridge exists waits for them without spinning
# and picks them up (it is used for 1 and 2 below).
bg d1 -f "$(conf d1)" --daemon
d1=$bgpid
sleep 0.5
check_idle d1 "$d1"

# Netlink unavailable: socket(AF_NETLINK) fails as under a seccomp filter or
# systemd's RestrictAddressFamilies= (EAFNOSUPPORT), through a preloaded shim.
if command -v "${CC:-cc}" >/dev/null 2>&1; then
	cat >"$work/nonl.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/socket.h>
int socket(int domain, int type, int protocol)
{
	static int (*real)(int, int, int);
	if (domain == AF_NETLINK) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (!real)
		real = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
	return real(domain, type, protocol);
}
EOF
	if "${CC:-cc}" -shared -fPIC -o "$work/nonl.so" "$work/nonl.c" -ldl 2>"$work/cc.err"; then
		nsx env LD_PRELOAD="$work/nonl.so" "$stpwatch" --check --window 1 >"$work/c.out" 2>"$work/c.err"
		rc=$?
		[ "$rc" -eq 3 ] && grep -q '^STPWATCH UNKNOWN - cannot open netlink: .*\(not supported\|Address family\)' "$work/c.out" &&
			ok "8 no netlink: --check UNKNOWN (3): $(cut -d'|' -f1 "$work/c.out")" ||
			fail "8 no netlink: --check" "exit $rc: $(cat "$work/c.out" "$work/c.err")"
		timeout 10 ip netns exec "$ns" env LD_PRELOAD="$work/nonl.so" "$stpwatch" --daemon \
			>"$work/c.out" 2>"$work/c.err"
		rc=$?
		[ "$rc" -eq 1 ] && grep -q 'cannot open netlink' "$work/c.err" &&
			ok "8 no netlink: --daemon exits 1 at once, said on stderr" ||
			fail "8 no netlink: --daemon" "exit $rc: $(cat "$work/c.err")"
	else
		skip "8 no netlink" "cannot build the preload shim: $(head -1 "$work/cc.err")"
	fi
else
	skip "8 no netlink" "no C compiler for the preload shim"
fi

# The lab.
nsx ip link add br0 type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400
nsx ip link add br1 type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400 priority 4096
for i in 0 1 2; do
	nsx ip link add "eth$i" type veth peer name "peer$i"
	nsx ip link set "eth$i" master br0
done
nsx ip link set peer0 master br1
for l in br0 br1 eth0 eth1 eth2 peer0 peer1 peer2; do nsx ip link set "$l" up; done
sleep 2   # br1 wins the root election; its BPDUs arrive on eth0

# -i naming nothing: a typo must not read as all clear.
nsx "$stpwatch" --check --window 1 -i nope0 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q '^STPWATCH UNKNOWN - -i nope0: no such bridge or bridge port |' "$work/c.out" &&
	ok "8 -i nope0: --check UNKNOWN (3)" || fail "8 -i nope0: --check" "exit $rc: $(cat "$work/c.out")"
nsx "$stpwatch" --check --window 1 -i peer1 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q '^STPWATCH UNKNOWN - -i peer1: no such bridge or bridge port |' "$work/c.out" &&
	ok "8 -i of an interface that is no bridge port: UNKNOWN (3)" || fail "8 -i peer1" "exit $rc: $(cat "$work/c.out")"
nsx "$stpwatch" --report --window 1 -i nope0 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'nope0: no such bridge or bridge port' "$work/c.err" &&
	ok "8 -i nope0: --report exit 1" || fail "8 -i nope0: --report" "exit $rc: $(cat "$work/c.err")"
nsx "$stpwatch" --check --window 1 -i nope0 -i br1 >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q 'nope0: no such' "$work/c.out" &&
	ok "8 -i nope0 -i br1: still UNKNOWN, naming nope0" || fail "8 -i nope0 -i br1" "exit $rc: $(cat "$work/c.out")"
nsx "$stpwatch" --check --window 2 -i 'eth*' >"$work/c.out" 2>"$work/c.err"
rc=$?
[ "$rc" -eq 0 ] && grep -q '^STPWATCH OK' "$work/c.out" &&
	ok "8 -i 'eth*' that matches: OK (0)" || fail "8 -i 'eth*'" "exit $rc: $(cat "$work/c.out")"

# The daemon has picked the bridges up.
wait_for "$work/d1.prom" '^stpwatch_bpdus_received_total\{bridge="br0",port="eth0"\} [1-9]' 60 &&
	ok "8 daemon started before the bridges watches them" ||
	fail "8 daemon picks up new bridges" "$(grep -E 'bpdus_received|capture_received' "$work/d1.prom" | head -4)"

# ---- 1: a bridge port deleted mid-capture -------------------------------------
bg c1 --check --window 5
c1=$!
bg c1i --check --window 5 -i eth2
c1i=$!
bg r1 --report -j --window 5
r1=$!
sleep 1.5
nsx ip link del eth2
wait_for "$work/d1.err" 'capture on eth2 ended|port eth2 left bridge br0' 50 &&
	ok "1 daemon logs it: $(grep -E 'capture on eth2 ended|port eth2 left' "$work/d1.err" | head -1)" ||
	fail "1 daemon logs the port" "$(cat "$work/d1.err")"
low "c1 (--check, after the deletion)" "$c1" 2
finish c1 "$c1"
[ "$rc" -ne 3 ] && grep -Eq '^STPWATCH (OK|WARNING|CRITICAL) - .* bpdus=[1-9][0-9]*c' "$work/c1.out" &&
	ok "1 --check judges the other ports (exit $rc, $(grep -o 'bpdus=[0-9]*' "$work/c1.out"))" ||
	fail "1 --check" "exit $rc: $(cat "$work/c1.out")"
finish c1i "$c1i"
[ "$rc" -eq 3 ] && grep -q '^STPWATCH UNKNOWN - -i eth2: no such bridge or bridge port any more |' "$work/c1i.out" &&
	ok "1 --check -i eth2 (the port deleted): UNKNOWN (3)" || fail "1 --check -i eth2" "exit $rc: $(cat "$work/c1i.out")"
finish r1 "$r1"
[ "$rc" -eq 0 ] && python3 - "$work/r1.out" <<'PY' && ok "1 --report -j: exit 0, eth0 counted, eth2 absent" || fail "1 --report -j" "exit $rc: $(head -c 300 "$work/r1.out") $(cat "$work/r1.err")"
import json, sys
d = json.load(open(sys.argv[1]))
ports = {p["name"]: p for p in d["ports"]}
assert "eth2" not in ports, ports.keys()
assert ports["eth0"]["bpdus"] > 0, ports["eth0"]
PY
grep -q 'capture on eth2 ended\|port eth2 left bridge br0' "$work/r1.err" &&
	ok "1 --report says so on stderr" || fail "1 --report stderr" "$(cat "$work/r1.err")"
b1=$(metric "$work/d1.prom" 'stpwatch_bpdus_received_total{bridge="br0",port="eth0"}')
sleep 2.5
b2=$(metric "$work/d1.prom" 'stpwatch_bpdus_received_total{bridge="br0",port="eth0"}')
[ -n "$b1" ] && [ -n "$b2" ] && [ "$b2" -gt "$b1" ] && ok "1 daemon keeps capturing eth0 ($b1 -> $b2 BPDUs)" ||
	fail "1 daemon keeps capturing" "$b1 -> $b2"
grep -q 'capture_received_total{port="eth2"}' "$work/d1.prom" &&
	fail "1 metrics" "eth2 still listed" || ok "1 metrics no longer list eth2"
check_idle d1 "$d1"

# ---- 2: the bridge itself deleted --------------------------------------------
bg c2 --check --window 5 -i br0
c2=$!
bg c2a --check --window 5
c2a=$!
sleep 1.5
nsx ip link del br0
wait_for "$work/d1.err" 'bridge br0 was deleted' 50 &&
	ok "2 daemon logs: $(grep 'bridge br0 was deleted' "$work/d1.err")" || fail "2 daemon logs" "$(tail -3 "$work/d1.err")"
grep -q 'port eth0 left bridge br0' "$work/d1.err" &&
	ok "2 daemon logs each port released" || fail "2 ports released" "$(tail -4 "$work/d1.err")"
finish c2 "$c2"
[ "$rc" -eq 3 ] && grep -q '^STPWATCH UNKNOWN - -i br0: no such bridge or bridge port any more |' "$work/c2.out" &&
	ok "2 --check -i br0: UNKNOWN (3)" || fail "2 --check -i br0" "exit $rc: $(cat "$work/c2.out")"
finish c2a "$c2a"
[ "$rc" -ne 3 ] && grep -Eq '^STPWATCH (OK|WARNING|CRITICAL) ' "$work/c2a.out" &&
	ok "2 --check of the whole host answers about br1 (exit $rc)" || fail "2 --check whole host" "exit $rc: $(cat "$work/c2a.out")"
check_idle d1 "$d1"
# The last bridge goes too: UNKNOWN, naming it.
bg c2b --check --window 4
c2b=$!
sleep 1.5
nsx ip link del br1
finish c2b "$c2b"
[ "$rc" -eq 3 ] && grep -q '^STPWATCH UNKNOWN - bridge br1 was deleted while watching: no bridge left |' "$work/c2b.out" &&
	ok "2 --check when the last bridge goes: UNKNOWN (3)" || fail "2 --check last bridge" "exit $rc: $(cat "$work/c2b.out")"
check_idle d1 "$d1"
# Created again: the daemon watches it again.
nsx ip link add br0 type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400
nsx ip link add br1 type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400 priority 4096
nsx ip link set eth0 master br0
nsx ip link set eth1 master br0
nsx ip link set peer0 master br1
for l in br0 br1; do nsx ip link set "$l" up; done
sleep 2
b1=$(metric "$work/d1.prom" 'stpwatch_bpdus_received_total{bridge="br0",port="eth0"}')
sleep 3
b2=$(metric "$work/d1.prom" 'stpwatch_bpdus_received_total{bridge="br0",port="eth0"}')
[ -n "$b1" ] && [ -n "$b2" ] && [ "$b2" -gt "$b1" ] && ok "2 bridge created again: captured again ($b1 -> $b2 BPDUs)" ||
	fail "2 bridge created again" "$b1 -> $b2"
stop d1 "$d1"
grep -q 'Segmentation\|Aborted\|Sanitizer\|runtime error' "$work"/*.err &&
	fail "no crash" "$(grep -l 'Segmentation\|Aborted\|Sanitizer\|runtime error' "$work"/*.err)" ||
	ok "1-2 no crash, no sanitizer report"

# ---- 5: a capture buffer too small for a burst -------------------------------
# Four watchers with a 4 KiB buffer per port on eth1, then 30,000 1500-octet
# multicast frames sent as fast as python can into peer1.
cat >"$work/burst.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = bytes.fromhex('01005e0000fb' '020000000001' '0800') + bytes(1486)
sent = 0
for _ in range(int(sys.argv[2])):
    try:
        s.send(frame)
        sent += 1
    except OSError:
        pass
print(sent)
EOF
bg c5 --check -B 4 --window 6 -i eth1
c5=$!
bg j5 --check -j -B 4 --window 6 -i eth1
j5=$!
bg r5 --report -B 4 --window 6 -i eth1
r5=$!
bg d5 -f "$(conf d5)" --daemon -B 4 -i eth1
d5=$!
sleep 1.5
sent=$(nsx python3 "$work/burst.py" peer1 30000)
echo "     burst: $sent frames sent into peer1"
finish c5 "$c5"
drops=$(grep -o 'dropped=[0-9]*' "$work/c5.out" | cut -d= -f2)
[ "$rc" -ne 3 ] && [ "${drops:-0}" -gt 0 ] && ok "5 --check perfdata: dropped=$drops (exit $rc)" ||
	fail "5 --check drops" "exit $rc: $(cat "$work/c5.out")"
# An OK line says the loss in its text too; a finding's line names the finding.
if grep -q '^STPWATCH OK' "$work/c5.out"; then
	grep -q "^STPWATCH OK - .*($drops frames lost) |" "$work/c5.out" &&
		ok "5 --check text: $drops frames lost" || fail "5 --check text" "$(cat "$work/c5.out")"
fi
finish j5 "$j5"
drops=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["capture_drops"])' "$work/j5.out" 2>/dev/null)
[ "${drops:-0}" -gt 0 ] && ok "5 -j: summary.capture_drops = $drops" || fail "5 -j drops" "'$drops'"
finish r5 "$r5"
line=$(grep '^Capture: ' "$work/r5.out")
drops=$(echo "$line" | sed -n 's/.*, \([0-9]*\) dropped by the kernel.*/\1/p')
[ "$rc" -eq 0 ] && [ "${drops:-0}" -gt 0 ] && echo "$line" | grep -q 'raise -B' &&
	ok "5 --report: $line" || fail "5 --report drops" "exit $rc: $line"
wait_for "$work/d5.err" 'capture buffer full: [1-9][0-9]* frames dropped' 80 &&
	ok "5 daemon logs: $(grep -m1 'capture buffer full' "$work/d5.err")" || fail "5 daemon log" "$(cat "$work/d5.err")"
sleep 1.2
drops=$(metric "$work/d5.prom" 'stpwatch_capture_dropped_total{port="eth1"}')
[ "${drops:-0}" -gt 0 ] && ok "5 metrics: stpwatch_capture_dropped_total{port=\"eth1\"} $drops" ||
	fail "5 metrics drops" "$(grep dropped "$work/d5.prom")"
check_idle d5 "$d5"
# The drops of a port deleted later stay in the totals.
nsx ip link del eth1
sleep 0.5
stop d5 "$d5"
total=$(sed -n 's/.*frames captured, [0-9]* BPDUs, \([0-9]*\) dropped by the kernel\(, [0-9]* of them BPDUs\)\{0,1\}$/\1/p' "$work/d5.err")
[ "${total:-0}" -gt 0 ] && ok "5 exit summary keeps the drops of a deleted port ($total)" ||
	fail "5 exit summary" "$(tail -2 "$work/d5.err")"
nsx ip link add eth1 type veth peer name peer1
nsx ip link set eth1 master br0
nsx ip link set eth1 up
nsx ip link set peer1 up

# ---- 6: a snapshot length shorter than a BPDU ---------------------------------
bg c6 --check -s 40 --window 4 -i eth0
c6=$!
bg r6 --report -s 40 --window 4 -i eth0
r6=$!
timeout -s INT 4 ip netns exec "$ns" "$stpwatch" --bpdus -j -s 40 -i eth0 >"$work/b6.out" 2>"$work/b6.err"
finish c6 "$c6"
n=$(grep -o ' bpdus=[0-9]*' "$work/c6.out" | cut -d= -f2)
t=$(grep -o 'bpdus_truncated=[0-9]*' "$work/c6.out" | cut -d= -f2)
[ "$rc" -eq 0 ] && [ "${n:-0}" -gt 0 ] && [ "$n" = "$t" ] && grep -q '^STPWATCH OK' "$work/c6.out" &&
	ok "6 -s 40 --check: OK, $n BPDUs all truncated, no finding" || fail "6 -s 40 --check" "exit $rc: $(cat "$work/c6.out")"
finish r6 "$r6"
grep -Eq '^([1-9][0-9]*) BPDUs: \1 truncated, 0 invalid' "$work/r6.out" && grep -q '^  none: ' "$work/r6.out" &&
	ok "6 -s 40 --report: $(grep BPDUs: "$work/r6.out")" || fail "6 -s 40 --report" "$(head -3 "$work/r6.out")"
python3 - "$work/b6.out" <<'PY' && ok "6 -s 40 --bpdus -j: every BPDU \"truncated\", no bridge id taken from it" || fail "6 -s 40 --bpdus -j" "$(head -2 "$work/b6.out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows, "no BPDU"
for r in rows:
    assert r["status"] == "truncated" and "bridge_id" not in r, r
PY
if command -v tcpdump >/dev/null 2>&1; then
	timeout -s INT 3.5 ip netns exec "$ns" tcpdump -i eth0 -Q in -s 40 -w "$work/s40.pcap" stp >/dev/null 2>&1
	"$stpwatch" -r "eth0=$work/s40.pcap" --check >"$work/c.out" 2>"$work/c.err"
	rc=$?
	n=$(grep -o ' bpdus=[0-9]*' "$work/c.out" | cut -d= -f2)
	t=$(grep -o 'bpdus_truncated=[0-9]*' "$work/c.out" | cut -d= -f2)
	[ "$rc" -eq 0 ] && [ "${n:-0}" -gt 0 ] && [ "$n" = "$t" ] && [ ! -s "$work/c.err" ] &&
		ok "6 -r of a tcpdump -s 40 capture: $n BPDUs, all truncated, OK" ||
		fail "6 -r tcpdump -s 40" "exit $rc: $(cat "$work/c.out" "$work/c.err")"
else
	skip "6 -r tcpdump -s 40" "tcpdump is not installed"
fi

# ---- 3, 4: a VM's taps removed when it stops, and the VM started again ---------
if ! command -v "$QEMU_BIN" >/dev/null 2>&1; then
	skip "3-4 QEMU" "$QEMU_BIN is not installed"
elif [ ! -c /dev/net/tun ]; then
	skip "3-4 QEMU" "no /dev/net/tun"
else
	for b in brq0 brq1; do
		nsx ip link add "$b" type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400
		nsx ip link set "$b" up
	done
	# A paused guest (no OS) whose two legacy NICs share hub 0; QEMU makes
	# the taps (they go when it stops), the test puts them on the bridges.
	startvm() { # N: vmN.pid; 0 once both taps are on their bridges
		ip netns exec "$ns" "$QEMU_BIN" -name fltvm -nodefaults -display none -S \
			-machine accel=tcg -m 32 -global virtio-net-pci.romfile= \
			-net nic,model=virtio -net tap,ifname=tap20,script=no,downscript=no \
			-net nic,model=virtio -net tap,ifname=tap21,script=no,downscript=no \
			-pidfile "$work/vm$1.pid" -daemonize 2>"$work/vm$1.err" || return 1
		nsx ip link set tap20 master brq0 && nsx ip link set tap21 master brq1 &&
			nsx ip link set tap20 up && nsx ip link set tap21 up
	}
	bg d3 -f "$(conf d3)" --daemon -i 'brq*'
	d3=$!
	sleep 0.5
	if startvm 1; then
		vm1=$(cat "$work/vm1.pid")
		wait_for "$work/d3.err" "shared-hub: tap20 and tap21 \(VM fltvm pid $vm1\)" 100 &&
			ok "3 daemon names the VM: $(grep -m1 'shared-hub: tap20' "$work/d3.err")" ||
			fail "3 daemon names the VM" "$(cat "$work/d3.err")"
		bg r3 --report -j --window 14 -i 'brq*'
		r3=$!
		bg c3 --check --window 4 -i 'brq*'
		c3=$!
		sleep 1.5
		kill "$vm1"
		for _ in $(seq 50); do nsx ip link show tap20 >/dev/null 2>&1 || break; sleep 0.1; done
		nsx ip link show tap20 >/dev/null 2>&1 && fail "3 tap removed with QEMU" "tap20 still there" ||
			ok "3 QEMU stopped: tap20 and tap21 are gone"
		wait_for "$work/d3.err" 'capture on tap20 ended|port tap20 left bridge brq0' 50 &&
			ok "3 daemon logs: $(grep -E -m1 'capture on tap20 ended|port tap20 left' "$work/d3.err")" ||
			fail "3 daemon logs the tap" "$(cat "$work/d3.err")"
		wait_for "$work/d3.err" "cleared: shared-hub tap20 and tap21 \[warning\] pid $vm1" 50 &&
			ok "3 daemon clears the VM's finding" || fail "3 finding cleared" "$(cat "$work/d3.err")"
		check_idle d3 "$d3"
		finish c3 "$c3"
		[ "$rc" -ne 3 ] && grep -Eq '^STPWATCH (OK|WARNING|CRITICAL) ' "$work/c3.out" &&
			ok "3 --check across the stop answers (exit $rc)" || fail "3 --check" "exit $rc: $(cat "$work/c3.out")"
		grep -q 'cannot capture' "$work/d3.err" &&
			fail "3 no capture errors" "$(grep 'cannot capture' "$work/d3.err")" || ok "3 no capture error logged"
		# 4: the same VM again, the same tap names.
		if startvm 2; then
			vm2=$(cat "$work/vm2.pid")
			wait_for "$work/d3.err" "shared-hub: tap20 and tap21 \(VM fltvm pid $vm2\)" 100 &&
				ok "4 daemon names the new pid $vm2 (was $vm1)" || fail "4 new pid" "$(cat "$work/d3.err")"
			sleep 1.5
			for t in tap20 tap21; do
				[ -n "$(metric "$work/d3.prom" "stpwatch_capture_received_total{port=\"$t\"}")" ] &&
					ok "4 $t captured again" || fail "4 $t captured again" "$(grep capture_received "$work/d3.prom")"
			done
			grep -q 'cannot capture' "$work/d3.err" &&
				fail "4 no capture errors" "$(grep 'cannot capture' "$work/d3.err")" || ok "4 no capture error logged (taps added while down)"
			check_idle d3 "$d3"
			finish r3 "$r3"
			[ "$rc" -eq 0 ] && python3 - "$work/r3.out" "$vm1" "$vm2" <<'PY' && ok "4 --report -j across the restart: taps on pid $vm2, $vm1 gone" || fail "4 --report -j" "exit $rc: $(cat "$work/r3.err")"
import json, sys
d = json.load(open(sys.argv[1]))
old, new = int(sys.argv[2]), int(sys.argv[3])
ports = {p["name"]: p for p in d["ports"]}
assert ports["tap20"].get("vm_pid") == new and ports["tap21"].get("vm_pid") == new, ports
assert [v["pid"] for v in d["vms"]] == [new], d["vms"]
f = [f for f in d["findings"] if f["kind"] == "shared-hub"]
assert f and f[0]["vm"]["pid"] == new, f
PY
			kill "$vm2"
		else
			fail "4 QEMU starts again" "$(cat "$work/vm2.err")"
		fi
		stop d3 "$d3"
	else
		fail "3 QEMU starts" "$(cat "$work/vm1.err")"
	fi
fi

grep -l 'Segmentation\|Aborted\|Sanitizer\|runtime error' "$work"/*.err >/dev/null 2>&1 &&
	fail "no crash" "$(grep -h 'Segmentation\|Aborted\|Sanitizer\|runtime error' "$work"/*.err | head -3)" ||
	ok "no crash, no sanitizer report anywhere"
tally faults-ns
