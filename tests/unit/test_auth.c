/*
 * test_auth.c - PIN verification with lockout and audit, on a real store.
 *
 * A table of attempts against one user, with injected times (no
 * sleeping), checks each result and the failure counter, window and lock
 * after it: per-candidate counting, too many candidates, lockout within
 * the window, no extension while locked, expiry, window expiry, success
 * reset, and auth_set_pin clearing a lock.  Then the audit rows (exact
 * results and details, never a PIN, in any column or anywhere in the
 * database files), and the error paths: a write lock held elsewhere, a
 * read-only store and a failing audit insert must give AUTH_ERROR, never
 * a pass, and leave nothing half-written.  The pending PIN (a PIN mailed
 * on request): either PIN verifies until one is used, the other is then
 * dropped; it expires after AUTH_PENDING_LIFETIME; a new one replaces only
 * the pending one; an administrator's PIN drops it; it never unlocks; each
 * candidate is still one guess, and the budget is the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pin/auth.h"
#include "util/timeconst.h"
#include "tap.h"
#include "testutil.h"

#define PIN_A	"123456"
#define PIN_A2	"654321"
#define PIN_C	"000042"

static struct secret_key *key;
static const struct lockout_policy pol = { 5, 900, 3600 };

/* Every string used as a PIN or candidate anywhere in this test. */
static const char *const all_pins[] = {
	PIN_A, PIN_A2, PIN_C, "111111", "222222", "999999", "000001",
	"000002", "000003", "000004", "000009", "424242", "13579",
	"555555", "777777", "888888",
};

static struct store *
open_store(unsigned busy, int flags)
{
	struct store *st = NULL;
	char err[512];

	if (store_open(tpath("a.db"), busy, flags, &st, err, sizeof(err)) !=
	    STORE_OK)
		printf("# open: %s\n", err);
	return st;
}

static enum auth_result
verify(struct store *st, const char *email, const char *const *cand,
    size_t n, unsigned max, time_t now, struct store_user *u)
{
	struct auth_request req = {
		.email = email, .candidates = cand, .ncandidates = n,
		.max_candidates = max, .actor = "pinmilter", .channel = "email",
		.case_number = 0, .ref = "Q1",
	};

	return auth_verify(st, key, &pol, &req, now, u);
}

static int64_t
user_id(struct store *st, const char *email)
{
	struct store_user u;

	return store_user_find(st, email, &u) == STORE_OK ? u.id : 0;
}

static void
setup(struct store *st)
{
	static const char *const emails[] = {
		"alice@example.com", "bob@example.com", "carol@example.com",
		"dave@example.com",
	};
	struct store_user u;
	int64_t acc = 0;
	size_t i;

	is_int(store_account_add(st, "acme", 1, &acc), STORE_OK, "account");
	for (i = 0; i < sizeof(emails) / sizeof(emails[0]); i++) {
		memset(&u, 0, sizeof(u));
		u.account_id = acc;
		(void)snprintf(u.email, sizeof(u.email), "%s", emails[i]);
		is_int(store_user_add(st, &u, 1, NULL), STORE_OK, "add %s",
		    emails[i]);
	}
	is_int(auth_set_pin(st, key, user_id(st, "alice@example.com"), PIN_A,
	    "pinctl:root", "pin.set", 10), STORE_OK, "alice's PIN set");
	is_int(auth_set_pin(st, key, user_id(st, "carol@example.com"), PIN_C,
	    "pinctl:root", "pin.issue", 11), STORE_OK, "carol's PIN issued");
	is_int(auth_set_pin(st, key, user_id(st, "dave@example.com"), PIN_A,
	    "pinctl:root", "pin.set", 12), STORE_OK, "dave's PIN set");
}

/* ---- the attempts table ---- */

struct attempt {
	time_t now;
	const char *cand[4];
	size_t n;
	unsigned max;
	enum auth_result want;
	unsigned failures;
	time_t window_start;
	time_t locked_until;
};

static const struct attempt attempts[] = {
	/* right PIN */
	{ 1000, { PIN_A }, 1, 3, AUTH_PASS, 0, 0, 0 },
	/* one wrong: one failure, window opens */
	{ 1010, { "111111" }, 1, 3, AUTH_FAIL, 1, 1010, 0 },
	/* two wrong: two failures */
	{ 1020, { "111111", "222222" }, 2, 3, AUTH_FAIL, 3, 1010, 0 },
	/* right PIN second of two: pass, counter reset */
	{ 1030, { "999999", PIN_A }, 2, 3, AUTH_PASS, 0, 0, 0 },
	/* too many: one failure, nothing tested */
	{ 1040, { "000001", "000002", "000003", "000004" }, 4, 3,
	    AUTH_TOO_MANY, 1, 1040, 0 },
	/* too many even with the right PIN among them */
	{ 1050, { PIN_A, "000001", "000002", "000003" }, 4, 3,
	    AUTH_TOO_MANY, 2, 1040, 0 },
	/* no candidate: a fail that counts nothing */
	{ 1060, { NULL }, 0, 3, AUTH_FAIL, 2, 1040, 0 },
	/* malformed candidates are guesses too */
	{ 1065, { "13579", "abcdef" }, 2, 3, AUTH_FAIL, 4, 1040, 0 },
	/* the fifth failure locks until 1070 + 3600 */
	{ 1070, { "000001" }, 1, 3, AUTH_FAIL, 0, 0, 4670 },
	/* locked: the right PIN fails, the lock is not extended */
	{ 1080, { PIN_A }, 1, 3, AUTH_LOCKED, 0, 0, 4670 },
	{ 4669, { "000009" }, 1, 3, AUTH_LOCKED, 0, 0, 4670 },
	/* lock expired: the right PIN passes */
	{ 4670, { PIN_A }, 1, 3, AUTH_PASS, 0, 0, 4670 },
	/* failures in a window, and a new window after FailureWindow */
	{ 5000, { "000001" }, 1, 3, AUTH_FAIL, 1, 5000, 0 },
	{ 5899, { "000001" }, 1, 3, AUTH_FAIL, 2, 5000, 0 },
	{ 5900, { "000001" }, 1, 3, AUTH_FAIL, 1, 5900, 0 },
	/* no limit on candidates (max 0): four failures lock */
	{ 6000, { "000001", "000002", "000003", "000004" }, 4, 0,
	    AUTH_FAIL, 0, 0, 9600 },
	{ 6001, { PIN_A }, 1, 3, AUTH_LOCKED, 0, 0, 9600 },
};

static void
test_attempts(struct store *st)
{
	struct store_user u, again;
	const struct attempt *a;
	enum auth_result r;
	size_t i;

	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		a = &attempts[i];
		r = verify(st, "alice@example.com", a->cand, a->n, a->max,
		    a->now, &u);
		is_str(auth_result_name(r), auth_result_name(a->want),
		    "attempt %zu at %lld: result", i, (long long)a->now);
		is_int(u.lock.failures, a->failures, "attempt %zu: failures", i);
		is_int(u.lock.window_start, a->window_start,
		    "attempt %zu: window start", i);
		is_int(u.lock.locked_until, a->locked_until,
		    "attempt %zu: locked until", i);
		is_int(store_user_find(st, "alice@example.com", &again),
		    STORE_OK, "attempt %zu: re-read", i);
		ok(again.lock.failures == u.lock.failures &&
		    again.lock.window_start == u.lock.window_start &&
		    again.lock.locked_until == u.lock.locked_until,
		    "attempt %zu: stored state is the returned state", i);
	}
	is_str(u.email, "alice@example.com", "user row returned");

	/* Setting a PIN clears the lock; the old PIN is then wrong. */
	is_int(auth_set_pin(st, key, u.id, PIN_A2, "pinctl:root", "pin.set",
	    6002), STORE_OK, "set a new PIN while locked");
	is_int(store_user_find(st, "alice@example.com", &u), STORE_OK, "re-read");
	ok(u.lock.failures == 0 && u.lock.window_start == 0 &&
	    u.lock.locked_until == 0, "auth_set_pin cleared the lock");
	is_int(u.pin_set_at, 6002, "pin_set_at");
	{
		const char *old[] = { PIN_A }, *nw[] = { PIN_A2 };

		is_int(verify(st, "alice@example.com", old, 1, 3, 6003, &u),
		    AUTH_FAIL, "old PIN fails after the change");
		is_int(u.lock.failures, 1, "and counts");
		is_int(verify(st, "ALICE@EXAMPLE.COM", nw, 1, 3, 6004, &u),
		    AUTH_PASS, "new PIN passes (address in any case)");
		is_int(u.lock.failures, 0, "success reset the counter");
	}
}

static void
test_others(struct store *st)
{
	const char *a[] = { PIN_A }, *c[] = { PIN_C }, *none[] = { NULL };
	struct store_user u;

	is_int(verify(st, "bob@example.com", a, 1, 3, 7000, &u), AUTH_NO_PIN,
	    "user without a PIN");
	is_int(u.lock.failures, 0, "no PIN: nothing counted");
	is_str(u.email, "bob@example.com", "no PIN: user row returned");
	is_int(verify(st, "nobody@example.com", a, 1, 3, 7001, &u),
	    AUTH_NO_USER, "unknown user");
	is_int(u.id, 0, "unknown user: empty row");
	is_int(verify(st, "not an\naddress", a, 1, 3, 7002, &u), AUTH_NO_USER,
	    "malformed address is no user");
	is_int(verify(st, "carol@example.com", c, 1, 1, 7003, NULL), AUTH_PASS,
	    "carol passes (no user row wanted)");
	is_int(verify(st, "carol@example.com", none, 1, 1, 7004, &u), AUTH_FAIL,
	    "a NULL candidate fails");
	is_int(u.lock.failures, 1, "NULL candidate counted");
	is_int(auth_verify(st, key, &pol, NULL, 7005, &u), AUTH_ERROR,
	    "no request: error");

	/* auth_set_pin input checks */
	is_int(auth_set_pin(st, key, u.id, "12345", "t", "pin.set", 1),
	    STORE_INVALID, "five digits refused");
	is_int(auth_set_pin(st, key, u.id, "1234567", "t", "pin.set", 1),
	    STORE_INVALID, "seven digits refused");
	is_int(auth_set_pin(st, key, u.id, "12345a", "t", "pin.set", 1),
	    STORE_INVALID, "a letter refused");
	is_int(auth_set_pin(st, key, u.id, NULL, "t", "pin.set", 1),
	    STORE_INVALID, "NULL refused");
	is_int(auth_set_pin(st, key, 424242, "424242", "t", "pin.set", 1),
	    STORE_NOTFOUND, "unknown user id");
	is_int(verify(st, "carol@example.com", c, 1, 1, 7006, &u), AUTH_PASS,
	    "carol's PIN unchanged by refused sets");
}

/* ---- audit ---- */

struct rows {
	char text[4096];
	int n;
	int pin_seen;
};

static int
collect(const struct store_audit *a, void *arg)
{
	const char *fields[] = { a->actor, a->action, a->email, a->result,
	    a->detail };
	struct rows *r = arg;
	size_t len = strlen(r->text), i, j;

	(void)snprintf(r->text + len, sizeof(r->text) - len, "%s%s:%s",
	    len ? "," : "", a->action, a->result);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		for (j = 0; j < sizeof(all_pins) / sizeof(all_pins[0]); j++)
			if (strstr(fields[i], all_pins[j]) != NULL)
				r->pin_seen++;
	r->n++;
	return 0;
}

static int
first_detail(const struct store_audit *a, void *arg)
{
	struct store_audit *out = arg;

	if (strcmp(a->action, "pin.verify") == 0 && a->at == out->at) {
		*out = *a;
		return 1;
	}
	return 0;
}

static void
test_audit(struct store *st)
{
	struct store_audit_filter f = { "alice@example.com", 0, 0 };
	struct store_audit a;
	struct rows r;

	memset(&r, 0, sizeof(r));
	is_int(store_audit_list(st, &f, collect, &r), STORE_OK, "alice's audit");
	is_str(r.text, "pin.set:ok,"
	    "pin.verify:pass,pin.verify:fail,pin.verify:fail,pin.verify:pass,"
	    "pin.verify:too-many,pin.verify:too-many,pin.verify:fail,"
	    "pin.verify:fail,pin.verify:fail,pin.verify:locked,"
	    "pin.verify:locked,pin.verify:pass,pin.verify:fail,"
	    "pin.verify:fail,pin.verify:fail,pin.verify:fail,"
	    "pin.verify:locked,pin.set:ok,pin.verify:fail,pin.verify:pass",
	    "one row per attempt, exact results, in order");

	memset(&a, 0, sizeof(a));
	a.at = 1020;
	is_int(store_audit_list(st, &f, first_detail, &a), 1, "row at 1020");
	is_str(a.detail, "channel=email candidates=2 ref=Q1", "detail");
	is_str(a.actor, "pinmilter", "actor");
	a.at = 1070;
	is_int(store_audit_list(st, &f, first_detail, &a), 1, "row at 1070");
	is_str(a.detail, "channel=email candidates=1 ref=Q1 locked-now",
	    "the locking attempt is marked");

	f.email = "carol@example.com";
	memset(&r, 0, sizeof(r));
	is_int(store_audit_list(st, &f, collect, &r), STORE_OK, "carol's audit");
	is_str(r.text, "pin.issue:ok,pin.verify:pass,pin.verify:fail,"
	    "pin.verify:pass", "carol: issue, then verifications");
	f.email = "bob@example.com";
	memset(&r, 0, sizeof(r));
	is_int(store_audit_list(st, &f, collect, &r), STORE_OK, "bob's audit");
	is_str(r.text, "pin.verify:no-pin", "bob: no-pin");
	f.email = "nobody@example.com";
	memset(&r, 0, sizeof(r));
	is_int(store_audit_list(st, &f, collect, &r), STORE_OK, "nobody's");
	is_str(r.text, "pin.verify:no-user", "unknown user is audited");
	f.email = "not an?address";
	memset(&r, 0, sizeof(r));
	is_int(store_audit_list(st, &f, collect, &r), STORE_OK, "malformed");
	is_str(r.text, "pin.verify:no-user",
	    "malformed address audited, control character replaced");

	memset(&r, 0, sizeof(r));
	is_int(store_audit_list(st, NULL, collect, &r), STORE_OK, "all rows");
	is_int(r.n, 29, "29 audit rows in all (dave's PIN set included)");
	is_int(r.pin_seen, 0, "no PIN or candidate in any audit column");
}

/* ---- errors: never a pass that was not recorded ---- */

static int
count_rows(struct store *st)
{
	struct rows r;

	memset(&r, 0, sizeof(r));
	if (store_audit_list(st, NULL, collect, &r) != STORE_OK)
		return -1;
	return r.n;
}

/*
 * ---- the guess budget ----
 * Never more than MaxFailures (5) wrong guesses in a window, whatever
 * the candidates per message: only the first (5 - failures so far)
 * candidates are tested; the rest, the right PIN included, are not.
 * Each row is one attempt by dave; "tested" is the wrong guesses the
 * attempt may have counted (failures after minus before, or the lock).
 */
struct battempt {
	time_t now;
	const char *cand[4];
	size_t n;
	enum auth_result want;
	unsigned failures;
	time_t locked_until;
	const char *detail;
};

static const struct battempt battempts[] = {
	{ 100, { "111111" }, 1, AUTH_FAIL, 1, 0, NULL },
	{ 101, { "111111" }, 1, AUTH_FAIL, 2, 0, NULL },
	{ 102, { "111111" }, 1, AUTH_FAIL, 3, 0, NULL },
	{ 103, { "111111" }, 1, AUTH_FAIL, 4, 0, NULL },
	/* four single guesses, then three candidates: one tested (5 in all) */
	{ 104, { "000001", "000002", "000003" }, 3, AUTH_FAIL, 0, 3704,
	    "channel=email candidates=3 untested=2 ref=Q1 locked-now" },
	{ 105, { PIN_A }, 1, AUTH_LOCKED, 0, 3704,
	    "channel=email candidates=1 ref=Q1" },
	/* lock over: a fresh window allows five; three tested, all wrong */
	{ 3704, { "000001", "000002", "000003" }, 3, AUTH_FAIL, 3, 0,
	    "channel=email candidates=3 ref=Q1" },
	/* budget 2: the right PIN second is tested and passes */
	{ 3705, { "000004", PIN_A, "000009" }, 3, AUTH_PASS, 0, 0,
	    "channel=email candidates=3 untested=1 ref=Q1" },
	{ 3800, { "000001", "000002", "000003" }, 3, AUTH_FAIL, 3, 0, NULL },
	{ 3801, { "000004" }, 1, AUTH_FAIL, 4, 0, NULL },
	/* budget 1: the right PIN second is not tested: not authenticated */
	{ 3802, { "000009", PIN_A }, 2, AUTH_FAIL, 0, 7402,
	    "channel=email candidates=2 untested=1 ref=Q1 locked-now" },
	/* window closed (900 s): the budget is five again */
	{ 7402, { "000001", "000002" }, 2, AUTH_FAIL, 2, 0, NULL },
	{ 8302, { "000001", "000002", "000003" }, 3, AUTH_FAIL, 3, 0,
	    "channel=email candidates=3 ref=Q1" },
};

static void
test_budget(struct store *st)
{
	struct store_audit_filter f = { "dave@example.com", 0, 0 };
	struct store_user u;
	struct store_audit a;
	const struct battempt *b;
	struct store *st2;
	size_t i;

	for (i = 0; i < sizeof(battempts) / sizeof(battempts[0]); i++) {
		b = &battempts[i];
		is_str(auth_result_name(verify(st, "dave@example.com", b->cand,
		    b->n, 3, b->now, &u)), auth_result_name(b->want),
		    "budget %zu at %lld: result", i, (long long)b->now);
		is_int(u.lock.failures, b->failures, "budget %zu: failures", i);
		is_int(u.lock.locked_until, b->locked_until,
		    "budget %zu: locked until", i);
		if (b->detail == NULL)
			continue;
		memset(&a, 0, sizeof(a));
		a.at = b->now;
		is_int(store_audit_list(st, &f, first_detail, &a), 1,
		    "budget %zu: audit row", i);
		is_str(a.detail, b->detail, "budget %zu: audit detail", i);
	}

	/*
	 * Two connections to the same file (two milter threads, or the
	 * milter and pinctl): the budget is read in the transaction that
	 * records the guesses, so the second sees the first's failures.
	 */
	is_int(auth_set_pin(st, key, u.id, PIN_A, "pinctl:root", "pin.set",
	    9000), STORE_OK, "dave's PIN set again (clears the count)");
	st2 = open_store(1000, 0);
	ok(st2 != NULL, "second connection");
	if (st2 == NULL)
		return;
	{
		const char *w3[] = { "000001", "000002", "000003" };
		const char *w3b[] = { "000004", "000009", PIN_A };

		is_int(verify(st, "dave@example.com", w3, 3, 3, 9001, &u),
		    AUTH_FAIL, "connection 1: three wrong");
		is_int(u.lock.failures, 3, "connection 1: three counted");
		is_int(verify(st2, "dave@example.com", w3b, 3, 3, 9002, &u),
		    AUTH_FAIL, "connection 2: the right PIN third, untested");
		is_int(u.lock.locked_until, 9002 + 3600,
		    "connection 2: two tested, five in the window, locked");
	}
	store_close(st2);
}

static void
test_errors(struct store *st)
{
	const char *right[] = { PIN_A2 }, *wrong[] = { "111111" };
	struct store *other, *ro, *w;
	struct store_user u;
	int n0;

	n0 = count_rows(st);
	/* Another connection holds the write lock. */
	other = open_store(1000, 0);
	ok(other != NULL, "second connection");
	is_int(store_begin(other), STORE_OK, "second holds the write lock");
	store_close(st);
	st = NULL;
	w = open_store(20, 0);
	is_int(verify(w, "alice@example.com", right, 1, 3, 8000, &u),
	    AUTH_ERROR, "locked database: right PIN gives error, not pass");
	is_str(store_errmsg(w), "database is locked (busy past 20 ms)",
	    "locked database: message");
	is_int(auth_set_pin(w, key, user_id(w, "alice@example.com"), PIN_A,
	    "t", "pin.set", 8001), STORE_BUSY, "locked database: set refused");
	store_rollback(other);
	store_close(other);
	is_int(count_rows(w), n0, "locked database: no audit row written");
	store_close(w);

	/* A read-only store. */
	ro = open_store(20, STORE_OPEN_READONLY);
	is_int(verify(ro, "alice@example.com", right, 1, 3, 8002, &u),
	    AUTH_ERROR, "read-only: right PIN gives error");
	is_int(auth_set_pin(ro, key, user_id(ro, "alice@example.com"), PIN_A,
	    "t", "pin.set", 8003), STORE_READONLY, "read-only: set refused");
	store_close(ro);

	/* The audit insert fails inside the transaction: all rolled back. */
	ok(raw_exec(tpath("a.db"), "CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN "
	    "SELECT RAISE(ABORT, 'audit refused'); END;") == 0,
	    "audit inserts made to fail");
	st = open_store(1000, 0);
	is_int(verify(st, "alice@example.com", wrong, 1, 3, 8004, &u),
	    AUTH_ERROR, "failing audit: wrong PIN gives error");
	is_int(u.lock.failures, 0, "failing audit: returned state unchanged");
	is_int(store_user_find(st, "alice@example.com", &u), STORE_OK, "re-read");
	is_int(u.lock.failures, 0, "failing audit: failure not stored");
	is_int(verify(st, "alice@example.com", right, 1, 3, 8005, &u),
	    AUTH_ERROR, "failing audit: right PIN gives error, not pass");
	is_int(verify(st, "nobody@example.com", right, 1, 3, 8006, &u),
	    AUTH_ERROR, "failing audit: unknown user gives error");
	ok(strstr(store_errmsg(st), "audit refused") != NULL,
	    "failing audit: message \"%s\"", store_errmsg(st));
	is_int(auth_set_pin(st, key, user_id(st, "alice@example.com"), PIN_A,
	    "t", "pin.set", 8007), STORE_CONSTRAINT,
	    "failing audit: PIN change refused");
	store_close(st);
	ok(raw_exec(tpath("a.db"), "DROP TRIGGER no_audit;") == 0, "audit inserts work again");
	st = open_store(1000, 0);
	is_int(verify(st, "alice@example.com", right, 1, 3, 8009, &u),
	    AUTH_PASS, "PIN unchanged by the failed set");
	is_int(count_rows(st), n0 + 1, "only the last verification recorded");
	store_close(st);
}


/* ---- the pending PIN (a PIN mailed on request) ---- */

#define TP	((time_t)200000)

static void
pending_user(struct store *st, const char *email, int64_t *id)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	u.account_id = 1;
	(void)snprintf(u.email, sizeof(u.email), "%s", email);
	is_int(store_user_add(st, &u, 1, id), STORE_OK, "add %s", email);
}

static struct store_user
reread(struct store *st, const char *email)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	(void)store_user_find(st, email, &u);
	return u;
}

/* Mail PIN to EMAIL at NOW: the store result and *UNTIL. */
static int
mail_pin(struct store *st, const char *email, const char *pin, time_t now,
    time_t *until)
{
	int rc;

	if ((rc = store_begin(st)) != STORE_OK)
		return rc;
	rc = auth_mail_pin_in(st, key, user_id(st, email), pin, "pinmilter",
	    now, until);
	if (rc == STORE_OK)
		rc = store_commit(st);
	else
		store_rollback(st);
	return rc;
}

static int
last_row(const struct store_audit *a, void *arg)
{
	*(struct store_audit *)arg = *a;
	return 0;
}

/* The newest audit row of EMAIL: "action:result detail". */
static const char *
last_audit(struct store *st, const char *email)
{
	static char buf[STORE_DETAIL_MAX + 64];
	struct store_audit_filter f = { email, 0, 0 };
	struct store_audit a;

	memset(&a, 0, sizeof(a));
	(void)store_audit_list(st, &f, last_row, &a);
	(void)snprintf(buf, sizeof(buf), "%s:%s %s", a.action, a.result,
	    a.detail);
	return buf;
}

static void
test_pending_use(struct store *st)
{
	static const char *const old[] = { PIN_A }, *const neu[] = { "555555" };
	static const char *const other[] = { "777777" };
	struct store_user u;
	time_t until = 0;

	pending_user(st, "erin@example.com", NULL);
	is_int(auth_set_pin(st, key, user_id(st, "erin@example.com"), PIN_A,
	    "pinctl:root", "pin.set", TP), STORE_OK, "erin's PIN set");
	is_int(mail_pin(st, "erin@example.com", "555555", TP + 10, &until),
	    STORE_OK, "a PIN mailed to erin");
	is_int(until, TP + 10 + DAY, "pending for 24 h");
	is_str(last_audit(st, "erin@example.com"),
	    "pin.issue:pending mailed pending-until=1970-01-04T07:33:30Z",
	    "audited as pending, with its expiry");
	u = reread(st, "erin@example.com");
	ok(u.has_pin && u.has_pending, "erin has a PIN and a pending one");
	is_int(u.pin_set_at, TP, "the current PIN is kept");
	is_int(u.pending_set_at, TP + 10, "pending since");
	is_int(u.pending_until, TP + 10 + DAY, "pending until");

	/* the old PIN still verifies; using it drops the pending one */
	is_int(verify(st, "erin@example.com", old, 1, 3, TP + 20, &u),
	    AUTH_PASS, "the old PIN verifies after a lost-PIN request");
	ok(!u.has_pending, "... and drops the pending PIN");
	ok(!reread(st, "erin@example.com").has_pending, "... in the store");
	is_str(last_audit(st, "erin@example.com"), "pin.verify:pass "
	    "channel=email candidates=1 ref=Q1 pending=dropped",
	    "audited: pending dropped");
	is_int(verify(st, "erin@example.com", neu, 1, 3, TP + 30, &u),
	    AUTH_FAIL, "the dropped pending PIN no longer verifies");
	is_int(u.lock.failures, 1, "... one failure");

	/* the pending PIN verifies; then it is the PIN, the old one gone */
	is_int(mail_pin(st, "erin@example.com", "555555", TP + 40, &until),
	    STORE_OK, "another PIN mailed");
	is_int(verify(st, "erin@example.com", neu, 1, 3, TP + 50, &u),
	    AUTH_PASS, "the pending PIN verifies");
	ok(u.has_pin && !u.has_pending, "it is now the PIN");
	is_int(u.pin_set_at, TP + 40, "pin_set_at: when it was mailed");
	is_int(u.lock.failures, 0, "a pass resets the failures");
	is_str(last_audit(st, "erin@example.com"), "pin.verify:pass "
	    "channel=email candidates=1 ref=Q1 pending=used",
	    "audited: pending used");
	u = reread(st, "erin@example.com");
	ok(!u.has_pending && u.pin_set_at == TP + 40, "... in the store");
	is_int(verify(st, "erin@example.com", old, 1, 3, TP + 60, &u),
	    AUTH_FAIL, "the old PIN no longer verifies");
	is_int(verify(st, "erin@example.com", neu, 1, 3, TP + 70, &u),
	    AUTH_PASS, "the used PIN still does");

	/* a new request replaces only the pending PIN */
	is_int(mail_pin(st, "erin@example.com", "777777", TP + 100, &until),
	    STORE_OK, "a PIN mailed");
	is_int(mail_pin(st, "erin@example.com", "888888", TP + 200, &until),
	    STORE_OK, "another PIN mailed");
	is_str(last_audit(st, "erin@example.com"), "pin.issue:pending "
	    "mailed pending-until=1970-01-04T07:36:40Z replaced-pending",
	    "audited: it replaced a pending PIN");
	is_int(verify(st, "erin@example.com", other, 1, 3, TP + 210, &u),
	    AUTH_FAIL, "the replaced pending PIN does not verify");
	ok(u.has_pending, "... the newest pending PIN is kept");
	is_int(verify(st, "erin@example.com", neu, 1, 3, TP + 220, &u),
	    AUTH_PASS, "the current PIN still verifies");
}

static void
test_pending_expiry(struct store *st)
{
	static const char *const cur[] = { "555555" }, *const p8[] = { "888888" };
	struct store_user u;
	time_t until = 0, t = TP + 1000;

	is_int(mail_pin(st, "erin@example.com", "888888", t, &until),
	    STORE_OK, "a PIN mailed");
	is_int(verify(st, "erin@example.com", p8, 1, 3, t + DAY - 1, &u),
	    AUTH_PASS, "the pending PIN verifies 1 s before it expires");
	is_int(auth_set_pin(st, key, user_id(st, "erin@example.com"), "555555",
	    "pinctl:root", "pin.set", t + DAY), STORE_OK, "PIN set back");
	t += 2 * DAY;
	is_int(mail_pin(st, "erin@example.com", "888888", t, &until),
	    STORE_OK, "a PIN mailed");
	is_int(verify(st, "erin@example.com", p8, 1, 3, t + DAY, &u),
	    AUTH_FAIL, "the pending PIN does not verify once expired");
	ok(!u.has_pending && !reread(st, "erin@example.com").has_pending,
	    "the expired pending PIN is dropped");
	is_str(last_audit(st, "erin@example.com"), "pin.verify:fail "
	    "channel=email candidates=1 ref=Q1 pending=expired",
	    "audited: pending expired");
	is_int(verify(st, "erin@example.com", cur, 1, 3, t + DAY + 1, &u),
	    AUTH_PASS, "the current PIN verifies");

	/* an administrator's PIN drops the pending one */
	is_int(mail_pin(st, "erin@example.com", "888888", t + 2 * DAY, &until),
	    STORE_OK, "a PIN mailed");
	is_int(auth_set_pin(st, key, user_id(st, "erin@example.com"), "555555",
	    "pinctl:root", "pin.issue", t + 2 * DAY + 1), STORE_OK,
	    "an administrator sets the PIN");
	u = reread(st, "erin@example.com");
	ok(!u.has_pending && u.pending_until == 0,
	    "pinctl pin set/issue drops the pending PIN");
	is_int(verify(st, "erin@example.com", p8, 1, 3, t + 2 * DAY + 2, &u),
	    AUTH_FAIL, "... which no longer verifies");
	/* retiring the PIN (address changed) retires the pending one too */
	is_int(mail_pin(st, "erin@example.com", "888888", t + 3 * DAY, &until),
	    STORE_OK, "a PIN mailed");
	is_int(store_user_clear_pin(st, user_id(st, "erin@example.com")),
	    STORE_OK, "PIN retired");
	u = reread(st, "erin@example.com");
	ok(!u.has_pin && !u.has_pending, "no PIN and no pending PIN");
}

static void
test_pending_lock(struct store *st)
{
	static const char *const three[] = { "000001", "000002", "000003" };
	static const char *const more[] = { "000004", "000009", "777777" };
	static const char *const p7[] = { "777777" };
	struct lockout_state l = { 0, 0, 0 };
	struct store_user u;
	time_t until = 0, t = TP + 10 * DAY;
	int64_t id = 0;

	pending_user(st, "frank@example.com", &id);
	/* no PIN yet: the mailed PIN is the PIN, and the lock is kept */
	l.locked_until = t + 3600;
	is_int(store_user_set_lockout(st, id, &l), STORE_OK, "frank locked");
	is_int(mail_pin(st, "frank@example.com", "555555", t, &until),
	    STORE_OK, "a PIN mailed to frank (none yet)");
	is_int(until, 0, "not pending: he had none");
	is_str(last_audit(st, "frank@example.com"), "pin.issue:ok mailed",
	    "audited as a PIN mailed");
	u = reread(st, "frank@example.com");
	ok(u.has_pin && !u.has_pending, "it is his PIN");
	is_int(u.lock.locked_until, t + 3600, "a mailed PIN does not unlock");
	is_int(mail_pin(st, "frank@example.com", "777777", t + 10, &until),
	    STORE_OK, "another PIN mailed while locked");
	u = reread(st, "frank@example.com");
	is_int(u.lock.locked_until, t + 3600, "still locked");
	is_int(verify(st, "frank@example.com", p7, 1, 3, t + 20, &u),
	    AUTH_LOCKED, "locked: the pending PIN is not even tested");
	is_int(u.lock.failures, 0, "... and nothing counted");

	/* after the lock: one guess per candidate, the same budget */
	t += 3600;
	is_int(verify(st, "frank@example.com", three, 3, 3, t, &u), AUTH_FAIL,
	    "three wrong candidates against two PINs");
	is_int(u.lock.failures, 3, "three failures, not six");
	is_int(verify(st, "frank@example.com", more, 3, 3, t + 10, &u),
	    AUTH_FAIL, "three more, with the pending PIN third: budget 2");
	is_int(u.lock.locked_until, t + 10 + 3600,
	    "locked after exactly five wrong guesses");
	is_str(last_audit(st, "frank@example.com"), "pin.verify:fail "
	    "channel=email candidates=3 untested=1 ref=Q1 locked-now",
	    "the third (the pending PIN) was not tested");
	ok(reread(st, "frank@example.com").has_pending,
	    "the pending PIN is still there");
	is_int(verify(st, "frank@example.com", p7, 1, 3, t + 20, &u),
	    AUTH_LOCKED, "locked: not even the pending PIN");
}

static void
test_pending(struct store *st)
{
	test_pending_use(st);
	test_pending_expiry(st);
	test_pending_lock(st);
}

static void
test_names(void)
{
	static const struct {
		enum auth_result r;
		const char *name;
	} names[] = {
		{ AUTH_PASS, "pass" }, { AUTH_FAIL, "fail" },
		{ AUTH_LOCKED, "locked" }, { AUTH_TOO_MANY, "too-many" },
		{ AUTH_NO_USER, "no-user" }, { AUTH_NO_PIN, "no-pin" },
		{ AUTH_ERROR, "error" }, { (enum auth_result)99, "error" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		is_str(auth_result_name(names[i].r), names[i].name,
		    "result name %d", (int)names[i].r);
}

static void
test_no_pin_in_files(void)
{
	static const char *const files[] = { "a.db", "a.db-wal" };
	size_t i, j;
	int seen = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		for (j = 0; j < sizeof(all_pins) / sizeof(all_pins[0]); j++)
			seen += file_contains(tpath(files[i]), all_pins[j],
			    strlen(all_pins[j]));
	is_int(seen, 0, "no PIN or candidate anywhere in the database files");
	ok(file_contains(tpath("a.db"), "alice@example.com",
	    strlen("alice@example.com")),
	    "(the file scan sees text)");
}

int
main(void)
{
	struct store *st;

	tdir_make("pm-test-auth");
	test_names();
	key = make_key("key");
	st = open_store(1000, STORE_OPEN_CREATE);
	ok(st != NULL, "store created");
	if (st == NULL)
		return tap_done();
	setup(st);
	test_attempts(st);
	test_others(st);
	test_audit(st);
	test_budget(st);
	test_pending(st);
	test_errors(st);	/* closes st */
	test_no_pin_in_files();
	secret_key_free(key);
	rmtree(tdir);
	return tap_done();
}
