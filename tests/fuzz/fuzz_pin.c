/*
 * fuzz_pin.c - libFuzzer target for pin_extract() and pin_redact().
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh (README, Testing).
 *
 * The first byte chooses the flags; the rest is the text.  Besides the
 * sanitizers, the target traps when an invariant breaks:
 * - every candidate is six ASCII digits, n <= PIN_MAX_FOUND, no duplicate;
 * - pin_redact() returns the length it claims;
 * - text redacted with its own candidates yields none of them again (what
 *   extraction sees, redaction must find);
 * - redacting with a candidate taken from the input bytes stays in bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "pin/pin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_candidates(const struct pin_candidates *c)
{
	size_t i, j, k;

	if (c->n > PIN_MAX_FOUND || (c->overflow && c->n != PIN_MAX_FOUND))
		__builtin_trap();
	for (i = 0; i < c->n; i++) {
		for (k = 0; k < PIN_DIGITS; k++)
			if (c->v[i][k] < '0' || c->v[i][k] > '9')
				__builtin_trap();
		if (c->v[i][PIN_DIGITS] != '\0')
			__builtin_trap();
		for (j = 0; j < i; j++)
			if (strcmp(c->v[i], c->v[j]) == 0)
				__builtin_trap();
	}
}

static void
check_redacted(const char *text, size_t len, unsigned flags,
    const struct pin_candidates *c)
{
	struct pin_candidates again;
	size_t outlen, n, i, j;
	char *out;

	out = pin_redact(text, len, c, NULL, &outlen, &n);
	if (out == NULL || out[outlen] != '\0')
		__builtin_trap();
	if (c->n > 0 && n == 0)
		__builtin_trap();
	if (pin_extract(out, outlen, flags, &again) < 0)
		__builtin_trap();
	for (i = 0; i < again.n; i++)
		for (j = 0; j < c->n; j++)
			if (strcmp(again.v[i], c->v[j]) == 0)
				__builtin_trap();
	g_free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pin_candidates c, mine;
	const char *text;
	unsigned flags;
	size_t len, i, outlen, n;
	char *out;

	if (size < 1)
		return 0;
	flags = data[0] & PIN_EXTRACT_BARE_LINE;
	text = (const char *)data + 1;
	len = size - 1;

	if (pin_extract(text, len, flags, &c) < 0)
		__builtin_trap();
	check_candidates(&c);
	check_redacted(text, len, flags, &c);

	/* a candidate made of the first bytes, so redaction matches often */
	memset(&mine, 0, sizeof mine);
	if (len >= PIN_DIGITS) {
		for (i = 0; i < PIN_DIGITS; i++)
			mine.v[0][i] =
			    (char)('0' + (unsigned char)text[i] % 10);
		mine.n = 1;
	}
	out = pin_redact(text, len, &mine, "#", &outlen, &n);
	if (out == NULL || out[outlen] != '\0' || outlen > len + n)
		__builtin_trap();
	g_free(out);
	pin_candidates_wipe(&c);
	return 0;
}
