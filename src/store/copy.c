/*
 * copy.c - copy every row of one database into another, empty one, of
 * either backend (pinctl db copy: an SQLite installation moved to a
 * PostgreSQL server shared by several gateways, or back).
 *
 * Each table is read in key order from the source and its rows inserted
 * with the same keys and values into the destination, all inside one
 * write transaction of the destination: all of it or nothing.  The
 * tables go parents first (accounts, users, cases, then what refers to
 * them), so the foreign keys hold at each row; case_sequence keeps the
 * highest case number ever given.  Afterwards the destination's own key
 * generators are moved past the copied keys (backend after_copy: the
 * identity sequences on PostgreSQL; nothing on SQLite).  The SQL of each
 * table is written once, for both engines, as everywhere in the store.
 *
 * The destination must hold no account, user, case, audit row or notice
 * (STORE_EXISTS otherwise): a copy never merges.  Its meta table may
 * hold the key fingerprint already (pinctl init): the source's replaces
 * it.  Both schemas are at STORE_SCHEMA_VERSION (store_open migrates).
 *
 * Security: PIN salts and keyed hashes, pending PINs, sealed notices
 * and the key fingerprint are copied as bytes, never opened; the same
 * KeyFile serves both databases.
 *
 * Diagnostics: "database X is not empty (N rows in TABLE)", or the
 * failing statement of the source or the destination ("copy users: ...").
 */
#include <string.h>

#include "store/stmt.h"

/* The kind of a column: how a value is read from the source and bound. */
enum copy_kind { K_INT, K_TEXT, K_BLOB };

#define COPY_COLS_MAX	16

struct copy_table {
	const char *name;
	struct store_query select;	/* the columns, in key order */
	struct store_query insert;	/* ?1..?N for the same columns */
	int ncols;
	enum copy_kind kinds[COPY_COLS_MAX];
};

#define I K_INT
#define T K_TEXT
#define B K_BLOB
#define SEL(t, cols, key) { "copy " t, "SELECT " cols " FROM " t \
	" ORDER BY " key, NULL, true }
#define INS(t, cols, params) { "copy " t, "INSERT INTO " t " (" cols \
	") VALUES (" params ")", NULL, false }

#define META_COLS "name, value"
#define ACCOUNT_COLS "id, name, created"
#define USER_COLS "id, account_id, email, name, role, pin_salt, pin_hash, " \
	"pin_set_at, failures, window_start, locked_until, created, " \
	"pending_salt, pending_hash, pending_set_at, pending_until"
#define CASE_COLS "number, account_id, user_id, email, subject, state, " \
	"opened, authenticated_at, authenticated_by, external_ref, " \
	"verification_requested_at"
#define MESSAGE_COLS "id, case_number, message_id, direction, at"
#define AUDIT_COLS "id, at, actor, action, email, case_number, result, detail"
#define OUTBOX_COLS "id, case_number, recipient, kind, message, created, " \
	"attempts, next_try, sent_at, last_error, dead, aligned"
#define DECISION_COLS "sender, message_id, digest, at, auth, xpin, " \
	"reason, case_number, account"

static const struct copy_table copy_tables[] = {
	{ "accounts", SEL("accounts", ACCOUNT_COLS, "id"),
	    INS("accounts", ACCOUNT_COLS, "?1, ?2, ?3"), 3, { I, T, I } },
	{ "users", SEL("users", USER_COLS, "id"),
	    INS("users", USER_COLS, "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16"), 16,
	    { I, I, T, T, T, B, B, I, I, I, I, I, B, B, I, I } },
	{ "cases", SEL("cases", CASE_COLS, "number"),
	    INS("cases", CASE_COLS, "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11"), 11, { I, I, I, T, T, T, I, I, T, T, I } },
	{ "case_messages", SEL("case_messages", MESSAGE_COLS, "id"),
	    INS("case_messages", MESSAGE_COLS, "?1, ?2, ?3, ?4, ?5"), 5,
	    { I, I, T, T, I } },
	{ "audit", SEL("audit", AUDIT_COLS, "id"),
	    INS("audit", AUDIT_COLS, "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8"), 8,
	    { I, I, T, T, T, I, T, T } },
	{ "outbox", SEL("outbox", OUTBOX_COLS, "id"),
	    INS("outbox", OUTBOX_COLS, "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12"), 12, { I, I, T, T, B, I, I, I, I, T, I, I } },
	{ "decisions", SEL("decisions", DECISION_COLS, "sender, message_id"),
	    INS("decisions", DECISION_COLS, "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9"), 9, { T, T, B, I, I, I, T, I, T } },
};

#undef I
#undef T
#undef B

/* The meta rows replace what the destination has (its fingerprint). */
static const struct copy_table copy_meta = { "meta",
	SEL("meta", META_COLS, "name"),
	{ "copy meta", "INSERT INTO meta (name, value) VALUES (?1, ?2) "
	  "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	  NULL, false }, 2, { K_TEXT, K_BLOB } };

enum sequence_col { SEQUENCE_LAST };
static const struct store_query q_copy_sequence_get = { "copy case_sequence",
	"SELECT coalesce((SELECT last FROM case_sequence WHERE id = 1), 0)",
	NULL, false };
static const struct store_query q_copy_sequence_set = { "copy case_sequence",
	"UPDATE case_sequence SET last = CASE WHEN last > ?1 THEN last "
	"ELSE ?1 END WHERE id = 1", NULL, false };

enum count_col { COUNT_ROWS };
static const struct store_query q_copy_count = { "copy check",
	"SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM users) "
	"+ (SELECT count(*) FROM cases) + (SELECT count(*) FROM audit) + "
	"(SELECT count(*) FROM outbox)", NULL, false };

/* Bind column COL of the source row R as parameter COL + 1 of W. */
static void
copy_bind(struct stmt *r, struct stmt *w, int col, enum copy_kind kind)
{
	const void *p;
	size_t len;

	if (stmt_col_null(r, col)) {
		stmt_null(w, col + 1);
		return;
	}
	switch (kind) {
	case K_INT:
		stmt_int(w, col + 1, stmt_col_int(r, col));
		break;
	case K_TEXT:
		/* a text column's bytes end with a NUL (backend.h) */
		p = stmt_col_bytes(r, col, &len);
		stmt_text(w, col + 1, p != NULL ? p : "");
		break;
	case K_BLOB:
		p = stmt_col_bytes(r, col, &len);
		stmt_blob(w, col + 1, p, len);
		break;
	}
	if (r->rc != STORE_OK && w->rc == STORE_OK) {
		/* a source value that cannot be read: its message */
		w->rc = r->rc;
		memcpy(w->st->err, r->st->err, sizeof(w->st->err));
	}
}

/* Copy every row of table T; *ROWS counts them. */
static int
copy_table(struct store *from, struct store *to, const struct copy_table *t,
    unsigned long *rows)
{
	struct stmt r, w;
	int rc, col;

	stmt_start(&r, from, &t->select);
	while ((rc = stmt_row(&r)) == STORE_OK) {
		stmt_start(&w, to, &t->insert);
		for (col = 0; col < t->ncols; col++)
			copy_bind(&r, &w, col, t->kinds[col]);
		if ((rc = stmt_write(&w, false, NULL)) != STORE_OK)
			break;
		(*rows)++;
	}
	if (rc != STORE_OK && rc != STORE_NOTFOUND && r.rc != STORE_OK)
		memcpy(to->err, from->err, sizeof(to->err));	/* a read */
	return stmt_list_end(&r, rc, 0);
}

static int
copy_sequence(struct store *from, struct store *to)
{
	struct stmt q;
	int64_t last = 0;
	int rc;

	stmt_start(&q, from, &q_copy_sequence_get);
	if ((rc = stmt_row(&q)) == STORE_OK)
		last = stmt_col_int(&q, SEQUENCE_LAST);
	rc = q.rc != STORE_OK ? q.rc : rc;
	stmt_end(&q);
	if (rc != STORE_OK) {
		memcpy(to->err, from->err, sizeof(to->err));
		return rc;
	}
	stmt_start(&q, to, &q_copy_sequence_set);
	stmt_int(&q, 1, last);
	return stmt_write(&q, false, NULL);
}

static int
copy_check_empty(struct store *to)
{
	struct stmt q;
	int64_t n = 0;
	int rc;

	stmt_start(&q, to, &q_copy_count);
	if ((rc = stmt_row(&q)) == STORE_OK)
		n = stmt_col_int(&q, COUNT_ROWS);
	rc = q.rc != STORE_OK ? q.rc : rc;
	stmt_end(&q);
	if (rc != STORE_OK)
		return rc;
	if (n > 0)
		return store_seterr(to, STORE_EXISTS, "database %s is not empty "
		    "(%lld accounts, users, cases, audit rows and notices): a "
		    "copy goes into a new database", to->path, (long long)n);
	return STORE_OK;
}

/* The rows, inside the caller's transaction of TO. */
static int
copy_all(struct store *from, struct store *to, struct store_copy_counts *n)
{
	size_t i;
	int rc;

	if ((rc = copy_check_empty(to)) != STORE_OK)
		return rc;
	if ((rc = copy_table(from, to, &copy_meta, &n->rows[0])) != STORE_OK)
		return rc;
	for (i = 0; i < sizeof(copy_tables) / sizeof(copy_tables[0]); i++) {
		n->tables[i + 1] = copy_tables[i].name;
		if ((rc = copy_table(from, to, &copy_tables[i],
		    &n->rows[i + 1])) != STORE_OK)
			return rc;
	}
	if ((rc = copy_sequence(from, to)) != STORE_OK)
		return rc;
	if (to->be->after_copy != NULL)
		return to->be->exec(to, to->be->after_copy, "copy");
	return STORE_OK;
}

int
store_copy(struct store *from, struct store *to, struct store_copy_counts *n)
{
	int rc;

	memset(n, 0, sizeof(*n));
	n->tables[0] = "meta";
	if ((rc = store_begin(to)) != STORE_OK)
		return rc;
	if ((rc = copy_all(from, to, n)) == STORE_OK &&
	    (rc = store_commit(to)) == STORE_OK)
		return STORE_OK;
	store_rollback(to);	/* keeps the message */
	return rc;
}
