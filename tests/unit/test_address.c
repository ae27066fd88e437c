/*
 * test_address.c - the one address parser: addr-specs (valid, refused,
 * lengths, canonical form), envelope paths as a milter receives them,
 * and the mailbox of a From value.  Every case is one row: the exact
 * input, the exact result code and canonical address.
 */
#include <stdio.h>
#include <string.h>

#include "util/address.h"
#include "tap.h"

#define OK	ADDRESS_OK

struct row {
	const char *in;
	unsigned flags;
	enum address_rc rc;
	const char *want;	/* canonical address when OK, else "" */
};

/* addr-specs: address_parse() */
static const struct row spec_rows[] = {
	/* plain and canonical */
	{ "alice@example.com", 0, OK, "alice@example.com" },
	{ "Alice@Example.COM", 0, OK, "Alice@example.com" },
	{ "alice@example.com.", 0, OK, "alice@example.com" },
	{ "first.last@sub.example.org", 0, OK, "first.last@sub.example.org" },
	{ "a+tag-x_y=z@example.com", 0, OK, "a+tag-x_y=z@example.com" },
	{ "!#$%&'*+-/=?^_`{|}~@example.com", 0, OK,
	    "!#$%&'*+-/=?^_`{|}~@example.com" },
	{ "a@localhost", 0, OK, "a@localhost" },
	{ "a@xn--bcher-kva.example", 0, OK, "a@xn--bcher-kva.example" },
	{ "a@123.example", 0, OK, "a@123.example" },
	/* quoted local parts */
	{ "\"support\"@x.example", 0, OK, "support@x.example" },
	{ "\"first.last\"@x.example", 0, OK, "first.last@x.example" },
	{ "\"\\s\\u\\p\"@x.example", 0, OK, "sup@x.example" },
	{ "\"john doe\"@x.example", 0, OK, "\"john doe\"@x.example" },
	{ "\"a@b\"@c.example", 0, OK, "\"a@b\"@c.example" },
	{ "\"a\\\"b\"@x.example", 0, OK, "\"a\\\"b\"@x.example" },
	{ "\"a\\\\b\"@x.example", 0, OK, "\"a\\\\b\"@x.example" },
	{ "\"a..b\"@x.example", 0, OK, "\"a..b\"@x.example" },
	{ "\"\"@x.example", 0, OK, "\"\"@x.example" },
	{ "\"a\\ b\"@x.example", 0, OK, "\"a b\"@x.example" },
	/* address literals */
	{ "a@[192.0.2.1]", 0, OK, "a@[192.0.2.1]" },
	{ "a@[IPv6:2001:DB8:0:0:0:0:0:1]", 0, OK, "a@[IPv6:2001:db8::1]" },
	{ "a@[ipv6:::1]", 0, OK, "a@[IPv6:::1]" },
	{ "a@[X-Tag:Some.Thing]", 0, OK, "a@[x-tag:some.thing]" },
	{ "a@[192.0.2.256]", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@[192.0.2.01]", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@[IPv6:1.2.3.4]", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@[1.2.3.4].", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@[]", 0, ADDRESS_BAD_DOMAIN, "" },
	/* refused: the drifted fact first */
	{ "a@b@c.example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "support", 0, ADDRESS_NO_DOMAIN, "" },
	{ "@b.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "a@", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "", 0, ADDRESS_NULL, "" },
	{ ".a@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "a.@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "a..b@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "a b@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "a@x..example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@.x.example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@x.example..", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@.", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@x example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@ex_ample.com", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@ex!ample.com", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@-x.example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@x-.example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "<a@x.example>", 0, ADDRESS_BAD_LOCAL, "" },
	{ "a(c)@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "\"a\"b@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "\"abc@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "\"a\tb\"@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "\"a\\\"@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "\xc3\xa9lodie@x.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "a@\xc3\xa9.example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "a@x.example\n", 0, ADDRESS_BAD_DOMAIN, "" },
	/* a local part alone, when asked for */
	{ "MAILER-DAEMON", ADDRESS_LOCAL_ONLY, OK, "MAILER-DAEMON" },
	{ "\"postmaster\"", ADDRESS_LOCAL_ONLY, OK, "postmaster" },
	{ "a@", ADDRESS_LOCAL_ONLY, ADDRESS_BAD_DOMAIN, "" },
	/* plain addresses only, when asked for */
	{ "\"support\"@x.example", ADDRESS_PLAIN, OK, "support@x.example" },
	{ "\"john doe\"@x.example", ADDRESS_PLAIN, ADDRESS_NOT_PLAIN, "" },
	{ "a@[192.0.2.1]", ADDRESS_PLAIN, ADDRESS_NOT_PLAIN, "" },
	{ "a@b@c.example", ADDRESS_PLAIN, ADDRESS_BAD_DOMAIN, "" },
};

/* envelope paths: address_parse_path() */
static const struct row path_rows[] = {
	{ "<alice@example.com>", 0, OK, "alice@example.com" },
	{ "alice@example.com", 0, OK, "alice@example.com" },
	{ "  <Alice@EXAMPLE.com.>\t", 0, OK, "Alice@example.com" },
	{ "<\"support\"@Example.com>", 0, OK, "support@example.com" },
	{ "<\"a\\\"b\\\\c\"@x.example>", 0, OK, "\"a\\\"b\\\\c\"@x.example" },
	{ "<\"x\\y\"@x.example>", 0, OK, "xy@x.example" },
	{ "<@relay.example:alice@example.com>", 0, OK, "alice@example.com" },
	{ "<@a.example,@[192.0.2.1]:b@c.example>", 0, OK, "b@c.example" },
	{ "<@[IPv6:::1]:b@c.example>", 0, OK, "b@c.example" },
	{ "<>", 0, ADDRESS_NULL, "" },
	{ "", 0, ADDRESS_NULL, "" },
	{ "  <>  ", 0, ADDRESS_NULL, "" },
	{ "<a@b@c.example>", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "<alice@example.com", 0, ADDRESS_BAD_PATH, "" },
	{ "alice@example.com>", 0, ADDRESS_BAD_PATH, "" },
	{ "<", 0, ADDRESS_BAD_PATH, "" },
	{ "< alice@example.com >", 0, ADDRESS_BAD_LOCAL, "" },
	{ "<<a@x.example>>", 0, ADDRESS_BAD_LOCAL, "" },
	{ "<@relay.example>", 0, ADDRESS_BAD_PATH, "" },
	{ "<@relay.example:>", 0, ADDRESS_BAD_PATH, "" },
	{ "<@relay.example,b@c.example>", 0, ADDRESS_BAD_PATH, "" },
	{ "<@:b@c.example>", 0, ADDRESS_BAD_PATH, "" },
	{ "<@bad..example:b@c.example>", 0, ADDRESS_BAD_PATH, "" },
	{ "@relay.example:b@c.example", 0, ADDRESS_BAD_LOCAL, "" },
	{ "<Postmaster>", 0, ADDRESS_NO_DOMAIN, "" },
	{ "<Postmaster>", ADDRESS_LOCAL_ONLY, OK, "Postmaster" },
	{ "MAILER-DAEMON", ADDRESS_LOCAL_ONLY, OK, "MAILER-DAEMON" },
};

/* envelope recipients read as an MTA reads them: address_parse_rcpt() */
static const struct row rcpt_rows[] = {
	/* the forms that reach the support mailbox */
	{ "<support@example.com>", 0, OK, "support@example.com" },
	{ "support@example.com", 0, OK, "support@example.com" },
	{ "<\"support\"@example.com>", 0, OK, "support@example.com" },
	{ "\"support\"@example.com", 0, OK, "support@example.com" },
	{ "<support@example.com.>", 0, OK, "support@example.com" },
	{ "<@relay.example:support@example.com>", 0, OK,
	    "support@example.com" },
	{ "@relay.example:support@example.com", 0, OK, "support@example.com" },
	{ "<@a.example,@[IPv6:::1]:support@example.com>", 0, OK,
	    "support@example.com" },
	{ "<support@EXAMPLE.com>", 0, OK, "support@example.com" },
	{ "<SUPPORT@Example.COM.>", 0, OK, "SUPPORT@example.com" },
	{ "<sup\\port@example.com>", 0, OK, "support@example.com" },
	{ "<\"sup\\port\"@example.com>", 0, OK, "support@example.com" },
	{ "<\\s\\u\\p\\p\\o\\r\\t@example.com>", 0, OK, "support@example.com" },
	{ "<\"sup\"port@example.com>", 0, OK, "support@example.com" },
	{ "< support@example.com >", 0, OK, "support@example.com" },
	{ "<support @ example.com>", 0, OK, "support@example.com" },
	{ " support\t@example.com ", 0, OK, "support@example.com" },
	{ "<support(help desk)@example.com>", 0, OK, "support@example.com" },
	{ "<\"support+x\"@example.com>", 0, OK, "support+x@example.com" },
	{ "<@relay.example:\"sup\\port\"@EXAMPLE.com.>", 0, OK,
	    "support@example.com" },
	/* other addresses stay other */
	{ "<\"support \"@example.com>", 0, OK, "\"support \"@example.com" },
	{ "<\"sup port\"@example.com>", 0, OK, "\"sup port\"@example.com" },
	{ "<\"support@example.com\"@evil.example>", 0, OK,
	    "\"support@example.com\"@evil.example" },
	{ "<support\\@example.com@evil.example>", 0, OK,
	    "\"support@example.com\"@evil.example" },
	{ "<a@b@example.com>", 0, ADDRESS_BAD_LOCAL, "" },
	{ "<support@example.com.evil>", 0, OK, "support@example.com.evil" },
	/* refused */
	{ "<>", 0, ADDRESS_NULL, "" },
	{ "", 0, ADDRESS_NULL, "" },
	{ "<support@example.com", 0, ADDRESS_BAD_PATH, "" },
	{ "<<support@example.com>>", 0, ADDRESS_BAD_PATH, "" },
	{ "<\"support@example.com>", 0, ADDRESS_BAD_PATH, "" },
	{ "<support(@example.com>", 0, ADDRESS_BAD_PATH, "" },
	{ "<support@example.com\\>", 0, ADDRESS_BAD_PATH, "" },
	{ "<sup\rport@example.com>", 0, ADDRESS_BAD_PATH, "" },
	{ "<sup\\\tport@example.com>", 0, ADDRESS_BAD_PATH, "" },
	{ "<sup\\\x8dport@example.com>", 0, ADDRESS_BAD_PATH, "" },
	{ "<\"sup\\\x01\"@example.com>", 0, ADDRESS_BAD_PATH, "" },
	{ "<\"sup\tport\"@example.com>", 0, ADDRESS_BAD_PATH, "" },
	{ "<@relay.example>", 0, ADDRESS_BAD_PATH, "" },
	{ "<support@\"example.com\">", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "<support@ex\\ample.com>", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "<support@exa mple..com>", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "<sup[port@example.com>", 0, ADDRESS_BAD_LOCAL, "" },
	{ "<support>", 0, ADDRESS_NO_DOMAIN, "" },
	{ "<Postmaster>", ADDRESS_LOCAL_ONLY, OK, "Postmaster" },
};

/* From values: address_parse_mailbox() */
static const struct row mailbox_rows[] = {
	{ "bob@acme.example", 0, OK, "bob@acme.example" },
	{ "Bob <Bob@Acme.Example>", 0, OK, "Bob@acme.example" },
	{ "\"Smith, Bob\" <bob@acme.example>", 0, OK, "bob@acme.example" },
	{ "\"a <x@y>\" <bob@acme.example>", 0, OK, "bob@acme.example" },
	{ "=?UTF-8?B?w4lsb2RpZQ==?= <elodie@acme.example>", 0, OK,
	    "elodie@acme.example" },
	{ "bob@acme.example (Bob (the) Builder)", 0, OK, "bob@acme.example" },
	{ "(c) bob @ acme.example", 0, OK, "bob@acme.example" },
	{ "Bob\r\n <bob@acme.example>", 0, OK, "bob@acme.example" },
	{ "<\"support\"@acme.example>", 0, OK, "support@acme.example" },
	{ "\"bob smith\"@acme.example", 0, OK, "\"bob smith\"@acme.example" },
	{ "List <@r.example:owner-x@lists.example>", 0, OK,
	    "owner-x@lists.example" },
	{ "a@b@c.example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "Bob <a@b@c.example>", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "Bob <bob@acme.example> <eve@evil.example>", 0, ADDRESS_BAD_PATH,
	    "" },
	{ "Bob <bob@acme.example> x", 0, ADDRESS_BAD_PATH, "" },
	{ "Bob <bob@acme.example", 0, ADDRESS_BAD_PATH, "" },
	{ "Bob bob@acme.example", 0, ADDRESS_BAD_PATH, "" },
	{ "\"Bob <bob@acme.example>", 0, ADDRESS_BAD_PATH, "" },
	{ "bob@acme.example (Bob", 0, ADDRESS_BAD_PATH, "" },
	{ "a@acme.example, b@acme.example", 0, ADDRESS_BAD_DOMAIN, "" },
	{ "Bob <>", 0, ADDRESS_NULL, "" },
	{ "", 0, ADDRESS_NULL, "" },
	{ "MAILER-DAEMON (Mail Delivery System)", ADDRESS_LOCAL_ONLY, OK,
	    "MAILER-DAEMON" },
	{ "MAILER-DAEMON (Mail Delivery System)", 0, ADDRESS_NO_DOMAIN, "" },
};

static void
check_rows(const char *fn, const struct row *rows, size_t n,
    enum address_rc (*parse)(const char *, unsigned, struct address *))
{
	struct address a;
	size_t i;

	for (i = 0; i < n; i++) {
		enum address_rc rc = parse(rows[i].in, rows[i].flags, &a);

		is_int(rc, rows[i].rc, "%s(\"%s\", %u): %s", fn, rows[i].in,
		    rows[i].flags, address_rc_reason(rows[i].rc));
		is_str(a.addr, rows[i].want, "%s(\"%s\"): canonical form", fn,
		    rows[i].in);
	}
}

/* The parts of a parsed address. */
static void
test_parts(void)
{
	struct address a;

	is_int(address_parse("\"John Doe\"@Example.ORG.", 0, &a), OK,
	    "quoted local part with a space");
	is_str(a.local, "\"John Doe\"", "its local part stays quoted");
	is_str(a.domain, "example.org", "its domain is lower case, no root dot");
	ok(a.quoted && !a.literal, "quoted, not a literal");
	is_int(address_parse("\"plain\"@[192.0.2.7]", 0, &a), OK,
	    "a literal domain");
	is_str(a.local, "plain", "the local part is unquoted");
	ok(!a.quoted && a.literal, "not quoted, a literal");
	is_int(address_parse("MAILER-DAEMON", ADDRESS_LOCAL_ONLY, &a), OK,
	    "a local part alone");
	is_str(a.domain, "", "has no domain");
	is_int(address_parse_rcpt("<\"sup port\"@X.example>", 0, &a), OK,
	    "a recipient with a quoted space");
	is_str(a.text, "sup port", "its text is unquoted");
	is_str(a.local, "\"sup port\"", "its canonical local part is quoted");
	is_int(address_parse("\"a\\\"b\"@x.example", 0, &a), OK,
	    "an addr-spec with an escaped quote");
	is_str(a.text, "a\"b", "its text has the quote, no backslash");
}

/* The length limits, at and just past each. */
static void
test_lengths(void)
{
	char local[300], buf[600], dom[300], *p;
	struct address a;

	memset(local, 'l', 64);
	local[64] = '\0';
	snprintf(buf, sizeof(buf), "%s@x.example", local);
	is_int(address_parse(buf, 0, &a), OK, "local part of 64 bytes");
	snprintf(buf, sizeof(buf), "%sl@x.example", local);
	is_int(address_parse(buf, 0, &a), ADDRESS_LOCAL_LONG,
	    "local part of 65 bytes");
	is_int(address_parse(buf, ADDRESS_LONG_LOCAL, &a), OK,
	    "65 bytes with ADDRESS_LONG_LOCAL");
	is_str(a.addr, buf, "kept whole");
	snprintf(buf, sizeof(buf), "\"%.62s\"@x.example", local);
	is_int(address_parse(buf, 0, &a), OK, "quoted local part of 64 bytes");
	snprintf(buf, sizeof(buf), "\"%.63s\"@x.example", local);
	is_int(address_parse(buf, 0, &a), ADDRESS_LOCAL_LONG,
	    "quoted local part of 65 bytes (63 inside the quotes)");

	/* a domain of 4 labels of 63, with 3 dots: 255 bytes */
	snprintf(dom, sizeof(dom), "%.63s.%.63s.%.63s.%.63s", local, local,
	    local, local);
	for (p = dom; *p != '\0'; p++)
		if (*p == 'l')
			*p = 'd';
	is_int((int)strlen(dom), 255, "a domain of 255 bytes");
	snprintf(buf, sizeof(buf), "a@%s", dom);
	is_int(address_parse(buf, 0, &a), ADDRESS_LONG,
	    "a@ and 255 bytes: 257 in all, too long");
	snprintf(buf, sizeof(buf), "a@%sd", dom);
	is_int(address_parse(buf, 0, &a), ADDRESS_DOMAIN_LONG,
	    "a domain of 256 bytes");
	snprintf(buf, sizeof(buf), "a@%s", dom + 3);
	is_int((int)strlen(buf), 254, "an address of 254 bytes");
	is_int(address_parse(buf, 0, &a), OK, "254 bytes in all is valid");
	snprintf(buf, sizeof(buf), "ab@%s", dom + 3);
	is_int(address_parse(buf, 0, &a), ADDRESS_LONG, "255 bytes in all");
	snprintf(buf, sizeof(buf), "a@%.63s.example", dom);
	is_int(address_parse(buf, 0, &a), OK, "a label of 63 bytes");
	snprintf(buf, sizeof(buf), "a@%.63sd.example", dom);
	is_int(address_parse(buf, 0, &a), ADDRESS_BAD_DOMAIN,
	    "a label of 64 bytes");
}

static void
test_equal(void)
{
	ok(address_equal("\"support\"@x.example", "support@x.example"),
	    "\"support\"@x == support@x");
	ok(address_equal("support@X.Example.", "support@x.example"),
	    "domain case and root dot do not matter");
	ok(!address_equal("Support@x.example", "support@x.example"),
	    "the local part's case does matter");
	ok(!address_equal("a@b@c.example", "a@b@c.example"),
	    "an invalid address equals nothing, not even itself");
	ok(address_valid("a@[IPv6:::1]"), "address_valid: an IPv6 literal");
	ok(!address_valid("a@b@c.example"), "address_valid: a@b@c.example");
	is_str(address_rc_reason(ADDRESS_BAD_DOMAIN),
	    "the domain is neither a domain name nor an address literal",
	    "a reason for a bad domain");
}

int
main(void)
{
	check_rows("address_parse", spec_rows,
	    sizeof(spec_rows) / sizeof(spec_rows[0]), address_parse);
	check_rows("address_parse_path", path_rows,
	    sizeof(path_rows) / sizeof(path_rows[0]), address_parse_path);
	check_rows("address_parse_rcpt", rcpt_rows,
	    sizeof(rcpt_rows) / sizeof(rcpt_rows[0]), address_parse_rcpt);
	check_rows("address_parse_mailbox", mailbox_rows,
	    sizeof(mailbox_rows) / sizeof(mailbox_rows[0]),
	    address_parse_mailbox);
	test_parts();
	test_lengths();
	test_equal();
	return tap_done();
}
