#!/bin/sh
# tests/cli/stats.sh - pinctl stats: exact figures after a known day of
# traffic through `pinmilter -t` and pinctl, as text, --json and
# --prometheus; a window that starts later counts nothing but the
# backlog; bad options are refused.
. "$top_srcdir/tests/lib.sh"

new_instance
conf_set MaxFailures 3
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add "Acme" >/dev/null &&
    P user add bob@acme.example --account Acme >/dev/null &&
    P user add dave@acme.example --account Acme >/dev/null &&
    printf '482913\n' | P pin set bob@acme.example >/dev/null &&
    printf '246802\n' | P pin set dave@acme.example >/dev/null
then
	pass "users set up"
else
	fail "users set up"
	exit 1
fi

# mail N FROM BODY: message N through pinmilter -t.
mail() {
	printf 'From: %s\nTo: support@example.com\nSubject: Stats %s\nMessage-ID: <stats-%s@example.org>\n\n%s\n' \
	    "$2" "$1" "$1" "$3" >"$T/m$1.eml"
	"$PINMILTER" -c "$CONF" -t "$T/m$1.eml" >/dev/null 2>&1 ||
	    fail "message $1 processed"
}
# 1: right PIN (pass); 2: wrong PIN, a change request (fail, a
# verification request queued); 3: a stranger (none, nothing queued);
# 4: bob lost his PIN (none, a PIN delivery queued).
mail 1 bob@acme.example "Please reset line 3. My PIN is 482913."
mail 2 bob@acme.example "Please reset line 4. My PIN is 111111."
mail 3 stranger@example.net "Please reset line 5."
mail 4 bob@acme.example "I have lost my PIN, please send me a new one."
# dave: three wrong PINs by pinctl lock him (one lockout).
for i in 1 2 3; do printf '999999\n' | P pin verify dave@acme.example >/dev/null 2>&1; done

run P stats
expect_rc 0 "stats"
is "$(printf '%s\n' "$out" | sed 1d)" "messages               4
  x-pin=fail           1
  x-pin=none           2
  x-pin=pass           1
verifications          5
wrong PINs             4
lockouts               1
lost-PIN requests      1
notices queued         2
notices sent           0
notices given up       0
notices refused        0
cases opened           4
outbox backlog         2
oldest queued          $(P outbox list --json | python3 -c 'import json,sys; print(min(n["created"] for n in json.load(sys.stdin)))')" \
    "stats: the day's figures, exactly"
contains "$(printf '%s\n' "$out" | head -n 1)" "since " "the window is named"

run P stats --json
expect_rc 0 "stats --json"
is "$(printf '%s\n' "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["messages"], d["messages_by_result"], d["verifications"], d["wrong_pins"],
      d["lockouts"], d["lost_pin_requests"], d["notices_queued"], d["notices_sent"],
      d["notices_given_up"], d["cases_opened"], d["outbox_backlog"],
      d["outbox_oldest_age_seconds"] >= 0)')" \
    "4 {'fail': 1, 'none': 2, 'pass': 1} 5 4 1 1 2 0 0 4 2 True" \
    "stats --json: the same figures"

run P stats --prometheus
expect_rc 0 "stats --prometheus"
is "$(printf '%s\n' "$out" | grep -v '^#' | grep -v oldest_age | grep -v window_seconds)" \
'pinmilter_messages{result="fail"} 1
pinmilter_messages{result="none"} 2
pinmilter_messages{result="pass"} 1
pinmilter_verifications 5
pinmilter_wrong_pins 4
pinmilter_lockouts 1
pinmilter_lost_pin_requests 1
pinmilter_notices_queued 2
pinmilter_notices_sent 0
pinmilter_notices_given_up 0
pinmilter_notices_refused 0
pinmilter_cases_opened 4
pinmilter_outbox_backlog 2' "stats --prometheus: the same figures as samples"
is "$(printf '%s\n' "$out" | grep -c '^# TYPE pinmilter_[a-z_]* gauge$')" 13 \
    "stats --prometheus: every metric typed (13 gauges)"
is "$(printf '%s\n' "$out" | sed -n 's/^pinmilter_stats_window_seconds //p')" 86400 \
    "stats --prometheus: the default window is a day"

run P stats --since 2099-01-01 --json
expect_rc 0 "stats --since in the future"
is "$(printf '%s\n' "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["messages"], d["verifications"], d["cases_opened"], d["notices_queued"], d["outbox_backlog"])')" \
    "0 0 0 0 2" "a later window counts nothing, the backlog is now"

run P stats --json --prometheus
expect_rc 2 "--json with --prometheus"
contains "$err" "--json and --prometheus exclude each other" "and says why"
run P stats --since yesterday
expect_rc 2 "--since yesterday"
contains "$err" "--since needs a duration" "and says what it needs"
lacks "$(P stats; P stats --json; P stats --prometheus)" "482913" "no PIN in any output"
