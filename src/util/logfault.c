/*
 * logfault.c - one log line a minute for a fault that hits every message
 * (logfault.h).
 *
 * logfault_step() is the whole rule, pure: the first fault is logged; a
 * fault less than LOGFAULT_PERIOD seconds after the last line is counted;
 * the first one after that is logged with the count; the first success
 * after faults is logged once ("working again", with how many failed).
 * logfault() and logfault_clear() keep one state per kind under a mutex
 * (every libmilter thread and the outbox worker report here).
 *
 * Security notes: the text is the caller's; callers pass store and file
 * errors (no PIN, no message content).
 *
 * Diagnostics: the fault line ends with "(N more like it in the last
 * 60 s)" when lines were held back; the recovery line reads "WHAT:
 * working again after N failures".
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "util/log.h"
#include "util/logfault.h"

static pthread_mutex_t logfault_mu = PTHREAD_MUTEX_INITIALIZER;
static struct logfault_state logfault_states[LOGFAULT__COUNT];

enum logfault_say
logfault_step(struct logfault_state *s, time_t now, bool fault,
    unsigned long *count)
{
	*count = 0;
	if (!fault) {
		if (!s->failing)
			return LOGFAULT_QUIET;
		*count = s->failed;
		s->failing = false;
		s->failed = s->quiet = 0;
		return LOGFAULT_SAY_CLEARED;
	}
	s->failed++;
	if (s->failing && now >= s->last && now - s->last < LOGFAULT_PERIOD) {
		s->quiet++;
		return LOGFAULT_QUIET;
	}
	*count = s->quiet;
	s->failing = true;
	s->last = now;
	s->quiet = 0;
	return LOGFAULT_SAY_FAULT;
}

void
logfault(enum logfault_kind kind, time_t now, const char *fmt, ...)
{
	enum logfault_say say;
	unsigned long n;
	char text[1024];
	va_list ap;

	(void)pthread_mutex_lock(&logfault_mu);
	say = logfault_step(&logfault_states[kind], now, true, &n);
	(void)pthread_mutex_unlock(&logfault_mu);
	if (say != LOGFAULT_SAY_FAULT)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n > 0)
		pm_log_err("%s (%lu more like it in the last %d s)", text, n,
		    LOGFAULT_PERIOD);
	else
		pm_log_err("%s", text);
}

void
logfault_clear(enum logfault_kind kind, time_t now, const char *what)
{
	enum logfault_say say;
	unsigned long n;

	(void)pthread_mutex_lock(&logfault_mu);
	say = logfault_step(&logfault_states[kind], now, false, &n);
	(void)pthread_mutex_unlock(&logfault_mu);
	if (say == LOGFAULT_SAY_CLEARED)
		pm_log_info("%s: working again after %lu failure%s", what, n,
		    n == 1 ? "" : "s");
}

bool
logfault_failing(enum logfault_kind kind)
{
	bool f;

	(void)pthread_mutex_lock(&logfault_mu);
	f = logfault_states[kind].failing;
	(void)pthread_mutex_unlock(&logfault_mu);
	return f;
}
