#!/bin/bash
# The live view, as a person uses it, in the lab's shared-hub scenario (real
# QEMU, kernel STP): run in tmux inside the lab's host namespace, wait, read
# the screen, press keys, quit.  The blocked tap must show as blocking and
# the shared-hub finding must name the VM.
# Usage: tests/lab/view.sh STPWATCH [--screenshot FILE]
set -u
stpwatch=$(realpath "$1")
shot=${3:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
lab=$top/tests/lab/lab.sh
command -v tmux >/dev/null 2>&1 || { echo "lab-view: tmux is not installed: skipped"; exit 77; }

out=$("$lab" up shared-hub 2>&1)
rc=$?
[ $rc -eq 77 ] && { echo "$out" | tail -1; exit 77; }
[ $rc -eq 0 ] || { echo "lab-view: lab up failed: $(echo "$out" | tail -1)"; exit 1; }
run=$(echo "$out" | sed -n 's/^run id: //p')
sock=$(mktemp -u /tmp/stpwatch-view.XXXXXX)
work=$(mktemp -d)
cleanup() {
	tmux -S "$sock" kill-server 2>/dev/null
	"$lab" down "$run" >/dev/null 2>&1
	rm -rf "$work" "$sock"
}
trap cleanup EXIT INT TERM
# shellcheck disable=SC1090
. "/run/stpwatch-lab/$run/env"

. "$top/tests/lib.sh"
screen() { tmux -S "$sock" capture-pane -p -t view; }
wait_for() { # REGEX SECONDS
	local end=$((SECONDS + $2))
	while [ $SECONDS -lt $end ]; do
		screen | grep -Eq "$1" && return 0
		sleep 0.3
	done
	return 1
}

tmux -S "$sock" new-session -d -s view -x 100 -y 32 \
	"ip netns exec $LAB_NS_HOST $stpwatch; echo \"EXIT \$?\" | tee $work/exit; sleep 30"

if wait_for 'tap11 +br1 .*blocking' 20; then ok "tap11 shows as blocking"; else fail "tap11 shows as blocking" "$(screen | grep tap11)"; fi
if wait_for "CRIT shared-hub .*tap10 and tap11 .*VM $LAB_VM0_NAME" 20; then
	ok "the shared-hub finding names VM $LAB_VM0_NAME"
else
	fail "the shared-hub finding names the VM" "$(screen | grep -i shared)"
fi
# tap10 goes listening, learning, forwarding: two forward delays (4 s each).
wait_for "tap10 +br0 .*forwarding" 15 && ok "tap10 forwards" || fail "tap10 forwards" "$(screen | grep tap10)"
screen | grep -Eq "$LAB_VM0_PID +$LAB_VM0_NAME .*tap10.hub0 +tap11.hub0" &&
	ok "the VM pane shows both taps on hub 0" || fail "the VM pane" "$(screen | grep "$LAB_VM0_PID")"
[ -n "$shot" ] && screen >"$shot"

# Details of the first finding (the findings pane has the focus first or after Tab).
tmux -S "$sock" send-keys -t view Enter
if wait_for 'Evidence|evidence' 5; then ok "Enter shows the finding's details"; else
	tmux -S "$sock" send-keys -t view Escape Tab Enter
	wait_for 'Evidence|evidence' 5 && ok "Enter shows the finding's details" || fail "details" "$(screen | head -5)"
fi
tmux -S "$sock" send-keys -t view Escape
tmux -S "$sock" send-keys -t view q
for _ in $(seq 50); do [ -s "$work/exit" ] && break; sleep 0.1; done
[ "$(cat "$work/exit" 2>/dev/null)" = "EXIT 0" ] && ok "q quits with status 0" || fail "q quits" "$(cat "$work/exit" 2>/dev/null)"
# The terminal is given back: the shell's output is on the normal screen.
# The terminal is given back: the view's screen is gone, the shell's line is there.
if screen | grep -q '^EXIT 0' && ! screen | grep -q 'FINDINGS'; then
	ok "the terminal is restored"
else
	fail "the terminal is restored" "$(screen | head -3)"
fi

tally lab-view
