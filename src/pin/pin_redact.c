/*
 * pin_redact.c - every candidate out of a text, over its original bytes.
 *
 * Redaction does not work on the normalised copy extraction reads: every
 * code point of the original is decomposed (compatibility) so the digits
 * NFKC would have produced are seen, and a match replaces whole original
 * code points, so the bytes around it are delivered as they came.  A
 * candidate matches written together, as 3+3, 2+2+2 or 1x6 digits joined
 * by up to PIN_JOIN_LOOSE joiners (spaces of any kind, hyphens and
 * dashes, dots, commas, apostrophes, slashes, colons, underscores: one
 * kind between all groups); a group that is part of a longer digit run
 * ("1482913") is left alone.  Invalid UTF-8 is
 * copied byte for byte and never part of a match.
 *
 * Two passes over the text: one counts the replacements, so the result
 * is allocated once at its exact size; the other writes it.
 *
 * Security: linear work, no recursion; the walk state, which holds
 * digits, is wiped before returning.  The result holds no candidate; the
 * caller wipes the text it came from.
 *
 * Diagnostics: none; pin_redact() fails only on bad arguments.  Running
 * out of memory aborts, as any GLib allocation does.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "pin/pin_impl.h"

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
	unsigned	njoin;			/* joiners since the run */
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
		if (j != J_NONE) {
			r->after_join = true;
			r->join = j;
			r->njoin = 1;
			return;
		}
	} else if (r->after_join && j != J_NONE &&
	    r->njoin < PIN_JOIN_LOOSE) {
		r->njoin++;		/* "482 - 913", "482  913" */
		return;
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

size_t
pin_redact_count(const char *text, size_t len, const struct pin_candidates *c)
{
	struct redact r;
	size_t count;

	if (text == NULL || c == NULL || c->n == 0)
		return 0;
	redact_reset(&r, c, text);
	redact_walk(&r, text, len);
	count = r.count;
	pin_wipe(&r, sizeof r);
	return count;
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
	/* larger than memory can be: the end, as for any allocation */
	if (count > 0 && strlen(mask) > (SIZE_MAX - 1 - total) / count)
		g_error("pin_redact: %zu masks do not fit in memory", count);
	total += count * strlen(mask);
	buf = g_malloc(total + 1);
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

