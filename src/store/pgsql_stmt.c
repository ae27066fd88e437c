/*
 * pgsql_stmt.c - statements on PostgreSQL: ?N placeholders rewritten to
 * $N (with RETURNING for an INSERT that makes a key), typed parameters
 * (int8 in network order, text, bytea), single-row statements prepared
 * on the server once per connection and again after a reconnect, results
 * read in binary.  The connection half and the backend table are in
 * pgsql.c; see its head for the design and the error mapping.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pgsql_int.h"


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

int
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

void
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

void
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

int
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

int
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

int
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
int
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

int
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

int64_t
pg_changes(struct store *st, struct db_stmt *ds)
{
	return pgs_of(ds)->changes;
}

int64_t
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

enum db_type
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
int64_t
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
int
pg_col_data(struct store *st, struct db_stmt *ds, int col,
    enum db_type type, const void **p, size_t *len)
{
	struct pgs *s = pgs_of(ds);

	*p = PQgetvalue(s->res, pg_row(s), col);
	*len = (size_t)PQgetlength(s->res, pg_row(s), col);
	return STORE_OK;
}

const char *
pg_col_name(struct db_stmt *ds, int col)
{
	struct pgs *s = pgs_of(ds);
	const char *n = s->res != NULL ? PQfname(s->res, col) : NULL;

	return n != NULL ? n : "?";
}

