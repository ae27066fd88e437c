/*
 * outbox.h - the worker thread that delivers queued notices.
 *
 * Notices are queued by notice_queue() in the transaction of the decision
 * that made them; this worker takes the due ones (store_outbox_due),
 * opens them (secret_open), hands them to mailer_send() and marks them
 * sent or failed, with exponential backoff.  Delivery is at least once
 * (see outbox.c).  The worker has its own store connection.
 */
#ifndef PM_OUTBOX_H
#define PM_OUTBOX_H

#include <stdbool.h>
#include <time.h>

#include "core/config.h"
#include "core/secret.h"
#include "store/store.h"

#define OUTBOX_BATCH		16	/* notices per round */
#define OUTBOX_INTERVAL		5	/* seconds between rounds when idle */
#define OUTBOX_BACKOFF_MAX	3600	/* seconds: backoff cap */

/*
 * Start the worker: opens cfg->database, starts one thread (all signals
 * blocked in it, so the daemon's signal handling is unchanged).  The
 * worker holds a reference to CFG (config_ref); KEY must stay valid until
 * outbox_stop() returns.  Call once, after the
 * privileges are dropped and before smfi_main().  0 ok, -1 with one line
 * in err.
 */
int outbox_start(const struct pm_config *cfg, const struct secret_key *key,
    char *err, size_t errlen);

/* Wake the worker now (after a transaction that queued a notice).  Cheap;
 * safe from any thread; does nothing when the worker is not running. */
void outbox_kick(void);

/*
 * Ask the worker to stop without waiting for it: the send in progress is
 * cut short within about IO_STOP_STEP_MS (mailer_stop; its notice stays
 * due, not counted as an attempt) and no other notice is tried.  Call it
 * before logging that the daemon stops.  Does nothing when it is not
 * running.
 */
void outbox_stop_ask(void);

/* outbox_stop_ask(), then join the worker and close its store.  Does
 * nothing when it is not running. */
void outbox_stop(void);

/*
 * After a reload: the worker's next round reads CFG (its Mailer,
 * SMTPRelay, OutboxRetry...); a round in progress finishes with the
 * config it started with.  The database stays the one it opened (a new
 * Database needs a restart).  Does nothing when it is not running.
 */
void outbox_set_config(const struct pm_config *cfg);

/*
 * One round on ST at time NOW: up to OUTBOX_BATCH due notices, each
 * opened, sent and marked.  *sent and *failed count this round's
 * outcomes (either may be NULL).  Returns 0, or -1 when the store failed
 * (the round stops; nothing is lost: unmarked notices are due again).
 */
int outbox_run_once(struct store *st, const struct pm_config *cfg,
    const struct secret_key *key, time_t now, unsigned *sent,
    unsigned *failed);

/* The retry delay after the failure that makes ATTEMPTS attempts so far:
 * OutboxRetry * 2^(attempts-1), at most OUTBOX_BACKOFF_MAX. */
unsigned outbox_backoff(const struct pm_config *cfg, unsigned attempts);

#endif
