/*
 * pgsql_int.h - what the two halves of the PostgreSQL backend share:
 * pgsql.c (connection, errors, transactions, the backend table) and
 * pgsql_stmt.c (statements: placeholders, parameters, results).
 * Private to store/; only these two files include libpq.
 */
#ifndef PM_STORE_PGSQL_INT_H
#define PM_STORE_PGSQL_INT_H

#include <stdbool.h>
#include <stdint.h>

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

static inline struct pg *
pg_of(struct store *st)
{
	return (struct pg *)(void *)st->conn;
}

static inline struct pgs *
pgs_of(struct db_stmt *s)
{
	return (struct pgs *)(void *)s;
}

/* pgsql.c */
int pg_fail(struct store *st, const PGresult *res, const char *what);
int pg_ready(struct store *st);
bool pg_in_transaction(struct store *st);

/* pgsql_stmt.c: the statement operations of the backend table */
int pg_prepare(struct store *st, const struct store_query *q,
    struct db_stmt **out);
void pg_reset(struct db_stmt *ds);
void pg_finalize(struct db_stmt *ds);
int pg_bind_int(struct store *st, struct db_stmt *ds, int i, int64_t v);
int pg_bind_text(struct store *st, struct db_stmt *ds, int i, const char *t);
int pg_bind_blob(struct store *st, struct db_stmt *ds, int i, const void *p,
    size_t len);
int pg_bind_null(struct store *st, struct db_stmt *ds, int i);
int pg_step(struct store *st, struct db_stmt *ds, const char *what);
int64_t pg_changes(struct store *st, struct db_stmt *ds);
int64_t pg_insert_id(struct store *st, struct db_stmt *ds);
enum db_type pg_col_type(struct db_stmt *ds, int col);
int64_t pg_col_int(struct db_stmt *ds, int col);
int pg_col_data(struct store *st, struct db_stmt *ds, int col,
    enum db_type type, const void **p, size_t *len);
const char *pg_col_name(struct db_stmt *ds, int col);

#endif
