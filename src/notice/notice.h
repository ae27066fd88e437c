/*
 * notice.h - the notices pinmilter sends, built from templates.
 *
 * A template is TemplateDir/LANG/KIND.txt, KIND one of the NOTICE_*
 * names below: "Subject: ..." (one header line, UTF-8 allowed), a blank
 * line, then the UTF-8 body.  Placeholders {{case}} {{name}} {{email}}
 * {{account}} {{support}} {{tag}} anywhere, {{pin}} only in the body of
 * pin-delivery, {{old_email}} and {{new_email}} only in email-changed,
 * {{until}} in account-locked and pin-recently-sent, {{sent}} in
 * pin-recently-sent, {{admins}} only in the bodies of those two,
 * {{request_subject}} and {{request_time}} only in the body of
 * verification-request (the request it asks to confirm: its subject as
 * notice_request_subject() makes it, and when it arrived).  The
 * first four kinds are required, account-locked and pin-recently-sent
 * optional (notice_has_kind).  Loading checks everything (files, size,
 * UTF-8, placeholders), so building a notice later cannot fail on a
 * template.
 *
 * notice_build() makes a complete RFC 5322 / MIME message (CRLF line
 * ends) to the address on file; notice_queue() seals it and puts it in
 * the outbox inside the caller's transaction.  A struct notice_templates
 * is immutable once loaded and may be shared read-only between threads.
 */
#ifndef PM_NOTICE_H
#define PM_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/config.h"
#include "core/secret.h"
#include "store/store.h"

#define NOTICE_CASE_CREATED	"case-created"
#define NOTICE_VERIFICATION	"verification-request"
#define NOTICE_PIN_DELIVERY	"pin-delivery"
#define NOTICE_EMAIL_CHANGED	"email-changed"
#define NOTICE_ACCOUNT_LOCKED	"account-locked"	/* PIN checks locked */
#define NOTICE_PIN_RECENT	"pin-recently-sent"	/* no second PIN yet */

#define NOTICE_TEMPLATE_MAX	(64 * 1024)	/* bytes in one template file */
#define NOTICE_VALUE_MAX	1024		/* bytes in one placeholder value */
#define NOTICE_SUBJECT_CHARS	60	/* characters of {{request_subject}} */
#define NOTICE_SUBJECT_MAX	(NOTICE_SUBJECT_CHARS * 4 + 1)	/* bytes */

struct notice_templates;

/*
 * Load the templates of DIR/LANG.  LANG must be a plain name
 * ([A-Za-z0-9_-], e.g. "en", "fr", "pt_BR").  On error returns NULL and
 * writes one line into err: "FILE:LINE: reason" (or "FILE: reason").
 */
struct notice_templates *notice_templates_load(const char *dir,
    const char *lang, char *err, size_t errlen);
void notice_templates_free(struct notice_templates *t);

/* Was the template of KIND loaded (an optional kind may be absent)? */
bool notice_has_kind(const struct notice_templates *t, const char *kind);

/* The first optional kind without a template in T ("account-locked"), or
 * NULL: for a warning at start. */
const char *notice_missing_kind(const struct notice_templates *t);

/* Is there a TemplateDir/NoticeLanguage directory?  Without one notices
 * are disabled (a warning); with one every template must load. */
bool notice_templates_present(const struct pm_config *cfg);

/* The values of the placeholders; NULL means "". */
struct notice_vars {
	int64_t case_number;	/* {{case}}; 0: none ("" and no Reply-To token) */
	const char *tag;	/* {{tag}}: the subject tag, e.g. "[Case #100001]" */
	const char *name;	/* {{name}}: display name; NULL or "": the email */
	const char *email;	/* {{email}} and the To: address (required) */
	const char *account;	/* {{account}} */
	const char *support;	/* {{support}}; NULL: the first SupportAddress */
	const char *pin;	/* {{pin}}: pin-delivery only */
	const char *old_email;	/* {{old_email}}: email-changed only */
	const char *new_email;	/* {{new_email}}: email-changed only */
	const char *until;	/* {{until}}: "2026-12-04 17:42 UTC" */
	const char *sent;	/* {{sent}}: the same form */
	const char *admins;	/* {{admins}}: one "Name <address>" a line */
	const char *request_subject; /* {{request_subject}}: the customer's
				  * subject as written; notice_build quotes it
				  * through notice_request_subject() */
	const char *request_time; /* {{request_time}}: "2026-12-04 17:42 UTC" */
	const char *in_reply_to; /* customer's Message-ID (with or without
				  * <>) or NULL: In-Reply-To and References */
};

/*
 * Build notice KIND for V.  On success returns 0 and sets *out (*outlen
 * bytes, CRLF line ends, not NUL-terminated in the count but followed by
 * a NUL) and *message_id (the Message-ID without angle brackets, as
 * token_message_id made it).  The caller releases both with g_free, and
 * should secret_wipe() *out first: a pin-delivery notice holds a PIN.
 *
 * Returns -1 (nothing allocated) for an unknown KIND, a missing email, a
 * value with CR or LF bound for a header (email, subject placeholders), a
 * value longer than NOTICE_VALUE_MAX, a missing PIN for pin-delivery or a
 * PIN for anything else, no From address, or a GMime failure.  A
 * malformed in_reply_to is not an error: it is left out.
 */
int notice_build(const struct notice_templates *t, const char *kind,
    const struct notice_vars *v, const struct pm_config *cfg,
    const struct secret_key *key, char **out, size_t *outlen,
    char **message_id);

/*
 * SUBJECT (a customer's, any bytes, NULL as "") as a verification request
 * quotes it, into OUT (SIZE >= NOTICE_SUBJECT_MAX bytes is never cut):
 * one clean line (util/text.h), every word that is or holds a link or an
 * address and every run of five or more digits not after '#' made
 * "[\u2026]", '"' made '\'', white space one space, at most
 * NOTICE_SUBJECT_CHARS characters (a longer one cut at a space past the
 * middle and ended with "\u2026").  Pure.
 */
void notice_request_subject(const char *subject, char *out, size_t size);

/*
 * Seal MSG with secret_seal(key, "outbox", ...) and queue it with
 * store_outbox_add (next_try = now).  No transaction of its own: call it
 * inside the caller's store_begin() so the notice exists exactly when the
 * decision does.  Returns a store_rc (STORE_INVALID for a message too big
 * for the outbox, STORE_ERROR when sealing fails).
 */
int notice_queue(struct store *st, const struct secret_key *key,
    const char *kind, const char *recipient, int64_t case_number,
    const char *msg, size_t len, time_t now);
/* The same, in the daily budget of ALIGNED (a notice answering mail with
 * a trusted DMARC pass for its From domain); notice_queue: not aligned. */
int notice_queue_class(struct store *st, const struct secret_key *key,
    const char *kind, const char *recipient, int64_t case_number,
    const char *msg, size_t len, time_t now, bool aligned);

#endif
