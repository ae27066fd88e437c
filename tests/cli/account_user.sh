#!/bin/sh
# tests/cli/account_user.sh - pinctl account and user commands: add, list,
# show, set-email (admin approval), remove, admins; their exit statuses,
# tables and JSON.
. "$top_srcdir/tests/lib.sh"

one_error() {
	case "$err" in
	"pinctl: "*) is "$(printf '%s\n' "$err" | wc -l)" 1 "$1: one error line" ;;
	*) fail "$1: one error line"; diag "stderr: $err" ;;
	esac
}
json_ok() {
	if printf '%s' "$1" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null
	then pass "$2"; else fail "$2"; diag "$1"; fi
}
# jq_py EXPR: evaluate a Python expression on the JSON in $out as "j".
jq_py() { printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

new_instance
P() { "$PINCTL" -c "$CONF" "$@"; }

# --- accounts ---
run P account add acme
expect_rc 0 "account add"
is "$out" "account acme added" "account add output"
run P account add globex
expect_rc 0 "second account"
run P account add ACME
expect_rc 1 "duplicate account, other case"
is "$err" "pinctl: account add: account acme already exists" "duplicate account message"
run P account add acme
expect_rc 1 "duplicate account"
run P account add ""
expect_rc 1 "empty account name"
one_error "empty account"
run P account add " lead"
expect_rc 1 "account name with a leading space"
run P account add "$(printf 'a\tb')"
expect_rc 1 "account name with a control character"
run P account add a b
expect_rc 2 "account add with two names"
run P account list
expect_rc 0 "account list"
is "$(printf '%s\n' "$out" | head -1)" "ACCOUNT  USERS  CREATED" "account list header"
is "$(printf '%s\n' "$out" | awk 'NR>1{print $1":"$2}' | tr '\n' ' ')" "acme:0 globex:0 " "account list rows"
run P account list --json
json_ok "$out" "account list --json parses"
is "$(jq_py '",".join(a["name"] for a in j)')" "acme,globex" "account list --json names"

# --- users ---
run P user add alice@example.com --account acme --role admin --name "Alice Admin"
expect_rc 0 "user add admin"
is "$out" "user alice@example.com added to account acme (admin)" "user add output"
run P user add --account acme bob@example.com
expect_rc 0 "user add, option before the address"
run P user add carol@example.com --name "Carol, C." --account ACME --role user
expect_rc 0 "user add, account name in another case"
run P user add gina@example.com --account globex --role admin
expect_rc 0 "user add to another account"
run P user add BOB@Example.COM --account acme
expect_rc 1 "duplicate email, other case"
is "$err" "pinctl: user add: user BOB@example.com already exists" "duplicate email message (canonical form)"
run P user add dave@example.com --account nosuch
expect_rc 1 "unknown account"
is "$err" "pinctl: user add: unknown account nosuch" "unknown account message"
for bad in "dave" "dave@" "@example.com" "da ve@example.com" "dave@@example.com" \
    "dave@exa_mple.com" "dave@example..com" ".dave@example.com" \
    "a@b@c.example" '"da ve"@example.com' "dave@[192.0.2.1]"; do
	run P user add "$bad" --account acme
	expect_rc 1 "invalid address '$bad'"
done
one_error "invalid address"
run P user add dave@example.com
expect_rc 2 "user add without --account"
one_error "missing --account"
run P user add dave@example.com --account acme --role boss
expect_rc 2 "user add with a bad role"
run P user add dave@example.com --account acme --account globex
expect_rc 2 "option given twice"
run P user add dave@example.com --account
expect_rc 2 "option without its value"
run P user add dave@example.com --account acme --json
expect_rc 2 "option the command does not accept"
contains "$err" "option --json not accepted" "not-accepted option named"
run P user show dave@example.com
expect_rc 1 "nothing was added by the failed commands"

# --- list ---
run P user list
expect_rc 0 "user list"
is "$(printf '%s\n' "$out" | head -1 | tr -s ' ')" "EMAIL ACCOUNT ROLE PIN LOCKED NAME" "user list header"
is "$(printf '%s\n' "$out" | awk 'NR>1{print $1"/"$2"/"$3"/"$4"/"$5}' | tr '\n' ' ')" \
    "alice@example.com/acme/admin/none/- bob@example.com/acme/user/none/- carol@example.com/acme/user/none/- gina@example.com/globex/admin/none/- " \
    "user list rows"
col=$(printf '%s\n' "$out" | head -1 | awk '{print index($0, "NAME")}')
is "$(printf '%s\n' "$out" | grep '^carol' | cut -c"$col"-)" "Carol, C." "user list NAME column aligned"
run P user list --account globex
is "$(printf '%s\n' "$out" | awk 'NR>1{print $1}')" "gina@example.com" "user list --account"
run P user list --json --account acme
expect_rc 0 "user list --json --account"
json_ok "$out" "user list --json parses"
is "$(jq_py '",".join(u["email"] for u in j)')" "alice@example.com,bob@example.com,carol@example.com" "user list --json emails"
is "$(jq_py 'j[2]["name"]')" "Carol, C." "user list --json name"
is "$(jq_py 'j[0]["role"], j[0]["pin"], j[0]["locked"], j[0]["pin_set_at"]')" "admin False False None" "user list --json fields"
run P user list --account nosuch
expect_rc 1 "user list --account unknown"

# --- show ---
run P user show Carol@Example.com
expect_rc 0 "user show (any case)"
is "$(printf '%s\n' "$out" | grep -v '^created:')" "email: carol@example.com
account: acme
role: user
name: Carol, C.
pin: none
pending pin: none
failures: 0
locked: no" "user show lines"
contains "$out" "created: 20" "user show created time"
case "$(printf '%s\n' "$out" | sed -n 's/^created: //p')" in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) pass "created in UTC ISO 8601" ;;
*) fail "created in UTC ISO 8601" ;;
esac
run P user show carol@example.com --json
json_ok "$out" "user show --json parses"
is "$(jq_py 'j["email"], j["account"]')" "carol@example.com acme" "user show --json fields"
run P user show nobody@example.com
expect_rc 1 "user show unknown"
is "$err" "pinctl: user show: unknown user nobody@example.com" "user show unknown message"

# --- admins ---
run P user admins bob@example.com
expect_rc 0 "user admins"
is "$out" "EMAIL              NAME
alice@example.com  Alice Admin" "user admins table"
run P user admins bob@example.com --json
json_ok "$out" "user admins --json parses"
is "$(jq_py '[u["email"] for u in j]')" "['alice@example.com']" "user admins --json"
run P user admins nobody@example.com
expect_rc 1 "user admins of an unknown user"

# --- set-email ---
run P user set-email bob@example.com bob@new.example.com
expect_rc 2 "set-email without --approved-by"
run P user set-email bob@example.com bob@new.example.com --approved-by carol@example.com
expect_rc 1 "set-email approved by a non-admin"
is "$err" "pinctl: user set-email: approver carol@example.com is not an admin of account acme" "non-admin approver message"
run P user set-email bob@example.com bob@new.example.com --approved-by gina@example.com
expect_rc 1 "set-email approved by an admin of another account"
one_error "other-account admin"
run P user set-email bob@example.com bob@new.example.com --approved-by nobody@example.com
expect_rc 1 "set-email approved by an unknown address"
run P user set-email alice@example.com alice@new.example.com --approved-by alice@example.com
expect_rc 1 "an admin cannot approve their own change"
run P user set-email bob@example.com carol@example.com --approved-by alice@example.com
expect_rc 1 "set-email to an address in use"
is "$err" "pinctl: user set-email: user carol@example.com already exists" "address in use message"
run P user set-email bob@example.com "not an address" --approved-by alice@example.com
expect_rc 1 "set-email to an invalid address"
run P user set-email nobody@example.com x@example.com --approved-by alice@example.com
expect_rc 1 "set-email of an unknown user"
run P user show bob@example.com
expect_rc 0 "bob unchanged after refusals"
run P user set-email bob@example.com bob@new.example.com --approved-by ALICE@example.com
expect_rc 0 "set-email approved by an admin"
is "$out" "user bob@example.com is now bob@new.example.com (approved by ALICE@example.com)" "set-email output"
run P user show bob@new.example.com
expect_rc 0 "new address found"
run P user show bob@example.com
expect_rc 1 "old address gone"
run P audit --user bob@new.example.com
contains "$out" "old=bob@example.com new=bob@new.example.com approved-by=ALICE@example.com" "audit records the approver"
contains "$out" "user.set-email" "audit action user.set-email"

# --- remove ---
run P user remove carol@example.com
expect_rc 0 "user remove"
is "$out" "user carol@example.com removed" "user remove output"
run P user show carol@example.com
expect_rc 1 "removed user is gone"
run P user remove carol@example.com
expect_rc 1 "remove an unknown user"
run P account list
is "$(printf '%s\n' "$out" | awk '$1=="acme"{print $2}')" 2 "account user count after remove"

# --- addresses are kept in their canonical form ---
run P user add '"Erin"@Example.COM.' --account globex
expect_rc 0 "user add with a quoted local part and a root dot"
is "$out" "user Erin@example.com added to account globex (user)" \
    "stored unquoted, domain in lower case, no root dot"
run P user show '"erin"@EXAMPLE.com'
expect_rc 0 "user show finds it by another spelling of the address"
contains "$out" "email: Erin@example.com" "user show prints the stored form"
run P user add erin@example.com --account globex
expect_rc 1 "the same address unquoted is a duplicate"
run P user remove '"Erin"@example.com'
expect_rc 0 "user remove by the quoted spelling"
run P user add a@b@c.example --account acme
is "$rc:$err" "1:pinctl: user add: invalid email address a@b@c.example" \
    "a@b@c.example is refused by user add"

# --- audit of admin actions ---
run P audit
for a in account.add user.add user.set-email user.remove; do
	contains "$out" " $a " "audit has $a"
done
contains "$out" "pinctl:" "audit actor is pinctl:LOGIN"
if [ "$(id -u)" -eq 0 ]; then
	run env SUDO_USER=helpdesk-joe "$PINCTL" -c "$CONF" account add initech
	run P audit
	contains "$out" "pinctl:helpdesk-joe" "actor from SUDO_USER when root"
else
	skip "SUDO_USER is used only by root"
fi
