#!/bin/sh
# tests/cli/init.sh - pinctl init: key file and database creation, the key
# is never overwritten, key permission/fingerprint checks, help and the
# top-level usage errors.
. "$top_srcdir/tests/lib.sh"

# one_error DESC: stderr is exactly one "pinctl: " line.
one_error() {
	case "$err" in
	"pinctl: "*) is "$(printf '%s\n' "$err" | wc -l)" 1 "$1: one error line" ;;
	*) fail "$1: one error line"; diag "stderr: $err" ;;
	esac
}

D="$T/i"
mkdir "$D"
CONF="$D/pinmilter.conf"
cat >"$CONF" <<EOF
Database	$D/pm.db
KeyFile		$D/pm.key
SupportAddress	support@example.com
AuthservID	mx.example.com
Syslog		no
EOF

# --- first init (under a permissive umask: the database must still be
# private, whatever the umask or the directory) ---
umask 022
run "$PINCTL" -c "$CONF" init
expect_rc 0 "init"
contains "$out" "key file $D/pm.key created" "init says it created the key"
contains "$out" "database $D/pm.db ready (schema 4)" "init names the database"
is "$err" "" "init writes nothing on stderr"
is "$(stat -c %a "$D/pm.key")" 600 "key file mode 0600"
is "$(stat -c %s "$D/pm.key")" 32 "key file is 32 bytes"
[ -f "$D/pm.db" ] && pass "database created" || fail "database created"
is "$(stat -c %a "$D/pm.db")" 600 "database created 0600 under umask 022"
cp "$D/pm.key" "$T/key.first"

# --- init again keeps the key ---
run "$PINCTL" -c "$CONF" init
expect_rc 0 "init twice"
contains "$out" "key file $D/pm.key exists, kept" "second init keeps the key"
if cmp -s "$D/pm.key" "$T/key.first"; then pass "key bytes unchanged"; else fail "key bytes unchanged"; fi
run "$PINCTL" -c "$CONF" audit
is "$(printf '%s\n' "$out" | grep -c ' init ')" 1 "fingerprint stored (audited) once"

# --- the key file's permissions are checked ---
"$PINCTL" -c "$CONF" account add acme >/dev/null
"$PINCTL" -c "$CONF" user add bob@example.com --account acme >/dev/null
chmod 0644 "$D/pm.key"
run "$PINCTL" -c "$CONF" init
expect_rc 2 "init with a 0644 key file"
one_error "init 0644"
contains "$err" "permissions 0644" "error names the permissions"
run_in "123456
" "$PINCTL" -c "$CONF" pin set bob@example.com
expect_rc 2 "pin set with a 0644 key file"
one_error "pin set 0644"
contains "$err" "$D/pm.key" "error names the key file"
if cmp -s "$D/pm.key" "$T/key.first"; then pass "bad-mode key kept as is"; else fail "bad-mode key kept as is"; fi
chmod 0640 "$D/pm.key"
run_in "123456
" "$PINCTL" -c "$CONF" pin verify bob@example.com
expect_rc 2 "pin verify with a 0640 key file"
chmod 0600 "$D/pm.key"

# --- a wrong-size key file ---
cp "$D/pm.key" "$T/key.keep"
head -c 16 "$T/key.keep" >"$D/pm.key"
run_in "123456
" "$PINCTL" -c "$CONF" pin set bob@example.com
expect_rc 2 "pin set with a 16-byte key file"
one_error "short key"
cp "$T/key.keep" "$D/pm.key"
chmod 0600 "$D/pm.key"

# --- missing key file ---
mv "$D/pm.key" "$T/key.away"
run_in "123456
" "$PINCTL" -c "$CONF" pin set bob@example.com
expect_rc 2 "pin set without the key file"
one_error "missing key"
run "$PINCTL" -c "$CONF" init
expect_rc 2 "init refuses to make a new key for an initialised database"
one_error "init missing key"
contains "$err" "restore the key file" "init says to restore the key"
[ -e "$D/pm.key" ] && fail "no new key file written" || pass "no new key file written"
run "$PINCTL" -c "$CONF" user list
expect_rc 0 "commands without PINs work without the key"
mv "$T/key.away" "$D/pm.key"

# --- a different key file is detected ---
head -c 32 /dev/urandom >"$T/other.key"
chmod 600 "$T/other.key"
sed "s|^KeyFile[[:space:]].*|KeyFile $T/other.key|" "$CONF" >"$T/other.conf"
run "$PINCTL" -c "$T/other.conf" init
expect_rc 2 "init with another key file"
is "$err" "pinctl: init: key file $T/other.key does not match the database $D/pm.db" \
    "init: key mismatch named"
is "$(printf '%s\n' "$out" | grep -c 'ready')" 0 "init with another key: not ready"
run "$PINCTL" -c "$CONF" audit
is "$(printf '%s\n' "$out" | grep -c ' init ')" 1 \
    "init with another key: no fingerprint stored or audited"
run_in "123456
" "$PINCTL" -c "$T/other.conf" pin set bob@example.com
expect_rc 2 "pin set with another key file"
is "$err" "pinctl: pin set: key file $T/other.key does not match the database $D/pm.db" \
    "pin set: key mismatch named"
one_error "mismatch"

# --- new key file created when missing and the database is new ---
mkdir "$T/fresh"
sed -e "s|$D/pm.db|$T/fresh/pm.db|" -e "s|$D/pm.key|$T/fresh/pm.key|" \
    "$CONF" >"$T/fresh.conf"
run "$PINCTL" -c "$T/fresh.conf" init
expect_rc 0 "init in a new directory"
if cmp -s "$T/fresh/pm.key" "$D/pm.key"; then fail "a new random key"; else pass "a new random key"; fi

# --- configuration and database errors ---
run "$PINCTL" -c "$T/nonexistent.conf" user list
expect_rc 2 "missing configuration file"
one_error "missing config"
printf 'Database %s\nBogusKey 1\n' "$D/pm.db" >"$T/bad.conf"
run "$PINCTL" -c "$T/bad.conf" init
expect_rc 2 "unknown configuration key"
contains "$err" "bad.conf:2" "config error names file and line"
sed "s|^Database[[:space:]].*|Database $T/none/pm.db|" "$CONF" >"$T/nodb.conf"
run "$PINCTL" -c "$T/nodb.conf" user list
expect_rc 2 "database not initialised"
one_error "no database"
cp "$D/pm.db" "$T/new.db"
sqlite3 "$T/new.db" 'PRAGMA user_version = 99'
sed "s|^Database[[:space:]].*|Database $T/new.db|" "$CONF" >"$T/new.conf"
run "$PINCTL" -c "$T/new.conf" user list
expect_rc 2 "schema newer than pinctl"
one_error "schema too new"
run "$PINCTL" -c "$T/new.conf" init
expect_rc 2 "init does not touch a newer schema"

# --- help and top-level usage ---
run "$PINCTL" --help
expect_rc 0 "--help"
for cmd in "init" "account add" "account list" "user add" "user list" \
    "user show" "user set-email" "user remove" "user admins" "pin set" \
    "pin issue" "pin verify" "unlock" "import" "audit" "case list" \
    "case show"; do
	contains "$out" "  $cmd" "--help lists $cmd"
done
run "$PINCTL" help
expect_rc 0 "help"
contains "$out" "user set-email EMAIL NEW-EMAIL --approved-by ADMIN-EMAIL" "help shows usage lines"
run "$PINCTL" user add --help
expect_rc 0 "command --help"
is "$out" "usage: pinctl [-c FILE] user add EMAIL --account NAME [--role admin|user] [--name TEXT]" "command --help prints its usage"
run "$PINCTL"
expect_rc 2 "no command"
contains "$err" "usage:" "no command: usage on stderr"
is "$out" "" "no command: nothing on stdout"
run "$PINCTL" -c "$CONF" frobnicate
expect_rc 2 "unknown command"
contains "$err" "pinctl: unknown command frobnicate" "unknown command named"
contains "$err" "usage:" "unknown command: usage on stderr"
run "$PINCTL" -c "$CONF" user
expect_rc 2 "group without a verb"
run "$PINCTL" -x
expect_rc 2 "unknown global option"
run "$PINCTL" -c
expect_rc 2 "-c without a file"
