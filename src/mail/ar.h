/*
 * ar.h - what pinmilter reads from Authentication-Results headers
 * (RFC 8601): only whether a trusted authserv-id recorded dmarc=pass for
 * a given header.from domain, and whether a header carries our own
 * authserv-id (then it is a forgery to remove).  Pure: no I/O.
 */
#ifndef PM_AR_H
#define PM_AR_H

#include <stdbool.h>
#include <stddef.h>

/* Copy the authserv-id of header VALUE into out (lower-cased); false if
 * there is none or it does not fit (a cut id must never match a trusted one). */
bool ar_authserv_id(const char *value, char *out, size_t outsize);

/* Does VALUE carry "dmarc=pass" with header.from equal to DOMAIN
 * (case-insensitive)?  The authserv-id is not checked here. */
bool ar_dmarc_pass(const char *value, const char *domain);

#endif
