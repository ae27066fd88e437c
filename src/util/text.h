/*
 * text.h - customer text made safe for terminals and readers, once.
 *
 * A subject or a reference a customer wrote is stored and later printed
 * by pinctl on an administrator's terminal, in JSON other programs read,
 * and in notices.  Some characters must never reach them raw: C0 controls
 * and DEL, C1 controls (U+0080-U+009F: an 8-bit CSI redraws a terminal),
 * the bidirectional embeddings, overrides, isolates and marks
 * (U+200E-U+200F, U+202A-U+202E, U+2066-U+2069, U+061C: they reorder what
 * the reader sees, "Invoice <RLO>exe.fdp" shows as "Invoice pdf.exe"),
 * and the line and paragraph separators U+2028-U+2029.
 */
#ifndef PM_TEXT_H
#define PM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is the code point C one of those? */
bool text_char_unsafe(uint32_t c);

/*
 * IN (any bytes, NULL as "") as one safe line in OUT (SIZE >= 4 bytes):
 * valid UTF-8 (a byte that is not becomes U+FFFD), controls and
 * separators a space, bidirectional controls U+FFFD (so that a reader
 * sees something was there), cut to fit at a character boundary.
 */
void text_clean_line(const char *in, char *out, size_t size);
/* The same, every unsafe character made MARK (an ASCII character). */
void text_clean_mark(const char *in, char *out, size_t size, char mark);

/* The same into a new string (g_free). */
char *text_clean_dup(const char *in);

/* Is S valid UTF-8 without any unsafe character? */
bool text_is_clean(const char *s);

#endif
