#!/bin/sh
# tests/cli/repeat.sh - a message sent again gets its first decision,
# through `pinmilter -t`: the same message (same Message-ID, same sender,
# same content) twice opens one case, counts one wrong PIN, queues one
# notice, and the second run is audited "message.repeat" with the same
# X-Support-Case and X-Support-Auth; a different Message-ID, other
# content under the same Message-ID, no Message-ID, and a decision past
# the retention window (7 days, aged in the database) are decided anew.
# A failure inside the transaction (a case insert refused by a trigger)
# writes nothing of the message: no failure counted, no audit, no case.
. "$top_srcdir/tests/lib.sh"

new_instance
P() { "$PINCTL" -c "$CONF" "$@"; }
DB="$T/inst/pinmilter.db"
if P account add "Acme" >/dev/null &&
    P user add bob@acme.example --account Acme >/dev/null &&
    printf '482913\n' | P pin set bob@acme.example >/dev/null
then
	pass "user set up"
else
	fail "user set up"
	exit 1
fi

one() {
	run "$PINMILTER" -c "$CONF" -t "$1"
	expect_rc 0 "$2: processed"
	printf '%s\n' "$out" >"$T/o.eml"
	hdr=$(header_section "$T/o.eml")
}
field() { printf '%s\n' "$hdr" | sed -n "s/^$1: //Ip"; }
q() { sqlite3 "$DB" "$1"; }
failures() { q "SELECT failures FROM users WHERE email = 'bob@acme.example'"; }
audits() { q "SELECT count(*) FROM audit WHERE action = '$1'"; }
cases() { q "SELECT count(*) FROM cases"; }
notices() { q "SELECT count(*) FROM outbox"; }

mail() {	# mail FILE MESSAGE-ID PIN-LINE
	{
		printf 'From: Bob <bob@acme.example>\nTo: support@example.com\n'
		printf 'Subject: Call forwarding tonight\n'
		[ -n "$2" ] && printf 'Message-ID: %s\n' "$2"
		printf '\nPlease forward all calls to 555-0199.\n%s\n' "$3"
	} >"$1"
}

mail "$T/m1.eml" "<m1@acme.example>" "My PIN is 111111"
one "$T/m1.eml" "first copy"
case1=$(field X-Support-Case) auth1=$(field X-Support-Auth)
is "$case1" "100000" "first copy: case 100000"
is "$auth1" "verification-requested" "first copy: verification requested"
is "$(failures)" "1" "first copy: one failure counted"
is "$(notices)" "1" "first copy: one notice queued"

one "$T/m1.eml" "second copy"
is "$(field X-Support-Case)" "$case1" "second copy: the same X-Support-Case"
is "$(field X-Support-Auth)" "$auth1" "second copy: the same X-Support-Auth"
contains "$(field Authentication-Results)" "x-pin=fail (wrong PIN)" \
    "second copy: the same x-pin result and reason"
lacks "$out" "111111" "second copy: the PIN is redacted"
is "$(failures)" "1" "second copy: no second failure counted"
is "$(cases)" "1" "second copy: no second case"
is "$(notices)" "1" "second copy: no second notice"
is "$(audits message.repeat)" "1" "second copy: audited message.repeat"
is "$(audits pin.verify)" "1" "second copy: no second pin.verify"

mail "$T/m2.eml" "<m2@acme.example>" "My PIN is 111111"
one "$T/m2.eml" "another Message-ID"
is "$(field X-Support-Case)" "100001" "another Message-ID: a new case"
is "$(failures)" "2" "another Message-ID: its guess counted"

mail "$T/m3.eml" "<m1@acme.example>" "My PIN is 482913"
one "$T/m3.eml" "same Message-ID, other content"
is "$(field X-Support-Auth)" "authenticated" \
    "same Message-ID, other content: decided anew (the right PIN passes)"
is "$(field X-Support-Case)" "100002" "same Message-ID, other content: its own case"

mail "$T/m4.eml" "" "My PIN is 111111"
one "$T/m4.eml" "no Message-ID, first"
one "$T/m4.eml" "no Message-ID, second"
is "$(field X-Support-Case)" "100004" "no Message-ID: never a repeat (a new case each time)"
is "$(failures)" "2" "no Message-ID: each copy's guess counted"

# past the window: age every decision by 8 days
q "UPDATE decisions SET at = at - 8 * 86400"
one "$T/m2.eml" "past the window"
is "$(field X-Support-Case)" "100005" "past the window: treated as new"
is "$(failures)" "3" "past the window: the guess counted again"
is "$(audits message.repeat)" "1" "past the window: not a repeat"

# a failure inside the transaction writes nothing of the message
q "CREATE TRIGGER refuse_case BEFORE INSERT ON cases BEGIN SELECT RAISE(ABORT, 'injected'); END"
before_audit=$(q "SELECT count(*) FROM audit")
before_fail=$(failures)
mail "$T/m5.eml" "<m5@acme.example>" "My PIN is 111111"
run "$PINMILTER" -c "$CONF" -t "$T/m5.eml"
contains "$out$err" "temperror" "injected case failure: temperror"
is "$(failures)" "$before_fail" "injected case failure: no failure counted"
is "$(q "SELECT count(*) FROM audit")" "$before_audit" "injected case failure: no audit row"
is "$(q "SELECT count(*) FROM decisions WHERE message_id = '<m5@acme.example>'")" "0" \
    "injected case failure: no decision recorded"
q "DROP TRIGGER refuse_case"
one "$T/m5.eml" "after the failure clears"
is "$(failures)" "$((before_fail + 1))" "after the failure clears: one failure counted"
is "$(audits message.repeat)" "1" "after the failure clears: not a repeat"
