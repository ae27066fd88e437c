/*
 * verdict.c - sender + candidates + store -> verdict.
 *
 * Order of decisions (the first that applies wins):
 *   1. not exactly one From mailbox           -> policy, nothing tested
 *   2. message incomplete (over the limits)   -> policy, nothing tested
 *   3. RequireAlignedFrom without a trusted dmarc=pass for the From
 *      domain                                  -> policy, nothing tested
 *   4. sender not on file                      -> none
 *   5. no candidate                            -> none ("no PIN found")
 *   5a. ReplyToMustMatch and a Reply-To other than From -> policy,
 *      nothing tested (a helpdesk may take Reply-To as the customer)
 *   6. auth_verify: pass / fail / locked / too many / no PIN set
 * Security notes: candidates are only ever tested against the From
 * user's own PIN; an unknown sender's candidates are tested against
 * nothing.  A store error anywhere yields error and never a pass.
 * Everything is written inside the caller's transaction (the message's
 * one commit, filter/pipeline.c): on error the caller rolls back.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/ar.h"
#include "pin/auth.h"
#include "case/verdict.h"

static void
verdict_audit(const struct verdict_env *env, const struct verdict_input *in,
    struct verdict *v)
{
	if (store_audit_record(env->st, env->now, env->actor, "message",
	    v->from, 0, verdict_pin_name(v->pin), "queue=%s reason=%s",
	    in->queue_id ? in->queue_id : "-", v->reason) != STORE_OK) {
		v->error = true;
		v->pin = XPIN_TEMPERROR;
		v->auth = VERDICT_UNVERIFIED;
		v->reason = "internal error";
	}
}

bool
verdict_from_aligned(const struct pm_config *cfg, const struct hdrlist *hl,
    const char *domain)
{
	char id[256];
	const char *value;
	size_t i, j;

	/*
	 * Only the topmost field of a trusted host counts: a host prepends
	 * its field above everything it received, so a field of the same
	 * authserv-id further down was written by someone before it (the
	 * sender, forging a pass under the host's own dmarc=fail).
	 */
	for (i = 1; (value = hdrlist_get(hl, "Authentication-Results", i)); i++) {
		if (!ar_authserv_id(value, id, sizeof(id)))
			continue;
		for (j = 0; j < cfg->trusted_authserv_ids.n; j++)
			if (strcasecmp(id, cfg->trusted_authserv_ids.v[j]) == 0)
				return ar_dmarc_pass(value, domain);
	}
	return false;
}

static void
verdict_set(struct verdict *v, enum verdict_pin pin, const char *reason)
{
	v->pin = pin;
	v->reason = reason;
	v->auth = pin == XPIN_PASS ? VERDICT_AUTHENTICATED : VERDICT_UNVERIFIED;
}

static void
verdict_from_auth(struct verdict *v, enum auth_result r)
{
	switch (r) {
	case AUTH_PASS:
		verdict_set(v, XPIN_PASS, "PIN verified");
		break;
	case AUTH_FAIL:
		verdict_set(v, XPIN_FAIL, "wrong PIN");
		break;
	case AUTH_LOCKED:
		verdict_set(v, XPIN_FAIL, "too many failures, user locked");
		break;
	case AUTH_TOO_MANY:
		verdict_set(v, XPIN_FAIL, "too many PIN candidates");
		break;
	case AUTH_NO_PIN:
		verdict_set(v, XPIN_NONE, "no PIN on file for the sender");
		break;
	case AUTH_NO_USER:
		verdict_set(v, XPIN_NONE, "sender not on file");
		break;
	case AUTH_ERROR:
	default:
		verdict_internal_error(v, v->from);
		break;
	}
}

int
verdict_decide(const struct verdict_env *env, const struct verdict_input *in,
    struct verdict *v)
{
	struct store_user u;
	struct auth_request req;
	const char *list[PIN_MAX_FOUND];
	size_t i, n;
	int rc;

	memset(v, 0, sizeof(*v));
	verdict_set(v, XPIN_NONE, "no PIN found");
	if (in->sender->status != SENDER_OK) {
		verdict_set(v, XPIN_POLICY, sender_status_reason(in->sender->status));
		verdict_audit(env, in, v);
		return v->error ? -1 : 0;
	}
	snprintf(v->from, sizeof(v->from), "%s", in->sender->addr);
	v->aligned = verdict_from_aligned(env->cfg, in->headers,
	    in->sender->domain);

	rc = store_user_find(env->st, v->from, &u);
	if (rc == STORE_OK) {
		snprintf(v->account, sizeof(v->account), "%s", u.account);
		v->user_id = u.id;
	} else if (rc != STORE_NOTFOUND) {
		verdict_internal_error(v, v->from);
		return -1;
	}

	if (in->incomplete)
		verdict_set(v, XPIN_POLICY, "message too large or too complex to read");
	else if (env->cfg->require_aligned_from && !v->aligned)
		verdict_set(v, XPIN_POLICY, "From not aligned (no trusted DMARC pass)");
	else if (rc == STORE_NOTFOUND)
		verdict_set(v, XPIN_NONE, "sender not on file");
	else if (in->cands->n == 0 && !in->cands->overflow)
		verdict_set(v, XPIN_NONE, "no PIN found");
	else if (env->cfg->reply_to_must_match &&
	    !sender_reply_to_matches(in->headers, v->from))
		verdict_set(v, XPIN_POLICY, "Reply-To names another mailbox");
	else {
		n = in->cands->n;
		for (i = 0; i < n; i++)
			list[i] = in->cands->v[i];
		memset(&req, 0, sizeof(req));
		req.email = v->from;
		req.candidates = list;
		req.ncandidates = n;
		req.max_candidates = env->cfg->max_candidates;
		if (in->cands->overflow && req.max_candidates >= n)
			req.max_candidates = n - 1;	/* more existed than fit */
		req.actor = env->actor;
		req.channel = "email";
		req.ref = in->queue_id;
		v->tested = true;
		verdict_from_auth(v, auth_verify_in(env->st, env->key,
		    &(struct lockout_policy){ env->cfg->max_failures,
		    env->cfg->failure_window, env->cfg->lockout_time },
		    &req, env->now, &u));
		return v->error ? -1 : 0;	/* auth_verify wrote the audit row */
	}
	verdict_audit(env, in, v);
	return v->error ? -1 : 0;
}

void
verdict_internal_error(struct verdict *v, const char *from)
{
	v->auth = VERDICT_UNVERIFIED;
	v->pin = XPIN_TEMPERROR;
	v->reason = "internal error";
	v->error = true;
	v->tested = false;
	if (from != v->from)
		snprintf(v->from, sizeof(v->from), "%s", from ? from : "");
}

const char *
verdict_auth_name(enum verdict_auth a)
{
	switch (a) {
	case VERDICT_AUTHENTICATED:
		return "authenticated";
	case VERDICT_VERIFICATION_REQUESTED:
		return "verification-requested";
	case VERDICT_UNVERIFIED:
	default:
		return "unverified";
	}
}

const char *
verdict_pin_name(enum verdict_pin p)
{
	switch (p) {
	case XPIN_PASS:
		return "pass";
	case XPIN_FAIL:
		return "fail";
	case XPIN_POLICY:
		return "policy";
	case XPIN_TEMPERROR:
		return "temperror";
	case XPIN_NONE:
	default:
		return "none";
	}
}
