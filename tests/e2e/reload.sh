#!/bin/sh
# tests/e2e/reload.sh - SIGHUP reloads the configuration through a real
# Postfix, without a restart and without dropping a connection: a new
# SupportAddress takes effect for the next message; a message the milter
# already holds when the signal comes finishes with the configuration it
# started with; a configuration that does not load, or a template that
# does not, keeps the running one (and the log says why); a changed
# Socket is logged as needing a restart; a burst of SIGHUPs never stops
# the daemon (libmilter's own signal thread would stop it on SIGHUP).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
command -v python3 >/dev/null 2>&1 || { skip "python3 missing"; exit 0; }
new_instance
mkdir -p "$T/notices"
printf '#!/bin/sh\ncat >"%s/notices/n.$$"\n' "$T" >"$T/mailer"
chmod 755 "$T/mailer"
conf_set Mailer "$T/mailer -t -i"
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme &&
    echo 482913 | pinctl pin set bob@acme.example ||
    { fail "database set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }
PID0=$PM_PID
LOG=$T/pinmilter.log

n=0
# msg TO ID: a message from bob with his right PIN.
msg() {
	printf 'From: bob@acme.example\nTo: %s\nSubject: Reload %s\nMessage-ID: <%s@acme.example>\n\nPlease reset line 3. My PIN is 482913.\n' \
	    "$1" "$2" "$2" >"$T/$2.eml"
}
# deliver TO ID: send it; $got is the X-Support-Auth value delivered
# ("none" without one).
deliver() {
	msg "$1" "$2"
	pf_send bob@acme.example "$1" "$T/$2.eml"
	n=$((n + 1))
	pf_wait_delivered "$n" 60 || { got=undelivered; pf_log; return 1; }
	got=$(pf_message "<$2@acme.example>" | pf_header X-Support-Auth)
	[ -n "$got" ] || got=none
}
# reloads N: wait until the log holds N "reloaded" lines.
reloads() {
	_i=0
	until [ "$(grep -c 'pinmilter: reloaded ' "$LOG")" -ge "$1" ]; do
		_i=$((_i + 1)); [ $_i -le 100 ] || return 1; sleep 0.1
	done
}
# logged TEXT: wait until the log holds TEXT.
logged() {
	_i=0
	until grep -qF -- "$1" "$LOG"; do
		_i=$((_i + 1)); [ $_i -le 100 ] || return 1; sleep 0.1
	done
}

deliver support@example.com r1
is "$got" authenticated "before: support@example.com is support"
deliver help@example.com r2
is "$got" none "before: help@example.com is not"

# --- a new SupportAddress, live on SIGHUP ---
conf_set SupportAddress help@example.com
kill -HUP "$PM_PID"
reloads 1 && pass "SIGHUP: reloaded (logged)" || fail "SIGHUP: reloaded (logged)"
contains "$(cat "$LOG")" "pinmilter: reloaded $CONF: 1 support address(es)" \
    "the reload line names the file and the addresses"
deliver help@example.com r3
is "$got" authenticated "after: help@example.com is support"
deliver support@example.com r4
is "$got" none "after: support@example.com no longer is"
is "$PM_PID" "$PID0" "the same process"
kill -0 "$PM_PID" 2>/dev/null && pass "still running" || fail "still running"

# --- a message in flight across the reload keeps its configuration ---
# Postfix hands a message to the milter at the end of DATA, in
# milliseconds: miltertest holds one open between its end of headers and
# its body while the reload happens (t-reload-inflight.lua).
: "${MILTERTEST:=$(command -v miltertest || true)}"
if [ -n "$MILTERTEST" ]; then
	cp "$CONF" "$T/before-inflight.conf"
	conf_set SupportAddress support@example.com
	run "$MILTERTEST" -D "socket=unix:$PM_SOCKET" \
	    -D "common=$top_srcdir/tests/milter/common.lua" \
	    -D "pid=$PM_PID" -D "conf=$CONF" -D "log=$LOG" \
	    -s "$top_srcdir/tests/milter/t-reload-inflight.lua"
	is "$rc" 0 "in flight: finished with the configuration it started with (AuthservID mx.example.com), the next with the new one (mx2.example.com)"
	[ "$rc" -eq 0 ] || diag "$out" "$err"
	cp "$T/before-inflight.conf" "$CONF"
	conf_set SupportAddress help@example.com
	r0=$(grep -c 'pinmilter: reloaded ' "$LOG")
	kill -HUP "$PM_PID"
	reloads $((r0 + 1)) || fail "reloaded back"
else
	skip "miltertest not installed"
fi
deliver support@example.com r6
is "$got" none "after the in-flight test: help@ is support again, support@ not"
conf_set SupportAddress support@example.com
r0=$(grep -c 'pinmilter: reloaded ' "$LOG")
kill -HUP "$PM_PID"
reloads $((r0 + 1)) || fail "reloaded to support@ again"

# --- a configuration that does not load keeps the running one ---
cp "$CONF" "$T/good.conf"
echo "NoSuchKey yes" >>"$CONF"
kill -HUP "$PM_PID"
logged "reload: $CONF:" && pass "a broken file: the reload is refused (logged)" ||
    fail "a broken file: the reload is refused (logged)"
contains "$(grep 'reload: ' "$LOG" | tail -n 1)" "keeping the running configuration" \
    "the log says the running configuration is kept"
deliver support@example.com r7
is "$got" authenticated "a broken file: the running configuration still works"
cp "$T/good.conf" "$CONF"

# --- a template that does not load: same ---
mkdir -p "$T/tmpl/en"
cp "$top_srcdir"/conf/templates/en/*.txt "$T/tmpl/en/"
printf 'Subject: {{no_such_variable}}\n\nbody\n' >"$T/tmpl/en/case-created.txt"
conf_set TemplateDir "$T/tmpl"
before=$(grep -c 'keeping the running configuration' "$LOG")
kill -HUP "$PM_PID"
_i=0
until [ "$(grep -c 'keeping the running configuration' "$LOG")" -gt "$before" ]; do
	_i=$((_i + 1)); [ $_i -le 100 ] || break; sleep 0.1
done
contains "$(grep 'reload: ' "$LOG" | tail -n 1)" "reload: TemplateDir: " \
    "a broken template: the reload is refused, the log names TemplateDir"
cp "$T/good.conf" "$CONF"

# --- a key only a restart can change ---
conf_set Socket "unix:$T/other.sock"
r0=$(grep -c 'pinmilter: reloaded ' "$LOG")
kill -HUP "$PM_PID"
reloads $((r0 + 1)) || fail "Socket changed: reloaded"
contains "$(cat "$LOG")" "reload: Socket changed to unix:$T/other.sock: takes effect at the next restart (unix:$PM_SOCKET kept)" \
    "a new Socket is logged as needing a restart"
[ ! -e "$T/other.sock" ] && pass "no second socket is opened" || fail "no second socket is opened"
deliver support@example.com r8
is "$got" authenticated "mail still flows on the running socket"
cp "$T/good.conf" "$CONF"

# --- a burst of SIGHUPs never stops the daemon ---
r0=$(grep -c 'pinmilter: reloaded ' "$LOG")
i=0
while [ $i -lt 30 ]; do kill -HUP "$PM_PID"; i=$((i + 1)); done
reloads $((r0 + 1)) && pass "30 SIGHUPs: at least one reload" || fail "30 SIGHUPs: at least one reload"
sleep 1
kill -0 "$PM_PID" 2>/dev/null && pass "30 SIGHUPs: still running" ||
    fail "30 SIGHUPs: still running"
lacks "$(cat "$LOG")" "stopping" "30 SIGHUPs: never stopping"
deliver support@example.com r9
is "$got" authenticated "30 SIGHUPs: mail still flows"
lacks "$(cat "$LOG")" "482913" "no PIN in the log"
