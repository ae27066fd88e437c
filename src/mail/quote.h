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
 * Removed: quoted lines (">", "|", full-width "＞" as the first visible
 * character, also after blanks, no-break and zero-width spaces, byte
 * order marks); everything from the first of: an attribution ("On ...
 * wrote:" and its forms in some twenty languages, on one line or folded
 * over up to three; any "... wrote:" line followed by a quoted line); an
 * Outlook header block (a "From" label followed, label after label, by
 * two of Sent/Date, To/Cc, Subject, in the same languages); an "Original
 * Message" / "Forwarded message" separator (any language, case, dash
 * count); a helpdesk "reply above this line" marker; the signature
 * separator "-- ", or a bare "--" above a few short signature lines.
 * An attribution directly followed by quoted lines only introduces a
 * quote: it is dropped and the text below the quote (bottom-posting,
 * interleaved answers) is kept, like any text after quoted lines that is
 * not below such a marker.
 *
 * Output lines are joined by "\n" (CRLF becomes LF); leading and trailing
 * blank lines are removed.  Time and memory are linear in LEN.
 */
char *quote_cut(const char *utf8, size_t len);

#endif
