#!/bin/sh
# tests/corpus/hostile.sh - bad input through `pinmilter -t`.
#
# 1. Every message of the MimeKit fixtures in ../shared/corpus/mimekit
#    (read in place, never copied into this repository; SKIP when the
#    directory is absent).
# 2. Hostile messages generated here at run time (never stored): broken
#    MIME, invalid base64, an unknown charset, NUL bytes, a 100 000-byte
#    line, 1 000 forged header fields, 6 000 header fields, 50 MB bodies,
#    multiparts nested 200 deep, a From with 500 addresses.  Each is sent
#    by bob, and most also hold his right PIN somewhere in the weird
#    structure: the table says what must happen to it.
#
# Every run is under `ulimit -v` (VMEM_KB, 1 GB; not applied to a
# sanitizer build, which reserves terabytes of address space) and
# `timeout 20`, and must: exit 0; print a non-empty message; never say
# x-pin=pass or X-Support-Auth: authenticated unless the table allows it
# (the PIN is in bob's own readable text); carry exactly one
# X-Support-Auth, with the exact value; exactly one X-Support-Case, 100000
# (each run opens the first case of a fresh copy of the database); a
# first Subject starting with the tag "[Case #100000]".  Where
# /usr/bin/time exists, the peak RSS of each run is measured and bounded
# (RSS_KB, RSS_BIG_KB for the 50 MB inputs).
#
# Notices are on (new_instance's TemplateDir), so the case processor and
# the notice builder see every hostile input too (a notice is only
# queued: -t does not run the outbox worker).  Bob is on file with a PIN
# set just before, so a message from him without his right PIN is
# unverified, or verification-requested when its readable text asks for
# a change or a PIN (the intent classifier: none of the MimeKit files
# does, MIMEKIT_CHANGE lists those that would).
. "$top_srcdir/tests/lib.sh"

MIMEKIT="$top_srcdir/../shared/corpus/mimekit"
VMEM_KB=${VMEM_KB:-1048576}		# ulimit -v: 1 GB
RSS_KB=${RSS_KB:-65536}			# ordinary inputs: 64 MB
RSS_BIG_KB=${RSS_BIG_KB:-307200}	# the 50 MB inputs: 300 MB
TIMEOUT=${TIMEOUT:-20}
PIN=482913

# is_or_todo GOT WANT DESCRIPTION [TODO-REASON]
is_or_todo() {
	if [ -z "${4:-}" ]; then
		is "$1" "$2" "$3"
	else
		[ "$1" = "$2" ]
		todo $? "$3" "$4"
	fi
}

new_instance
cat >>"$CONF" <<EOF
MaxFailures	3
TempDir		$T
EOF
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add "Acme Dental" >/dev/null &&
    P user add bob@acme-dental.example --account "Acme Dental" >/dev/null &&
    printf '%s\n' "$PIN" | P pin set bob@acme-dental.example >/dev/null; then
	pass "bob set up"
else
	fail "bob set up"
	exit 1
fi

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

SANITIZED=no
if command -v ldd >/dev/null 2>&1 &&
    ldd "$PINMILTER" 2>/dev/null | grep -qE 'lib(a|ub|t)san'; then
	SANITIZED=yes
	diag "sanitizer build: no ulimit -v, no RSS bounds"
fi
if [ "$SANITIZED" = no ] && ! (ulimit -v "$VMEM_KB") 2>/dev/null; then
	SANITIZED=unlimited
	diag "this shell has no ulimit -v: memory is bounded by the RSS checks only"
fi
TIME=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true 2>/dev/null; then
	TIME=/usr/bin/time
else
	diag "no GNU /usr/bin/time (package time): memory is bounded by ulimit -v only"
fi

# tryout FILE: run -t on FILE under the limits; sets rc, and $T/o.eml,
# $T/o.err, rss (KB, or empty).
tryout() {
	fresh_db || return 1
	rm -f "$T/o.rss"
	(
		[ "$SANITIZED" != no ] || ulimit -v "$VMEM_KB"
		if [ -n "$TIME" ]; then
			exec "$TIME" -o "$T/o.rss" -f %M timeout "$TIMEOUT" \
			    "$PINMILTER" -c "$RCONF" -t "$1"
		else
			exec timeout "$TIMEOUT" "$PINMILTER" -c "$RCONF" -t "$1"
		fi
	) >"$T/o.eml" 2>"$T/o.err"
	rc=$?
	rss=""
	[ -s "$T/o.rss" ] && rss=$(tail -n 1 "$T/o.rss")
	return 0
}


# check NAME RSSBOUND [XPIN-REASON [TODO [AUTH]]]: the common assertions
# after tryout; with XPIN-REASON ("result (reason)") the exact verdict too;
# with TODO (may be ""), the verdict and X-Support-Auth checks are a known
# bug's TODO; AUTH is the X-Support-Auth value when it is not the default
# (authenticated on pass, unverified otherwise).
check() {
	name=$1 bound=$2 want=${3:-} bug=${4:-} wauth=${5:-}
	if [ "$rc" -ne 0 ]; then
		fail "$name: exit 0 (got $rc)"
		diag "$(tail -n 3 "$T/o.err")"
		return
	fi
	pass "$name: exit 0"
	if [ -s "$T/o.eml" ]; then pass "$name: output"; else fail "$name: output"; fi
	header_section "$T/o.eml" >"$T/o.hdr"
	ar=$(grep -iE '^authentication-results:[[:space:]]*mx\.example\.com;' "$T/o.hdr" | head -n 1)
	xpin=$(printf '%s\n' "$ar" | sed -n -e 's/ header\.from=[^ ]*$//' \
	    -e 's/^[^;]*;[[:space:]]*x-pin=\([a-z]*\) (\(.*\))$/\1 (\2)/p')
	auth=$(grep -i '^x-support-auth:' "$T/o.hdr" | tr '\n' '|')
	if [ -n "$want" ]; then
		is_or_todo "$xpin" "$want" "$name: x-pin=$want" "$bug"
	else
		case "$xpin" in
		pass*|"") fail "$name: never x-pin=pass"; diag "A-R: $ar" ;;
		*) pass "$name: never x-pin=pass ($xpin)" ;;
		esac
	fi
	if [ -z "$wauth" ]; then
		case "$want" in
		pass*) wauth=authenticated ;;
		*) wauth=unverified ;;
		esac
	fi
	is_or_todo "$auth" "X-Support-Auth: $wauth|" \
	    "$name: one X-Support-Auth: $wauth" "$bug"
	is "$(grep -i '^x-support-case:' "$T/o.hdr" | tr '\n' '|')" \
	    "X-Support-Case: 100000|" "$name: one X-Support-Case: 100000"
	subj=$(grep -i -m 1 '^subject:' "$T/o.hdr")
	case "$subj" in
	"Subject: [Case #100000]"*) pass "$name: first Subject tagged [Case #100000]" ;;
	*) fail "$name: first Subject tagged [Case #100000]"
	   diag "got: $(printf '%s' "$subj" | head -c 200)" ;;
	esac
	if [ -n "$rss" ] && [ "$SANITIZED" != yes ]; then
		if [ "$rss" -lt "$bound" ]; then
			pass "$name: peak RSS ${rss} KB < $bound KB"
		else
			fail "$name: peak RSS ${rss} KB < $bound KB"
		fi
	fi
}

# redacted NAME [TODO]: bob's PIN is nowhere in the output (raw, any 3+3
# form).
redacted() {
	if [ -n "${2:-}" ]; then
		! grep -qaE '482[ .-]?913' "$T/o.eml"
		todo $? "$1: bob's PIN is not delivered" "$2"
	elif grep -qaE '482[ .-]?913' "$T/o.eml"; then
		fail "$1: bob's PIN is not delivered"
	else
		pass "$1: bob's PIN is not delivered"
	fi
}

# ---- 1. the MimeKit fixtures ----
# From bob, these ask for a change: their header section ends early (an
# mbox "From " line, a byte-order mark before "From:", a broken fold), so
# the rest, "Content-Transfer-Encoding" included, is read as body text,
# and "transfer" is one of the ChangeKeywords: verification requested.
MIMEKIT_CHANGE=" "
if [ -d "$MIMEKIT" ]; then
	n=0
	for f in "$MIMEKIT"/*; do
		case "${f##*/}" in LICENSE|README*) continue ;; esac
		[ -f "$f" ] || continue
		n=$((n + 1))
		tryout "$f"
		check "mimekit ${f##*/}" "$RSS_KB"
		# The same message from bob, who is on file with a PIN: still
		# never authenticated (none of them holds his PIN).
		{
			printf 'From: Bob Keller <bob@acme-dental.example>\n'
			awk 'BEGIN { h = 1 }
			h && /^\r?$/ { h = 0 }
			h && tolower($0) ~ /^from[ \t]*:/ { skip = 1; next }
			h && skip && /^[ \t]/ { next }
			{ skip = 0; print }' "$f"
		} >"$T/asbob.eml"
		tryout "$T/asbob.eml"
		case "$MIMEKIT_CHANGE" in
		*" ${f##*/} "*) check "mimekit ${f##*/} from bob" "$RSS_KB" "" "" \
		    verification-requested ;;
		*) check "mimekit ${f##*/} from bob" "$RSS_KB" ;;
		esac
	done
	if [ "$n" -gt 0 ]; then pass "mimekit: $n files read"; else fail "mimekit: no files"; fi
else
	skip "MimeKit fixtures: $MIMEKIT is absent"
fi

# ---- 2. generated hostile messages ----
G="$T/gen.eml"
hdr() {
	printf 'From: Bob Keller <bob@acme-dental.example>\nTo: support@example.com\n'
	printf 'Subject: %s\nDate: Mon, 17 Mar 2025 09:00:00 +0100\n' "$1"
	printf 'Message-ID: <hostile.%s@acme-dental.example>\nMIME-Version: 1.0\n' "$2"
}

# A multipart whose boundary is never closed; the PIN is in the first,
# readable, text part: bob's own text, so pass is right.
{
	hdr "Unterminated multipart" unterminated
	printf 'Content-Type: multipart/mixed; boundary="never-closed"\n\n'
	printf -- '--never-closed\nContent-Type: text/plain\n\nMy PIN is %s.\n\n' "$PIN"
	printf -- '--never-closed\nContent-Type: application/octet-stream\n'
	printf 'Content-Transfer-Encoding: base64\n\nAAAA\nAAAA\n'
} >"$G"
tryout "$G"
check "unterminated multipart" "$RSS_KB" "pass (PIN verified)"
redacted "unterminated multipart"

# The PIN in the preamble and the epilogue of a multipart, and in its text
# part: the text part makes it a candidate, so it must go everywhere.
{
	hdr "Preamble" preamble
	printf 'Content-Type: multipart/mixed; boundary="pp"\n\n'
	printf 'My PIN is %s (preamble).\n--pp\nContent-Type: text/plain\n\n' "$PIN"
	printf 'My PIN is %s.\n--pp--\nEpilogue: PIN %s\n' "$PIN" "$PIN"
} >"$G"
tryout "$G"
check "PIN in preamble and epilogue" "$RSS_KB" "pass (PIN verified)"
redacted "PIN in preamble and epilogue"

# A boundary that never appears at all: the whole body is the preamble,
# which is nobody's text: no candidate, nothing tested; but the PIN is
# anchored by its keyword, and such a PIN is redacted wherever it is.
{
	hdr "Boundary missing" noboundary
	printf 'Content-Type: multipart/alternative; boundary="not-there"\n\n'
	printf 'My PIN is %s.\n' "$PIN"
} >"$G"
tryout "$G"
check "boundary never used" "$RSS_KB" "none (no PIN found)"
redacted "boundary never used"

# Invalid base64: characters outside the alphabet inside the encoded PIN
# sentence.  GMime's decoder skips them, so the text reads as written.
{
	hdr "Invalid base64" badb64
	printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n'
	printf 'My PIN is %s.\n' "$PIN" | base64 | sed 's/\(....\)/\1*!/g'
	printf '%%%%%%%% not base64 at all %%%%%%%%\n'
} >"$G"
tryout "$G"
check "invalid base64" "$RSS_KB" "pass (PIN verified)"
redacted "invalid base64"

# Base64 that is only garbage: nothing to read.
{
	hdr "Garbage base64" garbageb64
	printf 'Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n'
	printf '@@@@ ### $$$$ ^^^^\n====\n=\n'
} >"$G"
tryout "$G"
check "garbage base64" "$RSS_KB" "none (no PIN found)"

# An unknown charset: read as UTF-8.
{
	hdr "Unknown charset" charset
	printf 'Content-Type: text/plain; charset="x-klingon-pIqaD"\n'
	printf 'Content-Transfer-Encoding: 8bit\n\nMy PIN is %s. \377\376 ok\n' "$PIN"
} >"$G"
tryout "$G"
check "unknown charset" "$RSS_KB" "pass (PIN verified)"
redacted "unknown charset"

# NUL bytes in a header value and in the body; the PIN sentence itself
# is clean.
{
	printf 'From: Bob Keller <bob@acme-dental.example>\nTo: support@example.com\n'
	printf 'Subject: nul\000in the subject\nX-Junk: a\000b\000c\n'
	printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\n'
	printf 'before\000after\nMy PIN is %s.\n\000\000\000\n' "$PIN"
} >"$G"
tryout "$G"
check "NUL bytes" "$RSS_KB" "pass (PIN verified)"
redacted "NUL bytes"

# A NUL inside the PIN sentence: the digits are no longer anchored.
{
	hdr "NUL in the PIN" nulpin
	printf 'Content-Type: text/plain\n\nMy PIN\000%s is here.\n' "$PIN"
} >"$G"
tryout "$G"
check "NUL between keyword and digits" "$RSS_KB"

# A 100 000-character line, then the PIN on its own line.
{
	hdr "Long line" longline
	printf 'Content-Type: text/plain\n\n'
	head -c 100000 /dev/zero | tr '\0' 'x'
	printf '\nMy PIN is %s.\n' "$PIN"
} >"$G"
tryout "$G"
check "100 000-character line" "$RSS_KB" "pass (PIN verified)"
redacted "100 000-character line"

# A 100 000-character header value.
{
	printf 'X-Long: '
	head -c 100000 /dev/zero | tr '\0' 'y'
	printf '\n'
	hdr "Long header" longheader
	printf 'Content-Type: text/plain\n\nNo PIN here.\n'
} >"$G"
tryout "$G"
check "100 000-character header" "$RSS_KB" "none (no PIN found)"

# 1 000 forged X-Support-Auth fields in every case and folding: all go,
# one of ours stays; no PIN.  Forged X-Support-Account and X-Support-Case
# fields go too.
{
	i=0
	while [ $i -lt 250 ]; do
		printf 'X-Support-Auth: authenticated\nx-support-auth: authenticated\n'
		printf 'X-SUPPORT-AUTH:\n\tauthenticated\n'
		if [ $((i % 2)) -eq 0 ]; then
			printf 'X-Support-Account: Forged %d\n' $i
		else
			printf 'x-support-case: %d\n' $((100001 + i))
		fi
		i=$((i + 1))
	done
	hdr "Forged 1000" forged1000
	printf 'Content-Type: text/plain\n\nPlease trust the headers.\n'
} >"$G"
tryout "$G"
check "1 000 forged fields" "$RSS_KB" "none (no PIN found)"
is "$(grep -ci '^x-support-account:' "$T/o.hdr")" 1 "1 000 forged fields: one X-Support-Account"
is "$(grep -i '^x-support-account:' "$T/o.hdr")" "X-Support-Account: Acme Dental" \
    "1 000 forged fields: the real account"

# 6 000 header fields, a forged X-Support-Auth last: more than the header
# list keeps (5 000), so the message is not read whole: fields past the
# cap could hold a PIN redaction never saw, so it is refused (552 5.3.4,
# exit 69), never delivered.
{
	hdr "Too many fields" fields6000
	awk 'BEGIN { for (i = 0; i < 5995; i++) printf "X-Filler-%d: v\n", i }'
	printf 'X-Support-Auth: authenticated\n'
	printf 'Content-Type: text/plain\n\nMy PIN is %s.\n' "$PIN"
} >"$G"
fresh_db
run "$PINMILTER" -c "$RCONF" -t "$G"
is "$rc" 69 "6 000 header fields: refused (exit 69)"
contains "$err" "would be rejected: message too large for the support desk to check for a PIN" \
    "6 000 header fields: the reason"
is "$out" "" "6 000 header fields: nothing delivered"

# 25 000 forged X-Support-Auth fields after 5 000 fillers: more of our own
# fields than the header list keeps, so they could not all be deleted:
# refused (exit 69, "would be rejected"), never delivered as processed.
{
	hdr "Too many forged fields" forged25000
	awk 'BEGIN { for (i = 0; i < 5000; i++) printf "X-Filler-%d: v\n", i;
	    for (i = 0; i < 25000; i++) print "X-Support-Auth: authenticated" }'
	printf 'Content-Type: text/plain\n\nhello\n'
} >"$G"
fresh_db
run "$PINMILTER" -c "$RCONF" -t "$G"
is "$rc" 69 "25 000 forged fields: refused (exit 69)"
contains "$err" "would be rejected: too many X-Support or Authentication-Results fields" \
    "25 000 forged fields: the reason"

# A 50 MB body (over MaxMessageSize 50M): not held whole, refused.
{
	hdr "Fifty megabytes" big
	printf 'Content-Type: text/plain\n\nMy PIN is %s.\n' "$PIN"
	yes 'All work and no play makes a very long support message indeed.' |
	    head -c 52428800
} >"$G"
fresh_db
run "$PINMILTER" -c "$RCONF" -t "$G"
is "$rc" 69 "50 MB message (over MaxMessageSize): refused (exit 69)"
contains "$err" "would be rejected: message too large for the support desk to check for a PIN" \
    "50 MB message: the reason"

# Just under MaxMessageSize, the PIN at the top: read, tested, redacted.
{
	hdr "Forty-nine megabytes" big49
	printf 'Content-Type: text/plain\n\nMy PIN is %s.\n' "$PIN"
	yes 'All work and no play makes a very long support message indeed.' |
	    head -c 51380224
} >"$G"
tryout "$G"
check "49 MB message" "$RSS_BIG_KB" "pass (PIN verified)"
if head -c 4096 "$T/o.eml" | grep -qaF "$PIN"; then
	fail "49 MB message: bob's PIN is not delivered"
else
	pass "49 MB message: bob's PIN is not delivered"
fi
rm -f "$G" "$T/o.eml"

# Multiparts nested 200 deep (MaxMimeDepth 10), the PIN in the deepest
# leaf: beyond the depth read, so not author text and not a candidate;
# redacted all the same (keyword-anchored).
nest() {
	hdr "Nested $1" "nested$1"
	printf 'Content-Type: multipart/mixed; boundary="b0"\n\n'
	awk -v d=200 'BEGIN {
		for (i = 0; i < d; i++)
			printf "--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", i, i + 1
	}'
	printf -- '--b200\nContent-Type: text/plain\n\nMy PIN is %s.\n--b200--\n' "$PIN"
	awk -v d=200 'BEGIN { for (i = d - 1; i >= 0; i--) printf "--b%d--\n", i }'
}
nest deep >"$G"
tryout "$G"
check "multiparts nested 200 deep" "$RSS_KB" "none (no PIN found)"
redacted "multiparts nested 200 deep"

# The same, with the PIN also in a text part at the top: read and redacted
# everywhere, the deep copy included.
{
	hdr "Nested with PIN on top" nestedtop
	printf 'Content-Type: multipart/mixed; boundary="top"\n\n'
	printf -- '--top\nContent-Type: text/plain\n\nMy PIN is %s.\n' "$PIN"
	printf -- '--top\n'
	nest x | sed '1,6d'
	printf -- '--top--\n'
} >"$G"
tryout "$G"
check "nested 200 deep, PIN on top" "$RSS_KB" "pass (PIN verified)"
redacted "nested 200 deep, PIN on top"

# A From with 500 addresses, bob's first.
{
	printf 'From: Bob Keller <bob@acme-dental.example>'
	awk 'BEGIN { for (i = 1; i < 500; i++) printf ",\n u%d@acme-dental.example", i }'
	printf '\nTo: support@example.com\nSubject: Many senders\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/plain\n\nMy PIN is %s.\n' "$PIN"
} >"$G"
tryout "$G"
check "From with 500 addresses" "$RSS_KB" "policy (more than one From address)"
redacted "From with 500 addresses"

# A message that is only garbage bytes.
head -c 65536 /dev/urandom >"$G" 2>/dev/null ||
    awk 'BEGIN { srand(7); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 255) + 1 }' >"$G"
tryout "$G"
check "random bytes" "$RSS_KB"

# An empty file.
: >"$G"
tryout "$G"
check "empty file" "$RSS_KB" "policy (no From address)"
