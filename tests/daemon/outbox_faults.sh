#!/bin/sh
# tests/daemon/outbox_faults.sh - the outbox when things break, through
# the daemon: at-least-once delivery with a bounded number of copies.
#
#  1. pinmilter killed (SIGKILL) while the Mailer, which has already
#     delivered the notice, has not exited: after the restart the notice
#     is sent again (it was claimed, not marked): two copies, never more.
#  2. killed like that at every start (a crash loop) with
#     OutboxMaxAttempts 3: three copies, then given up ("the last attempt
#     was interrupted"), never a fourth.
#  3. a relay (a python3 fake, tests/daemon/outbox_faults.sh's relay.py)
#     that drops the connection in the middle of the DATA, then refuses
#     the MAIL with 451, then accepts: the notice is retried and sent
#     once, on attempt 3; the log names each failure.
#  4. the database made read-only (chattr +i, as root; mode 0400 as
#     another user): nothing is handed to the Mailer (the claim cannot be
#     written), one error line; writable again: sent once.
# The Mailer hanging, crashing (signal 9), exiting non-zero, the relay
# refusing or stalling are table-tested in tests/unit/test_mailer.c.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { skip "python3 missing"; exit 0; }
new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"
P() { "$PINCTL" -c "$CONF" "$@"; }

# setup N: a fresh instance whose bob asks for his PIN (-t): one
# pin-delivery notice queued.  OutboxRetry 1s: a claim's lease is 1 s.
setup() {
	rm -rf "$T/inst"
	new_instance
	conf_set OutboxRetry 1s
	P account add Acme >/dev/null &&
	    P user add bob@acme.example --account Acme >/dev/null &&
	    printf '482913\n' | P pin set bob@acme.example >/dev/null ||
	    { fail "$1: set up"; return 1; }
	printf 'From: Bob <bob@acme.example>\nTo: support@example.com\nSubject: Help\nMessage-ID: <m-%s@acme.example>\n\nI forgot my PIN, please send me a new one.\n' "$1" >"$T/m.eml"
	run "$PINMILTER" -c "$CONF" -t "$T/m.eml"
	is "$rc/$(P outbox list | awk 'NR > 1' | wc -l | tr -d ' ')" "0/1" \
	    "$1: one notice queued"
}
# state: "ATTEMPTS/STATE" of the one notice
state() { P outbox list | awk 'NR > 1 { print $6 "/" $8 }'; }
copies() { find "$T/got" -type f 2>/dev/null | wc -l | tr -d ' '; }
LOGS=$T/all.log
: >"$LOGS"
keep_log() { cat "$T/milter.log" >>"$LOGS"; }

# A Mailer that delivers (a copy in $T/got), then does not exit until
# killed: pinmilter waits for its status when it is killed itself.
mkdir -p "$T/got"
cat >"$T/hang-mailer" <<EOF
#!/bin/sh
cat >"$T/got/n.\$\$"
echo \$\$ >"$T/mailer.pid"
exec sleep 60
EOF
chmod 755 "$T/hang-mailer"
cat >"$T/ok-mailer" <<EOF
#!/bin/sh
cat >"$T/got/n.\$\$"
EOF
chmod 755 "$T/ok-mailer"

# kill_mid_send WHAT: start, wait for the Mailer to hold the notice, SIGKILL
# the daemon, end the Mailer.
kill_mid_send() {
	rm -f "$T/mailer.pid"
	start_milter || { fail "$1: daemon started"; return 1; }
	if ! wait_for test -s "$T/mailer.pid"; then
		stop_milter KILL
		keep_log
		return 1
	fi
	stop_milter KILL 2>/dev/null
	kill -9 "$(cat "$T/mailer.pid")" 2>/dev/null
	keep_log
	return 0
}

# ---- 1. killed once in the middle of a send ----
setup once
rm -f "$T/got"/*
conf_set Mailer "$T/hang-mailer -t -i"
kill_mid_send once && pass "once: the Mailer delivered, pinmilter killed before it exited" ||
    fail "once: the Mailer ran"
is "$(state)" "1/queued" "once: the notice claimed (1 attempt), still queued"
sleep 1
conf_set Mailer "$T/ok-mailer -t -i"
start_milter || fail "once: daemon started again"
wait_for sh -c "[ \"\$(ls '$T/got' | wc -l)\" -ge 2 ]"
sleep 1
stop_milter TERM
keep_log
is "$(copies)" 2 "once: sent again after the restart: 2 copies (at least once, at most twice)"
is "$(state)" "2/sent" "once: sent on its second attempt"
ONCE=$(copies)

# ---- 2. a crash loop: killed in every send ----
setup loop
rm -f "$T/got"/*
conf_set OutboxMaxAttempts 3
conf_set Mailer "$T/hang-mailer -t -i"
kills=0
for i in 1 2 3 4 5; do
	# due again when the lease (1, 2, 4 s) ends
	kill_mid_send loop || break
	kills=$((kills + 1))
	sleep $((1 << (kills - 1)))
done
is "$kills" 3 "loop: the Mailer was started 3 times (OutboxMaxAttempts), killed each time"
is "$(copies)" 3 "loop: 3 copies, never more"
is "$(state)" "3/dead" "loop: given up after 3 attempts"
is "$(grep -c 'given up after 3 attempts (the last one interrupted)' "$LOGS")" 1 \
    "loop: logged once: the last attempt was interrupted"
LOOP=$(copies)

# ---- 3. a relay that drops the DATA, then refuses, then accepts ----
setup relay
rm -f "$T/got"/*
cat >"$T/relay.py" <<'PY'
import socket, sys
log = open(sys.argv[2], "a", buffering=1)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(srv.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
n = 0
while True:
    c, _ = srv.accept()
    n += 1
    f = c.makefile("rb")
    c.sendall(b"220 fake ESMTP\r\n")
    data = False
    for line in f:
        if data:
            if n == 1 and line.startswith(b"Subject:"):
                log.write("dropped\n")
                break                       # mid-DATA: close
            if line in (b".\r\n", b".\n"):
                log.write("accepted\n")
                c.sendall(b"250 queued\r\n")
                data = False
            continue
        cmd = line[:4].upper()
        if cmd == b"MAIL" and n == 2:
            log.write("refused\n")
            c.sendall(b"451 4.3.0 try later\r\n")
        elif cmd == b"DATA":
            data = True
            c.sendall(b"354 go on\r\n")
        elif cmd == b"QUIT":
            c.sendall(b"221 bye\r\n")
            break
        else:
            c.sendall(b"250 ok\r\n")
    f.close()
    c.shutdown(socket.SHUT_RDWR)
    c.close()
PY
python3 "$T/relay.py" "$T/relay.port" "$T/relay.log" &
RPID=$!
_relay_kill() { kill "$RPID" 2>/dev/null; }
at_exit _relay_kill
wait_for test -s "$T/relay.port" || fail "relay: the fake relay listens"
conf_set SMTPRelay "127.0.0.1:$(cat "$T/relay.port")"
start_milter || fail "relay: daemon started"
wait_for grep -q accepted "$T/relay.log" ||
    wait_for grep -q accepted "$T/relay.log"
sleep 0.5
stop_milter TERM
keep_log
is "$(tr '\n' ' ' <"$T/relay.log")" "dropped refused accepted " \
    "relay: dropped mid-DATA, refused, then accepted once"
is "$(state)" "3/sent" "relay: sent on attempt 3"
contains "$(cat "$T/milter.log")" "connection closed by the relay; attempt 1 of 10" \
    "relay: the drop is logged as attempt 1"
contains "$(cat "$T/milter.log")" "451 4.3.0 try later; attempt 2 of 10" \
    "relay: the refusal is logged as attempt 2"
RELAY=$(grep -c accepted "$T/relay.log")

# ---- 4. the database read-only: nothing sent, then sent once ----
setup readonly
rm -f "$T/got"/*
conf_set Mailer "$T/ok-mailer -t -i"
DB=$T/inst/pinmilter.db
if ! chattr +i "$DB" 2>/dev/null; then
	skip "readonly: chattr +i not supported here"
else
	start_milter || fail "readonly: daemon started"
	sleep 6		# a start round and an idle round
	is "$(copies)" 0 "readonly: nothing handed to the Mailer"
	is "$(grep -c 'error: outbox: notice 1: cannot claim it: database .* is read-only' "$T/milter.log")" 1 \
	    "readonly: one error line, not one a round"
	chattr -i "$DB"
	wait_for sh -c "[ \"\$(ls '$T/got' | wc -l)\" -ge 1 ]"
	sleep 6
	stop_milter TERM
	keep_log
	is "$(copies)" 1 "readonly: writable again: sent once"
	is "$(state)" "1/sent" "readonly: on its first counted attempt"
	is "$(grep -c 'outbox: database: working again after' "$T/milter.log")" 1 \
	    "readonly: the recovery is logged once"
fi
diag "figures: killed once mid-send: $ONCE copies (bound 2);" \
    "crash loop, OutboxMaxAttempts 3: $LOOP copies (bound 3), then dead;" \
    "relay dropped DATA + refused: $RELAY copy accepted;" \
    "read-only database: $(copies) copy after it cleared"
