/*
 * quote_int.h - what the files of the quote cutter share among themselves.
 *
 * Not a contract for anyone else: the rest of pinmilter uses quote.h.
 * The work is split by concern:
 *   quotematch.c  lines, blanks and invisible characters, and the small
 *                 patterns matched at a line's start or end, after case
 *                 folding
 *   quotelang.c   the per-language tables: Outlook header labels,
 *                 "Original Message" separators, "On ... wrote:" forms
 *   quote.c       the cutter: which line ends the author's text
 *
 * Everything here is pure: no I/O, no allocation, no global state.
 */
#ifndef PM_QUOTE_INT_H
#define PM_QUOTE_INT_H

#include <stdbool.h>
#include <stddef.h>

#define QL_MAX_LINE	512	/* longer lines are never markers */
#define QL_NOMATCH	((size_t)-1)

struct qline {
	const char *p;
	size_t len;		/* bytes, without the line end */
};

/* --- lines and patterns (quotematch.c) --- */

/*
 * The line at *pos of TEXT (END bytes); advances *pos past it and drops
 * a CR before the LF.  False at the end.
 */
bool qm_next(const char *text, size_t end, size_t *pos, struct qline *l);

/* Length of the blank or invisible character at the start / the end of
 * P (N bytes), 0 if none: space, tab, any Unicode space separator (NBSP,
 * U+202F, U+3000...) and any format character (ZWSP, ZWJ, BOM, LRM, soft
 * hyphen...). */
size_t qm_blank_fwd(const char *p, size_t n);
size_t qm_blank_back(const char *p, size_t n);

struct qline qm_trim(struct qline l);	/* blanks and invisibles off both ends */
bool qm_blank(struct qline l);		/* nothing but blanks and invisibles */

/*
 * Patterns: UTF-8, lowercase.  A letter matches its upper or lower case
 * (Unicode simple case mapping); ' ' matches one or more blanks, '~' zero
 * or more; ':' matches ':' or the full-width U+FF1A.
 * qm_match_fwd: bytes of P matched from its start, or QL_NOMATCH.
 * qm_match_back: bytes at the end of P matched, or QL_NOMATCH.
 */
size_t qm_match_fwd(const char *p, size_t n, const char *pat);
size_t qm_match_back(const char *p, size_t n, const char *pat);
bool qm_equals(struct qline l, const char *pat);	/* the whole line */
bool qm_contains(struct qline l, const char *word);	/* exact bytes */
bool qm_has_digit(struct qline l);

/* An ASCII WORD in L, ASCII letters compared in either case: a cheap
 * search for a long English phrase. */
bool qm_contains_ascii(struct qline l, const char *word);

/* L ends with ':' or U+FF1A, before trailing blanks: every attribution
 * and label does, so the cutter tests it first. */
bool qm_ends_colon(struct qline l);

/* ':' or U+FF1A within the first WITHIN bytes of L. */
bool qm_has_colon(struct qline l, size_t within);

/* Length of a dash at the start / the end of P (N bytes), 0 if none:
 * '-', '_', '=', and the Unicode dashes and box rules Outlook and the
 * webmails draw separators with (U+2010..U+2015, U+2500, U+2501). */
size_t qm_dash_fwd(const char *p, size_t n);
size_t qm_dash_back(const char *p, size_t n);

/* Characters (code points) in L, counting at most LIMIT + 1. */
size_t qm_chars(struct qline l, size_t limit);

/* Words (runs of non-blanks) in L, counting at most LIMIT + 1. */
size_t qm_words(struct qline l, size_t limit);

/* A quote mark ('>', '|', full-width '＞' or '｜') after optional blanks
 * and invisible characters. */
bool qm_quoted(struct qline l);

/* --- the language tables (quotelang.c) --- */

enum {
	QL_NONE = 0, QL_FROM = 1, QL_SENT = 2, QL_TO = 4, QL_SUBJ = 8,
};

/* The class of a header label line ("From:", "Från:", "差出人:"...; a
 * leading '*' of Gmail's plain rendering of bold is skipped). */
int ql_header_class(struct qline l);

/* The text between two runs of dashes names an original or forwarded
 * message ("Original Message", "Ursprungligt meddelande"). */
bool ql_separator_title(struct qline inner);

/* A whole line that starts a forwarded message ("Begin forwarded
 * message:" and its translations). */
bool ql_forward_line(struct qline l);

/*
 * J (trimmed, up to three lines joined by one space) is an attribution.
 * FRESH: the first line starts a paragraph (the text's start or after a
 * blank or quoted line); forms without a leading word ("<date>, <name>
 * написал(а):") are recognised only then, and need a digit.
 */
bool ql_attribution(struct qline j, bool fresh);

/* L ends like an attribution ("wrote:", "skrev:", "写道："), or with an
 * address and a colon ("<a@b>:", Gmail in Japanese or Russian): such a
 * line directly followed by quoted lines introduces a quote. */
bool ql_wrote_end(struct qline l);

#endif
