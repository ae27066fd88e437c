/*
 * test_headers.c - header fields: splitting a message like the MTA does,
 * milter-style changes, the one-From rule, and the verdict's edits:
 * forged X-Support-* and Authentication-Results fields removed (any
 * case, folded, many copies, highest index first), our tags added.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "core/config.h"
#include "filter/edits.h"
#include "mail/hdrlist.h"
#include "mail/sender.h"
#include "tap.h"

/*
 * Field names as the MTA reads them: the name, optional spaces or tabs
 * (RFC 822's obsolete syntax, which Postfix accepts), the colon.
 */
static void
test_parse_names(void)
{
	static const struct {
		const char *msg;
		size_t fields;		/* fields in the header */
		const char *name;	/* the last field's name */
		const char *value;	/* and its value */
	} t[] = {
		{ "Subject: s\nFrom : bob@acme.example\n\nPIN\n", 2, "From",
		    "bob@acme.example" },
		{ "Subject: s\nFrom\t: bob@acme.example\n\nPIN\n", 2, "From",
		    "bob@acme.example" },
		{ "Subject: s\nFrom \t :bob@acme.example\n\nPIN\n", 2, "From",
		    "bob@acme.example" },
		{ "From : a@b.example\nX-Support-Auth  : authenticated\n\n", 2,
		    "X-Support-Auth", "authenticated" },
		{ "Subject: s\nFrom x: bob@acme.example\n\nPIN\n", 1, "Subject",
		    "s" },
		{ "Subject: s\n: no name\n\n", 1, "Subject", "s" },
		{ "Subject: s\nFrom\n\n", 1, "Subject", "s" },
	};
	struct hdrlist hl;
	size_t i, off;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		hdrlist_init(&hl);
		hdrlist_parse(&hl, t[i].msg, strlen(t[i].msg), &off);
		is_int(hl.n, t[i].fields, "header names: message %zu: %zu fields",
		    i, t[i].fields);
		if (hl.n > 0) {
			is_str(hl.v[hl.n - 1].name, t[i].name,
			    "message %zu: last field's name", i);
			is_str(hl.v[hl.n - 1].value, t[i].value,
			    "message %zu: last field's value", i);
		}
		hdrlist_clear(&hl);
	}
}

static void
test_parse(void)
{
	struct hdrlist hl;
	size_t off;
	const char *m1 = "From: a@b.example\r\nSubject: hi\r\n there\r\nTo: c@d\r\n\r\nbody\r\n";
	const char *m2 = "From: a@b.example\nX-Empty:\nX-Tab:\tv\n\nbody";
	const char *m3 = "From: a@b.example\nnot a header line\nmore\n";
	const char *m4 = "Subject: no body";

	hdrlist_init(&hl);
	hdrlist_parse(&hl, m1, strlen(m1), &off);
	is_int(hl.n, 3, "CRLF message: three fields");
	is_str(hdrlist_get(&hl, "subject", 1), "hi\n there", "folded value kept with LF");
	is_int(off, strlen(m1) - strlen("body\r\n"), "body offset after CRLF CRLF");
	hdrlist_clear(&hl);

	hdrlist_parse(&hl, m2, strlen(m2), &off);
	is_int(hl.n, 3, "LF message: three fields");
	is_str(hdrlist_get(&hl, "X-Empty", 1), "", "empty value");
	is_str(hdrlist_get(&hl, "X-Tab", 1), "\tv", "only one leading space is stripped");
	is_str(m2 + off, "body", "body offset after LF LF");
	hdrlist_clear(&hl);

	hdrlist_parse(&hl, m3, strlen(m3), &off);
	is_int(hl.n, 1, "a non-field line ends the header");
	is_str(m3 + off, "not a header line\nmore\n", "... and starts the body");
	hdrlist_clear(&hl);

	hdrlist_parse(&hl, m4, strlen(m4), &off);
	is_int(hl.n, 1, "header only: one field");
	is_int(off, strlen(m4), "no body: offset at the end");
	is_str(hdrlist_get(&hl, "Subject", 1), "no body", "last field without newline");
	hdrlist_clear(&hl);
	test_parse_names();
}

static void
test_change(void)
{
	struct hdrlist hl;
	char name[32];
	int i;

	hdrlist_init(&hl);
	hdrlist_add(&hl, "A", "1");
	hdrlist_add(&hl, "b", "x");
	hdrlist_add(&hl, "a", "2");
	hdrlist_add(&hl, "A", "3");
	is_int(hdrlist_count(&hl, "a"), 3, "count is case-insensitive");
	is_int(hdrlist_change(&hl, "A", 2, NULL), 0, "delete the 2nd A");
	is_str(hdrlist_get(&hl, "a", 2), "3", "the 3rd became the 2nd");
	is_int(hdrlist_change(&hl, "A", 3, NULL), -1, "no 3rd A any more");
	is_int(hdrlist_change(&hl, "B", 1, "y"), 0, "replace B");
	is_str(hdrlist_get(&hl, "b", 1), "y", "B replaced");
	hdrlist_insert(&hl, 0, "Top", "t");
	is_str(hl.v[0].name, "Top", "inserted first");
	is_int(hl.n, 4, "insert at the top: one more field");
	hdrlist_clear(&hl);

	hdrlist_init(&hl);
	for (i = 0; i < HDRLIST_MAX_FIELDS + 10; i++) {
		snprintf(name, sizeof(name), "X-N%d", i);
		hdrlist_add(&hl, name, "v");
	}
	is_int(hl.n, HDRLIST_MAX_FIELDS, "fields capped at %d", HDRLIST_MAX_FIELDS);
	ok(hdrlist_truncated(&hl), "and truncation is reported");
	/* past the cap our own fields are still kept, to be deleted */
	hdrlist_add(&hl, "x-support-auth", "authenticated");
	hdrlist_add(&hl, "Authentication-Results", "mx.example.com; x-pin=pass");
	hdrlist_add(&hl, "X-Other", "dropped");
	is_int(hdrlist_count(&hl, "X-Support-Auth"), 1, "a protected field past the cap is kept");
	is_int(hdrlist_count(&hl, "Authentication-Results"), 1, "A-R past the cap is kept");
	is_int(hdrlist_count(&hl, "X-Other"), 0, "other fields past the cap are not");
	ok(!hdrlist_unsafe(&hl), "not unsafe yet");
	is_int(hdrlist_change(&hl, "X-Support-Auth", 1, NULL), 0, "and it can be deleted");
	for (i = 0; i < HDRLIST_MAX_PROTECTED + 1; i++)
		hdrlist_add(&hl, "X-Support-Auth", "authenticated");
	is_int(hdrlist_count(&hl, "X-Support-Auth"), HDRLIST_MAX_PROTECTED - 1,
	    "protected fields are capped too");
	ok(hdrlist_unsafe(&hl), "past that cap the list is unsafe");
	hdrlist_clear(&hl);

	hdrlist_init_unbounded(&hl);
	for (i = 0; i < HDRLIST_MAX_FIELDS + 10; i++) {
		snprintf(name, sizeof(name), "X-N%d", i);
		hdrlist_add(&hl, name, "v");
	}
	is_int(hl.n, HDRLIST_MAX_FIELDS + 10, "an unbounded list keeps every field");
	ok(!hdrlist_truncated(&hl), "and is not truncated");
	hdrlist_clear(&hl);
}

static void
test_sender(void)
{
	static const struct {
		const char *from1, *from2;
		enum sender_status st;
		const char *addr;
	} t[] = {
		{ "bob@acme.example", NULL, SENDER_OK, "bob@acme.example" },
		{ "Bob <Bob@Acme.Example>", NULL, SENDER_OK, "Bob@acme.example" },
		{ "\"bob\"@acme.example", NULL, SENDER_OK, "bob@acme.example" },
		{ "Bob <\"Bob\"@Acme.Example.>", NULL, SENDER_OK, "Bob@acme.example" },
		{ "bob@xn--bcher-kva.example", NULL, SENDER_OK,
		    "bob@xn--bcher-kva.example" },
		{ "bob@b\xc3\xbc" "cher.example", NULL, SENDER_INVALID, "" },
		{ "\"Smith, Bob\" <bob@acme.example>", NULL, SENDER_OK, "bob@acme.example" },
		{ "=?UTF-8?B?w4lsb2RpZQ==?= <elodie@acme.example>", NULL, SENDER_OK, "elodie@acme.example" },
		{ "bob@acme.example (Bob)", NULL, SENDER_OK, "bob@acme.example" },
		{ "Bob\n <bob@acme.example>", NULL, SENDER_OK, "bob@acme.example" },
		{ NULL, NULL, SENDER_NONE, "" },
		{ "a@acme.example", "b@acme.example", SENDER_MULTIPLE_FIELDS, "" },
		{ "a@acme.example", "a@acme.example", SENDER_MULTIPLE_FIELDS, "" },
		{ "a@acme.example, b@evil.example", NULL, SENDER_MULTIPLE, "" },
		{ "a@acme.example, a@acme.example", NULL, SENDER_MULTIPLE, "" },
		{ "Team: a@acme.example;", NULL, SENDER_MULTIPLE, "" },
		{ "Undisclosed:;", NULL, SENDER_MULTIPLE, "" },
		{ "", NULL, SENDER_INVALID, "" },
		{ "bob", NULL, SENDER_INVALID, "" },
		{ "<@acme.example>", NULL, SENDER_INVALID, "" },
		{ "\"bob smith\"@acme.example", NULL, SENDER_INVALID, "" },
		{ "<bob@>", NULL, SENDER_INVALID, "" },
		/* GMime reads these as a@b: not what was written */
		{ "a@b@c.example", NULL, SENDER_INVALID, "" },
		{ "Bob <a@b@c.example>", NULL, SENDER_INVALID, "" },
		{ "bob@[192.0.2.1]", NULL, SENDER_INVALID, "" },
		{ "bob..x@acme.example", NULL, SENDER_INVALID, "" },
		{ "Bob bob@acme.example", NULL, SENDER_INVALID, "" },
	};
	struct hdrlist hl;
	struct sender s;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		hdrlist_init(&hl);
		hdrlist_add(&hl, "To", "support@example.com");
		if (t[i].from1)
			hdrlist_add(&hl, "From", t[i].from1);
		if (t[i].from2)
			hdrlist_add(&hl, "fROM", t[i].from2);
		sender_from_headers(&hl, &s);
		is_int(s.status, t[i].st, "sender status, case %zu (%s)", i,
		    t[i].from1 ? t[i].from1 : "no From");
		is_str(s.addr, t[i].addr, "sender address, case %zu", i);
		if (s.status == SENDER_OK)
			is_str(s.domain, strchr(t[i].addr, '@') + 1, "domain, case %zu", i);
		hdrlist_clear(&hl);
	}
}

/* Apply the edits of a verdict to a forged header block and check all. */
static void
test_edits(void)
{
	struct pm_config *cfg = config_defaults();
	struct hdrlist hl;
	struct edits e;
	struct verdict v;
	size_t i, k;
	char *ar;

	free(cfg->authserv_id);
	cfg->authserv_id = strdup("mx.example.com");
	hdrlist_init(&hl);
	hdrlist_add(&hl, "X-Support-Auth", "authenticated");
	hdrlist_add(&hl, "From", "Bob <bob@acme.example>");
	hdrlist_add(&hl, "x-support-auth", "authenticated");
	hdrlist_add(&hl, "Authentication-Results", "mx.example.com; x-pin=pass header.from=bob@acme.example");
	hdrlist_add(&hl, "Authentication-Results", "other.example; dmarc=pass header.from=acme.example");
	hdrlist_add(&hl, "X-SUPPORT-AUTH", "authenticated");
	hdrlist_add(&hl, "X-Support-Account", "Acme");
	hdrlist_add(&hl, "X-Support-Case", "100001");
	hdrlist_add(&hl, "authentication-results", "MX.EXAMPLE.COM;\n\tx-pin=pass");
	hdrlist_add(&hl, "X-Support-Auth", "\n authenticated");
	hdrlist_add(&hl, "Subject", "help");
	hdrlist_add(&hl, "Authentication-Results", "mx.example.com.evil.example; x-pin=pass");

	memset(&v, 0, sizeof(v));
	v.auth = VERDICT_UNVERIFIED;
	v.pin = XPIN_FAIL;
	v.reason = "wrong PIN";
	strcpy(v.from, "bob@acme.example");
	strcpy(v.account, "Acme Dental");

	edits_init(&e);
	is_int(edits_for_verdict(&e, cfg, &hl, &v), 0, "edits computed");
	/* deletions of one name come highest index first */
	for (i = 0; i < e.n; i++)
		for (k = i + 1; k < e.n; k++)
			if (e.v[i].op == EDIT_CHANGE && e.v[k].op == EDIT_CHANGE &&
			    e.v[i].value == NULL && e.v[k].value == NULL &&
			    strcasecmp(e.v[i].name, e.v[k].name) == 0)
				ok(e.v[i].index > e.v[k].index,
				    "delete %s %zu before %zu", e.v[i].name,
				    e.v[i].index, e.v[k].index);
	is_int(edits_apply(&e, &hl), 0, "edits apply like the MTA");
	is_int(hdrlist_count(&hl, "X-Support-Auth"), 1, "one X-Support-Auth left");
	is_str(hdrlist_get(&hl, "X-Support-Auth", 1), "unverified", "... ours");
	is_int(hdrlist_count(&hl, "X-Support-Case"), 0, "forged X-Support-Case removed");
	is_int(hdrlist_count(&hl, "X-Support-Account"), 1, "one X-Support-Account");
	is_str(hdrlist_get(&hl, "X-Support-Account", 1), "Acme Dental", "... ours");
	is_int(hdrlist_count(&hl, "Authentication-Results"), 3,
	    "our A-R plus the two foreign ones");
	ar = edits_ar_value(cfg, &v);
	is_str(hdrlist_get(&hl, "Authentication-Results", 1), ar, "ours first");
	is_str(ar, "mx.example.com;\n\tx-pin=fail (wrong PIN)\n\theader.from=bob@acme.example",
	    "A-R value");
	g_free(ar);
	is_str(hdrlist_get(&hl, "Authentication-Results", 2),
	    "other.example; dmarc=pass header.from=acme.example", "foreign A-R kept");
	is_str(hdrlist_get(&hl, "Authentication-Results", 3),
	    "mx.example.com.evil.example; x-pin=pass", "look-alike id kept (not ours)");
	is_str(hl.v[0].name, "Authentication-Results", "order: A-R");
	is_str(hl.v[1].name, "X-Support-Auth", "order: X-Support-Auth");
	is_str(hl.v[2].name, "X-Support-Account", "order: X-Support-Account");
	is_str(hdrlist_get(&hl, "Subject", 1), "help", "other fields untouched");
	is_str(hdrlist_get(&hl, "From", 1), "Bob <bob@acme.example>", "From untouched");
	edits_clear(&e);
	hdrlist_clear(&hl);

	/* unknown sender: no account header; no From: no header.from */
	hdrlist_init(&hl);
	memset(&v, 0, sizeof(v));
	v.pin = XPIN_POLICY;
	v.reason = "more than one From address";
	edits_init(&e);
	edits_for_verdict(&e, cfg, &hl, &v);
	edits_apply(&e, &hl);
	is_int(hl.n, 2, "two fields for an unknown sender");
	is_str(hdrlist_get(&hl, "Authentication-Results", 1),
	    "mx.example.com;\n\tx-pin=policy (more than one From address)",
	    "no header.from without a sender");
	edits_clear(&e);
	hdrlist_clear(&hl);

	/* a UTF-8 account name is encoded, the field stays 7-bit */
	hdrlist_init(&hl);
	memset(&v, 0, sizeof(v));
	v.pin = XPIN_NONE;
	v.reason = "no PIN found";
	strcpy(v.from, "jean@boulangerie.example");
	strcpy(v.account, "Boulangerie Mart\xc3\xadn");
	edits_init(&e);
	edits_for_verdict(&e, cfg, &hl, &v);
	edits_apply(&e, &hl);
	is_str(hdrlist_get(&hl, "X-Support-Account", 1),
	    "Boulangerie =?UTF-8?b?TWFydMOtbg==?=", "UTF-8 account name encoded");
	edits_clear(&e);
	hdrlist_clear(&hl);
	config_free(cfg);
}

/* Long subjects: cut, encoded and folded, so the MTA takes the edit. */
static void
test_subject_value(void)
{
	GString *long_text = g_string_new("");
	struct hdrlist hl;
	struct edits e;
	char *v, *line, *dec;
	size_t i, maxline = 0, cur = 0;
	int k;

	v = edits_subject_value("PIN [PIN redacted] add a line");
	is_str(v, "PIN [PIN redacted] add a line", "short ASCII subject as is");
	g_free(v);
	v = edits_subject_value("Caf\xc3\xa9 PIN [PIN redacted]");
	ok(strncmp(v, "=?", 2) == 0 || strstr(v, "=?utf-8?") || strstr(v, "=?UTF-8?"),
	    "non-ASCII subject is RFC 2047 encoded: %s", v);
	dec = g_mime_utils_header_decode_text(NULL, v);
	is_str(dec, "Caf\xc3\xa9 PIN [PIN redacted]", "... and decodes back");
	g_free(dec);
	g_free(v);

	for (k = 0; k < 400; k++)
		g_string_append(long_text, "very long subject words ");
	v = edits_subject_value(long_text->str);
	for (i = 0; v[i]; i++) {
		cur = v[i] == '\n' ? 0 : cur + 1;
		if (cur > maxline)
			maxline = cur;
	}
	ok(maxline <= 998, "a long subject is folded (longest line %zu)", maxline);
	line = g_mime_utils_header_unfold(v);
	ok(g_utf8_strlen(line, -1) <= EDITS_SUBJECT_CHARS + 4,
	    "a long subject is cut to %d characters (got %ld)",
	    EDITS_SUBJECT_CHARS, (long)g_utf8_strlen(line, -1));
	ok(g_str_has_suffix(g_strchomp(line), "..."), "a cut subject ends in ...");
	g_free(line);
	g_free(v);

	/* a raw Subject too long to prefix: decoded, cut, tagged */
	hdrlist_init(&hl);
	hdrlist_add(&hl, "Subject", long_text->str);
	edits_init(&e);
	edits_tag_subject(&e, &hl, "[Case #100042]");
	ok(e.n == 1 && strlen(e.v[0].value) < 1000 &&
	    strncmp(e.v[0].value, "[Case #100042] very long", 24) == 0,
	    "the tagged long subject is short and starts with the tag");
	edits_clear(&e);
	hdrlist_clear(&hl);
	g_string_free(long_text, TRUE);
}

int
main(void)
{
	g_mime_init();
	test_parse();
	test_change();
	test_sender();
	test_edits();
	test_subject_value();
	g_mime_shutdown();
	return tap_done();
}
