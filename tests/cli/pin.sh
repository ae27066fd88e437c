#!/bin/sh
# tests/cli/pin.sh - pinctl pin set/issue/verify and unlock: PIN input
# rules (stdin only, exactly 6 digits), every pin verify exit status,
# lockout after MaxFailures, unlock, and no PIN in the audit.
. "$top_srcdir/tests/lib.sh"

one_error() {
	case "$err" in
	"pinctl: "*) is "$(printf '%s\n' "$err" | wc -l)" 1 "$1: one error line" ;;
	*) fail "$1: one error line"; diag "stderr: $err" ;;
	esac
}

new_instance
echo "MaxFailures	3" >>"$CONF"
P() { "$PINCTL" -c "$CONF" "$@"; }
P account add acme >/dev/null
P user add bob@example.com --account acme >/dev/null
P user add carol@example.com --account acme >/dev/null
P user add dan@example.com --account acme >/dev/null

# --- pin set: input rules ---
run_in "482913
" P pin set bob@example.com
expect_rc 0 "pin set"
is "$out" "PIN set for bob@example.com" "pin set output"
is "$err" "" "pin set: nothing on stderr"
# table: input | want rc | description
while IFS='|' read -r input want desc; do
	# shellcheck disable=SC2059
	run sh -c 'printf "$1" | "$2" -c "$3" pin set carol@example.com' sh \
	    "$input" "$PINCTL" "$CONF"
	expect_rc "$want" "pin set: $desc"
	[ "$want" -eq 1 ] && is "$err" "pinctl: pin set: the PIN must be exactly 6 digits" "pin set: $desc: message"
done <<'EOF'
12345\n|1|5 digits
1234567\n|1|7 digits
abcdef\n|1|letters
12a456\n|1|a letter inside
\n|1|empty line
|1|no input at all
123 456\n|1|a space inside
 123456\n|1|a leading space
123456 \n|1|a trailing space
１２３４５６\n|1|full-width digits
123456\n\n|0|an extra newline after the line
123456|0|no final newline
123456\r\n|0|CRLF
EOF
run_in "$(head -c 200 /dev/zero | tr '\0' '1')" P pin set carol@example.com
expect_rc 1 "pin set: a very long line"
run P pin set carol@example.com 482913
expect_rc 2 "pin set never takes a PIN argument"
lacks "$err" "482913" "the stray argument is not echoed"
run_in "482913
" P pin set carol@example.com --pin=482913
expect_rc 2 "pin set: no --pin option"
lacks "$err" "482913" "the stray option value is not echoed"
run_in "111111
" P pin set nobody@example.com
expect_rc 1 "pin set for an unknown user"
is "$err" "pinctl: pin set: unknown user nobody@example.com" "unknown user message"
run P pin set
expect_rc 2 "pin set without an address"

# --- pin verify: every exit status ---
run_in "482913
" P pin verify bob@example.com
expect_rc 0 "pin verify: right PIN"
is "$out" "PIN verified for bob@example.com" "pin verify output"
run_in "482913
" P pin verify BOB@EXAMPLE.COM
expect_rc 0 "pin verify: address in another case"
run_in "111111
" P pin verify bob@example.com
expect_rc 1 "pin verify: wrong PIN"
is "$err" "pinctl: pin verify: wrong PIN for bob@example.com" "wrong PIN message"
run_in "482913
" P pin verify nobody@example.com
expect_rc 4 "pin verify: unknown user"
one_error "unknown user"
run_in "482913
" P pin verify dan@example.com
expect_rc 1 "pin verify: user without a PIN"
contains "$err" "has no PIN yet" "no PIN message"
run_in "4829
" P pin verify bob@example.com
expect_rc 1 "pin verify: malformed PIN"
run P pin verify bob@example.com 482913
expect_rc 2 "pin verify: PIN argument refused"
run P pin verify
expect_rc 2 "pin verify: no address"
sed "s|^KeyFile[[:space:]].*|KeyFile $T/missing.key|" "$CONF" >"$T/nokey.conf"
run_in "482913
" "$PINCTL" -c "$T/nokey.conf" pin verify bob@example.com
expect_rc 2 "pin verify: missing key file"

# --- lockout after MaxFailures (3) ---
run_in "482913
" P pin verify bob@example.com
expect_rc 0 "a success resets the counter"
for i in 1 2; do
	run_in "111111
" P pin verify bob@example.com
	expect_rc 1 "failure $i"
done
run_in "111111
" P pin verify bob@example.com
expect_rc 1 "failure 3 (locks)"
contains "$err" "now locked until" "failure 3 says locked"
run_in "482913
" P pin verify bob@example.com
expect_rc 3 "locked: right PIN refused"
contains "$err" "pinctl: pin verify: bob@example.com is locked until 20" "locked message"
one_error "locked"
run P user show bob@example.com
contains "$out" "locked: until 20" "user show shows the lock"
run P user list
contains "$(printf '%s\n' "$out" | grep '^bob')" "until 20" "user list LOCKED column"
run P unlock bob@example.com
expect_rc 0 "unlock"
is "$out" "user bob@example.com unlocked" "unlock output"
run_in "482913
" P pin verify bob@example.com
expect_rc 0 "verified after unlock"
run P unlock nobody@example.com
expect_rc 1 "unlock an unknown user"
run P unlock bob@example.com
expect_rc 0 "unlock a user who is not locked"
contains "$out" "(was not locked)" "unlock says not locked"

# pin set clears a lock
for i in 1 2 3; do run_in "222222
" P pin verify bob@example.com; done
run_in "482913
" P pin verify bob@example.com
expect_rc 3 "locked again"
run_in "739164
" P pin set bob@example.com
expect_rc 0 "pin set on a locked user"
run_in "739164
" P pin verify bob@example.com
expect_rc 0 "pin set cleared the lock"
run_in "482913
" P pin verify bob@example.com
expect_rc 1 "old PIN no longer works"

# --- pin issue ---
run P pin issue carol@example.com --print
expect_rc 0 "pin issue --print"
case "$out" in
[0-9][0-9][0-9][0-9][0-9][0-9]) pass "pin issue prints only six digits" ;;
*) fail "pin issue prints only six digits"; diag "out: $out" ;;
esac
is "$(P pin issue carol@example.com --print | od -c | head -1 | awk '{print NF}')" 8 "pin issue: the PIN and one newline"
issued=$(P pin issue carol@example.com --print)
run_in "$issued
" P pin verify carol@example.com
expect_rc 0 "issued PIN verifies"
run P pin issue --print carol@example.com
expect_rc 0 "pin issue, option first"
other=$out
run_in "$issued
" P pin verify carol@example.com
expect_rc 1 "the previous issued PIN is replaced"
run P pin issue carol@example.com --send
expect_rc 0 "pin issue --send"
is "$out" "new PIN for carol@example.com queued for delivery to the address on file" \
    "--send message"
lacks "$out$err" "$other" "--send shows no PIN"
run_in "$other
" P pin verify carol@example.com
expect_rc 1 "--send replaced the PIN issued before"
run P outbox list
contains "$out" "pin-delivery" "--send queued a pin-delivery notice"
contains "$out" "carol@example.com" "... to the address on file"
if command -v sqlite3 >/dev/null; then
	# a sealed row: none of the notice's own text (its header names, the
	# word PIN) can be read in it
	hexa=$(printf 'Auto-Submitted' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
	is "$(sqlite3 "$T/inst/pinmilter.db" "select count(*) from outbox where kind='pin-delivery' and instr(hex(message), '$hexa') = 0 and length(message) > 200")" 1 \
	    "the queued PIN delivery is sealed (no clear text in the row)"
fi
sed "s|^TemplateDir.*|TemplateDir	$T/no-templates|" "$CONF" >"$T/notmpl.conf"
run "$PINCTL" -c "$T/notmpl.conf" pin issue carol@example.com --send
expect_rc 2 "pin issue --send without templates"
contains "$err" "pinctl: pin issue: cannot build the notice: TemplateDir $T/no-templates/en: no such directory" \
    "--send without templates says why"
run P pin issue carol@example.com
expect_rc 2 "pin issue without --print"
run P pin issue carol@example.com --print --send
expect_rc 2 "pin issue with both"
run P pin issue nobody@example.com --print
expect_rc 1 "pin issue for an unknown user"
is "$out" "" "pin issue for an unknown user prints no PIN"

# --- audit: actions recorded, no PIN ---
run P audit
for a in pin.set pin.issue pin.verify unlock; do
	contains "$out" " $a " "audit has $a"
done
all="$out
$(P audit --json)"
for pin in 482913 739164 222222 111111 "$issued" "$other"; do
	lacks "$all" "$pin" "audit never shows PIN $pin"
done
contains "$(P audit --user bob@example.com)" "phone/chat" "pin verify audited with channel phone/chat"

# --- the prompt on a terminal: no echo, echo restored on ^C ---
cat >"$T/tty_prompt.py" <<'EOF'
import os, pty, sys, time, termios, signal
# usage: tty_prompt.py MODE PINCTL ARGS...   MODE: type:PIN or interrupt
mode, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
def read_some(t=0.5):
    out = b""
    end = time.time() + t
    while time.time() < end:
        try:
            import select
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                d = os.read(fd, 1000)
                if not d: break
                out += d
        except OSError:
            break
    return out
out = read_some(0.5)
if mode.startswith("type:"):
    os.write(fd, mode[5:].encode() + b"\n")
    out += read_some(0.8)
    st = os.waitpid(pid, 0)[1]
    print("exit=%d" % (os.waitstatus_to_exitcode(st)))
else:
    echo_during = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    os.kill(pid, signal.SIGINT)
    st = os.waitpid(pid, 0)[1]
    echo_after = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    print("echo-during=%s echo-after=%s signal=%d" % (echo_during, echo_after, -os.waitstatus_to_exitcode(st)))
print("output=%r" % out.decode(errors="replace"))
EOF
if python3 -c 'import pty, termios' 2>/dev/null; then
	run python3 "$T/tty_prompt.py" type:739164 "$PINCTL" -c "$CONF" pin verify bob@example.com
	contains "$out" "exit=0" "terminal: PIN typed at the prompt verifies"
	contains "$out" "output='PIN: " "terminal: prompt shown"
	lacks "$out" "739164" "terminal: the PIN is not echoed"
	run python3 "$T/tty_prompt.py" interrupt "$PINCTL" -c "$CONF" pin verify bob@example.com
	is "$(printf '%s\n' "$out" | head -1)" "echo-during=False echo-after=True signal=2" \
	    "terminal: echo off at the prompt, back on after ^C"
else
	skip "terminal prompt: python3 pty module missing"
fi
