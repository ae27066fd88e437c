/*
 * text.c - customer text made safe for terminals and readers.
 *
 * One rule (text_char_unsafe) used at the boundary, where a customer's
 * string is stored (text_clean_line), by the store as a last check
 * (text_is_clean), and by pinctl before it prints (defence in depth).
 * Pure; thread-safe.
 */
#include <string.h>

#include <glib.h>

#include "util/text.h"

#define REPLACEMENT	0xFFFDu

bool
text_char_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	    c == 0x061c || c == 0x200e || c == 0x200f ||
	    (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* What C becomes: itself, MARK when set, else a space (controls,
 * separators) or U+FFFD. */
static uint32_t
text_safe_char(uint32_t c, char mark)
{
	if (!text_char_unsafe(c))
		return c;
	if (mark != '\0')
		return (uint32_t)(unsigned char)mark;
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	    c == 0x2029)
		return ' ';
	return REPLACEMENT;
}

void
text_clean_line(const char *in, char *out, size_t size)
{
	text_clean_mark(in, out, size, '\0');
}

void
text_clean_mark(const char *in, char *out, size_t size, char mark)
{
	char *valid = g_utf8_make_valid(in != NULL ? in : "", -1);
	const char *p;
	size_t n = 0;

	if (size == 0) {
		g_free(valid);
		return;
	}
	for (p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		char buf[8];
		int len = g_unichar_to_utf8(text_safe_char(g_utf8_get_char(p),
		    mark), buf);

		if (n + (size_t)len >= size)
			break;
		memcpy(out + n, buf, (size_t)len);
		n += (size_t)len;
	}
	out[n] = '\0';
	g_free(valid);
}

char *
text_clean_dup(const char *in)
{
	size_t size = (in != NULL ? strlen(in) : 0) * 3 + 4;
	char *out = g_malloc(size);

	text_clean_line(in, out, size);
	return out;
}

bool
text_is_clean(const char *s)
{
	const char *p;

	if (s == NULL || !g_utf8_validate(s, -1, NULL))
		return false;
	for (p = s; *p != '\0'; p = g_utf8_next_char(p))
		if (text_char_unsafe(g_utf8_get_char(p)))
			return false;
	return true;
}
