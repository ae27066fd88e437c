/*
 * test_casework.c - the case processor (casework_run) on a real SQLite
 * store in a private directory, with the shipped English templates.
 *
 * Two accounts: Acme (bob, a user with a PIN; alice, an admin with a PIN;
 * carol, a user without one) and Other (olga), plus a stranger not on
 * file.  A table of messages, run in order with injected times (no
 * sleeping), says for each what must happen: the case (number, new or
 * joined, tagged), the notice queued or why none was, the verdict's auth
 * afterwards, the outbox row, the case's state and the audit actions
 * written.  The inputs (header fields, verdict, casematch) are made by
 * hand; casematch_parse is used only where tokens are checked end to end.
 * Then: the queued notices opened and read (the PIN a pin-delivery
 * carries is the one now stored), odd Message-IDs, casework_awaits_pin,
 * and store failures (a failing outbox insert, a read-only store) that
 * must leave nothing behind.
 *
 * Needs $top_srcdir (set by make check) for conf/templates: without it
 * the test is skipped.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "pin/auth.h"
#include "case/casematch.h"
#include "case/casework.h"
#include "case/intent.h"
#include "core/config.h"
#include "mail/hdrlist.h"
#include "notice/notice.h"
#include "core/secret.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"
#include "case/verdict.h"
#include "util/timeconst.h"

#define T0	((time_t)1750000000)
#define T1	(T0 + 10 * DAY)		/* the daily cap section */
#define T2	(T0 + 20 * DAY)		/* notices disabled */

#define BOB	"bob@acme.example"
#define ALICE	"alice@acme.example"
#define CAROL	"carol@acme.example"
#define OLGA	"olga@other.example"
#define EVE	"mallory@evil.example"	/* not on file */
#define ERIN	"erin@acme.example"	/* locked (test_locked) */

#define BOB_PIN		"482913"
#define ALICE_PIN	"135790"
#define OLGA_PIN	"246802"

#define WHY_INTERVAL	"a PIN was mailed recently (PinIssueInterval)"
#define WHY_CAP		"daily notice cap reached for the recipient " \
			"(mail not DMARC-aligned)"
#define WHY_CAP_AL	"daily notice cap reached for the recipient " \
			"(DMARC-aligned mail)"
#define WHY_LOCKED	"user locked: no PIN is mailed"
#define WHY_OFF		"notices disabled (no templates)"

#define CC	NOTICE_CASE_CREATED
#define VR	NOTICE_VERIFICATION
#define PD	NOTICE_PIN_DELIVERY
#define PR	NOTICE_PIN_RECENT
#define AL	NOTICE_ACCOUNT_LOCKED

#define UNV	VERDICT_UNVERIFIED
#define AUTH	VERDICT_AUTHENTICATED
#define VREQ	VERDICT_VERIFICATION_REQUESTED

#define S_OPEN	STORE_CASE_OPEN
#define S_VR	STORE_CASE_VERIFICATION_REQUESTED
#define S_AUTH	STORE_CASE_AUTHENTICATED

#define NOTMPL	0x1		/* run without templates */
#define RCPT	0x2		/* the token came from a recipient */

static struct secret_key *key;
static struct pm_config *cfg;
static struct store *st;
static struct notice_templates *tmpl;
static int64_t last_audit;	/* id of the last audit row seen */
static int msgno;		/* Message-ID "<cw-N@test.example>" */

/* ---- small readers ---- */

struct audit_seen {
	GString *actions;
	char detail[STORE_DETAIL_MAX];	/* the last notice.skip row's */
	int64_t skip_case;
	int64_t max_id;
};

static int
audit_cb(const struct store_audit *a, void *arg)
{
	struct audit_seen *s = arg;

	if (a->id > s->max_id)
		s->max_id = a->id;
	if (a->id <= last_audit)
		return 0;
	if (s->actions->len > 0)
		g_string_append_c(s->actions, ' ');
	g_string_append(s->actions, a->action);
	if (strcmp(a->action, "notice.skip") == 0) {
		(void)snprintf(s->detail, sizeof(s->detail), "%s", a->detail);
		s->skip_case = a->case_number;
	}
	return 0;
}

/* The actions of the audit rows written since the last call. */
static char *
audit_new(struct audit_seen *s)
{
	memset(s, 0, sizeof(*s));
	s->actions = g_string_new("");
	s->max_id = last_audit;
	if (store_audit_list(st, NULL, audit_cb, s) != STORE_OK)
		g_string_assign(s->actions, "(audit list failed)");
	last_audit = s->max_id;
	return g_string_free(s->actions, FALSE);
}

struct outbox_seen {
	unsigned n;
	struct store_notice newest;	/* without message bytes */
};

static int
outbox_cb(const struct store_notice *n, void *arg)
{
	struct outbox_seen *o = arg;

	if (o->n++ == 0) {
		o->newest = *n;
		o->newest.message = NULL;
	}
	return 0;
}

static struct outbox_seen
outbox_now(void)
{
	struct outbox_seen o;

	memset(&o, 0, sizeof(o));
	if (store_outbox_list(st, outbox_cb, &o) != STORE_OK)
		o.n = 99999;
	return o;
}

struct opened {
	int64_t id;
	char *text;		/* the notice, opened; NULL: not found */
};

static int
open_cb(const struct store_notice *n, void *arg)
{
	struct opened *o = arg;
	size_t len;

	if (n->id != o->id || n->message == NULL ||
	    n->message_len < SECRET_SEAL_OVERHEAD)
		return 0;
	len = n->message_len - SECRET_SEAL_OVERHEAD;
	o->text = g_malloc0(len + 1);
	if (secret_open(key, "outbox", n->message, n->message_len,
	    o->text) != 0) {
		g_free(o->text);
		o->text = NULL;
	}
	return 1;
}

/* Notice ID of the outbox, opened (g_free it), or NULL. */
static char *
notice_text(int64_t id)
{
	struct opened o = { id, NULL };

	(void)store_outbox_due(st, T0 + 1000 * DAY, 1000, open_cb, &o);
	return o.text;
}

/* The newest notice of the outbox, opened and unfolded (g_free it). */
static char *
newest_text(void)
{
	struct outbox_seen o = outbox_now();
	char *t = notice_text(o.newest.id), *body;
	GMimeStream *s;
	GMimeParser *p;
	GMimeMessage *m;
	GMimeObject *part;

	if (t == NULL)
		return NULL;
	s = g_mime_stream_mem_new_with_buffer(t, strlen(t));
	p = g_mime_parser_new_with_stream(s);
	m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	g_free(t);
	if (m == NULL)
		return NULL;
	part = g_mime_message_get_mime_part(m);
	body = GMIME_IS_TEXT_PART(part) ?
	    g_mime_text_part_get_text(GMIME_TEXT_PART(part)) : NULL;
	g_object_unref(m);
	return body;
}

/*
 * The value of the first header field NAME (any case) of a CRLF message,
 * unfolded (continuation lines joined with their white space), g_malloc'd;
 * NULL when absent.
 */
static char *
field_of(const char *msg, const char *name)
{
	size_t n = strlen(name);
	const char *p = msg, *end;
	GString *v;

	while (p != NULL && *p != '\0' && strncmp(p, "\r\n", 2) != 0) {
		if (g_ascii_strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			p += strspn(p, " \t");
			v = g_string_new("");
			for (;;) {
				end = strstr(p, "\r\n");
				if (end == NULL) {
					g_string_append(v, p);
					break;
				}
				g_string_append_len(v, p, end - p);
				p = end + 2;
				if (*p != ' ' && *p != '\t')
					break;
			}
			return g_string_free(v, FALSE);
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return NULL;
}

/* The PIN on a line of its own ("    NNNNNN") in a notice, or "". */
static void
pin_of(const char *msg, char pin[PIN_BUF])
{
	const char *p = msg;

	pin[0] = '\0';
	while (p != NULL && (p = strstr(p, "\r\n    ")) != NULL) {
		p += 6;
		if (strspn(p, "0123456789") == 6 &&
		    strncmp(p + 6, "\r\n", 2) == 0) {
			memcpy(pin, p, 6);
			pin[6] = '\0';
			return;
		}
	}
}

static struct store_user
user(const char *email)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	if (store_user_find(st, email, &u) != STORE_OK)
		printf("# no user %s\n", email);
	return u;
}

static bool
pin_is(const char *email, const char *pin)
{
	struct store_user u = user(email);

	return u.has_pin &&
	    secret_pin_matches(key, u.pin_salt, u.pin_hash, pin);
}

/* Is PIN the user's pending PIN (a live one)? */
static bool
pending_is(const char *email, const char *pin)
{
	struct store_user u = user(email);

	return u.has_pending &&
	    secret_pin_matches(key, u.pending_salt, u.pending_hash, pin);
}

static const char *
account_of(const char *from)
{
	if (g_str_has_suffix(from, "@acme.example") ||
	    g_str_has_suffix(from, "@ACME.EXAMPLE"))
		return "Acme";
	if (g_str_has_suffix(from, "@other.example"))
		return "Other";
	return "";
}

/* ---- the table ---- */

struct step {
	const char *what;
	time_t at;			/* seconds after T0 */
	const char *from;		/* From and verdict.from */
	const char *env;		/* envelope sender; NULL: FROM */
	enum verdict_pin pin;		/* XPIN_PASS: auth in authenticated */
	const char *text;		/* text and subject */
	const char *hname, *hvalue;	/* one more header field, or NULL */
	int64_t token, tag;
	const char *ref;
	unsigned forged;
	int flags;
	/* what must happen */
	int64_t want_case;
	bool want_opened, want_tagged;
	const char *want_notice, *want_why;
	enum verdict_auth want_auth;
	enum store_case_state want_state;
	const char *want_audit;		/* the actions written */
	const char *skip_kind;		/* kind of the notice.skip row */
	const char *skip_why;		/* its reason; NULL: want_why */
};

static void
check_step_case(const struct step *s, const struct casework_out *out,
    time_t now)
{
	struct store_case c;
	char msgid[64];
	int64_t n = 0;

	is_int(store_case_find(st, out->case_number, &c), STORE_OK,
	    "%s: case found", s->what);
	is_int(c.state, s->want_state, "%s: case state", s->what);
	if (s->want_opened) {
		is_str(c.email, s->from, "%s: case email", s->what);
		is_str(c.subject, s->text, "%s: case subject", s->what);
		is_str(c.account, account_of(s->from), "%s: case account",
		    s->what);
		is_str(c.external_ref, s->ref ? s->ref : "",
		    "%s: case external ref", s->what);
		is_int(c.opened, now, "%s: case opened now", s->what);
	}
	if (s->want_notice != NULL && strcmp(s->want_notice, CC) != 0)
		is_int(c.verification_requested_at, now,
		    "%s: verification requested now", s->what);
	(void)snprintf(msgid, sizeof(msgid), "<cw-%d@test.example>", msgno);
	is_int(store_case_by_message_id(st, msgid, &n), STORE_OK,
	    "%s: Message-ID recorded", s->what);
	is_int(n, s->want_case, "%s: Message-ID on the case", s->what);
}

static void
check_step_outbox(const struct step *s, const struct outbox_seen *before,
    const struct casework_out *out, time_t now)
{
	struct outbox_seen after = outbox_now();
	char *rcpt;

	is_int(after.n, before->n + (s->want_notice != NULL ? 1 : 0),
	    "%s: outbox rows", s->what);
	if (s->want_notice == NULL || after.n == before->n)
		return;
	rcpt = g_ascii_strdown(s->from, -1);
	is_str(after.newest.kind, s->want_notice, "%s: outbox kind", s->what);
	is_str(after.newest.recipient, rcpt, "%s: outbox recipient (on file)",
	    s->what);
	is_int(after.newest.case_number, out->case_number,
	    "%s: outbox case", s->what);
	is_int(after.newest.created, now, "%s: outbox created", s->what);
	g_free(rcpt);
}

static void
check_step_audit(const struct step *s, const struct casework_out *out)
{
	struct audit_seen a;
	char *actions = audit_new(&a), *want;
	const char *why = s->skip_why != NULL ? s->skip_why : s->want_why;

	is_str(actions, s->want_audit, "%s: audit actions", s->what);
	if (s->skip_kind != NULL) {
		want = g_strdup_printf("kind=%s queue=Q%d reason=%s",
		    s->skip_kind, msgno, why);
		is_str(a.detail, want, "%s: notice.skip detail", s->what);
		is_int(a.skip_case, out->case_number, "%s: notice.skip case",
		    s->what);
		g_free(want);
	}
	g_free(actions);
}

static void
run_step(const struct step *s)
{
	struct hdrlist hl;
	struct casematch m;
	struct verdict v;
	struct casework_env env;
	struct casework_in in;
	struct casework_out out;
	struct intent it;
	struct outbox_seen before = outbox_now();
	char msgid[64], qid[16];
	int rc;

	msgno++;
	(void)snprintf(msgid, sizeof(msgid), "<cw-%d@test.example>", msgno);
	(void)snprintf(qid, sizeof(qid), "Q%d", msgno);
	hdrlist_init(&hl);
	hdrlist_add(&hl, "From", s->from);
	hdrlist_add(&hl, "Subject", s->text);
	hdrlist_add(&hl, "Message-ID", msgid);
	if (s->hname != NULL)
		hdrlist_add(&hl, s->hname, s->hvalue);
	memset(&m, 0, sizeof(m));
	m.token_case = s->token;
	m.how = s->token == 0 ? CASEMATCH_NONE : (s->flags & RCPT) ?
	    CASEMATCH_RECIPIENT : CASEMATCH_MESSAGE_ID;
	m.tag_case = s->tag;
	(void)snprintf(m.external_ref, sizeof(m.external_ref), "%s",
	    s->ref != NULL ? s->ref : "");
	m.forged = s->forged;
	memset(&v, 0, sizeof(v));
	(void)snprintf(v.from, sizeof(v.from), "%s", s->from);
	v.pin = s->pin;
	v.auth = s->pin == XPIN_PASS ? AUTH : UNV;
	env.cfg = cfg;
	env.key = key;
	env.st = st;
	env.tmpl = (s->flags & NOTMPL) ? NULL : tmpl;
	env.now = T0 + s->at;
	env.actor = "pinmilter";
	in.queue_id = qid;
	in.headers = &hl;
	in.env_sender = s->env != NULL ? s->env : s->from;
	in.subject = s->text;
	intent_classify_cfg(cfg, NULL, s->text, &it);
	in.intent = &it;
	in.match = &m;

	rc = casework_run(&env, &in, &v, &out);
	is_int(rc, 0, "%s: casework_run", s->what);
	is_int(out.case_number, s->want_case, "%s: case number", s->what);
	is_int(v.case_number, s->want_case, "%s: verdict case", s->what);
	is_int(out.opened, s->want_opened, "%s: opened", s->what);
	is_int(out.tagged, s->want_tagged, "%s: tagged", s->what);
	is_str(out.notice, s->want_notice, "%s: notice", s->what);
	is_str(out.no_notice, s->want_why, "%s: no_notice", s->what);
	is_int(v.auth, s->want_auth, "%s: auth after", s->what);
	if (rc == 0)
		check_step_case(s, &out, env.now);
	check_step_outbox(s, &before, &out, env.now);
	check_step_audit(s, &out);
	hdrlist_clear(&hl);
}

static void
run_table(const struct step *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		run_step(&t[i]);
}

#define NSTEPS(t)	(sizeof(t) / sizeof((t)[0]))

/* ---- threading and the choice of notice ---- */

static const struct step t_basic[] = {
	{ "bob change request", 0, BOB, NULL, XPIN_NONE,
	  "Please change my phone number", NULL, NULL, 0, 0, NULL, 0, 0,
	  100000, true, false, VR, NULL, VREQ, S_VR,
	  "case.open notice.queue", NULL, NULL },
	{ "bob second change request (token)", 10, BOB, NULL, XPIN_NONE,
	  "Also change my address", NULL, NULL, 100000, 0, NULL, 0, 0,
	  100000, false, false, NULL, NULL, UNV, S_VR, "", NULL, NULL },
	{ "bob third change request (token, recipient)", 15, BOB, NULL,
	  XPIN_NONE, "And cancel the old line", NULL, NULL, 100000, 0, NULL,
	  0, RCPT, 100000, false, false, NULL, NULL, UNV, S_VR, "", NULL,
	  NULL },
	{ "bob question", 20, BOB, NULL, XPIN_NONE,
	  "What are your opening hours?", NULL, NULL, 0, 0, NULL, 0, 0,
	  100001, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "bob PIN pass on his case", 30, BOB, NULL, XPIN_PASS,
	  "Please change my plan", NULL, NULL, 100001, 0, NULL, 0, 0,
	  100001, false, false, NULL, NULL, AUTH, S_AUTH, "", NULL, NULL },
	{ "bob PIN fail on the authenticated case", 40, BOB, NULL, XPIN_FAIL,
	  "Please change my plan again", NULL, NULL, 100001, 0, NULL, 0, 0,
	  100001, false, false, NULL, NULL, UNV, S_AUTH, "", NULL, NULL },
	{ "bob PIN pass on a new case", 50, BOB, NULL, XPIN_PASS,
	  "What are your opening hours on Sunday?", NULL, NULL, 0, 0, NULL,
	  0, 0, 100002, true, false, NULL, NULL, AUTH, S_AUTH, "case.open",
	  NULL, NULL },
	{ "bob PIN pass answers the verification request", 60, BOB, NULL,
	  XPIN_PASS, "Here it is", NULL, NULL, 100000, 0, NULL, 0, 0,
	  100000, false, false, NULL, NULL, AUTH, S_AUTH, "", NULL, NULL },
};

/* ---- PIN requests and PinIssueInterval (1 h) ---- */

static const struct step t_pin[] = {
	{ "bob forgot his PIN", 1000, BOB, NULL, XPIN_NONE, "I forgot my PIN",
	  NULL, NULL, 0, 0, NULL, 0, 0,
	  100003, true, false, PD, NULL, VREQ, S_VR,
	  "case.open pin.issue notice.queue", NULL, NULL },
	{ "bob again within the interval (token)", 1060, BOB, NULL, XPIN_NONE,
	  "I forgot my PIN", NULL, NULL, 100003, 0, NULL, 0, 0,
	  100003, false, false, PR, NULL, VREQ, S_VR,
	  "notice.skip notice.queue", PD, WHY_INTERVAL },
	{ "bob again within the interval, new case", 1120, BOB, NULL,
	  XPIN_NONE, "I forgot my PIN", NULL, NULL, 0, 0, NULL, 0, 0,
	  100004, true, false, PR, NULL, VREQ, S_VR,
	  "case.open notice.skip notice.queue", PD, WHY_INTERVAL },
	{ "bob 1 s before the interval ends", 1000 + 3599, BOB, NULL,
	  XPIN_NONE, "I lost my PIN", NULL, NULL, 100004, 0, NULL, 0, 0,
	  100004, false, false, PR, NULL, VREQ, S_VR,
	  "notice.skip notice.queue", PD, WHY_INTERVAL },
	{ "bob when the interval ends", 1000 + 3600, BOB, NULL, XPIN_NONE,
	  "I lost my PIN", NULL, NULL, 100004, 0, NULL, 0, 0,
	  100004, false, false, PD, NULL, VREQ, S_VR,
	  "pin.issue notice.queue", NULL, NULL },
	{ "carol (no PIN) change request", 5000, CAROL, NULL, XPIN_NONE,
	  "Please change my address", NULL, NULL, 0, 0, NULL, 0, 0,
	  100005, true, false, PD, NULL, VREQ, S_VR,
	  "case.open pin.issue notice.queue", NULL, NULL },
	{ "carol (PIN now) change request", 5010, CAROL, NULL, XPIN_NONE,
	  "Please change my address", NULL, NULL, 0, 0, NULL, 0, 0,
	  100006, true, false, VR, NULL, VREQ, S_VR,
	  "case.open notice.queue", NULL, NULL },
};

/* ---- joining by tag, token, forged tokens ---- */

static const struct step t_join[] = {
	{ "alice question", 6000, ALICE, NULL, XPIN_NONE,
	  "Question about invoices", NULL, NULL, 0, 0, NULL, 0, 0,
	  100007, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "bob tag on alice's case (same account)", 6010, BOB, NULL,
	  XPIN_NONE, "Any news on this?", NULL, NULL, 0, 100007, NULL, 0, 0,
	  100007, false, true, NULL, NULL, UNV, S_OPEN, "", NULL, NULL },
	{ "olga tag on an Acme case", 6020, OLGA, NULL, XPIN_NONE,
	  "Any news on this?", NULL, NULL, 0, 100007, NULL, 0, 0,
	  100008, true, false, CC, NULL, UNV, S_OPEN,
	  "case.tag-refused case.open notice.queue", NULL, NULL },
	{ "stranger tag on an Acme case", 6030, EVE, NULL, XPIN_NONE,
	  "Any news on this?", NULL, NULL, 0, 100007, NULL, 0, 0,
	  100009, true, false, NULL, NULL, UNV, S_OPEN,
	  "case.tag-refused case.open", NULL, NULL },
	{ "olga token on her own case", 6040, OLGA, NULL, XPIN_NONE,
	  "Thanks", NULL, NULL, 100008, 0, NULL, 0, 0,
	  100008, false, false, NULL, NULL, UNV, S_OPEN, "", NULL, NULL },
	{ "stranger token (recipient) on an Acme case", 6050, EVE, NULL,
	  XPIN_NONE, "Please change it", NULL, NULL, 100007, 0, NULL, 0,
	  RCPT, 100007, false, false, NULL, NULL, UNV, S_OPEN, "", NULL,
	  NULL },
	{ "stranger with forged tokens", 6060, EVE, NULL, XPIN_NONE,
	  "Hello", NULL, NULL, 0, 0, NULL, 2, 0,
	  100010, true, false, NULL, NULL, UNV, S_OPEN,
	  "case.forged-token case.open", NULL, NULL },
	{ "bob forged token and his own tag", 6070, BOB, NULL, XPIN_NONE,
	  "Re: hours", NULL, NULL, 0, 100001, NULL, 1, 0,
	  100001, false, true, NULL, NULL, UNV, S_AUTH, "case.forged-token",
	  NULL, NULL },
	{ "bob token for an unknown case", 6080, BOB, NULL, XPIN_NONE,
	  "Where is my order?", NULL, NULL, 999999, 0, NULL, 0, 0,
	  100011, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "bob tag for an unknown case", 6090, BOB, NULL, XPIN_NONE,
	  "Where is my order?", NULL, NULL, 0, 999999, NULL, 0, 0,
	  100012, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "token wins over tag", 6100, BOB, NULL, XPIN_NONE,
	  "Re: invoices", NULL, NULL, 100007, 100001, NULL, 0, 0,
	  100007, false, false, NULL, NULL, UNV, S_OPEN, "", NULL, NULL },
	{ "tag of the token's own case", 6110, BOB, NULL, XPIN_NONE,
	  "Re: invoices", NULL, NULL, 100007, 100007, NULL, 0, 0,
	  100007, false, true, NULL, NULL, UNV, S_OPEN, "", NULL, NULL },
	{ "bob in capitals: notice to the address on file", 6120,
	  "BOB@ACME.EXAMPLE", NULL, XPIN_NONE, "Shouting question", NULL,
	  NULL, 0, 0, NULL, 0, 0,
	  100013, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "bob change request by token on alice's case", 6130, BOB, NULL,
	  XPIN_NONE, "Please cancel the invoice", NULL, NULL, 100007, 0,
	  NULL, 0, 0, 100007, false, false, VR, NULL, VREQ, S_VR,
	  "notice.queue", NULL, NULL },
};

/* ---- CaseRefPattern: external references ---- */

static const struct step t_ref[] = {
	{ "bob ref 4711", 7000, BOB, NULL, XPIN_NONE,
	  "Re: [Ticket#4711] phone line", NULL, NULL, 0, 0, "4711", 0, 0,
	  100014, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "alice ref 4711 (same account)", 7010, ALICE, NULL, XPIN_NONE,
	  "Re: [Ticket#4711] phone line", NULL, NULL, 0, 0, "4711", 0, 0,
	  100014, false, false, NULL, NULL, UNV, S_OPEN, "", NULL, NULL },
	{ "bob ref 4711 again", 7015, BOB, NULL, XPIN_NONE,
	  "Re: [Ticket#4711] phone line", NULL, NULL, 0, 0, "4711", 0, 0,
	  100014, false, false, NULL, NULL, UNV, S_OPEN, "", NULL, NULL },
	{ "olga ref 4711 (other account)", 7020, OLGA, NULL, XPIN_NONE,
	  "Re: [Ticket#4711] phone line", NULL, NULL, 0, 0, "4711", 0, 0,
	  100015, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "olga ref 4711 again", 7030, OLGA, NULL, XPIN_NONE,
	  "Re: [Ticket#4711] phone line", NULL, NULL, 0, 0, "4711", 0, 0,
	  100015, false, false, NULL, NULL, UNV, S_OPEN, "", NULL, NULL },
	{ "stranger ref 4712", 7040, EVE, NULL, XPIN_NONE,
	  "Re: [Ticket#4712] printer", NULL, NULL, 0, 0, "4712", 0, 0,
	  100016, true, false, NULL, NULL, UNV, S_OPEN, "case.open", NULL,
	  NULL },
	{ "stranger ref 4712 again: never joins", 7050, EVE, NULL, XPIN_NONE,
	  "Re: [Ticket#4712] printer", NULL, NULL, 0, 0, "4712", 0, 0,
	  100017, true, false, NULL, NULL, UNV, S_OPEN, "case.open", NULL,
	  NULL },
	{ "token wins over ref", 7060, BOB, NULL, XPIN_NONE,
	  "Re: [Ticket#4711] phone line", NULL, NULL, 100001, 0, "4711", 0,
	  0, 100001, false, false, NULL, NULL, UNV, S_AUTH, "", NULL, NULL },
};

/* ---- loops: never answered ---- */

#define LOOP(what, at, env, hn, hv, why) \
	{ what, 20000 + (at), BOB, env, XPIN_NONE, "What is the status?", \
	  hn, hv, 0, 0, NULL, 0, 0, 100018 + (at), true, false, NULL, why, \
	  UNV, S_OPEN, "case.open notice.skip", CC, NULL }

static const struct step t_loop[] = {
	LOOP("Auto-Submitted: auto-replied", 0, NULL, "Auto-Submitted",
	    "auto-replied", "Auto-Submitted: auto-replied"),
	LOOP("Auto-Submitted: auto-generated", 1, NULL, "Auto-Submitted",
	    "auto-generated", "Auto-Submitted: auto-generated"),
	LOOP("Precedence: bulk", 2, NULL, "Precedence", "bulk",
	    "Precedence: bulk"),
	LOOP("Precedence: junk", 3, NULL, "Precedence", "junk",
	    "Precedence: junk"),
	LOOP("List-Id", 4, NULL, "List-Id", "<support.lists.acme.example>",
	    "List-* field"),
	LOOP("List-Unsubscribe", 5, NULL, "List-Unsubscribe",
	    "<mailto:leave@lists.acme.example>", "List-* field"),
	LOOP("null envelope sender <>", 6, "<>", NULL, NULL, "null sender"),
	LOOP("empty envelope sender", 7, "", NULL, NULL, "null sender"),
	LOOP("multipart/report", 8, NULL, "Content-Type",
	    "multipart/report; report-type=delivery-status; boundary=x",
	    "multipart/report (bounce, receipt or feedback report)"),
	LOOP("our own notice", 9, NULL, "X-Support-Notice", "case-created",
	    "X-Support-Notice: our own notice"),
	LOOP("envelope MAILER-DAEMON", 10, "<MAILER-DAEMON@acme.example>",
	    NULL, NULL, "sender MAILER-DAEMON"),
	{ "auto-replied change request: no verification request", 20011,
	  BOB, NULL, XPIN_NONE, "Please change my number", "Auto-Submitted",
	  "auto-replied", 0, 0, NULL, 0, 0,
	  100029, true, false, NULL, "Auto-Submitted: auto-replied", UNV,
	  S_OPEN, "case.open notice.skip", VR, NULL },
	{ "bulk PIN request: no PIN issued", 20012, BOB, NULL, XPIN_NONE,
	  "I forgot my PIN", "Precedence", "bulk", 0, 0, NULL, 0, 0,
	  100030, true, false, NULL, "Precedence: bulk", UNV, S_OPEN,
	  "case.open notice.skip", PD, NULL },
	{ "Auto-Submitted: no is answered", 20013, BOB, NULL, XPIN_NONE,
	  "What is the status?", "Auto-Submitted", "no", 0, 0, NULL, 0, 0,
	  100031, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "Precedence: first-class is answered", 20014, BOB, NULL, XPIN_NONE,
	  "What is the status?", "Precedence", "first-class", 0, 0, NULL, 0,
	  0, 100032, true, false, CC, NULL, UNV, S_OPEN,
	  "case.open notice.queue", NULL, NULL },
	{ "loop header on a joined case: no notice, no skip row", 20015, BOB,
	  NULL, XPIN_NONE, "What is the status?", "Auto-Submitted",
	  "auto-replied", 100032, 0, NULL, 0, 0,
	  100032, false, false, NULL, NULL, UNV, S_OPEN, "", NULL, NULL },
};

/* ---- MaxNoticesPerDay 2 (set for this table), per recipient ---- */

#define CAP(what, at, from, text, n, notice, why, audit, sk) \
	{ what, T1 - T0 + (at), from, NULL, XPIN_NONE, text, NULL, NULL, 0, 0, \
	  NULL, 0, 0, n, true, false, notice, why, UNV, S_OPEN, audit, sk, \
	  NULL }

static const struct step t_cap[] = {
	CAP("cap: alice 1", 0, ALICE, "Question one", 100033, CC, NULL,
	    "case.open notice.queue", NULL),
	CAP("cap: alice 2", 0, ALICE, "Question two", 100034, CC, NULL,
	    "case.open notice.queue", NULL),
	CAP("cap: alice 3 refused", 0, ALICE, "Question three", 100035, NULL,
	    WHY_CAP, "case.open notice.skip", CC),
	CAP("cap: bob is another recipient", 0, BOB, "Question four", 100036,
	    CC, NULL, "case.open notice.queue", NULL),
	{ "cap: a PIN request is bounded by PinIssueInterval, not the cap",
	  T1 - T0 + 1, ALICE, NULL, XPIN_NONE, "I forgot my PIN", NULL, NULL,
	  0, 0, NULL, 0, 0, 100037, true, false, PD, NULL, VREQ, S_VR,
	  "case.open pin.issue notice.queue", NULL, NULL },
	CAP("cap: alice 24 h later, still refused", DAY, ALICE,
	    "Question five", 100038, NULL, WHY_CAP, "case.open notice.skip",
	    CC),
	CAP("cap: alice 24 h + 1 s later", DAY + 1, ALICE, "Question six",
	    100039, CC, NULL, "case.open notice.queue", NULL),
};

/* ---- no templates: no notices ---- */

static const struct step t_off[] = {
	{ "no templates: bob change request", T2 - T0, BOB, NULL, XPIN_NONE,
	  "Please change my number", NULL, NULL, 0, 0, NULL, 0, NOTMPL,
	  100040, true, false, NULL, WHY_OFF, UNV, S_OPEN,
	  "case.open notice.skip", VR, NULL },
	{ "no templates: bob PIN request", T2 - T0 + 1, BOB, NULL, XPIN_NONE,
	  "I forgot my PIN", NULL, NULL, 0, 0, NULL, 0, NOTMPL,
	  100041, true, false, NULL, WHY_OFF, UNV, S_OPEN,
	  "case.open notice.skip", PD, NULL },
	{ "no templates: bob question", T2 - T0 + 2, BOB, NULL, XPIN_NONE,
	  "A question", NULL, NULL, 0, 0, NULL, 0, NOTMPL,
	  100042, true, false, NULL, WHY_OFF, UNV, S_OPEN,
	  "case.open notice.skip", CC, NULL },
	{ "no templates: stranger", T2 - T0 + 3, EVE, NULL, XPIN_NONE,
	  "A question", NULL, NULL, 0, 0, NULL, 0, NOTMPL,
	  100043, true, false, NULL, NULL, UNV, S_OPEN, "case.open", NULL,
	  NULL },
};

/* ---- the queued notices, opened ---- */

static char issued[8][PIN_BUF];	/* every PIN seen in a notice */
static size_t nissued;
static char bob_pin[PIN_BUF];	/* bob's PIN after the PIN section */
static int64_t vr_notice_id;	/* bob's verification request on 100007 */

/*
 * The newest outbox notice must be KIND to EMAIL on case NUMBER, answer
 * the Message-ID of message MSGNO, carry our loop fields and the case
 * tag; a pin-delivery's PIN (into PIN) must be the user's PIN now.
 */
static void
check_notice(const char *what, const char *kind, const char *email,
    int64_t number, int msgno_of, char pin[PIN_BUF])
{
	struct outbox_seen o = outbox_now();
	char *msg = notice_text(o.newest.id), *f, *want, *mid;
	int64_t n = 0;

	pin[0] = '\0';
	ok(msg != NULL, "%s: the notice opens (secret_open)", what);
	if (msg == NULL)
		return;
	is_str(o.newest.kind, kind, "%s: newest notice kind", what);
	f = field_of(msg, "To");
	is_str(f, email, "%s: To the address on file", what);
	g_free(f);
	f = field_of(msg, "X-Support-Notice");
	is_str(f, kind, "%s: X-Support-Notice", what);
	g_free(f);
	f = field_of(msg, "Auto-Submitted");
	is_str(f, "auto-replied", "%s: Auto-Submitted", what);
	g_free(f);
	f = field_of(msg, "In-Reply-To");
	want = g_strdup_printf("<cw-%d@test.example>", msgno_of);
	is_str(f, want, "%s: In-Reply-To the customer's message", what);
	g_free(f);
	g_free(want);
	f = field_of(msg, "Subject");
	want = g_strdup_printf("[Case #%lld]", (long long)number);
	ok(f != NULL && strstr(f, want) != NULL, "%s: Subject carries %s",
	    what, want);
	g_free(f);
	g_free(want);
	ok(strstr(msg, "{{") == NULL, "%s: no placeholder left", what);
	f = field_of(msg, "Message-ID");
	mid = f != NULL && f[0] == '<' ? g_strndup(f + 1, strlen(f) - 2) :
	    g_strdup("");
	is_int(store_case_by_message_id(st, mid, &n), STORE_OK,
	    "%s: the notice's Message-ID is recorded", what);
	is_int(n, number, "%s: ... on its case", what);
	g_free(mid);
	g_free(f);
	pin_of(msg, pin);
	if (strcmp(kind, PD) == 0) {
		ok(secret_pin_valid(pin), "%s: the notice holds a PIN", what);
		ok(pin_is(email, pin) || pending_is(email, pin),
		    "%s: the PIN sent is the PIN stored (or pending)", what);
		if (nissued < sizeof(issued) / sizeof(issued[0]))
			memcpy(issued[nissued++], pin, PIN_BUF);
	} else
		is_str(pin, "", "%s: no PIN in a %s", what, kind);
	secret_wipe(msg, strlen(msg));
	g_free(msg);
}

static void
test_basic(void)
{
	char pin[PIN_BUF];

	run_step(&t_basic[0]);
	check_notice("verification request", VR, BOB, 100000, msgno, pin);
	run_table(t_basic + 1, 2);
	run_step(&t_basic[3]);
	check_notice("case created", CC, BOB, 100001, msgno, pin);
	run_table(t_basic + 4, NSTEPS(t_basic) - 4);
}

static void
test_pin(void)
{
	struct store_user u;
	char pin[PIN_BUF], pin2[PIN_BUF], *text;

	run_step(&t_pin[0]);
	check_notice("pin delivery", PD, BOB, 100003, msgno, pin);
	ok(pin_is(BOB, BOB_PIN),
	    "pin delivery: the old PIN is still bob's PIN");
	ok(pending_is(BOB, pin) && !pin_is(BOB, pin),
	    "pin delivery: the PIN mailed is pending");
	u = user(BOB);
	is_int(u.pin_set_at, T0 - 10 * DAY, "pin delivery: pin_set_at kept");
	is_int(u.pending_set_at, T0 + 1000, "pin delivery: pending since now");
	is_int(u.pending_until, T0 + 1000 + DAY,
	    "pin delivery: pending for 24 h");
	run_table(t_pin + 1, 3);
	ok(pending_is(BOB, pin) && pin_is(BOB, BOB_PIN),
	    "refused PIN requests leave both PINs as they were");
	text = newest_text();
	ok(text != NULL && strstr(text, "at 2025-06-15 15:23 UTC") != NULL,
	    "pin-recently-sent: when the last PIN was mailed");
	ok(text != NULL && strstr(text, "before 2025-06-15 16:23 UTC") != NULL,
	    "pin-recently-sent: when another may be asked for");
	ok(text != NULL && strstr(text, "    Alice <alice@acme.example>") !=
	    NULL, "pin-recently-sent: the account's administrator");
	ok(text != NULL && strstr(text, "{{") == NULL,
	    "pin-recently-sent: every placeholder replaced");
	g_free(text);
	run_step(&t_pin[4]);
	check_notice("pin delivery after the interval", PD, BOB, 100004,
	    msgno, pin2);
	ok(strcmp(pin, pin2) == 0 || !pending_is(BOB, pin),
	    "a second PIN replaces the first pending one");
	ok(pending_is(BOB, pin2) && pin_is(BOB, BOB_PIN),
	    "... and only the pending one: bob's PIN is kept");
	memcpy(bob_pin, BOB_PIN, PIN_BUF);
	ok(!user(CAROL).has_pin, "carol has no PIN before");
	run_step(&t_pin[5]);
	check_notice("carol's pin delivery", PD, CAROL, 100005, msgno, pin);
	ok(user(CAROL).has_pin, "carol has a PIN after");
	run_step(&t_pin[6]);
	check_notice("carol's verification request", VR, CAROL, 100006, msgno,
	    pin);
	secret_wipe(pin, sizeof(pin));
	secret_wipe(pin2, sizeof(pin2));
}

static void
test_join(void)
{
	char pin[PIN_BUF];

	run_step(&t_join[0]);
	run_step(&t_join[1]);
	run_step(&t_join[2]);
	check_notice("olga's case created", CC, OLGA, 100008, msgno, pin);
	run_table(t_join + 3, 9);
	run_step(&t_join[12]);
	check_notice("capitals", CC, BOB, 100013, msgno, pin);
	run_step(&t_join[13]);
	check_notice("bob's request on alice's case", VR, BOB, 100007, msgno,
	    pin);
	vr_notice_id = outbox_now().newest.id;
}

/* CaseRefPattern mode: the pattern is set (casematch uses it; casework
 * takes the reference from the casematch). */
static void
test_ref(void)
{
	cfg->case_ref_pattern = strdup("Ticket#(\\d+)");
	run_table(t_ref, NSTEPS(t_ref));
	free(cfg->case_ref_pattern);
	cfg->case_ref_pattern = NULL;
}

static void
test_cap(void)
{
	unsigned keep = cfg->max_notices_per_day;
	struct store_user before = user(ALICE), after;

	cfg->max_notices_per_day = 2;
	run_table(t_cap, NSTEPS(t_cap));
	after = user(ALICE);
	ok(pin_is(ALICE, ALICE_PIN), "cap: alice's PIN unchanged");
	is_int(after.pin_set_at, before.pin_set_at, "cap: pin_set_at kept");
	ok(after.has_pending, "cap: the PIN she asked for is pending");
	cfg->max_notices_per_day = keep;
}

static void
test_off(void)
{
	run_table(t_off, NSTEPS(t_off));
	ok(pin_is(BOB, bob_pin), "no templates: bob's PIN unchanged");
}

/* ---- single messages, for the checks that are not rows of a table ---- */

struct one {
	const char *from;
	enum verdict_pin pin;
	const char *text;
	time_t now;
	const char *actor;		/* the audit actor given to casework */
	bool aligned;			/* a trusted DMARC pass (verdict) */
	struct hdrlist hl;
	struct casematch m;
	struct verdict v;
	struct casework_out out;
	struct intent it;
};

static void
one_init(struct one *o, const char *from, enum verdict_pin pin,
    const char *text, time_t now)
{
	memset(o, 0, sizeof(*o));
	o->from = from;
	o->pin = pin;
	o->text = text;
	o->now = now;
	o->actor = "pinmilter";
	hdrlist_init(&o->hl);
	hdrlist_add(&o->hl, "From", from);
	hdrlist_add(&o->hl, "Subject", text);
}

static int
one_run(struct one *o)
{
	struct casework_env env = { cfg, key, st, tmpl, o->now, o->actor };
	struct casework_in in = { "Q1", &o->hl, o->from, o->text, &o->it,
	    &o->m };

	intent_classify_cfg(cfg, NULL, o->text, &o->it);
	(void)snprintf(o->v.from, sizeof(o->v.from), "%s", o->from);
	o->v.pin = o->pin;
	o->v.auth = o->pin == XPIN_PASS ? AUTH : UNV;
	o->v.aligned = o->aligned;
	return casework_run(&env, &in, &o->v, &o->out);
}

static void
one_done(struct one *o)
{
	hdrlist_clear(&o->hl);
}

static enum store_case_state
state_of(int64_t number)
{
	struct store_case c;

	memset(&c, 0, sizeof(c));
	c.state = (enum store_case_state)-1;
	(void)store_case_find(st, number, &c);
	return c.state;
}


#define T3	(T2 + 1000)

static void
e2e_message_id(void)
{
	struct one o;
	struct store_case c;
	char *mid = token_message_id(key, 100005, "example.com");
	char *refs = g_strdup_printf("<a@x.example> (comment) %s", mid);

	one_init(&o, CAROL, XPIN_PASS, "Re: here is my PIN", T3);
	hdrlist_add(&o.hl, "In-Reply-To", mid);
	casematch_parse(key, cfg, &o.hl, o.text, NULL, 0, &o.m);
	is_int(o.m.token_case, 100005, "e2e: Message-ID token parsed");
	is_int(o.m.how, CASEMATCH_MESSAGE_ID, "e2e: ... from In-Reply-To");
	is_int(o.m.forged, 0, "e2e: ... not forged");
	ok(casework_awaits_pin(st, &o.m), "e2e: carol's case awaits a PIN");
	is_int(one_run(&o), 0, "e2e: carol's PIN reply runs");
	is_int(o.out.case_number, 100005, "e2e: joins carol's case");
	ok(!o.out.opened, "e2e: no new case");
	is_str(o.out.notice, NULL, "e2e: no notice for a PIN pass");
	is_int(o.v.auth, AUTH, "e2e: stays authenticated");
	is_int(store_case_find(st, 100005, &c), STORE_OK, "e2e: case 100005");
	is_int(c.state, S_AUTH, "e2e: carol's case authenticated");
	is_str(c.authenticated_by, CAROL, "e2e: authenticated by carol");
	is_int(c.authenticated_at, T3, "e2e: authenticated now");
	ok(!casework_awaits_pin(st, &o.m),
	    "e2e: an authenticated case awaits no PIN");
	one_done(&o);

	one_init(&o, BOB, XPIN_NONE, "Re: more", T3 + 1);
	hdrlist_add(&o.hl, "References", refs);
	casematch_parse(key, cfg, &o.hl, o.text, NULL, 0, &o.m);
	is_int(o.m.token_case, 100005, "e2e: token in References");
	is_int(one_run(&o), 0, "e2e: References reply runs");
	is_int(o.out.case_number, 100005, "e2e: bob joins by References");
	is_str(o.out.notice, NULL, "e2e: authenticated case: no notice");
	one_done(&o);
	g_free(refs);
	g_free(mid);
}

static void
e2e_reply_to(void)
{
	struct one o;
	char *rt = token_reply_to(key, 100006, "support@example.com");
	const char *rcpts[1];
	struct outbox_seen before = outbox_now();

	rcpts[0] = rt;
	one_init(&o, BOB, XPIN_NONE, "Thanks", T3 + 2);
	casematch_parse(key, cfg, &o.hl, o.text, rcpts, 1, &o.m);
	is_int(o.m.token_case, 100006, "e2e: Reply-To token parsed");
	is_int(o.m.how, CASEMATCH_RECIPIENT, "e2e: ... from a recipient");
	is_int(one_run(&o), 0, "e2e: plus-address reply runs");
	is_int(o.out.case_number, 100006, "e2e: bob joins carol's case");
	ok(!o.out.opened, "e2e: plus-address: no new case");
	is_str(o.out.notice, NULL, "e2e: plus-address: no notice");
	is_int(outbox_now().n, before.n, "e2e: plus-address: outbox unchanged");
	one_done(&o);
	g_free(rt);
}

static void
e2e_altered(void)
{
	struct one o;
	struct audit_seen a;
	char *mid = token_message_id(key, 100003, "example.com"), *at;
	char *actions;

	at = strchr(mid, '@');
	at[-1] = at[-1] == 'a' ? 'b' : 'a';
	g_free(audit_new(&a));
	one_init(&o, BOB, XPIN_NONE, "Re: hello", T3 + 3);
	hdrlist_add(&o.hl, "In-Reply-To", mid);
	casematch_parse(key, cfg, &o.hl, o.text, NULL, 0, &o.m);
	is_int(o.m.token_case, 0, "e2e: altered token not valid");
	is_int(o.m.forged, 1, "e2e: altered token counted as forged");
	ok(!casework_awaits_pin(st, &o.m), "e2e: altered token awaits no PIN");
	is_int(one_run(&o), 0, "e2e: altered token runs");
	is_int(o.out.case_number, 100044, "e2e: altered token: a new case");
	ok(o.out.opened, "e2e: altered token: opened");
	is_str(o.out.notice, CC, "e2e: altered token: case created");
	actions = audit_new(&a);
	is_str(actions, "case.forged-token case.open notice.queue",
	    "e2e: altered token audited");
	g_free(actions);
	one_done(&o);
	g_free(mid);
}

/* A reply to the verification request really queued for bob on 100007. */
static void
e2e_real_notice(void)
{
	struct one o;
	char *msg = notice_text(vr_notice_id), *mid, *rt, *p;
	const char *rcpts[1];

	mid = field_of(msg, "Message-ID");
	rt = field_of(msg, "Reply-To");
	ok(mid != NULL && rt != NULL, "e2e: the notice has Message-ID and "
	    "Reply-To");
	if (mid == NULL || rt == NULL) {
		g_free(msg);
		return;
	}
	/* "<addr>" or "name <addr>" */
	if ((p = strchr(rt, '>')) != NULL)
		*p = '\0';
	rcpts[0] = (p = strchr(rt, '<')) != NULL ? p + 1 : rt;
	one_init(&o, BOB, XPIN_NONE, "Re: reply", T3 + 4);
	casematch_parse(key, cfg, &o.hl, o.text, rcpts, 1, &o.m);
	is_int(o.m.token_case, 100007,
	    "e2e: the notice's Reply-To names 100007");
	hdrlist_add(&o.hl, "In-Reply-To", mid);
	hdrlist_add(&o.hl, "References", mid);
	casematch_parse(key, cfg, &o.hl, o.text, NULL, 0, &o.m);
	is_int(o.m.token_case, 100007,
	    "e2e: the notice's Message-ID names 100007");
	ok(casework_awaits_pin(st, &o.m), "e2e: 100007 awaits bob's PIN");
	o.pin = XPIN_PASS;
	is_int(one_run(&o), 0, "e2e: bob's PIN reply runs");
	is_int(o.out.case_number, 100007, "e2e: joins 100007");
	is_int(state_of(100007), S_AUTH, "e2e: 100007 authenticated");
	one_done(&o);
	g_free(mid);
	g_free(rt);
	secret_wipe(msg, strlen(msg));
	g_free(msg);
}

static void
e2e_tag_ref(void)
{
	struct one o;
	struct store_case c;
	static const struct {
		const char *from, *subject;
		int64_t want;
		bool opened, tagged;
		const char *notice;
	} t[] = {
		{ BOB, "Re: [Case #100002] hours", 100002, false, true, NULL },
		{ OLGA, "Re: [Case #100002] hours", 100045, true, false, CC },
		{ BOB, "Re: [Ticket#9000] fax", 100046, true, false, CC },
		{ ALICE, "Re: [Ticket#9000] fax", 100046, false, false, NULL },
		{ EVE, "Re: [Ticket#9000] fax", 100047, true, false, NULL },
	};
	size_t i;

	free(cfg->case_ref_pattern);
	cfg->case_ref_pattern = strdup("Ticket#(\\d+)");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		one_init(&o, t[i].from, XPIN_NONE, t[i].subject,
		    T3 + 10 + (time_t)i);
		casematch_parse(key, cfg, &o.hl, o.text, NULL, 0, &o.m);
		is_int(one_run(&o), 0, "e2e %s \"%s\": runs", t[i].from,
		    t[i].subject);
		is_int(o.out.case_number, t[i].want, "e2e %s \"%s\": case",
		    t[i].from, t[i].subject);
		is_int(o.out.opened, t[i].opened, "e2e %s \"%s\": opened",
		    t[i].from, t[i].subject);
		is_int(o.out.tagged, t[i].tagged, "e2e %s \"%s\": tagged",
		    t[i].from, t[i].subject);
		is_str(o.out.notice, t[i].notice, "e2e %s \"%s\": notice",
		    t[i].from, t[i].subject);
		if (t[i].opened) {
			(void)store_case_find(st, t[i].want, &c);
			is_str(c.external_ref, strstr(t[i].subject, "9000") ?
			    "9000" : "", "e2e %s \"%s\": external ref",
			    t[i].from, t[i].subject);
		}
		one_done(&o);
	}
	free(cfg->case_ref_pattern);
	cfg->case_ref_pattern = NULL;
}


/* ---- PinIssueInterval counts the PINs mailed; locked users ---- */

static int64_t add_user(int64_t account, const char *email, const char *name,
    enum store_role role, const char *pin);

#define T4	(T0 + 40 * DAY)
#define T5	(T0 + 50 * DAY)

/* One message from FROM at NOW: the notice queued, the auth after. */
static void
one_check(const char *what, const char *from, enum verdict_pin pin,
    const char *text, time_t now, const char *want_notice,
    enum verdict_auth want_auth)
{
	struct one o;

	one_init(&o, from, pin, text, now);
	is_int(one_run(&o), 0, "%s: casework_run", what);
	is_str(o.out.notice, want_notice, "%s: notice", what);
	is_int(o.v.auth, want_auth, "%s: auth after", what);
	one_done(&o);
}

static void
test_interval_mailed(void)
{
	struct store_user olga = user(OLGA);
	char *text;
	int rc;

	is_int(auth_set_pin(st, key, olga.id, "111222", "pinctl:root",
	    "pin.set", T4), STORE_OK, "an administrator sets olga's PIN");
	one_check("olga lost her PIN minutes after the admin set it", OLGA,
	    XPIN_NONE, "I lost my PIN", T4 + 60, PD, VREQ);
	one_check("olga again: a PIN was mailed a minute ago", OLGA,
	    XPIN_NONE, "I lost my PIN", T4 + 120, PR, VREQ);
	text = newest_text();
	ok(text != NULL && strstr(text, "\n    support@example.com") != NULL,
	    "no administrator on file: the support address instead");
	g_free(text);
	/* pinctl pin issue --send queues a pin-delivery: it counts */
	rc = store_begin(st);
	if (rc == STORE_OK)
		rc = notice_queue(st, key, PD, CAROL, 0, "x", 1, T4 + 200);
	if (rc == STORE_OK)
		rc = store_commit(st);
	is_int(rc, STORE_OK, "a PIN mailed to carol by pinctl");
	one_check("carol lost her PIN after pinctl mailed one", CAROL,
	    XPIN_NONE, "I forgot my PIN", T4 + 300, PR, VREQ);
	text = newest_text();
	ok(text != NULL && strstr(text, "at 2025-07-25 15:10 UTC") != NULL &&
	    strstr(text, "before 2025-07-25 16:10 UTC") != NULL,
	    "carol: the time pinctl mailed it, and when to ask again");
	g_free(text);
	cfg->pin_issue_interval = 0;
	one_check("PinIssueInterval 0: no interval", CAROL, XPIN_NONE,
	    "I forgot my PIN", T4 + 400, PD, VREQ);
	cfg->pin_issue_interval = 3600;
}

static void
test_locked(void)
{
	struct lockout_state l = { 3, T5, T5 + 3600 };
	struct store_user erin;
	char *text;

	add_user(user(BOB).account_id, ERIN, "Erin", STORE_ROLE_USER,
	    "864200");
	erin = user(ERIN);
	is_int(store_user_set_lockout(st, erin.id, &l), STORE_OK,
	    "erin locked");
	one_check("locked erin asks for a change", ERIN, XPIN_NONE,
	    "Please cancel line 2", T5 + 10, AL, VREQ);
	text = newest_text();
	ok(text != NULL && strstr(text, "locked until 2025-08-04 16:06 UTC") !=
	    NULL, "account-locked: until when");
	ok(text != NULL && strstr(text, "    Alice <alice@acme.example>") !=
	    NULL, "account-locked: the account's administrator");
	ok(text != NULL && strstr(text, "erin@acme.example>") == NULL,
	    "account-locked: not erin herself");
	g_free(text);
	one_check("locked erin asks again (new case): once per lock", ERIN,
	    XPIN_NONE, "Please also remove user Dan", T5 + 20, CC, UNV);
	one_check("locked erin tries a PIN (new case)", ERIN, XPIN_FAIL,
	    "PIN 135790", T5 + 30, CC, UNV);
	one_check("locked erin asks a question", ERIN, XPIN_NONE,
	    "How do I add a user myself?", T5 + 40, CC, UNV);
	one_check("after the lock: a verification request", ERIN, XPIN_NONE,
	    "Please cancel line 2", T5 + 3700, VR, VREQ);
	l.window_start = T5 + 4000;
	l.locked_until = T5 + 7600;
	is_int(store_user_set_lockout(st, erin.id, &l), STORE_OK,
	    "erin locked again");
	one_check("locked again: a new lock, a new notice", ERIN, XPIN_FAIL,
	    "Here it is: PIN 135790", T5 + 4010, AL, VREQ);
	one_check("locked erin lost her PIN: no PIN (account-locked was sent)",
	    ERIN, XPIN_NONE, "I lost my PIN", T5 + 4100, CC, UNV);
	is_int(user(ERIN).lock.locked_until, T5 + 7600,
	    "a lost-PIN request does not lift the lock");
	ok(!user(ERIN).has_pending && pin_is(ERIN, "864200"),
	    "... nor issue a PIN while locked");
	one_check("alice (admin) asks for a change: not locked", ALICE,
	    XPIN_NONE, "Please cancel line 2", T5 + 4200, VR, VREQ);
}


/* ---- silencing: forged mail cannot use up a user's notices ---- */

#define T6	(T0 + 60 * DAY)
#define HANK	"hank@acme.example"
#define HANK_PIN	"975310"

/* One message from hank at NOW (ALIGNED: with a trusted DMARC pass). */
static void
hank(const char *what, const char *text, time_t now, bool aligned,
    const char *want_notice, const char *want_why)
{
	struct one o;

	one_init(&o, HANK, XPIN_NONE, text, now);
	o.aligned = aligned;
	is_int(one_run(&o), 0, "%s: casework_run", what);
	is_str(o.out.notice, want_notice, "%s: notice", what);
	is_str(o.out.no_notice, want_why, "%s: no_notice", what);
	one_done(&o);
}

static void
test_silence(void)
{
	unsigned keep = cfg->max_notices_per_day;
	char what[64], pin[PIN_BUF], *msg;
	struct outbox_seen o;
	unsigned i, queued = 0;
	int64_t first;

	add_user(user(BOB).account_id, HANK, "Hank", STORE_ROLE_USER,
	    HANK_PIN);
	cfg->max_notices_per_day = 10;
	first = outbox_now().n;
	/* ten forged lost-PIN mails (no DMARC pass) in ten minutes */
	hank("forged 1", "I forgot my PIN", T6, false, PD, NULL);
	for (i = 2; i <= 10; i++) {
		(void)snprintf(what, sizeof(what), "forged %u", i);
		hank(what, "I forgot my PIN", T6 + 60 * i, false, PR, NULL);
	}
	ok(pin_is(HANK, HANK_PIN), "ten forged lost-PIN mails: hank's PIN "
	    "unchanged");
	hank("forged 11", "I lost my PIN", T6 + 700, false, PR, NULL);
	hank("forged 12: the budget of mail without a DMARC pass is used up",
	    "I lost my PIN", T6 + 710, false, NULL, WHY_CAP);
	hank("forged 13: a forged change request too",
	    "Please change my phone number", T6 + 720, false, NULL, WHY_CAP);
	queued = outbox_now().n - first;
	is_int(queued, 11, "forged mail got 11 notices queued (1 PIN, 10 "
	    "others)");
	/* hank's own request, DMARC-aligned, still gets through */
	hank("genuine lost-PIN request (aligned)", "I forgot my PIN",
	    T6 + 800, true, PD, NULL);
	o = outbox_now();
	ok(o.newest.aligned, "... in the budget of DMARC-aligned mail");
	msg = notice_text(o.newest.id);
	pin_of(msg != NULL ? msg : "", pin);
	ok(secret_pin_valid(pin), "the genuine PIN delivery holds a PIN");
	ok(pending_is(HANK, pin) && pin_is(HANK, HANK_PIN),
	    "the genuine request's PIN is pending, hank's PIN kept");
	hank("genuine change request (aligned)",
	    "Please change my phone number", T6 + 900, true, VR, NULL);
	/* the aligned budget is hank's own: ten of it */
	for (i = 2; i <= 9; i++) {
		(void)snprintf(what, sizeof(what), "genuine question %u", i);
		hank(what, "What are your opening hours?", T6 + 900 + i, true,
		    CC, NULL);
	}
	hank("genuine 11th: the aligned budget holds ten besides PINs",
	    "What are your opening hours?", T6 + 1000, true, CC, NULL);
	hank("genuine 12th: refused", "What are your opening hours?",
	    T6 + 1001, true, NULL, WHY_CAP_AL);
	/* without a DMARC pass, a PIN is still mailed once per interval */
	hank("a lost-PIN request without a DMARC pass, 1 h later",
	    "I lost my PIN", T6 + 3600, false, PD, NULL);
	o = outbox_now();
	is_str(o.newest.kind, PD, "... a PIN delivery");
	ok(!o.newest.aligned, "... counted with mail without a DMARC pass");
	ok(pin_is(HANK, HANK_PIN), "hank's PIN still unchanged");
	cfg->max_notices_per_day = keep;
	secret_wipe(pin, sizeof(pin));
	if (msg != NULL)
		secret_wipe(msg, strlen(msg));
	g_free(msg);
}

/* Templates without the optional kinds: what was sent before. */
static void
test_old_templates(void)
{
	static const char *const kinds[] = { "case-created",
	    "verification-request", "pin-delivery", "email-changed", NULL };
	struct notice_templates *saved = tmpl;
	struct store_user dave;
	struct lockout_state l = { 3, T5 + 8000, T5 + 8000 + 3600 };
	const char *top = getenv("top_srcdir");
	char err[512] = "", *from, *to, *data;
	size_t i, len;

	(void)mkdir(tpath("old"), 0755);
	(void)mkdir(tpath("old/en"), 0755);
	for (i = 0; kinds[i] != NULL; i++) {
		from = g_strdup_printf("%s/conf/templates/en/%s.txt", top,
		    kinds[i]);
		to = g_strdup_printf("old/en/%s.txt", kinds[i]);
		if ((data = slurp(from, &len)) != NULL)
			write_file(tpath(to), data, len, 0644);
		free(data);
		g_free(from);
		g_free(to);
	}
	tmpl = notice_templates_load(tpath("old"), "en", err, sizeof(err));
	ok(tmpl != NULL, "the four required templates load (%s)", err);
	if (tmpl == NULL) {
		tmpl = saved;
		return;
	}
	add_user(user(BOB).account_id, "dave@acme.example", "Dave",
	    STORE_ROLE_USER, "246802");
	dave = user("dave@acme.example");
	is_int(store_user_set_lockout(st, dave.id, &l), STORE_OK,
	    "dave locked");
	one_check("old templates: locked dave asks for a change", dave.email,
	    XPIN_NONE, "Please cancel line 2", T5 + 8010, VR, VREQ);
	one_check("old templates: locked dave lost his PIN: no PIN",
	    dave.email, XPIN_NONE, "I lost my PIN", T5 + 8020, CC, UNV);
	is_int(user(dave.email).lock.locked_until, T5 + 8000 + 3600,
	    "old templates: dave stays locked");
	one_check("old templates: again, new case: case-created", dave.email,
	    XPIN_NONE, "I lost my PIN", T5 + 8030, CC, UNV);
	notice_templates_free(tmpl);
	tmpl = saved;
}

static void
test_awaits(void)
{
	static const struct {
		int64_t token, tag;
		bool want;
		const char *what;
	} t[] = {
		{ 100003, 0, true, "verification requested, not authed" },
		{ 100004, 0, true, "PIN delivered, not authenticated" },
		{ 100000, 0, false, "authenticated after a request" },
		{ 100002, 0, false, "authenticated, never requested" },
		{ 100013, 0, false, "open" },
		{ 999999, 0, false, "no such case" },
		{ 0, 100003, false, "a tag is not a token" },
		{ 0, 0, false, "nothing" },
	};
	struct casematch m;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&m, 0, sizeof(m));
		m.token_case = t[i].token;
		m.tag_case = t[i].tag;
		m.how = t[i].token ? CASEMATCH_MESSAGE_ID : CASEMATCH_NONE;
		is_int(casework_awaits_pin(st, &m), t[i].want,
		    "awaits_pin: %s", t[i].what);
	}
}

/* ---- the inbound Message-ID ---- */

static const char *
count_of(const char *table)
{
	static char sql[128], out[8][32];
	static int i;

	(void)snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	i = (i + 1) % 8;
	(void)snprintf(out[i], sizeof(out[i]), "%s",
	    raw_query(tpath("cw.db"), sql));
	return out[i];
}

static void
test_odd_msgid(void)
{
	static const struct {
		const char *what;
		const char *value;	/* "" + len: a long one */
		size_t len;		/* 0: VALUE as is */
		const char *find;	/* looked up afterwards */
		int want;		/* STORE_OK: found on 100001;
					 * STORE_INVALID: cannot be stored */
		int added;		/* rows added to case_messages */
	} t[] = {
		{ "plain", "<plain@bob.example>", 0, "<plain@bob.example>",
		  STORE_OK, 1 },
		{ "the same again", "<plain@bob.example>", 0,
		  "<plain@bob.example>", STORE_OK, 0 },
		{ "control character", "<a\001b@bob.example>", 0,
		  "<a\001b@bob.example>", STORE_INVALID, 1 },
		{ "control character, recorded as a space",
		  "<c\001d@bob.example>", 0, "<c d@bob.example>", STORE_OK, 1 },
		{ "folded", "\n <fold@bob.example>", 0, "<fold@bob.example>",
		  STORE_OK, 1 },
		{ "blank", " \t ", 0, "", STORE_INVALID, 0 },
		{ "511 bytes", "", 511, NULL, STORE_OK, 1 },
		{ "512 bytes", "", 512, NULL, STORE_INVALID, 0 },
		{ "600 bytes", "", 600, NULL, STORE_INVALID, 0 },
		{ "invalid UTF-8", "<\xff\xfe@bob.example>", 0,
		  "<\xef\xbf\xbd\xef\xbf\xbd@bob.example>", STORE_OK, 1 },
	};
	struct one o;
	size_t i;
	char *id, *rows;
	int64_t n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].len > 0) {
			id = g_malloc(t[i].len + 1);
			memset(id, 'x', t[i].len);
			id[0] = '<';
			memcpy(id + t[i].len - 13, "@bob.example>", 13);
			id[t[i].len] = '\0';
		} else
			id = g_strdup(t[i].value);
		rows = g_strdup(count_of("case_messages"));
		one_init(&o, BOB, XPIN_NONE, "Re: msgid", T3 + 100 + (time_t)i);
		o.m.token_case = 100001;
		o.m.how = CASEMATCH_MESSAGE_ID;
		hdrlist_add(&o.hl, "Message-ID", id);
		is_int(one_run(&o), 0, "Message-ID %s: runs", t[i].what);
		is_int(o.out.case_number, 100001, "Message-ID %s: case",
		    t[i].what);
		n = 0;
		is_int(store_case_by_message_id(st, t[i].find ? t[i].find : id,
		    &n), t[i].want, "Message-ID %s: lookup", t[i].what);
		if (t[i].want == STORE_OK)
			is_int(n, 100001, "Message-ID %s: on the case",
			    t[i].what);
		is_int(atoi(count_of("case_messages")) - atoi(rows),
		    t[i].added, "Message-ID %s: rows added", t[i].what);
		one_done(&o);
		g_free(rows);
		g_free(id);
	}
	/* no Message-ID field at all */
	rows = g_strdup(count_of("case_messages"));
	one_init(&o, BOB, XPIN_NONE, "Re: no id", T3 + 200);
	o.m.token_case = 100001;
	is_int(one_run(&o), 0, "no Message-ID: runs");
	is_str(count_of("case_messages"), rows, "no Message-ID: nothing added");
	one_done(&o);
	g_free(rows);
}

/*
 * Another account's newer case with the same external reference must not
 * hide the sender's own: the look-up is per account.
 */
static void
test_ref_hidden(void)
{
	struct one o;

	one_init(&o, BOB, XPIN_NONE, "Re: [Ticket#4711] phone line", T3 + 300);
	(void)snprintf(o.m.external_ref, sizeof(o.m.external_ref), "4711");
	is_int(one_run(&o), 0, "ref 4711 after olga's: runs");
	is_int(o.out.case_number, 100014,
	    "bob's ref 4711 joins his account's case 100014 although olga "
	    "opened a newer one with 4711");
	one_done(&o);
}

/*
 * A token of another account's case never threads: olga (Other), with
 * her own valid PIN and bob's (Acme) case token, gets a new case of her
 * own account; bob's case keeps its state, gets no Message-ID, and no
 * notice is queued about it.  Asking for a change by the token: the
 * same, the verification request is about olga's new case.  A sender
 * not on file still joins by token, and changes nothing.
 */
static struct store_case
case_of(int64_t number)
{
	struct store_case c;

	memset(&c, 0, sizeof(c));
	(void)store_case_find(st, number, &c);
	return c;
}

static void
test_token_other_account(void)
{
	struct store_case c, before;
	struct outbox_seen ob;
	struct audit_seen a;
	struct one o;
	int64_t n, mine;
	char *acts;

	one_init(&o, BOB, XPIN_NONE, "a question on the fax line", T3 + 400);
	is_int(one_run(&o), 0, "token/other account: bob opens a case");
	n = o.out.case_number;
	one_done(&o);
	g_free(audit_new(&a));
	before = case_of(n);
	ob = outbox_now();

	one_init(&o, OLGA, XPIN_PASS, "Re: here is my PIN", T3 + 401);
	o.m.token_case = n;
	o.m.how = CASEMATCH_MESSAGE_ID;
	hdrlist_add(&o.hl, "Message-ID", "<olga-1@other.example>");
	is_int(one_run(&o), 0, "token/other account: olga replies, runs");
	mine = o.out.case_number;
	is_int(mine, n + 1, "token/other account: a new case, not bob's");
	ok(o.out.opened, "token/other account: opened");
	is_int(o.v.case_number, n + 1, "token/other account: verdict case");
	is_int(o.v.auth, AUTH, "token/other account: olga is authenticated "
	    "(her PIN), in her own case");
	c = case_of(mine);
	is_str(c.account, "Other", "token/other account: olga's account");
	is_int(c.state, S_AUTH, "token/other account: her case authenticated");
	acts = audit_new(&a);
	is_str(acts, "case.token-refused case.open",
	    "token/other account: refusal audited");
	g_free(acts);
	c = case_of(n);
	ok(c.state == before.state && c.authenticated_at == 0 &&
	    c.verification_requested_at == before.verification_requested_at,
	    "token/other account: bob's case unchanged");
	{
		int64_t on = 0;

		is_int(store_case_by_message_id(st, "<olga-1@other.example>",
		    &on), STORE_OK, "token/other account: Message-ID kept");
		is_int(on, mine, "token/other account: on olga's case only");
	}
	is_int(outbox_now().n, ob.n,
	    "token/other account: no notice (an authenticated message)");
	is_str(o.out.notice, NULL, "token/other account: none out");
	one_done(&o);

	/* a change request by the token: no verification of bob's case */
	ob = outbox_now();
	one_init(&o, OLGA, XPIN_NONE, "Please cancel the invoice", T3 + 402);
	o.m.token_case = n;
	o.m.how = CASEMATCH_MESSAGE_ID;
	is_int(one_run(&o), 0, "token/other account: change request runs");
	is_int(o.out.case_number, n + 2, "token/other account: another new case");
	c = case_of(n);
	ok(c.state == before.state && c.verification_requested_at ==
	    before.verification_requested_at,
	    "token/other account: bob's case still unchanged");
	is_int(outbox_now().n, ob.n + 1, "token/other account: one notice");
	is_int(outbox_now().newest.case_number, n + 2,
	    "token/other account: the notice names olga's case");
	is_str(outbox_now().newest.recipient, OLGA,
	    "token/other account: to olga");
	one_done(&o);
	g_free(audit_new(&a));

	/* not on file: joins, changes nothing, no notice */
	ob = outbox_now();
	one_init(&o, EVE, XPIN_NONE, "Please cancel the invoice", T3 + 403);
	o.m.token_case = n;
	o.m.how = CASEMATCH_MESSAGE_ID;
	is_int(one_run(&o), 0, "token/not on file: runs");
	is_int(o.out.case_number, n, "token/not on file: joins bob's case");
	is_int(outbox_now().n, ob.n, "token/not on file: no notice");
	ok(case_of(n).state == before.state,
	    "token/not on file: bob's case unchanged");
	one_done(&o);
}

/* ---- store failures: nothing is left behind ---- */

static void
test_fail_trigger(void)
{
	static const char *const tables[] = { "cases", "outbox", "audit",
	    "case_messages" };
	char *before[4], *next;
	struct store_user u0 = user(BOB), u1;
	struct one o;
	size_t i;

	for (i = 0; i < 4; i++)
		before[i] = g_strdup(count_of(tables[i]));
	next = g_strdup(raw_query(tpath("cw.db"),
	    "SELECT max(number) + 1 FROM cases"));
	ok(raw_exec(tpath("cw.db"), "CREATE TRIGGER cw_fail BEFORE INSERT ON "
	    "outbox BEGIN SELECT RAISE(ABORT, 'outbox refuses'); END;") == 0,
	    "failing outbox trigger created");
	one_init(&o, BOB, XPIN_NONE, "I forgot my PIN", T3 + 400);
	hdrlist_add(&o.hl, "Message-ID", "<fail@bob.example>");
	is_int(one_run(&o), -1, "outbox failure: casework_run fails");
	is_int(o.out.case_number, 0, "outbox failure: no case number out");
	ok(!o.out.opened, "outbox failure: not opened");
	is_str(o.out.notice, NULL, "outbox failure: no notice out");
	is_int(o.v.case_number, 0, "outbox failure: verdict has no case");
	is_int(o.v.auth, UNV, "outbox failure: auth unchanged");
	for (i = 0; i < 4; i++)
		is_str(count_of(tables[i]), before[i],
		    "outbox failure: %s unchanged", tables[i]);
	u1 = user(BOB);
	ok(pin_is(BOB, bob_pin), "outbox failure: bob's PIN unchanged");
	is_int(u1.pin_set_at, u0.pin_set_at, "outbox failure: pin_set_at "
	    "unchanged");
	ok(u1.has_pending == u0.has_pending &&
	    u1.pending_set_at == u0.pending_set_at &&
	    memcmp(u1.pending_hash, u0.pending_hash, sizeof(u1.pending_hash))
	    == 0, "outbox failure: the pending PIN unchanged");
	is_int(store_case_by_message_id(st, "<fail@bob.example>",
	    &o.v.case_number),
	    STORE_NOTFOUND, "outbox failure: Message-ID not recorded");
	one_done(&o);
	ok(raw_exec(tpath("cw.db"), "DROP TRIGGER cw_fail;") == 0,
	    "failing outbox trigger dropped");
	one_init(&o, BOB, XPIN_NONE, "I forgot my PIN", T3 + 401);
	is_int(one_run(&o), 0, "after the failure: runs");
	is_int(o.out.case_number, atoll(next),
	    "after the failure: the case number was not used up");
	is_str(o.out.notice, PD, "after the failure: the PIN is delivered");
	one_done(&o);
	for (i = 0; i < 4; i++)
		g_free(before[i]);
	g_free(next);
}

static void
test_fail_readonly(void)
{
	char *outbox = g_strdup(count_of("outbox")),
	    *cases = g_strdup(count_of("cases"));
	char err[512] = "";
	struct one o;

	store_close(st);
	st = NULL;
	is_int(store_open(tpath("cw.db"), 1000, STORE_OPEN_READONLY, &st, err,
	    sizeof(err)), STORE_OK, "store reopened read-only");
	if (st == NULL) {
		g_free(outbox);
		g_free(cases);
		return;
	}
	one_init(&o, BOB, XPIN_NONE, "What are your opening hours?", T3 + 500);
	is_int(one_run(&o), -1, "read-only store: casework_run fails");
	is_int(o.out.case_number, 0, "read-only store: no case out");
	is_str(o.out.notice, NULL, "read-only store: no notice out");
	is_int(o.v.case_number, 0, "read-only store: verdict has no case");
	is_str(count_of("outbox"), outbox, "read-only store: nothing queued");
	is_str(count_of("cases"), cases, "read-only store: no case opened");
	one_done(&o);
	g_free(outbox);
	g_free(cases);
}

/* No PIN ever in the audit. */
static int
audit_pin_cb(const struct store_audit *a, void *arg)
{
	unsigned *hits = arg;
	size_t i;

	for (i = 0; i < nissued; i++)
		if (strstr(a->detail, issued[i]) != NULL ||
		    strstr(a->result, issued[i]) != NULL)
			(*hits)++;
	return 0;
}

static void
test_audit_no_pin(void)
{
	unsigned hits = 0;

	is_int(nissued, 3, "three PINs were delivered (bob twice, carol)");
	is_int(store_audit_list(st, NULL, audit_pin_cb, &hits), STORE_OK,
	    "audit listed");
	is_int(hits, 0, "no delivered PIN in any audit row");
}

/* The audit actor is the caller's: casework never names one itself. */
struct actor_seen {
	int64_t after;		/* rows with a higher id are new */
	unsigned rows, others;	/* new rows; new rows by another actor */
};

static int
actor_cb(const struct store_audit *a, void *arg)
{
	struct actor_seen *s = arg;

	if (a->id > s->after) {
		s->rows++;
		if (strcmp(a->actor, "relay:test") != 0)
			s->others++;
	}
	return 0;
}

static void
test_actor(void)
{
	struct audit_seen seen;
	struct actor_seen s;
	char *cases;
	struct one o;

	g_free(audit_new(&seen));
	memset(&s, 0, sizeof(s));
	s.after = last_audit;
	one_init(&o, OLGA, XPIN_NONE, "A question (actor)", T3 + 9000);
	o.actor = "relay:test";
	is_int(one_run(&o), 0, "actor: runs");
	is_int(store_audit_list(st, NULL, actor_cb, &s), STORE_OK,
	    "actor: audit listed");
	ok(s.rows >= 2, "actor: rows written (%u)", s.rows);
	is_int(s.others, 0, "actor: every new row names the caller's actor");
	one_done(&o);
	g_free(audit_new(&seen));

	cases = g_strdup(count_of("cases"));
	one_init(&o, OLGA, XPIN_NONE, "Another question", T3 + 9001);
	o.actor = NULL;
	is_int(one_run(&o), -1, "no actor: refused");
	is_str(store_errmsg(st), "invalid audit actor", "no actor: the reason");
	is_str(count_of("cases"), cases, "no actor: no case opened");
	one_done(&o);
	g_free(cases);
}

/* ---- set-up ---- */

static int64_t
add_user(int64_t account, const char *email, const char *name,
    enum store_role role, const char *pin)
{
	struct store_user u;
	int64_t id = 0;

	memset(&u, 0, sizeof(u));
	u.account_id = account;
	u.role = role;
	(void)snprintf(u.email, sizeof(u.email), "%s", email);
	(void)snprintf(u.name, sizeof(u.name), "%s", name);
	is_int(store_user_add(st, &u, T0 - 20 * DAY, &id), STORE_OK,
	    "user %s", email);
	if (pin != NULL)
		is_int(auth_set_pin(st, key, id, pin, "test", "pin.set",
		    T0 - 10 * DAY), STORE_OK, "PIN of %s", email);
	return id;
}

static int
setup(void)
{
	const char *top = getenv("top_srcdir");
	char *dir, err[1024] = "";
	int64_t acme = 0, other = 0;
	struct audit_seen a;

	if (top == NULL || *top == '\0') {
		tap_skip("top_srcdir is not set: no templates");
		return -1;
	}
	tdir_make("test_casework");
	key = make_key("key");
	st = make_store("cw.db");
	dir = g_strdup_printf("%s/conf/templates", top);
	tmpl = notice_templates_load(dir, "en", err, sizeof(err));
	g_free(dir);
	ok(tmpl != NULL, "templates load");
	if (tmpl == NULL) {
		printf("#   %s\n", err);
		return -1;
	}
	if ((cfg = config_defaults()) == NULL) {
		ok(0, "config_defaults");
		return -1;
	}
	cfg->support_addresses.v = calloc(2, sizeof(char *));
	cfg->support_addresses.v[0] = strdup("support@example.com");
	cfg->support_addresses.n = 1;
	cfg->max_notices_per_day = 1000;
	is_int(cfg->pin_issue_interval, 3600, "PinIssueInterval 1h");
	is_int(cfg->case_start, 100000, "CaseStart 100000");
	is_int(store_account_add(st, "Acme", T0 - 20 * DAY, &acme), STORE_OK,
	    "account Acme");
	is_int(store_account_add(st, "Other", T0 - 20 * DAY, &other), STORE_OK,
	    "account Other");
	add_user(acme, BOB, "Bob", STORE_ROLE_USER, BOB_PIN);
	add_user(acme, ALICE, "Alice", STORE_ROLE_ADMIN, ALICE_PIN);
	add_user(acme, CAROL, "Carol", STORE_ROLE_USER, NULL);
	add_user(other, OLGA, "Olga", STORE_ROLE_USER, OLGA_PIN);
	g_free(audit_new(&a));
	return 0;
}

int
main(void)
{
	if (setup() == 0) {
		test_basic();
		test_pin();
		test_join();
		test_ref();
		run_table(t_loop, NSTEPS(t_loop));
		ok(pin_is(BOB, bob_pin), "loops: bob's PIN unchanged");
		test_cap();
		test_off();
		e2e_message_id();
		e2e_reply_to();
		e2e_altered();
		e2e_real_notice();
		e2e_tag_ref();
		test_awaits();
		test_odd_msgid();
		test_ref_hidden();
		test_token_other_account();
		test_audit_no_pin();
		test_actor();
		test_interval_mailed();
		test_locked();
		test_old_templates();
		test_silence();
		test_fail_trigger();
		test_fail_readonly();
	}
	if (st != NULL)
		store_close(st);
	notice_templates_free(tmpl);
	config_free(cfg);
	secret_key_free(key);
	if (tdir[0] != '\0')
		rmtree(tdir);
	return tap_done();
}
