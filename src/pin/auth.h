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
 */
#ifndef PM_AUTH_H
#define PM_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/lockout.h"
#include "core/secret.h"
#include "store/store.h"

enum auth_result {
	AUTH_PASS = 0,		/* a candidate matched */
	AUTH_FAIL,		/* no candidate matched (or none given) */
	AUTH_LOCKED,		/* user locked: nothing tested */
	AUTH_TOO_MANY,		/* more than max_candidates: nothing tested */
	AUTH_NO_USER,		/* no such user */
	AUTH_NO_PIN,		/* user has no PIN yet */
	AUTH_ERROR,		/* store error: treat as temporary failure */
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
 * Set USER's PIN to PIN (6 digits, checked), clearing the lockout, with an
 * audit row by ACTOR (required; action "pin.set" or "pin.issue").
 * Returns a store_rc.
 */
int auth_set_pin(struct store *st, const struct secret_key *key,
    int64_t user_id, const char *pin, const char *actor, const char *action,
    time_t now);

/* The same inside the caller's transaction (store_begin() already done). */
int auth_set_pin_in(struct store *st, const struct secret_key *key,
    int64_t user_id, const char *pin, const char *actor, const char *action,
    time_t now);

#endif
