/*
 * route.h - VerifiedRecipient: where an authenticated support message is
 * delivered, for helpdesks that cannot read a header.
 */
#ifndef PM_ROUTE_H
#define PM_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "filter/edits.h"
#include "case/verdict.h"

/*
 * The envelope edits of verdict V: when it is "authenticated" and a
 * VerifiedRecipient is set, delete every recipient RCPTS[i] that is a
 * support address (SUPPORT[i] true, or, when SUPPORT is NULL, the address
 * read by config_is_support_address) and add the VerifiedRecipient once.
 * Nothing otherwise.  Returns the number of recipients deleted.
 */
size_t route_edits(struct edits *e, const struct pm_config *cfg,
    const char *const *rcpts, const bool *support, size_t nrcpts,
    const struct verdict *v);

#endif
