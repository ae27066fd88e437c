#!/bin/sh
# tests/cli/cross_account.sh - a token of another account's case never
# threads, through `pinmilter -t`: a Globex user who puts an Acme case's
# signed notice token in In-Reply-To, with her own valid PIN, gets a new
# case of her own account (X-Support-Case), is authenticated in it only,
# and the Acme case keeps its state and gets no notice.  The token is
# made here from the instance key as pinmilter makes it (keyed BLAKE2b,
# base32), so the test does not depend on a notice being sent.
. "$top_srcdir/tests/lib.sh"

new_instance
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add "Acme" >/dev/null && P account add "Globex" >/dev/null &&
    P user add bob@acme.example --account Acme >/dev/null &&
    P user add gina@globex.example --account Globex >/dev/null &&
    printf '482913\n' | P pin set bob@acme.example >/dev/null &&
    printf '246802\n' | P pin set gina@globex.example >/dev/null
then
	pass "users set up"
else
	fail "users set up"
	exit 1
fi

# token N: a valid notice Message-ID token for case N under the key.
token() {
	python3 - "$T/inst/pinmilter.key" "$1" <<'PY'
import base64, hashlib, struct, sys
key = open(sys.argv[1], 'rb').read()
msg = ("%s.0123456789abcdef" % sys.argv[2]).encode()
h = hashlib.blake2b(key=key, digest_size=32)
h.update(b"pinmilter-mac-v1" + struct.pack("<Q", 5) + b"msgid" + msg)
mac = base64.b32encode(h.digest()).decode().lower().rstrip("=")
print("<pm-%s.0123456789abcdef.%s@example.com>" % (sys.argv[2], mac))
PY
}

# one FILE: run it through pinmilter -t; $hdr holds the header section
one() {
	run "$PINMILTER" -c "$CONF" -t "$1"
	expect_rc 0 "$(basename "$1"): processed"
	printf '%s\n' "$out" >"$T/o.eml"
	hdr=$(header_section "$T/o.eml")
}
field() { printf '%s\n' "$hdr" | sed -n "s/^$1: //Ip"; }
state() { P case show "$1" | sed -n 's/^state: //p'; }
notices_about() { P outbox list | awk -v c="$1" 'NR > 1 && $5 == c' | wc -l; }

cat >"$T/m1.eml" <<'EOF'
From: Bob <bob@acme.example>
To: support@example.com
Subject: Call forwarding tonight
Message-ID: <m1@acme.example>

Could you please forward all calls from the main number to 555-0199?
EOF
one "$T/m1.eml"
is "$(field X-Support-Case)" "100000" "bob: case 100000"
is "$(state 100000)" "verification-requested" "bob's case awaits his PIN"
is "$(notices_about 100000)" "1" "one notice about bob's case"

TOK=$(token 100000)
# the token is one pinmilter accepts: bob's own reply threads by it
cat >"$T/m2.eml" <<EOF
From: Bob <bob@acme.example>
To: support@example.com
Subject: Re: hello
Message-ID: <m2@acme.example>
In-Reply-To: $TOK

Thanks.
EOF
one "$T/m2.eml"
is "$(field X-Support-Case)" "100000" "bob's reply by the token: case 100000"

cat >"$T/m3.eml" <<EOF
From: Gina <gina@globex.example>
To: support@example.com
Subject: Re: hello
Message-ID: <m3@globex.example>
In-Reply-To: $TOK
References: $TOK

PIN 246802
Please cancel the forwarding on line 2.
EOF
one "$T/m3.eml"
is "$(field X-Support-Case)" "100001" \
    "gina with acme's token: a new case of her own, not 100000"
is "$(field X-Support-Auth)" "authenticated" "gina: her own PIN, her own case"
is "$(state 100000)" "verification-requested" "bob's case: state unchanged"
is "$(notices_about 100000)" "1" "no notice about bob's case"
P case show 100001 >"$T/c.txt"
contains "$(cat "$T/c.txt")" "gina@globex.example" "case 100001: gina's"
contains "$(cat "$T/c.txt")" "Globex" "case 100001: of Globex"
is "$(P audit --user gina@globex.example | grep -c 'case.token-refused')" "1" \
    "audit: the token refused"
lacks "$(cat "$T/o.eml")" "246802" "gina's PIN redacted"

# without a PIN, asking for a change: still her own case, no notice about 100000
sed -e 's/^PIN 246802$//' -e 's/<m3@/<m4@/' "$T/m3.eml" >"$T/m4.eml"
one "$T/m4.eml"
is "$(field X-Support-Case)" "100002" "gina without PIN: another case of hers"
is "$(state 100000)" "verification-requested" "bob's case: still unchanged"
is "$(notices_about 100000)" "1" "still no notice about bob's case"
is "$(notices_about 100002)" "1" "the verification request names her case"

