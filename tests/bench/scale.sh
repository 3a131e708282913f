#!/bin/bash
# Scale: a bridge with 1,000 ports (veth) and 100,000 source MACs in a
# throwaway namespace.  Reports the time to a complete --check answer (less
# the sampling window), its peak RSS, and the CPU stpwatch uses at idle.
# Usage: tests/bench/scale.sh STPWATCH [PORTS] [MACS]
set -u
stpwatch=$(realpath "$1")
ports=${2:-1000}
macs=${3:-100000}
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "scale: needs root: skipped"; exit 77; }
ns=stpws$$
ip netns add "$ns" || exit 77
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT INT TERM

{
	echo "link add br0 type bridge stp_state 1"
	for i in $(seq 0 $((ports - 1))); do
		echo "link add p$i type veth peer name q$i"
		echo "link set p$i master br0"
		echo "link set p$i up"
		echo "link set q$i up"
	done
	echo "link set br0 up"
} | ip -n "$ns" -batch - || exit 1
echo "scale: $ports ports on br0"

# 100,000 source MACs: broadcast frames into q0, so they arrive on port p0.
ip netns exec "$ns" /usr/bin/python3 - "$macs" <<'PY'
import socket, struct, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("q0", 0))
for i in range(n):
    src = b"\x02\x00" + struct.pack("!I", i)
    s.send(b"\xff" * 6 + src + b"\x08\x06" + b"\x00" * 46)
PY
echo "scale: $macs source MACs sent"

read -r secs rss < <(python3 "$top/tests/bench/measure.py" 1 -- ip netns exec "$ns" "$stpwatch" --check --window 1)
first=$(awk -v s="$secs" 'BEGIN { printf "%.2f", s - 1.0 }')

ip netns exec "$ns" "$stpwatch" --daemon >/dev/null 2>&1 &
pid=$!
sleep 35   # past the start and the ports' listening and learning (2 x 15 s)
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 10
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
hz=$(getconf CLK_TCK)
idle=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz / 10 * 100 }')
steady=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status")

printf '\nScale: %s ports, %s source MACs\n' "$ports" "$macs"
printf '  first complete --check answer: %s s after the %s s window (goal < 1 s)\n' "$first" 1
printf '  peak RSS of --check: %s MiB (goal < 64 MiB)\n' "$((rss / 1024))"
printf '  daemon steady RSS: %s MiB; CPU at idle: %s%% of one core (goal < 1%%)\n' "$((steady / 1024))" "$idle"
