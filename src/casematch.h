/*
 * casematch.h - signed threading tokens, and which case a message names.
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
 *     LOCAL@DOMAIN the support address; MAC = base32 of
 *            secret_mac(key, "rcpt", "N"), 52 chars (so the local part is
 *            longer than RFC 5321's 64; Postfix accepts it).
 *
 * Matching ignores the case of the base32 and of the nonce (MTAs and
 * mail programs may change it) and the domain (the MAC alone decides).
 * A token of exactly this shape whose MAC is wrong is counted as forged
 * and otherwise ignored; anything of another shape is simply not ours.
 * MACs are compared in constant time (secret_mac_verify).
 *
 * Pure: no store, no I/O, no logging.  Thread-safe.
 */
#ifndef PM_CASEMATCH_H
#define PM_CASEMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "hdrlist.h"
#include "secret.h"

#define CASEMATCH_REF_MAX	128	/* external reference + NUL */

/* Limits on untrusted input (see casematch.c). */
#define CASEMATCH_MAX_IDS	100	/* msg-ids looked at per field */
#define CASEMATCH_MAX_SCAN	(64u * 1024)	/* bytes scanned per field */
#define CASEMATCH_MAX_FIELDS	10	/* fields of one name looked at */
#define CASEMATCH_MAX_RCPTS	1000	/* envelope recipients looked at */

enum casematch_how {
	CASEMATCH_NONE = 0,
	CASEMATCH_MESSAGE_ID,		/* In-Reply-To or References */
	CASEMATCH_RECIPIENT,		/* envelope, To or Cc plus address */
};

struct casematch {
	int64_t token_case;		/* case of a valid token, 0: none */
	enum casematch_how how;		/* where token_case came from */
	int64_t tag_case;		/* CaseTag number in the subject, 0:
					 * none; NOT verified: the caller
					 * checks the sender's account */
	char external_ref[CASEMATCH_REF_MAX];	/* CaseRefPattern capture,
					 * "": none */
	unsigned forged;		/* tokens of our shape, wrong MAC */
};

/*
 * "<pm-N.NONCE.MAC@DOMAIN>" for case NUMBER (>= 0), angle brackets
 * included.  DOMAIN: printable ASCII without white space, '<', '>', '@'.
 * Returns a string to release with free() or g_free(), or NULL when
 * NUMBER is negative or DOMAIN unusable.
 */
char *casematch_message_id(const struct secret_key *key, int64_t number,
    const char *domain);

/*
 * "LOCAL+c-N-MAC@DOMAIN" from SUPPORT_ADDR "LOCAL@DOMAIN" for case NUMBER
 * (>= 0).  Released with free() or g_free(); NULL when NUMBER is negative
 * or SUPPORT_ADDR has no local part or domain.
 */
char *casematch_reply_to(const struct secret_key *key, int64_t number,
    const char *support_addr);

/*
 * The domain notices' Message-IDs use: NoticeFrom's, else the first
 * SupportAddress's; NULL when neither is set.  Points into CFG.
 */
const char *casematch_notice_domain(const struct pm_config *cfg);

/*
 * Which case does a message name?  Looks at every msg-id of In-Reply-To
 * and References in HL (comments, quoted strings and folding handled),
 * the envelope recipients RCPTS (NRCPTS, "<addr>" or bare) and the To
 * and Cc fields of HL for plus-address tokens, the subject SUBJECT_UTF8
 * (already RFC 2047-decoded, may be NULL) for the CaseTag of CFG and,
 * when CFG has a CaseRefPattern, for its capture.
 *
 * When valid tokens name different cases, the first valid token of
 * In-Reply-To wins, then the last valid one of References, then the
 * recipients (envelope first, then To, then Cc, each in order).  The tag
 * is the first well-formed one in the subject (number 1 to INT64_MAX
 * without a leading zero).  OUT is always filled (zeros when nothing).
 * HL, RCPTS and SUBJECT_UTF8 may be NULL.
 */
void casematch_parse(const struct secret_key *key,
    const struct pm_config *cfg, const struct hdrlist *hl,
    const char *subject_utf8, const char *const *rcpts, size_t nrcpts,
    struct casematch *out);

#endif
