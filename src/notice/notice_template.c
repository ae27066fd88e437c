/*
 * notice_template.c - notice templates: read once, checked fully, kept in
 * memory (notice.h says what a template is).
 *
 * A template is a "Subject:" line (folded continuation lines allowed), a
 * blank line, the body.  CRLF or LF line ends, an optional UTF-8 byte
 * order mark; the text must be valid UTF-8 without NUL bytes and at most
 * NOTICE_TEMPLATE_MAX bytes.  Every "{{" must open a known placeholder,
 * and each placeholder may appear only where ph_defs allows it.
 *
 * The first four kinds are required; account-locked and
 * pin-recently-sent are optional (a template directory made for an older
 * version still loads; without them the case processor sends what it sent
 * before), but when present they are checked like the others.
 *
 * Security notes: only regular files are read, at most
 * NOTICE_TEMPLATE_MAX bytes; {{pin}} only in the body of pin-delivery
 * (never a Subject, which mail clients show in lists); a placeholder
 * whose value may hold line breaks ({{admins}}) only in a body; the
 * customer's subject ({{request_subject}}) only in a body, and only as
 * notice_request_subject() quotes it (no link, address or control).
 * Diagnostics: loading writes "FILE:LINE: reason" into err.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "util/log.h"
#include "notice/notice.h"
#include "notice/notice_int.h"

const char *const notice_kinds[NOTICE_NKINDS] = {
	NOTICE_CASE_CREATED, NOTICE_VERIFICATION, NOTICE_PIN_DELIVERY,
	NOTICE_EMAIL_CHANGED, NOTICE_ACCOUNT_LOCKED, NOTICE_PIN_RECENT,
};

#define K(i)	(1u << (i))
#define NOTICE_NREQUIRED	4	/* kinds before this index must exist */

/* Each placeholder: where it may appear (kinds 0: all; body only). */
static const struct {
	const char *name;
	unsigned kinds;
	bool body_only;
} ph_defs[PH_N] = {
	[PH_CASE] = { "case", 0, false },
	[PH_NAME] = { "name", 0, false },
	[PH_EMAIL] = { "email", 0, false },
	[PH_ACCOUNT] = { "account", 0, false },
	[PH_SUPPORT] = { "support", 0, false },
	[PH_PIN] = { "pin", K(KIND_PIN), true },
	[PH_TAG] = { "tag", 0, false },
	[PH_OLD_EMAIL] = { "old_email", K(KIND_EMAIL), false },
	[PH_NEW_EMAIL] = { "new_email", K(KIND_EMAIL), false },
	[PH_UNTIL] = { "until", K(KIND_LOCKED) | K(KIND_RECENT), false },
	[PH_SENT] = { "sent", K(KIND_RECENT), false },
	[PH_ADMINS] = { "admins", K(KIND_LOCKED) | K(KIND_RECENT), true },
	[PH_REQ_SUBJECT] = { "request_subject", K(KIND_VERIFY), true },
	[PH_REQ_TIME] = { "request_time", K(KIND_VERIFY), true },
};

int
notice_kind_index(const char *kind)
{
	int i;

	for (i = 0; kind != NULL && i < NOTICE_NKINDS; i++)
		if (strcmp(kind, notice_kinds[i]) == 0)
			return i;
	return -1;
}

int
notice_ph_scan(const char *p, size_t *len, char *name, size_t namelen)
{
	const char *q = p + 2, *end = NULL;
	size_t n;
	int i;

	/* look no further than a name can be: linear work per "{{" */
	for (n = 0; n <= PH_NAME_MAX && q[n] != '\0' && q[n] != '\n'; n++)
		if (q[n] == '}' && q[n + 1] == '}') {
			end = q + n;
			break;
		}
	if (end == NULL) {
		snprintf(name, namelen, "unterminated \"{{\"");
		return -1;
	}
	for (i = 0; i < PH_N; i++)
		if (strlen(ph_defs[i].name) == n &&
		    memcmp(q, ph_defs[i].name, n) == 0) {
			*len = n + 4;
			return i;
		}
	{
		char raw[PH_NAME_MAX + 1], shown[PH_NAME_MAX + 8];

		memcpy(raw, q, n);
		raw[n] = '\0';
		snprintf(name, namelen, "unknown placeholder {{%s}}",
		    log_printable(raw, shown, sizeof(shown)));
	}
	return -1;
}

/* "{{X}} is allowed only in [the body of ]A.txt[ and B.txt]" into ERR. */
static void
ph_misplaced(int ph, const char *file, unsigned line, char *err,
    size_t errlen)
{
	GString *where = g_string_new(NULL);
	int k;

	for (k = 0; k < NOTICE_NKINDS; k++) {
		if (ph_defs[ph].kinds != 0 && !(ph_defs[ph].kinds & K(k)))
			continue;
		if (where->len > 0)
			g_string_append(where, " and ");
		g_string_append_printf(where, "%s.txt", notice_kinds[k]);
	}
	snprintf(err, errlen, "%s:%u: {{%s}} is allowed only in %s%s", file,
	    line, ph_defs[ph].name, ph_defs[ph].body_only ? "the body of " : "",
	    ph_defs[ph].kinds != 0 ? where->str : "a body");
	g_string_free(where, TRUE);
}

/* Check the placeholders of TEXT, whose first line is LINE of FILE. */
static int
ph_check(const char *text, const char *file, unsigned line, int kind,
    bool subject, bool *has_pin, char *err, size_t errlen)
{
	const char *p;
	char why[96];
	size_t len;
	int ph;

	for (p = text; *p != '\0'; p++) {
		if (*p == '\n')
			line++;
		if (p[0] != '{' || p[1] != '{')
			continue;
		if ((ph = notice_ph_scan(p, &len, why, sizeof(why))) < 0) {
			snprintf(err, errlen, "%s:%u: %s", file, line, why);
			return -1;
		}
		if ((ph_defs[ph].kinds != 0 && !(ph_defs[ph].kinds & K(kind))) ||
		    (ph_defs[ph].body_only && subject)) {
			ph_misplaced(ph, file, line, err, errlen);
			return -1;
		}
		if (ph == PH_PIN)
			*has_pin = true;
		p += len - 1;
	}
	return 0;
}

/* Read PATH (at most NOTICE_TEMPLATE_MAX bytes) into a NUL-terminated buffer. */
static char *
tmpl_read(const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct stat sb;
	char *buf = NULL;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (sb.st_size > NOTICE_TEMPLATE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    NOTICE_TEMPLATE_MAX);
		goto fail;
	}
	buf = g_malloc(NOTICE_TEMPLATE_MAX + 2);
	while ((n = read(fd, buf + len, NOTICE_TEMPLATE_MAX + 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0 || len > NOTICE_TEMPLATE_MAX) {
		snprintf(err, errlen, "%s: %s", path, n < 0 ? strerror(errno) :
		    "file grew while read");
		goto fail;
	}
	(void)close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	g_free(buf);
	(void)close(fd);
	return NULL;
}

/* In place: CRLF -> LF, drop a UTF-8 BOM.  Returns the new length. */
static size_t
tmpl_normalize(char *buf, size_t len)
{
	size_t i = 0, o = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			continue;
		buf[o++] = buf[i];
	}
	buf[o] = '\0';
	return o;
}

/* 1-based line number of P in BUF. */
static unsigned
line_of(const char *buf, const char *p)
{
	unsigned line = 1;

	for (; buf < p; buf++)
		if (*buf == '\n')
			line++;
	return line;
}

/* No control characters but TAB (and LF when MULTI).  Returns the bad byte or NULL. */
static const char *
find_control(const char *s, bool multi)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\t' && !(multi && c == '\n')) ||
		    c == 0x7f)
			return s;
	}
	return NULL;
}

/* The header section: "Subject:" and its continuation lines. */
static int
tmpl_parse_header(char **pp, unsigned *linep, const char *path,
    GString **subj, char *err, size_t errlen)
{
	char *p = *pp, *nl, *v;

	for (;; (*linep)++, p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL) {
			snprintf(err, errlen, "%s:%u: no blank line after the "
			    "Subject: line", path, *linep);
			return -1;
		}
		*nl = '\0';
		if (*p == '\0')
			break;
		if (*p == ' ' || *p == '\t') {
			if (*subj == NULL)
				goto unknown;
			v = p;
			g_string_append_c(*subj, ' ');
		} else if (g_ascii_strncasecmp(p, "Subject:", 8) == 0) {
			if (*subj != NULL) {
				snprintf(err, errlen, "%s:%u: a second Subject: "
				    "line", path, *linep);
				return -1;
			}
			*subj = g_string_new(NULL);
			v = p + 8;
		} else
			goto unknown;
		g_string_append(*subj, g_strstrip(v));
	}
	*pp = nl + 1;
	(*linep)++;
	return 0;
unknown:
	snprintf(err, errlen, "%s:%u: only a \"Subject:\" line may come before "
	    "the blank line", path, *linep);
	return -1;
}

/* Parse a normalized template BUF of kind KIND into T. */
static int
tmpl_parse(char *buf, const char *path, int kind, struct template *t,
    char *err, size_t errlen)
{
	GString *subj = NULL;
	const char *bad;
	unsigned line = 1;
	bool has_pin = false;
	char *p = buf;

	if (tmpl_parse_header(&p, &line, path, &subj, err, errlen) < 0)
		goto fail;
	if (subj == NULL || subj->len == 0) {
		snprintf(err, errlen, "%s:1: no Subject, or an empty one", path);
		goto fail;
	}
	if ((bad = find_control(subj->str, false)) != NULL) {
		snprintf(err, errlen, "%s:1: control character 0x%02x in the "
		    "Subject", path, (unsigned char)*bad);
		goto fail;
	}
	if ((bad = find_control(p, true)) != NULL) {
		snprintf(err, errlen, "%s:%u: control character 0x%02x", path,
		    line_of(p, bad) + line - 1, (unsigned char)*bad);
		goto fail;
	}
	if (strspn(p, " \t\n") == strlen(p)) {
		snprintf(err, errlen, "%s:%u: empty body", path, line);
		goto fail;
	}
	if (ph_check(subj->str, path, 1, kind, true, &has_pin, err,
	    errlen) < 0 ||
	    ph_check(p, path, line, kind, false, &has_pin, err, errlen) < 0)
		goto fail;
	if (kind == KIND_PIN && !has_pin) {
		snprintf(err, errlen, "%s: no {{pin}} in the body", path);
		goto fail;
	}
	t->subject = g_string_free(subj, FALSE);
	t->body = g_strdup(p);
	t->body_line = line;
	return 0;
fail:
	if (subj != NULL)
		g_string_free(subj, TRUE);
	return -1;
}

static int
tmpl_load(const char *path, int kind, struct template *t, char *err,
    size_t errlen)
{
	const gchar *end;
	size_t len;
	char *buf;
	int rc = -1;

	if ((buf = tmpl_read(path, &len, err, errlen)) == NULL)
		return -1;
	if (strlen(buf) != len)
		snprintf(err, errlen, "%s:%u: NUL byte", path,
		    line_of(buf, buf + strlen(buf)));
	else if (!g_utf8_validate(buf, (gssize)len, &end))
		snprintf(err, errlen, "%s:%u: invalid UTF-8", path,
		    line_of(buf, end));
	else {
		(void)tmpl_normalize(buf, len);
		rc = tmpl_parse(buf, path, kind, t, err, errlen);
	}
	g_free(buf);
	return rc;
}

static bool
lang_valid(const char *lang)
{
	size_t n = strlen(lang);

	return n > 0 && n <= 16 && strspn(lang, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

struct notice_templates *
notice_templates_load(const char *dir, const char *lang, char *err,
    size_t errlen)
{
	struct notice_templates *t;
	char path[4096];
	int i, n;

	if (dir == NULL || lang == NULL || !lang_valid(lang)) {
		snprintf(err, errlen, "NoticeLanguage: not a language name "
		    "(letters, digits, '_' or '-')");
		return NULL;
	}
	t = g_new0(struct notice_templates, 1);
	for (i = 0; i < NOTICE_NKINDS; i++) {
		n = snprintf(path, sizeof(path), "%s/%s/%s.txt", dir, lang,
		    notice_kinds[i]);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			snprintf(err, errlen, "TemplateDir: path too long");
			goto fail;
		}
		if (i >= NOTICE_NREQUIRED && access(path, F_OK) != 0 &&
		    errno == ENOENT)
			continue;	/* an optional kind */
		if (tmpl_load(path, i, &t->t[i], err, errlen) < 0)
			goto fail;
	}
	return t;
fail:
	notice_templates_free(t);
	return NULL;
}

bool
notice_has_kind(const struct notice_templates *t, const char *kind)
{
	int k = notice_kind_index(kind);

	return t != NULL && k >= 0 && t->t[k].body != NULL;
}

const char *
notice_missing_kind(const struct notice_templates *t)
{
	int k;

	for (k = NOTICE_NREQUIRED; t != NULL && k < NOTICE_NKINDS; k++)
		if (t->t[k].body == NULL)
			return notice_kinds[k];
	return NULL;
}

void
notice_templates_free(struct notice_templates *t)
{
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < NOTICE_NKINDS; i++) {
		g_free(t->t[i].subject);
		g_free(t->t[i].body);
	}
	g_free(t);
}

bool
notice_templates_present(const struct pm_config *cfg)
{
	struct stat sb;
	char *dir;
	bool ok;

	if (cfg->template_dir == NULL || cfg->notice_language == NULL)
		return false;
	dir = g_build_filename(cfg->template_dir, cfg->notice_language, NULL);
	ok = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
	g_free(dir);
	return ok;
}
