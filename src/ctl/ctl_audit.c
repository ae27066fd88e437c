/*
 * ctl_audit.c - "pinctl audit [--user EMAIL] [--case N] [--since WHEN]
 * [--json]": the audit log, oldest first.
 *
 * WHEN is a UTC date "2026-11-29", a UTC time "2026-11-29T10:00:00Z" or
 * a span before now: "90s", "30m", "12h", "7d".  A bad WHEN or N is a
 * usage error (exit 2).  The audit never holds a PIN, so neither does
 * this output.
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static int
ctl_audit_row(const struct store_audit *a, void *arg)
{
	struct ctl_list *out = arg;
	char t[CTL_TIME_BUF], num[24];
	json_object *o;

	if (out->array != NULL) {
		o = ctl_json_object();
		ctl_json_set(o, "id", ctl_json_int(a->id));
		ctl_json_set(o, "at", ctl_json_time(a->at));
		ctl_json_set(o, "actor", ctl_json_str(a->actor));
		ctl_json_set(o, "action", ctl_json_str(a->action));
		ctl_json_set(o, "email", a->email[0] ?
		    ctl_json_str(a->email) : NULL);
		ctl_json_set(o, "case", a->case_number ?
		    ctl_json_int(a->case_number) : NULL);
		ctl_json_set(o, "result", ctl_json_str(a->result));
		ctl_json_set(o, "detail", ctl_json_str(a->detail));
		ctl_json_append(out->array, o);
		return 0;
	}
	if (a->case_number != 0)
		snprintf(num, sizeof(num), "%lld", (long long)a->case_number);
	else
		snprintf(num, sizeof(num), "-");
	ctl_table_add(out->table, (const char *const[]){ ctl_time(a->at, t),
	    a->actor, a->action, a->email[0] ? a->email : "-", num,
	    a->result, a->detail });
	return 0;
}

int
ctl_audit_list(struct ctl *c)
{
	struct store_audit_filter f;
	struct ctl_list out;

	memset(&f, 0, sizeof(f));
	f.email = c->user;
	if (c->case_arg != NULL &&
	    ctl_parse_number(c->case_arg, &f.case_number) != 0) {
		ctl_err(c, "--case needs a case number");
		return CTL_EXIT_USAGE;
	}
	if (c->since != NULL && ctl_parse_since(c->since, c->now,
	    &f.since) != 0) {
		ctl_err(c, "--since needs a date (2026-11-29), a UTC time "
		    "(2026-11-29T10:00:00Z) or a span (30m, 12h, 7d)");
		return CTL_EXIT_USAGE;
	}
	ctl_list_init(c, &out, 7, (const char *const[]){ "TIME", "ACTOR",
	    "ACTION", "EMAIL", "CASE", "RESULT", "DETAIL" });
	return ctl_list_done(c, &out, store_audit_list(c->st, &f,
	    ctl_audit_row, &out), "reading the audit log");
}
