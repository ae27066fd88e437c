/*
 * pin_char.c - the character classes PIN extraction and redaction share.
 *
 * Both see code points: extraction after NFKC normalisation, redaction
 * after compatibility decomposition of the original text, so the same
 * classes give the same answers on both sides (a full-width digit is a
 * digit, a no-break or thin space is a space, a soft hyphen or a
 * zero-width space is skipped).  ASCII is decided without a table
 * look-up; the rest uses GLib's Unicode tables.
 *
 * The classes asked of every code point (digit, letter, space, line
 * break, ignorable) are inline, in pin_impl.h; here are the others: what
 * joins digit groups, what may stand in a gap, what a PIN cannot touch.
 *
 * Diagnostics: none; pure functions.
 */
#include <glib.h>

#include "pin/pin_impl.h"

/* Like explicit_bzero(): the stores are not optimised away. */
void
pin_wipe(void *p, size_t len)
{
	volatile unsigned char *v = p;

	while (len-- > 0)
		*v++ = 0;
}

enum joiner
pin_joiner(gunichar c)
{
	switch (c) {
	case ' ':
		return J_SPACE;
	case '-': case 0x2010: case 0x2011: case 0x2012: case 0x2013:
	case 0x2014: case 0x2212: case 0xfe63: case 0xff0d:
		return J_HYPHEN;
	case '.': case 0xff0e:
		return J_DOT;
	case '/': case ':': case ',': case '\'': case 0x2019:
	case '_': case 0x00b7: case 0x2022:
		return J_OTHER;
	}
	if (c >= 0x80 && g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR)
		return J_SPACE;
	return J_NONE;
}

/*
 * Punctuation allowed in the gap between keyword and digits.  Not ',' or
 * '.': "If you need a PIN, 555123 is the extension".
 */
bool
pin_gap_punct(gunichar c)
{
	switch (c) {
	case ':': case '#': case '=': case '-': case '*': case '"':
	case '\'': case '`': case '(': case ')': case '[': case ']':
	case '_': case '~': case '>': case 0x00ab: case 0x00bb:
	case 0x2039: case 0x203a:
		return true;
	}
	return (c >= 0x2010 && c <= 0x2015) ||	/* dashes */
	    (c >= 0x2018 && c <= 0x201f);	/* curly quotes */
}

/* Characters a PIN cannot touch: it would be part of something else. */
bool
pin_bad_neighbour(gunichar c)
{
	if (c == 0)
		return false;
	if (pin_digit(c) >= 0 || pin_is_letter(c))
		return true;
	switch (c) {
	case '+': case '/': case '\\': case '@': case '%':
	case '&': case CP_DEGREE:
		return true;
	}
	return g_unichar_type(c) == G_UNICODE_CURRENCY_SYMBOL;
}
