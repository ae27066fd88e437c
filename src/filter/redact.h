/*
 * redact.h - remove PIN candidates from a parsed message: subject and
 * every text part (plain and HTML, inline or attached, nested messages
 * included), re-encoded in the part's own charset and transfer encoding.
 *
 * What the milter must then change is returned as edits: a new Subject
 * value, changed top-level Content-Type / Content-Transfer-Encoding (a
 * single-part message whose charset had to become UTF-8), and the new
 * body.  Only changed things are returned.
 */
#ifndef PM_REDACT_H
#define PM_REDACT_H

#include <gmime/gmime.h>

#include "filter/edits.h"
#include "mail/hdrlist.h"
#include "mail/message.h"
#include "pin/pin.h"

/*
 * Redact C from M (modified in place) and append the resulting edits to
 * E; HL is the header list the edits refer to.  body_too: also the body
 * (false when the body was not held whole: it must then not be
 * replaced).  crlf: write the body with CRLF line ends (the milter), else
 * LF (-t).  Returns the number of replacements made (0: nothing changed,
 * no edits), or -1 when GMime cannot write the new body.
 */
int redact_message(GMimeMessage *m, const struct pin_candidates *c,
    const struct hdrlist *hl, bool body_too, bool crlf, struct edits *e);

#endif
