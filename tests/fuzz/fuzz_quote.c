/*
 * fuzz_quote.c - libFuzzer target for quote_cut(): the author's own text
 * of a plain-text body (quoted lines, attributions in some twenty
 * languages, Outlook header blocks, separators, signatures cut).
 *
 * Traps besides the sanitizers: the result is not NUL-terminated within
 * its length, is longer than the input, or (for an input without NUL
 * bytes) starts or ends with a line break.  (A CR is kept unless a LF
 * follows it: "a\r\r\nb" gives "a\r\nb", as documented.)
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh (README, Testing).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "mail/quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t n;

	text = quote_cut((const char *)data, size);
	n = strlen(text);
	if (n > size)
		__builtin_trap();
	/* a NUL byte passes through: strlen() then stops inside the text */
	if (n > 0 && (text[0] == '\n' || text[n - 1] == '\n') &&
	    memchr(data, '\0', size) == NULL)
		__builtin_trap();
	g_free(text);
	return 0;
}
