/*
 * backend.h - the database engine under the store: the seam where a
 * second engine plugs in.
 *
 * Layers inside store/, top down:
 *   store.h    the contract the programs use (entity functions);
 *   account.c, user.c, audit.c, case.c, outbox.c, meta.c
 *              one file per entity: each query's SQL, written once, and
 *              the code that binds its parameters and reads its columns
 *              through the typed statement helper (stmt.h);
 *   stmt.c     the typed statement helper: statement cache, sticky
 *              errors, column type checks;
 *   store.c, migrate.c
 *              open, close, transactions, the numbered migrations;
 *   backend.h  this interface; sqlite.c implements it for SQLite.
 * Only a backend file includes an engine's header.
 *
 * The SQL of the entity files is written for both SQLite and PostgreSQL:
 * - placeholders are ?1, ?2, ... (one may appear more than once); an
 *   engine that spells them otherwise rewrites them in prepare
 *   (PostgreSQL: $1, $2, ...; SQLite takes ?N as written);
 * - portable syntax only: coalesce, nullif, CASE, count and max as
 *   aggregates, LIMIT, subqueries in FROM with an alias, INSERT ... ON
 *   CONFLICT ... DO UPDATE; no RETURNING (SQLite has it only from 3.35):
 *   an INSERT that makes a key names its column in store_query.returns
 *   and stmt_write() asks the backend for the value (insert_id);
 * - parameters are bound with a type (64-bit integer, text, blob; a NULL
 *   text is a typed NULL), so an engine that types parameters at prepare
 *   time can be given the types;
 * - integers stand for booleans (0/1); case-insensitive columns are the
 *   schema's business (SQLite COLLATE NOCASE; PostgreSQL citext), so a
 *   query compares with "=".
 * Dialect-specific SQL lives only in a backend (connection settings, the
 * schema version, BEGIN IMMEDIATE, the catalogue) and in the per-dialect
 * column of the migration list (migrate.c).
 *
 * Adding a backend (e.g. PostgreSQL with libpq, in store/pgsql.c):
 * 1. Fill a const struct store_backend: open = PQconnectdb and the
 *    settings; prepare = rewrite ?N to $N and, when store_query.returns
 *    is set, append " RETURNING <returns>"; PQprepare may wait for the
 *    first step so the bound types are known (int8, text, bytea); step
 *    walks the PGresult; insert_id reads the RETURNING value; changes is
 *    PQcmdTuples; begin = "BEGIN" then pg_advisory_xact_lock(<constant>),
 *    which gives the one-writer-at-a-time semantics of SQLite's BEGIN
 *    IMMEDIATE that the PIN counters rely on, and lock_timeout = busy_ms
 *    for STORE_BUSY; version_get/set keep the schema version in a table;
 *    error mapping: SQLSTATE 23505 STORE_EXISTS, 23xxx STORE_CONSTRAINT,
 *    55P03/40001/40P01 STORE_BUSY, 25006 STORE_READONLY, else STORE_ERROR.
 * 2. Add STORE_DIALECT_POSTGRESQL and give every migration its SQL in
 *    that dialect (migrate.c): the same tables, columns and checks.
 * 3. Make store_backend_for() pick it from the Database value (e.g. one
 *    starting with "postgresql://"), and link libpq in Makefile.am.
 * Nothing in the entity files, stmt.c or store.h changes.
 *
 * Handles: struct db_conn and struct db_stmt are never defined; each
 * backend converts its own connection and statement pointers to and from
 * them, so no other file sees an engine's types.
 *
 * Errors: every operation that can fail returns an enum store_rc and, on
 * failure, writes one line with store_seterr() (internal.h); a backend
 * maps its engine's codes to STORE_* as listed above.
 */
#ifndef PM_STORE_BACKEND_H
#define PM_STORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_query;
struct db_conn;
struct db_stmt;

/* SQL dialects, for the migrations (migrate.c). */
enum store_dialect {
	STORE_DIALECT_SQLITE = 0,
	STORE_DIALECT_POSTGRESQL,
	STORE_DIALECT__COUNT
};

/* The type of a column's value in the current row. */
enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_BLOB, DB_OTHER };

struct store_backend {
	const char *name;		/* "sqlite", for messages */
	enum store_dialect dialect;

	/*
	 * Connect to st->path with st->busy_ms and apply the connection
	 * settings; set st->conn and st->readonly (STORE_OPEN_READONLY, or
	 * the database cannot be written).  A missing database without
	 * STORE_OPEN_CREATE is STORE_NOTFOUND.  On failure st->conn may be
	 * set: close() is called either way.
	 */
	int (*open)(struct store *st, int flags);
	void (*close)(struct store *st);
	/* Run SCRIPT, statements separated by ';', without parameters. */
	int (*exec)(struct store *st, const char *script, const char *what);
	/* The schema version: 0 for a new, empty database. */
	int (*version_get)(struct store *st, int *version);
	int (*version_set)(struct store *st, int version);
	/* Does the database hold no table at all? */
	int (*is_empty)(struct store *st, bool *empty);

	/* BEGIN IMMEDIATE: the write lock now, or STORE_BUSY after
	 * busy_ms; a transaction already open is STORE_ERROR. */
	int (*begin)(struct store *st);
	int (*commit)(struct store *st);	/* none open: STORE_ERROR */
	void (*rollback)(struct store *st);
	bool (*in_transaction)(struct store *st);

	/* Statements: prepare Q (Q->sql, Q->returns) for this connection. */
	int (*prepare)(struct store *st, const struct store_query *q,
	    struct db_stmt **out);
	void (*reset)(struct db_stmt *s);	/* unbind; ready to run again */
	void (*finalize)(struct db_stmt *s);	/* NULL: nothing */
	/* Parameters count from 1.  A NULL text binds a NULL; a blob of
	 * length 0 is an empty blob, never NULL.  The values must stay
	 * valid until reset() or finalize(). */
	int (*bind_int)(struct store *st, struct db_stmt *s, int i,
	    int64_t v);
	int (*bind_text)(struct store *st, struct db_stmt *s, int i,
	    const char *t);
	int (*bind_blob)(struct store *st, struct db_stmt *s, int i,
	    const void *p, size_t len);
	/* A NULL typed by where it is used (an INSERT's column). */
	int (*bind_null)(struct store *st, struct db_stmt *s, int i);
	/* STORE_OK: a row; STORE_NOTFOUND: done; else the failure, named
	 * by WHAT ("account add"). */
	int (*step)(struct store *st, struct db_stmt *s, const char *what);
	/* After a write stepped to its end: rows it changed; the key of the
	 * row it inserted (the column named by store_query.returns). */
	int64_t (*changes)(struct store *st, struct db_stmt *s);
	int64_t (*insert_id)(struct store *st, struct db_stmt *s);
	/* Columns of the current row, counted from 0. */
	enum db_type (*col_type)(struct db_stmt *s, int col);
	int64_t (*col_int)(struct db_stmt *s, int col);
	/* The bytes of a DB_TEXT (without its NUL; it has one) or DB_BLOB
	 * column; valid until the next step, reset or finalize. */
	int (*col_data)(struct store *st, struct db_stmt *s, int col,
	    enum db_type type, const void **p, size_t *len);
	const char *(*col_name)(struct db_stmt *s, int col);

	/* SQL run after rows were copied in with their keys (store_copy),
	 * so that the keys the database makes come after them; or NULL. */
	const char *after_copy;
};

extern const struct store_backend store_backend_sqlite;
extern const struct store_backend store_backend_pgsql;

/* The backend for a Database value: PostgreSQL for a URI starting with
 * postgresql:// or postgres://, else SQLite (a file name). */
const struct store_backend *store_backend_for(const char *target);

#endif
