/*
 * test_outbox.c - the outbox rounds and the worker thread, against a real
 * store and fake Mailer programs (shell scripts in a private directory).
 *
 * Checks: a queued notice is sent and its bytes dropped; exit 75 is
 * retried with the doubling backoff until OutboxMaxAttempts makes it
 * dead; exit 64 is dead at once; a notice survives closing and reopening
 * the store; one sealed under another key is dead with a reason and is
 * never handed to the Mailer; a round takes at most OUTBOX_BATCH; the
 * thread delivers after outbox_kick() and stops cleanly; a notice left
 * claimed by a process that died is sent when the lease ends, and given
 * up, never handed over, once claimed OutboxMaxAttempts times.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/config.h"
#include "notice/notice.h"
#include "notice/outbox.h"
#include "core/secret.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

#define T0	1700000000

static struct pm_config *cfg;
static struct secret_key *key, *key2;
static struct store *st;
static int64_t case_no;
static int64_t ann_id;		/* the user whose address the notices use */

static const char msg[] = "To: ann@example.com\r\nSubject: x\r\n\r\n"
    "Your PIN: 042917\r\n";
static const char msg_lf[] = "To: ann@example.com\nSubject: x\n\n"
    "Your PIN: 042917\n";

/* The Mailer: a script that appends its stdin to $D/sent, then BODY. */
static void
mailer(const char *body)
{
	char script[1024];

	(void)snprintf(script, sizeof(script), "#!/bin/sh\ncat >> '%s/sent'\n"
	    "%s\n", tdir, body);
	write_file(tpath("mailer.sh"), script, strlen(script), 0755);
	free(cfg->mailer);
	cfg->mailer = strdup(tpath("mailer.sh"));
}

static size_t
sent_bytes(void)
{
	struct stat sb;

	return stat(tpath("sent"), &sb) == 0 ? (size_t)sb.st_size : 0;
}

/* First column of the first row of SQL (printf-style) as an integer, or -1. */
static long long __attribute__((format(printf, 1, 2)))
raw_int(const char *fmt, ...)
{
	char sql[512];
	sqlite3 *db;
	sqlite3_stmt *q;
	long long v = -1;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (sqlite3_open_v2(tpath("pm.db"), &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			v = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return v;
}

/* Queue one notice sealed under K; its id. */
static int64_t
queue(const struct secret_key *k)
{
	if (notice_queue(st, k, NOTICE_PIN_DELIVERY, "ann@example.com", case_no,
	    msg, sizeof(msg) - 1, T0) != STORE_OK) {
		printf("Bail out! queue: %s\n", store_errmsg(st));
		exit(1);
	}
	return raw_int("SELECT max(id) FROM outbox");
}

struct row_find {
	int64_t id;
	bool found;
	struct store_notice n;
};

static int
row_cb(const struct store_notice *n, void *arg)
{
	struct row_find *f = arg;

	if (n->id == f->id) {
		f->n = *n;
		f->n.message = NULL;
		f->found = true;
	}
	return 0;
}

/* The row ID as store_outbox_list sees it. */
static struct store_notice
row(int64_t id)
{
	struct row_find f;

	memset(&f, 0, sizeof(f));
	f.id = id;
	if (store_outbox_list(st, row_cb, &f) != STORE_OK || !f.found)
		printf("# row %lld not found\n", (long long)id);
	return f.n;
}

static void
round_is(time_t now, unsigned want_sent, unsigned want_failed,
    const char *what)
{
	unsigned sent = 99, failed = 99;

	is_int(outbox_run_once(st, cfg, key, now, &sent, &failed), 0,
	    "%s: round ok", what);
	is_int(sent, want_sent, "%s: %u sent", what, want_sent);
	is_int(failed, want_failed, "%s: %u failed", what, want_failed);
}

static void
test_sent(void)
{
	struct store_notice n;
	int64_t id;
	char *got;

	mailer("exit 0");
	(void)unlink(tpath("sent"));
	id = queue(key);
	round_is(T0, 1, 0, "queued notice");
	n = row(id);
	is_int(n.sent_at, T0, "sent_at set");
	is_int(n.attempts, 1, "one attempt, the one that sent it");
	ok(!n.dead, "not dead");
	is_int(raw_int("SELECT message IS NULL FROM outbox WHERE id = %lld",
	    (long long)id), 1, "message bytes dropped once sent");
	got = slurp(tpath("sent"), NULL);
	is_str(got, msg_lf, "the Mailer got the opened message");
	free(got);
	round_is(T0 + 10, 0, 0, "nothing left");
}

static void
test_retry(void)
{
	struct store_notice n;
	char want[600];
	int64_t id;

	cfg->outbox_retry = 60;
	cfg->outbox_max_attempts = 3;
	mailer("exit 75");
	id = queue(key);
	round_is(T0, 0, 1, "exit 75");
	n = row(id);
	is_int(n.attempts, 1, "attempts 1");
	is_int(n.next_try, T0 + 60, "next try after OutboxRetry");
	ok(!n.dead && n.sent_at == 0, "still queued");
	(void)snprintf(want, sizeof(want), "%s exited with status 75",
	    tpath("mailer.sh"));
	is_str(n.last_error, want, "last_error");
	round_is(T0 + 59, 0, 0, "not due before next_try");
	round_is(T0 + 60, 0, 1, "second failure");
	n = row(id);
	is_int(n.attempts, 2, "attempts 2");
	is_int(n.next_try, T0 + 60 + 120, "doubled backoff");
	round_is(T0 + 180, 0, 1, "third failure");
	n = row(id);
	is_int(n.attempts, 3, "attempts 3");
	ok(n.dead, "dead after OutboxMaxAttempts");
	is_int(raw_int("SELECT message IS NULL FROM outbox WHERE id = %lld",
	    (long long)id), 1, "a dead notice's bytes are dropped");
	round_is(T0 + 100000, 0, 0, "a dead notice is never tried again");
	cfg->outbox_max_attempts = 10;
}

/* outbox list shows how many tries a sent notice took: a success counts. */
static void
test_sent_after_retry(void)
{
	struct store_notice n;
	int64_t id;

	cfg->outbox_retry = 60;
	mailer("exit 75");
	id = queue(key);
	round_is(T0, 0, 1, "deferred first");
	mailer("exit 0");
	round_is(T0 + 60, 1, 0, "sent on the second try");
	n = row(id);
	is_int(n.attempts, 2, "attempts 2: the failure and the success");
	is_int(n.sent_at, T0 + 60, "sent_at of the second try");
	round_is(T0 + 1000, 0, 0, "nothing left");
}

static void
test_permanent(void)
{
	struct store_notice n;
	int64_t id;

	mailer("exit 64");
	id = queue(key);
	round_is(T0, 0, 1, "exit 64");
	n = row(id);
	ok(n.dead, "dead at once");
	is_int(n.attempts, 1, "after one attempt");
	round_is(T0 + 100000, 0, 0, "never again");
}

static void
test_wrong_key(void)
{
	struct store_notice n;
	size_t before;
	int64_t id;

	mailer("exit 0");
	before = sent_bytes();
	id = queue(key2);
	round_is(T0, 0, 1, "sealed under another key");
	n = row(id);
	ok(n.dead, "dead");
	is_str(n.last_error, "cannot open the sealed notice (another KeyFile, "
	    "or damaged)", "the reason");
	is_int(sent_bytes(), before, "nothing handed to the Mailer");

	/* damaged bytes: one flipped bit */
	id = queue(key);
	{
		char sql[256];

		(void)snprintf(sql, sizeof(sql), "UPDATE outbox SET message = "
		    "substr(message, 1, 30) || CASE WHEN substr(message, 31, 1) = "
		    "x'ff' THEN x'00' ELSE x'ff' END || substr(message, 32) "
		    "WHERE id = %lld", (long long)id);
		if (raw_exec(tpath("pm.db"), sql) != 0)
			printf("# cannot damage the notice\n");
	}
	round_is(T0, 0, 1, "damaged bytes");
	ok(row(id).dead, "damaged: dead");
	is_int(sent_bytes(), before, "damaged: nothing handed to the Mailer");
}

static void
test_restart(void)
{
	char err[256];
	int64_t id;

	mailer("exit 75");
	id = queue(key);
	round_is(T0, 0, 1, "before the restart: a failure");
	store_close(st);
	if (store_open(tpath("pm.db"), 1000, 0, &st, err, sizeof(err)) !=
	    STORE_OK) {
		printf("Bail out! reopen: %s\n", err);
		exit(1);
	}
	mailer("exit 0");
	round_is(T0 + 30, 0, 0, "after the restart: backoff kept");
	round_is(T0 + 60, 1, 0, "after the restart: sent");
	is_int(row(id).sent_at, T0 + 60, "sent_at");
	is_int(row(id).attempts, 2, "attempts kept across the restart: 1 failure + 1 success");
}

static void
test_batch(void)
{
	int i;

	mailer("exit 0");
	for (i = 0; i < OUTBOX_BATCH + 4; i++)
		(void)queue(key);
	round_is(T0, OUTBOX_BATCH, 0, "one round takes a batch");
	round_is(T0, 4, 0, "the next round the rest");
}

static void
test_backoff(void)
{
	static const struct { unsigned retry, attempts, want; } t[] = {
		{ 60, 1, 60 }, { 60, 2, 120 }, { 60, 3, 240 }, { 60, 6, 1920 },
		{ 60, 7, 3600 }, { 60, 100, 3600 }, { 1, 1, 1 }, { 1, 12, 2048 },
		{ 1, 13, 3600 }, { 86400, 1, 3600 }, { 0, 1, 1 },
		{ 1, 4000000000u, 3600 },
	};
	unsigned saved = cfg->outbox_retry;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cfg->outbox_retry = t[i].retry;
		is_int(outbox_backoff(cfg, t[i].attempts), t[i].want,
		    "backoff retry %u, attempts %u", t[i].retry, t[i].attempts);
	}
	cfg->outbox_retry = saved;
}

static void
test_thread(void)
{
	char err[256];
	int64_t id;
	int i;
	time_t t;

	outbox_kick();		/* not running: nothing happens */
	outbox_stop();
	mailer("exit 0");
	is_int(outbox_start(cfg, key, err, sizeof(err)), 0, "worker started%s%s",
	    *err ? ": " : "", err);
	is_int(outbox_start(cfg, key, err, sizeof(err)), -1,
	    "a second start refused");
	/* due now (created and next_try T0 are in the past) */
	id = queue(key);
	t = time(NULL);
	outbox_kick();
	for (i = 0; i < 400 && row(id).sent_at == 0; i++)
		(void)usleep(10000);
	ok(row(id).sent_at != 0, "the worker sent it");
	ok(time(NULL) - t < 4, "soon after the kick");
	outbox_stop();
	outbox_stop();		/* twice is harmless */

	/* start again, then stop at once */
	is_int(outbox_start(cfg, key, err, sizeof(err)), 0, "restarted");
	outbox_stop();

	free(cfg->database);
	cfg->database = strdup(tpath("missing.db"));
	is_int(outbox_start(cfg, key, err, sizeof(err)), -1,
	    "a missing database fails");
	ok(strncmp(err, "outbox: ", 8) == 0, "error text: %s", err);
}

/* Queue one notice of KIND to TO under key; its id. */
static int64_t
queue_to(const char *kind, const char *to)
{
	if (notice_queue(st, key, kind, to, case_no, msg, sizeof(msg) - 1,
	    T0) != STORE_OK) {
		printf("Bail out! queue: %s\n", store_errmsg(st));
		exit(1);
	}
	return raw_int("SELECT max(id) FROM outbox");
}

/* An address changed or removed: what is queued to it is cancelled. */
static void
test_cancel(void)
{
	struct store_notice n;
	unsigned count = 99;
	int64_t a, b, other;
	size_t before;

	mailer("exit 0");
	round_is(T0 + 100000, 0, 0, "cancel: nothing due before");
	a = queue_to(NOTICE_PIN_DELIVERY, "ann@example.com");
	b = queue_to(NOTICE_VERIFICATION, "ANN@example.com");
	other = queue_to(NOTICE_CASE_CREATED, "zoe@example.com");
	is_int(store_outbox_cancel(st, "ann@example.com",
	    "cancelled: address changed", &count), STORE_OK, "cancel: runs");
	is_int(count, 2, "cancel: both of ann's queued notices (any case)");
	n = row(a);
	ok(n.dead && n.sent_at == 0, "cancel: the PIN delivery is dead");
	is_str(n.last_error, "cancelled: address changed", "cancel: reason");
	is_int(raw_int("SELECT count(*) FROM outbox WHERE id IN (%lld, %lld) "
	    "AND message IS NULL", (long long)a, (long long)b), 2,
	    "cancel: their bytes dropped");
	ok(!row(other).dead, "cancel: another address's notice untouched");
	is_int(store_outbox_cancel(st, "ann@example.com", "again", &count),
	    STORE_OK, "cancel again: runs");
	is_int(count, 0, "cancel again: nothing left");
	is_str(row(a).last_error, "cancelled: address changed",
	    "cancel again: the first reason kept");
	/* zoe is not on file: her notice is given up by the worker */
	before = sent_bytes();
	round_is(T0 + 100000, 0, 1, "cancel: round");
	is_int(sent_bytes(), before, "cancel: nothing handed to the Mailer");
	is_str(row(other).last_error, "cancelled: recipient no longer on file",
	    "cancel: zoe's notice dead, not on file");
}

/*
 * The worker checks before each send that the recipient is still a
 * user's address on file: a PIN delivery queued to ann, then ann's
 * address changed (by the store, as a concurrent pinctl would after the
 * notice was read), is never handed to the Mailer.  email-changed to
 * the old address is sent.
 */
static void
test_not_on_file(void)
{
	struct store_notice n;
	int64_t pd, ec;
	size_t before;
	char *got;

	mailer("exit 0");
	pd = queue_to(NOTICE_PIN_DELIVERY, "ann@example.com");
	is_int(store_user_set_email(st, ann_id, "ann@new.example"), STORE_OK,
	    "not on file: ann's address changed");
	ec = queue_to(NOTICE_EMAIL_CHANGED, "ann@example.com");
	(void)unlink(tpath("sent"));
	round_is(T0 + 200000, 1, 1, "not on file: round");
	n = row(pd);
	ok(n.dead && n.sent_at == 0, "not on file: the PIN delivery is dead");
	is_int(n.attempts, 0, "not on file: never handed over, no attempt counted");
	is_str(n.last_error, "cancelled: recipient no longer on file",
	    "not on file: reason");
	is_int(row(ec).sent_at, T0 + 200000,
	    "not on file: email-changed to the old address sent");
	got = slurp(tpath("sent"), NULL);
	is_str(got, msg_lf, "not on file: the Mailer got one message only");
	free(got);
	ok(sent_bytes() == strlen(msg_lf), "not on file: exactly one");
	before = sent_bytes();
	pd = queue_to(NOTICE_PIN_DELIVERY, "ann@new.example");
	round_is(T0 + 200001, 1, 0, "not on file: the new address is on file");
	ok(sent_bytes() > before, "not on file: sent to the new address");
}

/* A process killed in the middle of a send left its claim: the notice is
 * due again when the lease ends, and never handed over more than
 * OutboxMaxAttempts times in all. */
static void
test_interrupted(void)
{
	struct store_notice n;
	size_t before;
	int64_t id;
	unsigned i;

	mailer("exit 0");
	/* ann's address on file since test_not_on_file */
	id = queue_to(NOTICE_PIN_DELIVERY, "ann@new.example");
	is_int(store_outbox_claim(st, id, 0, T0 + 60), STORE_OK,
	    "interrupted: claimed by a process that then died");
	round_is(T0, 0, 0, "interrupted: not due before the lease ends");
	round_is(T0 + 60, 1, 0, "interrupted: due when it ends, sent");
	is_int(row(id).attempts, 2, "interrupted: 2 attempts (the cut one, this one)");

	id = queue_to(NOTICE_PIN_DELIVERY, "ann@new.example");
	for (i = 0; i < cfg->outbox_max_attempts; i++)
		(void)store_outbox_claim(st, id, i, T0);
	before = sent_bytes();
	round_is(T0 + 100, 0, 1, "claimed OutboxMaxAttempts times");
	n = row(id);
	ok(n.dead && n.sent_at == 0, "claimed OutboxMaxAttempts times: dead");
	is_int(n.attempts, cfg->outbox_max_attempts, "no attempt more");
	is_str(n.last_error, "given up: the last attempt was interrupted",
	    "the reason");
	is_int(sent_bytes(), before, "never handed over again");
}

int
main(void)
{
	struct store_case c;
	char conf[1024];

	tdir_make("test_outbox");
	(void)snprintf(conf, sizeof(conf), "Database %s\nSupportAddress "
	    "support@example.com\nSyslog no\n", tpath("pm.db"));
	key = make_key("k1");
	key2 = make_key("k2");
	cfg = make_config("pm.conf", conf);
	st = make_store("pm.db");
	memset(&c, 0, sizeof(c));
	memcpy(c.email, "ann@example.com", 16);
	if (store_case_open(st, &c, 100000, T0, &case_no) != STORE_OK) {
		printf("Bail out! case: %s\n", store_errmsg(st));
		return 1;
	}
	cfg->outbox_retry = 60;
	cfg->outbox_max_attempts = 10;
	{
		struct store_user u;
		int64_t acc = 0;

		memset(&u, 0, sizeof(u));
		(void)snprintf(u.email, sizeof(u.email), "ann@example.com");
		if (store_account_add(st, "acme", T0, &acc) != STORE_OK ||
		    (u.account_id = acc, store_user_add(st, &u, T0, &ann_id))
		    != STORE_OK) {
			printf("Bail out! user: %s\n", store_errmsg(st));
			return 1;
		}
	}

	test_backoff();
	test_sent();
	test_retry();
	test_sent_after_retry();
	test_permanent();
	test_wrong_key();
	test_restart();
	test_batch();
	test_thread();
	test_cancel();
	test_not_on_file();
	test_interrupted();

	store_close(st);
	config_free(cfg);
	secret_key_free(key);
	secret_key_free(key2);
	rmtree(tdir);
	return tap_done();
}
