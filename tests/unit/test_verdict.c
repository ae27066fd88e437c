/*
 * test_verdict.c - sender + candidates + store -> verdict, on a real
 * SQLite file: a table of messages and what each must get, including
 * the security rules: one From mailbox, candidates tested only against
 * the sender's own PIN, RequireAlignedFrom with TrustedAuthservIDs
 * (an untrusted or look-alike authserv-id never counts), MaxCandidates,
 * lockout, and an internal error that is never a pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "pin/auth.h"
#include <glib.h>

#include "tap.h"
#include "testutil.h"
#include "case/verdict.h"

static struct secret_key *key;
static struct store *st;
static struct pm_config *cfg;
static time_t now = 1800000000;

struct vcase {
	const char *name;
	const char *from;		/* NULL: no From field */
	const char *cands;		/* comma-separated */
	const char *ar;			/* Authentication-Results fields, top
					 * first, one per line; or NULL */
	int aligned;			/* RequireAlignedFrom */
	int incomplete;
	const char *auth, *pin, *reason, *account;
};

static const struct vcase cases[] = {
	{ "right PIN", "Bob <bob@acme.example>", "482913", NULL, 0, 0,
	  "authenticated", "pass", "PIN verified", "Acme" },
	{ "address case does not matter", "BOB@ACME.EXAMPLE", "482913", NULL, 0, 0,
	  "authenticated", "pass", "PIN verified", "Acme" },
	{ "wrong PIN", "bob@acme.example", "111111", NULL, 0, 0,
	  "unverified", "fail", "wrong PIN", "Acme" },
	{ "right among wrong ones", "bob@acme.example", "111111,482913", NULL, 0, 0,
	  "authenticated", "pass", "PIN verified", "Acme" },
	{ "no candidate", "bob@acme.example", "", NULL, 0, 0,
	  "unverified", "none", "no PIN found", "Acme" },
	{ "too many candidates, right one among them", "bob@acme.example",
	  "111111,222222,333333,482913", NULL, 0, 0,
	  "unverified", "fail", "too many PIN candidates", "Acme" },
	{ "Bob's PIN from a stranger", "mallory@evil.example", "482913", NULL, 0, 0,
	  "unverified", "none", "sender not on file", "" },
	{ "Bob's PIN from Carol (no PIN of her own)", "carol@acme.example", "482913", NULL, 0, 0,
	  "unverified", "none", "no PIN on file for the sender", "Acme" },
	{ "Bob's PIN from Alice (her own differs)", "alice@acme.example", "482913", NULL, 0, 0,
	  "unverified", "fail", "wrong PIN", "Acme" },
	{ "no From", NULL, "482913", NULL, 0, 0,
	  "unverified", "policy", "no From address", "" },
	{ "two addresses", "bob@acme.example, mallory@evil.example", "482913", NULL, 0, 0,
	  "unverified", "policy", "more than one From address", "" },
	{ "incomplete message", "bob@acme.example", "482913", NULL, 0, 1,
	  "unverified", "policy", "message too large or too complex to read", "Acme" },
	{ "aligned: trusted dmarc pass", "bob@acme.example", "482913",
	  "relay.example.com; dmarc=pass header.from=acme.example", 1, 0,
	  "authenticated", "pass", "PIN verified", "Acme" },
	{ "aligned: no A-R at all", "bob@acme.example", "482913", NULL, 1, 0,
	  "unverified", "policy", "From not aligned (no trusted DMARC pass)", "Acme" },
	{ "aligned: untrusted authserv-id", "bob@acme.example", "482913",
	  "evil.example; dmarc=pass header.from=acme.example", 1, 0,
	  "unverified", "policy", "From not aligned (no trusted DMARC pass)", "Acme" },
	{ "aligned: look-alike authserv-id", "bob@acme.example", "482913",
	  "relay.example.com.evil.example; dmarc=pass header.from=acme.example", 1, 0,
	  "unverified", "policy", "From not aligned (no trusted DMARC pass)", "Acme" },
	{ "aligned: trusted but dmarc fail", "bob@acme.example", "482913",
	  "relay.example.com; dmarc=fail header.from=acme.example", 1, 0,
	  "unverified", "policy", "From not aligned (no trusted DMARC pass)", "Acme" },
	{ "aligned: a forged pass below the trusted host's fail", "bob@acme.example", "482913",
	  "relay.example.com; dmarc=fail header.from=acme.example\n"
	  "relay.example.com; dmarc=pass header.from=acme.example", 1, 0,
	  "unverified", "policy", "From not aligned (no trusted DMARC pass)", "Acme" },
	{ "aligned: a forged pass below the trusted host's field without dmarc", "bob@acme.example", "482913",
	  "relay.example.com; spf=pass smtp.mailfrom=acme.example\n"
	  "RELAY.example.com; dmarc=pass header.from=acme.example", 1, 0,
	  "unverified", "policy", "From not aligned (no trusted DMARC pass)", "Acme" },
	{ "aligned: an untrusted field above the trusted pass", "bob@acme.example", "482913",
	  "evil.example; dmarc=fail header.from=acme.example\n"
	  "relay.example.com; dmarc=pass header.from=acme.example", 1, 0,
	  "authenticated", "pass", "PIN verified", "Acme" },
	{ "aligned: pass for another domain", "bob@acme.example", "482913",
	  "relay.example.com; dmarc=pass header.from=evil.example", 1, 0,
	  "unverified", "policy", "From not aligned (no trusted DMARC pass)", "Acme" },
};

static void
split(const char *s, struct pin_candidates *c)
{
	const char *p = s;

	memset(c, 0, sizeof(*c));
	while (*p != '\0' && c->n < PIN_MAX_FOUND) {
		memcpy(c->v[c->n++], p, 6);
		p += 6;
		if (*p == ',')
			p++;
	}
}

static void
setup(void)
{
	struct store_user u;
	int64_t acct;
	static const struct { const char *email, *pin; } users[] = {
		{ "bob@acme.example", "482913" }, { "alice@acme.example", "135790" },
		{ "carol@acme.example", NULL },
	};
	size_t i;

	key = make_key("key");
	st = make_store("db");
	store_account_add(st, "Acme", now, &acct);
	for (i = 0; i < 3; i++) {
		memset(&u, 0, sizeof(u));
		u.account_id = acct;
		snprintf(u.email, sizeof(u.email), "%s", users[i].email);
		store_user_add(st, &u, now, &u.id);
		if (users[i].pin)
			auth_set_pin(st, key, u.id, users[i].pin, "test", "pin.set", now);
	}
	cfg = config_defaults();
	cfg->trusted_authserv_ids.v = calloc(2, sizeof(char *));
	cfg->trusted_authserv_ids.v[0] = strdup("relay.example.com");
	cfg->trusted_authserv_ids.n = 1;
}

static void
run_case(const struct vcase *c)
{
	struct verdict_env env = { cfg, st, key, now, "pinmilter" };
	struct hdrlist hl;
	struct sender s;
	struct pin_candidates pc;
	struct verdict_input in;
	struct verdict v;

	hdrlist_init(&hl);
	if (c->from)
		hdrlist_add(&hl, "From", c->from);
	if (c->ar) {
		char **f = g_strsplit(c->ar, "\n", -1);

		for (char **p = f; *p != NULL; p++)
			hdrlist_add(&hl, "Authentication-Results", *p);
		g_strfreev(f);
	}
	sender_from_headers(&hl, &s);
	split(c->cands, &pc);
	cfg->require_aligned_from = c->aligned;
	in.sender = &s;
	in.headers = &hl;
	in.cands = &pc;
	in.incomplete = c->incomplete;
	in.queue_id = "Q1";
	is_int(verdict_decide(&env, &in, &v), 0, "%s: decided", c->name);
	is_str(verdict_auth_name(v.auth), c->auth, "%s: X-Support-Auth", c->name);
	is_str(verdict_pin_name(v.pin), c->pin, "%s: x-pin", c->name);
	is_str(v.reason, c->reason, "%s: reason", c->name);
	is_str(v.account, c->account, "%s: account", c->name);
	hdrlist_clear(&hl);
	/* keep Bob clear of lockout between cases */
	{
		struct store_user u;

		if (store_user_find(st, "bob@acme.example", &u) == STORE_OK) {
			lockout_clear(&u.lock);
			store_user_set_lockout(st, u.id, &u.lock);
		}
	}
}

static int
count_audit(const struct store_audit *a, void *arg)
{
	(*(int *)arg)++;
	(void)a;
	return 0;
}

static int
audit_has_pin(const struct store_audit *a, void *arg)
{
	(void)arg;
	return strstr(a->detail, "482913") || strstr(a->email, "482913") ? 1 : 0;
}

int
main(void)
{
	struct store_audit_filter f = { NULL, 0, 0 };
	size_t i;
	int before = 0, after = 0;

	tdir_make("pmverdict");
	g_mime_init();
	setup();
	store_audit_list(st, &f, count_audit, &before);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	store_audit_list(st, &f, count_audit, &after);
	is_int(after - before, (int)(sizeof(cases) / sizeof(cases[0])),
	    "exactly one audit row per message");
	is_int(store_audit_list(st, &f, audit_has_pin, NULL), 0,
	    "no audit row holds the PIN");

	/* lockout through the email path: MaxFailures wrong, then right */
	{
		static const struct vcase wrong = { "lockout: wrong", "bob@acme.example",
		    "000001", NULL, 0, 0, "unverified", "fail", "wrong PIN", "Acme" };
		struct verdict_env env = { cfg, st, key, now, "pinmilter" };
		struct hdrlist hl;
		struct sender s;
		struct pin_candidates pc;
		struct verdict_input in = { &s, &hl, &pc, false, "Q2" };
		struct verdict v;
		unsigned k;

		cfg->require_aligned_from = 0;
		hdrlist_init(&hl);
		hdrlist_add(&hl, "From", wrong.from);
		sender_from_headers(&hl, &s);
		for (k = 0; k < cfg->max_failures; k++) {
			split("000001", &pc);
			verdict_decide(&env, &in, &v);
		}
		split("482913", &pc);
		verdict_decide(&env, &in, &v);
		is_str(verdict_pin_name(v.pin), "fail", "locked user: fail with the right PIN");
		is_str(v.reason, "too many failures, user locked", "locked user: reason");
		is_int(v.auth, VERDICT_UNVERIFIED, "locked user: unverified");

		/* internal error: the store refuses (closed under it) */
		store_close(st);
		{
			char err[256];

			store_open(tpath("db"), 1000, STORE_OPEN_READONLY, &st, err,
			    sizeof(err));
		}
		env.st = st;
		env.now = now + 100000;		/* lock expired */
		is_int(verdict_decide(&env, &in, &v), -1, "read-only store: error");
		is_int(v.error, 1, "read-only store: error flag");
		is_str(verdict_pin_name(v.pin), "temperror", "read-only store: temperror");
		is_int(v.auth, VERDICT_UNVERIFIED, "read-only store: never authenticated");
		hdrlist_clear(&hl);
	}
	store_close(st);
	secret_key_free(key);
	config_free(cfg);
	rmtree(tdir);
	return tap_done();
}
