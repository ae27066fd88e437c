/*
 * intent_split.c - sentences and words of a support message, for the
 * intent classifier (intent.h says where a sentence ends).
 *
 * Sentences are found on the original text (case and the length of lines
 * matter there), then each one is folded (util/fold.h) and cut into
 * words: runs of letters and digits.  Apostrophes and hyphens separate
 * words ("I'd" is "i" "d", "pourriez-vous" is "pourriez" "vous"); commas,
 * colons, brackets, quotes and dashes also start a clause.
 *
 * Security notes: the text is untrusted and may hold a PIN.  Every scan
 * is bounded by INTENT_MAX_SCAN bytes and INTENT_MAX_SENTENCES; folded
 * copies are wiped when a sentence is released.  Work is linear.
 * Diagnostics: none.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "case/intent_int.h"
#include "util/fold.h"

#define SHORT_LINE	50	/* bytes: a line break after it ends a sentence */

struct isplit {
	const char *text;
	size_t len, pos;
	unsigned count;
};

/* Words after which a period does not end the sentence (folded, no dot). */
static const char *const abbreviations[] = {
	"e.g", "i.e", "eg", "ie", "etc", "mr", "mrs", "ms", "dr", "st", "no",
	"nr", "nos", "ext", "tel", "approx", "vs", "inc", "ltd", "co",
	"jr", "sr", "cf", "mme", "mlle", "mm", "av", "bd", "fig", "min",
	"max", "dept", "ref", "p.ex", "ex", "env", "cie", "prof",
	"att", "attn", "pp", "ca", "corp", "vol", "art",
	NULL
};

struct isplit *
isplit_new(const char *text, size_t len)
{
	struct isplit *sp = g_new0(struct isplit, 1);

	sp->text = text != NULL ? text : "";
	sp->len = text != NULL ? (len > INTENT_MAX_SCAN ? INTENT_MAX_SCAN : len) :
	    0;
	return sp;
}

void
isplit_free(struct isplit *sp)
{
	g_free(sp);
}

/* Does the period at T[I] follow an abbreviation or an initial? */
static bool
after_abbreviation(const char *t, size_t start, size_t i)
{
	char word[8];
	size_t b = i, n, k;

	while (b > start && (isalpha((unsigned char)t[b - 1]) ||
	    (t[b - 1] == '.' && b - 1 > start &&
	    isalpha((unsigned char)t[b - 2]))))
		b--;
	n = i - b;
	if (n == 0)
		return false;
	if (n == 1)
		return true;		/* an initial: "J. Smith" */
	if (n >= sizeof(word))
		return false;
	for (k = 0; k < n; k++)
		word[k] = (char)tolower((unsigned char)t[b + k]);
	word[n] = '\0';
	for (k = 0; abbreviations[k] != NULL; k++)
		if (strcmp(word, abbreviations[k]) == 0)
			return true;
	return false;
}

/* A list item at P: "-", "*", "+", a bullet, or "1." / "1)" then a space. */
static bool
bullet_at(const char *p, const char *end)
{
	size_t d;

	if (p < end && (*p == '-' || *p == '*' || *p == '+'))
		return true;
	if (end - p >= 3 && memcmp(p, "\xe2\x80\xa2", 3) == 0)
		return true;
	for (d = 0; p + d < end && isdigit((unsigned char)p[d]) && d < 3; d++)
		;
	return d > 0 && p + d + 1 < end && (p[d] == '.' || p[d] == ')') &&
	    (p[d + 1] == ' ' || p[d + 1] == '\t');
}

/* Does the line break at T[I] end the sentence?  LINE: where its line starts. */
static bool
break_ends(const char *t, size_t len, size_t line, size_t i)
{
	size_t j = i + 1, n = i - line;

	while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r'))
		j++;
	if (j >= len || t[j] == '\n')
		return true;		/* a blank line */
	while (n > 0 && isspace((unsigned char)t[line + n - 1]))
		n--;
	if (n < SHORT_LINE)
		return true;		/* a greeting, a name, a short item */
	return bullet_at(t + j, t + len);
}

/* The end of the sentence starting at START; *question when a '?' ends it. */
static size_t
sentence_end(const char *t, size_t len, size_t start, bool *question)
{
	size_t i, line = start;

	*question = false;
	for (i = start; i < len; i++) {
		char c = t[i];

		if (c == '?' || c == '!' || c == ';') {
			for (; i < len && strchr("?!.;", t[i]) != NULL; i++)
				if (t[i] == '?')
					*question = true;
			return i;
		}
		if (c == '.' && (i + 1 >= len || isspace((unsigned char)t[i + 1]) ||
		    strchr("\")]'", t[i + 1]) != NULL) &&
		    !after_abbreviation(t, start, i))
			return i + 1;
		if (c == '\n') {
			if (break_ends(t, len, line, i))
				return i + 1;
			line = i + 1;
		}
	}
	return len;
}

/* Is U a character that starts a clause? */
static bool
clause_mark(gunichar u)
{
	switch (u) {
	case ',': case ':': case '(': case ')': case '"': case '[': case ']':
	case 0xab: case 0xbb:			/* guillemets */
	case 0x201c: case 0x201d:		/* curly double quotes */
	case 0x2013: case 0x2014:		/* en and em dash */
		return true;
	default:
		return false;
	}
}

/* Cut the folded text F (owned by S) into words. */
static void
isent_words(struct isent *s, char *f)
{
	GPtrArray *w = g_ptr_array_new();
	GByteArray *brk = g_byte_array_new();
	char *p = f, *next, *start = NULL;
	guint8 pending = 1, dash = 0;
	gunichar u;

	for (; *p != '\0'; p = next) {
		next = g_utf8_next_char(p);
		u = g_utf8_get_char(p);
		if (g_unichar_isalnum(u)) {
			if (start == NULL) {
				start = p;
				g_byte_array_append(brk, &pending, 1);
				pending = 0;
			}
			dash = 0;
			continue;
		}
		if (start != NULL)
			g_ptr_array_add(w, start);
		start = NULL;
		if (clause_mark(u) || (u == '-' && dash))
			pending = 1;
		dash = u == ' ' || u == '\t' || u == '\n';
		memset(p, '\0', (size_t)(next - p));
	}
	if (start != NULL)
		g_ptr_array_add(w, start);
	s->buf = f;
	s->size = (size_t)(p - f);
	s->n = w->len;
	s->w = (const char **)g_ptr_array_free(w, FALSE);
	s->brk = g_byte_array_free(brk, FALSE);
}

bool
isplit_next(struct isplit *sp, struct isent *s)
{
	size_t a, b;
	bool q;

	memset(s, 0, sizeof(*s));
	while (sp->pos < sp->len && sp->count < INTENT_MAX_SENTENCES) {
		a = sp->pos;
		while (a < sp->len && isspace((unsigned char)sp->text[a]))
			a++;
		if (a >= sp->len)
			break;
		b = sentence_end(sp->text, sp->len, a, &q);
		sp->pos = b > a ? b : a + 1;
		sp->count++;
		isent_words(s, fold_text(sp->text + a, b - a));
		s->question = q;
		if (s->n > 0)
			return true;
		isent_clear(s);
	}
	return false;
}

/* Reply and forward prefixes of subjects, folded, without the colon. */
static const char *const reply_prefixes[] = {
	"re", "aw", "sv", "vs", "wg", "fw", "fwd", "tr", "rif", "rv", "ref",
	"antw", "odp", NULL
};

bool
isent_subject(const char *subject, size_t len, struct isent *s)
{
	const char *p = subject, *end;
	size_t n, k;

	memset(s, 0, sizeof(*s));
	if (subject == NULL)
		return false;
	if (len > INTENT_MAX_SUBJECT)
		len = INTENT_MAX_SUBJECT;
	end = subject + len;
	while (p < end && isspace((unsigned char)*p))
		p++;
	for (n = 0; p + n < end && (isalpha((unsigned char)p[n]) ||
	    (unsigned char)p[n] >= 0x80) && n < 6; n++)
		;
	if (n > 0 && p + n < end && (p[n] == ':' || (p[n] == ' ' &&
	    p + n + 1 < end && p[n + 1] == ':'))) {
		for (k = 0; reply_prefixes[k] != NULL; k++)
			if (strlen(reply_prefixes[k]) == n &&
			    strncasecmp(p, reply_prefixes[k], n) == 0)
				return false;
	}
	isent_words(s, fold_text(subject, len));
	if (s->n == 0) {
		isent_clear(s);
		return false;
	}
	s->question = memchr(subject, '?', len) != NULL;
	return true;
}

void
isent_clear(struct isent *s)
{
	if (s->buf != NULL) {
		explicit_bzero(s->buf, s->size);
		g_free(s->buf);
	}
	g_free(s->w);
	g_free(s->brk);
	memset(s, 0, sizeof(*s));
}

size_t
isent_clause_start(const struct isent *s, size_t i)
{
	while (i > 0 && !s->brk[i])
		i--;
	return i;
}
