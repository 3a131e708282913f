#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Records raw rtnetlink messages for tests/unit/test_nlbridge.c.

    record.py dump OUT                    links (AF_UNSPEC, then AF_BRIDGE)
                                          and the bridge FDB, as dumps
    record.py listen OUT SECONDS [READY]  link and neighbour notifications
                                          (RTNLGRP_LINK, RTNLGRP_NEIGH) for
                                          SECONDS; READY is created once the
                                          socket listens; SIGTERM ends early

Runs in the current network namespace (use `ip netns exec NS`).  Python
stdlib only.  OUT is a plain container, one record per netlink message:

    4 bytes little-endian length N, then the N bytes of the message
    (its struct nlmsghdr first; the dump's NLMSG_DONE messages included).

Link dumps ask for RTEXT_FILTER_SKIP_STATS (IFLA_EXT_MASK) to keep the
files small, as nlbridge_dump() does; notifications carry whatever the
kernel sends.  See make.sh for the setups recorded.
"""

import os
import select
import signal
import socket
import struct
import sys
import time

NETLINK_ROUTE = 0
NLM_F_REQUEST = 0x01
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
RTM_GETLINK = 18
RTM_GETNEIGH = 30
AF_UNSPEC = 0
AF_BRIDGE = 7
IFLA_EXT_MASK = 29
RTEXT_FILTER_SKIP_STATS = 1 << 3
RTMGRP_LINK = 1 << (1 - 1)      # RTNLGRP_LINK = 1
RTMGRP_NEIGH = 1 << (3 - 1)     # RTNLGRP_NEIGH = 3


def messages(buf):
    """Splits one datagram into its netlink messages."""
    off = 0
    while off + 16 <= len(buf):
        (length,) = struct.unpack_from("=I", buf, off)
        if length < 16 or off + length > len(buf):
            break
        yield buf[off:off + length]
        off += (length + 3) & ~3


def put(out, msg):
    out.write(struct.pack("<I", len(msg)) + msg)
    out.flush()


def request(sock, seq, rtm, family_payload, attrs=b""):
    body = family_payload + attrs
    hdr = struct.pack("=IHHII", 16 + len(body), rtm, NLM_F_REQUEST | NLM_F_DUMP, seq, 0)
    sock.send(hdr + body)


def dump_one(sock, out, seq):
    while True:
        buf = sock.recv(1 << 20)
        for msg in messages(buf):
            _, mtype, _, mseq, _ = struct.unpack_from("=IHHII", msg)
            if mseq != seq:
                continue
            put(out, msg)
            if mtype == NLMSG_DONE:
                return
            if mtype == NLMSG_ERROR:
                (err,) = struct.unpack_from("=i", msg, 16)
                raise OSError(-err, os.strerror(-err))


def dump(path):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    sock.bind((0, 0))
    ext = struct.pack("=HHI", 8, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
    with open(path, "wb") as out:
        for seq, family in ((1, AF_UNSPEC), (2, AF_BRIDGE)):
            ifi = struct.pack("=BxHiII", family, 0, 0, 0, 0)  # struct ifinfomsg
            request(sock, seq, RTM_GETLINK, ifi, ext)
            dump_one(sock, out, seq)
        ndm = struct.pack("=BxxxiHBB", AF_BRIDGE, 0, 0, 0, 0)  # struct ndmsg
        request(sock, 3, RTM_GETNEIGH, ndm)
        dump_one(sock, out, 3)
    sock.close()


def listen(path, seconds, ready):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((0, RTMGRP_LINK | RTMGRP_NEIGH))
    if ready:
        open(ready, "w").close()
    end = time.monotonic() + seconds
    with open(path, "wb") as out:
        while not stop:
            left = end - time.monotonic()
            if left <= 0:
                break
            try:
                r, _, _ = select.select([sock], [], [], min(left, 0.2))
            except InterruptedError:
                continue
            if r:
                for msg in messages(sock.recv(1 << 20)):
                    put(out, msg)
    sock.close()


def main(argv):
    if len(argv) == 3 and argv[1] == "dump":
        dump(argv[2])
    elif len(argv) in (4, 5) and argv[1] == "listen":
        listen(argv[2], float(argv[3]), argv[4] if len(argv) == 5 else None)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
