/*
 * token.h - signed threading tokens.
 *
 * Every notice pinmilter sends carries tokens only the holder of the key
 * can make, so that a reply finds its case and a stranger cannot steer
 * mail into someone else's case:
 *
 *   Message-ID  <pm-N.NONCE.MAC@DOMAIN>
 *     N      the case number in decimal (0: a notice outside any case);
 *     NONCE  16 lowercase hex digits (8 random bytes: every Message-ID
 *            differs);
 *     MAC    base32 (RFC 4648 alphabet, lowercase, no padding) of
 *            secret_mac(key, "msgid", "N.NONCE"): all 32 bytes, 52 chars.
 *   Reply-To    LOCAL+c-N-MAC@DOMAIN
 *     LOCAL@DOMAIN the support address; MAC = base32 of the first 16
 *            bytes (128 bits) of secret_mac(key, "rcpt16", "N"), 26
 *            chars, so that the local part stays within RFC 5321's 64
 *            octets for a LOCAL of up to 16 characters and a 6-digit N.
 *            When it would not fit, no Reply-To token is made (replies
 *            thread by the Message-ID token).  The 52-character form of
 *            earlier versions (all 32 bytes under purpose "rcpt") is
 *            still read.
 *
 * Matching ignores the case of the base32 and of the nonce (MTAs and
 * mail programs may change it) and the domain (the MAC alone decides).
 * A token of exactly this shape whose MAC is wrong is counted as forged
 * and otherwise ignored; anything of another shape is simply not ours.
 * MACs are compared in constant time (secret_mac_verify).
 *
 * Pure: no store, no I/O, no logging.  Thread-safe.
 */
#ifndef PM_TOKEN_H
#define PM_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/secret.h"

/*
 * "<pm-N.NONCE.MAC@DOMAIN>" for case NUMBER (>= 0), angle brackets
 * included.  DOMAIN: printable ASCII without white space, '<', '>', '@'.
 * Returns a string to release with g_free(), or NULL when
 * NUMBER is negative or DOMAIN unusable.
 */
char *token_message_id(const struct secret_key *key, int64_t number,
    const char *domain);

/*
 * "LOCAL+c-N-MAC@DOMAIN" from SUPPORT_ADDR "LOCAL@DOMAIN" for case NUMBER
 * (>= 0).  Released with g_free(); NULL when NUMBER is negative,
 * SUPPORT_ADDR has no local part or domain, or the local part would be
 * longer than 64 octets.
 */
char *token_reply_to(const struct secret_key *key, int64_t number,
    const char *support_addr);

/*
 * Would the Reply-To token for case NUMBER of SUPPORT_ADDR keep its local
 * part within 64 octets?  token_reply_to() returns NULL when not.
 */
bool token_reply_to_fits(int64_t number, const char *support_addr);

/*
 * The domain notices' Message-IDs use: NoticeFrom's, else the first
 * SupportAddress's; NULL when neither is set.  Points into CFG.
 */
const char *token_notice_domain(const struct pm_config *cfg);

enum token_check {
	TOKEN_NOT_OURS,		/* not of a token's shape */
	TOKEN_VALID,		/* our shape, right MAC: *NUMBER set */
	TOKEN_FORGED,		/* our shape, wrong MAC */
};

/*
 * Is ID (LEN bytes, no angle brackets, no white space) a notice
 * Message-ID "pm-N.NONCE.MAC@DOMAIN"?  Letter case of NONCE and MAC and
 * DOMAIN are ignored.
 */
enum token_check token_check_msgid(const struct secret_key *key,
    const char *id, size_t len, int64_t *number);

/*
 * Does P (before END) start a plus-address token "+c-N-MAC@"?  The caller
 * has seen "+c-" (either case of the c).
 */
enum token_check token_check_rcpt(const struct secret_key *key,
    const char *p, const char *end, int64_t *number);

/*
 * A case number of N digits at P: no sign, no leading zero (but "0"), at
 * most INT64_MAX.  0 ok, -1 bad.
 */
int token_number_parse(const char *p, size_t n, int64_t *out);

/* How many ASCII digits start at P (before END). */
size_t token_digits(const char *p, const char *end);

#endif
