/*
 * case.c - cases and their messages: open (numbering), find by number or
 * external reference, list, authenticate, verification requested, and the
 * Message-IDs seen or sent on a case.
 *
 * Case numbers come from one INSERT that takes the next number after the
 * highest ever given (cases and the case_sequence row, kept by a
 * trigger), so two writers cannot take the same one and a deleted case's
 * number is not reused.  An authenticated case stays so: a second
 * authentication keeps who and when.
 *
 * Security: every string (address, subject, reference, Message-ID, who)
 * is checked before any SQL runs; a tab left by unfolding a Subject is a
 * control character and refused, so no stored value spans lines.
 *
 * Diagnostics: "no case N", "no case with that external reference",
 * "case open: no account N or no user N", or the statement's failure.
 */
#include <string.h>

#include "store/stmt.h"

/* The columns of CASE_SELECT, in order. */
enum case_col {
	CASE_NUMBER, CASE_ACCOUNT_ID, CASE_USER_ID, CASE_ACCOUNT, CASE_EMAIL,
	CASE_SUBJECT, CASE_STATE, CASE_OPENED, CASE_AUTH_AT, CASE_AUTH_BY,
	CASE_EXTERNAL_REF, CASE_VERIFICATION_AT
};
#define CASE_SELECT \
	"SELECT c.number, coalesce(c.account_id, 0), coalesce(c.user_id, 0), " \
	"coalesce(a.name, ''), c.email, c.subject, c.state, c.opened, " \
	"c.authenticated_at, c.authenticated_by, " \
	"coalesce(c.external_ref, ''), c.verification_requested_at " \
	"FROM cases c LEFT JOIN accounts a ON a.id = c.account_id "

/* The next number after every one ever given, or ?7 for the first; one
 * statement, so it is atomic even outside a transaction. */
static const struct store_query q_case_open = { "case open",
	"INSERT INTO cases (number, account_id, user_id, email, subject, "
	"external_ref, opened) SELECT CASE WHEN m = 0 THEN ?7 ELSE m + 1 END, "
	"nullif(?1, 0), nullif(?2, 0), ?3, ?4, nullif(?5, ''), ?6 FROM "
	"(SELECT CASE WHEN given > kept THEN given ELSE kept END AS m FROM "
	"(SELECT coalesce((SELECT max(number) FROM cases), 0) AS given, "
	"coalesce((SELECT last FROM case_sequence WHERE id = 1), 0) AS kept) "
	"AS highest) AS next", "number", false };
static const struct store_query q_case_find = { "case find",
	CASE_SELECT "WHERE c.number = ?1", NULL, false };
static const struct store_query q_case_find_external = { "case find",
	CASE_SELECT "WHERE c.external_ref = ?1 AND (?2 = 0 OR "
	"c.account_id = ?2) ORDER BY c.number DESC LIMIT 1", NULL, false };
static const struct store_query q_case_list = { "case list",
	CASE_SELECT "ORDER BY c.number", NULL, true };
/* Authenticated stays so: a second call keeps who and when. */
static const struct store_query q_case_authenticate = { "case authenticate",
	"UPDATE cases SET authenticated_at = CASE WHEN state = "
	"'authenticated' THEN authenticated_at ELSE ?3 END, "
	"authenticated_by = CASE WHEN state = 'authenticated' "
	"THEN authenticated_by ELSE ?2 END, "
	"state = 'authenticated' WHERE number = ?1", NULL, false };
static const struct store_query q_case_verification = {
	"case verification-requested",
	"UPDATE cases SET verification_requested_at = ?2, state = CASE WHEN "
	"state = 'open' THEN 'verification-requested' ELSE state END "
	"WHERE number = ?1", NULL, false };
static const struct store_query q_case_message_add = { "case message add",
	"INSERT INTO case_messages (case_number, message_id, direction, at) "
	"SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM case_messages "
	"WHERE case_number = ?1 AND message_id = ?2 AND direction = ?3)",
	NULL, false };
enum message_col { MESSAGE_CASE };
static const struct store_query q_case_by_message_id = {
	"case by message-id",
	"SELECT case_number FROM case_messages WHERE message_id = ?1 "
	"ORDER BY id DESC LIMIT 1", NULL, false };

static const char *const case_states[] = {
	[STORE_CASE_OPEN] = "open",
	[STORE_CASE_VERIFICATION_REQUESTED] = "verification-requested",
	[STORE_CASE_AUTHENTICATED] = "authenticated",
};

static int
case_read(struct stmt *q, struct store_case *c)
{
	char state[32];
	size_t i;

	memset(c, 0, sizeof(*c));
	c->number = stmt_col_int(q, CASE_NUMBER);
	c->account_id = stmt_col_int(q, CASE_ACCOUNT_ID);
	c->user_id = stmt_col_int(q, CASE_USER_ID);
	stmt_col_text(q, CASE_ACCOUNT, c->account, sizeof(c->account));
	stmt_col_text(q, CASE_EMAIL, c->email, sizeof(c->email));
	stmt_col_text(q, CASE_SUBJECT, c->subject, sizeof(c->subject));
	stmt_col_text(q, CASE_STATE, state, sizeof(state));
	c->opened = (time_t)stmt_col_int(q, CASE_OPENED);
	c->authenticated_at = (time_t)stmt_col_int(q, CASE_AUTH_AT);
	stmt_col_text(q, CASE_AUTH_BY, c->authenticated_by,
	    sizeof(c->authenticated_by));
	stmt_col_text(q, CASE_EXTERNAL_REF, c->external_ref,
	    sizeof(c->external_ref));
	c->verification_requested_at =
	    (time_t)stmt_col_int(q, CASE_VERIFICATION_AT);
	if (q->rc != STORE_OK)
		return q->rc;
	for (i = 0; i < sizeof(case_states) / sizeof(case_states[0]); i++)
		if (strcmp(state, case_states[i]) == 0) {
			c->state = (enum store_case_state)i;
			return STORE_OK;
		}
	return store_seterr(q->st, STORE_ERROR, "case %lld: unknown state",
	    (long long)c->number);
}

int
store_case_find(struct store *st, int64_t number, struct store_case *out)
{
	struct stmt q;
	int rc;

	memset(out, 0, sizeof(*out));
	stmt_start(&q, st, &q_case_find);
	stmt_int(&q, 1, number);
	if ((rc = stmt_row(&q)) == STORE_OK)
		rc = case_read(&q, out);
	else if (rc == STORE_NOTFOUND)
		(void)store_seterr(st, rc, "no case %lld", (long long)number);
	stmt_end(&q);
	return rc;
}

int
store_case_list(struct store *st, store_case_cb cb, void *arg)
{
	struct store_case c;
	struct stmt q;
	int rc, stop = 0;

	stmt_start(&q, st, &q_case_list);
	while ((rc = stmt_row(&q)) == STORE_OK &&
	    (rc = case_read(&q, &c)) == STORE_OK &&
	    (stop = cb(&c, arg)) == 0)
		;
	return stmt_list_end(&q, rc, stop);
}

/* Range and text checks of a case to open. */
static bool
case_input_ok(const struct store_case *c, int64_t start)
{
	return c->account_id >= 0 && c->user_id >= 0 && start > 0 &&
	    store_str_ok(c->email, STORE_EMAIL_MAX, true) &&
	    store_str_ok(c->subject, STORE_DETAIL_MAX, true) &&
	    store_str_ok(c->external_ref, STORE_ACCOUNT_MAX, true);
}

int
store_case_open(struct store *st, const struct store_case *c, int64_t start,
    time_t now, int64_t *number)
{
	struct stmt q;
	int rc;

	if (number != NULL)
		*number = 0;
	if (!case_input_ok(c, start))
		return store_invalid(st, "case");
	stmt_start(&q, st, &q_case_open);
	stmt_int(&q, 1, c->account_id);
	stmt_int(&q, 2, c->user_id);
	stmt_text(&q, 3, c->email);
	stmt_text(&q, 4, c->subject);
	stmt_text(&q, 5, c->external_ref);
	stmt_int(&q, 6, (int64_t)now);
	stmt_int(&q, 7, start);
	rc = stmt_write(&q, false, number);
	if (rc == STORE_CONSTRAINT)
		(void)store_seterr(st, rc, "case open: no account %lld or no "
		    "user %lld", (long long)c->account_id, (long long)c->user_id);
	return rc;
}

int
store_case_find_external(struct store *st, const char *ref,
    int64_t account_id, struct store_case *out)
{
	struct stmt q;
	int rc;

	/* out is cleared only after the step: ref may point into it. */
	if (!store_str_ok(ref, STORE_ACCOUNT_MAX, false)) {
		memset(out, 0, sizeof(*out));
		return store_invalid(st, "external reference");
	}
	stmt_start(&q, st, &q_case_find_external);
	stmt_text(&q, 1, ref);
	stmt_int(&q, 2, account_id);
	if ((rc = stmt_row(&q)) == STORE_OK)
		rc = case_read(&q, out);
	else {
		memset(out, 0, sizeof(*out));
		if (rc == STORE_NOTFOUND)
			(void)store_seterr(st, rc, "no case with that "
			    "external reference");
	}
	stmt_end(&q);
	return rc;
}

/* Run a started and bound single-row update of case NUMBER. */
static int
case_update(struct stmt *q, int64_t number)
{
	int rc = stmt_write(q, true, NULL);

	if (rc == STORE_NOTFOUND)
		(void)store_seterr(q->st, rc, "no case %lld", (long long)number);
	return rc;
}

int
store_case_authenticate(struct store *st, int64_t number, const char *by,
    time_t now)
{
	struct stmt q;

	if (!store_str_ok(by, STORE_ACTOR_MAX, false))
		return store_invalid(st, "authenticated-by");
	stmt_start(&q, st, &q_case_authenticate);
	stmt_int(&q, 1, number);
	stmt_text(&q, 2, by);
	stmt_int(&q, 3, (int64_t)now);
	return case_update(&q, number);
}

int
store_case_verification_requested(struct store *st, int64_t number,
    time_t now)
{
	struct stmt q;

	stmt_start(&q, st, &q_case_verification);
	stmt_int(&q, 1, number);
	stmt_int(&q, 2, (int64_t)now);
	return case_update(&q, number);
}

int
store_case_message_add(struct store *st, int64_t number,
    const char *message_id, const char *direction, time_t now)
{
	struct stmt q;
	int rc;

	if (!store_str_ok(message_id, STORE_DETAIL_MAX, false))
		return store_invalid(st, "message-id");
	if (direction == NULL || (strcmp(direction, "in") != 0 &&
	    strcmp(direction, "out") != 0))
		return store_invalid(st, "message direction");
	stmt_start(&q, st, &q_case_message_add);
	stmt_int(&q, 1, number);
	stmt_text(&q, 2, message_id);
	stmt_text(&q, 3, direction);
	stmt_int(&q, 4, (int64_t)now);
	rc = stmt_write(&q, false, NULL);
	if (rc == STORE_CONSTRAINT)
		(void)store_seterr(st, rc, "no case %lld", (long long)number);
	return rc;
}

int
store_case_by_message_id(struct store *st, const char *message_id,
    int64_t *number)
{
	struct stmt q;
	int rc;

	*number = 0;
	if (!store_str_ok(message_id, STORE_DETAIL_MAX, false))
		return store_invalid(st, "message-id");
	stmt_start(&q, st, &q_case_by_message_id);
	stmt_text(&q, 1, message_id);
	if ((rc = stmt_row(&q)) == STORE_OK) {
		*number = stmt_col_int(&q, MESSAGE_CASE);
		rc = q.rc;
	} else if (rc == STORE_NOTFOUND)
		(void)store_seterr(st, rc, "no case for that message-id");
	stmt_end(&q);
	return rc;
}
