/*
 * test_lockout.c - the lockout policy, as a table of timed events.
 *
 * Each scenario is a list of events at given times (seconds from 0):
 * a failure, a success, a clear, or a check; the table says what the
 * state must be after each one.  No sleeping: time is passed in.
 */
#include <stddef.h>
#include <string.h>

#include "core/lockout.h"
#include "tap.h"

enum ev { FAIL, SUCCESS, CLEAR, CHECK };

struct step {
	enum ev ev;
	time_t at;
	int locks;		/* FAIL: must this failure lock? */
	int locked;		/* locked after the step? */
	unsigned failures;	/* failures counted after the step */
};

struct scenario {
	const char *name;
	struct lockout_policy pol;
	struct step steps[12];
	size_t nsteps;
};

#define T0 1700000000	/* an arbitrary epoch: nonzero, as real clocks are */

static const struct scenario scenarios[] = {
	{ "5 failures in the window lock for 1h", { 5, 900, 3600 }, {
		{ FAIL, T0 + 0, 0, 0, 1 }, { FAIL, T0 + 10, 0, 0, 2 },
		{ FAIL, T0 + 20, 0, 0, 3 }, { FAIL, T0 + 30, 0, 0, 4 },
		{ FAIL, T0 + 40, 1, 1, 0 },
		{ CHECK, T0 + 40 + 3599, 0, 1, 0 },
		{ CHECK, T0 + 40 + 3600, 0, 0, 0 } }, 7 },
	{ "failures spread beyond the window do not lock", { 3, 900, 3600 }, {
		{ FAIL, T0, 0, 0, 1 }, { FAIL, T0 + 899, 0, 0, 2 },
		{ FAIL, T0 + 900, 0, 0, 1 }, { FAIL, T0 + 1000, 0, 0, 2 },
		{ FAIL, T0 + 1799, 1, 1, 0 } }, 5 },
	{ "failures while locked neither count nor extend", { 2, 900, 600 }, {
		{ FAIL, T0, 0, 0, 1 }, { FAIL, T0 + 1, 1, 1, 0 },
		{ FAIL, T0 + 100, 0, 1, 0 }, { FAIL, T0 + 500, 0, 1, 0 },
		{ CHECK, T0 + 601, 0, 0, 0 },
		{ FAIL, T0 + 602, 0, 0, 1 } }, 6 },
	{ "success resets the count but not a lock", { 3, 900, 600 }, {
		{ FAIL, T0, 0, 0, 1 }, { FAIL, T0 + 1, 0, 0, 2 },
		{ SUCCESS, T0 + 2, 0, 0, 0 }, { FAIL, T0 + 3, 0, 0, 1 },
		{ FAIL, T0 + 4, 0, 0, 2 }, { FAIL, T0 + 5, 1, 1, 0 },
		{ SUCCESS, T0 + 6, 0, 1, 0 } }, 7 },
	{ "clear (pin set, unlock) lifts a lock at once", { 2, 900, 3600 }, {
		{ FAIL, T0, 0, 0, 1 }, { FAIL, T0 + 1, 1, 1, 0 },
		{ CLEAR, T0 + 2, 0, 0, 0 }, { FAIL, T0 + 3, 0, 0, 1 } }, 4 },
	{ "MaxFailures 1 locks on the first failure", { 1, 60, 60 }, {
		{ FAIL, T0, 1, 1, 0 }, { CHECK, T0 + 59, 0, 1, 0 },
		{ CHECK, T0 + 60, 0, 0, 0 } }, 3 },
	{ "a clock that goes backwards opens a new window", { 3, 900, 600 }, {
		{ FAIL, T0 + 1000, 0, 0, 1 }, { FAIL, T0 + 1001, 0, 0, 2 },
		{ FAIL, T0 + 10, 0, 0, 1 } }, 3 },
	{ "an expired lock is forgotten before counting again", { 2, 900, 60 }, {
		{ FAIL, T0, 0, 0, 1 }, { FAIL, T0 + 1, 1, 1, 0 },
		{ FAIL, T0 + 61, 0, 0, 1 }, { FAIL, T0 + 62, 1, 1, 0 },
		{ CHECK, T0 + 121, 0, 1, 0 }, { CHECK, T0 + 122, 0, 0, 0 } }, 6 },
};

/*
 * lockout_budget: wrong guesses left, after a history of failures at
 * the given times (MaxFailures 5, window 900 s, lock 3600 s).
 */
struct budget_case {
	const char *name;
	time_t fails[6];
	size_t nfails;
	time_t at;
	unsigned want;
};

static const struct budget_case budgets[] = {
	{ "no failure: all five", { 0 }, 0, T0, 5 },
	{ "one failure: four", { T0 }, 1, T0 + 1, 4 },
	{ "four failures: one", { T0, T0 + 1, T0 + 2, T0 + 3 }, 4, T0 + 4, 1 },
	{ "five (locked): none", { T0, T0, T0, T0, T0 }, 5, T0 + 1, 0 },
	{ "lock expired: all five", { T0, T0, T0, T0, T0 }, 5, T0 + 3600, 5 },
	{ "window closed: all five", { T0, T0 + 1, T0 + 2 }, 3, T0 + 900, 5 },
	{ "window still open: two", { T0, T0 + 1, T0 + 2 }, 3, T0 + 899, 2 },
	{ "clock went back: all five", { T0 + 100, T0 + 101 }, 2, T0, 5 },
};

static void
test_budget(void)
{
	static const struct lockout_policy pol = { 5, 900, 3600 };
	struct lockout_state st;
	unsigned spent, b;
	size_t i, j;

	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		memset(&st, 0, sizeof(st));
		for (j = 0; j < budgets[i].nfails; j++)
			(void)lockout_record_failure(&st, &pol,
			    budgets[i].fails[j]);
		is_int(lockout_budget(&st, &pol, budgets[i].at),
		    budgets[i].want, "budget: %s", budgets[i].name);
	}

	/*
	 * Spending the budget exactly never exceeds MaxFailures in a
	 * window: messages of 1, 1, 1, 1, 3 candidates test 1, 1, 1, 1, 1.
	 */
	memset(&st, 0, sizeof(st));
	spent = 0;
	for (i = 0; i < 5; i++) {
		unsigned want = i < 4 ? 1 : 3;

		b = lockout_budget(&st, &pol, T0 + (time_t)i);
		b = want < b ? want : b;
		for (j = 0; j < b; j++)
			(void)lockout_record_failure(&st, &pol, T0 + (time_t)i);
		spent += b;
	}
	is_int(spent, 5, "1+1+1+1+3 candidates: 5 tested");
	ok(lockout_is_locked(&st, T0 + 5), "and locked");
	is_int(lockout_budget(&st, &pol, T0 + 5), 0, "no budget while locked");

	/* A lowered MaxFailures already reached in an open window. */
	{
		static const struct lockout_policy low = { 2, 900, 3600 };

		memset(&st, 0, sizeof(st));
		st.failures = 3;
		st.window_start = T0;
		is_int(lockout_budget(&st, &low, T0 + 1), 0,
		    "MaxFailures lowered below the count: none");
	}
}

int
main(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *sc = &scenarios[i];
		struct lockout_state st = { 0, 0, 0 };

		for (j = 0; j < sc->nsteps; j++) {
			const struct step *s = &sc->steps[j];
			int locks = 0;

			switch (s->ev) {
			case FAIL:
				locks = lockout_record_failure(&st, &sc->pol, s->at);
				break;
			case SUCCESS:
				lockout_record_success(&st);
				break;
			case CLEAR:
				lockout_clear(&st);
				break;
			case CHECK:
				break;
			}
			is_int(locks, s->locks, "%s: step %zu locks", sc->name, j + 1);
			is_int(lockout_is_locked(&st, s->at), s->locked,
			    "%s: step %zu locked", sc->name, j + 1);
			is_int(st.failures, s->failures,
			    "%s: step %zu failures", sc->name, j + 1);
		}
	}
	test_budget();
	return tap_done();
}
