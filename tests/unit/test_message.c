/*
 * test_message.c - message_parse_stream() and message_read(): MIME
 * structures, encodings, charsets, hostile input and limits, with exact
 * expected subject and author text; then every MimeKit fixture in
 * /work/shared/corpus/mimekit (or $PM_MIME_CORPUS), read in place.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "mail/message.h"
#include "tap.h"

#define CORPUS_DEFAULT "/work/shared/corpus/mimekit"

struct msg_case {
	const char *name;
	const char *raw;
	const char *subject;	/* NULL: none */
	const char *author;
	int html;
	unsigned n_parts;	/* author parts */
};

#define H "From: John <john@example.com>\nTo: support@example.com\n"
#define MV "MIME-Version: 1.0\n"
#define FW "\xef\xbc\x94\xef\xbc\x98\xef\xbc\x92\xef\xbc\x99\xef\xbc\x91\xef\xbc\x93"

static const struct msg_case cases[] = {
	{ "plain", H "Subject: Hello\n\nMy PIN is 482913\n",
	  "Hello", "My PIN is 482913", 0, 1 },
	{ "no subject", H "\nPIN 482913\n", NULL, "PIN 482913", 0, 1 },
	{ "crlf message", "From: a@example.com\r\nSubject: crlf\r\n\r\n"
	  "PIN 482913\r\n> old\r\n", "crlf", "PIN 482913", 0, 1 },
	{ "quotes cut", H "Subject: Re: case\n\nPIN 482913\n\nOn Mon, Jan 8, "
	  "2024 Support <s@example.com> wrote:\n> old 111111\n",
	  "Re: case", "PIN 482913", 0, 1 },
	{ "quoted-printable", H "Subject: qp\n" MV "Content-Type: text/plain; "
	  "charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
	  "Caf=C3=A9 PIN=3D482913 soft=\nbreak\n",
	  "qp", "Café PIN=482913 softbreak", 0, 1 },
	{ "base64", H "Subject: b64\n" MV "Content-Type: text/plain; charset="
	  "utf-8\nContent-Transfer-Encoding: base64\n\nUElOIDQ4MjkxMwo+IG9sZCAx"
	  "MTExMTEK\n", "b64", "PIN 482913", 0, 1 },
	{ "invalid base64", H "Subject: bad\n" MV "Content-Transfer-Encoding: "
	  "base64\n\n!!!!@@@@ UElOIDQ4MjkxMw== $$$\n", "bad", "PIN 482913", 0, 1 },
	{ "iso-8859-1", H "Subject: latin1\n" MV "Content-Type: text/plain; "
	  "charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
	  "Caf\xe9 cr\xe8me 482913\n", "latin1", "Café crème 482913", 0, 1 },
	{ "iso-8859-1 label, cp1252 bytes", H "Subject: x\n" MV "Content-Type: "
	  "text/plain; charset=ISO-8859-1\n\n\x93PIN\x94 482913\n",
	  "x", "“PIN” 482913", 0, 1 },
	{ "windows-1252", H "Subject: cp\n" MV "Content-Type: text/plain; "
	  "charset=windows-1252\n\n\x93PIN\x94 482913 \x80\n",
	  "cp", "“PIN” 482913 €", 0, 1 },
	{ "shift_jis", H "Subject: sjis\n" MV "Content-Type: text/plain; "
	  "charset=Shift_JIS\n\n\x88\xc3\x8f\xd8\x94\xd4\x8d\x86" " 482913\n",
	  "sjis", "暗証番号 482913", 0, 1 },
	{ "quoted-printable latin1", H "Subject: q\n" MV "Content-Type: "
	  "text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: "
	  "quoted-printable\n\nNIP =E0 482913\n", "q", "NIP à 482913", 0, 1 },
	{ "unknown charset", H "Subject: u\n" MV "Content-Type: text/plain; "
	  "charset=x-unknown-42\n\nPIN 482913 caf\xc3\xa9 bad\xff\n",
	  "u", "PIN 482913 café bad\xc3\xbf", 0, 1 },	/* 0xff: ÿ */
	{ "invalid utf-8", H "Subject: i\n" MV "Content-Type: text/plain; "
	  "charset=utf-8\n\nPIN \xc3\x28 482913\n",
	  "i", "PIN \xc3\x83( 482913", 0, 1 },	/* stray 0xc3: Ã */
	{ "utf-8 with a windows-1252 dash", H "Subject: d\n" MV "Content-Type: "
	  "text/plain; charset=utf-8\n\nPIN 482\x96" "913 caf\xc3\xa9\n",
	  "d", "PIN 482\xe2\x80\x93" "913 café", 0, 1 },
	{ "iso-8859-1 is windows-1252", H "Subject: w\n" MV "Content-Type: "
	  "text/plain; charset=ISO_8859-1\n\nPIN 482\x96" "913\n",
	  "w", "PIN 482\xe2\x80\x93" "913", 0, 1 },
	{ "us-ascii with UTF-8 full-width", H "Subject: a\n" MV "Content-Type: "
	  "text/plain; charset=us-ascii\n\nPIN " FW "\n",
	  "a", "PIN " FW, 0, 1 },
	{ "rfc2047 utf-8 B subject", H "Subject: =?UTF-8?B?TW9uIE5JUCA0ODI5MT"
	  "Mgw6k=?=\n\nbody\n", "Mon NIP 482913 é", "body", 0, 1 },
	{ "rfc2047 latin1 Q subject", H "Subject: =?iso-8859-1?Q?Caf=E9_PIN_"
	  "482913?=\n\nbody\n", "Café PIN 482913", "body", 0, 1 },
	{ "rfc2047 mixed subject", H "Subject: Re: =?UTF-8?B?SGFsbG8sIFBJTiA0"
	  "ODI5MTMgw6Q=?= [Case #7]\n\nx\n",
	  "Re: Hallo, PIN 482913 ä [Case #7]", "x", 0, 1 },
	{ "raw 8-bit subject", H "Subject: caf\xe9 482913\n\nx\n",
	  "café 482913", "x", 0, 1 },
	{ "alternative prefers plain", H "Subject: alt\n" MV "Content-Type: "
	  "multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: "
	  "text/plain; charset=utf-8\n\nplain 482913\n--b1\nContent-Type: "
	  "text/html; charset=utf-8\n\n<p>html 111111</p>\n--b1--\n",
	  "alt", "plain 482913", 0, 1 },
	{ "alternative html first", H "Subject: alt\n" MV "Content-Type: "
	  "multipart/alternative; boundary=b1\n\n--b1\nContent-Type: text/html"
	  "\n\n<p>html 111111</p>\n--b1\nContent-Type: text/plain\n\nplain "
	  "482913\n--b1--\n", "alt", "plain 482913", 0, 1 },
	{ "alternative without plain", H "Subject: alt\n" MV "Content-Type: "
	  "multipart/alternative; boundary=b1\n\n--b1\nContent-Type: text/"
	  "calendar\n\nBEGIN:VCALENDAR\n--b1\nContent-Type: text/html\n\n<p>"
	  "PIN <b>482</b>913</p>\n--b1--\n", "alt", "PIN 482913", 1, 1 },
	{ "html only", H "Subject: h\n" MV "Content-Type: text/html; charset="
	  "utf-8\n\n<p>PIN <b>482</b>913</p><blockquote>old 111111</blockquote>"
	  "\n", "h", "PIN 482913", 1, 1 },
	{ "html only, quote_cut after", H "Subject: h\n" MV "Content-Type: "
	  "text/html\n\n<div>PIN 482913</div><div>On Mon, Jan 8, 2024 Support "
	  "wrote:</div><div>old 111111</div>\n", "h", "PIN 482913", 1, 1 },
	{ "html latin1 qp", H "Subject: h\n" MV "Content-Type: text/html; "
	  "charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
	  "<html><head><meta charset=3D\"utf-8\"></head><body>NIP =E0 482913"
	  "</body></html>\n", "h", "NIP à 482913", 1, 1 },
	{ "alternative plain + related html", H "Subject: a\n" MV
	  "Content-Type: multipart/alternative; boundary=o\n\n--o\n"
	  "Content-Type: text/plain\n\nplain 482913\n--o\nContent-Type: "
	  "multipart/related; boundary=i\n\n--i\nContent-Type: text/html\n\n"
	  "<p>html</p>\n--i\nContent-Type: image/png\nContent-ID: <img1>\n\n"
	  "PNG\n--i--\n--o--\n", "a", "plain 482913", 0, 1 },
	{ "alternative of related html", H "Subject: a\n" MV "Content-Type: "
	  "multipart/alternative; boundary=o\n\n--o\nContent-Type: multipart/"
	  "related; boundary=i\n\n--i\nContent-Type: text/html\n\n<p>html "
	  "482913</p>\n--i\nContent-Type: image/png\n\nPNG\n--i--\n--o--\n",
	  "a", "html 482913", 1, 1 },
	{ "related start parameter", H "Subject: r\n" MV "Content-Type: "
	  "multipart/related; boundary=i; start=\"<root@x>\"\n\n--i\n"
	  "Content-Type: text/plain\nContent-ID: <other@x>\n\nnot root 111111"
	  "\n--i\nContent-Type: text/plain\nContent-ID: <root@x>\n\nroot "
	  "482913\n--i--\n", "r", "root 482913", 0, 1 },
	{ "mhtml image first", H "Subject: r\n" MV "Content-Type: multipart/"
	  "related; type=\"text/html\"; boundary=i\n\n--i\nContent-Type: "
	  "image/png\n\nPNG\n--i\nContent-Type: text/html\n\n<p>PIN 482913</p>"
	  "\n--i--\n", "r", "PIN 482913", 1, 1 },
	{ "attachment with filename ignored", H "Subject: m\n" MV "Content-Type:"
	  " multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\n"
	  "body 482913\n--m\nContent-Type: text/plain; name=\"notes.txt\"\n\n"
	  "PIN 111111\n--m--\n", "m", "body 482913", 0, 1 },
	{ "attachment disposition ignored", H "Subject: m\n" MV "Content-Type: "
	  "multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\n"
	  "body 482913\n--m\nContent-Type: text/plain\nContent-Disposition: "
	  "attachment\n\nPIN 111111\n--m--\n", "m", "body 482913", 0, 1 },
	{ "inline with filename ignored", H "Subject: m\n" MV "Content-Type: "
	  "multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\n"
	  "body 482913\n--m\nContent-Type: text/plain\nContent-Disposition: "
	  "inline; filename=\"log.txt\"\n\nPIN 111111\n--m--\n",
	  "m", "body 482913", 0, 1 },
	{ "html attachment ignored", H "Subject: m\n" MV "Content-Type: "
	  "multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\n"
	  "body 482913\n--m\nContent-Type: text/html; name=\"a.html\"\n\n"
	  "<p>111111</p>\n--m--\n", "m", "body 482913", 0, 1 },
	{ "two inline text parts", H "Subject: m\n" MV "Content-Type: "
	  "multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\n"
	  "first\n--m\nContent-Type: image/png\n\nPNG\n--m\nContent-Type: "
	  "text/plain\n\nsecond 482913\n--m--\n",
	  "m", "first\nsecond 482913", 0, 2 },
	{ "attached message ignored", H "Subject: fwd\n" MV "Content-Type: "
	  "multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\n"
	  "see attached 482913\n--m\nContent-Type: message/rfc822\n\nSubject: "
	  "inner\n\ninner PIN 111111\n--m--\n", "fwd", "see attached 482913",
	  0, 1 },
	{ "delivery report", H "Subject: bounce\n" MV "Content-Type: multipart/"
	  "report; report-type=delivery-status; boundary=r\n\n--r\nContent-Type:"
	  " text/plain\n\nhuman text\n--r\nContent-Type: message/delivery-"
	  "status\n\nStatus: 5.0.0 111111\n--r\nContent-Type: text/rfc822-"
	  "headers\n\nSubject: 222222\n--r--\n", "bounce", "human text", 0, 1 },
	{ "signed: content only", H "Subject: s\n" MV "Content-Type: multipart/"
	  "signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256; "
	  "boundary=s\n\n--s\nContent-Type: text/plain\n\nsigned 482913\n--s\n"
	  "Content-Type: text/plain\n\n-----BEGIN PGP SIGNATURE-----\n111111\n"
	  "--s--\n", "s", "signed 482913", 0, 1 },
	{ "encrypted: nothing", H "Subject: e\n" MV "Content-Type: multipart/"
	  "encrypted; protocol=\"application/pgp-encrypted\"; boundary=e\n\n"
	  "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\n"
	  "Content-Type: text/plain\n\n111111\n--e--\n", "e", "", 0, 0 },
	{ "calendar ignored", H "Subject: c\n" MV "Content-Type: text/calendar"
	  "\n\nDTSTART:20240108T101500\n", "c", "", 0, 0 },
	{ "NUL bytes", H "Subject: n\n\nPIN 482\0" "913\n",
	  "n", "PIN 482\xef\xbf\xbd" "913", 0, 1 },
	{ "unterminated multipart", H "Subject: t\n" MV "Content-Type: "
	  "multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\n"
	  "PIN 482913\n", "t", "PIN 482913", 0, 1 },
	{ "multipart without boundary", H "Subject: nb\n" MV "Content-Type: "
	  "multipart/mixed\n\nPIN 482913\n", "nb", "", 0, 0 },
	{ "missing body", H "Subject: empty\n", "empty", "", 0, 1 },
	{ "gmail reply", H "Subject: Re: [Case #100042]\n" MV "Content-Type: "
	  "multipart/alternative; boundary=\"000000000000a1b2\"\n\n"
	  "--000000000000a1b2\nContent-Type: text/plain; charset=\"UTF-8\"\n"
	  "Content-Transfer-Encoding: quoted-printable\n\nMy PIN is 482 913\n"
	  "\nOn Mon, Jan 8, 2024 at 10:15=E2=80=AFAM Support <support@example"
	  ".com>\nwrote:\n\n> Please send your PIN 111111\n\n"
	  "--000000000000a1b2\nContent-Type: text/html; charset=\"UTF-8\"\n\n"
	  "<div dir=3D\"ltr\">My PIN is 482 913</div>\n--000000000000a1b2--\n",
	  "Re: [Case #100042]", "My PIN is 482 913", 0, 1 },
};

static GMimeMessage *
parse(const char *raw, size_t len, struct message_text *t)
{
	GMimeStream *s;
	GMimeMessage *m;

	memset(t, 0, sizeof(*t));
	s = g_mime_stream_mem_new_with_buffer(raw, len);
	m = message_parse_stream(s, t);
	g_object_unref(s);
	return m;
}

static void
test_cases(void)
{
	struct message_limits lim = { 10, 100, 0 };
	struct message_text t;
	GMimeMessage *m;
	size_t i, len;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		len = strlen(cases[i].raw);
		if (strcmp(cases[i].name, "NUL bytes") == 0)
			len += 1 + strlen(cases[i].raw + len + 1);
		m = parse(cases[i].raw, len, &t);
		ok(m != NULL, "%s: parsed", cases[i].name);
		if (m == NULL)
			continue;
		is_int(message_read(m, &lim, &t), 0, "%s: read", cases[i].name);
		is_str(t.subject, cases[i].subject, "%s: subject", cases[i].name);
		is_str(t.author, cases[i].author, "%s: author", cases[i].name);
		is_int(t.html, cases[i].html, "%s: html flag", cases[i].name);
		is_int(t.n_author_parts, cases[i].n_parts, "%s: author parts",
		    cases[i].name);
		is_int(t.truncated, 0, "%s: not truncated", cases[i].name);
		message_text_clear(&t);
		g_object_unref(m);
	}
}

/* author_parts are the message's own leaf objects. */
static void
test_author_parts(void)
{
	static const char raw[] = H "Subject: m\n" MV "Content-Type: multipart/"
	    "mixed; boundary=m\n\n--m\nContent-Type: image/png\n\nPNG\n--m\n"
	    "Content-Type: text/plain\n\nbody 482913\n--m--\n";
	struct message_text t;
	GMimeMessage *m;
	GMimeObject *top;

	m = parse(raw, sizeof(raw) - 1, &t);
	ok(m != NULL && message_read(m, NULL, &t) == 0, "parts: read");
	if (m == NULL)
		return;
	top = g_mime_message_get_mime_part(m);
	is_int(t.n_author_parts, 1, "parts: one author part");
	ok(t.n_author_parts == 1 && GMIME_IS_MULTIPART(top) &&
	    (GMimeObject *)t.author_parts[0] ==
	    g_mime_multipart_get_part(GMIME_MULTIPART(top), 1),
	    "parts: it is the text/plain leaf");
	is_int(t.parts, 3, "parts: three objects walked");
	is_int(t.depth, 2, "parts: depth 2");
	message_text_clear(&t);
	ok(t.author == NULL && t.author_parts == NULL && t.n_author_parts == 0,
	    "clear: wiped");
	g_object_unref(m);
}

static void
test_warnings(void)
{
	static const char dup[] = "Subject: one\nSubject: two\n\nx\n";
	static const char nb[] = "Content-Type: multipart/mixed\n\nx\n";
	static const char clean[] = "Subject: s\n\nx\n";
	struct message_text t;
	GMimeMessage *m;

	m = parse(nb, sizeof(nb) - 1, &t);
	ok(t.critical && t.warnings >= 1, "warnings: multipart without "
	    "boundary is critical");
	g_object_unref(m);
	m = parse(dup, sizeof(dup) - 1, &t);
	ok(t.critical && t.warnings >= 1, "warnings: conflicting Subject is "
	    "critical");
	g_object_unref(m);
	m = parse(clean, sizeof(clean) - 1, &t);
	ok(!t.critical && t.warnings == 0, "warnings: clean message has none");
	g_object_unref(m);
	ok(message_parse_stream(NULL, &t) == NULL, "parse: NULL stream");
	is_int(message_read(NULL, NULL, &t), -1, "read: NULL message");
	message_text_clear(NULL);
	message_init();
	ok(1, "init: idempotent");
}

static GString *
nested(unsigned levels)
{
	GString *g = g_string_new(H "Subject: deep\n" MV);
	unsigned i;

	for (i = 0; i < levels; i++)
		g_string_append_printf(g, "Content-Type: multipart/mixed; "
		    "boundary=b%u\n\n--b%u\n", i, i);
	g_string_append(g, "Content-Type: text/plain\n\ndeep 482913\n");
	for (i = levels; i-- > 0;)
		g_string_append_printf(g, "--b%u--\n", i);
	return g;
}

static void
test_limits(void)
{
	struct message_limits lim = { 10, 100, 0 };
	struct message_text t;
	GMimeMessage *m;
	GString *g;
	char *line, *want;
	unsigned i;

	g = nested(60);
	m = parse(g->str, g->len, &t);
	ok(m != NULL && message_read(m, &lim, &t) == 0, "depth: read");
	is_int(t.truncated, 1, "depth: 60 levels, max 10: truncated");
	is_int(t.depth, 10, "depth: walked 10 levels");
	is_int(t.parts, 10, "depth: 10 objects walked");
	is_str(t.author, "", "depth: text below the cap not read");
	message_text_clear(&t);
	g_object_unref(m);
	g_string_free(g, TRUE);

	g = nested(5);
	m = parse(g->str, g->len, &t);
	ok(m != NULL && message_read(m, &lim, &t) == 0, "depth 5: read");
	is_int(t.truncated, 0, "depth 5: not truncated");
	is_str(t.author, "deep 482913", "depth 5: text read");
	message_text_clear(&t);
	g_object_unref(m);
	g_string_free(g, TRUE);

	g = g_string_new(H "Subject: many\n" MV "Content-Type: multipart/mixed;"
	    " boundary=p\n\n");
	for (i = 0; i < 50; i++)
		g_string_append_printf(g, "--p\nContent-Type: text/plain\n\n"
		    "part %u\n", i);
	g_string_append(g, "--p--\n");
	lim.max_parts = 10;
	m = parse(g->str, g->len, &t);
	ok(m != NULL && message_read(m, &lim, &t) == 0, "parts: read");
	is_int(t.parts, 10, "parts: capped at 10");
	is_int(t.truncated, 1, "parts: truncated");
	is_str(t.author, "part 0\npart 1\npart 2\npart 3\npart 4\npart 5\n"
	    "part 6\npart 7\npart 8", "parts: the first nine leaves read");
	is_int(t.n_author_parts, 9, "parts: nine author parts");
	message_text_clear(&t);
	g_object_unref(m);
	g_string_free(g, TRUE);
	lim.max_parts = 100;

	line = g_strnfill(100000, 'a');
	g = g_string_new(H "Subject: long\n\n");
	g_string_append_printf(g, "%s\nPIN 482913\n", line);
	want = g_strconcat(line, "\nPIN 482913", NULL);
	m = parse(g->str, g->len, &t);
	ok(m != NULL && message_read(m, &lim, &t) == 0, "long line: read");
	is_str(t.author, want, "long line: 100000 characters kept");
	message_text_clear(&t);
	lim.max_text = 1000;
	ok(message_read(m, &lim, &t) == 0, "long line: read, small cap");
	is_int(strlen(t.author), 1000, "long line: capped at max_text");
	is_int(t.truncated, 1, "long line: truncated");
	message_text_clear(&t);
	g_object_unref(m);
	g_string_free(g, TRUE);
	g_free(want);
	g_free(line);

	g = g_string_new(H "Subject: utf8\n" MV "Content-Type: text/plain; "
	    "charset=utf-8\n\n");
	for (i = 0; i < 1000; i++)
		g_string_append(g, "é");
	lim.max_text = 101;
	m = parse(g->str, g->len, &t);
	ok(m != NULL && message_read(m, &lim, &t) == 0, "utf-8 cap: read");
	is_int(strlen(t.author), 100, "utf-8 cap: cut on a character boundary");
	ok(g_utf8_validate(t.author, -1, NULL), "utf-8 cap: valid UTF-8");
	message_text_clear(&t);
	g_object_unref(m);
	g_string_free(g, TRUE);
}

static void
corpus_file(const char *path, struct message_limits *lim)
{
	struct message_text t;
	GMimeStream *s;
	GMimeMessage *m;
	const char *base = strrchr(path, '/') + 1;

	memset(&t, 0, sizeof(t));
	s = g_mime_stream_fs_open(path, O_RDONLY, 0, NULL);
	if (s == NULL) {
		ok(0, "corpus %s: open", base);
		return;
	}
	m = message_parse_stream(s, &t);
	g_object_unref(s);
	if (m == NULL) {
		/* GMime could not build a message: nothing to read */
		ok(1, "corpus %s: unparseable, no crash", base);
		return;
	}
	is_int(message_read(m, lim, &t), 0, "corpus %s: read", base);
	ok(t.parts <= lim->max_parts && t.depth <= lim->max_depth,
	    "corpus %s: within caps (%u parts, depth %u)", base, t.parts,
	    t.depth);
	ok(t.author != NULL && g_utf8_validate(t.author, -1, NULL) &&
	    strlen(t.author) <= lim->max_text, "corpus %s: valid author text",
	    base);
	message_text_clear(&t);
	g_object_unref(m);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_corpus(void)
{
	struct message_limits lim = { 10, 20, 64 * 1024 };
	const char *dir = getenv("PM_MIME_CORPUS");
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	struct dirent *de;
	DIR *d;
	guint i;

	if (dir == NULL)
		dir = CORPUS_DEFAULT;
	if ((d = opendir(dir)) == NULL) {
		printf("ok %d - corpus # SKIP %s not found\n", ++tap_n, dir);
		g_ptr_array_free(files, TRUE);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (g_str_has_suffix(de->d_name, ".txt") ||
		    g_str_has_suffix(de->d_name, ".eml"))
			g_ptr_array_add(files, g_build_filename(dir, de->d_name,
			    NULL));
	closedir(d);
	qsort(files->pdata, files->len, sizeof(char *), name_cmp);
	ok(files->len > 0, "corpus: %u files in %s", files->len, dir);
	for (i = 0; i < files->len; i++)
		corpus_file(files->pdata[i], &lim);
	g_ptr_array_free(files, TRUE);
}

int
main(void)
{
	message_init();
	test_cases();
	test_author_parts();
	test_warnings();
	test_limits();
	test_corpus();
	return tap_done();
}
