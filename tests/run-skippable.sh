#!/bin/sh
# Runs a test that may not be able to run on this machine (it needs root,
# network namespaces, QEMU or tmux): exit 77 means "skipped", said loudly,
# and is not a failure; anything else non-zero is.  Under CI a skip is a
# failure: CI runs as root on a machine that has all of these.
# Usage: run-skippable.sh NAME COMMAND [ARGS...]
name=$1
shift
"$@"
rc=$?
if [ "$rc" -eq 77 ]; then
	if [ -n "${CI:-}" ]; then
		echo "$name: SKIPPED under CI, where it must run: failing" >&2
		exit 1
	fi
	echo "$name: skipped (this machine cannot run it; see the message above)" >&2
	exit 0
fi
exit "$rc"
