#!/bin/sh
# tests/intent/eml.sh - what a message asks, end to end through
# `pinmilter -t`: quotes, forwarded blocks, HTML blockquotes and reply
# subjects are cut before the intent classifier reads the author's text,
# and its reading decides the notice.  Each tests/intent/eNN-*.eml runs in
# order against one database (e07 follows e06: a second PIN request
# within PinIssueInterval).  For each: exactly one X-Support-Intent, with
# the exact value (a forged inbound one is removed), X-Support-Auth, the
# notice queued (or none), and the log line's intent=.
#
# Users: account "Acme Dental": bob (PIN set by pinctl: not mailed),
# alice (admin), carol (no PIN), dave (locked: MaxFailures 3 wrong PINs);
# account "Boulangerie Martin": jean.
. "$top_srcdir/tests/lib.sh"

DIR="$top_srcdir/tests/intent"
new_instance
conf_set MaxFailures 3
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add "Acme Dental" >/dev/null &&
    P account add "Boulangerie Martin" >/dev/null &&
    P user add bob@acme-dental.example --account "Acme Dental" >/dev/null &&
    P user add alice@acme-dental.example --account "Acme Dental" \
        --role admin --name "Alice Novak" >/dev/null &&
    P user add carol@acme-dental.example --account "Acme Dental" >/dev/null &&
    P user add dave@acme-dental.example --account "Acme Dental" >/dev/null &&
    P user add jean@boulangerie-martin.example \
        --account "Boulangerie Martin" >/dev/null &&
    printf '482913\n' | P pin set bob@acme-dental.example >/dev/null &&
    printf '135790\n' | P pin set alice@acme-dental.example >/dev/null &&
    printf '246802\n' | P pin set dave@acme-dental.example >/dev/null &&
    printf '975310\n' | P pin set jean@boulangerie-martin.example >/dev/null
then
	pass "users set up"
else
	fail "users set up"
	exit 1
fi
for i in 1 2 3; do
	printf '111111\n' | P pin verify dave@acme-dental.example >/dev/null 2>&1
done
run_in '246802
' P pin verify dave@acme-dental.example
expect_rc 3 "dave is locked"

# newest_kind EMAIL: the kind of the newest notice to EMAIL, or "-".
newest_kind() {
	P outbox list | awk -v to="$1" 'NR > 1 && $4 == to { print $3; exit }' |
	    grep . || echo -
}

# check FILE INTENT AUTH NOTICE RECIPIENT
check() {
	_before=$(P outbox list | wc -l)
	run "$PINMILTER" -c "$CONF" -t "$DIR/$1"
	expect_rc 0 "$1: processed"
	printf '%s\n' "$out" >"$T/o.eml"
	header_section "$T/o.eml" >"$T/o.hdr"
	is "$(sed -n 's/^X-Support-Intent: //Ip' "$T/o.hdr" | tr '\n' '|')" \
	    "$2|" "$1: exactly one X-Support-Intent: $2"
	is "$(sed -n 's/^X-Support-Auth: //Ip' "$T/o.hdr")" "$3" \
	    "$1: X-Support-Auth: $3"
	_after=$(P outbox list | wc -l)
	if [ "$4" = "-" ]; then
		is "$_after" "$_before" "$1: no notice queued"
	else
		is "$((_after - _before)):$(newest_kind "$5")" "1:$4" \
		    "$1: notice $4 to $5"
	fi
	_kind=${2%% *}
	contains "$err" " intent=$_kind rule=" "$1: the log line says intent=$_kind"
}

check e01-gmail-reply-question.eml "other (rule: no-request)" \
    unverified case-created bob@acme-dental.example
check e02-outlook-reply-thanks.eml "other (rule: no-request)" \
    unverified case-created alice@acme-dental.example
check e03-french-reply-question.eml "other (rule: no-request)" \
    unverified case-created jean@boulangerie-martin.example
check e04-change-request.eml \
    'change (rule: request+action "please forward calls")' \
    verification-requested verification-request bob@acme-dental.example
check e05-reply-request-quoting-question.eml \
    'change (rule: imperative "add user")' \
    verification-requested verification-request bob@acme-dental.example
check e06-lost-pin.eml 'lost-pin (rule: lost "lost pin")' \
    verification-requested pin-delivery bob@acme-dental.example
check e07-lost-pin-again.eml 'lost-pin (rule: lost "have no pin")' \
    verification-requested pin-recently-sent bob@acme-dental.example
check e08-html-blockquote.eml "other (rule: no-request)" \
    unverified case-created alice@acme-dental.example
check e09-forged-intent.eml "other (rule: no-request)" \
    unverified case-created bob@acme-dental.example
lacks "$(cat "$T/o.hdr")" "forged" "e09: the forged fields are gone"
check e10-lost-pin-quoted-only.eml "other (rule: no-request)" \
    unverified case-created alice@acme-dental.example
check e11-french-change-qp.eml \
    'change (rule: request+action "merci de desactiver renvoi")' \
    verification-requested verification-request \
    jean@boulangerie-martin.example
check e12-locked-change.eml \
    'change (rule: request+action "please add extension")' \
    verification-requested account-locked dave@acme-dental.example
check e13-question-with-verbs.eml \
    'other (rule: self-service "how do i add")' \
    unverified case-created carol@acme-dental.example
lacks "$(P outbox list)" "carol@acme-dental.example  -  " \
    "e13: carol (no PIN) gets no PIN for a question"
