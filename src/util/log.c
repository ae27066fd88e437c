/*
 * log.c - diagnostics to syslog, a log file, or stderr.
 *
 * One line per call.  The message is formatted into a bounded buffer;
 * callers make network text printable with log_printable() first, so a
 * hostile header cannot forge log lines.  Lines that do not go to syslog
 * can carry a timestamp (UTC, ISO 8601), as syslog
 * would add (the process id is in the PidFile).  A log file is opened O_APPEND and each line is one write(2),
 * so lines of several threads never interleave; log_reopen() opens it
 * again by name (after rotation), keeping the old descriptor when that
 * fails.  Thread-safe: syslog(3), one write per line, and the file
 * descriptor swapped atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static int log_to_syslog;
static int log_verbose;
static bool log_stamps;
static const char *log_ident = "pinmilter";
static int log_fd = -1;			/* LogFile, -1: none */
static char log_path[4096];

/*
 * The facilities syslog(3) offers, the one list: pinmilter.conf(5)
 * documents exactly these (tests/man/lint.sh compares), and the check of
 * the Syslog key asks log_facility_known().  The C library logs "kern"
 * as "user": only the kernel may use it.
 */
static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
	{ "kern", LOG_KERN }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
	{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
	{ "uucp", LOG_UUCP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

#define NFACILITIES	(sizeof(facilities) / sizeof(facilities[0]))

/* The facility called NAME (any case), or -1. */
static int
log_facility(const char *name)
{
	size_t i;

	for (i = 0; i < NFACILITIES; i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].facility;
	return -1;
}

bool
log_facility_known(const char *name)
{
	return name != NULL && log_facility(name) != -1;
}

int
log_open(const char *ident, const char *facility)
{
	int f;

	if (ident != NULL)
		log_ident = ident;
	if (facility == NULL) {
		log_to_syslog = 0;
		return 0;
	}
	if ((f = log_facility(facility)) == -1)
		return -1;
	openlog(log_ident, LOG_PID | LOG_NDELAY, f);
	log_to_syslog = 1;
	return 0;
}

void
log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

void
log_set_stamps(bool on)
{
	log_stamps = on;
}

static int
log_file_open(const char *path, char *err, size_t errlen)
{
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	    0640);
	if (fd == -1)
		(void)snprintf(err, errlen, "LogFile %s: %s", path,
		    strerror(errno));
	return fd;
}

int
log_open_file(const char *ident, const char *path, char *err, size_t errlen)
{
	int fd;

	if ((fd = log_file_open(path, err, errlen)) == -1)
		return -1;
	if (ident != NULL)
		log_ident = ident;
	(void)snprintf(log_path, sizeof(log_path), "%s", path);
	log_fd = fd;
	log_to_syslog = 0;
	log_stamps = true;
	return 0;
}

int
log_reopen(char *err, size_t errlen)
{
	int fd, old;

	if (log_fd == -1)
		return 0;
	if ((fd = log_file_open(log_path, err, errlen)) == -1)
		return -1;
	old = __atomic_exchange_n(&log_fd, fd, __ATOMIC_SEQ_CST);
	(void)close(old);
	return 0;
}

bool
log_syslog_socket_present(void)
{
	struct stat sb;

	return stat(LOG_SOCKET_PATH, &sb) == 0 && S_ISSOCK(sb.st_mode);
}

/* "2026-12-05T07:30:00Z " into OUT (size >= 22), or "" when off. */
static void
log_stamp(char *out, size_t size)
{
	struct tm tm;
	time_t now;

	out[0] = '\0';
	if (!log_stamps)
		return;
	now = time(NULL);
	if (gmtime_r(&now, &tm) != NULL)
		(void)strftime(out, size, "%Y-%m-%dT%H:%M:%SZ ", &tm);
}

static void
log_emit(int prio, const char *tag, const char *fmt, va_list ap)
{
	char buf[2048], line[2200], stamp[32];
	int n, fd;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_to_syslog) {
		syslog(prio, "%s", buf);
		return;
	}
	log_stamp(stamp, sizeof(stamp));
	n = snprintf(line, sizeof(line), "%s%s: %s%s\n", stamp, log_ident, tag,
	    buf);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	fd = __atomic_load_n(&log_fd, __ATOMIC_SEQ_CST);
	if (write(fd != -1 ? fd : STDERR_FILENO, line, (size_t)n) < 0)
		return;		/* nowhere left to say so */
}

#define LOG_FN(fn, prio, tag, cond) \
void fn(const char *fmt, ...) \
{ \
	va_list ap; \
	if (!(cond)) \
		return; \
	va_start(ap, fmt); \
	log_emit(prio, tag, fmt, ap); \
	va_end(ap); \
}

LOG_FN(pm_log_info, LOG_INFO, "", 1)
LOG_FN(pm_log_warn, LOG_WARNING, "warning: ", 1)
LOG_FN(pm_log_err, LOG_ERR, "error: ", 1)
LOG_FN(pm_log_debug, LOG_DEBUG, "debug: ", log_verbose)

char *
log_printable(const char *in, char *out, size_t outsize)
{
	size_t i, o = 0;

	if (outsize == 0)
		return out;
	if (in == NULL)
		in = "(null)";
	for (i = 0; in[i] != '\0'; i++) {
		unsigned char c = (unsigned char)in[i];

		if (o + 1 >= outsize) {
			if (outsize > 4) {
				memcpy(out + outsize - 4, "...", 3);
				o = outsize - 1;
			}
			break;
		}
		out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[o] = '\0';
	return out;
}
