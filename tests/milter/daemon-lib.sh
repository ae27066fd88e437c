# tests/milter/daemon-lib.sh - start and stop a pinmilter under test.
#
# Source after tests/lib.sh and new_instance.  SOCK is the instance's
# socket path, MPID the daemon's pid, $T/milter.log its stderr (-f logs
# there).  A daemon left running is killed at exit.

SOCK="$T/inst/milter.sock"
# The start of a line the daemon logs under -f: a UTC timestamp, a space.
STAMP='^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z '
MPID=""
: "${MILTERTEST:=$(command -v miltertest || true)}"
COMMON_LUA="$top_srcdir/tests/milter/common.lua"

_milter_kill() { [ -z "$MPID" ] || kill -KILL "$MPID" 2>/dev/null; }
at_exit _milter_kill

# gone PID: the process no longer runs (exited, or a zombie).
gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# wait_for COMMAND...: retry COMMAND for up to 10 s; 0 when it succeeded.
wait_for() {
	_i=0
	until "$@"; do
		_i=$((_i + 1))
		[ "$_i" -le 100 ] || return 1
		sleep 0.1
	done
}

# start_milter [ARGS...]: pinmilter -f in the background; waits until it
# logged "starting:" (socket bound, PidFile written, user switched,
# database checked) and its socket accepts a connection, or it died.
# (libmilter makes the unix socket anew when smfi_main starts listening:
# "starting:" alone may come a moment before the socket is there for
# good.)  Returns 1 if it did not come up.
start_milter() {
	"$PINMILTER" -f -c "$CONF" "$@" >"$T/milter.log" 2>&1 &
	MPID=$!
	wait_for _milter_up && ! gone "$MPID"
}
_milter_up() {
	gone "$MPID" && return 0
	grep -q "${STAMP}pinmilter: starting: " "$T/milter.log" || return 1
	case "$(sed -n 's/^Socket[[:space:]]*//p' "$CONF" | tail -n 1)" in
	unix:*|local:*) _milter_accepts ;;
	*) return 0 ;;
	esac
}
_milter_accepts() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(1)
s.connect(sys.argv[1])' "$SOCK" 2>/dev/null
}

# stop_milter [SIGNAL]: signal the -f daemon and reap it; $mrc is its exit
# status (137 if it had to be killed after 20 s).
stop_milter() {
	kill "-${1:-TERM}" "$MPID" 2>/dev/null
	( sleep 20; kill -KILL "$MPID" 2>/dev/null ) &
	_wd=$!
	wait "$MPID"
	mrc=$?
	kill "$_wd" 2>/dev/null
	wait "$_wd" 2>/dev/null
	MPID=""
}

# miltertest_run SCRIPT: run one Lua script against $SOCK (sets out/err/rc).
miltertest_run() {
	run "$MILTERTEST" -D "socket=unix:$SOCK" -D "common=$COMMON_LUA" -s "$1"
}
