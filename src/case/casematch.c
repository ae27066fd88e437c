/*
 * casematch.c - which case a message names: the signed tokens among its
 * In-Reply-To, References and recipients (checked by core/token.c), the
 * subject tag, and an external helpdesk's reference.
 *
 * Security notes: every header, recipient and subject is hostile input.
 * Each field is scanned over at most CASEMATCH_MAX_SCAN bytes (the last
 * ones for References, whose newest entry is last, the first ones
 * elsewhere), at most CASEMATCH_MAX_IDS msg-ids or plus-address
 * candidates per field, CASEMATCH_MAX_FIELDS fields of a name and
 * CASEMATCH_MAX_RCPTS recipients; a msg-id is copied into a fixed buffer
 * and dropped when longer.  Work is linear in the bytes scanned.  The
 * subject tag number is NOT trusted by anyone: it only names a case that
 * the caller then checks against the sender's account.  CaseRefPattern
 * comes from the configuration (trusted, validated at load); it runs over
 * at most CASEMATCH_REF_SCAN bytes of the subject, made valid UTF-8.
 *
 * Diagnostics: none here.  Forged tokens are counted in struct casematch
 * for the caller to audit.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <sodium.h>

#include "case/casematch.h"
#include "util/text.h"

#define MSGID_MAX	998	/* bytes inside <>, white space removed */
#define CASEMATCH_REF_SCAN	(16u * 1024)

/*
 * msg-id lists (RFC 5322 3.6.4, with obsolete syntax): ids in <>,
 * possibly folded, between comments (nested, with quoted-pairs), quoted
 * strings and stray words, which are skipped.
 */

/*
 * Skip the comment (nested) or quoted string starting at P; returns past
 * its end.  An unterminated one runs to END (so work stays linear).
 */
static const char *
skip_nested(const char *p, const char *end)
{
	int depth = 0;

	if (*p == '"') {
		for (p++; p < end; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				return p + 1;
		}
		return end;
	}
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return end;
}

/*
 * The next msg-id at or after *P: copied into ID (MSGID_MAX + 1) without
 * white space, *P advanced past it.  false when there is none.  An id
 * too long for ID is skipped.
 */
static bool
msgid_next(const char **pp, const char *end, char *id, size_t *idlen)
{
	const char *p = *pp, *q;
	size_t n;

	while (p < end) {
		if (*p == '(' || *p == '"') {
			p = skip_nested(p, end);
			continue;
		}
		if (*p++ != '<')
			continue;
		for (q = p, n = 0; q < end && *q != '>' && *q != '<'; q++)
			if (!isspace((unsigned char)*q) && n < MSGID_MAX + 1)
				id[n++] = *q;
		if (q == end || *q == '<') {
			p = q;
			continue;
		}
		p = q + 1;
		if (n == 0 || n > MSGID_MAX)
			continue;
		id[n] = '\0';
		*idlen = n;
		*pp = p;
		return true;
	}
	*pp = end;
	return false;
}

/* The part of VALUE scanned: the first or (FROM_END) the last bytes. */
static void
scan_window(const char *value, bool from_end, const char **start,
    const char **end)
{
	size_t n = strlen(value);

	*start = value;
	*end = value + n;
	if (n > CASEMATCH_MAX_SCAN) {
		if (from_end)
			*start = value + n - CASEMATCH_MAX_SCAN;
		else
			*end = value + CASEMATCH_MAX_SCAN;
	}
}

/*
 * Valid tokens among the msg-ids of VALUE: the first (or with LAST, the
 * last) into *found; forged ones counted.  With LAST only the last
 * CASEMATCH_MAX_IDS ids are looked at, else the first.
 */
static void
scan_msgids(const struct secret_key *key, const char *value, bool last,
    int64_t *found, unsigned *forged)
{
	const char *start, *end, *p;
	char id[MSGID_MAX + 1];
	size_t idlen, count = 0, skip = 0, i;
	int64_t n;

	scan_window(value, last, &start, &end);
	if (last) {
		for (p = start; msgid_next(&p, end, id, &idlen);)
			count++;
		if (count > CASEMATCH_MAX_IDS)
			skip = count - CASEMATCH_MAX_IDS;
	}
	for (p = start, i = 0; i < skip + CASEMATCH_MAX_IDS &&
	    msgid_next(&p, end, id, &idlen); i++) {
		if (i < skip)
			continue;
		switch (token_check_msgid(key, id, idlen, &n)) {
		case TOKEN_VALID:
			if (n > 0 && (last || *found == 0))
				*found = n;
			break;
		case TOKEN_FORGED:
			(*forged)++;
			break;
		default:
			break;
		}
	}
}

/* First valid plus-address token in the first bytes of VALUE. */
static void
scan_rcpt(const struct secret_key *key, const char *value, int64_t *found,
    unsigned *forged)
{
	const char *start, *end, *p;
	unsigned seen = 0;
	int64_t n;

	scan_window(value, false, &start, &end);
	for (p = start; p + 3 <= end && seen < CASEMATCH_MAX_IDS; p++) {
		if (p[0] != '+' || (p[1] != 'c' && p[1] != 'C') || p[2] != '-')
			continue;
		seen++;
		switch (token_check_rcpt(key, p, end, &n)) {
		case TOKEN_VALID:
			if (n > 0 && *found == 0)
				*found = n;
			break;
		case TOKEN_FORGED:
			(*forged)++;
			break;
		default:
			break;
		}
	}
}

/* Run SCAN over every field NAME of HL (at most CASEMATCH_MAX_FIELDS). */
static void
scan_fields(const struct secret_key *key, const struct hdrlist *hl,
    const char *name, int kind, int64_t *found, unsigned *forged)
{
	size_t i, n = hdrlist_count(hl, name);
	const char *v;

	for (i = 1; i <= n && i <= CASEMATCH_MAX_FIELDS; i++) {
		if ((v = hdrlist_get(hl, name, i)) == NULL)
			continue;
		if (kind == 'r')
			scan_rcpt(key, v, found, forged);
		else
			scan_msgids(key, v, kind == 'L', found, forged);
	}
}

/*
 * The subject tag.
 */

/*
 * Does the literal PAT (N bytes) match at S (before END)?  ASCII letters
 * in any case; a run of white space matches any run.  Returns the bytes
 * of S matched, or -1.
 */
static long
tag_literal(const char *pat, size_t n, const char *s, const char *end)
{
	const char *s0 = s, *pe = pat + n;

	while (pat < pe) {
		if (isspace((unsigned char)*pat)) {
			if (s == end || !isspace((unsigned char)*s))
				return -1;
			while (pat < pe && isspace((unsigned char)*pat))
				pat++;
			while (s < end && isspace((unsigned char)*s))
				s++;
			continue;
		}
		if (s == end || g_ascii_tolower(*s) != g_ascii_tolower(*pat))
			return -1;
		s++;
		pat++;
	}
	return (long)(s - s0);
}

/* The first well-formed TAG ("...%n...") in SUBJ; 0 when none. */
static int64_t
tag_find(const char *tag, const char *subj)
{
	const char *n = strstr(tag, "%n"), *pre = tag, *suf, *s, *end;
	size_t plen, slen, nd;
	long m;
	int64_t v;

	if (n == NULL)
		return 0;
	while (pre < n && isspace((unsigned char)*pre))
		pre++;
	plen = (size_t)(n - pre);
	suf = n + 2;
	slen = strlen(suf);
	while (slen > 0 && isspace((unsigned char)suf[slen - 1]))
		slen--;
	scan_window(subj, false, &s, &end);
	for (; s < end; s++) {
		if ((m = tag_literal(pre, plen, s, end)) < 0)
			continue;
		if (plen == 0 && s > subj && isdigit((unsigned char)s[-1]))
			continue;
		nd = token_digits(s + m, end);
		if (token_number_parse(s + m, nd, &v) == -1 || v == 0)
			continue;
		if (tag_literal(suf, slen, s + m + nd, end) < 0)
			continue;
		return v;
	}
	return 0;
}

/* CaseRefPattern's capture in SUBJ into OUT (CASEMATCH_REF_MAX). */
static void
ref_find(const char *pattern, const char *subj, char *out)
{
	GMatchInfo *mi = NULL;
	GRegex *re;
	char *text, *cap = NULL;
	size_t n = strlen(subj), i;

	if (n > CASEMATCH_REF_SCAN)
		n = CASEMATCH_REF_SCAN;
	if ((re = g_regex_new(pattern, 0, 0, NULL)) == NULL)
		return;
	text = g_utf8_make_valid(subj, (gssize)n);
	if (g_regex_get_capture_count(re) == 1 &&
	    g_regex_match(re, text, 0, &mi))
		cap = g_match_info_fetch(mi, 1);
	if (cap != NULL && cap[0] != '\0' && strlen(cap) < CASEMATCH_REF_MAX) {
		for (i = 0; cap[i] != '\0'; i++)
			if ((unsigned char)cap[i] < 0x20 || cap[i] == 0x7f)
				break;
		if (cap[i] == '\0')
			memcpy(out, cap, i + 1);
	}
	g_free(cap);
	g_match_info_free(mi);
	g_free(text);
	g_regex_unref(re);
}

/*
 * Everything together.
 */

void
casematch_parse(const struct secret_key *key, const struct pm_config *cfg,
    const struct hdrlist *hl, const char *subject_utf8,
    const char *const *rcpts, size_t nrcpts, struct casematch *out)
{
	int64_t irt = 0, refs = 0, rcpt = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (key != NULL && hl != NULL) {
		scan_fields(key, hl, "In-Reply-To", 'F', &irt, &out->forged);
		scan_fields(key, hl, "References", 'L', &refs, &out->forged);
	}
	if (key != NULL) {
		for (i = 0; rcpts != NULL && i < nrcpts &&
		    i < CASEMATCH_MAX_RCPTS; i++)
			if (rcpts[i] != NULL)
				scan_rcpt(key, rcpts[i], &rcpt, &out->forged);
	}
	if (key != NULL && hl != NULL) {
		scan_fields(key, hl, "To", 'r', &rcpt, &out->forged);
		scan_fields(key, hl, "Cc", 'r', &rcpt, &out->forged);
	}
	if (irt != 0 || refs != 0) {
		out->token_case = irt != 0 ? irt : refs;
		out->how = CASEMATCH_MESSAGE_ID;
	} else if (rcpt != 0) {
		out->token_case = rcpt;
		out->how = CASEMATCH_RECIPIENT;
	}
	if (subject_utf8 == NULL)
		return;
	out->tag_case = tag_find(cfg != NULL && cfg->case_tag != NULL ?
	    cfg->case_tag : "[Case #%n]", subject_utf8);
	if (cfg != NULL && cfg->case_ref_pattern != NULL)
		ref_find(cfg->case_ref_pattern, subject_utf8,
		    out->external_ref);
	text_clean_line(out->external_ref, out->external_ref,
	    sizeof(out->external_ref));	/* stored and printed later */
}
