/*
 * redact_int.h - what redact.c and redact_hdr.c share; not a contract
 * for anyone else (the rest of pinmilter uses redact.h).
 */
#ifndef PM_REDACT_INT_H
#define PM_REDACT_INT_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "filter/edits.h"
#include "mail/hdrlist.h"
#include "pin/pin.h"

/*
 * TEXT with every candidate taken out: C's (tested or not) and every
 * keyword-anchored PIN TEXT itself shows (PIN_EXTRACT_REDACT).  The
 * number of replacements in *N; free with redact_wipe_free().
 */
char *redact_text(const char *text, size_t len, const struct pin_candidates *c,
    size_t *outlen, size_t *n);
void redact_wipe_free(char *s);

#define REDACT_OTHER_MAX	(4u << 20)	/* text-like parts scanned */

/* Bytes that read as text: UTF-8, no control characters but tab, CR,
 * LF and FF.  Such a part is redacted whatever its declared type. */
bool bytes_are_text(const guint8 *p, size_t len);

/*
 * The value of field NAME (RAW, as received) as a person reads it, with
 * every candidate taken out, as a value to write back (structure and
 * folding kept when it can be redacted in place; else re-encoded:
 * addresses with GMime, other fields as unstructured text).  NULL when
 * there is nothing to take out.  *N counts the replacements.
 */
char *redact_field(const char *name, const char *raw,
    const struct pin_candidates *c, size_t *n);

/* Every top-level field but Subject, our own and the Content-Type,
 * -Disposition and -Transfer-Encoding (redacted through GMime): edits
 * to E.  Returns the replacements. */
int redact_top_fields(const struct hdrlist *hl, const struct pin_candidates *c,
    struct edits *e);

/* The header fields of a MIME object inside the message (fields: false
 * for the top-level part, whose fields are the message's) and the
 * parameters of its Content-Type and Content-Disposition, in place.
 * Returns the replacements. */
int redact_object_fields(GMimeObject *obj, bool fields,
    const struct pin_candidates *c);

#endif
