#!/bin/bash
# Least privilege, read from /proc/PID/status while stpwatch runs:
#   -r FILE          no capability left once the capture is open;
#   -r FILE -Z nobody  runs as nobody, no capability;
#   live (--bpdus)   only CAP_NET_RAW, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH and
#                    CAP_DAC_OVERRIDE, the bounding set likewise.
# Usage: tests/ns/privs.sh STPWATCH
set -u
stpwatch=$(realpath "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "privs: needs root: skipped"; exit 77; }
work=$(mktemp -d)
ns=stpwp$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	exec 3>&- 4>&-
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
. "$top/tests/lib.sh"
field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# -r: the capture is a FIFO we hold open, so stpwatch stays up for us to look.
mkfifo "$work/cap"
"$stpwatch" -r "$work/cap" --bpdus >/dev/null 2>&1 &
pids+=($!)
exec 3>"$work/cap"
head -c 24 "$top/tests/peer/tcpdump/802.1D_spanning_tree.pcap" >&3
sleep 0.5
p=${pids[-1]}
[ "$(field "$p" CapEff)" = 0000000000000000 ] && [ "$(field "$p" CapPrm)" = 0000000000000000 ] &&
	[ "$(field "$p" CapBnd)" = 0000000000000000 ] &&
	ok "-r: no capability once the capture is open" ||
	fail "-r: capabilities" "$(grep ^Cap "/proc/$p/status" | tr '\n' ' ')"
exec 3>&-

mkfifo "$work/cap2"
chmod 644 "$work/cap2"
"$stpwatch" -r "$work/cap2" -Z nobody --bpdus >/dev/null 2>&1 &
pids+=($!)
exec 4>"$work/cap2"
head -c 24 "$top/tests/peer/tcpdump/802.1D_spanning_tree.pcap" >&4
sleep 0.5
p=${pids[-1]}
uid=$(awk '$1 == "Uid:" {print $2, $3}' "/proc/$p/status")
[ "$uid" = "65534 65534" ] && [ "$(field "$p" CapEff)" = 0000000000000000 ] &&
	ok "-r -Z nobody: runs as nobody without capabilities" || fail "-Z nobody" "uid $uid $(field "$p" CapEff)"
exec 4>&-

# Live: a bridge to watch, then look at what is left.
ip netns add "$ns" 2>/dev/null || { echo "privs: no network namespaces: live part skipped"; tally privs; exit; }
ip -n "$ns" link add br0 type bridge stp_state 1
ip -n "$ns" link add eth0 type veth peer name eth1
ip -n "$ns" link set eth0 master br0
for l in br0 eth0 eth1; do ip -n "$ns" link set "$l" up; done
ip netns exec "$ns" "$stpwatch" --bpdus >/dev/null 2>&1 &
pids+=($!)
sleep 1.5
p=${pids[-1]}
# CAP_DAC_OVERRIDE 1, CAP_DAC_READ_SEARCH 2, CAP_NET_RAW 13, CAP_SYS_PTRACE 19
want=$(printf '%016x' $(( (1 << 1) | (1 << 2) | (1 << 13) | (1 << 19) )))
[ "$(field "$p" CapEff)" = "$want" ] && [ "$(field "$p" CapBnd)" = "$want" ] &&
	ok "live: only net_raw, sys_ptrace, dac_read_search, dac_override" ||
	fail "live: capabilities" "$(grep ^Cap "/proc/$p/status" | tr '\n' ' ') want $want"

# The monitoring check: nothing left once the captures and netlink are open,
# and it still answers.
ip netns exec "$ns" "$stpwatch" --check --window 4 >"$work/check.out" 2>&1 &
p=$!
pids+=($p)
sleep 2
[ "$(field "$p" CapEff)" = 0000000000000000 ] && [ "$(field "$p" CapPrm)" = 0000000000000000 ] &&
	[ "$(field "$p" CapBnd)" = 0000000000000000 ] &&
	ok "--check: no capability while it samples" ||
	fail "--check: capabilities" "$(grep ^Cap "/proc/$p/status" | tr '\n' ' ')"
wait "$p"
rc=$?
[ "$rc" -eq 0 ] && grep -q '^STPWATCH OK' "$work/check.out" &&
	ok "--check without capabilities answers OK" || fail "--check answer" "exit $rc: $(cat "$work/check.out")"

tally privs
