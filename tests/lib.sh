# tests/lib.sh - sourced by the shell tests: one PASS or FAIL line a check,
# and the tally at the end (its exit status: did every check pass).
passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
tally() { echo "$1: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; }
