/*
 * test_pin.c - PIN extraction and redaction, as tables of cases.
 *
 * Each extraction case is {text, flags, expected candidates "a,b" or ""}
 * and prints one TAP line naming the text (escaped).  Then every text that
 * gave candidates is redacted with them and must give none afterwards.
 * Redaction has its own table {text, candidates, mask, expected text,
 * replacements}.  The last tests feed megabytes (digits, keywords, long
 * lines, too many PINs) and check the answers, not the time.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "pin/pin.h"
#include "tap.h"

#define B	PIN_EXTRACT_BARE_LINE
#define X(in, want)	{ in, sizeof(in) - 1, 0, want }
#define XB(in, want)	{ in, sizeof(in) - 1, B, want }
#define RX	PIN_EXTRACT_REDACT
#define XR(in, want)	{ in, sizeof(in) - 1, RX, want }

/* Unicode forms of 482913 (UTF-8). */
#define FW482	"\xef\xbc\x94\xef\xbc\x98\xef\xbc\x92"	/* full-width */
#define FW913	"\xef\xbc\x99\xef\xbc\x91\xef\xbc\x93"
#define FW0	"\xef\xbc\x90"
#define CIRC	"\xe2\x91\xa3\xe2\x91\xa7\xe2\x91\xa1" \
		"\xe2\x91\xa8\xe2\x91\xa0\xe2\x91\xa2"		/* circled */
#define SUPER	"\xe2\x81\xb4\xe2\x81\xb8\xc2\xb2" \
		"\xe2\x81\xb9\xc2\xb9\xc2\xb3"		/* superscript */
#define ARABIC	"\xd9\xa4\xd9\xa8\xd9\xa2\xd9\xa9\xd9\xa1\xd9\xa3"
#define MATH	/* mathematical bold */ \
		"\xf0\x9d\x9f\x92\xf0\x9d\x9f\x96\xf0\x9d\x9f\x90" \
		"\xf0\x9d\x9f\x97\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x91"

struct xcase {
	const char	*in;
	size_t		 len;
	unsigned	 flags;
	const char	*want;
};

static const struct xcase xcases[] = {
	/* keyword spellings and casings */
	X("PIN 482913", "482913"),
	X("pin 482913", "482913"),
	X("Pin: 482913", "482913"),
	X("PIN:482913", "482913"),
	X("PIN code 482913", "482913"),
	X("PIN code: 482913", "482913"),
	X("Pin Code : 482913", "482913"),
	X("PIN number 482913", "482913"),
	X("PIN number is 482913", "482913"),
	X("pin no 482913", "482913"),
	X("pin no. 482913", "482913"),
	X("PIN No: 482913", "482913"),
	X("PIN nr. 482913", "482913"),
	X("PIN num 482913", "482913"),
	X("PIN n\xc2\xb0 482913", "482913"),		/* n° */
	X("PIN n\xc2\xba 482913", "482913"),		/* nº -> no */
	X("PIN#482913", "482913"),
	X("PIN# 482913", "482913"),
	X("PIN #482913", "482913"),
	X("PIN # 482913", "482913"),
	X("my PIN is 482913", "482913"),
	X("My pin is: 482913", "482913"),
	X("MY PIN IS 482913", "482913"),
	X("my PIN was 482913", "482913"),
	X("our PIN is 482913", "482913"),
	X("The PIN is 482913.", "482913"),
	X("PIN code is: 482913", "482913"),
	X("PIN = 482913", "482913"),
	X("PIN=482913", "482913"),
	X("PIN - 482913", "482913"),
	X("PIN-482913", "482913"),
	X("PIN \xe2\x80\x93 482913", "482913"),		/* en dash */
	X("PIN => 482913", "482913"),
	X("(PIN) 482913", "482913"),
	X("support PIN: 482913", "482913"),
	X("Support PIN 482913", "482913"),
	X("customer PIN 482913", "482913"),
	X("my account PIN is 482913", "482913"),
	X("PINCODE 482913", "482913"),
	X("pincode: 482913", "482913"),
	X("PINs: 482913", "482913"),
	X("My PIN's 482913", "482913"),
	X("PIN: it's 482913", "482913"),
	X("PIN code number is my 482913", "482913"),
	X("PIN: 000000", "000000"),
	X("PIN 999999", "999999"),
	X("PIN: 123045", "123045"),	/* six digits a time could be: a PIN */
	/* French */
	X("NIP 482913", "482913"),
	X("nip: 482913", "482913"),
	X("code NIP 482913", "482913"),
	X("Mon NIP est 482913", "482913"),
	X("mon nip est : 482913", "482913"),
	X("NIP : 482 913", "482913"),
	X("voici mon code PIN: 482-913", "482913"),
	X("Mon code NIP est le 482913", "482913"),
	X("C'est mon NIP : 482913", "482913"),
	X("Le NIP est 482913", "482913"),
	X("code PIN 482913", "482913"),
	X("num\xc3\xa9ro PIN 482913", "482913"),	/* numéro */
	X("Num\xc3\xa9ro PIN : 482913", "482913"),
	X("PIN num\xc3\xa9ro 482913", "482913"),
	X("PIN nume\xcc\x81ro 482913", "482913"),	/* NFD é */
	X("PIN numero 482913", "482913"),
	X("NIP de 482913", "482913"),
	X("votre NIP: 482913", "482913"),
	/* Swedish, Danish, Norwegian, German connectors */
	X("PIN \xc3\xa4r 482913", "482913"),		/* sv: PIN är */
	X("Min PIN \xc3\xa4r 482913.", "482913"),
	X("PIN-kod: 482913", "482913"),
	X("PIN er 482913", "482913"),			/* da, no */
	X("PIN-koden min er 482913", "482913"),
	X("Min PIN-kode er: 482913", "482913"),
	X("PIN lautet 482913", "482913"),		/* de */
	X("Meine PIN lautet: 482913", "482913"),
	X("Meine PIN ist 482913", "482913"),
	X("PIN-Nummer 482913", "482913"),
	X("PIN-Nummer: 482913", "482913"),
	X("482913 \xc3\xa4r min PIN", "482913"),
	X("482913 er min PIN", "482913"),
	X("PIN \xc3\xa4r inte 482913", ""),		/* "not" is no filler */
	X("PIN ist nicht 482913", ""),
	X("PIN er ikke 482913", ""),
	/* the digits before the keyword */
	X("482913 is my PIN", "482913"),
	X("482913 (PIN)", "482913"),
	X("482913 est mon NIP", "482913"),
	X("482913 - PIN", "482913"),
	X("482913 is my support PIN", "482913"),
	X("482913 is my account PIN", "482913"),
	X("482913, my PIN", "482913"),
	X("482913 = PIN", "482913"),
	X("482913 PIN", "482913"),
	X("482 913 is my PIN", "482913"),
	X("482913 is not my PIN", ""),
	X("482913\nPIN", ""),
	X("482913 for the PIN", ""),
	/* punctuation, bold, quotes around */
	X("PIN: *482913*", "482913"),
	X("PIN: **482913**", "482913"),
	X("PIN: _482913_", "482913"),
	X("PIN: \"482913\"", "482913"),
	X("PIN: '482913'", "482913"),
	X("PIN: `482913`", "482913"),
	X("PIN: \xe2\x80\x9c" "482913\xe2\x80\x9d", "482913"),	/* curly */
	X("PIN: \xc2\xab 482913 \xc2\xbb", "482913"),		/* « » */
	X("PIN (482913)", "482913"),
	X("PIN [482913]", "482913"),
	X("PIN: 482913.", "482913"),
	X("PIN: 482913, thanks", "482913"),
	X("PIN: 482913!", "482913"),
	X("PIN: 482913?", "482913"),
	X("PIN: 482913;", "482913"),
	X("PIN: 482913 (case 100042)", "482913"),
	X("PIN:\t482913", "482913"),
	X("PIN:      482913", "482913"),
	X("PIN                              482913", ""),	/* gap > 24 */
	X("PIN is is is is is 482913", ""),		/* too many fillers */
	/* line breaks */
	X("PIN:\n482913", "482913"),
	X("PIN:\r\n482913", "482913"),
	X("Here is my PIN\n482913\n", "482913"),
	X("PIN:\n\n482913", "482913"),
	X("PIN:\n\n\n482913", "482913"),	/* two blank lines */
	X("PIN:\n\n\n\n482913", ""),
	X("PIN\n\nThanks,\nJohn\n482913", ""),
	/* digits split */
	X("PIN 482 913", "482913"),
	X("PIN 482-913", "482913"),
	X("PIN 482.913", "482913"),
	X("PIN 4 8 2 9 1 3", "482913"),
	X("PIN 48 29 13", "482913"),
	X("PIN 48-29-13", "482913"),
	X("PIN 48.29.13", ""),			/* a date: 29.11.26 */
	X("PIN 4.8.2.9.1.3", "482913"),
	X("PIN 4829 13", ""),
	X("PIN 48-2913", ""),
	X("PIN 482 - 913", ""),
	X("PIN 482  913", ""),
	X("PIN 482/913", ""),
	X("PIN 482,913", ""),
	X("PIN 482:913", ""),
	X("PIN 482'913", ""),
	X("PIN 4-8-2-9-1-3", "482913"),
	/* shapes people write: candidates, or (below, XR) only redacted */
	X("PIN-Nummer 482913", "482913"),
	X("Meine PIN-Nummer: 482913", "482913"),
	X("Meine PIN ist 482913", "482913"),
	X("PIN, 482913", ""),
	X("PINs: 111111, 222222, 482913", "111111"),
	X("PINs: 111111 and 482913", "111111"),
	X("PIN \xe2\x86\x92 482913", ""),	/* an arrow */
	X("PIN 482\xe2\x80\x94" "913", "482913"),	/* em dash */
	/* what redaction takes out besides the candidates (anchored) */
	XR("PIN 482,913", "482913"),
	XR("PIN 482'913", "482913"),
	XR("PIN 482/913", "482913"),
	XR("PIN 482  913", "482913"),
	XR("PIN 482 - 913", "482913"),
	XR("PIN 48.29.13", "482913"),
	XR("PIN 482_913", "482913"),
	XR("PIN 482\xc2\xb7" "913", "482913"),	/* middle dot */
	XR("PIN, 482913", "482913"),
	XR("PIN. 482913", "482913"),
	XR("PIN \xe2\x86\x92 482913", "482913"),
	XR("PIN\n\n\n\n\n482913", "482913"),
	XR("PINs: 111111, 222222, 482913", "111111,222222,482913"),
	XR("PINs: 111111 and 482913", "111111,482913"),
	XR("NIP : 111111 ou 482913", "111111,482913"),
	XR("PIN 482913.pdf", "482913"),
	XR("see https://x.example/?pin=482913", "482913"),
	XR("PIN https://x.example/?pin=482913", "482913"),
	XR("PIN 48 29 13", "482913"),
	XR("482913 is my PIN", "482913"),
	XR("PIN for case 482913", ""),
	XR("case 482913", ""),
	XR("482913", ""),
	XR("PIN 4829133", ""),
	XR("PIN 111111, 2222222", "111111"),
	XR("PIN\n\n\n\n\n\n\n482913", ""),
	X("PIN 482 913-1", ""),
	X("PIN 482913 555 0199", ""),
	/* NFKC and other Unicode */
	X("PIN " FW482 FW913, "482913"),
	X("\xef\xbc\xb0\xef\xbc\xa9\xef\xbc\xae 482913", "482913"), /* wide */
	X("PIN\xef\xbc\x9a" FW482 " " FW913, "482913"),	/* full-width : */
	X("PIN 482\xc2\xa0" "913", "482913"),		/* NBSP */
	X("PIN\xc2\xa0" "482913", "482913"),
	X("PIN 482\xe2\x80\x89" "913", "482913"),	/* thin space */
	X("PIN 482\xe2\x80\xaf" "913", "482913"),	/* narrow NBSP */
	X("PIN 482\xe2\x80\x91" "913", "482913"),	/* no-break hyphen */
	X("PIN 482\xc2\xad" "913", "482913"),		/* soft hyphen */
	X("PIN 482\xe2\x80\x8b" "913", "482913"),	/* zero-width space */
	X("PIN " MATH, "482913"),
	X("PIN " ARABIC, "482913"),
	X("PIN " CIRC, "482913"),
	X("PIN " SUPER, "482913"),
	X("PIN " FW482 FW913 FW0, ""),			/* 7 digits */
	X("PIN " FW482 "-" FW913, "482913"),
	/* decoys alone */
	X("482913", ""),
	X("Call me at 482913", ""),
	X("case 482913", ""),
	X("order #482913", ""),
	X("invoice 482913", ""),
	X("account number 482913", ""),
	X("ticket 482913", ""),
	X("commande 482913", ""),
	X("facture 482913", ""),
	X("dossier 482913", ""),
	X("compte 482913", ""),
	X("ext. 482913", ""),
	X("x482913", ""),
	X("poste 482913", ""),
	X("$482,913.00", ""),
	X("482 913 \xe2\x82\xac", ""),
	X("482913 EUR", ""),
	X("USD 482913", ""),
	X("+1 415 555 0199", ""),
	X("(415) 555-0199", ""),
	X("415.555.0199", ""),
	X("+33 6 12 34 56 78", ""),
	X("2026-11-29", ""),
	X("29/11/2026", ""),
	X("20261129", ""),
	X("12:30:45", ""),
	X("192.168.100.200", ""),
	X("version 4.8.2913", ""),
	X("postal code 482913", ""),
	X("https://example.com/482913", ""),
	X("482913@example.com", ""),
	/* decoys near the keyword */
	X("PIN for case 482913", ""),
	X("PIN reset for order #482913", ""),
	X("PIN 12345", ""),
	X("PIN 1234567", ""),
	X("PIN 4829130", ""),
	X("PIN: 12345 6", ""),
	X("PIN: +1 415 555 0199", ""),
	X("PIN: (415) 555-0199", ""),
	X("PIN 415.555.0199", ""),
	X("PIN +33 6 12 34 56 78", ""),
	X("PIN +482913", ""),
	X("PIN 2026-11-29", ""),
	X("PIN 29/11/2026", ""),
	X("PIN 29.11.26", ""),
	X("PIN 20261129", ""),
	X("PIN 12:30:45", ""),
	X("PIN $482,913.00", ""),
	X("PIN $482913", ""),
	X("PIN 482913 \xe2\x82\xac", ""),
	X("PIN 482913\xe2\x82\xac", ""),
	X("PIN \xe2\x82\xac" "482913", ""),
	X("PIN 482 913 EUR", ""),
	X("PIN 482913 USD", ""),
	X("PIN 482913 euros", ""),
	X("PIN 482913%", ""),
	X("PIN 482913.00", ""),
	X("PIN ext. 482913", ""),
	X("PIN x482913", ""),
	X("PIN poste 482913", ""),
	X("PIN 192.168.100.200", ""),
	X("PIN 10.48.29.13", ""),
	X("PIN v482913", ""),
	X("PIN version 482913", ""),
	X("PIN 482913.pdf", ""),
	X("PIN 482913th", ""),
	X("PIN code postal 482913", ""),
	X("PIN zip 482913", ""),
	X("see https://example.com/?pin=482913", ""),
	X("https://example.com/pin/482913", ""),
	X("pin-482913@example.com", ""),
	X("mail me: <pin.482913@example.com>", ""),
	X("www.pin.example/482913", ""),
	X("PIN case 482913", ""),
	X("PIN invoice 482913", ""),
	X("PIN account 482913", ""),
	X("PIN ticket #482913", ""),
	X("PIN tracking number 482913", ""),
	X("PIN reference 482913", ""),
	X("NIP commande 482913", ""),
	X("NIP facture 482913", ""),
	X("NIP dossier 482913", ""),
	X("NIP compte 482913", ""),
	X("case 482913 PIN", ""),
	X("order #482913 (PIN)", ""),
	X("Invoice 482913 is my PIN", ""),
	X("Tel: 482913 PIN", ""),
	X("PIN 1: 482913", ""),
	X("I forgot my PIN. 482913 is the order", ""),
	X("If you need a PIN, 555123 is the extension", ""),
	X("at 12:30 my PIN 482913", "482913"),
	/* the keyword is a whole word */
	X("spinning 482913", ""),
	X("pineapple 482913", ""),
	X("pinned 482913", ""),
	X("snip 482913", ""),
	X("opinion 482913", ""),
	X("PINNED: 482913", ""),
	X("xPIN 482913", ""),
	X("PIN482913", ""),
	X("PIN2 482913", ""),
	/* several values */
	X("PIN 482913 and again PIN 482913", "482913"),
	X("PIN 111111 or maybe PIN 222222", "111111,222222"),
	X("PIN 222222 then PIN 111111 then PIN 222222", "222222,111111"),
	X("My old PIN was 111111, new PIN is 222222", "111111,222222"),
	X("482913 is my PIN. PIN 482913", "482913"),
	X("PIN: 482913\nNIP: 654321", "482913,654321"),
	X("PIN 482913, or 482 913", "482913"),
	X("PINs 111111 and 222222", "111111"),
	X("PIN 482913 PIN 482 913 PIN 482-913", "482913"),
	X("My PIN is 482913 and my order is 654321", "482913"),
	/* a line of six digits, with and without the flag */
	XB("482913", "482913"),
	XB("  482913  ", "482913"),
	XB("\t482913\t", "482913"),
	XB("482 913", "482913"),
	XB("482-913", "482913"),
	XB("482.913", ""),
	XB("4 8 2 9 1 3", ""),
	XB("Hello\n482913\nThanks", "482913"),
	XB("Hello\r\n482913\r\nThanks", "482913"),
	XB("482913.", ""),
	XB("*482913*", ""),
	XB("Call 482913", ""),
	XB("48291", ""),
	XB("4829130", ""),
	XB("482913 482913", ""),
	XB("+482913", ""),
	XB("Case:\n482913", ""),
	XB("Hello\n\n482913\n\nTel: 415 555 0199", "482913"),
	XB("PIN 111111\n222222", "111111,222222"),
	X("Hello\n482913", ""),
	X("482 913", ""),
	/* signatures, HTML leftovers */
	X("Hi, please add a user.\nMy PIN: 482913\n\nJohn Smith\n"
	    "Tel: +1 415 555 0199\nMobile: 06 12 34 56 78", "482913"),
	X("Thanks\nJane Doe | ACME\nPhone (415) 555-0199 ext. 482913\n", ""),
	X("Regards,\nPaul\n+33 6 12 34 56 78\n75008 Paris", ""),
	X("PIN: 482913\n+1 415 555 0199", "482913"),
	X("PIN: <b>482913</b>", "482913"),
	X("<p>PIN: 482913</p>", "482913"),
	X("PIN:&nbsp;482913", "482913"),
	X("PIN&#160;482913", "482913"),
	X("<strong>PIN</strong> <strong>482913</strong>", "482913"),
	X("PIN:<br>482913", "482913"),
	X("PIN:<br />482913", "482913"),
	X("PIN: <span style=\"x\">482913</span>", ""),
	X("PIN <abcdefghij>482913", "482913"),	/* a tag: 10 letters */
	X("PIN <abcdefghijk>482913", ""),	/* 11: not a tag */
	X("PIN &amp; 482913", ""),		/* not a space entity */
	X("PIN 482\xe1\x9a\x80" "913", "482913"),	/* Ogham space: NFKC keeps it */
	/* start, end, empty */
	X("", ""),
	X("PIN", ""),
	X("PIN:", ""),
	X("482913 PIN 111111", "482913,111111"),
	/* invalid UTF-8 and NUL bytes */
	X("PIN: 482913 \xff\xfe", "482913"),
	X("\xffPIN 482913", "482913"),
	X("PIN \xff 482913", ""),
	X("PIN 482\xff" "913", ""),
	X("\xc3\x28 PIN 482913", "482913"),
	X("PIN: 482913\0 trailing", "482913"),
	X("PIN\0482913", ""),
	X("\xc0\xafPIN 482913\xed\xa0\x80", "482913"),
	X("PIN\x0b" "482913", "482913"),		/* VT: a line break */
	X("PIN: 482913\x01", "482913"),
	/* subjects */
	X("Re: [Case #100042] PIN 482913", "482913"),
	X("[Case #100042] Add a user", ""),
	X("Add user - PIN 482913", "482913"),
};

/* TEXT made printable for a TAP description ('#' would start a directive). */
static const char *
esc(const char *s, size_t len)
{
	static char buf[256];
	size_t i, o = 0;

	for (i = 0; i < len && o + 8 < sizeof buf; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\n");
		else if (c == '\r')
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\r");
		else if (c == '\t')
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\t");
		else if (c < 0x20 || c >= 0x7f || c == '#' || c == '\\')
			o += (size_t)snprintf(buf + o, sizeof buf - o,
			    "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (i < len)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "...");
	buf[o] = '\0';
	return buf;
}

static const char *
joined(const struct pin_candidates *c)
{
	static char buf[PIN_MAX_FOUND * PIN_BUF + 1];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < c->n; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s",
		    i ? "," : "", c->v[i]);
	return buf;
}

/* Does A hold any value of B? */
static bool
pin_has_any(const struct pin_candidates *a, const struct pin_candidates *b)
{
	size_t i, j;

	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			if (strcmp(a->v[i], b->v[j]) == 0)
				return true;
	return false;
}

static void
test_table(void)
{
	struct pin_candidates c, again;
	const struct xcase *x;
	size_t i, outlen;
	char *red;
	int rc;

	for (i = 0; i < G_N_ELEMENTS(xcases); i++) {
		x = &xcases[i];
		rc = pin_extract(x->in, x->len, x->flags, &c);
		is_str(rc < 0 ? "(error)" : joined(&c), x->want,
		    "extract%s \"%s\"", x->flags & B ? " bare" :
		    x->flags & RX ? " to redact" : "",
		    esc(x->in, x->len));
		if (c.n == 0)
			continue;
		/* what was found is gone once redacted */
		red = pin_redact(x->in, x->len, &c, NULL, &outlen, NULL);
		rc = red ? pin_extract(red, outlen, x->flags, &again) : -1;
		ok(red != NULL && !pin_has_any(&again, &c),
		    "redacted leaves none of them \"%s\"", esc(x->in, x->len));
		g_free(red);
		pin_candidates_wipe(&c);
	}
}

/* --- redaction --- */

struct rcase {
	const char	*in;
	size_t		 len;
	const char	*cands;		/* "482913,111111" */
	const char	*mask;		/* NULL: the default */
	const char	*want;
	size_t		 wantlen;
	size_t		 nrep;
};

#define M	PIN_REDACT_MASK
#define R(in, cands, want, n) \
	{ in, sizeof(in) - 1, cands, NULL, want, sizeof(want) - 1, n }
#define RM(in, cands, mask, want, n) \
	{ in, sizeof(in) - 1, cands, mask, want, sizeof(want) - 1, n }

static const struct rcase rcases[] = {
	R("PIN 482913", "482913", "PIN " M, 1),
	R("PIN 482 913", "482913", "PIN " M, 1),
	R("PIN 482-913", "482913", "PIN " M, 1),
	R("PIN 482.913", "482913", "PIN " M, 1),
	R("PIN 4 8 2 9 1 3", "482913", "PIN " M, 1),
	R("PIN 48 29 13", "482913", "PIN " M, 1),
	R("PIN 482\xc2\xa0" "913.", "482913", "PIN " M ".", 1),
	R("PIN 482\xe2\x80\x89" "913", "482913", "PIN " M, 1),
	R("PIN 482\xe2\x80\x93" "913", "482913", "PIN " M, 1),
	R("PIN 482\xc2\xad" "913", "482913", "PIN " M, 1),
	R("PIN " FW482 FW913 "!", "482913", "PIN " M "!", 1),
	R("PIN " FW482 " " FW913, "482913", "PIN " M, 1),
	R("PIN " MATH ".", "482913", "PIN " M ".", 1),
	R("PIN " SUPER, "482913", "PIN " M, 1),
	R("PIN " CIRC, "482913", "PIN " M, 1),
	R("PIN " ARABIC, "482913", "PIN " M, 1),
	R("Re: [Case #100042] PIN 482913", "482913",
	    "Re: [Case #100042] PIN " M, 1),
	R("482913 and 482 913 and 482-913.", "482913",
	    M " and " M " and " M ".", 3),
	R("*482913*", "482913", "*" M "*", 1),
	R("x482913y", "482913", "x" M "y", 1),
	R("482913-482913", "482913", M "-" M, 2),
	R("111111 482913", "482913,111111", M " " M, 2),
	R("111 111 111", "111111", M, 1),
	R("4 8 2 9 1 3 4", "482913", M " 4", 1),
	/* never a part of a longer run */
	R("1482913", "482913", "1482913", 0),
	R("4829130", "482913", "4829130", 0),
	R("482913482913", "482913", "482913482913", 0),
	R("482 9130", "482913", "482 9130", 0),
	R("1482 913", "482913", "1482 913", 0),
	R("48 2913", "482913", "48 2913", 0),
	/* up to three joiners of one kind, any joiner: redaction takes out
	 * more than extraction finds */
	R("482  913", "482913", M, 1),
	R("482/913", "482913", M, 1),
	R("482 - 913", "482913", M, 1),
	R("48, 29, 13", "482913", M, 1),
	R("482    913", "482913", "482    913", 0),
	R("482 -/ 913", "482913", "482 -/ 913", 0),
	R("9 48 29", "482913", "9 48 29", 0),	/* 2+2+2 needs three pairs */
	R("1 48 29 13", "482913", "1 " M, 1),
	R("PIN 482\xe1\x9a\x80" "913", "482913", "PIN " M, 1),
	R("PIN 654321", "482913", "PIN 654321", 0),
	/* bytes around kept exactly */
	R("\xff" "482913\xfe", "482913", "\xff" M "\xfe", 1),
	R("a\0 482913 b", "482913", "a\0 " M " b", 1),
	R("482\xff" "913", "482913", "482\xff" "913", 0),
	R("", "482913", "", 0),
	R("no digits here", "482913", "no digits here", 0),
	R("PIN 482913", "", "PIN 482913", 0),
	/* the mask, exactly */
	RM("PIN 482913.", "482913", "XX", "PIN XX.", 1),
	RM("PIN 482913.", "482913", "", "PIN .", 1),
	RM("482 913/482913", "482913", "[***]", "[***]/[***]", 2),
};

static void
cands_from(struct pin_candidates *c, const char *list)
{
	const char *p = list;

	memset(c, 0, sizeof *c);
	while (*p != '\0' && c->n < PIN_MAX_FOUND) {
		memcpy(c->v[c->n], p, PIN_DIGITS);
		c->v[c->n++][PIN_DIGITS] = '\0';
		p += PIN_DIGITS;
		if (*p == ',')
			p++;
	}
}

static void
test_redact_table(void)
{
	struct pin_candidates c;
	const struct rcase *r;
	size_t i, outlen, nrep;
	char *out;

	for (i = 0; i < G_N_ELEMENTS(rcases); i++) {
		r = &rcases[i];
		cands_from(&c, r->cands);
		outlen = nrep = 999;
		out = pin_redact(r->in, r->len, &c, r->mask, &outlen, &nrep);
		ok(out != NULL && outlen == r->wantlen &&
		    memcmp(out, r->want, r->wantlen) == 0 &&
		    out[outlen] == '\0',
		    "redact [%s] \"%s\"", r->cands, esc(r->in, r->len));
		if (out != NULL && (outlen != r->wantlen ||
		    memcmp(out, r->want, r->wantlen) != 0))
			printf("#   got \"%s\"\n", esc(out, outlen));
		is_int(nrep, r->nrep, "redact count [%s] \"%s\"", r->cands,
		    esc(r->in, r->len));
		g_free(out);
	}
}

/* --- the API edges --- */

static void
test_api(void)
{
	struct pin_candidates c;
	size_t outlen = 1, n = 1;
	char *out;

	is_int(pin_extract(NULL, 0, 0, &c), 0, "extract NULL, 0 bytes: none");
	is_int(pin_extract(NULL, 3, 0, &c), -1, "extract NULL, 3 bytes: error");
	is_int(pin_extract("PIN 482913", 10, 0, NULL), -1,
	    "extract into NULL: error");
	is_int(pin_extract("PIN 482913 tail", 10, 0, &c), 1,
	    "extract reads only LEN bytes");
	is_int(pin_extract("PIN 482913", 9, 0, &c), 0,
	    "extract stops at LEN (5 digits)");
	pin_extract("PIN 482913", 10, 0, &c);
	pin_candidates_wipe(&c);
	ok(c.n == 0 && !c.overflow && memchr(c.v, '4', sizeof c.v) == NULL,
	    "wipe zeroes the candidates");
	pin_candidates_wipe(NULL);
	ok(1, "wipe(NULL) does nothing");

	out = pin_redact(NULL, 0, NULL, NULL, &outlen, &n);
	ok(out != NULL && outlen == 0 && n == 0 && out[0] == '\0',
	    "redact NULL, 0 bytes: empty string");
	g_free(out);
	out = pin_redact(NULL, 2, NULL, NULL, NULL, NULL);
	ok(out == NULL, "redact NULL, 2 bytes: error");
	out = pin_redact("PIN 482913", 10, NULL, NULL, &outlen, NULL);
	ok(out != NULL && outlen == 10 && strcmp(out, "PIN 482913") == 0,
	    "redact with no candidates copies");
	g_free(out);
}

/* --- many candidates --- */

static void
test_overflow(void)
{
	struct pin_candidates c;
	GString *s = g_string_new(NULL);
	unsigned i;

	for (i = 0; i < PIN_MAX_FOUND; i++)
		g_string_append_printf(s, "PIN %06u\n", 100000 + i);
	pin_extract(s->str, s->len, 0, &c);
	ok(c.n == PIN_MAX_FOUND && !c.overflow,
	    "%d PINs: all kept, no overflow", PIN_MAX_FOUND);
	is_str(c.v[PIN_MAX_FOUND - 1], "100031", "%d PINs: last kept in order",
	    PIN_MAX_FOUND);
	g_string_append(s, "PIN 100000 PIN 100031\n");
	pin_extract(s->str, s->len, 0, &c);
	ok(c.n == PIN_MAX_FOUND && !c.overflow, "repeats do not overflow");
	g_string_append(s, "PIN 999999\n");
	pin_extract(s->str, s->len, 0, &c);
	ok(c.n == PIN_MAX_FOUND && c.overflow, "%d distinct PINs: overflow",
	    PIN_MAX_FOUND + 1);
	is_str(c.v[0], "100000", "overflow keeps the first ones");
	g_string_free(s, TRUE);
}

/* --- merging the candidates of several texts --- */

static void
test_merge(void)
{
	struct pin_candidates a, b;
	unsigned i;

	cands_from(&a, "482913,111111");
	cands_from(&b, "111111,222222,482913");
	pin_candidates_merge(&a, &b);
	is_str(joined(&a), "482913,111111,222222",
	    "merge: distinct values, in order of first appearance");
	ok(!a.overflow, "merge: no overflow");
	cands_from(&b, "");
	b.overflow = true;
	pin_candidates_merge(&a, &b);
	ok(a.n == 3 && a.overflow, "merge: an overflow is carried over");

	memset(&a, 0, sizeof a);
	for (i = 0; i < PIN_MAX_FOUND; i++) {
		snprintf(a.v[i], PIN_BUF, "%06u", 100000 + i);
		a.n++;
	}
	cands_from(&b, "100000,999999");
	pin_candidates_merge(&a, &b);
	ok(a.n == PIN_MAX_FOUND && a.overflow,
	    "merge into a full list: overflow");
	is_str(a.v[PIN_MAX_FOUND - 1], "100031", "merge into a full list: kept");
	cands_from(&a, "482913");
	cands_from(&b, "482913");
	pin_candidates_merge(&a, &b);
	ok(a.n == 1 && !a.overflow, "merge the same value: once");
	pin_candidates_wipe(&a);
	pin_candidates_wipe(&b);
}

/* --- large input: must finish and give the right answer --- */

static void
test_large(void)
{
	struct pin_candidates c;
	size_t i, big = 5u << 20, outlen, n, lines;
	GString *s;
	char *buf, *out;

	buf = g_malloc(big + 16);
	memcpy(buf, "PIN ", 4);
	memset(buf + 4, '4', big);
	is_int(pin_extract(buf, big + 4, B, &c), 0,
	    "PIN + 5 MB of digits: none");
	for (i = 0; i + 4 <= big; i += 4)
		memcpy(buf + i, "PIN ", 4);
	memcpy(buf + i, "482913", 6);
	is_int(pin_extract(buf, i + 6, 0, &c), 1,
	    "5 MB of \"PIN \", then digits: one");
	for (i = 0; i + 1 < big; i += 2)
		memcpy(buf + i, "1 ", 2);
	is_int(pin_extract(buf, big, B, &c), 0, "5 MB of \"1 \": none");
	memset(buf, 'a', big);
	memcpy(buf + 100000, " PIN 482913 ", 12);
	is_int(pin_extract(buf, big, 0, &c), 1,
	    "PIN inside a 5 MB word line: found");
	memset(buf, '<', big);
	is_int(pin_extract(buf, big, 0, &c), 0, "5 MB of '<': none");
	memset(buf, '@', big);
	is_int(pin_extract(buf, big, 0, &c), 0, "5 MB of '@': none");
	for (i = 0; i + 3 <= big; i += 3)
		memcpy(buf + i, "\xe2\x80\x8b", 3);	/* zero-width spaces */
	is_int(pin_extract(buf, big, 0, &c), 0,
	    "5 MB of zero-width spaces: none");
	g_free(buf);

	s = g_string_new(NULL);
	for (lines = 0; s->len < (10u << 20); lines++)
		g_string_append(s, "Hi, my PIN is 482 913 (case 100042).\n");
	is_int(pin_extract(s->str, s->len, B, &c), 1, "10 MB of one PIN: one");
	out = pin_redact(s->str, s->len, &c, NULL, &outlen, &n);
	ok(out != NULL && n == lines && strstr(out, "482 913") == NULL,
	    "10 MB redacted: every occurrence");
	g_free(out);
	g_string_truncate(s, 0);
	for (i = 0; i < 200000; i++)
		g_string_append_printf(s, "PIN %06zu ", i % 1000000);
	is_int(pin_extract(s->str, s->len, 0, &c), PIN_MAX_FOUND,
	    "200000 distinct PINs: %d kept", PIN_MAX_FOUND);
	ok(c.overflow, "200000 distinct PINs: overflow");
	g_string_free(s, TRUE);
}

int
main(void)
{
	test_table();
	test_redact_table();
	test_api();
	test_overflow();
	test_merge();
	test_large();
	return tap_done();
}
