#!/bin/bash
# make bench: ratios measured side by side in one run, on this machine.
#   1. offline analysis of a synthetic capture (../shared/bench/gen_pcap.py)
#      against libpcap's read floor (tcpdump -w /dev/null), tcpdump's
#      decoder (tcpdump -n -e) and the page cache (cat);
#   2. the engine alone, per frame.
# BENCH_FRAMES (default 1000000) sets the capture size; BENCH_SLOW=0 skips
# the slow tcpdump -n -e run.
set -euo pipefail
B=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
stpwatch=$top/$B/stpwatch
frames=${BENCH_FRAMES:-1000000}
work=$top/$B/bench
mkdir -p "$work"
gen=$top/../shared/bench/gen_pcap.py
[ -f "$gen" ] || gen=$top/tests/bench/gen_pcap_missing
cap=$work/synthetic-$frames.pcap
measure="python3 $top/tests/bench/measure.py"

if [ ! -f "$cap" ]; then
	if [ ! -f "$gen" ]; then
		echo "bench: ../shared/bench/gen_pcap.py not found; cannot make the capture" >&2
		exit 1
	fi
	echo "bench: generating $frames frames (once) ..."
	python3 "$gen" --frames "$frames" --macs 10000 --seed 1 --out "$cap" 2>/dev/null
fi
bytes=$(stat -c %s "$cap")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1048576 }')
cat "$cap" >/dev/null   # warm the page cache: every reader sees the same cache

read -r t_cat _ < <($measure 5 -- cat "$cap")
read -r t_sw rss_sw < <($measure 5 -- "$stpwatch" -r "$cap")
read -r t_tdw rss_tdw < <($measure 5 -- tcpdump -r "$cap" -w /dev/null)
if [ "${BENCH_SLOW:-1}" != 0 ]; then
	read -r t_tde _ < <($measure 1 -- tcpdump -n -e -r "$cap")
else
	t_tde=NaN
fi

printf '\nOffline analysis: %s frames, %s MiB (%s)\n' "$frames" "$mb" "$cap"
printf '%-34s %9s %12s %9s %10s %9s\n' "command" "seconds" "frames/s" "MiB/s" "peak RSS" "ratio"
row() { # name seconds rss
	awk -v n="$1" -v t="$2" -v r="$3" -v f="$frames" -v mb="$mb" -v base="$t_sw" 'BEGIN {
		fps = t > 0 ? f / t : 0; mbs = t > 0 ? mb / t : 0
		printf "%-34s %9.3f %12.0f %9.0f %10s %9.2f\n", n, t, fps, mbs, (r == "-" ? "-" : sprintf("%d MiB", r / 1024)), (t > 0 ? base / t : 0)
	}'
}
row "stpwatch -r F (full analysis)" "$t_sw" "$rss_sw"
row "tcpdump -r F -w /dev/null" "$t_tdw" "$rss_tdw"
row "tcpdump -n -e -r F" "$t_tde" "-"
row "cat F >/dev/null" "$t_cat" "-"
echo "(ratio = stpwatch's time / that command's time; goal: <= 1.0 against tcpdump -w, <= 3.0 against cat)"

printf '\nEngine alone (no I/O):\n'
"$top/$B/bench_engine" 2000000 100000
