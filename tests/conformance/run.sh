#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Conformance of stpwatch's BPDU decode with tcpdump's.
#
# For each capture in tests/peer and each tcpdump output made from it, run
#     TZ=UTC STPWATCH -r CAPTURE --bpdus -j
# and check the JSON Lines field by field against tcpdump's text with
# compare.py.  The pairs are those of tcpdump's own tests/TESTLIST (see
# tests/peer/NOTICE) plus the two PcapPlusPlus captures.
#
# usage: tests/conformance/run.sh [-v] STPWATCH
#   -v   also print compare.py's notes for the pairs that pass
# Prints PASS/FAIL per pair and a summary; exits 1 if any pair fails,
# 2 on a usage error.

set -u
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
if [ $# -ne 1 ]; then
	echo "usage: $0 [-v] STPWATCH" >&2
	exit 2
fi
stpwatch=$1
here=$(cd "$(dirname "$0")" && pwd)
peer=$(dirname "$here")/peer
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

case $stpwatch in
*/*) ;;
*) stpwatch=./$stpwatch ;;
esac
if [ ! -x "$stpwatch" ] || [ -d "$stpwatch" ]; then
	echo "conformance: FAIL: no stpwatch binary at '$stpwatch'" >&2
	exit 1
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

# name  capture  tcpdump output (tcpdump test name; flags it was made with)
pairs='
stp-v                 tcpdump/802.1D_spanning_tree.pcap      tcpdump/stp-v.out
rstp-v                tcpdump/802.1w_rapid_STP.pcap          tcpdump/rstp-v.out
mstp-v                tcpdump/MSTP_Intra-Region_BPDUs.pcap   tcpdump/mstp-v.out
rpvst-v               tcpdump/rpvstp-trunk-native-vid5.pcap  tcpdump/rpvst-v.out
spb                   tcpdump/spb.pcap                       tcpdump/spb.out
spb_bpduv4            tcpdump/spb_bpduv4.pcap                tcpdump/spb_bpduv4.out
spb_bpduv4-v          tcpdump/spb_bpduv4.pcap                tcpdump/spb_bpduv4-v.out
stp-heapoverflow-1    tcpdump/stp-heapoverflow-1.pcap        tcpdump/stp-heapoverflow-1.out
stp-heapoverflow-2    tcpdump/stp-heapoverflow-2.pcap        tcpdump/stp-heapoverflow-2.out
stp-heapoverflow-3    tcpdump/stp-heapoverflow-3.pcap        tcpdump/stp-heapoverflow-3.out
stp-heapoverflow-4    tcpdump/stp-heapoverflow-4.pcap        tcpdump/stp-heapoverflow-4.out
stp-v4-length-sigsegv tcpdump/stp-v4-length-sigsegv.pcap     tcpdump/stp-v4-length-sigsegv.out
evb                   tcpdump/evb.pcap                       tcpdump/evb.out
pcpp-Stp-v            pcapplusplus/Stp.pcap                  pcapplusplus/Stp-v.tcpdump-4.99.3.out
pcpp-StpEdit-v        pcapplusplus/StpEdit.pcap              pcapplusplus/StpEdit-v.tcpdump-4.99.3.out
'

echo "$pairs" | while read -r name pcap out; do
	[ -n "$name" ] || continue
	echo "$name $pcap $out"
done >"$T/pairs"

while read -r name pcap out; do
	if [ ! -f "$peer/$pcap" ] || [ ! -f "$peer/$out" ]; then
		echo "FAIL $name: missing $peer/$pcap or $peer/$out"
		fail=$((fail + 1))
		continue
	fi
	TZ=UTC "$stpwatch" -r "$peer/$pcap" --bpdus -j \
		</dev/null >"$T/$name.jsonl" 2>"$T/$name.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $name: stpwatch exited $rc"
		sed 's/^/    stderr: /' "$T/$name.err" | head -20
		fail=$((fail + 1))
		continue
	fi
	"$PY" "$here/compare.py" --pcap "$peer/$pcap" --label "$name" \
		"$T/$name.jsonl" "$peer/$out" </dev/null >"$T/$name.cmp" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS $name: $(tail -n 1 "$T/$name.cmp")"
		pass=$((pass + 1))
		[ "$verbose" -eq 1 ] && sed '$d; s/^/    /' "$T/$name.cmp"
	else
		echo "FAIL $name"
		sed 's/^/    /' "$T/$name.cmp"
		fail=$((fail + 1))
	fi
	if [ -s "$T/$name.err" ]; then
		sed 's/^/    stderr: /' "$T/$name.err" | head -20
	fi
done <"$T/pairs"

echo "conformance: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
