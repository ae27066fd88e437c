/*
 * test_flowed.c - RFC 3676 format=flowed decoding, as a table.
 */
#include <string.h>

#include <glib.h>

#include "mail/flowed.h"
#include "tap.h"

static const struct {
	const char *in;
	int delsp;
	const char *out;
} cases[] = {
	{ "my PIN is 482 \r\n913, ok\r\nnext\r\n", 0, "my PIN is 482 913, ok\nnext\n" },
	{ "my PIN is 482\r\n913\r\n", 0, "my PIN is 482\n913\n" },
	{ "a \nb \nc\n\nd\n", 0, "a b c\n\nd\n" },
	{ "PIN 48 \n2913\n", 1, "PIN 482913\n" },
	{ "PIN 482 \n913\n", 0, "PIN 482 913\n" },
	{ ">q1 \n>q2\nnew \n>quoted\n", 0, "> q1 q2\nnew \n> quoted\n" },
	{ ">> deep \n>> still\n", 0, ">> deep still\n" },
	{ "-- \nsig\n", 0, "-- \nsig\n" },
	{ " From stuffed\n", 0, "From stuffed\n" },
	{ "  two spaces\n", 0, " two spaces\n" },
	{ "no newline at end", 0, "no newline at end\n" },
	{ "soft at end \n", 0, "soft at end \n" },
	{ "", 0, "" },
	{ "\n\n", 0, "\n\n" },
	{ "x \r\n\r\ny\r\n", 0, "x \ny\n" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *o = flowed_unflow(cases[i].in, strlen(cases[i].in),
		    cases[i].delsp);

		is_str(o, cases[i].out, "unflow case %zu", i);
		g_free(o);
	}
	{
		/* a long soft-wrapped paragraph: linear, exact length */
		GString *s = g_string_new("");
		char *o;
		int k;

		for (k = 0; k < 100000; k++)
			g_string_append(s, "word \n");
		o = flowed_unflow(s->str, s->len, 0);
		is_int(strlen(o), 100000 * 5 + 1, "100 000 soft lines join into one");
		g_free(o);
		g_string_free(s, TRUE);
	}
	return tap_done();
}
