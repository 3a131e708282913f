#!/bin/sh
# Installs the Debian packages stpwatch needs to build and test, if missing.
# As root with apt-get it installs them; otherwise it names them and fails.
# STPWATCH_DEPS_EXTRA adds packages (e.g. "clang" for the sanitizer build).
set -eu

# Build: compiler, pkg-config and the libraries.  Tests: cmocka, python3
# (test scripts, standard library only), tmux (the curses view), iproute2 and
# qemu-system-x86 (the lab: namespaces, kernel STP, a real QEMU), tcpdump
# (lab captures), procps, prometheus (promtool checks the metrics), mandoc
# and man-db (lint the manual).
PACKAGES="gcc make pkg-config libpcap-dev libnl-3-dev libnl-route-3-dev
libncurses-dev libcmocka-dev python3 tmux iproute2 qemu-system-x86 tcpdump procps
prometheus mandoc man-db
${STPWATCH_DEPS_EXTRA:-}"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "stpwatch: missing packages:$missing" >&2
	echo "stpwatch: install them with: apt-get install$missing" >&2
	exit 1
fi
echo "stpwatch: installing missing packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
