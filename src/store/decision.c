/*
 * decision.c - the decision of each message, keyed by (sender,
 * Message-ID): find the latest within a window, record one, forget old
 * ones.  The pipeline writes a row in the message's one transaction and
 * reads it back when the same message comes again (a retry), so a repeat
 * reproduces the verdict and the case without testing the PIN again.
 *
 * Security: no PIN and no message text is stored: the verdict, its
 * reason, the case number and the account, and a keyed MAC of the
 * content (the caller's; without the key it tells nothing about a PIN
 * in the body).  Strings are checked before any SQL runs.
 *
 * Diagnostics: "decision find/put/prune" and the statement's failure
 * (stmt.h).
 */
#include <string.h>

#include "store/stmt.h"

enum decision_col { D_SENDER, D_MSGID, D_DIGEST, D_AT, D_AUTH, D_XPIN,
    D_REASON, D_CASE, D_ACCOUNT };

static const struct store_query q_decision_find = { "decision find",
	"SELECT sender, message_id, digest, at, auth, xpin, reason, "
	"case_number, account FROM decisions "
	"WHERE sender = ?1 AND message_id = ?2 AND at >= ?3", NULL, false };
static const struct store_query q_decision_put = { "decision put",
	"INSERT INTO decisions (sender, message_id, digest, at, auth, xpin, "
	"reason, case_number, account) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	"?8, ?9) ON CONFLICT (sender, message_id) DO UPDATE SET "
	"digest = excluded.digest, at = excluded.at, auth = excluded.auth, "
	"xpin = excluded.xpin, reason = excluded.reason, "
	"case_number = excluded.case_number, account = excluded.account",
	NULL, false };
static const struct store_query q_decision_prune = { "decision prune",
	"DELETE FROM decisions WHERE at < ?1", NULL, false };

static bool
decision_key_ok(const char *sender, const char *message_id)
{
	return store_str_ok(sender, STORE_EMAIL_MAX, true) &&
	    store_str_ok(message_id, STORE_MSGID_MAX, false);
}

int
store_decision_find(struct store *st, const char *sender,
    const char *message_id, time_t since, struct store_decision *out)
{
	struct stmt q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!decision_key_ok(sender, message_id))
		return store_invalid(st, "decision key");
	stmt_start(&q, st, &q_decision_find);
	stmt_text(&q, 1, sender);
	stmt_text(&q, 2, message_id);
	stmt_int(&q, 3, (int64_t)since);
	if ((rc = stmt_row(&q)) == STORE_OK) {
		stmt_col_text(&q, D_SENDER, out->sender, sizeof(out->sender));
		stmt_col_text(&q, D_MSGID, out->message_id,
		    sizeof(out->message_id));
		if (!stmt_col_blob(&q, D_DIGEST, out->digest,
		    sizeof(out->digest)) && q.rc == STORE_OK)
			q.rc = store_seterr(st, STORE_ERROR,
			    "decision find: no digest");
		out->at = (time_t)stmt_col_int(&q, D_AT);
		out->auth = (int)stmt_col_int(&q, D_AUTH);
		out->xpin = (int)stmt_col_int(&q, D_XPIN);
		stmt_col_text(&q, D_REASON, out->reason, sizeof(out->reason));
		out->case_number = stmt_col_int(&q, D_CASE);
		stmt_col_text(&q, D_ACCOUNT, out->account,
		    sizeof(out->account));
		rc = q.rc;
	}
	stmt_end(&q);
	return rc;
}

int
store_decision_put(struct store *st, const struct store_decision *d)
{
	struct stmt q;

	if (!decision_key_ok(d->sender, d->message_id) ||
	    !store_str_ok(d->reason, STORE_REASON_MAX, false) ||
	    !store_str_ok(d->account, STORE_ACCOUNT_MAX, true) ||
	    d->case_number < 0)
		return store_invalid(st, "decision");
	stmt_start(&q, st, &q_decision_put);
	stmt_text(&q, 1, d->sender);
	stmt_text(&q, 2, d->message_id);
	stmt_blob(&q, 3, d->digest, sizeof(d->digest));
	stmt_int(&q, 4, (int64_t)d->at);
	stmt_int(&q, 5, d->auth);
	stmt_int(&q, 6, d->xpin);
	stmt_text(&q, 7, d->reason);
	stmt_int(&q, 8, d->case_number);
	stmt_text(&q, 9, d->account);
	return stmt_write(&q, false, NULL);
}

int
store_decision_prune(struct store *st, time_t before)
{
	struct stmt q;

	stmt_start(&q, st, &q_decision_prune);
	stmt_int(&q, 1, (int64_t)before);
	return stmt_write(&q, false, NULL);
}
