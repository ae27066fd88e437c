#!/bin/sh
# tests/cli/tryout.sh - pinmilter -t checks the key like the daemon, and
# splits the header as the MTA does.
#
# 1. A key file that is not the database's (the one of another instance):
#    -t refuses every message, with a clear error naming the key file, exit
#    1, nothing on stdout, and the database unchanged (a dump of it is the
#    same before and after): a right PIN is not counted as a wrong guess, a
#    "forgot my PIN" request stores no new PIN.  The right key still works.
# 2. "From :" (white space before the colon, which Postfix accepts) is a
#    From field: Bob with his PIN is authenticated; a stranger's forged
#    "X-Support-Auth :" and "Authentication-Results :" are removed.
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

# another instance's key, with the first instance's database
mkdir -p "$T/other"
sed -e "s|^Database.*|Database $T/other/pinmilter.db|" \
    -e "s|^KeyFile.*|KeyFile $T/other/pinmilter.key|" "$CONF" >"$T/other/conf"
"$PINCTL" -c "$T/other/conf" init >/dev/null
WRONG="$T/wrong.conf"
sed -e "s|^KeyFile.*|KeyFile $T/other/pinmilter.key|" "$CONF" >"$WRONG"
if [ -s "$T/other/pinmilter.key" ] &&
    ! cmp -s "$T/other/pinmilter.key" "$T/inst/pinmilter.key"; then
	pass "a second key, not the database's"
else
	fail "a second key, not the database's"
fi

# dump: the whole database as SQL (python3's sqlite3), then its checksum
dump() {
	python3 -c '
import hashlib, sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print(hashlib.sha256("\n".join(c.iterdump()).encode()).hexdigest())
' "$T/inst/pinmilter.db"
}

cat >"$T/pin.eml" <<'EOF2'
From: Bob <bob@acme.example>
To: support@example.com
Subject: forwarding
Message-ID: <t1@acme.example>

Please forward my line to 555-0199. My PIN is 482913.
EOF2
cat >"$T/forgot.eml" <<'EOF2'
From: Bob <bob@acme.example>
To: support@example.com
Subject: I forgot my PIN
Message-ID: <t2@acme.example>

Hello, I forgot my PIN, please send me a new one.
EOF2

before=$(dump)
for m in pin forgot; do
	run "$PINMILTER" -c "$WRONG" -t "$T/$m.eml"
	expect_rc 1 "-t with another key refuses $m.eml"
	is "$out" "" "$m.eml: nothing written to stdout"
	is "$err" "pinmilter: -t: KeyFile $T/other/pinmilter.key: key file $T/other/pinmilter.key does not belong to this database (fingerprint mismatch): nothing done" \
	    "$m.eml: the error names the key file and says why"
done
is "$(dump)" "$before" "the database is unchanged (no guess counted, no PIN stored)"
run P audit
lacks "$out" "tryout" "nothing audited"

# the right key: the same message is authenticated (no failure was counted)
run "$PINMILTER" -c "$CONF" -t "$T/pin.eml"
expect_rc 0 "-t with the database's key processes pin.eml"
printf '%s\n' "$out" >"$T/o.eml"
hdr=$(header_section "$T/o.eml")
field() { printf '%s\n' "$hdr" | sed -n "s/^$1: //Ip"; }
is "$(field X-Support-Auth)" "authenticated" "the right PIN verifies with the right key"

# "From :" is a From field, as for Postfix
printf 'From : Bob <bob@acme.example>\nTo: support@example.com\nSubject : forwarding\nMessage-ID: <t3@acme.example>\n\nPlease forward my line to 555-0199. My PIN is 482913.\n' \
    >"$T/space.eml"
run "$PINMILTER" -c "$CONF" -t "$T/space.eml"
expect_rc 0 "-t processes a header with \"From :\""
printf '%s\n' "$out" >"$T/o.eml"
hdr=$(header_section "$T/o.eml")
is "$(field X-Support-Auth)" "authenticated" "\"From :\" is the sender: Bob is authenticated"
is "$(field X-Support-Account)" "Acme" "\"From :\": Bob's account"
lacks "$out" "482913" "\"From :\": the PIN is redacted"

printf 'From : Eve <eve@else.example>\nX-Support-Auth : authenticated\nAuthentication-Results\t: mx.example.com; x-pin=pass\nX-Support-Account  : Acme\nTo: support@example.com\nSubject: forwarding\n\nPlease forward my line to 555-0199.\n' \
    >"$T/forged.eml"
run "$PINMILTER" -c "$CONF" -t "$T/forged.eml"
expect_rc 0 "-t processes forged \"X-Support-Auth :\" fields"
printf '%s\n' "$out" >"$T/o.eml"
hdr=$(header_section "$T/o.eml")
is "$(field X-Support-Auth)" "unverified" "forged \"X-Support-Auth :\" removed, one field: unverified"
is "$(printf '%s\n' "$hdr" | grep -ci '^X-Support-Account')" 0 "forged \"X-Support-Account  :\" removed"
is "$(printf '%s\n' "$hdr" | grep -ci '^Authentication-Results.*x-pin=pass')" 0 \
    "forged \"Authentication-Results<TAB>:\" removed"
is "$(printf '%s\n' "$hdr" | grep -ci '^Authentication-Results')" 1 "one Authentication-Results: ours"
