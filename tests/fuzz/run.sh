#!/bin/sh
# tests/fuzz/run.sh - run each libFuzzer target for a while, after
# replaying its regression inputs.
#
# Usage: tests/fuzz/run.sh [-b BUILDDIR] [-c CORPUS]... SECONDS [TARGET...]
#
#   BUILDDIR  where tests/fuzz/build.sh put the targets (default
#             $FUZZ_BUILD, else _build-fuzz at the top); built when missing
#   CORPUS    a further seed directory (also $FUZZ_CORPUS, colon-separated)
#   TARGET    address, pin, quote, ... (default: every tests/fuzz/fuzz_*.c)
#
# For each target: every file of tests/fuzz/regress/TARGET/ is run once
# (a finding fixed must stay fixed), then the target fuzzes for SECONDS
# (nice -n 19, one process) seeded from tests/corpus, tests/hostile,
# tests/fuzz/seeds/TARGET/ and each CORPUS; what it learns is kept in
# BUILDDIR/corpus/TARGET/, what crashes in BUILDDIR/crashes/.  Inputs
# are at most 64 KB (FUZZ_MAX_LEN bytes; longer seeds are cut).
#
# Output is TAP, two checks per target:
#   ok 1 - fuzz_pin: 3 regression inputs replay clean
#   ok 2 - fuzz_pin: 20 s, 812345 executions, cov: 1234, ft: 5678, findings: 0
# A crash, leak, timeout or out-of-memory is a finding and fails the
# check; its input and the sanitizer report are named in a "#" line.
# Exit status: 0 when every check passed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$top/_build-fuzz}
corpora=${FUZZ_CORPUS:-}
# inputs are cut to 64 KB: larger ones cost much and reach little more
max_len=${FUZZ_MAX_LEN:-65536}
while getopts b:c: o; do
	case $o in
	b) build=$OPTARG ;;
	c) corpora="$corpora:$OPTARG" ;;
	*) echo "usage: $0 [-b BUILDDIR] [-c CORPUS] SECONDS [TARGET...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
secs=${1:-}
case "$secs" in
'' | *[!0-9]*) echo "usage: $0 [-b BUILDDIR] [-c CORPUS] SECONDS [TARGET...]" >&2; exit 2 ;;
esac
shift
if [ "$#" -eq 0 ]; then
	set -- $(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi
missing=0
for t in "$@"; do [ -x "$build/fuzz_$t" ] || missing=1; done
if [ "$missing" -eq 1 ]; then
	"$top/tests/fuzz/build.sh" "$build" >/dev/null || exit 1
fi
build=$(cd "$build" && pwd)
# the pipeline's database is rewritten for every input: keep it in memory
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm; export TMPDIR
fi
# leaks are findings; a smaller quarantine keeps the pipeline fast
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=16}
export ASAN_OPTIONS

n=0 failed=0
check() {	# check OK|FAIL TEXT
	n=$((n + 1))
	if [ "$1" = OK ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

for t in "$@"; do
	bin=$build/fuzz_$t
	work=$build/corpus/$t
	crashes=$build/crashes
	log=$build/fuzz_$t.log
	mkdir -p "$work" "$crashes"

	# 1. the regression inputs, each run once
	reg=$top/tests/fuzz/regress/$t
	nreg=0
	[ -d "$reg" ] && nreg=$(find "$reg" -type f | wc -l)
	if [ "$nreg" -eq 0 ]; then
		check OK "fuzz_$t: no regression inputs"
	elif find "$reg" -type f -print0 | xargs -0 "$bin" -timeout=25 \
	    -rss_limit_mb=2048 >"$log.regress" 2>&1; then
		check OK "fuzz_$t: $nreg regression inputs replay clean"
	else
		check FAIL "fuzz_$t: a regression input fails"
		grep -E '^(==[0-9]+==ERROR|Running:|SUMMARY)' "$log.regress" | tail -5 | sed 's/^/#   /'
	fi

	# 2. fuzzing, seeded
	seeds="$top/tests/corpus $top/tests/hostile"
	[ -d "$top/tests/fuzz/seeds/$t" ] && seeds="$seeds $top/tests/fuzz/seeds/$t"
	old_ifs=$IFS; IFS=:
	for c in $corpora; do [ -n "$c" ] && [ -d "$c" ] && seeds="$seeds $c"; done
	IFS=$old_ifs
	before=$(ls "$crashes" | wc -l)
	# shellcheck disable=SC2086
	nice -n 19 "$bin" -max_total_time="$secs" -timeout=25 \
	    -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$crashes/$t-" "$work" $seeds >"$log" 2>&1
	rc=$?
	after=$(ls "$crashes" | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	found=$((after - before))
	[ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && found=1
	text="fuzz_$t: $secs s, ${execs:-0} executions, cov: ${cov:-?}, ft: ${ft:-?}, findings: $found"
	if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
		check OK "$text"
	else
		check FAIL "$text"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -5 | sed 's/^/#   /'
		echo "#   log: $log"
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
