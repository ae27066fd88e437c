/*
 * notice.c - the MIME messages built from notice templates (read and
 * checked by notice_template.c), and their queueing.
 *
 * A notice is built with GMime: From NoticeFrom (or the first
 * SupportAddress), To the address on file, Subject (RFC 2047 encoded
 * words when not ASCII), Date, Message-ID (token_message_id: a MAC
 * over the case number), In-Reply-To and References (the customer's
 * Message-ID), Reply-To (token_reply_to: a signed plus address, when
 * ReplyToTokens and there is a case), Auto-Submitted: auto-replied
 * (RFC 3834), X-Support-Notice: KIND (our loop header), MIME-Version and
 * a text/plain; charset=utf-8 quoted-printable body; CRLF line ends.
 *
 * Security notes:
 * - Placeholder values are inserted as text, once, never re-scanned: a
 *   value holding "{{pin}}" stays those seven characters.
 * - A value bound for a header (the address, anything in the Subject)
 *   with CR or LF is refused: no header injection.  The customer's
 *   Message-ID is untrusted: unless it is a plain msg-id (printable
 *   ASCII, no angle brackets inside, bounded), it is left out.
 * - A PIN goes only into the body of pin-delivery (checked at load time,
 *   never the Subject, which mail clients show in lists).  The buffers
 *   we own that held it (the expanded body, GMime's input and output
 *   streams) are wiped before they are freed; GMime's internal filter
 *   buffers are not reachable and are not wiped (best effort).
 * Diagnostics: notice_build returns -1 and logs nothing (its caller
 * knows the context).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/token.h"
#include "mail/message.h"
#include "notice/notice.h"
#include "notice/notice_int.h"

#define NOTICE_MSGID_MAX 250	/* bytes of a customer's msg-id we repeat */
#define NOTICE_BODY_MAX	(256 * 1024)	/* expanded body, bytes */

/* ---- building a notice ---- */

struct vals {
	const char *v[PH_N];
	char casebuf[24];
	char subject[NOTICE_SUBJECT_MAX];	/* {{request_subject}}, quoted */
};

static bool
has_crlf(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

/* Fill VALS from V; -1 if a value is too long or not UTF-8. */
static int
vals_set(struct vals *vals, const struct notice_vars *v,
    const struct pm_config *cfg)
{
	int i;

	memset(vals, 0, sizeof(*vals));
	if (v->case_number > 0)
		snprintf(vals->casebuf, sizeof(vals->casebuf), "%lld",
		    (long long)v->case_number);
	vals->v[PH_CASE] = vals->casebuf;
	vals->v[PH_NAME] = v->name != NULL && *v->name != '\0' ? v->name :
	    v->email;
	vals->v[PH_EMAIL] = v->email;
	vals->v[PH_ACCOUNT] = v->account;
	vals->v[PH_SUPPORT] = v->support != NULL ? v->support :
	    cfg->support_addresses.n > 0 ? cfg->support_addresses.v[0] : NULL;
	vals->v[PH_PIN] = v->pin;
	vals->v[PH_TAG] = v->tag;
	vals->v[PH_OLD_EMAIL] = v->old_email;
	vals->v[PH_NEW_EMAIL] = v->new_email;
	vals->v[PH_UNTIL] = v->until;
	vals->v[PH_SENT] = v->sent;
	vals->v[PH_ADMINS] = v->admins;
	notice_request_subject(v->request_subject, vals->subject,
	    sizeof(vals->subject));
	vals->v[PH_REQ_SUBJECT] = vals->subject;
	vals->v[PH_REQ_TIME] = v->request_time;
	for (i = 0; i < PH_N; i++) {
		if (vals->v[i] == NULL)
			vals->v[i] = "";
		if (strlen(vals->v[i]) > NOTICE_VALUE_MAX ||
		    !g_utf8_validate(vals->v[i], -1, NULL))
			return -1;
	}
	return 0;
}

/*
 * Append TMPL with its placeholders replaced to OUT, which was sized for
 * NOTICE_BODY_MAX + NOTICE_VALUE_MAX so it never moves (a moved buffer
 * holding a PIN could not be wiped).  HEADER: refuse CR/LF in values.
 */
static int
expand(const char *tmpl, const struct vals *vals, bool header, GString *out)
{
	const char *p = tmpl;
	char why[96];
	size_t len;
	int ph;

	while (*p != '\0') {
		if (p[0] == '{' && p[1] == '{' &&
		    (ph = notice_ph_scan(p, &len, why, sizeof(why))) >= 0) {
			if (header && has_crlf(vals->v[ph]))
				return -1;
			g_string_append(out, vals->v[ph]);
			p += len;
		} else
			g_string_append_c(out, *p++);
		if (out->len > NOTICE_BODY_MAX)
			return -1;
	}
	return 0;
}

static GString *
gstring_fixed(void)
{
	return g_string_sized_new(NOTICE_BODY_MAX + NOTICE_VALUE_MAX + 8);
}

static void
gstring_wipe_free(GString *s)
{
	if (s != NULL) {
		secret_wipe(s->str, s->allocated_len);
		g_string_free(s, TRUE);
	}
}

static void
bytes_wipe_free(GByteArray *a)
{
	if (a != NULL) {
		secret_wipe(a->data, a->len);
		g_byte_array_free(a, TRUE);
	}
}

/* The customer's msg-id if it is a plain one: "<id>" into OUT, else "". */
static void
reply_ref(const char *in, char *out, size_t outlen)
{
	const char *end;
	size_t n, i;

	out[0] = '\0';
	if (in == NULL)
		return;
	in += strspn(in, " \t");
	if (*in == '<')
		in++;
	n = strcspn(in, ">");
	end = in + n;
	if (*end == '>')
		end++;
	if (n == 0 || n > NOTICE_MSGID_MAX || end[strspn(end, " \t")] != '\0')
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x21 || c > 0x7e || c == '<')
			return;
	}
	snprintf(out, outlen, "<%.*s>", (int)n, in);
}

/* The header fields of the notice. */
static void
notice_headers(GMimeMessage *m, const char *from, const char *to,
    const char *subject, const char *msgid, const char *replyto,
    const char *ref, const char *kind)
{
	GMimeObject *o = GMIME_OBJECT(m);
	GDateTime *now;

	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, NULL, from);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, to);
	if (replyto != NULL)
		g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_REPLY_TO,
		    NULL, replyto);
	g_mime_message_set_subject(m, subject, "utf-8");
	if ((now = g_date_time_new_now_local()) != NULL) {
		g_mime_message_set_date(m, now);
		g_date_time_unref(now);
	}
	g_mime_message_set_message_id(m, msgid);
	if (*ref != '\0') {
		g_mime_object_set_header(o, "In-Reply-To", ref, NULL);
		g_mime_object_set_header(o, "References", ref, NULL);
	}
	g_mime_object_set_header(o, "Auto-Submitted", "auto-replied", NULL);
	g_mime_object_set_header(o, "X-Support-Notice", kind, NULL);
	g_mime_object_set_header(o, "MIME-Version", "1.0", NULL);
}

/*
 * The text/plain part over a copy of BODY in *IN (which we own and wipe:
 * the stream is told not to free it).
 */
static GMimeObject *
notice_part(const GString *body, GByteArray **in)
{
	GMimeTextPart *part;
	GMimeStream *stream;
	GMimeDataWrapper *dw;

	*in = g_byte_array_sized_new((guint)body->len + 1);
	g_byte_array_append(*in, (const guint8 *)body->str, (guint)body->len);
	stream = g_mime_stream_mem_new_with_byte_array(*in);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	dw = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_object_unref(stream);
	part = g_mime_text_part_new_with_subtype("plain");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part),
	    "charset", "utf-8");
	g_mime_part_set_content(GMIME_PART(part), dw);
	g_object_unref(dw);
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT(part);
}

/* Serialize M with CRLF line ends into a g_malloc'd *OUT.  HINT: body
 * size.  -1 when GMime cannot write it. */
static int
notice_serialize(GMimeMessage *m, size_t hint, char **out, size_t *outlen)
{
	GMimeFormatOptions *opts;
	GMimeStream *stream;
	GByteArray *a;
	ssize_t n;

	/* quoted-printable at most triples a byte, plus soft breaks */
	a = g_byte_array_sized_new((guint)(hint * 4 + 16384));
	stream = g_mime_stream_mem_new_with_byte_array(a);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	opts = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(opts, GMIME_NEWLINE_FORMAT_DOS);
	n = g_mime_object_write_to_stream(GMIME_OBJECT(m), opts, stream);
	if (n >= 0)
		(void)g_mime_stream_flush(stream);
	g_mime_format_options_free(opts);
	g_object_unref(stream);
	if (n < 0) {
		bytes_wipe_free(a);
		return -1;
	}
	*out = g_malloc(a->len + 1);
	memcpy(*out, a->data, a->len);
	(*out)[a->len] = '\0';
	*outlen = a->len;
	bytes_wipe_free(a);
	return 0;
}

/* "<id>" -> "id" in place (GMime adds the brackets); false if not so. */
static bool
msgid_unwrap(char *id)
{
	size_t n = strlen(id);

	if (n < 3 || id[0] != '<' || id[n - 1] != '>')
		return false;
	memmove(id, id + 1, n - 2);
	id[n - 2] = '\0';
	return true;
}

/* The From address: NoticeFrom, else the first SupportAddress. */
static const char *
notice_from(const struct pm_config *cfg)
{
	if (cfg->notice_from != NULL)
		return cfg->notice_from;
	return cfg->support_addresses.n > 0 ? cfg->support_addresses.v[0] :
	    NULL;
}

/* Check the arguments of notice_build; the kind's index or -1. */
static int
notice_check(const char *kind, const struct notice_vars *v,
    const struct pm_config *cfg)
{
	const char *from = notice_from(cfg);
	bool has_pin = v->pin != NULL && *v->pin != '\0';
	int k;

	if ((k = notice_kind_index(kind)) < 0 || v->email == NULL ||
	    *v->email == '\0' || has_crlf(v->email) ||
	    strlen(v->email) >= STORE_EMAIL_MAX ||
	    from == NULL || strchr(from, '@') == NULL)
		return -1;
	if ((k == KIND_PIN) != has_pin ||
	    (has_pin && !secret_pin_valid(v->pin)))
		return -1;
	return k;
}

int
notice_build(const struct notice_templates *t, const char *kind,
    const struct notice_vars *v, const struct pm_config *cfg,
    const struct secret_key *key, char **out, size_t *outlen,
    char **message_id)
{
	GString *subject = NULL, *body = NULL;
	GByteArray *in = NULL;
	GMimeMessage *m = NULL;
	GMimeObject *part;
	struct vals vals;
	char *msgid = NULL, *replyto = NULL, ref[NOTICE_MSGID_MAX + 3];
	int k, rc = -1;

	*out = NULL;
	*outlen = 0;
	*message_id = NULL;
	if ((k = notice_check(kind, v, cfg)) < 0 || t->t[k].body == NULL ||
	    vals_set(&vals, v, cfg) < 0)
		return -1;
	subject = g_string_sized_new(256);
	body = gstring_fixed();
	if (expand(t->t[k].subject, &vals, true, subject) < 0 ||
	    expand(t->t[k].body, &vals, false, body) < 0)
		goto done;
	g_strstrip(subject->str);	/* an empty {{tag}} leaves a space */
	subject->len = strlen(subject->str);
	if ((msgid = token_message_id(key, v->case_number,
	    token_notice_domain(cfg))) == NULL || !msgid_unwrap(msgid))
		goto done;
	if (cfg->reply_to_tokens && v->case_number > 0 &&
	    cfg->support_addresses.n > 0 &&
	    token_reply_to_fits(v->case_number, cfg->support_addresses.v[0]) &&
	    (replyto = token_reply_to(key, v->case_number,
	    cfg->support_addresses.v[0])) == NULL)
		goto done;
	reply_ref(v->in_reply_to, ref, sizeof(ref));
	message_init();
	m = g_mime_message_new(TRUE);
	notice_headers(m, notice_from(cfg), v->email, subject->str, msgid,
	    replyto, ref, kind);
	part = notice_part(body, &in);
	g_mime_message_set_mime_part(m, part);
	g_object_unref(part);
	if (notice_serialize(m, body->len, out, outlen) < 0)
		goto done;
	*message_id = msgid;
	msgid = NULL;
	rc = 0;
done:
	if (m != NULL)
		g_object_unref(m);
	bytes_wipe_free(in);
	gstring_wipe_free(body);
	g_string_free(subject, TRUE);
	secret_wipe(&vals, sizeof(vals));
	g_free(msgid);
	g_free(replyto);
	return rc;
}

int
notice_queue(struct store *st, const struct secret_key *key,
    const char *kind, const char *recipient, int64_t case_number,
    const char *msg, size_t len, time_t now)
{
	return notice_queue_class(st, key, kind, recipient, case_number, msg,
	    len, now, false);
}

int
notice_queue_class(struct store *st, const struct secret_key *key,
    const char *kind, const char *recipient, int64_t case_number,
    const char *msg, size_t len, time_t now, bool aligned)
{
	struct store_notice n;
	int64_t id;
	int rc;

	if (kind == NULL || recipient == NULL ||
	    strlen(kind) >= sizeof(n.kind) ||
	    strlen(recipient) >= sizeof(n.recipient) ||
	    len > STORE_NOTICE_MAX - SECRET_SEAL_OVERHEAD)
		return STORE_INVALID;
	memset(&n, 0, sizeof(n));
	n.case_number = case_number;
	memcpy(n.recipient, recipient, strlen(recipient) + 1);
	memcpy(n.kind, kind, strlen(kind) + 1);
	n.message_len = len + SECRET_SEAL_OVERHEAD;
	n.message = g_malloc(n.message_len);
	if (secret_seal(key, "outbox", msg, len, n.message) != 0) {
		g_free(n.message);
		return STORE_ERROR;
	}
	n.created = now;
	n.next_try = now;
	n.aligned = aligned;
	rc = store_outbox_add(st, &n, &id);
	g_free(n.message);
	return rc;
}
