/*
 * notice.c - notice templates, and the MIME messages built from them.
 *
 * Templates (TemplateDir/LANG/KIND.txt) are read once, checked fully and
 * kept in memory: a "Subject:" line (folded continuation lines allowed),
 * a blank line, the body.  CRLF or LF line ends, an optional UTF-8 byte
 * order mark; the text must be valid UTF-8 without NUL bytes and at most
 * NOTICE_TEMPLATE_MAX bytes.  Every "{{" must open a known placeholder.
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
 * Diagnostics: loading writes "FILE:LINE: reason" into err; notice_build
 * returns -1 and logs nothing (its caller knows the context).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "core/token.h"
#include "util/log.h"
#include "mail/message.h"
#include "notice/notice.h"

#define NOTICE_NKINDS	4
#define NOTICE_MSGID_MAX 250	/* bytes of a customer's msg-id we repeat */
#define NOTICE_BODY_MAX	(256 * 1024)	/* expanded body, bytes */
#define PH_NAME_MAX	32

static const char *const notice_kinds[NOTICE_NKINDS] = {
	NOTICE_CASE_CREATED, NOTICE_VERIFICATION, NOTICE_PIN_DELIVERY,
	NOTICE_EMAIL_CHANGED,
};
#define KIND_PIN	2	/* index of pin-delivery */
#define KIND_EMAIL	3	/* index of email-changed */

enum ph { PH_CASE, PH_NAME, PH_EMAIL, PH_ACCOUNT, PH_SUPPORT, PH_PIN, PH_TAG,
	PH_OLD_EMAIL, PH_NEW_EMAIL, PH_N };
static const char *const ph_names[PH_N] = {
	"case", "name", "email", "account", "support", "pin", "tag",
	"old_email", "new_email",
};

struct template {
	char *subject;		/* UTF-8, one line, placeholders unexpanded */
	char *body;		/* UTF-8, LF line ends */
	unsigned body_line;	/* line number of the body's first line */
};

struct notice_templates {
	struct template t[NOTICE_NKINDS];
};

static int
kind_index(const char *kind)
{
	int i;

	for (i = 0; kind != NULL && i < NOTICE_NKINDS; i++)
		if (strcmp(kind, notice_kinds[i]) == 0)
			return i;
	return -1;
}

/*
 * P points at "{{".  Returns the placeholder index and sets *len to the
 * length of "{{name}}", or -1 with the name (printable) in NAME.
 */
static int
ph_scan(const char *p, size_t *len, char *name, size_t namelen)
{
	const char *q = p + 2, *end = NULL;
	size_t n;
	int i;

	/* look no further than a name can be: linear work per "{{" */
	for (n = 0; n <= PH_NAME_MAX && q[n] != '\0' && q[n] != '\n'; n++)
		if (q[n] == '}' && q[n + 1] == '}') {
			end = q + n;
			break;
		}
	if (end == NULL) {
		snprintf(name, namelen, "unterminated \"{{\"");
		return -1;
	}
	for (i = 0; i < PH_N; i++)
		if (strlen(ph_names[i]) == n && memcmp(q, ph_names[i], n) == 0) {
			*len = n + 4;
			return i;
		}
	{
		char raw[PH_NAME_MAX + 1], shown[PH_NAME_MAX + 8];

		memcpy(raw, q, n);
		raw[n] = '\0';
		snprintf(name, namelen, "unknown placeholder {{%s}}",
		    log_printable(raw, shown, sizeof(shown)));
	}
	return -1;
}

/* Check the placeholders of TEXT, whose first line is LINE of FILE. */
static int
ph_check(const char *text, const char *file, unsigned line, int kind,
    bool subject, bool *has_pin, char *err, size_t errlen)
{
	const char *p;
	char why[96];
	size_t len;
	int ph;

	for (p = text; *p != '\0'; p++) {
		if (*p == '\n')
			line++;
		if (p[0] != '{' || p[1] != '{')
			continue;
		if ((ph = ph_scan(p, &len, why, sizeof(why))) < 0) {
			snprintf(err, errlen, "%s:%u: %s", file, line, why);
			return -1;
		}
		if (ph == PH_PIN && (kind != KIND_PIN || subject)) {
			snprintf(err, errlen, "%s:%u: {{pin}} is allowed only "
			    "in the body of %s.txt", file, line,
			    notice_kinds[KIND_PIN]);
			return -1;
		}
		if ((ph == PH_OLD_EMAIL || ph == PH_NEW_EMAIL) &&
		    kind != KIND_EMAIL) {
			snprintf(err, errlen, "%s:%u: {{%s}} is allowed only "
			    "in %s.txt", file, line, ph_names[ph],
			    notice_kinds[KIND_EMAIL]);
			return -1;
		}
		if (ph == PH_PIN)
			*has_pin = true;
		p += len - 1;
	}
	return 0;
}

/* Read PATH (at most NOTICE_TEMPLATE_MAX bytes) into a NUL-terminated buffer. */
static char *
tmpl_read(const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct stat sb;
	char *buf = NULL;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (sb.st_size > NOTICE_TEMPLATE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    NOTICE_TEMPLATE_MAX);
		goto fail;
	}
	buf = g_malloc(NOTICE_TEMPLATE_MAX + 2);
	while ((n = read(fd, buf + len, NOTICE_TEMPLATE_MAX + 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0 || len > NOTICE_TEMPLATE_MAX) {
		snprintf(err, errlen, "%s: %s", path, n < 0 ? strerror(errno) :
		    "file grew while read");
		goto fail;
	}
	(void)close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	g_free(buf);
	(void)close(fd);
	return NULL;
}

/* In place: CRLF -> LF, drop a UTF-8 BOM.  Returns the new length. */
static size_t
tmpl_normalize(char *buf, size_t len)
{
	size_t i = 0, o = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			continue;
		buf[o++] = buf[i];
	}
	buf[o] = '\0';
	return o;
}

/* 1-based line number of P in BUF. */
static unsigned
line_of(const char *buf, const char *p)
{
	unsigned line = 1;

	for (; buf < p; buf++)
		if (*buf == '\n')
			line++;
	return line;
}

/* No control characters but TAB (and LF when MULTI).  Returns the bad byte or NULL. */
static const char *
find_control(const char *s, bool multi)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\t' && !(multi && c == '\n')) ||
		    c == 0x7f)
			return s;
	}
	return NULL;
}

/* The header section: "Subject:" and its continuation lines. */
static int
tmpl_parse_header(char **pp, unsigned *linep, const char *path,
    GString **subj, char *err, size_t errlen)
{
	char *p = *pp, *nl, *v;

	for (;; (*linep)++, p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL) {
			snprintf(err, errlen, "%s:%u: no blank line after the "
			    "Subject: line", path, *linep);
			return -1;
		}
		*nl = '\0';
		if (*p == '\0')
			break;
		if (*p == ' ' || *p == '\t') {
			if (*subj == NULL)
				goto unknown;
			v = p;
			g_string_append_c(*subj, ' ');
		} else if (g_ascii_strncasecmp(p, "Subject:", 8) == 0) {
			if (*subj != NULL) {
				snprintf(err, errlen, "%s:%u: a second Subject: "
				    "line", path, *linep);
				return -1;
			}
			*subj = g_string_new(NULL);
			v = p + 8;
		} else
			goto unknown;
		g_string_append(*subj, g_strstrip(v));
	}
	*pp = nl + 1;
	(*linep)++;
	return 0;
unknown:
	snprintf(err, errlen, "%s:%u: only a \"Subject:\" line may come before "
	    "the blank line", path, *linep);
	return -1;
}

/* Parse a normalized template BUF of kind KIND into T. */
static int
tmpl_parse(char *buf, const char *path, int kind, struct template *t,
    char *err, size_t errlen)
{
	GString *subj = NULL;
	const char *bad;
	unsigned line = 1;
	bool has_pin = false;
	char *p = buf;

	if (tmpl_parse_header(&p, &line, path, &subj, err, errlen) < 0)
		goto fail;
	if (subj == NULL || subj->len == 0) {
		snprintf(err, errlen, "%s:1: no Subject, or an empty one", path);
		goto fail;
	}
	if ((bad = find_control(subj->str, false)) != NULL) {
		snprintf(err, errlen, "%s:1: control character 0x%02x in the "
		    "Subject", path, (unsigned char)*bad);
		goto fail;
	}
	if ((bad = find_control(p, true)) != NULL) {
		snprintf(err, errlen, "%s:%u: control character 0x%02x", path,
		    line_of(p, bad) + line - 1, (unsigned char)*bad);
		goto fail;
	}
	if (strspn(p, " \t\n") == strlen(p)) {
		snprintf(err, errlen, "%s:%u: empty body", path, line);
		goto fail;
	}
	if (ph_check(subj->str, path, 1, kind, true, &has_pin, err,
	    errlen) < 0 ||
	    ph_check(p, path, line, kind, false, &has_pin, err, errlen) < 0)
		goto fail;
	if (kind == KIND_PIN && !has_pin) {
		snprintf(err, errlen, "%s: no {{pin}} in the body", path);
		goto fail;
	}
	t->subject = g_string_free(subj, FALSE);
	t->body = g_strdup(p);
	t->body_line = line;
	return 0;
fail:
	if (subj != NULL)
		g_string_free(subj, TRUE);
	return -1;
}

static int
tmpl_load(const char *path, int kind, struct template *t, char *err,
    size_t errlen)
{
	const gchar *end;
	size_t len;
	char *buf;
	int rc = -1;

	if ((buf = tmpl_read(path, &len, err, errlen)) == NULL)
		return -1;
	if (strlen(buf) != len)
		snprintf(err, errlen, "%s:%u: NUL byte", path,
		    line_of(buf, buf + strlen(buf)));
	else if (!g_utf8_validate(buf, (gssize)len, &end))
		snprintf(err, errlen, "%s:%u: invalid UTF-8", path,
		    line_of(buf, end));
	else {
		(void)tmpl_normalize(buf, len);
		rc = tmpl_parse(buf, path, kind, t, err, errlen);
	}
	g_free(buf);
	return rc;
}

static bool
lang_valid(const char *lang)
{
	size_t n = strlen(lang);

	return n > 0 && n <= 16 && strspn(lang, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

struct notice_templates *
notice_templates_load(const char *dir, const char *lang, char *err,
    size_t errlen)
{
	struct notice_templates *t;
	char path[4096];
	int i, n;

	if (dir == NULL || lang == NULL || !lang_valid(lang)) {
		snprintf(err, errlen, "NoticeLanguage: not a language name "
		    "(letters, digits, '_' or '-')");
		return NULL;
	}
	t = g_new0(struct notice_templates, 1);
	for (i = 0; i < NOTICE_NKINDS; i++) {
		n = snprintf(path, sizeof(path), "%s/%s/%s.txt", dir, lang,
		    notice_kinds[i]);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			snprintf(err, errlen, "TemplateDir: path too long");
			goto fail;
		}
		if (tmpl_load(path, i, &t->t[i], err, errlen) < 0)
			goto fail;
	}
	return t;
fail:
	notice_templates_free(t);
	return NULL;
}

void
notice_templates_free(struct notice_templates *t)
{
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < NOTICE_NKINDS; i++) {
		g_free(t->t[i].subject);
		g_free(t->t[i].body);
	}
	g_free(t);
}

/* ---- building a notice ---- */

struct vals {
	const char *v[PH_N];
	char casebuf[24];
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
		    (ph = ph_scan(p, &len, why, sizeof(why))) >= 0) {
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

	if ((k = kind_index(kind)) < 0 || v->email == NULL ||
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
	if ((k = notice_check(kind, v, cfg)) < 0 || vals_set(&vals, v, cfg) < 0)
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
	rc = store_outbox_add(st, &n, &id);
	g_free(n.message);
	return rc;
}

bool
notice_templates_present(const struct pm_config *cfg)
{
	struct stat sb;
	char *dir;
	bool ok;

	if (cfg->template_dir == NULL || cfg->notice_language == NULL)
		return false;
	dir = g_build_filename(cfg->template_dir, cfg->notice_language, NULL);
	ok = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
	g_free(dir);
	return ok;
}
