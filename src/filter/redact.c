/*
 * redact.c - take every PIN candidate out of what will be delivered.
 *
 * What is taken out: the message's candidates (tested or not), and in
 * each text any keyword-anchored PIN it shows itself, quotes included.
 * Subject: every Subject field, decoded (RFC 2047), redacted, re-encoded.
 * Text parts: decoded to UTF-8, redacted, converted back to the part's
 * charset (UTF-8 when that fails), and set as the part's content; GMime
 * re-applies the part's transfer encoding when the body is written.
 * HTML parts: redacted in the source; when a candidate still shows in
 * the text the HTML renders to (digits split by tags or entities), the
 * part is replaced by its redacted text in a <pre> block: losing markup
 * is better than delivering a PIN.
 *
 * format=flowed text is unflowed first (a soft break may fall inside a
 * PIN) and, when changed, set back without the flowed parameters.
 * Other leaves (application/octet-stream "notes.txt") are redacted when
 * their decoded bytes are UTF-8 text; binary content is never touched.
 *
 * Security notes: buffers that held decoded text are wiped before they
 * are freed.  The walk is iterative and capped like message.c's.
 *
 * Diagnostics: none; the caller logs.  Memory comes from GLib: running
 * out of it aborts.
 */
#include <string.h>

#include "mail/decode.h"
#include "mail/flowed.h"
#include "mail/html.h"
#include "filter/redact.h"
#include "filter/redact_int.h"

#define wipe_free	redact_wipe_free

static char *
html_escape_pre(const char *text)
{
	char *esc = g_markup_escape_text(text, -1);
	char *out = g_strdup_printf("<html><body><pre>%s</pre></body></html>\n", esc);

	wipe_free(esc);
	return out;
}

/* Set TEXT (UTF-8, LEN bytes) as the content of TP, in its charset if
 * possible, else in UTF-8; the transfer encoding is kept. */
static void
text_part_set(GMimeTextPart *tp, const char *text, size_t len)
{
	GMimePart *part = GMIME_PART(tp);
	const char *cs = g_mime_text_part_get_charset(tp);
	GMimeContentEncoding enc = g_mime_part_get_content_encoding(part);
	GMimeStream *stream;
	GMimeDataWrapper *dw;
	const char *to = cs != NULL ? decode_charset_name(cs) : NULL;
	char *bytes = NULL;
	gsize blen = 0;

	if (to != NULL)
		bytes = g_convert(text, (gssize)len, to, "UTF-8", NULL, &blen, NULL);
	if (bytes == NULL) {
		bool ascii = true;
		size_t i;

		for (i = 0; i < len; i++)
			if ((unsigned char)text[i] >= 0x80)
				ascii = false;
		if (!ascii || cs != NULL)
			g_mime_text_part_set_charset(tp, ascii && cs != NULL &&
			    g_ascii_strcasecmp(cs, "us-ascii") == 0 ? "us-ascii" : "utf-8");
		bytes = g_strndup(text, len);	/* never NULL, even empty */
		blen = len;
	}
	stream = g_mime_stream_mem_new_with_buffer(bytes, blen);
	dw = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, dw);
	if (enc == GMIME_CONTENT_ENCODING_7BIT || enc == GMIME_CONTENT_ENCODING_DEFAULT)
		enc = g_mime_part_get_best_content_encoding(part,
		    GMIME_ENCODING_CONSTRAINT_7BIT);
	g_mime_part_set_content_encoding(part, enc);
	g_object_unref(dw);
	g_object_unref(stream);
	explicit_bzero(bytes, blen);
	g_free(bytes);
}

static void
wipe_array(GByteArray *ba)
{
	decode_bytes_free(ba);
}

/*
 * TEXT with every candidate taken out: the message's own (C, tested or
 * not) and any keyword-anchored PIN that TEXT itself shows, in quoted
 * replies too (a customer quoting an earlier message of theirs must not
 * deliver the PIN it held).
 */
char *
redact_text(const char *text, size_t len, const struct pin_candidates *c,
    size_t *outlen, size_t *n)
{
	struct pin_candidates all = *c, own;
	char *out;

	memset(&own, 0, sizeof(own));
	(void)pin_extract(text, len, PIN_EXTRACT_REDACT, &own);
	pin_candidates_merge(&all, &own);
	out = pin_redact(text, len, &all, NULL, outlen, n);
	pin_candidates_wipe(&all);
	pin_candidates_wipe(&own);
	return out;
}

/* Drop format=flowed and delsp: the text we set has no soft breaks. */
static void
unset_flowed(GMimePart *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	GMimeParamList *pl = ct ? g_mime_content_type_get_parameters(ct) : NULL;

	if (pl != NULL) {
		/* copied first: set_parameter frees the old value */
		char *cs = g_strdup(g_mime_content_type_get_parameter(ct,
		    "charset"));

		g_mime_param_list_remove(pl, "format");
		g_mime_param_list_remove(pl, "delsp");
		/* re-set the charset so GMime rewrites the header */
		g_mime_content_type_set_parameter(ct, "charset",
		    cs != NULL ? cs : "us-ascii");
		g_free(cs);
	}
}

/* Redact one text part; returns the replacements made. */
static int
redact_text_part(GMimeTextPart *tp, const struct pin_candidates *c)
{
	GMimePart *part = GMIME_PART(tp);
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(tp));
	bool html = g_mime_content_type_is_type(ct, "text", "html");
	bool flowed = !html && message_part_is_flowed(part);
	/* decoded exactly as message.c reads it (mail/decode.c) */
	char *text = decode_part_text(part, G_MAXSIZE, NULL);
	char *out, *rendered, *again;
	size_t textlen = strlen(text), outlen, n = 0, left = 0;

	if (flowed) {
		char *unflowed = flowed_unflow(text, textlen,
		    message_part_delsp(part));

		wipe_free(text);
		text = unflowed;
		textlen = strlen(text);
	}
	out = redact_text(text, textlen, c, &outlen, &n);
	explicit_bzero(text, textlen);
	g_free(text);
	if (html) {
		/* does the rendered text still show a candidate? */
		char *unesc = html_unescape(out, outlen), *u2;
		size_t left2 = 0;

		/* attributes and character references: "&#52;82913" */
		u2 = redact_text(unesc, strlen(unesc), c, NULL, &left2);
		redact_wipe_free(u2);
		redact_wipe_free(unesc);
		rendered = html_to_text(out, outlen, "utf-8");
		again = redact_text(rendered, strlen(rendered), c, NULL, &left);
		if (left2 > 0 && left == 0)
			left = left2;	/* what renders is clean, the source not */
		if (left > 0) {
			explicit_bzero(out, outlen);
			g_free(out);
			out = html_escape_pre(again);
			outlen = strlen(out);
			n += left;
		}
		wipe_free(again);
		wipe_free(rendered);
	}
	if (n > 0) {
		if (flowed)
			unset_flowed(part);
		text_part_set(tp, out, outlen);
	}
	explicit_bzero(out, outlen);
	g_free(out);
	return (int)n;
}


/* Bytes that read as text: UTF-8, no control characters but tab, CR,
 * LF and FF.  Such a part is redacted whatever its declared type. */
bool
bytes_are_text(const guint8 *p, size_t len)
{
	size_t i;

	if (!g_utf8_validate((const char *)p, (gssize)len, NULL))
		return false;
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n' && p[i] != '\f')
			return false;
	return true;
}


/*
 * A leaf that is not text/\* (application/octet-stream notes.txt, say):
 * when its decoded bytes are text, redact them and keep its type and
 * transfer encoding.  Binary content is never touched.
 */
static int
redact_other_part(GMimePart *part, const struct pin_candidates *c)
{
	GByteArray *ba = decode_part_bytes(part, REDACT_OTHER_MAX + 1, NULL);
	GMimeDataWrapper *nw;
	GMimeStream *ns;
	char *out;
	size_t outlen, n = 0;

	if (ba == NULL || ba->len == 0 || ba->len > REDACT_OTHER_MAX ||
	    !bytes_are_text(ba->data, ba->len)) {
		wipe_array(ba);
		return 0;
	}
	out = redact_text((const char *)ba->data, ba->len, c, &outlen, &n);
	wipe_array(ba);
	if (n > 0) {
		ns = g_mime_stream_mem_new_with_buffer(out, outlen);
		nw = g_mime_data_wrapper_new_with_stream(ns,
		    GMIME_CONTENT_ENCODING_DEFAULT);
		g_mime_part_set_content(part, nw);
		g_object_unref(nw);
		g_object_unref(ns);
	}
	explicit_bzero(out, outlen);
	g_free(out);
	return (int)n;
}

/* A multipart's preamble and epilogue (text no client shows, but the
 * helpdesk stores): redacted like any text. */
static int
redact_multipart_text(GMimeMultipart *mp, const struct pin_candidates *c)
{
	const char *parts[2] = { g_mime_multipart_get_prologue(mp),
	    g_mime_multipart_get_epilogue(mp) };
	int i, total = 0;

	for (i = 0; i < 2; i++) {
		char *out;
		size_t outlen, n = 0;

		if (parts[i] == NULL || parts[i][0] == '\0')
			continue;
		out = redact_text(parts[i], strlen(parts[i]), c, &outlen, &n);
		if (n > 0) {
			if (i == 0)
				g_mime_multipart_set_prologue(mp, out);
			else
				g_mime_multipart_set_epilogue(mp, out);
			total += (int)n;
		}
		wipe_free(out);
	}
	return total;
}

/*
 * Walk every leaf, iteratively, and redact the text parts.  Unlike the
 * reading walk this one is not capped by MaxMimeParts: a PIN in part 101
 * must not be delivered.  GMime already built the whole tree, so the
 * walk is linear in what the parser accepted.
 */
static int
redact_tree(GMimeObject *root, const struct pin_candidates *c)
{
	GPtrArray *stack = g_ptr_array_new();
	int total = 0;

	g_ptr_array_add(stack, root);
	while (stack->len > 0) {
		GMimeObject *o = g_ptr_array_remove_index(stack, stack->len - 1);
		int i;

		/* its header fields (the top-level part's are the message's,
		 * redacted as edits) and its parameters */
		total += redact_object_fields(o, o != root, c);
		if (GMIME_IS_MULTIPART(o)) {
			GMimeMultipart *mp = GMIME_MULTIPART(o);

			total += redact_multipart_text(mp, c);
			for (i = g_mime_multipart_get_count(mp) - 1; i >= 0; i--)
				g_ptr_array_add(stack, g_mime_multipart_get_part(mp, i));
		} else if (GMIME_IS_MESSAGE_PART(o)) {
			GMimeMessage *inner = g_mime_message_part_get_message(
			    GMIME_MESSAGE_PART(o));
			GMimeObject *body = inner ? g_mime_message_get_mime_part(inner) : NULL;

			if (inner != NULL)	/* Subject, From, ... of it */
				total += redact_object_fields(GMIME_OBJECT(inner),
				    true, c);
			if (body != NULL)
				g_ptr_array_add(stack, body);
		} else if (GMIME_IS_PART(o)) {
			total += GMIME_IS_TEXT_PART(o) ?
			    redact_text_part(GMIME_TEXT_PART(o), c) :
			    redact_other_part(GMIME_PART(o), c);
		}
	}
	g_ptr_array_free(stack, TRUE);
	return total;
}

/* Every Subject field (a message may have several), each on its own. */
static int
redact_subjects(const struct hdrlist *hl, const struct pin_candidates *c,
    struct edits *e)
{
	const char *raw;
	size_t i;
	int total = 0;

	for (i = 1; (raw = hdrlist_get(hl, "Subject", i)) != NULL; i++) {
		char *subject = decode_header(raw);
		char *valid = g_utf8_make_valid(subject, -1);
		char *out, *enc;
		size_t outlen, n = 0;

		wipe_free(subject);
		out = redact_text(valid, strlen(valid), c, &outlen, &n);
		wipe_free(valid);
		if (n > 0) {
			enc = edits_subject_value(out);
			edits_change(e, "Subject", i, enc);
			wipe_free(enc);
			total += (int)n;
		}
		wipe_free(out);
	}
	return total;
}

/*
 * A top-level header GMime changed while redacting (charset or transfer
 * encoding of a single-part message): WAS is its value before, as GMime
 * reported it.
 */
/* The raw value of TOP's field NAME, as GMime will write it, or NULL. */
static const char *
top_raw(GMimeObject *top, const char *name)
{
	GMimeHeaderList *l = g_mime_object_get_header_list(top);
	GMimeHeader *h = l != NULL ? g_mime_header_list_get_header(l, name) : NULL;

	return h != NULL ? g_mime_header_get_raw_value(h) : NULL;
}

static void
redact_top_header(GMimeObject *top, const struct hdrlist *hl,
    const char *name, const char *was, struct edits *e)
{
	const char *now = top_raw(top, name);
	char *value;

	if (now == NULL || (was != NULL && strcmp(was, now) == 0))
		return;
	value = g_strstrip(g_strdup(now));
	if (hdrlist_count(hl, name) == 0)
		edits_insert(e, name, value);
	else
		edits_change(e, name, 1, value);
	g_free(value);
}

/* The body as delivered: the top-level part's content, encoded. */
static int
redact_body(GMimeObject *top, bool crlf, struct edits *e)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();
	GByteArray *ba = g_byte_array_new();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(ba);
	int rc = -1;

	/* the stream writes into BA, which we keep: no second copy of a
	 * body that may be MaxMessageSize large */
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_format_options_set_newline_format(fo, crlf ?
	    GMIME_NEWLINE_FORMAT_DOS : GMIME_NEWLINE_FORMAT_UNIX);
	if (g_mime_object_write_content_to_stream(top, fo, mem) >= 0) {
		size_t len = ba->len;

		g_byte_array_append(ba, (const guint8 *)"", 1);	/* a NUL */
		edits_set_body(e, (char *)g_byte_array_free(ba, FALSE), len);
		ba = NULL;
		rc = 0;
	}
	g_object_unref(mem);
	decode_bytes_free(ba);
	g_mime_format_options_free(fo);
	return rc;
}

int
redact_message(GMimeMessage *m, const struct pin_candidates *c,
    const struct hdrlist *hl, bool body_too, bool crlf, struct edits *e)
{
	static const char *const top_names[] = {
		"Content-Type", "Content-Transfer-Encoding", "Content-Disposition"
	};
	GMimeObject *top = g_mime_message_get_mime_part(m);
	char *was[G_N_ELEMENTS(top_names)] = { NULL, NULL, NULL };
	int subj, body = 0, rc = 0;
	size_t i;

	subj = redact_subjects(hl, c, e) + redact_top_fields(hl, c, e);
	if (top != NULL && body_too) {
		for (i = 0; i < G_N_ELEMENTS(top_names); i++)
			was[i] = g_strdup(top_raw(top, top_names[i]));
		body = redact_tree(top, c);
		if (body > 0) {
			for (i = 0; i < G_N_ELEMENTS(top_names); i++)
				redact_top_header(top, hl, top_names[i], was[i], e);
			rc = redact_body(top, crlf, e);
		}
		for (i = 0; i < G_N_ELEMENTS(top_names); i++)
			g_free(was[i]);
	}
	if (rc != 0)
		return -1;
	return subj + body;
}
