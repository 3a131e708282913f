/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_qemu.c - the QEMU command-line model (qemu_parse), its default MAC
 * rule, names and hubs, and the fix (qemu_fix_argv) over a table of real
 * command lines: kvm-era, QEMU 2.x with vlan=, 3.x+ -netdev/-device, -nic,
 * hubports, libvirt (both syntaxes), user-mode, and the ones the fix must
 * refuse or leave alone.
 *
 * For every table entry: the NICs (device, hub, MAC, tap), whether a hub
 * is shared, the exact fixed argv for QEMU 7.2 and for QEMU 2.11, and that
 * the fixed argv read back shares no hub and keeps taps, models and MACs.
 * The facts the expectations rest on were checked against QEMU 7.2
 * (qemu-system-x86_64 "info network"); see the comments in src/core/qemu_*.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stpwatch/qemu.h"

#define SKIP 99
#define MAXA 64

struct nic_exp {
	const char *device;
	int hub;
	const char *mac;
	const char *tap;        /* its own tap, or the one it pairs with on its hub */
};

struct qcase {
	const char *name;
	const char *argv[MAXA];
	bool shares;
	unsigned n_nics;
	struct nic_exp nics[8];
	int rc3;                        /* qemu_fix_argv() for QEMU 7.2 */
	const char *fixed3[MAXA];
	int rc2;                        /* for QEMU 2.11 */
	const char *fixed2[MAXA];
	const char *why;                /* in the reason when refused */
};

static const struct qcase cases[] = {
	/* old kvm-era: one NIC, one tap, explicit MAC */
	{ .name = "kvm_era_single",
	  .argv = {
		"kvm", "-m", "512", "-hda", "x.img",
		"-net", "nic,model=virtio,macaddr=52:54:00:ab:00:01",
		"-net", "tap,ifname=tap0,script=/etc/qemu-ifup", NULL
	  },
	  .shares = false, .n_nics = 1,
	  .nics = { { "virtio-net-pci", 0, "52:54:00:ab:00:01", "tap0" } },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* the problem: two -net nic/-net tap pairs on hub 0 */
	{ .name = "kvm_era_shared",
	  .argv = {
		"kvm", "-m", "512", "-hda", "x.img", "-net", "nic,model=virtio",
		"-net", "tap,ifname=tap10,script=no", "-net", "nic,model=virtio",
		"-net", "tap,ifname=tap11,script=no", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "virtio-net-pci", 0, "52:54:00:12:34:56", "tap10" },
		{ "virtio-net-pci", 0, "52:54:00:12:34:57", "tap11" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"kvm", "-m", "512", "-hda", "x.img",
		"-device", "virtio-net-pci,netdev=stpw0,mac=52:54:00:12:34:56",
		"-netdev", "tap,id=stpw0,ifname=tap10,script=no",
		"-device", "virtio-net-pci,netdev=stpw1,mac=52:54:00:12:34:57",
		"-netdev", "tap,id=stpw1,ifname=tap11,script=no", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"kvm", "-m", "512", "-hda", "x.img",
		"-net", "nic,model=virtio,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "tap,ifname=tap10,script=no,vlan=0",
		"-net", "nic,model=virtio,vlan=1,macaddr=52:54:00:12:34:57",
		"-net", "tap,ifname=tap11,script=no,vlan=1", NULL
	  },
	},
	/* QEMU 2.x, one vlan per pair: healthy */
	{ .name = "qemu2_vlans_separate",
	  .argv = {
		"qemu-system-x86_64", "-enable-kvm", "-m", "1024",
		"-net", "nic,vlan=0,model=e1000,macaddr=52:54:00:00:00:10",
		"-net", "tap,vlan=0,ifname=tap0,script=no,downscript=no",
		"-net", "nic,vlan=1,model=virtio",
		"-net", "tap,vlan=1,ifname=tap1,script=no,downscript=no", NULL
	  },
	  .shares = false, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:00:00:10", "tap0" },
		{ "virtio-net-pci", 1, "52:54:00:12:34:56", "tap1" },
	  },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* QEMU 2.x, two pairs on vlan 1, user-mode on vlan 0 */
	{ .name = "qemu2_vlan_shared",
	  .argv = {
		"qemu-system-x86_64", "-enable-kvm", "-m", "1024",
		"-net", "nic,vlan=1,macaddr=52:54:00:00:01:01",
		"-net", "tap,vlan=1,ifname=tap20,script=no", "-net", "nic,vlan=1,model=rtl8139",
		"-net", "tap,vlan=1,ifname=tap21,script=no", "-net", "nic,vlan=0",
		"-net", "user,vlan=0", NULL
	  },
	  .shares = true, .n_nics = 3,
	  .nics = {
		{ "e1000", 1, "52:54:00:00:01:01", "tap20" },
		{ "rtl8139", 1, "52:54:00:12:34:56", "tap21" },
		{ "e1000", 0, "52:54:00:12:34:57", "" },
	  },
	  .rc3 = SKIP,
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-enable-kvm", "-m", "1024",
		"-net", "nic,vlan=1,macaddr=52:54:00:00:01:01",
		"-net", "tap,vlan=1,ifname=tap20,script=no",
		"-net", "nic,vlan=2,model=rtl8139,macaddr=52:54:00:12:34:56",
		"-net", "tap,vlan=2,ifname=tap21,script=no",
		"-net", "nic,vlan=0,macaddr=52:54:00:12:34:57", "-net", "user,vlan=0", NULL
	  },
	},
	/* QEMU 2.x, two shared vlans: new vlans do not collide */
	{ .name = "qemu2_two_shared_vlans",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic,vlan=0", "-net", "tap,vlan=0,ifname=tap0",
		"-net", "nic,vlan=0", "-net", "tap,vlan=0,ifname=tap1", "-net", "nic,vlan=1",
		"-net", "tap,vlan=1,ifname=tap2", "-net", "nic,vlan=1",
		"-net", "tap,vlan=1,ifname=tap3", NULL
	  },
	  .shares = true, .n_nics = 4,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap0" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap1" },
		{ "e1000", 1, "52:54:00:12:34:58", "tap2" },
		{ "e1000", 1, "52:54:00:12:34:59", "tap3" },
	  },
	  .rc3 = SKIP,
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-net", "nic,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "tap,vlan=0,ifname=tap0",
		"-net", "nic,vlan=2,macaddr=52:54:00:12:34:57",
		"-net", "tap,vlan=2,ifname=tap1",
		"-net", "nic,vlan=1,macaddr=52:54:00:12:34:58",
		"-net", "tap,vlan=1,ifname=tap2",
		"-net", "nic,vlan=3,macaddr=52:54:00:12:34:59",
		"-net", "tap,vlan=3,ifname=tap3", NULL
	  },
	},
	/* 3.x+ -netdev/-device */
	{ .name = "modern_healthy",
	  .argv = {
		"qemu-system-x86_64", "-machine", "q35,accel=kvm",
		"-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:00:01",
		"-netdev", "tap,id=n1,ifname=tap1,script=no,downscript=no,vhost=on,queues=4",
		"-device", "e1000e,netdev=n1", NULL
	  },
	  .shares = false, .n_nics = 2,
	  .nics = {
		{ "virtio-net-pci", -1, "52:54:00:12:00:01", "tap0" },
		{ "e1000e", -1, "52:54:00:12:34:56", "tap1" },
	  },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* -nic (2.12+): its own backend, no hub */
	{ .name = "nic_option",
	  .argv = {
		"qemu-system-x86_64",
		"-nic", "tap,ifname=tap5,script=no,downscript=no,model=virtio-net-pci",
		"-nic", "tap,ifname=tap6,model=e1000", NULL
	  },
	  .shares = false, .n_nics = 2,
	  .nics = {
		{ "virtio-net-pci", -1, "52:54:00:12:34:56", "tap5" },
		{ "e1000", -1, "52:54:00:12:34:57", "tap6" },
	  },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* -netdev hubport: two NICs and two taps on hub 0 */
	{ .name = "hubport_shared",
	  .argv = {
		"qemu-system-x86_64",
		"-netdev", "tap,id=t0,ifname=tap10,script=no,downscript=no",
		"-netdev", "tap,id=t1,ifname=tap11,script=no,downscript=no",
		"-netdev", "hubport,id=h0,hubid=0,netdev=t0",
		"-netdev", "hubport,id=h1,hubid=0,netdev=t1",
		"-netdev", "hubport,id=h2,hubid=0", "-netdev", "hubport,id=h3,hubid=0",
		"-device", "virtio-net-pci,netdev=h2", "-device", "e1000,netdev=h3", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "virtio-net-pci", 0, "52:54:00:12:34:56", "tap10" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap11" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64",
		"-netdev", "tap,id=t0,ifname=tap10,script=no,downscript=no",
		"-netdev", "tap,id=t1,ifname=tap11,script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=t0,mac=52:54:00:12:34:56",
		"-device", "e1000,netdev=t1,mac=52:54:00:12:34:57", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64",
		"-netdev", "tap,id=t0,ifname=tap10,script=no,downscript=no",
		"-netdev", "tap,id=t1,ifname=tap11,script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=t0,mac=52:54:00:12:34:56",
		"-device", "e1000,netdev=t1,mac=52:54:00:12:34:57", NULL
	  },
	},
	/* -netdev hubport: a hub per NIC, healthy */
	{ .name = "hubport_per_nic",
	  .argv = {
		"qemu-system-x86_64", "-netdev", "tap,id=t0,ifname=tap10",
		"-netdev", "hubport,id=h0,hubid=0,netdev=t0",
		"-netdev", "hubport,id=p0,hubid=0", "-device", "e1000,netdev=p0",
		"-netdev", "tap,id=t1,ifname=tap11",
		"-netdev", "hubport,id=h1,hubid=1,netdev=t1",
		"-netdev", "hubport,id=p1,hubid=1", "-device", "e1000,netdev=p1", NULL
	  },
	  .shares = false, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap10" },
		{ "e1000", 1, "52:54:00:12:34:57", "tap11" },
	  },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* -opt=value, --opt, ,, and options without argument in between */
	{ .name = "forms",
	  .argv = {
		"qemu-system-x86_64", "--net=nic,model=virtio", "-S",
		"--net", "tap,ifname=tap10,script=/etc/qemu,,ifup", "-daemonize",
		"-net", "nic,model=e1000", "-snapshot", "-nographic",
		"-net", "tap,ifname=tap11,script=no,downscript=no", "-enable-kvm", "disk.img",
		NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "virtio-net-pci", 0, "52:54:00:12:34:56", "tap10" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap11" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64",
		"--device", "virtio-net-pci,netdev=stpw0,mac=52:54:00:12:34:56", "-S",
		"--netdev", "tap,id=stpw0,ifname=tap10,script=/etc/qemu,,ifup", "-daemonize",
		"-device", "e1000,netdev=stpw1,mac=52:54:00:12:34:57", "-snapshot",
		"-nographic", "-netdev", "tap,id=stpw1,ifname=tap11,script=no,downscript=no",
		"-enable-kvm", "disk.img", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64",
		"--net", "nic,model=virtio,vlan=0,macaddr=52:54:00:12:34:56", "-S",
		"--net", "tap,ifname=tap10,script=/etc/qemu,,ifup,vlan=0", "-daemonize",
		"-net", "nic,model=e1000,vlan=1,macaddr=52:54:00:12:34:57", "-snapshot",
		"-nographic", "-net", "tap,ifname=tap11,script=no,downscript=no,vlan=1",
		"-enable-kvm", "disk.img", NULL
	  },
	},
	/* libvirt (QemuOpts syntax), fd= taps */
	{ .name = "libvirt_classic",
	  .argv = {
		"/usr/bin/qemu-system-x86_64", "-name", "guest=web1,debug-threads=on", "-S",
		"-machine", "pc-i440fx-2.11,accel=kvm,usb=off", "-m", "2048",
		"-realtime", "mlock=off", "-smp", "2,sockets=2,cores=1,threads=1",
		"-uuid", "8a0c2f4e-5b1d-4c53-9a0e-3f6d2b1c7e11", "-no-user-config",
		"-nodefaults",
		"-chardev", "socket,id=charmonitor,path=/var/lib/libvirt/qemu/domain-3-web1/monitor.sock,server,nowait",
		"-mon", "chardev=charmonitor,id=monitor,mode=control", "-rtc", "base=utc",
		"-no-shutdown", "-boot", "strict=on",
		"-device", "piix3-usb-uhci,id=usb,bus=pci.0,addr=0x1.0x2",
		"-drive", "file=/var/lib/libvirt/images/web1.qcow2,format=qcow2,if=none,id=drive-virtio-disk0",
		"-device", "virtio-blk-pci,scsi=off,bus=pci.0,addr=0x4,drive=drive-virtio-disk0,id=virtio-disk0,bootindex=1",
		"-drive", "file=/srv/iso/debian.iso,format=raw,if=none,id=drive-ide0-1-0,readonly=on",
		"-netdev", "tap,fd=28,id=hostnet0,vhost=on,vhostfd=30",
		"-device", "virtio-net-pci,netdev=hostnet0,id=net0,mac=52:54:00:3a:71:0e,bus=pci.0,addr=0x3",
		"-netdev", "tap,fd=31,id=hostnet1",
		"-device", "e1000,netdev=hostnet1,id=net1,mac=52:54:00:3a:71:0f,bus=pci.0,addr=0x5",
		"-chardev", "pty,id=charserial0",
		"-device", "isa-serial,chardev=charserial0,id=serial0", "-vnc", "127.0.0.1:0",
		"-device", "cirrus-vga,id=video0,bus=pci.0,addr=0x2", "-msg", "timestamp=on",
		NULL
	  },
	  .shares = false, .n_nics = 2,
	  .nics = {
		{ "virtio-net-pci", -1, "52:54:00:3a:71:0e", "" },
		{ "e1000", -1, "52:54:00:3a:71:0f", "" },
	  },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* libvirt (JSON syntax) */
	{ .name = "libvirt_json",
	  .argv = {
		"/usr/bin/qemu-system-x86_64", "-name", "guest=vm1,debug-threads=on", "-S",
		"-object", "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\",\"file\":\"/var/lib/libvirt/qemu/domain-1-vm1/master-key.aes\"}",
		"-machine", "pc-q35-7.2,usb=off,dump-guest-core=off", "-accel", "kvm",
		"-m", "1024", "-chardev", "socket,id=charmonitor,fd=25,server=on,wait=off",
		"-mon", "chardev=charmonitor,id=monitor,mode=control",
		"-blockdev", "{\"driver\":\"file\",\"filename\":\"/var/lib/libvirt/images/vm1.qcow2\",\"node-name\":\"libvirt-1-storage\",\"auto-read-only\":true,\"discard\":\"unmap\"}",
		"-blockdev", "{\"node-name\":\"libvirt-1-format\",\"read-only\":false,\"driver\":\"qcow2\",\"file\":\"libvirt-1-storage\"}",
		"-netdev", "{\"type\":\"tap\",\"fd\":\"28\",\"vhost\":true,\"vhostfd\":\"30\",\"id\":\"hostnet0\"}",
		"-device", "{\"driver\":\"virtio-net-pci\",\"netdev\":\"hostnet0\",\"id\":\"net0\",\"mac\":\"52:54:00:6b:3c:58\",\"bus\":\"pci.1\",\"addr\":\"0x0\"}",
		"-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
		"-msg", "timestamp=on", NULL
	  },
	  .shares = false, .n_nics = 1,
	  .nics = { { "virtio-net-pci", -1, "52:54:00:6b:3c:58", "" } },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* user-mode only */
	{ .name = "user_only",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic", "-net", "user,hostfwd=tcp::2222-:22", NULL
	  },
	  .shares = false, .n_nics = 1,
	  .nics = { { "e1000", 0, "52:54:00:12:34:56", "" } },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* -nic user */
	{ .name = "nic_user",
	  .argv = { "qemu-system-x86_64", "-nic", "user,model=virtio-net-pci", NULL },
	  .shares = false, .n_nics = 1,
	  .nics = { { "virtio-net-pci", -1, "52:54:00:12:34:56", "" } },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* no network option: the implicit -net nic -net user */
	{ .name = "default_net",
	  .argv = { "qemu-system-x86_64", "-m", "256", "disk.img", NULL },
	  .shares = false, .n_nics = 1,
	  .nics = { { "e1000", 0, "52:54:00:12:34:56", "" } },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* one NIC */
	{ .name = "one_nic",
	  .argv = {
		"qemu-system-x86_64", "-netdev", "tap,id=a,ifname=tap9",
		"-device", "rtl8139,netdev=a", NULL
	  },
	  .shares = false, .n_nics = 1,
	  .nics = { { "rtl8139", -1, "52:54:00:12:34:56", "tap9" } },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* two NICs, a tap and user-mode on one hub: shared, refused */
	{ .name = "shared_with_user",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic", "-net", "nic",
		"-net", "tap,ifname=tap10,script=no", "-net", "user", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap10" },
		{ "e1000", 0, "52:54:00:12:34:57", "" },
	  },
	  .rc3 = QEMU_FIX_REFUSED,
	  .rc2 = QEMU_FIX_REFUSED,
	  .why = "'user' backend",
	},
	/* one NIC, a tap and user-mode on one hub: not shared */
	{ .name = "one_tap_and_user",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic", "-net", "tap,ifname=tap10,script=no",
		"-net", "user", NULL
	  },
	  .shares = false, .n_nics = 1,
	  .nics = { { "e1000", 0, "52:54:00:12:34:56", "tap10" } },
	  .rc3 = QEMU_FIX_NOTHING,
	  .rc2 = QEMU_FIX_NOTHING,
	},
	/* shared, but the taps come as fd= */
	{ .name = "fd_taps",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic", "-net", "tap,fd=3", "-net", "nic",
		"-net", "tap,fd=4", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "" },
		{ "e1000", 0, "52:54:00:12:34:57", "" },
	  },
	  .rc3 = QEMU_FIX_REFUSED,
	  .rc2 = QEMU_FIX_REFUSED,
	  .why = "fd=",
	},
	/* three NICs, two taps */
	{ .name = "counts_differ",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic", "-net", "nic", "-net", "nic",
		"-net", "tap,ifname=tap10", "-net", "tap,ifname=tap11", NULL
	  },
	  .shares = true, .n_nics = 3,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap10" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap11" },
		{ "e1000", 0, "52:54:00:12:34:58", "" },
	  },
	  .rc3 = QEMU_FIX_REFUSED,
	  .rc2 = QEMU_FIX_REFUSED,
	  .why = "3 NICs and 2 taps",
	},
	/* shared, but -readconfig may hold more */
	{ .name = "readconfig",
	  .argv = {
		"qemu-system-x86_64", "-readconfig", "/etc/vm.cfg", "-net", "nic",
		"-net", "tap,ifname=tap1", "-net", "nic", "-net", "tap,ifname=tap2", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap1" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap2" },
	  },
	  .rc3 = QEMU_FIX_REFUSED,
	  .rc2 = QEMU_FIX_REFUSED,
	  .why = "-readconfig",
	},
	/* a -device NIC whose default MAC would move gets it pinned */
	{ .name = "mac_shift",
	  .argv = {
		"qemu-system-x86_64", "-device", "e1000,netdev=n0", "-netdev", "user,id=n0",
		"-net", "nic,model=virtio", "-net", "tap,ifname=tap10,script=no,downscript=no",
		"-net", "nic", "-net", "tap,ifname=tap11,script=no,downscript=no", NULL
	  },
	  .shares = true, .n_nics = 3,
	  .nics = {
		{ "e1000", -1, "52:54:00:12:34:58", "" },
		{ "virtio-net-pci", 0, "52:54:00:12:34:56", "tap10" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap11" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=n0,mac=52:54:00:12:34:58",
		"-netdev", "user,id=n0",
		"-device", "virtio-net-pci,netdev=stpw0,mac=52:54:00:12:34:56",
		"-netdev", "tap,id=stpw0,ifname=tap10,script=no,downscript=no",
		"-device", "e1000,netdev=stpw1,mac=52:54:00:12:34:57",
		"-netdev", "tap,id=stpw1,ifname=tap11,script=no,downscript=no", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=n0,mac=52:54:00:12:34:58",
		"-netdev", "user,id=n0",
		"-net", "nic,model=virtio,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "tap,ifname=tap10,script=no,downscript=no,vlan=0",
		"-net", "nic,vlan=1,macaddr=52:54:00:12:34:57",
		"-net", "tap,ifname=tap11,script=no,downscript=no,vlan=1", NULL
	  },
	},
	/* q35: -net nic is an e1000e */
	{ .name = "q35_default_model",
	  .argv = {
		"qemu-system-x86_64", "-M", "q35", "-net", "nic", "-net", "tap,ifname=tap10",
		"-net", "nic", "-net", "tap,ifname=tap11", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000e", 0, "52:54:00:12:34:56", "tap10" },
		{ "e1000e", 0, "52:54:00:12:34:57", "tap11" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64", "-M", "q35",
		"-device", "e1000e,netdev=stpw0,mac=52:54:00:12:34:56",
		"-netdev", "tap,id=stpw0,ifname=tap10",
		"-device", "e1000e,netdev=stpw1,mac=52:54:00:12:34:57",
		"-netdev", "tap,id=stpw1,ifname=tap11", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-M", "q35",
		"-net", "nic,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "tap,ifname=tap10,vlan=0",
		"-net", "nic,vlan=1,macaddr=52:54:00:12:34:57",
		"-net", "tap,ifname=tap11,vlan=1", NULL
	  },
	},
	/* -net bridge is a tap too */
	{ .name = "bridge",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic", "-net", "bridge,br=br0", "-net", "nic",
		"-net", "bridge,br=br1", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "" },
		{ "e1000", 0, "52:54:00:12:34:57", "" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=stpw0,mac=52:54:00:12:34:56",
		"-netdev", "bridge,id=stpw0,br=br0",
		"-device", "e1000,netdev=stpw1,mac=52:54:00:12:34:57",
		"-netdev", "bridge,id=stpw1,br=br1", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-net", "nic,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "bridge,br=br0,vlan=0", "-net", "nic,vlan=1,macaddr=52:54:00:12:34:57",
		"-net", "bridge,br=br1,vlan=1", NULL
	  },
	},
	/* addr=, vectors=, id= carried to -device where valid */
	{ .name = "nic_options",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic,model=virtio,addr=0x5,vectors=4,id=nic0",
		"-net", "tap,id=up0,ifname=tap0,script=no",
		"-net", "nic,model=e1000,vectors=2,addr=0:6",
		"-net", "tap,ifname=tap1,script=no,downscript=no,vhost=on", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "virtio-net-pci", 0, "52:54:00:12:34:56", "tap0" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap1" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64",
		"-device", "virtio-net-pci,netdev=up0,mac=52:54:00:12:34:56,addr=0x5,vectors=4,id=nic0",
		"-netdev", "tap,id=up0,ifname=tap0,script=no",
		"-device", "e1000,netdev=stpw0,mac=52:54:00:12:34:57,addr=6",
		"-netdev", "tap,id=stpw0,ifname=tap1,script=no,downscript=no,vhost=on", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64",
		"-net", "nic,model=virtio,addr=0x5,vectors=4,id=nic0,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "tap,id=up0,ifname=tap0,script=no,vlan=0",
		"-net", "nic,model=e1000,vectors=2,addr=0:6,vlan=1,macaddr=52:54:00:12:34:57",
		"-net", "tap,ifname=tap1,script=no,downscript=no,vhost=on,vlan=1", NULL
	  },
	},
	/* QEMU 2.x -device ...,vlan= */
	{ .name = "device_vlan",
	  .argv = {
		"qemu-system-x86_64", "-device", "e1000,vlan=0",
		"-device", "e1000,vlan=0,mac=52:54:00:00:00:09",
		"-net", "tap,vlan=0,ifname=tap1", "-net", "tap,vlan=0,ifname=tap2", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap1" },
		{ "e1000", 0, "52:54:00:00:00:09", "tap2" },
	  },
	  .rc3 = SKIP,
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=stpw0,mac=52:54:00:12:34:56",
		"-device", "e1000,mac=52:54:00:00:00:09,netdev=stpw1",
		"-netdev", "tap,id=stpw0,ifname=tap1", "-netdev", "tap,id=stpw1,ifname=tap2",
		NULL
	  },
	},
	/* -net dump on the hub: refused */
	{ .name = "dump_on_hub",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic", "-net", "tap,ifname=tap1", "-net", "nic",
		"-net", "tap,ifname=tap2", "-net", "dump,file=/tmp/x.pcap", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap1" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap2" },
	  },
	  .rc3 = SKIP,
	  .rc2 = QEMU_FIX_REFUSED,
	  .why = "'dump' backend",
	},
	/* explicit MACs stay */
	{ .name = "explicit_macs",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic,macaddr=52:54:00:aa:00:01",
		"-net", "tap,ifname=tap1",
		"-net", "nic,macaddr=52:54:00:aa:00:02,model=rtl8139",
		"-net", "tap,ifname=tap2", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:aa:00:01", "tap1" },
		{ "rtl8139", 0, "52:54:00:aa:00:02", "tap2" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=stpw0,mac=52:54:00:aa:00:01",
		"-netdev", "tap,id=stpw0,ifname=tap1",
		"-device", "rtl8139,netdev=stpw1,mac=52:54:00:aa:00:02",
		"-netdev", "tap,id=stpw1,ifname=tap2", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-net", "nic,macaddr=52:54:00:aa:00:01,vlan=0",
		"-net", "tap,ifname=tap1,vlan=0",
		"-net", "nic,macaddr=52:54:00:aa:00:02,model=rtl8139,vlan=1",
		"-net", "tap,ifname=tap2,vlan=1", NULL
	  },
	},
	/* unknown options kept opaque and in place */
	{ .name = "unknown_options",
	  .argv = {
		"qemu-system-x86_64", "-frobnicate", "7", "-net", "nic", "-xyzzy",
		"-net", "tap,ifname=tap1", "-net", "nic", "-net", "tap,ifname=tap2", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap1" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap2" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64", "-frobnicate", "7",
		"-device", "e1000,netdev=stpw0,mac=52:54:00:12:34:56", "-xyzzy",
		"-netdev", "tap,id=stpw0,ifname=tap1",
		"-device", "e1000,netdev=stpw1,mac=52:54:00:12:34:57",
		"-netdev", "tap,id=stpw1,ifname=tap2", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-frobnicate", "7",
		"-net", "nic,vlan=0,macaddr=52:54:00:12:34:56", "-xyzzy",
		"-net", "tap,ifname=tap1,vlan=0",
		"-net", "nic,vlan=1,macaddr=52:54:00:12:34:57",
		"-net", "tap,ifname=tap2,vlan=1", NULL
	  },
	},
	/* the same with QEMU 2.x name= and vlan= */
	{ .name = "nic_options_2x",
	  .argv = {
		"qemu-system-x86_64",
		"-net", "nic,model=virtio,addr=0x5,vectors=4,name=nic0,vlan=0",
		"-net", "tap,vlan=0,name=up0,ifname=tap0,script=no",
		"-net", "nic,model=e1000,vectors=2,addr=0:6",
		"-net", "tap,ifname=tap1,script=no,downscript=no,vhost=on", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "virtio-net-pci", 0, "52:54:00:12:34:56", "tap0" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap1" },
	  },
	  .rc3 = SKIP,
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64",
		"-net", "nic,model=virtio,addr=0x5,vectors=4,name=nic0,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "tap,vlan=0,name=up0,ifname=tap0,script=no",
		"-net", "nic,model=e1000,vectors=2,addr=0:6,vlan=1,macaddr=52:54:00:12:34:57",
		"-net", "tap,ifname=tap1,script=no,downscript=no,vhost=on,vlan=1", NULL
	  },
	},
	/* -device (QemuOpts and JSON) before the pairs, -nic between: every
	 * other NIC's default MAC would move, so it is pinned (checked on QEMU 7.2) */
	{ .name = "mixed_sources",
	  .argv = {
		"qemu-system-x86_64", "-device", "e1000,netdev=u0", "-netdev", "user,id=u0",
		"-device", "{\"driver\":\"rtl8139\",\"netdev\":\"u1\"}",
		"-netdev", "user,id=u1", "-net", "nic,model=virtio",
		"-net", "tap,ifname=tap10,script=no,downscript=no",
		"-nic", "tap,ifname=tap12,script=no,downscript=no,model=virtio-net-pci",
		"-net", "nic", "-net", "tap,ifname=tap11,script=no,downscript=no", NULL
	  },
	  .shares = true, .n_nics = 5,
	  .nics = {
		{ "e1000", -1, "52:54:00:12:34:59", "" },
		{ "rtl8139", -1, "52:54:00:12:34:5a", "" },
		{ "virtio-net-pci", 0, "52:54:00:12:34:57", "tap10" },
		{ "virtio-net-pci", -1, "52:54:00:12:34:56", "tap12" },
		{ "e1000", 0, "52:54:00:12:34:58", "tap11" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=u0,mac=52:54:00:12:34:59",
		"-netdev", "user,id=u0",
		"-device", "{\"mac\":\"52:54:00:12:34:5a\",\"driver\":\"rtl8139\",\"netdev\":\"u1\"}",
		"-netdev", "user,id=u1",
		"-device", "virtio-net-pci,netdev=stpw0,mac=52:54:00:12:34:57",
		"-netdev", "tap,id=stpw0,ifname=tap10,script=no,downscript=no",
		"-nic", "tap,ifname=tap12,script=no,downscript=no,model=virtio-net-pci",
		"-device", "e1000,netdev=stpw1,mac=52:54:00:12:34:58",
		"-netdev", "tap,id=stpw1,ifname=tap11,script=no,downscript=no", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=u0,mac=52:54:00:12:34:59",
		"-netdev", "user,id=u0",
		"-device", "{\"mac\":\"52:54:00:12:34:5a\",\"driver\":\"rtl8139\",\"netdev\":\"u1\"}",
		"-netdev", "user,id=u1",
		"-net", "nic,model=virtio,vlan=0,macaddr=52:54:00:12:34:57",
		"-net", "tap,ifname=tap10,script=no,downscript=no,vlan=0",
		"-nic", "tap,ifname=tap12,script=no,downscript=no,model=virtio-net-pci",
		"-net", "nic,vlan=1,macaddr=52:54:00:12:34:58",
		"-net", "tap,ifname=tap11,script=no,downscript=no,vlan=1", NULL
	  },
	},
	/* a healthy hubport hub stays; its NIC's MAC is pinned (checked on QEMU 7.2) */
	{ .name = "healthy_hub_pin",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic,model=e1000",
		"-net", "tap,ifname=tap10,script=no,downscript=no",
		"-netdev", "hubport,id=p1,hubid=1",
		"-device", "virtio-net-pci,netdev=p1,id=nic",
		"-netdev", "tap,id=t3,ifname=tap13,script=no,downscript=no",
		"-netdev", "hubport,id=p2,hubid=1,netdev=t3", "-net", "nic",
		"-net", "tap,ifname=tap11,script=no,downscript=no", NULL
	  },
	  .shares = true, .n_nics = 3,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap10" },
		{ "virtio-net-pci", 1, "52:54:00:12:34:58", "tap13" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap11" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=stpw0,mac=52:54:00:12:34:56",
		"-netdev", "tap,id=stpw0,ifname=tap10,script=no,downscript=no",
		"-netdev", "hubport,id=p1,hubid=1",
		"-device", "virtio-net-pci,netdev=p1,id=nic,mac=52:54:00:12:34:58",
		"-netdev", "tap,id=t3,ifname=tap13,script=no,downscript=no",
		"-netdev", "hubport,id=p2,hubid=1,netdev=t3",
		"-device", "e1000,netdev=stpw1,mac=52:54:00:12:34:57",
		"-netdev", "tap,id=stpw1,ifname=tap11,script=no,downscript=no", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64",
		"-net", "nic,model=e1000,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "tap,ifname=tap10,script=no,downscript=no,vlan=0",
		"-netdev", "hubport,id=p1,hubid=1",
		"-device", "virtio-net-pci,netdev=p1,id=nic,mac=52:54:00:12:34:58",
		"-netdev", "tap,id=t3,ifname=tap13,script=no,downscript=no",
		"-netdev", "hubport,id=p2,hubid=1,netdev=t3",
		"-net", "nic,vlan=2,macaddr=52:54:00:12:34:57",
		"-net", "tap,ifname=tap11,script=no,downscript=no,vlan=2", NULL
	  },
	},
	/* two taps with one name=: it cannot be both netdevs' id (QEMU refuses
	 * a duplicate, netdev= would find the first; found by fuzz_qemu.c) */
	{ .name = "duplicate_tap_names",
	  .argv = {
		"qemu-system-x86_64", "-net", "nic", "-net", "tap,name=up0,ifname=tap0",
		"-net", "nic", "-net", "tap,name=up0,ifname=tap1,vhost=on", NULL
	  },
	  .shares = true, .n_nics = 2,
	  .nics = {
		{ "e1000", 0, "52:54:00:12:34:56", "tap0" },
		{ "e1000", 0, "52:54:00:12:34:57", "tap1" },
	  },
	  .rc3 = QEMU_FIX_DONE,
	  .fixed3 = {
		"qemu-system-x86_64", "-device", "e1000,netdev=stpw0,mac=52:54:00:12:34:56",
		"-netdev", "tap,id=stpw0,ifname=tap0",
		"-device", "e1000,netdev=stpw1,mac=52:54:00:12:34:57",
		"-netdev", "tap,id=stpw1,ifname=tap1,vhost=on", NULL
	  },
	  .rc2 = QEMU_FIX_DONE,
	  .fixed2 = {
		"qemu-system-x86_64", "-net", "nic,vlan=0,macaddr=52:54:00:12:34:56",
		"-net", "tap,name=up0,ifname=tap0,vlan=0",
		"-net", "nic,vlan=1,macaddr=52:54:00:12:34:57",
		"-net", "tap,name=up0,ifname=tap1,vhost=on,vlan=1", NULL
	  },
	},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ---- helpers ---------------------------------------------------------- */

static int count(const char *const *v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

static void mac_str(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static bool is_tap(const struct qemu_netdev *d)
{
	return strcmp(d->type, "tap") == 0 || strcmp(d->type, "bridge") == 0;
}

/* The tap a NIC reaches: its own backend's, or on a hub the one at its rank. */
static const char *nic_tap(const struct qemu_model *m, unsigned i)
{
	const struct qemu_nic *n = &m->nics[i];
	if (n->hub < 0)
		return n->backend >= 0 && strcmp(m->netdevs[n->backend].type, "tap") == 0 ?
		       m->netdevs[n->backend].ifname : "";
	const struct qemu_hub *h = qemu_model_hub(m, n->hub);
	if (!h)
		return "";
	unsigned k = 0, t = 0;
	while (k < h->n_nics && h->nics[k] != (int)i)
		k++;
	for (unsigned b = 0; b < h->n_backends; b++) {
		const struct qemu_netdev *d = &m->netdevs[h->backends[b]];
		if (!is_tap(d))
			continue;
		if (t++ == k)
			return d->ifname;
	}
	return "";
}

static struct qemu_model *parse_ok(const char *const *argv)
{
	struct qemu_model *m = malloc(sizeof(*m));
	char err[200];
	assert_non_null(m);
	int rc = qemu_parse(m, argv, count(argv), err, sizeof(err));
	if (rc != 0)
		fail_msg("%s: parse failed: %s", argv[0], err);
	return m;
}

static void drop(struct qemu_model *m)
{
	qemu_model_free(m);
	free(m);
}

static void check_fix(const struct qcase *c, const struct qemu_model *m, int major, int minor,
		      int rc_want, const char *const *want)
{
	char **out = NULL;
	int outc = 0;
	char why[300];
	int argc = count(c->argv);
	int rc = qemu_fix_argv(m, c->argv, argc, major, minor, NULL, 0, &out, &outc, why, sizeof(why));
	if (rc != rc_want)
		fail_msg("%s @%d.%d: fix returned %d, want %d (%s)", c->name, major, minor, rc, rc_want, why);
	if (rc == QEMU_FIX_REFUSED || rc == QEMU_FIX_ERROR) {
		assert_null(out);
		if (c->why && !strstr(why, c->why))
			fail_msg("%s @%d.%d: reason \"%s\" lacks \"%s\"", c->name, major, minor, why, c->why);
		return;
	}
	assert_non_null(out);
	assert_null(out[outc]);
	if (rc == QEMU_FIX_NOTHING)
		want = c->argv;
	int n = count(want);
	for (int i = 0; i < n && i < outc; i++)
		if (strcmp(out[i], want[i]) != 0)
			fail_msg("%s @%d.%d: argv[%d] is \"%s\", want \"%s\"", c->name, major, minor,
				 i, out[i], want[i]);
	if (outc != n)
		fail_msg("%s @%d.%d: %d elements, want %d", c->name, major, minor, outc, n);

	/* read back: no shared hub, the same NICs with their taps, models and MACs */
	struct qemu_model *fm = parse_ok((const char *const *)out);
	if (fm->shares_hub)
		fail_msg("%s @%d.%d: the fixed argv still shares a hub", c->name, major, minor);
	assert_int_equal(fm->n_nics, m->n_nics);
	for (unsigned i = 0; i < m->n_nics; i++) {
		char a[18], b[18];
		mac_str(m->nics[i].mac, a);
		mac_str(fm->nics[i].mac, b);
		if (strcmp(a, b) != 0)
			fail_msg("%s @%d.%d: NIC %u MAC %s became %s", c->name, major, minor, i, a, b);
		if (strcmp(m->nics[i].device, fm->nics[i].device) != 0)
			fail_msg("%s @%d.%d: NIC %u model %s became %s", c->name, major, minor, i,
				 m->nics[i].device, fm->nics[i].device);
		if (strcmp(nic_tap(m, i), nic_tap(fm, i)) != 0)
			fail_msg("%s @%d.%d: NIC %u tap %s became %s", c->name, major, minor, i,
				 nic_tap(m, i), nic_tap(fm, i));
	}
	drop(fm);
	qemu_argv_free(out, outc);
}

static void test_case(void **state)
{
	const struct qcase *c = *state;
	struct qemu_model *m = parse_ok(c->argv);
	if (m->shares_hub != c->shares)
		fail_msg("%s: shares_hub %d, want %d", c->name, m->shares_hub, c->shares);
	if (m->n_nics != c->n_nics)
		fail_msg("%s: %u NICs, want %u", c->name, m->n_nics, c->n_nics);
	for (unsigned i = 0; i < c->n_nics; i++) {
		const struct nic_exp *e = &c->nics[i];
		char mac[18];
		mac_str(m->nics[i].mac, mac);
		if (strcmp(m->nics[i].device, e->device) != 0 || m->nics[i].hub != e->hub ||
		    strcmp(mac, e->mac) != 0 || strcmp(nic_tap(m, i), e->tap) != 0)
			fail_msg("%s: NIC %u is %s hub %d %s tap '%s', want %s hub %d %s tap '%s'",
				 c->name, i, m->nics[i].device, m->nics[i].hub, mac, nic_tap(m, i),
				 e->device, e->hub, e->mac, e->tap);
	}
	if (c->rc3 != SKIP)
		check_fix(c, m, 7, 2, c->rc3, c->fixed3);
	if (c->rc2 != SKIP)
		check_fix(c, m, 2, 11, c->rc2, c->fixed2);
	drop(m);
}

static const struct qcase *find_case(const char *name)
{
	for (size_t i = 0; i < N_CASES; i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	fail_msg("no case %s", name);
	return NULL;
}

/* ---- the default MAC rule, names and creation order -------------------- */

static void expect_nic(const struct qemu_model *m, unsigned i, const char *mac, const char *client)
{
	char s[18];
	assert_true(i < m->n_nics);
	mac_str(m->nics[i].mac, s);
	assert_string_equal(s, mac);
	assert_string_equal(m->nics[i].client, client);
}

/* net/net.c net_init_clients(): -nic, then -net nic, then -device (QemuOpts
 * syntax, then JSON); each MAC the lowest free 52:54:00:12:34:XX.  Every
 * expectation here is what QEMU 7.2 printed in "info network". */
static void test_mac_creation_order(void **state)
{
	(void)state;
	const char *a1[] = { "qemu", "-device", "e1000,netdev=n0",
		"-netdev", "tap,id=n0,ifname=tap10,script=no,downscript=no", "-net", "nic",
		"-net", "tap,ifname=tap11,script=no,downscript=no", NULL };
	struct qemu_model *m = parse_ok(a1);
	expect_nic(m, 0, "52:54:00:12:34:57", "e1000.1");      /* -device, created last */
	expect_nic(m, 1, "52:54:00:12:34:56", "e1000.0");
	drop(m);

	const char *a2[] = { "qemu", "-net", "nic,model=rtl8139",
		"-net", "tap,ifname=tap10,script=no,downscript=no",
		"-nic", "tap,ifname=tap12,script=no,downscript=no,model=virtio-net-pci", NULL };
	m = parse_ok(a2);
	expect_nic(m, 0, "52:54:00:12:34:57", "rtl8139.0");
	expect_nic(m, 1, "52:54:00:12:34:56", "virtio-net-pci.0");  /* -nic first */
	drop(m);

	const char *a4[] = { "qemu", "-netdev", "tap,id=n0,ifname=tap10",
		"-netdev", "tap,id=n1,ifname=tap11",
		"-device", "{\"driver\":\"e1000\",\"netdev\":\"n0\"}", "-device", "rtl8139,netdev=n1", NULL };
	m = parse_ok(a4);
	expect_nic(m, 0, "52:54:00:12:34:57", "e1000.0");      /* JSON after QemuOpts */
	expect_nic(m, 1, "52:54:00:12:34:56", "rtl8139.0");
	assert_int_equal(m->nics[0].kind, QEMU_NIC_DEVICE_JSON);
	drop(m);

	/* "-net nic,id=" does not name the NIC; -device id= does; MODEL.N counts them all */
	const char *a12[] = { "qemu", "-netdev", "tap,id=t0,ifname=tap10",
		"-device", "virtio-net-pci,netdev=t0,id=net0", "-device", "virtio-net-pci",
		"-net", "nic,model=virtio-net-pci,id=foo", "-net", "tap,ifname=tap11", NULL };
	m = parse_ok(a12);
	expect_nic(m, 0, "52:54:00:12:34:57", "net0");
	expect_nic(m, 1, "52:54:00:12:34:58", "virtio-net-pci.2");
	expect_nic(m, 2, "52:54:00:12:34:56", "virtio-net-pci.0");
	drop(m);

	/* q35: e1000e by default, for -nic as for -net nic */
	const char *a8[] = { "qemu", "-M", "q35", "-net", "nic", "-net", "tap,ifname=tap10",
		"-nic", "tap,ifname=tap11", NULL };
	m = parse_ok(a8);
	expect_nic(m, 0, "52:54:00:12:34:57", "e1000e.1");
	expect_nic(m, 1, "52:54:00:12:34:56", "e1000e.0");
	drop(m);
}

/* An explicit 52:54:00:12:34:XX of a NIC created earlier takes XX; one
 * created later does not, and QEMU hands out a duplicate (seen on 7.2). */
static void test_mac_explicit_slots(void **state)
{
	(void)state;
	const char *a[] = { "qemu", "-net", "nic,macaddr=52:54:00:12:34:57", "-net", "nic",
		"-net", "nic", "-net", "tap,ifname=tap11", NULL };
	struct qemu_model *m = parse_ok(a);
	expect_nic(m, 0, "52:54:00:12:34:57", "e1000.0");
	assert_true(m->nics[0].mac_explicit);
	expect_nic(m, 1, "52:54:00:12:34:56", "e1000.1");
	expect_nic(m, 2, "52:54:00:12:34:58", "e1000.2");

	/* the older rules */
	qemu_model_default_macs(m, QEMU_MAC_RULE_COUNTER);
	expect_nic(m, 1, "52:54:00:12:34:56", "e1000.1");
	expect_nic(m, 2, "52:54:00:12:34:57", "e1000.2");
	qemu_model_default_macs(m, QEMU_MAC_RULE_NET_INDEX);
	expect_nic(m, 0, "52:54:00:12:34:57", "e1000.0");
	expect_nic(m, 1, "52:54:00:12:34:57", "e1000.1");
	expect_nic(m, 2, "52:54:00:12:34:58", "e1000.2");
	drop(m);

	const char *b[] = { "qemu", "-device", "e1000,netdev=n0,mac=52:54:00:12:34:56",
		"-netdev", "tap,id=n0,ifname=tap10", "-net", "nic", "-net", "tap,ifname=tap11", NULL };
	m = parse_ok(b);
	expect_nic(m, 0, "52:54:00:12:34:56", "e1000.1");
	expect_nic(m, 1, "52:54:00:12:34:56", "e1000.0");
	drop(m);

	/* the NIC behind the implicit "-net nic -net user" takes :56 first */
	const char *c[] = { "qemu", "-device", "rtl8139", NULL };
	m = parse_ok(c);
	assert_true(m->default_net);
	assert_int_equal(m->n_nics, 2);
	expect_nic(m, 0, "52:54:00:12:34:57", "rtl8139.0");
	expect_nic(m, 1, "52:54:00:12:34:56", "e1000.0");
	assert_int_equal(m->nics[1].kind, QEMU_NIC_DEFAULT);
	drop(m);

	const char *d[] = { "qemu", "-nodefaults", "-device", "rtl8139", NULL };
	m = parse_ok(d);
	assert_false(m->default_net);
	expect_nic(m, 0, "52:54:00:12:34:56", "rtl8139.0");
	drop(m);
}

/* ---- info network ----------------------------------------------------- */

static void test_info_network(void **state)
{
	(void)state;
	/* QEMU 7.2, for the first command line of test_mac_creation_order */
	const char *text =
		"hub 0\r\n"
		" \\ hub0port1: #net179: index=0,type=tap,ifname=tap11,script=no,downscript=no\r\n"
		" \\ hub0port0: e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:56\r\n"
		"e1000.1: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:57\r\n"
		" \\ n0: index=0,type=tap,ifname=tap10,script=no,downscript=no\r\n";
	const char *a1[] = { "qemu", "-device", "e1000,netdev=n0",
		"-netdev", "tap,id=n0,ifname=tap10,script=no,downscript=no", "-net", "nic",
		"-net", "tap,ifname=tap11,script=no,downscript=no", NULL };
	struct qemu_model *m = parse_ok(a1);
	struct qemu_nic_mac got[4];
	size_t n = qemu_macs_from_info_network(m, text, got, 4);
	assert_int_equal(n, 2);
	char s[18];
	assert_int_equal(got[0].nic, 1);                /* "-net nic" is e1000.0 */
	mac_str(got[0].mac, s);
	assert_string_equal(s, "52:54:00:12:34:56");
	assert_int_equal(got[1].nic, 0);                /* the -device is e1000.1 */
	mac_str(got[1].mac, s);
	assert_string_equal(s, "52:54:00:12:34:57");
	for (size_t k = 0; k < n; k++)                  /* and the model agrees */
		assert_memory_equal(got[k].mac, m->nics[got[k].nic].mac, 6);
	assert_int_equal(qemu_macs_from_info_network(m, text, got, 1), 1);
	drop(m);

	/* older QEMU: no port name before the client name */
	const char *old = "hub 0\n \\ e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:aa:bb:cc\n"
			  " \\ hub0port1: index=0,type=tap,ifname=tap0,script=no\n";
	const char *a[] = { "qemu", "-net", "nic", "-net", "tap,ifname=tap0", NULL };
	m = parse_ok(a);
	assert_int_equal(qemu_macs_from_info_network(m, old, got, 4), 1);
	assert_int_equal(got[0].nic, 0);
	assert_int_equal(got[0].mac[5], 0xcc);
	drop(m);
}

/* The MACs the monitor reports win over the default rule. */
static void test_fix_actual_macs(void **state)
{
	(void)state;
	const struct qcase *c = find_case("kvm_era_shared");
	struct qemu_model *m = parse_ok(c->argv);
	struct qemu_nic_mac act[2] = {
		{ 0, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x60 } },
		{ 1, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x61 } },
	};
	char **out;
	int outc;
	char why[200];
	assert_int_equal(qemu_fix_argv(m, c->argv, count(c->argv), 7, 2, act, 2, &out, &outc,
				       why, sizeof(why)), QEMU_FIX_DONE);
	assert_string_equal(out[6], "virtio-net-pci,netdev=stpw0,mac=52:54:00:12:34:60");
	assert_string_equal(out[10], "virtio-net-pci,netdev=stpw1,mac=52:54:00:12:34:61");
	qemu_argv_free(out, outc);
	assert_int_equal(qemu_fix_argv(m, c->argv, count(c->argv), 2, 11, act, 2, &out, &outc,
				       why, sizeof(why)), QEMU_FIX_DONE);
	assert_string_equal(out[6], "nic,model=virtio,vlan=0,macaddr=52:54:00:12:34:60");
	assert_string_equal(out[10], "nic,model=virtio,vlan=1,macaddr=52:54:00:12:34:61");
	qemu_argv_free(out, outc);
	drop(m);

	/* An explicit mac= stays, whatever the guest set since: on the hub and
	 * off it (there it was QEMU_FIX_ERROR, "NIC 0 changed MAC"; found by
	 * fuzz_qemu.c) */
	const char *a[] = { "qemu", "-net", "nic,vlan=2,macaddr=52:54:00:aa:00:07",
		"-net", "nic,macaddr=52:54:00:aa:00:08", "-net", "tap,ifname=tap1",
		"-net", "nic", "-net", "tap,ifname=tap2", NULL };
	struct qemu_nic_mac guest[3] = {
		{ 0, { 0x02, 0x00, 0x00, 0x00, 0x00, 0x07 } },
		{ 1, { 0x02, 0x00, 0x00, 0x00, 0x00, 0x08 } },
		{ 2, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x62 } },
	};
	m = parse_ok(a);
	assert_int_equal(qemu_fix_argv(m, a, count(a), 7, 2, guest, 3, &out, &outc,
				       why, sizeof(why)), QEMU_FIX_DONE);
	assert_string_equal(out[2], "nic,vlan=2,macaddr=52:54:00:aa:00:07");
	assert_string_equal(out[4], "e1000,netdev=stpw0,mac=52:54:00:aa:00:08");
	assert_string_equal(out[8], "e1000,netdev=stpw1,mac=52:54:00:12:34:62");
	qemu_argv_free(out, outc);
	assert_int_equal(qemu_fix_argv(m, a, count(a), 2, 11, guest, 3, &out, &outc,
				       why, sizeof(why)), QEMU_FIX_DONE);
	assert_string_equal(out[2], "nic,vlan=2,macaddr=52:54:00:aa:00:07");
	assert_string_equal(out[4], "nic,macaddr=52:54:00:aa:00:08,vlan=0");
	assert_string_equal(out[8], "nic,vlan=1,macaddr=52:54:00:12:34:62");
	qemu_argv_free(out, outc);
	drop(m);
}

static void test_fix_errors(void **state)
{
	(void)state;
	const struct qcase *c = find_case("kvm_era_shared");
	struct qemu_model *m = parse_ok(c->argv);
	char **out = (char **)1;
	int outc = 7;
	char why[200];
	/* the model of another argv */
	assert_int_equal(qemu_fix_argv(m, c->argv, count(c->argv) - 1, 7, 2, NULL, 0, &out, &outc,
				       why, sizeof(why)), QEMU_FIX_ERROR);
	assert_null(out);
	assert_int_equal(outc, 0);
	drop(m);

	/* more NICs than the model holds: refused, never half-fixed */
	const char *big[2 + 2 * (QEMU_MAX_NICS + 2) + 4];
	int n = 0;
	big[n++] = "qemu";
	for (int i = 0; i < QEMU_MAX_NICS + 2; i++) {
		big[n++] = "-net";
		big[n++] = "nic";
	}
	big[n++] = "-net";
	big[n++] = "tap,ifname=tap1";
	big[n++] = "-net";
	big[n++] = "tap,ifname=tap2";
	big[n] = NULL;
	m = parse_ok(big);
	assert_true(m->truncated);
	assert_int_equal(m->n_nics, QEMU_MAX_NICS);
	assert_true(m->shares_hub);
	assert_int_equal(qemu_fix_argv(m, big, n, 7, 2, NULL, 0, &out, &outc, why, sizeof(why)),
			 QEMU_FIX_REFUSED);
	assert_non_null(strstr(why, "fix by hand"));
	drop(m);
}

/* ---- option strings, JSON, tables ------------------------------------- */

static void test_opts(void **state)
{
	(void)state;
	const char *s = "nic,model=virtio,name=a,,b,,,vhost,novnet_hdr,script=/etc/qemu,,ifup";
	char v[64];
	assert_true(qemu_opts_get(s, "type", "type", v, sizeof(v)));
	assert_string_equal(v, "nic");
	assert_true(qemu_opts_get(s, "type", "name", v, sizeof(v)));
	assert_string_equal(v, "a,b,");
	assert_true(qemu_opts_get(s, "type", "vhost", v, sizeof(v)));
	assert_string_equal(v, "on");
	assert_true(qemu_opts_get(s, "type", "vnet_hdr", v, sizeof(v)));
	assert_string_equal(v, "off");
	assert_true(qemu_opts_get(s, "type", "script", v, sizeof(v)));
	assert_string_equal(v, "/etc/qemu,ifup");
	assert_false(qemu_opts_get(s, "type", "ifname", v, sizeof(v)));
	assert_false(qemu_opts_get(s, "type", "script", v, 5));   /* does not fit */
	/* the last one wins; an explicit type= is the implied key */
	assert_true(qemu_opts_get("type=tap,ifname=a,ifname=b", "type", "ifname", v, sizeof(v)));
	assert_string_equal(v, "b");
	assert_true(qemu_opts_get("type=tap", "type", "type", v, sizeof(v)));
	assert_string_equal(v, "tap");

	size_t pos = 0;
	struct qemu_kv kv;
	unsigned n = 0;
	while (qemu_opts_next(s, &pos, &kv))
		n++;
	assert_int_equal(n, 6);
	pos = 0;
	assert_true(qemu_opts_next("", &pos, &kv) == false);
}

static void test_json(void **state)
{
	(void)state;
	const char *j = "{ \"driver\" : \"virtio-net-pci\", \"nested\": {\"mac\": \"x\"},"
			" \"n\": 30, \"b\": true, \"esc\": \"a\\\"b\\\\c\\u0041\", \"mac\":\"52:54:00:6b:3c:58\" }";
	char v[64];
	assert_true(qemu_json_get(j, "driver", v, sizeof(v)));
	assert_string_equal(v, "virtio-net-pci");
	assert_true(qemu_json_get(j, "mac", v, sizeof(v)));
	assert_string_equal(v, "52:54:00:6b:3c:58");      /* not the nested one */
	assert_true(qemu_json_get(j, "n", v, sizeof(v)));
	assert_string_equal(v, "30");
	assert_true(qemu_json_get(j, "b", v, sizeof(v)));
	assert_string_equal(v, "true");
	assert_true(qemu_json_get(j, "esc", v, sizeof(v)));
	assert_string_equal(v, "a\"b\\cA");
	assert_false(qemu_json_get(j, "nested", v, sizeof(v)));
	assert_true(qemu_json_has(j, "nested"));
	assert_false(qemu_json_get(j, "missing", v, sizeof(v)));
	assert_false(qemu_json_get("{\"a\": \"unterminated", "a", v, sizeof(v)));
	assert_false(qemu_json_get("not json", "a", v, sizeof(v)));
}

static void test_tables(void **state)
{
	(void)state;
	/* qemu-options.hx: HAS_ARG or not (checked against QEMU 7.2) */
	const char *no_arg[] = { "S", "daemonize", "snapshot", "nographic", "enable-kvm",
		"nodefaults", "no-user-config", "no-shutdown", "no-reboot", "usb", "s",
		"no-kvm", "nodefconfig", "sdl", "curses", "localtime", NULL };
	const char *with_arg[] = { "net", "netdev", "nic", "device", "drive", "hda", "m", "name",
		"pidfile", "qmp", "monitor", "mon", "chardev", "readconfig", "machine", "M",
		"blockdev", "cdrom", "vnc", "smp", "L", "soundhw", "balloon", NULL };
	for (int i = 0; no_arg[i]; i++)
		assert_int_equal(qemu_option_takes_arg(no_arg[i]), 0);
	for (int i = 0; with_arg[i]; i++)
		assert_int_equal(qemu_option_takes_arg(with_arg[i]), 1);
	assert_int_equal(qemu_option_takes_arg("frobnicate"), -1);

	assert_string_equal(qemu_nic_device("virtio"), "virtio-net-pci");
	assert_string_equal(qemu_nic_device("e1000"), "e1000");
	assert_string_equal(qemu_nic_device("ne2k_pci"), "ne2k_pci");
	assert_null(qemu_nic_device("smc91c111"));

	assert_string_equal(qemu_default_nic("", -1, 0), "e1000");
	assert_string_equal(qemu_default_nic("pc-i440fx-7.2", 7, 2), "e1000");
	assert_string_equal(qemu_default_nic("q35", -1, 0), "e1000e");
	assert_string_equal(qemu_default_nic("q35", 2, 11), "e1000");
	assert_string_equal(qemu_default_nic("pc-q35-2.11", 7, 2), "e1000");
	assert_string_equal(qemu_default_nic("pc-q35-2.12", 7, 2), "e1000e");

	uint8_t mac[6];
	assert_true(qemu_parse_mac("52:54:00:AB:cd:0f", mac));
	assert_int_equal(mac[3], 0xab);
	assert_true(qemu_parse_mac("52-54-00-12-34-56", mac));
	assert_false(qemu_parse_mac("52:54:00:12:34", mac));
	assert_false(qemu_parse_mac("52:54:00:12:34:567", mac));
	assert_false(qemu_parse_mac("52:54:00:12:34:56:", mac));
}

/* ---- the rest of the model -------------------------------------------- */

static void test_parse_errors(void **state)
{
	(void)state;
	struct qemu_model m;
	char err[200];
	const char *a[] = { "qemu", "-m", "512", "-net", NULL };
	assert_int_equal(qemu_parse(&m, a, 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "argv[3]"));
	qemu_model_free(&m);

	const char *b[] = { "qemu", "-device", "e1000,netdev=nope", NULL };
	assert_int_equal(qemu_parse(&m, b, 3, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nope"));
	qemu_model_free(&m);

	/* -readconfig may define it */
	const char *c[] = { "qemu", "-readconfig", "/etc/x.cfg", "-device", "e1000,netdev=nope", NULL };
	assert_int_equal(qemu_parse(&m, c, 5, err, sizeof(err)), 0);
	assert_string_equal(m.readconfig, "/etc/x.cfg");
	qemu_model_free(&m);

	assert_int_equal(qemu_parse(&m, a, 0, err, sizeof(err)), -1);
	qemu_model_free(&m);
}

static void test_monitors_and_flags(void **state)
{
	(void)state;
	const char *a[] = { "kvm", "-name", "web,,1,process=qemu-web", "-pidfile", "/run/web.pid",
		"-daemonize", "-S", "-qmp", "unix:/run/web.qmp,server,nowait",
		"-monitor", "tcp:127.0.0.1:4444,server,nowait", "-serial", "mon:stdio",
		"-chardev", "socket,id=mon1,path=/run/web.mon,server=on,wait=off",
		"-mon", "chardev=mon1,mode=control", "-mon", "mon1",
		"-qmp", "chardev:mon1", "-monitor", "none", NULL };
	struct qemu_model *m = parse_ok(a);
	assert_string_equal(m->name, "web,1");
	assert_string_equal(m->pidfile, "/run/web.pid");
	assert_true(m->daemonize);
	assert_true(m->paused);
	assert_int_equal(m->n_monitors, 6);
	assert_true(m->monitors[0].qmp);
	assert_int_equal(m->monitors[0].kind, QEMU_MON_UNIX);
	assert_string_equal(m->monitors[0].path, "/run/web.qmp");
	assert_true(m->monitors[0].server);
	assert_false(m->monitors[1].qmp);
	assert_int_equal(m->monitors[1].kind, QEMU_MON_TCP);
	assert_string_equal(m->monitors[1].host, "127.0.0.1");
	assert_string_equal(m->monitors[1].port, "4444");
	assert_int_equal(m->monitors[2].kind, QEMU_MON_STDIO);
	/* -mon and chardev: after the others, in argv order */
	assert_true(m->monitors[3].qmp);
	assert_string_equal(m->monitors[3].path, "/run/web.mon");
	assert_false(m->monitors[4].qmp);
	assert_true(m->monitors[5].qmp);
	assert_int_equal(m->monitors[5].argi, 19);
	drop(m);
}

static void test_disks(void **state)
{
	(void)state;
	struct {
		const char *argv[12];
		unsigned n;
		bool writable;
	} t[] = {
		{ { "qemu", "disk.img", NULL }, 1, true },
		{ { "qemu", "-snapshot", "disk.img", NULL }, 1, false },
		{ { "qemu", "-hda", "a.img", "-snapshot", NULL }, 1, false },
		{ { "qemu", "-snapshot", "-drive", "file=a.img,snapshot=off", NULL }, 1, true },
		{ { "qemu", "-drive", "file=a.img,readonly=on", NULL }, 1, false },
		{ { "qemu", "-drive", "file=a.img,readonly", NULL }, 1, false },
		{ { "qemu", "-drive", "file=a.iso,media=cdrom", "-cdrom", "b.iso", NULL }, 2, false },
		{ { "qemu", "-drive", "if=ide,index=1,media=cdrom", NULL }, 0, false },
		{ { "qemu", "-drive", "file.filename=a.img,file.driver=file", NULL }, 1, true },
		{ { "qemu", "-blockdev", "driver=file,filename=a.img,node-name=f,read-only=on", NULL },
		  1, false },
		{ { "qemu", "-snapshot", "-blockdev", "{\"driver\":\"file\",\"filename\":\"a\"}", NULL },
		  1, true },
		{ { "qemu", "-blockdev", "{\"driver\":\"file\",\"filename\":\"a\",\"read-only\":true}",
		    NULL }, 1, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct qemu_model *m = parse_ok(t[i].argv);
		if (m->n_disks != t[i].n || m->writable_disk != t[i].writable)
			fail_msg("disk case %zu: %u disks writable %d", i, m->n_disks, m->writable_disk);
		drop(m);
	}
}

static void test_forms(void **state)
{
	(void)state;
	const struct qcase *c = find_case("forms");
	struct qemu_model *m = parse_ok(c->argv);
	assert_int_equal(m->n_eq_forms, 1);
	assert_int_equal(m->nics[0].at.opt, 1);
	assert_int_equal(m->nics[0].at.val, 1);
	assert_true(m->paused);
	assert_true(m->daemonize);
	assert_true(m->snapshot);
	assert_false(m->writable_disk);
	assert_string_equal(m->netdevs[0].script, "/etc/qemu,ifup");
	drop(m);

	c = find_case("unknown_options");
	m = parse_ok(c->argv);
	assert_int_equal(m->n_unknown, 2);
	assert_int_equal(m->first_unknown, 1);
	assert_int_equal(m->nics[0].at.opt, 3);      /* "7" went with -frobnicate */
	drop(m);
}

static void test_backends(void **state)
{
	(void)state;
	const struct qcase *c = find_case("libvirt_classic");
	struct qemu_model *m = parse_ok(c->argv);
	assert_int_equal(m->n_netdevs, 2);
	assert_true(m->netdevs[0].fd);
	assert_true(m->netdevs[0].vhost);
	assert_string_equal(m->netdevs[0].id, "hostnet0");
	assert_int_equal(m->nics[0].backend, 0);
	assert_true(m->nics[0].mac_explicit);
	assert_string_equal(m->nics[0].client, "net0");
	assert_true(m->nodefaults);
	assert_false(m->default_net);
	assert_true(m->writable_disk);
	assert_int_equal(m->n_disks, 2);
	assert_string_equal(m->name, "web1");
	assert_string_equal(m->machine, "pc-i440fx-2.11");
	assert_int_equal(m->n_monitors, 1);
	assert_string_equal(m->monitors[0].path, "/var/lib/libvirt/qemu/domain-3-web1/monitor.sock");
	drop(m);

	c = find_case("libvirt_json");
	m = parse_ok(c->argv);
	assert_int_equal(m->netdevs[0].kind, QEMU_ND_NETDEV_JSON);
	assert_true(m->netdevs[0].fd);
	assert_true(m->netdevs[0].vhost);
	assert_int_equal(m->nics[0].backend, 0);
	assert_int_equal(m->n_monitors, 1);
	assert_null(m->monitors[0].path);            /* the socket comes as fd= */
	drop(m);

	c = find_case("modern_healthy");
	m = parse_ok(c->argv);
	assert_int_equal(m->netdevs[1].queues, 4);
	assert_true(m->netdevs[1].vhost);
	assert_string_equal(m->netdevs[1].script, "no");
	assert_string_equal(m->netdevs[1].downscript, "no");
	drop(m);

	c = find_case("hubport_shared");
	m = parse_ok(c->argv);
	assert_int_equal(m->netdevs[2].peer, 0);     /* h0 -> t0 */
	assert_int_equal(m->netdevs[0].hub, 0);
	assert_int_equal(m->n_hubs, 1);
	assert_int_equal(m->hubs[0].n_taps, 2);
	drop(m);
}

static void test_vm_info(void **state)
{
	(void)state;
	struct vm_info vi;
	memset(&vi, 0, sizeof(vi));
	vi.pid = 42;
	const struct qcase *c = find_case("qemu2_vlan_shared");
	struct qemu_model *m = parse_ok(c->argv);
	assert_int_equal(qemu_model_to_vm_info(m, &vi), 0);
	assert_int_equal(vi.pid, 42);
	assert_int_equal(vi.n_nics, 2);
	assert_string_equal(vi.nics[0].tap, "tap20");
	assert_int_equal(vi.nics[0].hub, 1);
	assert_true(vi.nics[0].have_mac);
	assert_int_equal(vi.nics[0].mac[5], 0x01);
	assert_string_equal(vi.nics[1].tap, "tap21");
	assert_int_equal(vi.nics[1].mac[5], 0x56);
	drop(m);

	c = find_case("modern_healthy");
	m = parse_ok(c->argv);
	assert_int_equal(qemu_model_to_vm_info(m, &vi), 0);
	assert_int_equal(vi.n_nics, 2);
	assert_int_equal(vi.nics[0].hub, -1);
	assert_string_equal(vi.nics[1].tap, "tap1");
	drop(m);

	/* taps beyond the NICs of a hub come without a MAC */
	const char *a[] = { "qemu", "-net", "nic", "-net", "tap,ifname=t1",
		"-net", "tap,ifname=t2", NULL };
	m = parse_ok(a);
	assert_int_equal(qemu_model_to_vm_info(m, &vi), 0);
	assert_int_equal(vi.n_nics, 2);
	assert_true(vi.nics[0].have_mac);
	assert_false(vi.nics[1].have_mac);
	assert_int_equal(vi.nics[1].hub, 0);
	drop(m);
}

static void test_version(void **state)
{
	(void)state;
	int a = 0, b = 0;
	assert_int_equal(qemu_version_from_banner(
		"QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\n"
		"Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n", &a, &b), 0);
	assert_int_equal(a, 7);
	assert_int_equal(b, 2);
	assert_int_equal(qemu_version_from_banner(
		"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 19, \"minor\": 2, \"major\": 7}, "
		"\"package\": \"Debian 1:7.2+dfsg-7+deb12u18\"}, \"capabilities\": [\"oob\"]}}", &a, &b), 0);
	assert_int_equal(a, 7);
	assert_int_equal(b, 2);
	assert_int_equal(qemu_version_from_banner("QEMU PC emulator version 0.12.5 (qemu-kvm-0.12.5), "
						  "Copyright (c) 2003-2008 Fabrice Bellard", &a, &b), 0);
	assert_int_equal(a, 0);
	assert_int_equal(b, 12);
	assert_int_equal(qemu_version_from_banner(
		"QEMU emulator version 2.11.1(Debian 1:2.11+dfsg-1ubuntu7.41)", &a, &b), 0);
	assert_int_equal(a, 2);
	assert_int_equal(b, 11);
	assert_int_equal(qemu_version_from_banner("{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 13, "
						  "\"major\": 0}, \"package\": \"\"}}", &a, &b), 0);
	assert_int_equal(b, 13);
	assert_int_equal(qemu_version_from_banner("no version here", &a, &b), -1);
	assert_int_equal(qemu_version_from_banner(NULL, &a, &b), -1);
}

static void test_explain(void **state)
{
	(void)state;
	const struct qcase *c = find_case("kvm_era_shared");
	char buf[2048];
	int n = qemu_explain(c->argv, count(c->argv), c->fixed3, count(c->fixed3), buf, sizeof(buf));
	const char *want =
		"- argv[5..6]: -net nic,model=virtio\n"
		"- argv[7..8]: -net tap,ifname=tap10,script=no\n"
		"- argv[9..10]: -net nic,model=virtio\n"
		"- argv[11..12]: -net tap,ifname=tap11,script=no\n"
		"+ argv[5..6]: -device virtio-net-pci,netdev=stpw0,mac=52:54:00:12:34:56\n"
		"+ argv[7..8]: -netdev tap,id=stpw0,ifname=tap10,script=no\n"
		"+ argv[9..10]: -device virtio-net-pci,netdev=stpw1,mac=52:54:00:12:34:57\n"
		"+ argv[11..12]: -netdev tap,id=stpw1,ifname=tap11,script=no\n";
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));

	/* only what changed, quoted for a shell; truncation reports the length */
	c = find_case("mac_shift");
	n = qemu_explain(c->argv, count(c->argv), c->fixed3, count(c->fixed3), buf, sizeof(buf));
	assert_non_null(strstr(buf, "- argv[1..2]: -device e1000,netdev=n0\n"
				    "+ argv[1..2]: -device e1000,netdev=n0,mac=52:54:00:12:34:58\n"));
	assert_null(strstr(buf, "user,id=n0"));
	char small[8];
	assert_int_equal(qemu_explain(c->argv, count(c->argv), c->fixed3, count(c->fixed3),
				      small, sizeof(small)), n);
	assert_int_equal(strlen(small), 7);

	const char *a[] = { "qemu", "-name", "my vm", NULL };
	const char *b[] = { "qemu", "-name", "it's", "-S", NULL };
	qemu_explain(a, 3, b, 4, buf, sizeof(buf));
	assert_string_equal(buf, "- argv[1..2]: -name 'my vm'\n"
				 "+ argv[1..2]: -name 'it'\\''s'\n"
				 "+ argv[3]: -S\n");
	assert_int_equal(qemu_explain(a, 3, a, 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");

	/* A newline or an escape in an element: $'...', still one line per unit
	 * and nothing raw for the terminal (found by fuzz_qemu.c) */
	const char *c1[] = { "qemu", "-net", "nic,\n", "-name", "x\033[2J'\\\x80", NULL };
	const char *c2[] = { "qemu", "-net", "nic", NULL };
	n = qemu_explain(c1, 5, c2, 3, buf, sizeof(buf));
	assert_string_equal(buf, "- argv[1..2]: -net $'nic,\\x0a'\n"
				 "- argv[3..4]: -name $'x\\x1b[2J\\'\\\\\\x80'\n"
				 "+ argv[1..2]: -net nic\n");
	assert_int_equal(n, (int)strlen(buf));
}

int main(void)
{
	static struct CMUnitTest tests[N_CASES + 32];
	size_t n = 0;
	for (size_t i = 0; i < N_CASES; i++) {
		tests[n].name = cases[i].name;
		tests[n].test_func = test_case;
		tests[n].initial_state = (void *)&cases[i];
		n++;
	}
	const struct CMUnitTest more[] = {
		cmocka_unit_test(test_mac_creation_order),
		cmocka_unit_test(test_mac_explicit_slots),
		cmocka_unit_test(test_info_network),
		cmocka_unit_test(test_fix_actual_macs),
		cmocka_unit_test(test_fix_errors),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_monitors_and_flags),
		cmocka_unit_test(test_disks),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_backends),
		cmocka_unit_test(test_vm_info),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_explain),
	};
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		tests[n++] = more[i];
	return _cmocka_run_group_tests("qemu", tests, n, NULL, NULL);
}
