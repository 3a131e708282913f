#!/bin/bash
# Command-line behaviour: bad input gets one clear line naming the file
# (and the offset), a non-zero exit, and whatever was read before a
# truncation is still reported.  Usage: tests/cli/run.sh STPWATCH
set -u
stpwatch=$(realpath "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
peer=$top/tests/peer/tcpdump
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export TZ=UTC

. "$top/tests/lib.sh"

# expect NAME WANT_EXIT STDERR_REGEX STDOUT_LINES -- ARGS...
expect() {
	local name=$1 want=$2 errre=$3 lines=$4
	shift 5
	"$stpwatch" "$@" >out 2>err
	local rc=$?
	local n; n=$(wc -l <out)
	local nerr; nerr=$(wc -l <err)
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, wanted $want"
	elif [ -n "$errre" ] && ! grep -Eq -- "$errre" err; then
		fail "$name" "stderr '$(cat err)' does not match /$errre/"
	elif [ -n "$errre" ] && [ "$nerr" -ne 1 ]; then
		fail "$name" "wanted one line on stderr, got $nerr"
	elif [ -z "$errre" ] && [ "$nerr" -ne 0 ]; then
		fail "$name" "unexpected stderr: $(cat err)"
	elif [ "$lines" != "-" ] && [ "$n" -ne "$lines" ]; then
		fail "$name" "$n lines on stdout, wanted $lines"
	else
		ok "$name"
	fi
}

cp "$peer/802.1D_spanning_tree.pcap" good.pcap
echo "hello, world" >text.txt
: >empty.pcap
head -c 1000 good.pcap >trunc.pcap          # cut inside record 13's data
head -c 940 good.pcap >trunc-hdr.pcap       # cut inside record 13's header
head -c 10 good.pcap >short.pcap
mkdir adir

expect "text file"        1 '^stpwatch: text\.txt: not a pcap or pcapng file' 0 -- -r text.txt --bpdus
expect "empty file"       1 '^stpwatch: empty\.pcap: empty file$' 0 -- -r empty.pcap --bpdus
expect "short file"       1 '^stpwatch: short\.pcap: not a pcap or pcapng file' 0 -- -r short.pcap --bpdus
expect "missing file"     1 '^stpwatch: nope\.pcap: No such file or directory$' 0 -- -r nope.pcap --bpdus
expect "directory"        1 '^stpwatch: adir: ' 0 -- -r adir --bpdus
# 12 whole records precede the cut: they are still printed.
expect "truncated data"   1 '^stpwatch: trunc\.pcap: truncated record at offset 936' 12 -- -r trunc.pcap --bpdus
expect "truncated header" 1 '^stpwatch: trunc-hdr\.pcap: truncated record (header )?at offset 936' 12 -- -r trunc-hdr.pcap --bpdus
expect "good file"        0 '' 14 -- -r good.pcap --bpdus
expect "stdin"            0 '' 14 -- -r - --bpdus <good.pcap
# No -r: the live view, which needs a terminal (here stdin/stdout are not).
expect "no input, no tty"  2 'the live view needs a terminal' - -- </dev/null
"$stpwatch" --no-such-option >out 2>err
if [ $? -eq 2 ] && grep -q "unrecognized option '--no-such-option'" err && grep -q -- "--help" err; then
	ok "bad option"
else
	fail "bad option" "$(cat err)"
fi
expect "stray argument"   2 "unexpected argument 'extra'" - -- -r good.pcap extra
expect "version"          0 '' 1 -- -V
expect "help"             0 '' - -- -h

# A truncated file among good ones: the good ones are reported in full.
expect "mixed inputs"     1 '^stpwatch: trunc\.pcap: truncated' 26 -- -r trunc.pcap -r x=good.pcap --bpdus

# The summary still names what was read before the truncation.
"$stpwatch" -r trunc.pcap >out 2>/dev/null
if grep -q '^12 frames on 1 ports' out; then ok "summary after truncation"; else fail "summary after truncation" "$(head -1 out)"; fi

# A link type stpwatch does not decode: said once, naming the file.
python3 - <<'PY'
import struct
hdr = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 105)  # 802.11
rec = struct.pack('<IIII', 1, 0, 4, 4) + b'\x00' * 4
open('wifi.pcap', 'wb').write(hdr + rec + rec)
PY
expect "unsupported link type" 1 '^stpwatch: wifi\.pcap: link type 105 is not supported' - -- -r wifi.pcap

# IFACE= labels the port; merged output is in timestamp order.
"$stpwatch" -r br0=good.pcap -r tap1="$peer/802.1w_rapid_STP.pcap" --bpdus >out 2>err
if [ "$(awk '{print $3}' out | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')" = "br0:14 tap1:30 " ]; then
	ok "labels and merge order"
else
	fail "labels and merge order" "$(awk '{print $3}' out | uniq -c | tr '\n' ' ')"
fi
if sort -c -k1,2 out 2>/dev/null; then ok "merged timestamps ascend"; else fail "merged timestamps ascend" "not sorted"; fi

# Interleaved captures: two copies of one file shifted by a second merge one by one.
python3 - "$peer/802.1D_spanning_tree.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
out, off = bytearray(data[:24]), 24
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack('<IIII', data[off:off+16])
    out += struct.pack('<IIII', sec + 1, usec, incl, orig) + data[off+16:off+16+incl]
    off += 16 + incl
open('shifted.pcap', 'wb').write(out)
PY
"$stpwatch" -r a=good.pcap -r b=shifted.pcap --bpdus >out 2>err
if [ "$(awk '{print $3}' out | head -4 | tr '\n' ' ')" = "a b a b " ] && sort -c -k1,2 out; then
	ok "interleaved merge"
else
	fail "interleaved merge" "$(awk '{print $3}' out | head -4 | tr '\n' ' ')"
fi

# --check: monitoring-plugin conventions.  UNKNOWN (3) when it could not look.
expect "check ok"            0 '' 1 -- -r good.pcap --check
if grep -Eq '^STPWATCH OK - [^|]{1,80} \| critical=0;;;0 warning=0;;;0 ' out; then ok "check line format"; else fail "check line format" "$(cat out)"; fi
expect "check missing file"  3 '^stpwatch: nope\.pcap: No such file' 1 -- -r nope.pcap --check
if grep -q '^STPWATCH UNKNOWN - could not read nope.pcap |' out; then ok "check unknown line"; else fail "check unknown line" "$(cat out)"; fi
expect "check truncated"     3 '^stpwatch: trunc\.pcap: truncated' 1 -- -r trunc.pcap --check
"$stpwatch" --check --no-such-option >out 2>err
if [ $? -eq 3 ]; then ok "check usage error is UNKNOWN"; else fail "check usage error is UNKNOWN" "exit $?"; fi
expect "check and bpdus"     3 'do not go together' - -- -r good.pcap --check --bpdus
"$stpwatch" -r good.pcap --check -j >out 2>err
rc=$?
if [ $rc -eq 0 ] && python3 -c 'import json,sys; d=json.load(open("out")); assert d["summary"]["status"]=="OK" and d["findings"]==[]'; then
	ok "check -j is a JSON report"
else
	fail "check -j is a JSON report" "exit $rc"
fi
expect "-i with -r"          2 'do not go with -r' - -- -r good.pcap -i br0
expect "bad range"           3 "bad range 'x'" - -- --check -w x
expect "bad window"          2 "wants seconds, not '0'" - -- --window 0
expect "bad bridge label"    2 "bad -r argument '/tap1=good.pcap'" - -- -r /tap1=good.pcap
expect "bad ifmap"           2 "bad --ifmap entry 'x=tap1'" - -- -r good.pcap --ifmap x=tap1
# A path with '=' and a dot before it is a file name, not a label.
cp good.pcap 'a.b=c.pcap'
expect "path with equals"    0 '' 14 -- -r 'a.b=c.pcap' --bpdus

# Faults in the input (issue #8): a monitoring check that could not read its
# input says UNKNOWN, never OK; the message names the file (and the offset).
head -c 4096 /dev/urandom >garbage.bin
printf '\x00\x01\x02\x03' | dd of=garbage.bin bs=1 conv=notrunc status=none  # never a magic
expect "garbage file"            1 '^stpwatch: garbage\.bin: not a pcap or pcapng file \(it starts with 0x00010203\)$' 0 -- -r garbage.bin --bpdus
expect "check garbage file"      3 '^stpwatch: garbage\.bin: not a pcap or pcapng' 1 -- -r garbage.bin --check
if grep -q '^STPWATCH UNKNOWN - could not read garbage.bin |' out; then ok "check garbage line"; else fail "check garbage line" "$(cat out)"; fi
expect "check unsupported link type" 3 '^stpwatch: wifi\.pcap: link type 105' 1 -- -r wifi.pcap --check
expect "check empty file"        3 '^stpwatch: empty\.pcap: empty file$' 1 -- -r empty.pcap --check
expect "check text file"         3 '^stpwatch: text\.txt: not a pcap' 1 -- -r text.txt --check
"$stpwatch" -r garbage.bin --check -j >out 2>err
rc=$?
if [ $rc -eq 3 ] && python3 -c 'import json; d=json.load(open("out")); i=d["inputs"][0]; assert i["complete"] is False and "garbage.bin" in i["error"] and d["summary"]["status"]=="OK"' 2>/dev/null; then
	ok "check -j garbage: exit 3, the input marked incomplete"
else
	fail "check -j garbage" "exit $rc"
fi
# pcapng: an interface of an unsupported link type, a block cut short, a cut header.
python3 - <<'PY'
import struct
def blk(t, body):
    pad = (-len(body)) % 4
    n = 12 + len(body) + pad
    return struct.pack('<II', t, n) + body + b'\0' * pad + struct.pack('<I', n)
shb = blk(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
idb = blk(1, struct.pack('<HHI', 105, 0, 65535))
epb = blk(6, struct.pack('<IIIII', 0, 0, 1, 4, 4) + b'\0' * 4)
open('wifi.pcapng', 'wb').write(shb + idb + epb)
open('cut.pcapng', 'wb').write((shb + idb + epb)[:-5])
open('cuthdr.pcapng', 'wb').write((shb + idb)[:30])
PY
expect "pcapng unsupported link type" 1 '^stpwatch: wifi\.pcapng: link type 105 is not supported' - -- -r wifi.pcapng
expect "pcapng truncated block" 1 '^stpwatch: cut\.pcapng: truncated pcapng block at offset 48: header says 36 bytes, file ends after 31$' 0 -- -r cut.pcapng --bpdus
expect "pcapng truncated header" 1 '^stpwatch: cuthdr\.pcapng: truncated pcapng block header at offset 28' 0 -- -r cuthdr.pcapng --bpdus
expect "check pcapng truncated" 3 '^stpwatch: cut\.pcapng: truncated' 1 -- -r cut.pcapng --check
# A capture taken with a snapshot length shorter than a BPDU (tcpdump -s 40):
# the BPDUs are counted as truncated, never as valid, and nothing is found.
python3 - "$peer/802.1D_spanning_tree.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
magic, vmaj, vmin, tz, sig, snap, lt = struct.unpack('<IHHiIII', data[:24])
out, off = bytearray(struct.pack('<IHHiIII', magic, vmaj, vmin, tz, sig, 40, lt)), 24
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack('<IIII', data[off:off+16])
    keep = min(incl, 40)
    out += struct.pack('<IIII', sec, usec, keep, orig) + data[off+16:off+16+keep]
    off += 16 + incl
open('s40.pcap', 'wb').write(out)
PY
expect "snaplen 40 capture"      0 '' 14 -- -r s40.pcap --bpdus
if [ "$(grep -c 'truncated: capture ends inside the BPDU' out)" -eq 14 ]; then ok "snaplen 40: every BPDU truncated"; else fail "snaplen 40: every BPDU truncated" "$(head -2 out)"; fi
expect "snaplen 40 check"        0 '' 1 -- -r s40.pcap --check
if grep -q ' bpdus=14c;;;0 bpdus_truncated=14c;;;0 bpdus_invalid=0c' out; then ok "snaplen 40: perfdata counts them truncated"; else fail "snaplen 40 perfdata" "$(cat out)"; fi
"$stpwatch" -r s40.pcap >out 2>err
if grep -q '^14 BPDUs: 14 truncated, 0 invalid' out && grep -q '^  none: ' out; then ok "snaplen 40: report"; else fail "snaplen 40: report" "$(head -3 out)"; fi
# -s and -B: live capture only; checked like every number.
expect "-s with -r"              2 '-i, -s, -B, --report and --daemon watch the host' - -- -r good.pcap -s 40
expect "-B with -r"              2 'do not go with -r' - -- -r good.pcap -B 64
expect "bad -s"                  2 "^stpwatch: -s: snaplen wants a number, not '10x'$" - -- -s 10x --report
expect "-s too large"            2 '^stpwatch: -s: snaplen must be between 0 and 262144$' - -- --snapshot-length 262145 --report
expect "bad -B"                  3 '^stpwatch: -B: buffer_size must be between 0 and 1048576$' - -- -B 99999999 --check
expect "-B fraction"             2 "^stpwatch: -B: buffer_size wants a whole number, not '1.5'$" - -- --buffer-size 1.5 --report

# Every long option --help names is documented in the manual.
missing=""
for opt in $("$stpwatch" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	name=${opt#--}
	grep -q "Fl \\\\-$name\b" "$top/man/stpwatch.8" || missing="$missing $opt"
done
if [ -z "$missing" ]; then ok "man page documents every long option"; else fail "man page documents every long option" "missing:$missing"; fi

# The manual is clean for mandoc's linter (and man's, where man-db is there).
if command -v mandoc >/dev/null 2>&1; then
	lint=$(mandoc -Tlint -W warning "$top/man/stpwatch.8" 2>&1 | grep -v 'mandoc.db')
	[ -z "$lint" ] && ok "mandoc -Tlint" || fail "mandoc -Tlint" "$lint"
else
	echo "SKIP mandoc -Tlint: mandoc is not installed"
fi
if command -v man >/dev/null 2>&1; then
	warn=$(man --warnings -l "$top/man/stpwatch.8" 2>&1 >/dev/null)
	[ -z "$warn" ] && ok "man --warnings" || fail "man --warnings" "$warn"
fi

tally cli
