#!/bin/sh
# tests/daemon/run.sh - pinmilter as a process: socket, PidFile, signals,
# stale and live sockets, detaching, and switching to UserID.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"
PIDFILE="$T/inst/pinmilter.pid"

# A start that must fail never blocks the test if it succeeds after all.
run_fails() { run timeout 30 "$PINMILTER" "$@"; }

# wait_gone PID: up to 20 s for a process that is not our child.
wait_gone() { _n=0; until gone "$1"; do _n=$((_n + 1)); [ $_n -le 200 ] || return 1; sleep 0.1; done; }

lua() { miltertest_run "$top_srcdir/tests/milter/$1"; }

# ---- foreground: socket, PidFile, mail, SIGTERM ----
start_milter
if [ -S "$SOCK" ]; then pass "-f: the socket appears"; else
	fail "-f: the socket appears"; diag "$(cat "$T/milter.log")"; exit 1
fi
is "$(cat "$PIDFILE")" "$MPID" "the PidFile holds the daemon's pid"
is "$(stat -c %a "$SOCK")" "660" "the socket is mode 0660"
is "$(stat -c %a "$PIDFILE")" "644" "the PidFile is mode 0644"

if [ -n "$MILTERTEST" ]; then
	lua t-scope-out.lua
	is "$rc" 0 "mail to a non-support address is accepted at EOH"
	[ "$rc" -eq 0 ] || diag "$out"
	lua t-scope-in.lua
	is "$rc" 0 "mail to support (also as second recipient) goes through the pipeline"
	[ "$rc" -eq 0 ] || diag "$out"
	contains "$(cat "$T/milter.log")" "pinmilter: Q-IN-2: from=<customer@example.org> auth=unverified" \
	    "the in-scope message is logged with its queue id"
else
	skip "miltertest not installed"; skip "miltertest not installed"
	skip "miltertest not installed"
fi

# A second instance must not take over the live socket.
run_fails -f -c "$CONF"
expect_rc 1 "a second instance on the same socket"
contains "$err" "$SOCK: a running milter listens on it" "it says the socket is in use"
is "$(cat "$PIDFILE")" "$MPID" "the first instance's PidFile is untouched"
if gone "$MPID"; then fail "the first instance still runs"; else pass "the first instance still runs"; fi

stop_milter TERM
is "$mrc" 0 "SIGTERM: exit status 0"
if [ -e "$PIDFILE" ]; then fail "SIGTERM: PidFile removed"; else pass "SIGTERM: PidFile removed"; fi
if [ -e "$SOCK" ]; then fail "SIGTERM: socket removed"; else pass "SIGTERM: socket removed"; fi
contains "$(cat "$T/milter.log")" "pinmilter: stopping" "the stop is logged"

# ---- another instance's key file: the start is refused, nothing left ----
head -c 32 /dev/urandom >"$T/other.key"
chmod 600 "$T/other.key"
sed "s|^KeyFile.*|KeyFile $T/other.key|" "$CONF" >"$T/other.conf"
run_fails -f -c "$T/other.conf"
expect_rc 1 "a start with another key file"
contains "$err" "KeyFile $T/other.key: key file $T/other.key does not belong to this database (fingerprint mismatch)" \
    "the start names the key mismatch"
if [ -e "$SOCK" ]; then fail "no socket left after the refused start"; else pass "no socket left after the refused start"; fi

# SIGHUP reloads (tests/e2e/reload.sh has the rest): the daemon goes on,
# the same process, its socket still accepting.
start_milter
kill -HUP "$MPID"
_i=0
until grep -q 'pinmilter: reloaded ' "$T/milter.log" || [ $_i -ge 100 ]; do
	_i=$((_i + 1)); sleep 0.1; done
contains "$(cat "$T/milter.log")" "pinmilter: reloaded $CONF: 1 support address(es)" \
    "SIGHUP: the configuration is reloaded"
if gone "$MPID"; then fail "SIGHUP: the daemon goes on"; else pass "SIGHUP: the daemon goes on"; fi
if _milter_accepts; then pass "SIGHUP: the socket still accepts"; else
	fail "SIGHUP: the socket still accepts"; fi
is "$(cat "$PIDFILE")" "$MPID" "SIGHUP: the same process"
stop_milter TERM
is "$mrc" 0 "then SIGTERM: exit status 0"

for sig in INT; do
	start_milter
	stop_milter "$sig"
	is "$mrc" 0 "SIG$sig: exit status 0"
	if [ -e "$PIDFILE" ] || [ -e "$SOCK" ]; then fail "SIG$sig: PidFile and socket removed"; else
		pass "SIG$sig: PidFile and socket removed"; fi
done

# ---- a stale socket (crash) is replaced; other files are not ----
start_milter || diag "did not come up:" "$(cat "$T/milter.log")"
old=$MPID
before=$(ls -la "$T/inst" 2>&1; cat "$T/milter.log")
kill -KILL "$MPID"; wait "$MPID" 2>/dev/null; MPID=""
if [ -S "$SOCK" ]; then pass "after SIGKILL the socket is left behind"; else
	fail "after SIGKILL the socket is left behind"
	diag "before the kill:" "$before" "after:" "$(ls -la "$T/inst" 2>&1)" \
	    "$(cat "$T/milter.log")"
fi
start_milter
if [ -n "$MPID" ] && ! gone "$MPID"; then pass "restart over a stale socket"; else
	fail "restart over a stale socket"; diag "$(cat "$T/milter.log")"; fi
is "$(cat "$PIDFILE")" "$MPID" "the PidFile holds the new pid"
if [ "$MPID" != "$old" ]; then pass "a new process"; else fail "a new process"; fi
stop_milter TERM
is "$mrc" 0 "stopped again"

rm -f "$SOCK"
echo precious >"$SOCK"
run_fails -f -c "$CONF"
expect_rc 1 "a regular file at the socket path"
contains "$err" "$SOCK: exists and is not a socket" "it refuses to remove it"
is "$(cat "$SOCK")" "precious" "the file is untouched"
rm -f "$SOCK"

# ---- the PidFile must not be a symbolic link ----
echo target >"$T/target"
ln -s "$T/target" "$PIDFILE"
run_fails -f -c "$CONF"
expect_rc 1 "a symbolic link as PidFile"
contains "$err" "PidFile $PIDFILE: is a symbolic link" "it names the PidFile"
is "$(cat "$T/target")" "target" "the link's target is untouched"
if [ -e "$SOCK" ]; then fail "a failed start removes its socket"; else pass "a failed start removes its socket"; fi
rm -f "$PIDFILE"

# ---- detached (no -f): the parent waits for the start-up, then exits ----
run timeout 30 "$PINMILTER" -c "$CONF"
expect_rc 0 "detached start"
dpid=$(cat "$PIDFILE" 2>/dev/null || echo none)
if [ -e "/proc/$dpid" ]; then pass "the detached daemon runs"; else fail "the detached daemon runs"; diag "$err"; fi
is "$(awk '{print $6}' "/proc/$dpid/stat" 2>/dev/null)" "$dpid" "it leads its own session"
is "$(readlink "/proc/$dpid/fd/0" 2>/dev/null)" "/dev/null" "its stdin is /dev/null"
is "$(readlink "/proc/$dpid/cwd" 2>/dev/null)" "/" "its working directory is /"
kill -TERM "$dpid" 2>/dev/null
if wait_gone "$dpid"; then pass "SIGTERM stops the detached daemon"; else
	fail "SIGTERM stops the detached daemon"; kill -KILL "$dpid"; fi
if [ -e "$PIDFILE" ]; then fail "its PidFile is removed"; else pass "its PidFile is removed"; fi

chmod 0640 "$T/inst/pinmilter.key"
run_fails -c "$CONF"
expect_rc 1 "a detached start that fails reports it in the exit status"
contains "$err" "$T/inst/pinmilter.key: permissions 0640" "and on stderr"
chmod 0600 "$T/inst/pinmilter.key"

# ---- UserID: become that user after binding (root only) ----
if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
	for i in 1 2 3 4 5 6 7 8; do skip "not root or no user nobody"; done
	exit 0
fi
echo "UserID nobody" >>"$CONF"
run_fails -f -c "$CONF"
expect_rc 1 "UserID nobody without access to the database"
contains "$err" "Database $T/inst/pinmilter.db" "the database error is reported"

# The instance becomes nobody's; the key stays root's 0600 (read as root).
chown nobody "$T/inst" "$T/inst/pinmilter.db"
start_milter
uid=$(id -u nobody)
is "$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$MPID/status")" "$uid $uid $uid $uid" \
    "real, effective, saved and fs uid are nobody's"
gid=$(id -g nobody)
is "$(awk '/^Gid:/ {print $2, $3, $4, $5}' "/proc/$MPID/status")" "$gid $gid $gid $gid" \
    "all gids are nobody's group"
is "$(awk '/^Groups:/ {$1 = ""; print}' "/proc/$MPID/status" | tr -s ' ' | sed 's/^ //;s/ $//')" \
    "$(id -G nobody)" "supplementary groups are nobody's"
is "$(stat -c %U "$SOCK")" "nobody" "the socket belongs to nobody"
if [ -n "$MILTERTEST" ]; then
	lua t-scope-in.lua
	is "$rc" 0 "mail is processed as nobody"
else
	skip "miltertest not installed"
fi
stop_milter TERM
is "$mrc" 0 "nobody's daemon stops on SIGTERM"
if [ -e "$PIDFILE" ]; then fail "nobody's daemon removes its PidFile"; else
	pass "nobody's daemon removes its PidFile"; fi
