#!/bin/sh
# tests/tui/run.sh [--screenshot-only] DRIVER
#
# Runs the curses view (tests/tui/tui_driver) in a private tmux server,
# types at it with send-keys and reads the screen back with capture-pane:
# states and colours, the shared-hub finding, details, filter, resizes,
# scrolling 1000 ports, help, the repair dialog, pause, messages, and that
# quitting, SIGTERM and a fatal signal all give the terminal back.  Also
# saves tests/tui/screenshot-80x24.txt.  Exit 77 (skipped) without tmux.
# VERBOSE=1 lists every check.  Closing line: "tui: N passed, M failed".
set -u

shot_only=false
if [ "${1:-}" = --screenshot-only ]; then
	shot_only=true
	shift
fi
driver=${1:?usage: run.sh [--screenshot-only] DRIVER}
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v tmux >/dev/null 2>&1; then
	echo "tui: tmux is not installed: skipped"
	exit 77
fi
if [ ! -x "$driver" ]; then
	echo "tui: no driver at $driver" >&2
	exit 1
fi
case $driver in /*) ;; *) driver=$PWD/$driver ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/stpwatch-tui.XXXXXX")
sock=stpwatch-tui-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

term=screen
infocmp tmux-256color >/dev/null 2>&1 && term=tmux-256color
locale=C.UTF-8
locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || locale=C

# Slow under sanitizers: waits are generous, timings only loosely bounded.
slow=1
if nm "$driver" 2>/dev/null | grep -q __asan_init; then slow=4; fi

# The pane runs this as a shell would: the driver, then whether the tty came back.
cat >"$work/wrap.sh" <<EOF
#!/bin/sh
name=\$1
shift
ulimit -c 0
before=\$(stty -g)
"$driver" --pidfile "$work/\$name.pid" "\$@" 2>"$work/\$name.err"
rc=\$?
after=\$(stty -g)
if [ "\$before" = "\$after" ]; then tty=restored; else tty=CHANGED; fi
echo "DRIVER-EXIT=\$rc TTY=\$tty"
exec sleep 600
EOF

passed=0
failed=0
pass() {
	passed=$((passed + 1))
	if [ -n "${VERBOSE:-}" ]; then echo "ok   $1"; fi
}
fail() {
	failed=$((failed + 1))
	echo "FAIL $1" >&2
	if [ -n "${2:-}" ]; then
		echo "---- screen of $2:" >&2
		screen "$2" >&2
		echo "----" >&2
	fi
}

# start NAME "ENV=VAL ..." DRIVER-ARGS...
start() {
	name=$1
	envs=$2
	shift 2
	tm new-session -d -s "$name" -x 80 -y 24 \
		"env TERM=$term LANG=$locale LC_ALL= $envs sh $work/wrap.sh $name $*"
}
screen() { tm capture-pane -p -t "$1"; }
screen_e() { tm capture-pane -p -e -t "$1"; }
keys() {
	k=$1
	shift
	tm send-keys -t "$k" "$@"
}
fmt() { tm display-message -p -t "$1" "$2"; }

# wait_for NAME EXTENDED-REGEX [TENTHS]: until the screen shows it.
wait_for() {
	n=$(( ${3:-50} * slow ))
	while [ "$n" -gt 0 ]; do
		if screen "$1" | grep -Eq -- "$2"; then return 0; fi
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# wait_gone NAME EXTENDED-REGEX: until the screen no longer shows it.
wait_gone() {
	n=$((30 * slow))
	while [ "$n" -gt 0 ]; do
		if ! screen "$1" | grep -Eq -- "$2"; then return 0; fi
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
expect() {     # expect DESCRIPTION NAME REGEX
	if wait_for "$2" "$3"; then pass "$1"; else fail "$1 (no /$3/)" "$2"; fi
}
expect_gone() {
	if wait_gone "$2" "$3"; then pass "$1"; else fail "$1 (still /$3/)" "$2"; fi
}
# The screen is exactly COLSxROWS: nothing wrapped, nothing overflowed.
expect_fits() {
	name=$1 cols=$2 rows=$3
	sleep 0.3
	screen "$name" >"$work/fit"
	lines=$(wc -l <"$work/fit")
	widest=$(while IFS= read -r l; do printf '%s' "$l" | LC_ALL=$locale wc -m; done <"$work/fit" |
		sort -n | tail -1)
	if [ "$lines" -eq "$rows" ] && [ "$widest" -le "$cols" ] &&
		head -1 "$work/fit" | grep -q '^stpwatch ' && tail -1 "$work/fit" | grep -q '^? Help'; then
		pass "layout fits ${cols}x$rows"
	else
		fail "layout at ${cols}x$rows: $lines lines, widest $widest" "$name"
	fi
}
# expect_exit NAME CODE: the driver ended with CODE and the tty came back.
expect_exit() {
	if wait_for "$1" "DRIVER-EXIT=$2 TTY=restored" 80; then
		pass "$1: exit $2, terminal settings restored"
	else
		fail "$1: exit $2 with the terminal restored" "$1"
	fi
	if [ "$(fmt "$1" '#{alternate_on}')" = 0 ] && [ "$(fmt "$1" '#{cursor_flag}')" = 1 ] &&
		! screen "$1" | grep -q 'FINDINGS'; then
		pass "$1: normal screen and cursor back"
	else
		fail "$1: alternate screen left and cursor shown" "$1"
	fi
}
header_time() { screen "$1" | head -1 | grep -Eo '[0-9]{2}:[0-9]{2}:[0-9]{2} UTC'; }

# Escape sequences are matched with grep -P (GNU grep built with PCRE).
if echo x | grep -Pq 'x' 2>/dev/null; then
	pgrep_ok=true
else
	pgrep_ok=false
	echo "tui: grep -P is missing: colour checks skipped"
fi
# SGR parameter lists that set a colour (not just reset to the default).
colour_sgr='\x1b\[([0-9]+;)*(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)(;[0-9]+)*m'

take_screenshot() {
	start shot "" --freeze --ports 1000
	if wait_for shot '^tap11 ' && sleep 0.5 && screen shot | sed 's/ *$//' >"$work/shot.txt" &&
		[ "$(wc -l <"$work/shot.txt")" -eq 24 ]; then
		cp "$work/shot.txt" "$here/screenshot-80x24.txt"
		pass "screenshot saved"
	else
		fail "screenshot" shot
	fi
	keys shot q
	expect_exit shot 0
}

if $shot_only; then
	take_screenshot
	echo "tui: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

# ---- the sanitiser on its own ---------------------------------------------------------
if "$driver" --selftest >"$work/selftest" 2>&1; then
	pass "sanitiser self-test"
else
	fail "sanitiser self-test: $(cat "$work/selftest")"
fi

# ---- the main session: 80x24, colour, 1000 extra ports -----------------------------------
start main "" --ports 1000 --warn
expect "header with version and time" main '^stpwatch [0-9]+\.[0-9]+.* UTC'
expect "log messages reach the status line" main 'warning: a test warning from tui_driver'
expect "tap11 is shown blocking" main '^tap11 +br0 .*blocking'
expect "tap10 is shown forwarding" main '^tap10 +br0 .*forwarding'
expect "the shared-hub finding names web1" main '^CRIT shared-hub .*VM web1 \(4242\)'
expect "the VM pane shows web1's hub" main '4242 web1 .*tap10.*hub0.*tap11.*hub0'
expect_fits main 80 24

if $pgrep_ok; then
	screen_e main >"$work/colour"
	if grep -P '^(\x1b\[[0-9;]*m)*tap11 ' "$work/colour" | grep -Pq '\x1b\[([0-9]+;)*31(;[0-9]+)*m(\x1b\[[0-9;]*m)*blocking'; then
		pass "blocking is drawn red"
	else
		fail "blocking is drawn red" main
	fi
	if grep -P '^(\x1b\[[0-9;]*m)*tap10 ' "$work/colour" | grep -Pq '\x1b\[([0-9]+;)*32(;[0-9]+)*m(\x1b\[[0-9;]*m)*forwarding'; then
		pass "forwarding is drawn green"
	else
		fail "forwarding is drawn green" main
	fi
	if grep -P '^(\x1b\[[0-9;]*m)*CRIT' "$work/colour" | head -1 | grep -Pq '\x1b\[([0-9]+;)*31(;[0-9]+)*m(\x1b\[[0-9;]*m)*CRIT'; then
		pass "critical findings are drawn red"
	else
		fail "critical findings are drawn red" main
	fi
fi

# Details: Tab to the findings, j/k between them, Enter opens, Esc closes.
keys main Tab
expect "Tab moves to the findings" main 'findings 1/[0-9]+'
keys main j Enter
expect "j + Enter: details of the second finding" main '(critical|warning) (port-loop|blocked-tap)'
keys main Escape
expect_gone "Esc closes the details" main '(critical|warning) (port-loop|blocked-tap) '
keys main k Enter
expect "k + Enter: details of the shared-hub finding" main 'critical shared-hub'
expect "the details show the evidence" main 'Evidence +.*tap1[01]'
expect "the details show the remedy" main 'Remedy '
keys main j
expect "j scrolls the details" main '2-[0-9]+/[0-9]+'
keys main q
expect_gone "q closes the details" main 'Evidence '
keys main Tab Tab
expect "back to the ports" main 'ports 1/1003'
keys main Enter
expect "Enter on a port: its details" main 'Designated bridge'
expect "port details show the last BPDU" main 'Sender +bridge 1000\.001122334455 port 8002'
keys main Enter
expect_gone "Enter closes the details" main 'Designated bridge'

# Filter.
keys main /
expect "/ opens the filter line" main '^Filter: '
keys main -l tap11
keys main Enter
expect "the filter shows tap11" main '^tap11 '
expect_gone "the filter hides tap10 and vnet*" main '^(tap10|vnet[0-9]+|eth0) '
expect "the status line names the filter" main 'filter: tap11'
keys main Escape
expect "Esc clears the filter" main '^vnet0 '

# Resizes.
tm resize-window -t main -x 120 -y 40
expect "120x40 shows the designated-bridge column" main 'DESIGNATED BRIDGE/PORT'
expect_fits main 120 40
tm resize-window -t main -x 80 -y 24
expect_gone "80x24 again drops that column" main 'DESIGNATED'
expect_fits main 80 24

# Scrolling through 1000 ports.
keys main End
expect "End shows the last port" main '^vnet999 '
expect "End selects the last port" main 'ports 1003/1003'
keys main Home
expect "Home goes back to the first" main 'ports 1/1003'
keys main PageDown
expect "PgDn moves a page" main 'ports ([2-9]|1[0-9])/1003'
keys main Home
t0=$(date +%s%N)
keys main -l "$(printf '%0300d' 0 | tr 0 j)"
if wait_for main 'ports 301/1003' 100; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$ms" -lt $((3000 * slow)) ]; then
		pass "300 steps through the ports in $ms ms"
	else
		fail "300 steps through the ports took $ms ms"
	fi
else
	fail "300 j keys reach port 301" main
fi
keys main Home

# Help.
keys main '?'
expect "? shows the help" main 'help'
expect "the help lists the keys" main 'Tab/S-Tab'
keys main j
expect "j scrolls the help" main '2-[0-9]+/[0-9]+'
keys main x
expect_gone "other keys close the help" main 'Tab/S-Tab'

# Repair: confirmation first; n cancels, y asks the caller.
keys main Tab Home
keys main r
expect "r asks for confirmation" main 'Repair shared hub\?'
expect "the dialog names the VM and asks y/n" main 'Repair VM web1 now\?  y = yes, n = no'
keys main n
expect_gone "n closes the dialog" main 'Repair shared hub\?'
expect "n cancels the repair" main 'repair cancelled'
keys main r
expect "r again asks again" main 'Repair shared hub\?'
keys main y
expect "y hands the repair to the caller" main 'repair requested for VM web1 pid 4242 \(finding 0\)'

# Pause: the data stop, the keys do not.
keys main p
expect "p pauses" main '^stpwatch [0-9.]+ +PAUSED'
h1=$(header_time main)
sleep 2.2
h2=$(header_time main)
keys main Tab
if [ -n "$h1" ] && [ "$h1" = "$h2" ] && wait_for main 'VMs 1/'; then
	pass "paused: time stands still, keys still work"
else
	fail "paused view ($h1 / $h2)" main
fi
keys main p
expect_gone "p resumes" main 'PAUSED'
sleep 2.2
h3=$(header_time main)
if [ -n "$h3" ] && [ "$h3" != "$h2" ]; then pass "resumed: time runs"; else fail "resumed view ($h2 / $h3)" main; fi

# Messages.
keys main m
expect "m shows the messages" main 'Messages \(UTC\)'
expect "the messages list the log" main 'warning: a test warning from tui_driver'
keys main Escape
expect_gone "Esc closes the messages" main 'Messages \(UTC\)'

# Quit.
keys main q
expect_exit main 0
expect "the driver's exit line" main 'tui_driver: quit, 1 repair request$'
if grep -q 'stpwatch: warning: a test warning from tui_driver' "$work/main.err"; then
	pass "warnings logged under curses reach stderr after it"
else
	fail "warnings logged under curses reach stderr after it"
fi

# ---- repair not available -----------------------------------------------------------------
start norep "" --no-repair
expect "norep: started" norep '^tap11 '
keys norep Tab r
expect "no repair executor: the dialog says so" norep 'not available in this version'
expect "and shows the remedy" norep 'To fix it by hand'
keys norep x
expect_gone "any key closes it" norep 'not available in this version'
keys norep q
expect_exit norep 0

# ---- monochrome -----------------------------------------------------------------------------
start mono "NO_COLOR=1"
expect "mono: started" mono '^tap11 '
if $pgrep_ok; then
	screen_e mono >"$work/mono"
	if grep -Pq "$colour_sgr" "$work/mono"; then
		fail "NO_COLOR: no colour escapes" mono
	else
		pass "NO_COLOR: no colour escapes"
	fi
	if grep -P '^(\x1b\[[0-9;]*m)*tap11 ' "$work/mono" | grep -Pq '\x1b\[([0-9]+;)*7(;[0-9]+)*m(\x1b\[[0-9;]*m)*blocking'; then
		pass "NO_COLOR: blocking in reverse video"
	else
		fail "NO_COLOR: blocking in reverse video" mono
	fi
fi
keys mono q
expect_exit mono 0

# ---- hostile names --------------------------------------------------------------------------
start hostile "" --hostile
expect "hostile: VM name drawn inert" hostile 'bad\?\]0;pwned\?vm\?\[2J\?'
expect "hostile: port name drawn inert" hostile '^evil\?\[31mtap'
expect_fits hostile 80 24
if fmt hostile '#{pane_title}' | grep -q pwned; then
	fail "hostile: the window title was changed"
else
	pass "hostile: the window title is untouched"
fi
if $pgrep_ok; then
	if screen_e hostile | grep -P '^(\x1b\[[0-9;]*m)*evil' | grep -Pq '\x1b\[([0-9]+;)*31(;[0-9]+)*m'; then
		fail "hostile: a name's escape turned the line red" hostile
	else
		pass "hostile: a name's escape has no effect"
	fi
fi
keys hostile q
expect_exit hostile 0

# ---- SIGTERM and a fatal signal ---------------------------------------------------------------
start term ""
expect "term: started" term '^tap11 '
kill -TERM "$(cat "$work/term.pid")"
expect_exit term 0
expect "term: the driver says why it stopped" term 'stopped by signal 15'

start fatal ""
expect "fatal: started" fatal '^tap11 '
kill -ABRT "$(cat "$work/fatal.pid")"
expect_exit fatal 134

# ---- the screenshot for the README --------------------------------------------------------------
take_screenshot

# ---- sanitizers: nothing reported in any session ----------------------------------------------------
clean=true
for f in "$work"/*.err; do
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$f"; then
		fail "sanitizer report in $(basename "$f"): $(grep -Em1 'Sanitizer|runtime error' "$f")"
		clean=false
	fi
done
if $clean; then pass "no sanitizer reports"; fi

echo "tui: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
