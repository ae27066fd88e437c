/*
 * address.h - mail addresses: the one parser for RFC 5322 addr-specs,
 * RFC 5321 envelope paths and the mailbox of a From field.
 *
 * An addr-spec is LOCAL@DOMAIN in ASCII:
 * - LOCAL is a dot-atom (atext runs separated by single dots) or a
 *   quoted-string (printable ASCII and space between double quotes, with
 *   \X standing for X);
 * - DOMAIN is a domain name as RFC 5321 writes one (the dot-atom of RFC
 *   5322 narrowed to labels of letters, digits and hyphens, no hyphen
 *   first or last, at most 63 bytes each), or an address literal: [IPv4],
 *   [IPv6:...], or [tag:text]; one trailing dot (the DNS root) is allowed
 *   and dropped;
 * - LOCAL is at most 64 bytes, DOMAIN at most 255, the whole at most 254
 *   (RFC 5321 4.5.3.1), counted as written.
 * So "a@b@c.example" is refused (its domain "b@c.example" is not one).
 *
 * The canonical form, the one to compare and to store: the domain in
 * lower case without its trailing dot (an IP literal as inet_ntop(3)
 * writes it, with the tag "IPv6:"); the local part unchanged in case (it
 * is case-sensitive in RFC 5321), unquoted when what is inside the
 * quotes is a dot-atom ("support"@X is support@x), else quoted with only
 * '"' and '\' escaped.  Two addresses are the same address when their
 * canonical forms are equal.
 *
 * Pure: no I/O, no allocation, no global state; thread-safe.
 */
#ifndef PM_ADDRESS_H
#define PM_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define ADDRESS_LOCAL_MAX	64	/* bytes of a local part */
#define ADDRESS_DOMAIN_MAX	255	/* bytes of a domain */
#define ADDRESS_MAX		254	/* bytes of a whole addr-spec */
#define ADDRESS_LABEL_MAX	63	/* bytes of one label of a domain */

enum address_rc {
	ADDRESS_OK = 0,
	ADDRESS_NULL,		/* empty: the null path "<>" or "" */
	ADDRESS_NO_DOMAIN,	/* no "@domain" */
	ADDRESS_BAD_LOCAL,	/* the local part is neither form */
	ADDRESS_BAD_DOMAIN,	/* the domain is neither form */
	ADDRESS_LOCAL_LONG,	/* local part over ADDRESS_LOCAL_MAX */
	ADDRESS_DOMAIN_LONG,	/* domain over ADDRESS_DOMAIN_MAX */
	ADDRESS_LONG,		/* addr-spec over ADDRESS_MAX */
	ADDRESS_BAD_PATH,	/* angle brackets, source route, quotes,
				 * comments or text around it */
	ADDRESS_NOT_PLAIN,	/* valid, but ADDRESS_PLAIN was asked */
};

/* Flags for the parsers. */
#define ADDRESS_LOCAL_ONLY	0x01	/* a local part alone is accepted
					 * ("MAILER-DAEMON", RFC 5321's
					 * <Postmaster>); domain is "" */
#define ADDRESS_LONG_LOCAL	0x02	/* no 64-byte limit on the local
					 * part: the signed plus-addresses
					 * of ReplyToTokens exceed it */
#define ADDRESS_PLAIN		0x04	/* refuse a canonical local part
					 * that needs quotes, and an
					 * address literal: the addresses
					 * pinmilter keeps, matches with a
					 * From field and writes into
					 * header fields */

struct address {
	char addr[ADDRESS_MAX + 1];	/* canonical local@domain (or local) */
	char local[ADDRESS_MAX + 1];	/* canonical local part */
	char domain[ADDRESS_DOMAIN_MAX + 1];	/* canonical domain, or "" */
	char text[ADDRESS_MAX + 1];	/* the local part's text: no quotes,
					 * no escapes ("sup port" for the
					 * canonical "\"sup port\"") */
	bool quoted;		/* the canonical local part is quoted */
	bool literal;		/* the domain is an address literal */
};

/*
 * S (exactly an addr-spec: no white space or angle brackets around) into
 * OUT.  ADDRESS_OK, or why not (OUT is then cleared).
 */
enum address_rc address_parse(const char *s, unsigned flags,
    struct address *out);

/*
 * An SMTP envelope address as the MTA hands it to a milter (the argument
 * of MAIL FROM or RCPT TO): "<addr>" or a bare "addr", white space
 * around, a source route "<@relay.example,@b.example:addr>" (ignored).
 * "<>" and "" give ADDRESS_NULL.  This is the function to get the
 * canonical address of an envelope recipient (with ADDRESS_LONG_LOCAL:
 * replies to ReplyToTokens addresses have long local parts).
 */
enum address_rc address_parse_path(const char *s, unsigned flags,
    struct address *out);

/*
 * An envelope recipient read as leniently as an MTA reads it, for
 * deciding where a message goes (never for storing): what
 * address_parse_path() takes, and also white space and comments "(...)"
 * anywhere outside quotes ("< support @ example.com >"), a backslash
 * escape outside quotes ("sup\port" is support), quoted and plain pieces
 * mixed in the local part ("sup"port), and a source route without the
 * angle brackets ("@relay.example:support@example.com").  The local part
 * runs to the last '@' outside quotes and escapes.  The canonical form is
 * the one of address_parse(); OUT->text is the local part unquoted.
 */
enum address_rc address_parse_rcpt(const char *s, unsigned flags,
    struct address *out);

/*
 * The address of one RFC 5322 mailbox, the value of a From field:
 * "Name <addr>" (the display name skipped, quoted strings and comments
 * in it respected), or a bare addr-spec; comments "(...)" and folding
 * white space around its parts are ignored.  More than one <...>, an
 * unclosed quote, comment or bracket, or text after the ">" give
 * ADDRESS_BAD_PATH.  A source route in the brackets is ignored.
 */
enum address_rc address_parse_mailbox(const char *value, unsigned flags,
    struct address *out);

/* Is S a valid addr-spec (address_parse() with no flags)? */
bool address_valid(const char *s);

/* Are A and B valid addr-specs with the same canonical form? */
bool address_equal(const char *a, const char *b);

/* A short English reason for RC: "the domain is not valid". */
const char *address_rc_reason(enum address_rc rc);

#endif
