#!/bin/bash
# make demo: the main job on what this machine has.  For now that is the
# analysis of the captures bundled in pcaps/ (and the peer corpus): each
# capture directory is read as one set of ports, merged in time order.
set -euo pipefail
stpwatch=$(realpath "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
export TZ=UTC

shown=0
for dir in "$top"/pcaps/lab/*/; do
	[ -d "$dir" ] || continue
	args=()
	for f in "$dir"*.pcap "$dir"*.pcapng; do
		[ -e "$f" ] || continue
		case $(basename "$f") in any*) continue ;; esac   # per-port files only
		args+=(-r "$(basename "${f%.*}")=$f")
	done
	[ ${#args[@]} -gt 0 ] || continue
	echo "=== $(basename "$dir")  (stpwatch ${args[*]//$top\//})"
	"$stpwatch" "${args[@]}" || true
	echo
	shown=$((shown + 1))
done
if [ "$shown" -eq 0 ]; then
	for f in "$top"/tests/peer/tcpdump/*.pcap "$top"/tests/peer/pcapplusplus/*.pcap; do
		echo "=== $(basename "$f")"
		"$stpwatch" -r "$f" || true
		echo
	done
fi
