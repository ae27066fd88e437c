/*
 * config.c - load, check and dump pinmilter.conf.
 *
 * The keys are the rows of one table (config_keys.c); a value is checked
 * and stored by config_check.c and config_value.c.  Here: the defaults
 * (parsed from the table's text by the same code as the file, so a
 * default can never be a value the file would refuse), reading the file,
 * the dump, and the queries on a loaded configuration.  A file holds
 * "Key value" lines; the key is case-insensitive, the value is the rest
 * of the line, trimmed; '#' at the start of a line or after white space
 * starts a comment.
 *
 * Security: the file is trusted (root writes it) but parsed as if it were
 * not: lines are read into a fixed buffer of CFG_LINE_MAX bytes, a NUL
 * byte is refused, each value is checked by its key's type.
 *
 * Diagnostics: config_load() fails on the first problem and writes one
 * line "FILE:LINE: Key: reason" (or "FILE:LINE: reason" when the line has
 * no usable key, "FILE: cannot open: reason" when it cannot be read).
 *
 * A value may be written in double quotes, so that it can hold " #"
 * (CaseTag "[Case #%n]") or leading and trailing white space; inside the
 * quotes \" stands for a quote and \\ for a backslash, any other
 * backslash is kept as it is (CaseRefPattern "Ticket #(\d+)").
 * config_dump() quotes a value only when it needs it.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <glib.h>

#include "util/address.h"
#include "core/config_keys.h"

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

	cfg = g_new0(struct pm_config, 1);
	cfg->refs = 1;
	for (k = cfg_keys; k < cfg_keys + cfg_nkeys && rc == 0; k++) {
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

const struct pm_config *
config_ref(const struct pm_config *cfg)
{
	if (cfg != NULL)
		(void)__atomic_add_fetch(&((struct pm_config *)(uintptr_t)cfg)->refs,
		    1, __ATOMIC_ACQ_REL);
	return cfg;
}

void
config_unref(const struct pm_config *cfg)
{
	config_free((struct pm_config *)(uintptr_t)cfg);
}

void
config_free(struct pm_config *cfg)
{
	const struct cfg_key *k;

	if (cfg == NULL || __atomic_sub_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (k = cfg_keys; k < cfg_keys + cfg_nkeys; k++) {
		if (cfg_is_list(k))
			cfg_list_clear(cfg_field(cfg, k));
		else if (cfg_is_text(k))
			g_free(*(char **)cfg_field(cfg, k));
	}
	g_free(cfg->path);
	g_free(cfg);
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
	unsigned long seen[CFG_KEYS_MAX];	/* line where each key was given */
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

/* VerifiedRecipient must not be a support address: authenticated mail
 * would come back into scope, and outside mail to it would be refused. */
static int
cfg_check_verified(struct cfg_load *ld, struct pm_config *cfg)
{
	if (cfg->verified_recipient == NULL ||
	    !config_is_support_address(cfg, cfg->verified_recipient))
		return 0;
	ld->line = ld->seen[cfg_key_find("VerifiedRecipient") - cfg_keys];
	cfg_error(ld, "VerifiedRecipient", "is a SupportAddress (or a "
	    "plus-address of one); it must be a mailbox of its own");
	return -1;
}

/* ChangeKeywords (deprecated): its words count as ChangeVerbs. */
static int
cfg_merge_keywords(struct cfg_load *ld, struct pm_config *cfg)
{
	struct cfg_why why;

	if (cfg_lexicon_merge(&cfg->change_verbs, &cfg->change_keywords,
	    &why) == 0)
		return 0;
	/* the (first) line of ChangeKeywords */
	ld->line = ld->seen[cfg_key_find("ChangeKeywords") - cfg_keys];
	cfg_error(ld, "ChangeKeywords", "added to ChangeVerbs: %s", why.text);
	return -1;
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
	if ((cfg = config_defaults()) == NULL) {
		if (err != NULL && errlen > 0)
			(void)snprintf(err, errlen, "%s: a default value does "
			    "not load (a bug)", file);
		(void)fclose(fp);
		return NULL;
	}
	cfg->path = g_strdup(file);
	rc = cfg_load_file(&ld, fp, cfg);
	(void)fclose(fp);
	if (rc == 0)
		rc = cfg_merge_keywords(&ld, cfg);
	if (rc == 0)
		rc = cfg_check_verified(&ld, cfg);
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
	case CFG_LEXICON:
	case CFG_FIELDLIST:
		l = field;
		fprintf(out, "%s ", k->name);
		for (i = 0; i < l->n; i++)
			fprintf(out, "%s%s", i ? ", " : "", l->v[i]);
		fprintf(out, "%s\n", l->n == 0 ? "none" : "");
		return;
	case CFG_ADDHEADER:
		l = field;
		for (i = 0; i < l->n; i++)
			fprintf(out, "%s %s\n", k->name, l->v[i]);
		if (l->n == 0)
			fprintf(out, "%s none\n", k->name);
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

	for (k = cfg_keys; k < cfg_keys + cfg_nkeys; k++)
		cfg_dump_key(cfg, k, out);
}

/* Does LOCAL equal SUPPORT's local part (any case), or extend it "+..."? */
static bool
cfg_local_matches(const char *local, const char *support)
{
	size_t sn = strlen(support);

	if (strncasecmp(local, support, sn) != 0)
		return false;
	return local[sn] == '\0' || local[sn] == '+';
}

/* Is R (read by address_parse_rcpt) the address CONF or a plus-address
 * variant of it? */
static bool
cfg_addr_matches(const struct address *r, const char *conf)
{
	struct address s;

	return conf != NULL && address_parse(conf, 0, &s) == ADDRESS_OK &&
	    strcmp(s.domain, r->domain) == 0 && cfg_local_matches(r->text, s.text);
}

/* Read ADDR as the MTA does; false when it is not a full address. */
static bool
cfg_read_rcpt(const char *addr, struct address *r)
{
	return addr != NULL &&
	    address_parse_rcpt(addr, ADDRESS_LONG_LOCAL, r) == ADDRESS_OK &&
	    r->domain[0] != '\0';
}

/*
 * Both sides are compared as canonical addresses: the recipient as the
 * MTA reads it (address_parse_rcpt: brackets, source route, quotes,
 * escapes, white space and comments, the root dot and the domain's case
 * do not matter), its local part unquoted and compared in any case, as
 * Postfix delivers SUPPORT@ and "support"@ to the same mailbox.
 */
bool
config_is_support_address(const struct pm_config *cfg, const char *addr)
{
	struct address r;
	size_t i;

	if (cfg == NULL || !cfg_read_rcpt(addr, &r))
		return false;
	for (i = 0; i < cfg->support_addresses.n; i++)
		if (cfg_addr_matches(&r, cfg->support_addresses.v[i]))
			return true;
	return false;
}

bool
config_is_verified_recipient(const struct pm_config *cfg, const char *addr)
{
	struct address r;

	return cfg != NULL && cfg->verified_recipient != NULL &&
	    cfg_read_rcpt(addr, &r) &&
	    cfg_addr_matches(&r, cfg->verified_recipient);
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

const char *
config_deprecated(const struct pm_config *cfg)
{
	if (cfg->change_keywords.n > 0)
		return "ChangeKeywords is deprecated: its words count as "
		    "ChangeVerbs (see pinmilter.conf(5), WHAT A MESSAGE ASKS)";
	return NULL;
}
