#!/bin/sh
# tests/e2e/rt.sh - a real helpdesk behind pinmilter: Request Tracker 5
# (Debian's request-tracker5, SQLite) receiving support mail through a
# private Postfix, pinmilter (Helpdesk rt) and rt-mailgate (a Postfix pipe
# transport).  RT runs as its own standalone server (rt-server) on a free
# loopback port, with a configuration and a fresh database in $T
# (rt-setup-database --action init, then --action insert of the custom
# fields SupportAuth and SupportCase, the right for Everyone to create
# tickets in General, and the scrip of doc/HELPDESKS.md - its code is read
# from that file, so the documented step is the tested one).
#
# Checked in RT's own database (a perl script using RT's libraries with the
# test's configuration):
#   - Bob's mail with his PIN: a ticket with SupportAuth authenticated and
#     SupportCase the case pinmilter opened; the PIN nowhere in the ticket
#     (every attachment's header and content) nor in RT's autoreply;
#   - Bob asking a change without it: verification-requested;
#   - a stranger's mail with forged X-Support-Auth: authenticated and
#     X-Support-Case: 987654: a ticket with SupportAuth unverified, and the
#     stored message holds one X-Support-Auth (unverified) and no forged
#     case number - while the same mail piped to rt-mailgate directly, past
#     pinmilter, gets authenticated (the control: the check can fail).
# Skips unless request-tracker5, rt5-db-sqlite and rt5-clients are
# installed (scripts/install-deps installs them).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
: "${RT_SERVER:=/usr/share/request-tracker5/libexec/rt-server}"
: "${RT_LIB:=/usr/share/request-tracker5/lib}"
: "${RT_SETUP:=$(command -v rt-setup-database-5 || command -v rt-setup-database || echo /usr/sbin/rt-setup-database-5)}"
: "${RT_MAILGATE:=$(command -v rt-mailgate || echo /usr/bin/rt-mailgate)}"
for f in "$RT_SERVER" "$RT_SETUP" "$RT_MAILGATE"; do
	[ -x "$f" ] || { skip "Request Tracker 5 not installed ($f missing; scripts/install-deps installs request-tracker5 rt5-db-sqlite rt5-clients)"; exit 0; }
done
perl -MDBD::SQLite -e 1 2>/dev/null ||
    { skip "RT's SQLite driver missing (rt5-db-sqlite)"; exit 0; }

# --- RT: configuration, database, server ---
R=$T/rt
mkdir -p "$R/site.d" "$R/mason" "$R/sessions" "$R/sent"
RT_PORT=$(pf_free_port) || { fail "a free port for RT"; exit 1; }
printf '#!/bin/sh\ncat >"%s/sent/m.$$"\n' "$R" >"$R/sendmail"
chmod 755 "$R/sendmail"
cat >"$R/RT_SiteConfig.pm" <<EOF
Set(\$rtname, 'support.test');
Set(\$Organization, 'support.test');
Set(\$CorrespondAddress, 'support@example.com');
Set(\$CommentAddress, 'support-comment@example.com');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $RT_PORT);
Set(\$WebPath, '');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$R/rt.db');
Set(\$MasonDataDir, '$R/mason');
Set(\$MasonSessionDir, '$R/sessions');
Set(\$LogToSTDERR, 'error');
Set(\$LogToSyslog, undef);
Set(\$LogToFile, undef);
Set(\$MailCommand, 'sendmailpipe');
Set(\$SendmailPath, '$R/sendmail');
Set(\$SendmailArguments, '');
1;
EOF
# only this file: not the system's RT_SiteConfig.d
RT_SITE_CONFIG=$R/RT_SiteConfig.pm
RT_SITE_CONFIG_DIR=$R/site.d
export RT_SITE_CONFIG RT_SITE_CONFIG_DIR

# The scrip's commit code, as doc/HELPDESKS.md shows it: the indented
# block after "Custom action commit code".
awk '/Custom action commit code/ { on = 1; next }
on && /^$/ { if (got) blank++; next }
on && /^        / { while (blank > 0) { print ""; blank-- } sub(/^        /, ""); print; got = 1; next }
on && got { exit }' "$top_srcdir/doc/HELPDESKS.md" >"$R/commit.pl"
contains "$(cat "$R/commit.pl")" "AddCustomFieldValue(Field => \$cf" \
    "doc/HELPDESKS.md shows the scrip's commit code"
{
	cat <<'EOF'
@CustomFields = (
    { Name => 'SupportAuth', Type => 'FreeformSingle',
      LookupType => 'RT::Queue-RT::Ticket', ApplyTo => 'General' },
    { Name => 'SupportCase', Type => 'FreeformSingle',
      LookupType => 'RT::Queue-RT::Ticket', ApplyTo => 'General' },
);
@ACL = (
    { GroupDomain => 'SystemInternal', GroupType => 'Everyone',
      Queue => 'General', Right => 'CreateTicket' },
);
@Scrips = (
    { Description => 'SupportAuth and SupportCase from pinmilter',
      Queue => 'General', ScripCondition => 'On Create',
      ScripAction => 'User Defined', Template => 'Blank',
      CustomPrepareCode => '1;',
      CustomCommitCode => <<'CODE' },
EOF
	cat "$R/commit.pl"
	printf 'CODE\n);\n1;\n'
} >"$R/initialdata"

t0=$(date +%s)
if "$RT_SETUP" --action init --skip-create </dev/null >"$R/setup.log" 2>&1 &&
    "$RT_SETUP" --action insert --skip-create --datafile "$R/initialdata" \
	</dev/null >>"$R/setup.log" 2>&1 &&
    ! grep -E '\[(error|crit)\]' "$R/setup.log" >/dev/null; then
	pass "RT database initialised, custom fields and scrip inserted ($(($(date +%s) - t0)) s)"
else
	fail "RT database initialised, custom fields and scrip inserted"
	diag "$(tail -n 20 "$R/setup.log")"
	exit 1
fi

RT_PID=
rt_stop() {
	[ -n "$RT_PID" ] || return 0
	# TERM (never INT: rt-server's INT handler chowns the system's
	# /var/lib/request-tracker5) to its own process group, the master and
	# its workers
	# (dash takes a group only as "kill -s SIG -- -PGID")
	kill -s TERM -- "-$RT_PID" 2>/dev/null
	_n=100
	while [ "$_n" -gt 0 ] && kill -s 0 -- "-$RT_PID" 2>/dev/null; do
		sleep 0.1
		_n=$((_n - 1))
	done
	kill -s KILL -- "-$RT_PID" 2>/dev/null
	wait "$RT_PID" 2>/dev/null
	RT_PID=
}
at_exit rt_stop
setsid "$RT_SERVER" --listen "127.0.0.1:$RT_PORT" --max-workers 2 \
    >"$R/server.log" 2>&1 </dev/null &
RT_PID=$!
_pf_watch "-$RT_PID"
if _pf_wait_port "$RT_PORT" 60; then
	pass "rt-server listens on 127.0.0.1:$RT_PORT"
else
	fail "rt-server listens on 127.0.0.1:$RT_PORT"
	diag "$(tail -n 20 "$R/server.log")"
	exit 1
fi

# --- pinmilter and Postfix: support@example.com piped to rt-mailgate ---
new_instance
conf_set Helpdesk rt
conf_set StripHeaders 'X-RT-*'
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme &&
    echo 482913 | pinctl pin set bob@acme.example ||
    { fail "database set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }
PF_MAIN_EXTRA='transport_maps = inline:{support@example.com=rt:}
rt_destination_recipient_limit = 1'
PF_MASTER_EXTRA="rt unix - n n - - pipe
  user=nobody argv=$RT_MAILGATE --queue General --action correspond --url http://127.0.0.1:$RT_PORT/"
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

n=0
# one ID FROM BODY [HEADER-LINES]: send to support@example.com, wait until
# Postfix has piped it to rt-mailgate
one() {
	{
		printf 'From: %s\nTo: support@example.com\nSubject: help %s\nDate: Mon, 02 Nov 2026 10:30:00 +0000\nMessage-ID: <%s@test>\n' \
		    "$2" "$1" "$1"
		[ -z "${4:-}" ] || printf '%s\n' "$4"
		printf '\n%s\n' "$3"
	} >"$T/$1.eml"
	pf_send "$(printf '%s' "$2" | sed 's/.*<//; s/>.*//')" support@example.com "$T/$1.eml"
	pf_is "$pf_rc" 0 "$1: accepted by Postfix"
	n=$((n + 1))
	_i=0
	until [ "$(grep -c 'relay=rt,.* status=sent' "$PF/log/maillog")" -ge "$n" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 600 ] || grep -qE 'relay=rt,.* status=(deferred|bounced)' "$PF/log/maillog"; then
			fail "$1: piped to rt-mailgate"
			pf_log
			diag "--- rt-server ---" "$(tail -n 10 "$R/server.log")"
			return 1
		fi
		sleep 0.1
	done
	pass "$1: piped to rt-mailgate (status=sent)"
}

one rt-auth "Bob <bob@acme.example>" "My PIN is 482913, what is my plan?"
one rt-vreq "Bob <bob@acme.example>" "Please forward my calls to 555-0199."
one rt-forged "Mallory <mallory@evil.example>" "Hello, what is my plan?" \
    'X-Support-Auth: authenticated
X-Support-Case: 987654
X-RT-Command: Status: resolved'

# The control: the stranger's mail straight into rt-mailgate, past
# pinmilter, is believed (so the check on the stranger's ticket can fail).
sed 's/<rt-forged@test>/<rt-direct@test>/' "$T/rt-forged.eml" >"$T/rt-direct.eml"
run "$RT_MAILGATE" --queue General --action correspond \
    --url "http://127.0.0.1:$RT_PORT/" <"$T/rt-direct.eml"
is "$rc" 0 "control: the stranger's mail piped to rt-mailgate directly"

# --- what RT holds ---
# One line per ticket: id, the Message-ID of the mail that created it,
# its requestor, SupportAuth, SupportCase and the X-Support-Auth and
# X-Support-Case fields RT stored with that mail (sorted); every attachment's
# header and content to $R/ticket.ID.
cat >"$R/dump.pl" <<'EOF'
use strict;
use warnings;
use RT;
RT::LoadConfig();
RT::Init();
my $dir = shift;
my $tickets = RT::Tickets->new(RT->SystemUser);
$tickets->FromSQL('id > 0');
$tickets->OrderBy(FIELD => 'id');
while (my $t = $tickets->Next) {
    my $msg = $t->Transactions->First->Message->First;
    my @stored = sort grep { /^X-Support-(Auth|Case):/i } split /\n/, $msg->Headers;
    my $cf = sub { join ',', map { $_->Content } @{ $t->CustomFieldValues($_[0])->ItemsArrayRef } };
    print join("\t", $t->id, $msg->GetHeader('Message-ID') // '', $t->RequestorAddresses,
        $cf->('SupportAuth'), $cf->('SupportCase'), join(' / ', @stored)), "\n";
    open my $fh, '>', "$dir/ticket." . $t->id or die "$dir: $!";
    my $txns = $t->Transactions;
    while (my $x = $txns->Next) {
        my $atts = $x->Attachments;
        while (my $a = $atts->Next) {
            print $fh $a->Headers, "\n\n", $a->Content // '', "\n";
        }
    }
    close $fh;
}
EOF
run perl -I"$RT_LIB" "$R/dump.pl" "$R"
is "$rc" 0 "RT's database read with RT's libraries"
[ "$rc" -eq 0 ] || diag "$err"
printf '%s\n' "$out" >"$R/tickets"
is "$(wc -l <"$R/tickets" | tr -d ' ')" 4 "four tickets"

# ticket MSGID: its line
ticket() { grep -F "	<$1@test>	" "$R/tickets"; }
# field LINE N
field() { printf '%s\n' "$1" | cut -f "$2"; }

t=$(ticket rt-auth)
case=$(field "$t" 5)
case $case in
[1-9]*) pass "Bob's ticket: SupportCase is pinmilter's case ($case)" ;;
*) fail "Bob's ticket: SupportCase is pinmilter's case (got '$case')" ;;
esac
is "$(field "$t" 3)|$(field "$t" 4)|$(field "$t" 6)" \
    "bob@acme.example|authenticated|X-Support-Auth: authenticated / X-Support-Case: $case" \
    "Bob's mail with his PIN: a ticket with SupportAuth authenticated"
id=$(field "$t" 1)
contains "$(cat "$R/ticket.$id")" "My PIN is [PIN redacted], what is my plan?" \
    "Bob's ticket: the message with the PIN redacted"
lacks "$(cat "$R"/ticket.*)" "482913" "the PIN nowhere in any ticket (headers, content)"
lacks "$(cat "$R"/sent/* 2>/dev/null)" "482913" "nor in what RT mailed"
contains "$(cat "$R"/sent/* 2>/dev/null)" "To: bob@acme.example" \
    "RT did mail its autoreply (the check above saw something)"

t=$(ticket rt-vreq)
is "$(field "$t" 3)|$(field "$t" 4)" "bob@acme.example|verification-requested" \
    "Bob asking a change without his PIN: SupportAuth verification-requested"

t=$(ticket rt-forged)
case=$(field "$t" 5)
is "$(field "$t" 3)|$(field "$t" 4)|$(field "$t" 6)" \
    "mallory@evil.example|unverified|X-Support-Auth: unverified / X-Support-Case: $case" \
    "a stranger's forged X-Support-Auth: authenticated: SupportAuth unverified, only pinmilter's field stored"
case $case in
987654) fail "the stranger's forged X-Support-Case is not the ticket's case" ;;
[1-9]*) pass "the stranger's forged X-Support-Case is not the ticket's case ($case)" ;;
*) fail "the stranger's ticket: SupportCase is pinmilter's case (got '$case')" ;;
esac
id=$(field "$t" 1)
lacks "$(grep -i '^X-RT-Command' "$R/ticket.$id")" "resolved" \
    "the stranger's X-RT-Command (StripHeaders X-RT-*) never reached RT"

t=$(ticket rt-direct)
is "$(field "$t" 4)|$(field "$t" 5)" "authenticated|987654" \
    "control: without pinmilter RT believes the forged fields (every road into rt-mailgate must go through pinmilter)"
