#!/bin/bash
# nlbridge.sh - src/nlbridge.c against the kernel, in a throwaway namespace.
#
#   tests/ns/nlbridge.sh [TEST_NLBRIDGE_BINARY]
#
# The driver (build/tests/test_nlbridge --live, run inside the namespace)
# dumps, prints one line per bridge, port and FDB entry, then every event.
# This script changes things under it and checks each change was printed:
# a bridge and a port present before it started, a new bridge, a tap port,
# an MTU change, BPDU guard, a loop between two STP bridges until a port
# blocks (and the other bridge's new root, which the kernel does not
# announce), FDB learning and a move, a port released, a port deleted, a
# bridge deleted, and - with a second driver whose receive buffer is tiny -
# lost notifications (ENOBUFS) and the resync after them.
#
# Exit 77 (skip) when not root or without network namespaces or bridges.
# Touches no interface outside its namespace; the namespace, the drivers
# and the temporary directory go on every exit path.
set -u
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${1:-$ROOT/build/tests/test_nlbridge}
NS=stpwnlb$$
TMP=""
PIDS=()
passed=0
failed=0

skip() { echo "nlbridge-ns: SKIP: $*" >&2; exit 77; }
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	[[ -n $TMP ]] && rm -rf "$TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $(id -u) -eq 0 ]] || skip "needs root"
command -v ip >/dev/null 2>&1 || skip "no ip(8)"
if [[ ! -x $BIN ]]; then
	make -C "$ROOT" --no-print-directory "${BIN#"$ROOT"/}" >/dev/null || {
		echo "nlbridge-ns: cannot build $BIN" >&2
		exit 1
	}
fi
ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
TMP=$(mktemp -d /tmp/stpwnlb.XXXXXX)
n() { ip -n "$NS" "$@"; }
n link add brprobe type bridge 2>/dev/null || skip "no bridge support"
n link del brprobe

# wait_for FILE REGEX SECONDS: true once a line of FILE matches.
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -Eq -- "$2" "$1" && return 0
		sleep 0.1
	done
	return 1
}

# check NAME REGEX [SECONDS]: on the first driver's output.
check() {
	if wait_for "$TMP/out" "$2" "${3:-5}"; then
		ok "$1"
	else
		notok "$1: no line matches /$2/"
	fi
}

# start_driver OUT ARGS...: the driver in the namespace, until it says ready.
start_driver() {
	local out=$1
	shift
	ip netns exec "$NS" "$BIN" --live "$@" >"$out" 2>&1 &
	PIDS+=($!)
	wait_for "$out" '^ready$' 10
}

# send_from DEV MAC: one broadcast frame with source MAC out of DEV.
send_from() {
	ip netns exec "$NS" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(b"\xff" * 6 + bytes.fromhex(sys.argv[2].replace(":", "")) + b"\x88\xb5" + bytes(46))
' "$1" "$2"
}

# Before the driver: br0 (STP, 4 s forward delay) with port v0.
n link set lo up
n link add br0 type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400
n link add v0 type veth peer name v1
n link set v0 master br0
for l in br0 v0 v1; do n link set "$l" up; done

if ! start_driver "$TMP/out" --seconds 120 --refresh 1; then
	notok "driver started: $(head -c 300 "$TMP/out")"
	echo "nlbridge-ns: $passed passed, $failed failed"
	exit 1
fi
ok "driver dumped and is ready"
check "dump: bridge br0 with kernel STP, timers in 1/256 s" \
	'^bridge br0 .*stp=1 hello=256 max_age=1536 fwd_delay=1024 '
check "dump: port v0 of br0, a veth" '^port v0 bridge=br0 .*kind=other'

# A new bridge (the root to be) and a tap port on it.
n link add br1 type bridge stp_state 1 priority 0 hello_time 100 max_age 600 forward_delay 400
n link set br1 up
check "new bridge br1" '^bridge br1 '
n tuntap add tap0 mode tap
n link set tap0 master br1
check "tap0 joins br1 as a tap" '^port tap0 bridge=br1 .*kind=tap'
n link set tap0 mtu 1400
check "tap0 MTU 1400" '^port tap0 bridge=br1 .*mtu=1400'
check "br1 MTU follows to 1400" '^bridge br1 .*mtu=1400$'
n link set tap0 type bridge_slave guard on
check "tap0 BPDU guard on" '^port tap0 bridge=br1 .*guard=1'

# A loop: two veth pairs between br0 and br1.  br1 (priority 0) is root;
# one of br0's two ports must block.
n link add a0 type veth peer name a1
n link add b0 type veth peer name b1
n link set a0 master br0
n link set b0 master br0
n link set a1 master br1
n link set b1 master br1
for l in a0 a1 b0 b1; do n link set "$l" up; done
check "a port of br0 blocks" '^port [ab]0 bridge=br0 .*state=blocking role=alternate' 15
check "br0 learns br1 is root (no notification: refresh)" \
	'^bridge br0 .*root=0000\.[0-9a-f]{12} root_port=[ab]0 cost=2 ' 15
check "br0's root port is named and has role root" '^port [ab]0 bridge=br0 .*role=root' 15
check "the other end forwards" '^port [ab]0 bridge=br0 .*state=forwarding role=root' 15

# FDB: learning, then a move, on a bridge without STP (forwards at once).
if command -v python3 >/dev/null 2>&1; then
	n link add br2 type bridge stp_state 0
	n link add c0 type veth peer name c1
	n link add d0 type veth peer name d1
	n link set c0 master br2
	n link set d0 master br2
	for l in br2 c0 c1 d0 d1; do n link set "$l" up; done
	wait_for "$TMP/out" '^port d0 bridge=br2 .*state=forwarding' 5
	send_from c1 02:00:00:00:99:01
	check "FDB: a MAC learned on c0" '^fdb 02:00:00:00:99:01 vlan=-1 port=c0 bridge=br2$'
	send_from d1 02:00:00:00:99:01
	check "FDB: the MAC moves to d0" \
		'^fdb 02:00:00:00:99:01 vlan=-1 port=d0 bridge=br2 moved-from=c0$'
else
	echo "# no python3: FDB checks skipped"
fi

# Ports released and deleted, a bridge deleted.
n link set v0 nomaster
check "v0 released from br0" '^port-gone v0 bridge=br0$'
n link del tap0
check "tap0 deleted" '^port-gone tap0 bridge=br1$'
n link del br1
check "br1 deleted" '^bridge-gone br1$'
check "br1's ports went with it" '^port-gone a1 bridge=br1$'

# The driver ends on SIGTERM, with the engine having seen it all.
kill "${PIDS[0]}"
wait "${PIDS[0]}"
rc=$?
if [[ $rc -eq 0 ]] && grep -Eq '^engine ports=[0-9]+ bridges=[0-9]+$' "$TMP/out"; then
	ok "driver stops cleanly on SIGTERM"
else
	notok "driver exit $rc: $(tail -n 2 "$TMP/out")"
fi

# Lost notifications: a tiny receive buffer and a driver that sleeps while
# 30 MTU changes happen.  It must say so and end with the last MTU.
if start_driver "$TMP/out2" --seconds 20 --rcvbuf 1024 --stall 3; then
	for m in $(seq 1201 1230); do n link set a0 mtu "$m"; done
	if wait_for "$TMP/out2" '^resync .*ENOBUFS' 10; then
		ok "ENOBUFS is reported as a resync"
	else
		notok "no resync line: $(tail -n 3 "$TMP/out2")"
	fi
	if wait_for "$TMP/out2" '^port a0 bridge=br0 .*mtu=1230 ' 10; then
		ok "after the resync a0 has its last MTU"
	else
		notok "a0 never showed MTU 1230"
	fi
else
	notok "second driver started: $(head -c 300 "$TMP/out2")"
fi

# Nothing left but what this script made.
if ip -n "$NS" -o link show | grep -Evq '^[0-9]+: (lo|br0|br2|a0|b0|a1|b1|c0|c1|d0|d1|v0|v1)[:@]'; then
	notok "unexpected links in the namespace"
else
	ok "namespace holds only the test's links"
fi

echo "nlbridge-ns: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
