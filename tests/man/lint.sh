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

# Every key of the contract (DESIGN.md section 4) and every key the sample
# configuration shows is documented in pinmilter.conf(5) as a list item.
keys=$(sed -n 's/^#\{0,1\}\([A-Z][A-Za-z]*\)\t.*/\1/p' "$top_srcdir/conf/pinmilter.conf" | sort -u)
for k in $(printf '%s\n' Socket Database KeyFile SupportAddress AuthservID \
    TrustedAuthservIDs RequireAlignedFrom MaxCandidates MaxFailures \
    FailureWindow LockoutTime RedactPIN OnInternalError UserID PidFile Syslog \
    NoticeFrom Mailer TemplateDir $keys | sort -u); do
	if grep -q "^\.It .*\b$k\b" "$top_srcdir/man/pinmilter.conf.5"; then
		pass "pinmilter.conf(5) documents $k"
	else
		fail "pinmilter.conf(5) documents $k"
	fi
done
