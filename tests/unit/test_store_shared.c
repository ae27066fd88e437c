/*
 * test_store_shared.c - the store contract on either backend, and what
 * several processes sharing one database rely on.
 *
 * The database is PINMILTER_TEST_DATABASE when set (a PostgreSQL URI:
 * tests/store/pg.sh starts a private server and runs this test against
 * it; the schema "public" is emptied first), else an SQLite file in a
 * private directory.  Only store.h is used, so the same checks hold on
 * both engines:
 * - schema version, reopen, case-insensitive addresses (found and unique),
 *   bytes with NUL and 0xff kept exactly (salts, hashes, meta, digests);
 * - cases numbered from the start without a gap, messages, authentication;
 *   the audit filtered by address without regard to case; decisions;
 * - transactions: rollback, one writer at a time (a second begin is
 *   STORE_BUSY after the busy time);
 * - four processes at once, each with its own connection: 4 x 25 failure
 *   counts read and written in transactions add up to 100 (no update
 *   lost), 4 x 25 cases get 100 distinct numbers without a gap, and 40
 *   queued notices claimed by all four are each taken exactly once;
 * - four processes verifying wrong PINs for one user at once (the real
 *   auth_verify, MaxFailures 20, 40 guesses): exactly 20 are tested and
 *   fail, the other 20 find the user locked;
 * - a URI holding a password is refused and the password appears in no
 *   message; an unreachable server is an error naming the database;
 * - PostgreSQL only: every connection of the server cut (as a restart
 *   does) and the next transaction works (reconnect).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/secret.h"
#include "pin/auth.h"
#include "store/internal.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

#define KIDS		4
#define ROUNDS		25
#define NOTICES		40

static const char *target;	/* the database under test */
static bool pg;			/* is it PostgreSQL? */

/* Run SQL on the PostgreSQL database on a connection of its own. */
static int
pg_exec_raw(const char *sql)
{
	PGconn *c = PQconnectdb(target);
	PGresult *r;
	int rc = -1;

	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_COMMAND_OK ||
		    PQresultStatus(r) == PGRES_TUPLES_OK)
			rc = 0;
		else
			printf("# %s", PQresultErrorMessage(r));
		PQclear(r);
	} else
		printf("# %s", PQerrorMessage(c));
	PQfinish(c);
	return rc;
}

static struct store *
open_db(unsigned busy_ms, int flags)
{
	struct store *st = NULL;
	char err[512] = "";
	int rc = store_open(target, busy_ms, flags, &st, err, sizeof(err));

	if (rc != STORE_OK)
		printf("# open: %s\n", err);
	return st;
}

static void
test_open(void)
{
	struct store *st;
	int v = 0;

	if (pg)
		ok(pg_exec_raw("DROP SCHEMA public CASCADE; "
		    "CREATE SCHEMA public") == 0, "empty schema");
	st = open_db(1000, STORE_OPEN_CREATE);
	ok(st != NULL, "open, creating (%s)", pg ? "postgresql" : "sqlite");
	is_int(store_schema_version(st, &v), STORE_OK, "schema version read");
	is_int(v, STORE_SCHEMA_VERSION, "schema version %d",
	    STORE_SCHEMA_VERSION);
	store_close(st);
	st = open_db(1000, 0);
	ok(st != NULL, "reopen without creating");
	store_close(st);
}

static int64_t acme, alice;

static void
test_users(struct store *st)
{
	struct store_user u, got;
	unsigned char salt[SECRET_SALT_BYTES], hash[SECRET_HASH_BYTES];

	is_int(store_account_add(st, "acme", 10, &acme), STORE_OK, "account");
	memset(&u, 0, sizeof(u));
	u.account_id = acme;
	(void)snprintf(u.email, sizeof(u.email), "Alice@Example.com");
	is_int(store_user_add(st, &u, 11, &alice), STORE_OK, "user");
	(void)snprintf(u.email, sizeof(u.email), "alice@EXAMPLE.COM");
	is_int(store_user_add(st, &u, 11, NULL), STORE_EXISTS,
	    "the same address in other case: exists");
	is_int(store_user_find(st, "ALICE@example.COM", &got), STORE_OK,
	    "found without regard to case");
	is_str(got.email, "Alice@Example.com", "as stored");
	is_int(got.id, alice, "same id");
	memset(salt, 0, sizeof(salt));
	memset(hash, 0xff, sizeof(hash));
	salt[3] = 'x';
	hash[0] = 0;
	is_int(store_user_set_pin(st, alice, salt, hash, 12), STORE_OK,
	    "set PIN hash");
	is_int(store_user_find_id(st, alice, &got), STORE_OK, "re-read");
	ok(got.has_pin && memcmp(got.pin_salt, salt, sizeof(salt)) == 0 &&
	    memcmp(got.pin_hash, hash, sizeof(hash)) == 0,
	    "salt and hash bytes (NUL, 0xff) kept exactly");
	is_int(got.pin_set_at, 12, "64-bit integers read back");
}

static void
test_meta(struct store *st)
{
	static const unsigned char v[] = { 0, 1, 0xff, 0, 'a' };
	unsigned char buf[16];
	size_t len = 0;

	is_int(store_meta_set(st, "k", v, sizeof(v)), STORE_OK, "meta set");
	is_int(store_meta_get(st, "k", buf, sizeof(buf), &len), STORE_OK,
	    "meta get");
	ok(len == sizeof(v) && memcmp(buf, v, len) == 0, "meta bytes kept");
	is_int(store_meta_set(st, "k", v, 2), STORE_OK, "meta replaced");
	is_int(store_meta_get(st, "k", buf, sizeof(buf), &len), STORE_OK,
	    "meta get again");
	is_int(len, 2, "replaced value");
}

static void
test_cases(struct store *st)
{
	struct store_case c, got;
	int64_t n[3], m = 0;
	int i;

	memset(&c, 0, sizeof(c));
	c.account_id = acme;
	c.user_id = alice;
	(void)snprintf(c.email, sizeof(c.email), "Alice@Example.com");
	(void)snprintf(c.subject, sizeof(c.subject), "help");
	for (i = 0; i < 3; i++)
		is_int(store_case_open(st, &c, 100000, 20 + i, &n[i]),
		    STORE_OK, "case open %d", i);
	ok(n[0] == 100000 && n[1] == 100001 && n[2] == 100002,
	    "numbers from the start, no gap (%lld %lld %lld)",
	    (long long)n[0], (long long)n[1], (long long)n[2]);
	is_int(store_case_find(st, n[1], &got), STORE_OK, "case find");
	is_str(got.account, "acme", "case account");
	is_int(store_case_authenticate(st, n[1], "pin", 30), STORE_OK,
	    "authenticate");
	is_int(store_case_authenticate(st, n[1], "other", 31), STORE_OK,
	    "authenticate again");
	is_int(store_case_find(st, n[1], &got), STORE_OK, "re-read");
	ok(got.state == STORE_CASE_AUTHENTICATED && got.authenticated_at == 30
	    && strcmp(got.authenticated_by, "pin") == 0,
	    "authenticated stays, who and when kept");
	is_int(store_case_message_add(st, n[2], "<a@x>", "in", 40), STORE_OK,
	    "message add");
	is_int(store_case_message_add(st, n[2], "<a@x>", "in", 41), STORE_OK,
	    "message add again");
	is_int(store_case_by_message_id(st, "<a@x>", &m), STORE_OK,
	    "case by message-id");
	is_int(m, n[2], "that case");
}

static int
count_cb(const struct store_audit *e, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void
test_audit_decision(struct store *st)
{
	struct store_audit_filter f = { .email = "alice@example.com" };
	struct store_decision d, got;
	int n = 0;

	is_int(store_audit_record(st, 50, "t", "pin.verify",
	    "ALICE@example.com", 0, "fail", "%s", "x"), STORE_OK, "audit");
	is_int(store_audit_record(st, 51, "t", "pin.verify", "bob@example.com",
	    0, "fail", "%s", "y"), STORE_OK, "audit other");
	is_int(store_audit_list(st, &f, count_cb, &n), STORE_OK, "audit list");
	is_int(n, 1, "filtered by address without regard to case");
	memset(&d, 0, sizeof(d));
	(void)snprintf(d.sender, sizeof(d.sender), "alice@example.com");
	(void)snprintf(d.message_id, sizeof(d.message_id), "<m@x>");
	memset(d.digest, 0xa5, sizeof(d.digest));
	d.digest[5] = 0;
	d.at = 60;
	d.auth = 1;
	(void)snprintf(d.reason, sizeof(d.reason), "pin-ok");
	is_int(store_decision_put(st, &d), STORE_OK, "decision put");
	d.auth = 2;
	is_int(store_decision_put(st, &d), STORE_OK, "decision replaced");
	is_int(store_decision_find(st, d.sender, d.message_id, 0, &got),
	    STORE_OK, "decision find");
	ok(got.auth == 2 && memcmp(got.digest, d.digest, sizeof(d.digest)) == 0,
	    "decision and digest kept");
}

/* Queue N notices due at DUE to alice. */
static void
queue(struct store *st, int n, time_t due)
{
	static const unsigned char body[] = "sealed\0bytes";
	struct store_notice x;
	int i, bad = 0;

	memset(&x, 0, sizeof(x));
	(void)snprintf(x.recipient, sizeof(x.recipient), "alice@example.com");
	(void)snprintf(x.kind, sizeof(x.kind), "case-created");
	x.message = (unsigned char *)body;
	x.message_len = sizeof(body);
	x.created = due;
	x.next_try = due;
	for (i = 0; i < n; i++)
		bad += store_outbox_add(st, &x, NULL) != STORE_OK;
	is_int(bad, 0, "%d notices queued", n);
}

struct claimed {
	int n;
	int64_t id[NOTICES];
	unsigned attempts[NOTICES];
	bool bytes_ok;
};

static int
due_cb(const struct store_notice *x, void *arg)
{
	struct claimed *c = arg;

	if (c->n < NOTICES) {
		c->attempts[c->n] = x->attempts;
		c->id[c->n++] = x->id;
	}
	c->bytes_ok = x->message_len == 13 &&
	    memcmp(x->message, "sealed\0bytes", 13) == 0;
	return 0;
}

/* What the outbox worker does: read up to MAX due notices at NOW, claim
 * each until LEASE; OUT holds the ones this connection took.  A store_rc. */
static int
claim_due(struct store *st, time_t now, time_t lease, unsigned max,
    struct claimed *out)
{
	struct claimed due = { 0 };
	int i, rc;

	out->n = 0;
	if ((rc = store_outbox_due(st, now, max, due_cb, &due)) != STORE_OK)
		return rc;
	out->bytes_ok = due.bytes_ok;
	for (i = 0; i < due.n; i++) {
		rc = store_outbox_claim(st, due.id[i], due.attempts[i], lease);
		if (rc == STORE_NOTFOUND)
			continue;	/* another connection took it */
		if (rc != STORE_OK)
			return rc;
		out->id[out->n++] = due.id[i];
	}
	return STORE_OK;
}

static void
test_claim(struct store *st)
{
	struct claimed a = { 0 }, b = { 0 }, c = { 0 }, r = { 0 };
	struct store *st2 = open_db(100, 0);

	queue(st, 3, 100);
	is_int(claim_due(st, 200, 800, 2, &a), STORE_OK, "claim two");
	is_int(a.n, 2, "two claimed");
	ok(a.bytes_ok, "message bytes kept exactly");
	is_int(claim_due(st, 200, 800, 10, &b), STORE_OK, "claim the rest");
	ok(b.n == 1 && b.id[0] != a.id[0] && b.id[0] != a.id[1],
	    "only the one not yet claimed");
	is_int(store_outbox_mark_sent(st, a.id[0], 300), STORE_OK, "sent");
	is_int(store_outbox_unclaim(st, a.id[1], 300), STORE_OK, "given back");
	is_int(claim_due(st, 400, 900, 10, &c), STORE_OK, "claim again");
	ok(c.n == 1 && c.id[0] == a.id[1], "the one given back only");
	is_int(claim_due(st, 1000, 1600, 10, &c), STORE_OK,
	    "claim after the leases ran out");
	is_int(c.n, 2, "unsent claims are due again");
	ok(store_outbox_mark_sent(st, c.id[0], 1100) == STORE_OK &&
	    store_outbox_mark_sent(st, c.id[1], 1100) == STORE_OK,
	    "both sent");
	is_int(store_outbox_claim(st, a.id[0], 1, 2000), STORE_NOTFOUND,
	    "a sent notice is not claimed");
	/* two connections read the same due notice: one claim wins */
	queue(st, 1, 2000);
	ok(st2 != NULL && store_outbox_due(st, 2100, 1, due_cb, &r) ==
	    STORE_OK && r.n == 1, "one notice due, read by both");
	if (st2 != NULL && r.n == 1) {
		is_int(store_outbox_claim(st, r.id[0], r.attempts[0], 2700),
		    STORE_OK, "the first claim takes it");
		is_int(store_outbox_claim(st2, r.id[0], r.attempts[0], 2700),
		    STORE_NOTFOUND, "the second, on the same reading, does not");
		(void)store_outbox_mark_sent(st, r.id[0], 2200);
	}
	store_close(st2);
}

static void
test_transactions(struct store *st)
{
	struct store *st2 = open_db(100, 0);
	struct store_user got;
	int64_t id;

	ok(st2 != NULL, "second connection");
	is_int(store_begin(st), STORE_OK, "begin");
	is_int(store_account_add(st, "gone", 1, &id), STORE_OK, "add in tx");
	store_rollback(st);
	is_int(store_account_find(st, "gone", &(struct store_account){ 0 }),
	    STORE_NOTFOUND, "rolled back: nothing written");
	is_int(store_begin(st), STORE_OK, "begin: the write lock");
	is_int(store_begin(st2), STORE_BUSY, "second writer: busy");
	ok(strstr(store_errmsg(st2), "busy past 100 ms") != NULL,
	    "busy: message (%s)", store_errmsg(st2));
	is_int(store_user_find(st2, "alice@example.com", &got), STORE_OK,
	    "reads go on meanwhile");
	store_rollback(st);
	is_int(store_begin(st2), STORE_OK, "second writer after release");
	store_rollback(st2);
	store_close(st2);
}

/* ---- several processes ---- */

/* One process: ROUNDS failure counts, cases, then claims.  Writes the
 * case numbers and claimed ids to OUT. */
static int
kid(const char *out, int gate)
{
	struct store_case c = { 0 };
	struct store_user u;
	struct lockout_state l;
	struct claimed cl = { 0 };
	struct store *st = open_db(20000, 0);
	FILE *fp = fopen(out, "w");
	int64_t n;
	int i;
	char go;

	if (st == NULL || fp == NULL)
		return 1;
	(void)read(gate, &go, 1);	/* all start together (EOF) */
	for (i = 0; i < ROUNDS; i++) {
		if (store_begin(st) != STORE_OK ||
		    store_user_find_id(st, alice, &u) != STORE_OK)
			return 2;
		l = u.lock;
		l.failures++;
		if (store_user_set_lockout(st, alice, &l) != STORE_OK ||
		    store_case_open(st, &c, 100000, 70, &n) != STORE_OK ||
		    store_commit(st) != STORE_OK)
			return 3;
		fprintf(fp, "c %lld\n", (long long)n);
	}
	for (;;) {
		struct claimed left = { 0 };

		if (claim_due(st, 5000, 9000, 3, &cl) != STORE_OK)
			return 4;
		for (i = 0; i < cl.n; i++)
			fprintf(fp, "o %lld\n", (long long)cl.id[i]);
		if (store_outbox_due(st, 5000, 1, due_cb, &left) != STORE_OK)
			return 4;
		if (left.n == 0)
			break;		/* every notice taken, by someone */
	}
	store_close(st);
	return fclose(fp) == 0 ? 0 : 5;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Sorted values of kind K ('c' or 'o') the kids wrote; *DUP repeats. */
static size_t
kids_read(char k, int64_t *v, size_t max, size_t *dup)
{
	size_t i, n = 0;
	long long x;
	char t;
	FILE *fp;
	int j;

	for (j = 0; j < KIDS; j++) {
		if ((fp = fopen(tpathf("kid%d", j), "r")) == NULL)
			continue;
		while (n < max && fscanf(fp, " %c %lld", &t, &x) == 2)
			if (t == k)
				v[n++] = x;
		fclose(fp);
	}
	qsort(v, n, sizeof(v[0]), cmp64);
	for (*dup = 0, i = 1; i < n; i++)
		*dup += v[i] == v[i - 1];
	return n;
}

static void
kids_check(struct store *st)
{
	static int64_t v[KIDS * ROUNDS + NOTICES + 1];
	struct store_user u;
	size_t n, dup;

	is_int(store_user_find_id(st, alice, &u), STORE_OK, "alice");
	is_int(u.lock.failures, KIDS * ROUNDS,
	    "%d failures counted by %d processes, none lost", KIDS * ROUNDS,
	    KIDS);
	n = kids_read('c', v, sizeof(v) / sizeof(v[0]), &dup);
	is_int(n, KIDS * ROUNDS, "every case number reported");
	is_int(dup, 0, "no case number given twice");
	ok(n > 0 && v[n - 1] - v[0] == (int64_t)n - 1,
	    "case numbers without a gap (%lld..%lld)", (long long)v[0],
	    (long long)v[n > 0 ? n - 1 : 0]);
	n = kids_read('o', v, sizeof(v) / sizeof(v[0]), &dup);
	is_int(n, NOTICES, "%d notices claimed in all", NOTICES);
	is_int(dup, 0, "no notice claimed twice");
}

static void
test_processes(struct store *st)
{
	struct lockout_state zero = { 0 };
	pid_t pid[KIDS];
	int i, status, good = 0, gate[2];

	is_int(store_user_set_lockout(st, alice, &zero), STORE_OK, "reset");
	queue(st, NOTICES, 4000);
	fflush(stdout);
	if (pipe(gate) == -1) {
		perror("pipe");
		exit(1);
	}
	for (i = 0; i < KIDS; i++)
		if ((pid[i] = fork()) == 0) {
			(void)close(gate[1]);
			_exit(kid(tpathf("kid%d", i), gate[0]));
		}
	(void)close(gate[0]);
	(void)close(gate[1]);
	for (i = 0; i < KIDS; i++)
		if (pid[i] > 0 && waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			good++;
	is_int(good, KIDS, "%d processes done", KIDS);
	kids_check(st);
}

/* ---- wrong PINs from several processes: the lockout holds ---- */

#define GUESSES		10	/* per process */
#define MAX_FAILURES	20

static int
guesser(const char *out, int gate, const struct secret_key *key)
{
	static const struct lockout_policy pol = { MAX_FAILURES, 900, 3600 };
	const char *cand[] = { "000000" };
	struct auth_request req = {
		.email = "carol@example.com", .candidates = cand,
		.ncandidates = 1, .max_candidates = 3, .actor = "t",
		.channel = "email", .ref = "T",
	};
	struct store *st = open_db(20000, 0);
	struct store_user u;
	FILE *fp = fopen(out, "w");
	int i;
	char go;

	if (st == NULL || fp == NULL) {
		fflush(stdout);
		return 1;
	}
	(void)read(gate, &go, 1);
	for (i = 0; i < GUESSES; i++)
		fprintf(fp, "%d\n", (int)auth_verify(st, key, &pol, &req,
		    100000 + i, &u));
	store_close(st);
	return fclose(fp) == 0 ? 0 : 1;
}

static void
test_guessers(struct store *st)
{
	struct secret_key *key = make_key("k");
	struct store_user u;
	int counts[AUTH_ERROR + 1] = { 0 }, i, r, status, gate[2], good = 0;
	pid_t pid[KIDS];
	FILE *fp;

	memset(&u, 0, sizeof(u));
	u.account_id = acme;
	(void)snprintf(u.email, sizeof(u.email), "carol@example.com");
	ok(store_user_add(st, &u, 1, &u.id) == STORE_OK &&
	    auth_set_pin(st, key, u.id, "123456", "t", "pin.set", 2) ==
	    STORE_OK, "carol with a PIN");
	fflush(stdout);
	if (pipe(gate) == -1)
		exit(1);
	for (i = 0; i < KIDS; i++)
		if ((pid[i] = fork()) == 0) {
			(void)close(gate[1]);
			_exit(guesser(tpathf("guess%d", i), gate[0], key));
		}
	(void)close(gate[0]);
	(void)close(gate[1]);
	for (i = 0; i < KIDS; i++)
		if (pid[i] > 0 && waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			good++;
	is_int(good, KIDS, "%d processes guessed (last status %d)", KIDS, status);
	for (i = 0; i < KIDS; i++)
		if ((fp = fopen(tpathf("guess%d", i), "r")) != NULL) {
			while (fscanf(fp, "%d", &r) == 1)
				if (r >= 0 && r <= AUTH_ERROR)
					counts[r]++;
			fclose(fp);
		}
	is_int(counts[AUTH_FAIL], MAX_FAILURES,
	    "%d guesses from %d processes: exactly MaxFailures (%d) tested",
	    KIDS * GUESSES, KIDS, MAX_FAILURES);
	is_int(counts[AUTH_LOCKED], KIDS * GUESSES - MAX_FAILURES,
	    "the rest found the user locked");
	is_int(counts[AUTH_ERROR], 0, "no store error");
	secret_key_free(key);
}

/* ---- targets that cannot be used ---- */

static void
test_refused(void)
{
	static const char *const uris[] = {
		"postgresql://pm:s3cret@/pinmilter?host=/nonexistent",
		"postgres:///pinmilter?host=/nonexistent&password=s3cret",
	};
	struct store *st = NULL;
	char err[512];
	size_t i;
	char *r;

	for (i = 0; i < 2; i++) {
		is_int(store_open(uris[i], 100, 0, &st, err, sizeof(err)),
		    STORE_INVALID, "password in the URI refused [%zu]", i);
		ok(strstr(err, "s3cret") == NULL && strstr(err, "***") != NULL,
		    "message without the password: %s", err);
	}
	r = store_redact("postgresql://u:p%40ss@h:5432/db?password=x&sslmode=require");
	is_str(r, "postgresql://u:***@h:5432/db?password=***&sslmode=require",
	    "redacted");
	g_free(r);
	r = store_redact("/var/lib/pinmilter/pinmilter.db");
	is_str(r, "/var/lib/pinmilter/pinmilter.db", "a path as it is");
	g_free(r);
	is_int(store_open("postgresql://pm@/pinmilter?host=/nonexistent&port=1",
	    100, 0, &st, err, sizeof(err)), STORE_ERROR, "unreachable server");
	ok(strncmp(err, "cannot reach database postgresql://pm@/pinmilter",
	    48) == 0, "unreachable: message (%s)", err);
}

/* PostgreSQL: every other connection cut, as a server restart does. */
static void
test_reconnect(struct store *st)
{
	struct store_user u;

	if (!pg) {
		tap_skip("reconnect: PostgreSQL only");
		tap_skip("reconnect: PostgreSQL only");
		tap_skip("reconnect: PostgreSQL only");
		return;
	}
	ok(pg_exec_raw("SELECT pg_terminate_backend(pid) FROM "
	    "pg_stat_activity WHERE datname = current_database() AND "
	    "pid <> pg_backend_pid()") == 0, "connections cut");
	is_int(store_begin(st), STORE_OK, "begin after the cut: reconnected");
	store_rollback(st);
	(void)pg_exec_raw("SELECT pg_terminate_backend(pid) FROM "
	    "pg_stat_activity WHERE datname = current_database() AND "
	    "pid <> pg_backend_pid()");
	is_int(store_user_find(st, "alice@example.com", &u), STORE_OK,
	    "a read after the cut: reconnected");
}

int
main(void)
{
	struct store *st;
	const char *env = getenv("PINMILTER_TEST_DATABASE");

	tdir_make("store_shared");
	target = g_strdup(env != NULL && *env != '\0' ? env :
	    tpath("shared.db"));	/* tpath's buffer is reused */
	pg = store_backend_for(target) == &store_backend_pgsql;
	test_open();
	if ((st = open_db(1000, 0)) == NULL) {
		printf("Bail out! cannot open %s\n", target);
		return 1;
	}
	test_users(st);
	test_meta(st);
	test_cases(st);
	test_audit_decision(st);
	test_claim(st);
	test_transactions(st);
	test_processes(st);
	test_guessers(st);
	test_reconnect(st);
	store_close(st);
	test_refused();
	rmtree(tdir);
	return tap_done();
}
