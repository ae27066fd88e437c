/*
 * repeat.h - a message sent again gets the decision it got the first
 * time.
 *
 * An MTA sends a message again after a tempfail, and a customer's client
 * may resend one: both come with the same Message-ID from the same
 * sender.  The pipeline records each decision (store_decision_put) in the
 * message's one transaction, keyed by (From address in lower case,
 * Message-ID), with a keyed MAC of the content (every Subject field and
 * the body as received); within REPEAT_WINDOW a message with the same
 * key and the same MAC is a repeat: the same verdict, reason, account
 * and case, no PIN tested, no case opened, no notice queued, one audit
 * row "message.repeat".
 *
 * Security: the MAC keeps a copied Message-ID from carrying someone
 * else's verdict onto other content (a forged From that reuses the
 * Message-ID of an authenticated message, with another body, is decided
 * afresh); keyed, so the stored value says nothing about a PIN in the
 * body.  A message without a usable Message-ID (none, empty, longer than
 * the store keeps, control characters) is never treated as a repeat:
 * each copy is decided again, which may count a wrong PIN twice but
 * never authenticates anything that was not verified.
 */
#ifndef PM_REPEAT_H
#define PM_REPEAT_H

#include <stdbool.h>
#include <time.h>

#include "core/secret.h"
#include "mail/hdrlist.h"
#include "store/store.h"
#include "util/spool.h"
#include "util/timeconst.h"
#include "case/verdict.h"

/* How long a decision is kept for its repeats. */
#define REPEAT_WINDOW	(7 * DAY)

struct repeat_key {
	struct store_decision d;	/* key and digest filled */
};

/* The key of a message from FROM ("" when none): false when it has no
 * usable Message-ID or its body cannot be read (never a repeat). */
bool repeat_key_make(const struct secret_key *key, const struct hdrlist *hl,
    struct spool *body, const char *from, struct repeat_key *k);

/* Inside the transaction: the decision of an earlier copy within the
 * window, into V (verdict, reason, account, case); STORE_NOTFOUND when
 * none or other content. */
int repeat_find(struct store *st, const struct repeat_key *k, time_t now,
    struct verdict *v, time_t *first);

/* Inside the transaction: record V for K, forget decisions older than
 * the window. */
int repeat_record(struct store *st, struct repeat_key *k, time_t now,
    const struct verdict *v);

#endif
