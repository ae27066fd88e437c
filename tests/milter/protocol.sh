#!/bin/sh
# tests/milter/protocol.sh - the milter protocol, driven by miltertest:
# runs the protocol t-*.lua scripts against one running pinmilter, then
# checks what it logged; then t-route.lua against one with
# VerifiedRecipient set.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
new_instance
. "$top_srcdir/tests/milter/daemon-lib.sh"

if [ -z "$MILTERTEST" ]; then
	skip "miltertest is not installed"
	exit 0
fi

start_milter
if [ -S "$SOCK" ]; then pass "pinmilter listens on $SOCK"; else
	fail "pinmilter listens on $SOCK"; diag "$(cat "$T/milter.log")"; exit 1
fi

for lua in t-negotiate t-scope-out t-scope-in t-abort t-many; do
	lua="$top_srcdir/tests/milter/$lua.lua"
	miltertest_run "$lua"
	if [ "$rc" -eq 0 ]; then pass "$(basename "$lua")"; else
		fail "$(basename "$lua"): miltertest exit $rc"; diag "$out" "$err"
	fi
done

stop_milter TERM
is "$mrc" 0 "SIGTERM stops pinmilter with status 0"

# One verdict line per in-scope message that reached EOM, none for the rest.
got=$(sed -n "s/${STAMP}pinmilter: \\([^ :]*\\): from=<customer@example.org> auth=unverified .*/\\1/p" \
    "$T/milter.log" | sort | tr '\n' ' ')
is "$got" "Q-AB-5 Q-IN-1 Q-IN-2 Q-IN-3 Q-IN-4 Q-MANY-2 Q-MANY-4 Q-MANY-5 " \
    "exactly the in-scope messages were handed to the pipeline"
log=$(cat "$T/milter.log")
lacks "$log" "error" "no error logged"
lacks "$log" "Q-OUT" "out-of-scope mail logs nothing at info level"

# VerifiedRecipient: the recipient actions, and outsiders refused
conf_set VerifiedRecipient verified@example.com
start_milter
miltertest_run "$top_srcdir/tests/milter/t-route.lua"
if [ "$rc" -eq 0 ]; then pass "t-route.lua"; else
	fail "t-route.lua: miltertest exit $rc"; diag "$out" "$err"
fi
stop_milter TERM
is "$(grep -c 'Q-ROUTE-[1-4]: rejected: addressed to the VerifiedRecipient' \
    "$T/milter.log")" 4 "each refusal logged once"
