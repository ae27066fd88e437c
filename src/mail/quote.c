/*
 * quote.c - the author's own text of a plain-text reply.
 *
 * A reply carries, below (or around) what the customer wrote, the text it
 * answers: ">" lines, an attribution ("On <date>, <name> wrote:") and what
 * follows it, an Outlook header block ("From:/Sent:/To:/Subject:"), an
 * "-----Original Message-----" separator, and a signature after "-- ".
 * None of it is the author's: a PIN quoted from an earlier message, or a
 * phone number in a signature, must not count.  quote_cut() keeps the
 * lines above the first cut marker, minus ">" lines.
 *
 * The patterns are small strings matched at a line's start or end:
 * letters compare ASCII-case-insensitively, ' ' in a pattern matches one
 * or more blanks (space, tab, U+00A0, U+202F: Outlook puts no-break
 * spaces before French colons), '~' matches zero or more blanks.
 *
 * Security: the input is hostile.  Every test reads a prefix or suffix of
 * one line, or a whole line only when it is at most ATTR_MAX_LINE bytes;
 * look-ahead is a fixed number of lines.  Cost is linear in the input,
 * whatever its line lengths; nothing recurses.
 *
 * Diagnostics: none; quote_cut never fails.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "mail/quote.h"

#define ATTR_MAX_LINE	512	/* longer lines are never markers */
#define HDR_WINDOW	8	/* lines after "From:" searched for the rest */
#define WROTE_LOOKAHEAD	3	/* lines after "X wrote:" searched for ">" */
#define NOMATCH		((size_t)-1)

struct line {
	const char *p;
	size_t len;		/* without the line end */
};

enum { HK_NONE = 0, HK_FROM = 1, HK_SENT = 2, HK_TO = 4, HK_SUBJ = 8 };

static const struct {
	const char *pat;
	int cls;
} header_keys[] = {
	{ "from~:", HK_FROM }, { "de~:", HK_FROM }, { "von~:", HK_FROM },
	{ "van~:", HK_FROM }, { "da~:", HK_FROM },
	{ "sent~:", HK_SENT }, { "date~:", HK_SENT }, { "envoyé~:", HK_SENT },
	{ "gesendet~:", HK_SENT }, { "datum~:", HK_SENT },
	{ "enviado~:", HK_SENT }, { "inviato~:", HK_SENT },
	{ "verzonden~:", HK_SENT }, { "data~:", HK_SENT },
	{ "to~:", HK_TO }, { "à~:", HK_TO }, { "À~:", HK_TO }, { "a~:", HK_TO },
	{ "an~:", HK_TO }, { "para~:", HK_TO }, { "aan~:", HK_TO },
	{ "cc~:", HK_TO },
	{ "subject~:", HK_SUBJ }, { "objet~:", HK_SUBJ },
	{ "betreff~:", HK_SUBJ }, { "asunto~:", HK_SUBJ },
	{ "oggetto~:", HK_SUBJ }, { "onderwerp~:", HK_SUBJ },
	{ "assunto~:", HK_SUBJ },
};

/*
 * "On <date>, <name> wrote:" and its translations: start, end, and a word
 * that must occur when the end is a bare colon (German, Dutch); those
 * also need a digit (the date), so "Am Montag schrieb mir X:" is text.
 */
static const struct {
	const char *start;
	const char *end;
	const char *word;
} attributions[] = {
	{ "on ", "wrote~:", NULL },
	{ "le ", "a écrit~:", NULL },
	{ "le ", "a ecrit~:", NULL },
	{ "am ", ":", " schrieb " },
	{ "el ", "escribió~:", NULL },
	{ "il ", "ha scritto~:", NULL },
	{ "op ", ":", " schreef " },
	{ "em ", "escreveu~:", NULL },
};

/* "<name> wrote:" followed by ">" lines. */
static const char *const wrote_ends[] = {
	"wrote~:", "écrit~:", "ecrit~:", "escribió~:", "ha scritto~:",
	"escreveu~:", "schrieb~:", "schreef~:",
};

/* Between two runs of dashes: "-----Original Message-----". */
static const char *const separators[] = {
	"original message", "message d'origine", "mail original",
	"forwarded message", "message transféré", "ursprüngliche nachricht",
	"weitergeleitete nachricht", "mensaje original", "mensaje reenviado",
	"messaggio originale", "messaggio inoltrato", "mensagem original",
	"mensagem encaminhada", "oorspronkelijk bericht", "doorgestuurd bericht",
};

/* A whole line. */
static const char *const forward_lines[] = {
	"begin forwarded message~:", "début du message réexpédié~:",
	"anfang der weitergeleiteten nachricht~:",
	"inicio del mensaje reenviado~:", "inizio messaggio inoltrato~:",
	"início da mensagem reencaminhada~:",
};

/* Length of the blank starting at p, 0 if none. */
static size_t
blank_fwd(const unsigned char *p, size_t n)
{
	if (n >= 1 && (p[0] == ' ' || p[0] == '\t'))
		return 1;
	if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xaf)
		return 3;
	return 0;
}

/* Length of the blank ending at p + n, 0 if none. */
static size_t
blank_back(const unsigned char *p, size_t n)
{
	if (n >= 1 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		return 1;
	if (n >= 2 && p[n - 2] == 0xc2 && p[n - 1] == 0xa0)
		return 2;
	if (n >= 3 && p[n - 3] == 0xe2 && p[n - 2] == 0x80 && p[n - 1] == 0xaf)
		return 3;
	return 0;
}

static struct line
line_trim(struct line l)
{
	size_t b;

	while ((b = blank_fwd((const unsigned char *)l.p, l.len)) > 0) {
		l.p += b;
		l.len -= b;
	}
	while ((b = blank_back((const unsigned char *)l.p, l.len)) > 0)
		l.len -= b;
	return l;
}

static bool
line_blank(struct line l)
{
	return line_trim(l).len == 0;
}

/* Bytes of P matched by pattern PAT from the start, or NOMATCH. */
static size_t
match_fwd(const char *p, size_t n, const char *pat)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, b, k;

	for (; *pat != '\0'; pat++) {
		if (*pat == ' ' || *pat == '~') {
			for (k = 0; (b = blank_fwd(s + i, n - i)) > 0; k++)
				i += b;
			if (*pat == ' ' && k == 0)
				return NOMATCH;
		} else if (i < n && (unsigned char)g_ascii_tolower((char)s[i]) ==
		    (unsigned char)*pat)
			i++;
		else
			return NOMATCH;
	}
	return i;
}

/* Bytes at the end of P matched by pattern PAT, or NOMATCH. */
static size_t
match_back(const char *p, size_t n, const char *pat)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t j = strlen(pat), i = n, b, k;

	while (j-- > 0) {
		if (pat[j] == ' ' || pat[j] == '~') {
			for (k = 0; (b = blank_back(s, i)) > 0; k++)
				i -= b;
			if (pat[j] == ' ' && k == 0)
				return NOMATCH;
		} else if (i > 0 && (unsigned char)g_ascii_tolower((char)s[i - 1]) ==
		    (unsigned char)pat[j])
			i--;
		else
			return NOMATCH;
	}
	return n - i;
}

static bool
line_contains(struct line l, const char *word)
{
	size_t n = strlen(word), i;

	for (i = 0; i + n <= l.len; i++)
		if (memcmp(l.p + i, word, n) == 0)
			return true;
	return false;
}

static bool
line_has_digit(struct line l)
{
	size_t i;

	for (i = 0; i < l.len; i++)
		if (g_ascii_isdigit(l.p[i]))
			return true;
	return false;
}

/* The line at *pos; advances *pos past it.  False at the end. */
static bool
line_next(const char *text, size_t end, size_t *pos, struct line *l)
{
	const char *nl;

	if (*pos >= end)
		return false;
	l->p = text + *pos;
	nl = memchr(l->p, '\n', end - *pos);
	l->len = nl != NULL ? (size_t)(nl - l->p) : end - *pos;
	*pos += l->len + (nl != NULL);
	if (l->len > 0 && l->p[l->len - 1] == '\r')
		l->len--;
	return true;
}

static bool
line_quoted(struct line l)
{
	size_t i = 0;

	while (i < l.len && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	return i < l.len && l.p[i] == '>';
}

static int
line_header_class(struct line l)
{
	size_t i;

	l = line_trim(l);
	if (l.len > 0 && l.p[0] == '*') {
		l.p++;
		l.len--;
	}
	for (i = 0; i < G_N_ELEMENTS(header_keys); i++)
		if (match_fwd(l.p, l.len, header_keys[i].pat) != NOMATCH)
			return header_keys[i].cls;
	return HK_NONE;
}

/* "From:" at FROM followed closely by two of Sent:, To:, Subject:. */
static bool
cut_header_block(const char *text, size_t end, size_t pos, struct line from)
{
	struct line l;
	int seen = 0, n;

	if (line_header_class(from) != HK_FROM)
		return false;
	for (n = 0; n < HDR_WINDOW && line_next(text, end, &pos, &l); n++)
		seen |= line_header_class(l) & (HK_SENT | HK_TO | HK_SUBJ);
	return seen == (HK_SENT | HK_TO) || seen == (HK_SENT | HK_SUBJ) ||
	    seen == (HK_TO | HK_SUBJ) || seen == (HK_SENT | HK_TO | HK_SUBJ);
}

/* A (trimmed) and B (trimmed, its last line) make one attribution. */
static bool
attribution_match(struct line a, struct line b)
{
	size_t i;

	if (a.len > ATTR_MAX_LINE || b.len > ATTR_MAX_LINE)
		return false;
	for (i = 0; i < G_N_ELEMENTS(attributions); i++) {
		if (match_fwd(a.p, a.len, attributions[i].start) == NOMATCH)
			continue;
		if (match_back(b.p, b.len, attributions[i].end) == NOMATCH)
			continue;
		if (attributions[i].word == NULL)
			return true;
		if ((line_contains(a, attributions[i].word) ||
		    line_contains(b, attributions[i].word)) &&
		    (line_has_digit(a) || line_has_digit(b)))
			return true;
	}
	return false;
}

/* "On ... wrote:" on one line or wrapped over two. */
static bool
cut_attribution(const char *text, size_t end, size_t pos, struct line l)
{
	struct line next;

	l = line_trim(l);
	if (attribution_match(l, l))
		return true;
	if (!line_next(text, end, &pos, &next))
		return false;
	next = line_trim(next);
	return next.len > 0 && attribution_match(l, next);
}

/* "<name> wrote:" followed, after blank lines, by a ">" line. */
static bool
cut_wrote_quote(const char *text, size_t end, size_t pos, struct line l)
{
	struct line next;
	size_t i;
	int n;

	l = line_trim(l);
	if (l.len == 0 || l.len > ATTR_MAX_LINE)
		return false;
	for (i = 0; i < G_N_ELEMENTS(wrote_ends); i++)
		if (match_back(l.p, l.len, wrote_ends[i]) != NOMATCH)
			break;
	if (i == G_N_ELEMENTS(wrote_ends))
		return false;
	for (n = 0; n < WROTE_LOOKAHEAD && line_next(text, end, &pos, &next); n++)
		if (!line_blank(next))
			return line_quoted(next);
	return false;
}

static bool
line_equals(struct line l, const char *pat)
{
	return match_fwd(l.p, l.len, pat) == l.len;
}

/* "-----Original Message-----", "Begin forwarded message:", helpdesks. */
static bool
cut_separator(struct line l)
{
	struct line in;
	size_t a = 0, b = 0, i;

	l = line_trim(l);
	if (l.len == 0 || l.len > ATTR_MAX_LINE)
		return false;
	if (match_fwd(l.p, l.len, "##-") != NOMATCH ||
	    line_contains(l, "reply above this line") ||
	    line_contains(l, "Reply above this line"))
		return true;
	for (i = 0; i < G_N_ELEMENTS(forward_lines); i++)
		if (line_equals(l, forward_lines[i]))
			return true;
	while (a < l.len && l.p[a] == '-')
		a++;
	while (b < l.len - a && l.p[l.len - 1 - b] == '-')
		b++;
	if (a < 2 || b < 2)
		return false;
	in.p = l.p + a;
	in.len = l.len - a - b;
	in = line_trim(in);
	for (i = 0; i < G_N_ELEMENTS(separators); i++)
		if (in.len > 0 && line_equals(in, separators[i]))
			return true;
	return false;
}

/*
 * An attribution directly followed (after blank lines) by ">" lines
 * introduces a quote and nothing more: the ">" lines go anyway, and text
 * below them is the author's (bottom-posting, interleaved replies, as mutt
 * and many mailing-list writers do).  Such a line is dropped, not cut at.
 */
static bool
line_quote_lead_in(const char *text, size_t end, size_t pos, struct line l)
{
	struct line next;
	size_t p = pos;
	int n;

	if (!cut_attribution(text, end, pos, l) &&
	    !cut_wrote_quote(text, end, pos, l))
		return false;
	for (n = 0; n < WROTE_LOOKAHEAD + 1 && line_next(text, end, &p, &next); n++) {
		if (line_blank(next))
			continue;
		if (line_quoted(next))
			return true;
		/* a wrapped attribution: its second line, then ">" lines */
		if (n == 0 && cut_wrote_quote(text, end, p, next))
			return true;
		return false;
	}
	return false;
}

/* Does the text from line L on (POS: just after L) belong to others? */
static bool
line_cuts(const char *text, size_t end, size_t pos, struct line l)
{
	if (l.len == 3 && memcmp(l.p, "-- ", 3) == 0)
		return true;
	return cut_separator(l) || cut_attribution(text, end, pos, l) ||
	    cut_wrote_quote(text, end, pos, l) ||
	    cut_header_block(text, end, pos, l);
}

/* An Outlook rule "_____" left above a cut header block. */
static bool
line_rule(struct line l)
{
	size_t i;

	l = line_trim(l);
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
	struct line l;
	size_t pos = 0, next, start;

	while (next = pos, line_next(out->str, out->len, &next, &l) &&
	    line_blank(l))
		pos = next;
	g_string_erase(out, 0, pos);
	while (out->len > 0) {
		if (out->str[out->len - 1] == '\n')
			g_string_truncate(out, out->len - 1);
		start = out->len;
		while (start > 0 && out->str[start - 1] != '\n')
			start--;
		l.p = out->str + start;
		l.len = out->len - start;
		if (!line_blank(l) && !line_rule(l))
			break;
		g_string_truncate(out, start);
	}
	return g_string_free(out, FALSE);
}

char *
quote_cut(const char *utf8, size_t len)
{
	GString *out;
	struct line l;
	size_t pos = 0;

	out = g_string_sized_new(len < 4096 ? len + 1 : 4096);
	if (utf8 == NULL)
		len = 0;
	while (line_next(utf8, len, &pos, &l)) {
		if (line_quote_lead_in(utf8, len, pos, l))
			continue;
		if (line_cuts(utf8, len, pos, l))
			break;
		if (line_quoted(l))
			continue;
		g_string_append_len(out, l.p, (gssize)l.len);
		g_string_append_c(out, '\n');
	}
	return text_tidy(out);
}
