/*
 * test_quotelang.c - quote_cut() on replies from each mail client in each
 * language: for every row, a reply made of the author's lines, the
 * client's marker (an Outlook header block, an "Original Message"
 * separator, an attribution, or quote marks) and an older message with
 * a PIN line.  The author's text must come out exactly, and the quoted
 * PIN, a candidate in the whole reply, must not be one in what is kept.
 * Then texts that look like a marker but are the author's: kept whole.
 * Last, replies quoting our own verification request ("If you have lost
 * your PIN, reply with "I have lost my PIN"") under a header block in
 * several languages: the whole reply reads as a lost-PIN request, the
 * author's text does not.
 */
#include <string.h>

#include <glib.h>

#include "case/intent.h"
#include "core/config.h"
#include "mail/quote.h"
#include "pin/pin.h"
#include "tap.h"

#define OLD	"Hello,\nplease add Dr. Lind.\nPIN: 111111\nBob"

struct reply {
	const char *name;
	const char *author;	/* kept exactly */
	const char *marker;	/* "" for quote marks only */
	const char *quoted;	/* holds PIN: 111111 */
};

#define BLOCK(n, a, m)	{ n, a, m, "\n" OLD }
#define QUOTED(n, a, q)	{ n, a, "", q }

static const struct reply replies[] = {
	/* Outlook header blocks (desktop, web, mobile), by language */
	BLOCK("outlook en", "PIN: 482913",
	    "From: Support <support@example.com>\nSent: Tuesday, December 1, "
	    "2026 10:02 AM\nTo: Bob <bob@acme-dental.example>\nSubject: RE: PIN"),
	BLOCK("outlook fr", "Mon NIP : 482913",
	    "De\xc2\xa0: Support\nEnvoy\xc3\xa9\xc2\xa0: mardi 1 d\xc3\xa9"
	    "cembre 2026 10:02\n\xc3\x80\xc2\xa0: Bob\nObjet\xc2\xa0: RE: NIP"),
	BLOCK("outlook de", "Meine PIN lautet 482913.",
	    "Von: Support\nGesendet: Dienstag, 1. Dezember 2026 10:02\n"
	    "An: Bob\nBetreff: AW: PIN"),
	BLOCK("outlook es", "PIN: 482913",
	    "De: Soporte\nEnviado el: martes, 1 de diciembre de 2026 10:02\n"
	    "Para: Bob\nAsunto: RE: PIN"),
	BLOCK("outlook it", "PIN: 482913",
	    "Da: Supporto\nInviato: marted\xc3\xac 1 dicembre 2026 10:02\n"
	    "A: Bob\nOggetto: R: PIN"),
	BLOCK("outlook nl", "PIN: 482913",
	    "Van: Support\nVerzonden: dinsdag 1 december 2026 10:02\nAan: Bob\n"
	    "Onderwerp: RE: PIN"),
	BLOCK("outlook pt", "PIN: 482913",
	    "De: Suporte\nEnviada em: ter\xc3\xa7" "a-feira, 1 de dezembro de "
	    "2026 10:02\nPara: Bob\nAssunto: RE: PIN"),
	BLOCK("outlook sv", "Min PIN \xc3\xa4r 482913.",
	    "Fr\xc3\xa5n: Support <support@example.com>\nSkickat: den 1 "
	    "december 2026 10:02\nTill: Bob\n\xc3\x84mne: SV: PIN"),
	BLOCK("outlook sv, bold as Gmail renders it", "PIN: 482913",
	    "*Fr\xc3\xa5n:* Support\n*Skickat:* den 1 december 2026\n*Till:* "
	    "Bob\n*\xc3\x84mne:* SV: PIN"),
	BLOCK("outlook da", "Min PIN er 482913.",
	    "Fra: Support\nSendt: 1. december 2026 10:02\nTil: Bob\n"
	    "Emne: SV: PIN"),
	BLOCK("outlook no, Kopi", "PIN-koden min er 482913.",
	    "Fra: Support\nSendt: tirsdag 1. desember 2026 10:02\nTil: Bob\n"
	    "Kopi: Alice\nEmne: SV: PIN"),
	BLOCK("outlook pl, To wrapped", "PIN: 482913",
	    "Od: Support\nWys\xc5\x82" "ano: wtorek, 1 grudnia 2026 10:02\n"
	    "Do: Bob <bob@acme-dental.example>; Alice\n <alice@acme-dental."
	    "example>\nTemat: RE: PIN"),
	BLOCK("outlook fi", "PIN: 482913",
	    "L\xc3\xa4hett\xc3\xa4j\xc3\xa4: Support\nL\xc3\xa4hetetty: "
	    "tiistai 1. joulukuuta 2026 10.02\nVastaanottaja: Bob\nAihe: VS: PIN"),
	BLOCK("outlook cs", "PIN: 482913",
	    "Od: Support\nOdesl\xc3\xa1no: \xc3\xbater\xc3\xbd 1. prosince "
	    "2026 10:02\nKomu: Bob\nP\xc5\x99" "edm\xc4\x9bt: RE: PIN"),
	BLOCK("outlook hu", "PIN: 482913",
	    "Felad\xc3\xb3: Support\nElk\xc3\xbcldve: 2026. december 1. "
	    "10:02\nC\xc3\xadmzett: Bob\nT\xc3\xa1rgy: RE: PIN"),
	BLOCK("outlook tr", "PIN: 482913",
	    "Kimden: Support\nG\xc3\xb6nderildi: 1 Aral\xc4\xb1k 2026 Sal\xc4"
	    "\xb1 10:02\nKime: Bob\nKonu: RE: PIN"),
	BLOCK("outlook el", "PIN: 482913",
	    "\xce\x91\xcf\x80\xcf\x8c: Support\n\xce\xa3\xcf\x84\xce\xac\xce"
	    "\xbb\xce\xb8\xce\xb7\xce\xba\xce\xb5: 1/12/2026\n\xce\xa0\xcf\x81"
	    "\xce\xbf\xcf\x82: Bob\n\xce\x98\xce\xad\xce\xbc\xce\xb1: RE: PIN"),
	BLOCK("outlook ru", "PIN: 482913",
	    "\xd0\x9e\xd1\x82: Support\n\xd0\x9e\xd1\x82\xd0\xbf\xd1\x80\xd0"
	    "\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe: 1 \xd0\xb4\xd0\xb5"
	    "\xd0\xba\xd0\xb0\xd0\xb1\xd1\x80\xd1\x8f 2026 \xd0\xb3. 10:02\n"
	    "\xd0\x9a\xd0\xbe\xd0\xbc\xd1\x83: Bob\n\xd0\xa2\xd0\xb5\xd0\xbc"
	    "\xd0\xb0: RE: PIN"),
	BLOCK("outlook ru, upper case", "PIN: 482913",
	    "\xd0\x9e\xd0\xa2: Support\n\xd0\x9e\xd0\xa2\xd0\x9f\xd0\xa0\xd0"
	    "\x90\xd0\x92\xd0\x9b\xd0\x95\xd0\x9d\xd0\x9e: 1.12.2026\n\xd0\x9a"
	    "\xd0\x9e\xd0\x9c\xd0\xa3: Bob\n\xd0\xa2\xd0\x95\xd0\x9c\xd0\x90: "
	    "PIN"),
	BLOCK("outlook ja", "PIN: 482913",
	    "\xe5\xb7\xae\xe5\x87\xba\xe4\xba\xba: Support\n\xe9\x80\x81\xe4"
	    "\xbf\xa1\xe6\x97\xa5\xe6\x99\x82: 2026\xe5\xb9\xb4""12\xe6\x9c"
	    "\x88""1\xe6\x97\xa5 10:02\n\xe5\xae\x9b\xe5\x85\x88: Bob\n\xe4"
	    "\xbb\xb6\xe5\x90\x8d: RE: PIN"),
	BLOCK("outlook zh-CN, full-width colons", "PIN: 482913",
	    "\xe5\x8f\x91\xe4\xbb\xb6\xe4\xba\xba\xef\xbc\x9a Support\n\xe5"
	    "\x8f\x91\xe9\x80\x81\xe6\x97\xb6\xe9\x97\xb4\xef\xbc\x9a 2026"
	    "\xe5\xb9\xb4""12\xe6\x9c\x88""1\xe6\x97\xa5\n\xe6\x94\xb6\xe4"
	    "\xbb\xb6\xe4\xba\xba\xef\xbc\x9a Bob\n\xe4\xb8\xbb\xe9\xa2\x98"
	    "\xef\xbc\x9a PIN"),
	BLOCK("outlook zh-TW", "PIN: 482913",
	    "\xe5\xaf\x84\xe4\xbb\xb6\xe8\x80\x85: Support\n\xe5\xaf\x84\xe4"
	    "\xbb\xb6\xe6\x97\xa5\xe6\x9c\x9f: 2026/12/1\n\xe6\x94\xb6\xe4\xbb"
	    "\xb6\xe8\x80\x85: Bob\n\xe4\xb8\xbb\xe6\x97\xa8: PIN"),
	BLOCK("outlook ko", "PIN: 482913",
	    "\xeb\xb3\xb4\xeb\x82\xb8 \xec\x82\xac\xeb\x9e\x8c: Support\n\xeb"
	    "\xb3\xb4\xeb\x82\xb8 \xeb\x82\xa0\xec\xa7\x9c: 2026-12-01\n\xeb"
	    "\xb0\x9b\xeb\x8a\x94 \xec\x82\xac\xeb\x9e\x8c: Bob\n\xec\xa0\x9c"
	    "\xeb\xaa\xa9: PIN"),

	/* "Original Message" separators: any case, any dash count */
	BLOCK("separator en, upper case", "PIN: 482913",
	    "-----ORIGINAL MESSAGE-----"),
	BLOCK("separator de", "PIN: 482913",
	    "-----Urspr\xc3\xbcngliche Nachricht-----"),
	BLOCK("separator de, lower case, 4 dashes", "PIN: 482913",
	    "----urspr\xc3\xbcngliche nachricht----"),
	BLOCK("separator es, 2 dashes", "PIN: 482913", "--Mensaje original--"),
	BLOCK("separator it", "PIN: 482913",
	    "-------- Messaggio originale --------"),
	BLOCK("separator nl", "PIN: 482913", "-----Oorspronkelijk bericht-----"),
	BLOCK("separator pt", "PIN: 482913", "-----Mensagem original-----"),
	BLOCK("separator sv", "Min PIN \xc3\xa4r 482913.",
	    "-----Ursprungligt meddelande-----"),
	BLOCK("separator da", "PIN: 482913", "-----Oprindelig meddelelse-----"),
	BLOCK("separator no", "PIN: 482913", "-----Opprinnelig melding-----"),
	BLOCK("separator pl", "PIN: 482913",
	    "-----Wiadomo\xc5\x9b\xc4\x87 oryginalna-----"),
	BLOCK("separator pl, upper case", "PIN: 482913",
	    "-----WIADOMO\xc5\x9a\xc4\x86 ORYGINALNA-----"),
	BLOCK("separator fi", "PIN: 482913",
	    "-----Alkuper\xc3\xa4inen viesti-----"),
	BLOCK("separator cs", "PIN: 482913",
	    "-----P\xc5\xafvodn\xc3\xad zpr\xc3\xa1va-----"),
	BLOCK("separator ru", "PIN: 482913",
	    "-----\xd0\x98\xd1\x81\xd1\x85\xd0\xbe\xd0\xb4\xd0\xbd\xd0\xbe\xd0"
	    "\xb5 \xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0"
	    "\xb8\xd0\xb5-----"),
	BLOCK("separator zh (QQ, no-break spaces)", "PIN: 482913",
	    "------------------\xc2\xa0\xe5\x8e\x9f\xe5\xa7\x8b\xe9\x82\xae"
	    "\xe4\xbb\xb6\xc2\xa0------------------"),
	BLOCK("separator em dashes", "PIN: 482913",
	    "\xe2\x80\x94\xe2\x80\x94 Original Message \xe2\x80\x94\xe2\x80"
	    "\x94"),
	BLOCK("gmail forward sv", "PIN: 482913",
	    "---------- Vidarebefordrat meddelande ---------"),
	BLOCK("gmail forward ru", "PIN: 482913",
	    "---------- \xd0\x9f\xd0\xb5\xd1\x80\xd0\xb5\xd1\x81\xd1\x8b\xd0"
	    "\xbb\xd0\xb0\xd0\xb5\xd0\xbc\xd0\xbe\xd0\xb5 \xd1\x81\xd0\xbe"
	    "\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5 "
	    "---------"),
	BLOCK("outlook separator tr, dotted capital I", "PIN: 482913",
	    "-----\xc3\x96zg\xc3\xbcn \xc4\xb0leti-----"),
	BLOCK("forward de (Apple Mail)", "PIN: 482913",
	    "Anfang der weitergeleiteten Nachricht:"),

	/* attributions, by client and language, quoted text unmarked */
	BLOCK("gmail en", "PIN: 482913",
	    "On Tue, Dec 1, 2026 at 10:02 AM Support <support@example.com> "
	    "wrote:"),
	BLOCK("gmail en, three lines", "PIN: 482913",
	    "On Tue, Dec 1, 2026 at 10:02 AM\nAcme Support Team\n"
	    "<support@example.com> wrote:"),
	BLOCK("gmail fr, three lines", "Mon NIP : 482913",
	    "Le mar. 1 d\xc3\xa9" "c. 2026 \xc3\xa0 10:02,\n\xc3\x89quipe "
	    "Support\n<support@example.com> a \xc3\xa9" "crit :"),
	BLOCK("gmail de, three lines", "Meine PIN lautet 482913.",
	    "Am Di., 1. Dez. 2026 um 10:02 Uhr\nschrieb Acme Support Team\n"
	    "<support@example.com>:"),
	BLOCK("thunderbird de", "PIN: 482913",
	    "Support schrieb am 01.12.2026 um 10:02:"),
	BLOCK("thunderbird en, wrote on", "PIN: 482913",
	    "Support wrote on 01/12/2026 10:02:"),
	BLOCK("yahoo de", "PIN: 482913",
	    "Am Dienstag, 1. Dezember 2026, 10:02:00 MEZ hat Support "
	    "<support@example.com> Folgendes geschrieben:"),
	BLOCK("apple nl", "PIN: 482913",
	    "Op 1 dec. 2026 om 10:02 heeft Support <support@example.com> het "
	    "volgende geschreven:"),
	BLOCK("apple pl", "PIN: 482913",
	    "Wiadomo\xc5\x9b\xc4\x87 napisana przez Support <support@"
	    "example.com> w dniu 01.12.2026, o godz. 10:02:"),
	BLOCK("thunderbird fi", "PIN: 482913",
	    "Support kirjoitti 1.12.2026 klo 10.02:"),
	BLOCK("thunderbird hu", "PIN: 482913",
	    "2026. 12. 01. 10:02 keltez\xc3\xa9ssel, Support \xc3\xadrta:"),
	BLOCK("apple pt", "PIN: 482913",
	    "No dia 1 de dez. de 2026, \xc3\xa0s 10:02, Support "
	    "<support@example.com> escreveu:"),
	BLOCK("thunderbird sv", "Min PIN \xc3\xa4r 482913.",
	    "Den 2026-12-01 kl. 10:02, skrev Support:"),
	BLOCK("gmail es", "PIN: 482913",
	    "El mar, 1 dic 2026 a las 10:02, Soporte (<support@example.com>) "
	    "escribi\xc3\xb3:"),
	BLOCK("gmail it", "PIN: 482913",
	    "Il giorno mar 1 dic 2026 alle ore 10:02 Supporto "
	    "<support@example.com> ha scritto:"),
	BLOCK("gmail nl", "PIN: 482913",
	    "Op di 1 dec. 2026 om 10:02 schreef Support <support@example.com>:"),
	BLOCK("gmail pt", "PIN: 482913",
	    "Em ter., 1 de dez. de 2026 \xc3\xa0s 10:02, Suporte "
	    "<support@example.com> escreveu:"),
	BLOCK("gmail sv", "Min PIN \xc3\xa4r 482913.",
	    "Den tis 1 dec. 2026 kl 10:02 skrev Support <support@example.com>:"),
	BLOCK("gmail sv, wrapped", "PIN: 482913",
	    "Den tis 1 dec. 2026 kl 10:02 skrev Acme Support <\n"
	    "support@example.com>:"),
	BLOCK("gmail da", "Min PIN er 482913.",
	    "Den tir. 1. dec. 2026 kl. 10.02 skrev Support <support@example.com>:"),
	BLOCK("gmail no, no leading word", "PIN: 482913",
	    "tir. 1. des. 2026 kl. 10:02 skrev Support <support@example.com>:"),
	BLOCK("gmail pl", "PIN: 482913",
	    "wt., 1 gru 2026 o 10:02 Support <support@example.com> "
	    "napisa\xc5\x82(a):"),
	BLOCK("thunderbird pl", "PIN: 482913",
	    "W dniu 1.12.2026 o 10:02, Support pisze:"),
	BLOCK("gmail fi", "PIN: 482913",
	    "ti 1. jouluk. 2026 klo 10.02 Support (support@example.com) "
	    "kirjoitti:"),
	BLOCK("gmail cs", "PIN: 482913",
	    "\xc3\xbat 1. 12. 2026 v 10:02 odes\xc3\xadlatel Support "
	    "<support@example.com> napsal:"),
	BLOCK("apple ru", "PIN: 482913",
	    "1 \xd0\xb4\xd0\xb5\xd0\xba. 2026 \xd0\xb3., \xd0\xb2 10:02, "
	    "Support <support@example.com> \xd0\xbd\xd0\xb0\xd0\xbf\xd0\xb8"
	    "\xd1\x81\xd0\xb0\xd0\xbb(\xd0\xb0):"),
	BLOCK("thunderbird ru", "PIN: 482913",
	    "01.12.2026 10:02, Support \xd0\xbf\xd0\xb8\xd1\x88\xd0\xb5\xd1\x82:"),
	BLOCK("gmail zh", "PIN: 482913",
	    "Support <support@example.com> \xe4\xba\x8e""2026\xe5\xb9\xb4""12"
	    "\xe6\x9c\x88""1\xe6\x97\xa5\xe5\x91\xa8\xe4\xba\x8c 10:02\xe5\x86"
	    "\x99\xe9\x81\x93\xef\xbc\x9a"),
	BLOCK("gmail zh, wrapped", "PIN: 482913",
	    "Acme Support Team <\nsupport@example.com> \xe4\xba\x8e""2026\xe5"
	    "\xb9\xb4""12\xe6\x9c\x88""1\xe6\x97\xa5 10:02\xe5\x86\x99\xe9\x81"
	    "\x93\xef\xbc\x9a"),
	BLOCK("apple ja", "PIN: 482913",
	    "2026/12/01 10:02\xe3\x80\x81Support <support@example.com>\xe3\x81"
	    "\xae\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab:"),
	BLOCK("gmail tr", "PIN: 482913",
	    "Support <support@example.com>, 1 Ara 2026 Sal, 10:02 tarihinde "
	    "\xc5\x9funu yazd\xc4\xb1:"),
	BLOCK("gmail hu", "PIN: 482913",
	    "Support <support@example.com> ezt \xc3\xadrta (id\xc5\x91pont: "
	    "2026. dec. 1., K, 10:02):"),
	BLOCK("gmail el", "PIN: 482913",
	    "\xce\xa3\xcf\x84\xce\xb9\xcf\x82 \xce\xa4\xcf\x81\xce\xaf 1 \xce"
	    "\x94\xce\xb5\xce\xba 2026 \xcf\x83\xcf\x84\xce\xb9\xcf\x82 10:02, "
	    "Support <support@example.com> \xce\xad\xce\xb3\xcf\x81\xce\xb1"
	    "\xcf\x88\xce\xb5:"),
	BLOCK("gmail ko", "PIN: 482913",
	    "2026\xeb\x85\x84 12\xec\x9b\x94 1\xec\x9d\xbc (\xed\x99\x94) "
	    "Support <support@example.com>\xeb\x8b\x98\xec\x9d\xb4 \xec\x9e\x91"
	    "\xec\x84\xb1:"),

	/* quote marks */
	QUOTED("'|' marks", "PIN: 482913", "| Hello,\n| PIN: 111111\n| Bob"),
	QUOTED("full-width marks", "PIN: 482913",
	    "\xef\xbc\x9e Hello,\n\xef\xbc\x9ePIN: 111111"),
	QUOTED("'>' after NBSP", "PIN: 482913",
	    "\xc2\xa0> Hello,\n\xc2\xa0> PIN: 111111"),
	QUOTED("'>' after ZWSP", "PIN: 482913", "\xe2\x80\x8b> PIN: 111111"),
	QUOTED("'>' after BOM", "PIN: 482913", "\xef\xbb\xbf> PIN: 111111"),
	QUOTED("'>' after word joiner and LRM", "PIN: 482913",
	    "\xe2\x81\xa0\xe2\x80\x8e> PIN: 111111"),
	QUOTED("full-width mark after ideographic space", "PIN: 482913",
	    "\xe3\x80\x80\xef\xbc\x9e PIN: 111111"),
	{ "gmail ja, quoted", "PIN: 482913",
	    "2026\xe5\xb9\xb4""12\xe6\x9c\x88""1\xe6\x97\xa5(\xe7\x81\xab) "
	    "10:02 Support <support@example.com>:", "> PIN: 111111" },
	{ "gmail ru, quoted", "PIN: 482913",
	    "\xd0\xb2\xd1\x82, 1 \xd0\xb4\xd0\xb5\xd0\xba. 2026 \xd0\xb3. \xd0"
	    "\xb2 10:02, Support <support@example.com>:", "\n> PIN: 111111" },

	/* signatures */
	BLOCK("'--' without the space, short lines", "PIN: 482913",
	    "--\nBob Berg\nAcme Dental"),
	BLOCK("'--' and a no-break space", "PIN: 482913",
	    "--\xc2\xa0\nBob Berg"),
	BLOCK("'--' after a BOM", "PIN: 482913", "\xef\xbb\xbf-- \nBob Berg"),
};

/* The author's own text, which must come out whole. */
static const struct {
	const char *name;
	const char *in;
} kept[] = {
	{ "one label word", "Od: poniedzia\xc5\x82ku nie dzia\xc5\x82" "a.\n"
	  "PIN: 482913" },
	{ "two labels only", "Od: jutra\nDo: pi\xc4\x85tku\nPIN: 482913" },
	{ "labels split by a blank line", "Fr\xc3\xa5n: mig\n\nTill: er\n"
	  "\xc3\x84mne: PIN\nPIN: 482913" },
	{ "'--' above a paragraph", "Steps done so far:\n--\nI restarted the "
	  "router twice and the appointment reminders are still not sent.\n"
	  "PIN: 482913" },
	{ "'--' above many lines", "a\n--\n1\n2\n3\n4\n5\n6\n7\n8\n9\n"
	  "PIN: 482913" },
	{ "den ... skrev without a colon", "Den 1 december skrev jag till er\n"
	  "PIN: 482913" },
	{ "skrev: without a date", "Min kollega skrev:\nPIN: 482913" },
	{ "wrote: after text, no blank line", "Thanks\nIn 2026 my colleague "
	  "wrote:\nPIN: 482913" },
	{ "short line above wrote:", "PIN 482913\nSupport wrote:\nold" },
	{ "unknown title between dashes", "-- Schritt 2 --\nPIN: 482913" },
	{ "a dash in text", "PIN - 482913\n- done" },
	{ "a digit table", "1 | 2 | 3\nPIN: 482913" },
};

/* Our verification request, as a reply quotes it. */
#define VERIFY	"\nHello Bob,\n\nWe have received a request to change " \
	"something on your account.\nPlease reply with your PIN.\nIf you " \
	"have lost your PIN, reply with \"I have lost my PIN\" and we will " \
	"send a new one."

static const struct {
	const char *name;
	const char *in;
	const char *author;
} verify_replies[] = {
	{ "sv", "Hej,\nvi ringer er i morgon i st\xc3\xa4llet.\n/Bob\n\n"
	  "________________________________\nFr\xc3\xa5n: Support <support@"
	  "example.com>\nSkickat: den 2 december 2026 16:40\nTill: Bob Berg\n"
	  "\xc3\x84mne: [Case #100000] Please confirm your request\n" VERIFY,
	  "Hej,\nvi ringer er i morgon i st\xc3\xa4llet.\n/Bob" },
	{ "pl", "Zadzwoni\xc4\x99 jutro.\nBob\n\nOd: Support\nWys\xc5\x82"
	  "ano: 2 grudnia 2026 16:40\nDo: Bob\nTemat: Please confirm\n" VERIFY,
	  "Zadzwoni\xc4\x99 jutro.\nBob" },
	{ "de", "Ich rufe morgen an.\nBob\n\n-----Urspr\xc3\xbcngliche "
	  "Nachricht-----\nVon: Support\nGesendet: 2. Dezember 2026\n" VERIFY,
	  "Ich rufe morgen an.\nBob" },
	{ "ru", "\xd0\xa1\xd0\xbf\xd0\xb0\xd1\x81\xd0\xb8\xd0\xb1\xd0"
	  "\xbe.\nBob\n\n\xd0\x9e\xd1\x82: Support\n\xd0\x9e\xd1\x82\xd0"
	  "\xbf\xd1\x80\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe: "
	  "2.12.2026\n\xd0\x9a\xd0\xbe\xd0\xbc\xd1\x83: Bob\n\xd0\xa2\xd0"
	  "\xb5\xd0\xbc\xd0\xb0: Please confirm\n" VERIFY,
	  "\xd0\xa1\xd0\xbf\xd0\xb0\xd1\x81\xd0\xb8\xd0\xb1\xd0\xbe.\nBob" },
	{ "ja", "OK\nBob\n\n\xe5\xb7\xae\xe5\x87\xba\xe4\xba\xba: Support\n"
	  "\xe9\x80\x81\xe4\xbf\xa1\xe6\x97\xa5\xe6\x99\x82: 2026/12/02\n"
	  "\xe5\xae\x9b\xe5\x85\x88: Bob\n\xe4\xbb\xb6\xe5\x90\x8d: Please "
	  "confirm\n" VERIFY, "OK\nBob" },
};

static char *
candidates(const char *text)
{
	struct pin_candidates c;
	GString *s = g_string_new("");
	size_t i;

	pin_extract(text, strlen(text), PIN_EXTRACT_BARE_LINE, &c);
	for (i = 0; i < c.n; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", c.v[i]);
	pin_candidates_wipe(&c);
	return g_string_free(s, FALSE);
}

static void
test_replies(void)
{
	const struct reply *r;
	char *in, *got, *all;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(replies); i++) {
		r = &replies[i];
		in = g_strconcat(r->author, "\n\n", r->marker,
		    r->marker[0] != '\0' ? "\n" : "", r->quoted, "\n", NULL);
		all = candidates(in);
		is_str(all, "482913,111111", "%s: the whole reply has both",
		    r->name);
		got = quote_cut(in, strlen(in));
		is_str(got, r->author, "%s: the author's text", r->name);
		g_free(all);
		all = candidates(got);
		is_str(all, "482913", "%s: the quoted PIN is no candidate",
		    r->name);
		g_free(all);
		g_free(got);
		g_free(in);
	}
}

static void
test_kept(void)
{
	char *got;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kept); i++) {
		got = quote_cut(kept[i].in, strlen(kept[i].in));
		is_str(got, kept[i].in, "kept: %s", kept[i].name);
		g_free(got);
	}
}

static void
test_verify_quoted(void)
{
	struct pm_config *cfg = config_defaults();
	struct intent it;
	char *got;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(verify_replies); i++) {
		intent_classify_cfg(cfg, NULL, verify_replies[i].in, &it);
		is_str(intent_kind_name(it.kind), "lost-pin",
		    "verification request quoted, %s: the whole reply asks",
		    verify_replies[i].name);
		got = quote_cut(verify_replies[i].in,
		    strlen(verify_replies[i].in));
		is_str(got, verify_replies[i].author,
		    "verification request quoted, %s: the author's text",
		    verify_replies[i].name);
		intent_classify_cfg(cfg, NULL, got, &it);
		is_str(intent_kind_name(it.kind), "other",
		    "verification request quoted, %s: the author does not ask",
		    verify_replies[i].name);
		g_free(got);
	}
	config_free(cfg);
}

int
main(void)
{
	test_replies();
	test_kept();
	test_verify_quoted();
	return tap_done();
}
