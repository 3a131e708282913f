#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# replay.sh BINDIR NAME... - runs BINDIR/replay-NAME over tests/fuzz/corpus/NAME
# and tests/fuzz/regressions/NAME for each NAME (make check-fuzz), then prints
#   fuzz-replay: N passed, M failed
# Exit status 1 if any input failed or a harness has no inputs at all.
set -u
bindir=$1
shift
here=$(dirname "$0")
passed=0
failed=0
status=0
for h in "$@"; do
	dirs=
	for d in "$here/corpus/$h" "$here/regressions/$h"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	if [ -z "$dirs" ]; then
		echo "fuzz-replay $h: no tests/fuzz/corpus/$h or tests/fuzz/regressions/$h" >&2
		status=1
		continue
	fi
	# shellcheck disable=SC2086
	line=$("$bindir/replay-$h" -n "$h" $dirs)
	rc=$?
	echo "$line"
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ] || [ -z "$f" ]; then
		echo "fuzz-replay $h: replay-$h did not finish (exit status $rc)" >&2
		status=1
		continue
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ]; then
		status=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "fuzz-replay $h: no inputs" >&2
		status=1
	fi
done
echo "fuzz-replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
