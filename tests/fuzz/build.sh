#!/bin/sh
# tests/fuzz/build.sh - build the libFuzzer targets of tests/fuzz/ with clang.
#
# Usage: tests/fuzz/build.sh [BUILDDIR]     (default: _build-fuzz at the top)
#
# The internal library is configured and built with clang under
# AddressSanitizer and UndefinedBehaviorSanitizer (and libFuzzer's
# coverage, -fsanitize=fuzzer-no-link) in BUILDDIR/lib; then each
# tests/fuzz/fuzz_NAME.c is linked with it into BUILDDIR/fuzz_NAME.
# Needs clang and libclang-rt-14-dev (scripts/install-deps).  Prints the
# targets built, one per line; exits non-zero when one does not build.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/_build-fuzz}
mkdir -p "$out/lib"
out=$(cd "$out" && pwd)
CC=${FUZZ_CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-g -O1 -fno-omit-frame-pointer $SAN"

cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
cd "$out/lib"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	"$top/configure" -q CC="$CC" CFLAGS="$CFLAGS -fsanitize=fuzzer-no-link" \
	    LDFLAGS="$SAN" >configure.log 2>&1 ||
	    { cat configure.log; exit 1; }
fi
make -j2 libpinmilter.a >make.log 2>&1 || { tail -30 make.log; exit 1; }

libs="$(pkg-config --libs gmime-3.0 libsodium sqlite3 json-c libxml-2.0 libpq) -lcsv -lpthread"
incs="-I$top/src $(pkg-config --cflags gmime-3.0 libsodium sqlite3 json-c libxml-2.0 libpq)"
# What a target needs besides the library (ctl/ is not in it).
extra() {
	case "$1" in
	csv) echo "$top/src/ctl/ctl_csv.c $top/src/ctl/ctl_common.c" ;;
	pipeline) echo "-DFUZZ_TEMPLATE_DIR=\"$top/conf/templates\"" ;;
	esac
}
rc=0
for src in "$top"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	t=${name#fuzz_}
	# shellcheck disable=SC2046,SC2086
	if $CC $CFLAGS -fsanitize=fuzzer -D_GNU_SOURCE $incs "$src" \
	    $(extra "$t") "$out/lib/libpinmilter.a" $libs -o "$out/$name" \
	    2>"$out/$name.build.log"; then
		echo "$out/$name"
	else
		echo "build.sh: $name does not build:" >&2
		cat "$out/$name.build.log" >&2
		rc=1
	fi
done
exit $rc
