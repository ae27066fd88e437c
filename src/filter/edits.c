/*
 * edits.c - header and body edits for a verdict.
 *
 * Security notes: every inbound copy of the fields we write is removed,
 * whatever its case or folding (a client must not be able to pre-tag its
 * own message), and so is every Authentication-Results field claiming our
 * AuthservID; in every message that carries one, in the support scope
 * or not (edits_remove_ours is all the milter does to the others).
 * Values we add contain only our own text and the sender
 * address, which sender.c restricted to safe bytes; they stay well under
 * the 2048-byte milter limit; a UTF-8 account name is RFC 2047 encoded.
 *
 * Diagnostics: none; the caller logs.  Everything here is allocated with
 * GLib and released with g_free: running out of memory aborts.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "mail/ar.h"
#include "mail/decode.h"
#include "filter/edits.h"
#include "filter/helpdesk.h"

#define EDITS_PREFIX	"X-Support-"

void
edits_init(struct edits *e)
{
	memset(e, 0, sizeof(*e));
}

void
edits_clear(struct edits *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		g_free(e->v[i].name);
		g_free(e->v[i].value);
	}
	g_free(e->v);
	g_free(e->body);
	for (i = 0; i < e->nrcpt_del; i++)
		g_free(e->rcpt_del[i]);
	g_free(e->rcpt_del);
	g_free(e->rcpt_add);
	edits_init(e);
}

static void
edits_push(struct edits *e, enum edit_op op, const char *name, size_t index,
    const char *value)
{
	struct edit *ed;

	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->v = g_renew(struct edit, e->v, e->cap);
	}
	ed = &e->v[e->n++];
	ed->op = op;
	ed->index = index;
	ed->name = g_strdup(name);
	ed->value = g_strdup(value);		/* NULL stays NULL */
}

void
edits_change(struct edits *e, const char *name, size_t index,
    const char *value)
{
	edits_push(e, EDIT_CHANGE, name, index, value);
}

void
edits_insert(struct edits *e, const char *name, const char *value)
{
	edits_push(e, EDIT_INSERT, name, 0, value);
}

void
edits_del_rcpt(struct edits *e, const char *rcpt)
{
	e->rcpt_del = g_renew(char *, e->rcpt_del, e->nrcpt_del + 1);
	e->rcpt_del[e->nrcpt_del++] = g_strdup(rcpt);
}

void
edits_add_rcpt(struct edits *e, const char *rcpt)
{
	g_free(e->rcpt_add);
	e->rcpt_add = g_strdup(rcpt);
}

void
edits_set_body(struct edits *e, char *body, size_t len)
{
	g_free(e->body);
	e->body = body;
	e->body_len = len;
}

/* Was NAME already handled (an earlier field of the same name, any case)? */
static int
seen_before(const struct hdrlist *hl, size_t upto, const char *name)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (strcasecmp(hl->v[i].name, name) == 0)
			return 1;
	return 0;
}

size_t
edits_remove_ours(struct edits *e, const struct pm_config *cfg,
    const struct hdrlist *hl)
{
	size_t i, k, count, before = e->n;
	char id[256];

	for (i = 0; i < hl->n; i++) {
		const char *name = hl->v[i].name;

		if (strncasecmp(name, EDITS_PREFIX, strlen(EDITS_PREFIX)) != 0 ||
		    seen_before(hl, i, name))
			continue;
		for (k = hdrlist_count(hl, name); k > 0; k--)
			edits_change(e, name, k, NULL);
	}
	count = hdrlist_count(hl, "Authentication-Results");
	for (k = count; k > 0; k--) {
		const char *v = hdrlist_get(hl, "Authentication-Results", k);

		/* A cut or missing id cannot be ours; ours is never cut. */
		if (ar_authserv_id(v, id, sizeof(id)) &&
		    strcasecmp(id, cfg->authserv_id) == 0)
			edits_change(e, "Authentication-Results", k, NULL);
	}
	return e->n - before;
}

char *
edits_ar_value(const struct pm_config *cfg, const struct verdict *v)
{
	char buf[1024];
	int n;

	if (v->from[0] != '\0')
		n = snprintf(buf, sizeof(buf), "%s;\n\tx-pin=%s (%s)\n\theader.from=%s",
		    cfg->authserv_id, verdict_pin_name(v->pin), v->reason, v->from);
	else
		n = snprintf(buf, sizeof(buf), "%s;\n\tx-pin=%s (%s)",
		    cfg->authserv_id, verdict_pin_name(v->pin), v->reason);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return NULL;
	return g_strdup(buf);
}

int
edits_for_verdict(struct edits *e, const struct pm_config *cfg,
    const struct hdrlist *hl, const struct verdict *v)
{
	char *ar;

	(void)edits_remove_ours(e, cfg, hl);
	/* the helpdesk's control fields: removed, then set (below ours) */
	(void)helpdesk_remove(e, cfg, hl);
	/* Each insert goes to the top: add them last to first. */
	helpdesk_add(e, cfg, v);
	if (v->intent.rule != NULL) {
		char d[INTENT_DESCRIBE_MAX];

		edits_insert(e, "X-Support-Intent",
		    intent_describe(&v->intent, d, sizeof(d)));
	}
	if (v->account[0] != '\0') {
		/* account names may be UTF-8: RFC 2047 keeps the field 7-bit */
		char *acct = g_mime_utils_header_encode_text(NULL, v->account,
		    "utf-8");

		edits_insert(e, "X-Support-Account", g_strstrip(acct));
		g_free(acct);
	}
	if (v->case_number > 0) {
		char num[32];

		snprintf(num, sizeof(num), "%lld", (long long)v->case_number);
		edits_insert(e, "X-Support-Case", num);
	}
	edits_insert(e, "X-Support-Auth", verdict_auth_name(v->auth));
	if ((ar = edits_ar_value(cfg, v)) == NULL)
		return -1;
	edits_insert(e, "Authentication-Results", ar);
	g_free(ar);
	return 0;
}

char *
edits_subject_value(const char *utf8)
{
	char *cut, *enc, *line, *folded, *v;
	size_t n;

	if (g_utf8_strlen(utf8, -1) > EDITS_SUBJECT_CHARS) {
		char *head = g_utf8_substring(utf8, 0, EDITS_SUBJECT_CHARS);

		cut = g_strconcat(head, "...", NULL);
		g_free(head);
	} else {
		cut = g_strdup(utf8);
	}
	enc = g_mime_utils_header_encode_text(NULL, cut, "utf-8");
	g_free(cut);
	line = g_strconcat("Subject: ", g_strstrip(enc), NULL);
	g_free(enc);
	folded = g_mime_utils_unstructured_header_fold(NULL, NULL, line);
	g_free(line);
	/* "Subject: VALUE\n" -> "VALUE" */
	v = g_strdup(folded + (strncmp(folded, "Subject:", 8) == 0 ? 8 : 0));
	g_free(folded);
	n = strlen(v);
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
		v[--n] = '\0';
	return g_strchug(v);
}

void
edits_tag_subject(struct edits *e, const struct hdrlist *hl, const char *tag)
{
	const char *raw = hdrlist_get(hl, "Subject", 1);
	size_t i;
	char *v;

	for (i = 0; i < e->n; i++) {
		struct edit *ed = &e->v[i];

		if (ed->op == EDIT_CHANGE && ed->index == 1 && ed->value != NULL &&
		    strcasecmp(ed->name, "Subject") == 0) {
			v = g_strdup_printf("%s %s", tag, ed->value);
			g_free(ed->value);
			ed->value = v;
			return;
		}
	}
	if (raw == NULL) {
		edits_insert(e, "Subject", tag);
		return;
	}
	while (*raw == ' ' || *raw == '\t')
		raw++;
	if (strlen(raw) > EDITS_VALUE_MAX) {
		/* too long to prefix as it is: decoded, cut, encoded again */
		char *dec = decode_header(raw);
		char *text = g_strdup_printf("%s %s", tag, dec);

		v = edits_subject_value(text);
		g_free(text);
		g_free(dec);
	} else if (*raw == '\0') {
		v = g_strdup(tag);
	} else {
		v = g_strdup_printf("%s %s", tag, raw);
	}
	edits_change(e, "Subject", 1, v);
	g_free(v);
}

int
edits_apply(const struct edits *e, struct hdrlist *hl)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		const struct edit *ed = &e->v[i];

		if (ed->op == EDIT_INSERT)
			hdrlist_insert(hl, 0, ed->name, ed->value);
		else if (hdrlist_change(hl, ed->name, ed->index,
		    ed->value) != 0)
			return -1;
	}
	return 0;
}
