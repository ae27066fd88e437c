/*
 * ctl_account.c - "pinctl account add NAME" and "account list [--json]".
 *
 * Account names are UTF-8 text without control characters or
 * surrounding spaces.  pinctl treats them case-insensitively ("Acme" is
 * "acme"): ctl_account_lookup() finds an account whatever the case, and
 * account add refuses a name that differs from another only in case.
 * account add writes the account and its audit row in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ctl/ctl.h"

struct ctl_account_match {
	char *folded;
	struct store_account *out;
	bool found;
};

static int
ctl_account_match(const struct store_account *a, void *arg)
{
	struct ctl_account_match *m = arg;
	char *f = g_utf8_casefold(a->name, -1);
	bool same = strcmp(f, m->folded) == 0;

	g_free(f);
	if (!same)
		return 0;
	*m->out = *a;
	m->found = true;
	return 1;			/* stop */
}

/* Find NAME exactly, else ignoring case; a store_rc. */
int
ctl_account_lookup(struct ctl *c, const char *name, struct store_account *out)
{
	struct ctl_account_match m;
	int rc;

	rc = store_account_find(c->st, name, out);
	if (rc != STORE_NOTFOUND)
		return rc;
	if (!g_utf8_validate(name, -1, NULL))
		return STORE_NOTFOUND;
	m.folded = g_utf8_casefold(name, -1);
	m.out = out;
	m.found = false;
	rc = store_account_list(c->st, ctl_account_match, &m);
	g_free(m.folded);
	if (m.found)
		return STORE_OK;
	return rc == STORE_OK ? STORE_NOTFOUND : rc;
}

int
ctl_account_add(struct ctl *c)
{
	const char *name = c->args[0];
	struct store_account old;
	int64_t id;
	int rc;

	if (!ctl_account_valid(name)) {
		ctl_err(c, "invalid account name");
		return CTL_EXIT_REFUSED;
	}
	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	rc = ctl_account_lookup(c, name, &old);
	if (rc == STORE_OK) {
		store_rollback(c->st);
		ctl_err(c, "account %s already exists", old.name);
		return CTL_EXIT_REFUSED;
	}
	if (rc == STORE_NOTFOUND)
		rc = store_account_add(c->st, name, c->now, &id);
	if (rc == STORE_OK)
		rc = ctl_audit(c, "account.add", "", "ok", "account=%s", name);
	if (rc == STORE_OK)
		rc = store_commit(c->st);
	if (rc != STORE_OK) {
		store_rollback(c->st);
		if (rc == STORE_EXISTS) {
			ctl_err(c, "account %s already exists", name);
			return CTL_EXIT_REFUSED;
		}
		return ctl_store_err(c, rc, "adding account %s", name);
	}
	printf("account %s added\n", name);
	return CTL_EXIT_OK;
}

static int
ctl_account_row(const struct store_account *a, void *arg)
{
	struct ctl_list *out = arg;
	char created[CTL_TIME_BUF], users[16];
	json_object *o;

	if (out->array != NULL) {
		o = ctl_json_object();
		ctl_json_set(o, "name", ctl_json_str(a->name));
		ctl_json_set(o, "users", ctl_json_int(a->users));
		ctl_json_set(o, "created", ctl_json_time(a->created));
		ctl_json_append(out->array, o);
	} else {
		snprintf(users, sizeof(users), "%u", a->users);
		ctl_table_add(out->table, (const char *const[]){ a->name,
		    users, ctl_time(a->created, created) });
	}
	return 0;
}

int
ctl_account_list(struct ctl *c)
{
	struct ctl_list out;

	ctl_list_init(c, &out, 3,
	    (const char *const[]){ "ACCOUNT", "USERS", "CREATED" });
	return ctl_list_done(c, &out,
	    store_account_list(c->st, ctl_account_row, &out),
	    "listing accounts");
}
