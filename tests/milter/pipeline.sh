#!/bin/sh
# tests/milter/pipeline.sh - the whole message pipeline through the milter
# protocol, driven by miltertest: tags, forged-header removal, redaction,
# scope, and what happens when the database cannot be used.
#
# 1. One pinmilter on a database with account Acme, bob@acme.example
#    (PIN 482913): every tests/milter/t-pipeline-*.lua except the
#    t-pipeline-db-*.lua ones.
# 2. DatabaseTimeout 1s and the database held by another writer
#    (BEGIN EXCLUSIVE in python3): t-pipeline-db-tempfail.lua with the
#    default OnInternalError tempfail, t-pipeline-db-accept.lua with
#    OnInternalError accept; then the database file removed.  With
#    OnInternalError accept, also t-eoh-fail.lua: a failure before end of
#    headers is a TEMPFAIL, never an ACCEPT of forged tags.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"

if [ -z "$MILTERTEST" ]; then
	skip "miltertest is not installed"
	exit 0
fi
PLIB="$top_srcdir/tests/milter/pipeline-lib.lua"

# Notices (case created, verification request) go to a fake Mailer that
# keeps each one in $T/notices, never to the system's sendmail.
mkdir -p "$T/notices"
printf '#!/bin/sh\ncat >"%s/notices/n.$$"\n' "$T" >"$T/mailer"
chmod 755 "$T/mailer"
conf_set Mailer "$T/mailer -t -i"

pinctl() { "$PINCTL" -c "$CONF" "$@"; }
run pinctl account add Acme
expect_rc 0 "account Acme added"
run pinctl user add bob@acme.example --account Acme --name "Bob"
expect_rc 0 "bob@acme.example added"
run_in "482913" pinctl pin set bob@acme.example
expect_rc 0 "Bob's PIN set"
run pinctl user add carol@acme.example --account Acme
expect_rc 0 "carol@acme.example added"
run_in "135790" pinctl pin set carol@acme.example
expect_rc 0 "Carol's PIN set"

# lua SCRIPT [NAME=VALUE...]: run one script against $SOCK, one TAP line.
lua() {
	_s=$1
	shift
	_defs=
	for _d in "$@"; do _defs="$_defs -D $_d"; done
	# shellcheck disable=SC2086
	run "$MILTERTEST" -D "socket=unix:$SOCK" -D "common=$COMMON_LUA" \
	    -D "plib=$PLIB" $_defs -s "$top_srcdir/tests/milter/$_s"
	if [ "$rc" -eq 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL'; then
		pass "$_s"
	else
		fail "$_s: miltertest exit $rc"
		diag "$out" "$err" "--- pinmilter ---" "$(tail -n 15 "$T/milter.log")"
	fi
}

# --- 1. a working database ---
start_milter
if [ "$?" -eq 0 ] && [ -S "$SOCK" ]; then pass "pinmilter listens on $SOCK"; else
	fail "pinmilter listens on $SOCK"; diag "$(cat "$T/milter.log")"; exit 1
fi
for f in "$top_srcdir"/tests/milter/t-pipeline-*.lua; do
	case "$f" in */t-pipeline-db-*) continue ;; esac
	lua "$(basename "$f")"
done
# Notices: only ever to the known users' addresses on file, never a PIN
# of theirs in them (Q-FAIL-1 asked Bob to verify).
_notices() { [ -n "$(ls "$T/notices")" ]; }
wait_for _notices
got=$(cat "$T"/notices/* 2>/dev/null | sed -n 's/^To: *//p' | sort -u | tr '\n' ' ')
is "$(echo "$got" | grep -c -v -E '^((bob|carol)@acme\.example )+$')" 0 \
    "notices went only to bob@ and carol@acme.example ($got)"
lacks "$(cat "$T"/notices/* 2>/dev/null)" "482913" "no notice holds Bob's PIN"
stop_milter TERM
is "$mrc" 0 "SIGTERM stops pinmilter with status 0"

# One info line per in-scope message, none for out-of-scope mail, no PIN.
log=$(cat "$T/milter.log")
got=$(sed -n "s/${STAMP}pinmilter: \(Q-[A-Z0-9-]*\): from=.*/\1/p" "$T/milter.log" |
    sort | tr '\n' ' ')
want="Q-FAIL-1 Q-FAIL-2 Q-FAIL-3 Q-FAIL-C1 Q-FAIL-C2 Q-FAIL-C3 Q-FAIL-C4"
want="$want Q-FAIL-C5 Q-FAIL-C6 Q-FORGED-1 Q-FORGED-2 Q-FORGED-3 Q-PASS-1"
want="$want Q-PASS-2 Q-PASS-3"
for i in 1 10 11 12 13 2 3 4 5 6 7 8 9 MACRO; do
	want="$want Q-RCPTFORM-$i"
done
want="$want Q-SCOPE-IN-1 Q-SCOPE-IN-2 Q-STRANGER-1"
want="$want Q-STRANGER-2 Q-STRANGER-3 Q-STRANGER-4 "
is "$got" "$want" "one log line for each in-scope message"
for i in 1 2 3; do
	contains "$log" "pinmilter: Q-SCOPE-OUT-$i: not for a support address: 4 field(s) claiming pinmilter's tags removed" \
	    "out of scope with our fields: the removal is logged (Q-SCOPE-OUT-$i)"
done
contains "$log" 'pinmilter: Q-PASS-1: from=<bob@acme.example> auth=authenticated x-pin=pass reason="PIN verified" case=' \
    "the log line of a pass"
lacks "$log" "Q-SCOPE-OUT-4" "out-of-scope mail without our fields logs nothing"
lacks "$log" "482913" "Bob's PIN is never logged"
lacks "$log" "135790" "Carol's PIN is never logged"
lacks "$log" "error" "no error logged"
lacks "$log" "Sanitizer" "no sanitizer report (when built with one)"
if command -v python3 >/dev/null 2>&1; then
	run python3 -c '
import sqlite3, sys
dump = "\n".join(sqlite3.connect(sys.argv[1]).iterdump())
print(len(dump) > 1000, "482913" in dump or "135790" in dump)' "$T/inst/pinmilter.db"
	is "$out" "True False" "no PIN in a dump of the database (audit rows included)"
	[ "$out" = "True False" ] || diag "$(python3 -c '
import sqlite3, sys
for l in sqlite3.connect(sys.argv[1]).iterdump():
    if "482913" in l or "135790" in l: print(l[:300])' "$T/inst/pinmilter.db")"
else
	skip "database dump: python3 missing"
fi

# --- 2. the database unusable ---
# lock_db / unlock_db: another connection holds the write lock (python3's
# sqlite3, BEGIN EXCLUSIVE) until unlock_db, 60 s at most.
LOCKER=
lock_db() {
	rm -f "$T/locked" "$T/unlock"
	python3 -c '
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
end = time.time() + 60
while not os.path.exists(sys.argv[3]) and time.time() < end:
    time.sleep(0.05)
c.execute("ROLLBACK")
' "$T/inst/pinmilter.db" "$T/locked" "$T/unlock" 2>"$T/locker.err" &
	LOCKER=$!
	wait_for test -e "$T/locked"
}
unlock_db() {
	[ -n "$LOCKER" ] || return 0
	: >"$T/unlock"
	wait "$LOCKER"
	LOCKER=
}
_unlock_kill() { [ -z "$LOCKER" ] || kill "$LOCKER" 2>/dev/null; }
at_exit _unlock_kill

if ! command -v python3 >/dev/null 2>&1; then
	skip "database lock tests: python3 missing"
	exit 0
fi
BASE=$CONF
CONF="$T/inst/timeout.conf"
{ cat "$BASE"; echo "DatabaseTimeout 1s"; } >"$CONF"

up() {	# up DESCRIPTION: pinmilter came up on $SOCK, or stop here
	if [ "$1" -eq 0 ] && [ -S "$SOCK" ]; then pass "$2"; else
		fail "$2"; diag "$(cat "$T/milter.log")"; exit 1
	fi
}
start_milter
up $? "pinmilter (DatabaseTimeout 1s) listens"
if lock_db; then pass "database locked by another writer"; else
	fail "database locked by another writer"; diag "$(cat "$T/locker.err")"
fi
t0=$(date +%s)
lua t-pipeline-db-tempfail.lua
t1=$(date +%s)
is "$(( t1 - t0 <= 8 ))" 1 "tempfail within DatabaseTimeout, not later (took $((t1 - t0)) s)"
unlock_db
lua t-pipeline-pass.lua
contains "$(cat "$T/milter.log")" "Q-DB-T-1: " "the failure is logged with the queue id"
lacks "$(cat "$T/milter.log")" "482913" "no PIN logged on failure"
stop_milter TERM
is "$mrc" 0 "pinmilter stops"

CONF="$T/inst/accept.conf"
{ cat "$BASE"; echo "DatabaseTimeout 1s"; echo "OnInternalError accept"; } >"$CONF"
start_milter
up $? "pinmilter (OnInternalError accept) listens"
lua t-eoh-fail.lua
contains "$(cat "$T/milter.log")" "Q-EOH-FAIL-1: internal error before end of headers" \
    "the failure before end of headers is logged"
lock_db || fail "database locked again"
lua t-pipeline-db-accept.lua dbcase=locked
unlock_db
stop_milter TERM

# gone before the first message opens it: a fresh daemon
start_milter
up $? "pinmilter (OnInternalError accept) listens again"
mv "$T/inst/pinmilter.db" "$T/inst/pinmilter.db.away"
lua t-pipeline-db-accept.lua dbcase=missing
stop_milter TERM
mv "$T/inst/pinmilter.db.away" "$T/inst/pinmilter.db"
CONF="$T/inst/timeout.conf"
start_milter
up $? "pinmilter (OnInternalError tempfail) listens again"
mv "$T/inst/pinmilter.db" "$T/inst/pinmilter.db.away"
lua t-pipeline-db-tempfail.lua
stop_milter TERM
mv "$T/inst/pinmilter.db.away" "$T/inst/pinmilter.db"
lacks "$(cat "$T/milter.log")" "482913" "no PIN logged on failure"
