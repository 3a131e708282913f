#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes the small capture files in this directory (run it from here).

Hand-made pcap/pcapng files for tests/unit/test_capsource.c, so the tests
read real files from disk without depending on anything outside the tree.
The bytes are built field by field (Python stdlib only, deterministic), and
every file was checked with an independent reader when it was made:

  tshark -r FILE -T fields -e frame.time_epoch -e frame.interface_name \
         -e frame.len -e frame.cap_len -e frame.packet_flags_direction
  tcpdump -r FILE     (single-section files)

Files:
  bpdu-le.pcapng       little-endian, one section, interfaces eth0 (us)
                       and vnet3 (ns, if_tsoffset 0), 6 Config BPDUs with
                       epb_flags in/out, a name resolution block and an
                       interface statistics block (skipped)
  bpdu-be.pcapng       the same, big-endian
  two-sections.pcapng  section 1 little-endian (eth0, us, 2 EPBs);
                       section 2 big-endian (br0, 2^-10 s, if_tsoffset
                       3600, 1 EPB + 1 SPB)
  truncated.pcapng     bpdu-le.pcapng cut 40 bytes into its last EPB
  bpdu-ns-be.pcap      classic pcap, big-endian, nanosecond magic, 3 BPDUs
"""

import struct

T0 = 1700000000  # 2023-11-14T22:13:20Z


def bpdu(n):
    """An 802.1D Configuration BPDU from bridge 8000.00:1c:0e:00:00:0n,
    in an 802.3/LLC frame padded to 60 bytes."""
    bridge = struct.pack("!H", 0x8000) + bytes.fromhex("001c0e00000%x" % n)
    body = struct.pack("!HBBB", 0, 0, 0, 0)         # proto, version, type, flags
    body += bridge                                  # root = this bridge
    body += struct.pack("!I", 0)                    # root path cost
    body += bridge
    body += struct.pack("!HHHHH", 0x8001, 0, 20 * 256, 2 * 256, 15 * 256)
    llc = b"\x42\x42\x03" + body
    frame = bytes.fromhex("0180c2000000") + bytes.fromhex("001c0e00000%x" % n)
    frame += struct.pack("!H", len(llc)) + llc
    return frame + b"\0" * (60 - len(frame))


class NG:
    """pcapng writer for one byte order ('<' or '>')."""

    def __init__(self, order):
        self.o = order
        self.out = b""

    def block(self, btype, body):
        body += b"\0" * (-len(body) % 4)
        total = 12 + len(body)
        self.out += struct.pack(self.o + "II", btype, total) + body
        self.out += struct.pack(self.o + "I", total)
        return len(self.out)

    def opt(self, code, value):
        v = struct.pack(self.o + "HH", code, len(value)) + value
        return v + b"\0" * (-len(value) % 4)

    def end(self):
        return struct.pack(self.o + "HH", 0, 0)

    def shb(self):
        body = struct.pack(self.o + "IHHq", 0x1A2B3C4D, 1, 0, -1)
        body += self.opt(4, b"stpwatch tests/data/capfile/make.py")
        body += self.end()
        return self.block(0x0A0D0D0A, body)

    def idb(self, linktype, snaplen, name, tsresol=None, tsoffset=None):
        body = struct.pack(self.o + "HHI", linktype, 0, snaplen)
        body += self.opt(2, name.encode())
        if tsresol is not None:
            body += self.opt(9, bytes([tsresol]))
        if tsoffset is not None:
            body += self.opt(14, struct.pack(self.o + "q", tsoffset))
        body += self.end()
        return self.block(1, body)

    def epb(self, ifid, ts, frame, flags=None):
        body = struct.pack(self.o + "IIIII", ifid, ts >> 32, ts & 0xFFFFFFFF,
                           len(frame), len(frame))
        body += frame + b"\0" * (-len(frame) % 4)
        if flags is not None:
            body += self.opt(2, struct.pack(self.o + "I", flags))
            body += self.end()
        return self.block(6, body)

    def spb(self, frame):
        return self.block(3, struct.pack(self.o + "I", len(frame)) + frame)

    def nrb(self):
        rec = struct.pack(self.o + "HH", 1, 12) + bytes([192, 0, 2, 1])
        rec += b"host-a\0\0"
        return self.block(4, rec + struct.pack(self.o + "HH", 0, 0))

    def isb(self, ifid, ts):
        body = struct.pack(self.o + "III", ifid, ts >> 32, ts & 0xFFFFFFFF)
        body += self.opt(4, struct.pack(self.o + "Q", 6)) + self.end()
        return self.block(5, body)


def bpdu_file(order):
    ng = NG(order)
    ng.shb()
    ng.idb(1, 262144, "eth0")                       # microseconds
    ng.idb(1, 262144, "vnet3", tsresol=9, tsoffset=0)
    ng.nrb()
    for i in range(6):
        if i % 2 == 0:   # eth0, inbound, 2 s apart (a hello time)
            ng.epb(0, (T0 + 2 * i) * 10**6 + 250000, bpdu(1), flags=1)
        else:            # vnet3, outbound, in ns
            ng.epb(1, (T0 + 2 * i) * 10**9 + 123456789, bpdu(2), flags=2)
    ng.isb(0, (T0 + 12) * 10**6)
    return ng.out


def two_sections():
    a = NG("<")
    a.shb()
    a.idb(1, 65535, "eth0")
    a.epb(0, T0 * 10**6, bpdu(1))
    a.epb(0, (T0 + 2) * 10**6 + 1, bpdu(1), flags=1)
    b = NG(">")
    b.shb()
    b.idb(1, 65535, "br0", tsresol=0x80 | 10, tsoffset=3600)
    b.epb(0, T0 * 1024 + 512, bpdu(3), flags=2)     # T0 + 3600 + 0.5 s
    b.spb(bpdu(3))
    return a.out + b.out


def classic_ns_be():
    out = struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1)
    for i in range(3):
        f = bpdu(4)
        out += struct.pack(">IIII", T0 + 2 * i, 999999999 - i, len(f), len(f))
        out += f
    return out


def main():
    le = bpdu_file("<")
    files = {
        "bpdu-le.pcapng": le,
        "bpdu-be.pcapng": bpdu_file(">"),
        "two-sections.pcapng": two_sections(),
        "bpdu-ns-be.pcap": classic_ns_be(),
    }
    # Cut 40 bytes into the last EPB: 5 records, then an error.
    off, last_epb = 0, 0
    while off < len(le):
        btype, total = struct.unpack_from("<II", le, off)
        if btype == 6:
            last_epb = off
        off += total
    files["truncated.pcapng"] = le[:last_epb + 40]
    for name, data in files.items():
        with open(name, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
