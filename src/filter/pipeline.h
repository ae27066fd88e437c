/*
 * pipeline.h - one support message, start to finish: parse, find the
 * author's text and the PIN candidates, decide the verdict, compute the
 * edits (tags, forged-header removal, redaction), log one line.
 *
 * Then the case processor (casework.c) joins or opens the case, marks it
 * authenticated and queues at most one notice; the subject gets the case
 * tag and the message X-Support-Case.
 *
 * Shared by the milter (milter.c collects a struct pipeline_msg from the
 * callbacks and applies the edits with libmilter) and "pinmilter -t"
 * (tryout.c builds one from a file and applies the edits to it), so the
 * two cannot disagree.  No libmilter here.
 */
#ifndef PM_PIPELINE_H
#define PM_PIPELINE_H

#include <stdbool.h>
#include <time.h>

#include "core/config.h"
#include "filter/edits.h"
#include "mail/hdrlist.h"
#include "core/secret.h"
#include "util/spool.h"
#include "store/store.h"
#include "case/verdict.h"

struct notice_templates;

struct pipeline_env {
	const struct pm_config *cfg;
	const struct secret_key *key;
	struct store *st;		/* this thread's connection; NULL when the
					 * database cannot be opened: the verdict
					 * is then temperror, redaction still runs */
	time_t now;
	const struct notice_templates *tmpl;	/* NULL: no notices */
};

/* What was collected of one message. */
struct pipeline_msg {
	char queue_id[64];
	const char *env_sender;		/* envelope sender, NULL: unknown */
	const char *const *rcpts;	/* envelope recipients (not owned) */
	const bool *rcpt_support;	/* per recipient: a support address, as
					 * written or as the MTA resolved it;
					 * NULL: read each (route.c) */
	size_t nrcpts;
	struct hdrlist headers;
	struct spool *body;		/* NULL: empty body */
};

struct pipeline_result {
	struct verdict verdict;
	struct edits edits;
	unsigned redactions;		/* candidates replaced */
	const char *notice;		/* kind of notice queued, NULL: none */
	const char *reject;		/* non-NULL: refuse the message (5xx),
					 * whatever OnInternalError says */
	const char *reject_rcode;	/* its reply code, NULL: 550 */
	const char *reject_xcode;	/* its enhanced code, NULL: 5.7.1 */
	bool unsafe;			/* a PIN would be delivered: the
					 * message must not be, whatever
					 * OnInternalError says (tempfail
					 * for accept) */
};

/* The reply to a message that was not held whole (over MaxMessageSize
 * or the header-field cap) when RedactPIN is on. */
#define PIPELINE_INCOMPLETE_TEXT \
	"message too large for the support desk to check for a PIN: " \
	"nothing was delivered; send it again smaller (fewer or smaller " \
	"attachments), or to another address"

/*
 * Run the pipeline.  crlf: the new body (if any) uses CRLF line ends.
 * Returns 0 with R filled (R->reject set: the message cannot be made safe
 * and must be refused), or -1 on an internal error: then R->verdict
 * says temperror and R->edits holds the header edits for that verdict
 * (used with OnInternalError accept); the caller decides.
 * Release R with pipeline_result_clear().
 */
int pipeline_run(const struct pipeline_env *env, struct pipeline_msg *msg,
    bool crlf, struct pipeline_result *r);

void pipeline_result_clear(struct pipeline_result *r);

#endif
