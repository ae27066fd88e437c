/*
 * audit.c - the audit trail: every verification and administrative
 * action, one row each, and the filtered listing pinctl shows.
 *
 * store_audit_record() is the one builder of a row: every program writes
 * the audit through it, with the actor always given by the caller.  It
 * copies each string into its bounded field, turns control characters
 * into '?' and cuts an over-long string on a UTF-8 character boundary, so
 * text from mail (addresses, queue ids) can neither make a row invalid
 * nor forge a line.  store_audit_add() takes a row as it is and refuses
 * one that is not clean.
 *
 * Security: never a PIN: callers pass what they audit, and the detail
 * holds channel, counts, references only.  The audit table has no foreign
 * keys: removing a user or a case keeps its rows.
 *
 * Diagnostics: "invalid audit record", "invalid audit actor", or the
 * statement's failure (stmt.h).
 */
#include <stdarg.h>
#include <string.h>

#include "store/stmt.h"
#include "util/text.h"

/* The columns of AUDIT_SELECT, in order. */
enum audit_col {
	AUDIT_ID, AUDIT_AT, AUDIT_ACTOR, AUDIT_ACTION, AUDIT_EMAIL,
	AUDIT_CASE, AUDIT_RESULT, AUDIT_DETAIL
};
#define AUDIT_SELECT \
	"SELECT id, at, actor, action, email, case_number, result, detail " \
	"FROM audit "

static const struct store_query q_audit_add = { "audit add",
	"INSERT INTO audit (at, actor, action, email, case_number, result, "
	"detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", NULL, false };
static const struct store_query q_audit_list = { "audit list",
	AUDIT_SELECT "WHERE (?1 IS NULL OR email = ?1) AND (?2 = 0 OR "
	"case_number = ?2) AND (?3 = 0 OR at >= ?3) ORDER BY at, id",
	NULL, true };

int
store_audit_add(struct store *st, const struct store_audit *e)
{
	struct stmt q;

	if (!store_str_ok(e->actor, STORE_ACTOR_MAX, false) ||
	    !store_str_ok(e->action, STORE_ACTION_MAX, false) ||
	    !store_str_ok(e->email, STORE_EMAIL_MAX, true) ||
	    !store_str_ok(e->result, STORE_RESULT_MAX, false) ||
	    !store_str_ok(e->detail, STORE_DETAIL_MAX, true) ||
	    e->case_number < 0)
		return store_invalid(st, "audit record");
	stmt_start(&q, st, &q_audit_add);
	stmt_int(&q, 1, (int64_t)e->at);
	stmt_text(&q, 2, e->actor);
	stmt_text(&q, 3, e->action);
	stmt_text(&q, 4, e->email);
	stmt_int(&q, 5, e->case_number);
	stmt_text(&q, 6, e->result);
	stmt_text(&q, 7, e->detail);
	return stmt_write(&q, false, NULL);
}

/*
 * SRC (NULL: "") into DST[SIZE] as one clean line: control characters
 * become '?'; if SRC does not fit, it is cut before the character that
 * would not, never inside a UTF-8 sequence.
 */
static void
audit_copy(char *dst, size_t size, const char *src)
{
	text_clean_mark(src, dst, size, '?');
}

int
store_audit_vrecord(struct store *st, time_t at, const char *actor,
    const char *action, const char *email, int64_t case_number,
    const char *result, const char *fmt, va_list ap)
{
	struct store_audit e;
	char *detail;

	if (actor == NULL || *actor == '\0')
		return store_invalid(st, "audit actor");
	memset(&e, 0, sizeof(e));
	e.at = at;
	e.case_number = case_number;
	audit_copy(e.actor, sizeof(e.actor), actor);
	audit_copy(e.action, sizeof(e.action), action);
	audit_copy(e.email, sizeof(e.email), email);
	audit_copy(e.result, sizeof(e.result), result);
	if (fmt != NULL) {
		detail = g_strdup_vprintf(fmt, ap);
		audit_copy(e.detail, sizeof(e.detail), detail);
		g_free(detail);
	}
	return store_audit_add(st, &e);
}

int
store_audit_record(struct store *st, time_t at, const char *actor,
    const char *action, const char *email, int64_t case_number,
    const char *result, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = store_audit_vrecord(st, at, actor, action, email, case_number,
	    result, fmt, ap);
	va_end(ap);
	return rc;
}

static int
audit_read(struct stmt *q, struct store_audit *a)
{
	memset(a, 0, sizeof(*a));
	a->id = stmt_col_int(q, AUDIT_ID);
	a->at = (time_t)stmt_col_int(q, AUDIT_AT);
	stmt_col_text(q, AUDIT_ACTOR, a->actor, sizeof(a->actor));
	stmt_col_text(q, AUDIT_ACTION, a->action, sizeof(a->action));
	stmt_col_text(q, AUDIT_EMAIL, a->email, sizeof(a->email));
	a->case_number = stmt_col_int(q, AUDIT_CASE);
	stmt_col_text(q, AUDIT_RESULT, a->result, sizeof(a->result));
	stmt_col_text(q, AUDIT_DETAIL, a->detail, sizeof(a->detail));
	return q->rc;
}

int
store_audit_list(struct store *st, const struct store_audit_filter *f,
    store_audit_cb cb, void *arg)
{
	static const struct store_audit_filter any;
	struct store_audit a;
	struct stmt q;
	int rc, stop = 0;

	if (f == NULL)
		f = &any;
	if (f->email != NULL && !store_str_ok(f->email, STORE_EMAIL_MAX, false))
		return store_invalid(st, "email address");
	stmt_start(&q, st, &q_audit_list);
	stmt_text(&q, 1, f->email);
	stmt_int(&q, 2, f->case_number);
	stmt_int(&q, 3, (int64_t)f->since);
	while ((rc = stmt_row(&q)) == STORE_OK &&
	    (rc = audit_read(&q, &a)) == STORE_OK &&
	    (stop = cb(&a, arg)) == 0)
		;
	return stmt_list_end(&q, rc, stop);
}
