#!/bin/sh
# tests/bench/postfix_overhead.sh - what pinmilter costs a real Postfix.
#
# One private Postfix (tests/e2e/postfix.sh) with two smtpd listeners: one
# without milters, one with pinmilter.  smtp-source sends N messages of
# SIZE bytes over SESSIONS parallel sessions to each of three
# configurations, interleaved over ROUNDS rounds (order rotated each
# round, so drift on a noisy machine hits all of them alike):
#
#   none         no milter
#   pm-out       pinmilter, recipient out of scope (other@example.org)
#   pm-support   pinmilter, recipient support@example.com (in scope)
#
# It prints, per configuration, messages per second accepted (smtp-source's
# wall time) and delivered (until smtp-sink holds them all and the queue
# is empty), summed over the rounds, and the ratio to "none".
#
# Not part of make check.  Run from a build directory as root:
#   top_srcdir=/path/to/src tests/bench/postfix_overhead.sh
# or with PINMILTER/PINCTL pointing at the built programs.
# Knobs: N (500), SIZE (5120), SESSIONS (10), ROUNDS (3).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

N=${N:-500}
SIZE=${SIZE:-5120}
SESSIONS=${SESSIONS:-10}
ROUNDS=${ROUNDS:-3}

pf_require
command -v smtp-source >/dev/null 2>&1 || { skip "smtp-source missing"; exit 0; }
new_instance
pm_start || { fail "pinmilter starts"; exit 1; }
NOMILTER_PORT=$(pf_free_port)
PF_MASTER_EXTRA="127.0.0.1:$NOMILTER_PORT inet n - n - - smtpd -o smtpd_milters="
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

now() { date +%s.%N; }

# send PORT RCPT COUNT: $acc_s and $del_s, the seconds to accept and to
# deliver COUNT messages; 1 when a step fails.
send() {
	_before=$(pf_count)
	_t0=$(now)
	smtp-source -s "$SESSIONS" -m "$3" -l "$SIZE" -f bench@client.test \
	    -t "$2" "127.0.0.1:$1" >"$T/source.log" 2>&1 ||
	    { diag "smtp-source failed:" "$(tail -n 5 "$T/source.log")"; return 1; }
	_t1=$(now)
	pf_wait_delivered $((_before + $3)) 300 || { pf_log; return 1; }
	_t2=$(now)
	acc_s=$(echo "$_t0 $_t1" | awk '{ printf "%.4f", $2 - $1 }')
	del_s=$(echo "$_t0 $_t2" | awk '{ printf "%.4f", $2 - $1 }')
}

config() {		# config NAME: its port and recipient
	case "$1" in
	none)		echo "$NOMILTER_PORT other@example.org" ;;
	pm-out)		echo "$PF_PORT other@example.org" ;;
	pm-support)	echo "$PF_PORT support@example.com" ;;
	esac
}

CONFIGS="none pm-out pm-support"

# Prove the wiring: with pinmilter down, only the milter listener fails.
pm_stop
printf 'Subject: wiring\n\ncheck\n' >"$T/wiring.eml"
pf_send bench@client.test other@example.org "$T/wiring.eml"
pf_is "$pf_rc" 23 "milter listener tempfails without pinmilter"
milter_port=$PF_PORT
PF_PORT=$NOMILTER_PORT
pf_send bench@client.test other@example.org "$T/wiring.eml"
PF_PORT=$milter_port
pf_is "$pf_rc" 0 "no-milter listener accepts without pinmilter"
pm_start || { fail "pinmilter restarts"; exit 1; }

# Warm up: Postfix starts its smtpd and smtp processes on demand.
for c in $CONFIGS; do
	# shellcheck disable=SC2046
	send $(config "$c") 50 || { fail "warm-up $c"; exit 1; }
done

echo "# $N messages x $SIZE bytes, $SESSIONS sessions, $ROUNDS rounds"
echo "# round config       accept/s deliver/s"
: >"$T/results"
r=1
order=$CONFIGS
while [ "$r" -le "$ROUNDS" ]; do
	for c in $order; do
		# shellcheck disable=SC2046
		send $(config "$c") "$N" || { fail "round $r $c"; exit 1; }
		echo "$c $acc_s $del_s" >>"$T/results"
		echo "$r $c $acc_s $del_s" | awk -v n="$N" \
		    '{ printf "# %5d %-12s %8.1f %9.1f\n", $1, $2, n / $3, n / $4 }'
	done
	order=$(echo "$order" | awk '{ for (i = 2; i <= NF; i++) printf "%s ", $i; print $1 }')
	r=$((r + 1))
done

echo "# over all rounds:"
echo "# config       accept/s deliver/s  accept-ratio deliver-ratio (to none)"
awk -v n="$N" -v cfgs="$CONFIGS" '
{ acc[$1] += $2; del[$1] += $3; cnt[$1]++ }
END {
	k = split(cfgs, c, " ")
	for (i = 1; i <= k; i++) {
		a = cnt[c[i]] * n / acc[c[i]]; d = cnt[c[i]] * n / del[c[i]]
		if (i == 1) { a0 = a; d0 = d }
		printf "# %-12s %8.1f %9.1f %13.2f %13.2f\n", c[i], a, d, a / a0, d / d0
	}
}' "$T/results"
pass "benchmark ran $ROUNDS rounds of 3 x $N messages"
