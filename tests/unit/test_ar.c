/*
 * test_ar.c - Authentication-Results reading: authserv-id and DMARC pass
 * for a From domain, over a table of real-world and hostile shapes.
 */
#include <string.h>

#include "mail/ar.h"
#include "tap.h"

static const struct {
	const char *value;
	const char *id;		/* expected authserv-id */
	const char *domain;
	int pass;
} cases[] = {
	{ "mx.example.com; dmarc=pass header.from=acme.example", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com; dmarc=pass (p=none dis=none) header.from=acme.example", "mx.example.com", "acme.example", 1 },
	{ "MX.Example.COM; DMARC=PASS header.From=ACME.example", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com 1; spf=pass smtp.mailfrom=acme.example; dkim=pass header.d=acme.example; dmarc=pass header.from=acme.example", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com;\n\tdkim=pass header.i=@acme.example;\n\tdmarc=pass (policy=reject) header.from=acme.example", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com; dmarc=pass header.from=\"acme.example\"", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com; dmarc=fail header.from=acme.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; dmarc=none header.from=acme.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; dmarc=pass header.from=evil.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; dmarc=pass header.from=sub.acme.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; dmarc=pass", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; dkim=pass header.from=acme.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; spf=pass smtp.mailfrom=acme.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; dmarc=fail header.from=acme.example; dkim=pass header.from=acme.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; dmarc=pass (comment (nested) here) header.from=acme.example", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com; dmarc=pass (header.from=acme.example) header.from=evil.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com (the gateway); dmarc=pass header.from=acme.example", "mx.example.com", "acme.example", 1 },
	{ "(comment first) mx.example.com; dmarc=pass header.from=acme.example", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com; none", "mx.example.com", "acme.example", 0 },
	{ "", "", "acme.example", 0 },
	{ ";;;;", "", "acme.example", 0 },
	{ "mx.example.com; dmarc=pass header.from=acme.example (unterminated", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com; dmarc=\"pass header.from=acme.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; dmarc=pass header.from=", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; ===; dmarc=pass header.from=acme.example", "mx.example.com", "acme.example", 1 },
	{ "mx.example.com; dmarc pass header.from=acme.example", "mx.example.com", "acme.example", 0 },
	{ "mx.example.com; x-pin=pass header.from=bob@acme.example", "mx.example.com", "acme.example", 0 },
	{ "(((((((((((((", "", "acme.example", 0 },
	{ "\"quoted id\"; dmarc=pass header.from=acme.example", "quoted id", "acme.example", 1 },
};

int
main(void)
{
	size_t i;
	char id[128];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool have = ar_authserv_id(cases[i].value, id, sizeof(id));

		is_str(id, cases[i].id, "authserv-id of case %zu", i);
		is_int(have, cases[i].id[0] != '\0', "has authserv-id, case %zu", i);
		is_int(ar_dmarc_pass(cases[i].value, cases[i].domain),
		    cases[i].pass, "dmarc pass for %s, case %zu",
		    cases[i].domain, i);
	}
	ok(!ar_authserv_id("a-very-long-authserv-id.example.com; x", id, 8),
	    "an authserv-id longer than the buffer is no authserv-id");
	ok(!ar_authserv_id("exactly8; x", id, 8),
	    "an id of exactly the buffer size does not fit (NUL)");
	ok(ar_authserv_id("exact67; x", id, 8) && strcmp(id, "exact67") == 0,
	    "an id that just fits is read");
	return tap_done();
}
