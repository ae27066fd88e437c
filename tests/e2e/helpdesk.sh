#!/bin/sh
# tests/e2e/helpdesk.sh - every Helpdesk preset, and AddHeader, through a
# real Postfix with pinmilter.  One daemon: each preset in turn (none,
# zammad, znuny, otobo, rt, then zammad with an AddHeader line) is put
# in the configuration and made live with SIGHUP, not a restart.
#
# Each message carries forged control fields of every known helpdesk
# (X-OTRS-DynamicField-SupportAuth: authenticated in three spellings, one
# folded; X-Zammad-Customer-Email twice, one folded; X-Zammad-Ticket-Tags;
# X-OTOBO-, X-KIX-; X-RT-Command for StripHeaders X-RT-*; X-Ticket-Verified
# twice, the AddHeader name).  For each preset and verdict - authenticated
# (Bob with his PIN), verification-requested (Bob asking a change without
# it), unverified (a stranger) - support mail is delivered with none of
# the forged fields, and the fields pinmilter put on top are exactly
# Authentication-Results, X-Support-Auth/-Case/-Account, then the
# preset's (with their values, the case numbers equal to X-Support-Case),
# then the AddHeader line expanded.  Mail for another address is delivered
# as sent, control fields included (they are stripped from support mail
# only), and gets no fields.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
new_instance
mkdir -p "$T/notices"
printf '#!/bin/sh\ncat >"%s/notices/n.$$"\n' "$T" >"$T/mailer"
chmod 755 "$T/mailer"
conf_set Mailer "$T/mailer -t -i"
conf_set Helpdesk none
conf_set StripHeaders 'X-RT-*'
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme &&
    echo 482913 | pinctl pin set bob@acme.example ||
    { fail "database set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }
PID0=$PM_PID
LOG=$T/pinmilter.log

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
X-KIX-Queue: VIP
X-RT-Command: Status: resolved
X-Ticket-Verified: authenticated
x-ticket-verified:
 yes
X-Mailer: Mutt'

# helpdesk FILE: every helpdesk or AddHeader field of FILE's header,
# unfolded, in order (pinmilter's own and the forged ones)
helpdesk() {
	header_section "$1" | grep -iE '^x-(otrs|zammad|otobo|kix|rt|ticket)-'
}
# added FILE: the fields pinmilter put above Postfix's Received, unfolded,
# without X-Support-Intent (the intent rules' business, not this test's)
added() {
	header_section "$1" | sed '/^Received: /,$d' | grep -v '^X-Support-Intent: '
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

# reload PRESET [ADDHEADER]: Helpdesk PRESET (and the AddHeader line, or
# none) live through SIGHUP; waits for the log's "reloaded" line.
reloads=0
reload() {
	conf_set Helpdesk "$1"
	conf_set AddHeader "${2:-none}"
	reloads=$((reloads + 1))
	kill -HUP "$PM_PID"
	_i=0
	until [ "$(grep -c 'pinmilter: reloaded ' "$LOG")" -ge "$reloads" ]; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || { fail "SIGHUP: Helpdesk $1 reloaded"; return 1; }
		sleep 0.1
	done
}

# preset_fields PRESET VERDICT CASE: the fields PRESET adds, in order
preset_fields() {
	case $1 in
	zammad) printf 'X-Zammad-Ticket-Tags: pin-%s\nX-Zammad-Ticket-FollowUp-Tags: pin-%s\n' "$2" "$2" ;;
	znuny|otobo)
		p=X-OTRS; [ "$1" = otobo ] && p=X-OTOBO
		printf '%s-DynamicField-SupportAuth: %s\n' "$p" "$2"
		printf '%s-FollowUp-DynamicField-SupportAuth: %s\n' "$p" "$2"
		[ -z "$3" ] || printf '%s-DynamicField-SupportCase: %s\n%s-FollowUp-DynamicField-SupportCase: %s\n' \
		    "$p" "$3" "$p" "$3" ;;
	esac
}

# round LABEL PRESET [ADDHEADER-WANT]: the three verdicts under the
# running configuration; ADDHEADER-WANT is the AddHeader field expected,
# with %V for the verdict, %P for the x-pin result, %U for the user and
# %A for the account.
round() {
	for m in "auth|Bob <bob@acme.example>|My PIN is 482913, what is my plan?|authenticated|pass|PIN verified|bob@acme.example|Acme" \
	    "vreq|Bob <bob@acme.example>|Please forward my calls to 555-0199.|verification-requested|none|no PIN found|bob@acme.example|Acme" \
	    "unv|Mallory <mallory@evil.example>|Hello, what is my plan?|unverified|none|sender not on file|mallory@evil.example|"; do
		IFS='|' read -r id from body verdict xpin why addr acct <<EOF2
$m
EOF2
		id=$1-$id
		one "$id" "$from" support@example.com "$body" || continue
		case=$(header_section "$T/$id.got" | sed -n 's/^X-Support-Case: //p')
		case $case in
		[1-9]*) ;;
		*) fail "$id: X-Support-Case is a case number (got '$case')"; continue ;;
		esac
		want="Authentication-Results: mx.example.com; x-pin=$xpin ($why) header.from=$addr
X-Support-Auth: $verdict
X-Support-Case: $case"
		[ -z "$acct" ] || want="$want
X-Support-Account: $acct"
		pre=$(preset_fields "$2" "$verdict" "$case")
		[ -z "$pre" ] || want="$want
$pre"
		if [ -n "${3:-}" ]; then
			user=$addr; [ -n "$acct" ] || user=
			add=$(printf '%s' "$3" | sed "s/%V/$verdict/; s/%P/$xpin/; s/%U/$user/; s/%A/$acct/")
			want="$want
$add"
		fi
		pf_is "$(added "$T/$id.got")" "$want" \
		    "$id: exactly the fields of Helpdesk $2${3:+ and AddHeader} for $verdict"
		# X-Ticket-Verified is no control field: removed only when
		# AddHeader names it
		hd=$(printf '%s\n' "$want" | grep -iE '^x-(otrs|zammad|otobo|kix|rt|ticket)-')
		[ -n "${3:-}" ] || hd=$(printf '%s\n%s\n' "$hd" \
		    'X-Ticket-Verified: authenticated' 'x-ticket-verified: yes' | sed '/^$/d')
		pf_is "$(helpdesk "$T/$id.got")" "$hd" \
		    "$id: every forged control field gone${3:+ (and the AddHeader name)}"
		pf_is "$(header_section "$T/$id.got" | grep -c '^X-Mailer: Mutt$')" 1 \
		    "$id: X-Mailer untouched"
		lacks "$(cat "$T/$id.got")" "482913" "$id: no PIN delivered"
	done
}

round none none
for p in zammad znuny otobo rt; do
	reload "$p" && round "$p" "$p"
done
contains "$(cat "$T/rt-auth.got")" "My PIN is [PIN redacted], what" \
    "rt-auth: the PIN redacted"
reload zammad 'X-Ticket-Verified %{verdict} pin=%{pin} user=%{user} acct=%{account}' &&
    round addheader zammad 'X-Ticket-Verified: %V pin=%P user=%U acct=%A'
is "$PM_PID:$(grep -c 'pinmilter: reloaded ' "$LOG")" "$PID0:5" \
    "one daemon throughout: 5 reloads, no restart"

# out of scope: delivered as sent, control fields included
one out "Bob <bob@acme.example>" other@example.org "Hello."
pf_strip_received <"$T/out.got" >"$T/out.stripped"
pf_same_file "$T/out.stripped" "$T/out.eml" \
    "out of scope: delivered as sent, control fields kept, no fields added"
