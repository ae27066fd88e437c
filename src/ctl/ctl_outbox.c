/*
 * ctl_outbox.c - "pinctl outbox list [--json]": the notices pinmilter
 * has queued, newest first.
 *
 * Each row: id, when it was queued, kind, recipient, case, attempts,
 * the next try (queued notices only), state (queued, sent or dead) and
 * the last delivery error.  Read-only.
 *
 * Security: the message bytes are never read here (the store's listing
 * does not return them): a queued pin-delivery notice holds a PIN once
 * opened, and sent or dead notices hold none at all.
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static const char *
ctl_outbox_state(const struct store_notice *n)
{
	if (n->sent_at != 0)
		return "sent";
	if (n->dead)
		return "dead";
	return "queued";
}

static json_object *
ctl_outbox_json(const struct store_notice *n)
{
	json_object *o = ctl_json_object();
	bool queued = n->sent_at == 0 && !n->dead;

	ctl_json_set(o, "id", ctl_json_int(n->id));
	ctl_json_set(o, "created", ctl_json_time(n->created));
	ctl_json_set(o, "kind", ctl_json_str(n->kind));
	ctl_json_set(o, "recipient", ctl_json_str(n->recipient));
	ctl_json_set(o, "case", n->case_number ?
	    ctl_json_int(n->case_number) : NULL);
	ctl_json_set(o, "attempts", ctl_json_int((int64_t)n->attempts));
	ctl_json_set(o, "next_try", queued ?
	    ctl_json_time(n->next_try) : NULL);
	ctl_json_set(o, "sent_at", ctl_json_time(n->sent_at));
	ctl_json_set(o, "state", ctl_json_str(ctl_outbox_state(n)));
	ctl_json_set(o, "last_error", n->last_error[0] ?
	    ctl_json_str(n->last_error) : NULL);
	return o;
}

static int
ctl_outbox_row(const struct store_notice *n, void *arg)
{
	struct ctl_list *out = arg;
	char id[24], num[24], tries[16], t1[CTL_TIME_BUF], t2[CTL_TIME_BUF];
	bool queued = n->sent_at == 0 && !n->dead;

	if (out->array != NULL) {
		ctl_json_append(out->array, ctl_outbox_json(n));
		return 0;
	}
	snprintf(id, sizeof(id), "%lld", (long long)n->id);
	if (n->case_number != 0)
		snprintf(num, sizeof(num), "%lld", (long long)n->case_number);
	else
		snprintf(num, sizeof(num), "-");
	snprintf(tries, sizeof(tries), "%u", n->attempts);
	ctl_table_add(out->table, (const char *const[]){ id,
	    ctl_time(n->created, t1), n->kind, n->recipient, num, tries,
	    queued ? ctl_time(n->next_try, t2) : "-", ctl_outbox_state(n),
	    n->last_error[0] ? n->last_error : "-" });
	return 0;
}

int
ctl_outbox_list(struct ctl *c)
{
	struct ctl_list out;

	ctl_list_init(c, &out, 9, (const char *const[]){ "ID", "CREATED",
	    "KIND", "RECIPIENT", "CASE", "ATTEMPTS", "NEXT-TRY", "STATE",
	    "ERROR" });
	return ctl_list_done(c, &out, store_outbox_list(c->st, ctl_outbox_row,
	    &out), "listing the outbox");
}
