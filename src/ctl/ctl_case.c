/*
 * ctl_case.c - "pinctl case list [--json]", "case show N [--json]" and
 * "case authenticate N --approved-by ADMIN-EMAIL".
 *
 * Cases are opened and updated by the milter; pinctl reads them, and an
 * administrator of the case's account may vouch for one: the case is
 * then authenticated "by admin:ADMIN via pinctl:LOGIN", which it stays
 * (a second authentication changes nothing, see store_case_authenticate).
 * A case without an account (unknown sender) has nobody to vouch for it.
 * An unknown case number or an approver who is not an administrator of
 * the account is refused (exit 1); a malformed number is a usage error
 * (exit 2).  Every authentication attempt that gets as far as the store
 * is audited as "case.authenticate".
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "util/text.h"

static const char *
ctl_case_state(enum store_case_state s)
{
	switch (s) {
	case STORE_CASE_OPEN: return "open";
	case STORE_CASE_VERIFICATION_REQUESTED: return "verification-requested";
	case STORE_CASE_AUTHENTICATED: return "authenticated";
	default: return "unknown";
	}
}

static json_object *
ctl_case_json(const struct store_case *k)
{
	json_object *o = ctl_json_object();

	ctl_json_set(o, "number", ctl_json_int(k->number));
	ctl_json_set(o, "account", k->account[0] ?
	    ctl_json_str(k->account) : NULL);
	ctl_json_set(o, "email", ctl_json_str(k->email));
	ctl_json_set(o, "subject", ctl_json_str(k->subject));
	ctl_json_set(o, "state", ctl_json_str(ctl_case_state(k->state)));
	ctl_json_set(o, "opened", ctl_json_time(k->opened));
	ctl_json_set(o, "authenticated_at", ctl_json_time(k->authenticated_at));
	ctl_json_set(o, "authenticated_by",
	    k->authenticated_by[0] ?
	    ctl_json_str(k->authenticated_by) : NULL);
	ctl_json_set(o, "verification_requested_at",
	    ctl_json_time(k->verification_requested_at));
	ctl_json_set(o, "external_ref", k->external_ref[0] ?
	    ctl_json_str(k->external_ref) : NULL);
	return o;
}

static int
ctl_case_row(const struct store_case *k, void *arg)
{
	struct ctl_list *out = arg;
	char num[24], t1[CTL_TIME_BUF], t2[CTL_TIME_BUF], t3[CTL_TIME_BUF];

	if (out->array != NULL) {
		ctl_json_append(out->array, ctl_case_json(k));
		return 0;
	}
	snprintf(num, sizeof(num), "%lld", (long long)k->number);
	ctl_table_add(out->table, (const char *const[]){ num,
	    k->account[0] ? k->account : "-", k->email[0] ? k->email : "-",
	    ctl_case_state(k->state), ctl_time(k->opened, t1),
	    ctl_time(k->authenticated_at, t2),
	    ctl_time(k->verification_requested_at, t3),
	    k->external_ref[0] ? k->external_ref : "-",
	    k->authenticated_by[0] ? k->authenticated_by : "-", k->subject });
	return 0;
}

int
ctl_case_list(struct ctl *c)
{
	struct ctl_list out;

	ctl_list_init(c, &out, 10, (const char *const[]){ "CASE", "ACCOUNT",
	    "EMAIL", "STATE", "OPENED", "AUTHENTICATED", "VERIFY-SENT", "REF",
	    "BY", "SUBJECT" });
	return ctl_list_done(c, &out, store_case_list(c->st, ctl_case_row,
	    &out), "listing cases");
}

/* Parse argument 0 and read that case; an exit status. */
static int
ctl_case_get(struct ctl *c, struct store_case *k)
{
	int64_t n;
	int rc;

	if (ctl_parse_number(c->args[0], &n) != 0) {
		ctl_err(c, "N must be a case number");
		return CTL_EXIT_USAGE;
	}
	rc = store_case_find(c->st, n, k);
	if (rc == STORE_NOTFOUND) {
		ctl_err(c, "unknown case %lld", (long long)n);
		return CTL_EXIT_REFUSED;
	}
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "reading case %lld", (long long)n);
	return CTL_EXIT_OK;
}

/* Every text field of K as text_clean_line() makes it. */
static void
ctl_case_clean(struct store_case *k)
{
	text_clean_line(k->account, k->account, sizeof(k->account));
	text_clean_line(k->email, k->email, sizeof(k->email));
	text_clean_line(k->subject, k->subject, sizeof(k->subject));
	text_clean_line(k->authenticated_by, k->authenticated_by,
	    sizeof(k->authenticated_by));
	text_clean_line(k->external_ref, k->external_ref,
	    sizeof(k->external_ref));
}

int
ctl_case_show(struct ctl *c)
{
	struct store_case k;
	char t1[CTL_TIME_BUF], t2[CTL_TIME_BUF], t3[CTL_TIME_BUF];
	int r;

	if ((r = ctl_case_get(c, &k)) != CTL_EXIT_OK)
		return r;
	if (c->given & CTL_OPT_JSON) {
		ctl_json_print(ctl_case_json(&k));
		return CTL_EXIT_OK;
	}
	ctl_case_clean(&k);	/* stored clean; printed clean all the same */
	printf("case: %lld\naccount: %s\nemail: %s\nsubject: %s\n"
	    "state: %s\nopened: %s\nauthenticated: %s\n"
	    "authenticated-by: %s\nverification-requested: %s\n"
	    "external-ref: %s\n", (long long)k.number,
	    k.account[0] ? k.account : "-", k.email[0] ? k.email : "-",
	    k.subject, ctl_case_state(k.state), ctl_time(k.opened, t1),
	    ctl_time(k.authenticated_at, t2),
	    k.authenticated_by[0] ? k.authenticated_by : "-",
	    ctl_time(k.verification_requested_at, t3),
	    k.external_ref[0] ? k.external_ref : "-");
	return CTL_EXIT_OK;
}

/* The approver must be an admin of the case's account; exit status. */
static int
ctl_case_check_approver(struct ctl *c, const struct store_case *k,
    struct store_user *a)
{
	int rc;

	if (k->account_id == 0) {
		ctl_err(c, "case %lld has no account (unknown sender): no "
		    "administrator can vouch for it", (long long)k->number);
		return CTL_EXIT_REFUSED;
	}
	rc = ctl_user_find(c, c->approved_by, a);
	if (rc == STORE_NOTFOUND || rc == STORE_INVALID) {
		ctl_err(c, "approver %s is not a user", c->approved_by);
		return CTL_EXIT_REFUSED;
	}
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "looking up approver %s",
		    c->approved_by);
	if (a->role != STORE_ROLE_ADMIN || a->account_id != k->account_id) {
		ctl_err(c, "approver %s is not an admin of account %s",
		    c->approved_by, k->account);
		return CTL_EXIT_REFUSED;
	}
	return CTL_EXIT_OK;
}

/* Authenticate K as vouched for by A and audit it; a store rc. */
static int
ctl_case_vouch(struct ctl *c, const struct store_case *k,
    const struct store_user *a, const char *by)
{
	bool already = k->state == STORE_CASE_AUTHENTICATED;
	int rc;

	if (!already &&
	    (rc = store_case_authenticate(c->st, k->number, by, c->now)) !=
	    STORE_OK)
		return rc;
	return store_audit_record(c->st, c->now, c->actor, "case.authenticate",
	    k->email, k->number, already ? "unchanged" : "ok",
	    "approved-by=%s", a->email);
}

int
ctl_case_authenticate(struct ctl *c)
{
	struct store_case k;
	struct store_user a;
	char by[STORE_ACTOR_MAX];
	int r, rc, n;

	if (c->approved_by == NULL) {
		ctl_err(c, "--approved-by ADMIN-EMAIL is required");
		return CTL_EXIT_USAGE;
	}
	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	if ((r = ctl_case_get(c, &k)) != CTL_EXIT_OK ||
	    (r = ctl_case_check_approver(c, &k, &a)) != CTL_EXIT_OK) {
		store_rollback(c->st);
		return r;
	}
	n = snprintf(by, sizeof(by), "admin:%s via %s", a.email, c->actor);
	if (n < 0 || (size_t)n >= sizeof(by)) {
		store_rollback(c->st);
		ctl_err(c, "approver address %s is too long to record",
		    a.email);
		return CTL_EXIT_REFUSED;
	}
	if ((rc = ctl_case_vouch(c, &k, &a, by)) != STORE_OK ||
	    (rc = store_commit(c->st)) != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_err(c, rc, "authenticating case %lld",
		    (long long)k.number);
	}
	if (k.state == STORE_CASE_AUTHENTICATED) {
		char t[CTL_TIME_BUF];

		printf("case %lld was already authenticated (%s, by %s)\n",
		    (long long)k.number, ctl_time(k.authenticated_at, t),
		    k.authenticated_by);
	} else
		printf("case %lld authenticated (approved by %s)\n",
		    (long long)k.number, a.email);
	return CTL_EXIT_OK;
}
