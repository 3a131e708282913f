#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Golden tests: stpwatch's output for known captures, compared with the
# expected output kept next to this script.
#
# usage: tests/golden/run.sh [--update] STPWATCH
#
# Each line of tests/golden/TESTLIST is
#     NAME CAPTURE EXPECTED ARGS...
# (CAPTURE relative to the repository root, EXPECTED relative to
# tests/golden/, '#' starts a comment).  For each, from the repository root,
#     TZ=UTC STPWATCH -r CAPTURE ARGS...
# is run; its standard output followed by a last line "# exit N" (its exit
# status) must equal EXPECTED, or the differences are shown with diff -u.
# Standard error is not compared; it is shown when a case fails.
#
# --update rewrites the expected files from the current output instead;
# review the result with `git diff tests/golden` before committing.
#
# Prints PASS NAME / FAIL NAME, then "golden: N passed, M failed"; exits 1 if
# any case failed (a missing capture, binary or expected file is a failure),
# 2 on a usage error.

set -u
set -f   # ARGS are split on blanks but never globbed

update=0
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
if [ $# -ne 1 ]; then
	echo "usage: $0 [--update] STPWATCH" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
list=$here/TESTLIST

stpwatch=$1
case $stpwatch in
/*) ;;
*) stpwatch=$(pwd)/$stpwatch ;;
esac
if [ ! -f "$stpwatch" ] || [ ! -x "$stpwatch" ]; then
	echo "golden: FAIL: no executable stpwatch at '$1'" >&2
	echo "golden: 0 passed, 1 failed"
	exit 1
fi
if [ ! -f "$list" ]; then
	echo "golden: FAIL: no $list" >&2
	echo "golden: 0 passed, 1 failed"
	exit 1
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
rewritten=0
names=" "

failcase() {
	if [ $# -ge 2 ]; then echo "FAIL $1: $2"; else echo "FAIL $1"; fi
	fail=$((fail + 1))
}

cd "$root" || exit 1
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	line=${line%%#*}
	# shellcheck disable=SC2086
	set -- $line
	[ $# -eq 0 ] && continue
	if [ $# -lt 3 ]; then
		failcase "TESTLIST:$lineno" "needs NAME CAPTURE EXPECTED [ARGS...]"
		continue
	fi
	name=$1 capture=$2 exp_rel=$3 expected=$here/$3
	shift 3
	case $names in
	*" $name "*)
		failcase "$name" "TESTLIST:$lineno: name used twice"
		continue ;;
	esac
	names="$names$name "
	if [ ! -f "$capture" ]; then
		failcase "$name" "capture $capture not found"
		continue
	fi

	TZ=UTC LC_ALL=C "$stpwatch" -r "$capture" "$@" \
		</dev/null >"$T/out" 2>"$T/err"
	rc=$?
	echo "# exit $rc" >>"$T/out"

	if [ "$update" -eq 1 ]; then
		if [ "$rc" -ge 126 ]; then
			# A crash or a binary that cannot run is never recorded.
			failcase "$name" "stpwatch exited $rc; $exp_rel left as it was"
			sed 's/^/    stderr: /' "$T/err" | head -20
			continue
		fi
		if [ -f "$expected" ] && cmp -s "$T/out" "$expected"; then
			echo "PASS $name"
		else
			cp "$T/out" "$expected" || { failcase "$name" "cannot write $expected"; continue; }
			echo "UPDATED $name"
			rewritten=$((rewritten + 1))
		fi
		pass=$((pass + 1))
		continue
	fi

	if [ ! -f "$expected" ]; then
		failcase "$name" "expected output $exp_rel missing (run with --update)"
		continue
	fi
	if diff -u "$expected" "$T/out" >"$T/diff"; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		failcase "$name"
		sed -e "1s|^--- .*|--- tests/golden/$exp_rel (expected)|" \
		    -e "2s|^+++ .*|+++ stpwatch -r $capture $* (actual)|" "$T/diff"
		if [ -s "$T/err" ]; then
			sed 's/^/    stderr: /' "$T/err" | head -20
		fi
	fi
done <"$list"

if [ $((pass + fail)) -eq 0 ]; then
	failcase "TESTLIST" "no test cases"
fi
[ "$update" -eq 1 ] && echo "golden: $rewritten expected files rewritten; review with: git diff tests/golden"
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
