#!/bin/sh
# tests/bench/rss.sh - pinmilter's peak memory under large concurrent mail:
# CONNS sessions at once, each sending one support message of SIZE bytes
# through a private Postfix (smtp-source -s CONNS -m CONNS -l SIZE), then
# pinmilter's peak resident set (VmHWM from /proc) and its resident set
# at rest, and how many messages were delivered.
#
# Prints one TSV line on stdout: conns, bytes, delivered, peak RSS KiB,
# RSS before KiB.  Run from a build directory as root (scripts/bench does).
# Knobs: CONNS (100), SIZE (20000000).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix.sh"

CONNS=${CONNS:-100}
SIZE=${SIZE:-20000000}

pf_require
command -v smtp-source >/dev/null 2>&1 || { skip "smtp-source missing"; exit 0; }
new_instance
conf_set Syslog no
pm_start || { fail "pinmilter starts"; exit 1; }
PF_MAIN_EXTRA="message_size_limit = $((SIZE * 2))
smtpd_client_connection_count_limit = 0
default_process_limit = $((CONNS + 20))"
pf_start "$PM_SOCKET" || { fail "postfix starts"; exit 1; }

rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PM_PID/status"; }
before=$(rss VmRSS)
smtp-source -s "$CONNS" -m "$CONNS" -l "$SIZE" -f bench@client.test \
    -t support@example.com "127.0.0.1:$PF_PORT" >"$T/source.log" 2>&1 ||
    diag "smtp-source: $(tail -n 3 "$T/source.log")"
pf_wait_delivered "$CONNS" 900 || { pf_log; }
got=$(pf_count)
peak=$(rss VmHWM)
pf_is "$got" "$CONNS" "every message delivered"
printf '%s\t%s\t%s\t%s\t%s\n' "$CONNS" "$SIZE" "$got" "$peak" "$before"
