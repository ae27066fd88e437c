/*
 * test_cases.c - the store's cases and outbox against real SQLite files
 * in a private directory: case numbering (start, continuation, never
 * reused, two processes at once), authentication that stays, the
 * verification-request mark, Message-ID and external-reference lookups;
 * the outbox queue (due order and limit, retry times, sent and dead
 * notices losing their bytes, per-recipient counts, the listing).  The
 * test reads the file with SQLite directly to see what is really stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "tap.h"
#include "testutil.h"

#define RACE_CASES	200	/* cases opened by each of two processes */

static struct store *
open_db(const char *name, int flags)
{
	struct store *st = NULL;
	char err[512] = "";
	int rc = store_open(tpath(name), 5000, flags, &st, err, sizeof(err));

	is_int(rc, STORE_OK, "open %s", name);
	if (rc != STORE_OK)
		printf("#   %s\n", err);
	return st;
}

/* A case template: account and user ids, sender, subject, ref. */
static struct store_case
mkcase(int64_t account, int64_t user, const char *email, const char *subject,
    const char *ref)
{
	struct store_case c;

	memset(&c, 0, sizeof(c));
	c.account_id = account;
	c.user_id = user;
	(void)snprintf(c.email, sizeof(c.email), "%s", email);
	(void)snprintf(c.subject, sizeof(c.subject), "%s", subject);
	(void)snprintf(c.external_ref, sizeof(c.external_ref), "%s", ref);
	return c;
}

static int64_t acme, alice, bob;	/* ids in c.db */

static void
setup(struct store *st)
{
	struct store_user u;

	is_int(store_account_add(st, "acme", 1, &acme), STORE_OK, "acme");
	memset(&u, 0, sizeof(u));
	u.account_id = acme;
	u.role = STORE_ROLE_ADMIN;
	(void)snprintf(u.email, sizeof(u.email), "alice@acme.example");
	is_int(store_user_add(st, &u, 1, &alice), STORE_OK, "alice");
	u.role = STORE_ROLE_USER;
	(void)snprintf(u.email, sizeof(u.email), "bob@acme.example");
	is_int(store_user_add(st, &u, 1, &bob), STORE_OK, "bob");
}

/* ---- numbering ---- */

static void
test_numbering(struct store *st)
{
	static const struct {
		const char *sql;	/* run first (raw), or NULL */
		int64_t start;
		int64_t want;
		const char *what;
	} steps[] = {
		{ NULL, 100000, 100000, "first case: the start" },
		{ NULL, 100000, 100001, "second: the next" },
		{ NULL, 5, 100002, "the start counts only for the first" },
		{ NULL, 200000, 100003, "a higher start does not jump" },
		{ "DELETE FROM cases WHERE number = 100003", 100000, 100004,
		    "the deleted highest number is not reused" },
		{ "DELETE FROM cases", 100000, 100005,
		    "all cases deleted: still not reused" },
		{ "INSERT INTO cases (number, opened) VALUES (100100, 1)",
		    100000, 100101, "after a case inserted out of band" },
	};
	struct store_case c = mkcase(acme, bob, "bob@acme.example", "hi", "");
	size_t i;
	int64_t n;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].sql != NULL)
			ok(raw_exec(tpath("c.db"), steps[i].sql) == 0,
			    "raw: %s", steps[i].sql);
		n = -1;
		is_int(store_begin(st), STORE_OK, "begin [%zu]", i);
		is_int(store_case_open(st, &c, steps[i].start, 1000 + (time_t)i,
		    &n), STORE_OK, "case open [%zu]", i);
		is_int(store_commit(st), STORE_OK, "commit [%zu]", i);
		is_int(n, steps[i].want, "%s", steps[i].what);
	}

	/* Rolled back: the number is free again (nothing was given). */
	is_int(store_begin(st), STORE_OK, "begin (rollback)");
	is_int(store_case_open(st, &c, 1, 2000, &n), STORE_OK, "open, then");
	is_int(n, 100102, "the next number");
	store_rollback(st);
	is_int(store_case_open(st, &c, 1, 2000, &n), STORE_OK,
	    "open after a rollback (no transaction)");
	is_int(n, 100102, "a rolled back number is given again");
}

static void
test_numbering_fresh(void)
{
	struct store *st = open_db("fresh.db", STORE_OPEN_CREATE);
	struct store_case c = mkcase(0, 0, "", "", "");
	int64_t n = -1;

	if (st == NULL)
		return;
	is_int(store_case_open(st, &c, 1, 5, &n), STORE_OK, "start 1");
	is_int(n, 1, "start 1: case 1");
	is_int(store_case_open(st, &c, 1, 5, &n), STORE_OK, "again");
	is_int(n, 2, "then 2");
	store_close(st);
}

/* Fill a fixed field completely, without a NUL: too long by one. */
#define FILL(field, ch) memset((field), (ch), sizeof(field))

static void
test_case_input(struct store *st)
{
	const struct {
		int64_t account, user, start;
		const char *email, *subject, *ref;	/* NULL: fill, no NUL */
		int want;
	} cases[] = {
		{ 0, 0, 100000, "", "", "", STORE_OK },
		{ -1, 0, 100000, "a@b.example", "s", "", STORE_INVALID },
		{ 0, -1, 100000, "a@b.example", "s", "", STORE_INVALID },
		{ 0, 0, 0, "a@b.example", "s", "", STORE_INVALID },
		{ 0, 0, -5, "a@b.example", "s", "", STORE_INVALID },
		{ 0, 0, 100000, NULL, "s", "", STORE_INVALID },
		{ 0, 0, 100000, "a@b.example", NULL, "", STORE_INVALID },
		{ 0, 0, 100000, "a@b.example", "a\nb", "", STORE_INVALID },
		{ 0, 0, 100000, "a@b.example", "a\tb", "", STORE_INVALID },
		{ 0, 0, 100000, "a@b.example", "s", NULL, STORE_INVALID },
		{ 999, 0, 100000, "a@b.example", "s", "", STORE_CONSTRAINT },
		{ acme, 999, 100000, "a@b.example", "s", "", STORE_CONSTRAINT },
	};
	struct store_case c;
	size_t i;
	int64_t n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = mkcase(cases[i].account, cases[i].user,
		    cases[i].email ? cases[i].email : "",
		    cases[i].subject ? cases[i].subject : "",
		    cases[i].ref ? cases[i].ref : "");
		if (cases[i].email == NULL)
			FILL(c.email, 'm');
		if (cases[i].subject == NULL)
			FILL(c.subject, 's');
		if (cases[i].ref == NULL)
			FILL(c.external_ref, 'r');
		n = -1;
		is_int(store_case_open(st, &c, cases[i].start, 3000, &n),
		    cases[i].want, "case open input [%zu]", i);
		ok(cases[i].want == STORE_OK ? n > 0 : n == 0,
		    "case open input [%zu]: number %lld", i, (long long)n);
	}
	/* The longest values that fit are taken whole. */
	c = mkcase(0, 0, "", "", "");
	FILL(c.email, 'm');
	c.email[sizeof(c.email) - 1] = '\0';
	FILL(c.subject, 's');
	c.subject[sizeof(c.subject) - 1] = '\0';
	FILL(c.external_ref, 'r');
	c.external_ref[sizeof(c.external_ref) - 1] = '\0';
	is_int(store_case_open(st, &c, 1, 3000, &n), STORE_OK,
	    "case open: longest values");
	is_str(raw_query(tpath("c.db"), "SELECT length(email) || '/' || "
	    "length(subject) || '/' || length(external_ref) FROM cases "
	    "ORDER BY number DESC"), "255/511/127", "longest values stored");
	ok(raw_exec(tpath("c.db"), "UPDATE cases SET external_ref = NULL "
	    "WHERE length(external_ref) = 127") == 0, "long ref cleared");
}

/* ---- two processes opening cases at once ---- */

static int
race_child(const char *out, int gate)
{
	struct store_case c = mkcase(0, 0, "race@x.example", "race", "");
	struct store *st = NULL;
	char err[512];
	FILE *fp;
	int64_t n;
	int i;

	char go;

	if (store_open(tpath("race.db"), 20000, 0, &st, err, sizeof(err)) !=
	    STORE_OK || (fp = fopen(out, "w")) == NULL)
		return 1;
	(void)read(gate, &go, 1);	/* both start together (EOF) */
	for (i = 0; i < RACE_CASES; i++) {
		if (store_begin(st) != STORE_OK ||
		    store_case_open(st, &c, 100000, i, &n) != STORE_OK ||
		    store_commit(st) != STORE_OK) {
			fprintf(stderr, "race: %s\n", store_errmsg(st));
			return 1;
		}
		fprintf(fp, "%lld\n", (long long)n);
		(void)usleep(200);	/* let the other one in */
	}
	store_close(st);
	return fclose(fp) == 0 ? 0 : 1;
}

/* Read the numbers a child wrote into v[*n...]. */
static int
race_read(const char *path, int64_t *v, size_t *n, size_t max)
{
	FILE *fp = fopen(path, "r");
	long long x;

	if (fp == NULL)
		return -1;
	while (*n < max && fscanf(fp, "%lld", &x) == 1)
		v[(*n)++] = x;
	fclose(fp);
	return 0;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
test_race(void)
{
	static int64_t v[2 * RACE_CASES + 1];
	struct store *st = open_db("race.db", STORE_OPEN_CREATE);
	pid_t pid[2];
	size_t i, n = 0, dup = 0;
	int status, good = 0, gate[2];

	store_close(st);	/* no connection across fork */
	fflush(stdout);
	if (pipe(gate) == -1) {
		perror("pipe");
		exit(1);
	}
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			(void)close(gate[1]);
			_exit(race_child(tpath(i ? "race1" : "race0"),
			    gate[0]));
		}
	}
	(void)close(gate[0]);
	(void)close(gate[1]);		/* open the gate */
	for (i = 0; i < 2; i++)
		if (pid[i] > 0 && waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			good++;
	is_int(good, 2, "race: both processes opened %d cases", RACE_CASES);
	ok(race_read(tpath("race0"), v, &n, sizeof(v) / sizeof(v[0])) == 0 &&
	    race_read(tpath("race1"), v, &n, sizeof(v) / sizeof(v[0])) == 0,
	    "race: numbers read");
	is_int(n, 2 * RACE_CASES, "race: every number reported");
	/* How often the two took turns (scheduling decides: not a check). */
	for (i = 1; i < RACE_CASES && n == 2 * RACE_CASES; i++)
		dup += v[i] != v[i - 1] + 1;
	printf("# race: the first process's numbers have %zu gaps\n", dup);
	dup = 0;
	qsort(v, n, sizeof(v[0]), cmp64);
	for (i = 1; i < n; i++)
		dup += v[i] == v[i - 1];
	is_int(dup, 0, "race: no number given twice");
	ok(n > 0 && v[0] == 100000 && v[n - 1] == 100000 + (int64_t)n - 1,
	    "race: numbers 100000..%lld without a gap",
	    (long long)(100000 + (int64_t)n - 1));
	is_str(raw_query(tpath("race.db"), "SELECT count(DISTINCT number) || "
	    "'/' || count(*) FROM cases"), "400/400", "race: 400 rows stored");
}

/* ---- case state, lookups ---- */

static void
test_authenticate(struct store *st)
{
	struct store_case c = mkcase(acme, bob, "bob@acme.example", "Help",
	    ""), k;
	char longby[STORE_ACTOR_MAX + 1];
	int64_t n;

	memset(longby, 'b', sizeof(longby) - 1);
	longby[sizeof(longby) - 1] = '\0';
	is_int(store_case_open(st, &c, 100000, 5000, &n), STORE_OK, "open");
	is_int(store_case_find(st, n, &k), STORE_OK, "find");
	is_int(k.state, STORE_CASE_OPEN, "new case: open");
	is_int(k.opened, 5000, "new case: opened");
	is_str(k.account, "acme", "new case: account");
	is_int(k.user_id, bob, "new case: user");
	is_str(k.email, "bob@acme.example", "new case: email");
	is_str(k.subject, "Help", "new case: subject");
	is_int(k.authenticated_at, 0, "new case: not authenticated");
	is_str(k.external_ref, "", "new case: no external ref");
	is_str(raw_query(tpath("c.db"), "SELECT external_ref FROM cases "
	    "ORDER BY number DESC"), "(null)", "empty ref stored as NULL");

	is_int(store_case_authenticate(st, n, "pin:bob@acme.example", 5100),
	    STORE_OK, "authenticate");
	is_int(store_case_authenticate(st, n, "admin:alice@acme.example", 5200),
	    STORE_OK, "authenticate again: ok");
	is_int(store_case_find(st, n, &k), STORE_OK, "find");
	is_int(k.state, STORE_CASE_AUTHENTICATED, "authenticated");
	is_int(k.authenticated_at, 5100, "authenticated: the first time stays");
	is_str(k.authenticated_by, "pin:bob@acme.example",
	    "authenticated: the first who stays");
	is_int(store_case_verification_requested(st, n, 5300), STORE_OK,
	    "verification requested on an authenticated case");
	is_int(store_case_find(st, n, &k), STORE_OK, "find");
	is_int(k.state, STORE_CASE_AUTHENTICATED, "still authenticated");
	is_int(k.verification_requested_at, 5300, "request time recorded");

	is_int(store_case_authenticate(st, 42, "x", 1), STORE_NOTFOUND,
	    "authenticate an unknown case");
	is_str(store_errmsg(st), "no case 42", "unknown case: message");
	is_int(store_case_authenticate(st, n, "", 1), STORE_INVALID,
	    "authenticate by nobody");
	is_int(store_case_authenticate(st, n, longby, 1), STORE_INVALID,
	    "authenticate: over-long by");
	is_int(store_case_authenticate(st, n, NULL, 1), STORE_INVALID,
	    "authenticate: NULL by");
}

static void
test_verification(struct store *st)
{
	struct store_case c = mkcase(acme, bob, "bob@acme.example", "Port", ""),
	    k;
	int64_t n;

	is_int(store_case_open(st, &c, 100000, 6000, &n), STORE_OK, "open");
	is_int(store_case_verification_requested(st, n, 6001), STORE_OK,
	    "verification requested");
	is_int(store_case_find(st, n, &k), STORE_OK, "find");
	is_int(k.state, STORE_CASE_VERIFICATION_REQUESTED,
	    "state verification-requested");
	is_int(k.verification_requested_at, 6001, "requested at");
	is_int(store_case_authenticate(st, n, "pin:bob", 6002), STORE_OK,
	    "then authenticated");
	is_int(store_case_find(st, n, &k), STORE_OK, "find");
	is_int(k.state, STORE_CASE_AUTHENTICATED, "state authenticated");
	is_int(k.verification_requested_at, 6001, "request time kept");
	is_int(store_case_verification_requested(st, 43, 1), STORE_NOTFOUND,
	    "verification requested: unknown case");
}

static void
test_message_ids(struct store *st)
{
	static const struct {
		const char *mid, *dir;
		int case_idx;		/* into n[] */
		int want;
	} adds[] = {
		{ "<a1@acme.example>", "in", 0, STORE_OK },
		{ "<pm-1.x.y@support.example>", "out", 0, STORE_OK },
		{ "<a1@acme.example>", "in", 0, STORE_OK },	/* again */
		{ "<shared@x.example>", "in", 0, STORE_OK },
		{ "<shared@x.example>", "in", 1, STORE_OK },	/* newer */
		{ "<a1@acme.example>", "sideways", 0, STORE_INVALID },
		{ "", "in", 0, STORE_INVALID },
		{ "<a\r\n@x>", "in", 0, STORE_INVALID },
		{ "<b@x.example>", "in", 2, STORE_CONSTRAINT },	/* no case */
	};
	static const struct {
		const char *mid;
		int case_idx;		/* -1: not found */
	} finds[] = {
		{ "<a1@acme.example>", 0 },
		{ "<pm-1.x.y@support.example>", 0 },
		{ "<shared@x.example>", 1 },
		{ "<A1@acme.example>", -1 },	/* exact match only */
		{ "<never@x.example>", -1 },
	};
	struct store_case c = mkcase(0, 0, "x@y.example", "m", "");
	char longmid[STORE_DETAIL_MAX + 1];
	int64_t n[3], got;
	size_t i;

	is_int(store_case_open(st, &c, 100000, 7000, &n[0]), STORE_OK, "open");
	is_int(store_case_open(st, &c, 100000, 7001, &n[1]), STORE_OK, "open");
	n[2] = 99;
	for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		is_int(store_case_message_add(st, n[adds[i].case_idx],
		    adds[i].mid, adds[i].dir, 7100), adds[i].want,
		    "message add [%zu]", i);
	memset(longmid, 'x', sizeof(longmid) - 1);
	longmid[sizeof(longmid) - 1] = '\0';
	is_int(store_case_message_add(st, n[0], longmid, "in", 1),
	    STORE_INVALID, "message add: over-long id");
	is_int(store_case_by_message_id(st, longmid, &got), STORE_INVALID,
	    "by message-id: over-long id");
	is_str(raw_query(tpath("c.db"), "SELECT count(*) FROM case_messages "
	    "WHERE message_id = '<a1@acme.example>'"), "1",
	    "the same id twice is stored once");
	for (i = 0; i < sizeof(finds) / sizeof(finds[0]); i++) {
		got = -1;
		is_int(store_case_by_message_id(st, finds[i].mid, &got),
		    finds[i].case_idx < 0 ? STORE_NOTFOUND : STORE_OK,
		    "by message-id [%zu] %s", i, finds[i].mid);
		is_int(got, finds[i].case_idx < 0 ? 0 : n[finds[i].case_idx],
		    "by message-id [%zu]: case", i);
	}
}

static void
test_external(struct store *st)
{
	struct store_case a = mkcase(acme, bob, "bob@acme.example", "t",
	    "TKT-77"), b = mkcase(acme, alice, "alice@acme.example", "t",
	    "TKT-77"), o = mkcase(0, 0, "z@z.example", "t", "TKT-78"), k;
	int64_t na, nb, no;

	is_int(store_case_open(st, &a, 100000, 8000, &na), STORE_OK, "open a");
	is_int(store_case_open(st, &o, 100000, 8001, &no), STORE_OK, "open o");
	is_int(store_case_open(st, &b, 100000, 8002, &nb), STORE_OK, "open b");
	is_int(store_case_find_external(st, "TKT-77", 0, &k), STORE_OK,
	    "external TKT-77");
	is_int(k.number, nb, "external: the newest case with the ref");
	is_str(k.email, "alice@acme.example", "external: its fields");
	is_str(k.external_ref, "TKT-77", "external: ref filled");
	is_int(store_case_find_external(st, "TKT-78", 0, &k), STORE_OK,
	    "external TKT-78");
	is_int(k.number, no, "external: the only case");
	is_int(store_case_find_external(st, "tkt-77", 0, &k), STORE_NOTFOUND,
	    "external refs are exact");
	is_int(k.number, 0, "not found: cleared");
	is_int(store_case_find_external(st, "", 0, &k), STORE_INVALID,
	    "external: empty ref");
	is_int(store_case_find(st, na, &k), STORE_OK, "find a");
	is_str(k.external_ref, "TKT-77", "find fills external_ref");
	/* per account: another account's newer case does not hide ours */
	is_int(store_case_find_external(st, "TKT-78", acme, &k), STORE_NOTFOUND,
	    "external TKT-78 of Acme: none (the only one has no account)");
	is_int(store_case_find_external(st, "TKT-77", acme, &k), STORE_OK,
	    "external TKT-77 of Acme");
	is_int(k.number, nb, "external of Acme: the newest of Acme's");
}

struct list_out {
	char text[4096];
};

static int
list_case(const struct store_case *c, void *arg)
{
	struct list_out *o = arg;
	size_t len = strlen(o->text);

	(void)snprintf(o->text + len, sizeof(o->text) - len, "%s%lld:%s:%lld",
	    len ? "," : "", (long long)c->number, c->external_ref,
	    (long long)c->verification_requested_at);
	return 0;
}

static void
test_case_list(struct store *st)
{
	struct list_out o;

	memset(&o, 0, sizeof(o));
	is_int(store_case_list(st, list_case, &o), STORE_OK, "case list");
	ok(strstr(o.text, ":TKT-77:0,") != NULL &&
	    strstr(o.text, ":6001") != NULL,
	    "case list fills external_ref and verification time");
}

/* ---- outbox ---- */

static int64_t
notice_add(struct store *st, int64_t cnum, const char *to, const char *kind,
    const char *bytes, time_t created, time_t next_try, int want)
{
	struct store_notice n;
	int64_t id = -1;

	memset(&n, 0, sizeof(n));
	n.case_number = cnum;
	(void)snprintf(n.recipient, sizeof(n.recipient), "%s", to);
	(void)snprintf(n.kind, sizeof(n.kind), "%s", kind);
	n.message = (unsigned char *)(uintptr_t)bytes;
	n.message_len = bytes ? strlen(bytes) : 0;
	n.created = created;
	n.next_try = next_try;
	n.attempts = 7;			/* ignored */
	n.sent_at = 9;			/* ignored */
	is_int(store_outbox_add(st, &n, &id), want, "outbox add %s %s", to,
	    kind);
	return id;
}

struct due_out {
	char text[1024];
	struct store *st;
	int64_t send_id;		/* mark this one sent from the callback */
	int stop_after;			/* stop (return 99) after N rows */
	int rows;
};

static int
due_cb(const struct store_notice *n, void *arg)
{
	struct due_out *o = arg;
	size_t len = strlen(o->text);

	(void)snprintf(o->text + len, sizeof(o->text) - len,
	    "%s%lld:%s:%.*s:%u", len ? "," : "", (long long)n->id, n->recipient,
	    (int)n->message_len, n->message ? (const char *)n->message : "",
	    n->attempts);
	if (n->id == o->send_id &&
	    store_outbox_claim(o->st, n->id, n->attempts, n->next_try) ==
	    STORE_OK)
		(void)store_outbox_mark_sent(o->st, n->id, 9999);
	if (++o->rows == o->stop_after)
		return 99;
	return 0;
}

static const char *
due(struct store *st, time_t now, unsigned limit, int *rc)
{
	static struct due_out o;

	memset(&o, 0, sizeof(o));
	o.st = st;
	*rc = store_outbox_due(st, now, limit, due_cb, &o);
	return o.text;
}

static void
test_outbox_add_input(struct store *st, int64_t cnum)
{
	char big[64], longkind[STORE_KIND_MAX + 1];
	struct store_notice n;
	static unsigned char huge[STORE_NOTICE_MAX + 1];

	memset(longkind, 'k', sizeof(longkind) - 1);
	longkind[sizeof(longkind) - 1] = '\0';
	(void)snprintf(big, sizeof(big), "x");
	notice_add(st, cnum, "not-an-address", "k", "m", 1, 1, STORE_INVALID);
	notice_add(st, cnum, "", "k", "m", 1, 1, STORE_INVALID);
	notice_add(st, cnum, "a@b.example", "", "m", 1, 1, STORE_INVALID);
	notice_add(st, cnum, "a@b.example", "k", NULL, 1, 1, STORE_INVALID);
	notice_add(st, cnum, "a@b.example", "k", "", 1, 1, STORE_INVALID);
	notice_add(st, -1, "a@b.example", "k", "m", 1, 1, STORE_INVALID);
	notice_add(st, 77, "a@b.example", "k", "m", 1, 1, STORE_CONSTRAINT);
	memset(&n, 0, sizeof(n));
	(void)snprintf(n.recipient, sizeof(n.recipient), "a@b.example");
	memcpy(n.kind, longkind, sizeof(n.kind));	/* no NUL: over-long */
	n.message = (unsigned char *)big;
	n.message_len = 1;
	is_int(store_outbox_add(st, &n, NULL), STORE_INVALID,
	    "outbox add: over-long kind");
	(void)snprintf(n.kind, sizeof(n.kind), "k");
	n.message = huge;
	n.message_len = sizeof(huge);
	is_int(store_outbox_add(st, &n, NULL), STORE_INVALID,
	    "outbox add: message over STORE_NOTICE_MAX");
	n.message_len = STORE_NOTICE_MAX;
	is_int(store_outbox_add(st, &n, NULL), STORE_OK,
	    "outbox add: message of STORE_NOTICE_MAX");
	is_str(raw_query(tpath("o.db"), "SELECT length(message) FROM outbox"),
	    "1048576", "the largest notice stored whole");
	ok(raw_exec(tpath("o.db"), "DELETE FROM outbox") == 0, "cleared");
}

static void
test_outbox(void)
{
	struct store *st = open_db("o.db", STORE_OPEN_CREATE);
	struct store_case c = mkcase(0, 0, "x@y.example", "o", "");
	int64_t cnum, id1, id2, id3, id4;
	int rc;

	if (st == NULL)
		return;
	is_int(store_case_open(st, &c, 100000, 1, &cnum), STORE_OK, "case");
	test_outbox_add_input(st, cnum);

	id1 = notice_add(st, cnum, "Bob@Acme.example", "case-created", "one",
	    100, 100, STORE_OK);
	id2 = notice_add(st, 0, "carol@x.example", "pin-delivery", "two", 90,
	    150, STORE_OK);
	id3 = notice_add(st, cnum, "bob@acme.example",
	    "verification-request", "three", 110, 105, STORE_OK);
	id4 = notice_add(st, 0, "dan@x.example", "pin-delivery", "four", 120,
	    500, STORE_OK);
	ok(id1 > 0 && id2 > id1 && id3 > id2 && id4 > id3, "ids given");

	is_str(due(st, 99, 10, &rc), "", "nothing due before 100");
	is_str(due(st, 105, 10, &rc),
	    "1:Bob@Acme.example:one:0,3:bob@acme.example:three:0",
	    "due at 105: oldest first, next_try <= now");
	is_int(rc, STORE_OK, "due: ok");
	is_str(due(st, 200, 10, &rc), "2:carol@x.example:two:0,"
	    "1:Bob@Acme.example:one:0,3:bob@acme.example:three:0",
	    "due at 200: by creation time, not by id");
	is_str(due(st, 200, 2, &rc), "2:carol@x.example:two:0,"
	    "1:Bob@Acme.example:one:0", "due: limit 2");
	is_str(due(st, 200, 0, &rc), "", "due: limit 0");
	is_int(store_outbox_due(st, 200, 100000, due_cb, &(struct due_out){
	    .st = st }), STORE_INVALID, "due: limit too large");
	{
		struct due_out o = { .st = st, .stop_after = 1 };

		is_int(store_outbox_due(st, 200, 10, due_cb, &o), 99,
		    "due: a callback's non-zero return stops and is returned");
		is_int(o.rows, 1, "due: stopped after one");
	}

	/* Claimed before the send: counted once, by one process only. */
	is_int(store_outbox_claim(st, id2, 1, 300), STORE_NOTFOUND,
	    "claim: attempts not as read (another process took it): refused");
	is_int(store_outbox_claim(st, id2, 0, 150), STORE_OK, "claim");
	is_str(raw_query(tpath("o.db"), "SELECT attempts || '/' || next_try "
	    "FROM outbox WHERE id = 2"), "1/150",
	    "claimed: one attempt counted, due again when the lease ends");
	is_int(store_outbox_claim(st, id2, 0, 300), STORE_NOTFOUND,
	    "claim again as read before: refused");
	/* Sent: no longer due, bytes gone. */
	is_int(store_outbox_mark_sent(st, id2, 210), STORE_OK, "mark sent");
	is_str(raw_query(tpath("o.db"), "SELECT typeof(message) || '/' || "
	    "sent_at FROM outbox WHERE id = 2"), "null/210",
	    "sent: message IS NULL, sent_at set");
	is_int(store_outbox_mark_sent(st, id2, 220), STORE_OK,
	    "mark sent again");
	is_str(raw_query(tpath("o.db"), "SELECT sent_at || '/' || attempts "
	    "FROM outbox WHERE id = 2"), "210/1",
	    "sent again: the first time stays, one attempt counted");
	is_int(store_outbox_mark_sent(st, 999, 1), STORE_NOTFOUND,
	    "mark sent: unknown id");
	is_int(store_outbox_claim(st, id2, 1, 300), STORE_NOTFOUND,
	    "claim: a sent notice, never");

	/* A stop cuts the send short: the claim undone. */
	is_int(store_outbox_claim(st, id1, 0, 700), STORE_OK, "claim id1");
	is_int(store_outbox_unclaim(st, id1, 100), STORE_OK, "unclaim");
	is_str(raw_query(tpath("o.db"), "SELECT attempts || '/' || next_try "
	    "FROM outbox WHERE id = 1"), "0/100",
	    "unclaimed: as it was before the claim");

	/* Failed: attempts, retry time, error; due again only then. */
	(void)store_outbox_claim(st, id1, 0, 100);
	is_int(store_outbox_mark_failed(st, id1, 400, "connect: refused",
	    false), STORE_OK, "mark failed");
	is_str(raw_query(tpath("o.db"), "SELECT attempts || '/' || next_try || "
	    "'/' || last_error || '/' || dead || '/' || hex(message) FROM "
	    "outbox WHERE id = 1"), "1/400/connect: refused/0/6F6E65",
	    "failed: attempts 1, next_try, last_error, bytes kept");
	(void)store_outbox_claim(st, id1, 1, 100);
	is_int(store_outbox_mark_failed(st, id1, 450, NULL, false), STORE_OK,
	    "mark failed again, no error text");
	is_str(raw_query(tpath("o.db"), "SELECT attempts || '/' || next_try || "
	    "'/' || last_error FROM outbox WHERE id = 1"), "2/450/",
	    "failed twice: attempts 2");
	is_str(due(st, 449, 10, &rc), "3:bob@acme.example:three:0",
	    "a failed notice is not due before its next try");
	is_str(due(st, 450, 10, &rc),
	    "1:Bob@Acme.example:one:2,3:bob@acme.example:three:0",
	    "due again at its next try, with its attempts");
	is_int(store_outbox_mark_failed(st, id2, 1, "x", false),
	    STORE_NOTFOUND, "mark failed: a sent notice");
	is_int(store_outbox_mark_failed(st, 999, 1, "x", false),
	    STORE_NOTFOUND, "mark failed: unknown id");
	is_int(store_outbox_mark_failed(st, id1, 1, "a\r\nb", false),
	    STORE_INVALID, "mark failed: control characters in the error");

	/* Dead: never due again, bytes gone. */
	(void)store_outbox_claim(st, id3, 0, 100);
	is_int(store_outbox_mark_failed(st, id3, 460, "550 no such user",
	    true), STORE_OK, "mark dead");
	is_str(raw_query(tpath("o.db"), "SELECT attempts || '/' || dead || "
	    "'/' || typeof(message) || '/' || typeof(sent_at) FROM outbox "
	    "WHERE id = 3"), "1/1/null/null", "dead: flagged, bytes dropped, not sent");
	is_str(due(st, 100000, 10, &rc), "1:Bob@Acme.example:one:2,"
	    "4:dan@x.example:four:0", "dead and sent are never due");
	{
		struct due_out o = { .st = st, .send_id = id4 };

		is_int(store_outbox_due(st, 100000, 10, due_cb, &o), STORE_OK,
		    "due: a callback may use the store");
		is_str(due(st, 100000, 10, &rc), "1:Bob@Acme.example:one:2",
		    "marked sent from the callback");
	}
	store_close(st);
}

/* ---- outbox counts and listing ---- */

static void
test_outbox_count(void)
{
	static const struct {
		const char *to, *kind;
		time_t since;
		int want_rc;
		unsigned want;
		time_t newest;
	} counts[] = {
		{ "bob@acme.example", NULL, 0, STORE_OK, 3, 130 },
		{ "BOB@ACME.EXAMPLE", NULL, 0, STORE_OK, 3, 130 },
		{ "bob@acme.example", NULL, 110, STORE_OK, 2, 130 },
		{ "bob@acme.example", NULL, 111, STORE_OK, 1, 130 },
		{ "bob@acme.example", NULL, 131, STORE_OK, 0, 0 },
		{ "bob@acme.example", "case-created", 0, STORE_OK, 1, 100 },
		{ "bob@acme.example", "verification-request", 0, STORE_OK, 2,
		    130 },
		{ "bob@acme.example", "pin-delivery", 0, STORE_OK, 0, 0 },
		{ "carol@x.example", NULL, 0, STORE_OK, 1, 90 },
		{ "nobody@x.example", NULL, 0, STORE_OK, 0, 0 },
		{ "", NULL, 0, STORE_INVALID, 0, 0 },
		{ "bob@acme.example", "", 0, STORE_INVALID, 0, 0 },
	};
	struct store *st = open_db("o.db", 0);
	unsigned n;
	time_t at;
	size_t i;

	if (st == NULL)
		return;
	/* o.db: Bob@Acme (created 100), carol (90), bob (110), dan (120) */
	notice_add(st, 0, "bob@ACME.example", "verification-request", "five",
	    130, 130, STORE_OK);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		n = 77;
		is_int(store_outbox_count(st, counts[i].to, counts[i].kind,
		    counts[i].since, &n), counts[i].want_rc,
		    "count [%zu] %s", i, counts[i].to);
		is_int(n, counts[i].want, "count [%zu]: %u", i, counts[i].want);
		at = 77;
		is_int(store_outbox_newest(st, counts[i].to, counts[i].kind,
		    counts[i].since, &at), counts[i].want_rc,
		    "newest [%zu] %s", i, counts[i].to);
		is_int(at, counts[i].newest, "newest [%zu]: %lld", i,
		    (long long)counts[i].newest);
	}
	store_close(st);
}

static int
list_notice(const struct store_notice *n, void *arg)
{
	struct list_out *o = arg;
	size_t len = strlen(o->text);

	(void)snprintf(o->text + len, sizeof(o->text) - len,
	    "%s%lld:%lld:%s:%s:%lld:%u:%lld:%lld:%d:%s:%s", len ? " " : "",
	    (long long)n->id, (long long)n->case_number, n->recipient, n->kind,
	    (long long)n->created, n->attempts, (long long)n->next_try,
	    (long long)n->sent_at, n->dead, n->last_error,
	    n->message == NULL && n->message_len == 0 ? "nobytes" : "BYTES");
	return 0;
}

static void
test_outbox_list(void)
{
	struct store *st = open_db("o.db", STORE_OPEN_READONLY);
	struct list_out o;

	if (st == NULL)
		return;
	memset(&o, 0, sizeof(o));
	is_int(store_outbox_list(st, list_notice, &o), STORE_OK, "outbox list");
	is_str(o.text,
	    "5:0:bob@ACME.example:verification-request:130:0:130:0:0::nobytes "
	    "4:0:dan@x.example:pin-delivery:120:1:500:9999:0::nobytes "
	    "3:100000:bob@acme.example:verification-request:110:1:460:0:1:"
	    "550 no such user:nobytes "
	    "1:100000:Bob@Acme.example:case-created:100:2:450:0:0::nobytes "
	    "2:0:carol@x.example:pin-delivery:90:1:150:210:0::nobytes",
	    "outbox list: newest first, every field, never the bytes "
	    "(a sent notice counts the attempt that sent it, once)");
	store_close(st);
}

int
main(void)
{
	struct store *st;

	tdir_make("pm-test-cases");
	st = open_db("c.db", STORE_OPEN_CREATE);
	if (st != NULL) {
		setup(st);
		test_numbering(st);
		test_case_input(st);
		test_authenticate(st);
		test_verification(st);
		test_message_ids(st);
		test_external(st);
		test_case_list(st);
		store_close(st);
	}
	test_numbering_fresh();
	test_race();
	test_outbox();
	test_outbox_count();
	test_outbox_list();
	rmtree(tdir);
	return tap_done();
}
