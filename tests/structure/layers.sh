#!/bin/sh
# layers.sh - the folders of src/ form layers; a file may include headers
# of its own folder and of folders below it, never of one above or beside.
# The order (lowest first) is the one doc/ARCHITECTURE.md explains:
#
#   util  core  store  pin  mail  notice  case  filter  {milter, ctl}
#
# TAP: one result per folder, and one for "every folder is ranked".
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/src
rank() {
	case "$1" in
	util) echo 0 ;; core) echo 1 ;; store) echo 2 ;; pin) echo 3 ;;
	mail) echo 4 ;; notice) echo 5 ;; case) echo 6 ;; filter) echo 7 ;;
	milter | ctl) echo 8 ;;
	*) echo -1 ;;
	esac
}
folders=$(cd "$src" && for d in */; do printf '%s\n' "${d%/}"; done)
n=0
echo "1..$(($(printf '%s\n' "$folders" | wc -l) + 1))"
unranked=""
stray=$(cd "$src" && ls ./*.c ./*.h 2>/dev/null)
for d in $folders; do
	[ "$(rank "$d")" -lt 0 ] && unranked="$unranked $d"
done
n=$((n + 1))
if [ -z "$unranked" ] && [ -z "$stray" ]; then
	echo "ok $n - every source file is in a ranked folder"
else
	echo "not ok $n - unranked folders:$unranked; files outside a folder: $stray"
fi
for d in $folders; do
	r=$(rank "$d")
	bad=""
	for f in "$src/$d"/*.[ch]; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
			case "$inc" in
			*/*) ;;
			*) bad="$bad ${f#"$src"/}:$inc(no folder)"; continue ;;
			esac
			t=${inc%%/*}
			tr=$(rank "$t")
			if [ "$t" != "$d" ] && { [ "$tr" -lt 0 ] || [ "$tr" -ge "$r" ]; }; then
				bad="$bad ${f#"$src"/}:$inc"
			fi
		done
	done
	n=$((n + 1))
	if [ -z "$bad" ]; then
		echo "ok $n - $d/ includes only its own folder and those below"
	else
		echo "not ok $n - $d/ includes from above or beside:$bad"
	fi
done
