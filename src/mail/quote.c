/*
 * quote.c - the author's own text of a plain-text reply.
 *
 * A reply carries, below (or around) what the customer wrote, the text it
 * answers: quoted lines (">", "|", full-width "＞"), an attribution ("On
 * <date>, <name> wrote:", "Den ... skrev ...:", "... написал(а):") and
 * what follows it, an Outlook header block ("From:/Sent:/To:/Subject:",
 * "Från:/Skickat:/Till:/Ämne:", "差出人:/送信日時:/宛先:/件名:"...), an
 * "-----Original Message-----" separator in any language, and a signature
 * after "-- ".  None of it is the author's: a PIN quoted from an earlier
 * message, or an old request quoted back, must not count.  quote_cut()
 * keeps the lines above the first cut marker, minus quoted lines.
 *
 * Which words mark what, per language, is in quotelang.c; how a line and
 * a pattern are compared (blanks, invisible characters, case folding) in
 * quotematch.c.  This file decides, line by line:
 *   - a quoted line is dropped, also after leading blanks, no-break
 *     spaces, zero-width spaces, byte order marks;
 *   - an attribution (one to three lines) directly followed by quoted
 *     lines only introduces them: it is dropped and the text below the
 *     quote is the author's (bottom-posting, interleaved answers);
 *     otherwise it cuts;
 *   - a header block cuts: a "From" label followed, line after line
 *     (wrapped values allowed, no blank line), by labels of at least two
 *     of Sent/Date, To/Cc, Subject: three labels in a row, never one word;
 *   - a separator cuts: a known title between dashes (any count, any
 *     case), a forwarded-message line, a helpdesk "reply above" marker;
 *   - "-- " cuts; a bare "--" cuts when what follows looks like a
 *     signature: at most SIG_MAX_LINES short lines (SIG_MAX_CHARS,
 *     SIG_MAX_WORDS: a name, a title, a phone number) before the end or
 *     a quote.  A "--" above a paragraph, or above a long text, is text.
 *
 * Security: the input is hostile.  Every test reads a prefix or suffix of
 * one line, or a whole line only when it is at most QL_MAX_LINE bytes;
 * look-ahead is a fixed number of lines.  Cost is linear in the input,
 * whatever its line lengths; nothing recurses.
 *
 * Diagnostics: none; quote_cut never fails.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "mail/quote.h"
#include "mail/quote_int.h"

#define HDR_WINDOW	8	/* lines after "From:" searched for the rest */
#define HDR_WRAP	2	/* wrapped value lines between two labels */
#define ATTR_LINES	3	/* an attribution folded over at most 3 lines */
#define WRAP_MIN_CHARS	50	/* a line this long may have been wrapped */
#define WROTE_LOOKAHEAD	3	/* lines after an attribution searched for ">" */
#define SIG_LOOKAHEAD	12	/* lines after "--" searched for the end */
#define SIG_MAX_LINES	8	/* non-blank lines of a signature */
#define SIG_MAX_CHARS	80	/* characters of a signature line */
#define SIG_MAX_WORDS	8	/* words of a signature line */

/* "From:" at L followed, label after label, by two of Sent:, To:,
 * Subject:. */
static bool
cut_header_block(const char *text, size_t end, size_t pos, struct qline l)
{
	struct qline next;
	int seen = 0, n, wrap = 0, c, k = 0;

	if (ql_header_class(l) != QL_FROM)
		return false;
	for (n = 0; n < HDR_WINDOW && qm_next(text, end, &pos, &next); n++) {
		if (qm_blank(next))
			break;
		c = ql_header_class(next);
		if (c == QL_NONE) {
			if (++wrap > HDR_WRAP)
				break;
			continue;
		}
		wrap = 0;
		seen |= c & (QL_SENT | QL_TO | QL_SUBJ);
	}
	for (c = QL_SENT; c <= QL_SUBJ; c <<= 1)
		k += (seen & c) != 0;
	return k >= 2;
}

/* A line a client broke: long, or ending inside a name and address. */
static bool
wrapped_line(struct qline l)
{
	char c = l.len > 0 ? l.p[l.len - 1] : '\0';

	return c == '<' || c == '(' || c == ',' ||
	    qm_chars(l, WRAP_MIN_CHARS) >= WRAP_MIN_CHARS;
}

/*
 * Lines (1 to ATTR_LINES) of the attribution starting at L (POS: just
 * after L), or 0.  FRESH: L starts a paragraph.  A form without a leading
 * word ("<name> <date> 写道：") needs L: folded over more lines only
 * when the lines above the last look wrapped (wrapped_line), and not
 * when the lines after L already make an attribution with a leading word
 * ("PIN 482913" above "On <date>, <name> wrote:" stays the author's).
 */
static int
attribution_lines(const char *text, size_t end, size_t pos, struct qline l,
    bool fresh)
{
	char buf[ATTR_LINES * (QL_MAX_LINE + 1)];
	struct qline j, tail, next, prev;
	bool bare = fresh;
	int n;

	l = qm_trim(l);
	if (l.len == 0 || l.len > QL_MAX_LINE)
		return 0;
	if (ql_attribution(l, fresh))
		return 1;
	prev = l;
	memcpy(buf, l.p, l.len);
	j.p = buf;
	j.len = l.len;
	tail.p = buf + l.len + 1;
	for (n = 2; n <= ATTR_LINES && qm_next(text, end, &pos, &next); n++) {
		next = qm_trim(next);
		if (next.len == 0 || next.len > QL_MAX_LINE || qm_quoted(next))
			return 0;
		buf[j.len++] = ' ';
		memcpy(buf + j.len, next.p, next.len);
		j.len += next.len;
		tail.len = (size_t)(buf + j.len - tail.p);
		bare = bare && wrapped_line(prev);
		if (ql_attribution(j, false) || (bare &&
		    ql_attribution(j, true) && !ql_attribution(tail, false)))
			return n;
		prev = next;
	}
	return 0;
}

/* The first non-blank line of the next WROTE_LOOKAHEAD from POS is
 * quoted. */
static bool
quote_follows(const char *text, size_t end, size_t pos)
{
	struct qline next;
	int n;

	for (n = 0; n < WROTE_LOOKAHEAD && qm_next(text, end, &pos, &next);
	    n++)
		if (!qm_blank(next))
			return qm_quoted(next);
	return false;
}

/* "-----Original Message-----", "Begin forwarded message:", helpdesks. */
static bool
cut_separator(struct qline l)
{
	struct qline in;
	size_t a = 0, b = 0, d, da = 0, db = 0;

	l = qm_trim(l);
	if (l.len == 0 || l.len > QL_MAX_LINE)
		return false;
	if (qm_match_fwd(l.p, l.len, "##-") != QL_NOMATCH ||
	    qm_contains_ascii(l, "reply above this line") || ql_forward_line(l))
		return true;
	while ((d = qm_dash_fwd(l.p + a, l.len - a)) > 0) {
		a += d;
		da++;
	}
	while ((d = qm_dash_back(l.p + a, l.len - a - b)) > 0) {
		b += d;
		db++;
	}
	if (da == 0 || db == 0)
		return false;
	in.p = l.p + a;
	in.len = l.len - a - b;
	return ql_separator_title(in);
}

/* The first line of a quote: what a signature may stand above. */
static bool
line_opens_quote(const char *text, size_t end, size_t pos, struct qline l)
{
	return qm_quoted(l) || cut_separator(l) || ql_wrote_end(l) ||
	    attribution_lines(text, end, pos, l, true) > 0 ||
	    cut_header_block(text, end, pos, l);
}

/* What follows a bare "--" at POS: a few short lines, then the end or a
 * quote. */
static bool
signature_follows(const char *text, size_t end, size_t pos)
{
	struct qline next;
	int n, lines = 0;

	for (n = 0; n < SIG_LOOKAHEAD; n++) {
		if (!qm_next(text, end, &pos, &next))
			return true;
		if (next.len > QL_MAX_LINE)
			return qm_quoted(next);
		if (qm_blank(next))
			continue;
		if (line_opens_quote(text, end, pos, next))
			return true;
		if (++lines > SIG_MAX_LINES ||
		    qm_chars(qm_trim(next), SIG_MAX_CHARS) > SIG_MAX_CHARS ||
		    qm_words(next, SIG_MAX_WORDS) > SIG_MAX_WORDS)
			return false;
	}
	return false;
}

/* "-- " (any trailing blank), or a bare "--" above a signature. */
static bool
cut_signature(const char *text, size_t end, size_t pos, struct qline l)
{
	size_t b;

	while ((b = qm_blank_fwd(l.p, l.len)) > 0) {
		l.p += b;
		l.len -= b;
	}
	if (l.len < 2 || l.p[0] != '-' || l.p[1] != '-')
		return false;
	if (l.len == 2)
		return signature_follows(text, end, pos);
	l.p += 2;
	l.len -= 2;
	return qm_blank(l);
}

/* Does the text from line L on (POS: just after L) belong to others? */
static bool
line_cuts(const char *text, size_t end, size_t pos, struct qline l)
{
	return cut_signature(text, end, pos, l) || cut_separator(l) ||
	    cut_header_block(text, end, pos, l);
}

/* An Outlook rule "_____" left above a cut header block. */
static bool
line_rule(struct qline l)
{
	size_t i;

	l = qm_trim(l);
	if (l.len < 5)
		return false;
	for (i = 0; i < l.len; i++)
		if (l.p[i] != '_')
			return false;
	return true;
}

/* Drop leading blank lines and trailing blank or rule lines. */
static char *
text_tidy(GString *out)
{
	struct qline l;
	size_t pos = 0, next, start;

	while (next = pos, qm_next(out->str, out->len, &next, &l) &&
	    qm_blank(l))
		pos = next;
	g_string_erase(out, 0, (gssize)pos);
	while (out->len > 0) {
		if (out->str[out->len - 1] == '\n')
			g_string_truncate(out, out->len - 1);
		start = out->len;
		while (start > 0 && out->str[start - 1] != '\n')
			start--;
		l.p = out->str + start;
		l.len = out->len - start;
		if (!qm_blank(l) && !line_rule(l))
			break;
		g_string_truncate(out, start);
	}
	return g_string_free(out, FALSE);
}

/* Past N more lines from *POS. */
static void
skip_lines(const char *text, size_t end, size_t *pos, int n)
{
	struct qline l;

	while (n-- > 0 && qm_next(text, end, pos, &l))
		;
}

char *
quote_cut(const char *utf8, size_t len)
{
	GString *out;
	struct qline l;
	size_t pos = 0, after;
	bool fresh = true;
	int n;

	out = g_string_sized_new(len < 4096 ? len + 1 : 4096);
	if (utf8 == NULL)
		len = 0;
	while (qm_next(utf8, len, &pos, &l)) {
		n = attribution_lines(utf8, len, pos, l, fresh);
		if (n == 0 && ql_wrote_end(l) && quote_follows(utf8, len, pos))
			n = 1;
		if (n > 0) {
			after = pos;
			skip_lines(utf8, len, &after, n - 1);
			if (!quote_follows(utf8, len, after))
				break;
			pos = after;	/* a lead-in: dropped */
			fresh = true;
			continue;
		}
		if (line_cuts(utf8, len, pos, l))
			break;
		if (qm_quoted(l)) {
			fresh = true;
			continue;
		}
		g_string_append_len(out, l.p, (gssize)l.len);
		g_string_append_c(out, '\n');
		fresh = qm_blank(l);
	}
	return text_tidy(out);
}
