/*
 * auth.c - PIN verification and PIN changes: lockout, then audit, in one
 * transaction.
 *
 * auth_verify() reads the user inside BEGIN IMMEDIATE (auth_verify_in()
 * inside the caller's, the message pipeline's one transaction), so two checks of
 * the same user (two milter threads, a milter and pinctl) cannot both see
 * the old failure count.  It decides (no PIN, locked, too many
 * candidates, pass, fail), writes the new counters and one audit row,
 * and commits; any store error rolls everything back and is AUTH_ERROR,
 * so a pass is never reported unless it was recorded.
 *
 * auth_mail_pin_in() stores a PIN mailed on request (anyone can send
 * one): next to the current PIN, pending, never in its place and never
 * touching the lockout; auth_verify() accepts either until one is used
 * (the used one becomes the PIN, the other is dropped) or the pending
 * one expires.
 *
 * Security: every candidate is hashed and compared with the current and
 * the pending PIN (constant time, no early exit), so the time taken does
 * not tell which candidate matched, nor which PIN; each candidate is one
 * guess however many PINs it is compared with.
 * Candidates are never copied, logged or written: the audit detail holds
 * the channel, the number of candidates and the caller's reference only.
 * The user's salt and hash are wiped from local copies before return.
 *
 * Diagnostics: on AUTH_ERROR the reason is store_errmsg(st).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pin/auth.h"

const char *
auth_result_name(enum auth_result r)
{
	static const char *const names[] = {
		[AUTH_PASS] = "pass", [AUTH_FAIL] = "fail",
		[AUTH_LOCKED] = "locked", [AUTH_TOO_MANY] = "too-many",
		[AUTH_NO_USER] = "no-user", [AUTH_NO_PIN] = "no-pin",
		[AUTH_ERROR] = "error",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "error";
	return names[r];
}

/* Bounded copy for the audit: control characters become '?'. */
static void
auth_clean(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in != NULL && in[i] != '\0' && i + 1 < size; i++)
		out[i] = ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) ?
		    '?' : in[i];
	out[i] = '\0';
}

/* Like auth_clean, for a word in the detail: white space too. */
static void
auth_clean_word(const char *in, char *out, size_t size)
{
	char *p;

	auth_clean(in, out, size);
	for (p = out; *p != '\0'; p++)
		if (*p == ' ')
			*p = '?';
}

/*
 * Decide for a found user and update u->lock.  Tests the first
 * min(ncandidates, budget) candidates, all of them when it tests any, so
 * a window never sees more than max_failures wrong guesses; *tested says
 * how many.  Each tested candidate is compared with the current PIN and
 * with the pending one, both always (a pending PIN that is absent or
 * expired is compared too, and its result ignored): the time taken does
 * not tell which matched, and a wrong candidate is one guess, not two.
 * *locked_now tells whether this attempt locked the user; *pend what
 * becomes of the pending PIN.
 */
static enum auth_result
auth_decide(const struct secret_key *key, const struct lockout_policy *pol,
    const struct auth_request *req, time_t now, struct store_user *u,
    bool *locked_now, size_t *tested, enum auth_pending *pend)
{
	bool cur = false, pm = false, live;
	size_t i, n;
	unsigned budget;

	*locked_now = false;
	*tested = 0;
	live = u->has_pending && now < u->pending_until;
	*pend = u->has_pending && !live ? AUTH_PENDING_EXPIRED :
	    AUTH_PENDING_KEPT;
	if (!u->has_pin && !live)
		return AUTH_NO_PIN;
	if (lockout_is_locked(&u->lock, now))
		return AUTH_LOCKED;
	if (req->max_candidates != 0 &&
	    req->ncandidates > req->max_candidates) {
		*locked_now = lockout_record_failure(&u->lock, pol, now);
		return AUTH_TOO_MANY;
	}
	if ((budget = lockout_budget(&u->lock, pol, now)) == 0) {
		/* a lowered MaxFailures already reached: lock, test none */
		*locked_now = lockout_record_failure(&u->lock, pol, now);
		return AUTH_LOCKED;
	}
	n = req->ncandidates < budget ? req->ncandidates : budget;
	for (i = 0; i < n; i++) {
		cur |= secret_pin_matches(key, u->pin_salt, u->pin_hash,
		    req->candidates[i]);
		pm |= secret_pin_matches(key, u->pending_salt,
		    u->pending_hash, req->candidates[i]);
	}
	*tested = n;
	cur = cur && u->has_pin;
	pm = pm && live;
	if (cur || pm) {
		lockout_record_success(&u->lock);
		if (cur && live)
			*pend = AUTH_PENDING_DROPPED;
		else if (!cur)
			*pend = AUTH_PENDING_USED;
		return AUTH_PASS;
	}
	for (i = 0; i < n; i++)
		if (lockout_record_failure(&u->lock, pol, now))
			*locked_now = true;
	return AUTH_FAIL;
}

/* Write what becomes of the pending PIN, and mirror it in *U. */
static int
auth_apply_pending(struct store *st, struct store_user *u,
    enum auth_pending pend)
{
	int rc;

	if (pend == AUTH_PENDING_KEPT)
		return STORE_OK;
	if (pend == AUTH_PENDING_USED) {
		if ((rc = store_user_promote_pending(st, u->id)) != STORE_OK)
			return rc;
		memcpy(u->pin_salt, u->pending_salt, sizeof(u->pin_salt));
		memcpy(u->pin_hash, u->pending_hash, sizeof(u->pin_hash));
		u->pin_set_at = u->pending_set_at;
		u->has_pin = true;
	} else if ((rc = store_user_clear_pending(st, u->id)) != STORE_OK)
		return rc;
	secret_wipe(u->pending_salt, sizeof(u->pending_salt));
	secret_wipe(u->pending_hash, sizeof(u->pending_hash));
	u->has_pending = false;
	u->pending_set_at = 0;
	u->pending_until = 0;
	return STORE_OK;
}

/* The audit row of one verification; never a candidate. */
static int
auth_audit_verify(struct store *st, const struct auth_request *req,
    time_t now, enum auth_result res, const char *email, bool locked_now,
    size_t tested, enum auth_pending pend)
{
	static const char *const pending[] = {
		[AUTH_PENDING_KEPT] = "", [AUTH_PENDING_USED] = " pending=used",
		[AUTH_PENDING_DROPPED] = " pending=dropped",
		[AUTH_PENDING_EXPIRED] = " pending=expired",
	};
	char channel[32], ref[128], untested[40] = "";

	if ((res == AUTH_PASS || res == AUTH_FAIL) &&
	    tested < req->ncandidates)
		(void)snprintf(untested, sizeof(untested), " untested=%zu",
		    req->ncandidates - tested);
	auth_clean_word(req->channel && *req->channel ? req->channel : "-",
	    channel, sizeof(channel));
	auth_clean_word(req->ref, ref, sizeof(ref));
	return store_audit_record(st, now, req->actor, "pin.verify", email,
	    req->case_number > 0 ? req->case_number : 0,
	    auth_result_name(res), "channel=%s candidates=%zu%s%s%s%s%s",
	    channel, req->ncandidates, untested, *ref ? " ref=" : "", ref,
	    locked_now ? " locked-now" : "", pending[pend]);
}

static bool
auth_lock_changed(const struct lockout_state *a, const struct lockout_state *b)
{
	return a->failures != b->failures ||
	    a->window_start != b->window_start ||
	    a->locked_until != b->locked_until;
}

/* Verify inside the caller's transaction; AUTH_ERROR: a write failed
 * (the caller rolls back). */
enum auth_result
auth_verify_in(struct store *st, const struct secret_key *key,
    const struct lockout_policy *pol, const struct auth_request *req,
    time_t now, struct store_user *user)
{
	struct lockout_state before = { 0, 0, 0 };
	char claimed[STORE_EMAIL_MAX];
	enum auth_result res;
	enum auth_pending pend = AUTH_PENDING_KEPT;
	bool locked_now = false;
	size_t tested = 0;
	int rc;

	if (st == NULL || key == NULL || pol == NULL || req == NULL ||
	    req->email == NULL ||
	    (req->ncandidates != 0 && req->candidates == NULL)) {
		memset(user, 0, sizeof(*user));
		return AUTH_ERROR;
	}
	/* req->email may point into *user: copy it before the lookup. */
	auth_clean(req->email, claimed, sizeof(claimed));
	rc = store_user_find(st, req->email, user);
	if (rc == STORE_NOTFOUND || rc == STORE_INVALID)
		res = AUTH_NO_USER;	/* an invalid address is nobody */
	else if (rc != STORE_OK)
		return AUTH_ERROR;
	else {
		before = user->lock;
		res = auth_decide(key, pol, req, now, user, &locked_now,
		    &tested, &pend);
		if ((auth_lock_changed(&before, &user->lock) &&
		    store_user_set_lockout(st, user->id, &user->lock) !=
		    STORE_OK) ||
		    auth_apply_pending(st, user, pend) != STORE_OK) {
			user->lock = before;
			return AUTH_ERROR;
		}
	}
	if (auth_audit_verify(st, req, now, res,
	    res == AUTH_NO_USER ? claimed : user->email, locked_now,
	    tested, pend) != STORE_OK) {
		user->lock = before;
		return AUTH_ERROR;
	}
	return res;
}

enum auth_result
auth_verify(struct store *st, const struct secret_key *key,
    const struct lockout_policy *pol, const struct auth_request *req,
    time_t now, struct store_user *user)
{
	struct store_user local;
	enum auth_result res;

	if (user == NULL)
		user = &local;
	if (st == NULL || store_begin(st) != STORE_OK) {
		memset(user, 0, sizeof(*user));
		return AUTH_ERROR;
	}
	res = auth_verify_in(st, key, pol, req, now, user);
	if (res == AUTH_ERROR || store_commit(st) != STORE_OK) {
		store_rollback(st);
		res = AUTH_ERROR;
	}
	secret_wipe(&local, sizeof(local));
	return res;
}

/* Store a new salt and hash of PIN for U and audit it, inside a
 * transaction. */
static int
auth_store_pin(struct store *st, const struct secret_key *key,
    const struct store_user *u, const char *pin, const char *actor,
    const char *action, time_t now)
{
	unsigned char salt[SECRET_SALT_BYTES], hash[SECRET_HASH_BYTES];
	int rc;

	secret_salt_new(salt);
	if (secret_pin_hash(key, salt, pin, hash) != 0)
		rc = STORE_INVALID;
	else
		rc = store_user_set_pin(st, u->id, salt, hash, now);
	secret_wipe(salt, sizeof(salt));
	secret_wipe(hash, sizeof(hash));
	if (rc != STORE_OK)
		return rc;
	return store_audit_record(st, now, actor,
	    action && *action ? action : "pin.set", u->email, 0, "ok", NULL);
}

int
auth_set_pin_in(struct store *st, const struct secret_key *key,
    int64_t user_id, const char *pin, const char *actor, const char *action,
    time_t now)
{
	struct store_user u;
	int rc;

	if (st == NULL || key == NULL || !secret_pin_valid(pin))
		return STORE_INVALID;
	rc = store_user_find_id(st, user_id, &u);
	if (rc == STORE_OK)
		rc = auth_store_pin(st, key, &u, pin, actor, action, now);
	secret_wipe(&u, sizeof(u));
	return rc;
}

/* "2026-12-06T07:20:00Z" */
static void
auth_time(char *out, size_t size, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(out, size, "%lld", (long long)t);
}

int
auth_mail_pin_in(struct store *st, const struct secret_key *key,
    int64_t user_id, const char *pin, const char *actor, time_t now,
    time_t *until)
{
	unsigned char salt[SECRET_SALT_BYTES], hash[SECRET_HASH_BYTES];
	struct store_user u;
	char when[32];
	bool pending, replaced;
	int rc;

	*until = 0;
	if (st == NULL || key == NULL || !secret_pin_valid(pin))
		return STORE_INVALID;
	if ((rc = store_user_find_id(st, user_id, &u)) != STORE_OK)
		return rc;
	/* a current PIN is never replaced by mail anyone can send */
	pending = u.has_pin;
	replaced = u.has_pending;
	secret_salt_new(salt);
	if (secret_pin_hash(key, salt, pin, hash) != 0)
		rc = STORE_INVALID;
	else
		rc = store_user_set_mailed_pin(st, u.id, salt, hash, now,
		    now + AUTH_PENDING_LIFETIME, pending);
	secret_wipe(salt, sizeof(salt));
	secret_wipe(hash, sizeof(hash));
	if (rc == STORE_OK) {
		auth_time(when, sizeof(when), now + AUTH_PENDING_LIFETIME);
		rc = store_audit_record(st, now, actor, "pin.issue", u.email, 0,
		    pending ? "pending" : "ok", "mailed%s%s%s",
		    pending ? " pending-until=" : "", pending ? when : "",
		    replaced ? " replaced-pending" : "");
	}
	if (rc == STORE_OK && pending)
		*until = now + AUTH_PENDING_LIFETIME;
	secret_wipe(&u, sizeof(u));
	return rc;
}

int
auth_set_pin(struct store *st, const struct secret_key *key,
    int64_t user_id, const char *pin, const char *actor, const char *action,
    time_t now)
{
	int rc;

	if (st == NULL || key == NULL || !secret_pin_valid(pin))
		return STORE_INVALID;
	if ((rc = store_begin(st)) != STORE_OK)
		return rc;
	if ((rc = auth_set_pin_in(st, key, user_id, pin, actor, action,
	    now)) == STORE_OK && (rc = store_commit(st)) == STORE_OK)
		return STORE_OK;
	store_rollback(st);
	return rc;
}
