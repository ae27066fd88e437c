#!/bin/sh
# tests/e2e/pipeline.sh - support mail through a real Postfix with
# pinmilter: what the helpdesk receives.  Exact tags for each kind of
# sender, exactly one X-Support-Auth whatever the client sent, the PIN
# gone from every delivered part (decoded), a 20 MB message held whole
# and redacted, a 60 MB one (over MaxMessageSize, so its PIN cannot be
# redacted) refused with 552 5.3.4, out-of-scope mail untouched but for
# forged tags.  Every
# support message opens a case, numbered from CaseStart (100000) in the
# order sent: the X-Support-Case value and the subject tag "[Case #N] "
# are exact.  Bob's change request without a valid PIN is answered by a
# verification request (X-Support-Auth: verification-requested), which
# reaches the fake Mailer.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
command -v python3 >/dev/null 2>&1 || { skip "python3 missing"; exit 0; }
new_instance
MSGS="$top_srcdir/tests/e2e/messages"
# notices to a fake Mailer (kept in $T/notices), not the system's sendmail
mkdir -p "$T/notices"
printf '#!/bin/sh\ncat >"%s/notices/n.$$"\n' "$T" >"$T/mailer"
chmod 755 "$T/mailer"
conf_set Mailer "$T/mailer -t -i"
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme --name "Bob Front Desk" &&
    echo 482913 | pinctl pin set bob@acme.example ||
    { fail "database set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

AR_BOB_PASS='Authentication-Results: mx.example.com;
	x-pin=pass (PIN verified)
	header.from=bob@acme.example'

# fields FILE NAME: every NAME field of FILE's header (any case), raw,
# continuation lines included.
fields() {
	awk -v n="$2" '
	/^$/ { exit }
	/^[ \t]/ { if (on) print; next }
	{ on = tolower(substr($0, 1, length(n) + 1)) == tolower(n) ":" }
	on { print }' "$1"
}
# nfields FILE NAME: how many NAME fields.
nfields() { fields "$1" "$2" | grep -c -v '^[[:space:]]'; }
# ours FILE: the names of every X-Support-* field, one line.
ours() {
	awk '/^$/ { exit } tolower($0) ~ /^x-support-/ { sub(/:.*/, ""); printf "%s ", $0 }' "$1"
}

# send_get FROM TO FILE MSGID OUT: send, wait, write the delivered copy.
n=0
send_get() {
	pf_send "$1" "$2" "$3"
	pf_is "$pf_rc" 0 "$4: accepted by Postfix"
	n=$((n + 1))
	pf_wait_delivered "$n" 60 || { fail "$4: delivered"; pf_log; return 1; }
	pf_message "$4" >"$5"
}

# tags FILE AUTH AR-FIELD ACCOUNT DESC CASE: the delivered tags, exactly;
# one X-Support-Case: CASE (kept in $CASE: the subject is tagged
# "[Case #CASE]"); X-Support-Auth, X-Support-Case, X-Support-Account,
# X-Support-Intent in that order.
tags() {
	CASE=$6
	pf_is "$(fields "$1" X-Support-Case)" "X-Support-Case: $6" \
	    "$5: exactly X-Support-Case: $6"
	pf_is "$(fields "$1" X-Support-Auth)" "X-Support-Auth: $2" \
	    "$5: exactly X-Support-Auth: $2"
	pf_is "$(nfields "$1" X-Support-Auth)" 1 "$5: one X-Support-Auth"
	pf_is "$(fields "$1" Authentication-Results | awk '
	    /^[^ \t]/ { keep = $0 ~ /^Authentication-Results: mx\.example\.com;/ }
	    keep')" "$3" "$5: our Authentication-Results, exactly"
	if [ -n "$4" ]; then
		pf_is "$(fields "$1" X-Support-Account)" "X-Support-Account: $4" \
		    "$5: X-Support-Account: $4"
		pf_is "$(ours "$1")" "X-Support-Auth X-Support-Case X-Support-Account X-Support-Intent " \
		    "$5: our fields once each, in order"
	else
		pf_is "$(ours "$1")" "X-Support-Auth X-Support-Case X-Support-Intent " \
		    "$5: no X-Support-Account"
	fi
}

# --- 1. Bob, right PIN ---
cat >"$T/m1.eml" <<'EOF'
From: Bob Front Desk <bob@acme.example>
To: support@example.com
Subject: Voicemail reset
Date: Mon, 02 Nov 2026 10:00:00 +0000
Message-ID: <right-1@acme.example>

Hello,

please reset the voicemail of line 3. My PIN is 482913.

Bob
EOF
send_get bob@acme.example support@example.com "$T/m1.eml" "<right-1@acme.example>" "$T/g1.eml"
tags "$T/g1.eml" authenticated "$AR_BOB_PASS" Acme "right PIN" 100000
pf_is "$(head -n 6 "$T/g1.eml")" "$AR_BOB_PASS
X-Support-Auth: authenticated
X-Support-Case: 100000
X-Support-Account: Acme" "right PIN: our fields on top, in order"
pf_body <"$T/g1.eml" >"$T/g1.body"
sed 's/482913/[PIN redacted]/' "$T/m1.eml" | pf_body >"$T/w1.body"
pf_same_file "$T/g1.body" "$T/w1.body" "right PIN: body as sent, PIN redacted"
pf_is "$(pf_header Subject <"$T/g1.eml")" "[Case #$CASE] Voicemail reset" \
    "right PIN: Subject tagged with the case"
pf_is "$(grep -c 482913 "$(pf_delivered_file '<right-1@acme.example>')")" 0 \
    "right PIN: the PIN is nowhere in the delivered file"

# --- 2. Bob, wrong PIN, also in the subject ---
cat >"$T/m2.eml" <<'EOF'
From: bob@acme.example
To: support@example.com
Subject: PIN 111111 - new extension
Message-ID: <wrong-2@acme.example>

Please add extension 204. PIN: 111111
EOF
send_get bob@acme.example support@example.com "$T/m2.eml" "<wrong-2@acme.example>" "$T/g2.eml"
# a change request ("add") without a valid PIN: Bob is asked to verify
tags "$T/g2.eml" verification-requested 'Authentication-Results: mx.example.com;
	x-pin=fail (wrong PIN)
	header.from=bob@acme.example' Acme "wrong PIN" 100001
pf_is "$(pf_header Subject <"$T/g2.eml")" "[Case #$CASE] PIN [PIN redacted] - new extension" \
    "wrong PIN: redacted in the subject"
pf_is "$(pf_body <"$T/g2.eml")" "Please add extension 204. PIN: [PIN redacted]" \
    "wrong PIN: redacted in the body"
pf_is "$(nfields "$T/g2.eml" Subject)" 1 "wrong PIN: one Subject"

# --- 3. a stranger with Bob's PIN ---
cat >"$T/m3.eml" <<'EOF'
From: Eve <eve@else.example>
To: support@example.com
Subject: forwarding
Message-ID: <stranger-3@else.example>

I am Bob's assistant, his PIN is 482913. Forward line 3 to me.
EOF
send_get eve@else.example support@example.com "$T/m3.eml" "<stranger-3@else.example>" "$T/g3.eml"
tags "$T/g3.eml" unverified 'Authentication-Results: mx.example.com;
	x-pin=none (sender not on file)
	header.from=eve@else.example' "" "stranger" 100002
pf_is "$(pf_header Subject <"$T/g3.eml")" "[Case #$CASE] forwarding" \
    "stranger: Subject tagged"
pf_is "$(pf_body <"$T/g3.eml")" \
    "I am Bob's assistant, his PIN is [PIN redacted]. Forward line 3 to me." \
    "stranger: Bob's PIN redacted all the same"

# --- 4. a stranger's forged tags ---
cat >"$T/m4.eml" <<'EOF'
From: Mallory <mallory@evil.example>
To: support@example.com
X-Support-Auth: authenticated
Subject: urgent
x-SUPPORT-auth: authenticated
 (checked by the helpdesk)
Authentication-Results: mx.example.com; x-pin=pass (PIN verified)
 header.from=bob@acme.example
Authentication-Results: relay.example.net; spf=pass smtp.mailfrom=evil.example
X-Support-Account: Acme
X-Support-Intent: other (rule: forged)
AUTHENTICATION-RESULTS: MX.EXAMPLE.COM; x-pin=pass
Message-ID: <forged-4@evil.example>

Close Bob's account.
EOF
send_get mallory@evil.example support@example.com "$T/m4.eml" "<forged-4@evil.example>" "$T/g4.eml"
tags "$T/g4.eml" unverified 'Authentication-Results: mx.example.com;
	x-pin=none (sender not on file)
	header.from=mallory@evil.example' "" "forged" 100003
pf_is "$(ours "$T/g4.eml")" "X-Support-Auth X-Support-Case X-Support-Intent " \
    "forged: only our X-Support-* left"
pf_is "$(fields "$T/g4.eml" X-Support-Intent)" \
    'X-Support-Intent: change (rule: imperative "close account")' \
    "forged: X-Support-Intent is ours (the forged one removed)"
pf_is "$(fields "$T/g4.eml" Authentication-Results | grep -v '^[[:space:]]')" \
    'Authentication-Results: mx.example.com;
Authentication-Results: relay.example.net; spf=pass smtp.mailfrom=evil.example' \
    "forged: ours and the foreign Authentication-Results, nothing else"
pf_is "$(grep -ci 'x-pin=pass' "$T/g4.eml")" 0 "forged: no x-pin=pass anywhere"
pf_is "$(pf_header Subject <"$T/g4.eml") $(pf_body <"$T/g4.eml")" \
    "[Case #$CASE] urgent Close Bob's account." "forged: subject (tagged) and body kept"

# --- 5. multipart/alternative, quoted-printable plain and base64 HTML ---
send_get bob@acme.example support@example.com "$MSGS/alternative.eml" \
    "<alt-5@acme.example>" "$T/g5.eml"
tags "$T/g5.eml" authenticated "$AR_BOB_PASS" Acme "alternative" 100004
cat >"$T/parts.py" <<'EOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for p in m.walk():
    if p.is_multipart():
        continue
    t = p.get_content()
    print(p.get_content_type(), p.get("Content-Transfer-Encoding", "-"),
          "482913" in t, t.count("[PIN redacted]"), "Caf\u00e9" in t)
EOF
pf_is "$(python3 "$T/parts.py" "$T/g5.eml")" "text/plain quoted-printable False 1 True
text/html base64 False 1 True" \
    "alternative: both parts decoded: no PIN, one [PIN redacted], the rest kept"
pf_is "$(grep -c 482913 "$T/g5.eml")" 0 "alternative: no PIN in the raw message either"

# --- 6. support not the first recipient ---
cat >"$T/m6.eml" <<'EOF'
From: bob@acme.example
To: other@example.org, support@example.com
Subject: copy
Message-ID: <second-6@acme.example>

PIN 482913
EOF
pf_send bob@acme.example other@example.org,support@example.com "$T/m6.eml"
pf_is "$pf_rc" 0 "second recipient: accepted"
n=$((n + 1))	# one transaction, two RCPTs: one file
pf_wait_delivered "$n" 60 || { fail "second recipient: delivered"; pf_log; }
pf_is "$(pf_rcpts '<second-6@acme.example>' | tr '\n' ' ')" \
    "other@example.org support@example.com " "second recipient: both copies delivered"
pf_message "<second-6@acme.example>" >"$T/g6.eml"
tags "$T/g6.eml" authenticated "$AR_BOB_PASS" Acme "second recipient" 100005
pf_is "$(pf_header Subject <"$T/g6.eml")" "[Case #$CASE] copy" \
    "second recipient: Subject tagged"
pf_is "$(pf_body <"$T/g6.eml")" "PIN [PIN redacted]" "second recipient: redacted"

# --- 7. no support address: untouched but for our fields (the second
# wall: forged tags are removed from every message, the rest, PIN
# included, is delivered as sent) ---
cat >"$T/m7.eml" <<'EOF'
From: bob@acme.example
To: other@example.org
Subject: PIN 482913 for you
Date: Mon, 02 Nov 2026 10:30:00 +0000
X-Support-Auth: authenticated
Authentication-Results: mx.example.com; x-pin=pass
Message-ID: <out-7@acme.example>

My PIN is 482913.
EOF
send_get bob@acme.example other@example.org "$T/m7.eml" "<out-7@acme.example>" "$T/g7.eml"
pf_strip_received <"$T/g7.eml" >"$T/g7.stripped"
grep -v -e '^X-Support-Auth: ' -e '^Authentication-Results: mx' "$T/m7.eml" >"$T/m7.want"
pf_same_file "$T/g7.stripped" "$T/m7.want" \
    "out of scope: delivered as sent without the forged fields"

# --- 8. 20 MB from Bob, the PIN near the top: held whole, redacted ---
head -c 15000000 /dev/urandom >"$T/big.bin"
{
	cat <<'EOF'
From: Bob <bob@acme.example>
To: support@example.com
Subject: PBX log
Message-ID: <big-8@acme.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b0undary"

--b0undary
Content-Type: text/plain; charset=us-ascii

My PIN is 482913. The PBX log is attached.

--b0undary
Content-Type: application/octet-stream; name="pbx.log"
Content-Disposition: attachment; filename="pbx.log"
Content-Transfer-Encoding: base64

EOF
	base64 -w 76 "$T/big.bin"
	printf '\n--b0undary--\n'
} >"$T/m8.eml"
t0=$(date +%s)
send_get bob@acme.example support@example.com "$T/m8.eml" "<big-8@acme.example>" "$T/g8.eml"
t1=$(date +%s)
tags "$T/g8.eml" authenticated "$AR_BOB_PASS" Acme "20 MB" 100006
pf_is "$(pf_header Subject <"$T/g8.eml")" "[Case #$CASE] PBX log" "20 MB: Subject tagged"
cat >"$T/big.py" <<'EOF'
import email, hashlib, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for p in m.walk():
    if p.is_multipart():
        continue
    b = p.get_payload(decode=True)
    if p.get_content_type() == "text/plain":
        print(b.decode().strip())
    else:
        print(len(b), hashlib.sha256(b).hexdigest())
EOF
pf_is "$(python3 "$T/big.py" "$T/g8.eml")" "My PIN is [PIN redacted]. The PBX log is attached.
15000000 $(sha256sum <"$T/big.bin" | cut -d' ' -f1)" \
    "20 MB: text redacted, attachment identical (decoded size and sha256)"
pf_is "$(grep -c 482913 "$T/g8.eml")" 0 "20 MB: no PIN in the delivered message"
diag "20 MB message: $((t1 - t0)) s from submission to delivery"

# --- 9. 60 MB from Bob (over MaxMessageSize 50M): refused, 552 5.3.4 ---
{
	cat <<'EOF'
From: Bob <bob@acme.example>
To: support@example.com
Subject: full PBX backup
Message-ID: <huge-9@acme.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b0undary"

--b0undary
Content-Type: text/plain; charset=us-ascii

My PIN is 482913. The backup is attached.

--b0undary
Content-Type: application/octet-stream; name="backup.tar"
Content-Transfer-Encoding: base64

EOF
	head -c 45000000 /dev/urandom | base64 -w 76
	printf '\n--b0undary--\n'
} >"$T/m9.eml"
rm -f "$T/big.bin"
t0=$(date +%s)
pf_send bob@acme.example support@example.com "$T/m9.eml"
t1=$(date +%s)
if [ "$pf_rc" -ne 0 ]; then pass "60 MB: refused by Postfix"; else fail "60 MB: refused by Postfix"; fi
contains "$pf_out" "552 5.3.4 message too large for the support desk to check for a PIN" \
    "60 MB: the sender is told why (552 5.3.4), nothing delivered with its PIN"
diag "60 MB message: $((t1 - t0)) s from submission to refusal"
rm -f "$T/m8.eml" "$T/g8.eml" "$T/m9.eml" "$T/g9.eml"

# --- the daemon's side ---
log=$(cat "$T/pinmilter.log")
lacks "$log" "482913" "pinmilter never logged the PIN"
lacks "$log" "error" "pinmilter logged no error"
lacks "$log" "Sanitizer" "no sanitizer report (when built with one)"
pf_is "$(grep -c ' x-pin=' "$T/pinmilter.log")" 7 \
    "one verdict line per support message read (7), none for out-of-scope mail"
pf_is "$(grep -c 'rejected: message not held whole' "$T/pinmilter.log")" 1 \
    "the 60 MB message: one line, rejected"

# --- the notices: one, to Bob's address on file, through the fake Mailer ---
# The outbox worker wakes every few seconds: wait for it (30 s at most).
_n=300
while [ "$_n" -gt 0 ] && [ "$(ls "$T/notices" | wc -l)" -lt 1 ]; do
	sleep 0.1
	_n=$((_n - 1))
done
sleep 1		# a second one would be a failure: give it the chance
pf_is "$(for f in "$T"/notices/*; do
	awk '/^$/ { exit } /^(To|X-Support-Notice):/' "$f" | sort | tr '\n' ' '
	grep -o '^Subject: \[Case #[0-9]*\]' "$f"
done | sort)" "To: bob@acme.example X-Support-Notice: verification-request Subject: [Case #100001]" \
    "notices: a verification request (case 100001), to Bob"
pf_is "$("$PINCTL" -c "$CONF" outbox list | awk 'NR > 1 { print $3, $5, $8 }' | sort)" \
    "verification-request 100001 sent" "notices: marked sent in the outbox"
pf_is "$(cat "$T"/notices/* | grep -c 482913)" 0 "notices: no PIN in them"
