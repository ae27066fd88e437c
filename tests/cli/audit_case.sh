#!/bin/sh
# tests/cli/audit_case.sh - pinctl audit (filters --user, --case, --since,
# --json) and case list/show; no PIN in any audit output.
. "$top_srcdir/tests/lib.sh"

json_ok() {
	if printf '%s' "$1" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null
	then pass "$2"; else fail "$2"; diag "$1"; fi
}
jq_py() { printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
rows() { printf '%s\n' "$out" | awk 'NR>1' | wc -l | tr -d ' '; }

new_instance
echo "MaxFailures	3" >>"$CONF"
DB="$T/inst/pinmilter.db"
P() { "$PINCTL" -c "$CONF" "$@"; }
P account add acme >/dev/null
P user add alice@example.com --account acme --role admin >/dev/null
P user add bob@example.com --account acme >/dev/null
printf '246810\n' | P pin set bob@example.com >/dev/null
printf '135790\n' | P pin verify bob@example.com >/dev/null 2>&1
printf '246810\n' | P pin verify bob@example.com >/dev/null
issued=$(P pin issue alice@example.com --print)
P unlock bob@example.com >/dev/null

# --- the whole log ---
run P audit
expect_rc 0 "audit"
is "$(printf '%s\n' "$out" | head -1 | tr -s ' ')" "TIME ACTOR ACTION EMAIL CASE RESULT DETAIL" "audit header"
is "$(printf '%s\n' "$out" | awk 'NR>1{print $3}' | tr '\n' ' ')" \
    "init account.add user.add user.add pin.set pin.verify pin.verify pin.issue unlock " \
    "audit rows, oldest first"
is "$(printf '%s\n' "$out" | awk '$3=="pin.verify"{print $6}' | tr '\n' ' ')" "fail pass " "pin verify results"
run P audit --json
expect_rc 0 "audit --json"
json_ok "$out" "audit --json parses"
is "$(jq_py 'len(j)')" 9 "audit --json rows"
is "$(jq_py 'sorted(j[1].keys())')" "['action', 'actor', 'at', 'case', 'detail', 'email', 'id', 'result']" "audit --json keys"
is "$(jq_py 'j[2]["email"], j[2]["action"], j[2]["case"]')" "alice@example.com user.add None" "audit --json row"
all="$(P audit)
$out"
for pin in 246810 135790 "$issued"; do
	lacks "$all" "$pin" "audit output has no PIN $pin"
done

# --- --user ---
run P audit --user BOB@example.com
expect_rc 0 "audit --user"
is "$(printf '%s\n' "$out" | awk 'NR>1{print $3}' | tr '\n' ' ')" \
    "user.add pin.set pin.verify pin.verify unlock " "audit --user: that user's rows (any case)"
run P audit --user nobody@example.com --json
is "$out" "[
]" "audit --user unknown: empty"

# --- --since ---
# age the first three rows (init, account.add, alice's user.add) to 2020
sqlite3 "$DB" "UPDATE audit SET at = 1577880000 WHERE id <= 3"
run P audit --since 7d
is "$(rows)" 6 "audit --since 7d skips old rows"
run P audit --since 2021-01-01 --json
is "$(jq_py 'len(j)')" 6 "audit --since DATE"
run P audit --since 2019-12-31
is "$(rows)" 9 "audit --since an older date"
run P audit --since 2020-01-01T12:00:00Z
is "$(rows)" 9 "audit --since a time at the old rows"
run P audit --since 2020-01-01T12:00:01Z
is "$(rows)" 6 "audit --since a second later"
run P audit --since 2999-01-01
is "$(rows)" 0 "audit --since the future"
run P audit --since 30m --user alice@example.com
is "$(printf '%s\n' "$out" | awk 'NR>1{print $3}')" "pin.issue" "audit --since and --user together"
run P audit --since 12h
is "$(rows)" 6 "audit --since 12h"
for bad in yesterday 2026-13-01 2026-02-30 2026-1-01 "2026-11-29 10:00:00" \
    2026-11-29T10:00:00 2026-11-29T25:00:00Z 30x 0m -5m m "" 99999999999999d; do
	run P audit --since "$bad"
	expect_rc 2 "audit --since '$bad' refused"
done
contains "$err" "pinctl: audit: --since needs" "bad --since message"

# --- cases: none yet ---
run P case list
expect_rc 0 "case list"
is "$out" "CASE  ACCOUNT  EMAIL  STATE  OPENED  SUBJECT" "case list: header only"
run P case list --json
is "$out" "[
]" "case list --json: empty array"
run P case show 1
expect_rc 1 "case show unknown"
is "$err" "pinctl: case show: unknown case 1" "unknown case message"
for bad in x 0 -1 1.5; do
	run P case show "$bad"
	expect_rc 2 "case show '$bad'"
done
run P case show
expect_rc 2 "case show without N"
run P audit --case 100042
is "$(rows)" 0 "audit --case with no rows"
for bad in x 0 -3; do
	run P audit --case "$bad"
	expect_rc 2 "audit --case '$bad'"
done

# --- cases written by the milter (simulated in the store) ---
sqlite3 "$DB" "INSERT INTO cases (number, account_id, user_id, email, subject, state, opened)
    SELECT 100042, a.id, u.id, u.email, 'Forward my line', 'authenticated', 1764428645
    FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = 'bob@example.com';
    INSERT INTO cases (number, email, subject, opened) VALUES (100043, 'x@elsewhere.example', 'Hello', 1764428700);
    INSERT INTO audit (at, actor, action, email, case_number, result, detail)
    VALUES (1764428645, 'pinmilter', 'pin.verify', 'bob@example.com', 100042, 'pass', 'channel=email');"
run P case list
expect_rc 0 "case list with cases"
is "$(printf '%s\n' "$out" | awk 'NR>1{print $1"/"$2"/"$3"/"$4"/"$5}' | tr '\n' ' ')" \
    "100042/acme/bob@example.com/authenticated/2025-11-29T15:04:05Z 100043/-/x@elsewhere.example/open/2025-11-29T15:05:00Z " \
    "case list rows"
run P case show 100042
expect_rc 0 "case show"
contains "$out" "case: 100042
account: acme
email: bob@example.com
subject: Forward my line
state: authenticated
opened: 2025-11-29T15:04:05Z" "case show lines"
run P case show 100043 --json
json_ok "$out" "case show --json parses"
is "$(jq_py 'j["number"], j["account"], j["state"]')" "100043 None open" "case show --json fields"
run P case list --json
is "$(jq_py '[c["number"] for c in j]')" "[100042, 100043]" "case list --json"
run P audit --case 100042
is "$(printf '%s\n' "$out" | awk 'NR>1{print $2"/"$3"/"$5}')" "pinmilter/pin.verify/100042" "audit --case"
run P audit --case 100042 --json
is "$(jq_py 'j[0]["case"]')" 100042 "audit --case --json"
