#!/bin/sh
# tests/man/lint.sh - every man page is valid mdoc (mandoc -Tlint clean)
# and documents every configuration key and pinctl command.
. "$top_srcdir/tests/lib.sh"

for page in pinmilter.8 pinctl.8 pinmilter.conf.5; do
	f="$top_srcdir/man/$page"
	if [ ! -f "$f" ]; then
		fail "$page exists"
		continue
	fi
	run mandoc -Tlint -Wwarning "$f"
	is "$rc:$out$err" "0:" "mandoc -Tlint $page is clean"
done

# Every key of the configuration table (as "pinmilter -n -v" dumps it), every
# key the sample configuration shows, and the keys of the documented
# contract are documented in pinmilter.conf(5) as a list item, and every key
# of the table appears in the sample configuration.
tmp=$(mktemp -d)
printf 'SupportAddress\tsupport@example.com\n' >"$tmp/dump.conf"
table=$("$PINMILTER" -c "$tmp/dump.conf" -v -n 2>/dev/null | awk 'NF > 0 && $1 ~ /^[A-Z][A-Za-z]*$/ { print $1 }' | sort -u)
rm -rf "$tmp"
if [ "$(printf '%s\n' "$table" | grep -c .)" -ge 30 ]; then
	pass "pinmilter -n -v dumps the key table"
else
	fail "pinmilter -n -v dumps the key table (got: $table)"
fi
keys=$(sed -n 's/^#\{0,1\}\([A-Z][A-Za-z]*\)\t.*/\1/p' "$top_srcdir/conf/pinmilter.conf" | sort -u)
for k in $table; do
	if printf '%s\n' "$keys" | grep -qx "$k"; then
		pass "conf/pinmilter.conf shows $k"
	else
		fail "conf/pinmilter.conf shows $k"
	fi
done
for k in $(printf '%s\n' Socket Database KeyFile SupportAddress AuthservID \
    TrustedAuthservIDs RequireAlignedFrom MaxCandidates MaxFailures \
    FailureWindow LockoutTime RedactPIN OnInternalError UserID PidFile Syslog \
    NoticeFrom Mailer TemplateDir $keys $table | sort -u); do
	if grep -q "^\.It .*\b$k\b" "$top_srcdir/man/pinmilter.conf.5"; then
		pass "pinmilter.conf(5) documents $k"
	else
		fail "pinmilter.conf(5) documents $k"
	fi
done

# The Syslog facilities pinmilter.conf(5) lists ("local0 to local7" counts
# as eight) are exactly those of the table in src/util/log.c.
code=$(grep -o '{ "[a-z0-9]*", LOG_[A-Z0-9]* }' "$top_srcdir/src/util/log.c" |
    sed 's/{ "\([a-z0-9]*\)".*/\1/' | sort)
man=$(awk '/^\.It Cm Syslog/ { on = 1; next }
	on && /^\.It / { exit }
	on && /^Default:/ { exit }
	on && /^\.Cm / { print $2 }' "$top_srcdir/man/pinmilter.conf.5" |
    grep -v '^no$' | sort -u)
if printf '%s\n' "$man" | grep -qx local0 && printf '%s\n' "$man" | grep -qx local7
then
	man=$(printf '%s\nlocal1\nlocal2\nlocal3\nlocal4\nlocal5\nlocal6\n' "$man" | sort -u)
fi
is "$(echo $man)" "$(echo $code)" "pinmilter.conf(5) lists exactly the syslog facilities of util/log.c"
is "$(printf '%s\n' "$code" | grep -c .)" 20 "util/log.c knows the 20 facilities of syslog(3)"
