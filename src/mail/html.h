/*
 * html.h - the author's text of an HTML body.
 */
#ifndef PM_HTML_H
#define PM_HTML_H

#include <stddef.h>

/* Call once before threads start (message_init does). */
void html_init(void);

/*
 * Convert HTML (LEN bytes) to plain UTF-8 text, newly allocated (free
 * with g_free); never NULL (empty on unparseable input).  CHARSET names
 * the encoding of HTML; the document's own <meta charset> is then
 * ignored.  NULL lets libxml2 detect it.
 *
 * Parsed with libxml2's HTML parser (no network, no error output).
 * Dropped on the tree: script, style, head, title, every blockquote,
 * Gmail's gmail_quote, Thunderbird's moz-cite-prefix, Yahoo's
 * yahoo_quoted, the Gmail and Thunderbird signature blocks; Outlook's
 * reply markers (#appendonsend, #divRplyFwdMsg, the "border-top:solid
 * #E1E1E1" divider) and everything after them.
 *
 * Block elements (p, div, br, li, tr, h1-h6, table, ...) end a line;
 * table cells are separated by a space; inline elements add nothing, so
 * "<b>482</b>913" reads "482913".  Blanks (including U+00A0) collapse to
 * one space within a line; lines are trimmed; at most one blank line in a
 * row.  The walk is iterative: nesting depth costs no stack.
 */
char *html_to_text(const char *html, size_t len, const char *charset);

/*
 * HTML source (UTF-8, LEN bytes) with every character reference
 * expanded, in attributes and comments too: "&#52;", "&#x34;", "&nbsp;"
 * and the named HTML entities; tags are kept.  What a person sees in a
 * title, alt or value attribute.  Valid UTF-8 (g_free).
 */
char *html_unescape(const char *html, size_t len);

#endif
