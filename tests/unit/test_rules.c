/*
 * test_rules.c - loop rules (every rule with positive and negative cases,
 * real out-of-office and list shapes).  What a message asks (a change, a
 * PIN) is test_intent.c's.  Every case is one row of a table with the
 * exact expected answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "mail/hdrlist.h"
#include "case/rules.h"
#include "tap.h"

/*
 * Loop rules.  HEADER is a message header as on the wire ("\n" between
 * fields, folding kept); SENDER the envelope sender (NULL: unknown).
 */
struct loopcase {
	const char *what;
	const char *header;
	const char *sender;
	const char *want;	/* NULL: may be answered */
};

#define ALICE	"From: Alice <alice@example.org>\nSubject: help\n"

static const struct loopcase loop_cases[] = {
	{ "a normal message", ALICE, "alice@example.org", NULL },
	{ "normal, envelope in <>", ALICE, "<alice@example.org>", NULL },
	{ "normal, envelope unknown", ALICE, NULL, NULL },
	{ "no header at all", "", "alice@example.org", NULL },
	/* Auto-Submitted */
	{ "Auto-Submitted: no", ALICE "Auto-Submitted: no\n", "a@x.org", NULL },
	{ "Auto-Submitted: No (comment)",
	    ALICE "Auto-Submitted: No (sent by a person)\n", "a@x.org", NULL },
	{ "Auto-Submitted: (comment) no",
	    ALICE "Auto-Submitted: (c (nested)) no\n", "a@x.org", NULL },
	{ "Auto-Submitted: auto-replied",
	    ALICE "Auto-Submitted: auto-replied\n", "a@x.org",
	    "Auto-Submitted: auto-replied" },
	{ "Auto-Submitted: auto-replied (vacation)",
	    ALICE "Auto-Submitted: auto-replied (vacation)\n", "a@x.org",
	    "Auto-Submitted: auto-replied" },
	{ "Auto-Submitted: Auto-Generated",
	    ALICE "Auto-Submitted: Auto-Generated\n", "a@x.org",
	    "Auto-Submitted: auto-generated" },
	{ "Auto-Submitted: auto-notified; owner-email=",
	    ALICE "Auto-Submitted: auto-notified; owner-email=\"o@x.org\"\n",
	    "a@x.org", "Auto-Submitted: auto-notified" },
	{ "Auto-Submitted: auto-replied;x=1 (no space)",
	    ALICE "Auto-Submitted: auto-replied;x=1\n", "a@x.org",
	    "Auto-Submitted: auto-replied" },
	{ "Auto-Submitted folded",
	    ALICE "Auto-Submitted:\n   auto-replied\n", "a@x.org",
	    "Auto-Submitted: auto-replied" },
	{ "Auto-Submitted: an unknown value",
	    ALICE "Auto-Submitted: auto-forwarded\n", "a@x.org",
	    "Auto-Submitted: not no" },
	{ "Auto-Submitted: no-thanks is not no",
	    ALICE "Auto-Submitted: no-thanks\n", "a@x.org",
	    "Auto-Submitted: not no" },
	{ "Auto-Submitted empty",
	    ALICE "Auto-Submitted: \n", "a@x.org", "Auto-Submitted: not no" },
	{ "auto-submitted, field name in lower case",
	    ALICE "auto-submitted: auto-replied\n", "a@x.org",
	    "Auto-Submitted: auto-replied" },
	{ "two Auto-Submitted, the second automatic",
	    ALICE "Auto-Submitted: no\nAuto-Submitted: auto-generated\n",
	    "a@x.org", "Auto-Submitted: auto-generated" },
	/* Precedence */
	{ "Precedence: Bulk", ALICE "Precedence: Bulk\n", "a@x.org",
	    "Precedence: bulk" },
	{ "Precedence: list", ALICE "Precedence: list\n", "a@x.org",
	    "Precedence: list" },
	{ "Precedence: junk (c)", ALICE "Precedence: junk (spam)\n", "a@x.org",
	    "Precedence: junk" },
	{ "Precedence: first-class", ALICE "Precedence: first-class\n",
	    "a@x.org", NULL },
	{ "Precedence: normal", ALICE "Precedence: normal\n", "a@x.org", NULL },
	{ "Precedence: bulky", ALICE "Precedence: bulky\n", "a@x.org", NULL },
	/* multipart/report: bounces, read receipts, feedback reports */
	{ "read receipt (multipart/report)", ALICE "Content-Type: multipart/report;"
	    " report-type=disposition-notification; boundary=x\n", "a@x.org",
	    "multipart/report (bounce, receipt or feedback report)" },
	{ "MULTIPART/REPORT folded", ALICE "Content-Type:\n MULTIPART/REPORT;\n"
	    " report-type=delivery-status\n", "a@x.org",
	    "multipart/report (bounce, receipt or feedback report)" },
	{ "multipart/reports is not a report", ALICE "Content-Type: "
	    "multipart/reports; boundary=x\n", "a@x.org", NULL },
	{ "multipart/mixed", ALICE "Content-Type: multipart/mixed; boundary=x\n",
	    "a@x.org", NULL },
	/* List-* */
	{ "List-Unsubscribe only",
	    ALICE "List-Unsubscribe: <mailto:leave@lists.example>\n", "a@x.org",
	    "List-* field" },
	{ "List-Id", ALICE "List-Id: Users <users.lists.example>\n", "a@x.org",
	    "List-* field" },
	{ "list-post in lower case", ALICE "list-post: <mailto:l@x>\n",
	    "a@x.org", "List-* field" },
	{ "List-Unsubscribe-Post", ALICE "List-Unsubscribe-Post: "
	    "List-Unsubscribe=One-Click\n", "a@x.org", "List-* field" },
	{ "Listing: is not List-", ALICE "Listing: 4\n", "a@x.org", NULL },
	{ "X-List-Id is not List-", ALICE "X-List-Id: x\n", "a@x.org", NULL },
	/* our own notices */
	{ "X-Support-Notice", ALICE "X-Support-Notice: case-created\n",
	    "a@x.org", "X-Support-Notice: our own notice" },
	{ "X-Support-Notice empty", ALICE "X-Support-Notice: \n", "a@x.org",
	    "X-Support-Notice: our own notice" },
	/* envelope sender */
	{ "null sender \"\"", ALICE, "", "null sender" },
	{ "null sender <>", ALICE, "<>", "null sender" },
	{ "null sender \" <> \"", ALICE, " <> ", "null sender" },
	{ "MAILER-DAEMON@x", ALICE, "MAILER-DAEMON@mx.example.org",
	    "sender MAILER-DAEMON" },
	{ "<mailer-daemon@x>", ALICE, "<mailer-daemon@mx.example.org>",
	    "sender MAILER-DAEMON" },
	{ "MAILER-DAEMON without domain", ALICE, "MAILER-DAEMON",
	    "sender MAILER-DAEMON" },
	{ "mailer-daemonx is a person", ALICE, "mailer-daemonx@x.org", NULL },
	{ "owner-foo@", ALICE, "owner-foo@lists.example.org",
	    "sender owner-*" },
	{ "OWNER-foo@", ALICE, "<OWNER-foo@lists.example.org>",
	    "sender owner-*" },
	{ "owner@ is a person", ALICE, "owner@example.org", NULL },
	{ "owner-@ (nothing after)", ALICE, "owner-@example.org", NULL },
	{ "homeowner-x@ is a person", ALICE, "homeowner-x@example.org", NULL },
	{ "foo-request@", ALICE, "foo-request@lists.example.org",
	    "sender *-request" },
	{ "FOO-REQUEST@", ALICE, "FOO-REQUEST@lists.example.org",
	    "sender *-request" },
	{ "-request@ (nothing before)", ALICE, "-request@example.org", NULL },
	{ "foo-requests@ is a person", ALICE, "foo-requests@example.org", NULL },
	{ "LISTSERV@", ALICE, "LISTSERV@lists.example.org",
	    "sender list server" },
	{ "majordomo@", ALICE, "majordomo@lists.example.org",
	    "sender list server" },
	{ "sender: our support address", ALICE, "support@example.com",
	    "sender: our own address" },
	{ "sender: our support plus address", ALICE,
	    "<Support+c-1-abc@Example.COM>", "sender: our own address" },
	{ "sender: our NoticeFrom", ALICE, "noreply@example.com",
	    "sender: our own address" },
	{ "sender: support at another domain", ALICE, "support@example.net",
	    NULL },
	/* sender addresses are read by the address parser */
	{ "quoted \"MAILER-DAEMON\"@x", ALICE, "<\"MAILER-DAEMON\"@x.org>",
	    "sender MAILER-DAEMON" },
	{ "source route <@relay:owner-x@>", ALICE,
	    "<@relay.example:owner-x@lists.example>", "sender owner-*" },
	{ "sender: our token plus-address, local part over 64 bytes", ALICE,
	    "<support+c-100042-ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOP"
	    "QRSTUV@example.com>", "sender: our own address" },
	{ "a@b@c.example: not an address, no sender rule", ALICE,
	    "<owner-a@b@c.example>", NULL },
	/* From */
	{ "From: MAILER-DAEMON (comment)",
	    "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n",
	    "bounces@example.org", "From: MAILER-DAEMON" },
	{ "From: name <owner-list@>", "From: List <owner-list@x.org>\n",
	    "a@x.org", "From: owner-*" },
	{ "From: quoted \"owner-list\"@", "From: \"owner-list\"@x.org\n",
	    "a@x.org", "From: owner-*" },
	{ "From: MAILER-DAEMON without domain",
	    "From: MAILER-DAEMON (Mail Delivery System)\n", "a@x.org",
	    "From: MAILER-DAEMON" },
	{ "From: our NoticeFrom, domain in upper case",
	    "From: <noreply@EXAMPLE.COM.>\n", "a@x.org",
	    "From: our own address" },
	{ "From: our support address",
	    "From: \"Support\" <Support@Example.com>\n", "a@x.org",
	    "From: our own address" },
	{ "From: our NoticeFrom", "From: noreply@example.com\n", "a@x.org",
	    "From: our own address" },
	{ "From: quoted name looking like a daemon",
	    "From: \"mailer-daemon@x.org\" <alice@example.org>\n", "a@x.org",
	    NULL },
	{ "From: comment looking like an address",
	    "From: alice@example.org (owner-x@y.org)\n", "a@x.org", NULL },
	{ "From: <> inside a comment ignored",
	    "From: alice@example.org (<support@example.com>)\n", "a@x.org",
	    NULL },
	/* real out-of-office and robot shapes */
	{ "Outlook/Exchange OOF (auto-generated + suppress)",
	    "From: Bob <bob@corp.example>\n"
	    "Subject: Automatic reply: help\n"
	    "Auto-Submitted: auto-generated\n"
	    "X-Auto-Response-Suppress: All\n"
	    "X-MS-Exchange-Inbox-Rules-Loop: bob@corp.example\n",
	    "bob@corp.example", "Auto-Submitted: auto-generated" },
	{ "older Exchange OOF (suppress only)",
	    "From: Bob <bob@corp.example>\n"
	    "Subject: Out of Office: help\n"
	    "X-Auto-Response-Suppress: All\n", "bob@corp.example",
	    "X-Auto-Response-Suppress" },
	{ "X-Auto-Response-Suppress: DR, OOF",
	    ALICE "X-Auto-Response-Suppress: DR, OOF\n", "a@x.org",
	    "X-Auto-Response-Suppress" },
	{ "X-Auto-Response-Suppress: autoreply",
	    ALICE "X-Auto-Response-Suppress: autoreply\n", "a@x.org",
	    "X-Auto-Response-Suppress" },
	{ "X-Auto-Response-Suppress: DR, RN, NRN (receipts only)",
	    ALICE "X-Auto-Response-Suppress: DR, RN, NRN\n", "a@x.org", NULL },
	{ "Gmail vacation responder",
	    "From: Carol <carol@gmail.example>\n"
	    "Subject: Re: help\n"
	    "Auto-Submitted: auto-replied\n"
	    "Precedence: bulk\n", "carol@gmail.example",
	    "Auto-Submitted: auto-replied" },
	{ "Precedence: bulk only (old vacation programs)",
	    "From: Dan <dan@example.org>\nSubject: away\nPrecedence: bulk\n",
	    "dan@example.org", "Precedence: bulk" },
	{ "X-Autoreply: yes", ALICE "X-Autoreply: yes\n", "a@x.org",
	    "X-Autoreply" },
	{ "X-Autorespond", ALICE "X-Autorespond: away\n", "a@x.org",
	    "X-Autorespond" },
	{ "X-Autogenerated: Reply", ALICE "X-Autogenerated: Reply\n",
	    "a@x.org", "X-Autogenerated" },
	{ "mailing list post",
	    "From: Eve <eve@example.org>\n"
	    "List-Id: <users.lists.example>\n"
	    "Precedence: list\n", "users-bounces@lists.example",
	    "List-* field" },
	{ "bounce (DSN)",
	    "From: Mail Delivery System <MAILER-DAEMON@mx.example>\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Auto-Submitted: auto-replied\n", "", "null sender" },
	{ "a person mentioning auto-replies in the subject",
	    "From: Alice <alice@example.org>\n"
	    "Subject: Auto-Submitted: auto-replied is what I see\n",
	    "alice@example.org", NULL },
};

static struct pm_config *
own_config(void)
{
	struct pm_config *cfg = config_defaults();

	if (cfg == NULL)
		return NULL;
	cfg->support_addresses.v = calloc(2, sizeof(char *));
	if (cfg->support_addresses.v == NULL)
		return cfg;
	cfg->support_addresses.v[0] = strdup("support@example.com");
	cfg->support_addresses.n = 1;
	cfg->notice_from = strdup("noreply@example.com");
	return cfg;
}

static void
test_loops(void)
{
	struct pm_config *cfg = own_config();
	struct hdrlist hl;
	size_t i, body;

	for (i = 0; i < sizeof(loop_cases) / sizeof(loop_cases[0]); i++) {
		const struct loopcase *t = &loop_cases[i];

		hdrlist_init(&hl);
		hdrlist_parse(&hl, t->header, strlen(t->header), &body);
		is_str(rules_no_answer(&hl, t->sender, cfg), t->want, "%s",
		    t->what);
		hdrlist_clear(&hl);
	}
	is_str(rules_no_answer(NULL, NULL, NULL), NULL,
	    "nothing known: may be answered");
	is_str(rules_no_answer(NULL, "support@example.com", NULL), NULL,
	    "no config: our own address is not known");
	hdrlist_init(&hl);
	hdrlist_add(&hl, "From", "support@example.com");
	is_str(rules_no_answer(&hl, "a@x.org", NULL), NULL,
	    "no config: From our support address is not known");
	is_str(rules_no_answer(&hl, "a@x.org", cfg), "From: our own address",
	    "hdrlist_add'ed From: our support address");
	hdrlist_clear(&hl);
	config_free(cfg);
}

int
main(void)
{
	test_loops();
	return tap_done();
}
