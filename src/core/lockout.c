/*
 * lockout.c - per-user failure counting and lockout (pure logic).
 *
 * A window opens at the first failure and lasts policy->window seconds;
 * failures after it has closed start a new window.  Reaching
 * max_failures inside one window locks the user until now + lock_time
 * and resets the count, so the next window starts after the lock.
 * Attempts while locked are not counted and do not extend the lock: an
 * attacker cannot keep a user locked out longer by hammering, and the
 * lock expires on its own.
 *
 * lockout_budget() says how many wrong guesses are left in the window,
 * with the same window and expiry rules as lockout_record_failure(): a
 * caller that tests at most that many candidates (in the transaction
 * that records them) never lets a window see more than max_failures.
 */
#include "core/lockout.h"

bool
lockout_is_locked(const struct lockout_state *st, time_t now)
{
	return st->locked_until != 0 && now < st->locked_until;
}

bool
lockout_record_failure(struct lockout_state *st,
    const struct lockout_policy *pol, time_t now)
{
	if (lockout_is_locked(st, now))
		return false;
	if (st->locked_until != 0 && now >= st->locked_until)
		st->locked_until = 0;		/* lock expired */
	if (st->window_start == 0 || now < st->window_start ||
	    now - st->window_start >= (time_t)pol->window) {
		st->window_start = now;
		st->failures = 0;
	}
	st->failures++;
	if (st->failures >= pol->max_failures) {
		st->locked_until = now + (time_t)pol->lock_time;
		st->failures = 0;
		st->window_start = 0;
		return true;
	}
	return false;
}

unsigned
lockout_budget(const struct lockout_state *st,
    const struct lockout_policy *pol, time_t now)
{
	if (lockout_is_locked(st, now))
		return 0;
	if (st->window_start == 0 || now < st->window_start ||
	    now - st->window_start >= (time_t)pol->window)
		return pol->max_failures;
	if (st->failures >= pol->max_failures)
		return 0;
	return pol->max_failures - st->failures;
}

void
lockout_record_success(struct lockout_state *st)
{
	st->failures = 0;
	st->window_start = 0;
}

void
lockout_clear(struct lockout_state *st)
{
	st->failures = 0;
	st->window_start = 0;
	st->locked_until = 0;
}
