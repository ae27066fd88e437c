/*
 * store.c - the SQLite store: schema, migrations, prepared statements.
 *
 * Every SQL statement of pinmilter is in this file.  One struct store is
 * one connection (one thread).  Single-row statements are prepared once
 * per connection and cached; list statements are prepared per call so a
 * callback may use the store again.  Every SQLite return code is checked
 * and mapped to an enum store_rc; the message of the last failure is kept
 * for store_errmsg().
 *
 * Schema changes are numbered migrations (PRAGMA user_version), applied on
 * open inside one IMMEDIATE transaction: either all of them or none.  A
 * schema newer than this code is refused; a version-0 file that already
 * holds tables belongs to someone else and is refused too.
 *
 * Security: no PIN ever reaches this file, only salt and keyed hash.
 * secure_delete is on, so overwritten hashes and removed users do not
 * linger in free pages.  Strings are checked before any SQL runs: too
 * long, control characters or (for addresses) no '@' is STORE_INVALID.
 * The audit table has no foreign keys, so removing a user keeps its rows.
 * Outbox rows hold sealed notices (which may carry a PIN once opened):
 * the bytes are set to NULL as soon as a notice is sent or given up, and
 * secure_delete wipes them from the file; no list ever returns them.
 *
 * Case numbers come from one INSERT that takes the next number after the
 * highest ever given (cases and the case_sequence row), so two writers
 * cannot take the same one and a deleted case's number is not reused.
 *
 * Diagnostics: one line each, e.g. "database is locked (busy past 5000
 * ms)" or "database /x is read-only: attempt to write a readonly
 * database".
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/store.h"

#define STORE_ERR_MAX		512
#define STORE_META_NAME_MAX	64
#define STORE_META_VALUE_MAX	65536
#define STORE_OUTBOX_LIMIT_MAX	1000	/* due notices read at once */

/* ---- schema: migrations[v] takes user_version v to v + 1 ---- */

static const char schema_v1[] =
"CREATE TABLE meta ("
"  name TEXT PRIMARY KEY NOT NULL,"
"  value BLOB NOT NULL);"
"CREATE TABLE accounts ("
"  id INTEGER PRIMARY KEY,"
"  name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),"
"  created INTEGER NOT NULL);"
"CREATE TABLE users ("
"  id INTEGER PRIMARY KEY,"
"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,"
"  email TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (instr(email, '@') > 0),"
"  name TEXT NOT NULL DEFAULT '',"
"  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),"
"  pin_salt BLOB CHECK (pin_salt IS NULL OR"
"    (typeof(pin_salt) = 'blob' AND length(pin_salt) = 16)),"
"  pin_hash BLOB CHECK (pin_hash IS NULL OR"
"    (typeof(pin_hash) = 'blob' AND length(pin_hash) = 32)),"
"  pin_set_at INTEGER NOT NULL DEFAULT 0,"
"  failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),"
"  window_start INTEGER NOT NULL DEFAULT 0,"
"  locked_until INTEGER NOT NULL DEFAULT 0,"
"  created INTEGER NOT NULL,"
"  CHECK ((pin_salt IS NULL) = (pin_hash IS NULL)));"
"CREATE INDEX users_account ON users(account_id);"
"CREATE TABLE cases ("
"  number INTEGER PRIMARY KEY,"
"  account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
"  email TEXT NOT NULL DEFAULT '',"
"  subject TEXT NOT NULL DEFAULT '',"
"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN"
"    ('open', 'verification-requested', 'authenticated')),"
"  opened INTEGER NOT NULL,"
"  authenticated_at INTEGER NOT NULL DEFAULT 0,"
"  authenticated_by TEXT NOT NULL DEFAULT '',"
"  external_ref TEXT);"
"CREATE INDEX cases_user ON cases(user_id);"
"CREATE TABLE case_messages ("
"  id INTEGER PRIMARY KEY,"
"  case_number INTEGER NOT NULL REFERENCES cases(number) ON DELETE CASCADE,"
"  message_id TEXT NOT NULL,"
"  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
"  at INTEGER NOT NULL);"
"CREATE INDEX case_messages_message_id ON case_messages(message_id);"
"CREATE INDEX case_messages_case ON case_messages(case_number);"
"CREATE TABLE audit ("
"  id INTEGER PRIMARY KEY,"
"  at INTEGER NOT NULL,"
"  actor TEXT NOT NULL,"
"  action TEXT NOT NULL,"
"  email TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
"  case_number INTEGER NOT NULL DEFAULT 0,"
"  result TEXT NOT NULL,"
"  detail TEXT NOT NULL DEFAULT '');"
"CREATE INDEX audit_email ON audit(email, at);"
"CREATE INDEX audit_at ON audit(at);"
"CREATE INDEX audit_case ON audit(case_number) WHERE case_number <> 0;"
"CREATE TABLE outbox ("
"  id INTEGER PRIMARY KEY,"
"  case_number INTEGER REFERENCES cases(number) ON DELETE SET NULL,"
"  recipient TEXT NOT NULL,"
"  kind TEXT NOT NULL,"
"  message BLOB NOT NULL,"
"  created INTEGER NOT NULL,"
"  attempts INTEGER NOT NULL DEFAULT 0,"
"  next_try INTEGER NOT NULL,"
"  sent_at INTEGER,"
"  last_error TEXT);"
"CREATE INDEX outbox_due ON outbox(next_try) WHERE sent_at IS NULL;";

/*
 * v2 (issue 4): cases remember when a verification request was queued and
 * are found by external reference; a case_sequence row keeps the highest
 * number ever given (kept by a trigger), so a deleted case's number is
 * never given again.  The outbox loses its NOT NULL on message (bytes are
 * dropped once sent or dead), gains "dead", a case-insensitive recipient
 * and an index for the daily caps: SQLite cannot drop a NOT NULL, so the
 * table is rebuilt and its rows copied.  Nothing references the outbox,
 * so dropping the old table is safe with foreign keys on.
 */
static const char schema_v2[] =
"ALTER TABLE cases ADD COLUMN"
"  verification_requested_at INTEGER NOT NULL DEFAULT 0;"
"CREATE INDEX cases_external_ref ON cases(external_ref)"
"  WHERE external_ref IS NOT NULL;"
"CREATE TABLE case_sequence ("
"  id INTEGER PRIMARY KEY CHECK (id = 1),"
"  last INTEGER NOT NULL);"
"INSERT INTO case_sequence (id, last)"
"  SELECT 1, coalesce(max(number), 0) FROM cases;"
"CREATE TRIGGER cases_sequence AFTER INSERT ON cases BEGIN"
"  UPDATE case_sequence SET last = max(last, NEW.number) WHERE id = 1;"
"  END;"
"CREATE TABLE outbox_v2 ("
"  id INTEGER PRIMARY KEY,"
"  case_number INTEGER REFERENCES cases(number) ON DELETE SET NULL,"
"  recipient TEXT NOT NULL COLLATE NOCASE,"
"  kind TEXT NOT NULL,"
"  message BLOB,"
"  created INTEGER NOT NULL,"
"  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
"  next_try INTEGER NOT NULL,"
"  sent_at INTEGER,"
"  last_error TEXT,"
"  dead INTEGER NOT NULL DEFAULT 0 CHECK (dead IN (0, 1)),"
"  CHECK (message IS NOT NULL OR sent_at IS NOT NULL OR dead = 1));"
"INSERT INTO outbox_v2 (id, case_number, recipient, kind, message, created,"
"  attempts, next_try, sent_at, last_error)"
"  SELECT id, case_number, recipient, kind, message, created, attempts,"
"  next_try, sent_at, last_error FROM outbox;"
"DROP TABLE outbox;"
"ALTER TABLE outbox_v2 RENAME TO outbox;"
"CREATE INDEX outbox_due ON outbox(next_try)"
"  WHERE sent_at IS NULL AND dead = 0;"
"CREATE INDEX outbox_recipient ON outbox(recipient, created);";

static const char *const store_migrations[] = {
	schema_v1,			/* 0 -> 1 */
	schema_v2,			/* 1 -> 2 */
};

_Static_assert(sizeof(store_migrations) / sizeof(store_migrations[0]) ==
    STORE_SCHEMA_VERSION, "one migration per schema version");

/* ---- statements: the first Q__CACHED are kept per connection ---- */

#define USER_COLS \
	"u.id, u.account_id, a.name, u.email, u.name, u.role, u.pin_salt, " \
	"u.pin_hash, u.pin_set_at, u.failures, u.window_start, " \
	"u.locked_until, u.created FROM users u JOIN accounts a ON " \
	"a.id = u.account_id "
#define ACCOUNT_COLS \
	"a.id, a.name, a.created, (SELECT count(*) FROM users u WHERE " \
	"u.account_id = a.id) FROM accounts a "
#define AUDIT_COLS \
	"id, at, actor, action, email, case_number, result, detail FROM audit "
#define CASE_COLS \
	"c.number, coalesce(c.account_id, 0), coalesce(c.user_id, 0), " \
	"coalesce(a.name, ''), c.email, c.subject, c.state, c.opened, " \
	"c.authenticated_at, c.authenticated_by, " \
	"coalesce(c.external_ref, ''), c.verification_requested_at " \
	"FROM cases c LEFT JOIN accounts a ON a.id = c.account_id "
#define NOTICE_COLS \
	"id, coalesce(case_number, 0), recipient, kind, created, attempts, " \
	"next_try, coalesce(sent_at, 0), dead, coalesce(last_error, '') "

enum store_q {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_VERSION,
	Q_META_GET, Q_META_SET,
	Q_ACCOUNT_ADD, Q_ACCOUNT_FIND,
	Q_USER_ADD, Q_USER_FIND, Q_USER_FIND_ID, Q_USER_SET_EMAIL,
	Q_USER_REMOVE, Q_USER_SET_PIN, Q_USER_SET_LOCKOUT,
	Q_AUDIT_ADD, Q_CASE_FIND,
	Q_CASE_OPEN, Q_CASE_FIND_EXTERNAL, Q_CASE_AUTHENTICATE,
	Q_CASE_VERIFICATION, Q_CASE_MESSAGE_ADD, Q_CASE_BY_MESSAGE_ID,
	Q_OUTBOX_ADD, Q_OUTBOX_SENT, Q_OUTBOX_FAILED, Q_OUTBOX_COUNT,
	Q__CACHED,
	Q_ACCOUNT_LIST = Q__CACHED, Q_USER_LIST, Q_USER_LIST_ADMINS,
	Q_AUDIT_LIST, Q_CASE_LIST, Q_OUTBOX_DUE, Q_OUTBOX_LIST,
	Q__COUNT
};

static const char *const store_sql[Q__COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_VERSION] = "PRAGMA user_version",
	[Q_META_GET] = "SELECT value FROM meta WHERE name = ?1",
	[Q_META_SET] = "INSERT INTO meta (name, value) VALUES (?1, ?2) "
	    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	[Q_ACCOUNT_ADD] = "INSERT INTO accounts (name, created) VALUES (?1, ?2)",
	[Q_ACCOUNT_FIND] = "SELECT " ACCOUNT_COLS "WHERE a.name = ?1",
	[Q_USER_ADD] = "INSERT INTO users (account_id, email, name, role, "
	    "created) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_USER_FIND] = "SELECT " USER_COLS "WHERE u.email = ?1",
	[Q_USER_FIND_ID] = "SELECT " USER_COLS "WHERE u.id = ?1",
	[Q_USER_SET_EMAIL] = "UPDATE users SET email = ?2 WHERE id = ?1",
	[Q_USER_REMOVE] = "DELETE FROM users WHERE id = ?1",
	[Q_USER_SET_PIN] = "UPDATE users SET pin_salt = ?2, pin_hash = ?3, "
	    "pin_set_at = ?4, failures = 0, window_start = 0, "
	    "locked_until = 0 WHERE id = ?1",
	[Q_USER_SET_LOCKOUT] = "UPDATE users SET failures = ?2, "
	    "window_start = ?3, locked_until = ?4 WHERE id = ?1",
	[Q_AUDIT_ADD] = "INSERT INTO audit (at, actor, action, email, "
	    "case_number, result, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_CASE_FIND] = "SELECT " CASE_COLS "WHERE c.number = ?1",
	/* The next number after every one ever given, or ?7 for the first;
	 * one statement, so it is atomic even outside a transaction. */
	[Q_CASE_OPEN] = "INSERT INTO cases (number, account_id, user_id, "
	    "email, subject, external_ref, opened) SELECT CASE WHEN m = 0 "
	    "THEN ?7 ELSE m + 1 END, nullif(?1, 0), nullif(?2, 0), ?3, ?4, "
	    "nullif(?5, ''), ?6 FROM (SELECT max(coalesce((SELECT max(number) "
	    "FROM cases), 0), coalesce((SELECT last FROM case_sequence "
	    "WHERE id = 1), 0)) AS m)",
	[Q_CASE_FIND_EXTERNAL] = "SELECT " CASE_COLS
	    "WHERE c.external_ref = ?1 AND (?2 = 0 OR c.account_id = ?2) "
	    "ORDER BY c.number DESC LIMIT 1",
	/* Authenticated stays so: a second call keeps who and when. */
	[Q_CASE_AUTHENTICATE] = "UPDATE cases SET "
	    "authenticated_at = CASE WHEN state = 'authenticated' "
	    "THEN authenticated_at ELSE ?3 END, "
	    "authenticated_by = CASE WHEN state = 'authenticated' "
	    "THEN authenticated_by ELSE ?2 END, "
	    "state = 'authenticated' WHERE number = ?1",
	[Q_CASE_VERIFICATION] = "UPDATE cases SET "
	    "verification_requested_at = ?2, state = CASE WHEN state = 'open' "
	    "THEN 'verification-requested' ELSE state END WHERE number = ?1",
	[Q_CASE_MESSAGE_ADD] = "INSERT INTO case_messages (case_number, "
	    "message_id, direction, at) SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS "
	    "(SELECT 1 FROM case_messages WHERE case_number = ?1 AND "
	    "message_id = ?2 AND direction = ?3)",
	[Q_CASE_BY_MESSAGE_ID] = "SELECT case_number FROM case_messages "
	    "WHERE message_id = ?1 ORDER BY id DESC LIMIT 1",
	[Q_OUTBOX_ADD] = "INSERT INTO outbox (case_number, recipient, kind, "
	    "message, created, next_try) VALUES (nullif(?1, 0), ?2, ?3, ?4, "
	    "?5, ?6)",
	[Q_OUTBOX_SENT] = "UPDATE outbox SET sent_at = coalesce(sent_at, ?2), "
	    "message = NULL WHERE id = ?1",
	[Q_OUTBOX_FAILED] = "UPDATE outbox SET attempts = attempts + 1, "
	    "next_try = ?2, last_error = ?3, dead = ?4, message = CASE WHEN "
	    "?4 THEN NULL ELSE message END WHERE id = ?1 AND sent_at IS NULL",
	[Q_OUTBOX_COUNT] = "SELECT count(*) FROM outbox WHERE recipient = ?1 "
	    "AND created >= ?2 AND (?3 IS NULL OR kind = ?3)",
	[Q_ACCOUNT_LIST] = "SELECT " ACCOUNT_COLS "ORDER BY a.name",
	[Q_USER_LIST] = "SELECT " USER_COLS
	    "WHERE ?1 IS NULL OR a.name = ?1 ORDER BY a.name, u.email",
	[Q_USER_LIST_ADMINS] = "SELECT " USER_COLS
	    "WHERE u.account_id = ?1 AND u.role = 'admin' ORDER BY u.email",
	[Q_AUDIT_LIST] = "SELECT " AUDIT_COLS "WHERE (?1 IS NULL OR email = ?1)"
	    " AND (?2 = 0 OR case_number = ?2) AND (?3 = 0 OR at >= ?3)"
	    " ORDER BY at, id",
	[Q_CASE_LIST] = "SELECT " CASE_COLS "ORDER BY c.number",
	[Q_OUTBOX_DUE] = "SELECT " NOTICE_COLS ", message FROM outbox WHERE "
	    "sent_at IS NULL AND dead = 0 AND next_try <= ?1 "
	    "ORDER BY created, id LIMIT ?2",
	[Q_OUTBOX_LIST] = "SELECT " NOTICE_COLS "FROM outbox "
	    "ORDER BY created DESC, id DESC",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *q[Q__CACHED];
	char *path;
	unsigned busy_ms;
	int readonly;
	char err[STORE_ERR_MAX];
};

/* ---- errors ---- */

static int
store_map_rc(int xrc)
{
	switch (xrc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_READONLY:
		return STORE_READONLY;
	case SQLITE_CONSTRAINT:
		if (xrc == SQLITE_CONSTRAINT_UNIQUE ||
		    xrc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return STORE_EXISTS;
		return STORE_CONSTRAINT;
	default:
		return STORE_ERROR;
	}
}

static int __attribute__((format(printf, 3, 4)))
store_seterr(struct store *st, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return rc;
}

/* Record SQLite failure XRC during WHAT; returns the store_rc. */
static int
store_fail(struct store *st, int xrc, const char *what)
{
	int rc = store_map_rc(xrc);

	if (rc == STORE_OK)		/* a step that ended oddly */
		rc = STORE_ERROR;
	switch (rc) {
	case STORE_BUSY:
		return store_seterr(st, rc, "database is locked (busy past %u ms)",
		    st->busy_ms);
	case STORE_READONLY:
		if (xrc == SQLITE_READONLY_DIRECTORY)
			return store_seterr(st, rc, "database %s is read-only: "
			    "its directory is not writable (needed for the "
			    "-wal and -shm files)", st->path);
		return store_seterr(st, rc, "database %s is read-only: %s",
		    st->path, sqlite3_errstr(xrc));
	default:
		return store_seterr(st, rc, "%s: %s", what,
		    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(xrc));
	}
}

const char *
store_errmsg(const struct store *st)
{
	if (st == NULL)
		return "no database";
	return st->err;
}

const char *
store_rc_name(int rc)
{
	static const char *const names[] = {
		[STORE_OK] = "ok", [STORE_NOTFOUND] = "notfound",
		[STORE_EXISTS] = "exists", [STORE_CONSTRAINT] = "constraint",
		[STORE_INVALID] = "invalid", [STORE_BUSY] = "busy",
		[STORE_READONLY] = "readonly", [STORE_TOONEW] = "toonew",
		[STORE_ERROR] = "error",
	};

	if (rc < 0 || (size_t)rc >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[rc];
}

/* ---- input checks, before any SQL ---- */

/* Non-NULL, shorter than max, no control characters; empty if allowed. */
static int
str_ok(const char *s, size_t max, int empty_ok)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strnlen(s, max);
	if (n >= max || (n == 0 && !empty_ok))
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* An address: a local part, '@', a domain; no white space. */
static int
email_ok(const char *s)
{
	const char *at;

	if (!str_ok(s, STORE_EMAIL_MAX, 0) || strchr(s, ' ') != NULL)
		return 0;
	at = strrchr(s, '@');
	return at != NULL && at != s && at[1] != '\0';
}

static int
store_invalid(struct store *st, const char *what)
{
	return store_seterr(st, STORE_INVALID, "invalid %s", what);
}

/* ---- statements ---- */

static int
stmt_prepare(struct store *st, enum store_q id, sqlite3_stmt **out)
{
	int xrc;

	*out = NULL;
	if (id < Q__CACHED && st->q[id] != NULL) {
		*out = st->q[id];
		return STORE_OK;
	}
	xrc = sqlite3_prepare_v2(st->db, store_sql[id], -1, out, NULL);
	if (xrc != SQLITE_OK) {
		sqlite3_finalize(*out);
		*out = NULL;
		return store_fail(st, xrc, "prepare");
	}
	if (id < Q__CACHED)
		st->q[id] = *out;
	return STORE_OK;
}

/* Done with a statement: reset a cached one, finalize a list one. */
static void
stmt_done(struct store *st, enum store_q id, sqlite3_stmt *s)
{
	if (s == NULL)
		return;
	if (id < Q__CACHED) {
		(void)sqlite3_reset(s);
		(void)sqlite3_clear_bindings(s);
	} else
		(void)sqlite3_finalize(s);
	(void)st;
}

/*
 * Bind by a type string: 't' text (const char *, NULL binds NULL),
 * 'i' int64_t, 'b' blob (const void *, size_t).  Parameters are ?1.. in
 * order.
 */
static int
stmt_bind(struct store *st, sqlite3_stmt *s, const char *types, ...)
{
	va_list ap;
	const char *t;
	const void *p;
	size_t len;
	int i, xrc = SQLITE_OK;

	va_start(ap, types);
	for (i = 1; *types != '\0' && xrc == SQLITE_OK; types++, i++) {
		switch (*types) {
		case 't':
			t = va_arg(ap, const char *);
			xrc = t ? sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC) :
			    sqlite3_bind_null(s, i);
			break;
		case 'i':
			xrc = sqlite3_bind_int64(s, i, va_arg(ap, int64_t));
			break;
		case 'b':
			p = va_arg(ap, const void *);
			len = va_arg(ap, size_t);
			if (len > INT_MAX)
				xrc = SQLITE_TOOBIG;
			else if (len == 0)
				xrc = sqlite3_bind_zeroblob(s, i, 0);
			else
				xrc = sqlite3_bind_blob(s, i, p, (int)len,
				    SQLITE_STATIC);
			break;
		default:
			xrc = SQLITE_MISUSE;
		}
	}
	va_end(ap);
	if (xrc != SQLITE_OK)
		return store_fail(st, xrc, "bind");
	return STORE_OK;
}

/* Step once: STORE_OK with a row, STORE_NOTFOUND at the end, or an error. */
static int
stmt_row(struct store *st, sqlite3_stmt *s, const char *what)
{
	int xrc = sqlite3_step(s);

	if (xrc == SQLITE_ROW)
		return STORE_OK;
	if (xrc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return store_fail(st, xrc, what);
}

/* Run a cached write statement with its bindings made; STORE_NOTFOUND if
 * CHANGES is set and no row changed. */
static int
stmt_write(struct store *st, enum store_q id, sqlite3_stmt *s,
    const char *what, int changes)
{
	int rc = stmt_row(st, s, what);

	if (rc == STORE_OK)		/* a write returns no rows */
		rc = store_seterr(st, STORE_ERROR, "%s: unexpected row", what);
	else if (rc == STORE_NOTFOUND)
		rc = (changes && sqlite3_changes(st->db) == 0) ?
		    store_seterr(st, STORE_NOTFOUND, "%s: no such row", what) :
		    STORE_OK;
	stmt_done(st, id, s);
	return rc;
}

/* Copy a text column into buf; a value that does not fit is an error. */
static int
col_text(struct store *st, sqlite3_stmt *s, int col, char *buf, size_t size)
{
	const unsigned char *t;
	size_t n;

	buf[0] = '\0';
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return STORE_OK;
	t = sqlite3_column_text(s, col);
	if (t == NULL)
		return store_fail(st, sqlite3_errcode(st->db), "read");
	n = (size_t)sqlite3_column_bytes(s, col);
	if (n >= size)
		return store_seterr(st, STORE_ERROR,
		    "column %s: stored value too long (%zu bytes)",
		    sqlite3_column_name(s, col), n);
	memcpy(buf, t, n);
	buf[n] = '\0';
	return STORE_OK;
}

/* Copy a blob column of exactly LEN bytes; *present says if not NULL. */
static int
col_blob(struct store *st, sqlite3_stmt *s, int col, void *buf, size_t len,
    int *present)
{
	const void *p;

	*present = sqlite3_column_type(s, col) != SQLITE_NULL;
	if (!*present)
		return STORE_OK;
	p = sqlite3_column_blob(s, col);
	if (p == NULL || (size_t)sqlite3_column_bytes(s, col) != len)
		return store_seterr(st, STORE_ERROR,
		    "column %s: stored value has the wrong length",
		    sqlite3_column_name(s, col));
	memcpy(buf, p, len);
	return STORE_OK;
}

/* Run a script of statements without parameters (migrations, pragmas). */
static int
store_exec(struct store *st, const char *sql, const char *what)
{
	sqlite3_stmt *s;
	const char *tail;
	int xrc;

	while (*sql != '\0') {
		xrc = sqlite3_prepare_v2(st->db, sql, -1, &s, &tail);
		if (xrc != SQLITE_OK)
			return store_fail(st, xrc, what);
		sql = tail;
		if (s == NULL)		/* white space at the end */
			continue;
		while ((xrc = sqlite3_step(s)) == SQLITE_ROW)
			;
		(void)sqlite3_finalize(s);
		if (xrc != SQLITE_DONE)
			return store_fail(st, xrc, what);
	}
	return STORE_OK;
}

/* ---- transactions ---- */

static int
store_simple(struct store *st, enum store_q id, const char *what)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = stmt_prepare(st, id, &s)) != STORE_OK)
		return rc;
	return stmt_write(st, id, s, what, 0);
}

/* A read-only connection could begin, then fail at the first write:
 * refuse at once instead. */
int
store_begin(struct store *st)
{
	if (st->readonly)
		return store_seterr(st, STORE_READONLY, "database %s is "
		    "read-only: %s", st->path, sqlite3_errstr(SQLITE_READONLY));
	return store_simple(st, Q_BEGIN, "begin");
}

int
store_commit(struct store *st)
{
	return store_simple(st, Q_COMMIT, "commit");
}

/* Roll back if a transaction is open; keeps the message of the failure
 * that led here. */
void
store_rollback(struct store *st)
{
	char keep[STORE_ERR_MAX];

	if (st == NULL || sqlite3_get_autocommit(st->db))
		return;
	memcpy(keep, st->err, sizeof(keep));
	(void)store_simple(st, Q_ROLLBACK, "rollback");
	memcpy(st->err, keep, sizeof(keep));
}

int
store_schema_version(struct store *st, int *version)
{
	sqlite3_stmt *s;
	int rc;

	*version = -1;
	if ((rc = stmt_prepare(st, Q_VERSION, &s)) != STORE_OK)
		return rc;
	rc = stmt_row(st, s, "schema version");
	if (rc == STORE_OK)
		*version = sqlite3_column_int(s, 0);
	else if (rc == STORE_NOTFOUND)
		rc = store_seterr(st, STORE_ERROR, "schema version: no row");
	stmt_done(st, Q_VERSION, s);
	return rc;
}

/* ---- open, migrate, close ---- */

/* Any table in a version-0 file means it is not ours. */
static int
store_foreign_check(struct store *st)
{
	sqlite3_stmt *s;
	int xrc, rc;

	xrc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_schema",
	    -1, &s, NULL);
	if (xrc != SQLITE_OK)
		return store_fail(st, xrc, "schema check");
	rc = stmt_row(st, s, "schema check");
	if (rc == STORE_OK && sqlite3_column_int(s, 0) != 0)
		rc = store_seterr(st, STORE_ERROR, "database %s is not a "
		    "pinmilter database (schema version 0 but it holds tables)",
		    st->path);
	(void)sqlite3_finalize(s);
	return rc;
}

static int
store_version_check(struct store *st, int v)
{
	if (v > STORE_SCHEMA_VERSION)
		return store_seterr(st, STORE_TOONEW, "database schema version "
		    "%d is newer than this pinmilter (%d); upgrade pinmilter",
		    v, STORE_SCHEMA_VERSION);
	if (v < 0)
		return store_seterr(st, STORE_ERROR,
		    "database schema version %d is not valid", v);
	return STORE_OK;
}

/* Apply migrations from v to STORE_SCHEMA_VERSION, inside the caller's
 * transaction. */
static int
store_migrate_steps(struct store *st, int v)
{
	char sql[64];
	int rc;

	if (v == 0 && (rc = store_foreign_check(st)) != STORE_OK)
		return rc;
	for (; v < STORE_SCHEMA_VERSION; v++) {
		rc = store_exec(st, store_migrations[v], "migration");
		if (rc != STORE_OK)
			return rc;
	}
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	return store_exec(st, sql, "migration");
}

static int
store_migrate(struct store *st)
{
	int rc, v;

	if ((rc = store_schema_version(st, &v)) != STORE_OK ||
	    (rc = store_version_check(st, v)) != STORE_OK)
		return rc;
	if (v == STORE_SCHEMA_VERSION)
		return STORE_OK;
	if (st->readonly)
		return store_seterr(st, STORE_READONLY, "database schema version "
		    "%d is older than this pinmilter (%d) and the database is "
		    "read-only", v, STORE_SCHEMA_VERSION);
	if ((rc = store_begin(st)) != STORE_OK)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	if ((rc = store_schema_version(st, &v)) == STORE_OK &&
	    (rc = store_version_check(st, v)) == STORE_OK &&
	    (v == STORE_SCHEMA_VERSION ||
	    (rc = store_migrate_steps(st, v)) == STORE_OK) &&
	    (rc = store_commit(st)) == STORE_OK)
		return STORE_OK;
	store_rollback(st);
	return rc;
}

/* Connection settings: WAL (when writable), foreign keys, secure delete. */
static int
store_configure(struct store *st)
{
	int rc;

	if ((rc = store_exec(st, "PRAGMA foreign_keys = ON;"
	    "PRAGMA secure_delete = ON", "settings")) != STORE_OK)
		return rc;
	if (st->readonly)
		return STORE_OK;
	return store_exec(st, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL", "settings");
}

static int
store_connect(struct store *st, int flags)
{
	int oflags, xrc;

	oflags = SQLITE_OPEN_NOMUTEX;
	if (flags & STORE_OPEN_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE |
		    ((flags & STORE_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
	xrc = sqlite3_open_v2(st->path, &st->db, oflags, NULL);
	if (xrc != SQLITE_OK) {
		(void)store_seterr(st, 0, "cannot open database %s: %s",
		    st->path, st->db ? sqlite3_errmsg(st->db) :
		    sqlite3_errstr(xrc));
		return store_map_rc(xrc) == STORE_OK ? STORE_ERROR :
		    store_map_rc(xrc);
	}
	(void)sqlite3_extended_result_codes(st->db, 1);
	if ((xrc = sqlite3_busy_timeout(st->db,
	    st->busy_ms > INT_MAX ? INT_MAX : (int)st->busy_ms)) != SQLITE_OK)
		return store_fail(st, xrc, "busy timeout");
	st->readonly = (flags & STORE_OPEN_READONLY) ||
	    sqlite3_db_readonly(st->db, "main") == 1;
	return STORE_OK;
}

int
store_open(const char *path, unsigned busy_ms, int flags, struct store **out,
    char *err, size_t errlen)
{
	struct store *st;
	struct stat sb;
	int rc;

	*out = NULL;
	if (path == NULL || *path == '\0') {
		(void)snprintf(err, errlen, "no database file given");
		return STORE_INVALID;
	}
	if (!(flags & STORE_OPEN_CREATE) && stat(path, &sb) == -1 &&
	    errno == ENOENT) {
		(void)snprintf(err, errlen,
		    "database %s does not exist (run pinctl init)", path);
		return STORE_NOTFOUND;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->path = strdup(path)) == NULL) {
		free(st);
		(void)snprintf(err, errlen, "out of memory");
		return STORE_ERROR;
	}
	st->busy_ms = busy_ms;
	if ((rc = store_connect(st, flags)) == STORE_OK &&
	    (rc = store_configure(st)) == STORE_OK &&
	    (rc = store_migrate(st)) == STORE_OK) {
		*out = st;
		return STORE_OK;
	}
	(void)snprintf(err, errlen, "%s", st->err);
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < Q__CACHED; i++)
		(void)sqlite3_finalize(st->q[i]);
	(void)sqlite3_close(st->db);	/* all statements are finalized */
	free(st->path);
	free(st);
}

/* ---- meta ---- */

int
store_meta_get(struct store *st, const char *name, void *buf, size_t bufsize,
    size_t *len)
{
	sqlite3_stmt *s;
	const void *p;
	size_t n;
	int rc;

	*len = 0;
	if (!str_ok(name, STORE_META_NAME_MAX, 0))
		return store_invalid(st, "meta name");
	if ((rc = stmt_prepare(st, Q_META_GET, &s)) != STORE_OK ||
	    (rc = stmt_bind(st, s, "t", name)) != STORE_OK)
		goto out;
	if ((rc = stmt_row(st, s, "meta get")) != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			(void)store_seterr(st, rc, "meta %s: not set", name);
		goto out;
	}
	p = sqlite3_column_blob(s, 0);
	n = (size_t)sqlite3_column_bytes(s, 0);
	*len = n;
	if (n > bufsize)
		rc = store_seterr(st, STORE_INVALID,
		    "meta %s: %zu bytes do not fit in %zu", name, n, bufsize);
	else if (n > 0 && p == NULL)
		rc = store_fail(st, sqlite3_errcode(st->db), "meta get");
	else if (n > 0)
		memcpy(buf, p, n);
out:
	stmt_done(st, Q_META_GET, s);
	return rc;
}

int
store_meta_set(struct store *st, const char *name, const void *buf,
    size_t len)
{
	sqlite3_stmt *s;
	int rc;

	if (!str_ok(name, STORE_META_NAME_MAX, 0))
		return store_invalid(st, "meta name");
	if (len > STORE_META_VALUE_MAX || (buf == NULL && len > 0))
		return store_invalid(st, "meta value");
	if ((rc = stmt_prepare(st, Q_META_SET, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "tb", name, buf, len)) != STORE_OK) {
		stmt_done(st, Q_META_SET, s);
		return rc;
	}
	return stmt_write(st, Q_META_SET, s, "meta set", 0);
}

/* ---- accounts ---- */

int
store_account_add(struct store *st, const char *name, time_t now,
    int64_t *id)
{
	sqlite3_stmt *s;
	int rc;

	if (!str_ok(name, STORE_ACCOUNT_MAX, 0))
		return store_invalid(st, "account name");
	if ((rc = stmt_prepare(st, Q_ACCOUNT_ADD, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "ti", name, (int64_t)now)) != STORE_OK) {
		stmt_done(st, Q_ACCOUNT_ADD, s);
		return rc;
	}
	rc = stmt_write(st, Q_ACCOUNT_ADD, s, "account add", 0);
	if (rc == STORE_EXISTS)
		(void)store_seterr(st, rc, "account %s already exists", name);
	if (rc == STORE_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

static int
account_from_row(struct store *st, sqlite3_stmt *s, struct store_account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	a->created = (time_t)sqlite3_column_int64(s, 2);
	a->users = (unsigned)sqlite3_column_int64(s, 3);
	return col_text(st, s, 1, a->name, sizeof(a->name));
}

int
store_account_find(struct store *st, const char *name,
    struct store_account *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!str_ok(name, STORE_ACCOUNT_MAX, 0))
		return store_invalid(st, "account name");
	if ((rc = stmt_prepare(st, Q_ACCOUNT_FIND, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "t", name)) == STORE_OK &&
	    (rc = stmt_row(st, s, "account find")) == STORE_OK)
		rc = account_from_row(st, s, out);
	else if (rc == STORE_NOTFOUND)
		(void)store_seterr(st, rc, "no account %s", name);
	stmt_done(st, Q_ACCOUNT_FIND, s);
	return rc;
}

int
store_account_list(struct store *st, store_account_cb cb, void *arg)
{
	struct store_account a;
	sqlite3_stmt *s;
	int rc, stop = 0;

	if ((rc = stmt_prepare(st, Q_ACCOUNT_LIST, &s)) != STORE_OK)
		return rc;
	while ((rc = stmt_row(st, s, "account list")) == STORE_OK &&
	    (rc = account_from_row(st, s, &a)) == STORE_OK &&
	    (stop = cb(&a, arg)) == 0)
		;
	stmt_done(st, Q_ACCOUNT_LIST, s);
	return stop != 0 ? stop : rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* ---- users ---- */

static int
user_from_row(struct store *st, sqlite3_stmt *s, struct store_user *u)
{
	const unsigned char *role;
	int rc, salt, hash;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	u->account_id = sqlite3_column_int64(s, 1);
	if ((rc = col_text(st, s, 2, u->account, sizeof(u->account))) != 0 ||
	    (rc = col_text(st, s, 3, u->email, sizeof(u->email))) != 0 ||
	    (rc = col_text(st, s, 4, u->name, sizeof(u->name))) != 0 ||
	    (rc = col_blob(st, s, 6, u->pin_salt, sizeof(u->pin_salt),
	    &salt)) != 0 ||
	    (rc = col_blob(st, s, 7, u->pin_hash, sizeof(u->pin_hash),
	    &hash)) != 0)
		return rc;
	role = sqlite3_column_text(s, 5);
	u->role = (role && strcmp((const char *)role, "admin") == 0) ?
	    STORE_ROLE_ADMIN : STORE_ROLE_USER;
	u->has_pin = salt && hash;
	u->pin_set_at = (time_t)sqlite3_column_int64(s, 8);
	u->lock.failures = (unsigned)sqlite3_column_int64(s, 9);
	u->lock.window_start = (time_t)sqlite3_column_int64(s, 10);
	u->lock.locked_until = (time_t)sqlite3_column_int64(s, 11);
	u->created = (time_t)sqlite3_column_int64(s, 12);
	return STORE_OK;
}

int
store_user_add(struct store *st, const struct store_user *u, time_t now,
    int64_t *id)
{
	sqlite3_stmt *s;
	const char *role;
	int rc;

	if (!email_ok(u->email))
		return store_invalid(st, "email address");
	if (!str_ok(u->name, STORE_NAME_MAX, 1))
		return store_invalid(st, "user name");
	if (u->role != STORE_ROLE_USER && u->role != STORE_ROLE_ADMIN)
		return store_invalid(st, "role");
	if (u->account_id <= 0)
		return store_invalid(st, "account");
	role = u->role == STORE_ROLE_ADMIN ? "admin" : "user";
	if ((rc = stmt_prepare(st, Q_USER_ADD, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "ittti", u->account_id, u->email, u->name,
	    role, (int64_t)now)) != STORE_OK) {
		stmt_done(st, Q_USER_ADD, s);
		return rc;
	}
	rc = stmt_write(st, Q_USER_ADD, s, "user add", 0);
	if (rc == STORE_EXISTS)
		(void)store_seterr(st, rc, "user %s already exists", u->email);
	else if (rc == STORE_CONSTRAINT)
		(void)store_seterr(st, rc, "user %s: no account %lld", u->email,
		    (long long)u->account_id);
	if (rc == STORE_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

/* Step a bound user statement once into OUT; finishes the statement. */
static int
user_find_run(struct store *st, enum store_q id, sqlite3_stmt *s,
    struct store_user *out)
{
	int rc;

	if ((rc = stmt_row(st, s, "user find")) == STORE_OK)
		rc = user_from_row(st, s, out);
	else {
		memset(out, 0, sizeof(*out));
		if (rc == STORE_NOTFOUND)
			(void)store_seterr(st, rc, "no such user");
	}
	stmt_done(st, id, s);
	return rc;
}

int
store_user_find(struct store *st, const char *email, struct store_user *out)
{
	sqlite3_stmt *s;
	int rc;

	/* out is cleared only after the step: email may point into it. */
	if (!email_ok(email)) {
		memset(out, 0, sizeof(*out));
		return store_invalid(st, "email address");
	}
	if ((rc = stmt_prepare(st, Q_USER_FIND, &s)) != STORE_OK ||
	    (rc = stmt_bind(st, s, "t", email)) != STORE_OK) {
		memset(out, 0, sizeof(*out));
		stmt_done(st, Q_USER_FIND, s);
		return rc;
	}
	return user_find_run(st, Q_USER_FIND, s, out);
}

int
store_user_find_id(struct store *st, int64_t id, struct store_user *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = stmt_prepare(st, Q_USER_FIND_ID, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "i", id)) != STORE_OK) {
		stmt_done(st, Q_USER_FIND_ID, s);
		return rc;
	}
	return user_find_run(st, Q_USER_FIND_ID, s, out);
}

/* Call cb for each row of a bound user list statement; finalizes it. */
static int
user_list_run(struct store *st, enum store_q id, sqlite3_stmt *s,
    store_user_cb cb, void *arg)
{
	struct store_user u;
	int rc, stop = 0;

	while ((rc = stmt_row(st, s, "user list")) == STORE_OK &&
	    (rc = user_from_row(st, s, &u)) == STORE_OK &&
	    (stop = cb(&u, arg)) == 0)
		;
	memset(&u, 0, sizeof(u));
	stmt_done(st, id, s);
	return stop != 0 ? stop : rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_user_list(struct store *st, const char *account, store_user_cb cb,
    void *arg)
{
	sqlite3_stmt *s;
	int rc;

	if (account != NULL && !str_ok(account, STORE_ACCOUNT_MAX, 0))
		return store_invalid(st, "account name");
	if ((rc = stmt_prepare(st, Q_USER_LIST, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "t", account)) != STORE_OK) {
		stmt_done(st, Q_USER_LIST, s);
		return rc;
	}
	return user_list_run(st, Q_USER_LIST, s, cb, arg);
}

int
store_user_list_admins(struct store *st, int64_t account_id,
    store_user_cb cb, void *arg)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = stmt_prepare(st, Q_USER_LIST_ADMINS, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "i", account_id)) != STORE_OK) {
		stmt_done(st, Q_USER_LIST_ADMINS, s);
		return rc;
	}
	return user_list_run(st, Q_USER_LIST_ADMINS, s, cb, arg);
}

int
store_user_set_email(struct store *st, int64_t id, const char *email)
{
	sqlite3_stmt *s;
	int rc;

	if (!email_ok(email))
		return store_invalid(st, "email address");
	if ((rc = stmt_prepare(st, Q_USER_SET_EMAIL, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "it", id, email)) != STORE_OK) {
		stmt_done(st, Q_USER_SET_EMAIL, s);
		return rc;
	}
	rc = stmt_write(st, Q_USER_SET_EMAIL, s, "user set-email", 1);
	if (rc == STORE_EXISTS)
		(void)store_seterr(st, rc, "user %s already exists", email);
	return rc;
}

int
store_user_remove(struct store *st, int64_t id)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = stmt_prepare(st, Q_USER_REMOVE, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "i", id)) != STORE_OK) {
		stmt_done(st, Q_USER_REMOVE, s);
		return rc;
	}
	return stmt_write(st, Q_USER_REMOVE, s, "user remove", 1);
}

int
store_user_set_pin(struct store *st, int64_t id,
    const unsigned char salt[SECRET_SALT_BYTES],
    const unsigned char hash[SECRET_HASH_BYTES], time_t now)
{
	sqlite3_stmt *s;
	int rc;

	if (salt == NULL || hash == NULL)
		return store_invalid(st, "PIN hash");
	if ((rc = stmt_prepare(st, Q_USER_SET_PIN, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "ibbi", id, (const void *)salt,
	    (size_t)SECRET_SALT_BYTES, (const void *)hash,
	    (size_t)SECRET_HASH_BYTES, (int64_t)now)) != STORE_OK) {
		stmt_done(st, Q_USER_SET_PIN, s);
		return rc;
	}
	return stmt_write(st, Q_USER_SET_PIN, s, "user set-pin", 1);
}

int
store_user_set_lockout(struct store *st, int64_t id,
    const struct lockout_state *lock)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = stmt_prepare(st, Q_USER_SET_LOCKOUT, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "iiii", id, (int64_t)lock->failures,
	    (int64_t)lock->window_start, (int64_t)lock->locked_until)) !=
	    STORE_OK) {
		stmt_done(st, Q_USER_SET_LOCKOUT, s);
		return rc;
	}
	return stmt_write(st, Q_USER_SET_LOCKOUT, s, "user set-lockout", 1);
}

/* ---- audit ---- */

int
store_audit_add(struct store *st, const struct store_audit *e)
{
	sqlite3_stmt *s;
	int rc;

	if (!str_ok(e->actor, STORE_ACTOR_MAX, 0) ||
	    !str_ok(e->action, STORE_ACTION_MAX, 0) ||
	    !str_ok(e->email, STORE_EMAIL_MAX, 1) ||
	    !str_ok(e->result, STORE_RESULT_MAX, 0) ||
	    !str_ok(e->detail, STORE_DETAIL_MAX, 1) || e->case_number < 0)
		return store_invalid(st, "audit record");
	if ((rc = stmt_prepare(st, Q_AUDIT_ADD, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "itttitt", (int64_t)e->at, e->actor,
	    e->action, e->email, e->case_number, e->result, e->detail)) !=
	    STORE_OK) {
		stmt_done(st, Q_AUDIT_ADD, s);
		return rc;
	}
	return stmt_write(st, Q_AUDIT_ADD, s, "audit add", 0);
}

static int
audit_from_row(struct store *st, sqlite3_stmt *s, struct store_audit *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	a->at = (time_t)sqlite3_column_int64(s, 1);
	a->case_number = sqlite3_column_int64(s, 5);
	if ((rc = col_text(st, s, 2, a->actor, sizeof(a->actor))) != 0 ||
	    (rc = col_text(st, s, 3, a->action, sizeof(a->action))) != 0 ||
	    (rc = col_text(st, s, 4, a->email, sizeof(a->email))) != 0 ||
	    (rc = col_text(st, s, 6, a->result, sizeof(a->result))) != 0)
		return rc;
	return col_text(st, s, 7, a->detail, sizeof(a->detail));
}

int
store_audit_list(struct store *st, const struct store_audit_filter *f,
    store_audit_cb cb, void *arg)
{
	static const struct store_audit_filter any;
	struct store_audit a;
	sqlite3_stmt *s;
	int rc, stop = 0;

	if (f == NULL)
		f = &any;
	if (f->email != NULL && !str_ok(f->email, STORE_EMAIL_MAX, 0))
		return store_invalid(st, "email address");
	if ((rc = stmt_prepare(st, Q_AUDIT_LIST, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "tii", f->email, f->case_number,
	    (int64_t)f->since)) == STORE_OK)
		while ((rc = stmt_row(st, s, "audit list")) == STORE_OK &&
		    (rc = audit_from_row(st, s, &a)) == STORE_OK &&
		    (stop = cb(&a, arg)) == 0)
			;
	stmt_done(st, Q_AUDIT_LIST, s);
	return stop != 0 ? stop : rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* ---- cases ---- */

static int
case_from_row(struct store *st, sqlite3_stmt *s, struct store_case *c)
{
	static const char *const states[] = {
		[STORE_CASE_OPEN] = "open",
		[STORE_CASE_VERIFICATION_REQUESTED] = "verification-requested",
		[STORE_CASE_AUTHENTICATED] = "authenticated",
	};
	char state[32];
	size_t i;
	int rc;

	memset(c, 0, sizeof(*c));
	c->number = sqlite3_column_int64(s, 0);
	c->account_id = sqlite3_column_int64(s, 1);
	c->user_id = sqlite3_column_int64(s, 2);
	c->opened = (time_t)sqlite3_column_int64(s, 7);
	c->authenticated_at = (time_t)sqlite3_column_int64(s, 8);
	c->verification_requested_at = (time_t)sqlite3_column_int64(s, 11);
	if ((rc = col_text(st, s, 3, c->account, sizeof(c->account))) != 0 ||
	    (rc = col_text(st, s, 10, c->external_ref,
	    sizeof(c->external_ref))) != 0 ||
	    (rc = col_text(st, s, 4, c->email, sizeof(c->email))) != 0 ||
	    (rc = col_text(st, s, 5, c->subject, sizeof(c->subject))) != 0 ||
	    (rc = col_text(st, s, 6, state, sizeof(state))) != 0 ||
	    (rc = col_text(st, s, 9, c->authenticated_by,
	    sizeof(c->authenticated_by))) != 0)
		return rc;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i]) == 0) {
			c->state = (enum store_case_state)i;
			return STORE_OK;
		}
	return store_seterr(st, STORE_ERROR, "case %lld: unknown state",
	    (long long)c->number);
}

int
store_case_find(struct store *st, int64_t number, struct store_case *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = stmt_prepare(st, Q_CASE_FIND, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "i", number)) == STORE_OK &&
	    (rc = stmt_row(st, s, "case find")) == STORE_OK)
		rc = case_from_row(st, s, out);
	else if (rc == STORE_NOTFOUND)
		(void)store_seterr(st, rc, "no case %lld", (long long)number);
	stmt_done(st, Q_CASE_FIND, s);
	return rc;
}

int
store_case_list(struct store *st, store_case_cb cb, void *arg)
{
	struct store_case c;
	sqlite3_stmt *s;
	int rc, stop = 0;

	if ((rc = stmt_prepare(st, Q_CASE_LIST, &s)) != STORE_OK)
		return rc;
	while ((rc = stmt_row(st, s, "case list")) == STORE_OK &&
	    (rc = case_from_row(st, s, &c)) == STORE_OK &&
	    (stop = cb(&c, arg)) == 0)
		;
	stmt_done(st, Q_CASE_LIST, s);
	return stop != 0 ? stop : rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* Range and text checks shared by case open and find-external. */
static int
case_input_ok(const struct store_case *c, int64_t start)
{
	return c->account_id >= 0 && c->user_id >= 0 && start > 0 &&
	    str_ok(c->email, STORE_EMAIL_MAX, 1) &&
	    str_ok(c->subject, STORE_DETAIL_MAX, 1) &&
	    str_ok(c->external_ref, STORE_ACCOUNT_MAX, 1);
}

int
store_case_open(struct store *st, const struct store_case *c, int64_t start,
    time_t now, int64_t *number)
{
	sqlite3_stmt *s;
	int rc;

	if (number != NULL)
		*number = 0;
	if (!case_input_ok(c, start))
		return store_invalid(st, "case");
	if ((rc = stmt_prepare(st, Q_CASE_OPEN, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "iitttii", c->account_id, c->user_id,
	    c->email, c->subject, c->external_ref, (int64_t)now, start)) !=
	    STORE_OK) {
		stmt_done(st, Q_CASE_OPEN, s);
		return rc;
	}
	rc = stmt_write(st, Q_CASE_OPEN, s, "case open", 0);
	if (rc == STORE_CONSTRAINT)
		(void)store_seterr(st, rc, "case open: no account %lld or no "
		    "user %lld", (long long)c->account_id, (long long)c->user_id);
	if (rc == STORE_OK && number != NULL)
		*number = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_case_find_external(struct store *st, const char *ref,
    int64_t account_id, struct store_case *out)
{
	sqlite3_stmt *s;
	int rc;

	/* out is cleared only after the step: ref may point into it. */
	if (!str_ok(ref, STORE_ACCOUNT_MAX, 0)) {
		memset(out, 0, sizeof(*out));
		return store_invalid(st, "external reference");
	}
	if ((rc = stmt_prepare(st, Q_CASE_FIND_EXTERNAL, &s)) != STORE_OK) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	if ((rc = stmt_bind(st, s, "ti", ref, account_id)) == STORE_OK &&
	    (rc = stmt_row(st, s, "case find")) == STORE_OK)
		rc = case_from_row(st, s, out);
	else {
		memset(out, 0, sizeof(*out));
		if (rc == STORE_NOTFOUND)
			(void)store_seterr(st, rc, "no case with that "
			    "external reference");
	}
	stmt_done(st, Q_CASE_FIND_EXTERNAL, s);
	return rc;
}

/* Run a cached single-row update of case NUMBER; NOTFOUND names it. */
static int
case_update(struct store *st, enum store_q id, sqlite3_stmt *s,
    int64_t number, const char *what)
{
	int rc = stmt_write(st, id, s, what, 1);

	if (rc == STORE_NOTFOUND)
		(void)store_seterr(st, rc, "no case %lld", (long long)number);
	return rc;
}

int
store_case_authenticate(struct store *st, int64_t number, const char *by,
    time_t now)
{
	sqlite3_stmt *s;
	int rc;

	if (!str_ok(by, STORE_ACTOR_MAX, 0))
		return store_invalid(st, "authenticated-by");
	if ((rc = stmt_prepare(st, Q_CASE_AUTHENTICATE, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "iti", number, by, (int64_t)now)) !=
	    STORE_OK) {
		stmt_done(st, Q_CASE_AUTHENTICATE, s);
		return rc;
	}
	return case_update(st, Q_CASE_AUTHENTICATE, s, number,
	    "case authenticate");
}

int
store_case_verification_requested(struct store *st, int64_t number,
    time_t now)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = stmt_prepare(st, Q_CASE_VERIFICATION, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "ii", number, (int64_t)now)) != STORE_OK) {
		stmt_done(st, Q_CASE_VERIFICATION, s);
		return rc;
	}
	return case_update(st, Q_CASE_VERIFICATION, s, number,
	    "case verification-requested");
}

int
store_case_message_add(struct store *st, int64_t number,
    const char *message_id, const char *direction, time_t now)
{
	sqlite3_stmt *s;
	int rc;

	if (!str_ok(message_id, STORE_DETAIL_MAX, 0))
		return store_invalid(st, "message-id");
	if (direction == NULL || (strcmp(direction, "in") != 0 &&
	    strcmp(direction, "out") != 0))
		return store_invalid(st, "message direction");
	if ((rc = stmt_prepare(st, Q_CASE_MESSAGE_ADD, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "itti", number, message_id, direction,
	    (int64_t)now)) != STORE_OK) {
		stmt_done(st, Q_CASE_MESSAGE_ADD, s);
		return rc;
	}
	rc = stmt_write(st, Q_CASE_MESSAGE_ADD, s, "case message add", 0);
	if (rc == STORE_CONSTRAINT)
		(void)store_seterr(st, rc, "no case %lld", (long long)number);
	return rc;
}

int
store_case_by_message_id(struct store *st, const char *message_id,
    int64_t *number)
{
	sqlite3_stmt *s;
	int rc;

	*number = 0;
	if (!str_ok(message_id, STORE_DETAIL_MAX, 0))
		return store_invalid(st, "message-id");
	if ((rc = stmt_prepare(st, Q_CASE_BY_MESSAGE_ID, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "t", message_id)) == STORE_OK &&
	    (rc = stmt_row(st, s, "case by message-id")) == STORE_OK)
		*number = sqlite3_column_int64(s, 0);
	else if (rc == STORE_NOTFOUND)
		(void)store_seterr(st, rc, "no case for that message-id");
	stmt_done(st, Q_CASE_BY_MESSAGE_ID, s);
	return rc;
}

/* ---- outbox ---- */

int
store_outbox_add(struct store *st, const struct store_notice *n,
    int64_t *id)
{
	sqlite3_stmt *s;
	int rc;

	if (id != NULL)
		*id = 0;
	if (!email_ok(n->recipient))
		return store_invalid(st, "notice recipient");
	if (!str_ok(n->kind, STORE_KIND_MAX, 0))
		return store_invalid(st, "notice kind");
	if (n->message == NULL || n->message_len == 0 ||
	    n->message_len > STORE_NOTICE_MAX)
		return store_invalid(st, "notice message");
	if (n->case_number < 0)
		return store_invalid(st, "notice case");
	if ((rc = stmt_prepare(st, Q_OUTBOX_ADD, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "ittbii", n->case_number, n->recipient,
	    n->kind, (const void *)n->message, n->message_len,
	    (int64_t)n->created, (int64_t)n->next_try)) != STORE_OK) {
		stmt_done(st, Q_OUTBOX_ADD, s);
		return rc;
	}
	rc = stmt_write(st, Q_OUTBOX_ADD, s, "outbox add", 0);
	if (rc == STORE_CONSTRAINT)
		(void)store_seterr(st, rc, "outbox add: no case %lld",
		    (long long)n->case_number);
	if (rc == STORE_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

/* The NOTICE_COLS of a row, without the message bytes. */
static int
notice_from_row(struct store *st, sqlite3_stmt *s, struct store_notice *n)
{
	int rc;

	memset(n, 0, sizeof(*n));
	n->id = sqlite3_column_int64(s, 0);
	n->case_number = sqlite3_column_int64(s, 1);
	n->created = (time_t)sqlite3_column_int64(s, 4);
	n->attempts = (unsigned)sqlite3_column_int64(s, 5);
	n->next_try = (time_t)sqlite3_column_int64(s, 6);
	n->sent_at = (time_t)sqlite3_column_int64(s, 7);
	n->dead = sqlite3_column_int64(s, 8) != 0;
	if ((rc = col_text(st, s, 2, n->recipient, sizeof(n->recipient))) != 0 ||
	    (rc = col_text(st, s, 3, n->kind, sizeof(n->kind))) != 0)
		return rc;
	return col_text(st, s, 9, n->last_error, sizeof(n->last_error));
}

/* A due row with a malloc'd copy of its message bytes (column 10). */
static int
notice_due_from_row(struct store *st, sqlite3_stmt *s, struct store_notice *n)
{
	const void *p;
	size_t len;
	int rc;

	if ((rc = notice_from_row(st, s, n)) != STORE_OK)
		return rc;
	len = (size_t)sqlite3_column_bytes(s, 10);
	p = sqlite3_column_blob(s, 10);
	if (len == 0 || len > STORE_NOTICE_MAX || p == NULL)
		return store_seterr(st, STORE_ERROR, "outbox %lld: queued "
		    "without a message", (long long)n->id);
	if ((n->message = malloc(len)) == NULL)
		return store_seterr(st, STORE_ERROR, "outbox: out of memory");
	memcpy(n->message, p, len);
	n->message_len = len;
	return STORE_OK;
}

static void
notices_free(struct store_notice *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].message);
	free(v);
}

/*
 * The due rows are read first and the statement finished before any
 * callback runs: a delivery may take a minute, and an open read would
 * hold back WAL checkpoints meanwhile.
 */
static int
outbox_due_read(struct store *st, time_t now, unsigned limit,
    struct store_notice **out, size_t *count)
{
	struct store_notice *v;
	sqlite3_stmt *s;
	size_t n = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if ((v = calloc(limit, sizeof(*v))) == NULL)
		return store_seterr(st, STORE_ERROR, "outbox: out of memory");
	if ((rc = stmt_prepare(st, Q_OUTBOX_DUE, &s)) != STORE_OK) {
		free(v);
		return rc;
	}
	if ((rc = stmt_bind(st, s, "ii", (int64_t)now, (int64_t)limit)) ==
	    STORE_OK)
		while (n < limit && (rc = stmt_row(st, s, "outbox due")) ==
		    STORE_OK && (rc = notice_due_from_row(st, s, &v[n])) ==
		    STORE_OK)
			n++;
	stmt_done(st, Q_OUTBOX_DUE, s);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		notices_free(v, n);	/* v[n] holds no bytes on failure */
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
	if (limit > STORE_OUTBOX_LIMIT_MAX)
		return store_invalid(st, "outbox limit");
	if ((rc = outbox_due_read(st, now, limit, &v, &n)) != STORE_OK)
		return rc;
	for (i = 0; i < n && stop == 0; i++) {
		stop = cb(&v[i], arg);
		free(v[i].message);
		v[i].message = NULL;
	}
	notices_free(v, n);
	return stop;
}

int
store_outbox_mark_sent(struct store *st, int64_t id, time_t now)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = stmt_prepare(st, Q_OUTBOX_SENT, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "ii", id, (int64_t)now)) != STORE_OK) {
		stmt_done(st, Q_OUTBOX_SENT, s);
		return rc;
	}
	return stmt_write(st, Q_OUTBOX_SENT, s, "outbox mark-sent", 1);
}

int
store_outbox_mark_failed(struct store *st, int64_t id, time_t next_try,
    const char *error, bool dead)
{
	sqlite3_stmt *s;
	int rc;

	if (error == NULL)
		error = "";
	if (!str_ok(error, STORE_ERROR_MAX, 1))
		return store_invalid(st, "notice error text");
	if ((rc = stmt_prepare(st, Q_OUTBOX_FAILED, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "iiti", id, (int64_t)next_try, error,
	    (int64_t)(dead ? 1 : 0))) != STORE_OK) {
		stmt_done(st, Q_OUTBOX_FAILED, s);
		return rc;
	}
	return stmt_write(st, Q_OUTBOX_FAILED, s, "outbox mark-failed", 1);
}

int
store_outbox_list(struct store *st, store_notice_cb cb, void *arg)
{
	struct store_notice n;
	sqlite3_stmt *s;
	int rc, stop = 0;

	if ((rc = stmt_prepare(st, Q_OUTBOX_LIST, &s)) != STORE_OK)
		return rc;
	while ((rc = stmt_row(st, s, "outbox list")) == STORE_OK &&
	    (rc = notice_from_row(st, s, &n)) == STORE_OK &&
	    (stop = cb(&n, arg)) == 0)
		;
	stmt_done(st, Q_OUTBOX_LIST, s);
	return stop != 0 ? stop : rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_outbox_count(struct store *st, const char *recipient,
    const char *kind, time_t since, unsigned *count)
{
	sqlite3_stmt *s;
	int rc;

	*count = 0;
	if (!str_ok(recipient, STORE_EMAIL_MAX, 0))
		return store_invalid(st, "notice recipient");
	if (kind != NULL && !str_ok(kind, STORE_KIND_MAX, 0))
		return store_invalid(st, "notice kind");
	if ((rc = stmt_prepare(st, Q_OUTBOX_COUNT, &s)) != STORE_OK)
		return rc;
	if ((rc = stmt_bind(st, s, "tit", recipient, (int64_t)since, kind)) ==
	    STORE_OK && (rc = stmt_row(st, s, "outbox count")) == STORE_OK)
		*count = (unsigned)sqlite3_column_int64(s, 0);
	else if (rc == STORE_NOTFOUND)
		rc = store_seterr(st, STORE_ERROR, "outbox count: no row");
	stmt_done(st, Q_OUTBOX_COUNT, s);
	return rc;
}
