/*
 * pgsql.c - the PostgreSQL backend of the store (the interface of
 * backend.h), over libpq: the connection, errors, transactions and the
 * backend table here; statements in pgsql_stmt.c (shared types in
 * pgsql_int.h).
 *
 * The Database value is a libpq connection URI (postgresql://... or
 * postgres://...).  One connection per struct store (a store is used from
 * one thread at a time: pinmilter keeps a small pool, milter/pool.c),
 * with these settings made at
 * connect and again after every reconnect:
 * - lock_timeout = the busy time (busy_ms): waiting longer for the write
 *   lock is STORE_BUSY, as with SQLite's busy_timeout;
 * - statement_timeout = busy_ms + PG_STATEMENT_SLACK_MS: a statement that
 *   runs longer (an unreachable or overloaded server) fails instead of
 *   holding a milter callback past Postfix's own timeouts;
 * - idle_in_transaction_session_timeout: a process that stops in the
 *   middle of a transaction cannot hold the write lock for long;
 * - connect_timeout (unless the URI sets it) = the busy time, at least
 *   2 s: libpq's default is to wait for ever.
 * A read-only store (STORE_OPEN_READONLY, or a hot standby) sets
 * default_transaction_read_only.
 *
 * Transactions: begin is BEGIN, then pg_advisory_xact_lock(PG_LOCK_KEY):
 * one writer at a time across every connection to the database, the
 * semantics of SQLite's BEGIN IMMEDIATE that the read-then-write code of
 * the store's callers relies on (the PIN failure counters and lockout,
 * the outbox claim, the idempotent repeat decision): whatever a
 * transaction read, no other gateway changes before it commits.  The
 * lock is released by COMMIT or ROLLBACK (or the connection ending).
 *
 * Statements: the ?N placeholders of the entity SQL are rewritten to $N
 * once, at prepare; the parameters are sent with their types (int8 and
 * bytea binary, text as text, a NULL of bind_null untyped) and results
 * asked for in binary.  A single-row statement (kept by stmt.c) is
 * prepared on the server at its first run, with the types then bound,
 * and run by name afterwards; it is prepared again on a new connection
 * (after a reset) or when its parameters' types differ.  A list's
 * statement is sent whole (PQexecParams) each time.  A query with
 * store_query.returns gets " RETURNING <column>", and its row is taken
 * as the inserted key rather than returned to the caller.
 *
 * Reconnect: before a transaction or a statement outside one, a
 * connection found broken (a server restart, a failover) is reset with
 * PQreset and set up again; if that fails the operation fails at once
 * with "cannot reach database ..." (the caller applies OnInternalError).
 * A connection the server closed while it was idle is only found out by
 * its next use: a BEGIN, or a SELECT outside a transaction, that fails so
 * is sent again once on a new connection (nothing of it had run).  A
 * transaction cut by a lost connection is failed, never retried here.
 *
 * Security: a password is never taken from the Database value: a URI
 * that carries one (user:password@ or password=) is refused, and libpq
 * reads passwords from its own sources (PGPASSFILE, ~/.pgpass, passfile=).
 * Messages name the database by its URI with any password replaced by
 * "***" (store_redact), and libpq's messages do not echo it.  TLS is libpq's
 * sslmode parameter.  Binary parameters mean no value is ever quoted
 * into SQL.
 *
 * Diagnostics: SQLSTATE mapped to STORE_* (23505 exists, 23xxx
 * constraint, 55P03/40001/40P01 busy, 25006 read-only, else error); the
 * message is libpq's first line: "account add: duplicate key value
 * violates unique constraint ...", "database is locked (busy past 5000
 * ms)", "cannot reach database postgresql://pm@db1/pm: connection to
 * server ... failed".
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pgsql_int.h"

/* ---- names and errors ---- */

static int
pg_map(const char *state)
{
	if (state == NULL)
		return STORE_ERROR;
	if (strcmp(state, "23505") == 0)
		return STORE_EXISTS;
	if (strncmp(state, "23", 2) == 0)
		return STORE_CONSTRAINT;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0)
		return STORE_BUSY;
	if (strcmp(state, "25006") == 0)
		return STORE_READONLY;
	return STORE_ERROR;
}

/* libpq's message up to its first line break. */
static void
pg_first_line(const char *msg, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%s", msg != NULL && *msg ? msg :
	    "unknown error");
	buf[strcspn(buf, "\r\n")] = '\0';
}

/* Record the failure of RES (may be NULL) during WHAT. */
int
pg_fail(struct store *st, const PGresult *res, const char *what)
{
	struct pg *p = pg_of(st);
	char line[STORE_ERR_MAX];
	int rc;

	if (PQstatus(p->conn) == CONNECTION_BAD) {
		pg_first_line(PQerrorMessage(p->conn), line, sizeof(line));
		return store_seterr(st, STORE_ERROR, "%s: lost the connection "
		    "to database %s: %s", what, p->uri, line);
	}
	rc = pg_map(res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL);
	pg_first_line(res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(p->conn), line, sizeof(line));
	switch (rc) {
	case STORE_BUSY:
		return store_seterr(st, rc, "database is locked (busy past "
		    "%u ms): %s", st->busy_ms, line);
	case STORE_READONLY:
		return store_seterr(st, rc, "database %s is read-only: %s",
		    p->uri, line);
	default:
		return store_seterr(st, rc, "%s: %s", what, line);
	}
}

/* ---- connection ---- */

/* Run SQL (one or more statements, no parameters) for WHAT. */
static int
pg_run(struct store *st, const char *sql, const char *what)
{
	PGresult *res = PQexec(pg_of(st)->conn, sql);
	ExecStatusType es = PQresultStatus(res);
	int rc = STORE_OK;

	if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK)
		rc = pg_fail(st, res, what);
	PQclear(res);
	return rc;
}

/* The first column of the one row of SQL, an integer in text. */
static int
pg_query_int(struct store *st, const char *sql, const char *what,
    int64_t *out)
{
	PGresult *res = PQexec(pg_of(st)->conn, sql);
	int rc = STORE_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_fail(st, res, what);
	else if (PQntuples(res) != 1 || PQnfields(res) < 1)
		rc = store_seterr(st, STORE_ERROR, "%s: no row", what);
	else
		*out = PQgetisnull(res, 0, 0) ? 0 :
		    g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

/* The settings of a new (or reset) connection. */
static int
pg_configure(struct store *st)
{
	char sql[512];
	int64_t standby = 0;
	int rc;

	(void)snprintf(sql, sizeof(sql), "SET lock_timeout = %u; "
	    "SET statement_timeout = %u; "
	    "SET idle_in_transaction_session_timeout = %u; "
	    "SET client_min_messages = warning",
	    st->busy_ms, st->busy_ms + PG_STATEMENT_SLACK_MS, PG_IDLE_TX_MS);
	if ((rc = pg_run(st, sql, "settings")) != STORE_OK)
		return rc;
	if ((rc = pg_query_int(st, "SELECT pg_is_in_recovery()::int",
	    "settings", &standby)) != STORE_OK)
		return rc;
	if (standby)
		st->readonly = true;
	if (st->readonly)
		return pg_run(st, "SET default_transaction_read_only = on",
		    "settings");
	return STORE_OK;
}

/* A usable connection: reset a broken one (server restart, failover). */
int
pg_ready(struct store *st)
{
	struct pg *p = pg_of(st);
	char line[STORE_ERR_MAX];

	if (PQstatus(p->conn) == CONNECTION_OK)
		return STORE_OK;
	PQreset(p->conn);
	p->gen++;		/* its prepared statements are gone */
	if (PQstatus(p->conn) != CONNECTION_OK) {
		pg_first_line(PQerrorMessage(p->conn), line, sizeof(line));
		return store_seterr(st, STORE_ERROR, "cannot reach database "
		    "%s: %s", p->uri, line);
	}
	return pg_configure(st);
}

/* Refuse a password in the Database value: libpq's sources only. */
static int
pg_check_target(struct store *st, const char *target)
{
	PQconninfoOption *opts, *o;
	char *err = NULL;
	int rc = STORE_OK;

	if ((opts = PQconninfoParse(target, &err)) == NULL) {
		char line[STORE_ERR_MAX];

		pg_first_line(err, line, sizeof(line));
		PQfreemem(err);
		return store_seterr(st, STORE_INVALID, "database %s: %s",
		    st->path, line);
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
			rc = store_seterr(st, STORE_INVALID, "database %s: "
			    "holds a password; give it in the password file "
			    "instead (~/.pgpass, PGPASSFILE or passfile=)",
			    st->path);
	PQconninfoFree(opts);
	return rc;
}

/*
 * Connect with a connect_timeout of the busy time (at least 2 s; libpq
 * would wait for ever), unless the URI gives its own: keywords are
 * applied in order and the URI, expanded from dbname, comes last.
 */
static PGconn *
pg_connect(struct store *st)
{
	const char *keys[] = { "connect_timeout", "dbname", NULL };
	const char *values[] = { NULL, st->target, NULL };
	char timeout[16];

	(void)snprintf(timeout, sizeof(timeout), "%u",
	    st->busy_ms < 2000 ? 2 : (st->busy_ms + 999) / 1000);
	values[0] = timeout;
	return PQconnectdbParams(keys, values, 1);
}

static int
pg_open(struct store *st, int flags)
{
	struct pg *p;
	char line[STORE_ERR_MAX];
	int rc, v;

	if ((rc = pg_check_target(st, st->target)) != STORE_OK)
		return rc;
	p = g_new0(struct pg, 1);
	p->uri = g_strdup(st->path);
	st->conn = (struct db_conn *)(void *)p;
	p->conn = pg_connect(st);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		pg_first_line(PQerrorMessage(p->conn), line, sizeof(line));
		return store_seterr(st, STORE_ERROR, "cannot reach database "
		    "%s: %s", p->uri, line);
	}
	st->readonly = (flags & STORE_OPEN_READONLY) != 0;
	if ((rc = pg_configure(st)) != STORE_OK)
		return rc;
	if (flags & STORE_OPEN_CREATE)
		return STORE_OK;
	if ((rc = st->be->version_get(st, &v)) != STORE_OK)
		return rc;
	if (v == 0)
		return store_seterr(st, STORE_NOTFOUND, "database %s holds no "
		    "pinmilter schema (run pinctl init)", p->uri);
	return STORE_OK;
}

static void
pg_close(struct store *st)
{
	struct pg *p = pg_of(st);

	if (p == NULL)
		return;
	PQfinish(p->conn);
	g_free(p->uri);
	g_free(p);
	st->conn = NULL;
}

static int
pg_exec(struct store *st, const char *script, const char *what)
{
	int rc;

	if (!st->be->in_transaction(st) && (rc = pg_ready(st)) != STORE_OK)
		return rc;
	return pg_run(st, script, what);
}

/* The version lives in pinmilter_schema, made by the first migration. */
static int
pg_version_get(struct store *st, int *version)
{
	int64_t v = -1, have = 0;
	int rc;

	*version = -1;
	if (!st->be->in_transaction(st) && (rc = pg_ready(st)) != STORE_OK)
		return rc;
	if ((rc = pg_query_int(st, "SELECT (to_regclass('pinmilter_schema') "
	    "IS NOT NULL)::int", "schema version", &have)) != STORE_OK)
		return rc;
	if (!have) {
		*version = 0;
		return STORE_OK;
	}
	rc = pg_query_int(st, "SELECT coalesce(max(version), 0) FROM "
	    "pinmilter_schema", "schema version", &v);
	if (rc == STORE_OK)
		*version = v > INT_MAX ? -1 : (int)v;
	return rc;
}

static int
pg_version_set(struct store *st, int version)
{
	char sql[256];

	(void)snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS "
	    "pinmilter_schema (id integer PRIMARY KEY CHECK (id = 1), "
	    "version integer NOT NULL); INSERT INTO pinmilter_schema "
	    "(id, version) VALUES (1, %d) ON CONFLICT (id) DO UPDATE SET "
	    "version = excluded.version", version);
	return pg_run(st, sql, "migration");
}

/* No table, view, sequence or type of ours in the current schema. */
static int
pg_is_empty(struct store *st, bool *empty)
{
	int64_t n = 0;
	int rc;

	rc = pg_query_int(st, "SELECT count(*) FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE n.nspname = current_schema()", "schema check", &n);
	*empty = rc == STORE_OK && n == 0;
	return rc;
}

/* ---- transactions ---- */

bool
pg_in_transaction(struct store *st)
{
	struct pg *p = pg_of(st);

	return p != NULL && PQtransactionStatus(p->conn) != PQTRANS_IDLE &&
	    PQtransactionStatus(p->conn) != PQTRANS_UNKNOWN;
}

static int
pg_begin(struct store *st)
{
	char sql[128];
	int rc;

	if (pg_in_transaction(st))
		return store_seterr(st, STORE_ERROR,
		    "begin: a transaction is already open");
	if ((rc = pg_ready(st)) != STORE_OK)
		return rc;
	(void)snprintf(sql, sizeof(sql), "BEGIN; SELECT "
	    "pg_advisory_xact_lock(%lld)", (long long)PG_LOCK_KEY);
	rc = pg_run(st, sql, "begin");
	/* A connection the server closed since its last use (a restart)
	 * is only found out now: nothing ran, so connect and try again. */
	if (rc != STORE_OK && PQstatus(pg_of(st)->conn) == CONNECTION_BAD &&
	    (rc = pg_ready(st)) == STORE_OK)
		rc = pg_run(st, sql, "begin");
	if (rc != STORE_OK && pg_in_transaction(st))
		(void)pg_run(st, "ROLLBACK", "rollback");
	return rc;
}

static int
pg_commit(struct store *st)
{
	PGresult *res;
	int rc = STORE_OK;

	if (!pg_in_transaction(st))
		return store_seterr(st, STORE_ERROR,
		    "commit: no transaction is open");
	/* COMMIT of a failed transaction "succeeds" as a ROLLBACK. */
	if (PQtransactionStatus(pg_of(st)->conn) == PQTRANS_INERROR) {
		(void)pg_run(st, "ROLLBACK", "rollback");
		return store_seterr(st, STORE_ERROR,
		    "commit: the transaction had failed; rolled back");
	}
	res = PQexec(pg_of(st)->conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(st, res, "commit");
	PQclear(res);
	return rc;
}

static void
pg_rollback(struct store *st)
{
	if (pg_in_transaction(st))
		(void)pg_run(st, "ROLLBACK", "rollback");
}

const struct store_backend store_backend_pgsql = {
	.name = "postgresql",
	.dialect = STORE_DIALECT_POSTGRESQL,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.version_get = pg_version_get,
	.version_set = pg_version_set,
	.is_empty = pg_is_empty,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.prepare = pg_prepare,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.changes = pg_changes,
	.insert_id = pg_insert_id,
	.col_type = pg_col_type,
	.col_int = pg_col_int,
	.col_data = pg_col_data,
	.col_name = pg_col_name,
	.after_copy = PG_AFTER_COPY,
};
