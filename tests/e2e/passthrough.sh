#!/bin/sh
# tests/e2e/passthrough.sh - mail flows through a real Postfix with
# pinmilter attached: out-of-scope mail arrives byte-identical, support
# mail (also as a second recipient, also at 20 MB) arrives intact, and
# with pinmilter down Postfix tempfails, which proves the milter is in
# the path.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
new_instance
pm_start || { fail "pinmilter starts"; exit 1; }
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

# delivered COUNT DESCRIPTION: the sink holds exactly COUNT messages.
delivered() {
	pf_wait_delivered "$1" 30
	pf_is "$(pf_count)" "$1" "$2"
}

# --- 1. out of scope: delivered exactly as sent, Postfix's Received aside ---
cat >"$T/plain.eml" <<'EOF'
From: Alice Example <alice@customer.test>
To: Bob <bob@example.org>
Subject: Quarterly numbers, =?UTF-8?Q?caf=C3=A9?= edition
Date: Mon, 02 Nov 2026 10:00:00 +0000
Message-ID: <plain-1@customer.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
X-Custom: keep me
 folded continuation

Hello Bob,

.a line that starts with a dot
..two dots
trailing spaces   
	a tab-indented line
caf√© na√Øve √ºber ‚Äî unicode
PIN 482913 in mail that is not for support stays as it is.

-- 
Alice
EOF
pf_send alice@customer.test bob@example.org "$T/plain.eml"
pf_is "$pf_rc" 0 "plain message accepted by Postfix"
delivered 1 "plain message delivered"
pf_message "<plain-1@customer.test>" | pf_strip_received >"$T/got1.eml"
pf_same_file "$T/got1.eml" "$T/plain.eml" \
    "plain message delivered byte-identical (headers and body)"
pf_is "$(pf_rcpts '<plain-1@customer.test>')" "bob@example.org" \
    "plain message: envelope recipient kept"

# --- 2. to support: delivered, From, Subject and body intact ---
cat >"$T/support.eml" <<'EOF'
From: Carol Customer <carol@customer.test>
To: support@example.com
Subject: Question about voicemail
Date: Mon, 02 Nov 2026 10:05:00 +0000
Message-ID: <support-2@customer.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello support,

How long do you keep voicemail messages?

Thanks,
Carol
EOF
pf_send carol@customer.test support@example.com "$T/support.eml"
pf_is "$pf_rc" 0 "support message accepted by Postfix"
delivered 2 "support message delivered"
pf_message "<support-2@customer.test>" >"$T/got2.eml"
pf_is "$(pf_header From <"$T/got2.eml")" "Carol Customer <carol@customer.test>" \
    "support message: From unchanged"
pf_contains "$(pf_header Subject <"$T/got2.eml")" "Question about voicemail" \
    "support message: Subject kept"
pf_body <"$T/got2.eml" >"$T/got2.body"
pf_body <"$T/support.eml" >"$T/want2.body"
pf_same_file "$T/got2.body" "$T/want2.body" "support message: body unchanged"
pf_is "$(pf_rcpts '<support-2@customer.test>')" "support@example.com" \
    "support message: envelope recipient kept"

# --- 3. two recipients, support second: both get it ---
cat >"$T/two.eml" <<'EOF'
From: Dave <dave@customer.test>
To: other@example.org, support@example.com
Subject: Copy to my colleague
Date: Mon, 02 Nov 2026 10:10:00 +0000
Message-ID: <two-3@customer.test>

Both of you should see this.
EOF
pf_send dave@customer.test other@example.org,support@example.com "$T/two.eml"
pf_is "$pf_rc" 0 "two-recipient message accepted by Postfix"
pf_wait_delivered 3 30
pf_is "$(pf_rcpts '<two-3@customer.test>' | tr '\n' ' ')" \
    "other@example.org support@example.com " \
    "two-recipient message delivered to both recipients"
pf_message "<two-3@customer.test>" | pf_body >"$T/got3.body"
pf_body <"$T/two.eml" >"$T/want3.body"
pf_same_file "$T/got3.body" "$T/want3.body" "two-recipient message: body unchanged"
before=$(pf_count)

# --- 4. 20 MB to support: delivered intact ---
{
	cat <<'EOF'
From: Erin <erin@customer.test>
To: support@example.com
Subject: Big log file
Date: Mon, 02 Nov 2026 10:15:00 +0000
Message-ID: <big-4@customer.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b0undary"

--b0undary
Content-Type: text/plain; charset=us-ascii

The PBX log is attached.

--b0undary
Content-Type: application/octet-stream; name="pbx.log"
Content-Disposition: attachment; filename="pbx.log"
Content-Transfer-Encoding: base64

EOF
	head -c 15000000 /dev/urandom | base64 -w 76
	printf '\n--b0undary--\n'
} >"$T/big.eml"
pf_send erin@customer.test support@example.com "$T/big.eml"
pf_is "$pf_rc" 0 "20 MB support message accepted by Postfix"
delivered $((before + 1)) "20 MB support message delivered"
want=$(pf_body <"$T/big.eml" | sha256sum)
got=$(pf_message "<big-4@customer.test>" | pf_body | sha256sum)
pf_is "$got" "$want" "20 MB support message: body identical (sha256)"

# --- 5. pinmilter down: Postfix tempfails, nothing is delivered ---
pm_stop
before=$(pf_count)
pf_send alice@customer.test support@example.com "$T/support.eml"
pf_contains "$pf_rc $(printf '%s\n' "$pf_out" | grep '^<\*\* ' | head -n 1)" \
    "23 <** 451 " "pinmilter down: Postfix answers 451 to MAIL, swaks exits 23"
pf_send alice@customer.test bob@example.org "$T/plain.eml"
pf_contains "$pf_rc $(printf '%s\n' "$pf_out" | grep '^<\*\* ' | head -n 1)" \
    "23 <** 451 " "pinmilter down: out-of-scope mail tempfailed too (milter in the path)"
sleep 0.5
pf_is "$(pf_count) $(pf_queue_count)" "$before 0" \
    "pinmilter down: nothing delivered, nothing queued"
pf_contains "$(grep -i 'milter' "$PF/log/maillog")" "$PM_SOCKET" \
    "pinmilter down: maillog names the milter socket"

# --- 6. pinmilter back: mail flows again without restarting Postfix ---
pm_start || { fail "pinmilter restarts"; exit 1; }
pf_send carol@customer.test support@example.com "$T/support.eml"
pf_is "$pf_rc" 0 "pinmilter back: support message accepted"
delivered $((before + 1)) "pinmilter back: support message delivered"
