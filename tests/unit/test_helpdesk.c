/*
 * test_helpdesk.c - helpdesk control fields: every copy of X-Zammad-*,
 * X-OTRS-*, X-OTOBO-*, X-KIX-*, the StripHeaders names and prefixes and
 * the AddHeader names removed from support mail (any case, folded, many
 * copies, highest index first), kept past the header cap; the Helpdesk
 * presets' fields with exact values for each verdict; AddHeader
 * templates expanded and sanitized; the three keys' checks; the route of
 * VerifiedRecipient (which recipients go, which one comes, for which
 * verdict).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "core/config.h"
#include "filter/edits.h"
#include "filter/helpdesk.h"
#include "filter/route.h"
#include "mail/hdrlist.h"
#include "tap.h"

static char tmpdir[] = "/tmp/test_helpdesk.XXXXXX";

/* A config from the lines TEXT (plus what every config needs), or NULL
 * with the error in ERR. */
static struct pm_config *
load(const char *text, char *err, size_t errlen)
{
	char path[256];
	FILE *fp;
	struct pm_config *cfg;

	snprintf(path, sizeof(path), "%s/c.conf", tmpdir);
	fp = fopen(path, "w");
	fprintf(fp, "SupportAddress support@example.com\n"
	    "AuthservID mx.example.com\n%s", text);
	fclose(fp);
	err[0] = '\0';
	cfg = config_load(path, err, errlen);
	unlink(path);
	return cfg;
}

/* The header after the verdict's edits, one "Name: value" per line. */
static char *
edited(const struct pm_config *cfg, struct hdrlist *hl,
    const struct verdict *v)
{
	struct edits e;
	GString *s = g_string_new(NULL);
	size_t i, k;

	edits_init(&e);
	is_int(edits_for_verdict(&e, cfg, hl, v), 0, "edits computed");
	for (i = 0; i < e.n; i++)
		for (k = i + 1; k < e.n; k++)
			if (e.v[i].op == EDIT_CHANGE && e.v[k].op == EDIT_CHANGE &&
			    e.v[i].value == NULL && e.v[k].value == NULL &&
			    strcasecmp(e.v[i].name, e.v[k].name) == 0 &&
			    e.v[i].index <= e.v[k].index)
				ok(0, "delete %s %zu before %zu", e.v[i].name,
				    e.v[i].index, e.v[k].index);
	is_int(edits_apply(&e, hl), 0, "edits apply like the MTA");
	edits_clear(&e);
	for (i = 0; i < hl->n; i++)
		if (strcasecmp(hl->v[i].name, "Authentication-Results") != 0)
			g_string_append_printf(s, "%s: %s\n", hl->v[i].name,
			    hl->v[i].value);
	return g_string_free(s, FALSE);
}

static void
verdict_set(struct verdict *v, enum verdict_auth auth, int64_t case_number)
{
	memset(v, 0, sizeof(*v));
	v->auth = auth;
	v->pin = auth == VERDICT_AUTHENTICATED ? XPIN_PASS : XPIN_NONE;
	v->reason = "test";
	strcpy(v->from, "bob@acme.example");
	if (auth == VERDICT_AUTHENTICATED) {
		strcpy(v->account, "Acme");
		v->user_id = 7;
	}
	v->case_number = case_number;
}

/* Forged control fields: every copy, any case, folded, gone. */
static void
test_strip(void)
{
	static const char *const forged[][2] = {
		{ "X-OTRS-DynamicField-SupportAuth", "authenticated" },
		{ "x-otrs-dynamicfield-supportauth", "authenticated" },
		{ "X-OTRS-DYNAMICFIELD-SUPPORTAUTH", "\n\tauthenticated" },
		{ "X-Zammad-Customer-Email", "\n someone-else@example.com" },
		{ "x-zammad-customer-email", "someone-else@example.com" },
		{ "X-Zammad-Ticket-Tags", "pin-authenticated" },
		{ "X-OTRS-CustomerUser", "ceo" },
		{ "X-OTOBO-Queue", "VIP" },
		{ "X-KIX-Priority", "1 very high" },
		{ "X-OTRS-FollowUp-State", "closed" },
		{ "X-RT-Command", "Status: resolved" },	/* StripHeaders X-RT-* */
		{ "x-rt-command", "Status: resolved" },
		{ "X-CommandByMail", "CF.{Auth}: yes" },	/* StripHeaders name */
		{ "X-Helpdesk-Auth", "authenticated" },	/* AddHeader name */
		{ "X-Support-Auth", "authenticated" },
	};
	static const char *const kept[][2] = {
		{ "X-CommandByMailer", "not the name" },
		{ "X-OTRSX", "no hyphen" },
		{ "X-Zammad", "no hyphen" },
		{ "X-Mailer", "Bob's mail" },
	};
	char err[512];
	struct pm_config *cfg = load("Helpdesk none\n"
	    "StripHeaders X-RT-*, X-CommandByMail\n"
	    "AddHeader X-Helpdesk-Auth %{verdict}\n", err, sizeof(err));
	struct hdrlist hl;
	struct verdict v;
	size_t i;
	char *got;

	ok(cfg != NULL, "strip config loads (%s)", err);
	if (cfg == NULL)
		return;
	hdrlist_init(&hl);
	hdrlist_add(&hl, "From", "Bob <bob@acme.example>");
	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		hdrlist_add(&hl, forged[i][0], forged[i][1]);
		if (i < sizeof(kept) / sizeof(kept[0]))
			hdrlist_add(&hl, kept[i][0], kept[i][1]);
	}
	hdrlist_add(&hl, "Subject", "help");
	/* the last, ours, goes by edits_remove_ours */
	for (i = 0; i + 1 < sizeof(forged) / sizeof(forged[0]); i++)
		ok(helpdesk_stripped(cfg, forged[i][0]), "%s is stripped",
		    forged[i][0]);
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		ok(!helpdesk_stripped(cfg, kept[i][0]), "%s is not stripped",
		    kept[i][0]);
	verdict_set(&v, VERDICT_UNVERIFIED, 0);
	got = edited(cfg, &hl, &v);
	is_str(got,
	    "X-Support-Auth: unverified\n"
	    "X-Helpdesk-Auth: unverified\n"
	    "From: Bob <bob@acme.example>\n"
	    "X-CommandByMailer: not the name\n"
	    "X-OTRSX: no hyphen\n"
	    "X-Zammad: no hyphen\n"
	    "X-Mailer: Bob's mail\n"
	    "Subject: help\n",
	    "every forged control field removed, the rest untouched");
	g_free(got);
	hdrlist_clear(&hl);
	config_free(cfg);
}

/* Each preset, each verdict: exactly these fields below ours. */
static void
test_presets(void)
{
	static const struct {
		const char *helpdesk;
		enum verdict_auth auth;
		int64_t case_number;
		const char *want;
	} t[] = {
		{ "none", VERDICT_AUTHENTICATED, 100042, "" },
		{ "rt", VERDICT_AUTHENTICATED, 100042, "" },
		{ "zammad", VERDICT_AUTHENTICATED, 100042,
		    "X-Zammad-Ticket-Tags: pin-authenticated\n"
		    "X-Zammad-Ticket-FollowUp-Tags: pin-authenticated\n" },
		{ "zammad", VERDICT_VERIFICATION_REQUESTED, 100043,
		    "X-Zammad-Ticket-Tags: pin-verification-requested\n"
		    "X-Zammad-Ticket-FollowUp-Tags: pin-verification-requested\n" },
		{ "zammad", VERDICT_UNVERIFIED, 0,
		    "X-Zammad-Ticket-Tags: pin-unverified\n"
		    "X-Zammad-Ticket-FollowUp-Tags: pin-unverified\n" },
		{ "znuny", VERDICT_AUTHENTICATED, 100042,
		    "X-OTRS-DynamicField-SupportAuth: authenticated\n"
		    "X-OTRS-FollowUp-DynamicField-SupportAuth: authenticated\n"
		    "X-OTRS-DynamicField-SupportCase: 100042\n"
		    "X-OTRS-FollowUp-DynamicField-SupportCase: 100042\n" },
		{ "otrs", VERDICT_VERIFICATION_REQUESTED, 100043,
		    "X-OTRS-DynamicField-SupportAuth: verification-requested\n"
		    "X-OTRS-FollowUp-DynamicField-SupportAuth: verification-requested\n"
		    "X-OTRS-DynamicField-SupportCase: 100043\n"
		    "X-OTRS-FollowUp-DynamicField-SupportCase: 100043\n" },
		{ "znuny", VERDICT_UNVERIFIED, 0,
		    "X-OTRS-DynamicField-SupportAuth: unverified\n"
		    "X-OTRS-FollowUp-DynamicField-SupportAuth: unverified\n" },
		{ "otobo", VERDICT_AUTHENTICATED, 100042,
		    "X-OTOBO-DynamicField-SupportAuth: authenticated\n"
		    "X-OTOBO-FollowUp-DynamicField-SupportAuth: authenticated\n"
		    "X-OTOBO-DynamicField-SupportCase: 100042\n"
		    "X-OTOBO-FollowUp-DynamicField-SupportCase: 100042\n" },
		{ "OTOBO", VERDICT_UNVERIFIED, 0,
		    "X-OTOBO-DynamicField-SupportAuth: unverified\n"
		    "X-OTOBO-FollowUp-DynamicField-SupportAuth: unverified\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char text[128], err[512], *got, *want, *ours;
		struct pm_config *cfg;
		struct hdrlist hl;
		struct verdict v;

		snprintf(text, sizeof(text), "Helpdesk %s\n", t[i].helpdesk);
		if ((cfg = load(text, err, sizeof(err))) == NULL) {
			ok(0, "Helpdesk %s loads: %s", t[i].helpdesk, err);
			continue;
		}
		hdrlist_init(&hl);
		/* forged values of the very fields the preset sets */
		hdrlist_add(&hl, "X-Zammad-Ticket-Tags", "pin-authenticated");
		hdrlist_add(&hl, "X-OTRS-DynamicField-SupportAuth", "authenticated");
		hdrlist_add(&hl, "x-otobo-dynamicfield-supportauth", "authenticated");
		hdrlist_add(&hl, "X-OTRS-DynamicField-SupportCase", "1");
		hdrlist_add(&hl, "From", "Bob <bob@acme.example>");
		verdict_set(&v, t[i].auth, t[i].case_number);
		got = edited(cfg, &hl, &v);
		ours = g_strdup_printf("X-Support-Auth: %s\n%s%s",
		    verdict_auth_name(t[i].auth),
		    t[i].case_number ? "X-Support-Case: " : "",
		    t[i].case_number ? "" : "");
		if (t[i].case_number) {
			char *c = g_strdup_printf("%s%lld\n", ours,
			    (long long)t[i].case_number);

			g_free(ours);
			ours = c;
		}
		want = g_strdup_printf("%s%s%s%s",
		    ours, t[i].auth == VERDICT_AUTHENTICATED ?
		    "X-Support-Account: Acme\n" : "", t[i].want,
		    "From: Bob <bob@acme.example>\n");
		is_str(got, want, "Helpdesk %s, %s, case %lld", t[i].helpdesk,
		    verdict_auth_name(t[i].auth), (long long)t[i].case_number);
		g_free(got);
		g_free(want);
		g_free(ours);
		hdrlist_clear(&hl);
		config_free(cfg);
	}
}

/* AddHeader templates: variables, %%, sanitizing, bounds, encoding. */
static void
test_expand(void)
{
	static const struct {
		const char *tmpl;
		const char *account;
		const char *want;
	} t[] = {
		{ "%{verdict}", "Acme", "authenticated" },
		{ "auth=%{verdict}; pin=%{pin}; case=%{case}; acct=%{account}; "
		    "user=%{user}; 100%%", "Acme",
		    "auth=authenticated; pin=pass; case=100042; acct=Acme; "
		    "user=bob@acme.example; 100%" },
		{ "[%{account}]", "Evil\r\nX-OTRS-Queue: VIP", "[Evil  X-OTRS-Queue: VIP]" },
		{ "%{account}", "Tab\there\x7f", "Tab here" },
		{ "%{account}", "Boulangerie Mart\xc3\xadn",
		    "Boulangerie =?UTF-8?b?TWFydMOtbg==?=" },
		{ "%{nope} %{", "Acme", "%{nope} %{" },
	};
	struct verdict v;
	size_t i;
	char *got, *big;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		verdict_set(&v, VERDICT_AUTHENTICATED, 100042);
		snprintf(v.account, sizeof(v.account), "%s", t[i].account);
		got = helpdesk_expand(t[i].tmpl, &v);
		is_str(got, t[i].want, "expand %zu: %s", i, t[i].tmpl);
		g_free(got);
	}
	/* unknown sender: empty account, user and case */
	verdict_set(&v, VERDICT_UNVERIFIED, 0);
	got = helpdesk_expand("a=%{account} u=%{user} c=%{case} v=%{verdict}", &v);
	is_str(got, "a= u= c= v=unverified", "unknown sender: empty variables");
	g_free(got);
	/* bounded: a long account is cut */
	verdict_set(&v, VERDICT_AUTHENTICATED, 1);
	memset(v.account, 'a', sizeof(v.account) - 1);
	v.account[sizeof(v.account) - 1] = '\0';
	big = g_strdup("%{account}%{account}%{account}%{account}%{account}"
	    "%{account}%{account}%{account}%{account}%{account}");
	got = helpdesk_expand(big, &v);
	is_int(strlen(got), HELPDESK_VALUE_MAX, "expanded value cut at %d",
	    HELPDESK_VALUE_MAX);
	ok(strchr(got, '\n') == NULL && strchr(got, '\r') == NULL, "no CR/LF");
	g_free(got);
	g_free(big);
}

/* Past the header cap: helpdesk fields kept like ours, refused beyond. */
static void
test_cap(void)
{
	char err[512];
	struct pm_config *cfg = load("StripHeaders X-RT-*\n", err, sizeof(err));
	struct hdrlist hl;
	size_t i;

	if (cfg == NULL) {
		ok(0, "cap config loads: %s", err);
		return;
	}
	hdrlist_init(&hl);
	hdrlist_set_keep(&hl, helpdesk_stripped, cfg);
	for (i = 0; i < HDRLIST_MAX_FIELDS; i++)
		hdrlist_add(&hl, "Received", "filler");
	hdrlist_add(&hl, "X-OTRS-CustomerUser", "ceo");
	hdrlist_add(&hl, "x-rt-command", "resolve");
	hdrlist_add(&hl, "Comments", "dropped");
	ok(hdrlist_truncated(&hl), "past the cap: truncated");
	is_int(hdrlist_count(&hl, "X-OTRS-CustomerUser"), 1,
	    "X-OTRS field past the cap kept");
	is_int(hdrlist_count(&hl, "X-RT-Command"), 1,
	    "StripHeaders field past the cap kept");
	is_int(hdrlist_count(&hl, "Comments"), 0, "another field dropped");
	ok(!hdrlist_unsafe_keep(&hl) && !hdrlist_unsafe(&hl), "still safe");
	for (i = 0; i < HDRLIST_MAX_PROTECTED; i++)
		hdrlist_add(&hl, "X-Zammad-Customer-Email", "x@example.com");
	ok(hdrlist_unsafe_keep(&hl), "too many to keep: unsafe_keep");
	ok(!hdrlist_unsafe(&hl), "... not our fields' unsafe");
	hdrlist_clear(&hl);

	/* without the hook (mail for other addresses) they are not kept */
	hdrlist_init(&hl);
	for (i = 0; i < HDRLIST_MAX_FIELDS; i++)
		hdrlist_add(&hl, "Received", "filler");
	hdrlist_add(&hl, "X-OTRS-CustomerUser", "ceo");
	is_int(hdrlist_count(&hl, "X-OTRS-CustomerUser"), 0,
	    "no hook: dropped like any field");
	ok(!hdrlist_unsafe_keep(&hl), "no hook: never unsafe_keep");
	hdrlist_clear(&hl);
	config_free(cfg);
}

static void
test_config(void)
{
	static const struct {
		const char *line;
		int loads;
	} t[] = {
		{ "Helpdesk zammad\n", 1 },
		{ "Helpdesk Znuny\n", 1 },
		{ "Helpdesk osticket\n", 0 },
		{ "StripHeaders X-RT-*, X-CommandByMail\n", 1 },
		{ "StripHeaders *\n", 0 },
		{ "StripHeaders X-*-Foo\n", 0 },
		{ "StripHeaders X-Bad:Name\n", 0 },
		{ "AddHeader X-Auth %{verdict} case %{case}\n", 1 },
		{ "AddHeader X-Auth\n", 0 },
		{ "AddHeader From %{verdict}\n", 0 },
		{ "AddHeader X-Support-Auth %{verdict}\n", 0 },
		{ "AddHeader X-Auth %{secret}\n", 0 },
		{ "AddHeader X-Auth 50%\n", 0 },
		{ "AddHeader X-Auth caf\xc3\xa9\n", 0 },
		{ "AddHeader X-A %{verdict}\nAddHeader X-B %{case}\n", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char err[512];
		struct pm_config *cfg = load(t[i].line, err, sizeof(err));

		is_int(cfg != NULL, t[i].loads, "config %zu %s (%s)", i,
		    t[i].loads ? "loads" : "refused", err);
		config_free(cfg);
	}
}

/* The envelope edits of a verdict as text: "-a -b +c", "" for none. */
static char *
routed(const struct pm_config *cfg, const char *const *rcpts,
    const bool *support, size_t n, enum verdict_auth auth, bool error)
{
	struct verdict v;
	struct edits e;
	GString *s = g_string_new(NULL);
	size_t i;

	memset(&v, 0, sizeof(v));
	v.auth = auth;
	v.error = error;
	edits_init(&e);
	(void)route_edits(&e, cfg, rcpts, support, n, &v);
	for (i = 0; i < e.nrcpt_del; i++)
		g_string_append_printf(s, "%s-%s", s->len ? " " : "",
		    e.rcpt_del[i]);
	if (e.rcpt_add != NULL)
		g_string_append_printf(s, "%s+%s", s->len ? " " : "",
		    e.rcpt_add);
	edits_clear(&e);
	return g_string_free(s, FALSE);
}

static void
test_route(void)
{
	static const char *const rcpts[] = { "<support@example.com>",
	    "<carol@example.org>", "<\"support\"@example.com.>",
	    "<help@example.com>" };
	static const bool by_mta[] = { true, false, true, true };
	static const struct {
		enum verdict_auth auth;
		bool error;
		const char *want;
	} t[] = {
		{ VERDICT_AUTHENTICATED, false, "-<support@example.com> "
		    "-<\"support\"@example.com.> +verified@example.com" },
		{ VERDICT_VERIFICATION_REQUESTED, false, "" },
		{ VERDICT_UNVERIFIED, false, "" },
		{ VERDICT_AUTHENTICATED, true, "" },
	};
	char err[1024], *got;
	struct pm_config *cfg, *off;
	size_t i;

	cfg = load("VerifiedRecipient verified@example.com\n", err,
	    sizeof(err));
	off = load("", err, sizeof(err));
	if (cfg == NULL || off == NULL) {
		ok(0, "configs load: %s", err);
		return;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = routed(cfg, rcpts, NULL, 4, t[i].auth, t[i].error);
		is_str(got, t[i].want, "route of %s%s",
		    verdict_auth_name(t[i].auth), t[i].error ?
		    " (internal error)" : "");
		g_free(got);
	}
	got = routed(cfg, rcpts, by_mta, 4, VERDICT_AUTHENTICATED, false);
	is_str(got, "-<support@example.com> -<\"support\"@example.com.> "
	    "-<help@example.com> +verified@example.com",
	    "a recipient the MTA resolved to support goes too");
	g_free(got);
	got = routed(cfg, NULL, NULL, 0, VERDICT_AUTHENTICATED, false);
	is_str(got, "+verified@example.com", "no envelope (-t): only added");
	g_free(got);
	got = routed(off, rcpts, NULL, 4, VERDICT_AUTHENTICATED, false);
	is_str(got, "", "no VerifiedRecipient: the envelope stays");
	g_free(got);
	config_free(cfg);
	config_free(off);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	g_mime_init();
	test_strip();
	test_presets();
	test_expand();
	test_cap();
	test_config();
	test_route();
	rmdir(tmpdir);
	return tap_done();
}
