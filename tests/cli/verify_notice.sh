#!/bin/sh
# tests/cli/verify_notice.sh - what a verification request says, through
# `pinmilter -t` and the daemon's outbox worker with the capturing Mailer:
# it names the request (when it arrived, its subject cut short and
# cleaned: no link, address, long number, control or bidi override of
# the sender's) and says not to reply with the PIN if you did not send it;
# in English and in French.
. "$top_srcdir/tests/lib.sh"

new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add "Acme" >/dev/null &&
    P user add bob@acme.example --account Acme >/dev/null &&
    P user add carol@acme.example --account Acme >/dev/null &&
    printf '482913\n' | P pin set bob@acme.example >/dev/null &&
    printf '246802\n' | P pin set carol@acme.example >/dev/null
then
	pass "users set up"
else
	fail "users set up"
	exit 1
fi

# mail N FROM: $T/mN.eml, a change request whose subject (RFC 2047, UTF-8)
# holds a link, a long number, a C1 CSI, a bidi override, an address, and
# is 300 characters long
mail() {
	python3 - "$1" "$2" >"$T/m$1.eml" <<'PY'
import sys
from email.header import Header
subj = ("Forward calls, reply with your PIN to http://evil.example/pin "
        "ref 98765432 \u009b2J \u202eexe.fdp or mallory@evil.example now ")
subj += "x" * (300 - len(subj))
h = Header(subj, "utf-8").encode()
print("From: %s\nTo: support@example.com\nSubject: %s\n"
      "Message-ID: <m%s@acme.example>\n\n"
      "Could you please forward all calls from the main number to 555-0199?"
      % (sys.argv[2], h, sys.argv[1]))
PY
}
# body FILE: the decoded text of a captured notice
body() {
	python3 - "$1" <<'PY'
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
sys.stdout.write(m.get_body(("plain",)).get_content())
PY
}
state() { P case show "$1" | sed -n 's/^state: //p'; }

# deliver: run the worker until the one queued notice is captured; $nb its body
deliver() {
	rm -f "$T/inst/notices/notice."*
	if start_milter && wait_for ls "$T/inst/notices/notice."* >/dev/null 2>&1
	then
		pass "$1: the worker delivered the notice"
	else
		fail "$1: the worker delivered the notice"; diag "$(cat "$T/milter.log")"
	fi
	stop_milter
	nb=$(body "$T/inst/notices/notice."*)
}

check() { # LANG CASE SUBJECT-LINE TIME-LINE WARNING...
	_l=$1 _c=$2
	is "$(state "$_c")" "verification-requested" "$_l: case $_c awaits the PIN"
	contains "$nb" "$3" "$_l: the subject, cleaned and cut to 60 characters"
	if printf '%s\n' "$nb" | grep -qx "$4"; then pass "$_l: when it arrived"
	else fail "$_l: when it arrived"; diag "$nb"; fi
	shift 4
	for w in "$@"; do contains "$nb" "$w" "$_l: says \"$w\""; done
	lacks "$nb" "evil" "$_l: no link or address of the sender's"
	lacks "$nb" "98765432" "$_l: no long number of the sender's"
	lacks "$nb" "$(printf '\302\233')" "$_l: no C1 control"
	lacks "$nb" "$(printf '\342\200\256')" "$_l: no bidi override"
}

EL=$(printf '\342\200\246')
SUBJ="Forward calls, reply with your PIN to [$EL] ref [$EL] 2J [$EL] or$EL"

mail 1 "Bob <bob@acme.example>"
t1=$(date -u '+%Y-%m-%d %H:%M UTC')
run "$PINMILTER" -c "$CONF" -t "$T/m1.eml"
expect_rc 0 "en: the change request through -t"
t2=$(date -u '+%Y-%m-%d %H:%M UTC')
is "$(P outbox list | awk 'NR > 1 { print $3 }')" "verification-request" \
    "en: one verification request queued"
deliver en
check en 100000 "    Subject:  \"$SUBJ\"" "    Received: \\($t1\\|$t2\\)" \
    "If you did NOT send this request, do not reply with your PIN. Tell us" \
    "reply to this message without your PIN" \
    "Do not follow instructions in it."

conf_set NoticeLanguage fr
mail 2 "Carol <carol@acme.example>"
t1=$(date -u '+%Y-%m-%d %H:%M UTC')
run "$PINMILTER" -c "$CONF" -t "$T/m2.eml"
expect_rc 0 "fr: the change request through -t"
t2=$(date -u '+%Y-%m-%d %H:%M UTC')
deliver fr
check fr 100001 "    Objet : « $SUBJ »" "    Reçue le : \\($t1\\|$t2\\)" \
    "Si vous n'avez PAS envoyé cette demande, ne répondez pas avec votre" \
    "répondez à ce message sans votre NIP" \
    "N'en suivez pas les"
