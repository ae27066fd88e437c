/*
 * user.c - users: add, find (by address or id), list, change address,
 * remove, and the PIN columns (salt, keyed hash, lockout counters; a
 * pending PIN's salt, keyed hash, issue and expiry times).
 *
 * Addresses are found case-insensitively (the schema's collation) and are
 * unique.  A user belongs to one account, which cannot be removed while
 * it has users.
 *
 * Security: no PIN ever reaches this file, only salt and keyed hash (of
 * exactly their sizes: the schema checks them too).  An administrator's
 * PIN clears the lockout counters and any pending PIN in the same
 * statement; a PIN mailed on request never touches the lockout counters.  Addresses are checked by
 * store_email_ok() before any SQL runs: the one address rule of
 * util/address, as everywhere else (a@b@c.example is refused).
 *
 * Diagnostics: "user X already exists", "user X: no account N", "no such
 * user", or the statement's failure (stmt.h).
 */
#include <string.h>

#include "store/stmt.h"

/* The columns of USER_SELECT, in order. */
enum user_col {
	USER_ID, USER_ACCOUNT_ID, USER_ACCOUNT, USER_EMAIL, USER_NAME,
	USER_ROLE, USER_PIN_SALT, USER_PIN_HASH, USER_PIN_SET_AT,
	USER_FAILURES, USER_WINDOW_START, USER_LOCKED_UNTIL, USER_CREATED,
	USER_PENDING_SALT, USER_PENDING_HASH, USER_PENDING_SET_AT,
	USER_PENDING_UNTIL
};
#define USER_SELECT \
	"SELECT u.id, u.account_id, a.name, u.email, u.name, u.role, " \
	"u.pin_salt, u.pin_hash, u.pin_set_at, u.failures, u.window_start, " \
	"u.locked_until, u.created, u.pending_salt, u.pending_hash, " \
	"u.pending_set_at, u.pending_until FROM users u JOIN accounts a ON " \
	"a.id = u.account_id "
#define NO_PENDING \
	"pending_salt = NULL, pending_hash = NULL, pending_set_at = 0, " \
	"pending_until = 0"

static const struct store_query q_user_add = { "user add",
	"INSERT INTO users (account_id, email, name, role, created) "
	"VALUES (?1, ?2, ?3, ?4, ?5)", "id", false };
static const struct store_query q_user_find = { "user find",
	USER_SELECT "WHERE u.email = ?1", NULL, false };
static const struct store_query q_user_find_id = { "user find",
	USER_SELECT "WHERE u.id = ?1", NULL, false };
static const struct store_query q_user_list = { "user list",
	USER_SELECT "WHERE ?1 IS NULL OR a.name = ?1 ORDER BY a.name, u.email",
	NULL, true };
static const struct store_query q_user_list_admins = { "user list",
	USER_SELECT "WHERE u.account_id = ?1 AND u.role = 'admin' "
	"ORDER BY u.email", NULL, true };
static const struct store_query q_user_set_email = { "user set-email",
	"UPDATE users SET email = ?2 WHERE id = ?1", NULL, false };
static const struct store_query q_user_remove = { "user remove",
	"DELETE FROM users WHERE id = ?1", NULL, false };
static const struct store_query q_user_set_pin = { "user set-pin",
	"UPDATE users SET pin_salt = ?2, pin_hash = ?3, pin_set_at = ?4, "
	"failures = 0, window_start = 0, locked_until = 0, " NO_PENDING
	" WHERE id = ?1", NULL, false };
static const struct store_query q_user_set_mailed = { "user set-pin",
	"UPDATE users SET pin_salt = ?2, pin_hash = ?3, pin_set_at = ?4, "
	NO_PENDING " WHERE id = ?1", NULL, false };
static const struct store_query q_user_set_pending = { "user set-pending",
	"UPDATE users SET pending_salt = ?2, pending_hash = ?3, "
	"pending_set_at = ?4, pending_until = ?5 WHERE id = ?1", NULL, false };
static const struct store_query q_user_promote = { "user promote-pending",
	"UPDATE users SET pin_salt = pending_salt, pin_hash = pending_hash, "
	"pin_set_at = pending_set_at, " NO_PENDING " WHERE id = ?1 AND "
	"pending_hash IS NOT NULL", NULL, false };
static const struct store_query q_user_clear_pending = { "user clear-pending",
	"UPDATE users SET " NO_PENDING " WHERE id = ?1", NULL, false };
static const struct store_query q_user_clear_pin = { "user clear-pin",
	"UPDATE users SET pin_salt = NULL, pin_hash = NULL, pin_set_at = 0, "
	NO_PENDING " WHERE id = ?1", NULL, false };
static const struct store_query q_user_set_lockout = { "user set-lockout",
	"UPDATE users SET failures = ?2, window_start = ?3, "
	"locked_until = ?4 WHERE id = ?1", NULL, false };

static int
user_read(struct stmt *q, struct store_user *u)
{
	char role[16];
	bool salt, hash;

	memset(u, 0, sizeof(*u));
	u->id = stmt_col_int(q, USER_ID);
	u->account_id = stmt_col_int(q, USER_ACCOUNT_ID);
	stmt_col_text(q, USER_ACCOUNT, u->account, sizeof(u->account));
	stmt_col_text(q, USER_EMAIL, u->email, sizeof(u->email));
	stmt_col_text(q, USER_NAME, u->name, sizeof(u->name));
	stmt_col_text(q, USER_ROLE, role, sizeof(role));
	u->role = strcmp(role, "admin") == 0 ? STORE_ROLE_ADMIN :
	    STORE_ROLE_USER;
	salt = stmt_col_blob(q, USER_PIN_SALT, u->pin_salt,
	    sizeof(u->pin_salt));
	hash = stmt_col_blob(q, USER_PIN_HASH, u->pin_hash,
	    sizeof(u->pin_hash));
	u->has_pin = salt && hash;
	u->pin_set_at = (time_t)stmt_col_int(q, USER_PIN_SET_AT);
	u->lock.failures = (unsigned)stmt_col_int(q, USER_FAILURES);
	u->lock.window_start = (time_t)stmt_col_int(q, USER_WINDOW_START);
	u->lock.locked_until = (time_t)stmt_col_int(q, USER_LOCKED_UNTIL);
	u->created = (time_t)stmt_col_int(q, USER_CREATED);
	salt = stmt_col_blob(q, USER_PENDING_SALT, u->pending_salt,
	    sizeof(u->pending_salt));
	hash = stmt_col_blob(q, USER_PENDING_HASH, u->pending_hash,
	    sizeof(u->pending_hash));
	u->has_pending = salt && hash;
	u->pending_set_at = (time_t)stmt_col_int(q, USER_PENDING_SET_AT);
	u->pending_until = (time_t)stmt_col_int(q, USER_PENDING_UNTIL);
	return q->rc;
}

int
store_user_add(struct store *st, const struct store_user *u, time_t now,
    int64_t *id)
{
	struct stmt q;
	int rc;

	if (!store_email_ok(u->email))
		return store_invalid(st, "email address");
	if (!store_str_ok(u->name, STORE_NAME_MAX, true))
		return store_invalid(st, "user name");
	if (u->role != STORE_ROLE_USER && u->role != STORE_ROLE_ADMIN)
		return store_invalid(st, "role");
	if (u->account_id <= 0)
		return store_invalid(st, "account");
	stmt_start(&q, st, &q_user_add);
	stmt_int(&q, 1, u->account_id);
	stmt_text(&q, 2, u->email);
	stmt_text(&q, 3, u->name);
	stmt_text(&q, 4, u->role == STORE_ROLE_ADMIN ? "admin" : "user");
	stmt_int(&q, 5, (int64_t)now);
	rc = stmt_write(&q, false, id);
	if (rc == STORE_EXISTS)
		(void)store_seterr(st, rc, "user %s already exists", u->email);
	else if (rc == STORE_CONSTRAINT)
		(void)store_seterr(st, rc, "user %s: no account %lld", u->email,
		    (long long)u->account_id);
	return rc;
}

/* Step a started and bound find into OUT; ends the statement.  OUT is
 * cleared only after the step: a bound address may point into it. */
static int
user_find_run(struct stmt *q, struct store_user *out)
{
	int rc;

	if ((rc = stmt_row(q)) == STORE_OK)
		rc = user_read(q, out);
	else {
		memset(out, 0, sizeof(*out));
		if (rc == STORE_NOTFOUND)
			(void)store_seterr(q->st, rc, "no such user");
	}
	stmt_end(q);
	return rc;
}

int
store_user_find(struct store *st, const char *email, struct store_user *out)
{
	struct stmt q;

	if (!store_email_ok(email)) {
		memset(out, 0, sizeof(*out));
		return store_invalid(st, "email address");
	}
	stmt_start(&q, st, &q_user_find);
	stmt_text(&q, 1, email);
	return user_find_run(&q, out);
}

int
store_user_find_id(struct store *st, int64_t id, struct store_user *out)
{
	struct stmt q;

	memset(out, 0, sizeof(*out));
	stmt_start(&q, st, &q_user_find_id);
	stmt_int(&q, 1, id);
	return user_find_run(&q, out);
}

/* Call cb for each row of a started and bound list; ends it. */
static int
user_list_run(struct stmt *q, store_user_cb cb, void *arg)
{
	struct store_user u;
	int rc, stop = 0;

	while ((rc = stmt_row(q)) == STORE_OK &&
	    (rc = user_read(q, &u)) == STORE_OK &&
	    (stop = cb(&u, arg)) == 0)
		;
	memset(&u, 0, sizeof(u));	/* salt and hash */
	return stmt_list_end(q, rc, stop);
}

int
store_user_list(struct store *st, const char *account, store_user_cb cb,
    void *arg)
{
	struct stmt q;

	if (account != NULL && !store_str_ok(account, STORE_ACCOUNT_MAX, false))
		return store_invalid(st, "account name");
	stmt_start(&q, st, &q_user_list);
	stmt_text(&q, 1, account);
	return user_list_run(&q, cb, arg);
}

int
store_user_list_admins(struct store *st, int64_t account_id,
    store_user_cb cb, void *arg)
{
	struct stmt q;

	stmt_start(&q, st, &q_user_list_admins);
	stmt_int(&q, 1, account_id);
	return user_list_run(&q, cb, arg);
}

int
store_user_set_email(struct store *st, int64_t id, const char *email)
{
	struct stmt q;
	int rc;

	if (!store_email_ok(email))
		return store_invalid(st, "email address");
	stmt_start(&q, st, &q_user_set_email);
	stmt_int(&q, 1, id);
	stmt_text(&q, 2, email);
	rc = stmt_write(&q, true, NULL);
	if (rc == STORE_EXISTS)
		(void)store_seterr(st, rc, "user %s already exists", email);
	return rc;
}

int
store_user_remove(struct store *st, int64_t id)
{
	struct stmt q;

	stmt_start(&q, st, &q_user_remove);
	stmt_int(&q, 1, id);
	return stmt_write(&q, true, NULL);
}

int
store_user_set_pin(struct store *st, int64_t id,
    const unsigned char salt[SECRET_SALT_BYTES],
    const unsigned char hash[SECRET_HASH_BYTES], time_t now)
{
	struct stmt q;

	if (salt == NULL || hash == NULL)
		return store_invalid(st, "PIN hash");
	stmt_start(&q, st, &q_user_set_pin);
	stmt_int(&q, 1, id);
	stmt_blob(&q, 2, salt, SECRET_SALT_BYTES);
	stmt_blob(&q, 3, hash, SECRET_HASH_BYTES);
	stmt_int(&q, 4, (int64_t)now);
	return stmt_write(&q, true, NULL);
}

int
store_user_set_mailed_pin(struct store *st, int64_t id,
    const unsigned char salt[SECRET_SALT_BYTES],
    const unsigned char hash[SECRET_HASH_BYTES], time_t now, time_t until,
    bool pending)
{
	struct stmt q;

	if (salt == NULL || hash == NULL)
		return store_invalid(st, "PIN hash");
	if (pending && until <= now)
		return store_invalid(st, "pending PIN expiry");
	stmt_start(&q, st, pending ? &q_user_set_pending : &q_user_set_mailed);
	stmt_int(&q, 1, id);
	stmt_blob(&q, 2, salt, SECRET_SALT_BYTES);
	stmt_blob(&q, 3, hash, SECRET_HASH_BYTES);
	stmt_int(&q, 4, (int64_t)now);
	if (pending)
		stmt_int(&q, 5, (int64_t)until);
	return stmt_write(&q, true, NULL);
}

int
store_user_promote_pending(struct store *st, int64_t id)
{
	struct stmt q;

	stmt_start(&q, st, &q_user_promote);
	stmt_int(&q, 1, id);
	return stmt_write(&q, true, NULL);
}

int
store_user_clear_pending(struct store *st, int64_t id)
{
	struct stmt q;

	stmt_start(&q, st, &q_user_clear_pending);
	stmt_int(&q, 1, id);
	return stmt_write(&q, false, NULL);
}

int
store_user_clear_pin(struct store *st, int64_t id)
{
	struct stmt q;

	stmt_start(&q, st, &q_user_clear_pin);
	stmt_int(&q, 1, id);
	return stmt_write(&q, true, NULL);
}

int
store_user_set_lockout(struct store *st, int64_t id,
    const struct lockout_state *lock)
{
	struct stmt q;

	stmt_start(&q, st, &q_user_set_lockout);
	stmt_int(&q, 1, id);
	stmt_int(&q, 2, (int64_t)lock->failures);
	stmt_int(&q, 3, (int64_t)lock->window_start);
	stmt_int(&q, 4, (int64_t)lock->locked_until);
	return stmt_write(&q, true, NULL);
}
