#!/bin/sh
# tests/store/pg.sh - the store's unit tests that use the store only
# through store.h (test_store_shared, test_store_audit, test_notice)
# against a private PostgreSQL server
# (tests/pg.sh), plus pinctl on a PostgreSQL URI: init (twice),
# pinmilter -n, a URI with a password refused without being shown, a
# database without the schema named as such; pinctl db copy from SQLite
# to PostgreSQL and back; a role with a password logging in with the
# password from PGPASSFILE or passfile=, and refused without it.
. "$(dirname "$0")/../lib.sh"
. "$top_srcdir/tests/pg.sh"

if ! pg_start; then
	skip "PostgreSQL server binaries not installed (Debian package postgresql)"
	exit 0
fi

# unit NAME: run tests/unit/NAME on the server (PINMILTER_TEST_DATABASE:
# test_store_shared's database, make_store's in the others) from the
# source directory (templates), and report each of its TAP lines here.
unit() {
	(cd "$top_srcdir" && PINMILTER_TEST_DATABASE=$PGURI \
	    "$top_builddir/tests/unit/$1") >"$T/unit.out" 2>&1
	_urc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*"# SKIP"*) skip "$1: ${line#*# SKIP }" ;;
		"ok "*) pass "$1: $(printf '%s' "$line" | sed 's/^ok [0-9]* - //')" ;;
		"not ok "*) fail "$1: $(printf '%s' "$line" | sed 's/^not ok [0-9]* - //')" ;;
		"#"*|"Bail out!"*) echo "# $line" ;;
		esac
	done <"$T/unit.out"
	is "$_urc" 0 "$1 on PostgreSQL exits 0"
}
# The store contract and what several processes rely on; the audit-row
# builder; notices queued and read back (the store through the notice
# layer).
unit test_store_shared
unit test_store_audit
unit test_notice

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

# ---- pinctl db copy: an SQLite installation moved to PostgreSQL ----
write_conf "$PGURI"
pg_sql "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null
cat >"$T/lite.conf" <<CONF
Database $T/lite.db
KeyFile $T/pinmilter.key
CONF
L="$PINCTL -c $T/lite.conf"
$L init >/dev/null
$L account add acme >/dev/null
$L user add --account acme Alice@Example.com >/dev/null
printf '123456\n' | $L pin set alice@example.com >/dev/null
printf '000000\n' | $L pin verify alice@example.com >/dev/null 2>&1
sqlite3 "$T/lite.db" "INSERT INTO cases (number, email, opened) VALUES
    (100005, 'x@example.com', 1), (100009, 'z@example.com', 2);
  UPDATE case_sequence SET last = 100020;
  INSERT INTO case_messages (case_number, message_id, direction, at)
    VALUES (100009, '<m@x>', 'in', 3);
  INSERT INTO outbox (case_number, recipient, kind, message, created, next_try)
    VALUES (100009, 'alice@example.com', 'case-created', x'00ff01', 5, 5)"
audit_before=$(sqlite3 "$T/lite.db" "SELECT count(*) FROM audit")

run "$PINCTL" -c "$T/pinmilter.conf" db copy --from "$T/lite.db"
expect_rc 0 "db copy --from an SQLite file to the configured PostgreSQL"
is "$out" "copied $((audit_before + 7)) rows (meta 1, accounts 1, users 1, cases 2, case_messages 1, audit $audit_before, outbox 1, decisions 0)" \
    "db copy: rows per table"
is "$(pg_sql "SELECT email || ' ' || failures || ' ' || encode(pin_hash, 'hex') FROM users")" \
    "$(sqlite3 "$T/lite.db" "SELECT email || ' ' || failures || ' ' || lower(hex(pin_hash)) FROM users")" \
    "user, failure count and PIN hash copied exactly"
is "$(pg_sql "SELECT string_agg(number::text, ',' ORDER BY number) FROM cases")" "100005,100009" \
    "case numbers kept"
is "$(pg_sql "SELECT encode(message, 'hex') || ' ' || case_number FROM outbox")" "00ff01 100009" \
    "a queued notice's bytes copied"
is "$(pg_sql "SELECT count(*) FROM audit WHERE action = 'db.copy'")" "1" "the copy is in the audit"
run "$PINCTL" -c "$T/pinmilter.conf" audit
is "$(printf '%s\n' "$out" | grep -c 'pin.verify')" "1" "the audit came along (pin.verify)"
run_in '123456
' "$PINCTL" -c "$T/pinmilter.conf" pin verify alice@example.com
expect_rc 0 "the PIN verifies on the copy (same KeyFile)"
run "$PINCTL" -c "$T/pinmilter.conf" user add --account acme bob@example.com
expect_rc 0 "a new user after the copy gets a new key"
is "$(pg_sql "SELECT id FROM users WHERE email = 'bob@example.com'")" "2" "keys continue after the copied ones"
is "$(pg_sql "SELECT last FROM case_sequence")" "100020" "the highest case number ever given is kept"

run "$PINCTL" -c "$T/pinmilter.conf" db copy --from "$T/lite.db"
expect_rc 1 "db copy into a database that has rows is refused"
case "$err" in
*"is not empty"*) pass "refusal says the database is not empty" ;;
*) fail "refusal says the database is not empty"; diag "$err" ;;
esac
run "$PINCTL" -c "$T/pinmilter.conf" db copy
expect_rc 2 "db copy without --from"

# and back: PostgreSQL to a new SQLite file
run "$PINCTL" -c "$T/pinmilter.conf" db copy --from "$PGURI" --to "$T/back.db"
expect_rc 0 "db copy from PostgreSQL to a new SQLite file"
is "$(sqlite3 "$T/back.db" "SELECT group_concat(email, ',') FROM (SELECT email FROM users ORDER BY id)")" \
    "Alice@example.com,bob@example.com" "users copied back"

# ---- a password from libpq's password file, never from the URI ----
pg_sql "CREATE ROLE pwuser LOGIN SUPERUSER PASSWORD 'pw-s3cret-9'" >/dev/null
{ echo "local all pwuser scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } >"$T/hba"
cat "$T/hba" >"$PG_DIR/data/pg_hba.conf"
$PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" reload >/dev/null 2>&1
sleep 1
printf '*:*:*:pwuser:pw-s3cret-9\n' >"$T/pgpass"
chmod 600 "$T/pgpass"
write_conf "postgresql://pwuser@/pinmilter?host=$PG_DIR&port=$PG_PORT"
run env PGPASSFILE=/nonexistent "$PINCTL" -c "$T/pinmilter.conf" account list
expect_rc 2 "a role with a password and no password file: refused by the server"
case "$err" in
*"cannot reach database"*password*) pass "the server's refusal is reported" ;;
*) fail "the server's refusal is reported"; diag "$err" ;;
esac
run env PGPASSFILE="$T/pgpass" "$PINCTL" -c "$T/pinmilter.conf" account list
expect_rc 0 "the password from PGPASSFILE"
write_conf "postgresql://pwuser@/pinmilter?host=$PG_DIR&port=$PG_PORT&passfile=$T/pgpass"
run env PGPASSFILE=/nonexistent "$PINCTL" -c "$T/pinmilter.conf" account list
expect_rc 0 "the password from passfile= in the URI"
case "$out$err" in
*pw-s3cret-9*) fail "the password is shown nowhere" ;;
*) pass "the password is shown nowhere" ;;
esac
