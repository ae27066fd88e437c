/*
 * quotematch.c - lines, blanks and case-folded patterns for the quote
 * cutter (quote_int.h).
 *
 * Mail clients put invisible characters where a reader sees nothing:
 * no-break spaces before French colons and in front of quote marks
 * (HTML converted to text), zero-width spaces, byte order marks and
 * direction marks at the start of lines.  A blank here is any of them:
 * space, tab, a Unicode space (Zs, Zl, Zp) or a format character (Cf).
 * Labels are written in any case ("FRÅN:", "ОТ:", "WIADOMOŚĆ
 * ORYGINALNA"), so letters compare after Unicode simple lowercasing.
 *
 * Security: the input is hostile and need not be valid UTF-8: an invalid
 * byte is one character that matches no pattern character.  Every
 * function reads a bounded prefix or suffix of one line, or the line
 * itself (qm_trim, qm_blank, qm_contains, qm_has_digit: linear in it);
 * nothing recurses and nothing allocates.
 *
 * Diagnostics: none; pure functions.
 */
#include <string.h>

#include <glib.h>

#include "mail/quote_int.h"

#define CP_BAD		0xfffd	/* an invalid byte: matches no pattern */
#define CP_FW_COLON	0xff1a	/* full-width colon */
#define CP_FW_GT	0xff1e	/* full-width '>' */
#define CP_FW_BAR	0xff5c	/* full-width '|' */

/* The code point at the start of P (N > 0 bytes) and its length. */
static gunichar
cp_fwd(const char *p, size_t n, size_t *len)
{
	const unsigned char *s = (const unsigned char *)p;
	gunichar c;
	size_t k;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	k = (size_t)g_utf8_skip[s[0]];
	c = k <= n ? g_utf8_get_char_validated(p, (gssize)k) : (gunichar)-1;
	if (c == (gunichar)-1 || c == (gunichar)-2) {
		*len = 1;
		return CP_BAD;
	}
	*len = k;
	return c;
}

/* The code point ending at P + N (N > 0 bytes) and its length. */
static gunichar
cp_back(const char *p, size_t n, size_t *len)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t k = n - 1, l;
	gunichar c;

	if (s[k] < 0x80) {
		*len = 1;
		return s[k];
	}
	while (k > 0 && n - k < 4 && (s[k] & 0xc0) == 0x80)
		k--;
	c = cp_fwd(p + k, n - k, &l);
	if (l != n - k) {
		*len = 1;
		return CP_BAD;
	}
	*len = l;
	return c;
}

static bool
cp_blank(gunichar c)
{
	if (c < 0x80)
		return c == ' ' || c == '\t';
	return c != CP_BAD && (g_unichar_isspace(c) ||
	    g_unichar_type(c) == G_UNICODE_FORMAT);
}

static gunichar
cp_fold(gunichar c)
{
	if (c < 0x80)
		return (gunichar)g_ascii_tolower((gchar)c);
	return g_unichar_tolower(c);
}

/* Does input character C match pattern character PC? */
static bool
cp_match(gunichar c, gunichar pc)
{
	if (pc == ':')
		return c == ':' || c == CP_FW_COLON;
	return c != CP_BAD && cp_fold(c) == pc;
}

bool
qm_next(const char *text, size_t end, size_t *pos, struct qline *l)
{
	const char *nl;

	if (text == NULL || *pos >= end)
		return false;
	l->p = text + *pos;
	nl = memchr(l->p, '\n', end - *pos);
	l->len = nl != NULL ? (size_t)(nl - l->p) : end - *pos;
	*pos += l->len + (nl != NULL);
	if (l->len > 0 && l->p[l->len - 1] == '\r')
		l->len--;
	return true;
}

size_t
qm_blank_fwd(const char *p, size_t n)
{
	size_t len;

	if (n == 0)
		return 0;
	return cp_blank(cp_fwd(p, n, &len)) ? len : 0;
}

size_t
qm_blank_back(const char *p, size_t n)
{
	size_t len;

	if (n == 0)
		return 0;
	return cp_blank(cp_back(p, n, &len)) ? len : 0;
}

struct qline
qm_trim(struct qline l)
{
	size_t b;

	while ((b = qm_blank_fwd(l.p, l.len)) > 0) {
		l.p += b;
		l.len -= b;
	}
	while ((b = qm_blank_back(l.p, l.len)) > 0)
		l.len -= b;
	return l;
}

bool
qm_blank(struct qline l)
{
	return qm_trim(l).len == 0;
}

/* Blanks at P: bytes skipped; *count set to how many. */
static size_t
skip_blanks_fwd(const char *p, size_t n, size_t *count)
{
	size_t i = 0, b;

	*count = 0;
	while ((b = qm_blank_fwd(p + i, n - i)) > 0) {
		i += b;
		(*count)++;
	}
	return i;
}

size_t
qm_match_fwd(const char *p, size_t n, const char *pat)
{
	size_t i = 0, len, k;
	gunichar pc;

	for (; *pat != '\0'; pat = g_utf8_next_char(pat)) {
		pc = g_utf8_get_char(pat);
		if (pc == ' ' || pc == '~') {
			i += skip_blanks_fwd(p + i, n - i, &k);
			if (pc == ' ' && k == 0)
				return QL_NOMATCH;
		} else if (i < n && cp_match(cp_fwd(p + i, n - i, &len), pc))
			i += len;
		else
			return QL_NOMATCH;
	}
	return i;
}

size_t
qm_match_back(const char *p, size_t n, const char *pat)
{
	const char *pe = pat + strlen(pat);
	size_t i = n, len, b, k;
	gunichar pc;

	while (pe > pat) {
		pe = g_utf8_prev_char(pe);
		pc = g_utf8_get_char(pe);
		if (pc == ' ' || pc == '~') {
			for (k = 0; (b = qm_blank_back(p, i)) > 0; k++)
				i -= b;
			if (pc == ' ' && k == 0)
				return QL_NOMATCH;
		} else if (i > 0 && cp_match(cp_back(p, i, &len), pc))
			i -= len;
		else
			return QL_NOMATCH;
	}
	return n - i;
}

bool
qm_equals(struct qline l, const char *pat)
{
	return qm_match_fwd(l.p, l.len, pat) == l.len;
}

bool
qm_contains(struct qline l, const char *word)
{
	size_t i;

	if (l.len > 3 * QL_MAX_LINE + 2)
		return false;
	for (i = 0; i < l.len; i++)
		if (qm_match_fwd(l.p + i, l.len - i, word) != QL_NOMATCH)
			return true;
	return false;
}

bool
qm_has_digit(struct qline l)
{
	size_t i;

	for (i = 0; i < l.len; i++)
		if (g_ascii_isdigit(l.p[i]))
			return true;
	return false;
}

static bool
cp_dash(gunichar c)
{
	return c == '-' || c == '_' || c == '=' ||
	    (c >= 0x2010 && c <= 0x2015) || c == 0x2500 || c == 0x2501;
}

bool
qm_contains_ascii(struct qline l, const char *word)
{
	size_t n = strlen(word), i;

	for (i = 0; i + n <= l.len; i++)
		if (g_ascii_tolower(l.p[i]) == word[0] &&
		    g_ascii_strncasecmp(l.p + i, word, n) == 0)
			return true;
	return false;
}

bool
qm_ends_colon(struct qline l)
{
	size_t b, len;
	gunichar c;

	while ((b = qm_blank_back(l.p, l.len)) > 0)
		l.len -= b;
	if (l.len == 0)
		return false;
	c = cp_back(l.p, l.len, &len);
	return c == ':' || c == CP_FW_COLON;
}

bool
qm_has_colon(struct qline l, size_t within)
{
	size_t n = l.len < within ? l.len : within, i;

	for (i = 0; i < n; i++)
		if (l.p[i] == ':' || (i + 2 < l.len &&
		    memcmp(l.p + i, "\xef\xbc\x9a", 3) == 0))
			return true;
	return false;
}

size_t
qm_dash_fwd(const char *p, size_t n)
{
	size_t len;

	if (n == 0)
		return 0;
	return cp_dash(cp_fwd(p, n, &len)) ? len : 0;
}

size_t
qm_dash_back(const char *p, size_t n)
{
	size_t len;

	if (n == 0)
		return 0;
	return cp_dash(cp_back(p, n, &len)) ? len : 0;
}

size_t
qm_chars(struct qline l, size_t limit)
{
	size_t i, k = 0;

	for (i = 0; i < l.len && k <= limit; i++)
		if (((unsigned char)l.p[i] & 0xc0) != 0x80)
			k++;
	return k;
}

size_t
qm_words(struct qline l, size_t limit)
{
	size_t i = 0, k = 0, b, len;
	bool in = false;

	while (i < l.len && k <= limit) {
		b = qm_blank_fwd(l.p + i, l.len - i);
		if (b > 0) {
			in = false;
			i += b;
			continue;
		}
		if (!in)
			k++;
		in = true;
		(void)cp_fwd(l.p + i, l.len - i, &len);
		i += len;
	}
	return k;
}

bool
qm_quoted(struct qline l)
{
	size_t i = 0, len, k;
	gunichar c;

	i = skip_blanks_fwd(l.p, l.len, &k);
	if (i >= l.len)
		return false;
	c = cp_fwd(l.p + i, l.len - i, &len);
	return c == '>' || c == '|' || c == CP_FW_GT || c == CP_FW_BAR;
}
