#!/bin/sh
# tests/hostile/run.sh - the hostile corpus: every row of every
# tests/hostile/*/expect.tsv (file, auth, absent, notes; tab-separated,
# '#' comments) goes through `pinmilter -t` against a fresh copy of one
# database, with the users and PINs of tests/corpus/run.sh, and:
#   - auth: exit 0 and exactly one X-Support-Auth with that value
#     (authenticated, unverified, verification-requested); `none`: exit
#     0 and no X-Support-* field at all; `tempfail` / `reject`: -t exits
#     75 / 69 (the message is refused: nothing is delivered);
#   - absent: none of these PINs is readable anywhere in what is
#     delivered (tests/hostile/nopin.py: every header decoded, every part
#     in any charset, attached messages, HTML text, attributes and
#     entities, every Unicode decimal digit as ASCII, separators
#     dropped); and no PIN of the row is in pinmilter's log line.
# Every .eml of a folder has a row and every row a file.  The last lines
# say, per folder, how many messages ran and how many broke a promise.
# HOSTILE_CLASSES (e.g. "c2-charset c7-shapes") runs only those folders.
# PINMILTER and PINCTL may name other binaries (to count a tree's
# broken promises: PINMILTER=/path/pinmilter PINCTL=/path/pinctl).
. "$top_srcdir/tests/lib.sh"

DIR="$top_srcdir/tests/hostile"
PY=$(command -v python3 2>/dev/null || true)
if [ -z "$PY" ] || ! "$PY" -c 'import email, html, unicodedata' 2>/dev/null; then
	skip "no python3 with the email package: the hostile corpus needs it"
	exit 0
fi

new_instance
cat >>"$CONF" <<'EOF2'
MaxFailures	3
MaxCandidates	3
RedactPIN	yes
MaxMessageSize	64K
EOF2
P() { "$PINCTL" -c "$CONF" "$@"; }
setpin() { printf '%s\n' "$2" | P pin set "$1" >/dev/null; }
setup() {
	P account add "Acme Dental" >/dev/null &&
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
	setpin jean@boulangerie-martin.example 975310
}
if setup; then pass "users set up"; else fail "users set up"; exit 1; fi
for i in 1 2 3; do
	run_in "111111
" P pin verify dave@acme-dental.example
done
run_in "246802
" P pin verify dave@acme-dental.example
expect_rc 3 "dave is locked out"

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

# got_auth: what happened to the message, in the expect.tsv vocabulary.
got_auth() {
	case "$rc" in
	0)	_v=$(header_section "$T/o.eml" | awk '
		{ i = index($0, ":"); n = tolower(substr($0, 1, i - 1)) }
		n == "x-support-auth" { v = substr($0, i + 1); sub(/^[ \t]+/, "", v)
			sub(/[ \t]+$/, "", v); a = a (a == "" ? "" : "|") v }
		n ~ /^x-support-/ { any = 1 }
		END { if (a != "") print a; else if (any) print "x-support-without-auth"
			else print "none" }')
		printf '%s\n' "$_v" ;;
	69)	echo reject ;;
	75)	echo tempfail ;;
	*)	echo "exit-$rc" ;;
	esac
}

# check_row DIR FILE AUTH ABSENT: 0 when every promise holds.
check_row() {
	_d=$1 _f=$2 _want=$3 _absent=$4 _bad=0
	_t="${_d##*/}/$_f"
	if [ ! -f "$_d/$_f" ] || ! fresh_db; then
		fail "$_t: file and database"
		return 1
	fi
	"$PINMILTER" -c "$RCONF" -t "$_d/$_f" >"$T/o.eml" 2>"$T/o.err"
	rc=$?
	_got=$(got_auth)
	if [ "$_got" = "$_want" ]; then
		pass "$_t: $_want"
	else
		fail "$_t: $_want"
		diag "got: $_got" "stderr: $(head -c 400 "$T/o.err")"
		_bad=1
	fi
	[ "$_absent" = "-" ] && return $_bad
	_pins=$(printf '%s\n' "$_absent" | tr ',' ' ')
	# shellcheck disable=SC2086
	if [ "$rc" -eq 0 ] && ! "$PY" "$DIR/nopin.py" "$T/o.eml" $_pins >"$T/o.pins"; then
		fail "$_t: no PIN delivered ($_absent)"
		diag "$(cat "$T/o.pins")"
		_bad=1
	else
		pass "$_t: no PIN delivered ($_absent)"
	fi
	for _p in $_pins; do
		if grep -q "$_p" "$T/o.err"; then
			fail "$_t: $_p is not in the log"
			_bad=1
		fi
	done
	return $_bad
}

summary=""
total=0
for tsv in "$DIR"/*/expect.tsv; do
	[ -f "$tsv" ] || continue
	d=$(dirname "$tsv")
	case " ${HOSTILE_CLASSES:-${d##*/}} " in *" ${d##*/} "*) ;; *) continue ;; esac
	n=0 broken=0
	while IFS='	' read -r file auth absent notes; do
		case "$file" in ''|'#'*) continue ;; esac
		n=$((n + 1))
		check_row "$d" "$file" "$auth" "${absent:--}" || broken=$((broken + 1))
	done <"$tsv"
	listed=$(grep -v '^#' "$tsv" | cut -f1 | grep . | sort)
	present=$(cd "$d" && ls -- *.eml 2>/dev/null | sort)
	is "$listed" "$present" "${d##*/}: expect.tsv lists exactly its .eml files"
	summary="$summary${d##*/}: $n messages, $broken broken
"
	total=$((total + n))
done
diag "$summary"
diag "total: $total messages"
