#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Read tcpdump's text decode of spanning-tree BPDUs.

Input: the output of `TZ=GMT0 tcpdump -# -n -r F -tttt [-v|-vv]`, i.e. lines

    "    N  YYYY-MM-DD HH:MM:SS.ffffff <text>"

followed, with -v, by tab-indented continuation lines.  Each frame whose text
is an STP decode becomes one record with the values exactly as tcpdump
printed them, under tcpdump's own labels ("CIST root-id", "MSTI bridge-prio",
...).  What those values mean in stpwatch's terms is compare.py's business.

A frame counts as STP when its text starts with "STP ", with
"unknown STP version", or when "[|stp]" appears anywhere in it (tcpdump
prints only "[|stp]" when the capture ends before the BPDU version octet).
Every other frame (DTP, VTP, LLDP, IS-IS, loopback, unknown ethertypes) is
skipped, but its number and text are kept (parse() returns them).

Every item of an STP frame's text must be understood: an unknown label is an
error, so a change in tcpdump's format cannot silently drop fields.

Run as a program it prints one JSON object per STP frame, for debugging:
    tcpdump_stp.py FILE.out [--summary]
"""

import calendar
import json
import re
import sys

FRAME_RE = re.compile(
    r'^ {0,5}(\d+)  (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6}) ?(.*)$')

TRUNC = '[|stp]'
INVALID = '(invalid)'
UNKNOWN_VERSION = 'unknown STP version'

# Value shapes.
BRIDGE_ID = r'[0-9a-f]{4}\.(?:[0-9a-f]{2}:){5}[0-9a-f]{2}'
NUM = r'\d+'
HEX = r'[0-9a-f]+'
TIMER = r'\d+\.\d\ds'
ROLE = r'Unknown|Alternate|Root|Designated'
FLAGS = r'\[[^\]]*\]'


class ParseError(Exception):
    pass


# Labels that may appear in each section, as (regex, [record keys]).  The
# regex matches one comma-separated item in full; its groups fill the keys.
# "bridge-id" on the first line carries the port id after a third dot.
_FIRST_LINE = [
    (r'STP (802\.1d|802\.1w|802\.1s|802\.1aq)', ['proto']),
    (r'(Config|Topology Change|Rapid STP|Unknown BPDU Type \(0x[0-9a-f]+\))',
     ['type']),
    (r'Flags (' + FLAGS + ')', ['flags']),
    (r'CIST Flags (' + FLAGS + ')', ['flags']),
    (r'bridge-id (' + BRIDGE_ID + r')\.([0-9a-f]{4})', ['bridge-id', 'port']),
    (r'length (' + NUM + ')', ['length']),
    (r'(unknown STP version)', ['unknown-version']),
]
_CIST = [
    (r'message-age (' + TIMER + ')', ['message-age']),
    (r'max-age (' + TIMER + ')', ['max-age']),
    (r'hello-time (' + TIMER + ')', ['hello-time']),
    (r'forwarding-delay (' + TIMER + ')', ['forwarding-delay']),
    (r'root-id (' + BRIDGE_ID + ')', ['root-id']),
    (r'root-pathcost (' + NUM + ')', ['root-pathcost']),
    (r'port-role (' + ROLE + ')', ['port-role']),
    (r'CIST root-id (' + BRIDGE_ID + ')', ['CIST root-id']),
    (r'CIST ext-pathcost (' + NUM + ')', ['CIST ext-pathcost']),
    (r'CIST regional-root-id (' + BRIDGE_ID + ')', ['CIST regional-root-id']),
    (r'CIST port-id ([0-9a-f]{4})', ['CIST port-id']),
    (r'v3len (' + NUM + ')', ['v3len']),
    (r'MCID Name (.*)', ['MCID Name']),
    (r'rev (' + NUM + ')', ['rev']),
    (r'digest (' + HEX + ')', ['digest']),
    (r'CIST int-root-pathcost (' + NUM + ')', ['CIST int-root-pathcost']),
    (r'CIST bridge-id (' + BRIDGE_ID + ')', ['CIST bridge-id']),
    (r'CIST remaining-hops (' + NUM + ')', ['CIST remaining-hops']),
]
_MSTI = [
    (r'Flags (' + FLAGS + ')', ['flags']),
    (r'port-role (' + ROLE + ')', ['port-role']),
    (r'MSTI regional-root-id (' + BRIDGE_ID + ')', ['MSTI regional-root-id']),
    (r'pathcost (' + NUM + ')', ['pathcost']),
    (r'MSTI bridge-prio (' + NUM + ')', ['MSTI bridge-prio']),
    (r'port-prio (' + NUM + ')', ['port-prio']),
    (r'hops (' + NUM + ')', ['hops']),
]
_SPB = [
    (r'v4len (' + NUM + ')', ['v4len']),
    (r'AUXMCID Name (.*)', ['AUXMCID Name']),
    (r'Rev (' + NUM + ')', ['Rev']),
    (r'digest (' + HEX + ')', ['AUX digest']),
    (r'Agreement num (' + NUM + ')', ['Agreement num']),
    (r'Discarded Agreement num (' + NUM + ')', ['Discarded Agreement num']),
    (r'Agreement valid-flag (' + NUM + ')', ['Agreement valid-flag']),
    (r'Restricted role-flag: (' + NUM + ')', ['Restricted role-flag']),
    (r'Format id (' + NUM + ') cap (' + NUM + ')',
     ['Format id', 'Format cap']),
    (r'Convention id (' + NUM + ') cap (' + NUM + ')',
     ['Convention id', 'Convention cap']),
    (r'Edge count (' + NUM + ')', ['Edge count']),
    (r'Agreement digest (' + HEX + ')', ['Agreement digest']),
]
_TABLES = {
    name: [(re.compile('^(?:' + rx + ')$'), keys) for rx, keys in table]
    for name, table in (('first', _FIRST_LINE), ('cist', _CIST),
                        ('msti', _MSTI), ('spb', _SPB))
}

# The MST configuration names are free text and may contain ", "; they are
# taken out of their line before it is split into items.
_NAME_RE = {
    'cist': re.compile(r'^(?P<pre>.*?)MCID Name (?P<name>.*), rev (?P<rev>\d+)'
                       r'(?P<post>,.*|)$'),
    'spb': re.compile(r'^(?P<pre>.*?)AUXMCID Name (?P<name>.*), Rev (?P<rev>\d+)'
                      r'(?P<post>,.*|)$'),
}
_NAME_KEYS = {'cist': ('MCID Name', 'rev'), 'spb': ('AUXMCID Name', 'Rev')}


def split_items(text):
    """Split on ", " outside square brackets; drop empty items."""
    items, depth, cur = [], 0, []
    i = 0
    while i < len(text):
        c = text[i]
        if c == '[':
            depth += 1
        elif c == ']':
            depth -= 1
        if depth == 0 and text.startswith(', ', i):
            items.append(''.join(cur))
            cur = []
            i += 2
            continue
        cur.append(c)
        i += 1
    items.append(''.join(cur))
    return [s.strip().rstrip(',').strip() for s in items if s.strip(' ,')]


def parse_flags(val):
    """'[Learn, Forward]' -> ['Learn', 'Forward']; '[none]' -> []."""
    inner = val[1:-1].strip()
    if inner in ('', 'none'):
        return []
    return [f.strip() for f in inner.split(',')]


class Record:
    def __init__(self, frame, time_str, time_us, first):
        self.frame = frame
        self.time = time_str          # as printed, UTC
        self.time_us = time_us        # microseconds since the epoch
        self.lines = [first]
        self.outcome = 'ok'
        self.fields = {}              # tcpdump label -> value as printed
        self.msti = []                # one dict per "MSTI n" block
        self.verbose = False          # had continuation lines

    def as_dict(self):
        return {'frame': self.frame, 'time': self.time, 'time_us': self.time_us,
                'outcome': self.outcome, 'fields': self.fields,
                'msti': self.msti, 'text': '\n'.join(self.lines)}


def _store(rec, target, key, value, where):
    if key in target:
        raise ParseError('%s: frame %d: field %r printed twice'
                         % (where, rec.frame, key))
    if key == 'flags':
        value = parse_flags(value)
    target[key] = value


def _parse_items(rec, text, section, target, where):
    for item in split_items(text):
        for rx, keys in _TABLES[section]:
            m = rx.match(item)
            if m:
                for k, v in zip(keys, m.groups()):
                    _store(rec, target, k, v, where)
                break
        else:
            raise ParseError('%s: frame %d: unknown %s item %r'
                             % (where, rec.frame, section, item))


def _finish(rec, where):
    """Turn the collected text of one STP frame into fields."""
    text_lines = []
    for ln in rec.lines:
        if TRUNC in ln:
            rec.outcome = 'truncated'
            ln = ln.replace(TRUNC, '')
        text_lines.append(ln.rstrip())
    first = text_lines[0].strip()
    if first.endswith(' ' + INVALID) or first == INVALID:
        rec.outcome = 'invalid'
        first = first[:-len(INVALID)].rstrip()
    if first.startswith(UNKNOWN_VERSION):
        rec.outcome = 'invalid'
    # "STP 802.1d [|stp]": the protocol item is followed by nothing.
    _parse_items(rec, first, 'first', rec.fields, where)

    section, target = 'cist', rec.fields
    for ln in text_lines[1:]:
        rec.verbose = True
        body = ln.strip()
        m = re.match(r'^MSTI (\d+)(?:,|$)(.*)$', body)
        if m:
            section, target = 'msti', {'MSTI': m.group(1)}
            rec.msti.append(target)
            body = m.group(2)
        elif body.startswith('v4len'):
            section, target = 'spb', rec.fields
        if section in _NAME_RE:
            nm = _NAME_RE[section].match(body)
            if nm:
                kname, krev = _NAME_KEYS[section]
                _store(rec, target, kname, nm.group('name'), where)
                _store(rec, target, krev, nm.group('rev'), where)
                body = nm.group('pre') + nm.group('post')
        _parse_items(rec, body, section, target, where)


def parse(path):
    """Return (records, other): the STP records in file order, and a dict
    {frame number: first line of text} of the frames that are not STP."""
    records, other = [], {}
    cur = None
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            m = FRAME_RE.match(line)
            if m:
                if cur is not None:
                    _finish(cur, path)
                    records.append(cur)
                    cur = None
                frame = int(m.group(1))
                y, mo, d, h, mi, s, us = (int(x) for x in m.group(2, 3, 4, 5,
                                                                  6, 7, 8))
                secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
                time_us = secs * 1000000 + us
                time_str = line[m.start(2):m.end(8)]
                text = m.group(9)
                is_stp = (text.startswith('STP ')
                          or text.startswith(UNKNOWN_VERSION)
                          or TRUNC in text)
                if is_stp:
                    cur = Record(frame, time_str, time_us, text)
                else:
                    other[frame] = text
                    cur = None
                continue
            if line.startswith('\t') or line.startswith(' '):
                if cur is not None:
                    cur.lines.append(line)
                continue
            if line == '':
                continue
            raise ParseError('%s:%d: not a tcpdump -# -tttt line: %r'
                             % (path, lineno, line))
    if cur is not None:
        _finish(cur, path)
        records.append(cur)
    seen = set()
    for r in records:
        if r.frame in seen:
            raise ParseError('%s: frame %d appears twice' % (path, r.frame))
        seen.add(r.frame)
    return records, other


def main(argv):
    if len(argv) < 2 or argv[1] in ('-h', '--help'):
        sys.stderr.write('usage: tcpdump_stp.py FILE.out [--summary]\n')
        return 2
    try:
        records, other = parse(argv[1])
    except (OSError, ParseError) as e:
        sys.stderr.write('tcpdump_stp.py: %s\n' % e)
        return 2
    if '--summary' in argv[2:]:
        outcomes = {}
        for r in records:
            outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
        nfields = sum(len(r.fields) + sum(len(m) for m in r.msti)
                      for r in records)
        print('%s: %d STP frames (%s), %d other frames, %d fields, '
              'verbose=%s' % (argv[1], len(records),
                              ' '.join('%s=%d' % kv
                                       for kv in sorted(outcomes.items())),
                              len(other), nfields,
                              any(r.verbose for r in records)))
        return 0
    for r in records:
        print(json.dumps(r.as_dict(), sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
