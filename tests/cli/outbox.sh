#!/bin/sh
# tests/cli/outbox.sh - pinctl outbox list [--json]: every state (queued,
# sent, dead), newest first, and never the message bytes.  The rows are
# written with sqlite3 as pinmilter would queue and update them.
. "$top_srcdir/tests/lib.sh"

json_ok() {
	if printf '%s' "$1" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null
	then pass "$2"; else fail "$2"; diag "$1"; fi
}
jq_py() { printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

new_instance
DB="$T/inst/pinmilter.db"
P() { "$PINCTL" -c "$CONF" "$@"; }

# --- empty ---
run P outbox list
expect_rc 0 "outbox list, empty"
is "$out" "ID  CREATED  KIND  RECIPIENT  CASE  ATTEMPTS  NEXT-TRY  STATE  ERROR" "empty: header only"
run P outbox list --json
expect_rc 0 "outbox list --json, empty"
is "$out" "[
]" "empty: []"

# --- usage ---
for args in "outbox list x" "outbox list --approved-by a@b.example" "outbox list --json --json" "outbox"; do
	# shellcheck disable=SC2086
	run P $args
	expect_rc 2 "pinctl $args"
done
lacks "$(P outbox list 2>&1 >/dev/null; echo)" "usage" "a good call prints no usage"

# --- notices in every state; the bytes hold a marker that must never show ---
sqlite3 "$DB" "INSERT INTO cases (number, email, opened) VALUES (100007, 'bob@example.com', 1764428000);
    INSERT INTO outbox (id, case_number, recipient, kind, message, created, attempts, next_try, sent_at, last_error, dead) VALUES
    (1, 100007, 'bob@example.com', 'case-created', NULL, 1764428100, 1, 1764428100, 1764428101, NULL, 0),
    (2, NULL, 'carol@example.com', 'pin-delivery', CAST('SEALED-SECRET-482913' AS BLOB), 1764428200, 3, 1764428500, NULL, 'connect to 127.0.0.1:2525: Connection refused', 0),
    (3, 100007, 'bob@example.com', 'verification-request', NULL, 1764428300, 10, 1764428900, NULL, '550 5.1.1 no such user', 1),
    (4, NULL, 'dan@example.com', 'email-changed', x'00ff534543524554', 1764428400, 0, 1764428400, NULL, NULL, 0);" ||
    fail "outbox rows inserted"
run P outbox list
expect_rc 0 "outbox list"
is "$(printf '%s\n' "$out" | awk 'NR>1{print $1"/"$2"/"$3"/"$4"/"$5"/"$6"/"$7"/"$8}' | tr '\n' ' ')" \
    "4/2025-11-29T15:00:00Z/email-changed/dan@example.com/-/0/2025-11-29T15:00:00Z/queued \
3/2025-11-29T14:58:20Z/verification-request/bob@example.com/100007/10/-/dead \
2/2025-11-29T14:56:40Z/pin-delivery/carol@example.com/-/3/2025-11-29T15:01:40Z/queued \
1/2025-11-29T14:55:00Z/case-created/bob@example.com/100007/1/-/sent " \
    "outbox list: newest first, every column"
is "$(printf '%s\n' "$out" | awk 'NR>1{$1=$2=$3=$4=$5=$6=$7=$8=""; sub(/^ +/, ""); print}' | tr '\n' '|')" \
    "-|550 5.1.1 no such user|connect to 127.0.0.1:2525: Connection refused|-|" \
    "outbox list: last errors"
lacks "$out" "SECRET" "outbox list: no message bytes"
lacks "$out" "482913" "outbox list: no PIN from the bytes"

run P outbox list --json
expect_rc 0 "outbox list --json"
json_ok "$out" "outbox list --json parses"
lacks "$out" "SECRET" "outbox list --json: no message bytes"
lacks "$out" "message" "outbox list --json: no message field"
is "$(jq_py 'sorted(j[0].keys())')" \
    "['attempts', 'case', 'created', 'id', 'kind', 'last_error', 'next_try', 'recipient', 'sent_at', 'state']" \
    "outbox list --json: keys"
is "$(jq_py '[(n["id"], n["state"]) for n in j]')" \
    "[(4, 'queued'), (3, 'dead'), (2, 'queued'), (1, 'sent')]" "outbox list --json: order and states"
is "$(jq_py 'j[3]["case"], j[3]["sent_at"], j[3]["next_try"], j[3]["last_error"], j[3]["attempts"]')" \
    "100007 2025-11-29T14:55:01Z None None 1" "outbox list --json: a sent notice"
is "$(jq_py 'j[2]["case"], j[2]["sent_at"], j[2]["next_try"], j[2]["last_error"], j[2]["kind"], j[2]["recipient"]')" \
    "None None 2025-11-29T15:01:40Z connect to 127.0.0.1:2525: Connection refused pin-delivery carol@example.com" \
    "outbox list --json: a queued notice that failed"
is "$(jq_py 'j[1]["next_try"], j[1]["last_error"], j[1]["attempts"], j[0]["created"]')" \
    "None 550 5.1.1 no such user 10 2025-11-29T15:00:00Z" "outbox list --json: a dead notice"

# --- read-only: listing needs no write access ---
if [ "$(id -u)" -ne 0 ]; then
	chmod 0444 "$DB"
	run P outbox list
	expect_rc 0 "outbox list on a read-only database"
	chmod 0644 "$DB"
else
	skip "read-only database (root)"
fi

# --- the store refuses a queued notice without its bytes ---
if sqlite3 "$DB" "INSERT INTO outbox (recipient, kind, created, next_try) VALUES ('e@example.com', 'k', 1, 1)" 2>/dev/null
then fail "a queued notice without bytes refused"
else pass "a queued notice without bytes refused"
fi

# --- an address changed or removed: what was queued to it is cancelled ---
P account add acme >/dev/null && P user add bob@acme.example --account acme >/dev/null &&
    P user add ada@acme.example --account acme --role admin >/dev/null &&
    P user add cy@acme.example --account acme >/dev/null || fail "users for set-email"
sqlite3 "$DB" "INSERT INTO outbox (id, recipient, kind, message, created, next_try) VALUES
    (10, 'bob@acme.example', 'pin-delivery', CAST('SEALED' AS BLOB), 1764428500, 1764428500),
    (11, 'cy@acme.example', 'pin-delivery', CAST('SEALED' AS BLOB), 1764428500, 1764428500);" ||
    fail "queued notices inserted"
state_of() { P outbox list | awk -v id="$1" 'NR > 1 && $1 == id { print $8 }'; }
run P user set-email bob@acme.example bob@new.example --approved-by ada@acme.example
expect_rc 0 "set-email"
is "$(state_of 10)" "dead" "set-email: the PIN delivery to the old address is cancelled"
contains "$(P outbox list | awk '$1 == 10')" "cancelled: address changed" "set-email: the reason"
is "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE id = 10 AND message IS NULL")" "1" \
    "set-email: its bytes dropped"
is "$(sqlite3 "$DB" "SELECT recipient FROM outbox WHERE kind = 'email-changed' AND dead = 0 AND id > 11 ORDER BY id" | tr '\n' ' ')" \
    "bob@acme.example bob@new.example " "set-email: email-changed to both addresses, queued"
is "$(state_of 11)" "queued" "set-email: another user's notice untouched"
contains "$(P audit --user bob@new.example)" "cancelled=1" "set-email: audited with the count"
run P user remove cy@acme.example
expect_rc 0 "remove"
is "$(state_of 11)" "dead" "remove: the notice to the removed address is cancelled"
contains "$(P outbox list | awk '$1 == 11')" "cancelled: user removed" "remove: the reason"

# --- an address change retires a PIN the old mailbox may know ---
P user add dan@acme.example --account acme >/dev/null &&
    P user add eve@acme.example --account acme >/dev/null &&
    P pin issue dan@acme.example --send >/dev/null &&
    printf '482913\n' | P pin set eve@acme.example >/dev/null || fail "PINs for set-email"
pin_of() { P user show "$1" | sed -n 's/^pin: \([^ ]*\).*/\1/p'; }
P user add nopin@acme.example --account acme >/dev/null
PIN_NO=$(pin_of nopin@acme.example)
is "$(pin_of eve@acme.example)" "set" "eve has a PIN (set by an administrator)"
is "$(pin_of dan@acme.example)" "set" "dan has a PIN (mailed)"
run P user set-email dan@acme.example dan@new.example --approved-by ada@acme.example
expect_rc 0 "set-email of dan"
is "$(pin_of dan@new.example)" "$PIN_NO" \
    "dan: the PIN mailed to the old address is retired"
lacks "$PIN_NO" "set" "(a user without a PIN shows so)"
contains "$(P audit --user dan@new.example)" "cancelled=1 pin-retired" \
    "dan: audited (the PIN delivery cancelled, the PIN retired)"
run_in '482913
' P pin verify dan@new.example
expect_rc 1 "dan: the old PIN does not verify for the new address"
is "$err" "pinctl: pin verify: dan@new.example has no PIN yet" "dan: no PIN yet"
run P user set-email eve@acme.example eve@new.example --approved-by ada@acme.example
expect_rc 0 "set-email of eve"
is "$(pin_of eve@new.example)" "set" "eve: a PIN set by an administrator (never mailed) is kept"
lacks "$(P audit --user eve@new.example)" "pin-retired" "eve: nothing retired"
run_in '482913
' P pin verify eve@new.example
expect_rc 0 "eve: her PIN verifies for the new address"
