/*
 * pipeline.c - the steps of DESIGN.md section 2 for one message.
 *
 * 1. GMime reads the collected headers and body (memory or spill file);
 * 2. message.c picks the author's own text and the subject;
 * 3. pin.c finds the candidates in both (distinct values, merged);
 * 4. sender.c insists on one From mailbox; verdict.c decides;
 * 5. edits.c tags and strips forged fields; redact.c removes every
 *    candidate from subject and body (RedactPIN);
 * 6. one log line: queue id, sender, verdict, reason, never a PIN.
 *
 * Security notes: malformed input is never an internal error: it gets a
 * verdict (policy or none) and passes.  Only failures of our own
 * (memory, store) are errors.  Candidates are wiped before returning.
 * A body that was not held whole (over MaxMessageSize) is never
 * replaced, and its candidates are not tested.  A header with more of our
 * own fields than hdrlist keeps is refused: they could not all be removed.
 */
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "case/casematch.h"
#include "case/casework.h"
#include "util/log.h"
#include "mail/message.h"
#include "pin/pin.h"
#include "filter/pipeline.h"
#include "filter/redact.h"
#include "mail/sender.h"

/* A GMime stream over the collected header fields and body. */
static GMimeStream *
pipeline_stream(struct pipeline_msg *msg)
{
	GMimeStream *cat = g_mime_stream_cat_new(), *s;
	GString *h = g_string_sized_new(4096);
	size_t i;

	for (i = 0; i < msg->headers.n; i++)
		g_string_append_printf(h, "%s: %s\n", msg->headers.v[i].name,
		    msg->headers.v[i].value);
	g_string_append(h, "\n");
	s = g_mime_stream_mem_new_with_buffer(h->str, h->len);
	g_string_free(h, TRUE);
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), s);
	g_object_unref(s);
	if (msg->body == NULL || spool_size(msg->body) == 0)
		return cat;
	if (spool_on_disk(msg->body)) {
		int fd = dup(spool_fd(msg->body));

		if (fd < 0) {
			g_object_unref(cat);
			return NULL;
		}
		s = g_mime_stream_fs_new_with_bounds(fd, 0,
		    (gint64)spool_size(msg->body));
	} else {
		s = g_mime_stream_mem_new_with_buffer(spool_mem(msg->body),
		    spool_size(msg->body));
	}
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), s);
	g_object_unref(s);
	return cat;
}

/* Candidates of every Subject field (a message may carry several). */
static void
pipeline_subjects(const struct hdrlist *hl, struct pin_candidates *out)
{
	struct pin_candidates one;
	const char *raw;
	size_t i;

	for (i = 1; (raw = hdrlist_get(hl, "Subject", i)) != NULL; i++) {
		char *decoded = g_mime_utils_header_decode_text(NULL, raw);

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

	log_printable(v->from[0] ? v->from : "-", from, sizeof(from));
	log_printable(v->account, acct, sizeof(acct));
	pm_log_info("%s: from=<%s> auth=%s x-pin=%s reason=\"%s\" case=%lld%s%s%s%s redacted=%u",
	    msg->queue_id, from, verdict_auth_name(v->auth),
	    verdict_pin_name(v->pin), v->reason, (long long)v->case_number,
	    v->account[0] ? " account=" : "", v->account[0] ? acct : "",
	    notice ? " notice=" : "", notice ? notice : "", redactions);
}

/* The first Subject, RFC 2047-decoded, valid UTF-8; NULL if none. */
static char *
pipeline_subject(const struct hdrlist *hl)
{
	const char *raw = hdrlist_get(hl, "Subject", 1);
	char *dec, *valid;

	if (raw == NULL)
		return NULL;
	dec = g_mime_utils_header_decode_text(NULL, raw);
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

int
pipeline_run(const struct pipeline_env *env, struct pipeline_msg *msg,
    bool crlf, struct pipeline_result *r)
{
	struct message_limits lim = {
		env->cfg->max_mime_depth, env->cfg->max_mime_parts, 0
	};
	struct message_text t;
	struct pin_candidates cands, more;
	struct sender sender;
	struct verdict_input in;
	struct casematch match;
	struct casework_out cw;
	char *subject = NULL;
	struct verdict_env venv = { env->cfg, env->st, env->key, env->now,
	    "pinmilter" };
	GMimeStream *stream;
	GMimeMessage *m = NULL;
	bool whole;
	int rc = 0, n;

	memset(r, 0, sizeof(*r));
	memset(&cw, 0, sizeof(cw));
	memset(&match, 0, sizeof(match));
	edits_init(&r->edits);
	memset(&t, 0, sizeof(t));
	memset(&cands, 0, sizeof(cands));
	memset(&more, 0, sizeof(more));

	if (hdrlist_unsafe(&msg->headers)) {
		/* more of our own fields than we keep: we could not delete them
		 * all, so a forged tag would be delivered */
		r->reject = "too many X-Support or Authentication-Results fields";
		pm_log_warn("%s: rejected: %s", msg->queue_id, r->reject);
		return 0;
	}
	whole = !hdrlist_truncated(&msg->headers) &&
	    (msg->body == NULL || !spool_truncated(msg->body));
	if ((stream = pipeline_stream(msg)) == NULL) {
		pm_log_err("%s: cannot read the spooled body", msg->queue_id);
		verdict_internal_error(&r->verdict, "");
		goto edits;
	}
	m = message_parse_stream(stream, &t);
	g_object_unref(stream);
	subject = pipeline_subject(&msg->headers);
	casematch_parse(env->key, env->cfg, &msg->headers, subject, msg->rcpts,
	    msg->nrcpts, &match);
	if (m != NULL && message_read(m, &lim, &t) == 0) {
		pipeline_subjects(&msg->headers, &cands);
		if (t.author != NULL)
			pin_extract(t.author, strlen(t.author),
			    env->st != NULL && casework_awaits_pin(env->st, &match) ?
			    PIN_EXTRACT_BARE_LINE : 0, &more);
		pin_candidates_merge(&cands, &more);
	} else {
		whole = false;		/* unreadable: nothing to test */
	}

	sender_from_headers(&msg->headers, &sender);
	in.sender = &sender;
	in.headers = &msg->headers;
	in.cands = &cands;
	in.incomplete = !whole;
	in.queue_id = msg->queue_id;
	if (env->st == NULL)		/* no database: nothing can be decided */
		verdict_internal_error(&r->verdict,
		    sender.status == SENDER_OK ? sender.addr : "");
	else
		verdict_decide(&venv, &in, &r->verdict);
	if (!r->verdict.error) {
		struct casework_env cenv = { env->cfg, env->key, env->st,
		    env->tmpl, env->now, venv.actor };
		/* the case keeps the subject: never with a PIN in it */
		char *stored = subject == NULL ? NULL :
		    pin_redact(subject, strlen(subject), &cands, NULL, NULL, NULL);
		struct casework_in cin = { msg->queue_id, &msg->headers,
		    msg->env_sender, stored, NULL, &match };
		char *text = g_strconcat(subject ? subject : "", "\n",
		    t.author ? t.author : "", NULL);

		cin.text = text;
		if (casework_run(&cenv, &cin, &r->verdict, &cw) != 0) {
			pm_log_err("%s: case processing failed: %s", msg->queue_id,
			    store_errmsg(env->st));
			verdict_internal_error(&r->verdict, r->verdict.from);
		}
		explicit_bzero(text, strlen(text));
		g_free(text);
		g_free(stored);
	}

	/* Redaction needs no database: it is done after an internal error too
	 * (OnInternalError accept must not deliver a PIN either). */
	if (env->cfg->redact_pin && m != NULL) {
		n = redact_message(m, &cands, &msg->headers, whole, crlf, &r->edits);
		if (n < 0) {
			pm_log_err("%s: redaction failed", msg->queue_id);
			edits_clear(&r->edits);	/* no half-done edits */
			verdict_internal_error(&r->verdict, r->verdict.from);
		} else {
			r->redactions = (unsigned)n;
		}
	}
edits:
	if (r->verdict.error)
		rc = -1;
	if (edits_for_verdict(&r->edits, env->cfg, &msg->headers,
	    &r->verdict) != 0) {
		pm_log_err("%s: Authentication-Results value too long",
		    msg->queue_id);
		rc = -1;
	} else
		pipeline_tag(env->cfg, &msg->headers, &cw, &r->edits);
	r->notice = cw.notice;
	pipeline_log(msg, &r->verdict, r->redactions, cw.notice);
	pin_candidates_wipe(&cands);
	pin_candidates_wipe(&more);
	message_text_clear(&t);
	g_free(subject);
	if (m != NULL)
		g_object_unref(m);
	return rc;
}

void
pipeline_result_clear(struct pipeline_result *r)
{
	edits_clear(&r->edits);
}
