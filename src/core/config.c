/*
 * config.c - load, check and dump pinmilter.conf.
 *
 * Every key is one row of cfg_keys[]: its name, its type, its default as
 * text, its range and where it lives in struct pm_config.  The defaults
 * are parsed by the same code as the file, so a default can never be a
 * value the file would refuse.  A file holds "Key value" lines; the key
 * is case-insensitive, the value is the rest of the line, trimmed; '#' at
 * the start of a line or after white space starts a comment.
 *
 * Security: the file is trusted (root writes it) but parsed as if it were
 * not: lines are read into a fixed buffer of CFG_LINE_MAX bytes, a NUL
 * byte is refused, lists hold at most CFG_LIST_MAX values, every number
 * is parsed with an overflow check and a range.  Paths must be absolute;
 * the Mailer program must be an absolute path (it is run without a shell
 * and without a PATH search).  The file holds no secrets, so values may
 * appear in error text; they are made printable first.
 *
 * Diagnostics: config_load() fails on the first problem and writes one
 * line "FILE:LINE: Key: reason" (or "FILE:LINE: reason" when the line has
 * no usable key, "FILE: cannot open: reason" when it cannot be read).
 *
 * A value may be written in double quotes, so that it can hold " #"
 * (CaseTag "[Case #%n]") or leading and trailing white space; inside the
 * quotes \" stands for a quote and \\ for a backslash, any other
 * backslash is kept as it is (CaseRefPattern "Ticket #(\d+)").  No value
 * could start with a quote before, so quoting changes no existing file.
 * config_dump() quotes a value only when it needs it.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <glib.h>

#include "core/config.h"

#define CFG_LINE_MAX	4096	/* bytes in one line, newline excluded */
#define CFG_LIST_MAX	100	/* values in one list key */
#define CFG_VALUE_MAX	1024	/* bytes in one value (addresses: 254) */
#define CFG_SHOW_MAX	72	/* bytes of a value quoted in an error */

enum cfg_type {
	CFG_PATH,		/* absolute path */
	CFG_SOCKET,		/* milter socket specification */
	CFG_TOKEN,		/* authserv-id: an RFC 2045 token */
	CFG_ADDRESS,		/* one mail address */
	CFG_ADDRLIST,		/* list of addresses, lower-cased */
	CFG_IDLIST,		/* list of authserv-ids */
	CFG_BOOL,
	CFG_UINT,		/* unsigned, range min..max */
	CFG_DURATION,		/* seconds, range min..max */
	CFG_SIZE,		/* bytes, range min..max */
	CFG_ONERROR,		/* tempfail | accept | reject */
	CFG_FACILITY,		/* syslog facility name, or "no" */
	CFG_USER,		/* user or user:group */
	CFG_COMMAND,		/* absolute program path, then arguments */
	CFG_CASETAG,		/* subject tag holding "%n" once */
	CFG_REGEX,		/* GRegex with exactly one capture group */
	CFG_WORDLIST,		/* list of single words (UTF-8) */
	CFG_HOSTPORT,		/* host:port or [address]:port */
	CFG_LANG,		/* language tag, a directory name */
};

#define CF_REPEAT	0x01	/* may be given on several lines (lists) */
#define CF_NONE		0x02	/* "none" sets it to NULL (the default) */
#define CF_HOSTNAME	0x04	/* default: this host's name */

#define CFG_TAG_MAX	100	/* bytes in a CaseTag */
#define CFG_WORD_MAX	64	/* bytes in one ChangeKeywords word */

struct cfg_key {
	const char *name;
	enum cfg_type type;
	const char *def;	/* default as text, NULL: unset/empty */
	unsigned long long min, max;
	size_t off;		/* offset in struct pm_config */
	unsigned flags;
};

#define OFF(f)	offsetof(struct pm_config, f)
#define KB	1024ULL
#define MB	(1024ULL * KB)
#define GB	(1024ULL * MB)
#define MINUTE	60ULL
#define HOUR	(60ULL * MINUTE)
#define DAY	(24ULL * HOUR)

static const struct cfg_key cfg_keys[] = {
	{ "Socket", CFG_SOCKET, "unix:/run/pinmilter/pinmilter.sock",
	    0, 0, OFF(socket), 0 },
	{ "Database", CFG_PATH, "/var/lib/pinmilter/pinmilter.db",
	    0, 0, OFF(database), 0 },
	{ "KeyFile", CFG_PATH, "/etc/pinmilter/pinmilter.key",
	    0, 0, OFF(key_file), 0 },
	{ "DatabaseTimeout", CFG_DURATION, "5s",
	    0, 10 * MINUTE, OFF(database_timeout), 0 },
	{ "SupportAddress", CFG_ADDRLIST, NULL,
	    0, 0, OFF(support_addresses), CF_REPEAT },
	{ "AuthservID", CFG_TOKEN, NULL,
	    0, 0, OFF(authserv_id), CF_HOSTNAME },
	{ "TrustedAuthservIDs", CFG_IDLIST, NULL,
	    0, 0, OFF(trusted_authserv_ids), CF_REPEAT },
	{ "RequireAlignedFrom", CFG_BOOL, "no",
	    0, 0, OFF(require_aligned_from), 0 },
	{ "MaxCandidates", CFG_UINT, "3", 1, 20, OFF(max_candidates), 0 },
	{ "MaxFailures", CFG_UINT, "5", 1, 100, OFF(max_failures), 0 },
	{ "FailureWindow", CFG_DURATION, "15m",
	    MINUTE, 7 * DAY, OFF(failure_window), 0 },
	{ "LockoutTime", CFG_DURATION, "1h",
	    MINUTE, 30 * DAY, OFF(lockout_time), 0 },
	{ "RedactPIN", CFG_BOOL, "yes", 0, 0, OFF(redact_pin), 0 },
	{ "OnInternalError", CFG_ONERROR, "tempfail",
	    0, 0, OFF(on_internal_error), 0 },
	{ "MaxMessageSize", CFG_SIZE, "50M",
	    64 * KB, GB, OFF(max_message_size), 0 },
	{ "BodyMemoryLimit", CFG_SIZE, "1M",
	    64 * KB, 64 * MB, OFF(body_memory_limit), 0 },
	{ "TempDir", CFG_PATH, "/var/tmp", 0, 0, OFF(temp_dir), 0 },
	{ "MaxMimeDepth", CFG_UINT, "10", 1, 50, OFF(max_mime_depth), 0 },
	{ "MaxMimeParts", CFG_UINT, "100", 1, 1000, OFF(max_mime_parts), 0 },
	{ "UserID", CFG_USER, NULL, 0, 0, OFF(user_id), CF_NONE },
	{ "PidFile", CFG_PATH, NULL, 0, 0, OFF(pid_file), CF_NONE },
	{ "Syslog", CFG_FACILITY, "mail", 0, 0, OFF(syslog_facility), 0 },
	{ "NoticeFrom", CFG_ADDRESS, NULL, 0, 0, OFF(notice_from), CF_NONE },
	{ "Mailer", CFG_COMMAND, "/usr/sbin/sendmail -f <> -t -i",
	    0, 0, OFF(mailer), 0 },
	{ "TemplateDir", CFG_PATH, "/etc/pinmilter/templates",
	    0, 0, OFF(template_dir), 0 },
	{ "CaseTag", CFG_CASETAG, "[Case #%n]", 0, 0, OFF(case_tag), 0 },
	{ "CaseStart", CFG_UINT, "100000", 1, 999999999, OFF(case_start), 0 },
	{ "CaseRefPattern", CFG_REGEX, NULL,
	    0, 0, OFF(case_ref_pattern), CF_NONE },
	{ "ChangeKeywords", CFG_WORDLIST,
	    "change update modify add remove delete cancel port forward reset "
	    "transfer disable enable move replace "
	    "modifier changer ajouter supprimer annuler "
	    "transf\xc3\xa9rer transferer "
	    "r\xc3\xa9initialiser reinitialiser renvoyer "
	    "d\xc3\xa9sactiver desactiver activer "
	    "d\xc3\xa9placer deplacer remplacer porter",
	    0, 0, OFF(change_keywords), CF_REPEAT },
	{ "ReplyToTokens", CFG_BOOL, "yes", 0, 0, OFF(reply_to_tokens), 0 },
	{ "SMTPRelay", CFG_HOSTPORT, NULL, 0, 0, OFF(smtp_relay), CF_NONE },
	{ "MaxNoticesPerDay", CFG_UINT, "10",
	    1, 1000, OFF(max_notices_per_day), 0 },
	{ "PinIssueInterval", CFG_DURATION, "1h",
	    0, 7 * DAY, OFF(pin_issue_interval), 0 },
	{ "OutboxMaxAttempts", CFG_UINT, "10",
	    1, 100, OFF(outbox_max_attempts), 0 },
	{ "OutboxRetry", CFG_DURATION, "1m",
	    1, DAY, OFF(outbox_retry), 0 },
	{ "NoticeLanguage", CFG_LANG, "en", 0, 0, OFF(notice_language), 0 },
};

#define CFG_NKEYS	(sizeof(cfg_keys) / sizeof(cfg_keys[0]))

static const char *const cfg_facilities[] = {
	"auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail",
	"news", "syslog", "user", "uucp", "local0", "local1", "local2",
	"local3", "local4", "local5", "local6", "local7", NULL
};

static const char *const cfg_onerror_names[] = {
	[PM_ON_ERROR_TEMPFAIL] = "tempfail",
	[PM_ON_ERROR_ACCEPT] = "accept",
	[PM_ON_ERROR_REJECT] = "reject",
};

/* What one parse reports back: a reason for the error line. */
struct cfg_why {
	char text[512];
};

static void __attribute__((format(printf, 2, 3)))
cfg_why_set(struct cfg_why *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why->text, sizeof(why->text), fmt, ap);
	va_end(ap);
}

/* Copy S into OUT (size CFG_SHOW_MAX + 4) printable, cut with "...". */
static const char *
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

#define SHOW(s)	cfg_show((s), showbuf, sizeof(showbuf))
#define SHOWBUF	char showbuf[CFG_SHOW_MAX + 4]

static void *
cfg_field(struct pm_config *cfg, const struct cfg_key *k)
{
	return (char *)cfg + k->off;
}

static const void *
cfg_cfield(const struct pm_config *cfg, const struct cfg_key *k)
{
	return (const char *)cfg + k->off;
}

/*
 * Numbers, durations and sizes.
 */

/* Digits at *S into *OUT, at most LIMIT; advance *S.  0 ok, -1 bad. */
static int
cfg_parse_digits(const char **s, unsigned long long limit,
    unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (limit - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return 0;
}

/* Multiply V by UNIT unless the product passes LIMIT.  0 ok, -1 bad. */
static int
cfg_scale(unsigned long long v, unsigned long long unit,
    unsigned long long limit, unsigned long long *out)
{
	if (v > limit / unit)
		return -1;
	*out = v * unit;
	return 0;
}

int
config_parse_duration(const char *s, unsigned *out)
{
	unsigned long long v, unit = 1;

	if (s == NULL || cfg_parse_digits(&s, UINT_MAX, &v) == -1)
		return -1;
	switch (tolower((unsigned char)*s)) {
	case '\0':
		break;
	case 's':
		break;
	case 'm':
		unit = MINUTE;
		break;
	case 'h':
		unit = HOUR;
		break;
	case 'd':
		unit = DAY;
		break;
	default:
		return -1;
	}
	if (*s != '\0' && s[1] != '\0')
		return -1;
	if (cfg_scale(v, unit, UINT_MAX, &v) == -1)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
config_parse_size(const char *s, size_t *out)
{
	unsigned long long v, unit = 1;

	if (s == NULL || cfg_parse_digits(&s, SIZE_MAX, &v) == -1)
		return -1;
	switch (tolower((unsigned char)*s)) {
	case '\0':
		break;
	case 'k':
		unit = KB;
		break;
	case 'm':
		unit = MB;
		break;
	case 'g':
		unit = GB;
		break;
	default:
		return -1;
	}
	if (*s != '\0' && s[1] != '\0')
		return -1;
	if (cfg_scale(v, unit, SIZE_MAX, &v) == -1)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Write V as the key's type shows it: "15m", "50M", "7". */
static const char *
cfg_format_number(enum cfg_type type, unsigned long long v, char *buf,
    size_t size)
{
	static const struct {
		unsigned long long unit;
		char suffix;
	} dur[] = { { DAY, 'd' }, { HOUR, 'h' }, { MINUTE, 'm' } },
	  sz[] = { { GB, 'G' }, { MB, 'M' }, { KB, 'k' } };
	size_t i;

	if (v != 0 && type == CFG_DURATION) {
		for (i = 0; i < 3; i++)
			if (v % dur[i].unit == 0)
				break;
		if (i == 3)
			(void)snprintf(buf, size, "%llus", v);
		else
			(void)snprintf(buf, size, "%llu%c", v / dur[i].unit,
			    dur[i].suffix);
		return buf;
	}
	if (v != 0 && type == CFG_SIZE) {
		for (i = 0; i < 3; i++)
			if (v % sz[i].unit == 0) {
				(void)snprintf(buf, size, "%llu%c",
				    v / sz[i].unit, sz[i].suffix);
				return buf;
			}
	}
	(void)snprintf(buf, size, "%llu", v);
	return buf;
}

/* Does V look like digits and at most one of SUFFIXES (any case)? */
static int
cfg_number_shape(const char *v, const char *suffixes)
{
	size_t n = strspn(v, "0123456789");

	if (n == 0)
		return 0;
	if (v[n] == '\0')
		return 1;
	return v[n + 1] == '\0' &&
	    strchr(suffixes, tolower((unsigned char)v[n])) != NULL;
}

/*
 * Checks of text values.  Each returns 0, or -1 with a reason in WHY.
 */

static int
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

/* Port "1".."65535" from P up to END. */
static int
cfg_check_port(const char *p, const char *end)
{
	unsigned long long port;

	if (end - p > 5 || cfg_parse_digits(&p, 65535, &port) == -1)
		return -1;
	return (p == end && port >= 1) ? 0 : -1;
}

static int
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
static int
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

/* local@domain: exactly one '@', printable, no white space or <>(),;"\ */
static int
cfg_check_address(const char *v, struct cfg_why *why)
{
	const char *p, *at = strchr(v, '@');
	SHOWBUF;

	for (p = v; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f ||
		    strchr("<>()[],;:\\\"", *p) != NULL)
			break;
	if (*p != '\0' || at == NULL || at == v || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || p - v > 254) {
		cfg_why_set(why, "\"%s\" is not an address local@domain",
		    SHOW(v));
		return -1;
	}
	return 0;
}

/* A portable user or group name of N bytes at P. */
static int
cfg_name_ok(const char *p, size_t n)
{
	return n > 0 && n <= 64 && p[0] != '-';
}

/* user or user:group. */
static int
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

static int
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

static int
cfg_check_facility(const char *v, struct cfg_why *why)
{
	size_t i;
	SHOWBUF;

	if (strcasecmp(v, "no") == 0)
		return 0;
	for (i = 0; cfg_facilities[i] != NULL; i++)
		if (strcasecmp(v, cfg_facilities[i]) == 0)
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
static int
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
static int
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
static int
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
static int
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
static int
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

/*
 * Storing values.
 */

static int
cfg_set_string(char **field, const char *v, struct cfg_why *why)
{
	char *copy = NULL;

	if (v != NULL && (copy = strdup(v)) == NULL) {
		cfg_why_set(why, "out of memory");
		return -1;
	}
	free(*field);
	*field = copy;
	return 0;
}

static void
cfg_list_clear(struct pm_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Append ITEM unless the list has it already (any case). */
static int
cfg_list_add(struct pm_strlist *l, const char *item, struct cfg_why *why)
{
	char **nv, *copy;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], item) == 0)
			return 0;
	if (l->n >= CFG_LIST_MAX) {
		cfg_why_set(why, "more than %d values", CFG_LIST_MAX);
		return -1;
	}
	if ((copy = strdup(item)) == NULL)
		goto nomem;
	if ((nv = realloc(l->v, (l->n + 2) * sizeof(*nv))) == NULL) {
		free(copy);
		goto nomem;
	}
	nv[l->n++] = copy;
	nv[l->n] = NULL;
	l->v = nv;
	return 0;
nomem:
	cfg_why_set(why, "out of memory");
	return -1;
}

static void
cfg_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Values separated by commas or white space; "none" empties the list. */
static int
cfg_parse_list(const struct cfg_key *k, const char *v, struct pm_strlist *l,
    struct cfg_why *why)
{
	const char *sep = ", \t", *p = v;
	char item[CFG_VALUE_MAX];
	size_t n, count = 0;
	int rc;

	if (strcasecmp(v, "none") == 0) {
		cfg_list_clear(l);
		return 0;
	}
	for (p += strspn(p, sep); *p != '\0'; p += strspn(p, sep)) {
		n = strcspn(p, sep);
		if (n >= sizeof(item)) {
			cfg_why_set(why, "value longer than %zu bytes",
			    sizeof(item) - 1);
			return -1;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		p += n;
		if (k->type == CFG_ADDRLIST) {
			cfg_lower(item);
			rc = cfg_check_address(item, why);
		} else if (k->type == CFG_WORDLIST)
			rc = cfg_check_word(item, why);
		else
			rc = cfg_check_token(item, why);
		if (rc == -1 || cfg_list_add(l, item, why) == -1)
			return -1;
		count++;
	}
	if (count == 0) {
		cfg_why_set(why, "missing value");
		return -1;
	}
	return 0;
}

static int
cfg_parse_bool(const char *v, bool *out, struct cfg_why *why)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	size_t i;
	SHOWBUF;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	cfg_why_set(why, "\"%s\" is not yes or no", SHOW(v));
	return -1;
}

static int
cfg_parse_onerror(const char *v, enum pm_on_error *out, struct cfg_why *why)
{
	size_t i;
	SHOWBUF;

	for (i = 0; i < sizeof(cfg_onerror_names) / sizeof(char *); i++)
		if (strcasecmp(v, cfg_onerror_names[i]) == 0) {
			*out = (enum pm_on_error)i;
			return 0;
		}
	cfg_why_set(why, "\"%s\" is not tempfail, accept or reject", SHOW(v));
	return -1;
}

/* An unsigned, a duration or a size, range-checked, into its field. */
static int
cfg_parse_number(const struct cfg_key *k, const char *v, void *field,
    struct cfg_why *why)
{
	static const char *const what[] = {
	    [CFG_UINT] = "a number",
	    [CFG_DURATION] = "a duration (90s, 15m, 1h, 2d)",
	    [CFG_SIZE] = "a size (512k, 20M, 1G)" };
	unsigned long long n = 0;
	char lo[32], hi[32];
	const char *p = v;
	unsigned u;
	size_t z;
	int rc;
	SHOWBUF;

	if (!cfg_number_shape(v, k->type == CFG_DURATION ? "smhd" :
	    k->type == CFG_SIZE ? "kmg" : "")) {
		cfg_why_set(why, "\"%s\" is not %s", SHOW(v), what[k->type]);
		return -1;
	}
	if (k->type == CFG_UINT)
		rc = cfg_parse_digits(&p, UINT_MAX, &n);
	else if (k->type == CFG_DURATION) {
		if ((rc = config_parse_duration(v, &u)) == 0)
			n = u;
	} else if ((rc = config_parse_size(v, &z)) == 0)
		n = z;
	if (rc == -1 || n < k->min || n > k->max) {
		cfg_why_set(why, "%s is out of range %s..%s", SHOW(v),
		    cfg_format_number(k->type, k->min, lo, sizeof(lo)),
		    cfg_format_number(k->type, k->max, hi, sizeof(hi)));
		return -1;
	}
	if (k->type == CFG_SIZE)
		*(size_t *)field = (size_t)n;
	else
		*(unsigned *)field = (unsigned)n;
	return 0;
}

/* A text value: check it, then store it (NULL for "no"/"none"). */
static int
cfg_parse_text(const struct cfg_key *k, const char *v, char **field,
    struct cfg_why *why)
{
	int rc;

	switch (k->type) {
	case CFG_PATH:
		rc = cfg_check_path(v, why);
		break;
	case CFG_SOCKET:
		rc = cfg_check_socket(v, why);
		break;
	case CFG_TOKEN:
		rc = cfg_check_token(v, why);
		break;
	case CFG_ADDRESS:
		rc = cfg_check_address(v, why);
		break;
	case CFG_USER:
		rc = cfg_check_user(v, why);
		break;
	case CFG_COMMAND:
		rc = cfg_check_command(v, why);
		break;
	case CFG_CASETAG:
		rc = cfg_check_casetag(v, why);
		break;
	case CFG_REGEX:
		rc = cfg_check_regex(v, why);
		break;
	case CFG_HOSTPORT:
		rc = cfg_check_hostport(v, why);
		break;
	case CFG_LANG:
		rc = cfg_check_lang(v, why);
		break;
	case CFG_FACILITY:
		if ((rc = cfg_check_facility(v, why)) == 0 &&
		    strcasecmp(v, "no") == 0)
			return cfg_set_string(field, NULL, why);
		if (rc == 0 && (rc = cfg_set_string(field, v, why)) == 0)
			cfg_lower(*field);
		return rc;
	default:
		cfg_why_set(why, "internal error: bad key type");
		return -1;
	}
	return rc == 0 ? cfg_set_string(field, v, why) : -1;
}

/* Parse V for key K into CFG.  0 ok, -1 with a reason in WHY. */
static int
cfg_parse_value(const struct cfg_key *k, const char *v, struct pm_config *cfg,
    struct cfg_why *why)
{
	void *field = cfg_field(cfg, k);

	if ((k->flags & CF_NONE) && strcasecmp(v, "none") == 0)
		return cfg_set_string(field, NULL, why);
	switch (k->type) {
	case CFG_ADDRLIST:
	case CFG_IDLIST:
	case CFG_WORDLIST:
		return cfg_parse_list(k, v, field, why);
	case CFG_BOOL:
		return cfg_parse_bool(v, field, why);
	case CFG_UINT:
	case CFG_DURATION:
	case CFG_SIZE:
		return cfg_parse_number(k, v, field, why);
	case CFG_ONERROR:
		return cfg_parse_onerror(v, field, why);
	default:
		return cfg_parse_text(k, v, field, why);
	}
}

static int
cfg_is_list(const struct cfg_key *k)
{
	return k->type == CFG_ADDRLIST || k->type == CFG_IDLIST ||
	    k->type == CFG_WORDLIST;
}

static int
cfg_is_text(const struct cfg_key *k)
{
	switch (k->type) {
	case CFG_PATH:
	case CFG_SOCKET:
	case CFG_TOKEN:
	case CFG_ADDRESS:
	case CFG_FACILITY:
	case CFG_USER:
	case CFG_COMMAND:
	case CFG_CASETAG:
	case CFG_REGEX:
	case CFG_HOSTPORT:
	case CFG_LANG:
		return 1;
	default:
		return 0;
	}
}

static const struct cfg_key *
cfg_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < CFG_NKEYS; i++)
		if (strcasecmp(name, cfg_keys[i].name) == 0)
			return &cfg_keys[i];
	return NULL;
}

/* This host's name when it is a valid authserv-id, else "localhost". */
static int
cfg_set_hostname(char **field, struct cfg_why *why)
{
	char host[256];

	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (host[0] == '\0' || cfg_check_token(host, why) == -1)
		return cfg_set_string(field, "localhost", why);
	return cfg_set_string(field, host, why);
}

struct pm_config *
config_defaults(void)
{
	struct pm_config *cfg;
	const struct cfg_key *k;
	struct cfg_why why;
	int rc = 0;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return NULL;
	for (k = cfg_keys; k < cfg_keys + CFG_NKEYS && rc == 0; k++) {
		if (k->def != NULL)
			rc = cfg_parse_value(k, k->def, cfg, &why);
		else if (k->flags & CF_HOSTNAME)
			rc = cfg_set_hostname(cfg_field(cfg, k), &why);
	}
	if (rc == -1) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
config_free(struct pm_config *cfg)
{
	const struct cfg_key *k;

	if (cfg == NULL)
		return;
	for (k = cfg_keys; k < cfg_keys + CFG_NKEYS; k++) {
		if (cfg_is_list(k))
			cfg_list_clear(cfg_field(cfg, k));
		else if (cfg_is_text(k))
			free(*(char **)cfg_field(cfg, k));
	}
	free(cfg->path);
	free(cfg);
}

/*
 * Reading the file.
 */

enum cfg_read {
	CFG_READ_LINE, CFG_READ_EOF, CFG_READ_LONG, CFG_READ_NUL, CFG_READ_ERR
};

/* One line into BUF (CFG_LINE_MAX + 1 bytes), newline dropped. */
static enum cfg_read
cfg_read_line(FILE *fp, char *buf)
{
	size_t n = 0;
	int c;

	while ((c = getc(fp)) != EOF && c != '\n') {
		if (c == '\0')
			return CFG_READ_NUL;
		if (n == CFG_LINE_MAX)
			return CFG_READ_LONG;
		buf[n++] = (char)c;
	}
	if (c == EOF && ferror(fp))
		return CFG_READ_ERR;
	if (c == EOF && n == 0)
		return CFG_READ_EOF;
	buf[n] = '\0';
	return CFG_READ_LINE;
}

struct cfg_load {
	const char *file;
	unsigned long line;
	unsigned long seen[CFG_NKEYS];	/* line where each key was given */
	char *err;
	size_t errlen;
};

static void __attribute__((format(printf, 3, 4)))
cfg_error(struct cfg_load *ld, const char *key, const char *fmt, ...)
{
	char why[640];
	va_list ap;

	if (ld->err == NULL || ld->errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (key != NULL)
		(void)snprintf(ld->err, ld->errlen, "%s:%lu: %s: %s",
		    ld->file, ld->line, key, why);
	else
		(void)snprintf(ld->err, ld->errlen, "%s:%lu: %s",
		    ld->file, ld->line, why);
}

/* Where the quoted part that starts at Q (a '"') ends: its closing
 * quote, or the end of the line. */
static char *
cfg_quote_end(char *q)
{
	for (q++; *q != '\0' && *q != '"'; q++)
		if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
			q++;
	return q;
}

/*
 * Cut a comment ('#' first or after white space, not inside a quoted
 * value) and trailing space.
 */
static char *
cfg_strip(char *line)
{
	char *p, *v;
	size_t n;

	for (v = line; isspace((unsigned char)*v); v++)
		;
	while (*v != '\0' && !isspace((unsigned char)*v) && *v != '#')
		v++;
	while (isspace((unsigned char)*v))
		v++;
	for (p = line; *p != '\0'; p++) {
		if (p == v && *p == '"' && *(p = cfg_quote_end(p)) == '\0')
			break;
		if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	while (isspace((unsigned char)*line))
		line++;
	n = strlen(line);
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	return line;
}

/* Undo the quotes of V in place, if it has any.  0 ok, -1 bad. */
static int
cfg_unquote(char *v, struct cfg_why *why)
{
	char *end, *in, *out = v;

	if (v[0] != '"')
		return 0;
	end = cfg_quote_end(v);
	if (*end != '"') {
		cfg_why_set(why, "no closing quote");
		return -1;
	}
	if (end[1] != '\0') {
		cfg_why_set(why, "text after the closing quote");
		return -1;
	}
	for (in = v + 1; in < end; in++) {
		if (*in == '\\' && (in[1] == '"' || in[1] == '\\'))
			in++;
		*out++ = *in;
	}
	*out = '\0';
	return 0;
}

/* One line: "Key value", a comment or blank.  0 ok, -1 error. */
static int
cfg_load_line(struct cfg_load *ld, char *line, struct pm_config *cfg)
{
	const struct cfg_key *k;
	struct cfg_why why;
	char *key, *value;
	size_t i;
	SHOWBUF;

	key = cfg_strip(line);
	if (*key == '\0')
		return 0;
	for (value = key; *value != '\0' && !isspace((unsigned char)*value);)
		value++;
	if (*value != '\0')
		*value++ = '\0';
	while (isspace((unsigned char)*value))
		value++;
	if ((k = cfg_key_find(key)) == NULL) {
		cfg_error(ld, SHOW(key), "unknown key");
		return -1;
	}
	i = (size_t)(k - cfg_keys);
	if (cfg_unquote(value, &why) == -1) {
		cfg_error(ld, k->name, "%s", why.text);
		return -1;
	}
	if (*value == '\0') {
		cfg_error(ld, k->name, "missing value");
		return -1;
	}
	if (ld->seen[i] != 0 && !(k->flags & CF_REPEAT)) {
		cfg_error(ld, k->name, "given twice, first at line %lu",
		    ld->seen[i]);
		return -1;
	}
	/* The first line of a list with a default replaces the default. */
	if (ld->seen[i] == 0 && cfg_is_list(k) && k->def != NULL)
		cfg_list_clear(cfg_field(cfg, k));
	ld->seen[i] = ld->line;
	if (cfg_parse_value(k, value, cfg, &why) == -1) {
		cfg_error(ld, k->name, "%s", why.text);
		return -1;
	}
	return 0;
}

/* Every line of FP into CFG.  0 ok, -1 error (reported). */
static int
cfg_load_file(struct cfg_load *ld, FILE *fp, struct pm_config *cfg)
{
	char buf[CFG_LINE_MAX + 1];

	for (;;) {
		ld->line++;
		switch (cfg_read_line(fp, buf)) {
		case CFG_READ_EOF:
			return 0;
		case CFG_READ_LONG:
			cfg_error(ld, NULL, "line longer than %d bytes",
			    CFG_LINE_MAX);
			return -1;
		case CFG_READ_NUL:
			cfg_error(ld, NULL, "NUL byte in line");
			return -1;
		case CFG_READ_ERR:
			cfg_error(ld, NULL, "read error: %s", strerror(errno));
			return -1;
		case CFG_READ_LINE:
			if (cfg_load_line(ld, buf, cfg) == -1)
				return -1;
			break;
		}
	}
}

struct pm_config *
config_load(const char *file, char *err, size_t errlen)
{
	struct cfg_load ld = { .file = file, .err = err, .errlen = errlen };
	struct pm_config *cfg;
	struct stat st;
	FILE *fp;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((fp = fopen(file, "re")) == NULL) {
		if (err != NULL && errlen > 0)
			(void)snprintf(err, errlen, "%s: cannot open: %s", file,
			    strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		if (err != NULL && errlen > 0)
			(void)snprintf(err, errlen, "%s: cannot open: %s", file,
			    strerror(EISDIR));
		(void)fclose(fp);
		return NULL;
	}
	if ((cfg = config_defaults()) == NULL ||
	    (cfg->path = strdup(file)) == NULL) {
		if (err != NULL && errlen > 0)
			(void)snprintf(err, errlen, "%s: out of memory", file);
		(void)fclose(fp);
		config_free(cfg);
		return NULL;
	}
	rc = cfg_load_file(&ld, fp, cfg);
	(void)fclose(fp);
	if (rc == -1) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/*
 * Dump and queries.
 */

/* Does V need quotes to read back the same: " #", edge blanks, '"'? */
static int
cfg_needs_quotes(const char *v)
{
	size_t i, n = strlen(v);

	if (n == 0 || v[0] == '"' || v[0] == '#' ||
	    isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]))
		return 1;
	for (i = 1; i < n; i++)
		if (v[i] == '#' && isspace((unsigned char)v[i - 1]))
			return 1;
	return 0;
}

static void
cfg_dump_text(const char *v, FILE *out)
{
	if (!cfg_needs_quotes(v)) {
		fputs(v, out);
		return;
	}
	fputc('"', out);
	for (; *v != '\0'; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputc('"', out);
}

static void
cfg_dump_key(const struct pm_config *cfg, const struct cfg_key *k, FILE *out)
{
	const void *field = cfg_cfield(cfg, k);
	const struct pm_strlist *l;
	char buf[32];
	size_t i;

	switch (k->type) {
	case CFG_ADDRLIST:
	case CFG_IDLIST:
	case CFG_WORDLIST:
		l = field;
		fprintf(out, "%s ", k->name);
		for (i = 0; i < l->n; i++)
			fprintf(out, "%s%s", i ? ", " : "", l->v[i]);
		fprintf(out, "%s\n", l->n == 0 ? "none" : "");
		return;
	case CFG_BOOL:
		fprintf(out, "%s %s\n", k->name,
		    *(const bool *)field ? "yes" : "no");
		return;
	case CFG_UINT:
	case CFG_DURATION:
		fprintf(out, "%s %s\n", k->name, cfg_format_number(k->type,
		    *(const unsigned *)field, buf, sizeof(buf)));
		return;
	case CFG_SIZE:
		fprintf(out, "%s %s\n", k->name, cfg_format_number(k->type,
		    *(const size_t *)field, buf, sizeof(buf)));
		return;
	case CFG_ONERROR:
		fprintf(out, "%s %s\n", k->name,
		    cfg_onerror_names[*(const enum pm_on_error *)field]);
		return;
	default:
		fprintf(out, "%s ", k->name);
		cfg_dump_text(*(char *const *)field != NULL ?
		    *(char *const *)field : k->type == CFG_FACILITY ? "no" :
		    "none", out);
		fputc('\n', out);
		return;
	}
}

void
config_dump(const struct pm_config *cfg, FILE *out)
{
	const struct cfg_key *k;

	for (k = cfg_keys; k < cfg_keys + CFG_NKEYS; k++)
		cfg_dump_key(cfg, k, out);
}

/* Does LOCAL (N bytes) equal SUPPORT's local part, or extend it "+..."? */
static bool
cfg_local_matches(const char *local, size_t n, const char *support,
    size_t sn)
{
	if (n < sn || strncasecmp(local, support, sn) != 0)
		return false;
	return n == sn || local[sn] == '+';
}

bool
config_is_support_address(const struct pm_config *cfg, const char *addr)
{
	const char *a = addr, *at = NULL, *sat;
	size_t n, i, ln, dn;

	if (cfg == NULL || addr == NULL)
		return false;
	n = strlen(a);
	while (n > 0 && isspace((unsigned char)a[0]))
		a++, n--;
	while (n > 0 && isspace((unsigned char)a[n - 1]))
		n--;
	if (n >= 2 && a[0] == '<' && a[n - 1] == '>')
		a++, n -= 2;
	for (i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at == NULL || at == a || at == a + n - 1)
		return false;
	ln = (size_t)(at - a);
	dn = n - ln - 1;
	for (i = 0; i < cfg->support_addresses.n; i++) {
		const char *s = cfg->support_addresses.v[i];

		if ((sat = strchr(s, '@')) == NULL || strlen(sat + 1) != dn ||
		    strncasecmp(sat + 1, at + 1, dn) != 0)
			continue;
		if (cfg_local_matches(a, ln, s, (size_t)(sat - s)))
			return true;
	}
	return false;
}

char *
config_case_tag(const struct pm_config *cfg, int64_t number)
{
	const char *tag = cfg != NULL && cfg->case_tag != NULL ?
	    cfg->case_tag : "[Case #%n]";
	const char *n = strstr(tag, "%n");
	GString *s = g_string_new(NULL);

	if (n == NULL) {
		g_string_append(s, tag);
		return g_string_free(s, FALSE);
	}
	g_string_append_len(s, tag, n - tag);
	g_string_append_printf(s, "%" PRId64, number);
	g_string_append(s, n + 2);
	return g_string_free(s, FALSE);
}
