/*
 * casematch.h - which case a message names.
 *
 * A message names a case by a signed token (core/token.h: In-Reply-To or
 * References naming a notice's Message-ID, or a signed plus address among
 * the recipients), by the subject tag (not verified here: the caller checks
 * the sender's account) or by an external helpdesk's reference.
 * A token of our shape whose MAC is wrong is counted as forged and
 * otherwise ignored; anything of another shape is simply not ours.
 *
 * Pure: no store, no I/O, no logging.  Thread-safe.
 */
#ifndef PM_CASEMATCH_H
#define PM_CASEMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/secret.h"
#include "core/token.h"
#include "mail/hdrlist.h"

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
