/*
 * verdict.h - from sender, PIN candidates and the store to a verdict:
 * authenticated or not, the x-pin result and its reason.
 *
 * No libmilter and no message parsing here: the pipeline hands in what
 * it found.  The store is touched only through store_user_find() and
 * auth_verify() (which counts failures and writes the audit row), plus
 * one audit row for messages that tested no PIN: exactly one audit row
 * per message either way.
 *
 * verdict_decide() runs inside the caller's BEGIN IMMEDIATE transaction
 * (auth_verify_in()): it commits nothing; on error the caller rolls back.
 *
 * Never "authenticated" unless auth_verify_in() returned AUTH_PASS for the
 * sender's own PIN.  Any store failure sets error: the caller applies
 * OnInternalError.
 */
#ifndef PM_VERDICT_H
#define PM_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/config.h"
#include "mail/hdrlist.h"
#include "pin/pin.h"
#include "core/secret.h"
#include "mail/sender.h"
#include "case/intent.h"
#include "store/store.h"

enum verdict_auth {
	VERDICT_UNVERIFIED = 0,
	VERDICT_AUTHENTICATED,
	VERDICT_VERIFICATION_REQUESTED,
};

/* The x-pin method result of Authentication-Results. */
enum verdict_pin {
	XPIN_NONE = 0,		/* nothing to test: no PIN, unknown sender */
	XPIN_PASS,
	XPIN_FAIL,		/* wrong PIN, locked, too many candidates */
	XPIN_POLICY,		/* not tested by policy: From, alignment, size */
	XPIN_TEMPERROR,		/* internal error (OnInternalError accept) */
};

struct verdict {
	enum verdict_auth auth;
	enum verdict_pin pin;
	const char *reason;			/* static text, or reason_buf */
	char reason_buf[128];			/* a reason read back (a repeat) */
	char from[SENDER_ADDR_MAX];		/* header.from, "" when none */
	char account[STORE_ACCOUNT_MAX];	/* "" unless the sender is known */
	int64_t user_id;			/* 0 unless known */
	bool tested;				/* candidates were tested */
	bool aligned;				/* a trusted DMARC pass for the
						 * From domain (verdict_from_aligned) */
	bool error;				/* internal error: see OnInternalError */
	int64_t case_number;			/* set by the case processor, 0: none */
	struct intent intent;			/* what the author asks; rule NULL:
						 * not read (X-Support-Intent) */
};

struct verdict_input {
	const struct sender *sender;
	const struct hdrlist *headers;		/* for Authentication-Results */
	const struct pin_candidates *cands;
	bool incomplete;			/* message over MaxMessageSize etc. */
	const char *queue_id;
};

struct verdict_env {
	const struct pm_config *cfg;
	struct store *st;
	const struct secret_key *key;
	time_t now;
	const char *actor;			/* audit actor, "pinmilter" */
};

/* Decide, inside the caller's transaction.  Always fills out; returns 0,
 * or -1 when out->error is set (then roll back). */
int verdict_decide(const struct verdict_env *env,
    const struct verdict_input *in, struct verdict *out);

/* A verdict for an internal error (before the store could say anything). */
void verdict_internal_error(struct verdict *out, const char *from);

const char *verdict_auth_name(enum verdict_auth a);
const char *verdict_pin_name(enum verdict_pin p);

/* Is the From domain DMARC-aligned per a trusted Authentication-Results? */
bool verdict_from_aligned(const struct pm_config *cfg,
    const struct hdrlist *hl, const char *domain);

#endif
