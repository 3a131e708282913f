#!/bin/bash
# procvm.sh - procvm and the QMP/HMP clients against a real QEMU.
#
#   tests/ns/procvm.sh [TEST_PROCVM_BINARY]
#
# In a throwaway network namespace: two taps (tap10, tap11), a paused QEMU
# (-S, TCG) with two legacy NICs on hub 0 behind them, a QMP socket and a
# human monitor socket.  The driver (build/tests/test_procvm --live, run
# inside the namespace) finds the QEMU by its taps in /proc, reads its argv
# and -name, talks QMP (version 7.2, info network, query-status, set_link,
# system_powerdown, quit) and HMP, and prints ok / not ok lines.  Then
# this script checks that nothing is left behind.
#
# Exit 77 (skip) when not root, without qemu-system-x86_64, /dev/net/tun or
# network namespaces.  Touches no interface outside its namespace; the
# namespace, the QEMU and the temporary directory go on every exit path.
set -u
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${1:-$ROOT/build/tests/test_procvm}
QEMU_BIN=${QEMU:-qemu-system-x86_64}
NAME=stpwv-live
NS=stpwpv$$
TMP=""
QPID=""
passed=0
failed=0

skip() { echo "procvm-ns: SKIP: $*" >&2; exit 77; }
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }

cleanup() {
	if [[ -n $QPID ]] && kill -0 "$QPID" 2>/dev/null; then
		kill "$QPID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$QPID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$QPID" 2>/dev/null
	fi
	ip netns del "$NS" 2>/dev/null
	[[ -n $TMP ]] && rm -rf "$TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $(id -u) -eq 0 ]] || skip "needs root"
command -v "$QEMU_BIN" >/dev/null 2>&1 || skip "no $QEMU_BIN"
command -v ip >/dev/null 2>&1 || skip "no ip(8)"
[[ -c /dev/net/tun ]] || skip "no /dev/net/tun"
if [[ ! -x $BIN ]]; then
	make -C "$ROOT" --no-print-directory "${BIN#"$ROOT"/}" >/dev/null || {
		echo "procvm-ns: cannot build $BIN" >&2
		exit 1
	}
fi
ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
TMP=$(mktemp -d /tmp/stpwpv.XXXXXX)

for t in tap10 tap11; do
	ip netns exec "$NS" ip tuntap add dev "$t" mode tap || { notok "create $t"; exit 1; }
done
ip netns exec "$NS" "$QEMU_BIN" -nodefaults -display none -machine accel=tcg -m 64 -S \
	-name "guest=$NAME,debug-threads=on" -pidfile "$TMP/qemu.pid" \
	-qmp "unix:$TMP/qmp.sock,server=on,wait=off" \
	-monitor "unix:$TMP/hmp.sock,server=on,wait=off" \
	-net nic,model=virtio -net tap,ifname=tap10,script=no,downscript=no \
	-net nic,model=e1000 -net tap,ifname=tap11,script=no,downscript=no \
	</dev/null >"$TMP/qemu.log" 2>&1 &
QPID=$!     # ip netns exec execs QEMU: the same process
for _ in $(seq 100); do
	[[ -S $TMP/qmp.sock && -S $TMP/hmp.sock && -s $TMP/qemu.pid ]] && break
	kill -0 "$QPID" 2>/dev/null || break
	sleep 0.1
done
if [[ -s $TMP/qemu.pid && $(cat "$TMP/qemu.pid") == "$QPID" ]]; then
	ok "QEMU $QPID started in $NS"
else
	notok "QEMU did not start: $(cat "$TMP/qemu.log" 2>/dev/null)"
	echo "procvm-ns: $passed passed, $failed failed"
	exit 1
fi

out=$(ip netns exec "$NS" "$BIN" --live "$QPID" "$TMP/qmp.sock" "$TMP/hmp.sock" \
	"$NAME" tap10 tap11 2>&1)
drv=$?
echo "$out"
passed=$((passed + $(grep -c '^ok - ' <<<"$out")))
failed=$((failed + $(grep -c '^not ok - ' <<<"$out")))
if [[ $drv -eq 0 ]]; then ok "driver exit status 0"; else notok "driver exit status $drv"; fi

pid=$QPID
cleanup
QPID=""
TMP=""
if kill -0 "$pid" 2>/dev/null; then notok "QEMU $pid still runs"; else ok "no QEMU left"; fi
if ip netns list | grep -qw "$NS"; then notok "namespace $NS left"; else ok "namespace $NS deleted"; fi

echo "procvm-ns: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
