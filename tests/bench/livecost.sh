#!/bin/bash
# Live capture cost: traffic pushed through a bridge port as fast as this
# machine can, first unicast bulk, then a broadcast storm.  For each, the
# CPU stpwatch uses per second of traffic and its drops, next to tcpdump
# with the equivalent filter ('ether multicast', incoming only).
# Usage: tests/bench/livecost.sh STPWATCH [SECONDS]
set -u
stpwatch=$(realpath "$1")
secs=${2:-5}
[ "$(id -u)" -eq 0 ] || { echo "livecost: needs root: skipped"; exit 77; }
command -v tcpdump >/dev/null || { echo "livecost: no tcpdump: skipped"; exit 77; }
ns=stpwc$$
ip netns add "$ns" || exit 77
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT INT TERM
nsx() { ip netns exec "$ns" "$@"; }

# src --- (veth) --- br0 --- (veth) --- dst: traffic enters the bridge on p0.
nsx ip link add br0 type bridge stp_state 1 forward_delay 400
nsx ip link add p0 type veth peer name src
nsx ip link add p1 type veth peer name dst
nsx ip link set p0 master br0
nsx ip link set p1 master br0
for l in br0 p0 p1 src dst; do nsx ip link set "$l" up; done
sleep 9   # listening, learning, forwarding

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

blast() { # DST_MAC
	nsx /usr/bin/python3 - "$1" "$secs" <<'PY' &
import socket, sys, time
dst = bytes.fromhex(sys.argv[1].replace(":", ""))
end = time.time() + float(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("src", 0))
frame = dst + bytes.fromhex("020000000001") + b"\x08\x00" + b"\x45" + b"\x00" * 1485
n = 0
while time.time() < end:
    for _ in range(1000):
        s.send(frame)
    n += 1000
print(n, file=sys.stderr)
PY
	wait $!
}

measure() { # NAME CMD... -> prints cpu% of one core per second of traffic, and drops
	local name=$1
	shift
	"$@" >/dev/null 2>"$work/err.$name" &
	local p=$!
	pids+=("$p")
	sleep 2
	local t0; t0=$(ticks "$p")
	blast "$target" 2>"$work/sent.$name"
	local t1; t1=$(ticks "$p")
	local hz; hz=$(getconf CLK_TCK)
	kill -INT "$p"
	sleep 1
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$secs" -v n="$name" -v sent="$(cat "$work/sent.$name")" \
		'BEGIN { printf "  %-34s %6.2f%% of one core  (%d frames sent)\n", n, (b - a) / hz / s * 100, sent }'
}

work=$(mktemp -d)
dstmac=$(nsx cat /sys/class/net/dst/address)
# Teach the bridge where dst lives, so unicast to it is not flooded.
nsx ping -c1 -W1 -I dst 192.0.2.1 >/dev/null 2>&1 || true

printf '\nLive capture cost, %s s of traffic into p0 (frames of 1500 octets):\n' "$secs"
for kind in unicast broadcast; do
	[ "$kind" = unicast ] && target=$dstmac || target=ff:ff:ff:ff:ff:ff
	echo " $kind:"
	measure "stpwatch --bpdus -i p0" ip netns exec "$ns" "$stpwatch" --bpdus -i p0
	measure "tcpdump -Q in ether multicast" ip netns exec "$ns" tcpdump -i p0 -Q in -w /dev/null 'ether multicast'
	grep -h 'dropped by' "$work"/err.* 2>/dev/null | sed 's/^/    /'
	rm -f "$work"/err.*
done
rm -rf "$work"
