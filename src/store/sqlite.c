/*
 * sqlite.c - the SQLite backend of the store (the interface of backend.h).
 *
 * One connection per struct store, opened NOMUTEX (a store is used from
 * one thread) with extended result codes and busy_timeout, then
 * configured: foreign keys and secure_delete always; WAL and
 * synchronous=NORMAL when the database is writable.  BEGIN IMMEDIATE,
 * COMMIT and ROLLBACK are prepared once per connection.  The schema
 * version is PRAGMA user_version.  SQLite reads the ?N placeholders as
 * written, and an INSERT's key is sqlite3_last_insert_rowid(): every
 * store_query.returns names an INTEGER PRIMARY KEY (the rowid).
 *
 * Security: secure_delete overwrites what is deleted or replaced (old PIN
 * hashes, removed users, the bytes of sent notices), so it does not
 * linger in free pages.  Bound strings and blobs are SQLITE_STATIC: the
 * statement helper keeps them valid until it resets the statement.
 *
 * Diagnostics: every SQLite result code is checked and mapped to a
 * STORE_* code (lite_map); the message is kept for store_errmsg(): e.g.
 * "database is locked (busy past 5000 ms)", "database /x is read-only:
 * attempt to write a readonly database", "account add: UNIQUE constraint
 * failed: accounts.name".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util/xalloc.h"
#include "store/stmt.h"

enum lite_tx { LITE_BEGIN, LITE_COMMIT, LITE_ROLLBACK, LITE_TX__COUNT };

static const char *const lite_tx_sql[LITE_TX__COUNT] = {
	[LITE_BEGIN] = "BEGIN IMMEDIATE",
	[LITE_COMMIT] = "COMMIT",
	[LITE_ROLLBACK] = "ROLLBACK",
};
static const char *const lite_tx_what[LITE_TX__COUNT] = {
	[LITE_BEGIN] = "begin",
	[LITE_COMMIT] = "commit",
	[LITE_ROLLBACK] = "rollback",
};

/* The connection behind struct db_conn. */
struct lite {
	sqlite3 *db;
	sqlite3_stmt *tx[LITE_TX__COUNT];	/* prepared on first use */
};

static struct lite *
lite_of(struct store *st)
{
	return (struct lite *)(void *)st->conn;
}

static sqlite3_stmt *
lite_stmt(struct db_stmt *s)
{
	return (sqlite3_stmt *)(void *)s;
}

/* ---- errors ---- */

static int
lite_map(int xrc)
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
	case SQLITE_NOMEM:		/* the one out-of-memory policy */
		xalloc_die("SQLite");
	case SQLITE_CONSTRAINT:
		if (xrc == SQLITE_CONSTRAINT_UNIQUE ||
		    xrc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return STORE_EXISTS;
		return STORE_CONSTRAINT;
	default:
		return STORE_ERROR;
	}
}

/* Record SQLite failure XRC during WHAT; returns the store code. */
static int
lite_fail(struct store *st, int xrc, const char *what)
{
	struct lite *l = lite_of(st);
	int rc = lite_map(xrc);

	if (rc == STORE_OK)		/* a step that ended oddly */
		rc = STORE_ERROR;
	switch (rc) {
	case STORE_BUSY:
		return store_seterr(st, rc,
		    "database is locked (busy past %u ms)", st->busy_ms);
	case STORE_READONLY:
		if (xrc == SQLITE_READONLY_DIRECTORY)
			return store_seterr(st, rc, "database %s is read-only: "
			    "its directory is not writable (needed for the "
			    "-wal and -shm files)", st->path);
		return store_seterr(st, rc, "database %s is read-only: %s",
		    st->path, sqlite3_errstr(xrc));
	default:
		return store_seterr(st, rc, "%s: %s", what,
		    l != NULL && l->db != NULL ? sqlite3_errmsg(l->db) :
		    sqlite3_errstr(xrc));
	}
}

/* ---- connection ---- */

static int
lite_exec(struct store *st, const char *sql, const char *what)
{
	sqlite3 *db = lite_of(st)->db;
	sqlite3_stmt *s;
	const char *tail;
	int xrc;

	while (*sql != '\0') {
		xrc = sqlite3_prepare_v2(db, sql, -1, &s, &tail);
		if (xrc != SQLITE_OK)
			return lite_fail(st, xrc, what);
		sql = tail;
		if (s == NULL)		/* white space at the end */
			continue;
		while ((xrc = sqlite3_step(s)) == SQLITE_ROW)
			;
		(void)sqlite3_finalize(s);
		if (xrc != SQLITE_DONE)
			return lite_fail(st, xrc, what);
	}
	return STORE_OK;
}

/* Connection settings: WAL (when writable), foreign keys, secure delete. */
static int
lite_configure(struct store *st)
{
	int rc;

	if ((rc = lite_exec(st, "PRAGMA foreign_keys = ON;"
	    "PRAGMA secure_delete = ON", "settings")) != STORE_OK)
		return rc;
	if (st->readonly)
		return STORE_OK;
	return lite_exec(st, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL", "settings");
}

/*
 * A database pinctl init creates is made here first, 0600 and O_EXCL, so
 * that it never exists readable by others, whatever the umask or the
 * directory: SQLite then opens it, and gives its -wal and -shm files the
 * same mode.  An existing file is left as it is.
 */
static int
lite_create_private(struct store *st)
{
	int fd;

	fd = open(st->target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 && errno != EEXIST)
		return store_seterr(st, 0, "cannot create database %s: %s",
		    st->path, g_strerror(errno));
	if (fd != -1)
		(void)close(fd);
	return STORE_OK;
}

static int
lite_open(struct store *st, int flags)
{
	struct lite *l;
	struct stat sb;
	int oflags, xrc;

	if (!(flags & STORE_OPEN_CREATE) && stat(st->target, &sb) == -1 &&
	    errno == ENOENT)
		return store_seterr(st, STORE_NOTFOUND,
		    "database %s does not exist (run pinctl init)", st->path);
	if ((flags & STORE_OPEN_CREATE) && lite_create_private(st) != STORE_OK)
		return STORE_ERROR;
	l = g_new0(struct lite, 1);
	st->conn = (struct db_conn *)(void *)l;
	oflags = SQLITE_OPEN_NOMUTEX;
	if (flags & STORE_OPEN_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE |
		    ((flags & STORE_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
	xrc = sqlite3_open_v2(st->target, &l->db, oflags, NULL);
	if (xrc != SQLITE_OK) {
		(void)store_seterr(st, 0, "cannot open database %s: %s",
		    st->path, l->db ? sqlite3_errmsg(l->db) :
		    sqlite3_errstr(xrc));
		return lite_map(xrc) == STORE_OK ? STORE_ERROR : lite_map(xrc);
	}
	(void)sqlite3_extended_result_codes(l->db, 1);
	if ((xrc = sqlite3_busy_timeout(l->db,
	    st->busy_ms > INT_MAX ? INT_MAX : (int)st->busy_ms)) != SQLITE_OK)
		return lite_fail(st, xrc, "busy timeout");
	st->readonly = (flags & STORE_OPEN_READONLY) ||
	    sqlite3_db_readonly(l->db, "main") == 1;
	return lite_configure(st);
}

/* Every statement of the helper is finalized before (stmt_cache_free). */
static void
lite_close(struct store *st)
{
	struct lite *l = lite_of(st);
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < LITE_TX__COUNT; i++)
		(void)sqlite3_finalize(l->tx[i]);
	(void)sqlite3_close(l->db);
	g_free(l);
	st->conn = NULL;
}

/* The first column of the one row of SQL as an integer. */
static int
lite_query_int(struct store *st, const char *sql, const char *what,
    int64_t *out)
{
	sqlite3_stmt *s;
	int xrc, rc = STORE_OK;

	xrc = sqlite3_prepare_v2(lite_of(st)->db, sql, -1, &s, NULL);
	if (xrc != SQLITE_OK)
		return lite_fail(st, xrc, what);
	xrc = sqlite3_step(s);
	if (xrc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else if (xrc == SQLITE_DONE)
		rc = store_seterr(st, STORE_ERROR, "%s: no row", what);
	else
		rc = lite_fail(st, xrc, what);
	(void)sqlite3_finalize(s);
	return rc;
}

static int
lite_version_get(struct store *st, int *version)
{
	int64_t v = -1;
	int rc;

	rc = lite_query_int(st, "PRAGMA user_version", "schema version", &v);
	*version = rc == STORE_OK ? (int)v : -1;
	return rc;
}

static int
lite_version_set(struct store *st, int version)
{
	char sql[64];

	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	return lite_exec(st, sql, "migration");
}

static int
lite_is_empty(struct store *st, bool *empty)
{
	int64_t n = 0;
	int rc;

	rc = lite_query_int(st, "SELECT count(*) FROM sqlite_master",
	    "schema check", &n);
	*empty = rc == STORE_OK && n == 0;
	return rc;
}

/* ---- transactions ---- */

static int
lite_tx(struct store *st, enum lite_tx t)
{
	struct lite *l = lite_of(st);
	int xrc, rc;

	if (l->tx[t] == NULL && (xrc = sqlite3_prepare_v2(l->db,
	    lite_tx_sql[t], -1, &l->tx[t], NULL)) != SQLITE_OK)
		return lite_fail(st, xrc, "prepare");
	xrc = sqlite3_step(l->tx[t]);
	rc = xrc == SQLITE_DONE ? STORE_OK : lite_fail(st, xrc, lite_tx_what[t]);
	(void)sqlite3_reset(l->tx[t]);
	return rc;
}

static int
lite_begin(struct store *st)
{
	return lite_tx(st, LITE_BEGIN);
}

static int
lite_commit(struct store *st)
{
	return lite_tx(st, LITE_COMMIT);
}

static void
lite_rollback(struct store *st)
{
	(void)lite_tx(st, LITE_ROLLBACK);
}

static bool
lite_in_transaction(struct store *st)
{
	return sqlite3_get_autocommit(lite_of(st)->db) == 0;
}

/* ---- statements ---- */

static int
lite_prepare(struct store *st, const struct store_query *q,
    struct db_stmt **out)
{
	sqlite3_stmt *s = NULL;
	int xrc;

	*out = NULL;
	xrc = sqlite3_prepare_v2(lite_of(st)->db, q->sql, -1, &s, NULL);
	if (xrc != SQLITE_OK) {
		(void)sqlite3_finalize(s);
		return lite_fail(st, xrc, "prepare");
	}
	*out = (struct db_stmt *)(void *)s;
	return STORE_OK;
}

static void
lite_reset(struct db_stmt *s)
{
	(void)sqlite3_reset(lite_stmt(s));
	(void)sqlite3_clear_bindings(lite_stmt(s));
}

static void
lite_finalize(struct db_stmt *s)
{
	(void)sqlite3_finalize(lite_stmt(s));
}

static int
lite_bound(struct store *st, int xrc)
{
	return xrc == SQLITE_OK ? STORE_OK : lite_fail(st, xrc, "bind");
}

static int
lite_bind_int(struct store *st, struct db_stmt *s, int i, int64_t v)
{
	return lite_bound(st, sqlite3_bind_int64(lite_stmt(s), i, v));
}

static int
lite_bind_text(struct store *st, struct db_stmt *s, int i, const char *t)
{
	return lite_bound(st, t == NULL ? sqlite3_bind_null(lite_stmt(s), i) :
	    sqlite3_bind_text(lite_stmt(s), i, t, -1, SQLITE_STATIC));
}

static int
lite_bind_blob(struct store *st, struct db_stmt *s, int i, const void *p,
    size_t len)
{
	if (len > INT_MAX)
		return lite_bound(st, SQLITE_TOOBIG);
	if (len == 0)
		return lite_bound(st, sqlite3_bind_zeroblob(lite_stmt(s), i, 0));
	return lite_bound(st, sqlite3_bind_blob(lite_stmt(s), i, p, (int)len,
	    SQLITE_STATIC));
}

static int
lite_bind_null(struct store *st, struct db_stmt *s, int i)
{
	return lite_bound(st, sqlite3_bind_null(lite_stmt(s), i));
}

static int
lite_step(struct store *st, struct db_stmt *s, const char *what)
{
	int xrc = sqlite3_step(lite_stmt(s));

	if (xrc == SQLITE_ROW)
		return STORE_OK;
	if (xrc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return lite_fail(st, xrc, what);
}

static int64_t
lite_changes(struct store *st, struct db_stmt *s)
{
	return sqlite3_changes(lite_of(st)->db);
}

static int64_t
lite_insert_id(struct store *st, struct db_stmt *s)
{
	return sqlite3_last_insert_rowid(lite_of(st)->db);
}

static enum db_type
lite_col_type(struct db_stmt *s, int col)
{
	switch (sqlite3_column_type(lite_stmt(s), col)) {
	case SQLITE_NULL:
		return DB_NULL;
	case SQLITE_INTEGER:
		return DB_INT;
	case SQLITE_TEXT:
		return DB_TEXT;
	case SQLITE_BLOB:
		return DB_BLOB;
	default:
		return DB_OTHER;
	}
}

static int64_t
lite_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(lite_stmt(s), col);
}

/* Text or blob bytes; a NULL pointer for a non-empty value is SQLite
 * failing to allocate (fatal, through lite_map) or another error. */
static int
lite_col_data(struct store *st, struct db_stmt *s, int col,
    enum db_type type, const void **p, size_t *len)
{
	sqlite3_stmt *ls = lite_stmt(s);

	*p = type == DB_TEXT ? (const void *)sqlite3_column_text(ls, col) :
	    sqlite3_column_blob(ls, col);
	*len = (size_t)sqlite3_column_bytes(ls, col);
	if (*p == NULL && (type == DB_TEXT || *len > 0)) {
		*len = 0;
		return lite_fail(st, sqlite3_errcode(lite_of(st)->db), "read");
	}
	return STORE_OK;
}

static const char *
lite_col_name(struct db_stmt *s, int col)
{
	const char *n = sqlite3_column_name(lite_stmt(s), col);

	return n != NULL ? n : "?";
}

const struct store_backend store_backend_sqlite = {
	.name = "sqlite",
	.dialect = STORE_DIALECT_SQLITE,
	.open = lite_open,
	.close = lite_close,
	.exec = lite_exec,
	.version_get = lite_version_get,
	.version_set = lite_version_set,
	.is_empty = lite_is_empty,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.in_transaction = lite_in_transaction,
	.prepare = lite_prepare,
	.reset = lite_reset,
	.finalize = lite_finalize,
	.bind_int = lite_bind_int,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.changes = lite_changes,
	.insert_id = lite_insert_id,
	.col_type = lite_col_type,
	.col_int = lite_col_int,
	.col_data = lite_col_data,
	.col_name = lite_col_name,
	.after_copy = NULL,	/* a rowid key continues after the highest */
};
