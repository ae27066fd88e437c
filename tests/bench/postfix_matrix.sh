#!/bin/sh
# tests/bench/postfix_matrix.sh - delivered messages per second through a
# private Postfix, by milter configuration and workload, in one run.
#
# One Postfix (tests/e2e/postfix.sh) delivering to Maildirs (virtual(8)),
# with one smtpd listener per configuration:
#
#   none        no milter
#   null        the do-nothing milter (tests/bench/nullmilter): the floor
#   pm-sqlite   pinmilter on a SQLite file
#   pm-pg       pinmilter on PostgreSQL: a private server (tests/pg.sh,
#               fsync off, as in the tests: it flatters PostgreSQL);
#               left out when the server binaries are missing or PG=no
#   opendkim    OpenDKIM verifying (Debian opendkim), the peer: every
#               message carries a DKIM signature it checks
#
# and three workloads, each a 5 KB message sent by smtp-source -F (no
# Message-ID, so no message is a repeat of another):
#
#   pin         support mail from a known sender with the right PIN
#   change      a change request without a PIN (a verification request is
#               queued and sent by the outbox worker)
#   other       mail for a non-support address
#
# Rounds interleave every (configuration, workload) pair, the order rotated
# each round, so drift on a noisy machine hits all alike.  Each pair sends
# N messages over SESSIONS sessions and is timed from the first connection
# until every message is in a Maildir and the queue is empty.
#
# Output: one line per round and pair on stderr ("# ..."), then on stdout
# a TSV table: workload, config, median msgs/s, min, max, ratio to null,
# ratio to opendkim.
#
# Run from a build directory as root (scripts/bench does):
#   top_srcdir=/path/to/src tests/bench/postfix_matrix.sh
# Knobs: N (1000), SESSIONS (20), ROUNDS (5), WORKLOADS, CONFIGS.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

N=${N:-1000}
SESSIONS=${SESSIONS:-20}
ROUNDS=${ROUNDS:-5}
WORKLOADS=${WORKLOADS:-pin change other}
NULLMILTER=${NULLMILTER:-$(pwd)/tests/bench/nullmilter}

pf_require
command -v smtp-source >/dev/null 2>&1 || { skip "smtp-source missing"; exit 0; }
[ -x "$NULLMILTER" ] || { fail "no $NULLMILTER (make bench)"; exit 1; }

CONFIGS=${CONFIGS:-none null pm-sqlite}
PM_PG_CONF=
if [ "${PG:-yes}" != no ]; then
	. "$top_srcdir/tests/pg.sh"
	if pg_start; then
		case " $CONFIGS " in *" pm-pg "*) ;; *) CONFIGS="$CONFIGS pm-pg" ;; esac
	fi
fi
command -v opendkim >/dev/null 2>&1 &&
    case " $CONFIGS " in *" opendkim "*) ;; *) CONFIGS="$CONFIGS opendkim" ;; esac

# The helper daemons started here, stopped at exit (at_exit takes a
# function name).
BENCH_PIDS=
bench_stop() { [ -z "$BENCH_PIDS" ] || kill $BENCH_PIDS 2>/dev/null; }
at_exit bench_stop

# --- pinmilter on SQLite, its users, and notices that go nowhere
new_instance
printf '#!/bin/sh\ncat >/dev/null\n' >"$T/devnull-mailer"
chmod 755 "$T/devnull-mailer"
conf_set Mailer "$T/devnull-mailer -t -i"
conf_set MaxNoticesPerDay 1000
conf_set MaxFailures 100
conf_set Syslog no
setup_users() {	# CONF
	"$PINCTL" -c "$1" account add Acme >/dev/null &&
	    "$PINCTL" -c "$1" user add bob@acme.example --account Acme \
		>/dev/null &&
	    echo 482913 | "$PINCTL" -c "$1" pin set bob@acme.example >/dev/null
}
setup_users "$CONF" || { fail "users set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }

# --- pinmilter on PostgreSQL (a second instance, its own socket)
PG_SOCK=
if case " $CONFIGS " in *" pm-pg "*) true ;; *) false ;; esac; then
	PM_PG_CONF=$T/pg.conf
	{	# the URI holds '&': not a sed replacement
		grep -v -E '^(Database|Socket|PidFile)[[:space:]]' "$CONF"
		printf 'Database\t%s\nSocket\tunix:%s\nPidFile\t%s\n' "$PGURI" \
		    "$T/pm-pg.sock" "$T/pm-pg.pid"
	} >"$PM_PG_CONF"
	"$PINCTL" -c "$PM_PG_CONF" init >/dev/null ||
	    { fail "pinctl init on PostgreSQL"; exit 1; }
	PG_SOCK=$(sed -n 's/^Socket[[:space:]]*unix://p' "$PM_PG_CONF" | tail -n 1)
	setup_users "$PM_PG_CONF" || { fail "users set up (PostgreSQL)"; exit 1; }
	"$PINMILTER" -f -c "$PM_PG_CONF" >>"$T/pinmilter-pg.log" 2>&1 </dev/null &
	PG_PM_PID=$!
	BENCH_PIDS="$BENCH_PIDS $PG_PM_PID"
	i=0
	while [ ! -S "$PG_SOCK" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$PG_SOCK" ] || { fail "pinmilter (PostgreSQL) starts"; exit 1; }
	chgrp postfix "$PG_SOCK"	# smtpd runs as postfix (as pm_start does)
fi

# --- the do-nothing milter
"$NULLMILTER" "unix:$T/null.sock" >"$T/null.log" 2>&1 &
NULL_PID=$!
BENCH_PIDS="$BENCH_PIDS $NULL_PID"

# --- OpenDKIM verifying, with the signing key's public half on file
DKIM_PORT=
if case " $CONFIGS " in *" opendkim "*) true ;; *) false ;; esac; then
	mkdir -p "$T/dkim"
	opendkim-genkey -D "$T/dkim" -d acme.example -s bench >/dev/null 2>&1 ||
	    { fail "opendkim-genkey"; exit 1; }
	# TestPublicKeys: "selector._domainkey.domain TXT-value" per line;
	# opendkim-testmsg signs with rsa-sha1, so the record must not say
	# h=sha256
	printf 'bench._domainkey.acme.example %s\n' "$(sed -e 's/^[^(]*(//' \
	    -e 's/).*//' "$T/dkim/bench.txt" | tr -d '\n\t"' | tr -s ' ' |
	    sed 's/ h=sha256;//')" \
	    >"$T/dkim/keys"
	DKIM_PORT=$(pf_free_port)
	cat >"$T/dkim/opendkim.conf" <<EOF
Mode			v
Socket			inet:$DKIM_PORT@127.0.0.1
TestPublicKeys		$T/dkim/keys
Syslog			no
Background		no
UserID			root
PidFile			$T/dkim/pid
EOF
	opendkim -x "$T/dkim/opendkim.conf" -f >"$T/dkim/log" 2>&1 &
	DKIM_PID=$!
	BENCH_PIDS="$BENCH_PIDS $DKIM_PID"
fi

# --- the workloads (5 KB each; DKIM-signed, so OpenDKIM has work to do)
body5k() {	# FIRST-LINE
	printf '%s\n\nOn Mon, Jan 8, 2024 Support <support@example.com> wrote:\n' "$1"
	i=0
	while [ $i -lt 45 ]; do
		printf '> Thank you for your message; we will look into the forwarding of line 2 (ext. 204) today.\n'
		i=$((i + 1))
	done
}
workload_file() {	# NAME TO FIRST-LINE
	{
		printf 'From: Bob <bob@acme.example>\nTo: %s\n' "$2"
		printf 'Subject: Re: forwarding\nDate: Mon, 02 Nov 2026 10:30:00 +0000\n'
		printf 'Content-Type: text/plain; charset=utf-8\n\n'
		body5k "$3"
	} >"$T/$1.raw"
	if [ -n "$DKIM_PORT" ]; then
		opendkim-testmsg -d acme.example -s bench \
		    -k "$T/dkim/bench.private" <"$T/$1.raw" >"$T/$1.eml" ||
		    return 1
	else
		cp "$T/$1.raw" "$T/$1.eml"
	fi
}
workload_file pin support@example.com "Hello, what is my plan? My PIN is 482913." &&
workload_file change support@example.com "Please forward my calls to 555-0199." &&
workload_file other other@example.org "Hello, what is my plan? See you." ||
    { fail "workload files"; exit 1; }
rcpt_of() {
	case "$1" in other) echo other@example.org ;; *) echo support@example.com ;; esac
}

# --- Postfix: one listener per configuration, delivering to Maildirs
port_none=$(pf_free_port); port_null=$(pf_free_port)
port_pm_sqlite=$(pf_free_port); port_pm_pg=$(pf_free_port)
port_opendkim=$(pf_free_port)
mkdir -p "$T/mail"
chown -R nobody "$T/mail"
PF_MAIN_EXTRA="virtual_mailbox_domains = example.com example.org
virtual_mailbox_base = $T/mail
virtual_mailbox_limit = 0
virtual_mailbox_maps = static:box/
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
virtual_destination_concurrency_limit = 20
milter_connect_timeout = 10s"
listener() {	# PORT MILTERS
	printf '127.0.0.1:%s inet n - n - - smtpd -o smtpd_milters=%s\n' "$1" "$2"
}
PF_MASTER_EXTRA="virtual unix - n n - - virtual
$(listener "$port_none" "")
$(listener "$port_null" "unix:$T/null.sock")
$(listener "$port_pm_sqlite" "unix:$PM_SOCKET")
$( [ -z "$PG_SOCK" ] || listener "$port_pm_pg" "unix:$PG_SOCK")
$( [ -z "$DKIM_PORT" ] || listener "$port_opendkim" "inet:127.0.0.1:$DKIM_PORT")"
pf_start "" || { fail "postfix starts"; exit 1; }

port_of() {
	case "$1" in
	none) echo "$port_none" ;; null) echo "$port_null" ;;
	pm-sqlite) echo "$port_pm_sqlite" ;; pm-pg) echo "$port_pm_pg" ;;
	opendkim) echo "$port_opendkim" ;;
	esac
}

delivered() { find "$T/mail" -type f -path '*/new/*' 2>/dev/null | wc -l; }
now() { date +%s.%N; }

# send CONFIG WORKLOAD COUNT: $secs, from the first connection until COUNT
# more messages are in the Maildirs and the queue is empty; 1 on failure
send() {
	_before=$(delivered)
	_want=$((_before + $3))
	_t0=$(now)
	smtp-source -s "$SESSIONS" -m "$3" -F "$T/$2.eml" -f bench@client.test \
	    -t "$(rcpt_of "$2")" "127.0.0.1:$(port_of "$1")" >"$T/source.log" 2>&1 ||
	    { diag "smtp-source $1 $2:" "$(tail -n 5 "$T/source.log")"; return 1; }
	_i=0
	while [ "$(delivered)" -lt "$_want" ] || [ "$(pf_queue_count)" -ne 0 ]; do
		_i=$((_i + 1))
		[ $_i -lt 6000 ] || { diag "$1 $2: $(delivered) of $_want delivered"; pf_log; return 1; }
		sleep 0.05
	done
	secs=$(echo "$_t0 $(now)" | awk '{ printf "%.4f", $2 - $1 }')
}

# Prove the wiring: each configuration delivers, with its milter's mark.
for c in $CONFIGS; do
	for w in $WORKLOADS; do
		send "$c" "$w" 5 || { fail "warm-up $c $w"; exit 1; }
	done
done
nw=$(echo $WORKLOADS | wc -w)
marked() { grep -l -e "$1" -r "$T/mail" | wc -l; }
pf_is "$(marked '^X-Null-Milter: seen')" $((5 * nw)) \
    "the do-nothing milter tagged each of its messages"
npm=0
case " $CONFIGS " in *" pm-sqlite "*) npm=1 ;; esac
[ -z "$PG_SOCK" ] || npm=$((npm + 1))
[ "$npm" -eq 0 ] || case " $WORKLOADS " in *" pin "*)
	pf_is "$(marked '^X-Support-Auth: authenticated')" $((5 * npm)) \
	    "pinmilter authenticated the pin workload" ;; esac
[ -z "$DKIM_PORT" ] || pf_is "$(marked 'dkim=pass')" $((5 * nw)) \
    "OpenDKIM verified each signature it saw (dkim=pass)"

: >"$T/results"
pairs=$(for c in $CONFIGS; do for w in $WORKLOADS; do echo "$c:$w"; done; done)
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for p in $pairs; do
		c=${p%%:*} w=${p#*:}
		send "$c" "$w" "$N" || { fail "round $r $c $w"; exit 1; }
		echo "$w $c $secs" >>"$T/results"
		echo "# round $r $w $c $(echo "$N $secs" | awk '{ printf "%.1f", $1 / $2 }') msgs/s" >&2
	done
	pairs=$(echo "$pairs" | awk 'NR > 1 { print } NR == 1 { first = $0 } END { print first }')
	r=$((r + 1))
done

# TSV: workload config median min max ratio-to-null ratio-to-opendkim
awk -v n="$N" '
{ k = $1 " " $2; v[k, ++c[k]] = n / $3; keys[k] = 1 }
function median(k,   i, j, t, m) {
	m = c[k]
	for (i = 1; i <= m; i++) a[i] = v[k, i]
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo = a[1]; hi = a[m]
	return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
END {
	for (k in keys) { med[k] = median(k); mn[k] = lo; mx[k] = hi }
	for (k in keys) {
		split(k, p, " ")
		nl = med[p[1] " null"]; dk = med[p[1] " opendkim"]
		printf "%s\t%s\t%.1f\t%.1f\t%.1f\t%s\t%s\n", p[1], p[2], med[k],
		    mn[k], mx[k], nl ? sprintf("%.3f", med[k] / nl) : "-",
		    dk ? sprintf("%.3f", med[k] / dk) : "-"
	}
}' "$T/results" | sort >"$T/table"
cat "$T/table"
pass "benchmark ran $ROUNDS rounds of $(echo "$pairs" | wc -l) pairs x $N messages"
