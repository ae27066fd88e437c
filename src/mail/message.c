/*
 * message.c - a MIME message's subject and the author's own text.
 *
 * GMime parses the message; this module walks the MIME tree itself
 * (never trusting g_mime_message_get_body's heuristics) and collects the
 * text the author wrote in this message:
 *   text/plain leaf, not an attachment           -> its text
 *   text/html leaf, not an attachment            -> html_to_text
 *   multipart/alternative                        -> first text/plain,
 *                                  else first text/html or multipart
 *   multipart/related                            -> its root ("start")
 *   multipart/signed                             -> its content
 *   multipart/encrypted, message/rfc822, message/delivery-status,
 *   any other type                               -> nothing
 *   other multiparts                             -> each child in order
 * An attachment is a part with disposition "attachment" or a file name.
 * Each part is decoded (transfer encoding), converted to UTF-8, cut of
 * its quotes by quote_cut(), and appended to the author text, which is
 * capped at max_text bytes.
 *
 * Security: the message is hostile.  The walk recurses at most max_depth
 * (clamped to MESSAGE_HARD_DEPTH) levels and visits at most max_parts
 * MIME objects; each part is read through a bounded loop (at most 4 x
 * max_text bytes of plain text, 16 x for HTML); a limit hit sets
 * `truncated`.  Text is always valid UTF-8 without NUL bytes: unknown
 * charsets are read as UTF-8, and invalid bytes and NULs become U+FFFD
 * (GMime's charset filter drops bytes invalid in a known charset).
 * Buffers that held body text are wiped before they are freed.
 *
 * Parser warnings go through a callback that counts them in the
 * message_text being filled (GMIME_CRIT_* set `critical`).  GMime copies
 * the callback into every header list of the message, where it can fire
 * long after parsing: so its user data is NULL and the target is a
 * thread-local pointer set only while message_parse_stream runs.
 *
 * Diagnostics: pm_log_warn for parser warnings, at most WARN_LOG_MAX per
 * message; the warning's item (a header name or value, which may hold a
 * PIN) is never logged.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <gmime/gmime.h>
#include <sodium.h>

#include "mail/decode.h"
#include "mail/flowed.h"
#include "mail/html.h"
#include "util/log.h"
#include "mail/message.h"
#include "mail/quote.h"

#define WARN_LOG_MAX	5
#define PLAIN_FACTOR	4	/* bytes read per byte of author text */
#define HTML_FACTOR	16

static __thread struct message_text *warn_target;
static __thread unsigned warn_logged;
static __thread bool warn_quiet;	/* a second reading: no log */

struct walk {
	struct message_text *out;
	unsigned max_depth;
	unsigned max_parts;
	size_t max_text;
	GString *author;
	GPtrArray *parts;
	bool stop;		/* part cap reached */
};

void
message_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		g_mime_init();
		html_init();
		g_once_init_leave(&done, 1);
	}
}

static const char *
warning_name(GMimeParserWarning code, bool *critical)
{
	*critical = true;
	switch (code) {
	case GMIME_CRIT_INVALID_HEADER_NAME:
		return "invalid header name";
	case GMIME_CRIT_CONFLICTING_HEADER:
		return "conflicting header";
	case GMIME_CRIT_CONFLICTING_PARAMETER:
		return "conflicting parameter";
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		return "multipart without boundary";
	case GMIME_CRIT_NESTING_OVERFLOW:
		return "nesting overflow";
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		return "part without headers or content";
	default:
		*critical = false;
		return "malformed input";
	}
}

static void
parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
    gpointer unused)
{
	const char *what;
	bool critical;

	(void)item;
	(void)unused;
	what = warning_name(code, &critical);
	if (warn_target != NULL) {
		warn_target->warnings++;
		if (critical)
			warn_target->critical = true;
	}
	if (!warn_quiet && warn_logged < WARN_LOG_MAX) {
		warn_logged++;
		pm_log_warn("message: MIME parser: %s%s (code %d) at offset %lld",
		    critical ? "critical: " : "", what, (int)code,
		    (long long)offset);
	}
}

GMimeMessage *
message_parse_stream(GMimeStream *s, struct message_text *t)
{
	static const char *fallback[] = { "utf-8", "windows-1252", NULL };
	GMimeParserOptions *opts;
	GMimeParser *parser;
	GMimeMessage *m;

	if (s == NULL)
		return NULL;
	message_init();
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	g_mime_parser_options_set_warning_callback(opts, parser_warning, NULL);
	parser = g_mime_parser_new_with_stream(s);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	warn_target = t;
	warn_logged = 0;
	warn_quiet = t == NULL;
	m = g_mime_parser_construct_message(parser, opts);
	warn_target = NULL;
	warn_quiet = false;
	g_object_unref(parser);
	g_mime_parser_options_free(opts);
	return m;
}

/* Free a string that held body text, wiping it first. */
static void
text_free(char *p)
{
	if (p != NULL) {
		sodium_memzero(p, strlen(p));
		g_free(p);
	}
}

/* The longest prefix of P (LEN bytes, valid UTF-8) of at most CAP bytes
 * that ends on a character boundary. */
static size_t
utf8_prefix(const char *p, size_t len, size_t cap)
{
	if (len <= cap)
		return len;
	while (cap > 0 && ((unsigned char)p[cap] & 0xc0) == 0x80)
		cap--;
	return cap;
}

/* PART's content, decoded and in UTF-8 (decode.c: the same decoding
 * as redaction's), at most CAP bytes read. */
static char *
part_text(GMimePart *part, size_t cap, bool *truncated)
{
	return decode_part_text(part, cap, truncated);
}

static bool
object_is(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

static bool
part_is_attachment(GMimePart *part)
{
	GMimeContentDisposition *d;

	d = g_mime_object_get_content_disposition(GMIME_OBJECT(part));
	if (d != NULL && g_mime_content_disposition_is_attachment(d))
		return true;
	return g_mime_part_get_filename(part) != NULL;
}

/* A leaf that may hold author text: text/plain or text/html, inline. */
static bool
part_is_text(GMimeObject *obj, const char *subtype)
{
	return GMIME_IS_PART(obj) && object_is(obj, "text", subtype) &&
	    !part_is_attachment(GMIME_PART(obj));
}

static void
author_append(struct walk *w, const char *text)
{
	size_t len = strlen(text), room, n;

	if (len == 0)
		return;
	if (w->author->len > 0) {
		if (w->author->len >= w->max_text) {
			w->out->truncated = true;
			return;
		}
		g_string_append_c(w->author, '\n');
	}
	room = w->author->len < w->max_text ? w->max_text - w->author->len : 0;
	n = utf8_prefix(text, len, room);
	if (n < len)
		w->out->truncated = true;
	g_string_append_len(w->author, text, (gssize)n);
}

bool
message_part_is_flowed(GMimePart *part)
{
	const char *f = g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(part), "format");

	return f != NULL && g_ascii_strcasecmp(f, "flowed") == 0;
}

bool
message_part_delsp(GMimePart *part)
{
	const char *d = g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(part), "delsp");

	return d != NULL && g_ascii_strcasecmp(d, "yes") == 0;
}

static void
walk_leaf(struct walk *w, GMimePart *part)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	bool html = part_is_text(obj, "html");
	char *raw, *text, *cut;

	if (!html && !part_is_text(obj, "plain"))
		return;
	if (w->author->len >= w->max_text) {
		w->out->truncated = true;
		return;
	}
	raw = part_text(part, w->max_text * (html ? HTML_FACTOR :
	    PLAIN_FACTOR), &w->out->truncated);
	if (html) {
		text = html_to_text(raw, strlen(raw), "UTF-8");
		text_free(raw);
		w->out->html = true;
	} else if (message_part_is_flowed(part)) {
		text = flowed_unflow(raw, strlen(raw),
		    message_part_delsp(part));
		text_free(raw);
	} else
		text = raw;
	cut = quote_cut(text, strlen(text));
	text_free(text);
	author_append(w, cut);
	text_free(cut);
	g_ptr_array_add(w->parts, part);
}

/* Of an alternative: the first text/plain, else the first HTML or
 * multipart child. */
static GMimeObject *
alternative_pick(struct walk *w, GMimeMultipart *mp)
{
	GMimeObject *c, *pick = NULL;
	int i, n = g_mime_multipart_get_count(mp);

	for (i = 0; i < n && (unsigned)i < w->max_parts; i++) {
		c = g_mime_multipart_get_part(mp, i);
		if (part_is_text(c, "plain"))
			return c;
		if (pick == NULL && (part_is_text(c, "html") ||
		    GMIME_IS_MULTIPART(c)))
			pick = c;
	}
	return pick;
}

/* Of a multipart/related: the part named by "start", else the first
 * text or multipart child (some MHTML puts images first), else the
 * first child. */
static GMimeObject *
related_root(struct walk *w, GMimeMultipart *mp)
{
	const char *start, *id;
	GMimeObject *c;
	size_t slen;
	int i, n = g_mime_multipart_get_count(mp);

	if (n <= 0)
		return NULL;
	start = g_mime_object_get_content_type_parameter(GMIME_OBJECT(mp),
	    "start");
	if (start != NULL && *start == '<')
		start++;
	slen = start != NULL ? strcspn(start, ">") : 0;
	for (i = 0; i < n && (unsigned)i < w->max_parts; i++) {
		c = g_mime_multipart_get_part(mp, i);
		if (start == NULL) {
			if (GMIME_IS_MULTIPART(c) || object_is(c, "text", "*"))
				return c;
			continue;
		}
		id = g_mime_object_get_content_id(c);
		if (id != NULL && strlen(id) == slen &&
		    memcmp(id, start, slen) == 0)
			return c;
	}
	return g_mime_multipart_get_part(mp, 0);
}

static void walk_object(struct walk *, GMimeObject *, unsigned);

static void
walk_multipart(struct walk *w, GMimeMultipart *mp, unsigned depth)
{
	GMimeObject *obj = GMIME_OBJECT(mp), *c;
	int i, n;

	if (GMIME_IS_MULTIPART_ENCRYPTED(mp))
		return;
	if (object_is(obj, "multipart", "alternative") ||
	    object_is(obj, "multipart", "related")) {
		c = object_is(obj, "multipart", "alternative") ?
		    alternative_pick(w, mp) : related_root(w, mp);
		if (c != NULL)
			walk_object(w, c, depth + 1);
		return;
	}
	n = g_mime_multipart_get_count(mp);
	if (GMIME_IS_MULTIPART_SIGNED(mp) && n > 1)
		n = 1;
	for (i = 0; i < n && !w->stop; i++)
		walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1);
}

/* Recursion is bounded by max_depth <= MESSAGE_HARD_DEPTH. */
static void
walk_object(struct walk *w, GMimeObject *obj, unsigned depth)
{
	if (obj == NULL || w->stop)
		return;
	if (depth > w->max_depth) {
		w->out->truncated = true;
		return;
	}
	if (w->out->parts >= w->max_parts) {
		w->out->truncated = true;
		w->stop = true;
		return;
	}
	w->out->parts++;
	if (depth > w->out->depth)
		w->out->depth = depth;
	if (GMIME_IS_MULTIPART(obj))
		walk_multipart(w, GMIME_MULTIPART(obj), depth);
	else if (GMIME_IS_PART(obj))
		walk_leaf(w, GMIME_PART(obj));
	/* message/rfc822, message/partial: attached, not author text */
}

static void
limits_set(struct walk *w, const struct message_limits *lim)
{
	w->max_depth = lim != NULL && lim->max_depth > 0 ? lim->max_depth :
	    MESSAGE_DEFAULT_DEPTH;
	if (w->max_depth > MESSAGE_HARD_DEPTH)
		w->max_depth = MESSAGE_HARD_DEPTH;
	w->max_parts = lim != NULL && lim->max_parts > 0 ? lim->max_parts :
	    MESSAGE_DEFAULT_PARTS;
	w->max_text = lim != NULL && lim->max_text > 0 ? lim->max_text :
	    MESSAGE_DEFAULT_TEXT;
	if (w->max_text > SIZE_MAX / (HTML_FACTOR * 2))
		w->max_text = SIZE_MAX / (HTML_FACTOR * 2);
}

static char *
subject_read(GMimeMessage *m, size_t cap)
{
	const char *s = g_mime_message_get_subject(m);
	char *v;

	if (s == NULL)
		return NULL;
	v = g_utf8_make_valid(s, -1);
	v[utf8_prefix(v, strlen(v), cap)] = '\0';
	return v;
}

int
message_read(GMimeMessage *m, const struct message_limits *lim,
    struct message_text *out)
{
	struct walk w = { 0 };

	if (m == NULL || out == NULL)
		return -1;
	limits_set(&w, lim);
	w.out = out;
	w.author = g_string_new("");
	w.parts = g_ptr_array_new();
	out->subject = subject_read(m, w.max_text);
	walk_object(&w, g_mime_message_get_mime_part(m), 1);
	out->author = g_string_free(w.author, FALSE);
	out->n_author_parts = w.parts->len;
	out->author_parts = (GMimePart **)(void *)g_ptr_array_free(w.parts,
	    FALSE);
	return 0;
}

void
message_text_clear(struct message_text *t)
{
	if (t == NULL)
		return;
	text_free(t->subject);
	text_free(t->author);
	g_free(t->author_parts);
	memset(t, 0, sizeof(*t));
}
