#!/bin/sh
# tests/cli/lost_pin.sh - "I forgot my PIN" by email, through `pinmilter
# -t` (and the daemon's outbox worker, to read the PIN it mails): the PIN
# mailed is pending next to bob's PIN (both verify until one is used), a
# locked user stays locked and is mailed no PIN, an administrator's PIN
# drops the pending one; and forged mail (no trusted DMARC pass) cannot
# use up the notices of bob's own DMARC-aligned requests.
. "$top_srcdir/tests/lib.sh"

new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"
P() { "$PINCTL" -c "$CONF" "$@"; }
conf_set TrustedAuthservIDs mx.acme-gw.example
if P account add "Acme" >/dev/null &&
    P user add bob@acme.example --account Acme >/dev/null &&
    printf '482913\n' | P pin set bob@acme.example >/dev/null
then
	pass "bob set up"
else
	fail "bob set up"
	exit 1
fi

# one FILE: run it through pinmilter -t; $hdr holds the header section
one() {
	run "$PINMILTER" -c "$CONF" -t "$1"
	expect_rc 0 "$(basename "$1"): processed"
	printf '%s\n' "$out" >"$T/o.eml"
	hdr=$(header_section "$T/o.eml")
}
field() { printf '%s\n' "$hdr" | sed -n "s/^$1: //Ip"; }
show() { P user show bob@acme.example | sed -n "s/^$1: //p"; }
verify() { printf '%s\n' "$1" | P pin verify bob@acme.example >/dev/null 2>&1; echo $?; }
verify_carl() { printf '%s\n' "$1" | P pin verify carl@acme.example >/dev/null 2>&1; echo $?; }
queued() { P outbox list | awk -v k="$1" 'NR > 1 && $0 ~ k' | wc -l; }

# mail N FROM-LINE AR-LINE BODY: message $T/mN.eml
mail() {
	{
		printf 'From: %s\nTo: support@example.com\n' "$2"
		[ -z "$3" ] || printf 'Authentication-Results: %s\n' "$3"
		printf 'Subject: Help\nMessage-ID: <m%s@acme.example>\n\n%s\n' \
		    "$1" "$4"
	} >"$T/m$1.eml"
}
FORGED="Bob <bob@acme.example>"
PASS_AR="mx.acme-gw.example; dmarc=pass header.from=acme.example"

pin_before=$(show pin)
mail 1 "$FORGED" "" "I forgot my PIN, please send me a new one."
one "$T/m1.eml"
is "$(field X-Support-Intent | cut -d' ' -f1)" "lost-pin" "read as a lost-PIN request"
is "$(queued pin-delivery)" "1" "a PIN delivery queued"
is "$(show pin)" "$pin_before" "bob's PIN is kept (set at the same time)"
contains "$(show 'pending pin')" "until " "a pending PIN, with its expiry"
contains "$(P user list)" "+pending" "user list marks the pending PIN"
contains "$(P audit --user bob@acme.example)" "pending-until=" \
    "audit: pin.issue pending, with its expiry"

# the daemon's worker mails it: read the pending PIN from the notice
if start_milter && wait_for ls "$T/inst/notices/notice."* >/dev/null 2>&1; then
	pass "the worker delivered the PIN"
else
	fail "the worker delivered the PIN"; diag "$(cat "$T/milter.log")"
fi
stop_milter
NEW=$(sed -n 's/^    \([0-9]\{6\}\)\r\{0,1\}$/\1/p' "$T/inst/notices/notice."* | head -n 1)
is "$(printf '%s' "$NEW" | wc -c)" "6" "the notice holds a six-digit PIN"
rm -f "$T/inst/notices/notice."*

# the old PIN still verifies (the pending one is then dropped)
is "$(verify 482913)" "0" "the old PIN verifies after a lost-PIN request"
is "$(show 'pending pin')" "none" "using the old PIN drops the pending one"
if [ "$NEW" != 482913 ]; then
	is "$(verify "$NEW")" "1" "the dropped pending PIN no longer verifies"
else
	skip "the mailed PIN happens to be the old one"
fi

# again, after the interval: this time the pending PIN is used by mail
conf_set PinIssueInterval 0
mail 2 "$FORGED" "" "I lost my PIN."
one "$T/m2.eml"
start_milter && wait_for ls "$T/inst/notices/notice."* >/dev/null 2>&1
stop_milter
NEW=$(sed -n 's/^    \([0-9]\{6\}\)\r\{0,1\}$/\1/p' "$T/inst/notices/notice."* | head -n 1)
rm -f "$T/inst/notices/notice."*
mail 3 "$FORGED" "" "PIN $NEW
Please forward line 2 to 555-0199."
one "$T/m3.eml"
is "$(field X-Support-Auth)" "authenticated" "the pending PIN verifies by mail"
lacks "$(cat "$T/o.eml")" "$NEW" "and is redacted"
is "$(show 'pending pin')" "none" "it is no longer pending"
is "$(verify "$NEW")" "0" "it is bob's PIN now"
if [ "$NEW" != 482913 ]; then
	is "$(verify 482913)" "1" "the old PIN no longer verifies"
else
	skip "the mailed PIN happens to be the old one"
fi

# locked: a lost-PIN request does not unlock, and no PIN is mailed
for g in 000001 000002 000003 000004 000005; do verify $g >/dev/null; done
is "$(verify "$NEW")" "3" "five wrong PINs: bob is locked"
locked=$(show locked)
n_pd=$(queued pin-delivery)
mail 4 "$FORGED" "" "I forgot my PIN."
one "$T/m4.eml"
is "$(show locked)" "$locked" "a lost-PIN request leaves the lock as it was"
is "$(verify "$NEW")" "3" "... bob is still locked"
is "$(queued pin-delivery)" "$n_pd" "... and no PIN was mailed"
is "$(show 'pending pin')" "none" "... nor made pending"
contains "$(P audit --user bob@acme.example)" "reason=user locked: no PIN is mailed" \
    "audit: the lost-PIN request while locked"
P unlock bob@acme.example >/dev/null
is "$(verify "$NEW")" "0" "pinctl unlock still unlocks"

# an administrator's PIN drops a pending one
mail 5 "$FORGED" "" "I forgot my PIN."
one "$T/m5.eml"
contains "$(show 'pending pin')" "until " "pending again"
sleep 1	# a PIN delivery in the second the PIN is set counts as mailing it
printf '135790\n' | P pin set bob@acme.example >/dev/null
is "$(show 'pending pin')" "none" "pinctl pin set drops the pending PIN"
is "$(verify 135790)" "0" "the administrator's PIN verifies"

# an address change retires the pending PIN (it was mailed to the old one)
P user add alice@acme.example --account Acme --role admin >/dev/null
sleep 1
mail 6 "$FORGED" "" "I forgot my PIN."
one "$T/m6.eml"
contains "$(show 'pending pin')" "until " "pending once more"
P user set-email bob@acme.example bob@new.example \
    --approved-by alice@acme.example >/dev/null
is "$(P user show bob@new.example | sed -n 's/^pending pin: //p')" "none" \
    "user set-email retires the pending PIN"
contains "$(P user show bob@new.example | sed -n 's/^pin: //p')" "set " \
    "... and keeps the PIN an administrator set"
contains "$(P audit --user bob@new.example)" "pending-retired" \
    "audit: pending-retired"

# silencing: forged mail uses up its own budget, not carl's
P user add carl@acme.example --account Acme >/dev/null
printf '246802\n' | P pin set carl@acme.example >/dev/null
conf_set PinIssueInterval 1h
conf_set MaxNoticesPerDay 3
to_carl() { P outbox list | awk 'NR > 1 && /carl@acme.example/' | wc -l; }
CARL="Carl <carl@acme.example>"
for i in 10 11 12 13 14 15; do
	mail $i "$CARL" "" "Please change my forwarding to 555-01$i."
	"$PINMILTER" -c "$CONF" -t "$T/m$i.eml" >/dev/null 2>&1
done
is "$(to_carl)" "3" "six forged change requests: three notices (MaxNoticesPerDay 3)"
contains "$(P audit --user carl@acme.example)" "reason=daily notice cap reached for the recipient (mail not DMARC-aligned)" \
    "audit: the cap of mail without a DMARC pass"
mail 20 "$CARL" "$PASS_AR" "Please change my forwarding to 555-0100."
one "$T/m20.eml"
is "$(field X-Support-Auth)" "verification-requested" \
    "carl's own (DMARC-aligned) request still gets its verification request"
is "$(to_carl)" "4" "... one more notice"
mail 21 "$CARL" "mx.evil.example; dmarc=pass header.from=acme.example" \
    "Please change my forwarding to 555-0101."
one "$T/m21.eml"
is "$(field X-Support-Auth)" "unverified" \
    "a pass from an untrusted host counts as forged mail: no notice"
mail 22 "$CARL" "" "I forgot my PIN."
one "$T/m22.eml"
is "$(field X-Support-Auth)" "verification-requested" \
    "a forged lost-PIN request past the cap: a PIN is still mailed"
is "$(P outbox list | awk 'NR > 1 && /carl@acme.example/ && /pin-delivery/' | wc -l)" \
    "1" "... (bounded by PinIssueInterval, not by the cap)"
is "$(verify_carl 246802)" "0" "carl's PIN still verifies"
mail 23 "$CARL" "$PASS_AR" "I forgot my PIN."
one "$T/m23.eml"
is "$(P outbox list | awk 'NR > 1 && /carl@acme.example/ && /pin-delivery/' | wc -l)" \
    "2" "carl's own lost-PIN request gets its PIN within the interval"
