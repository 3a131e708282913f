#!/bin/bash
# Hostile guests, live, in a throwaway network namespace.
#
# Two bridges with kernel STP (br0 and br1, joined by a veth pair up0/up1)
# and seven real taps on br0 whose "VM" is tests/ns/hostile.py: it holds the
# taps open (carrier up) and writes frames into them, exactly what a guest
# NIC does.  Three tap names are odd but legal (a quote and a backslash, an
# ESC sequence, bytes that are not UTF-8).  While stpwatch watches (--check,
# --check -j, --report, --report -j, --bpdus, --bpdus -j, --daemon with
# metrics, and the curses view in tmux), the guests send:
#   1. a TCN flood on tap1, RSTP BPDUs with the TC flag going on and off on tap2
#   2. (later) Config BPDUs claiming the root with priority 0 on tap2
#   3. malformed and oversized BPDUs on tap3
#   4. MSTP BPDUs whose region name holds terminal escapes, quotes,
#      backslashes, newlines, NUL and bytes that are not UTF-8 on tap4 and on
#      the oddly named taps
# and the test checks the findings (tc-storm naming tap1 and tap2;
# foreign-bpdu, critical, and root-change naming tap2 when br0 takes the
# guest as its root; the invalid BPDUs counted as stpwatch -r counts them),
# and that every output stays safe: one --check line of printable ASCII,
# every JSON line parses, no raw control byte in any text output or log,
# promtool accepts the metrics, and the view is neither cleared nor
# retitled.  Exit 77 (skipped) when not root, without network namespaces,
# /dev/net/tun, python3 or tmux.  Usage: tests/ns/hostile.sh STPWATCH
set -u
stpwatch=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
helper=$here/hostile.py
[ "$(id -u)" -eq 0 ] || { echo "hostile-ns: needs root: skipped"; exit 77; }
[ -c /dev/net/tun ] || { echo "hostile-ns: no /dev/net/tun: skipped"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "hostile-ns: no python3: skipped"; exit 77; }
command -v tmux >/dev/null 2>&1 || { echo "hostile-ns: tmux is not installed: skipped"; exit 77; }
ns=stpwh$$
ip netns add "$ns" 2>/dev/null || { echo "hostile-ns: no network namespaces: skipped"; exit 77; }
work=$(mktemp -d)
sock=stpwatch-hostile-$$
pids=()
hpid=
cleanup() {
	for p in "${pids[@]}" $hpid; do kill "$p" 2>/dev/null; done
	tmux -L "$sock" kill-server >/dev/null 2>&1
	exec 7>&- 2>/dev/null
	for p in "${pids[@]}" $hpid; do wait "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
	if [ -n "${HOSTILE_KEEP:-}" ]; then echo "hostile-ns: outputs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/../lib.sh"
check() { # NAME COMMAND... : PASS if the command succeeds, else FAIL with its output
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$out"; fi
}
nsx() { ip netns exec "$ns" "$@"; }

# The taps, in the helper's index order.  Names: at most 15 bytes; Linux
# refuses '/', ':', whitespace and 0xa0, and allows the rest.
taps=(tap1 tap2 tap3 tap4 'tap"x\y' $'tap\e[2J' $'t\xff\xfe')
nsx ip link set lo up
nsx ip link add br0 type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400 priority 4096
nsx ip link add br1 type bridge stp_state 1 hello_time 100 max_age 600 forward_delay 400 priority 8192
nsx ip link add up0 type veth peer name up1
nsx ip link set up0 master br0
nsx ip link set up1 master br1
for t in "${taps[@]}"; do
	if ! nsx ip tuntap add dev "$t" mode tap 2>"$work/err"; then
		echo "hostile-ns: cannot create tap $(printf %q "$t"): $(cat "$work/err"): skipped"
		exit 77
	fi
	nsx ip link set "$t" master br0
	nsx ip link set "$t" up
done
for l in br0 br1 up0 up1; do nsx ip link set "$l" up; done

# The guests: one process holds every tap; commands on fd 7, answers in helper.out.
mkfifo "$work/cmd"
ip netns exec "$ns" python3 "$helper" "${taps[@]}" <"$work/cmd" >"$work/helper.out" 2>&1 &
hpid=$!
exec 7>"$work/cmd"
answers() { grep -c '^\(done\|error\)' "$work/helper.out"; }
sent=0
send() { echo "$*" >&7; sent=$((sent + 1)); }
wait_sent() { # SECONDS: until the helper answered every command sent
	local end=$((SECONDS + $1))
	while [ "$(answers)" -lt "$sent" ] && [ $SECONDS -lt $end ]; do sleep 0.1; done
	[ "$(answers)" -ge "$sent" ]
}
for _ in $(seq 50); do grep -q '^ready' "$work/helper.out" && break; sleep 0.1; done
grep -q '^ready' "$work/helper.out" || { fail "helper attaches to the taps" "$(cat "$work/helper.out")"; exit 1; }

# What stpwatch -r says of the same malformed and hostile frames.
python3 "$helper" --pcap "$work/hostile.pcap"
"$stpwatch" -r "tap3=$work/hostile.pcap" --check >"$work/offline.check"
want_invalid=$(sed -n 's/.*bpdus_invalid=\([0-9]*\)c.*/\1/p' "$work/offline.check")
[ "${want_invalid:-0}" -gt 0 ] && ok "stpwatch -r counts $want_invalid invalid BPDUs of the set" ||
	fail "stpwatch -r counts invalid BPDUs" "$(cat "$work/offline.check")"

# Watchers started before the guests speak.
cat >"$work/stpwatch.conf" <<EOF
metrics_file = $work/stpwatch.prom
interval = 1
state_dir = $work/state
EOF
ip netns exec "$ns" "$stpwatch" -f "$work/stpwatch.conf" --daemon >"$work/daemon.out" 2>"$work/daemon.err" &
pids+=($!)
bg() { # NAME ARGS...: stpwatch in the namespace, output to $work/NAME
	local name=$1
	shift
	ip netns exec "$ns" "$stpwatch" "$@" >"$work/$name" 2>"$work/$name.err" &
	pids+=($!)
}
bg check --check --window 6
bg check-j --check -j --window 6
bg report --report --window 6
bg report-j --report -j --window 6
bg bpdus --bpdus
bpdus_pid=$!
bg bpdus-j --bpdus -j
bpdusj_pid=$!
term=screen
infocmp tmux-256color >/dev/null 2>&1 && term=tmux-256color
tm() { tmux -L "$sock" -f /dev/null "$@"; }
tm new-session -d -s view -x 160 -y 50 \
	"env TERM=$term LANG=C.UTF-8 LC_ALL=C.UTF-8 ip netns exec $ns $stpwatch 2>$work/view.err; echo VIEW-EXIT \$?; sleep 60"
title0=$(tm display-message -p -t view '#{pane_title}')
sleep 1.5

# 1, 3, 4: TCN flood, RSTP TC flood, malformed BPDUs, hostile region names.
send tcn 0 20 0.05
send rstp-tc 1 20 0.05
send malformed 2
send mstnames 3 8 0.05
for i in 4 5 6; do send mstnames "$i" 4 0.05; send config "$i" 2 0.05; done
wait_sent 20 || fail "helper sends" "$(cat "$work/helper.out")"
grep -q '^error' "$work/helper.out" && fail "helper sends" "$(grep '^error' "$work/helper.out")"
sleep 1
kill -INT "$bpdus_pid" "$bpdusj_pid" 2>/dev/null
for p in "${pids[@]:1}"; do wait "$p" 2>/dev/null; done

# Every output: no byte outside printable ASCII but newlines (and UTF-8 in JSON).
printable() { # FILE: no control byte, no byte >= 0x7f
	if LC_ALL=C grep -naP '[^\x20-\x7e]' "$1" >"$work/bad"; then
		echo "$(wc -l <"$work/bad") lines with raw bytes, e.g.: $(head -1 "$work/bad" | cat -v | cut -c1-200)"
		return 1
	fi
}
json_check() { # MODE FILE [PYTHON-CHECK]: MODE lines (JSON Lines: json.loads on
	# every line) or doc (one document); the check sees the list `docs`
	python3 - "$@" <<'EOF'
import json, sys
mode, path = sys.argv[1], sys.argv[2]
check = sys.argv[3] if len(sys.argv) > 3 else "True"
docs = []
with open(path, "rb") as f:
    if mode == "doc":
        try:
            docs.append(json.loads(f.read()))
        except ValueError as e:
            sys.exit("%s: %s" % (path, e))
    else:
        for n, line in enumerate(f, 1):
            try:
                docs.append(json.loads(line))
            except ValueError as e:
                sys.exit("line %d: %s: %r" % (n, e, line[:200]))
if not docs:
    sys.exit("no JSON at all")
if not eval(check):
    sys.exit("check failed: %s\n%s" % (check, json.dumps(docs, indent=1)[:3000]))
EOF
}
json_doc() { json_check doc "$@"; }
json_lines() { json_check lines "$@"; }

# --check: one line, printable, the storm named, invalid BPDUs counted as -r counts them.
check "--check prints one line" test "$(wc -l <"$work/check")" -eq 1
check "--check line is printable ASCII" printable "$work/check"
grep -q "^STPWATCH \(WARNING\|CRITICAL\) - " "$work/check" && ok "--check says WARNING or CRITICAL" ||
	fail "--check status" "$(cat "$work/check")"
got_invalid=$(sed -n 's/.*bpdus_invalid=\([0-9]*\)c.*/\1/p' "$work/check")
[ "$got_invalid" = "$want_invalid" ] && ok "--check perfdata: bpdus_invalid=$got_invalid, as stpwatch -r counts" ||
	fail "--check perfdata bpdus_invalid" "got $got_invalid, want $want_invalid: $(cat "$work/check")"

# --check -j and --report -j: the findings.
has_finding() { # KIND PORT [SEVERITY]
	echo "any(f['kind'] == '$1' and '$2' in f['ports'] and f['severity'] in ('${3:-warning}', 'critical') for f in docs[0]['findings'])"
}
check "--check -j is JSON" json_doc "$work/check-j"
check "tc-storm names tap1 (TCN flood)" json_doc "$work/check-j" "$(has_finding tc-storm tap1)"
check "tc-storm names tap2 (RSTP TC flood)" json_doc "$work/check-j" "$(has_finding tc-storm tap2)"
check "foreign-bpdu names tap4 (MSTP)" json_doc "$work/check-j" "$(has_finding foreign-bpdu tap4)"
check "foreign-bpdu names tap\"x\\y by its name" json_doc "$work/check-j" \
	"any(f['kind'] == 'foreign-bpdu' and f['ports'] == ['tap\"x\\\\y'] for f in docs[0]['findings'])"
check "foreign-bpdu names tap<ESC>[2J by its name" json_doc "$work/check-j" \
	"any(f['kind'] == 'foreign-bpdu' and f['ports'] == ['tap\\x1b[2J'] for f in docs[0]['findings'])"
check "no timer-mismatch from TCNs" json_doc "$work/check-j" \
	"not any(f['kind'] == 'timer-mismatch' for f in docs[0]['findings'])"
check "JSON summary counts the invalid BPDUs" json_doc "$work/check-j" \
	"docs[0]['summary']['bpdus_invalid'] == $want_invalid"
check "JSON port names round-trip" json_doc "$work/check-j" \
	"{'tap\"x\\\\y', 'tap\\x1b[2J', 't\\xff\\xfe'} <= {p['name'] for p in docs[0]['ports']}"
check "finding text is printable" json_doc "$work/check-j" \
	"all(all(0x20 <= ord(c) < 0x7f for c in f[k]) for f in docs[0]['findings'] for k in ('subject', 'evidence', 'explanation', 'remedy'))"
check "--report -j is JSON" json_doc "$work/report-j"
check "--report is printable" printable "$work/report"
grep -q 'tc-storm: tap1\( \|$\)' "$work/report" && ok "--report names the storm on tap1" ||
	fail "--report names the storm" "$(grep -a tc-storm "$work/report" | cat -v)"
grep -q 'foreign-bpdu: tap\\x1b\[2J from' "$work/report" && ok "--report escapes the ESC in a tap name" ||
	fail "--report escapes names" "$(grep -a foreign "$work/report" | cat -v)"
grep -q "BPDUs: 0 truncated, $want_invalid invalid" "$work/report" && ok "--report counts the invalid BPDUs" ||
	fail "--report counts the invalid BPDUs" "$(grep -a 'BPDUs:' "$work/report")"

# --bpdus: every region name escaped; -j: each line parses and keeps the name.
check "--bpdus is printable" printable "$work/bpdus"
grep -qF 'region "\x1b[2J\x1b]0;pwned\x07"' "$work/bpdus" && ok "--bpdus escapes the region name" ||
	fail "--bpdus region name" "$(grep -a region "$work/bpdus" | head -2 | cat -v)"
grep -qF '[invalid: version 3 length runs past the BPDU]' "$work/bpdus" && ok "--bpdus shows the MSTP length lie" ||
	fail "--bpdus shows invalid BPDUs" "$(grep -a invalid "$work/bpdus" | head -3)"
check "--bpdus -j: every line is JSON" json_lines "$work/bpdus-j"
check "--bpdus -j keeps hostile region names" json_lines "$work/bpdus-j" \
	"{'\\x1b[2J\\x1b]0;pwned\\x07', 'a\"b\\\\c\\nd\\re\\tf', '\\xff\\xfe\\xc3(\\xe2\\x82\\x7f\\x80'} <= {d['mst_config_id']['name'] for d in docs if 'mst_config_id' in d}"
check "--bpdus -j counts the invalid ones" json_lines "$work/bpdus-j" \
	"sum(d['status'] == 'invalid' for d in docs) == $want_invalid"
check "--bpdus -j names the odd taps" json_lines "$work/bpdus-j" \
	"{'tap\"x\\\\y', 'tap\\x1b[2J', 't\\xff\\xfe'} <= {d['ifname'] for d in docs}"

# 2: the guest on tap2 claims the root; br0 takes it (the kernel does) and
# stpwatch, which learns bridge state every 5 s, names the tap and the VM.
bg root-j --check -j --window 9
root_pid=$!
sleep 1
send root 1 12 1
for _ in $(seq 100); do
	[ "$(nsx cat /sys/class/net/br0/bridge/root_port 2>/dev/null)" != 0 ] && break
	sleep 0.1
done
wait "$root_pid"
rp=$(nsx cat /sys/class/net/br0/bridge/root_port)
rid=$(nsx cat /sys/class/net/br0/bridge/root_id)
[ "$rid" = 0000.02deadbeef01 ] && ok "the kernel takes the guest as root (root port $rp)" ||
	fail "the kernel takes the guest as root" "root $rid port $rp"
check "root claim: --check -j is JSON" json_doc "$work/root-j"
check "root claim: foreign-bpdu critical on tap2" json_doc "$work/root-j" \
	"any(f['kind'] == 'foreign-bpdu' and f['ports'] == ['tap2'] and f['severity'] == 'critical' and 'claims to be the root 0000.02deadbeef01' in f['explanation'] and f['vm'] for f in docs[0]['findings'])"
check "root claim: root-change of br0 through tap2" json_doc "$work/root-j" \
	"any(f['kind'] == 'root-change' and f['subject'] == 'br0' and f['ports'] == ['tap2'] and f['severity'] != 'info' for f in docs[0]['findings'])"
check "root claim: no bridge-merge for it" json_doc "$work/root-j" \
	"not any(f['kind'] == 'bridge-merge' and 'tap2' in f['ports'] for f in docs[0]['findings'])"
check "root claim: the status is CRITICAL" json_doc "$work/root-j" "docs[0]['summary']['status'] == 'CRITICAL'"
wait_sent 20 || fail "helper sends the root claim" "$(tail -2 "$work/helper.out")"

# The daemon: metrics that promtool accepts, printable log lines.
sleep 1.5
if command -v promtool >/dev/null 2>&1; then
	check "promtool check metrics (odd port names in labels)" promtool check metrics <"$work/stpwatch.prom"
else
	if [ -n "${CI:-}" ]; then fail "promtool check metrics" "promtool is not installed"; else echo "SKIP promtool: not installed"; fi
fi
grep -q 'port="tap\\\\x1b\[2J"' "$work/stpwatch.prom" && ok "metrics escape the ESC in a label" ||
	fail "metrics label escape" "$(grep -a 'port_state' "$work/stpwatch.prom" | cat -v)"
grep -q 'stpwatch_bpdus_malformed_total{bridge="br0",port="tap3"} [1-9]' "$work/stpwatch.prom" &&
	ok "metrics count malformed BPDUs on tap3" || fail "metrics malformed" "$(grep -a malformed_total "$work/stpwatch.prom")"
check "daemon log is printable" printable "$work/daemon.err"
grep -q 'critical foreign-bpdu: tap2 from 0000.02deadbeef01' "$work/daemon.err" && ok "daemon logs the root claim" ||
	fail "daemon logs the root claim" "$(grep -a foreign "$work/daemon.err" | head -5 | cat -v)"

# The view: not cleared, not retitled, names shown sanitised.
screen() { tm capture-pane -p -t view; }
shot=$(screen)
echo "$shot" >"$work/screen"
echo "$shot" | head -1 | grep -q '^stpwatch ' && ok "the view's header is intact" ||
	fail "the view's header" "$(echo "$shot" | head -3)"
echo "$shot" | grep -q 'FINDINGS' && ok "the view shows its findings" || fail "the view's findings" "$(echo "$shot" | head -20)"
echo "$shot" | grep -q 'malformed BPDU' && ok "the view counts malformed BPDUs" ||
	fail "the view counts malformed BPDUs" "$(echo "$shot" | sed -n 2p)"
echo "$shot" | grep -q 'tap?\[2J' && ok "the view shows the ESC name sanitised" ||
	fail "the view sanitises names" "$(echo "$shot" | grep -a 'tap' | head -5)"
echo "$shot" | grep -qi 'pwned\|retitled' && fail "no escape reached the terminal" "$(echo "$shot" | grep -i 'pwned\|retitled')" ||
	ok "no region name reached the screen raw"
title=$(tm display-message -p -t view '#{pane_title}')
case $title in *pwned*|*retitled*) fail "the pane is not retitled" "$title" ;; *) ok "the pane is not retitled ($title)" ;; esac
# Details of every port: the region names appear only sanitised.
tm send-keys -t view Tab
sleep 0.3
for _ in 1 2 3 4 5 6 7 8 9 10; do
	tm send-keys -t view Enter
	sleep 0.3
	screen | grep -qi 'pwned\|retitled' && { fail "details stay sanitised" "$(screen | grep -i 'pwned\|retitled')"; break; }
	tm send-keys -t view Escape Down
	sleep 0.2
done
ok "port details seen"
tm send-keys -t view q
for _ in $(seq 50); do screen | grep -q 'VIEW-EXIT' && break; sleep 0.1; done
screen | grep -q 'VIEW-EXIT 0' && ok "the view quits with status 0" || fail "the view quits" "$(screen | tail -5)"
[ ! -s "$work/view.err" ] || ! LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]' "$work/view.err" &&
	ok "the view's stderr is printable" || fail "view stderr" "$(cat -v "$work/view.err" | head -3)"

# Nothing crashed: the daemon still runs and stops cleanly.
dpid=${pids[0]}
if kill -0 "$dpid" 2>/dev/null; then
	kill -TERM "$dpid"
	wait "$dpid"
	rc=$?
	[ "$rc" -eq 0 ] && ok "the daemon survived and stops with status 0" || fail "daemon exit" "status $rc"
else
	fail "the daemon survived" "$(tail -3 "$work/daemon.err")"
fi
echo quit >&7
tally hostile-ns
