#!/bin/sh
# tests/hostile/forged.sh - the rows of tests/hostile/c1-scope and
# tests/hostile/c10-tryout through `pinmilter -t`, each on a fresh copy of
# the database (users and PINs of tests/corpus; dave locked out), with
# stricter checks than the shared runner's: exit 0; exactly one
# X-Support-Auth field in any spelling (also "X-Support-Auth :"), with
# the expected value; every Authentication-Results claiming our
# AuthservID is our one; an X-Support-Account only for a known sender's
# own account (never a forged one); the PINs of the "absent" column
# nowhere in the output, with spaces, dots and hyphens dropped.
. "$top_srcdir/tests/lib.sh"

DIR="$top_srcdir/tests/hostile"
new_instance
cat >>"$CONF" <<'EOF2'
MaxFailures	3
MaxCandidates	3
RedactPIN	yes
EOF2
P() { "$PINCTL" -c "$CONF" "$@"; }
setpin() { printf '%s\n' "$2" | P pin set "$1" >/dev/null; }
if P account add "Acme Dental" >/dev/null &&
    P account add "Boulangerie Martin" >/dev/null &&
    P user add bob@acme-dental.example --account "Acme Dental" >/dev/null &&
    P user add alice@acme-dental.example --account "Acme Dental" \
	--role admin >/dev/null &&
    P user add carol@acme-dental.example --account "Acme Dental" >/dev/null &&
    P user add dave@acme-dental.example --account "Acme Dental" >/dev/null &&
    P user add jean@boulangerie-martin.example \
	--account "Boulangerie Martin" >/dev/null &&
    setpin bob@acme-dental.example 482913 &&
    setpin alice@acme-dental.example 135790 &&
    setpin dave@acme-dental.example 246802 &&
    setpin jean@boulangerie-martin.example 975310; then
	pass "users set up"
else
	fail "users set up"
	exit 1
fi
for i in 1 2 3; do
	printf '111111\n' | P pin verify dave@acme-dental.example >/dev/null 2>&1
done
printf '246802\n' | P pin verify dave@acme-dental.example >/dev/null 2>&1
is "$?" 3 "dave is locked out"

RUN="$T/run"
mkdir -p "$RUN"
RCONF="$RUN/pinmilter.conf"
sed "s|^Database.*|Database	$RUN/pinmilter.db|" "$CONF" >"$RCONF"
fresh_db() {
	rm -f "$RUN"/pinmilter.db*
	for _db in "$T"/inst/pinmilter.db*; do
		cp -p "$_db" "$RUN/" || return 1
	done
}

# hcount FILE REGEX: header fields (unfolded, any case) matching REGEX
hcount() { header_section "$1" | grep -ciE "$2"; }

for class in c1-scope c10-tryout; do
	grep -v '^#' "$DIR/$class/expect.tsv" >"$T/rows"
	while IFS='	' read -r file auth absent notes; do
		[ -n "$file" ] || continue
		fresh_db
		run "$PINMILTER" -c "$RCONF" -t "$DIR/$class/$file"
		expect_rc 0 "$file: processed"
		printf '%s\n' "$out" >"$T/o.eml"
		is "$(hcount "$T/o.eml" '^x-support-auth[ 	]*:')" 1 "$file: one X-Support-Auth"
		is "$(header_section "$T/o.eml" | sed -n 's/^X-Support-Auth: //p')" "$auth" \
		    "$file: X-Support-Auth: $auth ($notes)"
		is "$(hcount "$T/o.eml" '^authentication-results[ 	]*:[ 	]*mx\.example\.com[ 	]*;')" 1 \
		    "$file: one Authentication-Results of ours"
		acct=$(header_section "$T/o.eml" | grep -iE '^x-support-account[ 	]*:' | tr '\n' '|')
		case "$acct" in
		""|"X-Support-Account: Acme Dental|"|"X-Support-Account: Boulangerie Martin|")
			from=$(header_section "$T/o.eml" | grep -ciE '^from[ 	]*:.*@(acme-dental|boulangerie-martin)\.example')
			if [ -n "$acct" ] && [ "$from" -eq 0 ]; then
				fail "$file: X-Support-Account for a sender not on file: $acct"
			elif [ "$acct" = "X-Support-Account: Acme Dental|" ] &&
			    ! header_section "$T/o.eml" | grep -qiE '^from[ 	]*:.*@acme-dental\.example'; then
				fail "$file: another account's X-Support-Account: $acct"
			else
				pass "$file: X-Support-Account only the sender's own ($acct)"
			fi ;;
		*) fail "$file: X-Support-Account fields: $acct" ;;
		esac
		[ "$absent" = "-" ] && continue
		flat=$(tr -d ' .\t-' <"$T/o.eml")
		for pin in $(echo "$absent" | tr ',' ' '); do
			lacks "$flat" "$pin" "$file: $pin absent"
		done
	done <"$T/rows"
done
