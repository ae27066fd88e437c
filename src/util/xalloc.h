/*
 * xalloc.h - running out of memory is fatal.
 *
 * pinmilter does what Postfix and OpenSMTPD do: an allocation that fails
 * is not an error to recover from but the end of the process.  It logs
 * "out of memory" and aborts; the MTA's milter_default_action (tempfail)
 * then applies to the connections in flight, and the service manager
 * restarts the daemon.  No half-handled message is ever delivered, and no
 * code path has to carry an out-of-memory branch.
 *
 * The rules:
 * - allocate with GLib (g_malloc, g_new0, g_renew, g_strdup, g_string_*,
 *   ...), release with g_free; GLib aborts when it cannot allocate, so no
 *   NULL check follows a GLib allocator;
 * - a library that returns NULL when it cannot allocate (json-c,
 *   sodium_malloc, a libcsv allocator) is checked with xalloc_check();
 *   a NULL that means bad input is not an allocation failure and is
 *   handled where it happens;
 * - each program calls xalloc_init() first thing, so GLib's own fatal
 *   messages (its allocation failures among them) reach util/log, that
 *   is syslog once the daemon runs, before the abort.
 */
#ifndef PM_XALLOC_H
#define PM_XALLOC_H

/* Route GLib's fatal messages through util/log.  Once, before any other
 * GLib call that may log. */
void xalloc_init(void);

/* Log "out of memory" (naming WHAT failed to allocate) and abort. */
void xalloc_die(const char *what) __attribute__((noreturn));

/* P, or the end of the process when P is NULL. */
void *xalloc_check(void *p, const char *what);

#endif
