#!/bin/bash
# make install / uninstall into a temporary DESTDIR, the installed unit and
# completion, and the example configuration.  Usage: tests/install.sh STPWATCH
set -u
stpwatch=$(realpath "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 1
if make --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr SYSCONFDIR=/etc >/dev/null; then
	ok "make install"
else
	fail "make install" "failed"
fi
for f in usr/sbin/stpwatch usr/share/man/man8/stpwatch.8 usr/share/bash-completion/completions/stpwatch \
	usr/lib/systemd/system/stpwatch.service etc/stpwatch.conf.example; do
	if [ -f "$dest/$f" ]; then ok "installed $f"; else fail "installed $f" "missing"; fi
done
[ -x "$dest/usr/sbin/stpwatch" ] && "$dest/usr/sbin/stpwatch" -V | grep -q '^stpwatch ' &&
	ok "installed binary runs" || fail "installed binary runs" "no"
grep -q '^ExecStart=/usr/sbin/stpwatch --daemon$' "$dest/usr/lib/systemd/system/stpwatch.service" &&
	ok "unit names the installed binary" || fail "unit names the installed binary" "$(grep ExecStart "$dest/usr/lib/systemd/system/stpwatch.service")"

# The unit is valid where systemd can say so.
if command -v systemd-analyze >/dev/null 2>&1; then
	# A copy whose ExecStart points into DESTDIR, since /usr/sbin/stpwatch
	# is not there on this machine; the man page is not installed either.
	sed "s|^ExecStart=/usr/sbin/stpwatch|ExecStart=$dest/usr/sbin/stpwatch|" \
		"$dest/usr/lib/systemd/system/stpwatch.service" >"$dest/stpwatch.service"
	out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$dest/stpwatch.service" 2>&1)
	if [ -z "$out" ]; then ok "systemd-analyze verify"; else fail "systemd-analyze verify" "$out"; fi
else
	echo "SKIP systemd-analyze verify: systemd-analyze is not installed"
fi

# The completion loads and completes options and interfaces.
if bash -c ". '$dest/usr/share/bash-completion/completions/stpwatch'; complete -p stpwatch" >/dev/null 2>&1; then
	ok "bash completion loads"
else
	fail "bash completion loads" "no"
fi
got=$(PATH="$dest/usr/sbin:$PATH" bash -c ". '$dest/usr/share/bash-completion/completions/stpwatch';
	COMP_WORDS=(stpwatch --che); COMP_CWORD=1; _stpwatch; echo \${COMPREPLY[*]}")
[ "$got" = "--check" ] && ok "completes --che to --check" || fail "completes --che" "'$got'"
got=$(bash -c ". '$dest/usr/share/bash-completion/completions/stpwatch';
	COMP_WORDS=(stpwatch -i l); COMP_CWORD=2; _stpwatch; echo \${COMPREPLY[*]}")
[ "$got" = "lo" ] && ok "completes interface names" || fail "completes interface names" "'$got'"

# The example configuration parses, commented and with every setting enabled.
conf=$dest/etc/stpwatch.conf.example
"$stpwatch" -f "$conf" -r "$top/tests/peer/tcpdump/802.1D_spanning_tree.pcap" >/dev/null &&
	ok "example configuration parses" || fail "example configuration parses" "no"
sed 's/^#\([a-z_]* =\)/\1/' "$conf" >"$dest/all.conf"
grep -q '^echo_window = 0.1' "$dest/all.conf" || fail "uncommenting the example" "sed did nothing"
"$stpwatch" -f "$dest/all.conf" -r "$top/tests/peer/tcpdump/802.1D_spanning_tree.pcap" >/dev/null &&
	ok "every example setting parses" || fail "every example setting parses" "$("$stpwatch" -f "$dest/all.conf" -r x 2>&1 | head -1)"

make --no-print-directory -s uninstall DESTDIR="$dest" PREFIX=/usr SYSCONFDIR=/etc >/dev/null
left=$(find "$dest" -type f ! -name all.conf ! -name stpwatch.service | wc -l)
[ "$left" -eq 0 ] && ok "make uninstall removes every file" || fail "make uninstall" "$left files left"

tally install
