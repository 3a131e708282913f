#!/bin/sh
# Rebuilds the fake /proc tree in this directory for tests/unit/test_procvm.c
# (run it from anywhere; it replaces the numeric directories and "self").
#
# Links are plain symlinks whose targets read like the kernel's: fd links
# to "/dev/net/tun", "socket:[N]"; ns/net to "net:[N]".  They dangle, which
# is fine: procvm only readlink()s them.  The watched namespace is
# net:[4026531840] (what "self" -> 100 has).
#
#   1    systemd, no tun fd
#   2    kthreadd: empty cmdline, empty fd directory
#   100  QEMU, libvirt by cgroup (machine-qemu...), exe "(deleted)",
#        -name guest=vm1,..., taps tap10 (fds 9 and 30: multiqueue) and
#        tap11 (fd 11), plus /dev/null, a socket and /dev/net/tunnel (not tun)
#   150  virtqemud (no tun fd)
#   200  QEMU, child of 150 (libvirt by parent), -name vm2,process=...,
#        tap12 (fd 25), fd 26 detached ("iff:" empty), fd 27 without fdinfo
#   300  a userspace switch (not QEMU) holding tap13; comm "tap) sw (x"
#   400  QEMU in another network namespace holding a tap10 of its own
#   500  a tun fd whose fdinfo has no "iff:" line
#   600  fd is a regular file: the directory cannot be read
#   700  a tun fd holder with an empty cmdline (kernel thread, zombie)
#   800  QEMU, libvirt by a /var/lib/libvirt/qemu/ path in argv, no
#        environ file, no -name; tap14 (fd 40)
set -eu
cd "$(dirname "$0")"
rm -rf self 1 2 100 150 200 300 400 500 600 700 800 sys
NET=4026531840
OTHER=4026532999

# proc PID COMM PPID UID GID STARTTIME NETNS
proc() {
	mkdir -p "$1/fd" "$1/fdinfo" "$1/ns"
	printf '%s\n' "$2" > "$1/comm"
	printf 'Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%s\nNgid:\t0\nPid:\t%s\nPPid:\t%s\nTracerPid:\t0\nUid:\t%s\t%s\t%s\t%s\nGid:\t%s\t%s\t%s\t%s\nFDSize:\t64\nGroups:\t%s\nThreads:\t5\n' \
		"$2" "$1" "$1" "$3" "$4" "$4" "$4" "$4" "$5" "$5" "$5" "$5" "$5" > "$1/status"
	printf '%s (%s) S %s %s %s 0 -1 4194560 1000 0 0 0 50 20 0 0 20 0 5 0 %s 1000000 5000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0\n' \
		"$1" "$2" "$3" "$1" "$1" "$6" > "$1/stat"
	ln -s "net:[$7]" "$1/ns/net"
	ln -s /dev/null "$1/fd/0"
	printf 'pos:\t0\nflags:\t0100000\nmnt_id:\t25\nino:\t5\n' > "$1/fdinfo/0"
}

# tun PID FD IFF   (IFF "-" writes no iff line, "" an empty one)
tun() {
	ln -s /dev/net/tun "$1/fd/$2"
	printf 'pos:\t0\nflags:\t0104002\nmnt_id:\t24\nino:\t1042\n' > "$1/fdinfo/$2"
	if [ "$3" != "-" ]; then
		printf 'iff:\t%s\n' "$3" >> "$1/fdinfo/$2"
	fi
}

# args FILE ARG...   (NUL-separated, NUL-terminated)
args() {
	f=$1
	shift
	: > "$f"
	for a in "$@"; do
		printf '%s\0' "$a" >> "$f"
	done
}

ln -s 100 self
mkdir -p sys/net

proc 1 systemd 0 0 0 5 $NET
args 1/cmdline /sbin/init splash
args 1/environ HOME=/ TERM=linux
ln -s /lib/systemd/systemd 1/exe
ln -s / 1/cwd
printf '0::/init.scope\n' > 1/cgroup

proc 2 kthreadd 0 0 0 6 $NET
rm 2/fd/0 2/fdinfo/0
: > 2/fd/.keep
: > 2/cmdline
: > 2/environ
printf '0::/\n' > 2/cgroup

proc 100 qemu-system-x86 1 64055 106 123456 $NET
args 100/cmdline /usr/bin/qemu-system-x86_64 -name guest=vm1,debug-threads=on \
	-S -machine pc-q35-7.2,usb=off -m 1024 \
	-netdev tap,fds=9:30,id=hostnet0 -device virtio-net-pci,netdev=hostnet0,id=net0,mac=52:54:00:00:01:00 \
	-netdev tap,fd=11,id=hostnet1 -device e1000,netdev=hostnet1,id=net1,mac=52:54:00:00:01:01 \
	-qmp unix:/var/lib/libvirt/qemu/domain-1-vm1/monitor.sock,server=on,wait=off
args 100/environ LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin \
	HOME=/var/lib/libvirt/qemu/domain-1-vm1 XDG_CACHE_HOME=/var/lib/libvirt/qemu/domain-1-vm1/.cache
ln -s "/usr/bin/qemu-system-x86_64 (deleted)" 100/exe
ln -s / 100/cwd
printf '0::/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/emulator\n' > 100/cgroup
ln -s "socket:[31337]" 100/fd/3
printf 'pos:\t0\nflags:\t02000002\nmnt_id:\t8\nino:\t31337\n' > 100/fdinfo/3
ln -s /dev/net/tunnel 100/fd/31
printf 'pos:\t0\nflags:\t02\nmnt_id:\t24\nino:\t99\niff:\tbogus\n' > 100/fdinfo/31
tun 100 9 tap10
tun 100 11 tap11
tun 100 30 tap10

proc 150 virtqemud 1 0 0 90 $NET
args 150/cmdline /usr/sbin/virtqemud --timeout 120
ln -s /usr/sbin/virtqemud 150/exe
ln -s / 150/cwd
printf '0::/system.slice/virtqemud.service\n' > 150/cgroup

proc 200 qemu-system-x86 150 64055 106 200000 $NET
args 200/cmdline qemu-system-x86_64 -name vm2,process=qemu-vm2 -m 512 \
	-netdev tap,fd=25,id=hn0 -device virtio-net-pci,netdev=hn0
args 200/environ LC_ALL=C
ln -s /usr/bin/qemu-system-x86_64 200/exe
ln -s /var/lib/libvirt/qemu 200/cwd
printf '12:pids:/\n1:name=systemd:/\n0::/\n' > 200/cgroup
tun 200 25 tap12
tun 200 26 ""
ln -s /dev/net/tun 200/fd/27

proc 300 "tap) sw (x" 1 1000 1000 300300 $NET
args 300/cmdline /usr/local/bin/tapswitch --ports tap13
args 300/environ USER=alice
ln -s /usr/local/bin/tapswitch 300/exe
ln -s /home/alice 300/cwd
printf '0::/user.slice/user-1000.slice/session-2.scope\n' > 300/cgroup
tun 300 5 tap13

proc 400 qemu-system-x86 1 0 0 400400 $OTHER
args 400/cmdline qemu-system-x86_64 -name other -net nic -net tap,ifname=tap10,script=no
ln -s /usr/bin/qemu-system-x86_64 400/exe
ln -s / 400/cwd
printf '0::/\n' > 400/cgroup
tun 400 9 tap10

proc 500 oldkernel 1 0 0 500500 $NET
args 500/cmdline /usr/bin/oldtool
ln -s /usr/bin/oldtool 500/exe
tun 500 4 -

proc 600 secret 1 0 0 600600 $NET
args 600/cmdline /usr/bin/secret
rm -rf 600/fd
: > 600/fd

proc 700 zombie 1 0 0 700700 $NET
: > 700/cmdline
tun 700 3 tap19

proc 800 qemu-system-x86 1 64055 106 800800 $NET
args 800/cmdline /usr/bin/qemu-system-x86_64 -m 256 \
	-object '{"qom-type":"secret","id":"masterKey0","format":"raw","file":"/var/lib/libvirt/qemu/domain-3-vm3/master-key.aes"}' \
	-netdev tap,fd=40,id=hostnet0
ln -s /usr/bin/qemu-system-x86_64 800/exe
ln -s / 800/cwd
printf '0::/\n' > 800/cgroup
tun 800 40 tap14
