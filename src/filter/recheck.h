/*
 * recheck.h - the post-condition of redaction: what will be delivered
 * (the header fields after the edits, the new body or the body as
 * received) is read again, the same way as for redaction, and must show
 * none of the message's candidates and no keyword-anchored PIN.
 */
#ifndef PM_RECHECK_H
#define PM_RECHECK_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "filter/edits.h"
#include "mail/hdrlist.h"
#include "pin/pin.h"
#include "util/spool.h"

/*
 * A stream of the message HL + body: BODY (LEN bytes) when not NULL,
 * else the spool SP (NULL: empty).  NULL when the spool cannot be read.
 * BODY and SP must outlive the stream.
 */
GMimeStream *recheck_stream(const struct hdrlist *hl, const struct spool *sp,
    const char *body, size_t len);

/*
 * Read what E makes of the message (HL as received, body SP) and count
 * where a candidate of C or a keyword-anchored PIN still shows: 0 means
 * the message may be delivered.  -1 when it cannot be read back (the
 * caller fails closed then too).
 */
int recheck_delivered(const struct hdrlist *hl, const struct spool *sp,
    const struct edits *e, const struct pin_candidates *c);

#endif
