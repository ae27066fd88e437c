/*
 * flowed.h - undo RFC 3676 format=flowed soft line breaks, so that text a
 * client wrapped ("my PIN is 482 \r\n913") reads as the author typed it.
 * Pure; no allocation but the result.
 */
#ifndef PM_FLOWED_H
#define PM_FLOWED_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A newly allocated (g_malloc) copy of TEXT (LEN bytes) with flowed lines
 * joined: a line ending in a space continues on the next line of the same
 * quote depth (DelSp=yes: that space is removed); space-stuffing (one
 * leading space) is removed; the signature separator "-- " is never
 * joined.  Output lines end in "\n".  Linear in LEN.
 */
char *flowed_unflow(const char *text, size_t len, bool delsp);

#endif
