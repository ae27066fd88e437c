/*
 * token.c - make and check the signed tokens that thread replies into
 * cases: notice Message-IDs and plus-address Reply-To local parts.
 *
 * Tokens (their format is in token.h) carry a full 32-byte MAC made with
 * secret_mac() under the server key, with a purpose string per kind
 * ("msgid", "rcpt") so one kind can never stand for the other.  Base32
 * decoding is strict: exactly 52 characters of the RFC 4648 alphabet in
 * either case, and the 4 unused low bits of the last character must be
 * zero, so a token has exactly one spelling per letter case and changing
 * any character changes the MAC it stands for.  MACs are compared in
 * constant time (secret_mac_verify).
 *
 * Pure: no store, no I/O, no logging.  Thread-safe.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <sodium.h>

#include "core/token.h"

#define B32_MAC_LEN	52	/* base32 of SECRET_HASH_BYTES, no padding */
#define RCPT_MAC_BYTES	16	/* a Reply-To MAC: 128 bits */
#define B32_RCPT_LEN	26	/* base32 of RCPT_MAC_BYTES, no padding */
#define LOCAL_PART_MAX	64	/* RFC 5321 4.5.3.1.1 */
#define NONCE_BYTES	8
#define NONCE_HEX	(2 * NONCE_BYTES)
#define NUM_MAX		32	/* decimal case number + NUL, with room */

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
token_message_id(const struct secret_key *key, int64_t number,
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

bool
token_reply_to_fits(int64_t number, const char *support_addr)
{
	char msg[NUM_MAX];
	const char *at;

	if (number < 0 || support_addr == NULL ||
	    (at = strrchr(support_addr, '@')) == NULL)
		return false;
	(void)snprintf(msg, sizeof(msg), "%" PRId64, number);
	return (size_t)(at - support_addr) + strlen("+c-") + strlen(msg) + 1 +
	    B32_RCPT_LEN <= LOCAL_PART_MAX;
}

char *
token_reply_to(const struct secret_key *key, int64_t number,
    const char *support_addr)
{
	unsigned char mac[SECRET_HASH_BYTES];
	char msg[NUM_MAX], b32[B32_RCPT_LEN + 1];
	const char *at;

	if (key == NULL || number < 0 || support_addr == NULL ||
	    (at = strrchr(support_addr, '@')) == NULL || at == support_addr ||
	    !domain_ok(at + 1) || !token_reply_to_fits(number, support_addr))
		return NULL;
	(void)snprintf(msg, sizeof(msg), "%" PRId64, number);
	secret_mac(key, "rcpt16", msg, strlen(msg), mac);
	b32_encode(mac, RCPT_MAC_BYTES, b32);
	sodium_memzero(mac, sizeof(mac));
	return g_strdup_printf("%.*s+c-%s-%s@%s", (int)(at - support_addr),
	    support_addr, msg, b32, at + 1);
}

const char *
token_notice_domain(const struct pm_config *cfg)
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


/*
 * A case number of N digits at P: no sign, no leading zero (but "0"),
 * at most INT64_MAX.  0 ok, -1 bad.
 */
int
token_number_parse(const char *p, size_t n, int64_t *out)
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

size_t
token_digits(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && isdigit((unsigned char)*q))
		q++;
	return (size_t)(q - p);
}

/* Is the MAC at B32 (B32_MAC_LEN chars) right for MSG under PURPOSE? */
static enum token_check
mac_check(const struct secret_key *key, const char *purpose, const char *msg,
    const char *b32)
{
	unsigned char mac[SECRET_HASH_BYTES];
	enum token_check t = TOKEN_FORGED;

	if (b32_decode(b32, B32_MAC_LEN, mac, sizeof(mac)) == 0 &&
	    secret_mac_verify(key, purpose, msg, strlen(msg), mac))
		t = TOKEN_VALID;
	sodium_memzero(mac, sizeof(mac));
	return t;
}

/* ID (LEN bytes, no <>, no white space): "pm-N.NONCE.MAC@DOMAIN"? */
enum token_check
token_check_msgid(const struct secret_key *key, const char *id, size_t len,
    int64_t *number)
{
	const char *end = id + len, *p = id + 3, *nonce, *mac;
	char msg[NUM_MAX + NONCE_HEX + 2];
	size_t nd, i;

	if (len < 3 || g_ascii_strncasecmp(id, "pm-", 3) != 0)
		return TOKEN_NOT_OURS;
	nd = token_digits(p, end);
	nonce = p + nd + 1;
	mac = nonce + NONCE_HEX + 1;
	if (nd == 0 || mac + B32_MAC_LEN + 2 > end || p[nd] != '.' ||
	    mac[-1] != '.' || mac[B32_MAC_LEN] != '@' ||
	    token_number_parse(p, nd, number) == -1)
		return TOKEN_NOT_OURS;
	for (i = 0; i < NONCE_HEX; i++)
		if (!isxdigit((unsigned char)nonce[i]))
			return TOKEN_NOT_OURS;
	if (!b32_shape(mac, B32_MAC_LEN))
		return TOKEN_NOT_OURS;
	(void)snprintf(msg, sizeof(msg), "%" PRId64 ".%.*s", *number,
	    NONCE_HEX, nonce);
	for (i = nd + 1; msg[i] != '\0'; i++)
		msg[i] = g_ascii_tolower(msg[i]);
	return mac_check(key, "msgid", msg, mac);
}

/* Is the 128-bit MAC at B32 (B32_RCPT_LEN chars) right for MSG? */
static enum token_check
mac16_check(const struct secret_key *key, const char *msg, const char *b32)
{
	unsigned char mac[SECRET_HASH_BYTES], got[RCPT_MAC_BYTES];
	enum token_check t = TOKEN_FORGED;

	secret_mac(key, "rcpt16", msg, strlen(msg), mac);
	if (b32_decode(b32, B32_RCPT_LEN, got, sizeof(got)) == 0 &&
	    sodium_memcmp(mac, got, RCPT_MAC_BYTES) == 0)
		t = TOKEN_VALID;
	sodium_memzero(mac, sizeof(mac));
	sodium_memzero(got, sizeof(got));
	return t;
}

/* Is there a MAC of exactly N base32 characters then '@' at MAC? */
static bool
rcpt_mac_shape(const char *mac, const char *end, size_t n)
{
	return mac + n + 1 <= end && mac[n] == '@' && b32_shape(mac, n);
}

/*
 * At P (before END) "+c-N-MAC@": a plus-address token?  MAC is the
 * 26-character form notices make now, or the 52-character form of
 * earlier versions, still read so that replies to older notices thread.
 */
enum token_check
token_check_rcpt(const struct secret_key *key, const char *p, const char *end,
    int64_t *number)
{
	const char *mac;
	char msg[NUM_MAX];
	size_t nd;

	p += 3;
	nd = token_digits(p, end);
	mac = p + nd + 1;
	if (nd == 0 || mac > end || p[nd] != '-' ||
	    token_number_parse(p, nd, number) == -1)
		return TOKEN_NOT_OURS;
	(void)snprintf(msg, sizeof(msg), "%" PRId64, *number);
	if (rcpt_mac_shape(mac, end, B32_RCPT_LEN))
		return mac16_check(key, msg, mac);
	if (rcpt_mac_shape(mac, end, B32_MAC_LEN))
		return mac_check(key, "rcpt", msg, mac);
	return TOKEN_NOT_OURS;
}
