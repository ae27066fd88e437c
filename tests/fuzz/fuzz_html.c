/*
 * fuzz_html.c - libFuzzer target for html_to_text() and html_unescape():
 * libxml2's HTML parser under our tree walk (dropped quotes, signatures,
 * Outlook reply markers, blocks and inline elements, blank collapsing).
 *
 * The first byte chooses the charset handed over (none: libxml2 detects
 * it; UTF-8; ISO-8859-1; windows-1252; UTF-16LE; a name that does not
 * exist), the rest is the HTML.
 *
 * Traps besides the sanitizers: a result that is not valid UTF-8, that
 * holds a CR or a NUL before its end, or that has two blank lines in a
 * row; html_unescape() of valid UTF-8 not valid UTF-8.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh (README, Testing).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "mail/html.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	html_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { NULL, "UTF-8",
	    "ISO-8859-1", "windows-1252", "UTF-16LE", "x-no-such-charset" };
	const char *html, *cs;
	size_t len;
	char *text;

	if (size < 1)
		return 0;
	cs = charsets[data[0] % G_N_ELEMENTS(charsets)];
	html = (const char *)data + 1;
	len = size - 1;
	text = html_to_text(html, len, cs);
	if (!g_utf8_validate(text, -1, NULL))
		__builtin_trap();
	if (strchr(text, '\r') != NULL || strstr(text, "\n\n\n") != NULL)
		__builtin_trap();
	g_free(text);
	if (g_utf8_validate(html, (gssize)len, NULL)) {
		text = html_unescape(html, len);
		if (!g_utf8_validate(text, -1, NULL))
			__builtin_trap();
		g_free(text);
	}
	return 0;
}
