/*
 * test_quote.c - quote_cut() and html_to_text() on the reply formats of
 * real mail clients: tables of input and exact expected output.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mail/html.h"
#include "mail/quote.h"
#include "tap.h"

struct text_case {
	const char *name;
	const char *in;
	const char *want;
};

static const struct text_case quote_cases[] = {
	/* no quotes at all */
	{ "plain text kept", "Hello,\nmy PIN is 482913.\nThanks",
	  "Hello,\nmy PIN is 482913.\nThanks" },
	{ "CRLF becomes LF", "Hello\r\nPIN 482913\r\n", "Hello\nPIN 482913" },
	{ "empty", "", "" },
	{ "blank lines only", "\n\n  \n\t\n", "" },
	{ "leading blank lines trimmed", "\n\n  \nHi\n", "Hi" },
	{ "trailing blank lines trimmed", "PIN 482913\n   \n\t\n",
	  "PIN 482913" },
	{ "inner blank line kept", "a\n\nb", "a\n\nb" },

	/* ">" quotes */
	{ "> line dropped", "My PIN is 482913\n> old PIN 111111\n",
	  "My PIN is 482913" },
	{ "indented > dropped", "ok\n   > quoted 111111\nbye", "ok\nbye" },
	{ "tab-indented > dropped", "\t> quoted\nmine", "mine" },
	{ "nested quotes dropped", "answer\n>> deep 111111\n> mid\n",
	  "answer" },
	{ ">text without space", ">text\nmine", "mine" },
	{ "bare > lines", ">\n>\nok", "ok" },
	{ "inline reply kept", "> What is your PIN?\n482913\n> And your "
	  "account?\nACME", "482913\nACME" },
	{ "bottom posting kept", "> Please send your PIN\n> Support\n\n"
	  "Here it is: 482913\n\nJohn", "Here it is: 482913\n\nJohn" },

	/* Gmail, Front, generic "On ... wrote:" */
	{ "gmail attribution", "PIN 482913\n\nOn Mon, Jan 8, 2024 at 10:15 AM "
	  "Support <support@example.com> wrote:\n> Please send your PIN.\n"
	  "> Case 100042", "PIN 482913" },
	{ "gmail attribution wrapped", "PIN 482913\n\nOn Mon, Jan 8, 2024 at "
	  "10:15 AM Example Support Team <\nsupport@example.com> wrote:\n\n"
	  "> quoted", "PIN 482913" },
	{ "wrapped attribution, unquoted text", "Here: 482913\n\nOn Tue, 9 Jan "
	  "2024, Support Desk\n<support@example.com> wrote:\nYour old PIN "
	  "111111 expired.", "Here: 482913" },
	{ "front attribution", "PIN 482913\n\nOn Mon, Jan 8, 2024 at 10:15 AM, "
	  "Example Support <support@example.com> wrote:\n\nHi John,\nold",
	  "PIN 482913" },
	{ "lower-case on", "PIN 482913\non Mon, Jan 8 support wrote:\nold",
	  "PIN 482913" },
	{ "attribution with trailing blanks", "PIN 482913\nOn Mon, Support "
	  "wrote:   \nold", "PIN 482913" },
	{ "attribution with CRLF", "PIN 482913\r\nOn Mon, Support wrote:\r\n"
	  "old\r\n", "PIN 482913" },
	{ "first attribution cuts", "new 482913\nOn Mon, A wrote:\nmiddle\n"
	  "On Sun, B wrote:\n> x", "new 482913" },
	{ "attribution introducing > lines: bottom-post answer kept",
	  "On Mon, Jan 8, 2024 Support wrote:\n> What is your PIN?\n482913",
	  "482913" },
	{ "wrapped attribution introducing > lines", "On Mon, Jan 8, 2024 at 10:00,\n"
	  "Acme Support <support@example.com> wrote:\n\n> Your PIN?\n\nPIN 482913",
	  "PIN 482913" },
	{ "attribution without > lines still cuts", "My PIN is 482913\n\n"
	  "On Mon, Jan 8, 2024 Support wrote:\nold text without quote marks\nPIN 111111",
	  "My PIN is 482913" },
	{ "quote, answer, attribution", "> Your PIN?\n482913\n\nOn Mon, Support "
	  "wrote:\n> older", "482913" },
	{ "On sentence is text", "On Monday I lost my card.\nPIN 482913",
	  "On Monday I lost my card.\nPIN 482913" },
	{ "On line, blank, text", "On my account page\n\nPIN 482913",
	  "On my account page\n\nPIN 482913" },
	{ "wrote: inside a sentence", "He wrote: PIN 482913",
	  "He wrote: PIN 482913" },

	/* Thunderbird */
	{ "thunderbird attribution", "My code is 482913.\n\nOn 08/01/2024 10:15, "
	  "Support wrote:\n> Hello", "My code is 482913." },
	{ "name wrote: then quote", "Code 482913\n\nSupport Team wrote:\n"
	  "> old 111111", "Code 482913" },
	{ "name wrote: blank then quote", "Code 482913\nSupport wrote:\n\n"
	  "> old", "Code 482913" },
	{ "name wrote: without quote kept", "My colleague wrote:\nthe PIN is "
	  "482913", "My colleague wrote:\nthe PIN is 482913" },

	/* Apple Mail, iPhone */
	{ "apple quoted attribution", "482913\n\nSent from my iPhone\n\n> On Jan "
	  "8, 2024, at 10:15, Support <support@example.com> wrote:\n> \n> "
	  "Please confirm.", "482913\n\nSent from my iPhone" },
	{ "iphone attribution", "PIN: 482 913\n\nSent from my iPhone\n\nOn Jan 8, "
	  "2024, at 10:15 AM, Support <support@example.com> wrote:\n\n"
	  "Please send your PIN", "PIN: 482 913\n\nSent from my iPhone" },
	{ "ipad full reply", "Hi,\n\nPIN 482913\n\nThanks,\nJohn\n\nSent from "
	  "my iPad\n\nOn 8 Jan 2024, at 10:15, Support <s@example.com> wrote:"
	  "\n\n> Hello", "Hi,\n\nPIN 482913\n\nThanks,\nJohn\n\nSent from my "
	  "iPad" },
	{ "french iphone", "NIP 482913\n\nEnvoyé de mon iPhone\n\nLe 8 janv. "
	  "2024 à 10:15, Support <s@example.com> a écrit :\n\n> Bonjour",
	  "NIP 482913\n\nEnvoyé de mon iPhone" },

	/* Yahoo */
	{ "yahoo attribution", "PIN 482913\n\n\n    On Monday, January 8, 2024 "
	  "at 10:15:00 AM GMT+1, Support <support@example.com> wrote:  \n \n"
	  " Please send your PIN", "PIN 482913" },

	/* other languages */
	{ "french gmail", "Mon NIP est 482913\n\nLe lun. 8 janv. 2024 à 10:15, "
	  "Support <support@example.com> a écrit :\n> Bonjour",
	  "Mon NIP est 482913" },
	{ "french no-break space", "NIP 482913\n\nLe 08/01/2024 à 10:15, "
	  "Support a écrit\xc2\xa0:\nancien NIP 111111", "NIP 482913" },
	{ "french narrow no-break space", "NIP 482913\nLe 08/01/2024, Support a "
	  "écrit\xe2\x80\xaf:\nancien", "NIP 482913" },
	{ "french wrapped", "NIP 482913\nLe lun. 8 janv. 2024 à 10:15, Équipe "
	  "Support <\nsupport@example.com> a écrit :\n> x", "NIP 482913" },
	{ "french no accent", "NIP 482913\nLe 8 janv. 2024, Support a ecrit:\n"
	  "vieux", "NIP 482913" },
	{ "french sentence is text", "Le code est 482913", "Le code est 482913" },
	{ "german gmail", "PIN 482913\n\nAm Mo., 8. Jan. 2024 um 10:15 Uhr "
	  "schrieb Support <support@example.com>:\n> Hallo", "PIN 482913" },
	{ "german thunderbird", "PIN 482913\n\nAm 08.01.24 um 10:15 schrieb "
	  "Support:\n> Hallo", "PIN 482913" },
	{ "german wrapped", "PIN 482913\nAm Mo., 8. Jan. 2024 um 10:15 Uhr schrieb "
	  "Support Team <\nsupport@example.com>:\nalt", "PIN 482913" },
	{ "german sentence with colon", "Am Montag war ich krank:\nPIN 482913",
	  "Am Montag war ich krank:\nPIN 482913" },
	{ "german schrieb without date", "Am Montag schrieb mir der Support:\n"
	  "PIN 482913", "Am Montag schrieb mir der Support:\nPIN 482913" },
	{ "german schrieb, no colon", "Am 8.1. schrieb ich dir\nPIN 482913",
	  "Am 8.1. schrieb ich dir\nPIN 482913" },
	{ "spanish gmail", "Mi PIN es 482913\n\nEl lun, 8 ene 2024 a las 10:15, "
	  "Soporte (<support@example.com>) escribió:\n> Hola",
	  "Mi PIN es 482913" },
	{ "spanish sentence is text", "El PIN es:\n482913",
	  "El PIN es:\n482913" },
	{ "italian gmail", "PIN 482913\n\nIl giorno lun 8 gen 2024 alle ore "
	  "10:15 Supporto <support@example.com> ha scritto:\n> Ciao",
	  "PIN 482913" },
	{ "dutch gmail", "PIN 482913\n\nOp ma 8 jan. 2024 om 10:15 schreef "
	  "Support <support@example.com>:\n> Hallo", "PIN 482913" },
	{ "dutch sentence without date", "Op maandag schreef ik:\nPIN 482913",
	  "Op maandag schreef ik:\nPIN 482913" },
	{ "portuguese gmail", "PIN 482913\n\nEm seg., 8 de jan. de 2024 às "
	  "10:15, Suporte <support@example.com> escreveu:\n> Olá",
	  "PIN 482913" },

	/* Outlook header blocks */
	{ "outlook desktop", "PIN 482913\n\nFrom: Support <support@example.com>\n"
	  "Sent: Monday, January 8, 2024 10:15 AM\nTo: John Doe "
	  "<john@example.com>\nSubject: RE: [Case #100042] PIN\n\nOld text "
	  "111111", "PIN 482913" },
	{ "outlook rule removed", "PIN 482913\n\n________________________________"
	  "\nFrom: Support <support@example.com>\nSent: Monday, January 8, "
	  "2024 10:15\nTo: john@example.com\nSubject: Case", "PIN 482913" },
	{ "outlook web date", "PIN 482913\n________________________________\n"
	  "From: Support <support@example.com>\nDate: Monday, 8 January 2024 "
	  "at 10:15\nTo: John\nSubject: Case", "PIN 482913" },
	{ "outlook for ios", "PIN 482913\n\nGet Outlook for iOS<https://aka.ms/"
	  "o0ukef>\n________________________________\nFrom: Support "
	  "<support@example.com>\nSent: Monday, January 8, 2024 10:15:00 AM\n"
	  "To: John <john@example.com>\nSubject: Re: Case", "PIN 482913\n\n"
	  "Get Outlook for iOS<https://aka.ms/o0ukef>" },
	{ "outlook with cc", "PIN 482913\nFrom: A\nSent: B\nTo: C\nCc: D\n"
	  "Subject: E", "PIN 482913" },
	{ "outlook bold (gmail plain)", "PIN 482913\n\n*From:* Support "
	  "<support@example.com>\n*Sent:* Monday, January 8, 2024 10:15 AM\n"
	  "*To:* John\n*Subject:* RE: Case", "PIN 482913" },
	{ "outlook french", "Mon NIP : 482913\n\nDe : Support "
	  "<support@example.com>\nEnvoyé : lundi 8 janvier 2024 10:15\nÀ : "
	  "Jean <jean@example.com>\nObjet : RE: Dossier", "Mon NIP : 482913" },
	{ "outlook french no-break", "NIP 482913\n\nDe\xc2\xa0: Support\n"
	  "Envoyé\xc2\xa0: lundi 8 janvier 2024 10:15\nÀ\xc2\xa0: Jean\n"
	  "Objet\xc2\xa0: Dossier", "NIP 482913" },
	{ "outlook web french", "NIP 482913\n____________\nDe : Support\n"
	  "Envoyé : lundi\nA : Jean\nObjet : Dossier", "NIP 482913" },
	{ "outlook german", "PIN 482913\n\nVon: Support <support@example.com>\n"
	  "Gesendet: Montag, 8. Januar 2024 10:15\nAn: Hans "
	  "<hans@example.com>\nBetreff: AW: Fall", "PIN 482913" },
	{ "outlook spanish", "PIN 482913\n\nDe: Soporte <s@example.com>\n"
	  "Enviado: lunes, 8 de enero de 2024 10:15\nPara: Juan\nAsunto: RE: "
	  "Caso", "PIN 482913" },
	{ "outlook dutch", "PIN 482913\n\nVan: Support\nVerzonden: maandag 8 "
	  "januari 2024 10:15\nAan: Jan\nOnderwerp: RE: Zaak", "PIN 482913" },
	{ "outlook italian", "PIN 482913\n\nDa: Supporto\nInviato: lunedì 8 "
	  "gennaio 2024 10:15\nA: Mario\nOggetto: R: Caso", "PIN 482913" },
	{ "lone From: kept", "From: John Doe\nPIN 482913\nThanks",
	  "From: John Doe\nPIN 482913\nThanks" },
	{ "From: and To: only kept", "From: me\nTo: you\nPIN 482913",
	  "From: me\nTo: you\nPIN 482913" },
	{ "headers too far apart kept", "From: A\n1\n2\n3\n4\n5\n6\n7\n8\n"
	  "Sent: x\nTo: y", "From: A\n1\n2\n3\n4\n5\n6\n7\n8\nSent: x\nTo: y" },

	/* separators */
	{ "original message", "PIN 482913\n\n-----Original Message-----\nFrom: "
	  "Support\nSent: Monday\nPIN 111111", "PIN 482913" },
	{ "message d'origine", "NIP 482913\n\n-------- Message d'origine "
	  "--------\nDe : Support\nancien 111111", "NIP 482913" },
	{ "mail original", "NIP 482913\n\n----- Mail original -----\n"
	  "De: Support", "NIP 482913" },
	{ "android original message", "PIN 482913\n\n-------- Original Message "
	  "--------\nFrom: Support", "PIN 482913" },
	{ "original message lower case", "PIN 482913\n-------- Original message "
	  "--------\nold", "PIN 482913" },
	{ "german original", "PIN 482913\n\n-----Ursprüngliche Nachricht-----\n"
	  "Von: Support", "PIN 482913" },
	{ "begin forwarded message", "FYI 482913\n\nBegin forwarded message:\n\n"
	  "From: Support\nPIN 111111", "FYI 482913" },
	{ "gmail forwarded", "See below, PIN 482913\n\n---------- Forwarded "
	  "message ---------\nFrom: Support <support@example.com>\nDate: Mon, "
	  "Jan 8, 2024 at 10:15 AM", "See below, PIN 482913" },
	{ "french apple forward", "NIP 482913\n\nDébut du message réexpédié :\n"
	  "\nDe: Support", "NIP 482913" },
	{ "dashes alone kept", "a\n---\nb", "a\n---\nb" },
	{ "unknown dashed title kept", "a\n-- Note --\nb", "a\n-- Note --\nb" },
	{ "rule in the middle kept", "a\n_____\nb", "a\n_____\nb" },
	{ "trailing rule removed", "PIN 482913\n__________", "PIN 482913" },

	/* helpdesks */
	{ "zendesk marker", "My PIN is 482913\n\n##- Please type your reply "
	  "above this line -##\n\nSupport (Example)\nJan 8, 10:15\nYour old "
	  "PIN 111111", "My PIN is 482913" },
	{ "reply above this line", "482913\n\n-- Reply above this line --\nOld",
	  "482913" },
	{ "lower-case reply above", "482913\n--- reply above this line ---\nold",
	  "482913" },

	/* signatures */
	{ "signature cut", "PIN 482913\n-- \nJohn Doe\nPhone +1 555 123 4567",
	  "PIN 482913" },
	{ "signature CRLF", "PIN 482913\r\n-- \r\nJohn\r\n+33 1 23 45 67 89\r\n",
	  "PIN 482913" },
	{ "-- without space above a signature cuts", "PIN 482913\n--\nJohn",
	  "PIN 482913" },
	{ "-- without space above a paragraph is text", "PIN 482913\n--\n"
	  "I called twice this week and nobody could tell me anything new.",
	  "PIN 482913\n--\nI called twice this week and nobody could tell me "
	  "anything new." },
	{ "-- without space above many lines is text", "PIN 482913\n--\n1\n"
	  "2\n3\n4\n5\n6\n7\n8\n9", "PIN 482913\n--\n1\n2\n3\n4\n5\n"
	  "6\n7\n8\n9" },
	{ "-- without space, signature, then a quote", "PIN 482913\n--\nJohn"
	  "\n+1 555 123 4567\n\nOn Mon, Support wrote:\n> x", "PIN 482913" },
	{ "signature then quote", "PIN 482913\n-- \nJohn\n\nOn Mon, Support "
	  "wrote:\n> x", "PIN 482913" },
	{ "signature at top", "-- \nJohn 555 1234", "" },
	{ "-- with text is text", "-- not a sig\nPIN", "-- not a sig\nPIN" },
};

static const struct text_case html_cases[] = {
	{ "paragraphs", "<p>Hello</p><p>World</p>", "Hello\nWorld" },
	{ "br", "Line1<br>Line2<br/>Line3", "Line1\nLine2\nLine3" },
	{ "double br blank line", "A<br><br>B", "A\n\nB" },
	{ "many br one blank line", "A<br><br><br><br>B", "A\n\nB" },
	{ "leading br ignored", "<br><br>A", "A" },
	{ "entities", "<p>caf&eacute; &amp; th&eacute;&nbsp;&#52;&#x32;</p>",
	  "café & thé 42" },
	{ "pin split by b", "<p>PIN <b>482</b>913</p>", "PIN 482913" },
	{ "pin split by spans", "<p>PIN: <span>48</span><span>29</span>"
	  "<span>13</span></p>", "PIN: 482913" },
	{ "nbsp separated", "PIN&nbsp;482&nbsp;913", "PIN 482 913" },
	{ "space between inlines", "<span>PIN</span> <span>482913</span>",
	  "PIN 482913" },
	{ "script style head dropped", "<html><head><title>T</title><style>"
	  "p{}</style></head><body><script>var pin=111111;</script><p>Hi</p>"
	  "</body></html>", "Hi" },
	{ "noscript dropped", "a<noscript>111111</noscript>b", "ab" },
	{ "comment dropped", "a<!-- 111111 -->b", "ab" },
	{ "whitespace collapsed", "<p>  a \n\t b   </p>", "a b" },
	{ "pre keeps lines", "<pre>line1\nline2</pre>", "line1\nline2" },
	{ "table cells", "<table><tr><td>PIN</td><td>482913</td></tr><tr><td>"
	  "Case</td><td>100042</td></tr></table>", "PIN 482913\nCase 100042" },
	{ "list items", "<ul><li>one</li><li>two</li></ul>", "one\ntwo" },
	{ "heading", "<h1>Title</h1>text", "Title\ntext" },
	{ "image ignored", "PIN<img src=x alt=y>482913", "PIN482913" },
	{ "any blockquote dropped", "<p>a</p><blockquote>b</blockquote><p>c</p>",
	  "a\nc" },
	{ "gmail reply", "<div dir=\"ltr\">My PIN is 482913</div><br><div "
	  "class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, "
	  "Jan 8, 2024 at 10:15 AM Support &lt;<a href=\"mailto:support@"
	  "example.com\">support@example.com</a>&gt; wrote:<br></div>"
	  "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex\">"
	  "Your old PIN 111111</blockquote></div>", "My PIN is 482913" },
	{ "gmail quote container", "<div dir=\"ltr\">PIN 482913</div><div "
	  "class=\"gmail_quote gmail_quote_container\"><div class=\"gmail_attr\">"
	  "On Mon, Support wrote:</div><blockquote>old 111111</blockquote>"
	  "</div>", "PIN 482913" },
	{ "gmail signature", "<div>PIN 482913</div><span class=\"gmail_signature"
	  "_prefix\">-- </span><br><div dir=\"ltr\" class=\"gmail_signature\">"
	  "John<br>+1 555 123 4567</div>", "PIN 482913\n-- " },
	{ "outlook desktop divider", "<div class=\"WordSection1\"><p class="
	  "\"MsoNormal\">PIN 482913<o:p></o:p></p><p class=\"MsoNormal\"><o:p>"
	  "&nbsp;</o:p></p><div><div style=\"border:none;border-top:solid "
	  "#E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\"><p class=\"MsoNormal\"><b>"
	  "From:</b> Support &lt;support@example.com&gt;<br><b>Sent:</b> "
	  "Monday, January 8, 2024 10:15 AM</p></div></div><p class="
	  "\"MsoNormal\">Old PIN 111111</p></div>", "PIN 482913" },
	{ "outlook older divider", "<p>PIN 482913</p><div style=\"border:none; "
	  "border-top:solid #B5C4DF 1.0pt\">From: x</div><p>old</p>",
	  "PIN 482913" },
	{ "outlook web appendonsend", "<div>PIN 482913</div><div id=\"appendon"
	  "send\"></div><hr style=\"display:inline-block;width:98%\"><div id="
	  "\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri\"><b>From:</b> "
	  "Support<br><b>Sent:</b> Monday</font></div><div>Old 111111</div>",
	  "PIN 482913" },
	{ "outlook divRplyFwdMsg", "<p>PIN 482913</p><div id=\"divRplyFwdMsg\">"
	  "<b>From:</b> Support</div><div>old 111111</div>", "PIN 482913" },
	{ "outlook french x_ prefix", "<p>NIP 482913</p><div id=\"x_divRplyFwd"
	  "Msg\">De : Support</div><p>vieux</p>", "NIP 482913" },
	{ "thunderbird cite", "<p>PIN 482913</p><div class=\"moz-cite-prefix\">"
	  "On 08/01/2024 10:15, Support wrote:<br></div><blockquote type="
	  "\"cite\">old 111111</blockquote>", "PIN 482913" },
	{ "thunderbird signature", "<p>PIN 482913</p><pre class=\"moz-signature\""
	  " cols=\"72\">-- \nJohn\n+1 555</pre>", "PIN 482913" },
	{ "apple mail cite", "<div>PIN 482913<br><br><div dir=\"ltr\">Sent from "
	  "my iPhone</div><div dir=\"ltr\"><br><blockquote type=\"cite\">On Jan "
	  "8, 2024, at 10:15, Support &lt;s@example.com&gt; wrote:<br><br>"
	  "</blockquote></div><blockquote type=\"cite\"><div dir=\"ltr\">old "
	  "111111</div></blockquote></div>",
	  "PIN 482913\n\nSent from my iPhone" },
	{ "yahoo quoted", "<div>PIN 482913</div><div class=\"yahoo_quoted\"><div>"
	  "On Monday, January 8, 2024, Support wrote:</div><div>old 111111"
	  "</div></div>", "PIN 482913" },
	{ "zimbra", "<div>PIN 482913</div><hr id=\"zwchr\"><div>From: x</div>",
	  "PIN 482913" },
	{ "empty", "", "" },
};

static void
test_quote_table(void)
{
	size_t i;
	char *got;

	for (i = 0; i < G_N_ELEMENTS(quote_cases); i++) {
		got = quote_cut(quote_cases[i].in, strlen(quote_cases[i].in));
		is_str(got, quote_cases[i].want, "quote: %s", quote_cases[i].name);
		g_free(got);
	}
}

static void
test_html_table(void)
{
	size_t i;
	char *got;

	for (i = 0; i < G_N_ELEMENTS(html_cases); i++) {
		got = html_to_text(html_cases[i].in, strlen(html_cases[i].in),
		    "UTF-8");
		is_str(got, html_cases[i].want, "html: %s", html_cases[i].name);
		g_free(got);
	}
}

/* HTML through html_to_text then quote_cut, as message.c does. */
static void
test_html_then_quote(void)
{
	static const struct text_case cases[] = {
		{ "unmarked attribution in divs", "<div>PIN 482913</div><div>On "
		  "Mon, Jan 8, 2024 Support wrote:</div><div>old 111111</div>",
		  "PIN 482913" },
		{ "gmail signature cut", "<div>PIN 482913</div><span>-- </span>"
		  "<br><div>John 555 1234</div>", "PIN 482913" },
		{ "outlook block as text", "<p>PIN 482913</p><p><b>From:</b> A<br>"
		  "<b>Sent:</b> B<br><b>To:</b> C<br><b>Subject:</b> D</p>"
		  "<p>old</p>", "PIN 482913" },
	};
	size_t i;
	char *h, *got;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		h = html_to_text(cases[i].in, strlen(cases[i].in), "UTF-8");
		got = quote_cut(h, strlen(h));
		is_str(got, cases[i].want, "html+quote: %s", cases[i].name);
		g_free(h);
		g_free(got);
	}
}

static void
test_html_charsets(void)
{
	static const char latin1[] = "<p>caf\xe9 482913</p>";
	static const char meta[] = "<html><head><meta charset=\"iso-8859-1\">"
	    "</head><body><p>caf\xe9</p></body></html>";
	static const char meta_utf8[] = "<html><head><meta charset=\"iso-8859-1\""
	    "></head><body><p>caf\xc3\xa9</p></body></html>";
	char *got;

	got = html_to_text(latin1, strlen(latin1), "ISO-8859-1");
	is_str(got, "café 482913", "html: declared charset converted");
	g_free(got);
	got = html_to_text(meta, strlen(meta), NULL);
	is_str(got, "café", "html: meta charset used when none given");
	g_free(got);
	got = html_to_text(meta_utf8, strlen(meta_utf8), "UTF-8");
	is_str(got, "café", "html: given charset overrides meta");
	g_free(got);
	got = html_to_text(NULL, 0, "UTF-8");
	is_str(got, "", "html: NULL input gives empty text");
	g_free(got);
	/* found by tests/fuzz/fuzz_html: a byte that is not UTF-8 in a
	 * document declared UTF-8 was passed through */
	got = html_to_text("<p>PIN</p>\xcd<td>a</td>",
	    strlen("<p>PIN</p>\xcd<td>a</td>"), "UTF-8");
	is_str(got, "PIN\n\xef\xbf\xbd a", "html: invalid UTF-8 becomes U+FFFD");
	g_free(got);
}

static char *
repeat(const char *s, unsigned n)
{
	GString *g = g_string_new("");

	while (n-- > 0)
		g_string_append(g, s);
	return g_string_free(g, FALSE);
}

static void
test_html_nesting(void)
{
	char *open, *close, *doc, *got;

	/* below libxml2's depth limit (256): everything is read */
	open = repeat("<div>", 200);
	close = repeat("</div>", 200);
	doc = g_strconcat("PIN", open, "482913", close, "after", NULL);
	got = html_to_text(doc, strlen(doc), "UTF-8");
	is_str(got, "PIN\n482913\nafter", "html: 200 nested divs walked");
	g_free(got);
	g_free(doc);
	g_free(open);
	g_free(close);

	/* 5000 deep: libxml2 stops at its depth limit; what came before
	 * survives, no stack is used by the walk */
	open = repeat("<div>", 5000);
	close = repeat("</div>", 5000);
	doc = g_strconcat("<p>PIN 482913</p>", open, "deep", close, NULL);
	got = html_to_text(doc, strlen(doc), "UTF-8");
	is_str(got, "PIN 482913", "html: 5000 nested divs, no overflow");
	g_free(got);
	g_free(doc);
	g_free(open);
	g_free(close);

	open = repeat("<b>", 100000);
	doc = g_strconcat("<p>PIN 482913</p>", open, NULL);
	got = html_to_text(doc, strlen(doc), "UTF-8");
	is_str(got, "PIN 482913", "html: 100000 unclosed inline elements");
	g_free(got);
	g_free(doc);
	g_free(open);
}

static void
test_quote_hostile(void)
{
	GString *in = g_string_new("");
	char *got, *want, *line;

	line = repeat("a", 100000);
	g_string_append_printf(in, "%s\n> quoted\nPIN 482913", line);
	want = g_strconcat(line, "\nPIN 482913", NULL);
	got = quote_cut(in->str, in->len);
	is_str(got, want, "quote: 100000-character line kept");
	g_free(got);
	g_free(want);
	g_free(line);

	/* a 100000-blank line starting like an attribution */
	g_string_assign(in, "PIN 482913\nOn ");
	line = repeat(" ", 100000);
	g_string_append_printf(in, "%swrote:\nnext", line);
	got = quote_cut(in->str, in->len);
	is_int(strlen(got), in->len, "quote: long attribution-like line is text");
	g_free(got);
	g_free(line);

	/* 50000 "From:" lines: look-ahead stays bounded */
	g_string_assign(in, "PIN 482913\n");
	line = repeat("From: x\n", 50000);
	g_string_append(in, line);
	got = quote_cut(in->str, in->len);
	is_int(strlen(got), in->len - 1, "quote: 50000 From: lines kept");
	g_free(got);
	g_free(line);

	/* "--" lines each followed by a 100000-blank line: look-ahead
	 * stops at the long line */
	g_string_assign(in, "PIN 482913\n");
	line = repeat(" ", 100000);
	for (int k = 0; k < 50; k++)
		g_string_append_printf(in, "--\n%s\n", line);
	g_string_append(in, "end");
	got = quote_cut(in->str, in->len);
	is_int(strlen(got), in->len, "quote: 50 '--' above long lines kept");
	g_free(got);
	g_free(line);

	/* no trailing newline, NUL byte inside a line */
	got = quote_cut("a\0b\n> q", 7);
	is_int(got[0] == 'a' && got[1] == '\0' && got[2] == 'b', 1,
	    "quote: NUL byte passes through");
	g_free(got);
	got = quote_cut(NULL, 10);
	is_str(got, "", "quote: NULL input gives empty text");
	g_free(got);

	/* an attribution longer than 512 bytes is text */
	line = repeat("x", 600);
	want = g_strconcat("On ", line, " wrote:\nPIN 482913", NULL);
	got = quote_cut(want, strlen(want));
	is_str(got, want, "quote: over-long attribution is text");
	g_free(got);
	g_free(want);
	g_free(line);
	g_string_free(in, TRUE);
}

int
main(void)
{
	html_init();
	test_quote_table();
	test_html_table();
	test_html_then_quote();
	test_html_charsets();
	test_html_nesting();
	test_quote_hostile();
	return tap_done();
}
