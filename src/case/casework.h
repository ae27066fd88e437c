/*
 * casework.h - the case processor: which case a support message belongs
 * to, what it does to that case, and which notice (if any) answers it.
 *
 * Inside the message's one BEGIN IMMEDIATE transaction (the pipeline's,
 * with the verdict and the decision record): join or open the case,
 * record the message's Message-ID, mark the case authenticated on a PIN
 * pass, issue a PIN when one is due, queue at most one notice, and write
 * the audit rows.  A notice exists in the outbox exactly when the
 * decision that made it was committed.
 *
 * A PIN pass authenticates the case only when the sender is a user of the
 * case's account.
 *
 * The rules:
 * - a valid signed token (In-Reply-To/References or a plus-address)
 *   joins its case; a subject tag or an external reference joins only a
 *   case of the sender's own account; anything else opens a new case;
 *   forged tokens are ignored and audited;
 * - notices go only to the address on file of a known user, never in
 *   answer to automatic, bulk, list or bounce mail (rules.c);
 * - one notice per message at most, chosen in this order (what the author
 *   asks is the intent classifier's reading, intent.h): nothing for an
 *   authenticated message or case; for a locked user who asks for a
 *   change or a PIN, or tries one: never a PIN (a PIN request is audited
 *   notice.skip), account-locked (until when, and the account's
 *   administrators) once per lock, else case-created for a new case; a
 *   PIN delivery (the user asked for a new PIN, or has none and asks for
 *   a change): the PIN is pending next to the user's PIN (pin/auth.h),
 *   never in its place, at most one per PinIssueInterval counted from the
 *   last PIN mailed in answer to mail of the same budget class (a
 *   pin-delivery queued by us or by "pinctl pin issue --send"; a PIN an
 *   administrator set or printed does not count): within it,
 *   pin-recently-sent says when it was sent and when another may be
 *   asked for (without that template, a new case gets case-created); a
 *   verification request (a change request without a valid PIN; at most
 *   one per case); a case-created notice for a new case;
 * - daily budgets per recipient per 24 hours (doc/NOTICES.md): at most
 *   MaxNoticesPerDay notices answering mail with a trusted DMARC pass for
 *   its From domain (verdict.aligned), and as many answering any other
 *   mail (pinctl's count there too), so forged mail cannot silence a
 *   user's aligned requests; PIN deliveries are bounded by
 *   PinIssueInterval instead (with PinIssueInterval 0 they count).
 */
#ifndef PM_CASEWORK_H
#define PM_CASEWORK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "case/casematch.h"
#include "case/intent.h"
#include "core/config.h"
#include "mail/hdrlist.h"
#include "notice/notice.h"
#include "core/secret.h"
#include "store/store.h"
#include "case/verdict.h"

struct casework_env {
	const struct pm_config *cfg;
	const struct secret_key *key;
	struct store *st;
	const struct notice_templates *tmpl;	/* NULL: no notices */
	time_t now;
	const char *actor;			/* audit actor, required */
};

struct casework_in {
	const char *queue_id;
	const struct hdrlist *headers;
	const char *env_sender;		/* envelope sender, NULL: unknown */
	const char *subject;		/* first Subject, decoded, or NULL */
	const struct intent *intent;	/* what the author asks; NULL: other */
	const struct casematch *match;
};

struct casework_out {
	int64_t case_number;
	bool opened;			/* a new case */
	bool tagged;			/* the subject already has this tag */
	const char *notice;		/* kind queued, NULL: none */
	const char *no_notice;		/* why none was sent, NULL: n/a */
};

/*
 * Before the PIN is looked for: is this a reply (by signed token) to a
 * case that awaits verification?  Then a bare 6-digit line counts.
 */
bool casework_awaits_pin(struct store *st, const struct casematch *m);

/*
 * Run the case processor for a message whose verdict V is decided.  May
 * turn V->auth into VERDICT_VERIFICATION_REQUESTED and sets
 * V->case_number.  Returns 0, or -1 when the store fails or a notice
 * cannot be built (the transaction is rolled back: no case, no notice).
 */
int casework_run(const struct casework_env *env, const struct casework_in *in,
    struct verdict *v, struct casework_out *out);

/* The same inside the caller's transaction (store_begin() done): commits
 * nothing; on -1 the caller rolls back. */
int casework_run_in(const struct casework_env *env,
    const struct casework_in *in, struct verdict *v,
    struct casework_out *out);

#endif
