/*
 * test_notice.c - notice templates and the messages built from them.
 *
 * Loads the shipped English and French templates, then a table of broken
 * template sets (each must fail with an exact "FILE:LINE: reason"),
 * builds every kind of notice and reads it back with GMime (headers,
 * encoded subject, decoded body, CRLF only, no header injection), and
 * queues one in a real store to check that it is sealed under the key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "case/casematch.h"
#include "core/config.h"
#include "mail/hdrlist.h"
#include "notice/notice.h"
#include "core/secret.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static struct secret_key *key;
static struct pm_config *cfg;

/* ---- loading ---- */

#define NGOOD	6

static const char *good[NGOOD][2] = {
	{ "case-created", "Subject: {{tag}} new case {{case}}\n\n"
	    "Hello {{name}} <{{email}}> of {{account}}: write to {{support}}.\n" },
	{ "verification-request", "Subject: {{tag}} confirm\n\nPIN please.\n"
	    "{{request_time}} \"{{request_subject}}\"\n" },
	{ "pin-delivery", "Subject: {{tag}} PIN\n\nYour PIN: {{pin}}\n" },
	{ "email-changed", "Subject: changed\n\n{{old_email}} -> {{new_email}}\n" },
	{ "account-locked", "Subject: {{tag}} locked until {{until}}\n\n"
	    "Locked until {{until}}.\n{{admins}}\n" },
	{ "pin-recently-sent", "Subject: {{tag}} sent {{sent}}\n\n"
	    "Sent {{sent}}, next {{until}}.\n{{admins}}\n" },
};

/* Write a full good set into DIR/LANG, with KIND replaced by TEXT (len LEN). */
static void
write_set(const char *lang, const char *kind, const char *text, size_t len)
{
	int i;

	(void)mkdir(tpath(lang), 0755);
	for (i = 0; i < NGOOD; i++) {
		const char *path = tpathf("%s/%s.txt", lang, good[i][0]);

		if (kind != NULL && strcmp(kind, good[i][0]) == 0) {
			if (text != NULL)
				write_file(path, text, len, 0644);
			else
				(void)unlink(path);
		} else
			write_file(path, good[i][1], strlen(good[i][1]),
			    0644);
	}
}

struct bad {
	const char *kind;
	const char *text;	/* NULL: file missing */
	const char *want;	/* after "DIR/LANG/KIND.txt" */
};

static const struct bad bad[] = {
	{ "case-created", NULL, ": cannot open: No such file or directory" },
	{ "case-created", "Subject: x\n\nline 3\nline 4 {{nom}}\n",
	    ":4: unknown placeholder {{nom}}" },
	{ "case-created", "Subject: x {{Case}}\n\nbody\n",
	    ":1: unknown placeholder {{Case}}" },
	{ "case-created", "Subject: x\n\nbody {{case\n}}\n",
	    ":3: unterminated \"{{\"" },
	{ "case-created", "Subject: x\n\nbody {{ case }}\n",
	    ":3: unknown placeholder {{ case }}" },
	{ "case-created", "Subject: x\n\n\nyour pin {{pin}}\n",
	    ":4: {{pin}} is allowed only in the body of pin-delivery.txt" },
	{ "verification-request", "Subject: x\n\n{{pin}}\n",
	    ":3: {{pin}} is allowed only in the body of pin-delivery.txt" },
	{ "pin-delivery", "Subject: your {{pin}}\n\n{{pin}}\n",
	    ":1: {{pin}} is allowed only in the body of pin-delivery.txt" },
	{ "pin-delivery", "Subject: x\n\nno pin here\n",
	    ": no {{pin}} in the body" },
	{ "case-created", "Subject: x\n\n{{old_email}}\n",
	    ":3: {{old_email}} is allowed only in email-changed.txt" },
	{ "case-created", "Subject: x\n\nlocked until {{until}}\n",
	    ":3: {{until}} is allowed only in account-locked.txt and "
	    "pin-recently-sent.txt" },
	{ "verification-request", "Subject: x {{request_subject}}\n\nbody\n",
	    ":1: {{request_subject}} is allowed only in the body of "
	    "verification-request.txt" },
	{ "case-created", "Subject: x\n\n{{request_subject}}\n",
	    ":3: {{request_subject}} is allowed only in the body of "
	    "verification-request.txt" },
	{ "pin-delivery", "Subject: x\n\n{{pin}} {{request_time}}\n",
	    ":3: {{request_time}} is allowed only in the body of "
	    "verification-request.txt" },
	{ "account-locked", "Subject: x\n\nsent {{sent}}\n",
	    ":3: {{sent}} is allowed only in pin-recently-sent.txt" },
	{ "account-locked", "Subject: x {{admins}}\n\nbody\n",
	    ":1: {{admins}} is allowed only in the body of account-locked.txt "
	    "and pin-recently-sent.txt" },
	{ "pin-recently-sent", "Subject: x\n\nyour pin {{pin}}\n",
	    ":3: {{pin}} is allowed only in the body of pin-delivery.txt" },
	{ "pin-recently-sent", "Subject: x\n\n\xc3\x28\n",
	    ":3: invalid UTF-8" },
	{ "case-created", "\nbody\n", ":1: no Subject, or an empty one" },
	{ "case-created", "Subject:   \n\nbody\n",
	    ":1: no Subject, or an empty one" },
	{ "case-created", "Subject: a\nFrom: x@y\n\nbody\n",
	    ":2: only a \"Subject:\" line may come before the blank line" },
	{ "case-created", " folded\nSubject: a\n\nbody\n",
	    ":1: only a \"Subject:\" line may come before the blank line" },
	{ "case-created", "Subject: a\nSubject: b\n\nbody\n",
	    ":2: a second Subject: line" },
	{ "case-created", "Subject: a\nbody\n",
	    ":2: only a \"Subject:\" line may come before the blank line" },
	{ "case-created", "Subject: a", ":1: no blank line after the Subject: line" },
	{ "case-created", "Subject: a\n\n \n\t\n", ":3: empty body" },
	{ "case-created", "Subject: a\n\nok\n\xc3\x28\n", ":4: invalid UTF-8" },
	{ "case-created", "Subject: a\n\nok\nbell\a\n",
	    ":4: control character 0x07" },
	{ "case-created", "Subject: a\rb\n\nok\n",
	    ":1: control character 0x0d in the Subject" },
};

static void
test_load_bad(void)
{
	struct notice_templates *t;
	char err[512], want[1024];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rmtree(tpath("bad"));
		(void)mkdir(tpath("bad"), 0755);
		write_set("bad/xx", bad[i].kind, bad[i].text,
		    bad[i].text ? strlen(bad[i].text) : 0);
		err[0] = '\0';
		t = notice_templates_load(tpath("bad"), "xx", err,
		    sizeof(err));
		ok(t == NULL, "bad template %zu refused", i);
		(void)snprintf(want, sizeof(want), "%s/xx/%s.txt%s",
		    tpath("bad"), bad[i].kind, bad[i].want);
		is_str(err, want, "bad template %zu: error text", i);
		notice_templates_free(t);
	}
}

static void
test_load_limits(void)
{
	struct notice_templates *t;
	char err[512], want[1024], *big;
	size_t n = NOTICE_TEMPLATE_MAX + 1;

	/* a NUL byte */
	write_set("nul", "email-changed", "Subject: a\n\nx\0y\n", 15);
	t = notice_templates_load(tdir, "nul", err, sizeof(err));
	(void)snprintf(want, sizeof(want), "%s: NUL byte",
	    tpath("nul/email-changed.txt:3"));
	is_str(err, want, "NUL byte refused");
	ok(t == NULL, "NUL byte: no templates");

	/* one byte over the limit, then exactly at it */
	big = malloc(n);
	memset(big, 'a', n);
	memcpy(big, "Subject: a\n\n", 12);
	big[n - 1] = '\n';
	write_set("big", "case-created", big, n);
	t = notice_templates_load(tdir, "big", err, sizeof(err));
	(void)snprintf(want, sizeof(want), "%s: larger than 65536 bytes",
	    tpath("big/case-created.txt"));
	is_str(err, want, "65537-byte template refused");
	ok(t == NULL, "too big: no templates");
	memcpy(big + 1, "Subject: a\n\n", 12);
	write_set("big", "case-created", big + 1, n - 1);
	t = notice_templates_load(tdir, "big", err, sizeof(err));
	ok(t != NULL, "65536-byte template loads");
	notice_templates_free(t);
	free(big);

	/* CRLF line ends, a BOM and a folded Subject are fine */
	{
		const char *crlf = "\xef\xbb\xbfSubject: a\r\n\tb {{case}}"
		    "\r\n\r\nbody {{tag}}\r\n";

		write_set("crlf", "case-created", crlf, strlen(crlf));
	}
	t = notice_templates_load(tdir, "crlf", err, sizeof(err));
	ok(t != NULL, "CRLF, BOM and folding accepted: %s", t ? "" : err);
	notice_templates_free(t);

	/* language names cannot walk the tree */
	t = notice_templates_load(tdir, "../crlf", err, sizeof(err));
	ok(t == NULL, "language \"../crlf\" refused");
	is_str(err, "NoticeLanguage: not a language name (letters, digits, "
	    "'_' or '-')", "language error text");
	t = notice_templates_load(tdir, "", err, sizeof(err));
	ok(t == NULL, "empty language refused");
	t = notice_templates_load(tdir, "zz", err, sizeof(err));
	(void)snprintf(want, sizeof(want), "%s: cannot open: No such file or "
	    "directory", tpath("zz/case-created.txt"));
	is_str(err, want, "missing language directory");
}

static void
test_load_shipped(void)
{
	const char *src = getenv("top_srcdir");
	struct notice_templates *t;
	char dir[1024], err[512];
	const char *langs[] = { "en", "fr" };
	size_t i;

	(void)snprintf(dir, sizeof(dir), "%s/conf/templates",
	    src != NULL ? src : ".");
	for (i = 0; i < 2; i++) {
		err[0] = '\0';
		t = notice_templates_load(dir, langs[i], err, sizeof(err));
		ok(t != NULL, "shipped %s templates load%s%s", langs[i],
		    t ? "" : ": ", t ? "" : err);
		notice_templates_free(t);
	}
}

/* ---- building ---- */

struct built {
	char *raw;
	size_t len;
	char *msgid;
	GMimeMessage *m;
	char *body;		/* decoded, CR removed */
};

static void
built_free(struct built *b)
{
	if (b->raw != NULL)
		secret_wipe(b->raw, b->len);
	g_free(b->raw);
	g_free(b->msgid);
	if (b->m != NULL)
		g_object_unref(b->m);
	g_free(b->body);
	memset(b, 0, sizeof(*b));
}

static char *
decoded_body(GMimeMessage *m)
{
	GMimeObject *part = g_mime_message_get_mime_part(m);
	GMimeDataWrapper *dw;
	GMimeStream *s;
	GByteArray *a;
	char *out;
	size_t i, o;

	if (part == NULL || !GMIME_IS_PART(part) ||
	    (dw = g_mime_part_get_content(GMIME_PART(part))) == NULL)
		return g_strdup("(no body)");
	s = g_mime_stream_mem_new();
	(void)g_mime_data_wrapper_write_to_stream(dw, s);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	out = g_malloc(a->len + 1);
	for (i = o = 0; i < a->len; i++)
		if (a->data[i] != '\r')
			out[o++] = (char)a->data[i];
	out[o] = '\0';
	g_object_unref(s);
	return out;
}

static int
build(struct notice_templates *t, const char *kind,
    const struct notice_vars *v, struct built *b)
{
	GMimeStream *s;
	GMimeParser *p;
	int rc;

	memset(b, 0, sizeof(*b));
	rc = notice_build(t, kind, v, cfg, key, &b->raw, &b->len, &b->msgid);
	if (rc != 0)
		return rc;
	s = g_mime_stream_mem_new_with_buffer(b->raw, b->len);
	p = g_mime_parser_new_with_stream(s);
	b->m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	if (b->m != NULL)
		b->body = decoded_body(b->m);
	return rc;
}

static const char *
hdr(const struct built *b, const char *name)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(b->m), name);

	return v != NULL ? v : "(none)";
}

/* Every LF is preceded by CR, and the message ends with CRLF. */
static int
crlf_only(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 0;
		else if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))
			return 0;
	return len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n';
}

/* How many header lines of the raw header section start with NAME. */
static int
raw_count(const struct built *b, const char *name)
{
	const char *p = b->raw, *end = strstr(b->raw, "\r\n\r\n");
	size_t n = strlen(name);
	int count = 0;

	for (; p != NULL && p < end; p = strstr(p, "\r\n"), p = p ? p + 2 : p)
		if (g_ascii_strncasecmp(p, name, n) == 0)
			count++;
	return count;
}

/* casematch finds the case from the Message-ID and from the Reply-To. */
static void
token_check(const struct built *b)
{
	struct hdrlist hl;
	struct casematch cm;
	char ref[512];
	const char *rcpt[1];

	(void)snprintf(ref, sizeof(ref), "<%s>", b->msgid);
	hdrlist_init(&hl);
	hdrlist_add(&hl, "In-Reply-To", ref);
	casematch_parse(key, cfg, &hl, NULL, NULL, 0, &cm);
	is_int(cm.token_case, 100123, "the Message-ID is a valid token");
	is_int(cm.forged, 0, "not forged");
	hdrlist_clear(&hl);
	hdrlist_init(&hl);
	rcpt[0] = hdr(b, "Reply-To");
	casematch_parse(key, cfg, &hl, NULL, rcpt, 1, &cm);
	is_int(cm.token_case, 100123, "the Reply-To is a valid token");
	is_int(cm.how, CASEMATCH_RECIPIENT, "found by recipient");
	hdrlist_clear(&hl);
}

static const struct notice_vars base = {
	.case_number = 100123,
	.tag = "[Case #100123]",
	.name = "Ann Example",
	.email = "ann@example.com",
	.account = "acme",
	.in_reply_to = "<CAF+x1@mail.example.com>",
};

static void
test_build_headers(struct notice_templates *t)
{
	struct built b;

	is_int(build(t, NOTICE_CASE_CREATED, &base, &b), 0, "case-created built");
	if (b.m == NULL) {
		ok(0, "case-created parses");
		return;
	}
	ok(crlf_only(b.raw, b.len), "CRLF line ends only");
	ok(g_regex_match_simple("^pm-100123\\.[0-9a-f]{16}\\.[a-z2-7]{52}"
	    "@example\\.org$", b.msgid, 0, 0), "message id returned: %s",
	    b.msgid);
	is_str(g_mime_message_get_message_id(b.m), b.msgid, "Message-Id field");
	is_str(hdr(&b, "From"), "noreply@example.org", "From: NoticeFrom");
	is_str(hdr(&b, "To"), "ann@example.com", "To: the address on file");
	ok(g_regex_match_simple("^support\\+c-100123-[a-z2-7]{26}"
	    "@example\\.com$", hdr(&b, "Reply-To"), 0, 0), "Reply-To: token");
	token_check(&b);
	is_str(g_mime_message_get_subject(b.m), "[Case #100123] new case 100123",
	    "Subject");
	is_str(hdr(&b, "In-Reply-To"), "<CAF+x1@mail.example.com>",
	    "In-Reply-To");
	is_str(hdr(&b, "References"), "<CAF+x1@mail.example.com>", "References");
	is_str(hdr(&b, "Auto-Submitted"), "auto-replied", "Auto-Submitted");
	is_str(hdr(&b, "X-Support-Notice"), "case-created", "loop header");
	ok(g_mime_message_get_date(b.m) != NULL, "Date present");
	is_int(raw_count(&b, "MIME-Version: 1.0\r\n"), 1, "one MIME-Version");
	is_int(raw_count(&b, "Date:"), 1, "one Date");
	is_int(raw_count(&b, "Content-Type: text/plain; charset=utf-8\r\n"), 1,
	    "Content-Type text/plain; charset=utf-8");
	is_int(raw_count(&b, "Content-Transfer-Encoding: quoted-printable\r\n"),
	    1, "quoted-printable");
	is_str(b.body, "Hello Ann Example <ann@example.com> of acme: write to "
	    "support@example.com.\n", "body with placeholders replaced");
	built_free(&b);
}

static void
test_build_variants(struct notice_templates *t)
{
	struct notice_vars v;
	struct built b;

	/* no ReplyToTokens, no case, no in-reply-to, no name, a support given */
	v = base;
	v.case_number = 0;
	v.tag = NULL;
	v.name = "";
	v.in_reply_to = NULL;
	v.support = "help@example.net";
	cfg->reply_to_tokens = false;
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), 0, "case-less built");
	is_str(hdr(&b, "Reply-To"), "(none)", "no Reply-To without a case");
	is_str(hdr(&b, "In-Reply-To"), "(none)", "no In-Reply-To");
	is_str(hdr(&b, "References"), "(none)", "no References");
	is_str(g_mime_message_get_subject(b.m), "new case",
	    "empty tag and case: subject trimmed");
	is_str(b.body, "Hello ann@example.com <ann@example.com> of acme: write "
	    "to help@example.net.\n", "name falls back to the address");
	built_free(&b);
	v.case_number = 7;
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), 0, "built");
	is_str(hdr(&b, "Reply-To"), "(none)", "ReplyToTokens no: no Reply-To");
	built_free(&b);
	cfg->reply_to_tokens = true;

	/* the customer's Message-ID, with and without brackets, or malformed */
	{
		static const struct { const char *in, *want; } refs[] = {
			{ "abc@x.example", "<abc@x.example>" },
			{ "  <abc@x.example>  ", "<abc@x.example>" },
			{ "<a b@x>", "(none)" },
			{ "<abc@x.example> <def@y>", "(none)" },
			{ "<abc@x\r\nBcc: evil@example.net>", "(none)" },
			{ "<ab\xc3\xa9@x>", "(none)" },
			{ "<>", "(none)" },
			{ "", "(none)" },
		};
		size_t i;

		for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
			v = base;
			v.in_reply_to = refs[i].in;
			is_int(build(t, NOTICE_CASE_CREATED, &v, &b), 0,
			    "in_reply_to %zu: built", i);
			is_str(hdr(&b, "In-Reply-To"), refs[i].want,
			    "in_reply_to %zu: In-Reply-To", i);
			is_int(raw_count(&b, "Bcc:"), 0, "in_reply_to %zu: no Bcc", i);
			built_free(&b);
		}
	}
}

static void
test_build_refused(struct notice_templates *t)
{
	static const char *evil = "x\r\nBcc: evil@example.net";
	struct notice_vars v;
	struct built b;
	char longv[NOTICE_VALUE_MAX + 2];

	v = base;
	v.tag = evil;
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), -1,
	    "CR/LF in a subject value refused");
	ok(b.raw == NULL && b.msgid == NULL, "nothing returned");
	v = base;
	v.tag = "a\nb";
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), -1, "bare LF refused");
	v = base;
	v.email = "ann@example.com\r\nBcc: evil@example.net";
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), -1, "CR/LF in To refused");
	v = base;
	v.email = NULL;
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), -1, "no address refused");
	v = base;
	is_int(build(t, "case-closed", &v, &b), -1, "unknown kind refused");
	is_int(build(t, NOTICE_PIN_DELIVERY, &v, &b), -1,
	    "pin-delivery without a PIN refused");
	v.pin = "12345";
	is_int(build(t, NOTICE_PIN_DELIVERY, &v, &b), -1, "5-digit PIN refused");
	v.pin = "123456";
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), -1,
	    "a PIN for case-created refused");
	v = base;
	memset(longv, 'a', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	v.account = longv;
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), -1, "over-long value refused");
	longv[NOTICE_VALUE_MAX] = '\0';
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), 0, "1024-byte value accepted");
	built_free(&b);
	v.account = "\xc3\x28";
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), -1, "invalid UTF-8 refused");

	/* in the body, such values are plain text */
	v = base;
	v.account = "{{pin}}\r\nBcc: evil@example.net";
	is_int(build(t, NOTICE_CASE_CREATED, &v, &b), 0,
	    "CR/LF in a body value is text");
	is_int(raw_count(&b, "Bcc:"), 0, "no Bcc header");
	is_str(b.body, "Hello Ann Example <ann@example.com> of {{pin}}\nBcc: "
	    "evil@example.net: write to support@example.com.\n",
	    "placeholder syntax in a value stays literal");
	built_free(&b);
}

static void
test_build_kinds(struct notice_templates *t)
{
	struct notice_vars v = base;
	struct built b;

	v.pin = "042917";
	is_int(build(t, NOTICE_PIN_DELIVERY, &v, &b), 0, "pin-delivery built");
	is_str(b.body, "Your PIN: 042917\n", "the PIN in the body");
	is_str(g_mime_message_get_subject(b.m), "[Case #100123] PIN",
	    "pin-delivery subject");
	is_str(hdr(&b, "X-Support-Notice"), "pin-delivery", "kind header");
	built_free(&b);
	v = base;
	v.old_email = "old@example.com";
	v.new_email = "new@example.com";
	is_int(build(t, NOTICE_EMAIL_CHANGED, &v, &b), 0, "email-changed built");
	is_str(b.body, "old@example.com -> new@example.com\n", "both addresses");
	built_free(&b);
	v = base;
	v.request_time = "2026-12-04 17:42 UTC";
	v.request_subject = "Change my address \xe2\x80\xae see http://evil.example/x"
	    " \xc2\x9b" "2J";
	is_int(build(t, NOTICE_VERIFICATION, &v, &b), 0,
	    "verification-request built");
	is_str(hdr(&b, "X-Support-Notice"), "verification-request", "kind");
	is_str(b.body, "PIN please.\n2026-12-04 17:42 UTC \"Change my address "
	    "\xef\xbf\xbd see [\xe2\x80\xa6] 2J\"\n",
	    "verification-request: the request's time and subject, cleaned");
	built_free(&b);
	v = base;
	v.until = "2026-12-04 17:42 UTC";
	v.admins = "    Alice Admin <alice@example.com>\n    bob@example.com";
	is_int(build(t, NOTICE_ACCOUNT_LOCKED, &v, &b), 0,
	    "account-locked built");
	is_str(b.body, "Locked until 2026-12-04 17:42 UTC.\n"
	    "    Alice Admin <alice@example.com>\n    bob@example.com\n",
	    "account-locked: the time and the administrators");
	is_str(g_mime_message_get_subject(b.m),
	    "[Case #100123] locked until 2026-12-04 17:42 UTC",
	    "account-locked subject");
	is_str(hdr(&b, "X-Support-Notice"), "account-locked", "kind header");
	built_free(&b);
	v.sent = "2026-12-04 16:42 UTC";
	is_int(build(t, NOTICE_PIN_RECENT, &v, &b), 0,
	    "pin-recently-sent built");
	is_str(b.body, "Sent 2026-12-04 16:42 UTC, next 2026-12-04 17:42 UTC.\n"
	    "    Alice Admin <alice@example.com>\n    bob@example.com\n",
	    "pin-recently-sent: both times and the administrators");
	built_free(&b);
	v.pin = "042917";
	ok(build(t, NOTICE_PIN_RECENT, &v, &b) != 0,
	    "pin-recently-sent never carries a PIN");
	built_free(&b);
}

/* ---- the subject a verification request quotes ---- */

#define EL	"\xe2\x80\xa6"		/* U+2026 */
#define MK	"[" EL "]"			/* what replaces a link */

static void
test_request_subject(void)
{
	static const char *cases[][2] = {
		{ NULL, "" },
		{ "", "" },
		{ "  \t ", "" },
		{ "Please change my address", "Please change my address" },
		{ "Please change my address, see http://evil.example/login",
		    "Please change my address, see " MK },
		{ "reply with your PIN to http://evil",
		    "reply with your PIN to " MK },
		{ "Contact me at mallory@evil.example or www.evil.example",
		    "Contact me at " MK " or " MK },
		{ "write to <mallory@evil.example>!", "write to " MK },
		{ "go to evil.example/login now", "go to " MK " now" },
		{ "(HTTPS://EVIL.EXAMPLE)", MK },
		{ "mailto:x javascript:alert(1) hxxp:evil", MK " " MK " " MK },
		{ "Re: meeting at 10:30, e.g. Monday",
		    "Re: meeting at 10:30, e.g. Monday" },
		{ "My PIN is 482913, [Case #100001] 2026",
		    "My PIN is " MK ", [Case #100001] 2026" },
		{ "Say \"yes\" now", "Say 'yes' now" },
		/* bidi override: U+FFFD, and "exe.fdp" is a dotted name */
		{ "Invoice \xe2\x80\xae" "exe.fdp", "Invoice " MK },
		{ "Hello \xe2\x80\xae" "dlrow \xe2\x81\xa6x\xe2\x81\xa9",
		    "Hello \xef\xbf\xbd" "dlrow \xef\xbf\xbdx\xef\xbf\xbd" },
		/* C1 CSI, ESC, line separator, invalid UTF-8 */
		{ "Urgent\xc2\x9b" "2J account \x1b[31mnow\xe2\x80\xa8ok\xff",
		    "Urgent 2J account [31mnow ok\xef\xbf\xbd" },
		{ "caf\xc3\xa9 ok", "caf\xc3\xa9 ok" },
	};
	char out[NOTICE_SUBJECT_MAX], small[8];
	GString *in = g_string_new(NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		notice_request_subject(cases[i][0], out, sizeof(out));
		is_str(out, cases[i][1], "request subject %zu", i);
	}
	/* 300 characters: cut at a space, 60 characters with the ellipsis */
	for (i = 0; i < 60; i++)
		g_string_append(in, "word ");
	notice_request_subject(in->str, out, sizeof(out));
	is_str(out, "word word word word word word word word word word word "
	    "word" EL, "300 characters in words: cut at a space");
	is_int((int)g_utf8_strlen(out, -1), NOTICE_SUBJECT_CHARS, "60 characters");
	g_string_assign(in, "");
	for (i = 0; i < 300; i++)
		g_string_append(in, i % 2 ? "\xc3\xa9" : "x");
	notice_request_subject(in->str, out, sizeof(out));
	is_int((int)g_utf8_strlen(out, -1), NOTICE_SUBJECT_CHARS,
	    "300 characters, one word: 60 characters");
	ok(g_str_has_suffix(out, "x" EL) && g_utf8_validate(out, -1, NULL),
	    "one word: cut within it, valid UTF-8, ends with the ellipsis");
	/* a mixed 300-character line: a link, a PIN and controls within */
	g_string_assign(in, "Reply with your PIN to http://evil.example now ");
	g_string_append(in, "\xc2\x9b\xe2\x80\xae 482913 ");
	while (in->len < 300)
		g_string_append(in, "please act fast ");
	notice_request_subject(in->str, out, sizeof(out));
	is_str(out, "Reply with your PIN to " MK " now \xef\xbf\xbd " MK
	    " please act fast please" EL, "300 characters mixed: exact");
	notice_request_subject("abcdefghij", small, sizeof(small));
	is_str(small, "abcdefg", "a small buffer is cut, never overrun");
	g_string_free(in, TRUE);
}

/* A template set without the optional kinds loads; those are not built. */
static void
test_optional_kinds(void)
{
	struct notice_templates *t;
	struct notice_vars v = base;
	struct built b;
	char err[512] = "";

	rmtree(tpath("old"));
	(void)mkdir(tpath("old"), 0755);
	write_set("old/xx", "account-locked", NULL, 0);
	(void)unlink(tpath("old/xx/pin-recently-sent.txt"));
	t = notice_templates_load(tpath("old"), "xx", err, sizeof(err));
	ok(t != NULL, "a set without the optional kinds loads (%s)", err);
	if (t == NULL)
		return;
	ok(notice_has_kind(t, NOTICE_CASE_CREATED), "case-created is there");
	ok(!notice_has_kind(t, NOTICE_ACCOUNT_LOCKED), "account-locked is not");
	ok(!notice_has_kind(t, NOTICE_PIN_RECENT), "pin-recently-sent is not");
	ok(!notice_has_kind(t, "no-such-kind"), "an unknown kind is not");
	v.until = "2026-12-04 17:42 UTC";
	ok(build(t, NOTICE_ACCOUNT_LOCKED, &v, &b) != 0,
	    "an absent kind is not built");
	built_free(&b);
	notice_templates_free(t);
	ok(!notice_has_kind(NULL, NOTICE_CASE_CREATED), "no templates: none");
}

/* Longest line of the raw message, CRLF excluded. */
static size_t
longest_line(const char *s)
{
	size_t max = 0, n;

	for (; *s != '\0'; s += n + (s[n] != '\0' ? 1 : 0)) {
		n = strcspn(s, "\n");
		if ((n > 0 && s[n - 1] == '\r' ? n - 1 : n) > max)
			max = n > 0 && s[n - 1] == '\r' ? n - 1 : n;
	}
	return max;
}

static int
ascii_only(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static void
test_build_shipped(void)
{
	static const char *kinds[] = { NOTICE_CASE_CREATED, NOTICE_VERIFICATION,
	    NOTICE_PIN_DELIVERY, NOTICE_EMAIL_CHANGED, NOTICE_ACCOUNT_LOCKED,
	    NOTICE_PIN_RECENT };
	static const char *langs[] = { "en", "fr" };
	const char *src = getenv("top_srcdir");
	struct notice_templates *t;
	struct notice_vars v = base;
	struct built b;
	char dir[1024], err[512];
	size_t i, k;

	(void)snprintf(dir, sizeof(dir), "%s/conf/templates",
	    src != NULL ? src : ".");
	v.name = "Zoë Éléonore";
	v.old_email = "old@example.com";
	v.new_email = "ann@example.com";
	v.until = "2026-12-04 17:42 UTC";
	v.sent = "2026-12-04 16:42 UTC";
	v.admins = "    Ann Admin <ann@example.com>";
	v.request_time = "2026-12-04 17:42 UTC";
	v.request_subject = "Change my email, reply with your PIN to "
	    "http://evil.example/x";
	for (i = 0; i < 2; i++) {
		if ((t = notice_templates_load(dir, langs[i], err,
		    sizeof(err))) == NULL) {
			ok(0, "%s: %s", langs[i], err);
			continue;
		}
		for (k = 0; k < 6; k++) {
			v.pin = k == 2 ? "042917" : NULL;
			is_int(build(t, kinds[k], &v, &b), 0, "%s %s built",
			    langs[i], kinds[k]);
			if (b.m == NULL)
				continue;
			ok(crlf_only(b.raw, b.len), "%s %s: CRLF", langs[i],
			    kinds[k]);
			ok(ascii_only(b.raw, b.len), "%s %s: 7-bit on the wire",
			    langs[i], kinds[k]);
			ok(longest_line(strstr(b.raw, "\r\n\r\n")) <= 76,
			    "%s %s: body lines <= 76 (%zu)", langs[i], kinds[k],
			    longest_line(strstr(b.raw, "\r\n\r\n")));
			ok(longest_line(b.raw) <= 998, "%s %s: lines <= 998",
			    langs[i], kinds[k]);
			ok(strstr(b.body, "Zoë Éléonore") != NULL,
			    "%s %s: UTF-8 name in the body", langs[i], kinds[k]);
			ok((strstr(b.body, "042917") != NULL) == (k == 2),
			    "%s %s: PIN only in pin-delivery", langs[i], kinds[k]);
			ok(strstr(b.raw, "evil") == NULL,
			    "%s %s: no link of the sender's", langs[i], kinds[k]);
			ok((strstr(b.body, "Change my email, reply with your PIN "
			    "to [" EL "]") != NULL) == (k == 1) &&
			    (strstr(b.body, "2026-12-04 17:42 UTC") != NULL) ==
			    (k == 1 || k >= 4),
			    "%s %s: the request's subject and time in "
			    "verification-request only", langs[i], kinds[k]);
			if (k == 1)
				ok(strstr(b.body, i == 0 ? "If you did NOT send "
				    "this request, do not reply with your PIN." :
				    "Si vous n'avez PAS envoy\xc3\xa9 cette "
				    "demande, ne r\xc3\xa9pondez pas avec votre"
				    ) != NULL, "%s: the warning", langs[i]);
			ok(strstr(b.body, "{{") == NULL && strstr(
			    g_mime_message_get_subject(b.m), "{{") == NULL,
			    "%s %s: every placeholder replaced", langs[i],
			    kinds[k]);
			ok(strncmp(g_mime_message_get_subject(b.m),
			    "[Case #100123] ", 15) == 0, "%s %s: tag in subject",
			    langs[i], kinds[k]);
			built_free(&b);
		}
		notice_templates_free(t);
	}
}

/* The French subject is an encoded-word that decodes to the text. */
static void
test_build_encoded_subject(void)
{
	const char *src = getenv("top_srcdir");
	struct notice_templates *t;
	struct built b;
	char dir[1024], err[512];

	(void)snprintf(dir, sizeof(dir), "%s/conf/templates",
	    src != NULL ? src : ".");
	if ((t = notice_templates_load(dir, "fr", err, sizeof(err))) == NULL) {
		ok(0, "fr: %s", err);
		return;
	}
	is_int(build(t, NOTICE_CASE_CREATED, &base, &b), 0, "fr built");
	ok(strstr(b.raw, "\r\nSubject: [Case #100123] Nous avons bien =?") !=
	    NULL && strstr(b.raw, "?=") != NULL, "RFC 2047 encoded-word");
	is_str(g_mime_message_get_subject(b.m),
	    "[Case #100123] Nous avons bien reçu votre message",
	    "subject decodes back");
	ok(strstr(b.body, "Merci de nous avoir écrit.") != NULL,
	    "body decodes back to UTF-8");
	built_free(&b);
	notice_templates_free(t);
}

/* ---- queueing ---- */

struct got {
	int n;
	struct store_notice first;
	unsigned char msg[4096];
};

static int
collect(const struct store_notice *n, void *arg)
{
	struct got *g = arg;

	if (g->n++ == 0) {
		g->first = *n;
		g->first.message = NULL;
		if (n->message != NULL && n->message_len <= sizeof(g->msg))
			memcpy(g->msg, n->message, n->message_len);
	}
	return 0;
}

static void
test_queue(void)
{
	static const char msg[] = "Subject: x\r\n\r\nYour PIN: 042917\r\n";
	struct store_case c;
	struct store *st;
	struct got g;
	int64_t number;
	char err[256], opened[sizeof(msg)], *big;
	char longrcpt[STORE_EMAIL_MAX + 1];
	size_t len = sizeof(msg) - 1;

	if (store_open(tpath("queue.db"), 1000, STORE_OPEN_CREATE,
	    &st, err, sizeof(err)) != STORE_OK) {
		ok(0, "store: %s", err);
		return;
	}
	memset(&c, 0, sizeof(c));
	memcpy(c.email, "ann@example.com", 16);
	if (store_case_open(st, &c, 100123, 1700000000, &number) != STORE_OK) {
		ok(0, "case: %s", store_errmsg(st));
		store_close(st);
		return;
	}
	is_int(notice_queue(st, key, NOTICE_PIN_DELIVERY, "ann@example.com",
	    number, msg, len, 1700000000), STORE_OK, "queued");
	memset(&g, 0, sizeof(g));
	is_int(store_outbox_due(st, 1700000000, 16, collect, &g), STORE_OK,
	    "due");
	is_int(g.n, 1, "one notice due at once (next_try = now)");
	is_str(g.first.kind, "pin-delivery", "kind");
	is_str(g.first.recipient, "ann@example.com", "recipient");
	is_int(g.first.case_number, 100123, "case number");
	is_int(g.first.created, 1700000000, "created");
	is_int(g.first.attempts, 0, "no attempt yet");
	is_int(g.first.message_len, len + SECRET_SEAL_OVERHEAD, "sealed size");
	ok(memmem(g.msg, g.first.message_len, "042917", 6) == NULL,
	    "the PIN is not in the stored bytes");
	is_int(secret_open(key, "outbox", g.msg, g.first.message_len, opened),
	    0, "opens under the key");
	ok(memcmp(opened, msg, len) == 0, "same bytes back");
	is_int(secret_open(key, "other", g.msg, g.first.message_len, opened),
	    -1, "another purpose cannot open it");

	memset(longrcpt, 'a', sizeof(longrcpt) - 1);
	longrcpt[sizeof(longrcpt) - 1] = '\0';
	is_int(notice_queue(st, key, NOTICE_CASE_CREATED, longrcpt, 1, msg, len,
	    1), STORE_INVALID, "over-long recipient refused");
	big = calloc(1, STORE_NOTICE_MAX);
	is_int(notice_queue(st, key, NOTICE_CASE_CREATED, "a@b", 0, big,
	    STORE_NOTICE_MAX - SECRET_SEAL_OVERHEAD + 1, 1), STORE_INVALID,
	    "a notice too big for the outbox refused");
	free(big);
	memset(&g, 0, sizeof(g));
	(void)store_outbox_due(st, 1700000000, 16, collect, &g);
	is_int(g.n, 1, "nothing else queued");
	store_close(st);
}

int
main(void)
{
	struct notice_templates *t;
	char err[512];

	tdir_make("test_notice");
	key = make_key("key");
	cfg = make_config("pinmilter.conf", "SupportAddress support@example.com"
	    "\nNoticeFrom noreply@example.org\n");
	cfg->reply_to_tokens = true;
	g_mime_init();

	test_request_subject();
	test_load_shipped();
	test_load_bad();
	test_load_limits();
	write_set("good", NULL, NULL, 0);
	if ((t = notice_templates_load(tdir, "good", err, sizeof(err))) == NULL)
		printf("Bail out! good set: %s\n", err);
	else {
		test_build_headers(t);
		test_build_variants(t);
		test_build_refused(t);
		test_build_kinds(t);
		notice_templates_free(t);
	}
	test_optional_kinds();
	test_build_shipped();
	test_build_encoded_subject();
	test_queue();

	config_free(cfg);
	secret_key_free(key);
	g_mime_shutdown();
	rmtree(tdir);
	return tap_done();
}
