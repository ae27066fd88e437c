/*
 * log.c - diagnostics to syslog or stderr.
 *
 * One line per call.  The message is formatted into a bounded buffer;
 * callers make network text printable with log_printable() first, so a
 * hostile header cannot forge log lines.  Thread-safe: syslog(3) and a
 * single fprintf per line are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "util/log.h"

static int log_to_syslog;
static int log_verbose;
static const char *log_ident = "pinmilter";

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int
log_open(const char *ident, const char *facility)
{
	size_t i;

	if (ident != NULL)
		log_ident = ident;
	if (facility == NULL) {
		log_to_syslog = 0;
		return 0;
	}
	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++) {
		if (strcasecmp(facility, facilities[i].name) == 0) {
			openlog(log_ident, LOG_PID | LOG_NDELAY,
			    facilities[i].facility);
			log_to_syslog = 1;
			return 0;
		}
	}
	return -1;
}

void
log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

static void
log_emit(int prio, const char *tag, const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_to_syslog)
		syslog(prio, "%s", buf);
	else
		fprintf(stderr, "%s: %s%s\n", log_ident, tag, buf);
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
