/*
 * decode.h - the one way pinmilter turns the bytes of a message into
 * text: reading (message.c, the pipeline's subjects), redaction
 * (filter/redact.c) and the check of what is delivered all call these,
 * so what is read is exactly what is redacted and checked.
 *
 * Charset labels are read as mail clients read them (WHATWG practice):
 * iso-8859-1 and its aliases are windows-1252; UTF-8, US-ASCII, no label
 * and unknown labels are UTF-8, where each byte that is not part of
 * valid UTF-8 is read as its windows-1252 character (Outlook's stray
 * 0x96 en dash).  Bytes invalid in the charset, undefined ones and NUL
 * bytes become U+FFFD: the result is always valid UTF-8 without NULs,
 * every other byte accounted for.
 */
#ifndef PM_DECODE_H
#define PM_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include <gmime/gmime.h>

/*
 * The charset to write text labelled LABEL in, so it reads back the
 * same: "WINDOWS-1252" for the iso-8859-1 family, NULL for the UTF-8
 * and US-ASCII family (write UTF-8), else LABEL.
 */
const char *decode_charset_name(const char *label);

/* P (LEN bytes) in CHARSET (NULL: unlabelled) as UTF-8; g_free. */
char *decode_bytes(const char *p, size_t len, const char *charset);

/*
 * A header field value as a person reads it: unfolded, RFC 2047
 * encoded-words decoded (adjacent ones joined), raw 8-bit text read by
 * the rules above.  Returns valid UTF-8 (g_free); never NULL.
 */
char *decode_header(const char *raw);

/*
 * PART's content with its transfer encoding undone, at most CAP bytes
 * (*truncated set when there was more; may be NULL).  NULL when it
 * cannot be read.  Free with decode_bytes_free().
 */
GByteArray *decode_part_bytes(GMimePart *part, size_t cap, bool *truncated);
void decode_bytes_free(GByteArray *ba);

/* PART's content as UTF-8 text (transfer encoding and charset, by the
 * rules above), at most CAP bytes read; "" when unreadable. */
char *decode_part_text(GMimePart *part, size_t cap, bool *truncated);

#endif
