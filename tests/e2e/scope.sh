#!/bin/sh
# tests/e2e/scope.sh - the support scope and the second wall through a
# real Postfix: a stranger's message with forged tags (X-Support-Auth:
# authenticated, X-Support-Account, an Authentication-Results with our
# AuthservID) sent to the support address in every form Postfix relays
# to the support mailbox ("support"@, a root dot, a source route, the
# domain in capitals, escapes, spaces, a comment, no brackets) arrives
# with exactly our tags: one X-Support-Auth: unverified, no
# X-Support-Account, one Authentication-Results of ours.  Bob with his
# PIN to a quoted form is authenticated and his PIN is gone.  A message
# for another address carrying forged tags arrives with exactly those
# fields removed and nothing else changed; one without them is not
# touched.  Forged fields written "Name :" (space before the colon) are
# removed too.  The RCPT text is sent raw (python3's smtplib), so
# Postfix sees exactly each form.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
command -v python3 >/dev/null 2>&1 || { skip "python3 missing"; exit 0; }
new_instance
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme --name "Bob" &&
    echo 482913 | pinctl pin set bob@acme.example ||
    { fail "database set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

# smtp FROM RCPT-ARGUMENT FILE: one SMTP transaction with the RCPT TO
# argument exactly as given; $pf_rc 0 when the message was accepted,
# 2 when the RCPT was refused; $pf_out the replies.
smtp() {
	pf_out=$(python3 - "$PF_PORT" "$1" "$2" "$3" <<'PY' 2>&1
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=120)
s.ehlo("client.test")
code, msg = s.docmd("MAIL FROM:<%s>" % sys.argv[2])
print("MAIL", code, msg.decode())
code, msg = s.docmd("RCPT TO:" + sys.argv[3])
print("RCPT", code, msg.decode())
if code >= 400:
    s.quit()
    sys.exit(2)
data = open(sys.argv[4], "rb").read()
# smtplib ends the data with its own CRLF: the message arrives as in FILE
code, msg = s.data(data[:-1] if data.endswith(b"\n") else data)
print("DATA", code, msg.decode())
s.quit()
sys.exit(0 if code == 250 else 3)
PY
)
	pf_rc=$?
}

# count FILE REGEX: header lines (any case) matching REGEX.
count() {
	awk '/^$/ { exit } { print }' "$1" | grep -ciE "$2"
}

n=0
# forged ID RCPT-ARGUMENT: a stranger's forged message to that form.
forged() {
	cat >"$T/$1.eml" <<EOF2
From: Eve <eve@else.example>
To: support@example.com
Subject: forward the calls $1
Message-ID: <$1@else.example>
X-Support-Auth: authenticated
X-Support-Account: Acme
Authentication-Results: mx.example.com; x-pin=pass (PIN verified) header.from=bob@acme.example
X-Support-Auth : authenticated
Authentication-Results	: mx.example.com; x-pin=pass

Please forward all calls of the main number to me.
EOF2
	smtp eve@else.example "$2" "$T/$1.eml"
	pf_is "$pf_rc" 0 "$1 ($2): relayed by Postfix"
	[ "$pf_rc" -eq 0 ] || return 0
	n=$((n + 1))
	pf_wait_delivered "$n" 60 || { fail "$1: delivered"; pf_log; return 1; }
	pf_message "$1@else.example" >"$T/$1.out"
	pf_is "$(pf_rcpts "$1@else.example" | tr 'A-Z\n' 'a-z ')" "support@example.com " \
	    "$1 ($2): Postfix delivered it to support@example.com (any case)"
	pf_is "$(count "$T/$1.out" '^x-support-auth[ \t]*:')" 1 \
	    "$1: exactly one X-Support-Auth"
	pf_is "$(count "$T/$1.out" '^X-Support-Auth: unverified$')" 1 \
	    "$1: it is ours: unverified"
	pf_is "$(count "$T/$1.out" '^x-support-account[ \t]*:')" 0 \
	    "$1: no X-Support-Account (the forged one removed)"
	pf_is "$(count "$T/$1.out" '^authentication-results[ \t]*:[ \t]*mx\.example\.com')" 1 \
	    "$1: one Authentication-Results of ours"
	pf_is "$(count "$T/$1.out" 'x-pin=pass')" 0 "$1: no forged x-pin=pass left"
}

forged S-QUOTED '<"support"@example.com>'
forged S-ROOTDOT '<support@example.com.>'
forged S-ROUTE '<@relay.example:support@example.com>'
forged S-ROUTE2 '<@a.example,@b.example:support@example.com>'
forged S-CAPS '<support@EXAMPLE.com>'
forged S-LOCALCAPS '<SUPPORT@Example.COM>'
forged S-ESCAPE '<sup\port@example.com>'
forged S-QESCAPE '<"sup\port"@example.com>'
forged S-SPACES '< support@example.com >'
forged S-SPACEAT '<support @example.com>'
forged S-NOBRACKET 'support@example.com'
forged S-COLONSPACE ' <support@example.com>'
forged S-COMMENT '<support(desk)@example.com>'
forged S-ALL '<@relay.example:"Sup\port"@EXAMPLE.com.>'

# Bob with his PIN, to a quoted form: authenticated, the PIN gone.
cat >"$T/bob.eml" <<'EOF2'
From: Bob <bob@acme.example>
To: support@example.com
Subject: forwarding S-BOB
Message-ID: <S-BOB@acme.example>
Date: Mon, 02 Nov 2026 10:00:00 +0000
X-Support-Auth: verification-requested

Please forward my line to 555-0199. My PIN is 482913.
EOF2
smtp bob@acme.example '<"support"@Example.COM.>' "$T/bob.eml"
pf_is "$pf_rc" 0 "S-BOB: relayed by Postfix"
n=$((n + 1))
if pf_wait_delivered "$n" 60; then
	pf_message "S-BOB@acme.example" >"$T/bob.out"
	pf_is "$(count "$T/bob.out" '^x-support-auth[ \t]*:')" 1 "S-BOB: one X-Support-Auth"
	pf_is "$(count "$T/bob.out" '^X-Support-Auth: authenticated$')" 1 \
	    "S-BOB: authenticated"
	pf_is "$(count "$T/bob.out" '^X-Support-Account: Acme$')" 1 "S-BOB: X-Support-Account: Acme"
	pf_is "$(grep -c 482913 "$T/bob.out")" 0 "S-BOB: the PIN is gone"
else
	fail "S-BOB: delivered"; pf_log
fi

# Not for support, with forged fields: exactly those removed, nothing else
# changed (the message as sent without them, byte for byte).
cat >"$T/out.eml" <<'EOF2'
From: Eve <eve@else.example>
To: other@example.org
Subject: hello S-OUT
Date: Mon, 02 Nov 2026 10:00:00 +0000
Message-ID: <S-OUT@else.example>
X-Support-Auth: authenticated
Authentication-Results: relay.example.net; spf=pass smtp.mailfrom=else.example
X-Support-Account: Acme
Authentication-Results: MX.example.com; x-pin=pass (PIN verified)
X-Custom: keep me
 folded continuation
x-support-case : 100001

Hello, my PIN is 482913 (not for support: left alone).
EOF2
grep -v -i -e '^x-support-' -e '^Authentication-Results: MX' "$T/out.eml" >"$T/out.want"
smtp eve@else.example '<other@example.org>' "$T/out.eml"
pf_is "$pf_rc" 0 "S-OUT: relayed by Postfix"
n=$((n + 1))
if pf_wait_delivered "$n" 60; then
	pf_message "S-OUT@else.example" | pf_strip_received >"$T/out.got"
	pf_same_file "$T/out.got" "$T/out.want" \
	    "S-OUT: our fields removed, nothing else changed"
	pf_is "$(pf_rcpts "S-OUT@else.example")" "other@example.org" "S-OUT: to other@example.org"
else
	fail "S-OUT: delivered"; pf_log
fi

# Not for support, without our fields: delivered as sent.
grep -v -i -e '^x-support-' -e '^Authentication-Results: MX' "$T/out.eml" |
    sed 's/S-OUT/S-CLEAN/' >"$T/clean.eml"
smtp eve@else.example '<other@example.org>' "$T/clean.eml"
pf_is "$pf_rc" 0 "S-CLEAN: relayed by Postfix"
n=$((n + 1))
if pf_wait_delivered "$n" 60; then
	pf_message "S-CLEAN@else.example" | pf_strip_received >"$T/clean.got"
	pf_same_file "$T/clean.got" "$T/clean.eml" "S-CLEAN: delivered byte-identical"
else
	fail "S-CLEAN: delivered"; pf_log
fi
log=$(cat "$T/pinmilter.log")
pf_contains "$log" "not for a support address: 4 field(s) claiming pinmilter's tags removed" \
    "S-OUT: the removal is logged"
lacks "$log" "482913" "no PIN logged"
