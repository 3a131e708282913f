#!/bin/bash
# make demo: the main job.  Raises the lab's shared-hub scenario (two
# bridges with kernel STP, a real QEMU whose two NICs share hub 0) in
# throwaway network namespaces, opens the live view inside it, and tears
# everything down when the view closes.  Where that cannot run (not root,
# no namespaces or QEMU, no terminal) it says why and shows the diagnosis of
# the bundled captures instead.
set -uo pipefail
stpwatch=$(realpath "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
lab=$top/tests/lab/lab.sh
export TZ=UTC

offline() {
	echo "stpwatch demo: $1"
	echo "stpwatch demo: showing the diagnosis of the bundled captures instead (pcaps/lab)."
	echo
	for dir in "$top"/pcaps/lab/*/; do
		[ -f "$dir/meta.txt" ] || continue
		mapfile -t args < <(python3 "$top/tests/lab/args.py" "$dir" ports)
		echo "=== $(basename "$dir")"
		"$stpwatch" "${args[@]}" --check
		echo
	done
	local s=$top/pcaps/lab/shared-hub
	if [ -d "$s" ]; then
		mapfile -t args < <(python3 "$top/tests/lab/args.py" "$s" ports)
		echo "=== the shared-hub scenario in full:"
		"$stpwatch" "${args[@]}"
	fi
}

if [ ! -t 0 ] || [ ! -t 1 ]; then
	offline "no terminal for the live view"
	exit 0
fi

out=$("$lab" up shared-hub 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
	offline "the lab cannot run here: $(echo "$out" | tail -1)"
	exit 0
fi
run=$(echo "$out" | sed -n 's/^run id: //p')
trap '"$lab" down "$run" >/dev/null 2>&1' EXIT INT TERM
# shellcheck disable=SC1090
. "/run/stpwatch-lab/$run/env"
echo "$out"
echo
echo "stpwatch demo: lab $run is up: VM $LAB_VM0_NAME (pid $LAB_VM0_PID) has two NICs on one"
echo "QEMU hub, tap10 on br0 and tap11 on br1.  Opening the live view in its namespace;"
echo "press q to quit (the lab is then taken down)."
sleep 3
ip netns exec "$LAB_NS_HOST" "$stpwatch"
