/*
 * recheck.c - redaction's post-condition: read back what will be
 * delivered and look for every PIN again.
 *
 * The header fields are those of the message with the edits applied
 * (edits_apply, as -t prints them and as the MTA applies them), the body
 * the new one when redaction replaced it, else the one received.  GMime
 * parses that; every field (top-level, of every part, of every attached
 * message), every parameter, every leaf (text parts, and any other whose
 * decoded bytes are text), HTML as text and with its character
 * references expanded, preambles and epilogues are read with the
 * decoding of mail/decode.c, and redact_text() counts what it would
 * still take out: the message's candidates, and any keyword-anchored PIN.
 * Anything found means redaction missed it: the pipeline fails closed.
 *
 * Security: the walk is iterative; it reads no more than redaction did.
 * Buffers that held decoded text are wiped before they are freed.
 *
 * Diagnostics: none; the caller logs (never the PIN).
 */
#include <string.h>
#include <unistd.h>

#include "mail/decode.h"
#include "mail/flowed.h"
#include "mail/html.h"
#include "mail/message.h"
#include "filter/recheck.h"
#include "filter/redact_int.h"

/*
 * A read-only stream over BODY without copying it (a new body may be
 * MaxMessageSize large): the array borrows BODY, the stream does not own
 * the array, and the weak reference gives the array back (never BODY)
 * when the stream goes.
 */
static void
array_release(gpointer ba, GObject *gone)
{
	(void)gone;
	(void)g_byte_array_free(ba, FALSE);	/* BODY stays the caller's */
}

static GMimeStream *
stream_over(const char *body, size_t len)
{
	GByteArray *ba = g_byte_array_new_take((guint8 *)(void *)body, len);
	GMimeStream *s = g_mime_stream_mem_new_with_byte_array(ba);

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
	g_object_weak_ref(G_OBJECT(s), array_release, ba);
	return s;
}

GMimeStream *
recheck_stream(const struct hdrlist *hl, const struct spool *sp,
    const char *body, size_t len)
{
	GMimeStream *cat = g_mime_stream_cat_new(), *s;
	GString *h = g_string_sized_new(4096);
	size_t i;

	for (i = 0; i < hl->n; i++)
		g_string_append_printf(h, "%s: %s\n", hl->v[i].name,
		    hl->v[i].value);
	g_string_append(h, "\n");
	s = g_mime_stream_mem_new_with_buffer(h->str, h->len);
	explicit_bzero(h->str, h->len);
	g_string_free(h, TRUE);
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), s);
	g_object_unref(s);
	if (body != NULL)
		s = stream_over(body, len);
	else if (sp == NULL || spool_size(sp) == 0)
		return cat;
	else if (spool_on_disk(sp)) {
		int fd = dup(spool_fd(sp));

		if (fd < 0) {
			g_object_unref(cat);
			return NULL;
		}
		s = g_mime_stream_fs_new_with_bounds(fd, 0,
		    (gint64)spool_size(sp));
	} else
		s = g_mime_stream_mem_new_with_buffer(spool_mem(sp),
		    spool_size(sp));
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), s);
	g_object_unref(s);
	return cat;
}

/* 1 when TEXT still shows something redaction takes out, else 0. */
static int
shows(const char *text, const struct pin_candidates *c)
{
	struct pin_candidates own;
	size_t len = strlen(text);
	int r;

	/* a keyword-anchored PIN left, or a candidate of the message */
	memset(&own, 0, sizeof(own));
	r = pin_extract(text, len, PIN_EXTRACT_REDACT, &own) > 0 ||
	    own.overflow || pin_redact_count(text, len, c) > 0;
	pin_candidates_wipe(&own);
	return r;
}

/* Like shows(), for a raw header value or parameter (decoded first). */
static int
shows_field(const char *raw, const struct pin_candidates *c)
{
	char *dec = decode_header(raw);
	int r = shows(dec, c);

	redact_wipe_free(dec);
	return r;
}

static int
fields_found(GMimeObject *obj, const struct pin_candidates *c)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);
	GMimeParamList *pls[2];
	int i, k, found = 0, n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;

	for (i = 0; i < n; i++) {
		const char *raw = g_mime_header_get_raw_value(
		    g_mime_header_list_get_header_at(hl, i));

		if (raw != NULL)
			found += shows_field(raw, c);
	}
	pls[0] = ct != NULL ? g_mime_content_type_get_parameters(ct) : NULL;
	pls[1] = cd != NULL ? g_mime_content_disposition_get_parameters(cd) : NULL;
	for (k = 0; k < 2; k++) {
		n = pls[k] != NULL ? g_mime_param_list_length(pls[k]) : 0;
		for (i = 0; i < n; i++) {
			const char *v = g_mime_param_get_value(
			    g_mime_param_list_get_parameter_at(pls[k], i));

			if (v != NULL)
				found += shows_field(v, c);
		}
	}
	return found;
}

/* A leaf as redaction reads it: text, HTML rendered and unescaped. */
static int
leaf_found(GMimePart *part, const struct pin_candidates *c)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GByteArray *ba;
	char *text, *more;
	int found = 0;

	if (!GMIME_IS_TEXT_PART(part)) {
		ba = decode_part_bytes(part, REDACT_OTHER_MAX + 1, NULL);
		if (ba != NULL && ba->len > 0 && ba->len <= REDACT_OTHER_MAX &&
		    bytes_are_text(ba->data, ba->len)) {
			text = g_strndup((const char *)ba->data, ba->len);
			found = shows(text, c);
			redact_wipe_free(text);
		}
		decode_bytes_free(ba);
		return found;
	}
	text = decode_part_text(part, G_MAXSIZE, NULL);
	found = shows(text, c);
	if (g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
	    "text", "html")) {
		more = html_to_text(text, strlen(text), "utf-8");
		found += shows(more, c);
		redact_wipe_free(more);
		more = html_unescape(text, strlen(text));
		found += shows(more, c);
		redact_wipe_free(more);
	} else if (message_part_is_flowed(part)) {
		more = flowed_unflow(text, strlen(text), message_part_delsp(part));
		found += shows(more, c);
		redact_wipe_free(more);
	}
	redact_wipe_free(text);
	return found;
}

static int
multipart_found(GMimeMultipart *mp, const struct pin_candidates *c)
{
	const char *t[2] = { g_mime_multipart_get_prologue(mp),
	    g_mime_multipart_get_epilogue(mp) };
	int i, found = 0;

	for (i = 0; i < 2; i++)
		if (t[i] != NULL)
			found += shows(t[i], c);
	return found;
}

static int
tree_found(GMimeObject *root, const struct pin_candidates *c)
{
	GPtrArray *stack = g_ptr_array_new();
	int found = 0, i;

	g_ptr_array_add(stack, root);
	while (stack->len > 0) {
		GMimeObject *o = g_ptr_array_remove_index(stack, stack->len - 1);

		found += fields_found(o, c);
		if (GMIME_IS_MULTIPART(o)) {
			GMimeMultipart *mp = GMIME_MULTIPART(o);

			found += multipart_found(mp, c);
			for (i = g_mime_multipart_get_count(mp) - 1; i >= 0; i--)
				g_ptr_array_add(stack, g_mime_multipart_get_part(mp, i));
		} else if (GMIME_IS_MESSAGE_PART(o)) {
			GMimeMessage *in = g_mime_message_part_get_message(
			    GMIME_MESSAGE_PART(o));

			if (in != NULL) {
				found += fields_found(GMIME_OBJECT(in), c);
				if (g_mime_message_get_mime_part(in) != NULL)
					g_ptr_array_add(stack,
					    g_mime_message_get_mime_part(in));
			}
		} else if (GMIME_IS_PART(o))
			found += leaf_found(GMIME_PART(o), c);
	}
	g_ptr_array_free(stack, TRUE);
	return found;
}

int
recheck_delivered(const struct hdrlist *hl, const struct spool *sp,
    const struct edits *e, const struct pin_candidates *c)
{
	struct hdrlist out;
	GMimeStream *s;
	GMimeMessage *m;
	size_t i;
	int found = 0;

	hdrlist_init_unbounded(&out);
	for (i = 0; i < hl->n; i++)
		hdrlist_add(&out, hl->v[i].name, hl->v[i].value);
	if (edits_apply(e, &out) != 0) {
		hdrlist_clear(&out);
		return -1;
	}
	for (i = 0; i < out.n; i++)
		found += shows_field(out.v[i].value, c);
	s = recheck_stream(&out, sp, e->body, e->body_len);
	hdrlist_clear(&out);
	if (s == NULL)
		return -1;
	m = message_parse_stream(s, NULL);
	g_object_unref(s);
	if (m == NULL)
		return -1;
	if (g_mime_message_get_mime_part(m) != NULL)
		found += tree_found(g_mime_message_get_mime_part(m), c);
	g_object_unref(m);
	return found;
}
