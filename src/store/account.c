/*
 * account.c - accounts: add, find by name, list with their user counts.
 *
 * Security: an account name is checked (length, no control character)
 * before any SQL runs; names are unique, exactly as given (pinctl makes
 * the case-insensitive lookup itself).
 *
 * Diagnostics: "account NAME already exists", "no account NAME", or the
 * statement's failure (stmt.h).
 */
#include <string.h>

#include "store/stmt.h"

/* The columns of ACCOUNT_SELECT, in order. */
enum account_col { ACCOUNT_ID, ACCOUNT_NAME, ACCOUNT_CREATED, ACCOUNT_USERS };
#define ACCOUNT_SELECT \
	"SELECT a.id, a.name, a.created, (SELECT count(*) FROM users u " \
	"WHERE u.account_id = a.id) FROM accounts a "

static const struct store_query q_account_add = { "account add",
	"INSERT INTO accounts (name, created) VALUES (?1, ?2)", "id", false };
static const struct store_query q_account_find = { "account find",
	ACCOUNT_SELECT "WHERE a.name = ?1", NULL, false };
static const struct store_query q_account_list = { "account list",
	ACCOUNT_SELECT "ORDER BY a.name", NULL, true };

int
store_account_add(struct store *st, const char *name, time_t now,
    int64_t *id)
{
	struct stmt q;
	int rc;

	if (!store_str_ok(name, STORE_ACCOUNT_MAX, false))
		return store_invalid(st, "account name");
	stmt_start(&q, st, &q_account_add);
	stmt_text(&q, 1, name);
	stmt_int(&q, 2, (int64_t)now);
	rc = stmt_write(&q, false, id);
	if (rc == STORE_EXISTS)
		(void)store_seterr(st, rc, "account %s already exists", name);
	return rc;
}

static int
account_read(struct stmt *q, struct store_account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = stmt_col_int(q, ACCOUNT_ID);
	stmt_col_text(q, ACCOUNT_NAME, a->name, sizeof(a->name));
	a->created = (time_t)stmt_col_int(q, ACCOUNT_CREATED);
	a->users = (unsigned)stmt_col_int(q, ACCOUNT_USERS);
	return q->rc;
}

int
store_account_find(struct store *st, const char *name,
    struct store_account *out)
{
	struct stmt q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!store_str_ok(name, STORE_ACCOUNT_MAX, false))
		return store_invalid(st, "account name");
	stmt_start(&q, st, &q_account_find);
	stmt_text(&q, 1, name);
	if ((rc = stmt_row(&q)) == STORE_OK)
		rc = account_read(&q, out);
	else if (rc == STORE_NOTFOUND)
		(void)store_seterr(st, rc, "no account %s", name);
	stmt_end(&q);
	return rc;
}

int
store_account_list(struct store *st, store_account_cb cb, void *arg)
{
	struct store_account a;
	struct stmt q;
	int rc, stop = 0;

	stmt_start(&q, st, &q_account_list);
	while ((rc = stmt_row(&q)) == STORE_OK &&
	    (rc = account_read(&q, &a)) == STORE_OK &&
	    (stop = cb(&a, arg)) == 0)
		;
	return stmt_list_end(&q, rc, stop);
}
