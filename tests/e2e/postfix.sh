# tests/e2e/postfix.sh - a private Postfix on loopback for end-to-end tests.
#
# Source it after tests/lib.sh.  Everything lives under $T (removed at
# exit); every process started here is stopped at exit.
#
#   pf_require                  skip the whole test unless root, Postfix,
#                               smtp-sink and swaks are here
#   pm_start / pm_stop          run the built pinmilter with -f on $CONF
#                               (from new_instance) as a background job;
#                               sets $PM_SOCKET, $PM_PID
#   pf_start [SOCKET]           Postfix on 127.0.0.1:$PF_PORT relaying all
#                               mail to smtp-sink on 127.0.0.1:$PF_SINK_PORT;
#                               SOCKET (a path) becomes smtpd_milters;
#                               $PF_MAIN_EXTRA and $PF_MASTER_EXTRA (lines)
#                               are appended to main.cf and master.cf
#   pf_stop                     stop Postfix (smtp-sink keeps running)
#   pf_send FROM TO[,TO] FILE   submit FILE with swaks; $pf_rc, $pf_out
#   pf_wait_delivered N [SECS]  wait until the sink holds N messages and the
#                               queue is empty; 0 when so, 1 on timeout
#                               (then $pf_why says what was seen; pf_log
#                               prints it)
#   pf_count                    how many messages the sink holds
#   pf_queue_count              how many messages Postfix's queue holds
#   pf_delivered_file I|TEXT    path of the I-th delivered file (1 = oldest)
#                               or of the one containing TEXT
#   pf_message I|TEXT           that message as Postfix delivered it: the
#                               sink's own X-* and Received lines cut
#   pf_envelope I|TEXT          the sink's X-Mail-Args/X-Rcpt-Args lines
#   pf_rcpts TEXT               RCPT addresses of all copies holding TEXT
#   pf_strip_received, pf_body, pf_header NAME
#                               filters for pf_message's output
#   pf_log [LINES]              the maillog tail (and smtp-sink's errors),
#                               as TAP diagnostics
#   pf_free_port                a free loopback TCP port
#   pf_is, pf_contains, pf_same_file
#                               checks that print the maillog when they fail
#
# Diagnostics: a failed start prints the maillog; call pf_log after a
# failed check.  Set PF_KEEP=1 to keep $T (and print its path) for a look.

PF=$T/pf
PF_SINK=$T/sink
PF_PORT=
PF_SINK_PORT=
PF_SINK_PID=
PM_PID=
PM_SOCKET=
pf_rc=0
pf_out=
pf_why=

# A signal ends the test through exit, so lib.sh's cleanups still run.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# A watchdog outlives a test killed hard (SIGKILL), then ends what it
# started and removes $T; the pids are kept beside $T, since lib.sh
# removes $T itself on a normal exit.
_PF_PIDS=$T.pids
_pf_watchdog() {
	: >"$_PF_PIDS"
	_self=$$
	_pf_t=$T
	(
		while kill -0 "$_self" 2>/dev/null; do sleep 1; done
		for _p in $(cat "$_PF_PIDS" 2>/dev/null); do
			kill -9 "$_p" 2>/dev/null
		done
		rm -f "$_PF_PIDS"
		rm -rf "$_pf_t"
	) >/dev/null 2>&1 </dev/null &
}
_pf_watching=
_pf_watch() {
	[ -n "$_pf_watching" ] || { _pf_watchdog; _pf_watching=1; }
	echo "$1" >>"$_PF_PIDS"
}

pf_require() {
	_why=
	case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin ;; esac
	[ "$(id -u)" -eq 0 ] || _why="not root (Postfix needs root to start)"
	for _p in postfix postconf postqueue smtp-sink swaks; do
		command -v "$_p" >/dev/null 2>&1 || _why="${_why:-$_p not installed}"
	done
	command -v ss >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 ||
	    _why="${_why:-neither ss nor python3 to watch ports}"
	if [ -n "$_why" ]; then
		skip "end-to-end test: $_why"
		exit 0
	fi
}

# _pf_listening PORT: 0 when something listens on 127.0.0.1:PORT.  ss
# when iproute2 is there, else python3 (both are in scripts/install-deps'
# world; a fresh container may lack iproute2).
_pf_listening() {
	if command -v ss >/dev/null 2>&1; then
		ss -Htln "sport = :$1" 2>/dev/null | grep -q .
	else
		python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
	fi
}

# A random port below the kernel's ephemeral range (no clash with outgoing
# connections) that nothing listens on and that this run has not handed out.
# A port taken between this check and its use makes pf_start try another.
_pf_ports_used=
pf_free_port() {
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		_p=$((20000 + _r % 12000))
		case " $_pf_ports_used " in *" $_p "*) continue ;; esac
		if ! _pf_listening "$_p"; then
			_pf_ports_used="$_pf_ports_used $_p"
			echo "$_p"
			return 0
		fi
	done
	return 1
}

# _pf_wait_port PORT SECS: 0 once something accepts on 127.0.0.1:PORT.
_pf_wait_port() {
	_n=$(($2 * 10))
	while [ "$_n" -gt 0 ]; do
		_pf_listening "$1" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# _pf_searchable DIR: user postfix must be able to reach DIR.  Folders
# inside $T are opened up; a parent outside it is only reported (change
# TMPDIR), never changed.
_pf_searchable() {
	_d=$1
	while [ "$_d" != / ] && [ -n "$_d" ]; do
		case "$(stat -c %A "$_d" 2>/dev/null)" in
		?????????[xt]) ;;
		*)
			case "$_d" in
			"$T"|"$T"/*) chmod o+x "$_d" || return 1 ;;
			*)
				diag "$_d: not searchable by user postfix;" \
				    "set TMPDIR to a folder under a searchable path"
				return 1 ;;
			esac ;;
		esac
		_d=$(dirname "$_d")
	done
}

_pf_main_cf() {
	_daemon=$(postconf -d -h daemon_directory)
	_command=$(postconf -d -h command_directory)
	cat >"$PF/etc/main.cf" <<EOF
# private test instance, written by tests/e2e/postfix.sh
compatibility_level = 3.6
config_directory = $PF/etc
queue_directory = $PF/queue
data_directory = $PF/data
daemon_directory = $_daemon
command_directory = $_command
mail_owner = postfix
myhostname = mx.test
mydomain = test
myorigin = mx.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
relay_domains =
relayhost = [127.0.0.1]:$PF_SINK_PORT
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtp_dns_support_level = disabled
disable_dns_lookups = yes
maillog_file = $PF/log/maillog
maillog_file_prefixes = $PF/log
message_size_limit = 104857600
mailbox_size_limit = 0
biff = no
smtpd_banner = \$myhostname ESMTP
milter_default_action = tempfail
milter_protocol = 6
EOF
	[ -z "${1:-}" ] || printf 'smtpd_milters = unix:%s\n' "$1" >>"$PF/etc/main.cf"
	[ -z "${PF_MAIN_EXTRA:-}" ] || printf '%s\n' "$PF_MAIN_EXTRA" >>"$PF/etc/main.cf"
}

# Every service non-chrooted, so a milter socket anywhere is reachable.
_pf_master_cf() {
	cat >"$PF/etc/master.cf" <<EOF
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n  -  n  60    1  pickup
cleanup   unix  n  -  n  -     0  cleanup
qmgr      unix  n  -  n  300   1  qmgr
rewrite   unix  -  -  n  -     -  trivial-rewrite
bounce    unix  -  -  n  -     0  bounce
defer     unix  -  -  n  -     0  bounce
trace     unix  -  -  n  -     0  bounce
verify    unix  -  -  n  -     1  verify
flush     unix  n  -  n  1000? 0  flush
proxymap  unix  -  -  n  -     -  proxymap
proxywrite unix -  -  n  -     1  proxymap
smtp      unix  -  -  n  -     -  smtp
relay     unix  -  -  n  -     -  smtp
showq     unix  n  -  n  -     -  showq
error     unix  -  -  n  -     -  error
retry     unix  -  -  n  -     -  error
discard   unix  -  -  n  -     -  discard
anvil     unix  -  -  n  -     1  anvil
scache    unix  -  -  n  -     1  scache
postlog   unix-dgram n - n -   1  postlogd
EOF
	[ -z "${PF_MASTER_EXTRA:-}" ] ||
	    printf '%s\n' "$PF_MASTER_EXTRA" >>"$PF/etc/master.cf"
}

_pf_sink_start() {
	mkdir -p "$PF_SINK" || return 1
	for _try in 1 2 3; do
		PF_SINK_PORT=$(pf_free_port) || return 1
		smtp-sink -u root -d "$PF_SINK/%M." "127.0.0.1:$PF_SINK_PORT" 100 \
		    >"$T/sink.log" 2>&1 </dev/null &
		PF_SINK_PID=$!
		_pf_watch "$PF_SINK_PID"
		if _pf_wait_port "$PF_SINK_PORT" 5 &&
		    kill -0 "$PF_SINK_PID" 2>/dev/null; then
			return 0
		fi
		kill "$PF_SINK_PID" 2>/dev/null
		wait "$PF_SINK_PID" 2>/dev/null
		PF_SINK_PID=
	done
	return 1
}

_pf_cleanup() {
	pf_stop
	if [ -n "$PF_SINK_PID" ]; then
		kill "$PF_SINK_PID" 2>/dev/null
		wait "$PF_SINK_PID" 2>/dev/null
		PF_SINK_PID=
	fi
	[ -z "$_pf_watching" ] || : >"$_PF_PIDS"
	if [ "${PF_KEEP:-0}" = 1 ]; then
		_keep=$(mktemp -d "${TMPDIR:-/tmp}/pmkeep.XXXXXX")
		cp -a "$T/." "$_keep/" 2>/dev/null
		echo "# PF_KEEP: copy of the test directory in $_keep"
	fi
}

# pf_start [SOCKET]: Postfix (and smtp-sink on the first call); a second
# call restarts it with the new configuration, keeping queue and sink.
pf_start() {
	_sock=${1:-}
	if [ -z "$PF_SINK_PID" ]; then
		at_exit _pf_cleanup
		_pf_searchable "$T" || return 1
		_pf_sink_start || { diag "smtp-sink did not start:" \
		    "$(cat "$T/sink.log")"; return 1; }
	fi
	pf_stop
	mkdir -p "$PF/etc" "$PF/queue" "$PF/data" "$PF/log" || return 1
	chown postfix "$PF/data" || return 1
	for _try in 1 2 3; do
		PF_PORT=$(pf_free_port) || return 1
		_pf_main_cf "$_sock" && _pf_master_cf || return 1
		if postfix -c "$PF/etc" start >"$T/pf-start.log" 2>&1 &&
		    _pf_wait_port "$PF_PORT" 10; then
			_pf_watch "$(_pf_master_pid)"
			return 0
		fi
		postfix -c "$PF/etc" stop >/dev/null 2>&1
		_pf_wait_master_gone
		grep -q 'Address already in use' "$PF/log/maillog" 2>/dev/null ||
		    break
	done
	diag "postfix did not start:" "$(cat "$T/pf-start.log")"
	pf_log 30
	return 1
}

_pf_master_pid() {
	[ -s "$PF/queue/pid/master.pid" ] || return 1
	_mp=$(tr -d ' \n' <"$PF/queue/pid/master.pid")
	[ -n "$_mp" ] && kill -0 "$_mp" 2>/dev/null && echo "$_mp"
}

_pf_wait_master_gone() {
	_n=100
	while [ "$_n" -gt 0 ] && _pf_master_pid >/dev/null; do
		sleep 0.1
		_n=$((_n - 1))
	done
	# Last resort: never leave a master (and its children) behind.
	if _mp=$(_pf_master_pid); then
		kill -9 -- "-$_mp" "$_mp" 2>/dev/null
	fi
}

# pf_stop: stop Postfix now (postfix stop waits for nothing: wait here).
pf_stop() {
	[ -d "$PF/etc" ] || return 0
	_pf_master_pid >/dev/null || return 0
	postfix -c "$PF/etc" stop >/dev/null 2>&1
	_pf_wait_master_gone
}

# pf_send FROM TO[,TO...] FILE [SWAKS-OPTIONS...]: $pf_rc, $pf_out.
pf_send() {
	_from=$1 _to=$2 _file=$3
	shift 3
	# swaks ends the data with its own CRLF: give it the file without
	# its last newline, so the message arrives exactly as in FILE.
	if [ "$(tail -c 1 "$_file" | od -An -c | tr -d ' ')" = '\n' ]; then
		head -c -1 "$_file" >"$T/.swaks-data" || return 1
		_file=$T/.swaks-data
	fi
	swaks --server "127.0.0.1:$PF_PORT" --helo client.test \
	    --from "$_from" --to "$_to" --data "@$_file" --suppress-data \
	    --timeout 120 "$@" >"$T/.swaks" 2>&1
	pf_rc=$?
	pf_out=$(cat "$T/.swaks")
	return "$pf_rc"
}

pf_count() {
	find "$PF_SINK" -type f 2>/dev/null | wc -l | tr -d ' '
}

pf_queue_count() {
	find "$PF/queue/incoming" "$PF/queue/active" "$PF/queue/deferred" \
	    "$PF/queue/maildrop" "$PF/queue/hold" -type f 2>/dev/null |
	    wc -l | tr -d ' '
}

# pf_wait_delivered N [SECS]
pf_wait_delivered() {
	_want=$1
	_n=$((${2:-30} * 10))
	_flushed=0
	while [ "$_n" -gt 0 ]; do
		if [ "$(pf_count)" -ge "$_want" ] && [ "$(pf_queue_count)" -eq 0 ]; then
			return 0
		fi
		# Mail deferred once (a slow start) waits for the queue run.
		if [ "$_flushed" -eq 0 ] && [ -n "$(find "$PF/queue/deferred" \
		    -type f 2>/dev/null)" ]; then
			postqueue -c "$PF/etc" -f >/dev/null 2>&1
			_flushed=1
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	pf_why="waited ${2:-30} s for $_want delivered messages; the sink holds"
	pf_why="$pf_why $(pf_count), the queue $(pf_queue_count)"
	return 1
}

# pf_delivered_file INDEX|TEXT
pf_delivered_file() {
	case "$1" in
	''|*[!0-9]*)
		grep -l -F -e "$1" -r "$PF_SINK" 2>/dev/null | head -n 1 ;;
	*)
		find "$PF_SINK" -type f -printf '%T@ %p\n' 2>/dev/null |
		    sort -n | sed -n "${1}s/^[^ ]* //p" ;;
	esac
}

# pf_message INDEX|TEXT: the message without the sink's leading X-* lines,
# its three-line Received header and the empty line it appends.
pf_message() {
	_f=$(pf_delivered_file "$1")
	[ -n "$_f" ] || { diag "no delivered message matches \"$1\""; return 1; }
	awk '
	head && /^X-[A-Za-z-]+: / { next }
	head && /^Received: / && !rcvd { rcvd = 1; skipc = 1; next }
	head && skipc && /^[ \t]/ { next }
	{ head = 0; skipc = 0 }
	{ if (held) print prev; prev = $0; held = 1 }
	END { if (held && prev != "") print prev }
	' head=1 "$_f"
}

# pf_strip_received: stdin without the Received header Postfix put on top.
pf_strip_received() {
	awk 'NR == 1 && /^Received: from .*/ { skip = 1; next }
	skip && /^[ \t]/ { next }
	{ skip = 0; print }'
}

# pf_body: stdin from its first empty line on (the body, without it).
pf_body() {
	awk 'body { print; next } /^$/ { body = 1 }'
}

# pf_header NAME: the first NAME header of stdin, unfolded, without "NAME: ".
pf_header() {
	awk -v n="$1" '
	/^$/ { exit }
	/^[ \t]/ { if (got) v = v $0; next }
	got { exit }
	tolower(substr($0, 1, length(n) + 1)) == tolower(n) ":" {
		got = 1; v = substr($0, length(n) + 2); sub(/^[ \t]+/, "", v)
	}
	END { if (got) print v }'
}

# pf_rcpts TEXT: the RCPT addresses of every delivered copy holding TEXT,
# sorted, one per line.
pf_rcpts() {
	grep -l -F -e "$1" -r "$PF_SINK" 2>/dev/null | while read -r _f; do
		sed -n 's/^X-Rcpt-Args: <\([^>]*\)>.*/\1/p' "$_f"
	done | sort
}

pf_envelope() {
	_f=$(pf_delivered_file "$1")
	[ -n "$_f" ] || return 1
	grep -E '^X-(Mail|Rcpt)-Args: ' "$_f"
}

# pf_log [LINES]: diagnostics after a failed check.
pf_log() {
	[ -z "$pf_why" ] || diag "$pf_why"
	diag "--- maillog (last ${1:-20} lines) ---"
	tail -n "${1:-20}" "$PF/log/maillog" 2>/dev/null | sed 's/^/#   /'
	if [ -s "$T/sink.log" ]; then
		diag "--- smtp-sink ---"
		tail -n 5 "$T/sink.log" | sed 's/^/#   /'
	fi
	if [ -s "$T/pinmilter.log" ]; then
		diag "--- pinmilter ---"
		tail -n 10 "$T/pinmilter.log" | sed 's/^/#   /'
	fi
}

# pf_is GOT WANT DESC, pf_contains HAYSTACK NEEDLE DESC, pf_same_file GOT
# WANT DESC: lib.sh's checks, plus the maillog tail and swaks' last
# replies when they fail.
pf_is() {
	_f=$_tap_failed
	is "$@"
	[ "$_tap_failed" -eq "$_f" ] || _pf_fail_diag
}
pf_contains() {
	_f=$_tap_failed
	contains "$@"
	[ "$_tap_failed" -eq "$_f" ] || _pf_fail_diag
}
pf_same_file() {
	if cmp -s "$1" "$2"; then
		pass "$3"
	else
		fail "$3"
		diag "diff WANT GOT:" "$(diff "$2" "$1" | head -n 20)"
		_pf_fail_diag
	fi
}
_pf_fail_diag() {
	[ -z "$pf_out" ] || diag "swaks' last replies:" \
	    "$(printf '%s\n' "$pf_out" | grep -E '^ *<' | tail -n 4)"
	pf_log
}

# pm_start: the built pinmilter on $CONF's socket, in the background.
pm_start() {
	PM_SOCKET=$(sed -n 's/^Socket[[:space:]]*unix://p' "$CONF")
	[ -n "$PM_SOCKET" ] || { diag "no unix Socket in $CONF"; return 1; }
	[ -z "$PM_PID" ] || pm_stop
	[ -n "$_pm_registered" ] || { at_exit pm_stop; _pm_registered=1; }
	# A socket left by a killed run would look ready at once: the wait
	# below must see pinmilter's new one.
	[ ! -S "$PM_SOCKET" ] || rm -f "$PM_SOCKET"
	"$PINMILTER" -f -c "$CONF" >>"$T/pinmilter.log" 2>&1 </dev/null &
	PM_PID=$!
	_pf_watch "$PM_PID"
	_n=100
	while [ "$_n" -gt 0 ]; do
		# up when the socket is there and smfi_main accepts on it
		if [ -S "$PM_SOCKET" ] && python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(1)
s.connect(sys.argv[1])' "$PM_SOCKET" 2>/dev/null; then
			# Postfix's smtpd runs as user postfix: it must be able
			# to connect (write permission on the socket).
			# pinmilter makes it mode 0660 for its own group; here
			# that is root's, so hand the group to postfix, as a
			# deployment does with UserID pinmilter:postfix.
			chgrp postfix "$PM_SOCKET" 2>/dev/null ||
			    chmod o+rw "$PM_SOCKET" 2>/dev/null
			_pf_searchable "$(dirname "$PM_SOCKET")" ||
			    { pm_stop; return 1; }
			return 0
		fi
		kill -0 "$PM_PID" 2>/dev/null || break
		sleep 0.1
		_n=$((_n - 1))
	done
	diag "pinmilter did not open $PM_SOCKET:" "$(tail -n 10 "$T/pinmilter.log")"
	pm_stop
	return 1
}
_pm_registered=

pm_stop() {
	[ -n "$PM_PID" ] || return 0
	kill "$PM_PID" 2>/dev/null
	_n=50
	while [ "$_n" -gt 0 ] && kill -0 "$PM_PID" 2>/dev/null; do
		sleep 0.1
		_n=$((_n - 1))
	done
	kill -9 "$PM_PID" 2>/dev/null
	wait "$PM_PID" 2>/dev/null
	PM_PID=
}
