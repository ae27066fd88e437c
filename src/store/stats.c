/*
 * stats.c - the figures "pinctl stats" reports: what the milter did since
 * a time, read from the audit trail, the outbox and the cases.
 *
 * Read-only, plain aggregates over indexed columns (audit.at,
 * cases.number, the outbox): cheap enough to run from cron every minute.
 * The SQL is written once for every backend (LIKE, not instr()).
 */
#include <string.h>

#include "store/stmt.h"

enum count_col { STATS_N };

static const struct store_query q_stats_messages = { "stats messages",
	"SELECT result, count(*) FROM audit WHERE at >= ?1 AND "
	"(action = 'message' OR (action = 'pin.verify' AND "
	"detail LIKE 'channel=email %')) GROUP BY result ORDER BY result",
	NULL, true };
static const struct store_query q_stats_audit = { "stats audit",
	"SELECT "
	"coalesce(sum(CASE WHEN action = 'pin.verify' THEN 1 ELSE 0 END), 0), "
	"coalesce(sum(CASE WHEN action = 'pin.verify' AND result = 'fail' "
	"  THEN 1 ELSE 0 END), 0), "
	"coalesce(sum(CASE WHEN action = 'pin.verify' AND "
	"  detail LIKE '%locked-now%' THEN 1 ELSE 0 END), 0), "
	"coalesce(sum(CASE WHEN action IN ('notice.queue', 'notice.skip') "
	"  AND (detail LIKE 'kind=pin-delivery%' OR "
	"  detail LIKE 'kind=pin-recently-sent%') THEN 1 ELSE 0 END), 0), "
	"coalesce(sum(CASE WHEN action = 'notice.skip' THEN 1 ELSE 0 END), 0) "
	"FROM audit WHERE at >= ?1", NULL, false };
static const struct store_query q_stats_outbox = { "stats outbox",
	"SELECT "
	"coalesce(sum(CASE WHEN created >= ?1 THEN 1 ELSE 0 END), 0), "
	"coalesce(sum(CASE WHEN sent_at >= ?1 THEN 1 ELSE 0 END), 0), "
	"coalesce(sum(CASE WHEN dead = 1 AND created >= ?1 THEN 1 ELSE 0 END),"
	"  0), "
	"coalesce(sum(CASE WHEN sent_at IS NULL AND dead = 0 THEN 1 ELSE 0 "
	"  END), 0), "
	"coalesce(min(CASE WHEN sent_at IS NULL AND dead = 0 THEN created "
	"  END), 0) "
	"FROM outbox", NULL, false };
static const struct store_query q_stats_cases = { "stats cases",
	"SELECT count(*) FROM cases WHERE opened >= ?1", NULL, false };

enum audit_col { A_VERIFY, A_FAIL, A_LOCK, A_LOSTPIN, A_SKIP };
enum outbox_col { O_QUEUED, O_SENT, O_DEAD, O_BACKLOG, O_OLDEST };

static int
stats_messages(struct store *st, time_t since, struct store_stats *s)
{
	struct stmt q;
	int rc;

	stmt_start(&q, st, &q_stats_messages);
	stmt_int(&q, 1, (int64_t)since);
	while ((rc = stmt_row(&q)) == STORE_OK) {
		struct store_stats_result *r;

		if (s->nresults == STORE_STATS_RESULTS)
			continue;	/* more results than x-pin has */
		r = &s->results[s->nresults++];
		stmt_col_text(&q, 0, r->name, sizeof(r->name));
		r->n = stmt_col_int(&q, 1);
		s->messages += r->n;
	}
	stmt_end(&q);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

static int
stats_audit(struct store *st, time_t since, struct store_stats *s)
{
	struct stmt q;
	int rc;

	stmt_start(&q, st, &q_stats_audit);
	stmt_int(&q, 1, (int64_t)since);
	if ((rc = stmt_row(&q)) == STORE_OK) {
		s->verifications = stmt_col_int(&q, A_VERIFY);
		s->wrong_pins = stmt_col_int(&q, A_FAIL);
		s->lockouts = stmt_col_int(&q, A_LOCK);
		s->lost_pin = stmt_col_int(&q, A_LOSTPIN);
		s->notices_skipped = stmt_col_int(&q, A_SKIP);
		rc = q.rc;
	}
	stmt_end(&q);
	return rc;
}

static int
stats_outbox(struct store *st, time_t since, struct store_stats *s)
{
	struct stmt q;
	int rc;

	stmt_start(&q, st, &q_stats_outbox);
	stmt_int(&q, 1, (int64_t)since);
	if ((rc = stmt_row(&q)) == STORE_OK) {
		s->notices_queued = stmt_col_int(&q, O_QUEUED);
		s->notices_sent = stmt_col_int(&q, O_SENT);
		s->notices_dead = stmt_col_int(&q, O_DEAD);
		s->backlog = stmt_col_int(&q, O_BACKLOG);
		s->oldest_queued = (time_t)stmt_col_int(&q, O_OLDEST);
		rc = q.rc;
	}
	stmt_end(&q);
	return rc;
}

static int
stats_cases(struct store *st, time_t since, struct store_stats *s)
{
	struct stmt q;
	int rc;

	stmt_start(&q, st, &q_stats_cases);
	stmt_int(&q, 1, (int64_t)since);
	if ((rc = stmt_row(&q)) == STORE_OK) {
		s->cases_opened = stmt_col_int(&q, STATS_N);
		rc = q.rc;
	}
	stmt_end(&q);
	return rc;
}

int
store_stats(struct store *st, time_t since, struct store_stats *s)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->since = since;
	if ((rc = stats_messages(st, since, s)) != STORE_OK ||
	    (rc = stats_audit(st, since, s)) != STORE_OK ||
	    (rc = stats_outbox(st, since, s)) != STORE_OK)
		return rc;
	return stats_cases(st, since, s);
}
