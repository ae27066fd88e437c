/*
 * test_store_audit.c - the one audit-row builder, store_audit_record():
 * every field as given, control characters made '?', long strings cut
 * to their field on a UTF-8 boundary, the actor required (never
 * defaulted), a bad row refused with nothing written.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static struct store *st;

static int
last_row(const struct store_audit *a, void *arg)
{
	*(struct store_audit *)arg = *a;
	return 0;
}

static int
count_rows(const struct store_audit *a, void *arg)
{
	(*(unsigned *)arg)++;
	return 0;
}

static unsigned
rows(void)
{
	unsigned n = 0;

	(void)store_audit_list(st, NULL, count_rows, &n);
	return n;
}

/* The newest row. */
static struct store_audit
newest(void)
{
	struct store_audit a;

	memset(&a, 0, sizeof(a));
	(void)store_audit_list(st, NULL, last_row, &a);
	return a;
}

static void
test_fields(void)
{
	struct store_audit a;

	is_int(store_audit_record(st, 1000, "pinctl:alice", "user.add",
	    "bob@example.com", 100007, "ok", "name=%s n=%d", "Bob", 3),
	    STORE_OK, "a row");
	a = newest();
	ok(a.id > 0 && a.at == 1000, "id and time");
	is_str(a.actor, "pinctl:alice", "actor");
	is_str(a.action, "user.add", "action");
	is_str(a.email, "bob@example.com", "email");
	ok(a.case_number == 100007, "case number");
	is_str(a.result, "ok", "result");
	is_str(a.detail, "name=Bob n=3", "detail formatted");

	is_int(store_audit_record(st, 1001, "pinmilter", "message", NULL, 0,
	    "none", NULL), STORE_OK, "no email, no detail");
	a = newest();
	is_str(a.email, "", "no email: \"\"");
	is_str(a.detail, "", "no detail: \"\"");
	ok(a.case_number == 0, "no case: 0");
}

static void
test_clean(void)
{
	char longer[700], cut[STORE_DETAIL_MAX];
	struct store_audit a;
	size_t i;

	is_int(store_audit_record(st, 1002, "pin\tmilter", "message",
	    "a\r\nb@example.com", 0, "fail", "reason=%s", "x\ny\x7fz"),
	    STORE_OK, "control characters: written");
	a = newest();
	is_str(a.actor, "pin?milter", "control characters: actor");
	is_str(a.email, "a??b@example.com", "control characters: email");
	is_str(a.detail, "reason=x?y?z", "control characters: detail");

	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	is_int(store_audit_record(st, 1003, longer, "message", NULL, 0, "ok",
	    "%s", longer), STORE_OK, "long strings: written");
	a = newest();
	is_int((int)strlen(a.actor), STORE_ACTOR_MAX - 1, "long actor: cut");
	is_int((int)strlen(a.detail), STORE_DETAIL_MAX - 1, "long detail: cut");

	/* 2-byte characters: 511 bytes would split one; 510 do not */
	longer[0] = '\0';
	for (i = 0; i < 300; i++)
		g_strlcat(longer, "\xc3\xa9", sizeof(longer));
	is_int(store_audit_record(st, 1004, "pinmilter", "message", NULL, 0,
	    "ok", "%s", longer), STORE_OK, "long UTF-8 detail: written");
	a = newest();
	memcpy(cut, longer, 510);
	cut[510] = '\0';
	is_str(a.detail, cut, "long UTF-8 detail: cut before a character");
	ok(g_utf8_validate(a.detail, -1, NULL), "long UTF-8 detail: valid");
}

static void
test_refused(void)
{
	unsigned before = rows();

	is_int(store_audit_record(st, 1005, NULL, "message", NULL, 0, "ok",
	    NULL), STORE_INVALID, "no actor: refused");
	is_str(store_errmsg(st), "invalid audit actor", "no actor: the reason");
	is_int(store_audit_record(st, 1005, "", "message", NULL, 0, "ok",
	    NULL), STORE_INVALID, "an empty actor: refused");
	is_int(store_audit_record(st, 1005, "pinmilter", NULL, NULL, 0, "ok",
	    NULL), STORE_INVALID, "no action: refused");
	is_str(store_errmsg(st), "invalid audit record",
	    "no action: the reason");
	is_int(store_audit_record(st, 1005, "pinmilter", "message", NULL, 0,
	    "", NULL), STORE_INVALID, "an empty result: refused");
	is_int(store_audit_record(st, 1005, "pinmilter", "message", NULL, -1,
	    "ok", NULL), STORE_INVALID, "a negative case: refused");
	is_int((int)rows(), (int)before, "refused rows: nothing written");
}

int
main(void)
{
	tdir_make("test_store_audit");
	st = make_store("audit.db");
	test_fields();
	test_clean();
	test_refused();
	store_close(st);
	rmtree(tdir);
	return tap_done();
}
