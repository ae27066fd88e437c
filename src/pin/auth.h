/*
 * auth.h - PIN verification and PIN changes, with lockout and audit.
 *
 * The one place where a PIN meets the store: used by pinctl (agents on
 * phone or chat) and by the milter (email), so both follow the same rules.
 * Each call is one BEGIN IMMEDIATE transaction: read the user, decide,
 * update the counters, append the audit row, commit.  On any store error
 * it rolls back and returns AUTH_ERROR; it never reports a pass it could
 * not record.
 *
 * Failure accounting: when no candidate matches, every candidate tested
 * counts as one failure (each is a guess).  Only the first
 * lockout_budget() candidates are tested (MaxFailures minus the failures
 * of the open window), inside the same transaction that records them, so
 * no window ever sees more than MaxFailures wrong guesses whatever the
 * candidates per message or the concurrency; candidates past the budget
 * are not tested, even the right PIN (the result is then a fail, and the
 * audit detail says "untested=N").  More than max_candidates candidates
 * is one failure without testing any.  A locked user fails without any
 * candidate being tested, and the lock is not extended.
 *
 * Pending PIN: a PIN mailed in answer to a request by email
 * (auth_mail_pin_in) is stored next to the current PIN, never in its
 * place, for AUTH_PENDING_LIFETIME; until then each tested candidate is
 * compared with both (still one guess per candidate).  The one used
 * becomes the PIN and the other is dropped; an expired pending PIN is
 * dropped when the user is next verified.  A PIN set or issued by an
 * administrator (auth_set_pin) replaces the PIN and drops any pending
 * one.
 */
#ifndef PM_AUTH_H
#define PM_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/lockout.h"
#include "core/secret.h"
#include "store/store.h"
#include "util/timeconst.h"

/* How long a PIN mailed on request stays pending (unused: dropped). */
#define AUTH_PENDING_LIFETIME	DAY

enum auth_result {
	AUTH_PASS = 0,		/* a candidate matched */
	AUTH_FAIL,		/* no candidate matched (or none given) */
	AUTH_LOCKED,		/* user locked: nothing tested */
	AUTH_TOO_MANY,		/* more than max_candidates: nothing tested */
	AUTH_NO_USER,		/* no such user */
	AUTH_NO_PIN,		/* user has no PIN yet */
	AUTH_ERROR,		/* store error: treat as temporary failure */
};

/* What a verification did to the pending PIN (the audit detail says). */
enum auth_pending {
	AUTH_PENDING_KEPT = 0,	/* none, or left as it was */
	AUTH_PENDING_USED,	/* it matched: now the PIN */
	AUTH_PENDING_DROPPED,	/* the current PIN matched: dropped */
	AUTH_PENDING_EXPIRED,	/* past its lifetime: dropped */
};

struct auth_request {
	const char *email;		/* claimed user */
	const char *const *candidates;	/* distinct 6-digit strings */
	size_t ncandidates;
	unsigned max_candidates;	/* 0: no limit (pinctl: 1 candidate) */
	const char *actor;		/* audit actor (required) */
	const char *channel;		/* "email", "phone/chat" ... for the audit detail */
	int64_t case_number;		/* 0: none */
	const char *ref;		/* e.g. the queue id, for the audit detail; may be NULL */
};

const char *auth_result_name(enum auth_result r);

/*
 * Verify.  On return *user holds the user row (when found), updated
 * lockout state included.  Returns the result; AUTH_ERROR means the store
 * failed (details in store_errmsg()).
 */
enum auth_result auth_verify(struct store *st, const struct secret_key *key,
    const struct lockout_policy *pol, const struct auth_request *req,
    time_t now, struct store_user *user);

/*
 * The same inside the caller's BEGIN IMMEDIATE transaction (the message
 * pipeline's one commit): the user is read, decided on and written in
 * it, so the lockout budget stays exact.  On AUTH_ERROR the caller must
 * roll back (a write may have happened); nothing is committed here.
 * USER is required.
 */
enum auth_result auth_verify_in(struct store *st, const struct secret_key *key,
    const struct lockout_policy *pol, const struct auth_request *req,
    time_t now, struct store_user *user);

/*
 * Set USER's PIN to PIN (6 digits, checked), clearing the lockout and any
 * pending PIN, with an audit row by ACTOR (required; action "pin.set" or
 * "pin.issue").  For administrators.  Returns a store_rc.
 */
int auth_set_pin(struct store *st, const struct secret_key *key,
    int64_t user_id, const char *pin, const char *actor, const char *action,
    time_t now);

/* The same inside the caller's transaction (store_begin() already done). */
int auth_set_pin_in(struct store *st, const struct secret_key *key,
    int64_t user_id, const char *pin, const char *actor, const char *action,
    time_t now);

/*
 * A PIN mailed in answer to a request by email, inside the caller's
 * transaction: when the user has a PIN, PIN becomes the pending PIN
 * (replacing any pending one) until NOW + AUTH_PENDING_LIFETIME, in
 * *UNTIL; else it becomes the PIN (*UNTIL 0).  The lockout state is never
 * touched.  Audited "pin.issue" by ACTOR, result "pending" or "ok".
 * Returns a store_rc.
 */
int auth_mail_pin_in(struct store *st, const struct secret_key *key,
    int64_t user_id, const char *pin, const char *actor, time_t now,
    time_t *until);

#endif
