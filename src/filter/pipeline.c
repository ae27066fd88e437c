/*
 * pipeline.c - one support message, from what was collected to the edits
 * and the log line.  pipeline_run() is the list of steps:
 *
 * parse       GMime reads the collected header fields and body (memory or
 *             spill file); message.c picks the author's own text; the
 *             first Subject is decoded;
 * sender      sender.c insists on one From mailbox;
 * case        casematch.c finds the case the message names (signed
 *             token, subject tag, external reference);
 * candidates  pin/ finds the PIN candidates in every Subject and in the
 *             author's text (a bare six-digit line too when that case
 *             awaits a PIN);
 * redact      redact.c takes every candidate out of subject and body
 *             (RedactPIN), after an internal error too; no database;
 * commit      the message's one transaction (BEGIN IMMEDIATE ... COMMIT),
 *             its only write: a repeat (repeat.h: same sender, same
 *             Message-ID, same content, within REPEAT_WINDOW) gets the
 *             first copy's decision and a "message.repeat" audit row;
 *             else verdict.c decides (guess counters read and written
 *             in it), the intent classifier (case/intent.h) reads what
 *             the author asks (X-Support-Intent), casework.c joins or
 *             opens the case and queues at most one notice, and the
 *             decision is recorded; any failure rolls all of it back
 *             (internal error; without a database, the same);
 * edits       edits.c strips forged fields and adds ours; the case tag
 *             goes in front of the subject; the caller applies them
 *             after the commit (at-least-once: a message tempfailed
 *             after the commit comes back as a repeat);
 * then one log line: queue id, sender, verdict, reason, case, notice,
 * intent, never a PIN.
 *
 * Security notes: malformed input is never an internal error: it gets a
 * verdict (policy or none) and passes.  Only failures of our own (store,
 * spool) are errors; running out of memory aborts (util/xalloc.h).
 * Candidates are wiped before returning.  A body that was not held whole
 * (over MaxMessageSize) is never replaced, and its candidates are not
 * tested.  A header with more of our own fields than hdrlist keeps is
 * refused: they could not all be removed.
 */
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "case/casematch.h"
#include "case/casework.h"
#include "case/intent.h"
#include "mail/decode.h"
#include "util/log.h"
#include "util/logfault.h"
#include "mail/message.h"
#include "pin/pin.h"
#include "filter/pipeline.h"
#include "filter/route.h"
#include "filter/recheck.h"
#include "filter/redact.h"
#include "filter/repeat.h"
#include "mail/sender.h"

/* A GMime stream over the collected header fields and body. */
static GMimeStream *
pipeline_stream(struct pipeline_msg *msg)
{
	return recheck_stream(&msg->headers, msg->body, NULL, 0);
}

/* Candidates of every Subject field (a message may carry several). */
static void
pipeline_subjects(const struct hdrlist *hl, struct pin_candidates *out)
{
	struct pin_candidates one;
	const char *raw;
	size_t i;

	for (i = 1; (raw = hdrlist_get(hl, "Subject", i)) != NULL; i++) {
		char *decoded = decode_header(raw);

		memset(&one, 0, sizeof(one));
		pin_extract(decoded, strlen(decoded), 0, &one);
		pin_candidates_merge(out, &one);
		pin_candidates_wipe(&one);
		explicit_bzero(decoded, strlen(decoded));
		g_free(decoded);
	}
}

static void
pipeline_log(const struct pipeline_msg *msg, const struct verdict *v,
    unsigned redactions, const char *notice)
{
	char from[SENDER_ADDR_MAX], acct[STORE_ACCOUNT_MAX];
	char intent[INTENT_DESCRIBE_MAX + 32] = "";

	log_printable(v->from[0] ? v->from : "-", from, sizeof(from));
	log_printable(v->account, acct, sizeof(acct));
	if (v->intent.rule != NULL)	/* rule names and list words: ASCII */
		(void)snprintf(intent, sizeof(intent), " intent=%s rule=%s%s%s%s",
		    intent_kind_name(v->intent.kind), v->intent.rule,
		    v->intent.cue[0] ? " cue=\"" : "", v->intent.cue,
		    v->intent.cue[0] ? "\"" : "");
	pm_log_info("%s: from=<%s> auth=%s x-pin=%s reason=\"%s\" case=%lld%s%s%s%s%s redacted=%u",
	    msg->queue_id, from, verdict_auth_name(v->auth),
	    verdict_pin_name(v->pin), v->reason, (long long)v->case_number,
	    v->account[0] ? " account=" : "", v->account[0] ? acct : "",
	    notice ? " notice=" : "", notice ? notice : "", intent,
	    redactions);
}

/* The first Subject, RFC 2047-decoded, valid UTF-8; NULL if none. */
static char *
pipeline_subject(const struct hdrlist *hl)
{
	const char *raw = hdrlist_get(hl, "Subject", 1);
	char *dec, *valid;

	if (raw == NULL)
		return NULL;
	dec = decode_header(raw);
	valid = g_utf8_make_valid(dec, -1);
	g_free(dec);
	return valid;
}

/* The case tag in front of the subject, unless it is there already or
 * an external helpdesk numbers the cases (CaseRefPattern). */
static void
pipeline_tag(const struct pm_config *cfg, const struct hdrlist *hl,
    const struct casework_out *cw, struct edits *e)
{
	char *tag;

	if (cw->case_number <= 0 || cw->tagged || cfg->case_ref_pattern != NULL)
		return;
	tag = config_case_tag(cfg, cw->case_number);
	edits_tag_subject(e, hl, tag);
	g_free(tag);
}

#define PIPELINE_ACTOR	"pinmilter"	/* who the audit rows name */

/* One message on its way through the steps. */
struct pipeline_work {
	const struct pipeline_env *env;
	struct pipeline_msg *msg;
	struct pipeline_result *r;
	bool crlf;			/* the new body's line ends */
	GMimeMessage *m;		/* NULL: GMime could not build one */
	struct message_text t;		/* the author's text */
	bool readable;			/* t was read from m */
	bool whole;			/* held whole and readable */
	char *subject;			/* the Subject decoded, or NULL */
	struct sender sender;
	struct casematch match;
	struct pin_candidates cands;
	struct casework_out cw;
};

/* Parse: message, author's text, subject; -1: the spool is unreadable. */
static int
pipeline_parse(struct pipeline_work *w)
{
	struct message_limits lim = { w->env->cfg->max_mime_depth,
	    w->env->cfg->max_mime_parts, 0 };
	GMimeStream *stream;

	w->whole = !hdrlist_truncated(&w->msg->headers) &&
	    (w->msg->body == NULL || !spool_truncated(w->msg->body));
	if ((stream = pipeline_stream(w->msg)) == NULL) {
		pm_log_err("%s: cannot read the spooled body",
		    w->msg->queue_id);
		verdict_internal_error(&w->r->verdict, "");
		return -1;
	}
	w->m = message_parse_stream(stream, &w->t);
	g_object_unref(stream);
	w->subject = pipeline_subject(&w->msg->headers);
	w->readable = w->m != NULL && message_read(w->m, &lim, &w->t) == 0;
	if (!w->readable)
		w->whole = false;	/* unreadable: nothing to test */
	return 0;
}

/* Sender: the one From mailbox, or why there is none. */
static void
pipeline_sender(struct pipeline_work *w)
{
	sender_from_headers(&w->msg->headers, &w->sender);
}

/* Case: the case the message names, if any. */
static void
pipeline_case(struct pipeline_work *w)
{
	casematch_parse(w->env->key, w->env->cfg, &w->msg->headers, w->subject,
	    w->msg->rcpts, w->msg->nrcpts, &w->match);
}

/* Candidates: every Subject and the author's text, merged. */
static void
pipeline_candidates(struct pipeline_work *w)
{
	struct pin_candidates more;
	unsigned flags = 0;

	if (!w->readable)
		return;
	pipeline_subjects(&w->msg->headers, &w->cands);
	memset(&more, 0, sizeof(more));
	if (w->t.author != NULL) {
		if (w->env->st != NULL &&
		    casework_awaits_pin(w->env->st, &w->match))
			flags = PIN_EXTRACT_BARE_LINE;
		pin_extract(w->t.author, strlen(w->t.author), flags, &more);
	}
	pin_candidates_merge(&w->cands, &more);
	pin_candidates_wipe(&more);
}

/* What the author asks (X-Support-Intent): no database. */
static void
pipeline_intent(struct pipeline_work *w)
{
	intent_classify_cfg(w->env->cfg, w->subject, w->t.author,
	    &w->r->verdict.intent);
}

/* Decide: the verdict, inside the transaction. */
static void
pipeline_decide(struct pipeline_work *w)
{
	struct verdict_env venv = { w->env->cfg, w->env->st, w->env->key,
	    w->env->now, PIPELINE_ACTOR };
	struct verdict_input in = { &w->sender, &w->msg->headers, &w->cands,
	    !w->whole, w->msg->queue_id };

	verdict_decide(&venv, &in, &w->r->verdict);
	if (!w->r->verdict.error)
		pipeline_intent(w);
}

/* Casework: the case processor, for a decided verdict, inside the
 * transaction; -1: it failed (roll back). */
static int
pipeline_casework(struct pipeline_work *w)
{
	const struct pipeline_env *env = w->env;
	struct casework_env cenv = { env->cfg, env->key, env->st, env->tmpl,
	    env->now, PIPELINE_ACTOR };
	/* the case keeps the subject: never with a PIN in it */
	char *stored = w->subject == NULL ? NULL : pin_redact(w->subject,
	    strlen(w->subject), &w->cands, NULL, NULL, NULL);
	struct casework_in cin = { w->msg->queue_id, &w->msg->headers,
	    w->msg->env_sender, stored, &w->r->verdict.intent, &w->match };
	int rc;

	/* a failure is logged with the rollback (pipeline_commit) */
	rc = casework_run_in(&cenv, &cin, &w->r->verdict, &w->cw);
	g_free(stored);
	return rc;
}

/* A repeat: the decision of the first copy, audited; nothing else. */
static int
pipeline_repeat(struct pipeline_work *w, time_t first)
{
	struct verdict *v = &w->r->verdict;

	if (w->sender.status == SENDER_OK)
		(void)g_strlcpy(v->from, w->sender.addr, sizeof(v->from));
	pipeline_intent(w);
	w->cw.case_number = v->case_number;
	w->cw.tagged = w->match.tag_case > 0 &&
	    w->match.tag_case == v->case_number;
	return store_audit_record(w->env->st, w->env->now, PIPELINE_ACTOR,
	    "message.repeat", v->from, v->case_number, verdict_pin_name(v->pin),
	    "queue=%s first=%lld auth=%s", w->msg->queue_id,
	    (long long)first, verdict_auth_name(v->auth));
}

/* Inside the transaction: a repeat's decision, or a new one (verdict,
 * casework, its record).  -1: roll back. */
static int
pipeline_decide_in(struct pipeline_work *w, struct repeat_key *k, bool keyed)
{
	struct verdict *v = &w->r->verdict;
	time_t first = 0;
	char *ar;
	int rc = keyed ? repeat_find(w->env->st, k, w->env->now, v, &first) :
	    STORE_NOTFOUND;

	if (rc == STORE_OK)
		return pipeline_repeat(w, first) == STORE_OK ? 0 : -1;
	if (rc != STORE_NOTFOUND)
		return -1;
	pipeline_decide(w);
	if (v->error || pipeline_casework(w) != 0)
		return -1;
	/* the edits can be built (the only way they fail), before COMMIT */
	if ((ar = edits_ar_value(w->env->cfg, v)) == NULL)
		return -1;
	g_free(ar);
	if (keyed && repeat_record(w->env->st, k, w->env->now, v) != STORE_OK)
		return -1;
	return 0;
}

/* No transaction (the write lock not had): the account, read only, so
 * the temperror message still names it (X-Support-Account). */
static void
pipeline_account(struct pipeline_work *w, const char *from)
{
	struct store_user u;

	if (from[0] != '\0' && store_user_find(w->env->st, from, &u) ==
	    STORE_OK)
		(void)g_strlcpy(w->r->verdict.account, u.account,
		    sizeof(w->r->verdict.account));
	secret_wipe(&u, sizeof(u));
}

/*
 * The message's one transaction: BEGIN IMMEDIATE, then the guess
 * counters, the case, the audit, the outbox row and the decision record,
 * COMMIT.  Nothing of the message is written unless all of it is: on
 * any failure it is rolled back and the verdict is an internal error.
 */
static void
pipeline_commit(struct pipeline_work *w)
{
	struct store *st = w->env->st;
	struct repeat_key k;
	bool keyed;
	const char *from = w->sender.status == SENDER_OK ? w->sender.addr : "";
	char why[512];

	if (st == NULL) {
		verdict_internal_error(&w->r->verdict, from);
		return;
	}
	keyed = repeat_key_make(w->env->key, &w->msg->headers, w->msg->body,
	    from, &k);
	if (store_begin(st) == STORE_OK) {
		if (pipeline_decide_in(w, &k, keyed) == 0 &&
		    store_commit(st) == STORE_OK) {
			secret_wipe(&k, sizeof(k));
			logfault_clear(LOGFAULT_DATABASE, w->env->now,
			    "database");
			return;
		}
		store_rollback(st);
		(void)g_strlcpy(why, store_errmsg(st), sizeof(why));
	} else {
		/* the reason first: the look-up below sets its own */
		(void)g_strlcpy(why, store_errmsg(st), sizeof(why));
		pipeline_account(w, from);
	}
	secret_wipe(&k, sizeof(k));
	/* a fault that lasts fails every message: one line a minute */
	logfault(LOGFAULT_DATABASE, w->env->now, "%s: the decision was not "
	    "recorded: %s: support mail gets the OnInternalError action until "
	    "it clears", w->msg->queue_id, why);
	memset(&w->cw, 0, sizeof(w->cw));
	w->r->verdict.case_number = 0;
	verdict_internal_error(&w->r->verdict, from);
}

/* Redact: every candidate out of subject and body, errors or not. */
static void
pipeline_redact(struct pipeline_work *w)
{
	struct pipeline_result *r = w->r;
	int n;

	/* no database needed: done after an internal error too, since
	 * OnInternalError accept must not deliver a PIN either */
	if (!w->env->cfg->redact_pin || w->m == NULL)
		return;
	n = redact_message(w->m, &w->cands, &w->msg->headers, w->whole,
	    w->crlf, &r->edits);
	if (n < 0) {
		pm_log_err("%s: redaction failed", w->msg->queue_id);
		edits_clear(&r->edits);		/* no half-done edits */
		verdict_internal_error(&r->verdict,
		    w->sender.status == SENDER_OK ? w->sender.addr : "");
	} else
		r->redactions = (unsigned)n;
}

/*
 * The post-condition: what will be delivered, read again, shows no
 * candidate and no keyword-anchored PIN; else the message fails closed
 * (OnInternalError; with "accept", the edits are dropped and the message
 * refused all the same: a PIN is never delivered).
 */
static void
pipeline_recheck(struct pipeline_work *w)
{
	struct pipeline_result *r = w->r;
	int found;

	if (!w->env->cfg->redact_pin)
		return;
	found = recheck_delivered(&w->msg->headers, w->msg->body, &r->edits,
	    &w->cands);
	if (found == 0)
		return;
	pm_log_err("%s: %s after redaction: not delivered", w->msg->queue_id,
	    found < 0 ? "the message cannot be read back" :
	    "a PIN is still readable");
	verdict_internal_error(&r->verdict, r->verdict.from);
	r->unsafe = true;
}

/* Edits: our fields for the verdict, the case tag, the route of an
 * authenticated message; -1: internal error. */
static int
pipeline_edits(struct pipeline_work *w)
{
	const struct pm_config *cfg = w->env->cfg;

	if (edits_for_verdict(&w->r->edits, cfg, &w->msg->headers,
	    &w->r->verdict) != 0) {
		pm_log_err("%s: Authentication-Results value too long",
		    w->msg->queue_id);
		return -1;
	}
	pipeline_tag(cfg, &w->msg->headers, &w->cw, &w->r->edits);
	(void)route_edits(&w->r->edits, cfg, w->msg->rcpts,
	    w->msg->rcpt_support, w->msg->nrcpts, &w->r->verdict);
	return w->r->verdict.error ? -1 : 0;
}

/*
 * Messages refused before anything is read: more of our own fields, or of
 * the helpdesk's control fields, than could be deleted (a forged tag or
 * command would be delivered), or a message not held whole while PINs
 * are redacted (what was not seen cannot be redacted).  True when R says
 * so.
 */
static bool
pipeline_refused(const struct pipeline_env *env,
    const struct pipeline_msg *msg, struct pipeline_result *r)
{
	if (hdrlist_unsafe(&msg->headers)) {
		r->reject = "too many X-Support or Authentication-Results fields";
		pm_log_warn("%s: rejected: %s", msg->queue_id, r->reject);
		return true;
	}
	if (hdrlist_unsafe_keep(&msg->headers)) {
		r->reject = "too many helpdesk control fields";
		pm_log_warn("%s: rejected: %s", msg->queue_id, r->reject);
		return true;
	}
	if (env->cfg->redact_pin && (hdrlist_truncated(&msg->headers) ||
	    (msg->body != NULL && spool_truncated(msg->body)))) {
		r->reject = PIPELINE_INCOMPLETE_TEXT;
		r->reject_rcode = "552";
		r->reject_xcode = "5.3.4";
		pm_log_warn("%s: rejected: message not held whole (over "
		    "MaxMessageSize or the header-field cap)", msg->queue_id);
		return true;
	}
	return false;
}

int
pipeline_run(const struct pipeline_env *env, struct pipeline_msg *msg,
    bool crlf, struct pipeline_result *r)
{
	struct pipeline_work w;
	int rc;

	memset(r, 0, sizeof(*r));
	edits_init(&r->edits);
	if (pipeline_refused(env, msg, r))
		return 0;
	memset(&w, 0, sizeof(w));
	w.env = env;
	w.msg = msg;
	w.r = r;
	w.crlf = crlf;
	if (pipeline_parse(&w) == 0) {
		pipeline_sender(&w);
		pipeline_case(&w);
		pipeline_candidates(&w);
		pipeline_redact(&w);
		if (!r->verdict.error)
			pipeline_commit(&w);
	}
	rc = pipeline_edits(&w);
	if (w.m != NULL || rc == 0)
		pipeline_recheck(&w);
	if (r->unsafe)
		rc = -1;
	r->notice = w.cw.notice;
	pipeline_log(msg, &r->verdict, r->redactions, w.cw.notice);
	pin_candidates_wipe(&w.cands);
	message_text_clear(&w.t);
	g_free(w.subject);
	if (w.m != NULL)
		g_object_unref(w.m);
	return rc;
}

void
pipeline_result_clear(struct pipeline_result *r)
{
	edits_clear(&r->edits);
}
