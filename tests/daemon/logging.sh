#!/bin/sh
# tests/daemon/logging.sh - where the daemon's lines go, so that none is
# lost silently: LogFile (appended, 0640, every line stamped), -f on
# standard error with timestamps, and the warning of -n and of a
# detaching start when Syslog is set but no syslog socket listens.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"
PIDFILE="$T/inst/pinmilter.pid"
LOG="$T/inst/pinmilter.log"

# ---- -f without LogFile: standard error, every line stamped ----
start_milter || diag "did not come up:" "$(cat "$T/milter.log")"
stop_milter TERM
is "$mrc" 0 "-f: started and stopped"
is "$(grep -c "${STAMP}pinmilter: starting: socket unix:$SOCK" "$T/milter.log")" 1 \
    "-f: the start line carries a UTC timestamp"
is "$(grep -c "${STAMP}pinmilter: stopping\$" "$T/milter.log")" 1 \
    "-f: the stop line carries one too"
is "$(grep -vc "$STAMP" "$T/milter.log")" 0 "-f: no line without a timestamp"

# ---- LogFile: the lines go to the file, nothing to standard error ----
# start_logged: pinmilter -f with LogFile; up when the file says so and the
# socket accepts.
start_logged() {
	_want=$1
	"$PINMILTER" -f -c "$CONF" >"$T/milter.log" 2>&1 &
	MPID=$!
	wait_for _logged_up && ! gone "$MPID"
}
_logged_up() {
	gone "$MPID" && return 0
	[ "$(grep -c 'pinmilter: starting: ' "$LOG" 2>/dev/null)" = "$_want" ] &&
	    _milter_accepts
}
conf_set LogFile "$LOG"
umask 022
if start_logged 1; then pass "LogFile: the daemon runs"; else
	fail "LogFile: the daemon runs"; diag "$(cat "$T/milter.log" "$LOG")"; fi
stop_milter TERM
is "$mrc" 0 "LogFile: exit status 0 on SIGTERM"
is "$(cat "$T/milter.log")" "" "LogFile: nothing on standard error"
is "$(stat -c %a "$LOG")" 640 "LogFile: created mode 0640 under umask 022"
is "$(grep -c "${STAMP}pinmilter: starting: socket unix:$SOCK" "$LOG")" 1 \
    "LogFile: the start line, stamped"
is "$(grep -c "${STAMP}pinmilter: stopping\$" "$LOG")" 1 \
    "LogFile: the stop line, stamped"
start_logged 2
stop_milter TERM
is "$(grep -c "pinmilter: starting: " "$LOG")" 2 \
    "LogFile: a second start appends (two start lines)"

run "$PINMILTER" -c "$CONF" -n
expect_rc 0 "-n with LogFile"
is "$err" "" "-n with LogFile: no warning"

conf_set LogFile "$T/no/such/dir/pinmilter.log"
run "$PINMILTER" -c "$CONF" -n
expect_rc 1 "-n: LogFile in a missing directory"
contains "$err" "LogFile $T/no/such/dir/pinmilter.log: directory $T/no/such/dir: No such file or directory" \
    "-n names the missing directory"
run timeout 30 "$PINMILTER" -f -c "$CONF"
expect_rc 1 "the daemon refuses a LogFile it cannot open"
contains "$err" "LogFile $T/no/such/dir/pinmilter.log: No such file or directory" \
    "and says why on standard error"
conf_set LogFile none

# ---- Syslog without a syslog socket: -n and a detaching start warn ----
conf_set Syslog mail
run "$PINMILTER" -c "$CONF" -n
expect_rc 0 "-n with Syslog mail"
if [ -S /dev/log ]; then
	is "$err" "" "-n: a syslog socket listens, no warning"
	skip "a detaching start: /dev/log exists here"
else
	is "$err" "pinmilter: warning: Syslog mail: no syslog socket at /dev/log: the daemon's log lines will be lost (set LogFile, or run with -f)" \
	    "-n warns: no syslog socket, lines would be lost"
	run timeout 30 "$PINMILTER" -c "$CONF"
	expect_rc 0 "a detaching start without a syslog socket"
	is "$err" "pinmilter: warning: Syslog mail: no syslog socket at /dev/log: log lines will be lost (set LogFile, or run with -f)" \
	    "it warns on standard error before detaching"
	if [ -s "$PIDFILE" ]; then
		pid=$(cat "$PIDFILE")
		kill -TERM "$pid"
		_n=0
		while [ -e "/proc/$pid" ] && [ $_n -lt 200 ]; do
			_n=$((_n + 1)); sleep 0.1
		done
	fi
fi

