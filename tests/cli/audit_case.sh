#!/bin/sh
# tests/cli/audit_case.sh - pinctl audit (filters --user, --case, --since,
# --json), case list/show and case authenticate (an admin of the case's
# account vouches for it); no PIN in any audit output.
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
is "$out" "CASE  ACCOUNT  EMAIL  STATE  OPENED  AUTHENTICATED  VERIFY-SENT  REF  BY  SUBJECT" "case list: header only"
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
P account add globex >/dev/null
P user add gina@globex.example --account globex --role admin >/dev/null
sqlite3 "$DB" "INSERT INTO cases (number, account_id, user_id, email, subject, state, opened,
        authenticated_at, authenticated_by)
    SELECT 100042, a.id, u.id, u.email, 'Forward my line', 'authenticated', 1764428645,
        1764428646, 'pin:bob@example.com'
    FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = 'bob@example.com';
    INSERT INTO cases (number, email, subject, opened) VALUES (100043, 'x@elsewhere.example', 'Hello', 1764428700);
    INSERT INTO cases (number, account_id, user_id, email, subject, state, opened,
        verification_requested_at, external_ref)
    SELECT 100044, a.id, u.id, u.email, 'Port my number', 'verification-requested', 1764428760,
        1764428761, 'TKT-5'
    FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = 'bob@example.com';
    INSERT INTO audit (at, actor, action, email, case_number, result, detail)
    VALUES (1764428645, 'pinmilter', 'pin.verify', 'bob@example.com', 100042, 'pass', 'channel=email');"
run P case list
expect_rc 0 "case list with cases"
is "$(printf '%s\n' "$out" | awk 'NR>1{print $1"/"$2"/"$3"/"$4"/"$5"/"$6"/"$7"/"$8}' | tr '\n' ' ')" \
    "100042/acme/bob@example.com/authenticated/2025-11-29T15:04:05Z/2025-11-29T15:04:06Z/-/- \
100043/-/x@elsewhere.example/open/2025-11-29T15:05:00Z/-/-/- \
100044/acme/bob@example.com/verification-requested/2025-11-29T15:06:00Z/-/2025-11-29T15:06:01Z/TKT-5 " \
    "case list rows"
is "$(printf '%s\n' "$out" | awk 'NR>1{print $9"/"$10" "$11" "$12}' | tr '\n' '|')" \
    "pin:bob@example.com/Forward my line|-/Hello  |-/Port my number|" "case list: by and subject"
run P case show 100042
expect_rc 0 "case show"
is "$out" "case: 100042
account: acme
email: bob@example.com
subject: Forward my line
state: authenticated
opened: 2025-11-29T15:04:05Z
authenticated: 2025-11-29T15:04:06Z
authenticated-by: pin:bob@example.com
verification-requested: -
external-ref: -" "case show lines"
run P case show 100044
contains "$out" "state: verification-requested
opened: 2025-11-29T15:06:00Z
authenticated: -
authenticated-by: -
verification-requested: 2025-11-29T15:06:01Z
external-ref: TKT-5" "case show: verification and external ref"
run P case show 100043 --json
json_ok "$out" "case show --json parses"
is "$(jq_py 'j["number"], j["account"], j["state"], j["external_ref"], j["verification_requested_at"]')" \
    "100043 None open None None" "case show --json fields"
is "$(jq_py 'sorted(j.keys())')" \
    "['account', 'authenticated_at', 'authenticated_by', 'email', 'external_ref', 'number', 'opened', 'state', 'subject', 'verification_requested_at']" \
    "case show --json keys"
run P case list --json
is "$(jq_py '[c["number"] for c in j]')" "[100042, 100043, 100044]" "case list --json"
is "$(jq_py 'j[2]["external_ref"], j[2]["verification_requested_at"], j[0]["authenticated_by"]')" \
    "TKT-5 2025-11-29T15:06:01Z pin:bob@example.com" "case list --json: new fields"
run P audit --case 100042
is "$(printf '%s\n' "$out" | awk 'NR>1{print $2"/"$3"/"$5}')" "pinmilter/pin.verify/100042" "audit --case"
run P audit --case 100042 --json
is "$(jq_py 'j[0]["case"]')" 100042 "audit --case --json"

# --- case authenticate: refusals change nothing ---
actor=$(P audit --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["actor"])')
nauth() { sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'case.authenticate'"; }
state() { sqlite3 "$DB" "SELECT state || '/' || authenticated_at || '/' || authenticated_by FROM cases WHERE number = $1"; }
run P case authenticate 100044
expect_rc 2 "authenticate without --approved-by"
is "$err" "pinctl: case authenticate: --approved-by ADMIN-EMAIL is required" "no approver: message"
run P case authenticate
expect_rc 2 "authenticate without N"
for bad in x 0 -1 1.5; do
	run P case authenticate "$bad" --approved-by alice@example.com
	expect_rc 2 "authenticate '$bad'"
done
# N | approver | exit | message
while IFS='|' read -r n who want msg; do
	run P case authenticate "$n" --approved-by "$who"
	expect_rc "$want" "authenticate $n by $who"
	is "$err" "pinctl: case authenticate: $msg" "authenticate $n by $who: one line"
done <<'EOF2'
999|alice@example.com|1|unknown case 999
100043|alice@example.com|1|case 100043 has no account (unknown sender): no administrator can vouch for it
100044|nobody@example.com|1|approver nobody@example.com is not a user
100044|not an address|1|approver not an address is not a user
100044|bob@example.com|1|approver bob@example.com is not an admin of account acme
100044|gina@globex.example|1|approver gina@globex.example is not an admin of account acme
EOF2
is "$(nauth)" 0 "refusals write no audit row"
is "$(state 100044)" "verification-requested/0/" "refusals leave the case as it was"
run P case authenticate 100044 --approved-by alice@example.com --json
expect_rc 2 "authenticate: --json not accepted"

# --- case authenticate: an admin of the account vouches ---
run P case authenticate 100044 --approved-by ALICE@Example.com
expect_rc 0 "authenticate by an admin of the account"
is "$out" "case 100044 authenticated (approved by alice@example.com)" "authenticate: message"
now_state=$(state 100044)
case "$now_state" in
authenticated/[0-9]*/"admin:alice@example.com via $actor") pass "case authenticated by admin:alice via $actor" ;;
*) fail "case authenticated by admin:alice via $actor"; diag "$now_state" ;;
esac
run P case show 100044 --json
is "$(jq_py 'j["state"], j["authenticated_by"], j["verification_requested_at"]')" \
    "authenticated admin:alice@example.com via $actor 2025-11-29T15:06:01Z" "case show after authenticate"
run P audit --case 100044 --json
is "$(jq_py 'len(j), j[0]["actor"], j[0]["action"], j[0]["email"], j[0]["case"], j[0]["result"], j[0]["detail"]')" \
    "1 $actor case.authenticate bob@example.com 100044 ok approved-by=alice@example.com" "authenticate: audit row"
sleep 1
run P case authenticate 100044 --approved-by alice@example.com
expect_rc 0 "authenticate again"
contains "$out" "case 100044 was already authenticated (" "authenticate again: says so"
contains "$out" ", by admin:alice@example.com via $actor)" "authenticate again: names the first"
is "$(state 100044)" "$now_state" "authenticate again: who and when kept"
run P audit --case 100044
is "$(printf '%s\n' "$out" | awk 'NR>1{print $3"/"$6}' | tr '\n' ' ')" \
    "case.authenticate/ok case.authenticate/unchanged " "authenticate again: audited as unchanged"
run P case authenticate 100042 --approved-by alice@example.com
expect_rc 0 "authenticate a case authenticated by PIN"
is "$(state 100042)" "authenticated/1764428646/pin:bob@example.com" "PIN authentication kept"

# --- a read-only database refuses ---
chmod 0444 "$DB"
run P case authenticate 100044 --approved-by alice@example.com
if [ "$(id -u)" -eq 0 ]; then
	skip "read-only database (root writes anyway)"
else
	expect_rc 2 "authenticate: read-only database"
fi
chmod 0644 "$DB"
