/*
 * pgsql.c - the PostgreSQL backend of the store (the interface of
 * backend.h), over libpq.
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

#include <libpq-fe.h>

#include "store/stmt.h"

#define PG_LOCK_KEY		0x70696e6dLL	/* "pinm": the write lock */
#define PG_STATEMENT_SLACK_MS	10000u
#define PG_IDLE_TX_MS		60000u
#define PG_PARAMS_MAX		16

/* Type OIDs (catalog/pg_type.h, fixed for every server). */
#define PG_BOOLOID	16
#define PG_BYTEAOID	17
#define PG_NAMEOID	19
#define PG_INT8OID	20
#define PG_INT2OID	21
#define PG_INT4OID	23
#define PG_TEXTOID	25
#define PG_BPCHAROID	1042
#define PG_VARCHAROID	1043

/* After store_copy: each identity column's sequence past its highest. */
#define PG_SETVAL(t) "SELECT setval(pg_get_serial_sequence('" t "', 'id'), " \
	"coalesce((SELECT max(id) FROM " t "), 0) + 1, false);"
#define PG_AFTER_COPY PG_SETVAL("accounts") PG_SETVAL("users") \
	PG_SETVAL("case_messages") PG_SETVAL("audit") PG_SETVAL("outbox")

/* The connection behind struct db_conn. */
struct pg {
	PGconn *conn;
	char *uri;		/* the Database value, password-free */
	unsigned gen;		/* connections made: +1 at each reset */
	unsigned long names;	/* prepared statements named so far */
};

/* A statement behind struct db_stmt: its SQL, parameters, result. */
struct pgs {
	struct pg *pg;
	char *sql;		/* with $N and any RETURNING */
	bool returns;
	int nparams;
	Oid types[PG_PARAMS_MAX];
	const char *values[PG_PARAMS_MAX];
	int lengths[PG_PARAMS_MAX];
	int formats[PG_PARAMS_MAX];
	unsigned char ints[PG_PARAMS_MAX][8];	/* int8, network order */
	PGresult *res;		/* after the first step */
	int row;		/* the current row, -1 before the first */
	int64_t changes, id;
	bool keep;		/* prepared on the server (not a list) */
	bool prepared;		/* as NAME, in connection PGEN, for PTYPES */
	char name[24];
	unsigned pgen;
	Oid ptypes[PG_PARAMS_MAX];
};

static struct pg *
pg_of(struct store *st)
{
	return (struct pg *)(void *)st->conn;
}

static struct pgs *
pgs_of(struct db_stmt *s)
{
	return (struct pgs *)(void *)s;
}

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
static int
pg_fail(struct store *st, const PGresult *res, const char *what)
{
	struct pg *p = pg_of(st);
	char line[STORE_ERR_MAX];
	int rc;

	if (PQstatus(p->conn) == CONNECTION_BAD) {
		pg_first_line(PQerrorMessage(p->conn), line, sizeof(line));
		st->unreachable = true;
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
static int
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
		st->unreachable = true;
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

static bool
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

/* ---- statements ---- */

/* Rewrite ?N to $N outside quotes; the highest N is the count. */
static int
pg_rewrite(struct store *st, const char *sql, GString *out, int *nparams)
{
	char quote = 0;
	const char *p;
	long n;

	*nparams = 0;
	for (p = sql; *p != '\0'; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"')
			quote = *p;
		else if (*p == '?' && g_ascii_isdigit(p[1])) {
			n = strtol(p + 1, (char **)&p, 10);
			if (n < 1 || n > PG_PARAMS_MAX)
				return store_seterr(st, STORE_ERROR, "prepare: "
				    "parameter ?%ld out of range", n);
			g_string_append_printf(out, "$%ld", n);
			if (n > *nparams)
				*nparams = (int)n;
			p--;
			continue;
		}
		g_string_append_c(out, *p);
	}
	return STORE_OK;
}

static int
pg_prepare(struct store *st, const struct store_query *q,
    struct db_stmt **out)
{
	GString *sql = g_string_new(NULL);
	struct pgs *s;
	int i, n, rc;

	*out = NULL;
	if ((rc = pg_rewrite(st, q->sql, sql, &n)) != STORE_OK) {
		g_string_free(sql, TRUE);
		return rc;
	}
	if (q->returns != NULL)
		g_string_append_printf(sql, " RETURNING %s", q->returns);
	s = g_new0(struct pgs, 1);
	s->pg = pg_of(st);
	s->sql = g_string_free(sql, FALSE);
	s->returns = q->returns != NULL;
	s->keep = !q->list;
	s->nparams = n;
	s->row = -1;
	for (i = 0; i < n; i++)
		s->types[i] = PG_TEXTOID;	/* unbound: a NULL text */
	*out = (struct db_stmt *)(void *)s;
	return STORE_OK;
}

static void
pg_reset(struct db_stmt *ds)
{
	struct pgs *s = pgs_of(ds);
	int i;

	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->changes = s->id = 0;
	for (i = 0; i < s->nparams; i++) {
		s->types[i] = PG_TEXTOID;
		s->values[i] = NULL;
		s->lengths[i] = 0;
		s->formats[i] = 0;
	}
}

static void
pg_finalize(struct db_stmt *ds)
{
	struct pgs *s = pgs_of(ds);

	if (s == NULL)
		return;
	PQclear(s->res);
	g_free(s->sql);
	g_free(s);
}

static int
pg_param(struct store *st, struct pgs *s, int i)
{
	if (i < 1 || i > s->nparams)
		return store_seterr(st, STORE_ERROR, "bind: no parameter %d",
		    i);
	return STORE_OK;
}

static int
pg_bind_int(struct store *st, struct db_stmt *ds, int i, int64_t v)
{
	struct pgs *s = pgs_of(ds);
	uint64_t u = (uint64_t)v;
	int b;

	if (pg_param(st, s, i) != STORE_OK)
		return STORE_ERROR;
	i--;
	for (b = 7; b >= 0; b--, u >>= 8)
		s->ints[i][b] = (unsigned char)(u & 0xff);
	s->types[i] = PG_INT8OID;
	s->values[i] = (const char *)s->ints[i];
	s->lengths[i] = 8;
	s->formats[i] = 1;
	return STORE_OK;
}

static int
pg_bind_text(struct store *st, struct db_stmt *ds, int i, const char *t)
{
	struct pgs *s = pgs_of(ds);

	if (pg_param(st, s, i) != STORE_OK)
		return STORE_ERROR;
	i--;
	s->types[i] = PG_TEXTOID;
	s->values[i] = t;
	s->lengths[i] = 0;
	s->formats[i] = 0;
	return STORE_OK;
}

static int
pg_bind_blob(struct store *st, struct db_stmt *ds, int i, const void *p,
    size_t len)
{
	struct pgs *s = pgs_of(ds);

	if (pg_param(st, s, i) != STORE_OK)
		return STORE_ERROR;
	if (len > INT_MAX)
		return store_seterr(st, STORE_ERROR, "bind: blob too big");
	i--;
	s->types[i] = PG_BYTEAOID;
	s->values[i] = len == 0 || p == NULL ? "" : p;
	s->lengths[i] = (int)len;
	s->formats[i] = 1;
	return STORE_OK;
}

/* Type 0: the server takes the type from where it is used. */
static int
pg_bind_null(struct store *st, struct db_stmt *ds, int i)
{
	struct pgs *s = pgs_of(ds);

	if (pg_param(st, s, i) != STORE_OK)
		return STORE_ERROR;
	i--;
	s->types[i] = 0;
	s->values[i] = NULL;
	s->lengths[i] = 0;
	s->formats[i] = 0;
	return STORE_OK;
}

/*
 * Run S: a kept statement is prepared on the server the first time (and
 * again on a new connection, or when its parameters' types changed), then
 * executed by name; a list's is sent whole.  Returns libpq's result.
 */
static PGresult *
pg_send(struct pgs *s)
{
	struct pg *p = s->pg;
	size_t tsize = (size_t)s->nparams * sizeof(Oid);
	PGresult *res;
	char sql[48];

	if (!s->keep)
		return PQexecParams(p->conn, s->sql, s->nparams, s->types,
		    s->values, s->lengths, s->formats, 1);
	if (!s->prepared || s->pgen != p->gen ||
	    memcmp(s->ptypes, s->types, tsize) != 0) {
		if (s->prepared && s->pgen == p->gen) {
			(void)snprintf(sql, sizeof(sql), "DEALLOCATE %s",
			    s->name);
			PQclear(PQexec(p->conn, sql));
		}
		s->prepared = false;
		(void)snprintf(s->name, sizeof(s->name), "pm%lu", ++p->names);
		res = PQprepare(p->conn, s->name, s->sql, s->nparams,
		    s->types);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			return res;
		PQclear(res);
		s->prepared = true;
		s->pgen = p->gen;
		memcpy(s->ptypes, s->types, tsize);
	}
	return PQexecPrepared(p->conn, s->name, s->nparams, s->values,
	    s->lengths, s->formats, 1);
}

/* Send the statement with its parameters; keep the result. */
static int
pg_run_stmt(struct store *st, struct pgs *s, const char *what)
{
	ExecStatusType es;
	int rc;
	bool alone = !pg_in_transaction(st);

	if (alone && (rc = pg_ready(st)) != STORE_OK)
		return rc;
	s->res = pg_send(s);
	/* A read on its own on a connection closed since (a restart) is
	 * read again on a new one; a write is not: it may have run. */
	if (alone && PQstatus(s->pg->conn) == CONNECTION_BAD &&
	    g_str_has_prefix(s->sql, "SELECT") && pg_ready(st) == STORE_OK) {
		PQclear(s->res);
		s->res = pg_send(s);
	}
	s->row = -1;
	es = PQresultStatus(s->res);
	if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
		rc = pg_fail(st, s->res, what);
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
	s->changes = g_ascii_strtoll(PQcmdTuples(s->res), NULL, 10);
	if (s->returns) {
		if (PQntuples(s->res) > 0 && !PQgetisnull(s->res, 0, 0))
			s->id = st->be->col_int((struct db_stmt *)(void *)s, 0);
		s->row = PQntuples(s->res);	/* no row to the caller */
	}
	return STORE_OK;
}

static int
pg_step(struct store *st, struct db_stmt *ds, const char *what)
{
	struct pgs *s = pgs_of(ds);
	int rc;

	if (s->res == NULL && (rc = pg_run_stmt(st, s, what)) != STORE_OK)
		return rc;
	if (s->returns)
		return STORE_NOTFOUND;
	if (s->row + 1 >= PQntuples(s->res)) {
		s->row = PQntuples(s->res);
		return STORE_NOTFOUND;
	}
	s->row++;
	return STORE_OK;
}

static int64_t
pg_changes(struct store *st, struct db_stmt *ds)
{
	return pgs_of(ds)->changes;
}

static int64_t
pg_insert_id(struct store *st, struct db_stmt *ds)
{
	return pgs_of(ds)->id;
}

/* The row a column is read from: the current one, or the RETURNING row. */
static int
pg_row(const struct pgs *s)
{
	return s->returns ? 0 : s->row;
}

static enum db_type
pg_col_type(struct db_stmt *ds, int col)
{
	struct pgs *s = pgs_of(ds);

	if (s->res == NULL || pg_row(s) < 0 ||
	    pg_row(s) >= PQntuples(s->res) || col >= PQnfields(s->res))
		return DB_OTHER;
	if (PQgetisnull(s->res, pg_row(s), col))
		return DB_NULL;
	switch (PQftype(s->res, col)) {
	case PG_INT2OID:
	case PG_INT4OID:
	case PG_INT8OID:
	case PG_BOOLOID:
		return DB_INT;
	case PG_TEXTOID:
	case PG_VARCHAROID:
	case PG_BPCHAROID:
	case PG_NAMEOID:
		return DB_TEXT;
	case PG_BYTEAOID:
		return DB_BLOB;
	default:
		return DB_OTHER;
	}
}

/* A binary integer (int2, int4, int8 or bool), big-endian. */
static int64_t
pg_col_int(struct db_stmt *ds, int col)
{
	struct pgs *s = pgs_of(ds);
	const unsigned char *p;
	uint64_t u = 0;
	int i, len;

	if (pg_col_type(ds, col) != DB_INT)
		return 0;
	p = (const unsigned char *)PQgetvalue(s->res, pg_row(s), col);
	len = PQgetlength(s->res, pg_row(s), col);
	for (i = 0; i < len && i < 8; i++)
		u = (u << 8) | p[i];
	if (len == 2)
		return (int16_t)u;
	if (len == 4)
		return (int32_t)u;
	return (int64_t)u;
}

/* libpq ends every value with a NUL byte, binary ones too. */
static int
pg_col_data(struct store *st, struct db_stmt *ds, int col,
    enum db_type type, const void **p, size_t *len)
{
	struct pgs *s = pgs_of(ds);

	*p = PQgetvalue(s->res, pg_row(s), col);
	*len = (size_t)PQgetlength(s->res, pg_row(s), col);
	return STORE_OK;
}

static const char *
pg_col_name(struct db_stmt *ds, int col)
{
	struct pgs *s = pgs_of(ds);
	const char *n = s->res != NULL ? PQfname(s->res, col) : NULL;

	return n != NULL ? n : "?";
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
