/*
 * pin.c - PIN candidates in the author's text; redaction of candidates.
 *
 * Extraction normalises the text (invalid UTF-8 made valid, then NFKC, so
 * full-width digits and NBSP / thin spaces become plain) and reads it once
 * as a stream of tokens: runs of white space, line breaks, words (letters,
 * lowercased), digit chains (digit groups joined by exactly one space,
 * hyphen, dot, slash, colon, comma or apostrophe: "482 913", "12:30:45",
 * "+1 415 555 0199" are each one chain), simple HTML tags left in the
 * text, and single punctuation characters.  A small parser keeps three
 * anchors and decides each chain:
 *
 * - forward: after the keyword PIN / NIP (also PINs, pincode), a gap of at
 *   most PIN_GAP_AFTER characters made of white space (two line breaks at
 *   most), quotes, brackets, ":#=-*" and up to PIN_FILLER_MAX filler words
 *   ("is", "code", "number", "no.", "est", "mon", ...) may precede the
 *   digits; anything else ends the anchor, so "PIN for case 482913" and
 *   "PIN 1: 482913" give nothing;
 * - backward: a chain followed by a short gap of fillers and the keyword
 *   ("482913 is my PIN", "482913 (PIN)");
 * - decoy: a word that names another kind of number (case, order,
 *   invoice, ticket, account, ext, poste, commande, facture, EUR, ...)
 *   disqualifies a chain that follows it within the same kind of gap.
 *
 * A chain is a candidate only if it is exactly six digits, written 482913,
 * 482 913, 482-913, 482.913 or 4 8 2 9 1 3 (one kind of joiner); not
 * touching letters, '+', '/', '@', '_', '%' or a currency sign; not
 * followed by a currency word or sign; not inside a URL or mail address;
 * and not named by a decoy.  So phone numbers, dates, times, amounts, IP
 * addresses and 5- or 7-digit numbers never are.  With
 * PIN_EXTRACT_BARE_LINE a line holding only 482913, 482 913 or 482-913 is
 * a candidate too.
 *
 * Redaction works on the original bytes, not the normalised copy: every
 * code point is decomposed (compatibility) so the digits NFKC would have
 * produced are seen, and a match replaces whole original code points.
 *
 * Security: the input is hostile.  Work is linear: every token is read
 * once, look-ahead is bounded (two code points after a chain, a tag of at
 * most PIN_TAG_MAX letters, one scan of each non-space run for URL
 * marks), words and digit counts saturate.  No recursion.  Candidates are
 * secrets: every temporary copy (valid text, NFKC text, tokens, parser
 * state) is wiped before it is freed.
 *
 * Diagnostics: none; pure functions.  pin_extract() fails only on bad
 * arguments, pin_redact() also when memory runs out.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "pin/pin.h"

#define PIN_GAP_AFTER	24	/* code points between keyword and digits */
#define PIN_GAP_BEFORE	20	/* code points between digits and keyword */
#define PIN_GAP_LINES	2	/* line breaks between keyword and digits */
#define PIN_FILLER_MAX	4	/* filler words in one gap */
#define PIN_WORD_MAX	24	/* bytes of a lowercased word kept */
#define PIN_TAG_MAX	10	/* letters in an HTML tag name */

#define CP_DEGREE	0x00b0	/* "n°" */

/* How digits are joined inside a chain. */
enum joiner { J_NONE, J_SPACE, J_HYPHEN, J_DOT, J_OTHER };

/* Word classes (a word may be in several). */
enum {
	W_KEY	= 1 << 0,	/* the keyword: PIN, NIP */
	W_AFTER	= 1 << 1,	/* filler between keyword and digits */
	W_BEFORE = 1 << 2,	/* filler between digits and keyword */
	W_ABBREV = 1 << 3,	/* "no", "nr": a '.' or '°' may follow */
	W_DECOY	= 1 << 4,	/* names another kind of number */
	W_MONEY	= 1 << 5	/* a currency after the digits */
};

struct pin_word {
	const char	*w;
	unsigned	 flags;
};

/* Sorted by strcmp (UTF-8 bytes): looked up with bsearch. */
static const struct pin_word pin_words[] = {
	{ "account",	W_BEFORE | W_DECOY },
	{ "acct",	W_DECOY },
	{ "amount",	W_DECOY },
	{ "apt",	W_DECOY },
	{ "article",	W_DECOY },
	{ "as",		W_BEFORE },
	{ "aud",	W_DECOY | W_MONEY },
	{ "bill",	W_DECOY },
	{ "box",	W_DECOY },
	{ "bp",		W_DECOY },
	{ "build",	W_DECOY },
	{ "c",		W_AFTER | W_BEFORE },
	{ "cad",	W_DECOY | W_MONEY },
	{ "case",	W_DECOY },
	{ "cell",	W_DECOY },
	{ "chf",	W_DECOY | W_MONEY },
	{ "client",	W_BEFORE | W_DECOY },
	{ "code",	W_AFTER },
	{ "colis",	W_DECOY },
	{ "commande",	W_DECOY },
	{ "compte",	W_BEFORE | W_DECOY },
	{ "contract",	W_DECOY },
	{ "contrat",	W_DECOY },
	{ "cp",		W_DECOY },
	{ "current",	W_BEFORE },
	{ "customer",	W_BEFORE | W_DECOY },
	{ "date",	W_DECOY },
	{ "de",		W_AFTER },
	{ "dollar",	W_DECOY | W_MONEY },
	{ "dollars",	W_DECOY | W_MONEY },
	{ "dossier",	W_DECOY },
	{ "du",		W_AFTER },
	{ "est",	W_AFTER | W_BEFORE },
	{ "eur",	W_DECOY | W_MONEY },
	{ "euro",	W_DECOY | W_MONEY },
	{ "euros",	W_DECOY | W_MONEY },
	{ "ext",	W_DECOY },
	{ "extension",	W_DECOY },
	{ "facture",	W_DECOY },
	{ "fax",	W_DECOY },
	{ "gbp",	W_DECOY | W_MONEY },
	{ "id",		W_DECOY },
	{ "inr",	W_DECOY | W_MONEY },
	{ "invoice",	W_DECOY },
	{ "ip",		W_DECOY },
	{ "is",		W_AFTER | W_BEFORE },
	{ "it",		W_AFTER | W_BEFORE },
	{ "item",	W_DECOY },
	{ "jpy",	W_DECOY | W_MONEY },
	{ "la",		W_AFTER | W_BEFORE },
	{ "le",		W_AFTER | W_BEFORE },
	{ "livraison",	W_DECOY },
	{ "ma",		W_AFTER | W_BEFORE },
	{ "mobile",	W_DECOY },
	{ "mon",	W_AFTER | W_BEFORE },
	{ "montant",	W_DECOY },
	{ "my",		W_AFTER | W_BEFORE },
	{ "n",		W_AFTER | W_ABBREV },
	{ "new",	W_BEFORE },
	{ "nip",	W_KEY },
	{ "no",		W_AFTER | W_ABBREV },
	{ "notre",	W_AFTER | W_BEFORE },
	{ "nouveau",	W_BEFORE },
	{ "nr",		W_AFTER | W_ABBREV },
	{ "num",	W_AFTER | W_ABBREV },
	{ "number",	W_AFTER },
	{ "numero",	W_AFTER },
	{ "numéro",	W_AFTER },
	{ "order",	W_DECOY },
	{ "our",	W_AFTER | W_BEFORE },
	{ "parcel",	W_DECOY },
	{ "phone",	W_DECOY },
	{ "pin",	W_KEY },
	{ "pincode",	W_KEY },
	{ "pins",	W_KEY },
	{ "po",		W_DECOY },
	{ "port",	W_DECOY },
	{ "portable",	W_DECOY },
	{ "postal",	W_DECOY },
	{ "postcode",	W_DECOY },
	{ "poste",	W_DECOY },
	{ "price",	W_DECOY },
	{ "prix",	W_DECOY },
	{ "receipt",	W_DECOY },
	{ "ref",	W_DECOY },
	{ "reference",	W_DECOY },
	{ "room",	W_DECOY },
	{ "rs",		W_DECOY | W_MONEY },
	{ "réf",	W_DECOY },
	{ "référence",	W_DECOY },
	{ "s",		W_AFTER | W_BEFORE },
	{ "serial",	W_DECOY },
	{ "shipment",	W_DECOY },
	{ "sku",	W_DECOY },
	{ "sn",		W_DECOY },
	{ "suite",	W_DECOY },
	{ "support",	W_BEFORE },
	{ "tel",	W_DECOY },
	{ "telephone",	W_DECOY },
	{ "the",	W_AFTER | W_BEFORE },
	{ "ticket",	W_DECOY },
	{ "total",	W_DECOY },
	{ "tracking",	W_DECOY },
	{ "transaction", W_DECOY },
	{ "txn",	W_DECOY },
	{ "tél",	W_DECOY },
	{ "téléphone",	W_DECOY },
	{ "usd",	W_DECOY | W_MONEY },
	{ "user",	W_BEFORE },
	{ "utilisateur", W_BEFORE },
	{ "v",		W_DECOY },
	{ "ver",	W_DECOY },
	{ "version",	W_DECOY },
	{ "votre",	W_AFTER | W_BEFORE },
	{ "was",	W_AFTER | W_BEFORE },
	{ "x",		W_DECOY },
	{ "yen",	W_DECOY | W_MONEY },
	{ "your",	W_AFTER | W_BEFORE },
	{ "zip",	W_DECOY },
};

enum tkind { T_END, T_SPACE, T_NL, T_WORD, T_CHAIN, T_PUNCT, T_TAG };

/* Digit groups joined by single joiners; counts saturate. */
struct chain {
	char		d[PIN_BUF];	/* the first PIN_DIGITS digits, ASCII */
	size_t		ndig;		/* digits, at most PIN_DIGITS + 1 */
	size_t		ngroups;	/* groups, at most PIN_DIGITS + 1 */
	size_t		glen[PIN_DIGITS]; /* lengths of the first groups */
	enum joiner	joiner;		/* the first joiner */
	bool		mixed;		/* another kind of joiner seen too */
	gunichar	before;		/* code point before the chain, or 0 */
	gunichar	after, after2;	/* the two after it, or 0 */
};

struct tok {
	enum tkind	kind;
	size_t		nchars;		/* code points, for gap lengths */
	gunichar	cp;		/* T_PUNCT */
	bool		url;		/* inside a URL or mail address */
	unsigned	wflags;		/* T_WORD: W_*, 0 touching digits */
	struct chain	ch;		/* T_CHAIN */
};

struct lex {
	const char	*s;		/* valid UTF-8, NUL-terminated */
	size_t		 len, pos;
	gunichar	 last;		/* last code point consumed, or 0 */
	size_t		 blob_end;	/* end of the current non-space run */
	bool		 blob_url;	/* that run looks like a URL/address */
};

struct scan {
	struct pin_candidates *out;
	unsigned	flags;
	/* forward: a keyword was seen, digits may follow */
	bool		fwd, fwd_abbrev;
	size_t		fwd_gap;
	unsigned	fwd_words, fwd_lines;
	/* a decoy word was seen: the next chain is not a PIN */
	bool		decoy;
	size_t		decoy_gap;
	/* the last good chain, waiting for what follows it */
	bool		pend, pend_fwd, pend_first;
	size_t		pend_gap;
	unsigned	pend_words;
	char		pend_d[PIN_BUF];
	/* the current line, for PIN_EXTRACT_BARE_LINE */
	unsigned	line_toks;
	bool		line_bare;
	char		line_d[PIN_BUF];
};

/* Like explicit_bzero(): the stores are not optimised away. */
static void
pin_wipe(void *p, size_t len)
{
	volatile unsigned char *v = p;

	while (len-- > 0)
		*v++ = 0;
}

/* --- character classes, shared by extraction and redaction --- */

static int
pin_digit(gunichar c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') ? (int)(c - '0') : -1;
	return g_unichar_digit_value(c);
}

static bool
pin_is_letter(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalpha((int)c);
	return g_unichar_isalpha(c) || g_unichar_ismark(c);
}

/* Invisible format characters (soft hyphen, zero-width space) are skipped. */
static bool
pin_ignorable(gunichar c)
{
	return c >= 0x80 && g_unichar_type(c) == G_UNICODE_FORMAT;
}

static bool
pin_is_newline(gunichar c)
{
	return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c ||
	    c == 0x85 || c == 0x2028 || c == 0x2029;
}

static bool
pin_is_space(gunichar c)
{
	if (c < 0x80)
		return c == ' ' || c == '\t';
	return g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR;
}

static enum joiner
pin_joiner(gunichar c)
{
	switch (c) {
	case ' ':
		return J_SPACE;
	case '-': case 0x2010: case 0x2011: case 0x2012: case 0x2013:
	case 0x2212: case 0xfe63: case 0xff0d:
		return J_HYPHEN;
	case '.': case 0xff0e:
		return J_DOT;
	case '/': case ':': case ',': case '\'': case 0x2019:
		return J_OTHER;
	}
	if (c >= 0x80 && g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR)
		return J_SPACE;
	return J_NONE;
}

/*
 * Punctuation allowed in the gap between keyword and digits.  Not ',' or
 * '.': "If you need a PIN, 555123 is the extension".
 */
static bool
pin_gap_punct(gunichar c)
{
	switch (c) {
	case ':': case '#': case '=': case '-': case '*': case '"':
	case '\'': case '`': case '(': case ')': case '[': case ']':
	case '_': case '~': case '>': case 0x00ab: case 0x00bb:
	case 0x2039: case 0x203a:
		return true;
	}
	return (c >= 0x2010 && c <= 0x2015) ||	/* dashes */
	    (c >= 0x2018 && c <= 0x201f);	/* curly quotes */
}

/* Characters a PIN cannot touch: it would be part of something else. */
static bool
pin_bad_neighbour(gunichar c)
{
	if (c == 0)
		return false;
	if (pin_digit(c) >= 0 || pin_is_letter(c))
		return true;
	switch (c) {
	case '+': case '/': case '\\': case '@': case '%':
	case '&': case CP_DEGREE:
		return true;
	}
	return g_unichar_type(c) == G_UNICODE_CURRENCY_SYMBOL;
}

static int
pin_word_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct pin_word *)elem)->w);
}

static unsigned
pin_word_flags(const char *w)
{
	const struct pin_word *pw;

	pw = bsearch(w, pin_words, G_N_ELEMENTS(pin_words),
	    sizeof pin_words[0], pin_word_cmp);
	return pw != NULL ? pw->flags : 0;
}

/* --- candidates --- */

static void
pin_add(struct pin_candidates *c, const char d[PIN_BUF])
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (memcmp(c->v[i], d, PIN_DIGITS) == 0)
			return;
	if (c->n == PIN_MAX_FOUND) {
		c->overflow = true;
		return;
	}
	memcpy(c->v[c->n], d, PIN_DIGITS);
	c->v[c->n][PIN_DIGITS] = '\0';
	c->n++;
}

static bool
pin_has(const struct pin_candidates *c, const char d[PIN_DIGITS])
{
	size_t i, n = c->n < PIN_MAX_FOUND ? c->n : PIN_MAX_FOUND;

	for (i = 0; i < n; i++)
		if (memcmp(c->v[i], d, PIN_DIGITS) == 0)
			return true;
	return false;
}

void
pin_candidates_wipe(struct pin_candidates *c)
{
	if (c == NULL)
		return;
	pin_wipe(c, sizeof *c);
	c->n = 0;
	c->overflow = false;
}

/* --- lexer over the normalised text --- */

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
	t->wflags = (attached || toolong || t->url) ? 0 : pin_word_flags(w);
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

static void
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

/* --- parser --- */

static bool
chain_shape_ok(const struct chain *ch, bool bare)
{
	if (ch->ndig != PIN_DIGITS || ch->mixed)
		return false;
	switch (ch->ngroups) {
	case 1:
		return true;
	case 2:				/* 482 913, 482-913, 482.913 */
		return ch->glen[0] == 3 && (ch->joiner == J_SPACE ||
		    ch->joiner == J_HYPHEN || (!bare && ch->joiner == J_DOT));
	case PIN_DIGITS:		/* 4 8 2 9 1 3 */
		return !bare && ch->joiner == J_SPACE;
	}
	return false;
}

static bool
scan_chain_ok(const struct scan *st, const struct tok *t, bool bare)
{
	const struct chain *ch = &t->ch;

	if (t->url || st->decoy || !chain_shape_ok(ch, bare))
		return false;
	if (ch->before != CP_DEGREE && pin_bad_neighbour(ch->before))
		return false;
	if (pin_bad_neighbour(ch->after))
		return false;
	/* "482913.pdf", "482913.example.com" */
	return !(ch->after == '.' && pin_is_letter(ch->after2));
}

static bool
tok_is_money(const struct tok *t)
{
	if (t->kind == T_WORD)
		return (t->wflags & W_MONEY) != 0;
	if (t->kind == T_PUNCT)
		return t->cp == '%' ||
		    g_unichar_type(t->cp) == G_UNICODE_CURRENCY_SYMBOL;
	return false;
}

/* Does T continue the gap between a pending chain and a keyword? */
static bool
scan_gap_before(struct scan *st, const struct tok *t)
{
	switch (t->kind) {
	case T_SPACE:
	case T_TAG:
		break;
	case T_PUNCT:				/* "482913, my PIN" */
		if (t->cp != ',' && (!pin_gap_punct(t->cp) || t->cp == '#' ||
		    t->cp == '>'))
			return false;
		break;
	case T_WORD:
		if (!(t->wflags & W_BEFORE) ||
		    ++st->pend_words > PIN_FILLER_MAX)
			return false;
		break;
	default:
		return false;
	}
	st->pend_gap += t->nchars;
	return st->pend_gap <= PIN_GAP_BEFORE;
}

/* Decide the pending chain with the token that follows it. */
static void
scan_pending(struct scan *st, const struct tok *t)
{
	if (!st->pend)
		return;
	if (st->pend_first) {
		if (t->kind == T_SPACE) {
			st->pend_gap += t->nchars;
			return;
		}
		st->pend_first = false;
		if (tok_is_money(t)) {		/* 482913 EUR, 482 913 € */
			st->pend = false;
			return;
		}
		if (st->pend_fwd) {
			pin_add(st->out, st->pend_d);
			st->pend = false;
			return;
		}
	}
	if (t->kind == T_WORD && (t->wflags & W_KEY)) {
		pin_add(st->out, st->pend_d);	/* 482913 is my PIN */
		st->pend = false;
	} else if (!scan_gap_before(st, t))
		st->pend = false;
}

static void
scan_line(struct scan *st, const struct tok *t, bool okbare)
{
	switch (t->kind) {
	case T_SPACE:
		return;
	case T_NL:
	case T_END:
		if ((st->flags & PIN_EXTRACT_BARE_LINE) && st->line_toks == 1 &&
		    st->line_bare)
			pin_add(st->out, st->line_d);
		st->line_toks = 0;
		st->line_bare = false;
		return;
	case T_CHAIN:
		if (st->line_toks == 0 && okbare) {
			st->line_bare = true;
			memcpy(st->line_d, t->ch.d, PIN_BUF);
		}
		break;
	default:
		break;
	}
	if (st->line_toks < 2)
		st->line_toks++;
}

static void
scan_decoy(struct scan *st, const struct tok *t)
{
	bool keep;

	if (t->kind == T_WORD && (t->wflags & W_DECOY)) {
		st->decoy = true;
		st->decoy_gap = 0;
		return;
	}
	if (!st->decoy)
		return;
	switch (t->kind) {
	case T_SPACE: case T_NL: case T_TAG:
		keep = true;
		break;
	case T_PUNCT:
		keep = pin_gap_punct(t->cp) || t->cp == '.' ||
		    t->cp == CP_DEGREE;
		break;
	case T_WORD:
		keep = (t->wflags & W_AFTER) != 0;
		break;
	default:
		keep = false;
	}
	st->decoy_gap += t->nchars;
	if (!keep || st->decoy_gap > PIN_GAP_AFTER)
		st->decoy = false;
}

static void
scan_forward(struct scan *st, const struct tok *t)
{
	bool keep;

	if (t->kind == T_WORD && (t->wflags & W_KEY)) {
		st->fwd = true;
		st->fwd_abbrev = false;
		st->fwd_gap = 0;
		st->fwd_words = st->fwd_lines = 0;
		return;
	}
	if (!st->fwd)
		return;
	switch (t->kind) {
	case T_SPACE: case T_TAG:
		keep = true;
		break;
	case T_NL:
		keep = ++st->fwd_lines <= PIN_GAP_LINES;
		break;
	case T_PUNCT:
		keep = pin_gap_punct(t->cp) || (st->fwd_abbrev &&
		    (t->cp == '.' || t->cp == CP_DEGREE));
		break;
	case T_WORD:
		keep = (t->wflags & W_AFTER) &&
		    ++st->fwd_words <= PIN_FILLER_MAX;
		break;
	default:
		keep = false;
	}
	st->fwd_abbrev = t->kind == T_WORD && (t->wflags & W_ABBREV);
	st->fwd_gap += t->nchars;
	if (!keep || st->fwd_gap > PIN_GAP_AFTER)
		st->fwd = false;
}

static void
scan_token(struct scan *st, const struct tok *t)
{
	bool ok = false, okbare = false;

	if (t->kind == T_CHAIN) {
		ok = scan_chain_ok(st, t, false);
		okbare = scan_chain_ok(st, t, true);
	}
	scan_pending(st, t);
	scan_line(st, t, okbare);
	if (t->kind == T_CHAIN) {
		st->pend = ok;
		st->pend_fwd = st->fwd;
		st->pend_first = true;
		st->pend_gap = 0;
		st->pend_words = 0;
		memcpy(st->pend_d, t->ch.d, PIN_BUF);
	}
	scan_decoy(st, t);
	scan_forward(st, t);
}

static void
pin_scan(const char *s, size_t len, unsigned flags,
    struct pin_candidates *out)
{
	struct lex lx;
	struct scan st;
	struct tok t;

	memset(&lx, 0, sizeof lx);
	memset(&st, 0, sizeof st);
	lx.s = s;
	lx.len = len;
	st.out = out;
	st.flags = flags;
	do {
		lex_next(&lx, &t);
		scan_token(&st, &t);
	} while (t.kind != T_END);
	pin_wipe(&t, sizeof t);
	pin_wipe(&st, sizeof st);
}

/* ASCII without NUL or other controls but white space: already NFKC. */
static bool
pin_plain_ascii(const char *s, size_t len)
{
	size_t i;
	unsigned char b;

	for (i = 0; i < len; i++) {
		b = (unsigned char)s[i];
		if (b >= 0x7f ||
		    (b < ' ' && b != '\n' && b != '\r' && b != '\t'))
			return false;
	}
	return true;
}

int
pin_extract(const char *text, size_t len, unsigned flags,
    struct pin_candidates *out)
{
	char *valid, *norm;

	if (out == NULL || (text == NULL && len > 0) || len > G_MAXSSIZE)
		return -1;
	memset(out, 0, sizeof *out);
	if (len == 0)
		return 0;
	if (pin_plain_ascii(text, len)) {	/* NFKC would change nothing */
		pin_scan(text, len, flags, out);
		return (int)out->n;
	}
	valid = g_utf8_make_valid(text, (gssize)len);
	norm = g_utf8_normalize(valid, -1, G_NORMALIZE_NFKC);
	pin_wipe(valid, strlen(valid));
	g_free(valid);
	if (norm == NULL)
		return -1;
	pin_scan(norm, strlen(norm), flags, out);
	pin_wipe(norm, strlen(norm));
	g_free(norm);
	return (int)out->n;
}

/* --- redaction over the original bytes --- */

/* One maximal digit run; link is the joiner before it (J_NONE: none). */
struct rrun {
	char		d[PIN_DIGITS];
	size_t		len;		/* at most PIN_DIGITS + 1 */
	size_t		s, e;		/* original byte range */
	enum joiner	link;
};

struct redact {
	const struct pin_candidates *c;
	struct rrun	win[PIN_DIGITS];	/* last runs of one chain */
	size_t		nwin;
	struct rrun	cur;
	bool		in_run, after_join;
	enum joiner	join;
	bool		have;			/* a range waiting: [rs, re) */
	size_t		rs, re, floor;
	/* output */
	const char	*in;
	char		*out;			/* NULL: only count */
	size_t		ipos, opos, count, removed;
	const char	*mask;
	size_t		mlen;
};

static void
redact_emit(struct redact *r, size_t s, size_t e)
{
	r->count++;
	r->removed += e - s;
	if (r->out == NULL)
		return;
	memcpy(r->out + r->opos, r->in + r->ipos, s - r->ipos);
	r->opos += s - r->ipos;
	memcpy(r->out + r->opos, r->mask, r->mlen);
	r->opos += r->mlen;
	r->ipos = e;
}

/* Merge overlapping matches; emit a range once nothing can extend it. */
static void
redact_range(struct redact *r, size_t s, size_t e)
{
	if (s < r->floor)
		s = r->floor;
	if (r->have && s < r->re) {
		if (e > r->re)
			r->re = e;
		return;
	}
	if (r->have) {
		redact_emit(r, r->rs, r->re);
		r->floor = r->re;
	}
	r->have = true;
	r->rs = s;
	r->re = e;
}

/* Do the last runs spell a candidate: 6, 3+3, 2+2+2 or 1x6 digits? */
static void
redact_match(struct redact *r)
{
	const struct rrun *last = &r->win[r->nwin - 1];
	char d[PIN_DIGITS];
	size_t i, k, first;

	switch (last->len) {
	case 6: k = 1; break;
	case 3: k = 2; break;
	case 2: k = 3; break;
	case 1: k = 6; break;
	default: return;
	}
	if (r->nwin < k)
		return;
	first = r->nwin - k;
	for (i = first; i < r->nwin; i++) {
		if (r->win[i].len != last->len)
			return;
		if (i > first && (r->win[i].link == J_NONE ||
		    r->win[i].link != last->link))
			return;
		memcpy(d + (i - first) * last->len, r->win[i].d, last->len);
	}
	if (pin_has(r->c, d))
		redact_range(r, r->win[first].s, last->e);
	pin_wipe(d, sizeof d);
}

static void
redact_run_end(struct redact *r)
{
	r->in_run = false;
	if (r->cur.len > PIN_DIGITS) {		/* part of a longer number */
		r->nwin = 0;
		return;
	}
	if (r->nwin == PIN_DIGITS) {
		memmove(r->win, r->win + 1,
		    (PIN_DIGITS - 1) * sizeof r->win[0]);
		r->nwin--;
	}
	r->win[r->nwin++] = r->cur;
	redact_match(r);
}

/* One decomposed code point C from the original bytes [s, e). */
static void
redact_feed(struct redact *r, gunichar c, size_t s, size_t e)
{
	enum joiner j;
	int v;

	if (pin_ignorable(c))
		return;
	if ((v = pin_digit(c)) >= 0) {
		if (!r->in_run) {
			if (!r->after_join)
				r->nwin = 0;
			r->in_run = true;
			r->cur.len = 0;
			r->cur.s = s;
			r->cur.link = r->after_join ? r->join : J_NONE;
			r->after_join = false;
		}
		if (r->cur.len < PIN_DIGITS)
			r->cur.d[r->cur.len] = (char)('0' + v);
		if (r->cur.len <= PIN_DIGITS)
			r->cur.len++;
		r->cur.e = e;
		return;
	}
	j = pin_joiner(c);
	if (r->in_run) {
		redact_run_end(r);
		if (j == J_SPACE || j == J_HYPHEN || j == J_DOT) {
			r->after_join = true;
			r->join = j;
			return;
		}
	}
	r->after_join = false;
	r->nwin = 0;
}

static void
redact_walk(struct redact *r, const char *text, size_t len)
{
	gunichar buf[G_UNICHAR_MAX_DECOMPOSITION_LENGTH], c;
	size_t i = 0, n, k, m;

	while (i < len) {
		c = g_utf8_get_char_validated(text + i,
		    (gssize)(len - i < 8 ? len - i : 8));
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			redact_feed(r, 0xfffd, i, i + 1);
			i++;
			continue;
		}
		n = (size_t)g_utf8_skip[(unsigned char)text[i]];
		if (c < 0x80) {
			redact_feed(r, c, i, i + n);
		} else {
			k = g_unichar_fully_decompose(c, TRUE, buf,
			    G_N_ELEMENTS(buf));
			for (m = 0; m < k; m++)
				redact_feed(r, buf[m], i, i + n);
		}
		i += n;
	}
	redact_feed(r, 0, len, len);
	if (r->have)
		redact_emit(r, r->rs, r->re);
}

static void
redact_reset(struct redact *r, const struct pin_candidates *c,
    const char *text)
{
	memset(r, 0, sizeof *r);
	r->c = c;
	r->in = text;
}

char *
pin_redact(const char *text, size_t len, const struct pin_candidates *c,
    const char *mask, size_t *outlen, size_t *nreplaced)
{
	struct redact r;
	size_t total, count;
	char *buf;

	if (text == NULL && len > 0) {
		errno = EINVAL;
		return NULL;
	}
	if (text == NULL)
		text = "";
	if (mask == NULL)
		mask = PIN_REDACT_MASK;
	redact_reset(&r, c, text);
	if (c != NULL && c->n > 0)
		redact_walk(&r, text, len);
	count = r.count;
	total = len - r.removed;
	if (count > 0 && strlen(mask) > (SIZE_MAX - 1 - total) / count) {
		errno = ENOMEM;
		return NULL;
	}
	total += count * strlen(mask);
	if ((buf = g_try_malloc(total + 1)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	redact_reset(&r, c, text);
	r.out = buf;
	r.mask = mask;
	r.mlen = strlen(mask);
	if (count > 0)
		redact_walk(&r, text, len);
	memcpy(buf + r.opos, text + r.ipos, len - r.ipos);
	buf[total] = '\0';
	pin_wipe(&r, sizeof r);
	if (outlen != NULL)
		*outlen = total;
	if (nreplaced != NULL)
		*nreplaced = count;
	return buf;
}

void
pin_candidates_merge(struct pin_candidates *a, const struct pin_candidates *b)
{
	size_t i, j;

	a->overflow = a->overflow || b->overflow;
	for (i = 0; i < b->n; i++) {
		for (j = 0; j < a->n; j++)
			if (memcmp(a->v[j], b->v[i], PIN_BUF) == 0)
				break;
		if (j < a->n)
			continue;
		if (a->n == PIN_MAX_FOUND) {
			a->overflow = true;
			break;
		}
		memcpy(a->v[a->n++], b->v[i], PIN_BUF);
	}
}
