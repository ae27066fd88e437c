/*
 * test_stmt.c - the store's typed statement helper (store/stmt.h) over
 * the SQLite backend (store/backend.h), on real database files: bound
 * integers, text and blobs come back exactly; a column of the wrong type,
 * a value too long, a missing row, a bad parameter or bad SQL give the
 * documented STORE_* code and message, and the first failure sticks;
 * single-row statements are kept, list ones are not; BEGIN IMMEDIATE
 * under another connection's write lock is STORE_BUSY after busy_timeout.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/stmt.h"
#include "tap.h"
#include "testutil.h"

static const struct store_query q_echo = { "echo",
	"SELECT ?1, ?2, ?3, ?4", NULL, false };
static const struct store_query q_echo_list = { "echo list",
	"SELECT ?1 UNION ALL SELECT ?2", NULL, true };
static const struct store_query q_types = { "types",
	"SELECT 7 AS i, 'seven' AS t, x'0700ff' AS b, NULL AS n, 1.5 AS r",
	NULL, false };
static const struct store_query q_none = { "none",
	"SELECT 1 WHERE 0", NULL, false };
static const struct store_query q_account_add = { "test account add",
	"INSERT INTO accounts (name, created) VALUES (?1, ?2)", "id", false };
static const struct store_query q_account_touch = { "test account touch",
	"UPDATE accounts SET created = ?2 WHERE name = ?1", NULL, false };
static const struct store_query q_user_orphan = { "test user add",
	"INSERT INTO users (account_id, email, created) VALUES (?1, ?2, 1)",
	NULL, false };
static const struct store_query q_bad_sql = { "bad",
	"SELEKT 1", NULL, false };

enum echo_col { ECHO_INT, ECHO_TEXT, ECHO_BLOB, ECHO_NULL };
enum types_col { T_INT, T_TEXT, T_BLOB, T_NULL, T_REAL };

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Bound values come back as they went in, byte for byte. */
static void
test_round_trip(struct store *st)
{
	static const unsigned char bytes[] = { 0x00, 0x01, 0xfe, 0xff, 0x00 };
	static const char text[] = "h\xc3\xa9llo, \"world\" 'x'";
	unsigned char got[sizeof(bytes)];
	const void *p;
	char buf[64];
	size_t len;
	struct stmt q;
	int i;

	for (i = 0; i < 2; i++) {	/* prepared, then kept */
		stmt_start(&q, st, &q_echo);
		stmt_int(&q, 1, i == 0 ? INT64_MIN : INT64_MAX);
		stmt_text(&q, 2, text);
		stmt_blob(&q, 3, bytes, sizeof(bytes));
		stmt_text(&q, 4, NULL);
		is_int(stmt_row(&q), STORE_OK, "echo %d: a row", i);
		ok(stmt_col_int(&q, ECHO_INT) == (i == 0 ? INT64_MIN : INT64_MAX),
		    "echo %d: int64 round-trips", i);
		stmt_col_text(&q, ECHO_TEXT, buf, sizeof(buf));
		is_str(buf, text, "echo %d: text round-trips", i);
		ok(stmt_col_blob(&q, ECHO_BLOB, got, sizeof(got)) &&
		    memcmp(got, bytes, sizeof(bytes)) == 0,
		    "echo %d: blob round-trips (with NULs)", i);
		p = stmt_col_bytes(&q, ECHO_BLOB, &len);
		ok(p != NULL && len == sizeof(bytes) &&
		    memcmp(p, bytes, len) == 0, "echo %d: blob bytes in place", i);
		stmt_col_text(&q, ECHO_NULL, buf, sizeof(buf));
		is_str(buf, "", "echo %d: a NULL text reads as \"\"", i);
		ok(!stmt_col_blob(&q, ECHO_NULL, got, sizeof(got)),
		    "echo %d: a NULL blob is absent", i);
		is_int(q.rc, STORE_OK, "echo %d: no failure", i);
		is_int(stmt_row(&q), STORE_NOTFOUND, "echo %d: one row only", i);
		stmt_end(&q);
	}
	is_int((int)g_hash_table_size(st->cache), 1, "the echo statement is kept");

	stmt_start(&q, st, &q_echo);
	stmt_int(&q, 1, 1);
	stmt_text(&q, 2, "");
	stmt_blob(&q, 3, NULL, 0);
	stmt_int(&q, 4, 0);
	is_int(stmt_row(&q), STORE_OK, "empty values: a row");
	ok(stmt_col_bytes(&q, ECHO_BLOB, &len) == NULL && len == 0 &&
	    q.rc == STORE_OK, "an empty blob: no bytes, no failure");
	ok(!stmt_col_blob(&q, ECHO_BLOB, got, sizeof(got)) &&
	    q.rc == STORE_ERROR, "an empty blob is not a 5-byte one");
	stmt_end(&q);

	stmt_start(&q, st, &q_echo);
	stmt_int(&q, 1, 1);
	stmt_text(&q, 2, "");
	stmt_blob(&q, 3, NULL, 0);
	stmt_int(&q, 4, 0);
	(void)stmt_row(&q);
	stmt_col_text(&q, ECHO_TEXT, buf, sizeof(buf));
	is_str(buf, "", "an empty text");
	ok(q.rc == STORE_OK && stmt_col_int(&q, ECHO_NULL) == 0 &&
	    q.rc == STORE_OK, "an integer 0");
	stmt_end(&q);
}

/* A column read with the wrong type: STORE_ERROR, named, and sticky. */
static void
test_types(struct store *st)
{
	unsigned char b[3];
	char buf[16];
	struct stmt q;

	stmt_start(&q, st, &q_types);
	is_int(stmt_row(&q), STORE_OK, "types: a row");
	ok(stmt_col_blob(&q, T_BLOB, b, sizeof(b)) && b[2] == 0xff,
	    "types: the blob");
	stmt_col_text(&q, T_TEXT, buf, sizeof(buf));
	is_str(buf, "seven", "types: the text");
	ok(stmt_col_int(&q, T_INT) == 7, "types: the integer");
	ok(stmt_col_int(&q, T_TEXT) == 0, "text read as an integer: 0");
	is_int(q.rc, STORE_ERROR, "text read as an integer: STORE_ERROR");
	is_str(store_errmsg(st), "column t: stored value is text, not an "
	    "integer", "text read as an integer: the message");
	ok(stmt_col_int(&q, T_INT) == 0, "after a failure: columns read 0");
	stmt_col_text(&q, T_TEXT, buf, sizeof(buf));
	is_str(buf, "", "after a failure: text reads \"\"");
	is_int(stmt_row(&q), STORE_ERROR, "after a failure: the step says so");
	stmt_end(&q);

	stmt_start(&q, st, &q_types);
	is_int(stmt_row(&q), STORE_OK, "types again: a row (kept, reset)");
	stmt_col_text(&q, T_INT, buf, sizeof(buf));
	is_int(q.rc, STORE_ERROR, "an integer read as text: STORE_ERROR");
	is_str(store_errmsg(st), "column i: stored value is an integer, not "
	    "text", "an integer read as text: the message");
	stmt_end(&q);

	stmt_start(&q, st, &q_types);
	(void)stmt_row(&q);
	stmt_col_text(&q, T_BLOB, buf, sizeof(buf));
	is_str(store_errmsg(st), "column b: stored value is a blob, not text",
	    "a blob read as text: STORE_ERROR");
	stmt_end(&q);

	stmt_start(&q, st, &q_types);
	(void)stmt_row(&q);
	(void)stmt_col_int(&q, T_NULL);
	is_str(store_errmsg(st), "column n: stored value is NULL, not an "
	    "integer", "a NULL integer: STORE_ERROR");
	stmt_end(&q);

	stmt_start(&q, st, &q_types);
	(void)stmt_row(&q);
	(void)stmt_col_int(&q, T_REAL);
	is_str(store_errmsg(st), "column r: stored value is another type, not "
	    "an integer", "a real: STORE_ERROR");
	stmt_end(&q);

	stmt_start(&q, st, &q_types);
	(void)stmt_row(&q);
	ok(!stmt_col_blob(&q, T_BLOB, b, 2), "a blob of the wrong length");
	is_str(store_errmsg(st), "column b: stored value has the wrong length",
	    "a blob of the wrong length: the message");
	stmt_end(&q);

	stmt_start(&q, st, &q_types);
	(void)stmt_row(&q);
	stmt_col_text(&q, T_TEXT, buf, 5);
	is_int(q.rc, STORE_ERROR, "text longer than the buffer: STORE_ERROR");
	is_str(store_errmsg(st), "column t: stored value too long (5 bytes)",
	    "text longer than the buffer: the message");
	is_str(buf, "", "text longer than the buffer: nothing copied");
	stmt_end(&q);
}

/* Missing rows, writes, keys, constraints, bad SQL and parameters. */
static void
test_writes(struct store *st)
{
	struct stmt q;
	int64_t id = 0, again = 0;

	stmt_start(&q, st, &q_none);
	is_int(stmt_row(&q), STORE_NOTFOUND, "no row: STORE_NOTFOUND");
	is_int(q.rc, STORE_OK, "no row is not a failure");
	stmt_end(&q);

	stmt_start(&q, st, &q_account_add);
	stmt_text(&q, 1, "one");
	stmt_int(&q, 2, 5);
	is_int(stmt_write(&q, false, &id), STORE_OK, "insert");
	ok(id > 0, "insert: its key (%lld)", (long long)id);
	stmt_start(&q, st, &q_account_add);
	stmt_text(&q, 1, "two");
	stmt_int(&q, 2, 5);
	is_int(stmt_write(&q, false, &again), STORE_OK, "insert again");
	ok(again == id + 1, "insert again: the next key");
	stmt_start(&q, st, &q_account_add);
	stmt_text(&q, 1, "one");
	stmt_int(&q, 2, 5);
	is_int(stmt_write(&q, false, NULL), STORE_EXISTS,
	    "a duplicate: STORE_EXISTS");
	is_str(store_errmsg(st), "test account add: UNIQUE constraint failed: "
	    "accounts.name", "a duplicate: the message");

	stmt_start(&q, st, &q_user_orphan);
	stmt_int(&q, 1, 999);
	stmt_text(&q, 2, "x@example.com");
	is_int(stmt_write(&q, false, NULL), STORE_CONSTRAINT,
	    "a missing foreign key: STORE_CONSTRAINT");

	stmt_start(&q, st, &q_account_touch);
	stmt_text(&q, 1, "nobody");
	stmt_int(&q, 2, 6);
	is_int(stmt_write(&q, true, NULL), STORE_NOTFOUND,
	    "an update that must change a row: STORE_NOTFOUND");
	is_str(store_errmsg(st), "test account touch: no such row",
	    "no such row: the message");
	stmt_start(&q, st, &q_account_touch);
	stmt_text(&q, 1, "nobody");
	stmt_int(&q, 2, 6);
	is_int(stmt_write(&q, false, NULL), STORE_OK,
	    "the same update, no change needed: STORE_OK");

	stmt_start(&q, st, &q_types);
	is_int(stmt_write(&q, false, NULL), STORE_ERROR,
	    "a write that returns a row: STORE_ERROR");
	is_str(store_errmsg(st), "types: unexpected row",
	    "unexpected row: the message");

	stmt_start(&q, st, &q_none);
	stmt_int(&q, 1, 1);
	is_int(stmt_row(&q), STORE_ERROR, "a parameter out of range: "
	    "STORE_ERROR");
	is_str(store_errmsg(st), "bind: column index out of range",
	    "a parameter out of range: the message");
	stmt_end(&q);

	stmt_start(&q, st, &q_bad_sql);
	is_int(q.rc, STORE_ERROR, "bad SQL: STORE_ERROR at prepare");
	is_str(store_errmsg(st), "prepare: near \"SELEKT\": syntax error",
	    "bad SQL: the message");
	stmt_text(&q, 1, "x");
	is_int(stmt_row(&q), STORE_ERROR, "bad SQL: the step says so");
	stmt_end(&q);
}

/* A callback that reads the row and stops the list. */
static int
stop_here(struct stmt *q, char *seen, size_t size)
{
	stmt_col_text(q, 0, seen, size);
	return 42;
}

/* List statements are prepared per call, and may be open twice. */
static void
test_lists(struct store *st)
{
	struct stmt a, b;
	unsigned kept = g_hash_table_size(st->cache);
	int rc, stop = 0;
	char seen[8];

	stmt_start(&a, st, &q_echo_list);
	stmt_text(&a, 1, "a1");
	stmt_text(&a, 2, "a2");
	is_int(stmt_row(&a), STORE_OK, "list a: first row");
	stmt_start(&b, st, &q_echo_list);
	stmt_text(&b, 1, "b1");
	stmt_text(&b, 2, "b2");
	is_int(stmt_row(&b), STORE_OK, "list b, while a is open: first row");
	ok(a.s != b.s, "two statements for one list query");
	is_int(stmt_list_end(&b, STORE_OK, 0), STORE_OK, "list b ended");
	while ((rc = stmt_row(&a)) == STORE_OK &&
	    (stop = stop_here(&a, seen, sizeof(seen))) == 0)
		;
	is_str(seen, "a2", "list a: second row");
	is_int(stmt_list_end(&a, rc, stop), 42,
	    "a callback's stop value is returned");
	is_int((int)g_hash_table_size(st->cache), (int)kept,
	    "list statements are not kept");
	stmt_start(&a, st, &q_echo_list);
	stmt_text(&a, 1, "x");
	stmt_text(&a, 2, "y");
	while ((rc = stmt_row(&a)) == STORE_OK)
		;
	is_int(stmt_list_end(&a, rc, 0), STORE_OK, "the end of a list: STORE_OK");
}

/* BEGIN IMMEDIATE waits busy_timeout for another writer, then BUSY. */
static void
test_begin_busy(void)
{
	struct store *st = NULL, *other = NULL;
	struct timespec t0;
	char err[512];
	long ms;

	if (store_open(tpath("busy.db"), 300, STORE_OPEN_CREATE, &st, err,
	    sizeof(err)) != STORE_OK || store_open(tpath("busy.db"), 300, 0,
	    &other, err, sizeof(err)) != STORE_OK) {
		ok(0, "two connections: %s", err);
		store_close(st);
		return;
	}
	is_int(other->be->begin(other), STORE_OK, "the other holds the lock");
	ok(other->be->in_transaction(other), "the other is in a transaction");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(st->be->begin(st), STORE_BUSY, "begin immediate: STORE_BUSY");
	ms = ms_since(&t0);
	ok(ms >= 280 && ms < 3000, "within busy_timeout (%ld ms, 300 set)", ms);
	is_str(store_errmsg(st), "database is locked (busy past 300 ms)",
	    "busy: the message");
	ok(!st->be->in_transaction(st), "busy: no transaction left open");
	other->be->rollback(other);
	is_int(st->be->begin(st), STORE_OK, "begin after the release");
	is_int(st->be->begin(st), STORE_ERROR, "a nested begin: STORE_ERROR");
	is_int(st->be->commit(st), STORE_OK, "commit");
	is_int(st->be->commit(st), STORE_ERROR, "commit without begin: "
	    "STORE_ERROR");
	store_close(other);
	store_close(st);
}

int
main(void)
{
	struct store *st;

	tdir_make("test_stmt");
	st = make_store("stmt.db");
	ok(strcmp(st->be->name, "sqlite") == 0, "the SQLite backend");
	test_round_trip(st);
	test_types(st);
	test_writes(st);
	test_lists(st);
	store_close(st);
	test_begin_busy();
	rmtree(tdir);
	return tap_done();
}
