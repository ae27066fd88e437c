/*
 * log.h - one place for diagnostics.
 *
 * pm_log_info: normal events (one line per message); pm_log_warn: a
 * problem, processing goes on; pm_log_err: an operation failed (e.g. the
 * message is tempfailed).  Output goes to syslog when opened with a
 * facility, to a file after log_open_file(), else to stderr.  Text that came from the network must pass
 * through log_printable() first.  Never log a PIN.
 */
#ifndef PM_LOG_H
#define PM_LOG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * FACILITY: a syslog(3) facility name in any case ("mail", "local0"...),
 * or NULL for standard error.  0 ok, -1 unknown facility.
 */
int log_open(const char *ident, const char *facility);
/* Is NAME a facility log_open() accepts (auth, authpriv, cron, daemon,
 * ftp, kern, lpr, mail, news, syslog, user, uucp, local0-local7)? */
bool log_facility_known(const char *name);
void log_set_verbose(int verbose);

/*
 * Log to the file PATH (LogFile) instead: appended to, created 0640,
 * every line with a UTC timestamp.  0 ok, -1 with
 * ERR set (the file cannot be opened).
 */
int log_open_file(const char *ident, const char *path, char *err,
    size_t errlen);
/* Open the log file again by name (after rotation); the old one is kept
 * when that fails.  0 ok (or no log file), -1 with ERR set. */
int log_reopen(char *err, size_t errlen);
/* Put a UTC timestamp ("2026-12-05T07:30:00Z ") before each line that
 * does not go to syslog. */
void log_set_stamps(bool on);

/* The socket syslog(3) writes to; a missing one loses every line. */
#define LOG_SOCKET_PATH	"/dev/log"
bool log_syslog_socket_present(void);

void pm_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pm_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pm_log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pm_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy IN into OUT (size outsize), replacing control and non-ASCII bytes
 * with '?' and truncating with "..."; returns out. */
char *log_printable(const char *in, char *out, size_t outsize);

#endif
