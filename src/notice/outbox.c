/*
 * outbox.c - deliver queued notices from a worker thread.
 *
 * A round (outbox_run_once) reads up to OUTBOX_BATCH due notices
 * (store_outbox_due: not sent, not dead, next_try <= now, oldest first),
 * and for each one: opens the sealed bytes (secret_open, purpose
 * "outbox"), hands them to mailer_send(), then marks the row:
 * - sent: store_outbox_mark_sent (the store drops the message bytes);
 * - retry: store_outbox_mark_failed with next_try = now + OutboxRetry *
 *   2^(attempts-1) (attempts counting this one), at most one hour, and
 *   dead once attempts reaches OutboxMaxAttempts;
 * - permanent failure (MAILER_FAIL), or bytes that cannot be opened
 *   (another key, damage): dead at once, with the reason in last_error;
 * - a recipient that is no longer a user's address on file (changed or
 *   removed after the notice was queued; email-changed excepted): dead
 *   at once, never handed to the Mailer.
 * - stopped (outbox_stop, SIGTERM): the send in progress is cut short
 *   within a fraction of a second (mailer_stop) and the row left as it
 *   was: not an attempt, due again at the next start; no other notice is
 *   tried once the stop is asked.
 * The worker thread runs a round, then sleeps on a condition variable
 * for OUTBOX_INTERVAL seconds or until outbox_kick(); a full batch is
 * followed at once by another round.
 *
 * Delivery is AT LEAST ONCE, with a bound.  Before a notice is handed
 * over it is claimed (store_outbox_claim: attempts + 1 and next_try at
 * the end of that attempt's retry delay, only if attempts is still what
 * this round read, so two processes on one database never both take
 * it); nothing is handed over when the claim cannot be written.  It is
 * marked sent only after the Mailer exited 0 or the relay accepted the
 * DATA.  If pinmilter dies (or the store cannot be written) between
 * that moment and the mark, the row is due again when the lease ends and
 * the notice is sent again: twice for one crash, never more than
 * OutboxMaxAttempts times however often it dies (a row claimed that
 * often is given up, "the last one interrupted"), never zero times.  A
 * duplicate notice is harmless by design (a PIN delivery repeats the
 * same PIN; the other kinds are informational).
 *
 * The worker's connection is opened again when the database file was
 * deleted, replaced or made read-only (store_stale), and used only when
 * the key's fingerprint matches; store failures are logged once a
 * minute (util/logfault.h).
 *
 * Security notes: the opened message may hold a PIN: it is wiped as soon
 * as the mailer returns; it is never logged (log lines name the notice
 * id, kind, case and recipient, an address on file).  The thread blocks
 * every asynchronous signal, so libmilter's signal handling is unchanged.
 *
 * Diagnostics: one log line per delivery (info when sent, warn when it
 * will be retried or was given up), err for store failures (once a
 * minute while they last, then "outbox: database: working again").
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "util/log.h"
#include "util/logfault.h"
#include "notice/mailer.h"
#include "notice/notice.h"
#include "notice/outbox.h"

struct job {
	int64_t id;
	int64_t case_number;
	char recipient[STORE_EMAIL_MAX];
	char kind[STORE_KIND_MAX];
	unsigned attempts;
	time_t next_try;
	unsigned char *sealed;		/* copy of the sealed bytes, or NULL */
	size_t len;
};

struct batch {
	struct job v[OUTBOX_BATCH];
	unsigned n;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool running, stop, kicked;
	const struct pm_config *cfg;	/* a reference (config_ref) */
	const struct secret_key *key;
	struct store *st;
} ob = { .mu = PTHREAD_MUTEX_INITIALIZER };

unsigned
outbox_backoff(const struct pm_config *cfg, unsigned attempts)
{
	unsigned d = cfg->outbox_retry > 0 ? cfg->outbox_retry : 1, i;

	for (i = 1; i < attempts && d < OUTBOX_BACKOFF_MAX; i++)
		d *= 2;
	return d < OUTBOX_BACKOFF_MAX ? d : OUTBOX_BACKOFF_MAX;
}

static bool
outbox_stopping(void)
{
	bool stop;

	(void)pthread_mutex_lock(&ob.mu);
	stop = ob.stop;
	(void)pthread_mutex_unlock(&ob.mu);
	return stop;
}

/* store_outbox_due callback: copy the row (its bytes are freed after). */
static int
batch_add(const struct store_notice *n, void *arg)
{
	struct batch *b = arg;
	struct job *j;

	if (b->n >= OUTBOX_BATCH)
		return 0;
	j = &b->v[b->n++];
	memset(j, 0, sizeof(*j));
	j->id = n->id;
	j->case_number = n->case_number;
	memcpy(j->recipient, n->recipient, sizeof(j->recipient));
	j->recipient[sizeof(j->recipient) - 1] = '\0';
	memcpy(j->kind, n->kind, sizeof(j->kind));
	j->kind[sizeof(j->kind) - 1] = '\0';
	j->attempts = n->attempts;
	j->next_try = n->next_try;
	if (n->message != NULL && n->message_len > 0) {
		j->sealed = g_memdup2(n->message, n->message_len);
		j->len = n->message_len;
	}
	return 0;
}

/* Open J and send it: a mailer_rc, with the reason in err. */
static int
job_send(const struct pm_config *cfg, const struct secret_key *key,
    const struct job *j, char *err, size_t errlen)
{
	unsigned char *msg;
	size_t len;
	int rc;

	if (j->sealed == NULL || j->len <= SECRET_SEAL_OVERHEAD) {
		snprintf(err, errlen, "no message bytes to send");
		return MAILER_FAIL;
	}
	len = j->len - SECRET_SEAL_OVERHEAD;
	msg = g_malloc(len);
	if (secret_open(key, "outbox", j->sealed, j->len, msg) != 0) {
		snprintf(err, errlen, "cannot open the sealed notice (another "
		    "KeyFile, or damaged)");
		rc = MAILER_FAIL;
	} else
		rc = mailer_send(cfg, j->recipient, (const char *)msg, len, err,
		    errlen);
	secret_wipe(msg, len);
	g_free(msg);
	return rc;
}

/*
 * Is J's recipient still a user's address on file?  Every notice but
 * email-changed goes to a user's address on file; an address changed or
 * removed since the notice was queued must not get it (it may hold a
 * PIN).  email-changed is meant for the old address too.  1 yes, 0 no
 * (reason in err), -1 store failure.
 */
static int
job_on_file(struct store *st, const struct job *j, char *err, size_t errlen)
{
	struct store_user u;
	int rc;

	if (strcmp(j->kind, NOTICE_EMAIL_CHANGED) == 0)
		return 1;
	rc = store_user_find(st, j->recipient, &u);
	secret_wipe(&u, sizeof(u));
	if (rc == STORE_OK)
		return 1;
	if (rc != STORE_NOTFOUND && rc != STORE_INVALID)
		return -1;
	snprintf(err, errlen, "cancelled: recipient no longer on file");
	return 0;
}

/* A store failure of the worker: one line a minute (util/logfault.h). */
static void
job_store_fault(struct store *st, const struct job *j, time_t now,
    const char *what)
{
	logfault(LOGFAULT_OUTBOX, now, "outbox: notice %lld: %s: %s; nothing "
	    "sent, tried again later", (long long)j->id, what,
	    store_errmsg(st));
}

/* Mark J after the send (MRC): sent, retried later, or dead.  0, or -1
 * when the store could not be written. */
static int
job_mark(struct store *st, const struct pm_config *cfg, const struct job *j,
    int mrc, time_t now, const char *err, const char *rcpt, unsigned *sent,
    unsigned *failed)
{
	unsigned attempts = j->attempts + 1, delay = 0;
	bool dead;
	int rc;

	if (mrc == MAILER_SENT) {
		rc = store_outbox_mark_sent(st, j->id, now);
		(*sent)++;
		pm_log_info("outbox: notice %lld (%s, case %lld) to %s sent",
		    (long long)j->id, j->kind, (long long)j->case_number, rcpt);
	} else {
		dead = mrc == MAILER_FAIL || attempts >= cfg->outbox_max_attempts;
		if (!dead)
			delay = outbox_backoff(cfg, attempts);
		rc = store_outbox_mark_failed(st, j->id, now + (time_t)delay,
		    err, dead);
		(*failed)++;
		if (dead)
			pm_log_warn("outbox: notice %lld (%s, case %lld) to %s: "
			    "%s; given up after %u attempt%s", (long long)j->id,
			    j->kind, (long long)j->case_number, rcpt, err,
			    attempts, attempts == 1 ? "" : "s");
		else
			pm_log_warn("outbox: notice %lld (%s, case %lld) to %s: "
			    "%s; attempt %u of %u, next in %u s", (long long)j->id,
			    j->kind, (long long)j->case_number, rcpt, err,
			    attempts, cfg->outbox_max_attempts, delay);
	}
	if (rc != STORE_OK) {
		/* claimed: due again when the lease ends, still counted */
		job_store_fault(st, j, now, "cannot record the outcome");
		return -1;
	}
	return 0;
}

/* J was claimed OutboxMaxAttempts times already, the last send cut short
 * by the death of the process: dead, never handed over again. */
static int
job_give_up(struct store *st, const struct job *j, time_t now,
    const char *rcpt, unsigned *failed)
{
	(*failed)++;
	pm_log_warn("outbox: notice %lld (%s, case %lld) to %s: given up after "
	    "%u attempts (the last one interrupted)", (long long)j->id, j->kind,
	    (long long)j->case_number, rcpt, j->attempts);
	if (store_outbox_mark_failed(st, j->id, now, "given up: the last "
	    "attempt was interrupted", true) != STORE_OK) {
		job_store_fault(st, j, now, "cannot record the outcome");
		return -1;
	}
	return 0;
}

/*
 * Send J and mark it.  The notice is claimed first (counted, due again
 * only when the lease ends): if the daemon dies during the send, it is
 * sent again after the restart, never more than OutboxMaxAttempts times
 * in all.  Nothing is sent when the claim cannot be written.  0, or -1
 * when the store could not be written.
 */
static int
job_run(struct store *st, const struct pm_config *cfg,
    const struct secret_key *key, const struct job *j, time_t now,
    unsigned *sent, unsigned *failed)
{
	char err[STORE_ERROR_MAX], rcpt[STORE_EMAIL_MAX];
	int mrc, rc;

	(void)log_printable(j->recipient, rcpt, sizeof(rcpt));
	if (j->attempts >= cfg->outbox_max_attempts)
		return job_give_up(st, j, now, rcpt, failed);
	if ((rc = job_on_file(st, j, err, sizeof(err))) < 0) {
		job_store_fault(st, j, now, "cannot look up the recipient");
		return -1;
	}
	if (rc == 0)
		mrc = MAILER_FAIL;
	else {
		rc = store_outbox_claim(st, j->id, j->attempts, now +
		    (time_t)outbox_backoff(cfg, j->attempts + 1));
		if (rc == STORE_NOTFOUND)
			return 0;	/* another process took it */
		if (rc != STORE_OK) {
			job_store_fault(st, j, now, "cannot claim it");
			return -1;
		}
		mrc = job_send(cfg, key, j, err, sizeof(err));
	}
	if (mrc == MAILER_STOPPED) {
		/* not an attempt: the row goes back as it was, due again */
		rc = store_outbox_unclaim(st, j->id, j->next_try);
		pm_log_info("outbox: notice %lld (%s, case %lld) to %s: %s; "
		    "not counted, due again at the next start", (long long)j->id,
		    j->kind, (long long)j->case_number, rcpt, err);
		return rc == STORE_OK ? 0 : -1;
	}
	return job_mark(st, cfg, j, mrc, now, err, rcpt, sent, failed);
}

int
outbox_run_once(struct store *st, const struct pm_config *cfg,
    const struct secret_key *key, time_t now, unsigned *sent,
    unsigned *failed)
{
	struct batch *b;
	unsigned i, s = 0, f = 0;
	int rc = 0;

	b = g_new0(struct batch, 1);
	if (store_outbox_due(st, now, OUTBOX_BATCH, batch_add, b) != STORE_OK) {
		logfault(LOGFAULT_OUTBOX, now, "outbox: cannot read due "
		    "notices: %s; tried again later", store_errmsg(st));
		rc = -1;
	}
	for (i = 0; i < b->n && rc == 0 && !outbox_stopping(); i++)
		rc = job_run(st, cfg, key, &b->v[i], now, &s, &f);
	for (i = 0; i < b->n; i++)
		g_free(b->v[i].sealed);
	g_free(b);
	if (rc == 0)
		logfault_clear(LOGFAULT_OUTBOX, now, "outbox: database");
	if (sent != NULL)
		*sent = s;
	if (failed != NULL)
		*failed = f;
	return rc;
}

/* Sleep until kicked, stopped, or OUTBOX_INTERVAL seconds.  ob.mu held. */
static void
outbox_sleep(void)
{
	struct timespec until;

	(void)clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += OUTBOX_INTERVAL;
	while (!ob.stop && !ob.kicked)
		if (pthread_cond_timedwait(&ob.cv, &ob.mu, &until) == ETIMEDOUT)
			break;
}

/*
 * The worker's connection, opened again when the database file was
 * deleted, replaced or made read-only (store_stale), and only used when
 * the key belongs to it: a database restored from another installation
 * would make every sealed notice unreadable, and dead.  False (logged
 * once a minute): no round now.
 */
static bool
outbox_store_ready(const struct pm_config *cfg, time_t now)
{
	char err[512];
	int rc;

	if (ob.st != NULL && store_stale(ob.st, NULL, 0)) {
		store_close(ob.st);
		ob.st = NULL;
	}
	if (ob.st != NULL)
		return true;
	if (store_open(cfg->database, cfg->database_timeout * 1000, 0, &ob.st,
	    err, sizeof(err)) != STORE_OK) {
		logfault(LOGFAULT_OUTBOX, now, "outbox: %s; no notice sent "
		    "until it opens", err);
		return false;
	}
	if ((rc = store_key_check(ob.st, ob.key)) != STORE_KEY_OK) {
		logfault(LOGFAULT_OUTBOX, now, "outbox: database %s: %s; no "
		    "notice sent until it is the right one", cfg->database,
		    rc == STORE_KEY_ERROR ? store_errmsg(ob.st) :
		    "the key does not belong to it");
		store_close(ob.st);
		ob.st = NULL;
		return false;
	}
	return true;
}

static void *
outbox_main(void *arg)
{
	unsigned sent, failed;
	int rc;

	(void)arg;
	(void)pthread_mutex_lock(&ob.mu);
	while (!ob.stop) {
		const struct pm_config *cfg = config_ref(ob.cfg);
		time_t now = time(NULL);

		ob.kicked = false;
		(void)pthread_mutex_unlock(&ob.mu);
		sent = failed = 0;
		rc = !outbox_store_ready(cfg, now) ? -1 :
		    outbox_run_once(ob.st, cfg, ob.key, now, &sent, &failed);
		config_unref(cfg);	/* a reload may have replaced it */
		(void)pthread_mutex_lock(&ob.mu);
		if (rc == 0 && sent + failed >= OUTBOX_BATCH)
			continue;	/* a full batch: more may be due */
		outbox_sleep();
	}
	(void)pthread_mutex_unlock(&ob.mu);
	return NULL;
}

/* Start the thread with every asynchronous signal blocked in it. */
static int
outbox_spawn(void)
{
	sigset_t all, old;
	int rc;

	(void)sigfillset(&all);
	(void)sigdelset(&all, SIGSEGV);
	(void)sigdelset(&all, SIGBUS);
	(void)sigdelset(&all, SIGFPE);
	(void)sigdelset(&all, SIGILL);
	(void)pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&ob.thread, NULL, outbox_main, NULL);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int
outbox_start(const struct pm_config *cfg, const struct secret_key *key,
    char *err, size_t errlen)
{
	pthread_condattr_t ca;
	char why[256];
	int rc;

	if (ob.running) {
		snprintf(err, errlen, "outbox: already running");
		return -1;
	}
	if (store_open(cfg->database, cfg->database_timeout * 1000, 0, &ob.st,
	    why, sizeof(why)) != STORE_OK) {
		snprintf(err, errlen, "outbox: %s", why);
		return -1;
	}
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&ob.cv, &ca) != 0) {
		snprintf(err, errlen, "outbox: cannot make a condition variable");
		store_close(ob.st);
		ob.st = NULL;
		return -1;
	}
	(void)pthread_condattr_destroy(&ca);
	ob.cfg = config_ref(cfg);
	ob.key = key;
	ob.stop = ob.kicked = false;
	if ((rc = outbox_spawn()) != 0) {
		snprintf(err, errlen, "outbox: cannot start a thread: %s",
		    strerror(rc));
		(void)pthread_cond_destroy(&ob.cv);
		store_close(ob.st);
		ob.st = NULL;
		config_unref(ob.cfg);
		ob.cfg = NULL;
		return -1;
	}
	(void)pthread_mutex_lock(&ob.mu);
	ob.running = true;
	(void)pthread_mutex_unlock(&ob.mu);
	return 0;
}

void
outbox_kick(void)
{
	(void)pthread_mutex_lock(&ob.mu);
	if (ob.running) {
		ob.kicked = true;
		(void)pthread_cond_signal(&ob.cv);
	}
	(void)pthread_mutex_unlock(&ob.mu);
}

void
outbox_stop_ask(void)
{
	(void)pthread_mutex_lock(&ob.mu);
	if (ob.running) {
		ob.stop = true;
		mailer_stop(true);
		(void)pthread_cond_signal(&ob.cv);
	}
	(void)pthread_mutex_unlock(&ob.mu);
}

void
outbox_stop(void)
{
	(void)pthread_mutex_lock(&ob.mu);
	if (!ob.running) {
		(void)pthread_mutex_unlock(&ob.mu);
		return;
	}
	ob.stop = true;
	mailer_stop(true);
	(void)pthread_cond_signal(&ob.cv);
	(void)pthread_mutex_unlock(&ob.mu);
	(void)pthread_join(ob.thread, NULL);
	mailer_stop(false);
	(void)pthread_mutex_lock(&ob.mu);
	ob.running = false;
	ob.stop = false;
	(void)pthread_mutex_unlock(&ob.mu);
	(void)pthread_cond_destroy(&ob.cv);
	store_close(ob.st);
	ob.st = NULL;
	config_unref(ob.cfg);
	ob.cfg = NULL;
}

void
outbox_set_config(const struct pm_config *cfg)
{
	const struct pm_config *old;

	(void)pthread_mutex_lock(&ob.mu);
	if (!ob.running) {
		(void)pthread_mutex_unlock(&ob.mu);
		return;
	}
	old = ob.cfg;
	ob.cfg = config_ref(cfg);
	ob.kicked = true;
	(void)pthread_cond_signal(&ob.cv);
	(void)pthread_mutex_unlock(&ob.mu);
	config_unref(old);
}
