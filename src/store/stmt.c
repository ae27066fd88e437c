/*
 * stmt.c - the typed statement helper (stmt.h): prepare or reuse, bind,
 * step, read checked columns, over the backend interface (backend.h).
 *
 * Kept statements live in a per-connection table keyed by the address of
 * their static struct store_query, so an entity file adds a query without
 * touching any list here.  A kept statement is reset and unbound at
 * stmt_end(); nothing holds one across a callback, so no caller can find
 * one half-stepped.
 *
 * Security: bound strings and bytes are not copied (the caller's stay
 * valid until stmt_end); every column read is bounded by the caller's
 * buffer, and a stored value that does not fit is an error, never cut.
 *
 * Diagnostics: the first failure of a statement is kept (sticky) with
 * its one-line message in store_errmsg(): "WHAT: ENGINE MESSAGE", "WHAT:
 * no such row", "column NAME: stored value too long (N bytes)".
 */
#include <string.h>

#include "store/stmt.h"

void
stmt_cache_new(struct store *st)
{
	st->cache = g_hash_table_new(g_direct_hash, g_direct_equal);
}

static void
stmt_cache_drop(gpointer key, gpointer value, gpointer data)
{
	const struct store_backend *be = data;

	be->finalize(value);
}

void
stmt_cache_free(struct store *st)
{
	if (st->cache == NULL)
		return;
	g_hash_table_foreach(st->cache, stmt_cache_drop, (gpointer)st->be);
	g_hash_table_destroy(st->cache);
	st->cache = NULL;
}

void
stmt_start(struct stmt *q, struct store *st, const struct store_query *query)
{
	struct db_stmt *s = NULL;

	q->st = st;
	q->query = query;
	q->s = NULL;
	q->rc = STORE_OK;
	if (!query->list &&
	    (q->s = g_hash_table_lookup(st->cache, query)) != NULL)
		return;
	if ((q->rc = st->be->prepare(st, query, &s)) != STORE_OK)
		return;
	q->s = s;
	if (!query->list)
		g_hash_table_insert(st->cache, (gpointer)(uintptr_t)query, s);
}

void
stmt_int(struct stmt *q, int i, int64_t v)
{
	if (q->rc == STORE_OK)
		q->rc = q->st->be->bind_int(q->st, q->s, i, v);
}

void
stmt_text(struct stmt *q, int i, const char *t)
{
	if (q->rc == STORE_OK)
		q->rc = q->st->be->bind_text(q->st, q->s, i, t);
}

void
stmt_blob(struct stmt *q, int i, const void *p, size_t len)
{
	if (q->rc == STORE_OK)
		q->rc = q->st->be->bind_blob(q->st, q->s, i, p, len);
}

void
stmt_null(struct stmt *q, int i)
{
	if (q->rc == STORE_OK)
		q->rc = q->st->be->bind_null(q->st, q->s, i);
}

bool
stmt_col_null(struct stmt *q, int col)
{
	return q->rc == STORE_OK && q->st->be->col_type(q->s, col) == DB_NULL;
}

int
stmt_row(struct stmt *q)
{
	int rc;

	if (q->rc != STORE_OK)
		return q->rc;
	rc = q->st->be->step(q->st, q->s, q->query->what);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		q->rc = rc;
	return rc;
}

int
stmt_write(struct stmt *q, bool must_change, int64_t *id)
{
	struct store *st = q->st;
	const char *what = q->query->what;
	int rc = stmt_row(q);

	if (rc == STORE_OK)		/* a write returns no rows */
		rc = store_seterr(st, STORE_ERROR, "%s: unexpected row", what);
	else if (rc == STORE_NOTFOUND) {
		rc = STORE_OK;
		if (must_change && st->be->changes(st, q->s) == 0)
			rc = store_seterr(st, STORE_NOTFOUND,
			    "%s: no such row", what);
		else if (id != NULL)
			*id = st->be->insert_id(st, q->s);
	}
	stmt_end(q);
	return rc;
}

static const char *
stmt_type_name(enum db_type t)
{
	static const char *const names[] = {
		[DB_NULL] = "NULL", [DB_INT] = "an integer",
		[DB_TEXT] = "text", [DB_BLOB] = "a blob",
		[DB_OTHER] = "another type",
	};

	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] :
	    "another type";
}

/*
 * Is column COL of type WANT?  Text is read as a blob's bytes (SQLite
 * makes text of blobs joined with ||).  A NULL where NULL_OK is "no"
 * without a failure; any other type is a failure kept in q->rc.
 */
static bool
stmt_col_is(struct stmt *q, int col, enum db_type want, bool null_ok)
{
	enum db_type t;

	if (q->rc != STORE_OK)
		return false;
	t = q->st->be->col_type(q->s, col);
	if (t == want || (want == DB_BLOB && t == DB_TEXT))
		return true;
	if (t == DB_NULL && null_ok)
		return false;
	q->rc = store_seterr(q->st, STORE_ERROR,
	    "column %s: stored value is %s, not %s",
	    q->st->be->col_name(q->s, col), stmt_type_name(t),
	    stmt_type_name(want));
	return false;
}

int64_t
stmt_col_int(struct stmt *q, int col)
{
	if (!stmt_col_is(q, col, DB_INT, false))
		return 0;
	return q->st->be->col_int(q->s, col);
}

/* The bytes of a TYPE column; NULL (and *len 0) if NULL or failed. */
static const void *
stmt_col_data(struct stmt *q, int col, enum db_type type, size_t *len)
{
	const void *p = NULL;
	int rc;

	*len = 0;
	if (!stmt_col_is(q, col, type, true))
		return NULL;
	rc = q->st->be->col_data(q->st, q->s, col, type, &p, len);
	if (rc != STORE_OK) {
		q->rc = rc;
		*len = 0;
		return NULL;
	}
	return p;
}

void
stmt_col_text(struct stmt *q, int col, char *buf, size_t size)
{
	const void *p;
	size_t n;

	buf[0] = '\0';
	if ((p = stmt_col_data(q, col, DB_TEXT, &n)) == NULL)
		return;
	if (n >= size) {
		q->rc = store_seterr(q->st, STORE_ERROR,
		    "column %s: stored value too long (%zu bytes)",
		    q->st->be->col_name(q->s, col), n);
		return;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
}

bool
stmt_col_blob(struct stmt *q, int col, void *buf, size_t len)
{
	const void *p;
	size_t n;

	if (!stmt_col_is(q, col, DB_BLOB, true))
		return false;
	p = stmt_col_data(q, col, DB_BLOB, &n);
	if (q->rc != STORE_OK)
		return false;
	if (p == NULL || n != len) {
		q->rc = store_seterr(q->st, STORE_ERROR,
		    "column %s: stored value has the wrong length",
		    q->st->be->col_name(q->s, col));
		return false;
	}
	memcpy(buf, p, len);
	return true;
}

const void *
stmt_col_bytes(struct stmt *q, int col, size_t *len)
{
	return stmt_col_data(q, col, DB_BLOB, len);
}

void
stmt_end(struct stmt *q)
{
	if (q->s == NULL)
		return;
	if (q->query->list)
		q->st->be->finalize(q->s);
	else
		q->st->be->reset(q->s);
	q->s = NULL;
}

int
stmt_list_end(struct stmt *q, int rc, int stop)
{
	stmt_end(q);
	if (stop != 0)
		return stop;
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}
