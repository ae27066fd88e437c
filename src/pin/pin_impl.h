/*
 * pin_impl.h - what the files of pin/ share among themselves.
 *
 * Not a contract for anyone else: the rest of pinmilter uses pin.h.
 * The work is split by concern:
 *   pin_char.c   character classes, the same for extraction and redaction
 *   pin_words.c  the words that anchor a PIN, fill a gap or name another
 *                kind of number
 *   pin_lex.c    the lexer: normalised text -> tokens
 *   pin_scan.c   the parser: which digit chains are candidates
 *   pin.c        the entry points: normalisation, candidate lists
 *   pin_redact.c redaction over the original bytes
 *
 * Everything here is pure, as pin.h promises: no I/O, no logging, no
 * global state.
 */
#ifndef PM_PIN_IMPL_H
#define PM_PIN_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "pin/pin.h"

#define CP_DEGREE	0x00b0	/* "n°" */

/* --- character classes (pin_char.c) --- */

/* How digits are joined inside a chain. */
enum joiner { J_NONE, J_SPACE, J_HYPHEN, J_DOT, J_OTHER };

/* Like explicit_bzero(): the stores are not optimised away. */
void pin_wipe(void *p, size_t len);

enum joiner pin_joiner(gunichar c);	/* J_NONE: cannot join digits */
bool pin_gap_punct(gunichar c);		/* may stand in an anchor's gap */
bool pin_bad_neighbour(gunichar c);	/* a PIN cannot touch it */

/*
 * The classes asked of every code point, inline: ASCII without a table
 * look-up, the rest from GLib's Unicode tables.
 */

/* 0-9, or -1: not a digit (full-width and other scripts' digits count). */
static inline int
pin_digit(gunichar c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') ? (int)(c - '0') : -1;
	return g_unichar_digit_value(c);
}

static inline bool
pin_is_letter(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalpha((int)c);
	return g_unichar_isalpha(c) || g_unichar_ismark(c);
}

/* Invisible format characters (soft hyphen, zero-width space) are skipped. */
static inline bool
pin_ignorable(gunichar c)
{
	return c >= 0x80 && g_unichar_type(c) == G_UNICODE_FORMAT;
}

static inline bool
pin_is_newline(gunichar c)
{
	return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c ||
	    c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* Any space but a line break. */
static inline bool
pin_is_space(gunichar c)
{
	if (c < 0x80)
		return c == ' ' || c == '\t';
	return g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR;
}

/* --- words (pin_words.c) --- */

/* Word classes (a word may be in several). */
enum {
	W_KEY	= 1 << 0,	/* the keyword: PIN, NIP */
	W_AFTER	= 1 << 1,	/* filler between keyword and digits */
	W_BEFORE = 1 << 2,	/* filler between digits and keyword */
	W_ABBREV = 1 << 3,	/* "no", "nr": a '.' or '°' may follow */
	W_DECOY	= 1 << 4,	/* names another kind of number */
	W_MONEY	= 1 << 5,	/* a currency after the digits */
	W_LIST	= 1 << 6	/* "and", "or": a list of numbers goes on */
};

/* The W_* classes of W (lowercased UTF-8), 0 for any other word. */
unsigned pin_word_flags(const char *w);

/* --- tokens (pin_lex.c) --- */

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

/* Zero it, then set s and len. */
struct lex {
	const char	*s;		/* valid UTF-8, NUL-terminated */
	size_t		 len, pos;
	gunichar	 last;		/* last code point consumed, or 0 */
	size_t		 blob_end;	/* end of the current non-space run */
	bool		 blob_url;	/* that run looks like a URL/address */
	bool		 loose;		/* PIN_EXTRACT_REDACT: up to
					 * PIN_JOIN_LOOSE joiners in a row */
};

#define PIN_JOIN_LOOSE	3	/* "482 - 913": joiners between groups */

/* The next token into T; T_END at the end of the text, and after it. */
void lex_next(struct lex *lx, struct tok *t);

/* --- the scan (pin_scan.c) and the candidate list (pin.c) --- */

/* Add the candidates of normalised text S (LEN bytes) to OUT. */
void pin_scan(const char *s, size_t len, unsigned flags,
    struct pin_candidates *out);

/* Add D (PIN_DIGITS digits) unless present; overflow when OUT is full. */
void pin_add(struct pin_candidates *c, const char d[PIN_BUF]);

/* Is D (PIN_DIGITS digits, not terminated) one of C's candidates? */
bool pin_has(const struct pin_candidates *c, const char d[PIN_DIGITS]);

#endif
