#!/bin/bash
# Daemon mode in a throwaway network namespace: two bridges with kernel STP
# joined by two veth pairs (a loop STP resolves: one port blocks), one of
# them a "tap" by name.  stpwatch --daemon must write Prometheus metrics
# atomically that promtool accepts, log one line per new finding, and stop
# cleanly on SIGTERM.  Usage: tests/ns/daemon.sh STPWATCH
set -u
stpwatch=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "daemon-ns: needs root: skipped"; exit 77; }
ns=stpwd$$
ip netns add "$ns" 2>/dev/null || { echo "daemon-ns: no network namespaces: skipped"; exit 77; }
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
. "$(dirname "$0")/../lib.sh"
nsx() { ip netns exec "$ns" "$@"; }

nsx ip link set lo up
for b in br0 br1; do
	nsx ip link add "$b" type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400
done
nsx ip link set br0 type bridge priority 4096
nsx ip link add eth0 type veth peer name eth1
nsx ip link add tap5 type veth peer name eth2    # named like a tap: a VM NIC
nsx ip link set eth0 master br0
nsx ip link set tap5 master br0
nsx ip link set eth1 master br1
nsx ip link set eth2 master br1
for l in br0 br1 eth0 eth1 eth2 tap5; do nsx ip link set "$l" up; done

cat >"$work/stpwatch.conf" <<EOF
metrics_file = $work/stpwatch.prom
interval = 1
state_dir = $work/state
EOF
# Not through nsx: $! must be the process that becomes stpwatch (ip execs it).
ip netns exec "$ns" "$stpwatch" -f "$work/stpwatch.conf" --daemon >"$work/out" 2>"$work/err" &
pid=$!

# Metrics appear, and are rewritten (the timestamp moves on).
for _ in $(seq 50); do [ -s "$work/stpwatch.prom" ] && break; sleep 0.1; done
[ -s "$work/stpwatch.prom" ] && ok "metrics file written" || fail "metrics file written" "none"
t1=$(awk '/^stpwatch_last_update_timestamp_seconds/ {print $2}' "$work/stpwatch.prom")
sleep 2.5
t2=$(awk '/^stpwatch_last_update_timestamp_seconds/ {print $2}' "$work/stpwatch.prom")
[ -n "$t1" ] && [ -n "$t2" ] && [ "$t1" != "$t2" ] && ok "metrics rewritten ($t1 -> $t2)" ||
	fail "metrics rewritten" "$t1 -> $t2"
[ ! -e "$work/stpwatch.prom.tmp" ] && ok "no temporary file left behind" || fail "temporary file" "left"
grep -q '^stpwatch_port_state{bridge="br0",port="tap5"} [0-4]$' "$work/stpwatch.prom" &&
	ok "per-port state" || fail "per-port state" "$(grep port_state "$work/stpwatch.prom" | head -2)"
grep -q '^stpwatch_bpdus_received_total{bridge="br1",port="eth1"} [1-9]' "$work/stpwatch.prom" &&
	ok "BPDU counters count" || fail "BPDU counters" "$(grep bpdus_received "$work/stpwatch.prom" | head -3)"
grep -q '^stpwatch_findings{kind="shared-hub",severity="critical"} ' "$work/stpwatch.prom" &&
	ok "findings by kind and severity" || fail "findings by kind and severity" "missing"
grep -q '^stpwatch_capture_dropped_total{port="eth0"} 0$' "$work/stpwatch.prom" &&
	ok "capture drops" || fail "capture drops" "$(grep dropped "$work/stpwatch.prom" | head -2)"
if command -v promtool >/dev/null 2>&1; then
	if out=$(promtool check metrics <"$work/stpwatch.prom" 2>&1); then
		ok "promtool check metrics"
	else
		fail "promtool check metrics" "$out"
	fi
else
	if [ -n "${CI:-}" ]; then fail "promtool check metrics" "promtool is not installed"; else echo "SKIP promtool: not installed"; fi
fi

# The loop: one port blocks; a new finding is logged once.
sleep 2
grep -q 'blocked-tap: tap5\|port-loop\|bridge-merge' "$work/err" &&
	ok "findings logged" || fail "findings logged" "$(tail -3 "$work/err")"
n=$(grep -c 'blocked-tap: tap5' "$work/err")
[ "$n" -le 1 ] && ok "each finding logged once ($n)" || fail "each finding logged once" "$n times"

kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
	fail "stops on SIGTERM" "still running"
else
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" -eq 0 ] && ok "stops on SIGTERM with status 0" || fail "stops on SIGTERM" "status $rc"
fi
tally daemon-ns
