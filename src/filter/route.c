/*
 * route.c - VerifiedRecipient: an authenticated support message goes to a
 * hidden mailbox instead of the support address.
 *
 * Helpdesks such as osTicket, GLPI, Zendesk and Freshdesk read no custom
 * header, but all of them can act on the address a message arrived at
 * (a department, a queue, a trigger).  With VerifiedRecipient set, the
 * milter replaces the support recipients of an authenticated message by
 * that address (smfi_delrcpt, smfi_addrcpt); every other verdict is
 * delivered to the support address as usual.  Recipients that are not
 * support addresses (a colleague in Cc) keep their copy.
 *
 * Security: the address is only trustworthy because nobody else can put
 * mail there: the milter refuses, at end of headers, any message whose
 * envelope names it (milter.c), and config_load refuses a
 * VerifiedRecipient that is itself a support address.  Only the verdict
 * "authenticated" is routed (a repeat gets its first verdict again, so the
 * same route); x-pin=temperror and every other verdict keep the support
 * address.
 *
 * Diagnostics: none; the milter logs a refused edit.
 */
#include "filter/route.h"

size_t
route_edits(struct edits *e, const struct pm_config *cfg,
    const char *const *rcpts, const bool *support, size_t nrcpts,
    const struct verdict *v)
{
	size_t i, n = 0;

	if (cfg->verified_recipient == NULL || v->error ||
	    v->auth != VERDICT_AUTHENTICATED)
		return 0;
	for (i = 0; rcpts != NULL && i < nrcpts; i++) {
		bool is_support = support != NULL ? support[i] :
		    config_is_support_address(cfg, rcpts[i]);

		if (is_support && rcpts[i] != NULL) {
			edits_del_rcpt(e, rcpts[i]);
			n++;
		}
	}
	edits_add_rcpt(e, cfg->verified_recipient);
	return n;
}
