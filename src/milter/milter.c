/*
 * milter.c - libmilter callbacks: collect one message's envelope, decide
 * whether it is for a support address, and hand it to the pipeline.
 *
 * Flow of one message (protocol v6, steps negotiated in milter_negotiate):
 *   MAIL   allocate a struct milter_msg, keep the queue id    (no reply)
 *   RCPT   append the recipient to the list; note whether the MTA's
 *          {rcpt_addr} (the address as it resolved it) is a support
 *          address                                             (no reply)
 *   header append to the header list (bounded, hdrlist.c)       (no reply)
 *   EOH    scope: any recipient a SupportAddress, compared as canonical
 *          addresses (config_is_support_address)?  No, and the header
 *          carries none of our fields: ACCEPT, which ends the message for
 *          the MTA.  No, but it carries one: on to EOM, body not kept.
 *          Never decided at RCPT: Postfix takes an ACCEPT there as "no
 *          more events for this message", which would let a support
 *          address given as the second recipient through unfiltered.
 *   body   append to the spool: memory up to BodyMemoryLimit, then an
 *          unlinked temp file; past MaxMessageSize bytes are dropped
 *   EOM    in scope, milter_process(): pipeline_run() (the same code as
 *          -t), then its edits through smfi_chgheader/insheader/
 *          replacebody; out of scope, milter_strip(): only the deletions
 *          of our fields (edits_remove_ours), nothing else changed
 * The message context is freed at EOM, ABORT and CLOSE, and before any
 * reply that ends the message (ACCEPT/TEMPFAIL/REJECT), after which
 * libmilter calls neither EOM nor ABORT.
 *
 * Security notes: envelope data is untrusted; it is copied with its
 * length bounded by libmilter's command size and made printable before it
 * is logged.  The configuration and key are read-only after start and
 * shared by all threads; each message's state lives in its own context.
 *
 * Our own fields (X-Support-*, Authentication-Results with our AuthservID)
 * are removed from every message that carries them, whatever its
 * recipients: a recipient form the scope rule does not know must not
 * carry a forged tag to a mailbox that trusts it.  A message is never
 * accepted with such a field in it: when the header was not held whole
 * (a failure before EOH) or the fields cannot all be deleted, the answer
 * is TEMPFAIL (REJECT with OnInternalError reject), even with
 * OnInternalError accept.
 *
 * The database: one connection per libmilter thread, checked before
 * every message (store_stale: deleted, replaced, made read-only or
 * writable again: opened anew), used only when its key fingerprint
 * matches and the key file still holds the key (keywatch.h); otherwise
 * the message gets the OnInternalError action, and the fault is logged
 * once a minute (util/logfault.h), not once per message.
 *
 * Diagnostics: a failure before EOH (a recipient past MILTER_MAX_RCPTS,
 * a context libmilter would not keep) cannot be answered (those stages
 * send no reply), so it is remembered and answered at EOH (see above:
 * never ACCEPT).  Running out of memory aborts (util/xalloc.h):
 * the MTA's milter_default_action answers for the connections.  Each
 * line logged names the queue id.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <libmilter/mfapi.h>

#include "core/config.h"
#include "util/log.h"
#include "util/logfault.h"
#include "milter/check.h"
#include "milter/keywatch.h"
#include "milter/live.h"
#include "milter/milter.h"
#include "milter/pool.h"
#include "notice/outbox.h"
#include "filter/helpdesk.h"
#include "filter/pipeline.h"

/* Actions the pipeline needs; Postfix grants them only at negotiation. */
#define MILTER_ACTIONS	(SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY)
/* Asked for only with VerifiedRecipient, which changes the envelope (a
 * reload that sets it applies to the MTA's next connections). */
#define MILTER_RCPT_ACTIONS	(SMFIF_ADDRCPT | SMFIF_DELRCPT)

/* Stages we skip and stages that send no reply (libmilter fakes NR_* for
 * an MTA that lacks them).  Body replies stay on: the pipeline may answer
 * SMFIS_SKIP past MaxMessageSize (SMFIP_SKIP, when the MTA offers it). */
#define MILTER_STEPS	(SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | \
	SMFIP_NODATA | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR)

#define MILTER_MAX_RCPTS	10000	/* far above any MTA's own limit */
#define MILTER_QUEUEID_MAX	64

enum milter_scope {
	MILTER_SCOPE_UNDECIDED = 0,
	MILTER_SCOPE_OUT,
	MILTER_SCOPE_IN,
	MILTER_SCOPE_STRIP,	/* not support mail, but carries our fields */
};

/* One message, from MAIL to EOM/ABORT. */
struct milter_msg {
	char queue_id[MILTER_QUEUEID_MAX];	/* printable, "NOQUEUE" if unknown */
	char *env_sender;			/* MAIL FROM as given */
	char **rcpts;				/* envelope recipients as given */
	bool *rcpt_support;			/* each: a support address */
	size_t nrcpts, rcpts_cap;
	bool rcpt_addr_support;			/* a {rcpt_addr} was support */
	bool to_verified;			/* a recipient is VerifiedRecipient */
	enum milter_scope scope;
	bool failed;				/* internal error: answer at EOH/EOM */
	struct pipeline_msg pm;			/* headers and body for the pipeline */
	struct live *live;			/* its configuration, held */
};

static const struct secret_key *milter_key;

static void
milter_msg_free(struct milter_msg *msg)
{
	size_t i;

	if (msg == NULL)
		return;
	for (i = 0; i < msg->nrcpts; i++)
		g_free(msg->rcpts[i]);
	g_free(msg->rcpts);
	g_free(msg->rcpt_support);
	g_free(msg->env_sender);
	hdrlist_clear(&msg->pm.headers);
	spool_free(msg->pm.body);
	live_release(msg->live);
	g_free(msg);
}

/* Free this connection's message context, if any. */
static void
milter_msg_drop(SMFICTX *ctx)
{
	milter_msg_free(smfi_getpriv(ctx));
	(void)smfi_setpriv(ctx, NULL);
}

/* Refresh the queue id from the {i} macro when the MTA sent it. */
static void
milter_msg_queue_id(SMFICTX *ctx, struct milter_msg *msg)
{
	const char *id = smfi_getsymval(ctx, "i");

	if (id != NULL && *id != '\0')
		(void)log_printable(id, msg->queue_id, sizeof(msg->queue_id));
}

/*
 * Record RCPT, a support address as written or as the MTA resolved it
 * (RESOLVED, the {rcpt_addr} macro, may be NULL); note a VerifiedRecipient
 * in either form.  0, or -1 past MILTER_MAX_RCPTS recipients.
 */
static int
milter_msg_add_rcpt(struct milter_msg *msg, const char *rcpt,
    const char *resolved)
{
	const struct pm_config *cfg = msg->live->cfg;
	bool by_mta = resolved != NULL &&
	    config_is_support_address(cfg, resolved);

	if (msg->nrcpts >= MILTER_MAX_RCPTS)
		return -1;
	if (msg->nrcpts == msg->rcpts_cap) {
		msg->rcpts_cap = msg->rcpts_cap ? msg->rcpts_cap * 2 : 4;
		msg->rcpts = g_renew(char *, msg->rcpts, msg->rcpts_cap);
		msg->rcpt_support = g_renew(bool, msg->rcpt_support,
		    msg->rcpts_cap);
	}
	msg->rcpt_support[msg->nrcpts] = by_mta ||
	    config_is_support_address(cfg, rcpt);
	msg->rcpts[msg->nrcpts++] = g_strdup(rcpt);
	msg->rcpt_addr_support |= by_mta;
	msg->to_verified |= config_is_verified_recipient(cfg, rcpt) ||
	    (resolved != NULL && config_is_verified_recipient(cfg, resolved));
	return 0;
}

/*
 * In scope when any recipient, not only the first, is a support address,
 * as the client wrote it or as the MTA resolved it ({rcpt_addr}).
 */
static enum milter_scope
milter_msg_scope(const struct milter_msg *msg)
{
	size_t i;

	if (msg->rcpt_addr_support)
		return MILTER_SCOPE_IN;
	for (i = 0; i < msg->nrcpts; i++)
		if (config_is_support_address(msg->live->cfg, msg->rcpts[i]))
			return MILTER_SCOPE_IN;
	return MILTER_SCOPE_OUT;
}

/* The reply for an internal failure, per OnInternalError of MSG's
 * configuration (the live one when there is no message). */
static sfsistat
milter_error_status(const struct milter_msg *msg)
{
	struct live *l = msg != NULL ? NULL : live_acquire();
	const struct pm_config *cfg = msg != NULL ? msg->live->cfg :
	    l != NULL ? l->cfg : NULL;
	enum pm_on_error act = cfg != NULL ? cfg->on_internal_error :
	    PM_ON_ERROR_TEMPFAIL;

	live_release(l);
	switch (act) {
	case PM_ON_ERROR_ACCEPT:
		return SMFIS_ACCEPT;
	case PM_ON_ERROR_REJECT:
		return SMFIS_REJECT;
	case PM_ON_ERROR_TEMPFAIL:
	default:
		return SMFIS_TEMPFAIL;
	}
}

/*
 * A connection from the pool (pool.c) for this message: never one to a
 * file that was deleted, replaced or changed writability (the pool drops
 * those), and a new one is used only when the key belongs to the database
 * (a database restored from another installation is never verified
 * against).  NULL (logged once a minute): no database for this message.
 * Give it back with pool_give().
 */
static struct store *
milter_store(const struct milter_msg *msg, time_t now)
{
	const struct pm_config *cfg = msg->live->cfg;
	struct store *st;
	char err[512];
	bool fresh;

	st = pool_take(cfg->database, cfg->database_timeout * 1000, &fresh,
	    err, sizeof(err));
	if (st == NULL) {
		logfault(LOGFAULT_DATABASE, now, "%s: %s: support mail gets "
		    "the OnInternalError action until it opens",
		    msg->queue_id, err);
		return NULL;
	}
	if (fresh && check_key_matches(st, milter_key, cfg->key_file, err,
	    sizeof(err)) == -1) {
		logfault(LOGFAULT_DATABASE, now, "%s: database %s: %s: no PIN "
		    "verified, support mail gets the OnInternalError action",
		    msg->queue_id, cfg->database, err);
		store_close(st);
		return NULL;
	}
	return st;
}

/*
 * The database for this message, or NULL (the OnInternalError action):
 * none while the key file is missing or holds another key (keywatch.h),
 * never a connection to a file that is gone.
 */
static struct store *
milter_store_for(const struct milter_msg *msg, time_t now)
{
	char why[512];

	if (keywatch_check(now, why, sizeof(why)) != 0) {
		logfault(LOGFAULT_KEY, now, "%s: %s: no PIN verified, support "
		    "mail gets the OnInternalError action until the file holds "
		    "the key again", msg->queue_id, why);
		return NULL;
	}
	logfault_clear(LOGFAULT_KEY, now, "key file");
	return milter_store(msg, now);
}

/*
 * The reply for a failure that leaves our fields possibly in the message
 * (the header not held whole, or not all of them deletable): TEMPFAIL,
 * REJECT with OnInternalError reject, never ACCEPT.
 */
static sfsistat
milter_fail_unstripped(SMFICTX *ctx, const struct milter_msg *msg)
{
	if (milter_error_status(msg) == SMFIS_REJECT) {
		(void)smfi_setreply(ctx, "550", "5.3.0",
		    "pinmilter: message could not be processed");
		return SMFIS_REJECT;
	}
	(void)smfi_setreply(ctx, "451", "4.3.0",
	    "pinmilter: temporary failure, please try again later");
	return SMFIS_TEMPFAIL;
}

/* The reply for an internal failure, with a clear SMTP text. */
static sfsistat
milter_fail(SMFICTX *ctx, const struct milter_msg *msg)
{
	sfsistat rc = milter_error_status(msg);

	if (rc == SMFIS_TEMPFAIL)
		(void)smfi_setreply(ctx, "451", "4.3.0",
		    "pinmilter: temporary failure, please try again later");
	else if (rc == SMFIS_REJECT)
		(void)smfi_setreply(ctx, "550", "5.3.0",
		    "pinmilter: message could not be processed");
	return rc;
}

/* Hand the edits to the MTA: header operations in order, the body, then
 * the envelope recipients (added before any is deleted). */
static int
milter_apply(SMFICTX *ctx, const struct edits *e)
{
	size_t i, off;

	for (i = 0; i < e->n; i++) {
		const struct edit *ed = &e->v[i];
		int rc;

		if (ed->op == EDIT_INSERT)
			rc = smfi_insheader(ctx, 0, ed->name, ed->value);
		else
			rc = smfi_chgheader(ctx, ed->name, (int)ed->index,
			    ed->value);
		if (rc != MI_SUCCESS)
			return -1;
	}
	for (off = 0; e->body != NULL && off < e->body_len; off += 65536) {
		size_t n = e->body_len - off < 65536 ? e->body_len - off : 65536;

		if (smfi_replacebody(ctx, (unsigned char *)e->body + off,
		    (int)n) != MI_SUCCESS)
			return -1;
	}
	if (e->rcpt_add != NULL &&
	    smfi_addrcpt(ctx, e->rcpt_add) != MI_SUCCESS)
		return -1;
	for (i = 0; i < e->nrcpt_del; i++)
		if (smfi_delrcpt(ctx, e->rcpt_del[i]) != MI_SUCCESS)
			return -1;
	return 0;
}

/*
 * OnInternalError accept, and the pipeline could not run at all (no
 * store, body not spooled): deliver the message tagged x-pin=temperror,
 * with forged tags removed all the same; a client's own
 * "X-Support-Auth: authenticated" must never reach the helpdesk.  If
 * even that fails, tempfail.
 */
static sfsistat
milter_accept_unprocessed(SMFICTX *ctx, struct milter_msg *msg)
{
	struct verdict v;
	struct edits e;
	sfsistat rc = SMFIS_CONTINUE;

	if (hdrlist_unsafe(&msg->pm.headers) ||
	    hdrlist_unsafe_keep(&msg->pm.headers)) {
		pm_log_err("%s: our fields cannot all be removed",
		    msg->queue_id);
		return milter_fail_unstripped(ctx, msg);
	}
	memset(&v, 0, sizeof(v));
	verdict_internal_error(&v, "");
	edits_init(&e);
	if (edits_for_verdict(&e, msg->live->cfg, &msg->pm.headers, &v) != 0 ||
	    milter_apply(ctx, &e) != 0) {
		pm_log_err("%s: cannot tag the message", msg->queue_id);
		(void)smfi_setreply(ctx, "451", "4.3.0",
		    "pinmilter: temporary failure, please try again later");
		rc = SMFIS_TEMPFAIL;
	}
	edits_clear(&e);
	return rc;
}

/*
 * An in-scope message, complete, at end of message: run the pipeline
 * (pipeline.c, the same code as "pinmilter -t") and apply its edits.
 * On an internal error the OnInternalError action decides: tempfail or
 * reject the message, or deliver it tagged x-pin=temperror.
 */
static sfsistat
milter_process(SMFICTX *ctx, struct milter_msg *msg)
{
	const struct pm_config *cfg = msg->live->cfg;
	struct pipeline_env env = { cfg, milter_key, NULL, time(NULL),
	    msg->live->tmpl };
	struct pipeline_result r;
	sfsistat rc = SMFIS_CONTINUE;

	snprintf(msg->pm.queue_id, sizeof(msg->pm.queue_id), "%s",
	    msg->queue_id);
	msg->pm.env_sender = msg->env_sender;
	msg->pm.rcpts = (const char *const *)msg->rcpts;
	msg->pm.rcpt_support = msg->rcpt_support;
	msg->pm.nrcpts = msg->nrcpts;
	if (msg->failed) {		/* recipients or body not held whole */
		pm_log_err("%s: internal error, message not processed",
		    msg->queue_id);
		if (cfg->on_internal_error == PM_ON_ERROR_ACCEPT)
			return milter_accept_unprocessed(ctx, msg);
		return milter_fail(ctx, msg);
	}
	/* without a database the pipeline still strips forged tags and
	 * redacts, for OnInternalError accept */
	env.st = milter_store_for(msg, env.now);
	if (pipeline_run(&env, &msg->pm, true, &r) != 0 &&
	    cfg->on_internal_error != PM_ON_ERROR_ACCEPT)
		rc = milter_fail(ctx, msg);
	else if (r.unsafe)		/* a PIN would be delivered: never */
		rc = SMFIS_TEMPFAIL;
	else if (r.reject != NULL) {
		(void)smfi_setreply(ctx, r.reject_rcode ? (char *)r.reject_rcode :
		    "550", r.reject_xcode ? (char *)r.reject_xcode : "5.7.1",
		    (char *)r.reject);
		rc = SMFIS_REJECT;
	}
	else if (milter_apply(ctx, &r.edits) != 0) {
		/* a forged field may be left: never ACCEPT */
		pm_log_err("%s: the MTA refused an edit", msg->queue_id);
		rc = milter_fail_unstripped(ctx, msg);
	} else if (r.edits.rcpt_add != NULL) {
		pm_log_info("%s: delivered to the VerifiedRecipient instead of "
		    "%zu support recipient(s)", msg->queue_id,
		    r.edits.nrcpt_del);
	}
	pool_give(env.st, cfg->database);
	if (r.notice != NULL)
		outbox_kick();		/* committed: the worker may send it */
	pipeline_result_clear(&r);
	return rc;
}

/*
 * Not support mail, but it carries fields only pinmilter may write: delete
 * them (edits_remove_ours), change nothing else.
 */
static sfsistat
milter_strip(SMFICTX *ctx, struct milter_msg *msg)
{
	struct edits e;
	size_t n;
	sfsistat rc = SMFIS_CONTINUE;

	edits_init(&e);
	n = edits_remove_ours(&e, msg->live->cfg, &msg->pm.headers);
	if (milter_apply(ctx, &e) != 0) {
		pm_log_err("%s: the MTA refused an edit", msg->queue_id);
		rc = milter_fail_unstripped(ctx, msg);
	} else {
		pm_log_info("%s: not for a support address: %zu field(s) "
		    "claiming pinmilter's tags removed", msg->queue_id, n);
	}
	edits_clear(&e);
	return rc;
}

/* Is a VerifiedRecipient set (the envelope may need changing)? */
static bool
milter_routes(void)
{
	struct live *l = live_acquire();
	bool yes = l != NULL && l->cfg->verified_recipient != NULL;

	live_release(l);
	return yes;
}

static sfsistat
milter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f2;
	(void)f3;
	if ((f0 & MILTER_ACTIONS) != MILTER_ACTIONS) {
		pm_log_err("the MTA does not allow header and body changes "
		    "(actions 0x%lx): refusing the connection", f0);
		return SMFIS_REJECT;
	}
	*pf0 = MILTER_ACTIONS;
	if (milter_routes()) {
		if ((f0 & MILTER_RCPT_ACTIONS) != MILTER_RCPT_ACTIONS) {
			pm_log_err("VerifiedRecipient is set but the MTA does "
			    "not allow recipient changes (actions 0x%lx): "
			    "refusing the connection", f0);
			return SMFIS_REJECT;
		}
		*pf0 |= MILTER_RCPT_ACTIONS;
	}
	*pf1 = f1 & (MILTER_STEPS | SMFIP_SKIP);
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
milter_envfrom(SMFICTX *ctx, char **argv)
{
	struct milter_msg *msg;

	milter_msg_drop(ctx);		/* a leftover, should the MTA skip ABORT */
	msg = g_new0(struct milter_msg, 1);
	if ((msg->live = live_acquire()) == NULL) {
		g_free(msg);		/* not started, or stopping */
		return SMFIS_TEMPFAIL;
	}
	msg->env_sender = g_strdup(argv[0]);	/* NULL stays NULL */
	memcpy(msg->queue_id, "NOQUEUE", sizeof("NOQUEUE"));
	milter_msg_queue_id(ctx, msg);
	if (smfi_setpriv(ctx, msg) != MI_SUCCESS) {
		pm_log_err("%s: cannot store the message context",
		    msg->queue_id);
		milter_msg_free(msg);
	}
	return SMFIS_NOREPLY;
}

static sfsistat
milter_envrcpt(SMFICTX *ctx, char **argv)
{
	struct milter_msg *msg = smfi_getpriv(ctx);
	const char *resolved = smfi_getsymval(ctx, "{rcpt_addr}");

	if (msg == NULL || msg->failed)
		return SMFIS_NOREPLY;
	if (argv[0] == NULL ||
	    milter_msg_add_rcpt(msg, argv[0], resolved) == -1) {
		pm_log_err("%s: cannot record recipient %zu", msg->queue_id,
		    msg->nrcpts + 1);
		msg->failed = true;
	}
	return SMFIS_NOREPLY;
}

static sfsistat
milter_header(SMFICTX *ctx, char *name, char *value)
{
	struct milter_msg *msg = smfi_getpriv(ctx);

	if (msg == NULL || msg->failed)
		return SMFIS_NOREPLY;
	if (msg->pm.headers.keep == NULL)	/* the first field */
		hdrlist_set_keep(&msg->pm.headers, helpdesk_stripped,
		    msg->live->cfg);
	hdrlist_add(&msg->pm.headers, name, value);
	return SMFIS_NOREPLY;
}

/*
 * End of headers, not support mail: ACCEPT, unless the header carries one
 * of our fields (then on to EOM, milter_strip) or more of them than could
 * be held (then REJECT, as the pipeline does).
 */
static sfsistat
milter_eoh_out(SMFICTX *ctx, struct milter_msg *msg)
{
	struct edits e;
	size_t ours;

	if (hdrlist_unsafe(&msg->pm.headers)) {
		pm_log_warn("%s: rejected: too many X-Support or "
		    "Authentication-Results fields", msg->queue_id);
		milter_msg_drop(ctx);
		(void)smfi_setreply(ctx, "550", "5.7.1", "too many "
		    "X-Support or Authentication-Results fields");
		return SMFIS_REJECT;
	}
	edits_init(&e);
	ours = edits_remove_ours(&e, msg->live->cfg, &msg->pm.headers);
	edits_clear(&e);
	if (ours > 0) {
		msg->scope = MILTER_SCOPE_STRIP;
		return SMFIS_CONTINUE;
	}
	pm_log_debug("%s: no support address among %zu recipient(s)",
	    msg->queue_id, msg->nrcpts);
	milter_msg_drop(ctx);
	return SMFIS_ACCEPT;
}

/*
 * Only pinmilter puts mail into VerifiedRecipient's mailbox: a message
 * whose envelope names it (as written, as the MTA resolved it, or a
 * plus-address of it) is refused whole.
 */
static sfsistat
milter_refuse_verified(SMFICTX *ctx, struct milter_msg *msg)
{
	pm_log_warn("%s: rejected: addressed to the VerifiedRecipient",
	    msg->queue_id);
	milter_msg_drop(ctx);
	(void)smfi_setreply(ctx, "550", "5.7.1", "this address takes only "
	    "mail verified by the support desk; write to the support address");
	return SMFIS_REJECT;
}

static sfsistat
milter_eoh(SMFICTX *ctx)
{
	struct milter_msg *msg = smfi_getpriv(ctx);

	if (msg == NULL || msg->failed) {
		/* the header was not held whole: never ACCEPT */
		sfsistat rc = milter_fail_unstripped(ctx, msg);

		pm_log_err("%s: internal error before end of headers",
		    msg ? msg->queue_id : "NOQUEUE");
		milter_msg_drop(ctx);
		return rc;
	}
	milter_msg_queue_id(ctx, msg);
	if (msg->to_verified)
		return milter_refuse_verified(ctx, msg);
	msg->scope = milter_msg_scope(msg);
	if (msg->scope == MILTER_SCOPE_OUT)
		return milter_eoh_out(ctx, msg);
	msg->pm.body = spool_new(msg->live->cfg->body_memory_limit,
	    msg->live->cfg->max_message_size, msg->live->cfg->temp_dir);
	return SMFIS_CONTINUE;
}

static sfsistat
milter_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct milter_msg *msg = smfi_getpriv(ctx);

	if (msg == NULL || msg->failed || msg->pm.body == NULL)
		return SMFIS_CONTINUE;
	if (spool_append(msg->pm.body, chunk, len) != 0) {
		pm_log_err("%s: cannot spool the body: %s", msg->queue_id,
		    strerror(errno));
		msg->failed = true;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
milter_eom(SMFICTX *ctx)
{
	struct milter_msg *msg = smfi_getpriv(ctx);
	sfsistat rc;

	if (msg == NULL || (msg->scope != MILTER_SCOPE_IN &&
	    msg->scope != MILTER_SCOPE_STRIP)) {
		/* cannot happen: EOH answered or ended the message */
		rc = milter_fail_unstripped(ctx, msg);
		pm_log_err("%s: end of message without a message in scope",
		    msg ? msg->queue_id : "NOQUEUE");
		milter_msg_drop(ctx);
		return rc;
	}
	milter_msg_queue_id(ctx, msg);
	rc = msg->scope == MILTER_SCOPE_IN ? milter_process(ctx, msg) :
	    milter_strip(ctx, msg);
	milter_msg_drop(ctx);
	return rc;
}

static sfsistat
milter_abort(SMFICTX *ctx)
{
	milter_msg_drop(ctx);
	return SMFIS_CONTINUE;
}

static sfsistat
milter_close(SMFICTX *ctx)
{
	milter_msg_drop(ctx);
	return SMFIS_CONTINUE;
}

int
milter_register(const struct secret_key *key)
{
	struct smfiDesc desc;

	milter_key = key;
	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = MILTER_NAME;
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = MILTER_ACTIONS;
	desc.xxfi_envfrom = milter_envfrom;
	desc.xxfi_envrcpt = milter_envrcpt;
	desc.xxfi_header = milter_header;
	desc.xxfi_eoh = milter_eoh;
	desc.xxfi_body = milter_body;
	desc.xxfi_eom = milter_eom;
	desc.xxfi_abort = milter_abort;
	desc.xxfi_close = milter_close;
	desc.xxfi_negotiate = milter_negotiate;
	if (smfi_register(desc) != MI_SUCCESS) {
		pm_log_err("smfi_register failed");
		return -1;
	}
	return 0;
}
