/*
 * pin_scan.c - the parser of PIN extraction: which digit chains are
 * candidates.
 *
 * It reads the tokens of pin_lex.c once and keeps three anchors:
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
 * Security: constant work per token, no recursion.  The parser state
 * holds digits: it is wiped when the scan ends.
 *
 * Diagnostics: none; pure functions.
 */
#include <string.h>

#include <glib.h>

#include "pin/pin_impl.h"

#define PIN_GAP_AFTER	24	/* code points between keyword and digits */
#define PIN_GAP_BEFORE	20	/* code points between digits and keyword */
#define PIN_GAP_LINES	3	/* line breaks between keyword and digits */
#define PIN_FILLER_MAX	4	/* filler words in one gap */
#define PIN_GAP_LINES_LOOSE 6	/* PIN_EXTRACT_REDACT: line breaks */

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

static bool
chain_shape_ok(const struct chain *ch, bool bare, bool loose)
{
	bool sep = ch->joiner == J_SPACE || ch->joiner == J_HYPHEN ||
	    ch->joiner == J_DOT;

	if (ch->ndig != PIN_DIGITS)
		return false;
	if (loose)			/* 482,913  482 - 913  482'913 */
		return true;
	if (ch->mixed)
		return false;
	switch (ch->ngroups) {
	case 1:
		return true;
	case 2:				/* 482 913, 482-913, 482.913 */
		return ch->glen[0] == 3 && (ch->joiner == J_SPACE ||
		    ch->joiner == J_HYPHEN || (!bare && ch->joiner == J_DOT));
	case 3:				/* 48 29 13, 48-29-13 (not a date) */
		return !bare && ch->joiner != J_DOT && sep &&
		    ch->glen[0] == 2 && ch->glen[1] == 2;
	case PIN_DIGITS:		/* 4 8 2 9 1 3, 4-8-2-9-1-3 */
		return !bare && sep;
	}
	return false;
}

static bool
scan_chain_ok(const struct scan *st, const struct tok *t, bool bare)
{
	const struct chain *ch = &t->ch;
	bool loose = (st->flags & PIN_EXTRACT_REDACT) != 0;

	if ((t->url && !loose) || st->decoy ||
	    !chain_shape_ok(ch, bare, loose))
		return false;
	if (ch->before != CP_DEGREE && pin_bad_neighbour(ch->before))
		return false;
	if (pin_bad_neighbour(ch->after))
		return false;
	/* "482913.pdf", "482913.example.com" (redaction: "PIN 482913.pdf"
	 * is a file name a person reads) */
	return loose || !(ch->after == '.' && pin_is_letter(ch->after2));
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

/*
 * PIN_EXTRACT_REDACT: what else keeps a forward anchor going: any
 * punctuation, more line breaks, and a list of numbers ("PINs: 111111,
 * 222222 and 482913": each number starts the gap again).  True when T
 * was taken.
 */
static bool
scan_forward_loose(struct scan *st, const struct tok *t)
{
	switch (t->kind) {
	case T_CHAIN:
		st->fwd_gap = 0;
		st->fwd_words = 0;
		return true;
	case T_NL:
		if (++st->fwd_lines > PIN_GAP_LINES_LOOSE)
			st->fwd = false;
		return true;
	case T_PUNCT:
		break;
	case T_WORD:
		if (!(t->wflags & W_LIST))
			return false;
		break;
	default:
		return false;
	}
	st->fwd_gap += t->nchars;
	if (st->fwd_gap > PIN_GAP_AFTER)
		st->fwd = false;
	return true;
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
	if ((st->flags & PIN_EXTRACT_REDACT) && scan_forward_loose(st, t))
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

void
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
	lx.loose = (flags & PIN_EXTRACT_REDACT) != 0;
	st.out = out;
	st.flags = flags;
	do {
		lex_next(&lx, &t);
		scan_token(&st, &t);
	} while (t.kind != T_END);
	pin_wipe(&t, sizeof t);
	pin_wipe(&st, sizeof st);
}
