/*
 * test_rules.c - loop rules (every rule with positive and negative cases,
 * real out-of-office and list shapes), change keywords (English, French,
 * accents, case, word boundaries) and PIN requests with their decoys.
 * Every case is one row of a table with the exact expected answer.
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

/*
 * Change keywords, with the default list unless KW is set.
 */
struct kwcase {
	const char *text;
	bool want;
};

static const struct kwcase kw_default[] = {
	{ "Please update my phone number", true },
	{ "UPDATE", true },
	{ "Update.", true },
	{ "I updated my address last week", false },
	{ "two updates", false },
	{ "updating", false },
	{ "Can you forward my calls?", true },
	{ "call forwarding is broken", false },
	{ "please port my number", true },
	{ "my portable phone", false },
	{ "add a line", true },
	{ "my address is wrong", false },
	{ "please re-enable voicemail", true },
	{ "cancellation fees?", false },
	{ "CANCEL my plan", true },
	{ "Je veux d\xc3\xa9sactiver mon compte", true },
	{ "D\xc3\x89SACTIVER", true },
	{ "desactiver", true },
	{ "D\xc3\xa9sactivez la ligne", false },
	{ "Je voudrais d'annuler", true },
	{ "Veuillez annuler.", true },
	{ "TRANSF\xc3\x89RER ma ligne", true },
	{ "un transfert", false },
	{ "r\xc3\xa9initialiser", true },
	{ "re\xcc\x81initialiser (decomposed accent)", true },
	{ "REINITIALISER", true },
	{ "\xef\xbd\x95\xef\xbd\x90\xef\xbd\x84\xef\xbd\x81\xef\xbd\x94\xef"
	    "\xbd\x85 (full-width)", true },
	{ "remplacer", true },
	{ "porter", true },
	{ "hello, just a question about my bill", false },
	{ "Bonjour, une question sur ma facture", false },
	{ "", false },
	{ "\xff\xfe update", true },
	{ "changes", false },
	{ "change", true },
	{ "ex-change", true },
	{ "changeover", false },
};

static const struct kwcase kw_custom[] = {
	{ "editer", true },
	{ "\xc3\x89" "DITER", true },
	{ "STRASSE", true },
	{ "\xce\x91\xce\x9b\xce\x9b\xce\x91\xce\x93\xce\x97", true },
	{ "update", false },
	{ "\xc3\xa9" "dition", false },
};

static void
test_keywords(void)
{
	struct pm_config *cfg = config_defaults();
	char *custom[] = { "\xc3\x89" "diter", "stra\xc3\x9f" "e",
	    "\xce\xb1\xce\xbb\xce\xbb\xce\xb1\xce\xb3\xce\xae", NULL };
	struct pm_strlist kl = { custom, 3 }, empty = { NULL, 0 };
	size_t i;

	if (cfg == NULL) {
		ok(0, "config_defaults");
		return;
	}
	for (i = 0; i < sizeof(kw_default) / sizeof(kw_default[0]); i++)
		is_int(rules_change_request(kw_default[i].text,
		    &cfg->change_keywords), kw_default[i].want,
		    "change request: \"%s\"", kw_default[i].text);
	for (i = 0; i < sizeof(kw_custom) / sizeof(kw_custom[0]); i++)
		is_int(rules_change_request(kw_custom[i].text, &kl),
		    kw_custom[i].want, "custom keywords: \"%s\"",
		    kw_custom[i].text);
	ok(!rules_change_request(NULL, &cfg->change_keywords),
	    "NULL text: no change request");
	ok(!rules_change_request("update", &empty),
	    "empty keyword list: no change request");
	ok(!rules_change_request("update", NULL), "NULL keyword list");
	config_free(cfg);
}

static void
test_keywords_bounded(void)
{
	struct pm_config *cfg = config_defaults();
	size_t n = RULES_MAX_SCAN + 100;
	char *big = malloc(n + 16);

	if (cfg == NULL || big == NULL) {
		ok(0, "memory");
		free(big);
		config_free(cfg);
		return;
	}
	memset(big, 'x', n);
	memcpy(big, "update ", 7);
	big[n] = '\0';
	ok(rules_change_request(big, &cfg->change_keywords),
	    "keyword at the start of a long text");
	memcpy(big, "xxxxxxx", 7);
	memcpy(big + n, " update", 8);
	ok(!rules_change_request(big, &cfg->change_keywords),
	    "keyword past RULES_MAX_SCAN is not read");
	free(big);
	config_free(cfg);
}

/*
 * PIN requests.
 */
static const struct kwcase pin_cases[] = {
	/* English requests */
	{ "I forgot my PIN", true },
	{ "Hi, I've forgotten my PIN, can you help?", true },
	{ "forgotten PIN", true },
	{ "Forgot PIN", true },
	{ "I lost my PIN code", true },
	{ "I need a new PIN", true },
	{ "new PIN please", true },
	{ "Please reset my PIN.", true },
	{ "I don't have a PIN", true },
	{ "I don\xe2\x80\x99t have a PIN", true },
	{ "I do not have a PIN yet", true },
	{ "I never received a PIN", true },
	{ "I didn't receive my PIN", true },
	{ "I haven't got a PIN", true },
	{ "I can't find my PIN", true },
	{ "I don't remember my PIN", true },
	{ "Please send me a PIN", true },
	{ "send me my PIN please", true },
	{ "Could you send me a new PIN?", true },
	{ "I want to change my PIN", true },
	{ "What is my PIN?", true },
	{ "what's my pin", true },
	{ "I forgot my 6-digit PIN", true },
	{ "PIN lost", true },
	{ "Subject: Forgot my pin!!", true },
	{ "Don't worry, I forgot my PIN", true },
	{ "I forgot what my PIN is", true },
	/* French requests */
	{ "J'ai oubli\xc3\xa9 mon NIP", true },
	{ "j'ai oublie mon code PIN", true },
	{ "J\xe2\x80\x99" "ai perdu mon NIP", true },
	{ "J'AI OUBLI\xc3\x89 MON NIP", true },
	{ "Pouvez-vous m'envoyer un nouveau NIP ?", true },
	{ "nouveau code PIN", true },
	{ "Je n'ai pas de NIP", true },
	{ "Je n'ai pas re\xc3\xa7u de NIP", true },
	{ "Je n'ai jamais re\xc3\xa7u mon NIP", true },
	{ "Envoyez-moi un NIP svp", true },
	{ "Quel est mon NIP ?", true },
	{ "NIP oubli\xc3\xa9", true },
	{ "Je voudrais r\xc3\xa9initialiser mon NIP", true },
	{ "j'ai besoin d'un NIP", true },
	{ "Je souhaite changer mon NIP", true },
	/* decoys: someone giving a PIN, or not asking */
	{ "My PIN is 482913", false },
	{ "Here is my PIN: 482 913", false },
	{ "My new PIN is 482913", false },
	{ "new PIN number 482913", false },
	{ "PIN: 482913. Please update my address.", false },
	{ "Mon nouveau NIP est 482913", false },
	{ "Mon NIP : 482913", false },
	{ "I have my PIN", false },
	{ "I forgot my password", false },
	{ "I forgot to add my PIN last time, it is 482913", false },
	{ "Lost my wallet. PIN 482913", false },
	{ "I didn't forget my PIN, it is 482913", false },
	{ "I never lost my PIN", false },
	{ "I don't need a new PIN", false },
	{ "Je n'ai pas oubli\xc3\xa9 mon NIP", false },
	{ "The spinning wheel", false },
	{ "pinned message, snip", false },
	{ "PINs are great", false },
	{ "a new pine tree", false },
	{ "I forgot my P.I.N.", false },
	{ "I can see my PIN", false },
	{ "I can find my PIN, thanks", false },
	{ "I can get a PIN myself", false },
	{ "Nip it in the bud", false },
	{ "", false },
};

static void
test_pin_requests(void)
{
	size_t i;
	char *big;

	for (i = 0; i < sizeof(pin_cases) / sizeof(pin_cases[0]); i++)
		is_int(rules_pin_request(pin_cases[i].text), pin_cases[i].want,
		    "PIN request: \"%s\"", pin_cases[i].text);
	ok(!rules_pin_request(NULL), "NULL: no PIN request");
	if ((big = malloc(RULES_MAX_SCAN + 64)) == NULL)
		return;
	memset(big, ' ', RULES_MAX_SCAN + 32);
	memcpy(big + RULES_MAX_SCAN + 8, "forgot my PIN", 14);
	ok(!rules_pin_request(big), "a request past RULES_MAX_SCAN is not read");
	memcpy(big, "forgot my PIN", 13);
	ok(rules_pin_request(big), "a request at the start of a long text");
	free(big);
}

int
main(void)
{
	test_loops();
	test_keywords();
	test_keywords_bounded();
	test_pin_requests();
	return tap_done();
}
