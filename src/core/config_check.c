/*
 * config_check.c - checks of the text values of pinmilter.conf: paths,
 * the milter socket, authserv-ids, addresses, users, the Mailer command,
 * syslog facilities, the case tag and pattern, keywords, host:port and
 * language tags.
 *
 * Security: the file is trusted (root writes it) but checked as if it
 * were not.  Paths must be absolute; the Mailer program must be an
 * absolute path (it is run without a shell and without a PATH search).
 * Addresses go through the one address parser (util/address.c); the
 * syslog facilities are the ones util/log.c can open.  The file holds no
 * secrets, so values may appear in error text; they are made printable
 * first (cfg_show).
 *
 * Diagnostics: each check returns 0, or -1 with one reason in WHY.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "core/config_keys.h"
#include "util/address.h"
#include "util/log.h"

void
cfg_why_set(struct cfg_why *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why->text, sizeof(why->text), fmt, ap);
	va_end(ap);
}

/* Copy S into OUT (size CFG_SHOW_MAX + 4) printable, cut with "...". */
const char *
cfg_show(const char *s, char *out, size_t outsize)
{
	size_t i, n = 0;

	for (i = 0; s[i] != '\0' && n + 4 < outsize; i++)
		out[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i] != '\0' && n + 4 <= outsize) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}



int
cfg_check_path(const char *v, struct cfg_why *why)
{
	SHOWBUF;

	if (v[0] != '/') {
		cfg_why_set(why, "\"%s\" is not an absolute path", SHOW(v));
		return -1;
	}
	if (strlen(v) >= PATH_MAX) {
		cfg_why_set(why, "path is longer than %d bytes", PATH_MAX - 1);
		return -1;
	}
	return 0;
}

/*
 * Does the libpq URI V carry a password: "user:password@" before the
 * host, or a password= parameter?
 */
static bool
cfg_uri_has_password(const char *v)
{
	const char *p = strstr(v, "://") + 3, *q;
	size_t n = strcspn(p, "/?#");
	const char *at = memchr(p, '@', n);

	if (at != NULL && memchr(p, ':', (size_t)(at - p)) != NULL)
		return true;
	if ((q = strchr(p, '?')) == NULL)
		return false;
	for (q++; *q != '\0'; q += strcspn(q, "&"), q += *q == '&')
		if (strncmp(q, "password=", 9) == 0)
			return true;
	return false;
}

/*
 * Database: an absolute path (SQLite), or a libpq URI postgresql://...
 * or postgres://... (PostgreSQL) without a password: libpq reads it from
 * its password file.  A refused URI is not shown (it may hold one).
 */
int
cfg_check_database(const char *v, struct cfg_why *why)
{
	if (strncmp(v, "postgresql://", 13) != 0 &&
	    strncmp(v, "postgres://", 11) != 0)
		return cfg_check_path(v, why);
	if (cfg_uri_has_password(v)) {
		cfg_why_set(why, "the URI holds a password: put it in the "
		    "password file (~/.pgpass of the user pinmilter runs as, "
		    "PGPASSFILE, or passfile=FILE in the URI)");
		return -1;
	}
	if (strlen(v) >= PATH_MAX) {
		cfg_why_set(why, "URI is longer than %d bytes", PATH_MAX - 1);
		return -1;
	}
	return 0;
}

/* Port "1".."65535" from P up to END. */
static int
cfg_check_port(const char *p, const char *end)
{
	unsigned long long port;

	if (end - p > 5 || cfg_parse_digits(&p, 65535, &port) == -1)
		return -1;
	return (p == end && port >= 1) ? 0 : -1;
}

int
cfg_check_socket(const char *v, struct cfg_why *why)
{
	const char *rest, *at;
	struct sockaddr_un sun;
	SHOWBUF;

	if ((rest = strchr(v, ':')) == NULL)
		goto bad;
	rest++;
	if (strncasecmp(v, "unix:", 5) == 0 ||
	    strncasecmp(v, "local:", 6) == 0) {
		if (rest[0] != '/') {
			cfg_why_set(why, "\"%s\": socket path is not absolute",
			    SHOW(v));
			return -1;
		}
		if (strlen(rest) >= sizeof(sun.sun_path)) {
			cfg_why_set(why, "socket path is longer than %zu bytes",
			    sizeof(sun.sun_path) - 1);
			return -1;
		}
		return 0;
	}
	if (strncasecmp(v, "inet:", 5) != 0 && strncasecmp(v, "inet6:", 6) != 0)
		goto bad;
	if ((at = strchr(rest, '@')) == NULL || at[1] == '\0') {
		cfg_why_set(why, "\"%s\": missing @HOST", SHOW(v));
		return -1;
	}
	if (cfg_check_port(rest, at) == -1) {
		cfg_why_set(why, "\"%s\": port is not 1..65535", SHOW(v));
		return -1;
	}
	if (strpbrk(at + 1, " \t@") != NULL) {
		cfg_why_set(why, "\"%s\": bad host", SHOW(v));
		return -1;
	}
	return 0;
bad:
	cfg_why_set(why, "\"%s\" is not unix:/PATH, local:/PATH, "
	    "inet:PORT@HOST or inet6:PORT@HOST", SHOW(v));
	return -1;
}

/* An authserv-id: printable ASCII without white space or tspecials. */
int
cfg_check_token(const char *v, struct cfg_why *why)
{
	const char *p;
	SHOWBUF;

	for (p = v; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f ||
		    strchr("()<>@,;:\\\"/[]?=", *p) != NULL)
			break;
	if (*p != '\0' || p == v || p - v > 255) {
		cfg_why_set(why, "\"%s\" is not a valid authserv-id", SHOW(v));
		return -1;
	}
	return 0;
}

/*
 * An addr-spec (util/address.h), its canonical form into CANON.  The
 * addresses of the configuration also become a From field, a Message-ID
 * domain and the base of plus-addresses, so they must be plain: a local
 * part that needs quotes and an address literal are refused.
 */
int
cfg_check_address(const char *v, char *canon, struct cfg_why *why)
{
	struct address a;
	enum address_rc rc;
	SHOWBUF;

	if ((rc = address_parse(v, ADDRESS_PLAIN, &a)) != ADDRESS_OK) {
		cfg_why_set(why, "\"%s\" is not an address local@domain: %s",
		    SHOW(v), address_rc_reason(rc));
		return -1;
	}
	memcpy(canon, a.addr, strlen(a.addr) + 1);
	return 0;
}

/* A portable user or group name of N bytes at P. */
static int
cfg_name_ok(const char *p, size_t n)
{
	return n > 0 && n <= 64 && p[0] != '-';
}

/* user or user:group. */
int
cfg_check_user(const char *v, struct cfg_why *why)
{
	const char *chars = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t u = strspn(v, chars), g;
	int good;
	SHOWBUF;

	if (v[u] == '\0')
		good = cfg_name_ok(v, u);
	else if (v[u] == ':') {
		g = strspn(v + u + 1, chars);
		good = cfg_name_ok(v, u) && cfg_name_ok(v + u + 1, g) &&
		    v[u + 1 + g] == '\0';
	} else
		good = 0;
	if (!good) {
		cfg_why_set(why, "\"%s\" is not USER or USER:GROUP", SHOW(v));
		return -1;
	}
	return 0;
}

int
cfg_check_command(const char *v, struct cfg_why *why)
{
	const char *p;
	SHOWBUF;

	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			break;
	if (*p != '\0' || v[0] != '/') {
		cfg_why_set(why, "\"%s\": the program must be an absolute path",
		    SHOW(v));
		return -1;
	}
	return 0;
}

int
cfg_check_facility(const char *v, struct cfg_why *why)
{
	SHOWBUF;

	if (strcasecmp(v, "no") == 0 || log_facility_known(v))
		return 0;
	cfg_why_set(why, "\"%s\" is not a syslog facility or no", SHOW(v));
	return -1;
}

/* Valid UTF-8 without control characters (C0, DEL, C1). */
static int
cfg_utf8_clean(const char *v)
{
	const char *p;

	if (!g_utf8_validate(v, -1, NULL))
		return 0;
	for (p = v; *p != '\0'; p = g_utf8_next_char(p))
		if (g_unichar_iscntrl(g_utf8_get_char(p)))
			return 0;
	return 1;
}

/*
 * A subject tag: "%n" exactly once, not next to a digit (the number
 * would run into it), some other visible text, no control characters.
 */
int
cfg_check_casetag(const char *v, struct cfg_why *why)
{
	const char *n = strstr(v, "%n"), *p;
	int text = 0;
	SHOWBUF;

	if (strlen(v) > CFG_TAG_MAX) {
		cfg_why_set(why, "longer than %d bytes", CFG_TAG_MAX);
		return -1;
	}
	if (!cfg_utf8_clean(v)) {
		cfg_why_set(why, "\"%s\" is not UTF-8 text without control "
		    "characters", SHOW(v));
		return -1;
	}
	if (n == NULL || strstr(n + 2, "%n") != NULL) {
		cfg_why_set(why, "\"%s\" must contain %%n exactly once",
		    SHOW(v));
		return -1;
	}
	if ((n > v && isdigit((unsigned char)n[-1])) ||
	    isdigit((unsigned char)n[2])) {
		cfg_why_set(why, "\"%s\": a digit next to %%n", SHOW(v));
		return -1;
	}
	for (p = v; *p != '\0'; p++)
		if (p != n && p != n + 1 && !isspace((unsigned char)*p))
			text = 1;
	if (!text) {
		cfg_why_set(why, "\"%s\" needs text besides %%n", SHOW(v));
		return -1;
	}
	return 0;
}

/* A GRegex over the subject with exactly one capturing group. */
int
cfg_check_regex(const char *v, struct cfg_why *why)
{
	GError *gerr = NULL;
	GRegex *re;
	char *p;
	int groups;
	SHOWBUF;

	if ((re = g_regex_new(v, 0, 0, &gerr)) == NULL) {
		cfg_why_set(why, "%s", gerr != NULL ? gerr->message :
		    "cannot compile");
		g_clear_error(&gerr);
		for (p = why->text; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		return -1;
	}
	groups = g_regex_get_capture_count(re);
	g_regex_unref(re);
	if (groups != 1) {
		cfg_why_set(why, "\"%s\" has %d capture groups, not exactly one",
		    SHOW(v), groups);
		return -1;
	}
	return 0;
}

/* One keyword: letters and digits only (any script), a single word. */
int
cfg_check_word(const char *v, struct cfg_why *why)
{
	const char *p;
	SHOWBUF;

	if (strlen(v) > CFG_WORD_MAX) {
		cfg_why_set(why, "\"%s\" is longer than %d bytes", SHOW(v),
		    CFG_WORD_MAX);
		return -1;
	}
	if (!g_utf8_validate(v, -1, NULL))
		goto bad;
	for (p = v; *p != '\0'; p = g_utf8_next_char(p))
		if (!g_unichar_isalnum(g_utf8_get_char(p)))
			goto bad;
	return 0;
bad:
	cfg_why_set(why, "\"%s\" is not a single word of letters and digits",
	    SHOW(v));
	return -1;
}

/* host:port, [IPv6]:port; host of letters, digits, '.', '-'. */
int
cfg_check_hostport(const char *v, struct cfg_why *why)
{
	const char *colon = strrchr(v, ':'), *h = v, *he;
	size_t n;
	SHOWBUF;

	if (colon == NULL)
		goto bad;
	he = colon;
	if (v[0] == '[') {
		if (colon == v || colon[-1] != ']')
			goto bad;
		h = v + 1;
		he = colon - 1;
		n = strspn(h, "0123456789abcdefABCDEF:.");
	} else
		n = strspn(h, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (n == 0 || h + n != he || n > 253 || h[0] == '-' || h[0] == '.')
		goto bad;
	if (cfg_check_port(colon + 1, colon + 1 + strlen(colon + 1)) == -1) {
		cfg_why_set(why, "\"%s\": port is not 1..65535", SHOW(v));
		return -1;
	}
	return 0;
bad:
	cfg_why_set(why, "\"%s\" is not HOST:PORT or [ADDRESS]:PORT", SHOW(v));
	return -1;
}

/* A language tag used as a directory name: en, fr, pt-BR, fr_CA. */
int
cfg_check_lang(const char *v, struct cfg_why *why)
{
	const char *alpha = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(v, alpha), m;
	const char *p = v + n;
	SHOWBUF;

	if (n < 2 || n > 8)
		goto bad;
	while (*p == '-' || *p == '_') {
		m = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (m < 1 || m > 8)
			goto bad;
		p += 1 + m;
	}
	if (*p == '\0' && p - v <= 35)
		return 0;
bad:
	cfg_why_set(why, "\"%s\" is not a language tag (en, fr, pt-BR)",
	    SHOW(v));
	return -1;
}

int
cfg_check_helpdesk(const char *v, struct cfg_why *why)
{
	static const char *const names[] = { "none", "zammad", "znuny",
	    "otrs", "otobo", "rt", NULL };
	size_t i;
	SHOWBUF;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(v, names[i]) == 0)
			return 0;
	cfg_why_set(why, "\"%s\" is not none, zammad, znuny, otrs, otobo "
	    "or rt", SHOW(v));
	return -1;
}

/* Bytes of V that make a field name (RFC 5322 ftext: visible, no colon). */
static size_t
cfg_fieldname_len(const char *v)
{
	size_t n = 0;

	while (v[n] > ' ' && v[n] < 0x7f && v[n] != ':' && v[n] != '*')
		n++;
	return n;
}

int
cfg_check_fieldpat(const char *v, struct cfg_why *why)
{
	size_t n = cfg_fieldname_len(v);
	SHOWBUF;

	if (n >= 2 && n <= CFG_FIELD_MAX &&
	    (v[n] == '\0' || (v[n] == '*' && v[n + 1] == '\0')))
		return 0;
	cfg_why_set(why, "\"%s\" is not a header field name or a prefix "
	    "ending in * (X-RT-*)", SHOW(v));
	return -1;
}

/* The template of AddHeader: printable ASCII, each % starting %% or a
 * known %{variable}. */
static int
cfg_check_template(const char *t, struct cfg_why *why)
{
	static const char *const vars[] = { "%{verdict}", "%{pin}",
	    "%{case}", "%{account}", "%{user}", "%%", NULL };
	size_t i, n;
	SHOWBUF;

	if (*t == '\0' || strlen(t) > CFG_TEMPLATE_MAX) {
		cfg_why_set(why, "the template must hold 1 to %d bytes",
		    CFG_TEMPLATE_MAX);
		return -1;
	}
	for (; *t != '\0'; t++) {
		if ((unsigned char)*t < ' ' || (unsigned char)*t > '~') {
			cfg_why_set(why, "the template holds a byte that is "
			    "not printable ASCII");
			return -1;
		}
		if (*t != '%')
			continue;
		for (i = 0; vars[i] != NULL; i++)
			if (strncmp(t, vars[i], strlen(vars[i])) == 0)
				break;
		if (vars[i] == NULL) {
			cfg_why_set(why, "\"%s\": %% starts none of %%{verdict} "
			    "%%{pin} %%{case} %%{account} %%{user} %%%%",
			    SHOW(t));
			return -1;
		}
		n = strlen(vars[i]);
		t += n - 1;
	}
	return 0;
}

int
cfg_check_addheader(const char *v, struct cfg_why *why)
{
	size_t n = cfg_fieldname_len(v);
	SHOWBUF;

	if (n < 3 || n > CFG_FIELD_MAX || strncasecmp(v, "X-", 2) != 0 ||
	    strncasecmp(v, "X-Support-", 10) == 0 ||
	    (v[n] != ' ' && v[n] != '\t')) {
		cfg_why_set(why, "\"%s\" is not \"X-NAME TEMPLATE\" (a field "
		    "name starting X-, not X-Support-, then the value)",
		    SHOW(v));
		return -1;
	}
	v += n;
	v += strspn(v, " \t");
	return cfg_check_template(v, why);
}
