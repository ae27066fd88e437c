/*
 * ctl_pin.c - "pinctl pin set|issue|verify EMAIL" and "pinctl unlock".
 *
 * Security: a PIN only ever comes from stdin (ctl_read_pin) or from
 * secret_pin_random; it is never an argument, never in a diagnostic or
 * the audit, and every buffer holding one is wiped.  Setting and
 * verifying go through auth.c (one transaction each, audited there), so
 * the agent on the phone follows exactly the milter's rules: lockout
 * after MaxFailures failures in FailureWindow, for LockoutTime.
 *
 * pin verify exit status: 0 verified, 1 wrong PIN (or no PIN set, or
 * not 6 digits: not counted as a failure), 3 locked, 4 unknown user,
 * 2 usage or internal error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pin/auth.h"
#include "ctl/ctl.h"
#include "util/io.h"
#include "notice/notice.h"

static int
ctl_pin_store(struct ctl *c, const char *email, const char *pin,
    const char *action)
{
	struct store_user u;
	int r, rc;

	if ((r = ctl_user_get(c, email, &u)) != CTL_EXIT_OK)
		return r;
	rc = auth_set_pin(c->st, c->key, u.id, pin, c->actor, action, c->now);
	if (rc == STORE_NOTFOUND) {
		ctl_err(c, "unknown user %s", email);
		return CTL_EXIT_REFUSED;
	}
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "setting the PIN of %s", u.email);
	return CTL_EXIT_OK;
}

int
ctl_pin_set(struct ctl *c)
{
	char pin[PIN_BUF];
	int r;

	if ((r = ctl_read_pin(c, pin)) != CTL_EXIT_OK)
		return r;
	r = ctl_pin_store(c, c->args[0], pin, "pin.set");
	secret_wipe(pin, sizeof(pin));
	if (r == CTL_EXIT_OK)
		printf("PIN set for %s\n", c->args[0]);
	return r;
}

/* The PIN and a newline with write(2): no stdio buffer keeps a copy. */
static int
ctl_pin_print(struct ctl *c, const char *pin)
{
	char line[PIN_BUF + 1];
	int rc, saved;

	memcpy(line, pin, PIN_DIGITS);
	line[PIN_DIGITS] = '\n';
	(void)fflush(stdout);
	rc = io_write_all(STDOUT_FILENO, line, PIN_DIGITS + 1, IO_FOREVER);
	saved = errno;
	secret_wipe(line, sizeof(line));
	if (rc != 0) {
		ctl_err(c, "the new PIN is stored but could not be written "
		    "(%s): issue another", strerror(saved));
		return CTL_EXIT_USAGE;
	}
	return CTL_EXIT_OK;
}

/*
 * pin issue --send: a new PIN, stored and queued for the address on file
 * in one transaction, so a PIN is never set without its notice (or the
 * other way round).  The PIN is shown to nobody.
 */
static int
ctl_pin_send(struct ctl *c, const char *email)
{
	struct store_user u;
	char pin[PIN_BUF];
	int r, rc;

	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	if ((r = ctl_user_get(c, email, &u)) != CTL_EXIT_OK) {
		store_rollback(c->st);
		return r;
	}
	secret_pin_random(pin);
	rc = auth_set_pin_in(c->st, c->key, u.id, pin, c->actor, "pin.issue",
	    c->now);
	if (rc != STORE_OK) {
		secret_wipe(pin, sizeof(pin));
		store_rollback(c->st);
		return ctl_store_err(c, rc, "setting the PIN of %s", u.email);
	}
	r = ctl_notice(c, NOTICE_PIN_DELIVERY, &u, u.email, pin, NULL, NULL,
	    true);
	secret_wipe(pin, sizeof(pin));
	if (r != CTL_EXIT_OK) {
		store_rollback(c->st);
		return r;
	}
	if ((rc = store_commit(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "committing");
	printf("new PIN for %s queued for delivery to the address on file\n",
	    u.email);
	return CTL_EXIT_OK;
}

int
ctl_pin_issue(struct ctl *c)
{
	char pin[PIN_BUF];
	int r;

	if ((c->given & (CTL_OPT_PRINT | CTL_OPT_SEND)) == 0 ||
	    (c->given & CTL_OPT_PRINT && c->given & CTL_OPT_SEND)) {
		ctl_err(c, "exactly one of --print or --send is required");
		return CTL_EXIT_USAGE;
	}
	if (c->given & CTL_OPT_SEND)
		return ctl_pin_send(c, c->args[0]);
	secret_pin_random(pin);
	r = ctl_pin_store(c, c->args[0], pin, "pin.issue");
	if (r == CTL_EXIT_OK)
		r = ctl_pin_print(c, pin);
	secret_wipe(pin, sizeof(pin));
	return r;
}

static int
ctl_pin_verdict(struct ctl *c, enum auth_result res,
    const struct store_user *u)
{
	const char *email = c->args[0];
	char t[CTL_TIME_BUF];

	switch (res) {
	case AUTH_PASS:
		printf("PIN verified for %s\n", u->email);
		return CTL_EXIT_OK;
	case AUTH_FAIL:
	case AUTH_TOO_MANY:
		if (lockout_is_locked(&u->lock, c->now))
			ctl_err(c, "wrong PIN for %s; now locked until %s",
			    u->email, ctl_time(u->lock.locked_until, t));
		else
			ctl_err(c, "wrong PIN for %s", u->email);
		return CTL_EXIT_REFUSED;
	case AUTH_NO_PIN:
		ctl_err(c, "%s has no PIN yet", u->email);
		return CTL_EXIT_REFUSED;
	case AUTH_LOCKED:
		ctl_err(c, "%s is locked until %s", u->email,
		    ctl_time(u->lock.locked_until, t));
		return CTL_EXIT_LOCKED;
	case AUTH_NO_USER:
		ctl_err(c, "unknown user %s", email);
		return CTL_EXIT_NOUSER;
	case AUTH_ERROR:
	default:
		ctl_err(c, "verifying the PIN of %s: database error: %s",
		    email, store_errmsg(c->st));
		return CTL_EXIT_USAGE;
	}
}

int
ctl_pin_verify(struct ctl *c)
{
	struct lockout_policy pol = { c->cfg->max_failures,
	    c->cfg->failure_window, c->cfg->lockout_time };
	struct auth_request req;
	struct store_user u;
	const char *cand[1];
	char pin[PIN_BUF];
	enum auth_result res;
	int r;

	if ((r = ctl_read_pin(c, pin)) != CTL_EXIT_OK)
		return r;
	cand[0] = pin;
	memset(&req, 0, sizeof(req));
	req.email = c->args[0];
	req.candidates = cand;
	req.ncandidates = 1;
	req.max_candidates = 1;
	req.actor = c->actor;
	req.channel = "phone/chat";
	memset(&u, 0, sizeof(u));
	res = auth_verify(c->st, c->key, &pol, &req, c->now, &u);
	secret_wipe(pin, sizeof(pin));
	return ctl_pin_verdict(c, res, &u);
}

int
ctl_unlock(struct ctl *c)
{
	struct store_user u;
	char t[CTL_TIME_BUF];
	bool was;
	int r, rc;

	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	if ((r = ctl_user_get(c, c->args[0], &u)) != CTL_EXIT_OK) {
		store_rollback(c->st);
		return r;
	}
	was = lockout_is_locked(&u.lock, c->now);
	ctl_time(u.lock.locked_until, t);
	lockout_clear(&u.lock);
	rc = store_user_set_lockout(c->st, u.id, &u.lock);
	if (rc == STORE_OK)
		rc = ctl_audit(c, "unlock", u.email, "ok", "%s%s",
		    was ? "was locked until " : "was not locked",
		    was ? t : "");
	if (rc == STORE_OK)
		rc = store_commit(c->st);
	if (rc != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_err(c, rc, "unlocking %s", u.email);
	}
	printf("user %s unlocked%s\n", u.email, was ? "" : " (was not locked)");
	return CTL_EXIT_OK;
}
