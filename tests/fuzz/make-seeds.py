#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Regenerates the raw seed inputs of the fuzz harnesses from the captures
in the repository (python3 standard library only).

    tests/fuzz/make-seeds.py OUTDIR

writes
    OUTDIR/capfile/   every capture file, whole
    OUTDIR/pipeline/  the same files
    OUTDIR/frame/     every frame of those files, one per file, prefixed by
                      the selector byte fuzz_frame.c reads (link type in
                      bits 0-1, wire length in bits 2-7)
    OUTDIR/qemu/      every QEMU command line of tests/unit/test_qemu.c and
                      of the lab captures (pcaps/lab/*/meta.txt, with the
                      monitor's "info network" of that VM), NUL-separated
                      as /proc/PID/cmdline, behind the selector byte
                      fuzz_qemu.c reads (QEMU version, MAC records)
    OUTDIR/netlink/   every rtnetlink message recorded in tests/data/netlink/
                      (dump.bin, events.bin), one per file, and runs of
                      consecutive ones as one datagram
Names are the SHA-1 of the content, as libFuzzer names corpus files, so
duplicates collapse.  `make fuzz-seeds` runs this into build-fuzz/ and
minimises the result with libFuzzer's -merge=1 into tests/fuzz/corpus/.
"""

import glob
import hashlib
import os
import re
import struct
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCES = ["tests/peer/tcpdump/*.pcap", "tests/peer/pcapplusplus/*.pcap",
           "tests/data/capfile/*.pcap", "tests/data/capfile/*.pcapng"]

LINKTYPE_SELECTOR = {1: 0, 113: 1, 276: 2}   # anything else: 3


def pcap_frames(data):
    """Yields (linktype, caplen bytes, wirelen) of a classic pcap file."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    if len(data) < 24:
        return
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, wirelen = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            return
        yield linktype, data[off:off + caplen], wirelen
        off += caplen


def pcapng_frames(data):
    """Yields (linktype, frame bytes, wirelen) of a pcapng file (EPB, SPB, PB)."""
    off = 0
    e = "<"
    ifaces = []   # (linktype, snaplen)
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0a0d0d0a:
            bom = data[off + 8:off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        total = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        if total < 12 or off + total > len(data):
            return
        body = data[off + 8:off + total - 4]
        if btype == 1 and len(body) >= 8:
            lt, _, snap = struct.unpack(e + "HHI", body[:8])
            ifaces.append((lt, snap))
        elif btype in (6, 2) and len(body) >= 20:
            if btype == 6:
                ifid, _, _, caplen, wirelen = struct.unpack(e + "IIIII", body[:20])
            else:
                ifid, _, _, _, caplen, wirelen = struct.unpack(e + "HHIIII", body[:20])
            if ifid < len(ifaces) and 20 + caplen <= len(body):
                yield ifaces[ifid][0], body[20:20 + caplen], wirelen
        elif btype == 3 and len(body) >= 4 and ifaces:
            wirelen = struct.unpack(e + "I", body[:4])[0]
            snap = ifaces[0][1] or wirelen
            caplen = min(wirelen, snap, len(body) - 4)
            yield ifaces[0][0], body[4:4 + caplen], wirelen
        off += total


def selector(linktype, caplen, wirelen):
    """The first byte of a fuzz_frame input (see fuzz_frame.c)."""
    lt = LINKTYPE_SELECTOR.get(linktype, 3)
    diff = wirelen - caplen
    if diff == 0:
        w = 0
    elif diff < 0:
        w = 62
    elif diff <= 47:
        w = diff
    else:
        w = min(47 + (diff + 127) // 128, 60)
    return bytes([lt | w << 2])


# ---------------------------------------------------------------------------
# Derived seeds: the same frames in the other link types and arrangements the
# decoders and the engine handle, which none of the captures happen to use.

def cooked(frame, v2, ifindex=1, pkttype=0):
    """An Ethernet frame as `tcpdump -i any` records it (Linux cooked v1/v2)."""
    if len(frame) < 14:
        return None
    src, etype = frame[6:12], struct.unpack("!H", frame[12:14])[0]
    # The kernel reports LLC frames (802.3 length field) as ETH_P_802_2.
    proto, rest = (0x0004, frame[14:14 + etype]) if etype <= 1500 else (etype, frame[14:])
    addr = src + b"\0\0"
    if v2:
        return struct.pack("!HHIHBB", proto, 0, ifindex, 1, pkttype, 6) + addr + rest
    return struct.pack("!HHH", pkttype, 1, 6) + addr + struct.pack("!H", proto) + rest


def pcap_file(linktype, records):
    """Classic little-endian microsecond pcap; records are (time, frame)."""
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype)
    for t, frame in records:
        sec, usec = int(t), int(round((t - int(t)) * 1e6))
        out += struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame
    return out


def pcapng_file(ifnames, records):
    """Little-endian pcapng, one IDB per name (ns resolution); records are
    (time, interface, frame, epb_flags direction 1 in / 2 out)."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))

    def opt(code, value):
        return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)

    out = block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
    for name in ifnames:
        out += block(1, struct.pack("<HHI", 1, 0, 0) + opt(2, name.encode())
                     + opt(9, b"\x09") + opt(0, b""))
    for t, ifid, frame, direction in records:
        ts = int(round(t * 1e9))
        body = struct.pack("<IIIII", ifid, ts >> 32, ts & 0xffffffff, len(frame), len(frame))
        body += frame + b"\0" * (-len(frame) % 4)
        body += opt(2, struct.pack("<I", direction)) + opt(0, b"")
        out += block(6, body)
    return out


def derived(frames):
    """Capture files derived from the captured frames (Ethernet, BPDUs first)."""
    bpdus = [f for f in frames if len(f) > 17 and f[14:17] == b"\x42\x42\x03"][:12]
    others = [f for f in frames if len(f) > 14 and f[14:17] != b"\x42\x42\x03"][:6]
    t0 = 1213789445.0
    files = {}
    # A QEMU hub joining two bridge ports: every BPDU heard on tap1 comes
    # back on vnet2 200 us later (tcpdump -i any, cooked v2).
    recs = []
    for i, f in enumerate(bpdus):
        recs.append((t0 + 2 * i, cooked(f, True, 1, 4)))
        recs.append((t0 + 2 * i + 0.0002, cooked(f, True, 2, 0)))
    files["hub-sll2.pcap"] = pcap_file(276, recs)
    # The same with cooked v1 (no interface index: one port).
    files["any-sll.pcap"] = pcap_file(113, [(t0 + i, cooked(f, False)) for i, f in
                                            enumerate(bpdus + others)])
    # pcapng with named ports: echoes between tap10 and tap11, a MAC moving
    # between ports (ordinary frames), and topology changes on br0.
    recs = []
    for i, f in enumerate(bpdus):
        recs.append((t0 + i, 0, f, 2))
        recs.append((t0 + i + 0.00005, 1, f, 1))
    for i, f in enumerate(others * 3):
        recs.append((t0 + 30 + 0.5 * i, i % 2, f, 1))
    for i, f in enumerate(bpdus):
        tc = bytearray(f)
        if len(tc) > 21:
            tc[21] |= 0x01      # flags: topology change
        recs.append((t0 + 40 + 0.1 * i, 2, bytes(tc), 1))
    files["hub-named.pcapng"] = pcapng_file(["tap10", "tap11", "br0"], recs)
    return files


# ---------------------------------------------------------------------------
# QEMU command lines (fuzz_qemu.c) and netlink messages (fuzz_netlink.c).

C_STRING = r'"((?:[^"\\\n]|\\.)*)"'


def c_unescape(s):
    """The value of a C string literal's body: simple, octal and \\x escapes."""
    simple = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    out, i = [], 0
    while i < len(s):
        if s[i] != "\\" or i + 1 == len(s):
            out.append(s[i])
            i += 1
            continue
        m = re.match(r"[0-7]{1,3}|x[0-9a-fA-F]+", s[i + 1:])
        if m:
            t = m.group(0)
            out.append(chr(int(t[1:], 16) if t[0] == "x" else int(t, 8)))
            i += 1 + len(t)
        else:
            out.append(simple.get(s[i + 1], s[i + 1]))
            i += 2
    return "".join(out)


def unit_argvs(path):
    """Every NULL-terminated array of string literals whose first element
    names a QEMU binary: the .argv/.fixed2/.fixed3 of the case table and the
    arrays of the other tests."""
    src = open(path).read()
    argvs = []
    for m in re.finditer(r"\{\s*((?:%s\s*,\s*)+)NULL\s*\}" % C_STRING, src):
        elems = [c_unescape(x) for x in re.findall(C_STRING, m.group(1))]
        if elems and re.search(r"(qemu|kvm)", elems[0]) and elems not in argvs:
            argvs.append(elems)
    return argvs


def lab_argvs(pattern):
    """(argv, info network text) of every VM of every lab capture."""
    out = []
    for meta in sorted(glob.glob(os.path.join(ROOT, pattern))):
        text = open(meta).read()
        cmd = text.split("## QEMU command lines", 1)[-1].split("\n## ", 1)[0]
        info = text.split("'info network'", 1)[-1].split("\n## ", 1)[0]
        infos = {}
        for m in re.finditer(r"^(vm\d+):\n(.*?)(?=^status:|^vm\d+:|\Z)", info, re.M | re.S):
            infos[m.group(1)] = m.group(2)
        for m in re.finditer(r"^(vm\d+) \(pid[^\n]*\n(\S[^\n]*)", cmd, re.M):
            out.append((m.group(2).split(), infos.get(m.group(1), "")))
    return out


def without_injector(argv):
    """The lab's command line without its frame injector (-net socket, or a
    -netdev socket and the hubport joining it): the VM as a user runs it."""
    drop = set()
    for i in range(1, len(argv) - 1):
        a = argv[i + 1]
        if argv[i] in ("-net", "-netdev") and (a.startswith("socket,") or ",netdev=inj" in a):
            drop.update((i, i + 1))
    return [a for i, a in enumerate(argv) if i not in drop]


def qemu_seed(argv, selector=0, info=None, macs=()):
    """A fuzz_qemu.c input: selector, MAC records, argv, optional info text."""
    out = bytes([selector | (8 if macs else 0)])
    if macs:
        out += bytes([len(macs)]) + b"".join(struct.pack("b", n) + bytes(m) for n, m in macs)
    out += b"\0".join(a.encode("latin-1") for a in argv) + b"\0"
    if info is not None:
        out += b"\x01\0" + info.encode()
    return out


def qemu_seeds():
    seeds = []
    for argv in unit_argvs(os.path.join(ROOT, "tests/unit/test_qemu.c")):
        seeds.append(qemu_seed(argv, 0))            # QEMU 7.2
        seeds.append(qemu_seed(argv, 1))            # QEMU 2.11
    for argv, info in lab_argvs("pcaps/lab/*/meta.txt"):
        for a in (argv, without_injector(argv)):
            seeds.append(qemu_seed(a, 0, info))
            seeds.append(qemu_seed(a, 1 | 0x30, info, [(0, [0x52, 0x54, 0, 0x12, 0x34, 0x60]),
                                                       (1, [0x52, 0x54, 0, 0x12, 0x34, 0x61])]))
    return seeds


def netlink_records(path):
    """The messages of a tests/data/netlink recording (4-byte length, message)."""
    data = open(path, "rb").read()
    off, msgs = 0, []
    while off + 4 <= len(data):
        (n,) = struct.unpack("<I", data[off:off + 4])
        msgs.append(data[off + 4:off + 4 + n])
        off += 4 + n
    return msgs


def netlink_seeds():
    seeds = []
    for name in ("dump.bin", "events.bin"):
        msgs = netlink_records(os.path.join(ROOT, "tests/data/netlink", name))
        seeds += msgs
        # runs of up to 4 consecutive messages, each padded to NLMSG_ALIGN
        for i in range(0, len(msgs), 4):
            seeds.append(b"".join(m + b"\0" * (-len(m) % 4) for m in msgs[i:i + 4]))
    return seeds


def put(outdir, content):
    os.makedirs(outdir, exist_ok=True)
    name = hashlib.sha1(content).hexdigest()
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(content)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-seeds.py OUTDIR")
    out = sys.argv[1]
    files = sorted(p for pat in SOURCES for p in glob.glob(os.path.join(ROOT, pat)))
    frames = 0
    ethernet = []
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        put(os.path.join(out, "capfile"), data)
        put(os.path.join(out, "pipeline"), data)
        reader = pcapng_frames if data[:4] == b"\x0a\x0d\x0d\x0a" else pcap_frames
        for linktype, frame, wirelen in reader(data):
            put(os.path.join(out, "frame"), selector(linktype, len(frame), wirelen) + frame)
            frames += 1
            if linktype == 1 and frame not in ethernet:
                ethernet.append(frame)
    for frame in ethernet:
        for v2 in (False, True):
            c = cooked(frame, v2)
            if c is not None:
                put(os.path.join(out, "frame"), selector(276 if v2 else 113, len(c), len(c)) + c)
    for name, data in sorted(derived(ethernet).items()):
        put(os.path.join(out, "capfile"), data)
        put(os.path.join(out, "pipeline"), data)
        files.append(name)
    qemu = qemu_seeds()
    for seed in qemu:
        put(os.path.join(out, "qemu"), seed)
    netlink = netlink_seeds()
    for seed in netlink:
        put(os.path.join(out, "netlink"), seed)
    print("make-seeds: %d capture files (%d derived), %d frames (+%d cooked), "
          "%d QEMU command lines, %d netlink inputs -> %s"
          % (len(files), len(derived(ethernet)), frames, 2 * len(ethernet), len(qemu),
             len(netlink), out))


if __name__ == "__main__":
    main()
