#!/bin/sh
# tests/e2e/cases.sh - cases and notices through a real Postfix with
# pinmilter: a change request opens a case and brings a
# verification request to the address on file; the reply to it carrying
# the PIN authenticates the same case; altered tokens join nothing;
# automatic mail and strangers get no notice; with the relay down the
# notice waits in the outbox and goes out when it is back; "pinctl pin
# issue --send" delivers a PIN that verifies; the daily cap holds.
#
# Support mail goes through Postfix to its smtp-sink ($PF_SINK).  Notices
# go by SMTPRelay to a second smtp-sink of this test ($NS, stopped and
# started again for the relay-down check); the daily-cap part restarts
# pinmilter with Mailer = the private Postfix's sendmail instead, so
# those notices come out of Postfix into $PF_SINK.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
command -v python3 >/dev/null 2>&1 || { skip "python3 missing"; exit 0; }
new_instance
pinctl() { "$PINCTL" -c "$CONF" "$@"; }
{ pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme --name "Bob Front Desk" &&
    echo 482913 | pinctl pin set bob@acme.example &&
    pinctl user add alice@acme.example --account Acme --name "Alice" &&
    echo 357159 | pinctl pin set alice@acme.example; } >/dev/null ||
    { fail "database set up"; exit 1; }

# --- the notice sink: smtp-sink on $NS_PORT writing into $NS ---
NS=$T/notices
NS_PID=
ns_start() {
	mkdir -p "$NS" || return 1
	smtp-sink -u root -d "$NS/%M." "127.0.0.1:$NS_PORT" 100 \
	    >>"$T/nsink.log" 2>&1 </dev/null &
	NS_PID=$!
	_pf_watch "$NS_PID"
	_pf_wait_port "$NS_PORT" 5 && kill -0 "$NS_PID" 2>/dev/null
}
ns_stop() {
	[ -n "$NS_PID" ] || return 0
	kill "$NS_PID" 2>/dev/null
	wait "$NS_PID" 2>/dev/null
	NS_PID=
}
at_exit ns_stop
ns_count() { find "$NS" -type f 2>/dev/null | wc -l | tr -d ' '; }
# ns_wait N SECS: 0 once the notice sink holds N messages.
ns_wait() {
	_k=$(($2 * 10))
	while [ "$_k" -gt 0 ]; do
		[ "$(ns_count)" -ge "$1" ] && return 0
		sleep 0.1
		_k=$((_k - 1))
	done
	diag "waited $2 s for $1 notices; the sink holds $(ns_count)"
	return 1
}
# ns_message I|TEXT: the I-th notice (or the one holding TEXT), as sent.
ns_message() {
	_keep=$PF_SINK
	PF_SINK=$NS
	pf_message "$1"
	_r=$?
	PF_SINK=$_keep
	return "$_r"
}
ns_envelope() {
	_keep=$PF_SINK
	PF_SINK=$NS
	pf_envelope "$1" | sed 's/ ORCPT=.*//'
	PF_SINK=$_keep
}

NS_PORT=$(pf_free_port) || { fail "a port for the notice sink"; exit 1; }
ns_start || { fail "notice sink starts"; diag "$(cat "$T/nsink.log")"; exit 1; }
printf 'SMTPRelay\t127.0.0.1:%s\nOutboxRetry\t1s\n' "$NS_PORT" >>"$CONF"
pm_start || { fail "pinmilter starts"; exit 1; }
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

# --- python helpers ---
# body.py FILE: the decoded text of a single-part message.
cat >"$T/body.py" <<'EOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
sys.stdout.write(m.get_content())
EOF
# rows.py KEYS...: the JSON array on stdin, one line per object, the
# values of KEYS separated by "|" (null: "-").
cat >"$T/rows.py" <<'EOF'
import json, sys
for o in json.load(sys.stdin):
    print("|".join("-" if o.get(k) is None else str(o.get(k)) for k in sys.argv[1:]))
EOF
outbox() { pinctl outbox list --json | python3 "$T/rows.py" "$@" | sort -n; }
audit() { pinctl audit --json | python3 "$T/rows.py" "$@"; }
ob_all() { outbox id kind recipient case state; }

# send_get FROM TO FILE TEXT OUT: send, wait for delivery, write the
# delivered copy (found by TEXT, e.g. the Message-ID) to OUT.
n=0
send_get() {
	pf_send "$1" "$2" "$3"
	pf_is "$pf_rc" 0 "$4: accepted by Postfix"
	n=$((n + 1))
	pf_wait_delivered "$n" 60 || { fail "$4: delivered"; pf_log; return 1; }
	pf_message "$4" >"$5"
}
# got FILE: "AUTH CASE | SUBJECT" of a delivered message.
got() {
	printf '%s %s | %s\n' "$(pf_header X-Support-Auth <"$1")" \
	    "$(pf_header X-Support-Case <"$1")" "$(pf_header Subject <"$1")"
}
# hdr FILE NAME: NAME's value (a value folded onto the next line starts
# with that line's white space: cut).
hdr() { pf_header "$2" <"$1" | sed 's/^[[:space:]]*//'; }
B32='[a-z2-7]\{52\}'

# --- 1. a change request from Bob, no PIN: verification request ---
cat >"$T/m1.eml" <<'EOF'
From: Bob Front Desk <bob@acme.example>
To: support@example.com
Subject: Forwarding
Date: Mon, 02 Nov 2026 10:00:00 +0000
Message-ID: <req-1@acme.example>

Hello,

please forward line 2 to my mobile from tomorrow on.

Bob
EOF
send_get bob@acme.example support@example.com "$T/m1.eml" "<req-1@acme.example>" "$T/g1.eml"
pf_is "$(got "$T/g1.eml")" \
    "verification-requested 100000 | [Case #100000] Forwarding" \
    "request: verification-requested, first case, tagged subject"
ns_wait 1 10 || pf_log
pf_is "$(ns_count)" 1 "request: one notice at the relay"
ns_message 1 >"$T/n1.eml"
is "$(ns_envelope 1)" "X-Mail-Args: <>
X-Rcpt-Args: <bob@acme.example>" "notice: null sender, to Bob's address on file"
is "$(hdr "$T/n1.eml" To) | $(hdr "$T/n1.eml" From)" \
    "bob@acme.example | support@example.com" "notice: To the address on file, From support"
is "$(hdr "$T/n1.eml" Auto-Submitted) | $(hdr "$T/n1.eml" X-Support-Notice)" \
    "auto-replied | verification-request" "notice: Auto-Submitted and X-Support-Notice"
is "$(hdr "$T/n1.eml" Subject)" \
    "[Case #100000] Please confirm your request with your PIN" "notice: subject with the case tag"
NID=$(hdr "$T/n1.eml" Message-ID)
is "$(printf '%s\n' "$NID" | grep -c "^<pm-100000\.[0-9a-f]\{16\}\.$B32@example\.com>\$")" 1 \
    "notice: Message-ID <pm-100000.NONCE.MAC@example.com>"
diag "notice Message-ID: $NID"
is "$(hdr "$T/n1.eml" Reply-To | grep -c "^support+c-100000-[a-z2-7]\{26\}@example\.com\$")" 1 \
    "notice: Reply-To support+c-100000-MAC@example.com (26-character MAC: 49 octets)"
REPLY_TO=$(hdr "$T/n1.eml" Reply-To)
is "$(hdr "$T/n1.eml" In-Reply-To) | $(hdr "$T/n1.eml" References)" \
    "<req-1@acme.example> | <req-1@acme.example>" "notice: threads under the request"
is "$(hdr "$T/n1.eml" Content-Type) | $(hdr "$T/n1.eml" Content-Transfer-Encoding)" \
    "text/plain; charset=utf-8 | quoted-printable" "notice: UTF-8 text, quoted-printable"
python3 "$T/body.py" "$T/n1.eml" >"$T/n1.txt" || fail "notice: body decodes"
contains "$(cat "$T/n1.txt")" "Hello Bob Front Desk," "notice body: Bob's name"
contains "$(cat "$T/n1.txt")" "case 100000:" "notice body: the case"
contains "$(cat "$T/n1.txt")" "    Subject:  \"Forwarding\"" "notice body: the request's subject"
grep -q "^    Received: [0-9-]* [0-9:]* UTC\$" "$T/n1.txt" &&
    pass "notice body: when the request arrived" || fail "notice body: when the request arrived"
contains "$(cat "$T/n1.txt")" "If you did NOT send this request, do not reply with your PIN." \
    "notice body: what to do if you did not send it"
contains "$(cat "$T/n1.txt")" "If you sent it, reply to this message with a line like this:

    PIN: (your six digits)" "notice body: asks for the PIN"
# The case number has six digits too: any other run of six or more?
is "$(grep -o '[0-9]\{6,\}' "$T/n1.txt" | sort -u | tr '\n' ' ')" "100000 " \
    "notice body: no 6-digit number but the case's (no PIN-like example)"
is "$(ob_all)" "1|verification-request|bob@acme.example|100000|sent" \
    "outbox: the one notice, sent"
is "$(pinctl case show 100000 | sed -n 's/^state: //p')" "verification-requested" \
    "case 100000: verification-requested"

# --- 2. Bob answers the notice with his PIN on a line of its own ---
cat >"$T/m2.eml" <<EOF
From: Bob Front Desk <bob@acme.example>
To: support@example.com
Subject: Re: [Case #100000] Please confirm your request with your PIN
Message-ID: <reply-2@acme.example>
In-Reply-To: $NID
References: <req-1@acme.example> $NID

Here it is:

482913

Bob
EOF
send_get bob@acme.example support@example.com "$T/m2.eml" "<reply-2@acme.example>" "$T/g2.eml"
pf_is "$(got "$T/g2.eml")" \
    "authenticated 100000 | Re: [Case #100000] Please confirm your request with your PIN" \
    "reply with a bare PIN line: authenticated, same case, one tag"
pf_is "$(hdr "$T/g2.eml" Authentication-Results)" \
    "mx.example.com;	x-pin=pass (PIN verified)	header.from=bob@acme.example" \
    "reply: x-pin=pass"
is "$(grep -c 482913 "$(pf_delivered_file '<reply-2@acme.example>')")" 0 \
    "reply: the PIN is redacted"
pinctl case show 100000 >"$T/case.txt"
is "$(sed -n 's/^state: //p; s/^authenticated-by: //p' "$T/case.txt")" \
    "authenticated
bob@acme.example" "case 100000: authenticated by bob"
is "$(ob_all)" "1|verification-request|bob@acme.example|100000|sent" \
    "reply: no notice for an authenticated message"

# --- 2b. Bob writes to the signed Reply-To address: same case ---
cat >"$T/m2b.eml" <<EOF
From: Bob Front Desk <bob@acme.example>
To: $REPLY_TO
Subject: one more thing
Message-ID: <plus-2b@acme.example>

Thanks. Please also send me the invoice.
EOF
send_get bob@acme.example "$REPLY_TO" "$T/m2b.eml" "<plus-2b@acme.example>" "$T/g2b.eml"
# X-Support-Auth speaks of the message (no PIN in it), the case stays
# authenticated.
pf_is "$(got "$T/g2b.eml")" \
    "unverified 100000 | [Case #100000] one more thing" \
    "to the Reply-To token: joins case 100000, tag added"
is "$(pinctl case show 100000 | sed -n 's/^state: //p')" "authenticated" \
    "case 100000 stays authenticated"

# --- 3. altered tokens ---
# A stranger with the tag, Bob's PIN and a token with one MAC character
# changed: the token is ignored and audited, the tag refused (not of
# the account), a new case opened.
MAC=$(printf '%s\n' "$NID" | sed 's/^<pm-[0-9]*\.[0-9a-f]*\.\([a-z2-7]*\)@.*/\1/')
first=$(printf '%s' "$MAC" | cut -c1)
if [ "$first" = a ]; then sub=b; else sub=a; fi
BAD1=$(printf '%s\n' "$NID" | sed "s/\.$MAC@/.$sub${MAC#?}@/")
# Bob's reply with the last MAC character changed: it only differs in
# the 4 unused low bits (256 bits in 52 base32 characters), which must
# be zero: still forged.
last=$(printf '%s' "$MAC" | cut -c52)
if [ "$last" = a ]; then sub=b; else sub=a; fi
BAD2=$(printf '%s\n' "$NID" | sed "s/\.$MAC@/.${MAC%?}$sub@/")
is "$(printf '%s\n%s\n' "$BAD1" "$BAD2" | grep -c "^<pm-100000\.[0-9a-f]\{16\}\.$B32@example\.com>\$") $([ "$BAD1" != "$NID" ] && [ "$BAD2" != "$NID" ] && echo changed)" \
    "2 changed" "two altered tokens, each of the right shape"
cat >"$T/m3.eml" <<EOF
From: Eve <eve@else.example>
To: support@example.com
Subject: Re: [Case #100000] Please confirm your request with your PIN
Message-ID: <forged-3@else.example>
In-Reply-To: $BAD1

PIN 482913
Please forward line 2 to 555-0100.
EOF
send_get eve@else.example support@example.com "$T/m3.eml" "<forged-3@else.example>" "$T/g3.eml"
pf_is "$(got "$T/g3.eml")" \
    "unverified 100001 | [Case #100001] Re: [Case #100000] Please confirm your request with your PIN" \
    "stranger, altered token and tag: a new case, unverified"
is "$(audit action email case result | grep -e forged -e tag-refused -e '|100001|')" \
    "case.forged-token|eve@else.example|-|ignored
case.tag-refused|eve@else.example|100000|new-case
case.open|eve@else.example|100001|ok" \
    "audit: forged token ignored, tag refused, case 100001 opened"
cat >"$T/m3b.eml" <<EOF
From: Bob Front Desk <bob@acme.example>
To: support@example.com
Subject: Re: [Case #100000] Please confirm your request with your PIN
Message-ID: <altered-3b@acme.example>
In-Reply-To: $BAD2

PIN 482913
And line 3 too, please.
EOF
send_get bob@acme.example support@example.com "$T/m3b.eml" "<altered-3b@acme.example>" "$T/g3b.eml"
pf_is "$(got "$T/g3b.eml")" \
    "authenticated 100000 | Re: [Case #100000] Please confirm your request with your PIN" \
    "Bob, altered token but the tag: joins his account's case by the tag"
is "$(audit action email | grep -c '^case.forged-token|bob@acme.example$')" 1 \
    "audit: Bob's altered token counted as forged too"
is "$(pinctl case show 100001 | sed -n 's/^state: //p; s/^email: //p')" \
    "eve@else.example
open" "case 100001: Eve's, open"
is "$(ob_all)" "1|verification-request|bob@acme.example|100000|sent" \
    "altered tokens: no notice"

# --- 4. an out-of-office reply from Bob asking for a change: no notice ---
cat >"$T/m4.eml" <<'EOF'
From: Bob Front Desk <bob@acme.example>
To: support@example.com
Subject: Automatic reply: out of office
Auto-Submitted: auto-replied
Message-ID: <ooo-4@acme.example>

I am out of the office until Monday. Please forward urgent calls to the
front desk.
EOF
send_get bob@acme.example support@example.com "$T/m4.eml" "<ooo-4@acme.example>" "$T/g4.eml"
pf_is "$(got "$T/g4.eml")" "unverified 100002 | [Case #100002] Automatic reply: out of office" \
    "out of office: a case, unverified (no verification-requested)"
sleep 2
is "$(ob_all)" "1|verification-request|bob@acme.example|100000|sent" \
    "out of office: nothing queued"
is "$(ns_count)" 1 "out of office: nothing at the relay"
is "$(audit action case result | grep '^notice' | grep -c '|100002|skipped$')" 1 \
    "audit: the notice for case 100002 skipped"
contains "$(audit action case detail | grep '^notice.skip|100002|')" \
    "Auto-Submitted" "audit: skipped because of Auto-Submitted"

# --- 5. the relay down: the notice waits, then goes out ---
ns_stop
cat >"$T/m5.eml" <<'EOF'
From: Bob Front Desk <bob@acme.example>
To: support@example.com
Subject: Line 4
Message-ID: <down-5@acme.example>

Please cancel line 4 at the end of the month.
EOF
send_get bob@acme.example support@example.com "$T/m5.eml" "<down-5@acme.example>" "$T/g5.eml"
pf_is "$(got "$T/g5.eml")" "verification-requested 100003 | [Case #100003] Line 4" \
    "relay down: the request is delivered, verification-requested"
k=50
while [ "$k" -gt 0 ] && [ "$(outbox id attempts | sed -n 's/^2|//p')" = 0 ]; do
	sleep 0.1
	k=$((k - 1))
done
outbox id kind case state attempts last_error | sed -n '2p' >"$T/ob5"
case "$(cat "$T/ob5")" in
2\|verification-request\|100003\|queued\|[1-9]*\|?*) pass "relay down: notice 2 queued, attempted, with an error" ;;
*) fail "relay down: notice 2 queued, attempted, with an error"; diag "got: $(cat "$T/ob5")" ;;
esac
diag "outbox while the relay is down: $(cat "$T/ob5")"
lacks "$(cat "$T/ob5")" "|-" "relay down: the error is said"
ns_start || fail "notice sink starts again"
ns_wait 2 15 || pf_log
is "$(ns_count)" 2 "relay back: the notice arrives"
is "$(outbox id state | sed -n '2p')" "2|sent" "relay back: notice 2 sent"
is "$(ns_message 2 | pf_header Subject) | $(ns_message 2 | pf_header X-Support-Notice)" \
    "[Case #100003] Please confirm your request with your PIN | verification-request" \
    "relay back: it is case 100003's verification request"

# --- 5b. another change request on that case: no second request ---
NID5=$(ns_message 2 | pf_header Message-ID)
cat >"$T/m5b.eml" <<EOF
From: Bob Front Desk <bob@acme.example>
To: support@example.com
Subject: Re: [Case #100003] Please confirm your request with your PIN
Message-ID: <again-5b@acme.example>
In-Reply-To: $NID5

And please cancel line 5 as well.
EOF
send_get bob@acme.example support@example.com "$T/m5b.eml" "<again-5b@acme.example>" "$T/g5b.eml"
pf_is "$(got "$T/g5b.eml")" \
    "unverified 100003 | Re: [Case #100003] Please confirm your request with your PIN" \
    "second change request on the case: same case, unverified"
is "$(outbox id | tail -n 1)" 2 "second change request: no second verification request"

# --- 6. pinctl pin issue --send ---
# pin_of I: the PIN in the I-th notice's decoded body (the only line
# holding nothing but six digits).
pin_of() {
	ns_message "$1" >"$T/pin.eml"
	python3 "$T/body.py" "$T/pin.eml" | sed -n 's/^[[:space:]]*\([0-9]\{6\}\)[[:space:]]*$/\1/p'
	rm -f "$T/pin.eml"
}
run pinctl pin issue bob@acme.example --send
expect_rc 0 "pin issue --send"
ns_wait 3 15 || pf_log
is "$(ns_message 3 | pf_header X-Support-Notice) | $(ns_message 3 | pf_header To)" \
    "pin-delivery | bob@acme.example" "pin issue: a pin-delivery notice to Bob"
PIN1=$(pin_of 3)
is "$(printf '%s' "$PIN1" | grep -c '^[0-9]\{6\}$')" 1 "pin issue: one PIN in the notice"
run_in "$PIN1
" pinctl pin verify bob@acme.example
expect_rc 0 "the delivered PIN verifies"
run_in "482913
" pinctl pin verify bob@acme.example
expect_rc 1 "the old PIN no longer verifies"
run pinctl pin issue bob@acme.example --send
expect_rc 0 "pin issue --send again (an admin is not rate-limited)"
ns_wait 4 15 || pf_log
PIN2=$(pin_of 4)
is "$(printf '%s' "$PIN2" | grep -c '^[0-9]\{6\}$')" 1 "second issue: one PIN in the notice"
run_in "$PIN1
" pinctl pin verify bob@acme.example
expect_rc 1 "the first issued PIN no longer verifies"
run_in "$PIN2
" pinctl pin verify bob@acme.example
expect_rc 0 "the second issued PIN verifies"
is "$(outbox kind state | grep -c '^pin-delivery|sent$')" 2 "outbox: two pin-deliveries sent"

# --- 7. a stranger: a case, never a notice ---
cat >"$T/m7.eml" <<'EOF'
From: Eve <eve@else.example>
To: support@example.com
Subject: my line
Message-ID: <stranger-7@else.example>

Please forward line 9 to me, I forgot my PIN.
EOF
send_get eve@else.example support@example.com "$T/m7.eml" "<stranger-7@else.example>" "$T/g7.eml"
pf_is "$(got "$T/g7.eml")" "unverified 100004 | [Case #100004] my line" \
    "stranger: case 100004, unverified"
sleep 2
is "$(outbox id | tail -n 1) $(ns_count)" "4 4" "stranger: nothing queued, nothing sent"
is "$(audit action email | grep -c '^notice.*|eve@else.example$')" 0 \
    "stranger: no notice audit row for eve"

# --- 8. the daily cap, with notices through Postfix's sendmail ---
sed '/^SMTPRelay/d' "$CONF" >"$T/conf.new" && cat "$T/conf.new" >"$CONF"
# "-f <>": the null sender of RFC 3834, as the SMTP client uses (without
# it sendmail would put the daemon's user there).
conf_set Mailer "/usr/sbin/sendmail -C $PF/etc -f <> -t -i"
conf_set MaxNoticesPerDay 2
pm_start || { fail "pinmilter restarts with MaxNoticesPerDay 2"; exit 1; }
for i in 1 2 3; do
	cat >"$T/m8.eml" <<EOF
From: Alice <alice@acme.example>
To: support@example.com
Subject: change $i
Message-ID: <cap-$i@acme.example>

Please change the ring time of extension 20$i.
EOF
	pf_send alice@acme.example support@example.com "$T/m8.eml"
	pf_is "$pf_rc" 0 "alice's request $i: accepted"
done
n=$((n + 5))	# three requests, two notices
pf_wait_delivered "$n" 60 || { fail "three requests and two notices delivered"; pf_log; }
sleep 3
pf_is "$(pf_count)" "$n" "no third notice"
is "$(grep -l -r '^X-Support-Notice: verification-request' "$PF_SINK" | xargs grep -l '^To: alice@acme.example' | wc -l | tr -d ' ')" \
    2 "exactly two notices to alice, through Postfix"
for i in 1 2 3; do
	# (the notices quote the request's Message-ID in In-Reply-To)
	pf_message "Message-ID: <cap-$i@acme.example>" >"$T/g8-$i.eml"
	printf '%s\n' "$(hdr "$T/g8-$i.eml" X-Support-Auth) $(hdr "$T/g8-$i.eml" X-Support-Case)"
done >"$T/g8"
is "$(cat "$T/g8")" "verification-requested 100005
verification-requested 100006
unverified 100007" "cap: the third request is not told verification-requested"
is "$(audit action email case | grep '^notice' | grep alice)" \
    "notice.queue|alice@acme.example|100005
notice.queue|alice@acme.example|100006
notice.skip|alice@acme.example|100007" "audit: two queued, one skipped"
contains "$(audit action detail | grep '^notice.skip' | tail -n 1)" \
    "daily notice cap" "audit: skipped for the daily notice cap"
is "$(outbox kind recipient state | grep -c '^verification-request|alice@acme.example|sent$')" 2 \
    "outbox: two notices to alice, sent by the Mailer"
is "$(grep -l -r '^X-Support-Notice: verification-request' "$PF_SINK" | xargs grep -h '^X-Mail-Args:' | sort -u)" \
    "X-Mail-Args: <>" "Mailer: the notices leave Postfix with the null sender"

# --- the daemon's side ---
log=$(cat "$T/pinmilter.log")
# (as a word: a random PIN may well be part of a queue id or a path)
for p in 482913 357159 "$PIN1" "$PIN2"; do
	is "$(grep -c -w -e "${p:-missing}" "$T/pinmilter.log")" 0 \
	    "pinmilter never logged a PIN ($p)"
done
lacks "$log" "error" "pinmilter logged no error"
lacks "$log" "Sanitizer" "no sanitizer report (when built with one)"
is "$(grep -c ' x-pin=' "$T/pinmilter.log")" 12 "one verdict line per support message (12)"
