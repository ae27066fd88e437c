#!/bin/sh
# tests/store/pg.sh - the store's shared-contract unit test
# (tests/unit/test_store_shared) against a private PostgreSQL server
# (tests/pg.sh), plus pinctl on a PostgreSQL URI: init (twice),
# pinmilter -n, a URI with a password refused without being shown, a
# database without the schema named as such.
. "$(dirname "$0")/../lib.sh"
. "$top_srcdir/tests/pg.sh"

if ! pg_start; then
	skip "PostgreSQL server binaries not installed (Debian package postgresql)"
	exit 0
fi

# The unit test prints TAP of its own: run it and report it as one check
# per line it printed, renumbered.
PINMILTER_TEST_DATABASE=$PGURI "$top_builddir/tests/unit/test_store_shared" >"$T/unit.out" 2>&1
urc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*"# SKIP"*) skip "unit: ${line#*# SKIP }" ;;
	"ok "*) pass "unit: $(printf '%s' "$line" | sed 's/^ok [0-9]* - //')" ;;
	"not ok "*) fail "unit: $(printf '%s' "$line" | sed 's/^not ok [0-9]* - //')" ;;
	"#"*) echo "$line" ;;
	esac
done <"$T/unit.out"
is "$urc" 0 "test_store_shared on PostgreSQL exits 0"

# write_conf URI: the configuration with Database URI.
write_conf() {
	cat >"$T/pinmilter.conf" <<CONF
Database $1
KeyFile $T/pinmilter.key
SupportAddress support@example.com
Socket unix:$T/milter.sock
PidFile $T/pinmilter.pid
LogFile $T/pinmilter.log
TemplateDir $top_srcdir/conf/templates
CONF
}
write_conf "$PGURI"
pg_sql "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null

run "$PINCTL" -c "$T/pinmilter.conf" account list
expect_rc 2 "pinctl on a database without the schema"
case "$err" in
*"holds no pinmilter schema (run pinctl init)"*) pass "says to run pinctl init" ;;
*) fail "says to run pinctl init"; diag "$err" ;;
esac

run "$PINCTL" -c "$T/pinmilter.conf" init
expect_rc 0 "pinctl init on a PostgreSQL URI"
is "$(printf '%s\n' "$out" | tail -1)" "database $PGURI ready (schema 4)" "init: schema 4"
run "$PINCTL" -c "$T/pinmilter.conf" init
expect_rc 0 "pinctl init again"
is "$(pg_sql 'SELECT version FROM pinmilter_schema')" "4" "version kept in pinmilter_schema"

run "$PINMILTER" -n -c "$T/pinmilter.conf"
expect_rc 0 "pinmilter -n connects and checks the schema"

pg_sql "UPDATE pinmilter_schema SET version = 99" >/dev/null
run "$PINMILTER" -n -c "$T/pinmilter.conf"
expect_rc 1 "pinmilter -n: a newer schema is a problem"
case "$out$err" in
*"schema version 99 is newer"*) pass "newer schema named" ;;
*) fail "newer schema named"; diag "$out" "$err" ;;
esac
pg_sql "UPDATE pinmilter_schema SET version = 4" >/dev/null

for uri in "postgresql://pm:s3cret@/pinmilter?host=$PG_DIR&port=$PG_PORT" \
    "postgres:///pinmilter?host=$PG_DIR&port=$PG_PORT&password=s3cret"; do
	write_conf "$uri"
	run "$PINCTL" -c "$T/pinmilter.conf" account list
	expect_rc 2 "a password in the URI is refused"
	case "$out$err" in
	*s3cret*) fail "the password is not shown"; diag "$err" ;;
	*"put it in the password file"*) pass "the password is not shown, the password file is named" ;;
	*) fail "the password file is named"; diag "$err" ;;
	esac
done
