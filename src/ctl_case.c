/*
 * ctl_case.c - "pinctl case list [--json]" and "case show N [--json]".
 *
 * Cases are opened and updated by the milter; pinctl only reads them
 * here.  An unknown case number is refused (exit 1); a malformed one is
 * a usage error (exit 2).
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

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
	json_object *o = json_object_new_object();

	json_object_object_add(o, "number", json_object_new_int64(k->number));
	json_object_object_add(o, "account", k->account[0] ?
	    json_object_new_string(k->account) : NULL);
	json_object_object_add(o, "email", json_object_new_string(k->email));
	json_object_object_add(o, "subject",
	    json_object_new_string(k->subject));
	json_object_object_add(o, "state",
	    json_object_new_string(ctl_case_state(k->state)));
	json_object_object_add(o, "opened", ctl_json_time(k->opened));
	json_object_object_add(o, "authenticated_at",
	    ctl_json_time(k->authenticated_at));
	json_object_object_add(o, "authenticated_by",
	    k->authenticated_by[0] ?
	    json_object_new_string(k->authenticated_by) : NULL);
	return o;
}

struct ctl_case_out {
	struct ctl_table *table;
	json_object *array;
};

static int
ctl_case_row(const struct store_case *k, void *arg)
{
	struct ctl_case_out *out = arg;
	char num[24], t[CTL_TIME_BUF];

	if (out->array != NULL) {
		json_object_array_add(out->array, ctl_case_json(k));
		return 0;
	}
	snprintf(num, sizeof(num), "%lld", (long long)k->number);
	ctl_table_add(out->table, (const char *const[]){ num,
	    k->account[0] ? k->account : "-", k->email,
	    ctl_case_state(k->state), ctl_time(k->opened, t), k->subject });
	return 0;
}

int
ctl_case_list(struct ctl *c)
{
	struct ctl_case_out out = { NULL, NULL };
	int rc;

	if (c->given & CTL_OPT_JSON)
		out.array = json_object_new_array();
	else
		out.table = ctl_table_new(6, (const char *const[]){ "CASE",
		    "ACCOUNT", "EMAIL", "STATE", "OPENED", "SUBJECT" });
	rc = store_case_list(c->st, ctl_case_row, &out);
	if (rc != STORE_OK) {
		json_object_put(out.array);
		ctl_table_free(out.table);
		return ctl_store_err(c, rc, "listing cases");
	}
	if (out.array != NULL)
		ctl_json_print(out.array);
	else
		ctl_table_print(out.table);
	ctl_table_free(out.table);
	return CTL_EXIT_OK;
}

int
ctl_case_show(struct ctl *c)
{
	struct store_case k;
	char t1[CTL_TIME_BUF], t2[CTL_TIME_BUF];
	int64_t n;
	int rc;

	if (ctl_parse_number(c->args[0], &n) != 0) {
		ctl_err(c, "N must be a case number");
		return CTL_EXIT_USAGE;
	}
	rc = store_case_find(c->st, n, &k);
	if (rc == STORE_NOTFOUND) {
		ctl_err(c, "unknown case %lld", (long long)n);
		return CTL_EXIT_REFUSED;
	}
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "reading case %lld", (long long)n);
	if (c->given & CTL_OPT_JSON) {
		ctl_json_print(ctl_case_json(&k));
		return CTL_EXIT_OK;
	}
	printf("case: %lld\naccount: %s\nemail: %s\nsubject: %s\n"
	    "state: %s\nopened: %s\nauthenticated: %s\n"
	    "authenticated-by: %s\n", (long long)k.number,
	    k.account[0] ? k.account : "-", k.email, k.subject,
	    ctl_case_state(k.state), ctl_time(k.opened, t1),
	    ctl_time(k.authenticated_at, t2),
	    k.authenticated_by[0] ? k.authenticated_by : "-");
	return CTL_EXIT_OK;
}
