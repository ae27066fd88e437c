/*
 * decode.c - bytes of a message to text, one way for everyone.
 *
 * decode_bytes() picks the charset by the rules in decode.h and converts
 * with iconv, byte by byte past anything invalid (U+FFFD for it), so no
 * byte of the input disappears silently: a byte that a strict decoder
 * would drop could be what separates the groups of a PIN, and the
 * reader, the redactor and the check must all see it the same way.
 * decode_header() is an RFC 2047 decoder built on it: GMime's own
 * decoder maps charsets its own way, which is exactly the difference this
 * module exists to remove.
 *
 * Security: the input is hostile.  Work is linear in it; every buffer
 * that held decoded text is wiped before it is freed.
 *
 * Diagnostics: none.  Memory comes from GLib: running out aborts.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <sodium.h>

#include "mail/decode.h"

#define READ_CHUNK	8192

static bool
label_is(const char *cs, const char *const *names)
{
	for (; *names != NULL; names++)
		if (g_ascii_strcasecmp(cs, *names) == 0)
			return true;
	return false;
}

static const char *const latin1_names[] = { "iso-8859-1", "iso8859-1",
	"iso_8859-1", "iso_8859-1:1987", "latin1", "latin-1", "l1",
	"iso-ir-100", "ibm819", "cp819", "csisolatin1", "8859-1",
	"windows-1252", "cp1252", "x-cp1252", NULL };
static const char *const utf8_names[] = { "utf-8", "utf8", "unicode-1-1-utf-8",
	"us-ascii", "ascii", "us", "ansi_x3.4-1968", "iso646-us", "csascii",
	"unknown-8bit", "x-unknown", "x-user-defined", "default", NULL };

const char *
decode_charset_name(const char *label)
{
	if (label == NULL || *label == '\0' || label_is(label, utf8_names))
		return NULL;
	if (label_is(label, latin1_names))
		return "WINDOWS-1252";
	return label;
}

/* Append the UTF-8 of P in iconv conversion CD, U+FFFD per bad byte. */
static void
convert_lossy(GIConv cd, const char *p, size_t len, GString *out)
{
	char buf[4096], *in = (char *)p, *o;
	gsize inleft = len, oleft;
	gsize r;

	while (inleft > 0) {
		o = buf;
		oleft = sizeof(buf);
		r = g_iconv(cd, &in, &inleft, &o, &oleft);
		g_string_append_len(out, buf, (gssize)(o - buf));
		if (r == (gsize)-1 && errno != E2BIG) {
			/* EILSEQ or EINVAL (cut short): one byte lost */
			g_string_append(out, "\xef\xbf\xbd");
			in++;
			inleft--;
			(void)g_iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	o = buf;
	oleft = sizeof(buf);
	(void)g_iconv(cd, NULL, NULL, &o, &oleft);
	g_string_append_len(out, buf, (gssize)(o - buf));
	sodium_memzero(buf, sizeof(buf));
}

/* windows-1252 0x80-0x9f (0: undefined) */
static const gunichar cp1252_c1[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

/*
 * P as UTF-8; each byte that is not part of valid UTF-8 is read as its
 * windows-1252 character (what a reader shows for the stray 0x96 of
 * "482\x96913" in a part labelled UTF-8), a NUL or an undefined byte
 * as U+FFFD.
 */
static char *
utf8_lenient(const char *p, size_t len)
{
	GString *out = g_string_sized_new(len + 1);
	const gchar *end;
	size_t pos = 0;
	char *s;

	while (pos < len) {
		guint8 b;
		gunichar c;

		(void)g_utf8_validate_len(p + pos, len - pos, &end);
		g_string_append_len(out, p + pos, end - (p + pos));
		pos = (size_t)(end - p);
		if (pos >= len)
			break;
		b = (guint8)p[pos++];
		c = b >= 0xa0 ? b : (b >= 0x80 ? cp1252_c1[b - 0x80] : 0);
		g_string_append_unichar(out, c != 0 ? c : 0xfffd);
	}
	s = g_string_free(out, FALSE);
	return s;
}

char *
decode_bytes(const char *p, size_t len, const char *charset)
{
	GString *out;
	GIConv cd;
	char *s;

	if (p == NULL || len == 0)
		return g_strdup("");
	if (charset == NULL || *charset == '\0' ||
	    label_is(charset, utf8_names))
		return utf8_lenient(p, len);
	if (label_is(charset, latin1_names))
		charset = "WINDOWS-1252";
	cd = g_iconv_open("UTF-8", charset);
	if (cd == (GIConv)-1)		/* unknown charset: as unlabelled */
		return utf8_lenient(p, len);
	out = g_string_sized_new(len + len / 2 + 1);
	convert_lossy(cd, p, len, out);
	g_iconv_close(cd);
	/* NULs (and anything iconv let through invalid) -> U+FFFD */
	s = g_utf8_make_valid(out->str, (gssize)out->len);
	sodium_memzero(out->str, out->len);
	g_string_free(out, TRUE);
	return s;
}

/* --- RFC 2047 ---------------------------------------------------------- */

static int
hexval(char c)
{
	return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

/* The bytes of an encoded-word's text T (LEN) in encoding ENC. */
static void
ew_bytes(char enc, const char *t, size_t len, GByteArray *out)
{
	size_t i;

	if (enc == 'b' || enc == 'B') {
		gint state = 0;
		guint save = 0;
		guchar *buf = g_malloc(len + 3);
		gsize n = g_base64_decode_step(t, len, buf, &state, &save);

		g_byte_array_append(out, buf, (guint)n);
		sodium_memzero(buf, len + 3);
		g_free(buf);
		return;
	}
	for (i = 0; i < len; i++) {
		guint8 b = (guint8)t[i];

		if (b == '_')
			b = ' ';
		else if (b == '=' && i + 2 < len && hexval(t[i + 1]) >= 0 &&
		    hexval(t[i + 2]) >= 0) {
			b = (guint8)(hexval(t[i + 1]) * 16 + hexval(t[i + 2]));
			i += 2;
		}
		g_byte_array_append(out, &b, 1);
	}
}

/* Parse "=?cs?e?text?=" at S; its length, charset and text, or 0. */
static size_t
ew_parse(const char *s, char *cs, size_t cssize, char *enc,
    const char **text, size_t *tlen)
{
	const char *q1, *q2, *end;
	size_t n;

	if (s[0] != '=' || s[1] != '?')
		return 0;
	q1 = strchr(s + 2, '?');
	if (q1 == NULL || q1[1] == '\0' || q1[2] != '?' ||
	    strchr("bBqQ", q1[1]) == NULL)
		return 0;
	q2 = q1 + 3;
	end = strstr(q2, "?=");
	if (end == NULL || memchr(q2, ' ', (size_t)(end - q2)) != NULL)
		return 0;
	n = (size_t)(q1 - (s + 2));
	if (n == 0 || n >= cssize)
		return 0;
	memcpy(cs, s + 2, n);
	cs[n] = '\0';
	cs[strcspn(cs, "*")] = '\0';	/* RFC 2231 language */
	*enc = q1[1];
	*text = q2;
	*tlen = (size_t)(end - q2);
	return (size_t)(end + 2 - s);
}

/* Flush the pending encoded-word bytes PEND in charset CS to OUT. */
static void
ew_flush(GByteArray *pend, const char *cs, GString *out)
{
	char *t;

	if (pend->len == 0)
		return;
	t = decode_bytes((const char *)pend->data, pend->len, cs);
	g_string_append(out, t);
	sodium_memzero(t, strlen(t));
	g_free(t);
	sodium_memzero(pend->data, pend->len);
	g_byte_array_set_size(pend, 0);
}

/* Append GAP (plain text between encoded-words) decoded to OUT. */
static void
gap_flush(GString *gap, GString *out)
{
	char *t;

	if (gap->len == 0)
		return;
	t = decode_bytes(gap->str, gap->len, NULL);
	g_string_append(out, t);
	sodium_memzero(t, strlen(t));
	g_free(t);
	sodium_memzero(gap->str, gap->len);
	g_string_truncate(gap, 0);
}

static bool
only_blanks(const GString *g)
{
	size_t i;

	for (i = 0; i < g->len; i++)
		if (g->str[i] != ' ' && g->str[i] != '\t')
			return false;
	return true;
}

char *
decode_header(const char *raw)
{
	GString *out = g_string_new(""), *gap = g_string_new("");
	GByteArray *pend = g_byte_array_new();
	char cs[64] = "", ncs[64], enc;
	const char *s = raw != NULL ? raw : "", *text;
	bool after_ew = false;
	size_t n, tlen;
	char *res;

	while (*s != '\0') {
		if (*s == '\r' || *s == '\n') {		/* unfold */
			s++;
			continue;
		}
		n = ew_parse(s, ncs, sizeof(ncs), &enc, &text, &tlen);
		if (n == 0) {
			g_string_append_c(gap, *s++);
			continue;
		}
		if (after_ew && only_blanks(gap)) {
			/* blanks between encoded-words are dropped; the bytes of
			 * one charset are decoded together (a character may be
			 * split between two words) */
			g_string_truncate(gap, 0);
			if (g_ascii_strcasecmp(cs, ncs) != 0)
				ew_flush(pend, cs, out);
		} else {
			ew_flush(pend, cs, out);
			gap_flush(gap, out);
		}
		g_strlcpy(cs, ncs, sizeof(cs));
		ew_bytes(enc, text, tlen, pend);
		after_ew = true;
		s += n;
	}
	ew_flush(pend, cs, out);
	gap_flush(gap, out);
	g_byte_array_free(pend, TRUE);
	g_string_free(gap, TRUE);
	res = g_utf8_make_valid(out->str, (gssize)out->len);
	sodium_memzero(out->str, out->len);
	g_string_free(out, TRUE);
	return res;
}

/* --- parts ------------------------------------------------------------- */

/* Read FS into BUF, at most CAP bytes; true if there was more. */
static bool
stream_read_capped(GMimeStream *fs, GByteArray *buf, size_t cap)
{
	char chunk[READ_CHUNK];
	gssize n;
	bool more = false;

	while ((n = g_mime_stream_read(fs, chunk, sizeof(chunk))) > 0) {
		if ((size_t)n > cap - buf->len) {
			g_byte_array_append(buf, (guint8 *)chunk,
			    (guint)(cap - buf->len));
			more = true;
			break;
		}
		g_byte_array_append(buf, (guint8 *)chunk, (guint)n);
	}
	sodium_memzero(chunk, sizeof(chunk));
	return more;
}

GByteArray *
decode_part_bytes(GMimePart *part, size_t cap, bool *truncated)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeContentEncoding enc;
	GMimeStream *src, *fs;
	GMimeFilter *f;
	GByteArray *buf;

	if (content == NULL ||
	    (src = g_mime_data_wrapper_get_stream(content)) == NULL ||
	    g_mime_stream_reset(src) == -1)
		return NULL;
	fs = g_mime_stream_filter_new(src);
	enc = g_mime_data_wrapper_get_encoding(content);
	switch (enc) {
	case GMIME_CONTENT_ENCODING_BASE64:
	case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
	case GMIME_CONTENT_ENCODING_UUENCODE:
		f = g_mime_filter_basic_new(enc, FALSE);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), f);
		g_object_unref(f);
		break;
	default:
		break;
	}
	buf = g_byte_array_new();
	if (stream_read_capped(fs, buf, cap) && truncated != NULL)
		*truncated = true;
	g_object_unref(fs);
	(void)g_mime_stream_reset(src);
	return buf;
}

void
decode_bytes_free(GByteArray *ba)
{
	if (ba != NULL) {
		if (ba->len > 0)
			sodium_memzero(ba->data, ba->len);
		g_byte_array_free(ba, TRUE);
	}
}

char *
decode_part_text(GMimePart *part, size_t cap, bool *truncated)
{
	GByteArray *ba = decode_part_bytes(part, cap, truncated);
	char *text;

	if (ba == NULL)
		return g_strdup("");
	text = decode_bytes((const char *)ba->data, ba->len,
	    g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
	    "charset"));
	decode_bytes_free(ba);
	return text;
}
