/*
 * hdrlist.c - header fields in order, with milter-style edits.
 *
 * Security notes: header names and values come from the network; every
 * copy is bounded by HDRLIST_MAX_BYTES in total and HDRLIST_MAX_FIELDS
 * fields, so a message with a million headers costs bounded memory.
 * Nothing here interprets values.
 *
 * Diagnostics: none.  Memory comes from GLib: running out of it aborts.
 */
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "mail/hdrlist.h"

void
hdrlist_init(struct hdrlist *hl)
{
	memset(hl, 0, sizeof(*hl));
}

void
hdrlist_clear(struct hdrlist *hl)
{
	size_t i;

	for (i = 0; i < hl->n; i++) {
		g_free(hl->v[i].name);
		g_free(hl->v[i].value);
	}
	g_free(hl->v);
	hdrlist_init(hl);
}

/* The N bytes at S, NUL-terminated. */
static char *
dup_n(const char *s, size_t n)
{
	char *p = g_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
hdrlist_init_unbounded(struct hdrlist *hl)
{
	hdrlist_init(hl);
	hl->unbounded = true;
}

bool
hdrlist_name_protected(const char *name)
{
	return strncasecmp(name, "X-Support-", 10) == 0 ||
	    strcasecmp(name, "Authentication-Results") == 0;
}

void
hdrlist_set_keep(struct hdrlist *hl, hdrlist_keep_fn keep, const void *ctx)
{
	hl->keep = keep;
	hl->keep_ctx = ctx;
}

bool
hdrlist_unsafe_keep(const struct hdrlist *hl)
{
	return hl->unsafe_keep;
}

void
hdrlist_insert(struct hdrlist *hl, size_t pos, const char *name,
    const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	bool extra = false;
	struct hdr h;

	if (!hl->unbounded && (hl->n >= HDRLIST_MAX_FIELDS ||
	    hl->bytes + nl + vl > HDRLIST_MAX_BYTES)) {
		bool ours = hdrlist_name_protected(name);

		hl->truncated = true;
		if (!ours && (hl->keep == NULL || !hl->keep(hl->keep_ctx, name)))
			return;
		if (hl->protected_extra >= HDRLIST_MAX_PROTECTED ||
		    nl > HDRLIST_PROTECTED_VALUE) {
			if (ours)
				hl->unsafe = true;
			else
				hl->unsafe_keep = true;
			return;
		}
		extra = true;		/* kept, so that it can be deleted */
		if (vl > HDRLIST_PROTECTED_VALUE)
			vl = HDRLIST_PROTECTED_VALUE;
	}
	if (hl->n == hl->cap) {
		hl->cap = hl->cap ? hl->cap * 2 : 32;
		hl->v = g_renew(struct hdr, hl->v, hl->cap);
	}
	h.name = dup_n(name, nl);
	h.value = dup_n(value, vl);
	if (pos > hl->n)
		pos = hl->n;
	memmove(hl->v + pos + 1, hl->v + pos, (hl->n - pos) * sizeof(*hl->v));
	h.extra = extra;
	hl->v[pos] = h;
	hl->n++;
	if (extra)
		hl->protected_extra++;
	else
		hl->bytes += nl + vl;
}

void
hdrlist_add(struct hdrlist *hl, const char *name, const char *value)
{
	hdrlist_insert(hl, hl->n, name, value);
}

/* Index into v of the nth field called name, or -1. */
static long
hdrlist_find(const struct hdrlist *hl, const char *name, size_t nth)
{
	size_t i, seen = 0;

	for (i = 0; i < hl->n; i++)
		if (strcasecmp(hl->v[i].name, name) == 0 && ++seen == nth)
			return (long)i;
	return -1;
}

const char *
hdrlist_get(const struct hdrlist *hl, const char *name, size_t nth)
{
	long i = hdrlist_find(hl, name, nth);

	return i < 0 ? NULL : hl->v[i].value;
}

size_t
hdrlist_count(const struct hdrlist *hl, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < hl->n; i++)
		if (strcasecmp(hl->v[i].name, name) == 0)
			n++;
	return n;
}

int
hdrlist_change(struct hdrlist *hl, const char *name, size_t nth,
    const char *value)
{
	long i = hdrlist_find(hl, name, nth);
	char *nv;

	if (i < 0)
		return -1;
	if (value == NULL) {
		if (hl->v[i].extra)
			hl->protected_extra--;
		else
			hl->bytes -= strlen(hl->v[i].name) + strlen(hl->v[i].value);
		g_free(hl->v[i].name);
		g_free(hl->v[i].value);
		memmove(hl->v + i, hl->v + i + 1,
		    (hl->n - (size_t)i - 1) * sizeof(*hl->v));
		hl->n--;
		return 0;
	}
	nv = g_strdup(value);
	if (!hl->v[i].extra)
		hl->bytes = hl->bytes - strlen(hl->v[i].value) + strlen(nv);
	g_free(hl->v[i].value);
	hl->v[i].value = nv;
	return 0;
}

bool
hdrlist_truncated(const struct hdrlist *hl)
{
	return hl->truncated;
}

bool
hdrlist_unsafe(const struct hdrlist *hl)
{
	return hl->unsafe;
}

/* Length of the line at p (without its LF/CRLF) and of its terminator. */
static size_t
line_len(const char *p, size_t left, size_t *eol)
{
	const char *nl = memchr(p, '\n', left);
	size_t n = nl ? (size_t)(nl - p) : left;

	*eol = nl ? 1 : 0;
	if (n > 0 && p[n - 1] == '\r') {
		n--;
		(*eol)++;
	}
	return n;
}

/*
 * A field name as the MTA recognises one: printable ASCII except ':' and
 * space, then optional spaces or tabs (RFC 822's obsolete "From :"), then
 * ':'.  The name's length (0: not a field), the colon's offset in *COLON.
 */
static size_t
field_name_len(const char *p, size_t n, size_t *colon)
{
	size_t i, name = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ':') {
			*colon = i;
			return name;
		}
		if ((c == ' ' || c == '\t') && name > 0)
			continue;
		if (c <= 32 || c >= 127 || name < i)
			return 0;
		name++;
	}
	return 0;
}

void
hdrlist_parse(struct hdrlist *hl, const char *buf, size_t len,
    size_t *body_offset)
{
	size_t off = 0;
	char *name = NULL, *value = NULL;
	size_t vlen = 0;

	while (off < len) {
		size_t eol, n = line_len(buf + off, len - off, &eol);
		const char *line = buf + off;
		size_t nl, colon = 0;

		if (n == 0) {			/* the empty line */
			off += eol;
			break;
		}
		if ((line[0] == ' ' || line[0] == '\t') && name != NULL) {
			value = g_realloc(value, vlen + 1 + n + 1);
			value[vlen++] = '\n';
			memcpy(value + vlen, line, n);
			vlen += n;
			value[vlen] = '\0';
			off += n + eol;
			continue;
		}
		if ((nl = field_name_len(line, n, &colon)) == 0)
			break;			/* not a header: body starts */
		if (name != NULL)
			hdrlist_add(hl, name, value);
		g_free(name);
		g_free(value);
		name = dup_n(line, nl);
		nl = colon + 1;
		if (nl < n && line[nl] == ' ')	/* as the MTA strips it */
			nl++;
		value = dup_n(line + nl, n - nl);
		vlen = n - nl;
		off += n + eol;
	}
	if (name != NULL)
		hdrlist_add(hl, name, value);
	g_free(name);
	g_free(value);
	*body_offset = off;
}

int
hdrlist_write(const struct hdrlist *hl, FILE *fp)
{
	size_t i;

	for (i = 0; i < hl->n; i++)
		if (fprintf(fp, "%s: %s\n", hl->v[i].name, hl->v[i].value) < 0)
			return -1;
	return 0;
}
