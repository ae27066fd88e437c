#!/bin/sh
# tests/cli/dump.sh - a stolen database does not give away PINs: the
# SQL dump and the raw files hold no PIN in any form, and without the
# right key file nothing can be verified.
. "$top_srcdir/tests/lib.sh"

new_instance
DB="$T/inst/pinmilter.db"
P() { "$PINCTL" -c "$CONF" "$@"; }
P account add acme >/dev/null
pins="482913 000000 999999 135246 707070"
i=0
for pin in $pins; do
	i=$((i + 1))
	P user add "user$i@example.com" --account acme >/dev/null
	printf '%s\n' "$pin" | P pin set "user$i@example.com" >/dev/null
done
printf 'email,account,pin\nimported@example.com,acme,314159\n' >"$T/imp.csv"
P import "$T/imp.csv" >/dev/null
rm -f "$T/imp.csv"
issued=$(P pin issue user1@example.com --print)
pins="$pins 314159 $issued"
# the replaced PIN of user1 must not linger either (secure_delete)
printf '%s\n' "$issued" | P pin verify user1@example.com >/dev/null
printf '999999\n' | P pin verify user3@example.com >/dev/null

run sqlite3 "$DB" .dump
expect_rc 0 "sqlite3 .dump"
dump=$out
hashes=$(sqlite3 "$DB" "SELECT count(*) FROM users WHERE length(pin_hash) = 32 AND length(pin_salt) = 16")
is "$hashes" 6 "every user has a 32-byte hash and a 16-byte salt"
is "$(sqlite3 "$DB" "SELECT count(DISTINCT hex(pin_salt)) FROM users")" 6 "salts differ per user"
# users 2 and 4 have PINs 000000 and 135246: the same PIN would still
# give different hashes; check two users with the same PIN
P user add twin1@example.com --account acme >/dev/null
P user add twin2@example.com --account acme >/dev/null
printf '424242\n' | P pin set twin1@example.com >/dev/null
printf '424242\n' | P pin set twin2@example.com >/dev/null
pins="$pins 424242"
is "$(sqlite3 "$DB" "SELECT count(DISTINCT hex(pin_hash)) FROM users WHERE email LIKE 'twin%'")" 2 "same PIN, different hashes"
dump="$dump
$(sqlite3 "$DB" .dump)"
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
# raw_has PIN: do the database file bytes hold PIN as ASCII, or as the
# ASCII of its hex or base64 form?
raw_has() {
	python3 - "$DB" "$1" <<'EOF'
import base64, binascii, sys
data = b""
for f in (sys.argv[1], sys.argv[1] + "-wal"):
    try:
        data += open(f, "rb").read()
    except OSError:
        pass
pin = sys.argv[2].encode()
forms = [pin, binascii.hexlify(pin), binascii.hexlify(pin).upper(),
         base64.b64encode(pin)]
print("yes" if any(f in data for f in forms) else "no")
EOF
}
contains "$dump" "user1@example.com" "control: the dump holds the users"
is "$(raw_has user1@example.com)" yes "control: the raw check finds what is there"
for pin in $pins; do
	HEX=$(printf '%s' "$pin" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
	b64=$(printf '%s' "$pin" | base64)
	lacks "$dump" "$pin" "dump has no PIN $pin"
	lacks "$dump" "$HEX" "dump has no PIN $pin as hex"
	lacks "$dump" "$b64" "dump has no PIN $pin as base64"
	is "$(raw_has "$pin")" no "database file bytes hold no PIN $pin"
done
lacks "$(P audit --json)" "$issued" "audit has no issued PIN"

# --- without the key file nothing verifies ---
mv "$T/inst/pinmilter.key" "$T/key.away"
run_in "482913
" P pin verify user1@example.com
expect_rc 2 "no key file: pin verify"
case "$err" in
"pinctl: pin verify: key file $T/inst/pinmilter.key: "*) pass "no key file: error names the key file" ;;
*) fail "no key file: error names the key file"; diag "$err" ;;
esac
is "$(printf '%s\n' "$err" | wc -l)" 1 "no key file: one line"
mv "$T/key.away" "$T/inst/pinmilter.key"

# --- with another key file (from another instance) it refuses ---
mkdir "$T/other"
cat >"$T/other/pinmilter.conf" <<EOF
Database	$T/other/pinmilter.db
KeyFile		$T/other/pinmilter.key
SupportAddress	support@example.com
AuthservID	mx.example.com
Syslog		no
EOF
"$PINCTL" -c "$T/other/pinmilter.conf" init >/dev/null
sed "s|^KeyFile[[:space:]].*|KeyFile $T/other/pinmilter.key|" "$CONF" >"$T/wrongkey.conf"
for pin in 482913 000000 999999; do
	run_in "$pin
" "$PINCTL" -c "$T/wrongkey.conf" pin verify user2@example.com
	expect_rc 2 "other key file: pin verify $pin refused"
done
is "$err" "pinctl: pin verify: key file $T/other/pinmilter.key does not match the database $DB" "other key file: message"
run_in "000000
" "$PINCTL" -c "$T/wrongkey.conf" pin set user2@example.com
expect_rc 2 "other key file: pin set refused"
run "$PINCTL" -c "$T/wrongkey.conf" pin issue user2@example.com --print
expect_rc 2 "other key file: pin issue refused"
is "$out" "" "other key file: no PIN issued"
run_in "000000
" P pin verify user2@example.com
expect_rc 0 "the right key still verifies"
