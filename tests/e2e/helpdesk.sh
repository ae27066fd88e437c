#!/bin/sh
# tests/e2e/helpdesk.sh - Helpdesk zammad through a real Postfix with
# pinmilter.  Each message carries forged control fields of every known
# helpdesk (X-OTRS-DynamicField-SupportAuth: authenticated in three
# spellings, one folded; X-Zammad-Customer-Email twice, one folded;
# X-Zammad-Ticket-Tags; X-OTOBO-, X-KIX-; X-RT-Command for StripHeaders
# X-RT-*).  Support mail is delivered with none of them and with exactly
# X-Zammad-Ticket-Tags and X-Zammad-Ticket-FollowUp-Tags:
# pin-authenticated (Bob with his PIN), pin-verification-requested (Bob
# asking a change without it), pin-unverified (a stranger).  Mail for
# another address is delivered as sent, control fields included (they
# are stripped from support mail only), and gets no tags.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
new_instance
mkdir -p "$T/notices"
printf '#!/bin/sh\ncat >"%s/notices/n.$$"\n' "$T" >"$T/mailer"
chmod 755 "$T/mailer"
conf_set Mailer "$T/mailer -t -i"
conf_set Helpdesk zammad
conf_set StripHeaders 'X-RT-*'
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme &&
    echo 482913 | pinctl pin set bob@acme.example ||
    { fail "database set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

forged='X-OTRS-DynamicField-SupportAuth: authenticated
x-otrs-dynamicfield-supportauth: authenticated
X-OTRS-DYNAMICFIELD-SUPPORTAUTH:
	authenticated
X-Zammad-Customer-Email: ceo@acme.example
x-zammad-customer-email:
 ceo@acme.example
X-Zammad-Ticket-Tags: pin-authenticated
X-OTOBO-DynamicField-SupportAuth: authenticated
X-KIX-Queue: VIP
X-RT-Command: Status: resolved
X-Mailer: Mutt'

# helpdesk FILE: the helpdesk fields of FILE's header, unfolded, in order
helpdesk() {
	header_section "$1" | grep -iE '^x-(otrs|zammad|otobo|kix|rt)-'
}

n=0
# one ID FROM TO BODY: send a message, write the delivered copy to $T/ID.got
one() {
	{
		printf 'From: %s\nTo: %s\nSubject: help\nDate: Mon, 02 Nov 2026 10:30:00 +0000\nMessage-ID: <%s@test>\n' \
		    "$2" "$3" "$1"
		printf '%s\n\n%s\n' "$forged" "$4"
	} >"$T/$1.eml"
	pf_send "$(printf '%s' "$2" | sed 's/.*<//; s/>.*//')" "$3" "$T/$1.eml"
	pf_is "$pf_rc" 0 "$1: accepted by Postfix"
	n=$((n + 1))
	pf_wait_delivered "$n" 60 || { fail "$1: delivered"; pf_log; return 1; }
	pf_message "<$1@test>" >"$T/$1.got"
}

for m in "auth|Bob <bob@acme.example>|My PIN is 482913, what is my plan?|authenticated" \
    "vreq|Bob <bob@acme.example>|Please forward my calls to 555-0199.|verification-requested" \
    "unv|Mallory <mallory@evil.example>|Hello, what is my plan?|unverified"; do
	IFS='|' read -r id from body verdict <<EOF2
$m
EOF2
	one "$id" "$from" support@example.com "$body" || continue
	pf_is "$(header_section "$T/$id.got" | sed -n 's/^X-Support-Auth: //p')" \
	    "$verdict" "$id: X-Support-Auth: $verdict"
	pf_is "$(helpdesk "$T/$id.got")" "X-Zammad-Ticket-Tags: pin-$verdict
X-Zammad-Ticket-FollowUp-Tags: pin-$verdict" \
	    "$id: every forged control field gone, exactly the Zammad tags"
	pf_is "$(header_section "$T/$id.got" | grep -c '^X-Mailer: Mutt$')" 1 \
	    "$id: X-Mailer untouched"
done
contains "$(cat "$T/auth.got")" "[PIN redacted]" "auth: the PIN redacted"

# out of scope: delivered as sent, control fields included
one out "Bob <bob@acme.example>" other@example.org "Hello."
pf_strip_received <"$T/out.got" >"$T/out.stripped"
pf_same_file "$T/out.stripped" "$T/out.eml" \
    "out of scope: delivered as sent, control fields kept, no tags"
