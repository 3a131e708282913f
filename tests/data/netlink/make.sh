#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Makes the netlink recordings in this directory (run as root, from here):
#
#   dump.bin    RTM_GETLINK dumps (AF_UNSPEC, then AF_BRIDGE) and the
#               AF_BRIDGE RTM_GETNEIGH dump of the setup below, once the
#               loop has settled (one port blocking)
#   events.bin  notifications while the setup changes: br1 becomes the
#               root (vB0 blocks), MTU change, FDB move, port released,
#               tap deleted, bridge deleted
#
# Everything happens in a private network namespace that is removed on
# every path; nothing outside it is touched.  The setup (all MACs fixed, so
# bridge ids are known):
#
#   br0  02:00:00:00:0b:00  stp_state 1, priority 4096 (the root),
#        hello 1.5 s, max_age 6 s, forward_delay 4 s
#        ports: vA0, vB0 (veth to br1), tap0 (mtu 9000, root_block,
#        held open so it has carrier)
#   br1  02:00:00:00:0b:01  stp_state 1, defaults (timers learned from br0)
#        ports: vA1 (root port), vB1 (cost 150, priority 48: blocking),
#        tap1 (bpdu guard, no carrier: disabled)
#   br2  02:00:00:00:0b:02  stp_state 0
#        ports: vC0 (mtu 1400; peer vC1 outside), tap2, vD0 (peer vD1)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
ns=stpw-nlrec-$$
holder=
listener=
tmp=$(mktemp -d /tmp/stpw-nlrec.XXXXXX)

cleanup() {
	if [ -n "$listener" ]; then kill "$listener" 2>/dev/null; fi
	if [ -n "$holder" ]; then kill "$holder" 2>/dev/null; fi
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
	return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

n() { ip -n "$ns" "$@"; }
inns() { ip netns exec "$ns" "$@"; }

ip netns add "$ns"
n link set lo up
n link add br0 address 02:00:00:00:0b:00 type bridge stp_state 1 \
	priority 4096 hello_time 150 max_age 600 forward_delay 400
n link add br1 address 02:00:00:00:0b:01 type bridge stp_state 1
n link add br2 address 02:00:00:00:0b:02 type bridge stp_state 0
n link add vA0 address 02:00:00:00:0a:00 type veth peer name vA1 address 02:00:00:00:0a:01
n link add vB0 address 02:00:00:00:0a:10 type veth peer name vB1 address 02:00:00:00:0a:11
n link add vC0 address 02:00:00:00:0a:20 mtu 1400 type veth peer name vC1 address 02:00:00:00:0a:21 mtu 1400
n link add vD0 address 02:00:00:00:0a:30 type veth peer name vD1 address 02:00:00:00:0a:31
for t in tap0 tap1 tap2; do
	n tuntap add "$t" mode tap
done
n link set tap0 address fe:54:00:00:00:00 mtu 9000
n link set tap1 address fe:54:00:00:00:01
n link set tap2 address fe:54:00:00:00:02
n link set vA0 master br0
n link set vB0 master br0
n link set tap0 master br0
n link set vA1 master br1
n link set vB1 master br1
n link set tap1 master br1
n link set vC0 master br2
n link set tap2 master br2
n link set vD0 master br2
n link set tap0 type bridge_slave root_block on
n link set vB1 type bridge_slave cost 150 priority 48
n link set tap1 type bridge_slave guard on
# A running VM keeps its tap open: that gives tap0 carrier.
# (Not through inns: "inns ... &" would background a subshell, and $! would
# not be the process to stop.)
ip netns exec "$ns" python3 -c '
import fcntl, os, signal, struct, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tap0", 0x0002 | 0x1000))  # TUNSETIFF, IFF_TAP|IFF_NO_PI
time.sleep(600)' &
holder=$!
for l in br0 br1 br2 vA0 vA1 vB0 vB1 vC0 vC1 vD0 vD1 tap0 tap1 tap2; do
	n link set "$l" up
done

# One frame from vC1's MAC, sent out of vC1 (or vD1): br2 learns it there.
send_from_vc1_mac() {
	inns python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(bytes.fromhex("ffffffffffff" "020000000a21" "88b5") + bytes(46))' "$1"
}

# Listening + learning take 2 x forward_delay (8 s); vB1 blocks earlier.
i=0
until n -d link show vB1 | grep -q 'state blocking' &&
      n -d link show vA1 | grep -q 'state forwarding' &&
      n -d link show tap0 | grep -q 'state forwarding'; do
	i=$((i + 1))
	[ "$i" -le 40 ] || { echo "make.sh: the loop did not settle" >&2; exit 1; }
	sleep 0.5
done
send_from_vc1_mac vC1                          # br2 learns it on vC0
inns python3 "$here/record.py" dump "$here/dump.bin"

ip netns exec "$ns" python3 "$here/record.py" listen "$here/events.bin" 30 "$tmp/ready" &
listener=$!
i=0
until [ -e "$tmp/ready" ]; do
	i=$((i + 1))
	[ "$i" -le 50 ] || { echo "make.sh: the listener did not start" >&2; exit 1; }
	sleep 0.1
done
# br1 takes over as root: br0's vA0 becomes its root port, vB0 blocks.
n link set br1 type bridge priority 0
sleep 2
n link set vC0 mtu 1300                        # RTM_NEWLINK, new MTU
sleep 0.3
# vC1's MAC shows up behind vD0: an FDB move on br2 (RTM_NEWNEIGH).
send_from_vc1_mac vD1
sleep 0.3
n link set vD0 nomaster                        # released: IFLA_MASTER gone
sleep 0.3
n link del tap2                                # RTM_DELLINK of a port
sleep 0.3
n link del br2                                 # RTM_DELLINK of a bridge
sleep 0.5
kill "$listener"
wait "$listener" || true
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
holder=
listener=
ls -l "$here/dump.bin" "$here/events.bin"
