/*
 * pin.c - PIN candidates in the author's text: the entry points.
 *
 * pin_extract() normalises the text (invalid UTF-8 made valid, then NFKC,
 * so full-width digits and NBSP / thin spaces become plain; plain ASCII
 * text is already normal and is read as it is) and hands it to the scan
 * (pin_scan.c over the tokens of pin_lex.c), which adds the candidates to
 * a list of distinct values kept here.  pin_redact() is in pin_redact.c.
 * pin_impl.h says how the work is split.
 *
 * Security: the input is hostile.  Work is linear: every token is read
 * once and look-ahead is bounded.  No recursion.  Candidates are
 * secrets: every temporary copy (valid text, NFKC text, tokens, parser
 * state) is wiped before it is freed.
 *
 * Diagnostics: none; pure functions.  pin_extract() fails only on bad
 * arguments.
 */
#include <string.h>

#include <glib.h>

#include "pin/pin_impl.h"

void
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

bool
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
