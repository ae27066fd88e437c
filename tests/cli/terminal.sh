#!/bin/sh
# tests/cli/terminal.sh - a customer's subject never reaches an
# administrator's terminal or a JSON reader raw: C1 controls (an 8-bit
# CSI), bidirectional overrides and isolates, U+2028/U+2029.  Cleaned
# once where it is stored (through `pinmilter -t`), and escaped by pinctl
# when printing (a row written by an older version, put in the database
# directly here, still prints safely): tables and `case show` with
# U+FFFD or a space, --json with \u escapes.
. "$top_srcdir/tests/lib.sh"

new_instance
P() { "$PINCTL" -c "$CONF" "$@"; }
P account add Acme >/dev/null && P user add bob@acme.example --account Acme >/dev/null ||
    { fail "set up"; exit 1; }

# unsafe: does stdin hold a character a terminal or reader must not get?
unsafe() {
	python3 -c 'import sys
t = sys.stdin.buffer.read().decode("utf-8", "replace")
bad = [c for c in t if (ord(c) < 0x20 and c not in "\n") or 0x7f <= ord(c) <= 0x9f
       or ord(c) in (0x61c, 0x200e, 0x200f) or 0x2028 <= ord(c) <= 0x202e
       or 0x2066 <= ord(c) <= 0x2069]
print(" ".join("U+%04X" % ord(c) for c in bad) or "none")'
}

# A subject with an 8-bit CSI, an RLO, an isolate and a line separator,
# in an RFC 2047 encoded-word (UTF-8, base64).
subj=$(python3 -c 'import base64
s = "Invoice \u202eexe.fdp \u009b2J done\u2028next \u2066x\u2069"
print("=?UTF-8?B?%s?=" % base64.b64encode(s.encode()).decode())')
printf 'From: bob@acme.example\nTo: support@example.com\nSubject: %s\nMessage-ID: <t1@acme.example>\n\nA question about my invoice.\n' \
    "$subj" >"$T/m1.eml"
run "$PINMILTER" -c "$CONF" -t "$T/m1.eml"
expect_rc 0 "the message is processed"

stored=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT subject FROM cases WHERE number = 100000").fetchone()[0])' "$T/inst/pinmilter.db")
is "$(printf '%s\n' "$stored" | unsafe)" none "stored subject: no unsafe character"
is "$stored" "Invoice �exe.fdp  2J done next �x�" \
    "stored subject: overrides made U+FFFD, C1 and separators spaces"

# A row as an older version stored it: raw unsafe characters.
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO cases (number, email, subject, state, opened) VALUES (200000, ?, ?, ?, 1)",
           ("bob@acme.example", "Invoice \u202eexe.fdp \u009b2J\u2029x\x1b[31m", "open"))
db.execute("INSERT INTO audit (at, actor, action, email, case_number, result, detail) VALUES (2, ?, ?, ?, 200000, ?, ?)",
           ("pinmilter", "case.open", "bob@acme.example", "ok", "ref=\u202eabc\u009bdef"))
db.commit()' "$T/inst/pinmilter.db" || fail "old rows written"

run P case list
expect_rc 0 "case list"
is "$(printf '%s\n' "$out" | unsafe)" none "case list: no unsafe character printed"
contains "$out" "Invoice �exe.fdp  2J x [31m" "case list: the old row, made safe"
run P case show 200000
expect_rc 0 "case show"
is "$(printf '%s\n' "$out" | unsafe)" none "case show: no unsafe character printed"
contains "$out" "subject: Invoice �exe.fdp  2J x [31m" "case show: the old subject, made safe"
run P case show 200000 --json
expect_rc 0 "case show --json"
is "$(printf '%s\n' "$out" | unsafe)" none "case show --json: no unsafe character printed"
contains "$out" '"subject":"Invoice \u202eexe.fdp \u009b2J\u2029x\u001b[31m"' \
    "case show --json: the same characters as \\u escapes"
is "$(printf '%s\n' "$out" | python3 -c 'import json, sys; print(repr(json.load(sys.stdin)["subject"]))')" \
    "'Invoice \\u202eexe.fdp \\x9b2J\\u2029x\\x1b[31m'" \
    "case show --json: a JSON reader gets the stored value back"
run P case list --json
is "$(printf '%s\n' "$out" | unsafe)" none "case list --json: no unsafe character printed"
run P audit --case 200000
expect_rc 0 "audit"
is "$(printf '%s\n' "$out" | unsafe)" none "audit: no unsafe character printed"
contains "$out" "ref=�abc def" "audit: the detail, made safe"
run P audit --case 200000 --json
is "$(printf '%s\n' "$out" | unsafe)" none "audit --json: no unsafe character printed"
contains "$out" '"detail":"ref=\u202eabc\u009bdef"' "audit --json: escaped"
