/*
 * test_text.c - customer text made safe for terminals and readers: every
 * class of character the rule names, at its bounds, in one table; cuts
 * at character boundaries; the store's last check.
 */
#include <stdio.h>
#include <string.h>

#include "util/text.h"
#include "tap.h"

struct row {
	const char *in;
	const char *want;	/* text_clean_line() */
	int clean;		/* text_is_clean(in) */
	const char *what;
};

#define FFFD	"\xef\xbf\xbd"

static const struct row rows[] = {
	{ "Invoice 4711", "Invoice 4711", 1, "plain ASCII kept" },
	{ "Facture n\xc2\xb0 12 \xe2\x80\x94 d\xc3\xa9j\xc3\xa0 pay\xc3\xa9" "e",
	    "Facture n\xc2\xb0 12 \xe2\x80\x94 d\xc3\xa9j\xc3\xa0 pay\xc3\xa9" "e",
	    1, "accents, degree sign, em dash kept" },
	{ "\xe5\x8f\x91\xe7\xa5\xa8 \xf0\x9f\x93\x9e", "\xe5\x8f\x91\xe7\xa5\xa8 \xf0\x9f\x93\x9e",
	    1, "CJK and an emoji kept" },
	{ "a\tb\rc\nd", "a b c d", 0, "C0 controls: spaces" },
	{ "a\x1b[2Jb", "a [2Jb", 0, "ESC of a 7-bit CSI: a space" },
	{ "a\x7f" "b", "a b", 0, "DEL: a space" },
	{ "a\xc2\x80" "b", "a b", 0, "U+0080: a space" },
	{ "a\xc2\x9b" "2Jb", "a 2Jb", 0, "U+009B (8-bit CSI): a space" },
	{ "a\xc2\x9f" "b", "a b", 0, "U+009F: a space" },
	{ "a\xc2\xa0" "b", "a\xc2\xa0" "b", 1, "U+00A0 NBSP kept (past C1)" },
	{ "Invoice \xe2\x80\xae" "exe.fdp", "Invoice " FFFD "exe.fdp", 0,
	    "U+202E RLO: U+FFFD, the real order shows" },
	{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	    FFFD FFFD FFFD FFFD, 0, "U+202A-U+202D: U+FFFD each" },
	{ "\xe2\x81\xa6x\xe2\x81\xa9", FFFD "x" FFFD, 0,
	    "U+2066 and U+2069 isolates: U+FFFD" },
	{ "\xe2\x81\xa7\xe2\x81\xa8", FFFD FFFD, 0, "U+2067, U+2068" },
	{ "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", FFFD FFFD FFFD, 0,
	    "LRM, RLM, ALM: U+FFFD" },
	{ "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "a b c", 0,
	    "U+2028, U+2029: spaces" },
	{ "\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
	    "\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa", 1,
	    "U+2027, U+202F, U+2065, U+206A: neighbours kept" },
	{ "a\x9b" "b", "a" FFFD "b", 0, "a raw 0x9B byte (not UTF-8): U+FFFD" },
	{ "a\xff", "a" FFFD, 0, "invalid UTF-8: U+FFFD" },
	{ "", "", 1, "empty" },
};

static void
test_rows(void)
{
	char out[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		text_clean_line(rows[i].in, out, sizeof(out));
		is_str(out, rows[i].want, "clean: %s", rows[i].what);
		is_int(text_is_clean(rows[i].in), rows[i].clean,
		    "is_clean: %s", rows[i].what);
		ok(text_is_clean(out), "the cleaned form is clean: %s",
		    rows[i].what);
	}
}

static void
test_bounds(void)
{
	unsigned c;
	unsigned unsafe = 0;

	for (c = 0; c < 0x110000; c++)
		unsafe += text_char_unsafe(c);
	/* 32 C0 + DEL + 32 C1 + ALM + LRM, RLM + U+2028-U+202E (7) +
	 * U+2066-U+2069 (4) */
	is_int(unsafe, 32 + 1 + 32 + 1 + 2 + 7 + 4,
	    "exactly the named code points are unsafe");
}

static void
test_cut(void)
{
	char out[8];

	text_clean_line("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", out, sizeof(out));
	is_str(out, "\xc3\xa9\xc3\xa9\xc3\xa9", "cut before a character "
	    "that does not fit (7 bytes of room: 3 characters)");
	text_clean_line("ab\xe2\x80\xae" "cd", out, 5);
	is_str(out, "ab", "U+FFFD does not fit in what is left: cut before");
	text_clean_line(NULL, out, sizeof(out));
	is_str(out, "", "NULL: empty");
	text_clean_mark("a\tb\xe2\x80\xae" "c\xc2\x9b", out, sizeof(out), '?');
	is_str(out, "a?b?c?", "a mark for every unsafe character");
}

int
main(void)
{
	test_rows();
	test_bounds();
	test_cut();
	return tap_done();
}
