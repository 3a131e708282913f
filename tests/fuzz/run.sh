#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# run.sh FUZZ_B SECONDS "EXTRA FLAGS" NAME... - runs each libFuzzer harness
# FUZZ_B/fuzz-NAME for SECONDS, one after another (make fuzz-run).
#
# The working corpus is FUZZ_B/corpus/NAME (new inputs go there); the
# committed seeds (tests/fuzz/corpus/NAME) are read, never written.  The
# regression inputs are left to make check-fuzz: one not fixed yet would
# stop the fuzzer at once.  (To fuzz on past a known crash, add
# FUZZ_FLAGS="-fork=1 -ignore_crashes=1".)  Crashes, leaks and timeouts land
# in FUZZ_B/artifacts/NAME/, the log in FUZZ_B/logs/NAME.log.
# Ends with one line per harness: execs, exec/s, coverage, corpus, crashes.
set -u
fb=$1
secs=$2
extra=$3
shift 3
here=$(dirname "$0")
summary=
status=0
for h in "$@"; do
	corpus=$fb/corpus/$h
	art=$fb/artifacts/$h
	log=$fb/logs/$h.log
	mkdir -p "$corpus" "$art" "$fb/logs"
	dirs=
	[ -d "$here/corpus/$h" ] && dirs=$here/corpus/$h
	stamp=$fb/logs/$h.start
	touch "$stamp"
	echo "fuzz-run: $h for ${secs}s (log $log)"
	# shellcheck disable=SC2086
	"$fb/fuzz-$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art/" $extra \
		"$corpus" $dirs >"$log" 2>&1
	rc=$?
	# Plain mode prints stat:: lines at the end; -fork=N mode only progress
	# lines ("#N: cov: C ft: F corp: K exec/s R oom/timeout/crash: a/b/c time: Ts").
	last=$(grep -E '^#[0-9]+:?[[:space:]].*cov: ' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	if [ -z "$rate" ]; then
		t=$(echo "$last" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
		[ -n "$t" ] && [ "$t" -gt 0 ] && [ -n "$execs" ] && rate=$((execs / t))
	fi
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	ninputs=$(find "$corpus" -type f | wc -l)
	kb=$(( ($(find "$corpus" -type f -exec cat {} + | wc -c) + 1023) / 1024 ))
	new=$(find "$art" -type f -newer "$stamp")
	crashes=$(echo "$new" | grep -c .)
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		status=1
		what="CRASHED (exit $rc), $crashes artifacts: $(echo "$new" | head -n 5 | tr '\n' ' ')"
		grep -E -m 3 'ERROR: |fuzz invariant violated|deadly signal|ALARM|runtime error' "$log" | sed 's/^/    /'
	else
		what="no crash"
	fi
	summary="$summary
$h: ${execs:-?} execs, ${rate:-?} exec/s, cov ${cov:-?} ft ${ft:-?}, corpus $ninputs inputs ${kb} KiB; $what"
done
echo "fuzz-run summary (${secs}s each):$summary"
exit $status
