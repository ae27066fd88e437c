/*
 * tryout.h - "pinmilter -t FILE": one message through the pipeline, as if
 * it had arrived for the first SupportAddress, printed as delivered.
 */
#ifndef PM_TRYOUT_H
#define PM_TRYOUT_H

#include <stdio.h>

#include "core/config.h"

/* Exit statuses of -t besides 0 (printed, as delivered). */
#define TRYOUT_EXIT_ERROR	1	/* unreadable file, key or database */
#define TRYOUT_EXIT_REJECT	69	/* OnInternalError reject (EX_UNAVAILABLE) */
#define TRYOUT_EXIT_TEMPFAIL	75	/* OnInternalError tempfail (EX_TEMPFAIL) */

/* FILE "-" is standard input.  Writes the message to OUT. */
int tryout_run(const struct pm_config *cfg, const char *file, FILE *out);

#endif
