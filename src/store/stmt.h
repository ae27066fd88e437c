/*
 * stmt.h - the typed statement helper of the store's entity files.
 *
 * Each entity function is: pick a query, bind typed parameters, step,
 * read typed columns.
 *
 *	struct stmt q;
 *
 *	stmt_start(&q, st, &q_account_find);
 *	stmt_text(&q, 1, name);
 *	if ((rc = stmt_row(&q)) == STORE_OK)
 *		rc = account_read(&q, out);	(stmt_col_* calls)
 *	stmt_end(&q);
 *
 * Errors are sticky: the first failure (prepare, bind, step, a column of
 * the wrong type or too long) is kept in q.rc with its message in
 * store_errmsg(); every later call does nothing, and stmt_row() returns
 * it.  So a function binds and reads everything, then looks once.
 *
 * A query is a static const struct store_query next to the code that
 * runs it, its SQL written once for every backend (backend.h says how).
 * Single-row queries are prepared once per connection and kept; list
 * queries (list = true) are prepared per call and finalized at the end,
 * so a list's callback may use the store again.  Columns are read by a
 * per-SELECT-shape enum, never by a bare number.
 *
 * Column types are checked: an integer column must hold an integer (a
 * nullable one is read through coalesce() in the SQL); a text column
 * text or NULL (read as ""); a blob column a blob, text (its bytes) or
 * NULL (absent).  Anything else is STORE_ERROR, "column NAME: stored
 * value is X, not Y".
 */
#ifndef PM_STORE_STMT_H
#define PM_STORE_STMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/internal.h"

struct store_query {
	const char *what;	/* names it in messages: "account add" */
	const char *sql;	/* ?N placeholders, every dialect */
	const char *returns;	/* an INSERT's key column, or NULL */
	bool list;		/* prepared per call, not kept */
};

struct stmt {
	struct store *st;
	const struct store_query *query;
	struct db_stmt *s;
	int rc;			/* the first failure, STORE_OK if none */
};

/* Take QUERY's statement (prepared now or kept from before). */
void stmt_start(struct stmt *q, struct store *st,
    const struct store_query *query);

/* Bind parameter I (from 1).  Strings and bytes are not copied: they
 * must stay valid until stmt_end().  stmt_text(NULL) binds NULL. */
void stmt_int(struct stmt *q, int i, int64_t v);
void stmt_text(struct stmt *q, int i, const char *t);
void stmt_blob(struct stmt *q, int i, const void *p, size_t len);
/* A NULL of the type the statement gives the parameter (a column's). */
void stmt_null(struct stmt *q, int i);

/* Step: STORE_OK with a row, STORE_NOTFOUND at the end (not sticky), or
 * the first failure. */
int stmt_row(struct stmt *q);
/*
 * Run a write to its end and stmt_end() it.  A row back is STORE_ERROR;
 * with MUST_CHANGE, no row changed is STORE_NOTFOUND ("WHAT: no such
 * row").  ID (may be NULL) gets the inserted key (query->returns).
 */
int stmt_write(struct stmt *q, bool must_change, int64_t *id);

/* Columns of the current row, from 0; after a failure they read 0, "",
 * absent. */
int64_t stmt_col_int(struct stmt *q, int col);
/* Is column COL NULL?  (false after a failure) */
bool stmt_col_null(struct stmt *q, int col);
/* Copy a text column into BUF; a value that does not fit is a failure. */
void stmt_col_text(struct stmt *q, int col, char *buf, size_t size);
/* Copy a blob column of exactly LEN bytes; false if NULL (or failed). */
bool stmt_col_blob(struct stmt *q, int col, void *buf, size_t len);
/* A blob column's bytes in place (valid until the next step or
 * stmt_end), *LEN its length; NULL for a NULL or an empty blob. */
const void *stmt_col_bytes(struct stmt *q, int col, size_t *len);

/* Done: keep a single-row statement for next time, finalize a list's. */
void stmt_end(struct stmt *q);
/* End a list whose loop stopped with RC, or callback return STOP:
 * STOP if non-zero, STORE_OK at the end of the rows, else RC. */
int stmt_list_end(struct stmt *q, int rc, int stop);

/* The kept statements of a connection: made at open, freed at close. */
void stmt_cache_new(struct store *st);
void stmt_cache_free(struct store *st);

#endif
