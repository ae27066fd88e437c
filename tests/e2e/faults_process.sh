#!/bin/sh
# tests/e2e/faults_process.sh - process faults under load, through a real
# Postfix: 20 concurrent SMTP sessions of mixed traffic (bob with his
# PIN, carol with a wrong one, a stranger with bob's PIN, mail that is
# not for support) from tests/e2e/faults_load.py, a python3 smtplib
# client that, like an MTA, sends a message answered 4xx again (the same
# bytes, up to 8 times, a second apart).  Meanwhile pinmilter is killed
# with SIGKILL twice (started again each time, as systemd would) and
# stopped with SIGSTOP for longer than Postfix's milter timeouts (set to
# 2, 3 and 4 s here), then continued.  One more message is held at the
# end of its DATA until pinmilter is stopped: Postfix answers it 451
# (milter timeout), its retry is decided once and delivered once.
#
# Checked: every message Postfix accepted (queue ids of its log) was
# delivered, with exactly one X-Support-Auth; no wrong PIN and no
# stranger authenticated; every right PIN authenticated; no PIN in any
# delivered file; a Message-ID delivered twice has one case; the faults
# did bite (tempfail replies seen, messages accepted after a retry, a
# milter timeout in Postfix's log) and every message was accepted in the
# end.  The figures are printed as "#" lines.  About a minute.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
command -v python3 >/dev/null 2>&1 || { skip "python3 missing"; exit 0; }
new_instance
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme &&
    echo 482913 | pinctl pin set bob@acme.example &&
    pinctl user add carol@acme.example --account Acme &&
    echo 975310 | pinctl pin set carol@acme.example ||
    { fail "database set up"; exit 1; }
conf_set DatabaseTimeout 10s
pm_start || { fail "pinmilter starts"; exit 1; }
PF_MAIN_EXTRA='milter_connect_timeout = 2s
milter_command_timeout = 3s
milter_content_timeout = 4s
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0'
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

SESSIONS=20 PER=12	# and one held message
python3 "$top_srcdir/tests/e2e/faults_load.py" send "$PF_PORT" "$T" \
    "$SESSIONS" "$PER" 0.4 &
LOAD=$!

# restart: as systemd does after a crash (Restart=on-failure)
pm_kill9() {
	kill -9 "$PM_PID"
	wait "$PM_PID" 2>/dev/null
	PM_PID=
	pm_start || fail "pinmilter starts again after SIGKILL"
}
sleep 1.5
pm_kill9
kills=1
sleep 2
pm_kill9
kills=2
# one message held at the end of its DATA: its body reaches pinmilter
# while it is stopped, Postfix gives up waiting for the reply (content
# timeout, 4 s) and answers 451; the end of the message never reaches
# pinmilter, so nothing of it is decided until the client's retry, which
# is decided once, with one case
# (started after the last restart: its session talks to the pinmilter
# that is then stopped)
python3 "$top_srcdir/tests/e2e/faults_load.py" held "$PF_PORT" "$T" &
HELD=$!
sleep 1.5
wait_ready=50
while [ ! -e "$T/ready" ] && [ "$wait_ready" -gt 0 ]; do sleep 0.1; wait_ready=$((wait_ready - 1)); done
kill -STOP "$PM_PID"
touch "$T/go"
sleep 6
kill -CONT "$PM_PID"
sleep 1
touch "$T/again"
wait "$LOAD"
is "$?" 0 "the load client ran to the end"
wait "$HELD"
cat "$T/held.tsv" >>"$T/sent.tsv"
is "$(cat "$T/held.first" 2>/dev/null)" 451 \
    "the message held while pinmilter was stopped: 451 (Postfix's milter timeout)"

accepted=$(awk -F'\t' '$4 == 250' "$T/sent.tsv" | wc -l | tr -d ' ')
pf_wait_delivered "$accepted" 60 || { fail "accepted messages delivered"; pf_log; }
postqueue -c "$PF/etc" -f >/dev/null 2>&1
sleep 1
python3 "$top_srcdir/tests/e2e/faults_load.py" check "$PF_SINK" "$T/sent.tsv" \
    >"$T/figures"
fig() { sed -n "s/^$1 //p" "$T/figures"; }

diag "figures: $(grep -v '^bad ' "$T/figures" | tr '\n' ' ')" \
    "SIGKILL $kills times, SIGSTOP 6 s once"
is "$(fig sent)" $((SESSIONS * PER + 1)) "every message was sent"
is "$(grep '^bad ' "$T/figures")" "" "no message breaks a rule"
is "$(fig accepted)" "$(fig sent)" "every message accepted in the end (after retries)"
is "$(fig delivered)" "$(fig accepted)" "every accepted message delivered"
is "$(fig false_auth)" 0 "no wrong PIN, no stranger authenticated"
is "$(fig right_not_auth)" 0 "every right PIN authenticated"
is "$(fig untagged)" 0 "every support message delivered with one X-Support-Auth"
[ "$(fig tempfail_replies)" -gt 0 ] && pass "the faults bit: $(fig tempfail_replies) tempfail replies or drops" ||
    fail "the faults bit: no tempfail reply seen"
[ "$(fig retried_ok)" -gt 0 ] && pass "$(fig retried_ok) messages accepted after a retry" ||
    fail "no message accepted after a retry"

# Postfix's own view: the queue ids its queue manager took are the ones
# it delivered, as many as the client saw accepted.
ML=$PF/log/maillog
qids=$(sed -n 's/.*postfix\/qmgr\[[0-9]*\]: \([0-9A-F]*\): from=<.*/\1/p' "$ML" | sort -u)
sent_ids=$(sed -n 's/.*postfix\/smtp\[[0-9]*\]: \([0-9A-F]*\): to=<.*status=sent.*/\1/p' "$ML" | sort -u)
is "$(printf '%s\n' "$qids" | grep -c .)" "$(fig accepted)" "Postfix queued as many messages as were accepted"
is "$sent_ids" "$qids" "every queue id Postfix took was delivered"
ntimeouts=$(grep -c 'milter.*\(timed out\|Connection timed out\|timeout\)' "$ML")
[ "$ntimeouts" -gt 0 ] && pass "Postfix logged $ntimeouts milter timeouts (SIGSTOP)" ||
    { fail "no milter timeout in Postfix's log"; pf_log 40; }

# pinmilter's view: no authentication of carol or eve, ever; repeats seen
is "$(grep -c 'from=<\(carol@acme.example\|eve@else.example\)> auth=authenticated' "$T/pinmilter.log")" 0 \
    "pinmilter never logged carol or eve authenticated"
nrep=$("$PINCTL" -c "$CONF" audit 2>/dev/null | grep -c 'message\.repeat')
diag "pinmilter log: $(grep -c ' auth=' "$T/pinmilter.log") decisions, $nrep audited repeats"
held_case=$(grep -l 'fp-held@load.test' -r "$PF_SINK" | head -n 1 |
    xargs sed -n 's/^X-Support-Case: //p')
is "$(grep -c "auth=authenticated .* case=$held_case " "$T/pinmilter.log")" 1 \
    "the held message: decided once, after the retry, one case ($held_case)"
is "$(grep -l 'fp-held@load.test' -r "$PF_SINK" | wc -l | tr -d ' ')" 1 \
    "the held message: delivered once"
ncases=$("$PINCTL" -c "$CONF" case list 2>/dev/null | grep -c '^[0-9]')
nsupport=$(awk -F'\t' '$2 != "out" && $4 == 250' "$T/sent.tsv" | wc -l | tr -d ' ')
diag "cases in the database: $ncases, support messages accepted: $nsupport"
# every copy of a message, first or repeated, has its first copy's case;
# a decision committed for a copy Postfix then tempfailed is the one the
# retry repeats: as many cases as support messages, no more
is "$ncases" "$nsupport" "one case per support message (repeats joined their first copy's case)"
