#!/bin/sh
# tests/hostile/property.sh - the generated property test of redaction
# (tests/hostile/property.py: PIN shapes x charsets x transfer encodings
# x placements through `pinmilter -t`): whenever the verdict is
# authenticated the PIN is absent from the delivered message, whenever
# the PIN is only in quoted or attached text the verdict is not
# authenticated, and no combination is refused.  The last line says how
# many combinations ran.
. "$top_srcdir/tests/lib.sh"

PY=$(command -v python3 2>/dev/null || true)
if [ -z "$PY" ] || ! "$PY" -c 'import email, html, unicodedata' 2>/dev/null; then
	skip "no python3 with the email package"
	exit 0
fi
new_instance
cat >>"$CONF" <<'EOF2'
MaxFailures	3
RedactPIN	yes
EOF2
P() { "$PINCTL" -c "$CONF" "$@"; }
if P account add "Acme Dental" >/dev/null &&
    P user add bob@acme-dental.example --account "Acme Dental" >/dev/null &&
    printf '482913\n' | P pin set bob@acme-dental.example >/dev/null; then
	pass "bob set up"
else
	fail "bob set up"
	exit 1
fi
# property.py prints its own TAP: renumber it after ours
"$PY" "$top_srcdir/tests/hostile/property.py" "$PINMILTER" "$CONF" "$T" >"$T/prop.tap"
while IFS= read -r line; do
	case "$line" in
	"ok "*) pass "${line#ok * - }" ;;
	"not ok "*) fail "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$T/prop.tap"
