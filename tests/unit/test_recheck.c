/*
 * test_recheck.c - redaction and its post-condition on whole messages:
 * for each hostile placement, what redaction delivers shows no PIN
 * (recheck_delivered() == 0), and a forced miss -- the edits dropped,
 * only the header edits, only the new body -- is caught (> 0).  Also
 * the bytes a part's charset label gets wrong, empty parts (run under
 * the sanitizers by scripts/test), and the one decoding of mail/decode.c.
 */
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "filter/recheck.h"
#include "filter/redact.h"
#include "mail/decode.h"
#include "mail/hdrlist.h"
#include "mail/message.h"
#include "pin/pin.h"
#include "util/spool.h"
#include "tap.h"

#define H "From: Bob <bob@acme-dental.example>\nTo: support@example.com\n" \
	"Subject: hello\nMIME-Version: 1.0\n"
#define MIX "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
#define PLAIN "--b\nContent-Type: text/plain\n\nHello.\n"

struct rcase {
	const char *name;
	const char *raw;
	const char *cand;	/* the message's candidate, or "" */
};

static const struct rcase rcases[] = {
	{ "body", H "Content-Type: text/plain\n\nMy PIN is 482913.\n", "482913" },
	{ "latin1 dash", H "Content-Type: text/plain; charset=iso-8859-1\n"
	  "Content-Transfer-Encoding: 8bit\n\nMy PIN is 482\x96" "913.\n",
	  "482913" },
	{ "utf-8 label, 0x96", H "Content-Type: text/plain; charset=utf-8\n\n"
	  "PIN 482\x96" "913 caf\xc3\xa9\n", "482913" },
	{ "us-ascii, full width", H "Content-Type: text/plain; charset=us-ascii\n"
	  "\nPIN \xef\xbc\x94\xef\xbc\x98\xef\xbc\x92\xef\xbc\x99\xef\xbc\x91"
	  "\xef\xbc\x93\n", "482913" },
	{ "qp latin1", H "Content-Type: text/plain; charset=latin1\n"
	  "Content-Transfer-Encoding: quoted-printable\n\nPIN 482=96913\n",
	  "482913" },
	{ "thread-topic", "Thread-Topic: my PIN is 482913\n" H
	  "Content-Type: text/plain\n\nHello.\n", "" },
	{ "display name", "Cc: =?utf-8?Q?PIN_482913?= <c@example.com>\n" H
	  "Content-Type: text/plain\n\nHello.\n", "" },
	{ "encoded latin1 comments", "Comments: =?iso-8859-1?Q?PIN_482=96913?=\n"
	  H "Content-Type: text/plain\n\nHello.\n", "" },
	{ "attached message header", H MIX PLAIN "--b\nContent-Type: "
	  "message/rfc822\n\nSubject: PIN 482913\n\nold\n--b--\n", "" },
	{ "file name", H MIX PLAIN "--b\nContent-Type: application/pdf\n"
	  "Content-Disposition: attachment; filename=\"PIN 482913.pdf\"\n"
	  "Content-Transfer-Encoding: base64\n\nAAEC\n--b--\n", "" },
	{ "rfc 2231 file name", H MIX PLAIN "--b\nContent-Type: application/pdf\n"
	  "Content-Disposition: attachment; filename*=utf-8''PIN%20482913.pdf\n"
	  "\nx\n--b--\n", "" },
	{ "part description", H MIX PLAIN "--b\nContent-Type: text/plain\n"
	  "Content-Description: PIN 482913\n\nx\n--b--\n", "" },
	{ "html attribute entity", H "Content-Type: text/html\n\n<p title=\""
	  "PIN &#52;82913\">Hello</p>\n", "" },
	{ "html split", H "Content-Type: text/html\n\n<p>PIN <b>48</b>2913</p>\n",
	  "482913" },
	{ "empty text part", H MIX "--b\nContent-Type: text/plain\n\n\n--b\n"
	  "Content-Type: text/plain\n\nMy PIN is 482913.\n--b\n"
	  "Content-Type: text/html\n\n--b--\n", "482913" },
	{ "shape list", H "Content-Type: text/plain\n\nPINs: 111111, 222222, "
	  "482 - 913\n", "111111" },
};

struct run {
	struct hdrlist hl;
	struct spool *sp;
	GMimeMessage *m;
	struct pin_candidates c;
};

static void
run_open(struct run *r, const struct rcase *rc)
{
	size_t off = 0, len = strlen(rc->raw);
	GMimeStream *s;

	memset(r, 0, sizeof(*r));
	hdrlist_init(&r->hl);
	hdrlist_parse(&r->hl, rc->raw, len, &off);
	r->sp = spool_new(1 << 20, 1 << 22, "/tmp");
	(void)spool_append(r->sp, rc->raw + off, len - off);
	s = recheck_stream(&r->hl, r->sp, NULL, 0);
	r->m = message_parse_stream(s, NULL);
	g_object_unref(s);
	if (rc->cand[0] != '\0') {
		memcpy(r->c.v[0], rc->cand, PIN_BUF);
		r->c.n = 1;
	}
}

static void
run_close(struct run *r)
{
	if (r->m != NULL)
		g_object_unref(r->m);
	spool_free(r->sp);
	hdrlist_clear(&r->hl);
}

static void
test_case(const struct rcase *rc)
{
	struct run r;
	struct edits e, part;
	int n;
	size_t i;

	run_open(&r, rc);
	ok(r.m != NULL, "%s: parsed", rc->name);
	edits_init(&e);
	ok(recheck_delivered(&r.hl, r.sp, &e, &r.c) > 0,
	    "%s: a miss (no redaction) is caught", rc->name);
	n = redact_message(r.m, &r.c, &r.hl, true, false, &e);
	ok(n > 0, "%s: redacted (%d)", rc->name, n);
	is_int(recheck_delivered(&r.hl, r.sp, &e, &r.c), 0,
	    "%s: nothing left after redaction", rc->name);
	/* forced misses: only the header edits, or only the new body */
	if (e.body != NULL && e.n > 0) {
		edits_init(&part);
		/* the header edits but the Content-* ones, which describe
		 * the new body (a new transfer encoding would garble the old) */
		for (i = 0; i < e.n; i++)
			if (g_ascii_strncasecmp(e.v[i].name, "Content-", 8) != 0)
				edits_change(&part, e.v[i].name, e.v[i].index,
				    e.v[i].value);
		ok(recheck_delivered(&r.hl, r.sp, &part, &r.c) > 0,
		    "%s: a miss in the body is caught", rc->name);
		edits_clear(&part);
	}
	if (e.body != NULL && e.n == 0) {
		edits_init(&part);
		ok(recheck_delivered(&r.hl, r.sp, &part, &r.c) > 0,
		    "%s: the old body is caught", rc->name);
		edits_clear(&part);
	}
	if (e.body == NULL && e.n > 0) {
		edits_init(&part);
		edits_set_body(&part, NULL, 0);
		ok(recheck_delivered(&r.hl, r.sp, &part, &r.c) > 0,
		    "%s: a miss in the header is caught", rc->name);
		edits_clear(&part);
	}
	edits_clear(&e);
	run_close(&r);
}

struct dcase {
	const char *in, *charset, *want;
};

static void
test_decode(void)
{
	static const struct dcase d[] = {
		{ "482\x96" "913", "iso-8859-1", "482\xe2\x80\x93" "913" },
		{ "482\x96" "913", "ISO_8859-1", "482\xe2\x80\x93" "913" },
		{ "482\x96" "913", "utf-8", "482\xe2\x80\x93" "913" },
		{ "caf\xc3\xa9 \x96", "utf-8", "caf\xc3\xa9 \xe2\x80\x93" },
		{ "482\x96" "913", "us-ascii", "482\xe2\x80\x93" "913" },
		{ "482\x96" "913", NULL, "482\xe2\x80\x93" "913" },
		{ "482\x96" "913", "x-unknown-7", "482\xe2\x80\x93" "913" },
		{ "\x81", "windows-1252", "\xef\xbf\xbd" },
		{ "\xe9", "iso-8859-15", "\xc3\xa9" },
		{ "", "utf-8", "" },
	};
	static const struct dcase h[] = {
		{ "=?iso-8859-1?Q?PIN_482=96913?=", NULL, "PIN 482\xe2\x80\x93" "913" },
		{ "=?utf-8?B?UElOIDQ4MiA5MTM=?=", NULL, "PIN 482 913" },
		{ "=?utf-8?Q?a?= =?utf-8?Q?b?=", NULL, "ab" },
		{ "a =?utf-8?Q?b?= c", NULL, "a b c" },
		{ "=?utf-8?Q?=E2=80?= =?utf-8?Q?=93?=", NULL, "\xe2\x80\x93" },
		{ "our\n PIN is\n 482913", NULL, "our PIN is 482913" },
		{ "PIN 482\x96" "913", NULL, "PIN 482\xe2\x80\x93" "913" },
		{ "=?bogus?Q?x", NULL, "=?bogus?Q?x" },
	};
	size_t i;
	char *s;

	for (i = 0; i < G_N_ELEMENTS(d); i++) {
		s = decode_bytes(d[i].in, strlen(d[i].in), d[i].charset);
		is_str(s, d[i].want, "decode_bytes %zu (%s)", i,
		    d[i].charset ? d[i].charset : "none");
		g_free(s);
	}
	for (i = 0; i < G_N_ELEMENTS(h); i++) {
		s = decode_header(h[i].in);
		is_str(s, h[i].want, "decode_header %zu", i);
		g_free(s);
	}
	s = decode_bytes("a\0b", 3, "utf-8");
	is_str(s, "a\xef\xbf\xbd" "b", "decode_bytes: a NUL is U+FFFD");
	g_free(s);
	s = decode_bytes("a\0b", 3, "iso-8859-2");
	is_str(s, "a\xef\xbf\xbd" "b", "decode_bytes: a NUL is U+FFFD (iconv)");
	g_free(s);
}

int
main(void)
{
	size_t i;

	message_init();
	test_decode();
	for (i = 0; i < G_N_ELEMENTS(rcases); i++)
		test_case(&rcases[i]);
	return tap_done();
}
