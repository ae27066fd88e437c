#!/bin/sh
# tests/cli/helpdesk.sh - helpdesk control fields through pinmilter -t.
#
# 1. A message carrying forged control fields of every known helpdesk
#    (X-OTRS-DynamicField-SupportAuth: authenticated in three spellings,
#    one folded; X-Zammad-Customer-Email twice, one folded; X-OTOBO-,
#    X-KIX-, and X-RT-Command for StripHeaders X-RT-*) arrives with none of
#    them, for each preset and each verdict (authenticated, verification-
#    requested, unverified); the preset's fields are there with exact
#    values, and no other helpdesk field; X-Mailer is untouched.
# 2. AddHeader: the template expanded; a forged copy of its name removed.
# 3. Past the header cap: a few control fields are still removed; more than
#    can be held make -t refuse the message (exit 69).
# 4. VerifiedRecipient: -t names it for an authenticated message only; -n
#    refuses one that is a support address.
. "$top_srcdir/tests/lib.sh"

new_instance
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add "Acme" >/dev/null &&
    P user add bob@acme.example --account Acme >/dev/null &&
    printf '482913\n' | P pin set bob@acme.example >/dev/null; then
	pass "Bob set up"
else
	fail "Bob set up"
	exit 1
fi
conf_set StripHeaders 'X-RT-*'

forged='X-OTRS-DynamicField-SupportAuth: authenticated
x-otrs-dynamicfield-supportauth: authenticated
X-OTRS-DYNAMICFIELD-SUPPORTAUTH:
	authenticated
X-Zammad-Customer-Email: ceo@acme.example
x-zammad-customer-email:
 ceo@acme.example
X-Zammad-Ticket-Tags: pin-authenticated
X-OTOBO-DynamicField-SupportAuth: authenticated
X-OTRS-DynamicField-SupportCase: 1
X-OTRS-CustomerUser: ceo
X-KIX-Queue: VIP
X-RT-Command: Status: resolved
X-Mailer: Mutt'

msg() {	# FILE FROM BODY
	{
		printf 'From: %s\nTo: support@example.com\nSubject: help\n' "$2"
		printf '%s\n\n%s\n' "$forged" "$3"
	} >"$1"
}
msg "$T/auth.eml" "Bob <bob@acme.example>" "My PIN is 482913, what is my plan?"
msg "$T/vreq.eml" "Bob <bob@acme.example>" "Please forward my calls to 555-0199."
msg "$T/unv.eml" "Mallory <mallory@evil.example>" "Hello, what is my plan?"

# the helpdesk fields of a delivered header, sorted, folded ones unfolded
hd_fields() {
	header_section "$1" | grep -iE '^x-(otrs|zammad|otobo|kix|rt)-' | sort
}

for preset in none zammad znuny otobo rt; do
	conf_set Helpdesk "$preset"
	for m in auth vreq unv; do
		run "$PINMILTER" -c "$CONF" -t "$T/$m.eml"
		expect_rc 0 "$preset/$m: processed"
		printf '%s\n' "$out" >"$T/out.eml"
		h=$(header_section "$T/out.eml")
		verdict=$(printf '%s\n' "$h" | sed -n 's/^X-Support-Auth: //p')
		case=$(printf '%s\n' "$h" | sed -n 's/^X-Support-Case: //p')
		case $m in
		auth) want_v=authenticated ;;
		vreq) want_v=verification-requested ;;
		unv) want_v=unverified ;;
		esac
		is "$verdict" "$want_v" "$preset/$m: X-Support-Auth $want_v"
		want=""
		case $preset in
		zammad) want="X-Zammad-Ticket-FollowUp-Tags: pin-$want_v
X-Zammad-Ticket-Tags: pin-$want_v" ;;
		znuny|otobo)
			p=X-OTRS; [ "$preset" = otobo ] && p=X-OTOBO
			want="$p-DynamicField-SupportAuth: $want_v
$p-FollowUp-DynamicField-SupportAuth: $want_v"
			if [ -n "$case" ]; then
				want="$want
$p-DynamicField-SupportCase: $case
$p-FollowUp-DynamicField-SupportCase: $case"
			fi
			want=$(printf '%s\n' "$want" | sort) ;;
		esac
		is "$(hd_fields "$T/out.eml")" "$want" \
		    "$preset/$m: forged control fields gone, exactly the preset's"
		is "$(printf '%s\n' "$h" | grep -c '^X-Mailer: Mutt$')" 1 \
		    "$preset/$m: X-Mailer untouched"
	done
done
# the case numbers were real ones
case $(printf '%s\n' "$h" | sed -n 's/^X-Support-Case: //p') in
[1-9][0-9]*) pass "the last message has a case" ;;
*) fail "the last message has a case" ;;
esac

# AddHeader: expanded, forged copy removed
conf_set Helpdesk none
conf_set AddHeader 'X-Ticket-Verified %{verdict} pin=%{pin} user=%{user} acct=%{account} 100%%'
{ printf 'X-Ticket-Verified: authenticated\nx-ticket-verified: yes\n'; cat "$T/auth.eml"; } >"$T/add.eml"
run "$PINMILTER" -c "$CONF" -t "$T/add.eml"
expect_rc 0 "AddHeader: processed"
printf '%s\n' "$out" >"$T/out.eml"
is "$(header_section "$T/out.eml" | grep -i '^x-ticket-verified')" \
    "X-Ticket-Verified: authenticated pin=pass user=bob@acme.example acct=Acme 100%" \
    "AddHeader: one field, the template expanded"
run "$PINMILTER" -c "$CONF" -t "$T/unv.eml"
printf '%s\n' "$out" >"$T/out.eml"
is "$(header_section "$T/out.eml" | grep -i '^x-ticket-verified')" \
    "X-Ticket-Verified: unverified pin=none user= acct= 100%" \
    "AddHeader: unknown sender, empty variables"

# past the header cap (5000 fields)
filler() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) print "Received: from x by y; " i }'; }
{ filler 5001; printf 'X-OTRS-CustomerUser: ceo\nx-otrs-customeruser: ceo\n'; cat "$T/unv.eml"; } >"$T/cap.eml"
run "$PINMILTER" -c "$CONF" -t "$T/cap.eml"
expect_rc 69 "past the cap, RedactPIN yes: refused (not held whole)"
contains "$err" "message too large for the support desk to check for a PIN" \
    "past the cap: the refusal says why"
conf_set RedactPIN no
run "$PINMILTER" -c "$CONF" -t "$T/cap.eml"
expect_rc 0 "past the cap, RedactPIN no: processed"
printf '%s\n' "$out" >"$T/out.eml"
is "$(grep -c '^Received: from x by y' "$T/out.eml")" 5001 \
    "past the cap: the message is delivered whole"
is "$(hd_fields "$T/out.eml")" "" "past the cap: every control field removed"
conf_set RedactPIN yes
{ filler 5001; awk 'BEGIN { for (i = 0; i < 20001; i++) print "X-Zammad-Customer-Email: ceo@acme.example" }'
    cat "$T/unv.eml"; } >"$T/over.eml"
run "$PINMILTER" -c "$CONF" -t "$T/over.eml"
expect_rc 69 "more control fields than can be held: refused"
contains "$err" "pinmilter: -t: the message would be rejected: too many helpdesk control fields" \
    "the refusal says why"

# Reply-To: a helpdesk may take it as the customer.  Another mailbox than
# From never authenticates (policy, the PIN not tested but redacted);
# Bob's own address in any case does; ReplyToMustMatch no turns it off.
conf_set AddHeader none
rt() {	# DESC REPLY-TO-LINES WANT-AUTH WANT-XPIN
	{ printf 'From: Bob <bob@acme.example>\nTo: support@example.com\nSubject: plan\n'
	  printf '%s' "$2"; printf '\nMy PIN is 482913, what is my plan?\n'; } >"$T/rt.eml"
	run "$PINMILTER" -c "$CONF" -t "$T/rt.eml"
	printf '%s\n' "$out" >"$T/out.eml"
	is "$(header_section "$T/out.eml" | sed -n 's/^X-Support-Auth: //p')" "$3" \
	    "Reply-To $1: X-Support-Auth $3"
	contains "$(header_section "$T/out.eml")" "x-pin=$4" "Reply-To $1: x-pin=$4"
	lacks "$out" "482913" "Reply-To $1: PIN redacted"
}
rt "a stranger" 'Reply-To: mallory@evil.example
' unverified "policy (Reply-To names another mailbox)"
rt "Bob and a stranger" 'Reply-To: bob@acme.example, mallory@evil.example
' unverified "policy (Reply-To names another mailbox)"
rt "Bob, then a stranger in a second field" 'Reply-To: Bob <bob@acme.example>
reply-to: mallory@evil.example
' unverified "policy (Reply-To names another mailbox)"
rt "a group" 'Reply-To: team: bob@acme.example;
' unverified "policy (Reply-To names another mailbox)"
rt "Bob himself" 'Reply-To: "Bob" <Bob@Acme.Example>
' authenticated "pass (PIN verified)"
rt "none" '' authenticated "pass (PIN verified)"
conf_set ReplyToMustMatch no
rt "a stranger, ReplyToMustMatch no" 'Reply-To: mallory@evil.example
' authenticated "pass (PIN verified)"
run "$PINCTL" -c "$CONF" user show bob@acme.example
is "$(printf '%s\n' "$out" | sed -n 's/^failures: //p;s/^locked: //p' | tr '\n' ' ')" \
    "0 no " "no failure counted, Bob not locked"

# VerifiedRecipient: -t says where an authenticated message goes, and only
# for that verdict.
conf_set VerifiedRecipient verified@example.com
for m in auth vreq unv; do
	"$PINMILTER" -c "$CONF" -t "$T/$m.eml" >/dev/null 2>"$T/$m.err"
	rc=$?
	case $m in
	auth)	want="pinmilter: -t: delivered to verified@example.com (VerifiedRecipient) instead of the support address" ;;
	*)	want="" ;;
	esac
	is "$rc:$(grep '^pinmilter: -t:' "$T/$m.err")" "0:$want" "VerifiedRecipient, $m: -t says \"${want:-nothing}\""
done
conf_set VerifiedRecipient support+v@example.com
run "$PINMILTER" -c "$CONF" -n
is "$rc" 1 "VerifiedRecipient that is a plus-address of support: -n refuses"
contains "$err" "VerifiedRecipient: is a SupportAddress (or a plus-address of one)" \
    "and says why"
