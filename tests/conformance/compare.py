#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare stpwatch's BPDU decode with tcpdump's, field by field.

usage: compare.py [--pcap CAPTURE] [--label NAME] STPWATCH_JSONL TCPDUMP_OUT

STPWATCH_JSONL is the output of `stpwatch -r CAPTURE --bpdus -j` (one JSON
object per BPDU); TCPDUMP_OUT is tcpdump's text decode of the same capture
(see tcpdump_stp.py).  Frames are matched by their number in the capture.

Both sides must list the same BPDU frames, and every field tcpdump printed
must have the same value in stpwatch's object.  When a side says the BPDU is
truncated or invalid, only the fields both sides have are compared (tcpdump
prints what it read before the bytes ran out; so should stpwatch).

--pcap gives the capture itself, so that the 802.3 length field and the
number of octets on the wire can be read: this adds a check of `encap` and a
note for frames whose length field claims more octets than they have (see
check_length).

One line per mismatch:
    FILE frame N field X: tcpdump=... stpwatch=...
then a summary line:
    conformance FILE: N frames, M fields compared, K mismatches
Exit status: 0 all equal, 1 any mismatch or missing/extra frame, 2 error.
"""

import decimal
import json
import os
import struct
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcpdump_stp  # noqa: E402

ABSENT = object()

# tcpdump's names for the flag bits (its stp_bpdu_flag_values table) and ours.
FLAG_NAMES = {
    'Topology change': 'tc',
    'Proposal': 'proposal',
    'Learn': 'learning',
    'Forward': 'forwarding',
    'Agreement': 'agreement',
    'Topology change ACK': 'tca',
}

# Flags bits 3-4 hold the port role.  tcpdump names the four codes after
# RSTP; the same codes mean Master (0) and Alternate or Backup (1) too, and
# stpwatch says which when it can tell.  So a tcpdump role is a set of
# acceptable stpwatch roles.
ROLE_NAMES = {
    'Unknown': ('master', 'unknown'),
    'Alternate': ('alternate', 'backup'),
    'Root': ('root',),
    'Designated': ('designated',),
}

# tcpdump's protocol names are its names for the version octet.
PROTO_VERSION = {'802.1d': 0, '802.1w': 2, '802.1s': 3, '802.1aq': 4}
# PVST+ carries version 0 or 2 BPDUs; tcpdump prints them like IEEE ones.
PROTO_PROTOCOLS = {
    '802.1d': ('stp', 'pvst'),
    '802.1w': ('rstp', 'pvst'),
    '802.1s': ('mstp',),
    '802.1aq': ('spt',),
}
# BPDU type 0x02 is the RST, MST or SPT BPDU depending on the version.
RAPID_TYPE = {0: 'rst', 2: 'rst', 3: 'mst', 4: 'spt'}
LLC_HDR = {3: 'llc', 8: 'snap'}


class Error(Exception):
    pass


def lookup(obj, path):
    """'mst_config_id.name' -> value, or ABSENT."""
    cur = obj
    for part in path.split('.'):
        if not isinstance(cur, dict) or part not in cur:
            return ABSENT
        cur = cur[part]
    return cur


def show(v):
    if v is ABSENT:
        return '<absent>'
    if isinstance(v, decimal.Decimal):
        return str(v)
    return json.dumps(v, default=str, sort_keys=True)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def norm_flagbit(v):
    """Agreement valid / restricted role: accept 0/1 or false/true."""
    if isinstance(v, bool):
        return int(v)
    return v if is_int(v) else None


def tcpdump_id(s):
    """tcpdump's '8001.00:19:06:ea:b8:80' -> ours '8001.001906eab880'."""
    prio, mac = s.split('.', 1)
    return prio.lower() + '.' + mac.replace(':', '').lower()


def fmt_time_us(us):
    secs, frac = divmod(us, 1000000)
    return time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(secs)) + \
        '.%06d' % frac


def read_pcap_lengths(path):
    """{frame: (declared 802.3 length, octets after the type/length field on
    the wire)} for the 802.3 frames of a classic pcap file on Ethernet."""
    out = {}
    with open(path, 'rb') as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            raise Error('%s: not a pcap file' % path)
        magic = hdr[:4]
        if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
            endian = '<'
        elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
            endian = '>'
        else:
            raise Error('%s: not a classic pcap file (pcapng is not '
                        'supported by --pcap)' % path)
        linktype = struct.unpack(endian + 'I', hdr[20:24])[0] & 0x0fffffff
        if linktype != 1:
            return out
        frame = 0
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                break
            frame += 1
            _, _, caplen, origlen = struct.unpack(endian + 'IIII', rh)
            data = f.read(caplen)
            off = 12
            while len(data) >= off + 2 and \
                    struct.unpack('>H', data[off:off + 2])[0] in (
                        0x8100, 0x88a8, 0x9100):
                off += 4
            if len(data) < off + 2:
                continue
            tl = struct.unpack('>H', data[off:off + 2])[0]
            if tl <= 1500:
                out[frame] = (tl, origlen - off - 2)
    return out


class Comparer:
    def __init__(self, label, pcap_lengths):
        self.label = label
        self.pcap = pcap_lengths
        self.compared = 0
        self.mismatches = []
        self.notes = []

    def mismatch(self, frame, field, tcp, sw):
        self.mismatches.append('%s frame %d field %s: tcpdump=%s stpwatch=%s'
                               % (self.label, frame, field, tcp, sw))

    # One comparison.  `required`: the field must exist in stpwatch's object
    # (both sides decoded the BPDU completely); otherwise an absent stpwatch
    # field is skipped.
    def check(self, frame, field, tcp_shown, sw_value, expected_ok, required,
              sw_shown=None):
        if sw_value is ABSENT:
            if required:
                self.compared += 1
                self.mismatch(frame, field, tcp_shown, '<absent>')
            return
        self.compared += 1
        if not expected_ok(sw_value):
            self.mismatch(frame, field, tcp_shown,
                          sw_shown if sw_shown is not None else show(sw_value))

    def eq_int(self, frame, field, tcp, sw, required, scale=1):
        want = int(tcp) * scale
        shown = tcp if scale == 1 else '%s (x%d = %d)' % (tcp, scale, want)
        self.check(frame, field, shown, sw,
                   lambda v: is_int(v) and v == want, required)

    def eq_str(self, frame, field, tcp, sw, required):
        self.check(frame, field, show(tcp), sw,
                   lambda v: isinstance(v, str) and v == tcp, required)

    def eq_hex(self, frame, field, tcp, sw, required):
        self.check(frame, field, tcp, sw,
                   lambda v: isinstance(v, str) and v.lower() == tcp.lower(),
                   required)

    def eq_id(self, frame, field, tcp, sw, required):
        want = tcpdump_id(tcp)
        self.check(frame, field, '%s (%s)' % (tcp, want), sw,
                   lambda v: isinstance(v, str) and v.lower() == want,
                   required)

    def eq_timer(self, frame, field, tcp, sw, required):
        # tcpdump prints the timer (1/256 s units) with "%.2fs"; ours is
        # float seconds, so compare our value printed the same way.
        want = tcp[:-1]

        def ok(v):
            return (isinstance(v, (int, decimal.Decimal)) and
                    not isinstance(v, bool) and '%.2f' % v == want)
        self.check(frame, field, tcp, sw, ok, required)

    def eq_flags(self, frame, field, tcp_names, sw, required, msti=False):
        want = set()
        for n in tcp_names:
            if n not in FLAG_NAMES:
                raise Error('%s frame %d: unknown tcpdump flag %r'
                            % (self.label, frame, n))
            want.add(FLAG_NAMES[n])

        def ok(v):
            if not isinstance(v, list):
                return False
            got = set(v)
            if msti:
                # In an MSTI configuration message bit 8 is the Master flag
                # (802.1Q 14.6.1); tcpdump decodes MSTI flags with the CIST
                # table and calls it "Topology change ACK".
                got = set('tca' if x == 'master' else x for x in got)
            return got == want and len(v) == len(set(v))
        self.check(frame, field, '[%s]' % ', '.join(tcp_names), sw, ok,
                   required)

    def eq_role(self, frame, field, tcp, sw, required):
        allowed = ROLE_NAMES[tcp]
        self.check(frame, field, '%s (%s)' % (tcp, '|'.join(allowed)), sw,
                   lambda v: v in allowed, required)

    def check_length(self, frame, tcp_len, sw, required):
        tcp_len = int(tcp_len)
        info = self.pcap.get(frame) if self.pcap is not None else None
        if info is None:
            self.eq_int(frame, 'length', str(tcp_len), lookup(sw, 'length'),
                        required)
            return
        declared, on_wire = info
        # tcpdump's "length" is the 802.3 length minus the LLC header (3
        # octets) or LLC+SNAP header (8 octets) -- after trimming the 802.3
        # length to the octets the frame really has on the wire, i.e.
        # min(length field, octets after it) - header.  stpwatch promises
        # the same number, so the capture only serves to work out which
        # header tcpdump took off (checked against `encap`) and to point
        # out the frames where the length field claims too much.
        llc = min(declared, on_wire) - tcp_len
        if llc not in LLC_HDR:
            self.compared += 1
            self.mismatch(frame, 'length', '%d (802.3 length %d, %d on wire: '
                          'header of %d octets?)' % (tcp_len, declared,
                                                     on_wire, llc),
                          show(lookup(sw, 'length')))
            return
        shown = str(tcp_len)
        if declared > on_wire:
            shown = '%d (802.3 length field %d, only %d octets on the wire)' \
                % (tcp_len, declared, on_wire)
            self.notes.append('note: %s frame %d: the 802.3 length field says '
                              '%d but only %d octets follow it; tcpdump '
                              'prints length %d (not %d)'
                              % (self.label, frame, declared, on_wire,
                                 tcp_len, declared - llc))
        self.check(frame, 'length', shown, lookup(sw, 'length'),
                   lambda v: is_int(v) and v == tcp_len, required)
        self.check(frame, 'encap', '%s (%d-octet header)' % (
            LLC_HDR[llc], llc), lookup(sw, 'encap'),
            lambda v: v == LLC_HDR[llc], required)

    def frame(self, rec, sw):
        n = rec.frame
        f = rec.fields
        sw_status = sw.get('status', 'ok')
        # Both sides decoded the whole BPDU: then every field tcpdump shows
        # must be in stpwatch's object.
        req = rec.outcome == 'ok' and sw_status == 'ok'

        self.compared += 1
        if sw_status != rec.outcome:
            self.mismatch(n, 'status', rec.outcome, show(sw_status) + (
                ' (reason: %s)' % sw['reason'] if 'reason' in sw else ''))

        # Time stamp, to the microsecond.
        self.compared += 1
        t = sw.get('time', ABSENT)
        if not isinstance(t, (int, decimal.Decimal)) or isinstance(t, bool):
            self.mismatch(n, 'time', rec.time, show(t))
        else:
            us = int((decimal.Decimal(t) * 1000000).to_integral_value(
                rounding=decimal.ROUND_HALF_EVEN))
            if us != rec.time_us:
                self.mismatch(n, 'time', rec.time, '%s (%s)'
                              % (show(t), fmt_time_us(us)))

        version = None
        if 'proto' in f:
            version = PROTO_VERSION[f['proto']]
            self.eq_int(n, 'version', str(version), sw.get('version', ABSENT),
                        req)
            allowed = PROTO_PROTOCOLS[f['proto']]
            self.check(n, 'protocol', '%s (%s)' % (f['proto'],
                                                  '|'.join(allowed)),
                       sw.get('protocol', ABSENT), lambda v: v in allowed,
                       req)
        if 'unknown-version' in f:
            # tcpdump knows versions 0, 2, 3 and 4 only.
            self.check(n, 'version', 'unknown (not 0, 2, 3 or 4)',
                       sw.get('version', ABSENT),
                       lambda v: is_int(v) and v not in PROTO_VERSION.values(),
                       False)
        if 'type' in f:
            tname = f['type']
            if tname == 'Config':
                want = 'config'
            elif tname == 'Topology Change':
                want = 'tcn'
            elif tname == 'Rapid STP':
                want = RAPID_TYPE.get(version, 'rst')
            else:
                want = 'unknown'
            self.check(n, 'type', '%s (%s)' % (tname, want),
                       sw.get('type', ABSENT), lambda v: v == want, req)
        if 'flags' in f:
            self.eq_flags(n, 'flags', f['flags'], sw.get('flags', ABSENT),
                          req)
        if 'length' in f:
            self.check_length(n, f['length'], sw, req)

        # 802.1D / RSTP fields.
        if 'bridge-id' in f:
            self.eq_id(n, 'bridge_id', f['bridge-id'],
                       sw.get('bridge_id', ABSENT), req)
        if 'port' in f:
            self.eq_hex(n, 'port_id', f['port'], sw.get('port_id', ABSENT),
                        req)
        for tk, sk in (('message-age', 'message_age'), ('max-age', 'max_age'),
                       ('hello-time', 'hello_time'),
                       ('forwarding-delay', 'forward_delay')):
            if tk in f:
                self.eq_timer(n, sk, f[tk], sw.get(sk, ABSENT), req)
        if 'root-id' in f:
            self.eq_id(n, 'root_id', f['root-id'], sw.get('root_id', ABSENT),
                       req)
        if 'root-pathcost' in f:
            self.eq_int(n, 'root_path_cost', f['root-pathcost'],
                        sw.get('root_path_cost', ABSENT), req)
        if 'port-role' in f:
            self.eq_role(n, 'role', f['port-role'], sw.get('role', ABSENT),
                         req)

        # MST: CIST and MST configuration identifier.
        for tk, sk, kind in (
                ('CIST root-id', 'root_id', 'id'),
                ('CIST ext-pathcost', 'root_path_cost', 'int'),
                ('CIST regional-root-id', 'regional_root_id', 'id'),
                ('CIST port-id', 'port_id', 'hex'),
                ('v3len', 'v3_length', 'int'),
                ('MCID Name', 'mst_config_id.name', 'str'),
                ('rev', 'mst_config_id.revision', 'int'),
                ('digest', 'mst_config_id.digest', 'hex'),
                ('CIST int-root-pathcost', 'cist_internal_root_path_cost',
                 'int'),
                ('CIST bridge-id', 'bridge_id', 'id'),
                ('CIST remaining-hops', 'cist_remaining_hops', 'int'),
                # SPT (802.1aq) version 4 fields.
                ('v4len', 'v4_length', 'int'),
                ('AUXMCID Name', 'aux_config_id.name', 'str'),
                ('Rev', 'aux_config_id.revision', 'int'),
                ('AUX digest', 'aux_config_id.digest', 'hex'),
                ('Agreement num', 'agreement.number', 'int'),
                ('Discarded Agreement num', 'agreement.discarded_number',
                 'int'),
                ('Edge count', 'agreement.edge_count', 'int'),
                ('Agreement digest', 'agreement.digest', 'hex'),
                ('Format id', 'agreement.format_id', 'int'),
                ('Convention id', 'agreement.convention_id', 'int')):
            if tk not in f:
                continue
            # MCID names: tcpdump prints up to the first NUL and shows other
            # unprintable octets as ^X / M-x; plain printable names (all of
            # this corpus) compare as they are.
            getattr(self, 'eq_' + kind)(n, sk, f[tk], lookup(sw, sk), req)
        for tk, sk in (('Agreement valid-flag', 'agreement.valid'),
                       ('Restricted role-flag', 'agreement.restricted_role')):
            if tk in f:
                want = int(f[tk])
                self.check(n, sk, f[tk], lookup(sw, sk),
                           lambda v, w=want: norm_flagbit(v) == w, req)
        for tk, sid, scap in (
                ('Format cap', 'agreement.format_id',
                 'agreement.format_capabilities'),
                ('Convention cap', 'agreement.convention_id',
                 'agreement.convention_capabilities')):
            if tk not in f:
                continue
            # tcpdump prints "Format id %u cap %u" / "Convention id %u cap
            # %u" with the id as the octet's upper nibble but the cap as the
            # WHOLE octet, so its cap is (id << 4) | cap in our terms.
            want = int(f[tk])
            sw_id, sw_cap = lookup(sw, sid), lookup(sw, scap)
            if sw_cap is ABSENT:
                self.check(n, scap, f[tk], ABSENT, None, req)
                continue

            def ok(v, i=sw_id, w=want):
                # Both are 4-bit fields: a cap of 32 must not pass by
                # hiding in the OR.
                return (is_int(v) and is_int(i) and 0 <= v <= 15 and
                        0 <= i <= 15 and ((i << 4) | v) == w)
            self.check(n, scap, '%s (= id << 4 | cap)' % f[tk], sw_cap, ok,
                       req, sw_shown='%s (id %s: (id << 4) | cap = %s)' % (
                           show(sw_cap), show(sw_id),
                           ((sw_id << 4) | sw_cap)
                           if is_int(sw_id) and is_int(sw_cap) else '?'))

        # MSTI configuration messages, in the order they appear.  tcpdump
        # prints as many as the version 3 length announces; an MST BPDU
        # without any may leave out "msti" or give [].
        if rec.msti or 'v3len' in f:
            sw_msti = sw.get('msti', ABSENT)
            if sw_msti is ABSENT:
                sw_msti = []
            if not isinstance(sw_msti, list):
                self.compared += 1
                self.mismatch(n, 'msti', '%d records' % len(rec.msti),
                              show(sw_msti))
                sw_msti = []
            elif req:
                self.compared += 1
                if len(sw_msti) != len(rec.msti):
                    self.mismatch(n, 'msti (count)', str(len(rec.msti)),
                                  str(len(sw_msti)))
            for i, tm in enumerate(rec.msti):
                if i >= len(sw_msti):
                    break
                sm = sw_msti[i]
                p = 'msti[%d].' % i
                if not isinstance(sm, dict):
                    self.compared += 1
                    self.mismatch(n, p[:-1], 'MSTI %s' % tm['MSTI'], show(sm))
                    continue
                self.eq_int(n, p + 'msti', tm['MSTI'], sm.get('msti', ABSENT),
                            req)
                if 'flags' in tm:
                    self.eq_flags(n, p + 'flags', tm['flags'],
                                  sm.get('flags', ABSENT), req, msti=True)
                if 'port-role' in tm:
                    self.eq_role(n, p + 'role', tm['port-role'],
                                 sm.get('role', ABSENT), req)
                if 'MSTI regional-root-id' in tm:
                    self.eq_id(n, p + 'regional_root_id',
                               tm['MSTI regional-root-id'],
                               sm.get('regional_root_id', ABSENT), req)
                if 'pathcost' in tm:
                    self.eq_int(n, p + 'internal_root_path_cost',
                                tm['pathcost'],
                                sm.get('internal_root_path_cost', ABSENT), req)
                # tcpdump prints the priority octets' upper nibble (octet >>
                # 4); ours are the priorities themselves: bridge priority
                # nibble * 4096, port priority nibble * 16 (802.1Q 13.26.2).
                if 'MSTI bridge-prio' in tm:
                    self.eq_int(n, p + 'bridge_priority',
                                tm['MSTI bridge-prio'],
                                sm.get('bridge_priority', ABSENT), req,
                                scale=4096)
                if 'port-prio' in tm:
                    self.eq_int(n, p + 'port_priority', tm['port-prio'],
                                sm.get('port_priority', ABSENT), req,
                                scale=16)
                if 'hops' in tm:
                    self.eq_int(n, p + 'remaining_hops', tm['hops'],
                                sm.get('remaining_hops', ABSENT), req)


def load_jsonl(path):
    objs = {}
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                o = json.loads(line, parse_float=decimal.Decimal)
            except ValueError as e:
                raise Error('%s:%d: not JSON: %s' % (path, lineno, e))
            if not isinstance(o, dict) or not is_int(o.get('frame')):
                raise Error('%s:%d: object without an integer "frame"'
                            % (path, lineno))
            if o['frame'] in objs:
                raise Error('%s:%d: frame %d listed twice'
                            % (path, lineno, o['frame']))
            objs[o['frame']] = o
    return objs


def summarise(o):
    keys = ('protocol', 'type', 'status', 'reason')
    return '{%s}' % ', '.join('%s: %s' % (k, show(o[k])) for k in keys
                              if k in o)


def run(jsonl, tcpdump_out, pcap=None, label=None):
    label = label or os.path.basename(tcpdump_out)
    records, other = tcpdump_stp.parse(tcpdump_out)
    sw = load_jsonl(jsonl)
    cmp_ = Comparer(label, read_pcap_lengths(pcap) if pcap else None)
    tcp_frames = {r.frame: r for r in records}
    for n in sorted(set(tcp_frames) | set(sw)):
        if n not in sw:
            cmp_.compared += 1
            cmp_.mismatch(n, '(frame)', tcp_frames[n].lines[0].strip() or
                          '[|stp]', '<missing: no BPDU reported>')
        elif n not in tcp_frames:
            cmp_.compared += 1
            cmp_.mismatch(n, '(frame)', '<not STP: %s>'
                          % (other.get(n, 'no such frame').strip()),
                          'BPDU ' + summarise(sw[n]))
        else:
            cmp_.frame(tcp_frames[n], sw[n])
    return cmp_, len(set(tcp_frames) | set(sw))


def main(argv):
    args = argv[1:]
    pcap = label = None
    while args and args[0].startswith('--'):
        opt = args.pop(0)
        if opt == '--pcap' and args:
            pcap = args.pop(0)
        elif opt == '--label' and args:
            label = args.pop(0)
        else:
            args = []
            break
    if len(args) != 2:
        sys.stderr.write('usage: compare.py [--pcap CAPTURE] [--label NAME] '
                         'STPWATCH_JSONL TCPDUMP_OUT\n')
        return 2
    try:
        c, nframes = run(args[0], args[1], pcap, label)
    except (OSError, Error, tcpdump_stp.ParseError) as e:
        sys.stderr.write('compare.py: %s\n' % e)
        return 2
    for line in c.notes:
        print(line)
    for line in c.mismatches:
        print(line)
    print('conformance %s: %d frames, %d fields compared, %d mismatches'
          % (c.label, nframes, c.compared, len(c.mismatches)))
    return 1 if c.mismatches else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
