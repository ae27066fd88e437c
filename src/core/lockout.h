/*
 * lockout.h - per-user failure counting and lockout: pure logic, no I/O.
 *
 * MaxFailures failures within FailureWindow seconds lock the user for
 * LockoutTime seconds.  A locked user fails even with the right PIN and
 * such attempts do not extend the lock.  A success resets the counter.
 * An administrator setting or issuing a PIN, and "pinctl unlock", clear
 * everything; a PIN mailed in answer to a request by email (anyone can
 * send one) clears nothing.
 * Time is always passed in, so tests never sleep.
 */
#ifndef PM_LOCKOUT_H
#define PM_LOCKOUT_H

#include <stdbool.h>
#include <time.h>

struct lockout_policy {
	unsigned max_failures;		/* >= 1 */
	unsigned window;		/* seconds */
	unsigned lock_time;		/* seconds */
};

struct lockout_state {
	unsigned failures;		/* failures in the current window */
	time_t window_start;		/* first failure of the window, 0: none */
	time_t locked_until;		/* 0: not locked */
};

bool lockout_is_locked(const struct lockout_state *st, time_t now);

/* Count one failure at NOW; returns true when this failure locks the user. */
bool lockout_record_failure(struct lockout_state *st,
    const struct lockout_policy *pol, time_t now);

/*
 * The number of wrong guesses still allowed at NOW before the user is
 * locked: 0 while locked, max_failures when no window is open (or it has
 * closed), else max_failures minus the failures of the window (0 when a
 * lowered MaxFailures is already reached).  A caller tests at most this
 * many candidates, so no window ever sees more than max_failures wrong
 * guesses, however many candidates a message carries.
 */
unsigned lockout_budget(const struct lockout_state *st,
    const struct lockout_policy *pol, time_t now);

void lockout_record_success(struct lockout_state *st);

void lockout_clear(struct lockout_state *st);

#endif
