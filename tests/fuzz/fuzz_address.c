/*
 * fuzz_address.c - libFuzzer target for the address parser: every input
 * read as an addr-spec, an envelope path, an envelope recipient read
 * leniently (address_parse_rcpt) and a From value, with each set
 * of flags; whatever is accepted must parse again to itself (the
 * canonical form is a fixed point) and hold only printable ASCII.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh (README, Testing).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct address *a, unsigned flags)
{
	struct address b;
	const char *p;

	for (p = a->addr; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	if (address_parse(a->addr, flags | ADDRESS_LOCAL_ONLY |
	    ADDRESS_LONG_LOCAL, &b) != ADDRESS_OK ||
	    strcmp(a->addr, b.addr) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flags[] = { 0, ADDRESS_LOCAL_ONLY,
	    ADDRESS_LONG_LOCAL, ADDRESS_PLAIN,
	    ADDRESS_LOCAL_ONLY | ADDRESS_LONG_LOCAL };
	struct address a;
	char *s;
	size_t i;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (address_parse(s, flags[i], &a) == ADDRESS_OK)
			check(&a, flags[i]);
		if (address_parse_path(s, flags[i], &a) == ADDRESS_OK)
			check(&a, flags[i]);
		if (address_parse_rcpt(s, flags[i], &a) == ADDRESS_OK)
			check(&a, flags[i]);
		if (address_parse_mailbox(s, flags[i], &a) == ADDRESS_OK)
			check(&a, flags[i]);
	}
	free(s);
	return 0;
}
