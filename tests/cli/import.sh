#!/bin/sh
# tests/cli/import.sh - pinctl import FILE.csv: RFC 4180 quoting, header
# line, accounts created, PINs usable; any bad line names FILE:LINE,
# exits 1 and imports nothing.
. "$top_srcdir/tests/lib.sh"

new_instance
P() { "$PINCTL" -c "$CONF" "$@"; }
P account add acme >/dev/null
P user add zed@example.com --account acme >/dev/null

# --- a good file ---
printf '%s\r\n' \
    'Email,Account,PIN,Role,Name' \
    'bob@example.com,acme,482913' \
    '' \
    'alice@example.com,Globex,739164,admin,"Smith, Alice"' \
    '"carol@example.com",globex,"051726",user,"Carol ""CJ"" Jones"' \
    'dan@example.com,initech,000000,,' \
    '  erin@example.com , initech ,999999,user,  "Erin Two"  ' >"$T/people.csv"
run P import "$T/people.csv"
expect_rc 0 "import a good file"
is "$out" "imported 5 users (2 accounts created)" "import summary"
is "$err" "" "import: nothing on stderr"
run P user list
is "$(printf '%s\n' "$out" | awk 'NR>1{print $1"/"$2"/"$3"/"$4}' | tr '\n' ' ')" \
    "alice@example.com/Globex/admin/set carol@example.com/Globex/user/set bob@example.com/acme/user/set zed@example.com/acme/user/none dan@example.com/initech/user/set erin@example.com/initech/user/set " \
    "imported users, accounts and PIN state"
run P user show alice@example.com
contains "$out" "name: Smith, Alice" "quoted name with a comma"
run P user show erin@example.com
contains "$out" "name: Erin Two" "spaces around fields trimmed"
run P user show carol@example.com --json
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')" 'Carol "CJ" Jones' "doubled quotes in a quoted field"
run P account list
is "$(printf '%s\n' "$out" | awk 'NR>1{print $1":"$2}' | tr '\n' ' ')" "Globex:2 acme:2 initech:2 " "accounts created once each (any case)"
for pair in bob@example.com:482913 alice@example.com:739164 carol@example.com:051726 \
    dan@example.com:000000 erin@example.com:999999; do
	run_in "${pair#*:}
" P pin verify "${pair%%:*}"
	expect_rc 0 "imported PIN of ${pair%%:*} verifies"
done
run P audit
contains "$out" "5 users (2 accounts created)" "import audited with a count"
lacks "$out" "482913" "audit has no imported PIN"
lacks "$out" "051726" "audit has no imported PIN (2)"

# --- a file without a header, LF only, no final newline ---
printf 'frank@example.com,acme,123123\ngreta@example.com,acme,321321' >"$T/nohdr.csv"
run P import "$T/nohdr.csv"
expect_rc 0 "import without a header or final newline"
is "$out" "imported 2 users (0 accounts created)" "summary without accounts created"

# --- bad files: nothing imported, FILE:LINE named ---
P user list >"$T/before"
# table: line 3 content | reason in the message
while IFS='|' read -r line3 reason; do
	printf 'email,account,pin\nhank@example.com,acme,111222\n%s\nivan@example.com,acme,333444\n' \
	    "$line3" >"$T/bad.csv"
	run P import "$T/bad.csv"
	expect_rc 1 "bad line 3: $reason"
	is "$err" "pinctl: import: $T/bad.csv:3: $reason" "bad line 3 named: $reason"
done <<'EOF'
jack@example.com,acme|expected 3 to 5 fields (email,account,pin[,role[,name]]), found 2
jack@example.com,acme,555666,user,Jack,extra|expected 3 to 5 fields (email,account,pin[,role[,name]]), found 6
jack.example.com,acme,555666|invalid email address
jack@example.com,acme,55566|pin must be exactly 6 digits
jack@example.com,acme,5556667|pin must be exactly 6 digits
jack@example.com,acme,55566a|pin must be exactly 6 digits
jack@example.com,acme,|pin must be exactly 6 digits
jack@example.com,acme,555666,boss|role must be admin or user
jack@example.com,,555666|invalid account name
HANK@example.com,acme,555666|duplicate email HANK@example.com (also on line 2)
bob@example.com,acme,555666|user bob@example.com already exists
jack@example.com,acme,"555666"x|malformed CSV quoting
EOF
printf 'email,account,pin\nhank@example.com,acme,111222\njack@example.com,acme,"555666\n' >"$T/open.csv"
run P import "$T/open.csv"
expect_rc 1 "unterminated quoted field"
is "$err" "pinctl: import: $T/open.csv:3: unterminated quoted field" "unterminated quote named"
# a record spanning lines is named by its first line; names are one line
printf 'hank@example.com,acme,111222\n\njack@example.com,acme,555666,user,"two\nlines"\nivan@example.com,acme,333444\n' >"$T/multi.csv"
run P import "$T/multi.csv"
expect_rc 1 "a name with a newline"
is "$err" "pinctl: import: $T/multi.csv:3: invalid name" "multi-line record named by its first line"
# the earliest bad line is named, even before a later quoting error
printf 'hank@example.com,acme,111222\njack@example.com,acme,12\nivan@example.com,acme,"3"3\n' >"$T/two.csv"
run P import "$T/two.csv"
expect_rc 1 "two bad lines"
is "$err" "pinctl: import: $T/two.csv:2: pin must be exactly 6 digits" "the earliest bad line is named"
# a refused field (NUL byte, over 1024 bytes) in the address, account or
# PIN: refused with its line, never read as a missing field (a crash once)
printf 'hank@example.com,acme,111222\nja\000ck@example.com,acme,555666\n' >"$T/nul.csv"
run P import "$T/nul.csv"
expect_rc 1 "NUL byte in the address of line 2"
is "$err" "pinctl: import: $T/nul.csv:2: NUL byte in a field" "NUL byte in a field: line 2 named"
printf 'ja\000ck@example.com,acme,555666\n' >"$T/nul1.csv"
run P import "$T/nul1.csv"
expect_rc 1 "NUL byte in the address of line 1"
is "$err" "pinctl: import: $T/nul1.csv:1: NUL byte in a field" "NUL byte in line 1 named"
printf 'jack@example.com,%s,555666\n' "$(printf '%01100d' 0)" >"$T/long.csv"
run P import "$T/long.csv"
expect_rc 1 "account field over 1024 bytes"
is "$err" "pinctl: import: $T/long.csv:1: field too long" "field too long: line 1 named"
# a bad line in a new account: the account is not created either
printf 'kim@example.com,newco,121212\nlee@example.com,newco,1\n' >"$T/newco.csv"
run P import "$T/newco.csv"
expect_rc 1 "bad line 2 in a new account"
run P account list
lacks "$out" "newco" "no account created by a failed import"
: >"$T/empty.csv"
run P import "$T/empty.csv"
expect_rc 1 "empty file"
printf 'email,account,pin\n' >"$T/header.csv"
run P import "$T/header.csv"
expect_rc 1 "header only"
P user list >"$T/after"
if cmp -s "$T/before" "$T/after"; then pass "user list unchanged by every failed import"
else fail "user list unchanged by every failed import"; diag "$(diff "$T/before" "$T/after")"; fi
run_in "111222
" P pin verify hank@example.com
expect_rc 4 "hank was never imported"

# --- usage and file errors ---
run P import "$T/nonexistent.csv"
expect_rc 2 "missing file"
contains "$err" "pinctl: import: $T/nonexistent.csv: No such file" "missing file named"
run P import "$T"
expect_rc 2 "a directory"
run P import
expect_rc 2 "no file"
run P import a.csv b.csv
expect_rc 2 "two files"
