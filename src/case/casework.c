/*
 * casework.c - cases and notices for one message, in one transaction.
 *
 * Security notes: a case number in a subject is not a secret, so a tag
 * (or a helpdesk's external reference) only joins a case of the sender's
 * own account (a guessed number must not let a stranger into a ticket);
 * only a token carrying our MAC joins regardless.  Notices go to the
 * address on file, never to Reply-To or an unknown From, and never in
 * answer to automatic mail (rules.c): a loop between two autoresponders
 * cannot start here.  A PIN issued by email is rate-limited per user and
 * travels only in the sealed outbox row.
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
#include "util/log.h"
#include "case/rules.h"
#include "util/timeconst.h"

static const char why_interval[] = "a PIN was issued recently (PinIssueInterval)";

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

/* TEXT as one line of valid UTF-8, at most SIZE-1 bytes, cut on a
 * character boundary; control characters become spaces. */
static void
one_line(char *out, size_t size, const char *text)
{
	char *valid = g_utf8_make_valid(text ? text : "", -1);
	size_t n = strlen(valid), i;

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)valid[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, valid, n);
	out[n] = '\0';
	g_free(valid);
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
}

/* A case of the sender's account, by tag or external reference. */
static int
cw_same_account(const struct store_case *c, const struct store_user *u,
    bool known)
{
	return known && c->account_id != 0 && c->account_id == u->account_id;
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
	    (rc = store_case_find(env->st, m->token_case, c)) != STORE_NOTFOUND)
		return rc;
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
	one_line(c->subject, sizeof(c->subject), in->subject);
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

/* Which notice answers this message (see casework.h), or NULL. */
static const char *
cw_choose(const struct casework_env *env, const struct casework_in *in,
    const struct verdict *v, const struct store_user *u,
    const struct store_case *c, const struct casework_out *out)
{
	bool change = rules_change_request(in->text,
	    &env->cfg->change_keywords);

	if (v->pin == XPIN_PASS || c->state == STORE_CASE_AUTHENTICATED)
		return NULL;
	if (rules_pin_request(in->text) || (!u->has_pin && change))
		return NOTICE_PIN_DELIVERY;
	if (change && c->verification_requested_at == 0)
		return NOTICE_VERIFICATION;
	if (out->opened)
		return NOTICE_CASE_CREATED;
	return NULL;
}

/* Build, seal and queue KIND; issue a PIN first for a PIN delivery. */
static int
cw_notice(const struct casework_env *env, const struct casework_in *in,
    const struct store_user *u, const struct store_case *c, const char *kind)
{
	struct notice_vars nv;
	char pin[PIN_BUF], *msg = NULL, *msgid = NULL, *tag;
	size_t len = 0;
	int rc;

	memset(&nv, 0, sizeof(nv));
	memset(pin, 0, sizeof(pin));
	if (strcmp(kind, NOTICE_PIN_DELIVERY) == 0) {
		secret_pin_random(pin);
		if ((rc = auth_set_pin_in(env->st, env->key, u->id, pin,
		    env->actor, "pin.issue", env->now)) != STORE_OK) {
			secret_wipe(pin, sizeof(pin));
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
	rc = STORE_ERROR;
	if (notice_build(env->tmpl, kind, &nv, env->cfg, env->key, &msg, &len,
	    &msgid) == 0) {
		rc = notice_queue(env->st, env->key, kind, u->email, c->number,
		    msg, len, env->now);
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
	return rc;
}

/* May a notice go to U now?  NULL, or why not. */
static const char *
cw_notice_refused(const struct casework_env *env, const struct casework_in *in,
    const struct store_user *u, const char *kind, int *rc)
{
	unsigned sent = 0;
	const char *why;

	*rc = STORE_OK;
	if (env->tmpl == NULL)
		return "notices disabled (no templates)";
	if ((why = rules_no_answer(in->headers, in->env_sender, env->cfg)) != NULL)
		return why;
	if ((*rc = store_outbox_count(env->st, u->email, NULL, env->now - DAY,
	    &sent)) != STORE_OK)
		return "store error";
	if (sent >= env->cfg->max_notices_per_day)
		return "daily notice cap reached for the recipient";
	if (strcmp(kind, NOTICE_PIN_DELIVERY) == 0 && u->pin_set_at != 0 &&
	    env->now - u->pin_set_at < (time_t)env->cfg->pin_issue_interval)
		return why_interval;
	return NULL;
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
	one_line(clean, sizeof(clean), id);
	g_strstrip(clean);
	if (clean[0] == '\0')
		return STORE_OK;
	rc = store_case_message_add(env->st, number, clean, "in", env->now);
	return rc == STORE_INVALID ? STORE_OK : rc;
}

int
casework_run(const struct casework_env *env, const struct casework_in *in,
    struct verdict *v, struct casework_out *out)
{
	struct store_user u;
	struct store_case c;
	const char *kind = NULL;
	bool known = false;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	if ((rc = store_begin(env->st)) != STORE_OK)
		return -1;
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
	if (known && (kind = cw_choose(env, in, v, &u, &c, out)) != NULL) {
		out->no_notice = cw_notice_refused(env, in, &u, kind, &rc);
		if (rc != STORE_OK)
			goto fail;
		if (out->no_notice == why_interval && out->opened) {
			/* no second PIN so soon; a new case is still confirmed */
			if ((rc = cw_audit(env, "notice.skip", u.email, c.number,
			    "skipped", "kind=%s queue=%s reason=%s", kind,
			    in->queue_id, out->no_notice)) != STORE_OK)
				goto fail;
			kind = NOTICE_CASE_CREATED;
			out->no_notice = cw_notice_refused(env, in, &u, kind, &rc);
			if (rc != STORE_OK)
				goto fail;
		}
		if (out->no_notice != NULL) {
			if ((rc = cw_audit(env, "notice.skip", u.email, c.number,
			    "skipped", "kind=%s queue=%s reason=%s", kind,
			    in->queue_id, out->no_notice)) != STORE_OK)
				goto fail;
			kind = NULL;
		} else if ((rc = cw_notice(env, in, &u, &c, kind)) != STORE_OK)
			goto fail;
	}
	if (kind != NULL && strcmp(kind, NOTICE_CASE_CREATED) != 0) {
		if ((rc = store_case_verification_requested(env->st, c.number,
		    env->now)) != STORE_OK)
			goto fail;
		v->auth = VERDICT_VERIFICATION_REQUESTED;
	}
	if ((rc = store_commit(env->st)) != STORE_OK)
		goto fail;
	out->case_number = c.number;
	out->tagged = in->match->tag_case == c.number;
	out->notice = kind;
	v->case_number = c.number;
	secret_wipe(&u, sizeof(u));
	return 0;
fail:
	store_rollback(env->st);
	secret_wipe(&u, sizeof(u));
	memset(out, 0, sizeof(*out));
	return -1;
}
