#!/usr/bin/env python3
"""Send small broadcast frames for the stpwatch lab (stdlib only).

Three ways to put frames on the wire:
  --udp PORT      into a QEMU "-netdev socket,udp=...,localaddr=127.0.0.1:PORT"
                  hub port: one datagram per Ethernet frame.  The frames leave
                  through every other port of that QEMU hub, i.e. they look
                  exactly like frames sent by the guest NIC(s) on that hub.
  --unix PATH     into a QEMU "filter-redirector,indev=CHARDEV,queue=rx" on a
                  "-netdev tap": a stream of [len][vnet_hdr_len][vnet hdr +
                  frame].  Used where a NIC has no hub (the healthy scenario).
  --iface IF      raw AF_PACKET socket on IF (the external "peer" host).

Every tick it sends an ARP frame from --mac/--ip: alternately a gratuitous
ARP and an ARP request for --target; with --icmp also an ICMP echo request
to the IPv4 broadcast address of --ip's /24.  It stops by itself after
--duration seconds or --count ticks.  Nothing leaves the network namespace
it runs in: the UDP and unix sockets are local, the AF_PACKET socket sends
on one interface of the lab.
"""
import argparse
import select
import socket
import struct
import sys
import time

BCAST = b"\xff" * 6


def mac_bytes(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise argparse.ArgumentTypeError("bad MAC %r" % text)
    return bytes(int(p, 16) for p in parts)


def ip_bytes(text):
    return socket.inet_aton(text)


def pad(frame):
    return frame + b"\x00" * max(0, 60 - len(frame))


def arp(src_mac, src_ip, target_ip, gratuitous):
    tip = src_ip if gratuitous else target_ip
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1,
                       src_mac, src_ip, b"\x00" * 6, tip)
    return pad(BCAST + src_mac + b"\x08\x06" + body)


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def icmp_bcast(src_mac, src_ip, seq):
    dst_ip = src_ip[:3] + b"\xff"
    payload = b"stpwatch-lab" + bytes(20)
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x5354, seq & 0xFFFF) + payload
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq & 0xFFFF,
                     0x4000, 64, 1, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return pad(BCAST + src_mac + b"\x08\x00" + ip + icmp)


class PcapWriter:
    """Writes what a QEMU hub sends to our UDP port (optional)."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def write(self, frame):
        now = time.time()
        self.f.write(struct.pack("<IIII", int(now), int((now % 1) * 1e6),
                                 len(frame), len(frame)))
        self.f.write(frame)
        self.f.flush()


def open_sender(args):
    if args.udp:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if args.listen:
            s.bind(("127.0.0.1", args.listen))
        dest = ("127.0.0.1", args.udp)
        return s, lambda fr: s.sendto(fr, dest)
    if args.unix:
        end = time.monotonic() + 10
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(args.unix)
                break
            except OSError:
                s.close()
                if time.monotonic() > end:
                    sys.exit("inject.py: cannot connect to %s" % args.unix)
                time.sleep(0.05)
        hdr = b"\x00" * args.vnet_hdr

        def send(fr):
            data = hdr + fr
            s.sendall(struct.pack("!II", len(data), args.vnet_hdr) + data)
        return s, send
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((args.iface, 0))
    return s, s.send


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    way = ap.add_mutually_exclusive_group(required=True)
    way.add_argument("--udp", type=int, metavar="PORT")
    way.add_argument("--unix", metavar="PATH")
    way.add_argument("--iface", metavar="IF")
    ap.add_argument("--listen", type=int, metavar="PORT",
                    help="with --udp: bind this port (QEMU's udp= target) and drain it")
    ap.add_argument("--hub-pcap", metavar="FILE",
                    help="with --listen: save the frames the QEMU hub sends us")
    ap.add_argument("--vnet-hdr", type=int, default=10,
                    help="with --unix: virtio-net header length the tap expects "
                         "(10 while no guest driver negotiated features)")
    ap.add_argument("--mac", type=mac_bytes, required=True)
    ap.add_argument("--ip", type=ip_bytes, required=True)
    ap.add_argument("--target", type=ip_bytes, default=ip_bytes("192.0.2.1"))
    ap.add_argument("--icmp", action="store_true")
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--duration", type=float, default=600.0)
    ap.add_argument("--count", type=int, default=0)
    args = ap.parse_args()

    sock, send = open_sender(args)
    pcap = PcapWriter(args.hub_pcap) if (args.hub_pcap and args.listen) else None
    start = time.monotonic()
    next_tick = start + args.delay
    tick = 0
    while time.monotonic() - start < args.duration:
        if args.count and tick >= args.count:
            break
        timeout = max(0.0, next_tick - time.monotonic())
        if args.udp and args.listen:
            ready, _, _ = select.select([sock], [], [], timeout)
            if ready:
                frame = sock.recv(65536)
                if pcap:
                    pcap.write(frame)
                continue
        else:
            time.sleep(timeout)
        try:
            send(arp(args.mac, args.ip, args.target, gratuitous=(tick % 2 == 0)))
            if args.icmp:
                send(icmp_bcast(args.mac, args.ip, tick))
        except OSError as exc:
            # e.g. the interface is not up yet, or QEMU went away
            sys.stderr.write("inject.py: send failed: %s\n" % exc)
            if args.unix:
                return 1
        tick += 1
        next_tick += args.interval
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
