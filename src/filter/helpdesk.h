/*
 * helpdesk.h - the control fields of the helpdesks behind pinmilter:
 * removed from support mail, then set from the verdict.
 *
 * Removed (every copy, any case; support mail only -- the milter leaves
 * mail for other addresses alone except for our own fields):
 *   X-Zammad-*, X-OTRS-*, X-OTOBO-*, X-KIX-* always; the StripHeaders
 *   names and prefixes; the field name of every AddHeader line.
 * Added, for every verdict:
 *   Helpdesk zammad  X-Zammad-Ticket-Tags, X-Zammad-Ticket-FollowUp-Tags:
 *                    pin-authenticated | pin-verification-requested |
 *                    pin-unverified
 *   Helpdesk znuny, otrs (X-OTRS-), otobo (X-OTOBO-):
 *                    PREFIX-DynamicField-SupportAuth and
 *                    PREFIX-FollowUp-DynamicField-SupportAuth: the verdict,
 *                    PREFIX-DynamicField-SupportCase and
 *                    PREFIX-FollowUp-DynamicField-SupportCase: the case
 *                    number (only when there is a case)
 *   Helpdesk rt      nothing more: an RT scrip (doc/HELPDESKS.md) reads
 *                    X-Support-Auth and X-Support-Case themselves
 *   AddHeader        "X-NAME TEMPLATE", the template expanded
 *                    (helpdesk_expand)
 */
#ifndef PM_HELPDESK_H
#define PM_HELPDESK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "mail/hdrlist.h"
#include "case/verdict.h"
#include "filter/edits.h"

#define HELPDESK_VALUE_MAX	900	/* bytes of an expanded value, before
					 * RFC 2047 encoding */

/* Is NAME a helpdesk control field support mail must not carry?  CTX is
 * the struct pm_config (an hdrlist_keep_fn). */
bool helpdesk_stripped(const void *cfg, const char *name);

/* List the deletion of every such field of HL, each name from its
 * highest index down.  Returns how many deletions were listed. */
size_t helpdesk_remove(struct edits *e, const struct pm_config *cfg,
    const struct hdrlist *hl);

/* List the insertions of the Helpdesk preset and the AddHeader lines
 * for V (at the top of the header). */
void helpdesk_add(struct edits *e, const struct pm_config *cfg,
    const struct verdict *v);

/*
 * TEMPLATE with %{verdict} (authenticated, ...), %{pin} (the x-pin
 * result), %{case} (the case number, "" when none), %{account} and
 * %{user} (the known sender's account and address, "" when unknown)
 * and %% replaced; control bytes become spaces, at most
 * HELPDESK_VALUE_MAX bytes (cut on a character), RFC 2047-encoded when
 * not ASCII.  Free with g_free.
 */
char *helpdesk_expand(const char *tmpl, const struct verdict *v);

#endif
