/*
 * milter.h - the libmilter side of pinmilter: callbacks and registration.
 *
 * milter_register() hands libmilter the callback table; pinmilter.c calls
 * it once before smfi_main().  The server key is set once at start and
 * only read afterwards, from every milter thread; each message reads the
 * configuration and templates live when it started (live.h).
 */
#ifndef PM_MILTER_H
#define PM_MILTER_H

#include "core/config.h"
#include "core/secret.h"

/* Name given to libmilter (it appears in libmilter's own log lines). */
#define MILTER_NAME	"pinmilter"

/*
 * Register the callbacks with libmilter.  KEY must stay valid and
 * unchanged until smfi_main() returns (it may be NULL in tests that never
 * reach the pipeline); the configuration is live_publish()ed before.
 * 0 ok, -1 failure (logged).
 */
int milter_register(const struct secret_key *key);

#endif
