/*
 * address.c - the one parser of mail addresses (see address.h for the
 * rules and the canonical form).
 *
 * An addr-spec is read left to right: the local part (a dot-atom, or a
 * quoted-string whose text is collected without its escapes), one '@',
 * the domain (a domain name with an optional root dot, or an address literal
 * checked by inet_pton(3)); then the lengths of what was written; then
 * the canonical form is built.  An envelope path is trimmed, its angle
 * brackets and source route taken off, and the rest read as an addr-spec;
 * a From value is first reduced to the text of its angle-addr (or the
 * whole value) without comments and folding white space.  The lenient
 * reading of a recipient (address_parse_rcpt) first takes white space,
 * comments, quotes and escapes off, marking every byte that came from a
 * quote or an escape as text, then finds brackets, route and the last
 * '@' among the other bytes.
 *
 * Security notes: every input is untrusted.  Work is linear in its
 * length; every copy goes into a fixed buffer with a bound check, and a
 * value that does not fit is refused, never cut.  Only printable ASCII
 * (and the space inside quotes) can reach the canonical form, so it holds
 * no control character, line break or NUL byte.
 *
 * Diagnostics: none; the result code says why an address was refused.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/address.h"

#define SCAN_MAX	1024	/* bytes of an angle-addr kept, CFWS removed */

/* RFC 5322 atext. */
static bool
is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Is S[0..N) a dot-atom: atext runs joined by single dots? */
static bool
is_dot_atom(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
		if (s[i] != '.' && !is_atext(s[i]))
			return false;
	}
	return true;
}

static bool
is_let_dig(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/*
 * Is S[0..N) a domain name as RFC 5321 writes one: labels of letters,
 * digits and hyphens, neither starting nor ending with a hyphen, of at
 * most ADDRESS_LABEL_MAX bytes, joined by single dots?
 */
static bool
is_domain_name(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (is_let_dig(s[i]) || (s[i] == '-' && label > 0)) {
			if (++label > ADDRESS_LABEL_MAX)
				return false;
		} else
			return false;
	}
	return label > 0 && s[n - 1] != '-';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * The local part at the start of S (N bytes): its text without quotes
 * and escapes into TEXT (ADDRESS_MAX + 1 bytes), the bytes it took from
 * S into *USED.  ADDRESS_OK, ADDRESS_BAD_LOCAL, or ADDRESS_LONG when the
 * text does not fit.
 */
static enum address_rc
local_read(const char *s, size_t n, char *text, size_t *used, bool *quoted)
{
	size_t i, t = 0;
	char c;

	*quoted = n > 0 && s[0] == '"';
	if (!*quoted) {
		for (i = 0; i < n && (s[i] == '.' || is_atext(s[i])); i++)
			;
		if (!is_dot_atom(s, i))
			return ADDRESS_BAD_LOCAL;
		if (i > ADDRESS_MAX)
			return ADDRESS_LONG;
		memcpy(text, s, i);
		text[i] = '\0';
		*used = i;
		return ADDRESS_OK;
	}
	for (i = 1; i < n && s[i] != '"'; i++) {
		if (s[i] == '\\' && ++i == n)
			return ADDRESS_BAD_LOCAL;
		c = s[i];
		if (c < 0x20 || c > 0x7e)
			return ADDRESS_BAD_LOCAL;
		if (t == ADDRESS_MAX)
			return ADDRESS_LONG;
		text[t++] = c;
	}
	if (i == n)
		return ADDRESS_BAD_LOCAL;	/* no closing quote */
	text[t] = '\0';
	*used = i + 1;
	return ADDRESS_OK;
}

/* TEXT as a canonical local part into OUT (ADDRESS_MAX + 1 bytes). */
static bool
local_canonical(const char *text, char *out, bool *quoted)
{
	size_t i, o = 0, n = strlen(text);

	*quoted = !is_dot_atom(text, n);
	if (!*quoted) {
		memcpy(out, text, n + 1);
		return true;
	}
	out[o++] = '"';
	for (i = 0; i < n; i++) {
		if (o + 4 > ADDRESS_MAX + 1)	/* 2 bytes, '"', NUL */
			return false;
		if (text[i] == '"' || text[i] == '\\')
			out[o++] = '\\';
		out[o++] = text[i];
	}
	out[o++] = '"';
	out[o] = '\0';
	return true;
}

/* A general address literal "tag:text": Ldh-str ':' 1*dcontent. */
static bool
literal_general(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t i, tn;

	if (colon == NULL || colon == s || (size_t)(colon - s) + 1 == n)
		return false;
	tn = (size_t)(colon - s);
	if (s[0] == '-' || s[tn - 1] == '-')
		return false;
	for (i = 0; i < tn; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return false;
	for (i = tn + 1; i < n; i++)
		if (s[i] < 33 || s[i] > 126 || (s[i] >= 91 && s[i] <= 93))
			return false;
	return true;
}

/* The inside of "[...]" (N bytes at S) as a canonical literal into OUT. */
static bool
literal_read(const char *s, size_t n, char *out, size_t outsize)
{
	unsigned char bin[16];
	char text[ADDRESS_DOMAIN_MAX + 1], num[INET6_ADDRSTRLEN];
	size_t i;

	if (n == 0 || n >= sizeof(text))
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	if (n > 5 && strncasecmp(text, "IPv6:", 5) == 0) {
		if (inet_pton(AF_INET6, text + 5, bin) != 1 ||
		    inet_ntop(AF_INET6, bin, num, sizeof(num)) == NULL)
			return false;
		return snprintf(out, outsize, "[IPv6:%s]", num) <
		    (int)outsize;
	}
	if (inet_pton(AF_INET, text, bin) == 1) {
		if (inet_ntop(AF_INET, bin, num, sizeof(num)) == NULL)
			return false;
		return snprintf(out, outsize, "[%s]", num) < (int)outsize;
	}
	if (strncasecmp(text, "IPv6:", 5) == 0 || !literal_general(s, n))
		return false;
	out[0] = '[';
	for (i = 0; i < n; i++)
		out[i + 1] = lower(s[i]);
	out[n + 1] = ']';
	out[n + 2] = '\0';
	return true;
}

/*
 * The domain S (N bytes, at most ADDRESS_DOMAIN_MAX) canonical into OUT
 * (ADDRESS_DOMAIN_MAX + 1 bytes); *LITERAL says which form it was.
 */
static bool
domain_read(const char *s, size_t n, char *out, bool *literal)
{
	size_t i;

	*literal = n >= 2 && s[0] == '[' && s[n - 1] == ']';
	if (*literal)
		return literal_read(s + 1, n - 2, out, ADDRESS_DOMAIN_MAX + 1);
	if (n >= 2 && s[n - 1] == '.')
		n--;			/* the root */
	if (!is_domain_name(s, n))
		return false;
	for (i = 0; i < n; i++)
		out[i] = lower(s[i]);
	out[n] = '\0';
	return true;
}

/* An addr-spec of exactly N bytes at S. */
static enum address_rc
spec_parse(const char *s, size_t n, unsigned flags, struct address *a)
{
	char text[ADDRESS_MAX + 1];
	enum address_rc rc;
	size_t used = 0, dn;
	bool quoted;

	if (n == 0)
		return ADDRESS_NULL;
	if ((rc = local_read(s, n, text, &used, &quoted)) != ADDRESS_OK)
		return rc == ADDRESS_LONG && !(flags & ADDRESS_LONG_LOCAL) ?
		    ADDRESS_LOCAL_LONG : rc;
	if (used < n && s[used] != '@')
		return ADDRESS_BAD_LOCAL;
	if (used == n && !(flags & ADDRESS_LOCAL_ONLY))
		return ADDRESS_NO_DOMAIN;
	dn = used < n ? n - used - 1 : 0;
	if (dn > ADDRESS_DOMAIN_MAX)
		return ADDRESS_DOMAIN_LONG;
	if (used < n && !domain_read(s + used + 1, dn, a->domain, &a->literal))
		return ADDRESS_BAD_DOMAIN;
	if (used > ADDRESS_LOCAL_MAX && !(flags & ADDRESS_LONG_LOCAL))
		return ADDRESS_LOCAL_LONG;
	if (n > ADDRESS_MAX)
		return ADDRESS_LONG;
	if (!local_canonical(text, a->local, &a->quoted))
		return ADDRESS_LONG;	/* cannot happen: never longer */
	memcpy(a->text, text, strlen(text) + 1);
	if (snprintf(a->addr, sizeof(a->addr), "%s%s%s", a->local,
	    used < n ? "@" : "", a->domain) >= (int)sizeof(a->addr))
		return ADDRESS_LONG;
	if ((flags & ADDRESS_PLAIN) && (a->quoted || a->literal))
		return ADDRESS_NOT_PLAIN;
	return ADDRESS_OK;
}

/* Clear OUT, run spec_parse, clear OUT again unless it succeeded. */
static enum address_rc
spec_parse_into(const char *s, size_t n, unsigned flags,
    struct address *out)
{
	enum address_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = spec_parse(s, n, flags, out)) != ADDRESS_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/*
 * The inside of angle brackets (N bytes at S): an optional source route
 * "@a.example,@b.example:" and an addr-spec.
 */
static enum address_rc
route_parse(const char *s, size_t n, unsigned flags, struct address *out)
{
	char dom[ADDRESS_DOMAIN_MAX + 1];
	size_t i = 0, j;
	bool lit;

	if (n == 0) {
		memset(out, 0, sizeof(*out));
		return ADDRESS_NULL;
	}
	while (s[0] == '@') {
		for (j = i = 1; j < n && s[j] != ',' && s[j] != ':'; j++)
			if (s[j] == '[')	/* [IPv6:...] holds colons */
				while (j + 1 < n && s[j] != ']')
					j++;
		if (j == n || j - i > ADDRESS_DOMAIN_MAX ||
		    !domain_read(s + i, j - i, dom, &lit)) {
			memset(out, 0, sizeof(*out));
			return ADDRESS_BAD_PATH;
		}
		s += j + 1;
		n -= j + 1;
		if (n > 0 && s[-1] == ':')
			break;
		if (n == 0 || s[0] != '@') {
			memset(out, 0, sizeof(*out));
			return ADDRESS_BAD_PATH;
		}
	}
	return spec_parse_into(s, n, flags, out);
}

enum address_rc
address_parse(const char *s, unsigned flags, struct address *out)
{
	return spec_parse_into(s, strlen(s), flags, out);
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum address_rc
address_parse_path(const char *s, unsigned flags, struct address *out)
{
	size_t n;

	while (is_wsp(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_wsp(s[n - 1]))
		n--;
	if (n > 0 && s[0] == '<') {
		if (n < 2 || s[n - 1] != '>') {
			memset(out, 0, sizeof(*out));
			return ADDRESS_BAD_PATH;
		}
		return route_parse(s + 1, n - 2, flags, out);
	}
	if (n > 0 && s[n - 1] == '>') {
		memset(out, 0, sizeof(*out));
		return ADDRESS_BAD_PATH;
	}
	return spec_parse_into(s, n, flags, out);
}

/*
 * The lenient reading of an envelope recipient (address_parse_rcpt): the
 * bytes that remain once white space, comments, quotes and escapes are
 * taken off, each marked "lit" when it came from inside quotes or after a
 * backslash (so it is text, never syntax: a quoted '@' separates nothing).
 */
struct rcpt {
	char c[SCAN_MAX];
	bool lit[SCAN_MAX];
	size_t n;
	bool over;
};

static void
rcpt_keep(struct rcpt *r, char c, bool lit)
{
	if (r->n == sizeof(r->c)) {
		r->over = true;
		return;
	}
	r->c[r->n] = c;
	r->lit[r->n++] = lit;
}

/* Cook S into R; ADDRESS_OK, or ADDRESS_BAD_PATH for an unclosed quote,
 * comment or escape, or a control character. */
static enum address_rc
rcpt_cook(const char *s, struct rcpt *r)
{
	int depth = 0;
	bool quoted = false;

	for (; *s != '\0'; s++) {
		unsigned char u = (unsigned char)*s;

		if ((u < 0x20 && u != '\t') || u > 0x7e)
			return ADDRESS_BAD_PATH;
		if (*s == '\\') {
			u = (unsigned char)*++s;
			if (u < 0x20 || u > 0x7e)	/* NUL, a control, 8-bit */
				return ADDRESS_BAD_PATH;
			if (depth == 0)
				rcpt_keep(r, *s, true);
		} else if (depth > 0)
			depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
		else if (*s == '"')
			quoted = !quoted;
		else if (quoted && *s == '\t')
			return ADDRESS_BAD_PATH;
		else if (quoted)
			rcpt_keep(r, *s, true);
		else if (*s == '(')
			depth = 1;
		else if (*s != ' ' && *s != '\t')
			rcpt_keep(r, *s, false);
	}
	return quoted || depth > 0 ? ADDRESS_BAD_PATH : ADDRESS_OK;
}

/* Is R's byte I the syntax character C (not text)? */
static bool
rcpt_is(const struct rcpt *r, size_t i, char c)
{
	return !r->lit[i] && r->c[i] == c;
}

/* The local part R[0..AT) and the domain R(AT..END) into OUT. */
static enum address_rc
rcpt_split(const struct rcpt *r, size_t start, size_t at, size_t end,
    unsigned flags, struct address *out)
{
	char text[ADDRESS_MAX + 1], dom[ADDRESS_DOMAIN_MAX + 1];
	size_t i, ln = at - start, dn = end > at ? end - at - 1 : 0;

	for (i = start; i < at; i++)
		if (!r->lit[i] && r->c[i] != '.' && !is_atext(r->c[i]))
			return ADDRESS_BAD_LOCAL;
	if (ln > ADDRESS_MAX)
		return ADDRESS_LONG;
	if (ln > ADDRESS_LOCAL_MAX && !(flags & ADDRESS_LONG_LOCAL))
		return ADDRESS_LOCAL_LONG;
	memcpy(text, r->c + start, ln);
	text[ln] = '\0';
	if (at == end) {
		if (!(flags & ADDRESS_LOCAL_ONLY))
			return ADDRESS_NO_DOMAIN;
	} else {
		for (i = at + 1; i < end; i++)
			if (r->lit[i])
				return ADDRESS_BAD_DOMAIN;
		if (dn > ADDRESS_DOMAIN_MAX)
			return ADDRESS_DOMAIN_LONG;
		if (!domain_read(r->c + at + 1, dn, dom, &out->literal))
			return ADDRESS_BAD_DOMAIN;
		memcpy(out->domain, dom, strlen(dom) + 1);
	}
	if (!local_canonical(text, out->local, &out->quoted) ||
	    snprintf(out->addr, sizeof(out->addr), "%s%s%s", out->local,
	    at < end ? "@" : "", out->domain) >= (int)sizeof(out->addr))
		return ADDRESS_LONG;
	memcpy(out->text, text, ln + 1);
	if ((flags & ADDRESS_PLAIN) && (out->quoted || out->literal))
		return ADDRESS_NOT_PLAIN;
	return ADDRESS_OK;
}

/* The cooked recipient R: brackets, source route, then local@domain. */
static enum address_rc
rcpt_parse(const struct rcpt *r, unsigned flags, struct address *out)
{
	size_t i, start = 0, end = r->n, at;

	if (end > 0 && rcpt_is(r, 0, '<')) {
		if (end < 2 || !rcpt_is(r, end - 1, '>'))
			return ADDRESS_BAD_PATH;
		start++;
		end--;
	}
	for (i = start; i < end; i++)
		if (rcpt_is(r, i, '<') || rcpt_is(r, i, '>'))
			return ADDRESS_BAD_PATH;
	if (start < end && rcpt_is(r, start, '@')) {	/* a source route */
		bool lit = false;	/* [IPv6:...] holds colons */

		for (i = start; i < end && (lit || !rcpt_is(r, i, ':')); i++)
			if (rcpt_is(r, i, '[') || rcpt_is(r, i, ']'))
				lit = rcpt_is(r, i, '[');
		if (i == end)
			return ADDRESS_BAD_PATH;
		start = i + 1;
	}
	if (start == end)
		return ADDRESS_NULL;
	for (at = end, i = start; i < end; i++)
		if (rcpt_is(r, i, '@'))
			at = i;
	if (at == start)
		return ADDRESS_BAD_LOCAL;
	return rcpt_split(r, start, at, end, flags, out);
}

enum address_rc
address_parse_rcpt(const char *s, unsigned flags, struct address *out)
{
	struct rcpt r;
	enum address_rc rc;

	memset(out, 0, sizeof(*out));
	r.n = 0;
	r.over = false;
	if ((rc = rcpt_cook(s, &r)) == ADDRESS_OK)
		rc = r.over ? ADDRESS_LONG : rcpt_parse(&r, flags, out);
	if (rc != ADDRESS_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* The reading of a From value: where we are and what was kept. */
struct scan {
	char buf[SCAN_MAX];
	size_t n;
	int depth;		/* comment nesting */
	bool quoted;		/* inside a quoted string */
	bool space;		/* white space or a comment since the last byte */
	bool joined;		/* two words were joined over white space */
	bool over;		/* buf overflowed */
	int angle;		/* 0 before '<', 1 inside, 2 after '>' */
	bool bad;
};

/* Keep C; note when it joins two words that white space separated. */
static void
scan_keep(struct scan *sc, char c)
{
	if (sc->space && sc->n > 0 && !sc->quoted &&
	    strchr(".@:,[", sc->buf[sc->n - 1]) == NULL &&
	    strchr(".@:,]", c) == NULL)
		sc->joined = true;
	sc->space = false;
	if (sc->angle == 2)
		sc->bad = true;		/* text after the '>' */
	else if (sc->n + 1 >= sizeof(sc->buf))
		sc->over = true;
	else
		sc->buf[sc->n++] = c;
}

/* One byte of a From value outside quotes and comments. */
static void
scan_plain(struct scan *sc, const char *p)
{
	if (is_wsp(*p))
		sc->space = true;
	else if (*p == '(') {
		sc->depth = 1;
		sc->space = true;
	} else if (*p == '<') {
		if (sc->angle != 0)
			sc->bad = true;
		sc->angle = 1;
		sc->n = 0;
		sc->over = sc->joined = sc->space = false;
	} else if (*p == '>') {
		if (sc->angle != 1)
			sc->bad = true;
		sc->angle = 2;
	} else {
		scan_keep(sc, *p);
		if (*p == '"')
			sc->quoted = true;
	}
}

/* Reduce VALUE into SC: CFWS dropped, the display name forgotten. */
static void
scan_value(const char *value, struct scan *sc)
{
	const char *p;

	for (p = value; *p != '\0' && !sc->bad; p++) {
		if (sc->depth > 0) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				sc->depth++;
			else if (*p == ')')
				sc->depth--;
		} else if (sc->quoted) {
			if (*p == '\r' || *p == '\n')
				continue;	/* unfold */
			if (*p == '"')
				sc->quoted = false;
			else if (*p == '\\' && p[1] != '\0')
				scan_keep(sc, *p++);
			scan_keep(sc, *p);
		} else
			scan_plain(sc, p);
	}
}

enum address_rc
address_parse_mailbox(const char *value, unsigned flags, struct address *out)
{
	struct scan sc;

	memset(&sc, 0, sizeof(sc));
	memset(out, 0, sizeof(*out));
	scan_value(value, &sc);
	if (sc.bad || sc.quoted || sc.depth > 0 || sc.angle == 1 ||
	    sc.joined)
		return ADDRESS_BAD_PATH;
	if (sc.over)
		return ADDRESS_LONG;
	if (sc.angle == 2)
		return route_parse(sc.buf, sc.n, flags, out);
	return spec_parse_into(sc.buf, sc.n, flags, out);
}

bool
address_valid(const char *s)
{
	struct address a;

	return address_parse(s, 0, &a) == ADDRESS_OK;
}

bool
address_equal(const char *a, const char *b)
{
	struct address x, y;

	return address_parse(a, 0, &x) == ADDRESS_OK &&
	    address_parse(b, 0, &y) == ADDRESS_OK &&
	    strcmp(x.addr, y.addr) == 0;
}

const char *
address_rc_reason(enum address_rc rc)
{
	switch (rc) {
	case ADDRESS_OK:
		return "a valid address";
	case ADDRESS_NULL:
		return "an empty address";
	case ADDRESS_NO_DOMAIN:
		return "no @domain";
	case ADDRESS_BAD_LOCAL:
		return "the local part is neither a dot-atom nor a quoted string";
	case ADDRESS_BAD_DOMAIN:
		return "the domain is neither a domain name nor an address literal";
	case ADDRESS_LOCAL_LONG:
		return "the local part is longer than 64 bytes";
	case ADDRESS_DOMAIN_LONG:
		return "the domain is longer than 255 bytes";
	case ADDRESS_LONG:
		return "longer than 254 bytes";
	case ADDRESS_NOT_PLAIN:
		return "a local part that needs quotes, or an address literal, "
		    "is not supported here";
	case ADDRESS_BAD_PATH:
	default:
		return "not one address, or odd text around it";
	}
}
