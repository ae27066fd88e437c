#!/bin/sh
# tests/daemon/check.sh - pinmilter -n (check the set-up), options, usage.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# fresh: a new instance from pinctl init (config, key, database).
fresh() {
	rm -rf "$T/inst"
	new_instance
	KEY="$T/inst/pinmilter.key"
	DB="$T/inst/pinmilter.db"
}

# check_n: run pinmilter -n; $problems is stderr without warnings.
check_n() {
	run "$PINMILTER" -c "$CONF" -n "$@"
	problems=$(printf '%s\n' "$err" | grep -v '^pinmilter: warning: ' || true)
}

# ---- a good instance ----
fresh
check_n
expect_rc 0 "-n on a fresh instance"
is "$out" "pinmilter: configuration $CONF OK" "-n prints the OK line"
is "$problems" "" "-n reports no problem"

check_n -v
expect_rc 0 "-n -v"
contains "$out" "SupportAddress support@example.com" "-n -v dumps the configuration"
contains "$out" "pinmilter: configuration $CONF OK" "-n -v still prints the OK line"

# ---- the key file ----
chmod 0640 "$KEY"
check_n
expect_rc 1 "-n with a group-readable key"
contains "$problems" "$KEY" "the error names the key file"
contains "$problems" "0640" "the error shows the permissions"
is "$out" "" "no OK line when a check fails"

fresh
rm "$KEY"
check_n
expect_rc 1 "-n with the key file missing"
is "$problems" "pinmilter: KeyFile: key file $KEY: No such file or directory" \
    "the error names the missing key file"

fresh
cp "$KEY" "$T/other.key"
fresh
sed "s|^KeyFile.*|KeyFile $T/other.key|" "$CONF" >"$T/c" && mv "$T/c" "$CONF"
check_n
expect_rc 1 "-n with a key from another instance"
is "$problems" "pinmilter: KeyFile $T/other.key: key file $T/other.key does not belong to this database (fingerprint mismatch)" \
    "the key fingerprint mismatch is reported"

# ---- the database ----
fresh
rm "$DB"
check_n
expect_rc 1 "-n with the database missing"
is "$problems" "pinmilter: Database $DB: database $DB does not exist (run pinctl init)" \
    "the error names the missing database"

if command -v sqlite3 >/dev/null 2>&1; then
	fresh
	sqlite3 "$DB" 'PRAGMA user_version = 99'
	check_n
	expect_rc 1 "-n with a database schema newer than pinmilter"
	contains "$problems" "newer than this pinmilter" "a too new schema is an error"
	fresh
	sqlite3 "$DB" 'PRAGMA user_version = 0'
	before=$(cksum <"$DB")
	check_n
	expect_rc 0 "-n with a schema to migrate (a warning only)"
	contains "$err" "pinmilter: warning: Database $DB needs migration" \
	    "an old schema is a warning"
	is "$(cksum <"$DB")" "$before" "-n did not write to the database"
else
	skip "sqlite3 not installed: too new schema"
	skip "sqlite3 not installed: too new schema message"
	skip "sqlite3 not installed: old schema"
	skip "sqlite3 not installed: old schema warning"
	skip "sqlite3 not installed: read-only check"
fi

# ---- configuration errors ----
fresh
echo "MaxFailures 0" >>"$CONF"
line=$(wc -l <"$CONF" | tr -d ' ')
check_n
expect_rc 1 "-n with an out-of-range value"
contains "$err" "pinmilter: $CONF:$line: MaxFailures: " "the error names file:line: key"

fresh
grep -v '^SupportAddress' "$CONF" >"$T/c" && mv "$T/c" "$CONF"
check_n
expect_rc 1 "-n without a SupportAddress"
is "$problems" "pinmilter: no SupportAddress configured" "missing SupportAddress"

fresh
echo "UserID nosuchuser-pm" >>"$CONF"
check_n
expect_rc 1 "-n with an unknown UserID"
is "$problems" 'pinmilter: UserID: no such user "nosuchuser-pm"' "unknown UserID"

fresh
echo "UserID nobody:nosuchgroup-pm" >>"$CONF"
check_n
expect_rc 1 "-n with an unknown UserID group"
is "$problems" 'pinmilter: UserID: no such group "nosuchgroup-pm"' "unknown group"

fresh
conf_set Mailer "$T/no-sendmail -t -i"
check_n
expect_rc 1 "-n with a missing Mailer program"
is "$problems" "pinmilter: Mailer $T/no-sendmail: No such file or directory" \
    "the Mailer program is checked"

fresh
: >"$T/inst/milter.sock"
check_n
expect_rc 1 "-n with a regular file at the socket path"
is "$problems" "pinmilter: Socket $T/inst/milter.sock: exists and is not a socket" \
    "a non-socket at the Socket path"

fresh
sed "s|^Socket.*|Socket unix:$T/nodir/milter.sock|" "$CONF" >"$T/c" && mv "$T/c" "$CONF"
check_n
expect_rc 1 "-n with a missing socket directory"
is "$problems" "pinmilter: Socket $T/nodir/milter.sock: directory $T/nodir: No such file or directory" \
    "the socket directory is checked"

fresh
sed -i "s|^TemplateDir.*|TemplateDir	$T/no-templates|" "$CONF"
check_n
expect_rc 0 "-n with a missing TemplateDir (a warning only)"
contains "$err" "pinmilter: warning: TemplateDir $T/no-templates/en: no such directory: notices are disabled" \
    "missing TemplateDir is a warning"

# Templates made for an older version: the optional kinds are missing.
fresh
mkdir -p "$T/old-templates/en"
for k in case-created verification-request pin-delivery email-changed; do
	cp "$top_srcdir/conf/templates/en/$k.txt" "$T/old-templates/en/"
done
sed -i "s|^TemplateDir.*|TemplateDir	$T/old-templates|" "$CONF"
check_n
expect_rc 0 "-n with templates without the optional kinds (a warning only)"
contains "$err" "pinmilter: warning: TemplateDir $T/old-templates/en: no account-locked.txt: the notices sent before it existed are sent instead" \
    "a missing optional template is a warning"
is "$problems" "" "no problem for the optional templates"
fresh
check_n
lacks "$err" "account-locked" "the shipped templates: no warning"

# ChangeKeywords is deprecated: a warning, and its words are ChangeVerbs.
fresh
conf_set ChangeKeywords alter Mettre
check_n -v
expect_rc 0 "-n with ChangeKeywords (a warning only)"
contains "$err" "pinmilter: warning: ChangeKeywords is deprecated: its words count as ChangeVerbs" \
    "ChangeKeywords is a warning"
contains "$out" "ChangeKeywords alter, mettre" "-n -v: ChangeKeywords folded"
case "$out" in
*"ChangeVerbs activate, activer, add, affecter, ajouter, allocate, allowlist, alter, amend,"*)
	pass "-n -v: its words are in ChangeVerbs, in order" ;;
*) fail "-n -v: its words are in ChangeVerbs, in order"
	diag "$(printf '%s\n' "$out" | grep '^ChangeVerbs')" ;;
esac
fresh
check_n
lacks "$err" "ChangeKeywords" "without ChangeKeywords: no warning"

# ---- options ----
fresh
run "$PINMILTER" -c "$CONF" -x
expect_rc 2 "unknown option"
contains "$err" "usage: pinmilter" "unknown option prints the usage"
run "$PINMILTER" -c
expect_rc 2 "-c without its argument"
run "$PINMILTER" -c "$CONF" -n extra
expect_rc 2 "a stray argument"
run "$PINMILTER" -c "$CONF" -n -t /dev/null
expect_rc 2 "-n and -t together"
run "$PINMILTER" -h
expect_rc 0 "-h"
contains "$out" "usage: pinmilter [-c file] [-f] [-v]" "-h prints the usage on stdout"
run "$PINMILTER" -V
expect_rc 0 "-V"
case "$out" in
"pinmilter "[0-9]*) pass "-V prints the version" ;;
*) fail "-V prints the version"; diag "got: $out" ;;
esac
run "$PINMILTER" -c "$T/no-such.conf" -n
expect_rc 1 "-n with a missing configuration file"
contains "$err" "$T/no-such.conf" "the error names the configuration file"
