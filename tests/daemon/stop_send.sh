#!/bin/sh
# tests/daemon/stop_send.sh - SIGTERM while the outbox worker is stuck in
# a send: a relay that takes the message and never answers the DATA, then
# a Mailer that never exits.  The daemon exits within 5 s (the reply wait
# is 30 s, the Mailer's 60 s), nothing is tried after "stopping", and the
# notice stays queued with no attempt counted: it is sent at the next
# start (at least once).
. "$top_srcdir/tests/lib.sh"

new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add "Acme" >/dev/null &&
    P user add bob@acme.example --account Acme >/dev/null &&
    printf '482913\n' | P pin set bob@acme.example >/dev/null
then
	pass "bob set up"
else
	fail "bob set up"
	exit 1
fi

# a lost-PIN request from bob queues a PIN delivery
printf 'From: Bob <bob@acme.example>\nTo: support@example.com\nSubject: Help\nMessage-ID: <m1@acme.example>\n\nI forgot my PIN, please send me a new one.\n' >"$T/m1.eml"
run "$PINMILTER" -c "$CONF" -t "$T/m1.eml"
expect_rc 0 "a lost-PIN request through -t"
# rows: "ATTEMPTS/STATE" of every notice
rows() { P outbox list | awk 'NR > 1 { print $6 "/" $8 }' | sort | uniq -c | tr -s ' ' | tr '\n' ';'; }
QUEUED=$(P outbox list | awk 'NR > 1' | wc -l)
if [ "$QUEUED" -ge 1 ]; then pass "notices queued ($QUEUED)"; else fail "notices queued"; fi
before=$(rows)
is "$before" " $QUEUED 0/queued;" "all queued, no attempt yet"

# after_stopping: the worker's log lines after "stopping"
after_stopping() {
	sed -n "/${STAMP}pinmilter: stopping\$/,\$p" "$T/milter.log" | grep 'outbox:'
}
now_ms() { date +%s%3N; }
# term_timed WHAT: SIGTERM and reap the daemon; checks that it exits
# within 2 s of logging "stopping" (libmilter's listener itself notices a
# stop only at its next 5-second tick, so the whole stop is bounded by
# 5 s + 2 s; the reply wait alone was 30 s, the Mailer's 60 s).
term_timed() {
	t0=$(now_ms)
	kill -TERM "$MPID"
	_i=0
	until grep -q "${STAMP}pinmilter: stopping\$" "$T/milter.log" || gone "$MPID"; do
		_i=$((_i + 1)); [ "$_i" -le 400 ] || break; sleep 0.05
	done
	t1=$(now_ms)
	stop_milter TERM
	t2=$(now_ms)
	is "$mrc" "0" "$1: SIGTERM: exit status 0"
	if [ $((t2 - t1)) -lt 2000 ]; then pass "$1: exits $((t2 - t1)) ms after \"stopping\" (< 2000)"
	else fail "$1: exits $((t2 - t1)) ms after \"stopping\" (< 2000)"; fi
	if [ $((t2 - t0)) -lt 7000 ]; then pass "$1: exits $((t2 - t0)) ms after SIGTERM (< 7000)"
	else fail "$1: exits $((t2 - t0)) ms after SIGTERM (< 7000)"; fi
}

# --- a relay that never answers the DATA ---
cat >"$T/relay.py" <<'PY'
import socket, sys, threading
log = open(sys.argv[2], "a", buffering=1)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(srv.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def serve(c):
    f = c.makefile("rb")
    c.sendall(b"220 stall.example ESMTP\r\n")
    log.write("connect\n")
    data = False
    for line in f:
        if data:
            if line in (b".\r\n", b".\n"):
                log.write("data-end\n")   # and never a reply
            continue
        cmd = line[:4].upper()
        if cmd == b"DATA":
            data = True
            c.sendall(b"354 go on\r\n")
        else:
            c.sendall(b"250 ok\r\n")
    log.write("closed\n")
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
python3 "$T/relay.py" "$T/relay.port" "$T/relay.log" &
RPID=$!
_relay_kill() { kill "$RPID" 2>/dev/null; }
at_exit _relay_kill
wait_for test -s "$T/relay.port" || fail "the fake relay listens"
conf_set SMTPRelay "127.0.0.1:$(cat "$T/relay.port")"

start_milter || { fail "daemon started"; diag "$(cat "$T/milter.log")"; }
if wait_for grep -q data-end "$T/relay.log"; then
	pass "the relay got the message and does not answer"
else
	fail "the relay got the message"; diag "$(cat "$T/milter.log")"
fi
sleep 0.5
term_timed relay
is "$(grep -c connect "$T/relay.log")" "1" "relay: one connection, none after the stop"
grep -q closed "$T/relay.log" && pass "relay: the connection was closed" ||
    fail "relay: the connection was closed"
is "$(after_stopping | grep -c 'attempt\| sent$\|given up')" "0" \
    "relay: no attempt, sending or giving up after \"stopping\""
contains "$(after_stopping)" "interrupted: pinmilter is stopping; not counted" \
    "relay: the interrupted send is logged as not counted"
is "$(rows)" "$before" "relay: every notice still queued, no attempt counted"

# --- a Mailer that never exits ---
grep -v '^SMTPRelay' "$CONF" >"$CONF.new" && mv "$CONF.new" "$CONF"
cat >"$T/inst/hang" <<HANG
#!/bin/sh
cat >/dev/null
echo \$\$ >"$T/hang.pid"
exec sleep 60
HANG
chmod 755 "$T/inst/hang"
conf_set Mailer "$T/inst/hang -t -i"
start_milter || { fail "daemon started"; diag "$(cat "$T/milter.log")"; }
if wait_for test -s "$T/hang.pid"; then
	pass "the Mailer runs and hangs"
else
	fail "the Mailer runs"; diag "$(cat "$T/milter.log")"
fi
HPID=$(cat "$T/hang.pid")
term_timed Mailer
if gone "$HPID"; then pass "Mailer: the hanging program was killed"; else
	fail "Mailer: the hanging program was killed"; kill -KILL "$HPID"; fi
is "$(after_stopping | grep -c 'attempt\| sent$\|given up')" "0" \
    "Mailer: no attempt, sending or giving up after \"stopping\""
contains "$(after_stopping)" "not counted, due again at the next start" \
    "Mailer: the interrupted send is logged as not counted"
is "$(rows)" "$before" "Mailer: every notice still queued, no attempt counted"

# --- the next start sends them (at least once) ---
conf_set Mailer "$T/inst/mailer -t -i"
start_milter || fail "daemon started"
if wait_for sh -c "[ \$(ls '$T/inst/notices' | wc -l) -ge $QUEUED ]"; then
	pass "the next start sends every notice"
else
	fail "the next start sends every notice"; diag "$(cat "$T/milter.log")"
fi
stop_milter TERM
is "$(rows)" " $QUEUED 1/sent;" "each sent on its first counted attempt"
