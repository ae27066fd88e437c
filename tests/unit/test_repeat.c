/*
 * test_repeat.c - the message's one transaction and its repeats, through
 * pipeline_run() with the real SQLite store and injected time:
 *  - the same message twice: one case, one failure counted, one notice,
 *    the second audited message.repeat with the same case and verdict;
 *  - within the window (7 days less a second) still a repeat, past it
 *    decided anew; other content under the same Message-ID decided anew;
 *    no Message-ID never a repeat;
 *  - a failure after the verify step (the case insert refused by a
 *    trigger) writes nothing: no failure counted, no audit row, no case,
 *    no decision; the verdict is temperror.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "filter/pipeline.h"
#include "filter/repeat.h"
#include "notice/notice.h"
#include "pin/auth.h"
#include "util/timeconst.h"
#include "tap.h"
#include "testutil.h"

#define T0	((time_t)1764900000)

static struct secret_key *key;
static struct store *st;
static struct pm_config *cfg;
static struct notice_templates *tmpl;

static const char *
q(const char *sql)
{
	return raw_query(tpath("r.db"), sql);
}

/* Run one message at NOW; the verdict's case and x-pin into *CASE, PIN. */
static void
run(time_t now, const char *msgid, const char *text, int64_t *num,
    const char **pin, const char **auth)
{
	struct pipeline_env env = { cfg, key, st, now, tmpl };
	struct pipeline_msg m;
	struct pipeline_result r;
	const char *rc[] = { "support@example.com" };

	memset(&m, 0, sizeof(m));
	(void)snprintf(m.queue_id, sizeof(m.queue_id), "Q%lld",
	    (long long)now);
	m.rcpts = rc;
	m.nrcpts = 1;
	hdrlist_init(&m.headers);
	hdrlist_add(&m.headers, "From", "Bob <bob@acme.example>");
	hdrlist_add(&m.headers, "To", "support@example.com");
	hdrlist_add(&m.headers, "Subject", "Call forwarding tonight");
	if (msgid != NULL)
		hdrlist_add(&m.headers, "Message-ID", msgid);
	m.body = spool_new(1 << 20, 1 << 20, tdir);
	(void)spool_append(m.body, text, strlen(text));
	(void)pipeline_run(&env, &m, false, &r);
	*num = r.verdict.case_number;
	*pin = verdict_pin_name(r.verdict.pin);
	*auth = verdict_auth_name(r.verdict.auth);
	pipeline_result_clear(&r);
	spool_free(m.body);
	hdrlist_clear(&m.headers);
}

static const char wrong[] = "Please forward all calls to 555-0199.\n"
    "My PIN is 111111\n";
static const char other[] = "Please forward all calls to 555-0100.\n"
    "My PIN is 111111\n";

static void
test_repeat(void)
{
	int64_t n1, n2;
	const char *p1, *p2, *a1, *a2;

	run(T0, "<m1@acme.example>", wrong, &n1, &p1, &a1);
	is_int(n1, 100000, "first copy: case 100000");
	is_str(p1, "fail", "first copy: x-pin fail");
	is_str(q("SELECT failures FROM users"), "1", "first copy: one failure");
	run(T0 + HOUR, "<m1@acme.example>", wrong, &n2, &p2, &a2);
	is_int(n2, n1, "repeat: the same case");
	is_str(p2, p1, "repeat: the same x-pin");
	is_str(a2, a1, "repeat: the same X-Support-Auth");
	is_str(q("SELECT failures FROM users"), "1", "repeat: no second failure");
	is_str(q("SELECT count(*) FROM cases"), "1", "repeat: no second case");
	is_str(q("SELECT count(*) FROM outbox"), "1", "repeat: no second notice");
	is_str(q("SELECT result || ' ' || case_number || ' ' || detail FROM "
	    "audit WHERE action = 'message.repeat'"),
	    "fail 100000 queue=Q1764903600 first=1764900000 "
	    "auth=verification-requested", "repeat: audited message.repeat");

	run(T0 + REPEAT_WINDOW - 1, "<m1@acme.example>", wrong, &n2, &p2, &a2);
	is_int(n2, n1, "7 days less a second: still a repeat");
	is_str(q("SELECT failures FROM users"), "1", "... no failure counted");
	is_str(q("SELECT count(*) FROM audit WHERE action = 'pin.verify'"),
	    "1", "... one PIN verification in all");
	run(T0 + REPEAT_WINDOW + 1, "<m1@acme.example>", wrong, &n2, &p2, &a2);
	is_int(n2, 100001, "past the window: a new case");
	is_str(q("SELECT count(*) FROM audit WHERE action = 'pin.verify'"),
	    "2", "past the window: the PIN verified again");
	is_str(q("SELECT failures FROM users"), "1",
	    "past the window: counted (in a new failure window)");

	run(T0 + REPEAT_WINDOW + 2, "<m1@acme.example>", other, &n2, &p2, &a2);
	is_int(n2, 100002, "other content, same Message-ID: decided anew");
	run(T0 + REPEAT_WINDOW + 3, NULL, wrong, &n2, &p2, &a2);
	run(T0 + REPEAT_WINDOW + 4, NULL, wrong, &n2, &p2, &a2);
	is_int(n2, 100004, "no Message-ID: never a repeat");
	is_str(q("SELECT count(*) FROM decisions WHERE at < 1764900000 + 604800"),
	    "0", "decisions past the window are forgotten");
}

/* A failure after the verify step: nothing of the message is written. */
static void
test_fault(void)
{
	char before_audit[32], before_fail[32];
	int64_t n;
	const char *p, *a;
	time_t t = T0 + 30 * DAY;

	(void)snprintf(before_audit, sizeof(before_audit), "%s",
	    q("SELECT count(*) FROM audit"));
	(void)snprintf(before_fail, sizeof(before_fail), "%s",
	    q("SELECT failures FROM users"));
	ok(raw_exec(tpath("r.db"), "CREATE TRIGGER refuse BEFORE INSERT ON "
	    "cases BEGIN SELECT RAISE(ABORT, 'injected'); END") == 0,
	    "case inserts refused");
	run(t, "<f1@acme.example>", wrong, &n, &p, &a);
	is_str(p, "temperror", "injected failure: temperror");
	is_int(n, 0, "injected failure: no case named");
	is_str(q("SELECT failures FROM users"), before_fail,
	    "injected failure: no failure counted");
	is_str(q("SELECT count(*) FROM audit"), before_audit,
	    "injected failure: no audit row");
	is_str(q("SELECT count(*) FROM decisions WHERE message_id = "
	    "'<f1@acme.example>'"), "0", "injected failure: no decision");
	ok(raw_exec(tpath("r.db"), "DROP TRIGGER refuse") == 0, "trigger gone");
	run(t + 60, "<f1@acme.example>", wrong, &n, &p, &a);
	is_str(p, "fail", "the retry after the fault: decided (fail)");
	is_str(q("SELECT count(*) FROM audit WHERE action = 'message.repeat' "
	    "AND detail LIKE 'queue=Q1767492060%'"), "0",
	    "the retry after the fault: not a repeat");
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char *dir, err[1024] = "";
	int64_t acme = 0, id = 0;
	struct store_user u;

	g_mime_init();
	if (top == NULL || *top == '\0') {
		tap_skip("top_srcdir is not set: no templates");
		return tap_done();
	}
	tdir_make("test_repeat");
	key = make_key("key");
	st = make_store("r.db");
	dir = g_strdup_printf("%s/conf/templates", top);
	tmpl = notice_templates_load(dir, "en", err, sizeof(err));
	g_free(dir);
	cfg = config_defaults();
	ok(tmpl != NULL && cfg != NULL, "templates and config");
	if (tmpl == NULL || cfg == NULL)
		return tap_done();
	cfg->support_addresses.v = calloc(2, sizeof(char *));
	cfg->support_addresses.v[0] = strdup("support@example.com");
	cfg->support_addresses.n = 1;
	is_int(store_account_add(st, "Acme", T0 - 20 * DAY, &acme), STORE_OK,
	    "account");
	memset(&u, 0, sizeof(u));
	u.account_id = acme;
	(void)snprintf(u.email, sizeof(u.email), "bob@acme.example");
	is_int(store_user_add(st, &u, T0 - 20 * DAY, &id), STORE_OK, "user");
	is_int(auth_set_pin(st, key, id, "482913", "test", "pin.set",
	    T0 - 10 * DAY), STORE_OK, "PIN");
	test_repeat();
	test_fault();
	store_close(st);
	notice_templates_free(tmpl);
	return tap_done();
}
