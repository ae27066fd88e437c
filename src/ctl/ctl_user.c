/*
 * ctl_user.c - "pinctl user add|list|show|set-email|remove|admins".
 *
 * Email addresses are plain addr-specs (util/address.h), kept and looked
 * up in their canonical form ("Bob"@Example.COM is Bob@example.com) and
 * matched case-insensitively by the store.  Changing a user's address needs an administrator of
 * the same account (not the user himself) as approver, recorded in the
 * audit row.  Each write is one transaction with its audit row.
 *
 * Security: an address changed or removed gets nothing more: the notices
 * still queued to it are cancelled in the same transaction, and a PIN
 * that was mailed to the old address (a pin-delivery queued to it since
 * the PIN was set) is retired, since that mailbox may know it; the user
 * asks for a new one from the new address, or an administrator issues one.
 *
 * Output: aligned tables with a header, "key: value" lines for show,
 * or JSON (json-c) with --json; times in UTC ISO 8601.
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "notice/notice.h"

int
ctl_user_get(struct ctl *c, const char *email, struct store_user *u)
{
	int rc = ctl_user_find(c, email, u);

	if (rc == STORE_NOTFOUND || (rc == STORE_INVALID &&
	    !ctl_email_valid(email))) {
		ctl_err(c, "unknown user %s", email);
		return CTL_EXIT_REFUSED;
	}
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "looking up user %s", email);
	return CTL_EXIT_OK;
}

/* Finish a write transaction: commit, or roll back and report. */
static int
ctl_user_finish(struct ctl *c, int rc, const char *doing, const char *email)
{
	if (rc == STORE_OK)
		rc = store_commit(c->st);
	if (rc == STORE_OK)
		return CTL_EXIT_OK;
	store_rollback(c->st);
	if (rc == STORE_EXISTS) {
		ctl_err(c, "user %s already exists", email);
		return CTL_EXIT_REFUSED;
	}
	return ctl_store_err(c, rc, "%s %s", doing, email);
}

int
ctl_user_add(struct ctl *c)
{
	const char *name = c->name ? c->name : "";
	char email[STORE_EMAIL_MAX];
	struct store_account acct;
	struct store_user u;
	enum store_role role;
	int64_t id;
	int rc;

	if (c->account == NULL) {
		ctl_err(c, "--account is required");
		return CTL_EXIT_USAGE;
	}
	if (ctl_role_parse(c->role, &role) != 0) {
		ctl_err(c, "--role must be admin or user");
		return CTL_EXIT_USAGE;
	}
	if (!ctl_email_canonical(c->args[0], email)) {
		ctl_err(c, "invalid email address %s", c->args[0]);
		return CTL_EXIT_REFUSED;
	}
	if (!ctl_name_valid(name)) {
		ctl_err(c, "invalid name");
		return CTL_EXIT_REFUSED;
	}
	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	rc = ctl_account_lookup(c, c->account, &acct);
	if (rc == STORE_NOTFOUND) {
		store_rollback(c->st);
		ctl_err(c, "unknown account %s", c->account);
		return CTL_EXIT_REFUSED;
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.account_id = acct.id;
	u.role = role;
	if (rc == STORE_OK)
		rc = store_user_add(c->st, &u, c->now, &id);
	if (rc == STORE_OK)
		rc = ctl_audit(c, "user.add", email, "ok", "account=%s role=%s",
		    acct.name, ctl_role_name(role));
	if ((rc = ctl_user_finish(c, rc, "adding user", email)) != 0)
		return rc;
	printf("user %s added to account %s (%s)\n", email, acct.name,
	    ctl_role_name(role));
	return CTL_EXIT_OK;
}

json_object *
ctl_user_json(const struct store_user *u, time_t now)
{
	json_object *o = ctl_json_object();
	bool locked = lockout_is_locked(&u->lock, now);

	ctl_json_set(o, "email", ctl_json_str(u->email));
	ctl_json_set(o, "account", ctl_json_str(u->account));
	ctl_json_set(o, "role", ctl_json_str(ctl_role_name(u->role)));
	ctl_json_set(o, "name", ctl_json_str(u->name));
	ctl_json_set(o, "pin", ctl_json_bool(u->has_pin));
	ctl_json_set(o, "pin_set_at",
	    u->has_pin ? ctl_json_time(u->pin_set_at) : NULL);
	ctl_json_set(o, "pending_pin_until", u->has_pending &&
	    now < u->pending_until ? ctl_json_time(u->pending_until) : NULL);
	ctl_json_set(o, "failures", ctl_json_int(u->lock.failures));
	ctl_json_set(o, "locked", ctl_json_bool(locked));
	ctl_json_set(o, "locked_until",
	    locked ? ctl_json_time(u->lock.locked_until) : NULL);
	ctl_json_set(o, "created", ctl_json_time(u->created));
	return o;
}

/* The PIN and LOCKED cells: "set <time>"/"none" ("+pending" after it
 * when MARK and a PIN mailed on request is pending), "until <time>"/"-". */
static void
ctl_user_cells(const struct store_user *u, time_t now, bool mark, char *pin,
    size_t pinlen, char *lock, size_t locklen)
{
	char t[CTL_TIME_BUF];

	if (u->has_pin)
		snprintf(pin, pinlen, "set %s%s", ctl_time(u->pin_set_at, t),
		    mark && u->has_pending && now < u->pending_until ?
		    " +pending" : "");
	else
		snprintf(pin, pinlen, "none");
	if (lockout_is_locked(&u->lock, now))
		snprintf(lock, locklen, "until %s",
		    ctl_time(u->lock.locked_until, t));
	else
		snprintf(lock, locklen, "-");
}

struct ctl_user_out {
	struct ctl_list list;
	time_t now;
	bool admins;			/* short rows: EMAIL NAME */
};

static int
ctl_user_row(const struct store_user *u, void *arg)
{
	struct ctl_user_out *out = arg;
	char pin[48], lock[48];

	if (out->list.array != NULL) {
		ctl_json_append(out->list.array, ctl_user_json(u, out->now));
		return 0;
	}
	if (out->admins) {
		ctl_table_add(out->list.table,
		    (const char *const[]){ u->email, u->name });
		return 0;
	}
	ctl_user_cells(u, out->now, true, pin, sizeof(pin), lock,
	    sizeof(lock));
	ctl_table_add(out->list.table, (const char *const[]){ u->email,
	    u->account, ctl_role_name(u->role), pin, lock, u->name });
	return 0;
}

static void
ctl_user_out_init(struct ctl *c, struct ctl_user_out *out, bool admins)
{
	out->now = c->now;
	out->admins = admins;
	if (admins)
		ctl_list_init(c, &out->list, 2,
		    (const char *const[]){ "EMAIL", "NAME" });
	else
		ctl_list_init(c, &out->list, 6, (const char *const[]){ "EMAIL",
		    "ACCOUNT", "ROLE", "PIN", "LOCKED", "NAME" });
}

int
ctl_user_list(struct ctl *c)
{
	struct ctl_user_out out;
	struct store_account acct;
	int rc;

	if (c->account != NULL) {
		rc = ctl_account_lookup(c, c->account, &acct);
		if (rc == STORE_NOTFOUND || rc == STORE_INVALID) {
			ctl_err(c, "unknown account %s", c->account);
			return CTL_EXIT_REFUSED;
		}
		if (rc != STORE_OK)
			return ctl_store_err(c, rc, "looking up account");
	}
	ctl_user_out_init(c, &out, false);
	rc = store_user_list(c->st, c->account ? acct.name : NULL,
	    ctl_user_row, &out);
	return ctl_list_done(c, &out.list, rc, "listing users");
}

int
ctl_user_admins(struct ctl *c)
{
	struct ctl_user_out out;
	struct store_user u;
	int r;

	if ((r = ctl_user_get(c, c->args[0], &u)) != CTL_EXIT_OK)
		return r;
	ctl_user_out_init(c, &out, true);
	r = store_user_list_admins(c->st, u.account_id, ctl_user_row, &out);
	return ctl_list_done(c, &out.list, r, "listing users");
}

int
ctl_user_show(struct ctl *c)
{
	struct store_user u;
	char pin[48], lock[48], t[CTL_TIME_BUF], pending[48];
	int r;

	if ((r = ctl_user_get(c, c->args[0], &u)) != CTL_EXIT_OK)
		return r;
	if (!u.has_pending)
		snprintf(pending, sizeof(pending), "none");
	else
		snprintf(pending, sizeof(pending), "%s %s",
		    c->now < u.pending_until ? "until" : "expired",
		    ctl_time(u.pending_until, t));
	if (c->given & CTL_OPT_JSON) {
		ctl_json_print(ctl_user_json(&u, c->now));
		return CTL_EXIT_OK;
	}
	ctl_user_cells(&u, c->now, false, pin, sizeof(pin), lock,
	    sizeof(lock));
	printf("email: %s\naccount: %s\nrole: %s\nname: %s\npin: %s\n"
	    "pending pin: %s\nfailures: %u\nlocked: %s\ncreated: %s\n",
	    u.email, u.account, ctl_role_name(u.role), u.name, pin, pending,
	    u.lock.failures,
	    strcmp(lock, "-") == 0 ? "no" : lock, ctl_time(u.created, t));
	return CTL_EXIT_OK;
}

/* The approver must be another admin of U's account; exit status. */
static int
ctl_user_check_approver(struct ctl *c, const struct store_user *u,
    const char *approver)
{
	struct store_user a;
	int rc = ctl_user_find(c, approver, &a);

	if (rc == STORE_NOTFOUND || rc == STORE_INVALID) {
		ctl_err(c, "approver %s is not a user", approver);
		return CTL_EXIT_REFUSED;
	}
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "looking up approver %s", approver);
	if (a.id == u->id) {
		ctl_err(c, "%s cannot approve a change of their own address",
		    approver);
		return CTL_EXIT_REFUSED;
	}
	if (a.role != STORE_ROLE_ADMIN || a.account_id != u->account_id) {
		ctl_err(c, "approver %s is not an admin of account %s",
		    approver, u->account);
		return CTL_EXIT_REFUSED;
	}
	return CTL_EXIT_OK;
}

/*
 * Was U's current PIN mailed (to U's address)?  A PIN is mailed in the
 * transaction that sets it, so its pin-delivery was queued at pin_set_at
 * exactly (a pending PIN that became the PIN keeps the time it was
 * mailed); a later one mailed a pending PIN, not this one.  *AT: that
 * time, or 0.
 */
static int
ctl_user_pin_mailed(struct ctl *c, const struct store_user *u, time_t *at)
{
	unsigned from = 0, after = 0;
	int rc;

	*at = 0;
	if ((rc = store_outbox_count(c->st, u->email, NOTICE_PIN_DELIVERY,
	    u->pin_set_at, &from)) != STORE_OK ||
	    (rc = store_outbox_count(c->st, u->email, NOTICE_PIN_DELIVERY,
	    u->pin_set_at + 1, &after)) != STORE_OK)
		return rc;
	if (from > after)
		*at = u->pin_set_at;
	return STORE_OK;
}

int
ctl_user_set_email(struct ctl *c)
{
	const char *old = c->args[0];
	char new[STORE_EMAIL_MAX];
	struct store_user u;
	unsigned cancelled = 0;
	time_t mailed = 0;
	int r, rc;

	if (c->approved_by == NULL) {
		ctl_err(c, "--approved-by ADMIN-EMAIL is required");
		return CTL_EXIT_USAGE;
	}
	if (!ctl_email_canonical(c->args[1], new)) {
		ctl_err(c, "invalid email address %s", c->args[1]);
		return CTL_EXIT_REFUSED;
	}
	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	if ((r = ctl_user_get(c, old, &u)) != CTL_EXIT_OK ||
	    (r = ctl_user_check_approver(c, &u, c->approved_by)) !=
	    CTL_EXIT_OK) {
		store_rollback(c->st);
		return r;
	}
	rc = store_user_set_email(c->st, u.id, new);
	if (rc == STORE_EXISTS) {
		store_rollback(c->st);
		ctl_err(c, "user %s already exists", new);
		return CTL_EXIT_REFUSED;
	}
	/* what was queued to the old address (a PIN...) is not sent there */
	if (rc == STORE_OK)
		rc = store_outbox_cancel(c->st, u.email,
		    "cancelled: address changed", &cancelled);
	/* a PIN mailed to the old address: that mailbox may know it */
	if (rc == STORE_OK && u.has_pin)
		rc = ctl_user_pin_mailed(c, &u, &mailed);
	if (rc == STORE_OK && mailed != 0)
		rc = store_user_clear_pin(c->st, u.id);
	/* a pending PIN was always mailed to the old address */
	if (rc == STORE_OK && u.has_pending)
		rc = store_user_clear_pending(c->st, u.id);
	if (rc == STORE_OK)
		rc = ctl_audit(c, "user.set-email", new, "ok",
		    "old=%s new=%s approved-by=%s cancelled=%u%s%s", u.email,
		    new, c->approved_by, cancelled,
		    mailed != 0 ? " pin-retired" : "",
		    u.has_pending ? " pending-retired" : "");
	/* both addresses hear of it: the old one may be the real owner's */
	if (rc == STORE_OK &&
	    ((r = ctl_notice(c, NOTICE_EMAIL_CHANGED, &u, u.email, NULL,
	    u.email, new, false)) != CTL_EXIT_OK ||
	    (r = ctl_notice(c, NOTICE_EMAIL_CHANGED, &u, new, NULL, u.email,
	    new, false)) != CTL_EXIT_OK)) {
		store_rollback(c->st);
		return r;
	}
	if ((r = ctl_user_finish(c, rc, "changing the address of", old)) != 0)
		return r;
	printf("user %s is now %s (approved by %s)\n", u.email, new,
	    c->approved_by);
	return CTL_EXIT_OK;
}

int
ctl_user_remove(struct ctl *c)
{
	struct store_user u;
	unsigned cancelled = 0;
	int r, rc;

	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	if ((r = ctl_user_get(c, c->args[0], &u)) != CTL_EXIT_OK) {
		store_rollback(c->st);
		return r;
	}
	rc = store_user_remove(c->st, u.id);
	if (rc == STORE_OK)
		rc = store_outbox_cancel(c->st, u.email,
		    "cancelled: user removed", &cancelled);
	if (rc == STORE_OK)
		rc = ctl_audit(c, "user.remove", u.email, "ok",
		    "account=%s cancelled=%u", u.account, cancelled);
	if ((r = ctl_user_finish(c, rc, "removing user", u.email)) != 0)
		return r;
	printf("user %s removed\n", u.email);
	return CTL_EXIT_OK;
}
