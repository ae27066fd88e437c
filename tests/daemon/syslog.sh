#!/bin/sh
# tests/daemon/syslog.sh - the Syslog key: every facility pinmilter -n
# accepts is one the daemon can open.  (The check once knew 20 facilities
# and the logger 11: "Syslog auth" passed -n, then the daemon exited with
# "unknown facility".)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"
PIDFILE="$T/inst/pinmilter.pid"

facilities="auth authpriv cron daemon ftp kern lpr mail news syslog user uucp
local0 local1 local2 local3 local4 local5 local6 local7"

for f in $facilities; do
	conf_set Syslog "$f"
	run "$PINMILTER" -c "$CONF" -n
	is "$rc:$(printf '%s\n' "$err" | grep -v '^pinmilter: warning: ')" "0:" \
	    "-n accepts Syslog $f"
done
conf_set Syslog local8
run "$PINMILTER" -c "$CONF" -n
expect_rc 1 "-n refuses Syslog local8"
contains "$err" "Syslog: \"local8\" is not a syslog facility or no" \
    "and says why"

# daemon_run FACILITY: start pinmilter detached (it logs to syslog only
# then) with Syslog FACILITY, as the child of a subreaper so that the
# daemon's own exit status can be read; wait until its socket accepts a
# connection, stop it with SIGTERM.  Prints "START STATUS SIGNAL": the
# exit status of the starting process, then the daemon's.
daemon_run() {
	conf_set Syslog "$1"
	python3 - "$PINMILTER" "$CONF" "$PIDFILE" "$SOCK" <<'PY'
import ctypes, os, signal, socket, subprocess, sys, time
pinmilter, conf, pidfile, sock = sys.argv[1:5]
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # CHILD_SUBREAPER
start = subprocess.run([pinmilter, "-c", conf], timeout=30).returncode
if start != 0:
    print(start, "-", "-")
    sys.exit(0)
pid = int(open(pidfile).read())
up = False
for _ in range(100):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(1)
        s.connect(sock)
        s.close()
        up = True
        break
    except OSError:
        time.sleep(0.1)
if not up:
    os.kill(pid, signal.SIGKILL)
os.kill(pid, signal.SIGTERM)
for _ in range(200):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == pid:
        break
    time.sleep(0.1)
else:
    os.kill(pid, signal.SIGKILL)
    done, status = os.waitpid(pid, 0)
print(start, os.WEXITSTATUS(status) if os.WIFEXITED(status) else "-",
      os.WTERMSIG(status) if os.WIFSIGNALED(status) else "-")
PY
}

for f in auth local7; do
	res=$(daemon_run "$f")
	is "$res" "0 0 -" "Syslog $f: the daemon starts, accepts, exits 0 on SIGTERM"
	if [ -e "$PIDFILE" ] || [ -e "$SOCK" ]; then
		fail "Syslog $f: PidFile and socket removed"
	else
		pass "Syslog $f: PidFile and socket removed"
	fi
done
