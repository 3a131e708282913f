#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Self-test of the conformance tools, without stpwatch: tcpdump_stp.py must
# read every tcpdump output in tests/peer, and compare.py must accept the
# hand-written JSON Lines fixtures here and must reject each of a series of
# deliberately broken copies of them (a wrong field, a missing frame, an
# extra frame, ...).
#
#   sample.out    excerpts of tcpdump's -v output (renumbered 1-8): a DTP
#                 frame, 802.1D Config, PVST+ RSTP, MSTP with 2 MSTIs, TCN,
#                 SPT v4, a truncated BPDU, an unknown version
#   sample.jsonl  what stpwatch should say about them, written by hand
#   Stp.jsonl     the same for tests/peer/pcapplusplus/Stp.pcap (used with
#                 --pcap, for the 802.3 length check)
#
# usage: tests/conformance/selftest/selftest.sh     (exit 1 on any failure)

set -u
here=$(cd "$(dirname "$0")" && pwd)
conf=$(dirname "$here")
peer=$(dirname "$conf")/peer
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "SELFTEST FAIL: $*"; }

# mutate IN FRAME PYTHON-STATEMENT: copy IN with object `o` of FRAME changed
# (set FRAME to "new" to append an object built by the statement instead,
# or use "del" as the statement to drop the frame).
mutate() {
	"$PY" - "$@" <<'EOF'
import json, sys
path, frame, stmt = sys.argv[1], sys.argv[2], sys.argv[3]
lines = [json.loads(l) for l in open(path) if l.strip()]
if frame == 'new':
    o = {}
    exec(stmt)
    lines.append(o)
else:
    out = []
    for o in lines:
        if o['frame'] == int(frame):
            if stmt == 'del':
                continue
            exec(stmt)
        out.append(o)
    lines = out
for o in lines:
    print(json.dumps(o))
EOF
}

# expect NAME RC PATTERN -- CMD...: CMD must exit with RC and its output
# must contain a line matching the grep -E PATTERN.
expect() {
	name=$1 want_rc=$2 pattern=$3
	shift 4
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name: exit $rc, wanted $want_rc"
		sed 's/^/    /' "$T/out"
	elif ! grep -Eq -- "$pattern" "$T/out"; then
		bad "$name: no line matching /$pattern/"
		sed 's/^/    /' "$T/out"
	else
		ok
	fi
}

cmp_sample() { "$PY" "$conf/compare.py" "$1" "$here/sample.out"; }
cmp_stp() {
	"$PY" "$conf/compare.py" --pcap "$peer/pcapplusplus/Stp.pcap" "$1" \
		"$peer/pcapplusplus/Stp-v.tcpdump-4.99.3.out"
}
S=$here/sample.jsonl

# --- tcpdump_stp.py on the whole corpus -----------------------------------
# file : STP frames : outcomes : other frames : verbose
while read -r f n outcomes other verbose; do
	outcomes=$(echo "$outcomes" | tr , ' ' | sed 's/^-$//')
	want="$peer/$f: $n STP frames \($outcomes\), $other other frames, [0-9]+ fields, verbose=$verbose"
	expect "parse $f" 0 "^$want\$" -- "$PY" "$conf/tcpdump_stp.py" "$peer/$f" --summary
done <<'EOF'
tcpdump/stp-v.out 14 ok=14 0 True
tcpdump/rstp-v.out 30 ok=30 0 True
tcpdump/mstp-v.out 10 ok=10 0 True
tcpdump/rpvst-v.out 18 ok=18 4 True
tcpdump/spb.out 0 - 53 False
tcpdump/spb_bpduv4.out 25 ok=25 0 False
tcpdump/spb_bpduv4-v.out 25 ok=25 0 True
tcpdump/stp-heapoverflow-1.out 1 truncated=1 13 False
tcpdump/stp-heapoverflow-2.out 1 truncated=1 13 False
tcpdump/stp-heapoverflow-3.out 1 truncated=1 13 False
tcpdump/stp-heapoverflow-4.out 1 truncated=1 13 False
tcpdump/stp-v4-length-sigsegv.out 1 invalid=1 0 False
tcpdump/evb.out 15 ok=15 1 True
pcapplusplus/Stp-v.tcpdump-4.99.3.out 5 ok=5 0 True
pcapplusplus/StpEdit-v.tcpdump-4.99.3.out 6 invalid=1,ok=5 0 True
EOF
# ("invalid=1,ok=5" stands for two outcomes, "-" for none)

# Field-level facts of the parse, terse and verbose decodes of one capture.
expect "parse fields" 0 '^fields ok$' -- "$PY" - "$conf" "$peer" <<'EOF'
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import tcpdump_stp as t
peer = sys.argv[2]
terse, _ = t.parse(peer + '/tcpdump/spb_bpduv4.out')
verb, _ = t.parse(peer + '/tcpdump/spb_bpduv4-v.out')
errs = []
for a, b in zip(terse, verb):
    # Without -v tcpdump prints the first line only; it must agree with -v.
    if set(a.fields) != {'proto', 'type', 'flags', 'length'}:
        errs.append('terse frame %d: %s' % (a.frame, sorted(a.fields)))
    for k in a.fields:
        if a.fields[k] != b.fields[k]:
            errs.append('frame %d %s differs' % (a.frame, k))
    if a.msti or not b.msti:
        errs.append('frame %d: MSTI blocks' % a.frame)
v = verb[0].fields
for k, want in (('Format cap', '0'), ('Convention id', '2'),
                ('Convention cap', '32'), ('Edge count', '32'),
                ('v4len', '85'), ('AUXMCID Name', 'IEEE802.1 SPB Default'),
                ('AUX digest', 'c8bd946a00815f86ace612b9f8616283'),
                ('digest', '67d768dfa948eb5e9fd54077e80975a2')):
    if v.get(k) != want:
        errs.append('spb frame 1 %s = %r' % (k, v.get(k)))
m, _ = t.parse(peer + '/tcpdump/mstp-v.out')
if [x['MSTI bridge-prio'] for x in m[0].msti] != ['6', '8'] or \
        m[0].msti[0]['flags'] != ['Learn', 'Forward', 'Agreement',
                                  'Topology change ACK']:
    errs.append('mstp frame 1 MSTIs: %r' % m[0].msti)
s, _ = t.parse(peer + '/pcapplusplus/Stp-v.tcpdump-4.99.3.out')
if s[2].fields.get('MCID Name') != '' or s[3].fields != {
        'proto': '802.1d', 'type': 'Topology Change'}:
    errs.append('Stp frames 3/4: %r %r' % (s[2].fields, s[3].fields))
h, other = t.parse(peer + '/tcpdump/stp-heapoverflow-4.out')
if len(h) != 1 or h[0].frame != 14 or h[0].fields['flags'] != [
        'Learn', 'Forward'] or sorted(other) != list(range(1, 14)):
    errs.append('heapoverflow-4: %r' % h[0].fields)
print('\n'.join(errs) or 'fields ok')
EOF

# An item the parser does not know must stop it, not be skipped.
sed 's/root-pathcost 7/root-pathcost 7, bogus-field 3/' "$here/sample.out" >"$T/bogus.out"
expect "parse unknown item" 2 "unknown cist item 'bogus-field 3'" -- \
	"$PY" "$conf/tcpdump_stp.py" "$T/bogus.out"

# --- compare.py: the good fixtures pass ------------------------------------
expect "sample good" 0 '^conformance sample.out: 7 frames, [0-9]+ fields compared, 0 mismatches$' -- cmp_sample "$S"
expect "Stp good" 0 '^conformance Stp-v.tcpdump-4.99.3.out: 5 frames, [0-9]+ fields compared, 0 mismatches$' -- cmp_stp "$here/Stp.jsonl"
# Truncated: the fields stpwatch did not decode are not compared.
mutate "$S" 7 'del o["flags"]; del o["type"]' >"$T/x"
expect "truncated, fewer fields" 0 ' 0 mismatches$' -- cmp_sample "$T/x"
: >"$T/empty"
expect "no BPDUs at all (spb)" 0 '^conformance spb.out: 0 frames, 0 fields compared, 0 mismatches$' -- \
	"$PY" "$conf/compare.py" "$T/empty" "$peer/tcpdump/spb.out"

# --- compare.py: each defect is found --------------------------------------
# name | frame | change | expected mismatch line (ERE)
while IFS='|' read -r name frame stmt pattern; do
	mutate "$S" "$frame" "$stmt" >"$T/x"
	expect "$name" 1 "$pattern" -- cmp_sample "$T/x"
done <<'EOF'
wrong MSTI bridge priority|4|o["msti"][0]["bridge_priority"] = 28672|^sample.out frame 4 field msti\[0\].bridge_priority: tcpdump=6 \(x4096 = 24576\) stpwatch=28672$
wrong MSTI port priority|4|o["msti"][1]["port_priority"] = 8|^sample.out frame 4 field msti\[1\].port_priority: tcpdump=8 \(x16 = 128\) stpwatch=8$
missing frame|6|del|^sample.out frame 6 field \(frame\): tcpdump=STP 802.1aq.* stpwatch=<missing
extra frame|new|o.update(frame=1, time=1260959959.323246, protocol="stp", type="config")|^sample.out frame 1 field \(frame\): tcpdump=<not STP: DTPv1, length 31> stpwatch=BPDU
wrong root id|3|o["root_id"] = "8005.001f6d96ec01"|^sample.out frame 3 field root_id: tcpdump=8005.00:1f:6d:96:ec:00 \(8005.001f6d96ec00\) stpwatch="8005.001f6d96ec01"$
wrong bridge id|2|o["bridge_id"] = "ab12.348765998878"|^sample.out frame 2 field bridge_id:
wrong port id|2|o["port_id"] = "1112"|^sample.out frame 2 field port_id: tcpdump=1111 stpwatch="1112"$
wrong timer|2|o["message_age"] = 7.5|^sample.out frame 2 field message_age: tcpdump=7.00s stpwatch=7.5$
time off by 1us|2|o["time"] = 1671882414.558194|^sample.out frame 2 field time: tcpdump=2022-12-24 11:46:54.558193 stpwatch=1671882414.558194
flag missing|2|o["flags"] = ["tc", "learning"]|^sample.out frame 2 field flags: tcpdump=\[Topology change, Proposal, Learn\]
flag extra|3|o["flags"] = ["proposal", "agreement"]|^sample.out frame 3 field flags:
MSTI flag|4|o["msti"][0]["flags"] = ["learning", "forwarding", "agreement"]|^sample.out frame 4 field msti\[0\].flags:
wrong role|3|o["role"] = "alternate"|^sample.out frame 3 field role: tcpdump=Designated \(designated\) stpwatch="alternate"$
wrong MSTI role|4|o["msti"][1]["role"] = "designated"|^sample.out frame 4 field msti\[1\].role: tcpdump=Root
MSTI count|4|o["msti"].pop()|^sample.out frame 4 field msti \(count\): tcpdump=2 stpwatch=1$
wrong version|3|o["version"] = 3|^sample.out frame 3 field version: tcpdump=2 stpwatch=3$
wrong protocol|3|o["protocol"] = "mstp"|^sample.out frame 3 field protocol:
wrong type|5|o["type"] = "config"|^sample.out frame 5 field type: tcpdump=Topology Change \(tcn\) stpwatch="config"$
wrong length|3|o["length"] = 50|^sample.out frame 3 field length: tcpdump=42 stpwatch=50$
missing field|2|del o["root_path_cost"]|^sample.out frame 2 field root_path_cost: tcpdump=7 stpwatch=<absent>$
wrong status|7|o["status"] = "ok"|^sample.out frame 7 field status: tcpdump=truncated stpwatch="ok" \(reason: 
invalid taken as ok|8|o["status"] = "ok"|^sample.out frame 8 field status: tcpdump=invalid
known version|8|o["version"] = 2|^sample.out frame 8 field version: tcpdump=unknown
truncated field wrong|7|o["flags"] = ["learning"]|^sample.out frame 7 field flags:
MCID name|4|o["mst_config_id"]["name"] = "Brewery "|^sample.out frame 4 field mst_config_id.name: tcpdump="Brewery" stpwatch="Brewery "$
MCID digest|4|o["mst_config_id"]["digest"] = "9357ebb7a8d74dd5fef4f2bab50531ab"|^sample.out frame 4 field mst_config_id.digest:
CIST internal cost|4|o["cist_internal_root_path_cost"] = 0|^sample.out frame 4 field cist_internal_root_path_cost: tcpdump=200000 stpwatch=0$
regional root|4|o["regional_root_id"] = "8000.001ef705a880"|^sample.out frame 4 field regional_root_id:
remaining hops|4|o["cist_remaining_hops"] = 19|^sample.out frame 4 field cist_remaining_hops: tcpdump=20 stpwatch=19$
convention cap|6|o["agreement"]["convention_capabilities"] = 2|^sample.out frame 6 field agreement.convention_capabilities: tcpdump=32 \(= id << 4 \| cap\) stpwatch=2 \(id 2: \(id << 4\) \| cap = 34\)$
convention cap as tcpdump prints it|6|o["agreement"]["convention_capabilities"] = 32|^sample.out frame 6 field agreement.convention_capabilities:
agreement digest|6|o["agreement"]["digest"] = "0000000e918994fa9ca00398d9138a3e54000001"|^sample.out frame 6 field agreement.digest:
agreement valid|6|o["agreement"]["valid"] = True|^sample.out frame 6 field agreement.valid: tcpdump=0 stpwatch=true$
edge count|6|o["agreement"]["edge_count"] = 31|^sample.out frame 6 field agreement.edge_count: tcpdump=32 stpwatch=31$
aux name|6|o["aux_config_id"]["name"] = "IEEE802.1 SPB"|^sample.out frame 6 field aux_config_id.name:
v4 length|6|o["v4_length"] = 86|^sample.out frame 6 field v4_length: tcpdump=85 stpwatch=86$
timer as string|2|o["max_age"] = "12.00"|^sample.out frame 2 field max_age: tcpdump=12.00s stpwatch="12.00"$
EOF

# The 802.3 length check with the capture at hand (Stp.pcap frame 5 claims
# 121 octets but has 105: tcpdump prints 102, as stpwatch must).
expect "length note" 0 '^note: Stp-v.tcpdump-4.99.3.out frame 5: the 802.3 length field says 121 but only 105 octets follow it; tcpdump prints length 102 \(not 118\)$' -- cmp_stp "$here/Stp.jsonl"
mutate "$here/Stp.jsonl" 5 'o["length"] = 118' >"$T/x"
expect "declared length" 1 '^Stp-v.tcpdump-4.99.3.out frame 5 field length: tcpdump=102 \(802.3 length field 121, only 105 octets on the wire\) stpwatch=118$' -- cmp_stp "$T/x"
mutate "$here/Stp.jsonl" 2 'o["encap"] = "snap"' >"$T/x"
expect "encap" 1 '^Stp-v.tcpdump-4.99.3.out frame 2 field encap: tcpdump=llc \(3-octet header\) stpwatch="snap"$' -- cmp_stp "$T/x"
mutate "$here/Stp.jsonl" 3 'o["msti"] = []' >"$T/x"
expect "Stp MSTI count" 1 '^Stp-v.tcpdump-4.99.3.out frame 3 field msti \(count\): tcpdump=1 stpwatch=0$' -- cmp_stp "$T/x"
mutate "$here/Stp.jsonl" 4 'del o["type"]' >"$T/x"
expect "TCN without type" 1 '^Stp-v.tcpdump-4.99.3.out frame 4 field type: tcpdump=Topology Change \(tcn\) stpwatch=<absent>$' -- cmp_stp "$T/x"
expect "BPDU where tcpdump has none" 1 '^spb.out frame 3 field \(frame\): tcpdump=<not STP: IS-IS' -- \
	"$PY" "$conf/compare.py" "$here/Stp.jsonl" "$peer/tcpdump/spb.out"

# Bad input is an error (exit 2), not a pass.
echo 'not json' >"$T/x"
expect "garbage JSONL" 2 'not JSON' -- cmp_sample "$T/x"
expect "missing JSONL" 2 'compare.py: ' -- cmp_sample "$T/does-not-exist"

echo "selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
