/*
 * logfault.h - one log line a minute for a fault that hits every message.
 *
 * A fault that lasts (the database locked, read-only, gone, full or
 * damaged; the key file missing or replaced) fails every message until
 * it clears.  Its error line is logged when it first happens, then at
 * most once every LOGFAULT_PERIOD seconds with how many were not logged
 * in between; when the operation works again, one line says so and how
 * many failed.  One state per kind, shared by every thread.
 */
#ifndef PM_LOGFAULT_H
#define PM_LOGFAULT_H

#include <stdbool.h>
#include <time.h>

#define LOGFAULT_PERIOD	60	/* seconds between two lines of one fault */

enum logfault_kind {
	LOGFAULT_DATABASE,	/* the milter's decisions */
	LOGFAULT_KEY,		/* the key file */
	LOGFAULT_OUTBOX,	/* the outbox worker's database */
	LOGFAULT__COUNT
};

/* The pure state of one kind (table-tested). */
struct logfault_state {
	bool failing;		/* since the first fault, until a success */
	time_t last;		/* when the last line was logged */
	unsigned long failed;	/* faults since the first one */
	unsigned long quiet;	/* faults not logged since the last line */
};

enum logfault_say {
	LOGFAULT_QUIET,		/* log nothing */
	LOGFAULT_SAY_FAULT,	/* log the fault (with *quiet not logged) */
	LOGFAULT_SAY_CLEARED,	/* log the recovery (with *failed) */
};

/* One event (FAULT or a success) at NOW: what to log.  *count is the
 * number to print: faults not logged since the last line (SAY_FAULT), or
 * faults in all (SAY_CLEARED). */
enum logfault_say logfault_step(struct logfault_state *s, time_t now,
    bool fault, unsigned long *count);

/* A fault of KIND at NOW: pm_log_err of the text, unless one was logged
 * less than LOGFAULT_PERIOD seconds ago. */
void logfault(enum logfault_kind kind, time_t now, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* KIND works at NOW: after faults, one line "WHAT: working again". */
void logfault_clear(enum logfault_kind kind, time_t now, const char *what);

/* Is KIND failing now (tests and diagnostics)? */
bool logfault_failing(enum logfault_kind kind);

#endif
