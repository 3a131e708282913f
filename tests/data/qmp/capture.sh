#!/bin/bash
# Regenerates the recorded monitor dialogues in this directory from a real
# QEMU (needs root, ip netns, qemu-system-x86_64; run from anywhere):
#
#   VM.qmp      the bytes QEMU sent on its QMP socket: greeting, then the
#               replies to qmp_capabilities, human-monitor-command
#               "info network" and query-status (CRLF-terminated lines)
#   VM.txt      the "info network" text of that reply, decoded (LF)
#   VM.hmp      the bytes QEMU sent on its -monitor socket: banner, prompt,
#               the echo of "info network" with its terminal escapes, the
#               output, the next prompt (legacy only)
#
# VMs: legacy (two -net nic/-net tap pairs on hub 0), netdev (-netdev tap +
# virtio-net-pci), hubport (hubports on hub 3, a tap behind a hubport, a
# NIC with a direct tap, a netdev with no NIC, a NIC with no netdev, -nic,
# a user netdev), fdpass (a tap opened beforehand and passed as fd=25, as
# libvirt does), multiqueue (a tap with queues=2).  Everything runs in a
# throwaway network namespace that is deleted on exit.
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
[[ $(id -u) -eq 0 ]] || { echo "capture.sh: needs root" >&2; exit 77; }
command -v qemu-system-x86_64 >/dev/null || { echo "capture.sh: no qemu-system-x86_64" >&2; exit 77; }
NS=stpwpvq$$
D=$(mktemp -d /tmp/stpwpvq.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.3
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$D"
}
trap cleanup EXIT
ip netns add "$NS"
for t in tap10 tap11 tap12 tap13 tap14 tap15 tap17 tap18; do
    ip netns exec "$NS" ip tuntap add dev $t mode tap
done
ip netns exec "$NS" ip tuntap add dev tap16 mode tap multi_queue
Q=(qemu-system-x86_64 -nodefaults -display none -machine accel=tcg -m 64 -S)
mon() { echo "-qmp unix:$D/$1.qmp,server=on,wait=off"; }
ip netns exec "$NS" "${Q[@]}" -name guest=legacy,debug-threads=on $(mon legacy) \
    -monitor unix:$D/legacy.mon,server=on,wait=off \
    -net nic,model=virtio -net tap,ifname=tap10,script=no,downscript=no \
    -net nic,model=e1000 -net tap,ifname=tap11,script=no,downscript=no 2>/dev/null &
pids+=($!)
ip netns exec "$NS" "${Q[@]}" -name netdev $(mon netdev) \
    -netdev tap,id=n0,ifname=tap12,script=no,downscript=no \
    -device virtio-net-pci,netdev=n0,mac=52:54:00:ab:cd:ef 2>/dev/null &
pids+=($!)
ip netns exec "$NS" "${Q[@]}" -name hubport $(mon hubport) \
    -netdev hubport,id=hp0,hubid=3 -netdev hubport,id=hp1,hubid=3 \
    -netdev tap,id=t13,ifname=tap13,script=no,downscript=no \
    -netdev hubport,id=hp2,hubid=3,netdev=t13 -netdev hubport,id=hp9,hubid=5 \
    -device e1000,netdev=hp0,mac=52:54:00:00:00:01 -device virtio-net-pci,netdev=hp1 \
    -netdev tap,id=t14,ifname=tap14,script=no,downscript=no -device rtl8139,netdev=t14 \
    -netdev tap,id=dangle,ifname=tap17,script=no,downscript=no \
    -device e1000,id=lonely,mac=52:54:00:00:00:09 \
    -nic tap,ifname=tap18,script=no,downscript=no,model=e1000,mac=52:54:00:00:00:18 \
    -netdev user,id=u0 -device virtio-net-pci,netdev=u0 2>/dev/null &
pids+=($!)
ip netns exec "$NS" python3 - "$D" <<'PY' 2>/dev/null &
import fcntl, os, struct, sys
d = sys.argv[1]
fd = os.open("/dev/net/tun", os.O_RDWR)
# TUNSETIFF, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH22x", b"tap15", 0x0002 | 0x1000 | 0x4000))
os.dup2(fd, 25)
os.close(fd)
os.execvp("qemu-system-x86_64", ["qemu-system-x86_64", "-nodefaults", "-display", "none",
          "-machine", "accel=tcg", "-m", "64", "-S", "-name", "guest=fdpass,debug-threads=on",
          "-qmp", "unix:%s/fdpass.qmp,server=on,wait=off" % d,
          "-netdev", "tap,id=hostnet0,fd=25",
          "-device", "virtio-net-pci,netdev=hostnet0,id=net0,mac=52:54:00:15:15:15"])
PY
pids+=($!)
ip netns exec "$NS" "${Q[@]}" -smp 2 -name multiqueue $(mon multiqueue) \
    -netdev tap,id=mq0,ifname=tap16,script=no,downscript=no,queues=2 \
    -device virtio-net-pci,netdev=mq0,mq=on,vectors=6 2>/dev/null &
pids+=($!)

python3 - "$D" "$HERE" <<'PY'
import json, os, socket, sys, time
d, here = sys.argv[1], sys.argv[2]

def connect(path):
    end = time.time() + 10
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            s.settimeout(5)
            return s
        except OSError:
            s.close()
            if time.time() > end:
                raise
            time.sleep(0.1)

def until(s, pred):
    buf = b""
    while not pred(buf):
        c = s.recv(65536)
        if not c:
            break
        buf += c
    return buf

def reply(s, raw, cmd):
    s.sendall(json.dumps(cmd).encode() + b"\n")
    while True:
        more = until(s, lambda b: b.endswith(b"\r\n"))
        raw += more
        for line in more.splitlines():
            m = json.loads(line)
            if "return" in m or "error" in m:
                return raw, m

for vm in ["legacy", "netdev", "hubport", "fdpass", "multiqueue"]:
    s = connect("%s/%s.qmp" % (d, vm))
    raw = until(s, lambda b: b.endswith(b"\r\n"))
    raw, _ = reply(s, raw, {"execute": "qmp_capabilities"})
    raw, m = reply(s, raw, {"execute": "human-monitor-command",
                            "arguments": {"command-line": "info network"}})
    raw, _ = reply(s, raw, {"execute": "query-status"})
    s.close()
    open(os.path.join(here, vm + ".qmp"), "wb").write(raw)
    open(os.path.join(here, vm + ".txt"), "w").write(m["return"].replace("\r\n", "\n"))

s = connect("%s/legacy.mon" % d)
raw = until(s, lambda b: b.endswith(b"(qemu) "))
s.sendall(b"info network\n")
raw += until(s, lambda b: b.endswith(b"(qemu) "))
s.close()
open(os.path.join(here, "legacy.hmp"), "wb").write(raw)
PY
qemu-system-x86_64 --version | head -1 > "$HERE/VERSION"
echo "capture.sh: wrote $(ls "$HERE" | grep -c -E '\.(qmp|txt|hmp)$') files in $HERE"
