/*
 * outbox.c - the notice queue: notices are queued in the transaction of
 * the decision that made them, then read when due, marked sent or failed
 * (retried later, or dead), cancelled (an address changed or removed:
 * the notices still queued to it are dead with the reason), listed, and
 * counted for the daily caps (per recipient; per budget class: whether
 * the notice answered mail with a trusted DMARC pass, see case/casework.c).
 *
 * A notice is claimed before it is handed to the Mailer (attempts + 1,
 * next_try moved to the end of a lease, only if attempts is still what
 * the worker read): attempts counts the times it was handed over, so a
 * process killed in the middle of a send finds it counted, and no
 * notice is handed over more than OutboxMaxAttempts times, however often
 * the daemon dies.  Marking it sent or failed counts nothing more.
 *
 * The due rows are read in full (a bounded batch) and the statement ended
 * before any callback runs: a delivery may take a minute, and an open
 * read would hold back checkpoints meanwhile.
 *
 * Security: a row holds a sealed notice (secret_seal), which may carry a
 * PIN once opened: its bytes are set to NULL as soon as it is sent or
 * given up (the backend's secure delete wipes them from the file), and no
 * list ever returns them.  The recipient is checked by store_email_ok()
 * (the one address rule of util/address) before any SQL runs.
 *
 * Diagnostics: "outbox add: no case N", "outbox N: queued without a
 * message", "invalid notice recipient", or the statement's failure.
 */
#include <string.h>

#include "store/stmt.h"

#define OUTBOX_LIMIT_MAX	1000	/* due notices read at once */

/* The columns of NOTICE_SELECT, in order; the due query adds the bytes. */
enum notice_col {
	NOTICE_ID, NOTICE_CASE, NOTICE_RECIPIENT, NOTICE_KIND, NOTICE_CREATED,
	NOTICE_ATTEMPTS, NOTICE_NEXT_TRY, NOTICE_SENT_AT, NOTICE_DEAD,
	NOTICE_LAST_ERROR, NOTICE_ALIGNED, NOTICE_MESSAGE
};
#define NOTICE_SELECT \
	"SELECT id, coalesce(case_number, 0), recipient, kind, created, " \
	"attempts, next_try, coalesce(sent_at, 0), dead, " \
	"coalesce(last_error, ''), aligned"

enum count_col { COUNT_N, COUNT_NEWEST };

static const struct store_query q_outbox_add = { "outbox add",
	"INSERT INTO outbox (case_number, recipient, kind, message, created, "
	"next_try, aligned) VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5, ?6, ?7)",
	"id", false };
static const struct store_query q_outbox_due = { "outbox due",
	NOTICE_SELECT ", message FROM outbox WHERE sent_at IS NULL AND "
	"dead = 0 AND next_try <= ?1 ORDER BY created, id LIMIT ?2",
	NULL, true };
static const struct store_query q_outbox_claim = { "outbox claim",
	"UPDATE outbox SET attempts = attempts + 1, next_try = ?3 "
	"WHERE id = ?1 AND attempts = ?2 AND sent_at IS NULL AND dead = 0",
	NULL, false };
static const struct store_query q_outbox_unclaim = { "outbox unclaim",
	"UPDATE outbox SET attempts = CASE WHEN attempts > 0 THEN attempts - 1 "
	"ELSE 0 END, next_try = ?2 "
	"WHERE id = ?1 AND sent_at IS NULL AND dead = 0", NULL, false };
static const struct store_query q_outbox_sent = { "outbox mark-sent",
	"UPDATE outbox SET sent_at = coalesce(sent_at, ?2), message = NULL "
	"WHERE id = ?1", NULL, false };
static const struct store_query q_outbox_failed = { "outbox mark-failed",
	"UPDATE outbox SET next_try = ?2, "
	"last_error = ?3, dead = ?4, message = CASE WHEN ?4 = 1 THEN NULL "
	"ELSE message END WHERE id = ?1 AND sent_at IS NULL", NULL, false };
static const struct store_query q_outbox_pending = { "outbox pending",
	"SELECT count(*) FROM outbox WHERE recipient = ?1 AND "
	"sent_at IS NULL AND dead = 0", NULL, false };
static const struct store_query q_outbox_cancel = { "outbox cancel",
	"UPDATE outbox SET dead = 1, message = NULL, last_error = ?2 "
	"WHERE recipient = ?1 AND sent_at IS NULL AND dead = 0",
	NULL, false };
static const struct store_query q_outbox_list = { "outbox list",
	NOTICE_SELECT " FROM outbox ORDER BY created DESC, id DESC",
	NULL, true };
static const struct store_query q_outbox_count = { "outbox count",
	"SELECT count(*), coalesce(max(created), 0) FROM outbox WHERE "
	"recipient = ?1 AND created >= ?2 AND (?3 IS NULL OR kind = ?3)",
	NULL, false };
static const struct store_query q_outbox_budget = { "outbox budget",
	"SELECT count(*), coalesce(max(created), 0) FROM outbox WHERE "
	"recipient = ?1 AND created >= ?2 AND aligned = ?3 AND "
	"(?4 IS NULL OR kind = ?4) AND (?5 IS NULL OR kind <> ?5)",
	NULL, false };

int
store_outbox_add(struct store *st, const struct store_notice *n,
    int64_t *id)
{
	struct stmt q;
	int rc;

	if (id != NULL)
		*id = 0;
	if (!store_email_ok(n->recipient))
		return store_invalid(st, "notice recipient");
	if (!store_str_ok(n->kind, STORE_KIND_MAX, false))
		return store_invalid(st, "notice kind");
	if (n->message == NULL || n->message_len == 0 ||
	    n->message_len > STORE_NOTICE_MAX)
		return store_invalid(st, "notice message");
	if (n->case_number < 0)
		return store_invalid(st, "notice case");
	stmt_start(&q, st, &q_outbox_add);
	stmt_int(&q, 1, n->case_number);
	stmt_text(&q, 2, n->recipient);
	stmt_text(&q, 3, n->kind);
	stmt_blob(&q, 4, n->message, n->message_len);
	stmt_int(&q, 5, (int64_t)n->created);
	stmt_int(&q, 6, (int64_t)n->next_try);
	stmt_int(&q, 7, n->aligned ? 1 : 0);
	rc = stmt_write(&q, false, id);
	if (rc == STORE_CONSTRAINT)
		(void)store_seterr(st, rc, "outbox add: no case %lld",
		    (long long)n->case_number);
	return rc;
}

/* The NOTICE_SELECT columns of a row, without the message bytes. */
static int
notice_read(struct stmt *q, struct store_notice *n)
{
	memset(n, 0, sizeof(*n));
	n->id = stmt_col_int(q, NOTICE_ID);
	n->case_number = stmt_col_int(q, NOTICE_CASE);
	stmt_col_text(q, NOTICE_RECIPIENT, n->recipient, sizeof(n->recipient));
	stmt_col_text(q, NOTICE_KIND, n->kind, sizeof(n->kind));
	n->created = (time_t)stmt_col_int(q, NOTICE_CREATED);
	n->attempts = (unsigned)stmt_col_int(q, NOTICE_ATTEMPTS);
	n->next_try = (time_t)stmt_col_int(q, NOTICE_NEXT_TRY);
	n->sent_at = (time_t)stmt_col_int(q, NOTICE_SENT_AT);
	n->dead = stmt_col_int(q, NOTICE_DEAD) != 0;
	stmt_col_text(q, NOTICE_LAST_ERROR, n->last_error,
	    sizeof(n->last_error));
	n->aligned = stmt_col_int(q, NOTICE_ALIGNED) != 0;
	return q->rc;
}

/* A due row with its own copy of the message bytes. */
static int
notice_due_read(struct stmt *q, struct store_notice *n)
{
	const void *p;
	size_t len;

	if (notice_read(q, n) != STORE_OK)
		return q->rc;
	p = stmt_col_bytes(q, NOTICE_MESSAGE, &len);
	if (q->rc != STORE_OK)
		return q->rc;
	if (p == NULL || len == 0 || len > STORE_NOTICE_MAX)
		return store_seterr(q->st, STORE_ERROR, "outbox %lld: queued "
		    "without a message", (long long)n->id);
	n->message = g_malloc(len);
	memcpy(n->message, p, len);
	n->message_len = len;
	return STORE_OK;
}

static void
notices_free(struct store_notice *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		g_free(v[i].message);
	g_free(v);
}

/* Read at most LIMIT due rows into *OUT (*COUNT of them). */
static int
outbox_due_read(struct store *st, time_t now, unsigned limit,
    struct store_notice **out, size_t *count)
{
	struct store_notice *v = g_new0(struct store_notice, limit);
	struct stmt q;
	size_t n = 0;
	int rc = STORE_OK;

	stmt_start(&q, st, &q_outbox_due);
	stmt_int(&q, 1, (int64_t)now);
	stmt_int(&q, 2, (int64_t)limit);
	while (n < limit && (rc = stmt_row(&q)) == STORE_OK &&
	    (rc = notice_due_read(&q, &v[n])) == STORE_OK)
		n++;
	rc = stmt_list_end(&q, rc, 0);
	if (rc != STORE_OK) {
		notices_free(v, n);	/* v[n] holds no bytes on failure */
		*out = NULL;
		*count = 0;
		return rc;
	}
	*out = v;
	*count = n;
	return STORE_OK;
}

int
store_outbox_due(struct store *st, time_t now, unsigned limit,
    store_notice_cb cb, void *arg)
{
	struct store_notice *v;
	size_t i, n;
	int rc, stop = 0;

	if (limit == 0)
		return STORE_OK;
	if (limit > OUTBOX_LIMIT_MAX)
		return store_invalid(st, "outbox limit");
	if ((rc = outbox_due_read(st, now, limit, &v, &n)) != STORE_OK)
		return rc;
	for (i = 0; i < n && stop == 0; i++) {
		stop = cb(&v[i], arg);
		g_free(v[i].message);
		v[i].message = NULL;
	}
	notices_free(v, n);
	return stop;
}

int
store_outbox_claim(struct store *st, int64_t id, unsigned attempts,
    time_t lease_until)
{
	struct stmt q;

	stmt_start(&q, st, &q_outbox_claim);
	stmt_int(&q, 1, id);
	stmt_int(&q, 2, (int64_t)attempts);
	stmt_int(&q, 3, (int64_t)lease_until);
	return stmt_write(&q, true, NULL);
}

int
store_outbox_unclaim(struct store *st, int64_t id, time_t next_try)
{
	struct stmt q;

	stmt_start(&q, st, &q_outbox_unclaim);
	stmt_int(&q, 1, id);
	stmt_int(&q, 2, (int64_t)next_try);
	return stmt_write(&q, true, NULL);
}

int
store_outbox_mark_sent(struct store *st, int64_t id, time_t now)
{
	struct stmt q;

	stmt_start(&q, st, &q_outbox_sent);
	stmt_int(&q, 1, id);
	stmt_int(&q, 2, (int64_t)now);
	return stmt_write(&q, true, NULL);
}

int
store_outbox_mark_failed(struct store *st, int64_t id, time_t next_try,
    const char *error, bool dead)
{
	struct stmt q;

	if (error == NULL)
		error = "";
	if (!store_str_ok(error, STORE_ERROR_MAX, true))
		return store_invalid(st, "notice error text");
	stmt_start(&q, st, &q_outbox_failed);
	stmt_int(&q, 1, id);
	stmt_int(&q, 2, (int64_t)next_try);
	stmt_text(&q, 3, error);
	stmt_int(&q, 4, dead ? 1 : 0);
	return stmt_write(&q, true, NULL);
}

int
store_outbox_cancel(struct store *st, const char *recipient,
    const char *reason, unsigned *count)
{
	struct stmt q;
	int rc;

	*count = 0;
	if (!store_str_ok(recipient, STORE_EMAIL_MAX, false))
		return store_invalid(st, "notice recipient");
	if (!store_str_ok(reason, STORE_ERROR_MAX, false))
		return store_invalid(st, "notice error text");
	stmt_start(&q, st, &q_outbox_pending);
	stmt_text(&q, 1, recipient);
	if ((rc = stmt_row(&q)) == STORE_OK) {
		*count = (unsigned)stmt_col_int(&q, 0);
		rc = q.rc;
	} else if (rc == STORE_NOTFOUND)
		rc = store_seterr(st, STORE_ERROR, "outbox pending: no row");
	stmt_end(&q);
	if (rc != STORE_OK || *count == 0)
		return rc;
	stmt_start(&q, st, &q_outbox_cancel);
	stmt_text(&q, 1, recipient);
	stmt_text(&q, 2, reason);
	return stmt_write(&q, false, NULL);
}

int
store_outbox_list(struct store *st, store_notice_cb cb, void *arg)
{
	struct store_notice n;
	struct stmt q;
	int rc, stop = 0;

	stmt_start(&q, st, &q_outbox_list);
	while ((rc = stmt_row(&q)) == STORE_OK &&
	    (rc = notice_read(&q, &n)) == STORE_OK &&
	    (stop = cb(&n, arg)) == 0)
		;
	return stmt_list_end(&q, rc, stop);
}

/* Count the notices to RECIPIENT since SINCE (of KIND); the newest's time. */
static int
outbox_count(struct store *st, const char *recipient, const char *kind,
    time_t since, unsigned *count, time_t *newest)
{
	struct stmt q;
	int rc;

	*count = 0;
	*newest = 0;
	if (!store_str_ok(recipient, STORE_EMAIL_MAX, false))
		return store_invalid(st, "notice recipient");
	if (kind != NULL && !store_str_ok(kind, STORE_KIND_MAX, false))
		return store_invalid(st, "notice kind");
	stmt_start(&q, st, &q_outbox_count);
	stmt_text(&q, 1, recipient);
	stmt_int(&q, 2, (int64_t)since);
	stmt_text(&q, 3, kind);
	if ((rc = stmt_row(&q)) == STORE_OK) {
		*count = (unsigned)stmt_col_int(&q, COUNT_N);
		*newest = (time_t)stmt_col_int(&q, COUNT_NEWEST);
		rc = q.rc;
	} else if (rc == STORE_NOTFOUND)
		rc = store_seterr(st, STORE_ERROR, "outbox count: no row");
	stmt_end(&q);
	return rc;
}

int
store_outbox_count(struct store *st, const char *recipient,
    const char *kind, time_t since, unsigned *count)
{
	time_t newest;

	return outbox_count(st, recipient, kind, since, count, &newest);
}

int
store_outbox_newest(struct store *st, const char *recipient,
    const char *kind, time_t since, time_t *at)
{
	unsigned count;

	return outbox_count(st, recipient, kind, since, &count, at);
}

int
store_outbox_count_class(struct store *st, const char *recipient,
    bool aligned, const char *kind, const char *except, time_t since,
    unsigned *count, time_t *newest)
{
	struct stmt q;
	int rc;

	*count = 0;
	*newest = 0;
	if (!store_str_ok(recipient, STORE_EMAIL_MAX, false))
		return store_invalid(st, "notice recipient");
	if ((kind != NULL && !store_str_ok(kind, STORE_KIND_MAX, false)) ||
	    (except != NULL && !store_str_ok(except, STORE_KIND_MAX, false)))
		return store_invalid(st, "notice kind");
	stmt_start(&q, st, &q_outbox_budget);
	stmt_text(&q, 1, recipient);
	stmt_int(&q, 2, (int64_t)since);
	stmt_int(&q, 3, aligned ? 1 : 0);
	stmt_text(&q, 4, kind);
	stmt_text(&q, 5, except);
	if ((rc = stmt_row(&q)) == STORE_OK) {
		*count = (unsigned)stmt_col_int(&q, COUNT_N);
		*newest = (time_t)stmt_col_int(&q, COUNT_NEWEST);
		rc = q.rc;
	} else if (rc == STORE_NOTFOUND)
		rc = store_seterr(st, STORE_ERROR, "outbox budget: no row");
	stmt_end(&q);
	return rc;
}
