/*
 * flowed.c - RFC 3676 format=flowed decoding.
 *
 * Each physical line is examined once: its quote depth (leading '>'s),
 * space-stuffing, and whether it ends in a space (soft break).  A soft
 * line is joined with the next line when both have the same quote depth.
 * Bounded: one pass over the input, output at most as long as the input
 * plus one newline.
 */
#include <string.h>

#include <glib.h>

#include "mail/flowed.h"

char *
flowed_unflow(const char *text, size_t len, bool delsp)
{
	GString *out = g_string_sized_new(len + 1);
	size_t off = 0;
	int prev_depth = -1;
	bool joining = false;

	while (off < len) {
		const char *line = text + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;
		size_t start = 0;
		int depth = 0;
		bool soft;

		off += n + (nl ? 1 : 0);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		while (start < n && line[start] == '>') {
			depth++;
			start++;
		}
		if (start < n && line[start] == ' ')
			start++;		/* space-stuffing, or after '>' */
		if (joining && depth != prev_depth)
			g_string_append_c(out, '\n');	/* depth changed: hard */
		else if (!joining && prev_depth != -1)
			g_string_append_c(out, '\n');
		if (!joining || depth != prev_depth) {
			int d;

			for (d = 0; d < depth; d++)
				g_string_append_c(out, '>');
			if (depth > 0)
				g_string_append_c(out, ' ');
		}
		/* the signature separator is a hard line even with its space */
		soft = n > start && line[n - 1] == ' ' &&
		    !(n - start == 3 && memcmp(line + start, "-- ", 3) == 0);
		g_string_append_len(out, line + start,
		    (gssize)(n - start - (soft && delsp ? 1 : 0)));
		joining = soft;
		prev_depth = depth;
	}
	if (prev_depth != -1)
		g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}
