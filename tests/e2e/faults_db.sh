#!/bin/sh
# tests/e2e/faults_db.sh - database and key file faults under load,
# through a real Postfix.  The database lives on a small tmpfs of its own
# (so the disk can be filled).  For each fault, a burst of 12 messages
# (9 for support: right PIN, wrong PIN, stranger; 3 not for support),
# 4 sessions at a time, from tests/e2e/faults_load.py (python3 smtplib),
# then the fault cleared and another burst, without restarting anything:
#
#   lock       sqlite3 holds BEGIN IMMEDIATE past DatabaseTimeout (1 s)
#   readonly   chattr +i on the database file (root ignores the mode)
#   deleted    the database and its -wal/-shm moved away, then back
#   full       the filesystem filled up (the WAL truncated first)
#   corrupt    two table pages overwritten; cleared by restoring a backup
#              (the -wal and -shm removed, the copy moved in: a new file)
#   replaced   another installation's database (another key) moved in
#   keygone    the key file moved away
#   keyother   the key file replaced by another key
#
# During a fault: every support message is tempfailed (451, the
# OnInternalError default), mail for others still flows, and pinmilter
# logs ONE error line for the whole burst.  After it: every message is
# accepted, the log says once that it works again, nothing was restarted
# (one pinmilter pid throughout).  At the end every accepted message was
# delivered with one verdict, no wrong PIN authenticated, no failure
# counted against bob, and no PIN delivered.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

pf_require
for _c in python3 sqlite3 chattr mount; do
	command -v "$_c" >/dev/null 2>&1 || { skip "$_c missing"; exit 0; }
done
new_instance
DBFS=$T/dbfs
mkdir -p "$DBFS"
if ! mount -t tmpfs -o size=8m tmpfs "$DBFS" 2>/dev/null; then
	skip "cannot mount a tmpfs here"; exit 0
fi
_umount() { umount -l "$DBFS" 2>/dev/null; }
at_exit _umount
DB=$DBFS/pinmilter.db
mv "$T/inst/pinmilter.db" "$DB" || { fail "database moved to the tmpfs"; exit 1; }
rm -f "$T/inst/pinmilter.db-wal" "$T/inst/pinmilter.db-shm"
conf_set Database "$DB"
conf_set DatabaseTimeout 1s
KEY=$T/inst/pinmilter.key
pinctl() { "$PINCTL" -c "$CONF" "$@" >/dev/null; }
pinctl account add Acme &&
    pinctl user add bob@acme.example --account Acme &&
    echo 482913 | pinctl pin set bob@acme.example &&
    pinctl user add carol@acme.example --account Acme &&
    echo 975310 | pinctl pin set carol@acme.example ||
    { fail "database set up"; exit 1; }
pm_start || { fail "pinmilter starts"; exit 1; }
PID0=$PM_PID
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }
LOAD=$top_srcdir/tests/e2e/faults_load.py
LOG=$T/pinmilter.log

# burst TAG: 12 messages; $burst holds the reply counts, one line.
burst() {
	burst=$(python3 "$LOAD" burst "$PF_PORT" "$T/sent.tsv" "$1" 12 4 |
	    tr '\n' ';')
}
# errors_since N: pinmilter's error lines after line N of its log, but
# the outbox worker's (it reports its own faults, once a minute too).
errors_since() { tail -n +"$(($1 + 1))" "$LOG" | grep ' error: ' | grep -vc ' error: outbox:'; }
lines() { wc -l <"$LOG" | tr -d ' '; }
FIGS=

# fault NAME SET CLEAR WHAT-THE-LINE-SAYS: one fault, its burst, cleared,
# the next burst.
fault() {
	_name=$1 _set=$2 _clear=$3 _says=$4
	_l0=$(lines)
	if ! $_set; then fail "$_name: the fault could not be made"; return; fi
	burst "$_name"
	is "$burst" "out 250 3;support 451 9;" "$_name: every support message tempfailed, other mail accepted"
	_errs=$(errors_since "$_l0")
	is "$_errs" 1 "$_name: one error line for 9 failed messages"
	contains "$(tail -n +"$((_l0 + 1))" "$LOG" | grep ' error: ')" "$_says" \
	    "$_name: the line says: $_says"
	$_clear
	_l1=$(lines)
	burst "$_name-after"
	is "$burst" "out 250 3;support 250 9;" "$_name: cleared: every message accepted"
	is "$(tail -n +"$((_l1 + 1))" "$LOG" | grep -c 'working again after')" 1 \
	    "$_name: cleared: logged once that it works again"
	is "$(errors_since "$_l1")" 0 "$_name: cleared: no error line"
	FIGS="$FIGS
$_name: 9 of 9 support messages tempfailed, 3 of 3 others accepted, $_errs error line; cleared: 9 of 9 accepted"
}

burst baseline
is "$burst" "out 250 3;support 250 9;" "baseline: every message accepted"

# --- lock ---
# sqlite3 reads its commands from a FIFO kept open here: it holds the
# write lock until it is killed.
mkfifo "$T/lock.fifo"
lock_set() {
	sqlite3 "$DB" <"$T/lock.fifo" >/dev/null 2>&1 &
	LOCKER=$!
	exec 7>"$T/lock.fifo"
	echo "BEGIN IMMEDIATE;" >&7
	sleep 0.5
}
lock_clear() { kill "$LOCKER" 2>/dev/null; wait "$LOCKER" 2>/dev/null; exec 7>&-; }
fault lock lock_set lock_clear "database is locked (busy past 1000 ms)"

# --- readonly ---
ro_set() { chattr +i "$DB"; }
ro_clear() { chattr -i "$DB"; }
fault readonly ro_set ro_clear "is read-only"

# --- deleted ---
mkdir -p "$T/away"
del_set() { mv "$DB" "$DB-wal" "$DB-shm" "$T/away/" 2>/dev/null; [ ! -e "$DB" ]; }
del_clear() { mv "$T/away/"pinmilter.db* "$DBFS/"; }
fault deleted del_set del_clear "does not exist"

# --- full ---
full_set() {
	sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	dd if=/dev/zero of="$DBFS/filler" bs=64k 2>/dev/null
	[ "$(df -P "$DBFS" | awk 'NR == 2 { print $4 }')" -eq 0 ]
}
full_clear() { rm -f "$DBFS/filler"; }
fault full full_set full_clear "full"

# --- corrupt ---
sqlite3 "$DB" ".backup '$T/backup.db'"
corrupt_set() {
	sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	_ps=$(sqlite3 "$DB" 'PRAGMA page_size;')
	for _t in audit decisions; do
		_p=$(sqlite3 "$DB" "SELECT rootpage FROM sqlite_master WHERE name = '$_t';")
		[ -n "$_p" ] || return 1
		head -c "$_ps" /dev/urandom | dd of="$DB" bs="$_ps" seek=$((_p - 1)) \
		    conv=notrunc 2>/dev/null || return 1
	done
}
corrupt_clear() {
	cp "$T/backup.db" "$DBFS/restore.db" &&
	    rm -f "$DB-wal" "$DB-shm" && mv "$DBFS/restore.db" "$DB"
}
fault corrupt corrupt_set corrupt_clear "malformed"

# --- replaced by another installation's database ---
mkdir -p "$T/other"
sed -e "s|^Database[[:space:]].*|Database	$T/other/other.db|" \
    -e "s|^KeyFile[[:space:]].*|KeyFile	$T/other/other.key|" "$CONF" >"$T/other/other.conf"
"$PINCTL" -c "$T/other/other.conf" init >/dev/null || fail "another database made"
rep_set() {
	mkdir -p "$T/ours" && mv "$DB" "$DB-wal" "$DB-shm" "$T/ours/" 2>/dev/null
	cp "$T/other/other.db" "$DB"
}
rep_clear() { rm -f "$DB" "$DB-wal" "$DB-shm"; mv "$T/ours/"pinmilter.db* "$DBFS/"; }
fault replaced rep_set rep_clear "does not belong to this database"

# --- key file gone, key file with another key ---
kg_set() { mv "$KEY" "$T/key.away"; }
kg_clear() { mv "$T/key.away" "$KEY"; }
fault keygone kg_set kg_clear "No such file or directory"
ko_set() {
	mv "$KEY" "$T/key.away" &&
	    head -c 32 /dev/urandom >"$T/other.key" && chmod 600 "$T/other.key" &&
	    mv "$T/other.key" "$KEY"
}
fault keyother ko_set kg_clear "holds another key"

is "$PM_PID" "$PID0" "one pinmilter process throughout: nothing restarted"
kill -0 "$PM_PID" 2>/dev/null && pass "pinmilter still runs" || fail "pinmilter still runs"

# --- everything accepted was delivered, with a verdict; no false pass ---
accepted=$(awk -F'\t' '$4 == 250' "$T/sent.tsv" | wc -l | tr -d ' ')
pf_wait_delivered "$accepted" 60 || { fail "accepted messages delivered"; pf_log; }
python3 "$LOAD" check "$PF_SINK" "$T/sent.tsv" >"$T/figures"
fig() { sed -n "s/^$1 //p" "$T/figures"; }
is "$(grep '^bad ' "$T/figures")" "" "no message breaks a rule"
is "$(fig delivered)" "$accepted" "every accepted message delivered"
is "$(fig false_auth)" 0 "no wrong PIN, no stranger authenticated"
is "$(fig right_not_auth)" 0 "every accepted right PIN authenticated"
is "$("$PINCTL" -c "$CONF" user show bob@acme.example | sed -n 's/^failures:[[:space:]]*//p')" 0 \
    "no failure counted against bob (never verified against a wrong key)"
diag "figures: $(grep -v '^bad ' "$T/figures" | tr '\n' ' ')" "$FIGS"
