/*
 * test_logfault.c - one log line a minute for a fault that lasts: the
 * rule of logfault_step, one row per event in time order, and the lines
 * logfault() writes (to a log file) for a burst of faults and a recovery.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/logfault.h"
#include "tap.h"
#include "testutil.h"

struct row {
	time_t now;
	int fault;
	enum logfault_say want;
	unsigned long count;
	const char *what;
};

static const struct row rows[] = {
	{ 100, 0, LOGFAULT_QUIET, 0, "a success, no fault before: quiet" },
	{ 100, 1, LOGFAULT_SAY_FAULT, 0, "the first fault: logged" },
	{ 100, 1, LOGFAULT_QUIET, 0, "the same second: counted" },
	{ 130, 1, LOGFAULT_QUIET, 0, "30 s later: counted" },
	{ 159, 1, LOGFAULT_QUIET, 0, "59 s later: counted" },
	{ 160, 1, LOGFAULT_SAY_FAULT, 3, "60 s later: logged, 3 held back" },
	{ 161, 1, LOGFAULT_QUIET, 0, "then counted again" },
	{ 162, 0, LOGFAULT_SAY_CLEARED, 6, "a success: recovered, 6 failed" },
	{ 163, 0, LOGFAULT_QUIET, 0, "a second success: quiet" },
	{ 170, 1, LOGFAULT_SAY_FAULT, 0, "a new fault after recovery: logged at once" },
	{ 100, 1, LOGFAULT_SAY_FAULT, 0, "the clock went back: logged" },
	{ 101, 1, LOGFAULT_QUIET, 0, "then counted" },
	{ 200, 0, LOGFAULT_SAY_CLEARED, 3, "recovered: 3 failed" },
};

static void
test_rule(void)
{
	struct logfault_state s;
	unsigned long n;
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum logfault_say got = logfault_step(&s, rows[i].now,
		    rows[i].fault != 0, &n);

		is_int(got, rows[i].want, "%s", rows[i].what);
		is_int(n, rows[i].count, "%s: count", rows[i].what);
	}
}

static int
count_lines(const char *text, const char *needle)
{
	int n = 0;

	while (text != NULL && (text = strstr(text, needle)) != NULL) {
		n++;
		text += strlen(needle);
	}
	return n;
}

static void
test_lines(void)
{
	char err[256], *got;
	int i;

	if (log_open_file("test", tpath("log"), err, sizeof(err)) != 0) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	ok(!logfault_failing(LOGFAULT_DATABASE), "not failing at first");
	for (i = 0; i < 500; i++)	/* 500 messages in 10 s */
		logfault(LOGFAULT_DATABASE, 1000 + i / 50, "Q%d: database is "
		    "locked", i);
	ok(logfault_failing(LOGFAULT_DATABASE), "failing");
	logfault(LOGFAULT_KEY, 1005, "key file gone");
	logfault(LOGFAULT_DATABASE, 1060, "Q500: database is locked");
	logfault_clear(LOGFAULT_DATABASE, 1061, "database");
	logfault_clear(LOGFAULT_DATABASE, 1062, "database");
	ok(!logfault_failing(LOGFAULT_DATABASE), "no longer failing");
	ok(logfault_failing(LOGFAULT_KEY), "another kind keeps its own state");
	got = slurp(tpath("log"), NULL);
	is_int(count_lines(got, "database is locked"), 2,
	    "501 faults over a minute: two lines");
	is_int(count_lines(got, "Q0: database is locked\n"), 1,
	    "the first one as it came");
	is_int(count_lines(got, "Q500: database is locked (499 more like it "
	    "in the last 60 s)\n"), 1, "the next one a minute later, with the count");
	is_int(count_lines(got, "key file gone\n"), 1,
	    "another kind is logged on its own");
	is_int(count_lines(got, "database: working again after 501 failures\n"),
	    1, "one recovery line, with the count");
	free(got);
}

int
main(void)
{
	tdir_make("logfault");
	test_rule();
	test_lines();
	return tap_done();
}
