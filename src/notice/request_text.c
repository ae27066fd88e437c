/*
 * request_text.c - what a verification request quotes of the request it
 * asks the user to confirm: its subject, made short and harmless.
 *
 * A user who wrote to support recently would confirm any verification
 * request blindly if it did not say which request it is about; so the
 * notice names it by its time and its subject.  The subject is the
 * sender's text, and the sender may be a forger: what is quoted must not
 * carry a link, an address, a PIN or a control that rearranges the
 * line.  So, in this order:
 * - text_clean_line (util/text.h): valid UTF-8, C0/C1 controls and
 *   U+2028/U+2029 a space, bidirectional controls U+FFFD;
 * - each word (between spaces) that is or holds a link or an address is
 *   "[...]": "://", "www.", "@", a "scheme:rest" form ("mailto:x",
 *   "hxxp:evil"; a time "10:30" and a trailing "Re:" are kept), or a
 *   dotted name ending in a label of two or more letters ("evil.example",
 *   "evil.example/login");
 * - a run of five or more digits not after "#" (a PIN, part of one; a
 *   case number "#100001" is kept) is "[...]" as well;
 * - double quotes become single ones (the templates quote the subject),
 *   white space runs one space, trimmed;
 * - at most NOTICE_SUBJECT_CHARS characters: longer, it is cut at the
 *   last space past the middle (else within the word) and ends in "...".
 * The instructions a forger may write are left as words, never as a
 * link: the template quotes them as the sender's and says what to do.
 *
 * Diagnostics: none; pure.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "util/text.h"
#include "notice/notice.h"

#define MASK	"[\xe2\x80\xa6]"	/* "[...]" with U+2026 */
#define ELLIPSIS "\xe2\x80\xa6"

/* Is the word W (LEN bytes) a link or an address? */
static bool
word_is_link(const char *w, size_t len)
{
	char *s = g_ascii_strdown(w, (gssize)len), *colon, *dot, *p, *q;
	size_t n;
	bool link = false;

	/* what surrounds a link in prose: brackets, quotes, punctuation */
	for (n = strlen(s); n > 0 && strchr(".,;:!?)]}>'\"", s[n - 1]); n--)
		s[n - 1] = '\0';
	p = s + strspn(s, "([{<'\"");
	if (strstr(p, "://") != NULL || strncmp(p, "www.", 4) == 0 ||
	    strchr(p, '@') != NULL)
		link = true;
	else if ((colon = strchr(p, ':')) != NULL && colon[1] != '\0' &&
	    strspn(colon + 1, "0123456789:") != strlen(colon + 1))
		link = true;
	else {
		/* a dotted name: the last label before any '/' all letters */
		if ((n = strcspn(p, "/?#")) > 0 && (dot = g_strrstr_len(p,
		    (gssize)n, ".")) != NULL && dot > p &&
		    (size_t)(p + n - dot - 1) >= 2) {
			link = true;
			for (q = dot + 1; q < p + n; q++)
				if (!g_ascii_isalpha(*q))
					link = false;
		}
	}
	g_free(s);
	return link;
}

/* Append W (LEN bytes) to OUT with long digit runs masked and '"' as '\''. */
static void
word_append(GString *out, const char *w, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		if (g_ascii_isdigit(w[i])) {
			for (j = i; j < len && g_ascii_isdigit(w[j]); j++)
				;
			if (j - i >= 5 && !(i > 0 && w[i - 1] == '#'))
				g_string_append(out, MASK);
			else
				g_string_append_len(out, w + i, (gssize)(j - i));
			i = j;
		} else {
			g_string_append_c(out, w[i] == '"' ? '\'' : w[i]);
			i++;
		}
	}
}

/* Cut S to NOTICE_SUBJECT_CHARS characters (the last one "..."). */
static void
cut(GString *s)
{
	const char *end, *sp;
	glong max = NOTICE_SUBJECT_CHARS - 1;

	if (g_utf8_strlen(s->str, -1) <= NOTICE_SUBJECT_CHARS)
		return;
	end = g_utf8_offset_to_pointer(s->str, max);
	for (sp = end; sp > s->str && *sp != ' '; sp--)
		;
	if (g_utf8_strlen(s->str, sp - s->str) >= max / 2)
		end = sp;
	g_string_truncate(s, (gsize)(end - s->str));
	while (s->len > 0 && s->str[s->len - 1] == ' ')
		g_string_truncate(s, s->len - 1);
	g_string_append(s, ELLIPSIS);
}

void
notice_request_subject(const char *subject, char *out, size_t size)
{
	size_t inlen = subject != NULL ? strlen(subject) : 0;
	char *clean = g_malloc(inlen * 3 + 4);
	GString *s = g_string_new(NULL);
	const char *p, *w;
	size_t n;

	text_clean_line(subject, clean, inlen * 3 + 4);
	for (p = clean; *p != '\0'; p = w + n) {
		w = p + strspn(p, " \t");
		if ((n = strcspn(w, " \t")) == 0)
			break;
		if (s->len > 0)
			g_string_append_c(s, ' ');
		if (word_is_link(w, n))
			g_string_append(s, MASK);
		else
			word_append(s, w, n);
	}
	cut(s);
	text_clean_line(s->str, out, size);	/* fits at a character */
	g_string_free(s, TRUE);
	g_free(clean);
}
