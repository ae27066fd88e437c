/*
 * helpdesk.c - helpdesk control fields: stripped from support mail, then
 * set from the verdict (Helpdesk presets, AddHeader).
 *
 * Security notes: Znuny/OTRS/OTOBO obey X-OTRS-* / X-OTOBO-* on piped
 * mail by default and Zammad obeys X-Zammad-* on a trusted channel, so a
 * customer could set their own ticket's customer, queue or "verified"
 * field.  Every copy of such a field is deleted, in any case and however
 * folded (names are compared, values never read); the milter keeps these
 * fields past the header cap (hdrlist_set_keep) and the pipeline refuses
 * the message when it could not keep them all.  Values we add are our
 * own words, a number, or an AddHeader template whose variables are
 * sanitized (no control bytes, bounded, RFC 2047 when not ASCII).
 *
 * Diagnostics: none; the caller logs.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "filter/helpdesk.h"

static const char *const builtin_prefixes[] = {
	"X-Zammad-", "X-OTRS-", "X-OTOBO-", "X-KIX-", NULL
};

/* Does NAME match PAT: a name, or a prefix "X-RT-*"; up to the first
 * blank (an AddHeader line "X-NAME TEMPLATE" matches its name). */
static bool
pattern_matches(const char *pat, const char *name)
{
	size_t n = strcspn(pat, " \t*");

	if (pat[n] == '*')
		return strncasecmp(name, pat, n) == 0;
	return strlen(name) == n && strncasecmp(name, pat, n) == 0;
}

bool
helpdesk_stripped(const void *ctx, const char *name)
{
	const struct pm_config *cfg = ctx;
	size_t i;

	for (i = 0; builtin_prefixes[i] != NULL; i++)
		if (strncasecmp(name, builtin_prefixes[i],
		    strlen(builtin_prefixes[i])) == 0)
			return true;
	for (i = 0; i < cfg->strip_headers.n; i++)
		if (pattern_matches(cfg->strip_headers.v[i], name))
			return true;
	for (i = 0; i < cfg->add_headers.n; i++)
		if (pattern_matches(cfg->add_headers.v[i], name))
			return true;
	return false;
}

/* Was NAME already handled (an earlier field of the same name, any case)? */
static bool
seen_before(const struct hdrlist *hl, size_t upto, const char *name)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (strcasecmp(hl->v[i].name, name) == 0)
			return true;
	return false;
}

size_t
helpdesk_remove(struct edits *e, const struct pm_config *cfg,
    const struct hdrlist *hl)
{
	size_t i, k, before = e->n;

	for (i = 0; i < hl->n; i++) {
		const char *name = hl->v[i].name;

		/* ours are removed by edits_remove_ours */
		if (hdrlist_name_protected(name) ||
		    !helpdesk_stripped(cfg, name) || seen_before(hl, i, name))
			continue;
		for (k = hdrlist_count(hl, name); k > 0; k--)
			edits_change(e, name, k, NULL);
	}
	return e->n - before;
}

/* Append VAL to OUT, control bytes as spaces. */
static void
append_clean(GString *out, const char *val)
{
	for (; *val != '\0'; val++)
		g_string_append_c(out, (unsigned char)*val < ' ' ||
		    *val == 0x7f ? ' ' : *val);
}

/* The value of variable NAME (N bytes) for V into BUF, or NULL. */
static const char *
variable(const char *name, size_t n, const struct verdict *v, char *buf,
    size_t size)
{
#define IS(s)	(n == sizeof(s) - 1 && strncmp(name, s, n) == 0)
	if (IS("verdict"))
		return verdict_auth_name(v->auth);
	if (IS("pin"))
		return verdict_pin_name(v->pin);
	if (IS("case")) {
		if (v->case_number <= 0)
			return "";
		snprintf(buf, size, "%lld", (long long)v->case_number);
		return buf;
	}
	if (IS("account"))
		return v->account;
	if (IS("user"))
		return v->user_id != 0 ? v->from : "";
	return NULL;
#undef IS
}

/* Cut OUT to at most HELPDESK_VALUE_MAX bytes on a character boundary,
 * trim it, RFC 2047-encode it when it is not ASCII. */
static char *
finish_value(GString *out)
{
	char *s, *valid, *enc;
	const char *p;

	if (out->len > HELPDESK_VALUE_MAX) {
		g_string_truncate(out, HELPDESK_VALUE_MAX);
		valid = g_utf8_make_valid(out->str, -1);
		/* a cut character became U+FFFD: drop it */
		if (g_str_has_suffix(valid, "\xef\xbf\xbd"))
			valid[strlen(valid) - 3] = '\0';
	} else
		valid = g_utf8_make_valid(out->str, -1);
	g_string_free(out, TRUE);
	g_strstrip(valid);
	for (p = valid; *p != '\0' && (unsigned char)*p < 0x80; p++)
		;
	if (*p == '\0')
		return valid;
	enc = g_mime_utils_header_encode_text(NULL, valid, "utf-8");
	g_free(valid);
	s = g_strdup(g_strstrip(enc));
	g_free(enc);
	return s;
}

char *
helpdesk_expand(const char *tmpl, const struct verdict *v)
{
	GString *out = g_string_new(NULL);
	char buf[32];
	const char *p, *val, *end;

	for (p = tmpl; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == '%') {
			g_string_append_c(out, '%');
			p++;
		} else if (p[0] == '%' && p[1] == '{' &&
		    (end = strchr(p + 2, '}')) != NULL &&
		    (val = variable(p + 2, (size_t)(end - p - 2), v, buf,
		    sizeof(buf))) != NULL) {
			append_clean(out, val);
			p = end;
		} else
			g_string_append_c(out, (unsigned char)*p < ' ' ? ' ' : *p);
		if (out->len > HELPDESK_VALUE_MAX + 8)
			break;
	}
	return finish_value(out);
}

/* The presets: Znuny/OTRS/OTOBO dynamic fields under PREFIX. */
static void
add_dynamic_fields(struct edits *e, const char *prefix,
    const struct verdict *v)
{
	char name[64], num[32];

	/* each insert goes to the top: last to first */
	if (v->case_number > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)v->case_number);
		snprintf(name, sizeof(name),
		    "%s-FollowUp-DynamicField-SupportCase", prefix);
		edits_insert(e, name, num);
		snprintf(name, sizeof(name), "%s-DynamicField-SupportCase",
		    prefix);
		edits_insert(e, name, num);
	}
	snprintf(name, sizeof(name), "%s-FollowUp-DynamicField-SupportAuth",
	    prefix);
	edits_insert(e, name, verdict_auth_name(v->auth));
	snprintf(name, sizeof(name), "%s-DynamicField-SupportAuth", prefix);
	edits_insert(e, name, verdict_auth_name(v->auth));
}

static void
add_preset(struct edits *e, const char *helpdesk, const struct verdict *v)
{
	char tag[64];

	if (strcmp(helpdesk, "zammad") == 0) {
		snprintf(tag, sizeof(tag), "pin-%s", verdict_auth_name(v->auth));
		edits_insert(e, "X-Zammad-Ticket-FollowUp-Tags", tag);
		edits_insert(e, "X-Zammad-Ticket-Tags", tag);
	} else if (strcmp(helpdesk, "znuny") == 0 ||
	    strcmp(helpdesk, "otrs") == 0)
		add_dynamic_fields(e, "X-OTRS", v);
	else if (strcmp(helpdesk, "otobo") == 0)
		add_dynamic_fields(e, "X-OTOBO", v);
	/* none, rt: nothing beyond our own fields */
}

void
helpdesk_add(struct edits *e, const struct pm_config *cfg,
    const struct verdict *v)
{
	size_t i;

	/* AddHeader lines last to first, so they appear in file order */
	for (i = cfg->add_headers.n; i > 0; i--) {
		const char *line = cfg->add_headers.v[i - 1];
		size_t n = strcspn(line, " \t");
		char *name = g_strndup(line, n);
		char *value = helpdesk_expand(line + n + strspn(line + n, " \t"),
		    v);

		edits_insert(e, name, value);
		g_free(name);
		g_free(value);
	}
	if (cfg->helpdesk != NULL)
		add_preset(e, cfg->helpdesk, v);
}
