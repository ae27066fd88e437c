#!/bin/sh
# tests/corpus/caseref.sh - CaseRefPattern end to end through
# `pinmilter -t`: with an external helpdesk numbering the cases, a
# message whose subject carries "Ticket#N" opens a case recording N as
# its external reference, keeps its subject untagged and still gets
# X-Support-Case; a later message with the same reference from the same
# account joins that case; one from a stranger opens a new case.  Without
# CaseRefPattern the subject is tagged "[Case #N]".
#
# Every run uses the same database (the cases build on each other); the
# numbers are exact because CaseStart is 100000 and the database fresh.
. "$top_srcdir/tests/lib.sh"

new_instance
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add Acme >/dev/null &&
    P user add bob@acme.example --account Acme >/dev/null &&
    P user add alice@acme.example --account Acme --role admin >/dev/null &&
    printf '482913\n' | P pin set bob@acme.example >/dev/null; then
	pass "bob and alice set up"
else
	fail "bob and alice set up"
	exit 1
fi
# The key is written quoted here (pinmilter.conf(5): inside quotes only
# \" and \\ are escapes, so \d stays \d).
conf_set CaseRefPattern '"Ticket#(\d+)"'
run "$PINMILTER" -c "$CONF" -n
expect_rc 0 "the configuration with CaseRefPattern is valid"

# msg N FROM SUBJECT: a message file $T/mN.eml
msg() {
	cat >"$T/m$1.eml" <<EOF
From: $2
To: support@example.com
Subject: $3
Date: Sat, 29 Nov 2025 15:04:05 +0000
Message-ID: <caseref-$1@client.example>

Hello, a question about my phone line.
EOF
}

# pass_t N: run message N through pinmilter -t; $out the message, $hdr
# its header section unfolded.
pass_t() {
	run "$PINMILTER" -c "$CONF" -t "$T/m$1.eml"
	expect_rc 0 "message $1 processed"
	hdr=$(printf '%s\n' "$out" | sed '/^$/q' | sed -e ':a' -e 'N' \
	    -e '$!ba' -e 's/\n[ \t]/ /g')
}

field() {		# field NAME: the values of NAME in $hdr
	printf '%s\n' "$hdr" | sed -n "s/^$1: //Ip"
}

msg 1 "Bob <bob@acme.example>" "Re: [Ticket#4711] phone line"
pass_t 1
is "$(field X-Support-Case)" "100000" "Ticket#4711 from bob: X-Support-Case 100000"
is "$(field Subject)" "Re: [Ticket#4711] phone line" "Ticket#4711 from bob: subject as sent"
lacks "$hdr" "[Case #" "Ticket#4711 from bob: no case tag anywhere"
run P case show 100000
expect_rc 0 "case 100000 exists"
contains "$out" "external-ref: 4711" "case 100000: external ref 4711"
contains "$out" "email: bob@acme.example" "case 100000: bob's"
contains "$out" "account: Acme" "case 100000: account Acme"

msg 2 "Bob <bob@acme.example>" "Re: [Ticket#4711] phone line (again)"
pass_t 2
is "$(field X-Support-Case)" "100000" "Ticket#4711 again from bob: joins 100000"
is "$(field Subject)" "Re: [Ticket#4711] phone line (again)" "Ticket#4711 again: subject as sent"

msg 3 "Alice <alice@acme.example>" "AW: [Ticket#4711] phone line"
pass_t 3
is "$(field X-Support-Case)" "100000" "Ticket#4711 from alice (same account): joins 100000"

msg 4 "Mallory <mallory@evil.example>" "Re: [Ticket#4711] phone line"
pass_t 4
is "$(field X-Support-Case)" "100001" "Ticket#4711 from a stranger: new case 100001"
lacks "$hdr" "[Case #" "stranger: no case tag"
run P case show 100001
contains "$out" "email: mallory@evil.example" "case 100001: the stranger's"
contains "$out" "external-ref: 4711" "case 100001: external ref 4711 too"

msg 5 "Bob <bob@acme.example>" "Re: [ticket#4711] lower case"
pass_t 5
is "$(field X-Support-Case)" "100002" "ticket#4711 (case differs): no ref, new case 100002"
run P case show 100002
contains "$out" "external-ref: -" "case 100002: no external ref"

is "$(P case list | awk 'NR > 1' | wc -l | tr -d ' ')" 3 "three cases in all"

# Without CaseRefPattern we number the cases and tag the subject.
conf_set CaseRefPattern none
msg 6 "Bob <bob@acme.example>" "Re: [Ticket#4711] phone line"
pass_t 6
is "$(field Subject)" "[Case #100003] Re: [Ticket#4711] phone line" \
    "without CaseRefPattern: the subject is tagged"
is "$(field X-Support-Case)" "100003" "without CaseRefPattern: a new case 100003"

# The stranger's case 100001 is the newest with 4711, but the look-up is
# per account: bob's next Ticket#4711 joins his own 100000.
conf_set CaseRefPattern '"Ticket#(\d+)"'
msg 7 "Bob <bob@acme.example>" "Re: [Ticket#4711] still broken"
pass_t 7
is "$(field X-Support-Case)" 100000 "Ticket#4711 from bob after the stranger's: joins 100000"
