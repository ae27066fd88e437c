/*
 * casework.c - cases and notices for one message, inside the message's
 * one transaction (casework_run_in; casework_run opens its own).
 *
 * Security notes: a case number in a subject is not a secret, so a tag
 * (or a helpdesk's external reference) only joins a case of the sender's
 * own account (a guessed number must not let a stranger into a ticket);
 * a token carrying our MAC joins too, but never for a user of another
 * account (a token is in every notice and can be copied): such a user
 * gets a case of her own account, so a message from one account never
 * changes, or triggers a notice about, another's case.  Notices go to the
 * address on file, never to Reply-To or an unknown From, and never in
 * answer to automatic mail (rules.c): a loop between two autoresponders
 * cannot start here.  A PIN issued by email is rate-limited per user (by
 * the PINs mailed, PinIssueInterval) and travels only in the sealed
 * outbox row; anyone can ask for one, so it is pending next to the
 * user's PIN (never replacing it) and never unlocks: a locked user is
 * mailed none.  The daily notice budgets are split by DMARC alignment,
 * so forged mail uses up only its own (doc/NOTICES.md).  Whether a message asks for a change or a PIN is the
 * intent classifier's reading (intent.h), made by the caller.
 * Diagnostics: store failures are logged with the queue id by the
 * caller; decisions leave audit rows (never a PIN).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "pin/auth.h"
#include "case/casework.h"
#include "case/intent.h"
#include "util/log.h"
#include "util/text.h"
#include "case/rules.h"
#include "util/timeconst.h"

#define ADMINS_MAX	8	/* administrators listed in a notice */

static const char why_interval[] = "a PIN was mailed recently (PinIssueInterval)";
static const char why_locked[] = "user locked: no PIN is mailed";
static const char why_cap_aligned[] =
    "daily notice cap reached for the recipient (DMARC-aligned mail)";
static const char why_cap_other[] =
    "daily notice cap reached for the recipient (mail not DMARC-aligned)";

/* What some notices need beyond the user and the case. */
struct cw_extra {
	time_t until;		/* account-locked, pin-recently-sent */
	time_t sent;		/* pin-recently-sent: the last PIN mailed */
};

bool
casework_awaits_pin(struct store *st, const struct casematch *m)
{
	struct store_case c;

	if (m->token_case <= 0 ||
	    store_case_find(st, m->token_case, &c) != STORE_OK)
		return false;
	return c.verification_requested_at != 0 &&
	    c.state != STORE_CASE_AUTHENTICATED;
}

static int
cw_audit(const struct casework_env *env, const char *action,
    const char *email, int64_t number, const char *result, const char *fmt,
    ...) __attribute__((format(printf, 6, 7)));

static int
cw_audit(const struct casework_env *env, const char *action,
    const char *email, int64_t number, const char *result, const char *fmt,
    ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = store_audit_vrecord(env->st, env->now, env->actor, action, email,
	    number, result, fmt, ap);
	va_end(ap);
	return rc;
}

/* A case of the sender's account, by tag or external reference. */
static int
cw_same_account(const struct store_case *c, const struct store_user *u,
    bool known)
{
	return known && c->account_id != 0 && c->account_id == u->account_id;
}

/*
 * Is C a case of another account than the known sender U's?  A token
 * (even with our MAC) never brings a user of one account into another
 * account's case: it could be copied from any notice.  A sender not on
 * file has no account and joins by token (nothing it sends changes the
 * case or triggers a notice); a case with no account is nobody's.
 */
static int
cw_other_account(const struct store_case *c, const struct store_user *u,
    bool known)
{
	return known && c->account_id != 0 && c->account_id != u->account_id;
}

/* Find the case the message names, or open one.  Returns a store_rc. */
static int
cw_case(const struct casework_env *env, const struct casework_in *in,
    const struct verdict *v, const struct store_user *u, bool known,
    struct store_case *c, struct casework_out *out)
{
	const struct casematch *m = in->match;
	int rc;

	if (m->token_case > 0 &&
	    (rc = store_case_find(env->st, m->token_case, c)) != STORE_NOTFOUND) {
		if (rc != STORE_OK)
			return rc;
		if (!cw_other_account(c, u, known))
			return STORE_OK;
		if ((rc = cw_audit(env, "case.token-refused", v->from,
		    c->number, "new-case", "queue=%s sender of another "
		    "account", in->queue_id)) != STORE_OK)
			return rc;
	}
	if (m->tag_case > 0 &&
	    (rc = store_case_find(env->st, m->tag_case, c)) != STORE_NOTFOUND) {
		if (rc != STORE_OK)
			return rc;
		if (cw_same_account(c, u, known))
			return STORE_OK;
		if ((rc = cw_audit(env, "case.tag-refused", v->from, c->number,
		    "new-case", "queue=%s sender not of the case's account",
		    in->queue_id)) != STORE_OK)
			return rc;
	}
	if (m->external_ref[0] != '\0' && known &&
	    (rc = store_case_find_external(env->st, m->external_ref,
	    u->account_id, c)) != STORE_NOTFOUND)
		return rc;	/* the sender's own account's case, or an error */
	memset(c, 0, sizeof(*c));
	if (known) {
		c->account_id = u->account_id;
		c->user_id = u->id;
		snprintf(c->account, sizeof(c->account), "%s", u->account);
	}
	snprintf(c->email, sizeof(c->email), "%s", v->from);
	text_clean_line(in->subject, c->subject, sizeof(c->subject));
	snprintf(c->external_ref, sizeof(c->external_ref), "%s", m->external_ref);
	rc = store_case_open(env->st, c, env->cfg->case_start, env->now,
	    &c->number);
	if (rc == STORE_OK) {
		c->opened = env->now;
		out->opened = true;
		rc = cw_audit(env, "case.open", v->from, c->number, "ok",
		    "queue=%s%s%s", in->queue_id, c->external_ref[0] ? " ref=" : "",
		    c->external_ref);
	}
	return rc;
}

/* A locked user asks for a change: account-locked, once per lock. */
static const char *
cw_locked(const struct casework_env *env, const struct store_user *u,
    const struct casework_out *out, struct cw_extra *x, int *rc)
{
	unsigned n = 0;

	*rc = store_outbox_count(env->st, u->email, NOTICE_ACCOUNT_LOCKED,
	    u->lock.locked_until - (time_t)env->cfg->lockout_time, &n);
	if (*rc != STORE_OK)
		return NULL;
	if (n == 0) {
		x->until = u->lock.locked_until;
		return NOTICE_ACCOUNT_LOCKED;
	}
	return out->opened ? NOTICE_CASE_CREATED : NULL;
}

static int
cw_skip(const struct casework_env *env, const struct casework_in *in,
    const struct store_user *u, const struct store_case *c, const char *kind,
    const char *why);

/*
 * Which notice answers this message (see casework.h), or NULL.  A locked
 * user is never mailed a PIN (audited): he stays locked, and hears of
 * the lock (account-locked, once per lock) or of a new case at most.
 */
static const char *
cw_choose(const struct casework_env *env, const struct casework_in *in,
    const struct verdict *v, const struct store_user *u,
    const struct store_case *c, const struct casework_out *out,
    struct cw_extra *x, int *rc)
{
	const struct intent *it = in->intent;
	bool change = it != NULL && it->change;
	bool pin_asked = (it != NULL && it->kind == INTENT_LOST_PIN) ||
	    (!u->has_pin && change);

	*rc = STORE_OK;
	if (v->pin == XPIN_PASS || c->state == STORE_CASE_AUTHENTICATED)
		return NULL;
	if ((change || pin_asked || v->pin == XPIN_FAIL) &&
	    lockout_is_locked(&u->lock, env->now)) {
		if (pin_asked && (*rc = cw_skip(env, in, u, c,
		    NOTICE_PIN_DELIVERY, why_locked)) != STORE_OK)
			return NULL;
		if (notice_has_kind(env->tmpl, NOTICE_ACCOUNT_LOCKED))
			return cw_locked(env, u, out, x, rc);
		if (pin_asked)
			return out->opened ? NOTICE_CASE_CREATED : NULL;
	}
	if (pin_asked)
		return NOTICE_PIN_DELIVERY;
	if (change && c->verification_requested_at == 0)
		return NOTICE_VERIFICATION;
	if (out->opened)
		return NOTICE_CASE_CREATED;
	return NULL;
}

/* "2026-12-04 17:42 UTC" */
static void
cw_time(char *out, size_t size, time_t t)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		out[0] = '\0';
}

struct cw_admins {
	GString *s;
	const char *self;
	unsigned n;
};

static int
cw_admin_cb(const struct store_user *a, void *arg)
{
	struct cw_admins *acc = arg;
	char name[STORE_NAME_MAX], *line;

	if (g_ascii_strcasecmp(a->email, acc->self) == 0 ||
	    acc->n >= ADMINS_MAX)
		return 0;
	text_clean_line(a->name, name, sizeof(name));
	line = name[0] != '\0' ? g_strdup_printf("    %s <%s>", name, a->email) :
	    g_strdup_printf("    %s", a->email);
	if (acc->s->len + strlen(line) + 1 <= NOTICE_VALUE_MAX) {
		if (acc->s->len > 0)
			g_string_append_c(acc->s, '\n');
		g_string_append(acc->s, line);
		acc->n++;
	}
	g_free(line);
	return 0;
}

/* The other administrators of U's account, one a line; else support. */
static int
cw_admins(const struct casework_env *env, const struct store_user *u,
    char **out)
{
	struct cw_admins acc = { g_string_new(NULL), u->email, 0 };
	int rc;

	rc = store_user_list_admins(env->st, u->account_id, cw_admin_cb, &acc);
	if (acc.n == 0 && env->cfg->support_addresses.n > 0)
		g_string_append_printf(acc.s, "    %s",
		    env->cfg->support_addresses.v[0]);
	*out = g_string_free(acc.s, FALSE);
	return rc;
}

/* Build, seal and queue KIND; issue a PIN first for a PIN delivery. */
static int
cw_notice(const struct casework_env *env, const struct casework_in *in,
    const struct store_user *u, const struct store_case *c, const char *kind,
    const struct cw_extra *x, bool aligned)
{
	struct notice_vars nv;
	char pin[PIN_BUF], *msg = NULL, *msgid = NULL, *tag, *admins = NULL;
	char until[32], sent[32], arrived[32];
	time_t pending_until = 0;
	size_t len = 0;
	int rc;

	memset(&nv, 0, sizeof(nv));
	memset(pin, 0, sizeof(pin));
	cw_time(until, sizeof(until), x->until);
	cw_time(sent, sizeof(sent), x->sent);
	nv.until = until;
	nv.sent = sent;
	if ((strcmp(kind, NOTICE_ACCOUNT_LOCKED) == 0 ||
	    strcmp(kind, NOTICE_PIN_RECENT) == 0) &&
	    (rc = cw_admins(env, u, &admins)) != STORE_OK) {
		g_free(admins);
		return rc;
	}
	nv.admins = admins;
	if (strcmp(kind, NOTICE_PIN_DELIVERY) == 0) {
		/* pending next to the current PIN, never unlocking */
		secret_pin_random(pin);
		if ((rc = auth_mail_pin_in(env->st, env->key, u->id, pin,
		    env->actor, env->now, &pending_until)) != STORE_OK) {
			secret_wipe(pin, sizeof(pin));
			g_free(admins);
			return rc;
		}
		nv.pin = pin;
	}
	tag = config_case_tag(env->cfg, c->number);
	nv.case_number = c->number;
	nv.tag = tag;
	nv.name = u->name;
	nv.email = u->email;
	nv.account = u->account;
	nv.in_reply_to = hdrlist_get(in->headers, "Message-ID", 1);
	/* the request to confirm: this message (quoted cleaned, no link) */
	cw_time(arrived, sizeof(arrived), env->now);
	nv.request_subject = in->subject;
	nv.request_time = arrived;
	rc = STORE_ERROR;
	if (notice_build(env->tmpl, kind, &nv, env->cfg, env->key, &msg, &len,
	    &msgid) == 0) {
		rc = notice_queue_class(env->st, env->key, kind, u->email,
		    c->number, msg, len, env->now, aligned);
		if (rc == STORE_OK)
			rc = store_case_message_add(env->st, c->number, msgid,
			    "out", env->now);
		if (rc == STORE_OK)
			rc = cw_audit(env, "notice.queue", u->email, c->number,
			    "ok", "kind=%s queue=%s", kind, in->queue_id);
	}
	secret_wipe(pin, sizeof(pin));
	if (msg != NULL) {
		secret_wipe(msg, len);
		g_free(msg);
	}
	g_free(msgid);
	g_free(tag);
	g_free(admins);
	return rc;
}

/* May a notice go to U at all (templates, loops)?  NULL, or why not. */
static const char *
cw_notice_refused(const struct casework_env *env, const struct casework_in *in)
{
	if (env->tmpl == NULL)
		return "notices disabled (no templates)";
	return rules_no_answer(in->headers, in->env_sender, env->cfg);
}

/*
 * The daily budget: may a notice of KIND answering this message go to U
 * now?  NULL, or why not.  Notices answering mail with a trusted DMARC
 * pass for its From domain (V->aligned) and the others (pinctl's too)
 * are two budgets of MaxNoticesPerDay each, so forged mail can use up
 * only its own.  A PIN delivery is bounded by PinIssueInterval instead,
 * and neither counts nor is counted (with PinIssueInterval 0 it is).
 */
static const char *
cw_over_budget(const struct casework_env *env, const struct verdict *v,
    const struct store_user *u, const char *kind, int *rc)
{
	bool by_interval = env->cfg->pin_issue_interval != 0;
	unsigned sent = 0;
	time_t newest;

	*rc = STORE_OK;
	if (by_interval && strcmp(kind, NOTICE_PIN_DELIVERY) == 0)
		return NULL;
	if ((*rc = store_outbox_count_class(env->st, u->email, v->aligned,
	    NULL, by_interval ? NOTICE_PIN_DELIVERY : NULL, env->now - DAY,
	    &sent, &newest)) != STORE_OK)
		return "store error";
	if (sent >= env->cfg->max_notices_per_day)
		return v->aligned ? why_cap_aligned : why_cap_other;
	return NULL;
}

/*
 * PinIssueInterval: was a PIN mailed to U (a pin-delivery notice queued,
 * by us or by "pinctl pin issue --send") less than the interval ago, in
 * answer to mail of the same class as this one (ALIGNED: with a trusted
 * DMARC pass; pinctl's count with the other class)?  So forged mail
 * cannot hold back a PIN asked for by DMARC-aligned mail.  A PIN set or
 * printed by an administrator does not count: it did not reach the
 * mailbox.  Sets X->sent and X->until when so.
 */
static int
cw_pin_interval(const struct casework_env *env, const struct store_user *u,
    bool aligned, struct cw_extra *x)
{
	time_t iv = (time_t)env->cfg->pin_issue_interval, last = 0;
	unsigned n;
	int rc;

	if (iv == 0)
		return STORE_OK;
	rc = store_outbox_count_class(env->st, u->email, aligned,
	    NOTICE_PIN_DELIVERY, NULL, env->now - iv + 1, &n, &last);
	if (rc == STORE_OK && last != 0) {
		x->sent = last;
		x->until = last + iv;
	}
	return rc;
}

static int
cw_skip(const struct casework_env *env, const struct casework_in *in,
    const struct store_user *u, const struct store_case *c, const char *kind,
    const char *why)
{
	return cw_audit(env, "notice.skip", u->email, c->number, "skipped",
	    "kind=%s queue=%s reason=%s", kind, in->queue_id, why);
}

/*
 * Choose, check and queue the notice that answers the message; *KINDP
 * is the kind queued (NULL: none, OUT->no_notice says why when one was
 * chosen).  A PIN asked for within PinIssueInterval of the last one
 * mailed is not sent: pin-recently-sent says why (without that template,
 * a new case still gets case-created).  Then the daily budget of the
 * message's class.  Returns a store_rc.
 */
static int
cw_answer(const struct casework_env *env, const struct casework_in *in,
    const struct verdict *v, const struct store_user *u,
    const struct store_case *c, struct casework_out *out, const char **kindp)
{
	struct cw_extra x;
	const char *kind;
	int rc;

	memset(&x, 0, sizeof(x));
	*kindp = NULL;
	if ((kind = cw_choose(env, in, v, u, c, out, &x, &rc)) == NULL)
		return rc;
	if ((out->no_notice = cw_notice_refused(env, in)) != NULL)
		return cw_skip(env, in, u, c, kind, out->no_notice);
	if (strcmp(kind, NOTICE_PIN_DELIVERY) == 0) {
		if ((rc = cw_pin_interval(env, u, v->aligned, &x)) != STORE_OK)
			return rc;
		if (x.sent != 0) {
			if ((rc = cw_skip(env, in, u, c, kind,
			    why_interval)) != STORE_OK)
				return rc;
			kind = notice_has_kind(env->tmpl, NOTICE_PIN_RECENT) ?
			    NOTICE_PIN_RECENT : out->opened ?
			    NOTICE_CASE_CREATED : NULL;
			if (kind == NULL) {
				out->no_notice = why_interval;
				return STORE_OK;
			}
		}
	}
	out->no_notice = cw_over_budget(env, v, u, kind, &rc);
	if (rc != STORE_OK)
		return rc;
	if (out->no_notice != NULL)
		return cw_skip(env, in, u, c, kind, out->no_notice);
	if ((rc = cw_notice(env, in, u, c, kind, &x, v->aligned)) == STORE_OK)
		*kindp = kind;
	return rc;
}

/* Record the message's own Message-ID on its case (odd ones are not). */
static int
cw_inbound_id(const struct casework_env *env, const struct casework_in *in,
    int64_t number)
{
	const char *id = hdrlist_get(in->headers, "Message-ID", 1);
	char clean[STORE_DETAIL_MAX];
	int rc;

	if (id == NULL || strlen(id) >= sizeof(clean))
		return STORE_OK;
	text_clean_line(id, clean, sizeof(clean));
	g_strstrip(clean);
	if (clean[0] == '\0')
		return STORE_OK;
	rc = store_case_message_add(env->st, number, clean, "in", env->now);
	return rc == STORE_INVALID ? STORE_OK : rc;
}

int
casework_run_in(const struct casework_env *env, const struct casework_in *in,
    struct verdict *v, struct casework_out *out)
{
	struct store_user u;
	struct store_case c;
	const char *kind = NULL;
	bool known = false;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	if (v->from[0] != '\0') {
		rc = store_user_find(env->st, v->from, &u);
		if (rc == STORE_OK)
			known = true;
		else if (rc != STORE_NOTFOUND)
			goto fail;
	}
	if (in->match->forged > 0 && (rc = cw_audit(env, "case.forged-token",
	    v->from, 0, "ignored", "queue=%s tokens=%u", in->queue_id,
	    in->match->forged)) != STORE_OK)
		goto fail;
	if ((rc = cw_case(env, in, v, &u, known, &c, out)) != STORE_OK ||
	    (rc = cw_inbound_id(env, in, c.number)) != STORE_OK)
		goto fail;
	/* a PIN proves its owner: it authenticates a case of that owner's
	 * account only (a token may bring anyone's reply to a case) */
	if (v->pin == XPIN_PASS && known && c.account_id == u.account_id &&
	    (rc = store_case_authenticate(env->st, c.number, v->from,
	    env->now)) != STORE_OK)
		goto fail;
	if (known && (rc = cw_answer(env, in, v, &u, &c, out, &kind)) !=
	    STORE_OK)
		goto fail;
	if (kind != NULL && strcmp(kind, NOTICE_CASE_CREATED) != 0) {
		if ((rc = store_case_verification_requested(env->st, c.number,
		    env->now)) != STORE_OK)
			goto fail;
		v->auth = VERDICT_VERIFICATION_REQUESTED;
	}
	out->case_number = c.number;
	out->tagged = in->match->tag_case == c.number;
	out->notice = kind;
	v->case_number = c.number;
	secret_wipe(&u, sizeof(u));
	return 0;
fail:
	secret_wipe(&u, sizeof(u));
	memset(out, 0, sizeof(*out));
	return -1;
}

int
casework_run(const struct casework_env *env, const struct casework_in *in,
    struct verdict *v, struct casework_out *out)
{
	int64_t number = v->case_number;

	if (store_begin(env->st) != STORE_OK) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	if (casework_run_in(env, in, v, out) == 0 &&
	    store_commit(env->st) == STORE_OK)
		return 0;
	store_rollback(env->st);
	memset(out, 0, sizeof(*out));
	v->case_number = number;
	return -1;
}
