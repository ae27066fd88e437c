/*
 * casematch.c - make and read the signed tokens that thread replies into
 * cases; find the subject tag and an external helpdesk's reference.
 *
 * Tokens (their format is in casematch.h) carry a full 32-byte MAC made
 * with secret_mac() under the server key, with a purpose string per kind
 * ("msgid", "rcpt") so one kind can never stand for the other.  Base32
 * decoding is strict: exactly 52 characters of the RFC 4648 alphabet in
 * either case, and the 4 unused low bits of the last character must be
 * zero, so a token has exactly one spelling per letter case and changing
 * any character changes the MAC it stands for.
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

#include "casematch.h"

#define B32_MAC_LEN	52	/* base32 of SECRET_HASH_BYTES, no padding */
#define NONCE_BYTES	8
#define NONCE_HEX	(2 * NONCE_BYTES)
#define MSGID_MAX	998	/* bytes inside <>, white space removed */
#define NUM_MAX		32	/* decimal case number + NUL, with room */
#define CASEMATCH_REF_SCAN	(16u * 1024)

static const char b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

/*
 * Base32 (RFC 4648), lowercase, no padding.
 */

/* Encode LEN bytes of IN into OUT (room for (LEN*8+4)/5 + 1). */
static void
b32_encode(const unsigned char *in, size_t len, char *out)
{
	unsigned buf = 0, bits = 0;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = b32_alphabet[(buf >> bits) & 31];
		}
	}
	if (bits > 0)
		out[n++] = b32_alphabet[(buf << (5 - bits)) & 31];
	out[n] = '\0';
}

/* Value of one base32 character, either case; -1 if not one. */
static int
b32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/*
 * Decode exactly N characters at IN into exactly OUTLEN bytes; the
 * unused low bits of the last character must be zero.  0 ok, -1 bad.
 */
static int
b32_decode(const char *in, size_t n, unsigned char *out, size_t outlen)
{
	unsigned buf = 0, bits = 0;
	size_t i, o = 0;
	int v;

	if (n != (outlen * 8 + 4) / 5)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b32_value(in[i])) < 0)
			return -1;
		buf = (buf << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(buf >> bits);
		}
		buf &= (1u << bits) - 1;
	}
	return (o == outlen && buf == 0) ? 0 : -1;
}

/* Are the N bytes at P all base32 characters? */
static bool
b32_shape(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b32_value(p[i]) < 0)
			return false;
	return true;
}

/*
 * Making tokens.
 */

static void
mac_b32(const struct secret_key *key, const char *purpose, const char *msg,
    char out[B32_MAC_LEN + 1])
{
	unsigned char mac[SECRET_HASH_BYTES];

	secret_mac(key, purpose, msg, strlen(msg), mac);
	b32_encode(mac, sizeof(mac), out);
	sodium_memzero(mac, sizeof(mac));
}

static bool
domain_ok(const char *d)
{
	const char *p;

	if (d == NULL || *d == '\0' || strlen(d) > 255)
		return false;
	for (p = d; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>@()[]\\\",;:", *p))
			return false;
	return true;
}

char *
casematch_message_id(const struct secret_key *key, int64_t number,
    const char *domain)
{
	unsigned char nonce[NONCE_BYTES];
	char hex[NONCE_HEX + 1], msg[NUM_MAX + NONCE_HEX + 2];
	char mac[B32_MAC_LEN + 1];

	if (key == NULL || number < 0 || !domain_ok(domain))
		return NULL;
	randombytes_buf(nonce, sizeof(nonce));
	(void)sodium_bin2hex(hex, sizeof(hex), nonce, sizeof(nonce));
	(void)snprintf(msg, sizeof(msg), "%" PRId64 ".%s", number, hex);
	mac_b32(key, "msgid", msg, mac);
	return g_strdup_printf("<pm-%s.%s@%s>", msg, mac, domain);
}

char *
casematch_reply_to(const struct secret_key *key, int64_t number,
    const char *support_addr)
{
	char msg[NUM_MAX], mac[B32_MAC_LEN + 1];
	const char *at;

	if (key == NULL || number < 0 || support_addr == NULL ||
	    (at = strrchr(support_addr, '@')) == NULL || at == support_addr ||
	    !domain_ok(at + 1))
		return NULL;
	(void)snprintf(msg, sizeof(msg), "%" PRId64, number);
	mac_b32(key, "rcpt", msg, mac);
	return g_strdup_printf("%.*s+c-%s-%s@%s", (int)(at - support_addr),
	    support_addr, msg, mac, at + 1);
}

const char *
casematch_notice_domain(const struct pm_config *cfg)
{
	const char *at = NULL;

	if (cfg == NULL)
		return NULL;
	if (cfg->notice_from != NULL)
		at = strrchr(cfg->notice_from, '@');
	else if (cfg->support_addresses.n > 0)
		at = strrchr(cfg->support_addresses.v[0], '@');
	return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

/*
 * Reading tokens.
 */

enum tok { TOK_NOT_OURS, TOK_VALID, TOK_FORGED };

/*
 * A case number of N digits at P: no sign, no leading zero (but "0"),
 * at most INT64_MAX.  0 ok, -1 bad.
 */
static int
number_parse(const char *p, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 19 || (p[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]) ||
		    v > (INT64_MAX - (p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

static size_t
digits(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && isdigit((unsigned char)*q))
		q++;
	return (size_t)(q - p);
}

/* Is the MAC at B32 (B32_MAC_LEN chars) right for MSG under PURPOSE? */
static enum tok
mac_check(const struct secret_key *key, const char *purpose, const char *msg,
    const char *b32)
{
	unsigned char mac[SECRET_HASH_BYTES];
	enum tok t = TOK_FORGED;

	if (b32_decode(b32, B32_MAC_LEN, mac, sizeof(mac)) == 0 &&
	    secret_mac_verify(key, purpose, msg, strlen(msg), mac))
		t = TOK_VALID;
	sodium_memzero(mac, sizeof(mac));
	return t;
}

/* ID (LEN bytes, no <>, no white space): "pm-N.NONCE.MAC@DOMAIN"? */
static enum tok
token_msgid(const struct secret_key *key, const char *id, size_t len,
    int64_t *number)
{
	const char *end = id + len, *p = id + 3, *nonce, *mac;
	char msg[NUM_MAX + NONCE_HEX + 2];
	size_t nd, i;

	if (len < 3 || g_ascii_strncasecmp(id, "pm-", 3) != 0)
		return TOK_NOT_OURS;
	nd = digits(p, end);
	nonce = p + nd + 1;
	mac = nonce + NONCE_HEX + 1;
	if (nd == 0 || mac + B32_MAC_LEN + 2 > end || p[nd] != '.' ||
	    mac[-1] != '.' || mac[B32_MAC_LEN] != '@' ||
	    number_parse(p, nd, number) == -1)
		return TOK_NOT_OURS;
	for (i = 0; i < NONCE_HEX; i++)
		if (!isxdigit((unsigned char)nonce[i]))
			return TOK_NOT_OURS;
	if (!b32_shape(mac, B32_MAC_LEN))
		return TOK_NOT_OURS;
	(void)snprintf(msg, sizeof(msg), "%" PRId64 ".%.*s", *number,
	    NONCE_HEX, nonce);
	for (i = nd + 1; msg[i] != '\0'; i++)
		msg[i] = g_ascii_tolower(msg[i]);
	return mac_check(key, "msgid", msg, mac);
}

/* At P (before END) "+c-N-MAC@": a plus-address token? */
static enum tok
token_rcpt(const struct secret_key *key, const char *p, const char *end,
    int64_t *number)
{
	const char *mac;
	char msg[NUM_MAX];
	size_t nd;

	p += 3;
	nd = digits(p, end);
	mac = p + nd + 1;
	if (nd == 0 || mac + B32_MAC_LEN + 1 > end || p[nd] != '-' ||
	    mac[B32_MAC_LEN] != '@' || !b32_shape(mac, B32_MAC_LEN) ||
	    number_parse(p, nd, number) == -1)
		return TOK_NOT_OURS;
	(void)snprintf(msg, sizeof(msg), "%" PRId64, *number);
	return mac_check(key, "rcpt", msg, mac);
}

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
		switch (token_msgid(key, id, idlen, &n)) {
		case TOK_VALID:
			if (n > 0 && (last || *found == 0))
				*found = n;
			break;
		case TOK_FORGED:
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
		switch (token_rcpt(key, p, end, &n)) {
		case TOK_VALID:
			if (n > 0 && *found == 0)
				*found = n;
			break;
		case TOK_FORGED:
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
		nd = digits(s + m, end);
		if (number_parse(s + m, nd, &v) == -1 || v == 0)
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
}
