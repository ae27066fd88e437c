#!/bin/sh
# tests/cli/badinput.sh - usage errors of every command (exit 2, one
# error line plus the usage line), option order, and the environment
# errors: a locked database and a read-only database (exit 2, one line,
# nothing written).
. "$top_srcdir/tests/lib.sh"

new_instance
echo "DatabaseTimeout	1s" >>"$CONF"
DB="$T/inst/pinmilter.db"
P() { "$PINCTL" -c "$CONF" "$@"; }
P account add acme >/dev/null
P user add bob@example.com --account acme >/dev/null
printf '112233\n' | P pin set bob@example.com >/dev/null

# usage_error DESC: exit 2, "pinctl: ..." then "usage: pinctl ..."
usage_error() {
	expect_rc 2 "$1"
	case "$(printf '%s\n' "$err" | sed -n 1p)" in
	"pinctl: "*) pass "$1: error line" ;;
	*) fail "$1: error line"; diag "stderr: $err" ;;
	esac
	case "$(printf '%s\n' "$err" | sed -n 2p)" in
	"usage: pinctl "*) pass "$1: usage line" ;;
	*) fail "$1: usage line"; diag "stderr: $err" ;;
	esac
	is "$out" "" "$1: nothing on stdout"
}
# one_error DESC: stderr is exactly one "pinctl: " line.
one_error() {
	case "$err" in
	"pinctl: "*) is "$(printf '%s\n' "$err" | wc -l)" 1 "$1: one error line" ;;
	*) fail "$1: one error line"; diag "stderr: $err" ;;
	esac
}

# --- too many / too few arguments, for every command ---
while IFS='|' read -r args; do
	# shellcheck disable=SC2086
	run P $args
	usage_error "argument count: pinctl $args"
done <<'EOF'
init extra
account add a b
account list extra
user add a@example.com b@example.com --account acme
user list extra
user show a@example.com b@example.com
user set-email a@example.com b@example.com c@example.com --approved-by x@example.com
user remove a@example.com b@example.com
user admins a@example.com b@example.com
pin set bob@example.com 112233
pin issue bob@example.com 112233 --print
pin verify bob@example.com 112233
unlock bob@example.com extra
import a.csv b.csv
audit extra
case list extra
case show 1 2
account add
user add --account acme
user show
user set-email bob@example.com --approved-by x@example.com
user remove
user admins
pin set
pin issue --print
pin verify
unlock
import
case show
EOF
run P pin set bob@example.com 998877
lacks "$err" "998877" "surplus argument (a PIN?) never echoed"

# --- options ---
run P user list --bogus
usage_error "unknown option"
contains "$err" "unknown option --bogus" "unknown option named"
run P pin set bob@example.com --998877
usage_error "unknown option made of digits"
lacks "$err" "998877" "digit option never echoed"
run P pin set bob@example.com -9
usage_error "unknown short option"
run P 998877
expect_rc 2 "a PIN as the command"
lacks "$err" "998877" "digit command never echoed"
run P account list --json --json
usage_error "option given twice"
run P account list --account acme
usage_error "option not accepted by the command"
run P user list --account
usage_error "option without its value"
run P account add acme2 --help
expect_rc 0 "--help after arguments"
run P account list
lacks "$out" "acme2" "--help did not run the command"

# options before or after positional arguments, = form, and --
run P user add --account=acme --role admin carol@example.com --name "Carol C"
expect_rc 0 "options first, --opt=value form"
run P user add dan@example.com --name Dan --account acme
expect_rc 0 "options last"
run P user show -- carol@example.com
expect_rc 0 "-- ends the options"
run P user list --json --account=acme
expect_rc 0 "two options, = form"

# --- a locked database: exit 2, one line, nothing written ---
P user list >"$T/users.before"
P audit >"$T/audit.before"
printf 'email,account,pin\nerin@example.com,acme,123123\n' >"$T/one.csv"
python3 - "$DB" "$T/locked" "$T/release" <<'EOF' &
import os, sqlite3, sys, time
db, ready, release = sys.argv[1:]
c = sqlite3.connect(db, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(ready, "w").close()
deadline = time.time() + 60
while not os.path.exists(release) and time.time() < deadline:
    time.sleep(0.05)
c.execute("ROLLBACK")
EOF
locker=$!
release_lock() { touch "$T/release"; wait "$locker" 2>/dev/null; }
at_exit release_lock
n=0
while [ ! -e "$T/locked" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
if [ -e "$T/locked" ]; then
	while IFS='|' read -r input args; do
		# shellcheck disable=SC2086
		run_in "$input" P $args
		expect_rc 2 "locked database: $args"
		one_error "locked database: $args"
		contains "$err" "locked" "locked database: $args: says locked"
	done <<-EOF
	|account add initech
	|user add erin@example.com --account acme
	|user remove bob@example.com
	|unlock bob@example.com
	|user set-email bob@example.com b2@example.com --approved-by carol@example.com
	|import $T/one.csv
	EOF
	run_in "445566
" P pin set bob@example.com
	expect_rc 2 "locked database: pin set"
	one_error "locked database: pin set"
	run_in "112233
" P pin verify bob@example.com
	expect_rc 2 "locked database: pin verify"
	one_error "locked database: pin verify"
	run P pin issue bob@example.com --print
	expect_rc 2 "locked database: pin issue"
	is "$out" "" "locked database: no PIN printed"
	run P user list
	expect_rc 0 "locked database: reading still works"
else
	skip "could not lock the database with python3 sqlite3"
fi
release_lock
P user list >"$T/users.after"
P audit >"$T/audit.after"
if cmp -s "$T/users.before" "$T/users.after"; then pass "locked: users unchanged"
else fail "locked: users unchanged"; diag "$(diff "$T/users.before" "$T/users.after")"; fi
if cmp -s "$T/audit.before" "$T/audit.after"; then pass "locked: audit unchanged"
else fail "locked: audit unchanged"; diag "$(diff "$T/audit.before" "$T/audit.after")"; fi
run_in "112233
" P pin verify bob@example.com
expect_rc 0 "the old PIN still verifies after the lock"

# --- a read-only database: exit 2, one line, nothing written ---
# Root ignores file modes, so run pinctl as nobody on a copy it can
# read but not write (or, when not root, simply chmod the copy).
RO="$T/ro"
mkdir "$RO"
cp "$DB" "$RO/pinmilter.db"
sed "s|^Database[[:space:]].*|Database $RO/pinmilter.db|" "$CONF" >"$T/ro.conf"
chmod 0644 "$T/ro.conf" "$RO/pinmilter.db"
chmod 0555 "$RO"
chmod 0444 "$RO/pinmilter.db"
as_reader=""
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1 &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups "$PINCTL" --help >/dev/null 2>&1; then
		as_reader="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
else
	as_reader="env"
fi
if [ -n "$as_reader" ]; then
	before=$(sqlite3 "$RO/pinmilter.db" 'SELECT count(*) FROM accounts; SELECT count(*) FROM audit')
	for args in "account add initech" "user add erin@example.com --account acme" \
	    "user remove bob@example.com" "unlock bob@example.com"; do
		# shellcheck disable=SC2086
		run $as_reader "$PINCTL" -c "$T/ro.conf" $args
		expect_rc 2 "read-only database: $args"
		one_error "read-only database: $args"
		contains "$err" "read-only" "read-only database: $args: says read-only"
	done
	is "$(sqlite3 "$RO/pinmilter.db" 'SELECT count(*) FROM accounts; SELECT count(*) FROM audit')" \
	    "$before" "read-only: nothing written"
else
	skip "read-only database: cannot drop privileges (setpriv or a readable build tree missing)"
fi
chmod 0755 "$RO"
