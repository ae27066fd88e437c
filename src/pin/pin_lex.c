/*
 * pin_lex.c - the lexer of PIN extraction: normalised text to tokens.
 *
 * The text (valid UTF-8, NFKC) is read once, left to right, as tokens:
 * runs of white space, line breaks, words (letters, lowercased, with
 * their W_* classes from pin_words.c), digit chains (digit groups joined
 * by exactly one space, hyphen, dot, slash, colon, comma or apostrophe:
 * "482 913", "12:30:45", "+1 415 555 0199" are each one chain), simple
 * HTML tags left in the text ("<b>", "</div>", "<br/>"), and single
 * punctuation characters.  An "&nbsp;" entity left in the text is a
 * space.  A token inside a URL or a mail address (a non-space run with
 * "@", "://" or a leading "www.") is marked as such.
 *
 * Security: the input is hostile.  Look-ahead is bounded: two code points
 * after a chain, a tag name of at most PIN_TAG_MAX letters, one scan of
 * each non-space run for URL marks; words and digit counts saturate, so
 * the work is linear in the text.
 *
 * Diagnostics: none; pure functions.
 */
#include <string.h>

#include <glib.h>

#include "pin/pin_impl.h"

#define PIN_WORD_MAX	24	/* bytes of a lowercased word kept */
#define PIN_TAG_MAX	10	/* letters in an HTML tag name */

/* The code point at POS, skipping format characters; 0 at the end. */
static gunichar
lex_get(const struct lex *lx, size_t pos, size_t *next)
{
	gunichar c;

	if (pos < lx->len && (unsigned char)lx->s[pos] < 0x80) {
		*next = pos + 1;		/* ASCII: never ignorable */
		return (gunichar)(unsigned char)lx->s[pos];
	}
	while (pos < lx->len) {
		c = g_utf8_get_char(lx->s + pos);
		pos = (size_t)(g_utf8_next_char(lx->s + pos) - lx->s);
		if (!pin_ignorable(c)) {
			*next = pos;
			return c;
		}
	}
	*next = lx->len;
	return 0;
}

static bool
lex_blob_delim(unsigned char b)
{
	switch (b) {
	case '<': case '>': case '"': case '(': case ')': case '[': case ']':
	case ',': case ';':
		return true;
	}
	return b <= ' ';
}

/* Is the non-space run starting at POS a URL or a mail address? */
static void
lex_blob(struct lex *lx)
{
	const char *s = lx->s;
	size_t p = lx->pos, e = p;

	if (p < lx->blob_end)
		return;
	while (e < lx->len && !lex_blob_delim((unsigned char)s[e]))
		e++;
	lx->blob_url = false;
	if (e == p) {
		lx->blob_end = p + 1;
		return;
	}
	lx->blob_end = e;
	if (memchr(s + p, '@', e - p) != NULL ||
	    g_strstr_len(s + p, (gssize)(e - p), "://") != NULL ||
	    (e - p > 4 && g_ascii_strncasecmp(s + p, "www.", 4) == 0))
		lx->blob_url = true;
}

/* Bytes of a simple tag "<b>", "</strong>", "<br/>" at S, or 0. */
static size_t
lex_tag_len(const char *s, size_t len)
{
	size_t i = 1, n = 0;

	if (i < len && s[i] == '/')
		i++;
	if (i >= len || !g_ascii_isalpha(s[i]))
		return 0;
	while (i < len && n <= PIN_TAG_MAX && g_ascii_isalnum(s[i])) {
		i++;
		n++;
	}
	if (n > PIN_TAG_MAX)
		return 0;
	if (i < len && s[i] == ' ')
		i++;
	if (i < len && s[i] == '/')
		i++;
	return (i < len && s[i] == '>') ? i + 1 : 0;
}

/* Bytes of "&nbsp;", "&#160;" or "&#xa0;" at S, or 0. */
static size_t
lex_nbsp_len(const char *s, size_t len)
{
	static const char *const forms[] = { "&nbsp;", "&#160;", "&#xa0;" };
	size_t i, n;

	for (i = 0; i < G_N_ELEMENTS(forms); i++) {
		n = strlen(forms[i]);
		if (len >= n && g_ascii_strncasecmp(s, forms[i], n) == 0)
			return n;
	}
	return 0;
}

/* Loose: past up to PIN_JOIN_LOOSE - 1 more joiners after the one
 * ending at NEXT when a digit follows them; where to go on from. */
static size_t
lex_more_joiners(const struct lex *lx, size_t next, struct tok *t)
{
	size_t p = next, n2;
	unsigned k = 0;

	while (k + 1 < PIN_JOIN_LOOSE &&
	    pin_joiner(lex_get(lx, p, &n2)) != J_NONE) {
		p = n2;
		k++;
	}
	if (k == 0 || pin_digit(lex_get(lx, p, &n2)) < 0)
		return next;
	t->nchars += k;
	t->ch.mixed = true;
	return p;
}

static void
lex_chain(struct lex *lx, struct tok *t)
{
	struct chain *ch = &t->ch;
	size_t next, n2, run = 0;
	enum joiner j;
	gunichar c;
	int v;

	t->kind = T_CHAIN;
	ch->before = lx->last;
	ch->ngroups = 1;
	for (;;) {
		c = lex_get(lx, lx->pos, &next);
		if ((v = pin_digit(c)) >= 0) {
			if (ch->ndig < PIN_DIGITS)
				ch->d[ch->ndig] = (char)('0' + v);
			if (ch->ndig <= PIN_DIGITS)
				ch->ndig++;
			run++;
		} else {
			if (ch->ngroups <= PIN_DIGITS)
				ch->glen[ch->ngroups - 1] = run;
			j = pin_joiner(c);
			if (j != J_NONE && lx->loose && ch->ndig >= PIN_DIGITS)
				break;	/* "111111, 222222": a list */
			if (j != J_NONE && lx->loose)
				next = lex_more_joiners(lx, next, t);
			if (j == J_NONE ||
			    pin_digit(lex_get(lx, next, &n2)) < 0)
				break;
			if (ch->ngroups == 1)
				ch->joiner = j;
			else if (j != ch->joiner)
				ch->mixed = true;
			if (ch->ngroups <= PIN_DIGITS)
				ch->ngroups++;
			run = 0;
		}
		lx->last = c;
		lx->pos = next;
		t->nchars++;
	}
	ch->after = c;
	ch->after2 = c != 0 ? lex_get(lx, next, &n2) : 0;
}

static void
lex_word(struct lex *lx, struct tok *t)
{
	char w[PIN_WORD_MAX], u[6];
	size_t next, wl = 0;
	bool attached, toolong = false;
	gunichar c;
	int k;

	t->kind = T_WORD;
	attached = pin_digit(lx->last) >= 0;
	for (;;) {
		c = lex_get(lx, lx->pos, &next);
		if (c == 0 || !pin_is_letter(c))
			break;
		if (c < 0x80) {
			u[0] = g_ascii_tolower((char)c);
			k = 1;
		} else
			k = g_unichar_to_utf8(g_unichar_tolower(c), u);
		if (wl + (size_t)k < sizeof w) {
			memcpy(w + wl, u, (size_t)k);
			wl += (size_t)k;
		} else
			toolong = true;
		lx->last = c;
		lx->pos = next;
		t->nchars++;
	}
	w[wl] = '\0';
	if (pin_digit(c) >= 0)
		attached = true;
	/* redaction reads "?pin=482913" in a URL too */
	t->wflags = (attached || toolong || (t->url && !lx->loose)) ? 0 :
	    pin_word_flags(w);
}

/* One run of spaces or tabs (NBSP is a space after NFKC). */
static void
lex_space(struct lex *lx, struct tok *t)
{
	size_t next;
	gunichar c;

	t->kind = T_SPACE;
	while ((c = lex_get(lx, lx->pos, &next)) != 0 && pin_is_space(c)) {
		lx->last = c;
		lx->pos = next;
		t->nchars++;
	}
}

/* A tag, an NBSP entity, or one punctuation character. */
static void
lex_other(struct lex *lx, struct tok *t, gunichar c, size_t next)
{
	size_t n = 0, rest = lx->len - lx->pos;

	if (c == '<')
		n = lex_tag_len(lx->s + lx->pos, rest);
	if (n > 0) {
		t->kind = T_TAG;
		t->nchars = n;
		lx->last = '>';
		lx->pos += n;
		return;
	}
	if (c == '&')
		n = lex_nbsp_len(lx->s + lx->pos, rest);
	if (n > 0) {
		t->kind = T_SPACE;
		t->nchars = 1;
		lx->last = ' ';
		lx->pos += n;
		return;
	}
	t->kind = T_PUNCT;
	t->cp = c;
	t->nchars = 1;
	lx->last = c;
	lx->pos = next;
}

void
lex_next(struct lex *lx, struct tok *t)
{
	size_t next, n2;
	gunichar c;

	memset(t, 0, sizeof *t);
	c = lex_get(lx, lx->pos, &next);
	if (c == 0) {
		lx->pos = lx->len;
		t->kind = T_END;
		return;
	}
	if (pin_is_newline(c)) {
		if (c == '\r' && lex_get(lx, next, &n2) == '\n')
			next = n2;
		t->kind = T_NL;
		t->nchars = 1;
		lx->last = '\n';
		lx->pos = next;
		return;
	}
	if (pin_is_space(c)) {
		lex_space(lx, t);
		return;
	}
	lex_blob(lx);
	t->url = lx->blob_url;
	if (pin_digit(c) >= 0)
		lex_chain(lx, t);
	else if (pin_is_letter(c))
		lex_word(lx, t);
	else
		lex_other(lx, t, c, next);
}
