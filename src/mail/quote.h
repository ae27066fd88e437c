/*
 * quote.h - cut quoted replies, forwarded messages and signatures from
 * plain text, keeping only what the author wrote in this message.
 *
 * Pure: no I/O, no allocation besides the result, no global state.
 */
#ifndef PM_QUOTE_H
#define PM_QUOTE_H

#include <stddef.h>

/*
 * Return the author's own text of UTF (LEN bytes, UTF-8, need not be
 * NUL-terminated) as a newly allocated NUL-terminated string (free with
 * g_free).  Never returns NULL.
 *
 * Removed: lines starting with ">" (after optional blanks); everything
 * from the first of: an attribution line ("On ... wrote:", also wrapped
 * over two lines, and its French, German, Spanish, Italian, Dutch and
 * Portuguese forms; any "... wrote:" line followed by a ">" line); an
 * Outlook header block ("From:/Sent:/To:/Subject:" and its French and
 * German forms); an "Original Message" / "Forwarded message" separator;
 * a helpdesk "reply above this line" marker; the signature separator
 * "-- ".  An attribution directly followed by ">" lines only introduces
 * a quote: it is dropped and the text below the quote (bottom-posting,
 * interleaved answers) is kept, like any text after ">" lines that is not
 * below such a marker.
 *
 * Output lines are joined by "\n" (CRLF becomes LF); leading and trailing
 * blank lines are removed.  Time and memory are linear in LEN.
 */
char *quote_cut(const char *utf8, size_t len);

#endif
