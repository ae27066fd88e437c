#!/bin/sh
# tests/e2e/pg.sh - two gateways, one PostgreSQL database: two private
# Postfix instances (A and B), each with its own pinmilter, both with
# Database = one private PostgreSQL server (tests/pg.sh) and the same
# KeyFile, as two MX hosts of one domain would run.
#
# 1. three wrong PIN guesses through A and three through B, MaxFailures
#    5: the user is locked ("pinctl pin verify" exits 3 on either);
# 2. 20 messages at once, 10 through each gateway: 20 distinct case
#    numbers;
# 3. a verification request for a case opened through A, answered with
#    the PIN through B: that case is authenticated; the request notice
#    was sent once (both outbox workers run);
# 4. PostgreSQL stopped: each gateway tempfails (OnInternalError) and
#    logs one line however many messages fail; started again: mail flows
#    (reconnect); and a load across a restart: every accepted message is
#    delivered with a verdict, only tempfails otherwise.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"
. "$top_srcdir/tests/pg.sh"

pf_require
if ! pg_start; then
	skip "PostgreSQL server binaries not installed (Debian package postgresql)"
	exit 0
fi

# --- the two gateways: each its Postfix, sink, pinmilter, config ---
GW_VARS="PF PF_SINK PF_PORT PF_SINK_PORT PF_SINK_PID PM_PID PM_SOCKET CONF"
# gw NAME: make gateway NAME the one postfix.sh's helpers act on.
GW=
gw() {
	if [ -n "$GW" ]; then
		for _v in $GW_VARS; do eval "GW_${GW}_$_v=\${$_v}"; done
	fi
	GW=$1
	for _v in $GW_VARS; do eval "$_v=\${GW_${GW}_$_v:-}"; done
}
gw_cleanup() {
	for _g in A B; do
		gw "$_g"
		pm_stop
		pf_stop
		[ -z "$PF_SINK_PID" ] || { kill "$PF_SINK_PID" 2>/dev/null; wait "$PF_SINK_PID" 2>/dev/null; }
		PF_SINK_PID=
	done
}

gw_setup() {
	gw "$1"
	PF=$T/pf$1
	PF_SINK=$T/sink$1
	CONF=$T/gw$1/pinmilter.conf
	mkdir -p "$T/gw$1/notices"
	cat >"$T/gw$1/mailer" <<'MAILER'
#!/bin/sh
# stand-in Mailer: keep the notice, succeed
cat >"$(dirname "$0")/notices/notice.$$.$(date +%s%N)"
MAILER
	chmod 755 "$T/gw$1/mailer"
	cat >"$CONF" <<CONF
Socket		unix:$T/gw$1/milter.sock
Database	$PGURI
KeyFile		$T/shared.key
SupportAddress	support@example.com
AuthservID	mx.example.com
PidFile		$T/gw$1/pinmilter.pid
LogFile		$T/gw$1/pinmilter.log
TemplateDir	$top_srcdir/conf/templates
Mailer		$T/gw$1/mailer -t -i
MaxFailures	5
DatabaseTimeout	5s
CONF
}
gw_setup A
gw_setup B
at_exit gw_cleanup
gw A
run "$PINCTL" -c "$CONF" init
expect_rc 0 "pinctl init through gateway A's configuration"
pinctl() { "$PINCTL" -c "$CONF" "$@"; }
{ pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme --name "Bob" &&
    echo 482913 | pinctl pin set bob@acme.example &&
    pinctl user add alice@acme.example --account Acme --name "Alice" &&
    echo 357159 | pinctl pin set alice@acme.example &&
    pinctl user add carol@acme.example --account Acme --name "Carol" &&
    echo 640218 | pinctl pin set carol@acme.example &&
    pinctl user add dave@acme.example --account Acme --name "Dave"; } >/dev/null ||
    { fail "database set up"; exit 1; }
for g in A B; do
	gw "$g"
	pm_start || { fail "pinmilter $g starts"; exit 1; }
	pf_start "$PM_SOCKET" || { fail "postfix $g starts"; exit 1; }
done
pass "two gateways up on one database"

# send G FROM FILE: submit FILE through gateway G; $pf_rc.
send() {
	gw "$1"
	pf_send "$2" support@example.com "$3"
}
# verdict G TEXT: "AUTH CASE" of the message holding TEXT delivered by G.
verdict() {
	gw "$1"
	_f=$(pf_delivered_file "$2")
	[ -n "$_f" ] || { echo "(not delivered)"; return; }
	printf '%s %s\n' "$(pf_header X-Support-Auth <"$_f")" \
	    "$(pf_header X-Support-Case <"$_f" | sed 's/^ *//')"
}
# wait_both N: both sinks together hold N messages, queues empty.
wait_both() {
	_k=600
	while [ "$_k" -gt 0 ]; do
		_t=0
		for _g in A B; do
			gw "$_g"
			[ "$(pf_queue_count)" -eq 0 ] || _t=-100000
			_t=$((_t + $(pf_count)))
		done
		[ "$_t" -ge "$1" ] && return 0
		sleep 0.1
		_k=$((_k - 1))
	done
	return 1
}
delivered=0
notices() { find "$T/gwA/notices" "$T/gwB/notices" -type f | wc -l | tr -d ' '; }

# --- 1. 3 wrong guesses through A, 3 through B, MaxFailures 5 ---
i=0
for g in A A A B B B; do
	i=$((i + 1))
	cat >"$T/guess$i.eml" <<EOF
From: Alice <alice@acme.example>
To: support@example.com
Subject: my invoice $i
Message-ID: <guess-$i@acme.example>

Hello, what about my invoice?

PIN: 11111$i

Alice
EOF
	send "$g" alice@acme.example "$T/guess$i.eml"
	is "$pf_rc" 0 "guess $i through $g accepted"
	delivered=$((delivered + 1))
	wait_both "$delivered" || fail "guess $i delivered"
done
# xpin G TEXT: the x-pin= result of the message holding TEXT delivered by G.
xpin() {
	gw "$1"
	pf_header Authentication-Results <"$(pf_delivered_file "$2")" |
	    sed -n 's/.*x-pin=\([a-z]*\).*/\1/p'
}
is "$(xpin A '<guess-1@acme.example>')" "fail" "guess 1 through A: x-pin=fail"
is "$(xpin B '<guess-4@acme.example>')" "fail" "guess 4 through B: x-pin=fail"
is "$(xpin B '<guess-6@acme.example>')" "fail" "guess 6 through B: x-pin=fail"
is "$(pg_sql "SELECT count(*) FROM audit WHERE action = 'pin.verify' AND email = 'alice@acme.example' AND result <> 'pass'")" \
    "6" "six failed guesses in the one audit"
for g in A B; do
	gw "$g"
	run_in '357159
' "$PINCTL" -c "$CONF" pin verify alice@acme.example
	expect_rc 3 "alice locked after 3 + 3 wrong guesses across the gateways (pin verify through $g)"
done

# --- 2. 20 messages at once, 10 through each gateway ---
pids=
for i in $(seq 1 20); do
	if [ $((i % 2)) -eq 0 ]; then g=A; else g=B; fi
	gw "$g"
	cat >"$T/load$i.eml" <<EOF
From: Bob <bob@acme.example>
To: support@example.com
Subject: question $i
Message-ID: <load-$i@acme.example>

Hello, a question about line $i, please call me back.

Bob
EOF
	head -c -1 "$T/load$i.eml" >"$T/load$i.data"
	swaks --server "127.0.0.1:$PF_PORT" --helo client.test --from bob@acme.example \
	    --to support@example.com --data "@$T/load$i.data" --suppress-data \
	    --timeout 120 >"$T/load$i.swaks" 2>&1 &
	pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
is "$bad" 0 "20 concurrent messages accepted (10 through each gateway)"
delivered=$((delivered + 20))
wait_both "$delivered" || fail "20 messages delivered"
cases=
for i in $(seq 1 20); do
	if [ $((i % 2)) -eq 0 ]; then g=A; else g=B; fi
	cases="$cases $(verdict "$g" "<load-$i@acme.example>" | cut -d' ' -f2)"
done
is "$(printf '%s\n' $cases | grep -c '^[0-9][0-9]*$')" 20 "every one of the 20 has a case number"
is "$(printf '%s\n' $cases | sort -u | wc -l | tr -d ' ')" 20 "20 distinct case numbers"
is "$(pg_sql "SELECT count(DISTINCT number) FROM cases WHERE subject LIKE 'question %'")" 20 \
    "20 cases stored"

# --- 3. a request opened through A, answered through B ---
before=$(notices)
cat >"$T/req.eml" <<'EOF'
From: Carol <carol@acme.example>
To: support@example.com
Subject: Forwarding
Message-ID: <req-c@acme.example>

Hello,

please forward line 2 to my mobile from tomorrow on.

Carol
EOF
send A carol@acme.example "$T/req.eml"
is "$pf_rc" 0 "request through A accepted"
delivered=$((delivered + 1))
wait_both "$delivered" || fail "request delivered"
set -- $(verdict A '<req-c@acme.example>')
is "${1:-}" "verification-requested" "request through A: verification requested"
CASE=${2:-none}
k=100
while [ "$k" -gt 0 ] && [ "$(notices)" -le "$before" ]; do sleep 0.1; k=$((k - 1)); done
NF=$(grep -l "X-Support-Notice: verification-request" -r "$T/gwA/notices" "$T/gwB/notices" | xargs grep -l "Case #$CASE\]" | head -1)
[ -n "$NF" ] && pass "the verification request notice was sent" || fail "the verification request notice was sent"
NID=$(pf_header Message-ID <"$NF" | sed 's/^ *//')
cat >"$T/ans.eml" <<EOF
From: Carol <carol@acme.example>
To: support@example.com
Subject: Re: [Case #$CASE] Please confirm your request with your PIN
Message-ID: <answer-1@acme.example>
In-Reply-To: $NID
References: <req-c@acme.example> $NID

640218

Carol
EOF
send B carol@acme.example "$T/ans.eml"
is "$pf_rc" 0 "answer through B accepted"
delivered=$((delivered + 1))
wait_both "$delivered" || fail "answer delivered"
is "$(verdict B '<answer-1@acme.example>')" "authenticated $CASE" \
    "the answer through B authenticates the case opened through A"
is "$(pg_sql "SELECT state FROM cases WHERE number = $CASE")" "authenticated" "case $CASE authenticated"
sleep 6		# both outbox workers have run a round since
is "$(grep -l "Case #$CASE\]" -r "$T/gwA/notices" "$T/gwB/notices" | wc -l | tr -d ' ')" 1 \
    "the request's notice was sent once by the two gateways"
is "$(pg_sql "SELECT count(*) FROM outbox WHERE case_number = $CASE AND sent_at IS NOT NULL")" 1 \
    "one outbox row for it, sent"

# --- 4. PostgreSQL down, then back ---
sed 's/<req-c@/<req-1@/; s/carol@/dave@/; s/Carol/Dave/' "$T/req.eml" >"$T/dave.eml"
pg_stop
for g in A B; do
	for i in 1 2 3; do
		sed "s/<req-1@/<down-$g$i@/; s/Forwarding/down $g$i/" "$T/dave.eml" >"$T/down.eml"
		send "$g" dave@acme.example "$T/down.eml"
		case "$pf_out" in
		*"451 4.3.0"*"temporary failure"*) r=tempfail ;;
		*) r="rc=$pf_rc" ;;
		esac
		is "$r" tempfail "database down: message $i through $g tempfailed"
	done
	is "$(grep -c 'error: .*the OnInternalError action' "$T/gw$g/pinmilter.log")" 1 \
	    "database down: gateway $g logged one line for three messages"
done
pg_ctl_start || { fail "PostgreSQL starts again"; exit 1; }
for g in A B; do
	sed "s/<req-1@/<back-$g@/; s/Forwarding/back $g/" "$T/dave.eml" >"$T/back.eml"
	send "$g" dave@acme.example "$T/back.eml"
	is "$pf_rc" 0 "database back: accepted through $g (reconnected)"
	delivered=$((delivered + 1))
done
wait_both "$delivered" || fail "delivered after the restart"
# has_verdict G TEXT: 0 when the message was delivered with X-Support-Auth.
has_verdict() {
	_v=$(verdict "$1" "$2")
	[ "$_v" != "(not delivered)" ] && [ -n "${_v%% *}" ]
}
has_verdict A '<back-A@acme.example>' && pass "after the restart through A: delivered with a verdict" ||
    fail "after the restart through A: delivered with a verdict"
has_verdict B '<back-B@acme.example>' && pass "after the restart through B: delivered with a verdict" ||
    fail "after the restart through B: delivered with a verdict"

# a load across a restart: 2 x 12 messages, one every 0.2 s per gateway
load() {
	gw "$1"
	for i in $(seq 1 12); do
		sed "s/<req-1@/<rl-$1$i@/; s/Forwarding/restart load $1$i/" "$T/dave.eml" |
		    head -c -1 >"$T/rl$1$i.data"
		swaks --server "127.0.0.1:$PF_PORT" --helo client.test --from dave@acme.example \
		    --to support@example.com --data "@$T/rl$1$i.data" --suppress-data \
		    --timeout 120 >"$T/rl$1$i.swaks" 2>&1
		sleep 0.2
	done
}
load A & la=$!
load B & lb=$!
sleep 0.8
pg_restart || fail "PostgreSQL restarted during the load"
wait "$la" "$lb"
acc=0 tf=0 other=0
for g in A B; do
	for i in $(seq 1 12); do
		if grep -q '^ *<- *250 .*queued as' "$T/rl$g$i.swaks"; then
			acc=$((acc + 1))
			echo "$g $i" >>"$T/rl.accepted"
		elif grep -q '451 4.3.0' "$T/rl$g$i.swaks"; then
			tf=$((tf + 1))
		else
			other=$((other + 1))
		fi
	done
done
diag "restart under load: $acc accepted, $tf tempfailed"
is "$other" 0 "restart under load: every message accepted or tempfailed, nothing else"
ok_v=0
delivered=$((delivered + acc))
wait_both "$delivered" || fail "restart under load: every accepted message delivered"
while read -r g i; do
	has_verdict "$g" "<rl-$g$i@acme.example>" && ok_v=$((ok_v + 1))
done <"$T/rl.accepted"
is "$ok_v" "$acc" "restart under load: every accepted message delivered with a verdict"
