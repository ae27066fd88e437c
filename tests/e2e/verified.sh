#!/bin/sh
# tests/e2e/verified.sh - VerifiedRecipient through a real Postfix with
# pinmilter: an authenticated support message is delivered to the hidden
# address instead of the support address (the envelope the relay sees),
# every other verdict to the support address; a colleague in the same
# envelope keeps their copy; mail from outside for the hidden address,
# in any spelling, is refused with 550 5.7.1 and nothing is delivered.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
new_instance
conf_set VerifiedRecipient verified@example.com
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme &&
    echo 482913 | pinctl pin set bob@acme.example ||
    { fail "database set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

n=0
# one ID FROM TO BODY FILES: send, wait until the relay holds FILES more
# (one file per relayed transaction, every recipient in it)
one() {
	printf 'From: %s\nTo: support@example.com\nSubject: help\nDate: Mon, 02 Nov 2026 10:30:00 +0000\nMessage-ID: <%s@test>\n\n%s\n' \
	    "$2" "$1" "$4" >"$T/$1.eml"
	pf_send "$2" "$3" "$T/$1.eml"
	pf_is "$pf_rc" 0 "$1: accepted by Postfix"
	n=$((n + $5))
	pf_wait_delivered "$n" 60 || { fail "$1: delivered"; pf_log; return 1; }
}

one auth bob@acme.example support@example.com \
    "My PIN is 482913, what is my plan?" 1 &&
    pf_is "$(pf_rcpts '<auth@test>')" "verified@example.com" \
	"authenticated: delivered to the VerifiedRecipient only" &&
    pf_is "$(pf_message '<auth@test>' | pf_header X-Support-Auth)" \
	"authenticated" "authenticated: X-Support-Auth says so"

one vreq bob@acme.example support@example.com \
    "Please forward my calls to 555-0199." 1 &&
    pf_is "$(pf_rcpts '<vreq@test>')" "support@example.com" \
	"verification requested: delivered to the support address"

one unv mallory@evil.example support@example.com \
    "My PIN is 482913, what is my plan?" 1 &&
    pf_is "$(pf_rcpts '<unv@test>')" "support@example.com" \
	"a stranger with Bob's PIN: delivered to the support address"

one wrong bob@acme.example support@example.com \
    "My PIN is 111111, what is my plan?" 1 &&
    pf_is "$(pf_rcpts '<wrong@test>')" "support@example.com" \
	"a wrong PIN: delivered to the support address"

one cc bob@acme.example support@example.com,carol@example.org \
    "My PIN is 482913, please add a line." 1 &&
    pf_is "$(pf_rcpts '<cc@test>' | tr '\n' ' ')" \
	"carol@example.org verified@example.com " \
	"authenticated with a colleague in the envelope: she keeps her copy"

# outsiders writing to the hidden address, as written or disguised
for to in verified@example.com VERIFIED@Example.COM verified+x@example.com \
    '"verified"@example.com' support@example.com,verified@example.com; do
	id=out$(printf '%s' "$to" | tr -c 'a-zA-Z0-9' '_')
	printf 'From: mallory@evil.example\nTo: %s\nSubject: x\nMessage-ID: <%s@test>\n\nMy PIN is 482913.\n' \
	    "$to" "$id" >"$T/$id.eml"
	pf_send mallory@evil.example "$to" "$T/$id.eml"
	pf_contains "$pf_out" "550 5.7.1 this address takes only mail verified" \
	    "outsider to $to: refused with 550 5.7.1"
done
sleep 1
pf_is "$(pf_count)" "$n" "nothing of the refused messages was delivered"
pf_contains "$(cat "$T/pinmilter.log" 2>/dev/null)" \
    "delivered to the VerifiedRecipient instead of 1 support recipient(s)" \
    "pinmilter logs the route"
