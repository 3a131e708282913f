#!/usr/bin/env python3
"""A hostile guest for tests/ns/hostile.sh (stdlib only).

    hostile.py TAP...              attach to each (existing, persistent) tap
                                   as its "VM": the carrier comes up and every
                                   frame written enters the host's bridge
                                   through the tap, exactly as a guest's would

Then it reads commands on standard input, one per line, and answers each
with "done CMD" (or "error CMD: why") on standard output:

    tcn TAPINDEX COUNT INTERVAL      802.1D TCN BPDUs
    rstp-tc TAPINDEX COUNT INTERVAL  RSTP BPDUs, the TC flag set on every other one
    root TAPINDEX COUNT INTERVAL     Config BPDUs of bridge 0000.02deadbeef01
                                     claiming to be the root (priority 0)
    malformed TAPINDEX               one of each malformed or oversized BPDU
    mstnames TAPINDEX COUNT INTERVAL MSTP BPDUs whose region name is hostile
    config TAPINDEX COUNT INTERVAL   plain Config BPDUs of a guest bridge
    quit

    hostile.py --pcap FILE         the malformed frames and the hostile MSTP
                                   BPDUs as a capture file, for stpwatch -r

TAPINDEX is the position of the tap on the command line (0 first), so names
with odd bytes never have to travel through this protocol.  Frames go only
to the taps named, inside the namespace the caller runs us in.
"""
import fcntl
import os
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000

GROUP = bytes.fromhex("0180c2000000")
GUEST_MAC = bytes.fromhex("02deadbeef00")   # + 1 + the tap's index: one guest NIC each
ROGUE_ROOT = 0x0000 << 48 | 0x02DEADBEEF01     # priority 0: better than any bridge
GUEST_BRIDGE = 0x8000 << 48 | 0x02DEADBEEF02

# Region names a guest chooses: terminal escapes (clear screen, set the
# window title), quotes, backslashes, newlines, NUL, and bytes that are not
# UTF-8.  Each is exactly 32 octets on the wire (NUL-padded by mstp()).
HOSTILE_NAMES = [
    b"\x1b[2J\x1b]0;pwned\x07",
    b"a\"b\\c\nd\re\tf\x00g",
    b"\xff\xfe\xc3\x28\xe2\x82\x7f\x80",
    b"\x1b]2;retitled\x1b\\|x|y;z\x9b1m",
]


NIC = [0]   # the tap the frames go to, for their source address


def llc_frame(bpdu, length=None, trailer=b""):
    """802.3 frame to the bridge group address: LLC 42 42 03 then the BPDU."""
    payload = b"\x42\x42\x03" + bpdu
    n = len(payload) if length is None else length
    src = GUEST_MAC[:5] + bytes([NIC[0] + 1])
    frame = GROUP + src + struct.pack("!H", n) + payload + trailer
    return frame + b"\x00" * max(0, 60 - len(frame))


def tcn():
    return struct.pack("!HBB", 0, 0, 0x80)


def config(flags=0, root=GUEST_BRIDGE, cost=0, bridge=GUEST_BRIDGE, port=0x8001,
           version=0, btype=0, proto=0, hello=2, max_age=20, fdelay=15):
    return struct.pack("!HBBBQIQHHHHH", proto, version, btype, flags, root, cost,
                       bridge, port, 0, max_age * 256, hello * 256, fdelay * 256)


def rst(flags, bridge=GUEST_BRIDGE, version=2):
    # proposal + designated role, TC as asked; v1 length 0
    return config(flags | 0x0E, root=bridge, bridge=bridge, version=version, btype=2) + b"\x00"


def mstp(name, v3_length=64, msti=b"", v1_length=0):
    cfg = struct.pack("!B32sH16s", 0, name[:32], 1, bytes(16))
    head = config(0x0E, root=GUEST_BRIDGE, bridge=GUEST_BRIDGE, version=3, btype=2)
    return (head + struct.pack("!BH", v1_length, v3_length) + cfg +
            struct.pack("!IQB", 0, GUEST_BRIDGE, 20) + msti)


def malformed_frames():
    """(label, frame) for every kind of broken BPDU the test sends."""
    good = config()
    return [
        ("bad protocol id", llc_frame(config(proto=0x1234))),
        ("version 1 with type 2", llc_frame(config(version=1, btype=2) + b"\x00")),
        ("unknown version 9 with type 2", llc_frame(rst(0, version=9))),
        ("unknown type 0x42", llc_frame(config(btype=0x42))),
        ("length field short of a Config BPDU", llc_frame(good, length=3 + 20)),
        ("length field shorter than 4", llc_frame(good, length=3 + 2)),
        ("length field past the frame", llc_frame(good, length=1400)),
        ("MSTP with v3 length past the frame", llc_frame(mstp(b"big", v3_length=64 + 16 * 60))),
        ("MSTP with v1 length 5", llc_frame(mstp(b"v1", v1_length=5))),
        ("MSTP shorter than 102", llc_frame(mstp(b"short")[:90])),
        ("1500-octet BPDU", llc_frame(good + bytes(1500 - 3 - len(good)))),
        ("Config BPDU with trailing garbage", llc_frame(good + b"\xde\xad" * 40)),
        ("TCN with trailing garbage", llc_frame(tcn() + os.urandom(64))),
        ("frame past 1500 octets", llc_frame(good + bytes(1500 - 3 - len(good)), trailer=bytes(200))),
        ("MSTP with a ragged MSTI tail", llc_frame(mstp(b"ragged", v3_length=64 + 7, msti=bytes(7)))),
    ]


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH", name, IFF_TAP | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    os.set_blocking(fd, False)
    return fd


def paced(fd, frames, count, interval):
    for i in range(count):
        os.write(fd, frames(i))
        if interval > 0 and i + 1 < count:
            time.sleep(interval)


def run(cmd, fds):
    words = cmd.split()
    what = words[0]
    NIC[0] = int(words[1])
    fd = fds[NIC[0]]
    count = int(words[2]) if len(words) > 2 else 1
    interval = float(words[3]) if len(words) > 3 else 0.0
    if what == "tcn":
        paced(fd, lambda i: llc_frame(tcn()), count, interval)
    elif what == "rstp-tc":
        paced(fd, lambda i: llc_frame(rst(0x01 if i % 2 == 0 else 0)), count, interval)
    elif what == "root":
        paced(fd, lambda i: llc_frame(config(root=ROGUE_ROOT, bridge=ROGUE_ROOT,
                                             port=0x8001, hello=1, max_age=6, fdelay=4)),
              count, interval)
    elif what == "config":
        paced(fd, lambda i: llc_frame(config()), count, interval)
    elif what == "malformed":
        for _, frame in malformed_frames():
            os.write(fd, frame)
            time.sleep(0.01)
    elif what == "mstnames":
        paced(fd, lambda i: llc_frame(mstp(HOSTILE_NAMES[i % len(HOSTILE_NAMES)])),
              count, interval)
    else:
        raise ValueError("unknown command")


def main():
    names = [os.fsencode(a) for a in sys.argv[1:]]
    if not names:
        sys.exit(__doc__)
    fds = [open_tap(n) for n in names]
    print("ready", flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if not cmd:
            continue
        if cmd == "quit":
            break
        try:
            run(cmd, fds)
            print("done %s" % cmd, flush=True)
        except (OSError, ValueError, IndexError) as exc:
            print("error %s: %s" % (cmd, exc), flush=True)
    return 0


def write_pcap(path):
    """The malformed frames, then one MSTP BPDU per hostile name, as a pcap:
    stpwatch -r must count and show them as it does live."""
    frames = [f for _, f in malformed_frames()] + [llc_frame(mstp(n)) for n in HOSTILE_NAMES]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--list-malformed":
        for label, frame in malformed_frames():
            print("%-40s %d octets" % (label, len(frame)))
        sys.exit(0)
    if len(sys.argv) > 2 and sys.argv[1] == "--pcap":
        write_pcap(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
