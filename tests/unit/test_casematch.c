/*
 * test_casematch.c - threading tokens and case references: Message-ID and
 * Reply-To round trips checked against an independent base32 encoder,
 * every altered character refused and counted as forged, other keys,
 * truncation, letter case, References long and hostile (bounded),
 * folding and comments, recipients, precedence between several tokens,
 * subject tags and CaseRefPattern captures.
 *
 * Keys are created with secret_key_create in a private mkdtemp directory,
 * removed at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "case/casematch.h"
#include "core/config.h"
#include "mail/hdrlist.h"
#include "core/secret.h"
#include "tap.h"
#include "testutil.h"

static struct secret_key *key1, *key2;

/*
 * An encoder written differently from casematch.c's (bit by bit), so a
 * shared mistake is unlikely.
 */
static void
ref_b32(const unsigned char *in, size_t len, char *out)
{
	static const char a[] = "abcdefghijklmnopqrstuvwxyz234567";
	size_t bit, nbits = len * 8, o = 0;
	unsigned v;
	int j;

	for (bit = 0; bit < nbits; bit += 5) {
		v = 0;
		for (j = 0; j < 5; j++) {
			size_t b = bit + (size_t)j;

			v <<= 1;
			if (b < nbits && (in[b / 8] & (0x80 >> (b % 8))))
				v |= 1;
		}
		out[o++] = a[v];
	}
	out[o] = '\0';
}

static void
test_ref_b32(void)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "my" }, { "fo", "mzxq" }, { "foo", "mzxw6" },
		{ "foob", "mzxw6yq" }, { "fooba", "mzxw6ytb" },
		{ "foobar", "mzxw6ytboi" },
	};
	char out[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ref_b32((const unsigned char *)v[i][0], strlen(v[i][0]), out);
		is_str(out, v[i][1], "reference base32 of \"%s\" (RFC 4648)",
		    v[i][0]);
	}
}

/* The expected MAC text for PURPOSE over MSG under KEY. */
static void
want_mac(const struct secret_key *key, const char *purpose, const char *msg,
    char out[64])
{
	unsigned char mac[SECRET_HASH_BYTES];

	secret_mac(key, purpose, msg, strlen(msg), mac);
	ref_b32(mac, sizeof(mac), out);
}

/* The expected Reply-To MAC text: the first 16 bytes, purpose rcpt16. */
static void
want_mac16(const struct secret_key *key, const char *msg, char out[64])
{
	unsigned char mac[SECRET_HASH_BYTES];

	secret_mac(key, "rcpt16", msg, strlen(msg), mac);
	ref_b32(mac, 16, out);
}

/* Parse with one header field NAME: VALUE and nothing else. */
static void
parse1(const char *name, const char *value, struct casematch *m)
{
	struct hdrlist hl;

	hdrlist_init(&hl);
	hdrlist_add(&hl, name, value);
	casematch_parse(key1, NULL, &hl, NULL, NULL, 0, m);
	hdrlist_clear(&hl);
}

static void
parse_rcpt(const char *rcpt, struct casematch *m)
{
	const char *r[1] = { rcpt };

	casematch_parse(key1, NULL, NULL, NULL, r, 1, m);
}

static const int64_t numbers[] = {
	1, 9, 10, 100000, 100042, 999999999, 1234567890123LL, INT64_MAX,
};
#define NNUMBERS	(sizeof(numbers) / sizeof(numbers[0]))

/* Message-ID: shape, MAC, uniqueness, round trip. */
static void
test_message_id(void)
{
	char want[64], msg[64], mac[64], prefix[64];
	struct casematch m;
	size_t i, plen;
	char *id, *id2;

	for (i = 0; i < NNUMBERS; i++) {
		id = token_message_id(key1, numbers[i], "example.com");
		plen = (size_t)snprintf(prefix, sizeof(prefix), "<pm-%" PRId64 ".",
		    numbers[i]);
		ok(id != NULL && strncmp(id, prefix, plen) == 0 &&
		    strlen(id) == plen + 16 + 1 + 52 + strlen("@example.com>") &&
		    strspn(id + plen, "0123456789abcdef") == 16 &&
		    id[plen + 16] == '.' &&
		    strcmp(id + plen + 17 + 52, "@example.com>") == 0,
		    "message-id for %" PRId64 " has the shape <pm-N.NONCE.MAC@d>",
		    numbers[i]);
		if (id == NULL)
			continue;
		(void)snprintf(msg, sizeof(msg), "%.*s", (int)(plen - 4 + 16),
		    id + 4);
		want_mac(key1, "msgid", msg, want);
		(void)snprintf(mac, sizeof(mac), "%.52s", id + plen + 17);
		is_str(mac, want, "message-id MAC for %" PRId64 " is base32 of "
		    "secret_mac(msgid, N.NONCE)", numbers[i]);
		parse1("In-Reply-To", id, &m);
		ok(m.token_case == numbers[i] && m.how == CASEMATCH_MESSAGE_ID &&
		    m.forged == 0 && m.tag_case == 0 && m.external_ref[0] == '\0',
		    "In-Reply-To %" PRId64 " round trip", numbers[i]);
		id2 = token_message_id(key1, numbers[i], "example.com");
		ok(id2 != NULL && strcmp(id, id2) != 0,
		    "two message-ids for %" PRId64 " differ", numbers[i]);
		g_free(id2);
		g_free(id);
	}
	id = token_message_id(key1, 0, "example.com");
	parse1("In-Reply-To", id, &m);
	ok(id != NULL && m.token_case == 0 && m.how == CASEMATCH_NONE &&
	    m.forged == 0, "case 0 token: valid, names no case, not forged");
	g_free(id);
	ok(token_message_id(key1, -1, "example.com") == NULL,
	    "negative number: no message-id");
	ok(token_message_id(key1, 1, NULL) == NULL, "NULL domain refused");
	ok(token_message_id(key1, 1, "") == NULL, "empty domain refused");
	ok(token_message_id(key1, 1, "a b") == NULL, "domain with space");
	ok(token_message_id(key1, 1, "a>b") == NULL, "domain with >");
	ok(token_message_id(key1, 1, "a@b") == NULL, "domain with @");
	ok(token_message_id(NULL, 1, "a.b") == NULL, "no key");
}

/*
 * RFC 5321's 64-octet local part: a 16-character support local part with
 * a 6-digit case number fits (with room); one that cannot fit gets no
 * token; the 52-character form of earlier versions still threads, and a
 * 52-character MAC made for the short form's purpose does not.
 */
static void
test_reply_to_length(void)
{
	char want[64], *a, *old;
	struct casematch m;

	a = token_reply_to(key1, 999999, "sixteen-chars-xx@example.com");
	ok(a != NULL && strchr(a, '@') - a == 16 + 3 + 6 + 1 + 26,
	    "16-character local part, case 999999: %s (%d octets)",
	    a != NULL ? a : "(null)", a != NULL ? (int)(strchr(a, '@') - a) : 0);
	ok(token_reply_to_fits(999999, "sixteen-chars-xx@example.com"),
	    "... fits");
	g_free(a);
	ok(token_reply_to_fits(100000,
	    "a-support-address-28-octetsx@example.com"), "28 octets: 64 exactly");
	ok(!token_reply_to_fits(100000,
	    "a-support-address-29-octetsxy@example.com"), "29 octets: too long");
	ok(token_reply_to(key1, 100000,
	    "a-support-address-29-octetsxy@example.com") == NULL,
	    "too long: no token (replies thread by Message-ID)");
	ok(!token_reply_to_fits(1, NULL) && !token_reply_to_fits(-1,
	    "support@example.com"), "fits: NULL and negative refused");

	want_mac(key1, "rcpt", "100042", want);
	old = g_strdup_printf("support+c-100042-%s@example.com", want);
	parse_rcpt(old, &m);
	ok(m.token_case == 100042 && m.forged == 0,
	    "the 52-character form of earlier notices still threads");
	g_free(old);
	want_mac(key1, "rcpt16", "100042", want);
	old = g_strdup_printf("support+c-100042-%s@example.com", want);
	parse_rcpt(old, &m);
	ok(m.token_case == 0 && m.forged == 1,
	    "a 52-character MAC under the short form's purpose: forged");
	g_free(old);
	want_mac16(key1, "100042", want);
	old = g_strdup_printf("support+c-100042-%.25s@example.com", want);
	parse_rcpt(old, &m);
	ok(m.token_case == 0 && m.forged == 0, "25 characters: not ours");
	g_free(old);
}

/* Reply-To: shape, MAC, round trip through envelope, To and Cc. */
static void
test_reply_to(void)
{
	char want[64], expect[256], msg[32];
	struct casematch m;
	struct hdrlist hl;
	size_t i;
	char *a;

	for (i = 0; i < NNUMBERS; i++) {
		a = token_reply_to(key1, numbers[i], "support@example.com");
		(void)snprintf(msg, sizeof(msg), "%" PRId64, numbers[i]);
		want_mac16(key1, msg, want);
		(void)snprintf(expect, sizeof(expect),
		    "support+c-%s-%s@example.com", msg, want);
		is_str(a, expect, "reply-to for %s", msg);
		ok(a == NULL || strchr(a, '@') - a <= 64 ||
		    strlen(msg) > 27, "reply-to %s: local part %d octets",
		    msg, a != NULL ? (int)(strchr(a, '@') - a) : -1);
		if (a == NULL)
			continue;
		parse_rcpt(a, &m);
		ok(m.token_case == numbers[i] && m.how == CASEMATCH_RECIPIENT &&
		    m.forged == 0, "envelope recipient %s round trip", msg);
		(void)snprintf(expect, sizeof(expect), "<%s>", a);
		parse_rcpt(expect, &m);
		ok(m.token_case == numbers[i], "envelope <recipient> %s", msg);
		(void)snprintf(expect, sizeof(expect),
		    "\"Support\" <%s>, other@example.org", a);
		parse1("To", expect, &m);
		ok(m.token_case == numbers[i] && m.how == CASEMATCH_RECIPIENT,
		    "To: with a display name %s", msg);
		hdrlist_init(&hl);
		hdrlist_add(&hl, "To", "other@example.org");
		hdrlist_add(&hl, "Cc", a);
		casematch_parse(key1, NULL, &hl, NULL, NULL, 0, &m);
		hdrlist_clear(&hl);
		ok(m.token_case == numbers[i], "Cc: %s", msg);
		g_free(a);
	}
	ok(token_reply_to(key1, -5, "support@example.com") == NULL,
	    "reply-to: negative number refused");
	ok(token_reply_to(key1, 5, "support") == NULL,
	    "reply-to: address without @ refused");
	ok(token_reply_to(key1, 5, "@example.com") == NULL,
	    "reply-to: address without local part refused");
	ok(token_reply_to(key1, 5, "support@") == NULL,
	    "reply-to: address without domain refused");
	ok(token_reply_to(key1, 5, NULL) == NULL, "reply-to: NULL refused");
	a = token_reply_to(key1, 5, "help.desk+x@example.com");
	ok(a != NULL && strncmp(a, "help.desk+x+c-5-", 16) == 0,
	    "reply-to keeps a local part with +");
	parse_rcpt(a, &m);
	ok(m.token_case == 5, "... and reads back");
	g_free(a);
	test_reply_to_length();
}

/* Another base32 character at position I of S (length 52 at MAC). */
static void
flip(char *mac, size_t i)
{
	static const char a[] = "abcdefghijklmnopqrstuvwxyz234567";
	const char *p = strchr(a, g_ascii_tolower(mac[i]));

	mac[i] = a[((p != NULL ? p - a : 0) + 1) % 32];
}

/* Every MAC character changed, the number changed, another key. */
static void
test_altered(void)
{
	struct casematch m;
	char *id, *a, *alt, *mac;
	size_t i, plen = strlen("<pm-100042.") + 17, rlen;
	unsigned good_id = 0, good_rcpt = 0;

	id = token_message_id(key1, 100042, "example.com");
	a = token_reply_to(key1, 100042, "support@example.com");
	if (id == NULL || a == NULL) {
		ok(0, "tokens made");
		return;
	}
	rlen = strlen("support+c-100042-");
	for (i = 0; i < 52; i++) {
		alt = g_strdup(id);
		flip(alt + plen, i);
		parse1("In-Reply-To", alt, &m);
		if (m.token_case == 0 && m.forged == 1)
			good_id++;
		else
			ok(0, "message-id with MAC character %zu changed: %s",
			    i, alt);
		g_free(alt);
		if (i >= 26)
			continue;
		alt = g_strdup(a);
		flip(alt + rlen, i);
		parse_rcpt(alt, &m);
		if (m.token_case == 0 && m.forged == 1)
			good_rcpt++;
		else
			ok(0, "reply-to with MAC character %zu changed: %s",
			    i, alt);
		g_free(alt);
	}
	is_int(good_id, 52, "each of the 52 MAC characters changed in a "
	    "message-id: refused, forged");
	is_int(good_rcpt, 26, "each of the 26 MAC characters changed in a "
	    "reply-to: refused, forged");

	/* a nonce digit changed */
	alt = g_strdup(id);
	alt[strlen("<pm-100042.")] = alt[strlen("<pm-100042.")] == '0' ?
	    '1' : '0';
	parse1("In-Reply-To", alt, &m);
	ok(m.token_case == 0 && m.forged == 1, "nonce changed: forged");
	g_free(alt);

	/* the number changed, MAC kept */
	alt = g_strdup(id);
	alt[strlen("<pm-10004")] = '3';
	parse1("In-Reply-To", alt, &m);
	ok(m.token_case == 0 && m.forged == 1,
	    "message-id for 100043 with 100042's MAC: forged");
	g_free(alt);
	alt = g_strdup(a);
	alt[strlen("support+c-10004")] = '3';
	parse_rcpt(alt, &m);
	ok(m.token_case == 0 && m.forged == 1,
	    "reply-to for 100043 with 100042's MAC: forged");
	g_free(alt);
	alt = g_strdup_printf("<pm-1100042.%s", id + strlen("<pm-100042."));
	parse1("In-Reply-To", alt, &m);
	ok(m.token_case == 0 && m.forged == 1, "a digit added: forged");
	g_free(alt);

	/* a message-id MAC used as a reply-to MAC and the reverse */
	mac = g_strndup(id + plen, 52);
	alt = g_strdup_printf("support+c-100042-%s@example.com", mac);
	parse_rcpt(alt, &m);
	ok(m.token_case == 0 && m.forged == 1,
	    "a message-id MAC does not serve as a reply-to MAC");
	g_free(alt);
	g_free(mac);

	/* truncated MAC: not our shape, ignored, not forged */
	alt = g_strdup(id);
	memmove(alt + plen + 51, alt + plen + 52, strlen(alt + plen + 52) + 1);
	parse1("In-Reply-To", alt, &m);
	ok(m.token_case == 0 && m.forged == 0,
	    "message-id with a 51-character MAC: not ours");
	g_free(alt);
	alt = g_strdup(a);
	memmove(alt + rlen + 20, alt + rlen + 26, strlen(alt + rlen + 26) + 1);
	parse_rcpt(alt, &m);
	ok(m.token_case == 0 && m.forged == 0,
	    "reply-to with a 20-character MAC: not ours");
	g_free(alt);
	alt = g_strdup_printf("%.*sA%s", (int)(plen + 52), id, id + plen + 52);
	parse1("In-Reply-To", alt, &m);
	ok(m.token_case == 0 && m.forged == 0,
	    "message-id with a 53-character MAC: not ours");
	g_free(alt);
	alt = g_strdup(id);
	alt[plen + 3] = '1';	/* '1' is not base32 */
	parse1("In-Reply-To", alt, &m);
	ok(m.token_case == 0 && m.forged == 0,
	    "message-id MAC with a non-base32 character: not ours");
	g_free(alt);

	/* letter case does not matter */
	alt = g_ascii_strup(id, -1);
	parse1("In-Reply-To", alt, &m);
	ok(m.token_case == 100042 && m.forged == 0,
	    "message-id in upper case (prefix, nonce, MAC, domain) accepted");
	g_free(alt);
	alt = g_ascii_strup(a, -1);
	parse_rcpt(alt, &m);
	ok(m.token_case == 100042 && m.forged == 0,
	    "reply-to in upper case accepted");
	g_free(alt);

	/* the domain does not matter (the MAC decides) */
	alt = g_strdup_printf("%.*s@elsewhere.example>", (int)(plen + 52), id);
	parse1("References", alt, &m);
	ok(m.token_case == 100042, "message-id under another domain accepted");
	g_free(alt);

	/* leading zero: not our shape */
	alt = g_strdup_printf("<pm-0100042.%s", id + strlen("<pm-100042."));
	parse1("In-Reply-To", alt, &m);
	ok(m.token_case == 0 && m.forged == 0, "leading zero: not ours");
	g_free(alt);

	/* another key */
	g_free(id);
	g_free(a);
	id = token_message_id(key2, 100042, "example.com");
	a = token_reply_to(key2, 100042, "support@example.com");
	parse1("In-Reply-To", id, &m);
	ok(m.token_case == 0 && m.forged == 1,
	    "message-id made with another key: forged");
	parse_rcpt(a, &m);
	ok(m.token_case == 0 && m.forged == 1,
	    "reply-to made with another key: forged");
	g_free(id);
	g_free(a);
}

/* References: many ids, folding, comments, huge and hostile values. */
static void
test_references(void)
{
	struct casematch m;
	GString *s;
	char *id, *id2, *v;
	int i;

	id = token_message_id(key1, 100077, "example.com");
	s = g_string_new(NULL);
	for (i = 0; i < 20; i++)
		g_string_append_printf(s, "%s<msg%d.%d@mail.example.org>",
		    i ? "\r\n " : "", i, i * 7);
	g_string_append_printf(s, "\r\n %s", id);
	for (i = 20; i < 40; i++)
		g_string_append_printf(s, "\r\n\t<x%d@y.example>", i);
	parse1("References", s->str, &m);
	ok(m.token_case == 100077 && m.how == CASEMATCH_MESSAGE_ID &&
	    m.forged == 0, "token among 40 other ids, folded with CRLF+WSP");
	g_string_free(s, TRUE);

	v = g_strdup_printf("<a@b> (comment <pm-1.0123456789abcdef.%s@x>) "
	    "\"quoted <q@r>\" %s (trailing)",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", id);
	parse1("References", v, &m);
	ok(m.token_case == 100077 && m.forged == 0,
	    "a forged-looking id inside a comment is not read");
	g_free(v);
	v = g_strdup_printf("<a@b> (nested (comment) %s)", id);
	parse1("References", v, &m);
	ok(m.token_case == 0, "a token inside a nested comment is not read");
	g_free(v);
	v = g_strdup_printf("(esc \\) still comment) %s", id);
	parse1("In-Reply-To", v, &m);
	ok(m.token_case == 100077, "quoted-pair in a comment");
	g_free(v);
	v = g_strdup_printf("Your message of Monday %s", id);
	parse1("In-Reply-To", v, &m);
	ok(m.token_case == 100077, "obsolete phrase before the id");
	g_free(v);
	v = g_strdup_printf("<broken %s", id);
	parse1("In-Reply-To", v, &m);
	ok(m.token_case == 100077, "an unclosed < before the id");
	g_free(v);
	/* folded inside the id (some broken MUAs) */
	v = g_strdup(id);
	v[40] = '\0';
	id2 = g_strdup_printf("%s\r\n %s", v, id + 40);
	parse1("In-Reply-To", id2, &m);
	ok(m.token_case == 100077, "white space inside the brackets removed");
	g_free(v);
	g_free(id2);

	/* 1 MB of garbage ids, the token last: found (the end is read) */
	s = g_string_new(NULL);
	for (i = 0; s->len < 1024 * 1024; i++)
		g_string_append_printf(s, "<junk%d@example.net> ", i);
	g_string_append(s, id);
	parse1("References", s->str, &m);
	ok(m.token_case == 100077, "1 MB References, token last: found");
	/* the same with the token first: beyond the window, not read */
	g_string_prepend(s, " ");
	g_string_prepend(s, id);
	g_string_truncate(s, s->len - strlen(id));
	parse1("References", s->str, &m);
	ok(m.token_case == 0, "1 MB References, token first: not read");
	/* 101 ids after the token within 64 KB: not read either */
	g_string_truncate(s, 0);
	g_string_append(s, id);
	for (i = 0; i < 101; i++)
		g_string_append_printf(s, " <j%d@x>", i);
	parse1("References", s->str, &m);
	ok(m.token_case == 0, "token followed by 101 ids: only the last 100 "
	    "are read");
	g_string_truncate(s, 0);
	g_string_append(s, id);
	for (i = 0; i < 99; i++)
		g_string_append_printf(s, " <j%d@x>", i);
	parse1("References", s->str, &m);
	ok(m.token_case == 100077, "token followed by 99 ids: read");
	/* In-Reply-To: the first 100 ids */
	g_string_truncate(s, 0);
	for (i = 0; i < 100; i++)
		g_string_append_printf(s, "<j%d@x> ", i);
	g_string_append(s, id);
	parse1("In-Reply-To", s->str, &m);
	ok(m.token_case == 0, "In-Reply-To: the 101st id is not read");

	/* hostile shapes: must end, find nothing, count nothing */
	g_string_truncate(s, 0);
	while (s->len < 1024 * 1024)
		g_string_append_c(s, '(');
	g_string_append(s, id);
	parse1("References", s->str, &m);
	ok(m.token_case == 0 && m.forged == 0, "1 MB of '(': nothing");
	g_string_truncate(s, 0);
	while (s->len < 1024 * 1024)
		g_string_append_c(s, '<');
	parse1("References", s->str, &m);
	ok(m.token_case == 0, "1 MB of '<': nothing");
	g_string_truncate(s, 0);
	while (s->len < 1024 * 1024)
		g_string_append(s, "<pm-1.");
	parse1("References", s->str, &m);
	ok(m.token_case == 0 && m.forged == 0, "1 MB of '<pm-1.': nothing");
	g_string_truncate(s, 0);
	g_string_append_c(s, '<');
	while (s->len < 1024 * 1024)
		g_string_append_c(s, 'x');
	g_string_append_c(s, '>');
	g_string_append(s, id);
	parse1("In-Reply-To", s->str, &m);
	ok(m.token_case == 0, "an id of 1 MB: skipped; the token is past the "
	    "64 KB window");
	g_string_truncate(s, 0);
	g_string_append_c(s, '<');
	while (s->len < 2000)
		g_string_append_c(s, 'x');
	g_string_append_c(s, '>');
	g_string_append(s, id);
	parse1("In-Reply-To", s->str, &m);
	ok(m.token_case == 100077, "an id of 2000 bytes is skipped, the next "
	    "is read");
	g_string_free(s, TRUE);
	parse1("References", "", &m);
	ok(m.token_case == 0 && m.forged == 0, "empty References");
	parse1("References", "<>", &m);
	ok(m.token_case == 0, "References <>");
	g_free(id);
}

/* Several valid tokens: which one wins. */
static void
test_precedence(void)
{
	char *a = token_message_id(key1, 111, "x.example");
	char *b = token_message_id(key1, 222, "x.example");
	char *c = token_message_id(key1, 333, "x.example");
	char *d = token_reply_to(key1, 444, "support@x.example");
	char *e = token_reply_to(key1, 555, "support@x.example");
	char *forged = token_message_id(key2, 666, "x.example");
	char *refs = g_strdup_printf("%s %s", b, c);
	const char *r1[2] = { "<support@x.example>", d };
	const char *r0[1] = { "support@x.example" };
	struct casematch m;
	struct hdrlist hl;

	hdrlist_init(&hl);
	hdrlist_add(&hl, "References", refs);
	hdrlist_add(&hl, "In-Reply-To", a);
	hdrlist_add(&hl, "To", e);
	casematch_parse(key1, NULL, &hl, NULL, r1, 2, &m);
	ok(m.token_case == 111 && m.how == CASEMATCH_MESSAGE_ID,
	    "In-Reply-To wins over References and recipients");
	(void)hdrlist_change(&hl, "In-Reply-To", 1, forged);
	casematch_parse(key1, NULL, &hl, NULL, r1, 2, &m);
	ok(m.token_case == 333 && m.forged == 1,
	    "forged In-Reply-To: the last valid References entry wins");
	(void)hdrlist_change(&hl, "References", 1, b);
	casematch_parse(key1, NULL, &hl, NULL, r1, 2, &m);
	ok(m.token_case == 222, "... which is the only one");
	(void)hdrlist_change(&hl, "References", 1, NULL);
	casematch_parse(key1, NULL, &hl, NULL, r1, 2, &m);
	ok(m.token_case == 444 && m.how == CASEMATCH_RECIPIENT &&
	    m.forged == 1, "no msg-id token: the envelope recipient wins");
	casematch_parse(key1, NULL, &hl, NULL, r0, 1, &m);
	ok(m.token_case == 555 && m.how == CASEMATCH_RECIPIENT,
	    "envelope without token: To");
	hdrlist_add(&hl, "Cc", d);
	casematch_parse(key1, NULL, &hl, NULL, r0, 1, &m);
	ok(m.token_case == 555, "To before Cc");
	hdrlist_add(&hl, "References", forged);
	hdrlist_add(&hl, "References", c);
	casematch_parse(key1, NULL, &hl, NULL, r0, 1, &m);
	ok(m.token_case == 333 && m.how == CASEMATCH_MESSAGE_ID &&
	    m.forged == 2, "References in a second field; forged counted twice");
	casematch_parse(key1, NULL, NULL, NULL, NULL, 0, &m);
	ok(m.token_case == 0 && m.how == CASEMATCH_NONE && m.forged == 0 &&
	    m.tag_case == 0, "nothing at all: nothing found");
	casematch_parse(NULL, NULL, &hl, "[Case #5]", r0, 1, &m);
	ok(m.token_case == 0 && m.tag_case == 5,
	    "no key: no token, the tag still read");
	hdrlist_clear(&hl);
	g_free(a);
	g_free(b);
	g_free(c);
	g_free(d);
	g_free(e);
	g_free(forged);
	g_free(refs);
}

/* Recipients with and without tokens. */
static void
test_recipients(void)
{
	char *a = token_reply_to(key1, 100042, "support@example.com");
	char *v;
	struct casematch m;
	const char *none[3] = { "<support@example.com>", "<>", "" };

	casematch_parse(key1, NULL, NULL, NULL, none, 3, &m);
	ok(m.token_case == 0 && m.forged == 0, "recipients without token");
	casematch_parse(key1, NULL, NULL, NULL, NULL, 5, &m);
	ok(m.token_case == 0, "NULL recipients with a count");
	v = g_strdup_printf("support+x+c-1-%s", a + strlen("support+c-100042-"));
	parse_rcpt(v, &m);
	ok(m.token_case == 0 && m.forged == 1, "100042's MAC on case 1: forged");
	g_free(v);
	parse_rcpt("support+c-100042@example.com", &m);
	ok(m.token_case == 0 && m.forged == 0, "+c-N without a MAC: not ours");
	parse_rcpt("support+c-@example.com", &m);
	ok(m.token_case == 0 && m.forged == 0, "+c- alone: not ours");
	v = g_strdup(a);
	v[strlen("support+")] = 'C';
	parse_rcpt(v, &m);
	ok(m.token_case == 100042, "+C- in upper case accepted");
	g_free(v);
	v = g_strndup(a, strlen(a) - strlen("@example.com"));
	parse_rcpt(v, &m);
	ok(m.token_case == 0 && m.forged == 0, "token without @domain: not ours");
	g_free(v);
	g_free(a);
}

struct tagcase {
	const char *tag;	/* NULL: default */
	const char *subject;
	int64_t want;
};

static const struct tagcase tag_cases[] = {
	{ NULL, "Re: [Case #100042] help", 100042 },
	{ NULL, "RE: FW: [case #100042]", 100042 },
	{ NULL, "[CASE #7]", 7 },
	{ NULL, "[Case  #42] two spaces", 42 },
	{ NULL, "[Case\t#42] a tab", 42 },
	{ NULL, "no tag here", 0 },
	{ NULL, "", 0 },
	{ NULL, "[Case #10004x]", 0 },
	{ NULL, "[Case #x100]", 0 },
	{ NULL, "[Case #]", 0 },
	{ NULL, "[Case #-5]", 0 },
	{ NULL, "[Case #+5]", 0 },
	{ NULL, "[Case # 5]", 0 },
	{ NULL, "[Case#5]", 0 },
	{ NULL, "[Case #12", 0 },
	{ NULL, "Case #12]", 0 },
	{ NULL, "[Case #0]", 0 },
	{ NULL, "[Case #0100042]", 0 },
	{ NULL, "[Case #9223372036854775807]", INT64_MAX },
	{ NULL, "[Case #9223372036854775808]", 0 },
	{ NULL, "[Case #99999999999999999999999999]", 0 },
	{ NULL, "[Case #1] and [Case #2]", 1 },
	{ NULL, "[Case #x] then [Case #9]", 9 },
	{ NULL, "[Case #99999999999999999999] then [Case #9]", 9 },
	{ NULL, "[[Case #8]]", 8 },
	{ NULL, "R\xc3\xa9ponse : [Case #100042] \xc3\xa9t\xc3\xa9", 100042 },
	{ NULL, "\xff\xfe [Case #31]", 31 },
	{ NULL, "[Cas\xc3\xa9 #31]", 0 },
	{ "[Dossier n\xc2\xb0 %n]", "Re: [dossier N\xc2\xb0 55]", 55 },
	{ "[Dossier n\xc2\xb0 %n]", "Re: [dossier no 55]", 0 },
	{ "Case-%n", "re: case-77 issue", 77 },
	{ "Case-%n", "re: case-77x", 77 },
	{ "%n]", "x 123] y", 123 },
	{ "%n]", "x1234] y", 1234 },
	{ "%n]", "x 0123] y", 0 },
	{ " {T%n} ", "a {t9} b", 9 },
};

static void
test_tags(void)
{
	struct pm_config *cfg = config_defaults();
	struct casematch m;
	size_t i;
	char *big;

	if (cfg == NULL) {
		ok(0, "config_defaults");
		return;
	}
	for (i = 0; i < sizeof(tag_cases) / sizeof(tag_cases[0]); i++) {
		const struct tagcase *t = &tag_cases[i];

		free(cfg->case_tag);
		cfg->case_tag = strdup(t->tag != NULL ? t->tag : "[Case #%n]");
		casematch_parse(key1, cfg, NULL, t->subject, NULL, 0, &m);
		is_int(m.tag_case, t->want, "tag %s in \"%s\"",
		    t->tag != NULL ? t->tag : "default", t->subject);
	}
	casematch_parse(key1, cfg, NULL, NULL, NULL, 0, &m);
	is_int(m.tag_case, 0, "NULL subject: no tag");
	casematch_parse(key1, NULL, NULL, "Re: [Case #12]", NULL, 0, &m);
	is_int(m.tag_case, 12, "NULL config: the default tag");
	free(cfg->case_tag);
	cfg->case_tag = strdup("[Case #%n]");
	big = g_malloc(200 * 1024 + 32);
	memset(big, '[', 200 * 1024);
	strcpy(big + 200 * 1024, "[Case #5]");
	casematch_parse(key1, cfg, NULL, big, NULL, 0, &m);
	is_int(m.tag_case, 0, "a tag past 64 KB of subject is not read");
	memcpy(big, "[Case #6]", 9);
	casematch_parse(key1, cfg, NULL, big, NULL, 0, &m);
	is_int(m.tag_case, 6, "a tag at the start of a 200 KB subject");
	g_free(big);
	config_free(cfg);
}

struct refcase {
	const char *pattern;
	const char *subject;
	const char *want;
};

static const struct refcase ref_cases[] = {
	{ "Ticket#(\\d+)", "Re: [Ticket#4711] printer", "4711" },
	{ "Ticket#(\\d+)", "Re: [ticket#4711] printer", "" },
	{ "(?i)\\[ticket#(\\d+)\\]", "AW: [TICKET#4711]", "4711" },
	{ "(?i)\\[ticket#(\\d+)\\]", "AW: [TICKET#4711", "" },
	{ "Ticket#(\\d+)", "Ticket#1 Ticket#2", "1" },
	{ "Ticket#(\\d+)", "no reference", "" },
	{ "(?:INC|REQ)-(\\d{6})", "Re: REQ-123456 done", "123456" },
	{ "RT-(?<id>[A-Z0-9]+)", "[RT-AB12] x", "AB12" },
	{ "Ref (\\w+)", "Ref r\xc3\xa9" "f\xc3\xa9rence", "r\xc3\xa9" "f\xc3\xa9rence" },
	{ "Ticket#(\\d*)", "Ticket# empty", "" },
	{ "X(.*)", "X\xff\xfe" "abc", "\xef\xbf\xbd\xef\xbf\xbd" "abc" },
	{ "X(.*)", "X0123456789012345678901234567890123456789012345678901234567"
	    "890123456789012345678901234567890123456789012345678901234567890123"
	    "456789", "" },
	{ "X(.*)", "X0123456789012345678901234567890123456789012345678901234567"
	    "89012345678901234567890123456789012345678901234567890123456789012"
	    "34", "0123456789012345678901234567890123456789012345678901234567"
	    "89012345678901234567890123456789012345678901234567890123456789012"
	    "34" },
	{ "X(.)", "X\x01", "" },
};

static void
test_refs(void)
{
	struct pm_config *cfg = config_defaults();
	struct casematch m;
	size_t i;

	if (cfg == NULL) {
		ok(0, "config_defaults");
		return;
	}
	casematch_parse(key1, cfg, NULL, "Ticket#55", NULL, 0, &m);
	is_str(m.external_ref, "", "no CaseRefPattern: no reference");
	for (i = 0; i < sizeof(ref_cases) / sizeof(ref_cases[0]); i++) {
		const struct refcase *t = &ref_cases[i];

		free(cfg->case_ref_pattern);
		cfg->case_ref_pattern = strdup(t->pattern);
		casematch_parse(key1, cfg, NULL, t->subject, NULL, 0, &m);
		is_str(m.external_ref, t->want, "CaseRefPattern %s on \"%s\"",
		    t->pattern, t->subject);
	}
	free(cfg->case_ref_pattern);
	cfg->case_ref_pattern = strdup("Ticket#(\\d+)");
	casematch_parse(key1, cfg, NULL, "Re: [Case #100042] [Ticket#9]", NULL,
	    0, &m);
	ok(m.tag_case == 100042 && strcmp(m.external_ref, "9") == 0,
	    "tag and reference both read");
	free(cfg->case_ref_pattern);
	cfg->case_ref_pattern = strdup("(a)(b)");
	casematch_parse(key1, cfg, NULL, "ab", NULL, 0, &m);
	is_str(m.external_ref, "", "a pattern with two groups gives nothing");
	free(cfg->case_ref_pattern);
	cfg->case_ref_pattern = strdup("(");
	casematch_parse(key1, cfg, NULL, "(", NULL, 0, &m);
	is_str(m.external_ref, "", "a pattern that does not compile: nothing");
	config_free(cfg);
}

static void
test_notice_domain(void)
{
	struct pm_config *cfg = config_defaults();
	char *l[2] = { NULL, NULL };

	if (cfg == NULL)
		return;
	ok(token_notice_domain(cfg) == NULL, "no addresses: no domain");
	ok(token_notice_domain(NULL) == NULL, "no config: no domain");
	l[0] = strdup("support@help.example.com");
	cfg->support_addresses.v = l;
	cfg->support_addresses.n = 1;
	is_str(token_notice_domain(cfg), "help.example.com",
	    "domain of the first SupportAddress");
	cfg->notice_from = strdup("noreply@notices.example.com");
	is_str(token_notice_domain(cfg), "notices.example.com",
	    "NoticeFrom's domain first");
	free(l[0]);
	cfg->support_addresses.v = NULL;
	cfg->support_addresses.n = 0;
	config_free(cfg);
}

int
main(void)
{
	tdir_make("test_casematch");
	key1 = make_key("k1");
	key2 = make_key("k2");
	rmtree(tdir);
	test_ref_b32();
	test_message_id();
	test_reply_to();
	test_altered();
	test_references();
	test_precedence();
	test_recipients();
	test_tags();
	test_refs();
	test_notice_domain();
	secret_key_free(key1);
	secret_key_free(key2);
	return tap_done();
}
