#!/bin/sh
# tests/package/deb.sh - the Debian package, the way an administrator uses
# it: build the .deb from a copy of the source tree, lintian, install it
# with apt-get, check what the package set up (user and group, directory,
# key and database owners and modes, conffiles, unit, runtime and socket
# directories), "pinmilter -n" as root and as the daemon's user, pinctl on
# the installed database, one message through the installed pinmilter -t,
# the daemon started as the unit starts it, a private Postfix that reaches
# its socket only once user postfix is in group pinmilter (and then reads
# neither key nor database), a reinstall that keeps the key, the database
# and an edited conffile, then apt-get purge removes what the package made.
#
# Needs root, dpkg-buildpackage and debhelper (scripts/install-deps
# installs them); skipped otherwise, and skipped on a host where pinmilter
# is installed or was set up by hand: the test purges what it installs and
# must never remove anything it did not create.  Whatever happens, the
# package is purged at exit.
. "$top_srcdir/tests/lib.sh"

skip_all() {
	skip "$1"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip_all "not root: installing a package needs root"
for prog in dpkg-buildpackage dh apt-get; do
	command -v "$prog" >/dev/null 2>&1 ||
	    skip_all "$prog missing (scripts/install-deps installs it)"
done
case "$(dpkg-query -W -f='${db:Status-Abbrev}' pinmilter 2>/dev/null)" in
"" | un*) ;;
*) skip_all "the pinmilter package is on this host: not touched" ;;
esac
if getent passwd pinmilter >/dev/null || getent group pinmilter >/dev/null; then
	skip_all "a pinmilter user or group exists already: not touched"
fi
for d in /etc/pinmilter /var/lib/pinmilter /run/pinmilter \
    /var/spool/postfix/pinmilter; do
	[ -e "$d" ] && skip_all "$d exists already: not touched"
done

# A private Postfix (tests/e2e/postfix.sh) when the tools are here.
PF_OK=yes
PF_OK_WHY=
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin ;; esac
for prog in postfix postconf postqueue smtp-sink swaks; do
	command -v "$prog" >/dev/null 2>&1 || { PF_OK=; PF_OK_WHY="$prog missing"; }
done
if [ -n "$PF_OK" ]; then
	. "$top_srcdir/tests/e2e/postfix.sh"
fi

KEY=/etc/pinmilter/pinmilter.key
DB=/var/lib/pinmilter/pinmilter.db
CONF=/etc/pinmilter/pinmilter.conf
RUN="setpriv --reuid=pinmilter --regid=pinmilter --init-groups --"
export DEBIAN_FRONTEND=noninteractive
DAEMON=""

cleanup_package() {
	if [ -n "$DAEMON" ]; then
		kill "$DAEMON" 2>/dev/null
		wait "$DAEMON" 2>/dev/null
	fi
	case "$(dpkg-query -W -f='${db:Status-Abbrev}' pinmilter 2>/dev/null)" in
	"" | un*) ;;
	*) dpkg --purge pinmilter >/dev/null 2>&1 ;;
	esac
	if getent group pinmilter >/dev/null; then
		gpasswd -d postfix pinmilter >/dev/null 2>&1
	fi
}
at_exit cleanup_package

# owner_mode PATH: "MODE OWNER:GROUP" of PATH, or "missing".
owner_mode() { stat -c '%a %U:%G' "$1" 2>/dev/null || echo missing; }

# ---- build: dpkg-buildpackage in a copy of the sources ----
SRC="$T/src"
mkdir "$SRC"
if git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	# the working tree as it is: tracked and new files, not ignored ones
	(cd "$top_srcdir" && git ls-files -z -co --exclude-standard |
	    tar --null --ignore-failed-read -T - -cf -) | tar -C "$SRC" -xf -
else
	# a release tarball, maybe configured and built in place
	tar -C "$top_srcdir" --exclude=./_build --exclude=./_build-asan \
	    -cf - . | tar -C "$SRC" -xf -
	if [ -f "$SRC/config.status" ]; then
		make -C "$SRC" distclean >/dev/null 2>&1
	fi
fi
version=$(sed -n 's/^AC_INIT(\[pinmilter\], \[\([^]]*\)\].*/\1/p' \
    "$SRC/configure.ac")
is "$(cd "$SRC" && dpkg-parsechangelog -S Version)" "$version" \
    "debian/changelog has the version of configure.ac"
start=$(date +%s)
(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
    dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
rc=$?
arch=$(dpkg --print-architecture)
DEB="$T/pinmilter_${version}_$arch.deb"
if [ "$rc" -eq 0 ] && [ -f "$DEB" ]; then
	pass "dpkg-buildpackage -us -uc -b builds $(basename "$DEB") ($(($(date +%s) - start))s)"
else
	fail "dpkg-buildpackage -us -uc -b builds $(basename "$DEB") (exit $rc)"
	diag "$(tail -n 30 "$T/build.log")"
	exit 1
fi

if command -v lintian >/dev/null 2>&1; then
	run lintian --fail-on error "$T/pinmilter_${version}_$arch.changes"
	expect_rc 0 "lintian finds no error"
	lacks "$out" "E: " "lintian prints no error"
else
	skip "lintian missing (scripts/install-deps installs it)"
	skip "lintian missing"
fi

# ---- install ----
spool_before=no
[ -d /var/spool/postfix ] && spool_before=yes
run apt-get install -y -q --no-install-recommends "$DEB" </dev/null
expect_rc 0 "apt-get install ./$(basename "$DEB")"
[ "$rc" -eq 0 ] || exit 1
contains "$out" "key file $KEY created" "postinst created the key (pinctl init)"

pw=$(getent passwd pinmilter)
case "$pw" in
pinmilter:*:*:*:*:/var/lib/pinmilter:/usr/sbin/nologin) pass "user pinmilter: home /var/lib/pinmilter, no login shell" ;;
*) fail "user pinmilter: home /var/lib/pinmilter, no login shell"; diag "passwd: $pw" ;;
esac
uid=$(id -u pinmilter)
if [ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ]; then pass "pinmilter is a system user (uid $uid)"; else
	fail "pinmilter is a system user (uid $uid)"; fi
is "$(id -gn pinmilter)" pinmilter "its primary group is pinmilter"
is "$(owner_mode /var/lib/pinmilter)" "750 pinmilter:pinmilter" "/var/lib/pinmilter: 0750 pinmilter"
is "$(owner_mode $KEY)" "600 pinmilter:pinmilter" "the key: 0600, owned by the daemon's user"
is "$(stat -c %s $KEY)" 32 "the key has 32 bytes"
is "$(owner_mode $DB)" "600 pinmilter:pinmilter" "the database: 0600, owned by pinmilter"
is "$(owner_mode /run/pinmilter)" "750 pinmilter:pinmilter" "/run/pinmilter: 0750 pinmilter"
if [ "$spool_before" = yes ]; then
	is "$(owner_mode /var/spool/postfix/pinmilter)" "750 pinmilter:pinmilter" \
	    "Postfix installed: /var/spool/postfix/pinmilter 0750 pinmilter"
else
	is "$(owner_mode /var/spool/postfix/pinmilter)" missing \
	    "no Postfix: no socket directory in its spool"
fi
conffiles=$(dpkg-query -W -f='${Conffiles}\n' pinmilter | awk 'NF { print $1 }')
contains "$conffiles" "$CONF" "pinmilter.conf is a conffile"
contains "$conffiles" /etc/pinmilter/templates/en/case-created.txt "the templates are conffiles"
is "$(find /etc/pinmilter -name '*.sample' | wc -l)" 0 "no .sample copies in /etc/pinmilter"
unit=$(cat /lib/systemd/system/pinmilter.service 2>/dev/null)
contains "$unit" "User=pinmilter" "the unit runs as pinmilter"
contains "$unit" "RuntimeDirectory=pinmilter" "the unit makes /run/pinmilter"
if command -v systemd-analyze >/dev/null 2>&1; then
	run systemd-analyze verify /lib/systemd/system/pinmilter.service
	# Other packages' units that multi-user.target pulls in may warn
	# (request-tracker5.service does): only what is said about ours counts.
	said=$(printf '%s\n%s\n' "$out" "$err" | awk -F: '
	    /^$/ { next }
	    /^\/(usr\/)?(lib|etc)\/systemd\/system\// && $1 !~ /\/pinmilter\.service$/ { next }
	    { print }')
	is "$rc:$said" "0:" "systemd-analyze verify finds nothing wrong in the unit"
else
	skip "systemd-analyze missing: the unit is not verified"
fi
contains "$(cat /usr/lib/tmpfiles.d/pinmilter.conf 2>/dev/null)" \
    "d /run/pinmilter 0750 pinmilter pinmilter" "tmpfiles.d makes /run/pinmilter"
if [ -e /etc/systemd/system/multi-user.target.wants/pinmilter.service ]; then
	fail "the unit is not enabled before SupportAddress is set"; else
	pass "the unit is not enabled before SupportAddress is set"; fi

# ---- the installed programs work right away ----
run /usr/sbin/pinmilter -n
expect_rc 0 "pinmilter -n (as root) passes right after installing"
run $RUN /usr/sbin/pinmilter -n
expect_rc 0 "pinmilter -n as user pinmilter (key and database readable)"

run /usr/sbin/pinctl account add "Acme Dental"
expect_rc 0 "pinctl account add on the installed database"
run /usr/sbin/pinctl user add bob@acme-dental.example --account "Acme Dental"
expect_rc 0 "pinctl user add"
run_in "482913
" /usr/sbin/pinctl pin set bob@acme-dental.example
expect_rc 0 "pinctl pin set (PIN on stdin)"
is "$(owner_mode $DB)" "600 pinmilter:pinmilter" "pinctl as root leaves the database pinmilter's"

cp "$top_srcdir/tests/corpus/01-plain-english.eml" "$T/msg.eml"
chmod 644 "$T/msg.eml"
run $RUN /usr/sbin/pinmilter -t "$T/msg.eml"
expect_rc 0 "pinmilter -t as user pinmilter"
header_section "$T/.out" >"$T/hdr"
contains "$(cat "$T/hdr")" "X-Support-Auth: authenticated" "the message is authenticated"
lacks "$out" 482913 "the PIN is not in the delivered message"
lacks "$err" 482913 "the PIN is not in the log"

# ---- the daemon, started as the unit starts it ----
$RUN /usr/sbin/pinmilter -f -c "$CONF" >"$T/daemon.out" 2>&1 &
DAEMON=$!
i=0
while [ ! -S /run/pinmilter/pinmilter.sock ] && [ "$i" -lt 100 ] &&
    kill -0 "$DAEMON" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
is "$(owner_mode /run/pinmilter/pinmilter.sock)" "660 pinmilter:pinmilter" \
    "the daemon as pinmilter binds its socket (0660)"
is "$(cat /run/pinmilter/pinmilter.pid 2>/dev/null)" "$DAEMON" "and writes its PidFile"

# ---- Postfix reaches that socket once user postfix is in group pinmilter ----
# (a private, non-chrooted instance: tests/e2e/postfix.sh)
if [ -n "$PF_OK" ]; then
	SOCK=/run/pinmilter/pinmilter.sock
	pf_start $SOCK || fail "a private Postfix starts"
	pf_send bob@acme-dental.example support@example.com "$T/msg.eml"
	pf_contains "$pf_rc $(printf '%s\n' "$pf_out" | grep '^<\*\* ' | head -n 1)" \
	    "23 <** 451 " "postfix not in group pinmilter: socket refused, mail tempfailed"
	usermod -aG pinmilter postfix
	PFRUN="setpriv --reuid=postfix --regid=postfix --init-groups --"
	if $PFRUN cat $DB >/dev/null 2>&1 || $PFRUN cat $KEY >/dev/null 2>&1; then
		fail "a member of group pinmilter reads neither the database nor the key"
	else
		pass "a member of group pinmilter reads neither the database nor the key"
	fi
	pf_start $SOCK || fail "Postfix restarts"
	pf_send bob@acme-dental.example support@example.com "$T/msg.eml"
	pf_is "$pf_rc" 0 "postfix in group pinmilter: the support message is accepted"
	pf_wait_delivered 1 30
	pf_message 1 >"$T/got.eml"
	pf_contains "$(header_section "$T/got.eml")" "X-Support-Auth: authenticated" \
	    "delivered through Postfix and the packaged daemon: authenticated"
	lacks "$(cat "$T/got.eml")" 482913 "the PIN is not in the delivered mail"
	pf_stop
else
	for i in 1 2 3 4 5 6; do skip "Postfix part: $PF_OK_WHY"; done
fi

kill "$DAEMON" 2>/dev/null
wait "$DAEMON"
rc=$?
DAEMON=""
is "$rc" 0 "SIGTERM stops it (exit 0)"
[ "$rc" -eq 0 ] || diag "$(cat "$T/daemon.out")"

# ---- reinstall: the key, the database and an edited conffile stay ----
cp $KEY "$T/key.before"
sed -i 's/^SupportAddress.*/SupportAddress\t\thelp@example.org/' "$CONF"
run dpkg -i "$DEB" </dev/null
expect_rc 0 "dpkg -i over the installed package (an upgrade)"
contains "$out" "key file $KEY exists, kept" "the upgrade keeps the key"
contains "$out" "database $DB ready" "the upgrade runs pinctl init (migrations)"
if cmp -s $KEY "$T/key.before"; then pass "the key's bytes are unchanged"; else
	fail "the key's bytes are unchanged"; fi
contains "$(grep '^SupportAddress' "$CONF")" help@example.org "the edited pinmilter.conf is kept"
run /usr/sbin/pinctl user list
contains "$out" bob@acme-dental.example "the database keeps its users"
is "$(owner_mode $KEY) $(owner_mode $DB)" "600 pinmilter:pinmilter 600 pinmilter:pinmilter" \
    "key and database keep their owners"
run $RUN /usr/sbin/pinmilter -n
expect_rc 0 "pinmilter -n as pinmilter after the upgrade"

# ---- purge removes what the package made ----
run apt-get purge -y -q pinmilter </dev/null
expect_rc 0 "apt-get purge pinmilter"
if getent passwd pinmilter >/dev/null; then fail "purge removes the user"; else
	pass "purge removes the user"; fi
if getent group pinmilter >/dev/null; then fail "purge removes the group"; else
	pass "purge removes the group"; fi
for p in /var/lib/pinmilter $KEY /etc/pinmilter /run/pinmilter \
    /var/spool/postfix/pinmilter /usr/sbin/pinmilter; do
	is "$(owner_mode "$p")" missing "purge removes $p"
done
