#!/bin/sh
# tests/bench/store_pg.sh - bench_store on SQLite and on a private
# PostgreSQL server (tests/pg.sh), side by side, ROUNDS rounds each,
# interleaved (timing on a shared machine is noisy: compare the ratio).
# Build it first: make tests/bench/bench_store.
#
# Usage: tests/bench/store_pg.sh [USERS [CALLS [ROUNDS]]]
. "$(dirname "$0")/../lib.sh"
. "$top_srcdir/tests/pg.sh"
B=$top_builddir/tests/bench/bench_store
[ -x "$B" ] || { echo "Bail out! build $B first (make tests/bench/bench_store)"; exit 1; }
pg_start || { skip "PostgreSQL server binaries not installed"; exit 0; }
users=${1:-1000} calls=${2:-8000} rounds=${3:-3}
for r in $(seq 1 "$rounds"); do
	"$B" "$users" "$calls" | sed "s/^/# round $r sqlite: /"
	pg_sql "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null
	PINMILTER_TEST_DATABASE=$PGURI "$B" "$users" "$calls" | sed "s/^/# round $r postgresql: /"
done
pass "benchmark ran"
