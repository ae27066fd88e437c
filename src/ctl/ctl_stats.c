/*
 * ctl_stats.c - "pinctl stats [--since DURATION] [--json | --prometheus]":
 * how the milter is doing, without reading the audit table.
 *
 * Over the window (default the last 24 hours): messages by the result of
 * their PIN check, verifications, wrong PINs, lockouts, lost-PIN requests
 * answered, notices queued, sent, given up and refused, cases opened;
 * and now: the outbox backlog and the age of its oldest notice.
 * --prometheus prints the text exposition format for node_exporter's
 * textfile collector (gauges over the window).  Read-only.
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "util/timeconst.h"

#define STATS_DEFAULT_WINDOW	DAY

static int64_t
stats_oldest_age(const struct ctl *c, const struct store_stats *s)
{
	return s->oldest_queued != 0 && c->now > s->oldest_queued ?
	    (int64_t)(c->now - s->oldest_queued) : 0;
}

static void
stats_text(const struct ctl *c, const struct store_stats *s)
{
	char t1[CTL_TIME_BUF], t2[CTL_TIME_BUF];
	size_t i;

	printf("since %s (now %s)\n", ctl_time(s->since, t1),
	    ctl_time(c->now, t2));
	printf("%-22s %lld\n", "messages", (long long)s->messages);
	for (i = 0; i < s->nresults; i++)
		printf("  x-pin=%-14s %lld\n", s->results[i].name,
		    (long long)s->results[i].n);
	printf("%-22s %lld\n", "verifications", (long long)s->verifications);
	printf("%-22s %lld\n", "wrong PINs", (long long)s->wrong_pins);
	printf("%-22s %lld\n", "lockouts", (long long)s->lockouts);
	printf("%-22s %lld\n", "lost-PIN requests", (long long)s->lost_pin);
	printf("%-22s %lld\n", "notices queued", (long long)s->notices_queued);
	printf("%-22s %lld\n", "notices sent", (long long)s->notices_sent);
	printf("%-22s %lld\n", "notices given up", (long long)s->notices_dead);
	printf("%-22s %lld\n", "notices refused",
	    (long long)s->notices_skipped);
	printf("%-22s %lld\n", "cases opened", (long long)s->cases_opened);
	printf("%-22s %lld\n", "outbox backlog", (long long)s->backlog);
	printf("%-22s %s\n", "oldest queued", ctl_time(s->oldest_queued, t1));
}

static void
stats_json(const struct ctl *c, const struct store_stats *s)
{
	json_object *o = ctl_json_object(), *r = ctl_json_object();
	size_t i;

	ctl_json_set(o, "since", ctl_json_time(s->since));
	ctl_json_set(o, "now", ctl_json_time(c->now));
	ctl_json_set(o, "messages", ctl_json_int(s->messages));
	for (i = 0; i < s->nresults; i++)
		ctl_json_set(r, s->results[i].name,
		    ctl_json_int(s->results[i].n));
	ctl_json_set(o, "messages_by_result", r);
	ctl_json_set(o, "verifications", ctl_json_int(s->verifications));
	ctl_json_set(o, "wrong_pins", ctl_json_int(s->wrong_pins));
	ctl_json_set(o, "lockouts", ctl_json_int(s->lockouts));
	ctl_json_set(o, "lost_pin_requests", ctl_json_int(s->lost_pin));
	ctl_json_set(o, "notices_queued", ctl_json_int(s->notices_queued));
	ctl_json_set(o, "notices_sent", ctl_json_int(s->notices_sent));
	ctl_json_set(o, "notices_given_up", ctl_json_int(s->notices_dead));
	ctl_json_set(o, "notices_refused", ctl_json_int(s->notices_skipped));
	ctl_json_set(o, "cases_opened", ctl_json_int(s->cases_opened));
	ctl_json_set(o, "outbox_backlog", ctl_json_int(s->backlog));
	ctl_json_set(o, "outbox_oldest", ctl_json_time(s->oldest_queued));
	ctl_json_set(o, "outbox_oldest_age_seconds",
	    ctl_json_int(stats_oldest_age(c, s)));
	ctl_json_print(o);
}

/* One gauge: HELP, TYPE and its value. */
static void
prom_gauge(const char *name, const char *help, int64_t v)
{
	printf("# HELP pinmilter_%s %s\n# TYPE pinmilter_%s gauge\n"
	    "pinmilter_%s %lld\n", name, help, name, name, (long long)v);
}

static void
stats_prometheus(const struct ctl *c, const struct store_stats *s)
{
	size_t i;

	prom_gauge("stats_window_seconds", "Length of the window the other "
	    "figures count over.", (int64_t)(c->now - s->since));
	printf("# HELP pinmilter_messages Support messages in the window, by "
	    "the result of their PIN check.\n"
	    "# TYPE pinmilter_messages gauge\n");
	for (i = 0; i < s->nresults; i++)
		printf("pinmilter_messages{result=\"%s\"} %lld\n",
		    s->results[i].name, (long long)s->results[i].n);
	prom_gauge("verifications", "PIN verifications in the window, every "
	    "channel.", s->verifications);
	prom_gauge("wrong_pins", "Wrong PINs in the window.", s->wrong_pins);
	prom_gauge("lockouts", "Users locked out in the window.", s->lockouts);
	prom_gauge("lost_pin_requests", "Lost-PIN requests answered in the "
	    "window.", s->lost_pin);
	prom_gauge("notices_queued", "Notices queued in the window.",
	    s->notices_queued);
	prom_gauge("notices_sent", "Notices sent in the window.",
	    s->notices_sent);
	prom_gauge("notices_given_up", "Notices queued in the window and "
	    "given up.", s->notices_dead);
	prom_gauge("notices_refused", "Notices refused in the window (daily "
	    "cap, automatic mail).", s->notices_skipped);
	prom_gauge("cases_opened", "Cases opened in the window.",
	    s->cases_opened);
	prom_gauge("outbox_backlog", "Notices waiting to be sent now.",
	    s->backlog);
	prom_gauge("outbox_oldest_age_seconds", "Age of the oldest notice "
	    "waiting to be sent (0: none).", stats_oldest_age(c, s));
}

int
ctl_stats(struct ctl *c)
{
	struct store_stats s;
	time_t since = c->now - STATS_DEFAULT_WINDOW;
	int rc;

	if ((c->given & CTL_OPT_JSON) && (c->given & CTL_OPT_PROMETHEUS)) {
		ctl_err(c, "--json and --prometheus exclude each other");
		return CTL_EXIT_USAGE;
	}
	if (c->since != NULL && ctl_parse_since(c->since, c->now,
	    &since) != 0) {
		ctl_err(c, "--since needs a duration (30m, 12h, 7d), a date "
		    "(2026-11-29) or a UTC time (2026-11-29T10:00:00Z)");
		return CTL_EXIT_USAGE;
	}
	if ((rc = store_stats(c->st, since, &s)) != STORE_OK)
		return ctl_store_err(c, rc, "reading the figures");
	if (c->given & CTL_OPT_JSON)
		stats_json(c, &s);
	else if (c->given & CTL_OPT_PROMETHEUS)
		stats_prometheus(c, &s);
	else
		stats_text(c, &s);
	return CTL_EXIT_OK;
}
