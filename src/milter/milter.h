/*
 * milter.h - the libmilter side of pinmilter: callbacks and registration.
 *
 * milter_register() hands libmilter the callback table; pinmilter.c calls
 * it once before smfi_main().  The configuration and the server key are
 * set once at start and only read afterwards, from every milter thread.
 */
#ifndef PM_MILTER_H
#define PM_MILTER_H

#include "core/config.h"
#include "core/secret.h"

/* Name given to libmilter (it appears in libmilter's own log lines). */
#define MILTER_NAME	"pinmilter"

/*
 * Register the callbacks with libmilter.  CFG, KEY and TMPL must stay valid and
 * unchanged until smfi_main() returns (KEY may be NULL in tests that never
 * reach the pipeline).  0 ok, -1 failure (logged).
 */
struct notice_templates;

/* TMPL: the notice templates, NULL when notices are disabled. */
int milter_register(const struct pm_config *cfg, const struct secret_key *key,
    const struct notice_templates *tmpl);

#endif
