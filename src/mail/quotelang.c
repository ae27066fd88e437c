/*
 * quotelang.c - how mail clients in each language mark the text a reply
 * quotes or forwards (quote_int.h): the labels of Outlook's header block
 * ("From:/Sent:/To:/Subject:"), the titles between dashes ("-----Original
 * Message-----"), the lines that open a forwarded message ("Begin
 * forwarded message:"), and the attribution lines ("On <date>, <name>
 * wrote:").
 *
 * The strings are the ones Outlook (desktop, web, mobile), Gmail, Apple
 * Mail, Thunderbird, Yahoo and the big national webmails write in each
 * language; patterns are lowercase (quotematch.c folds case): ' ' is one
 * or more blanks, '~' zero or more, ':' also the full-width colon.  A
 * language is added by adding rows; a row is never trusted alone: a
 * header block needs three labels in a row (quote.c), a bare ":" ending
 * needs a word and a date, and an attribution without a leading word
 * needs a date and a paragraph of its own.
 *
 * Security: the input is hostile.  Each function reads a bounded prefix
 * or suffix of one line (attributions: of at most three joined lines of
 * at most QL_MAX_LINE bytes each); cost is a constant per row.
 *
 * Diagnostics: none; pure functions.
 */
#include <glib.h>

#include "mail/quote_int.h"

#define LABEL_WINDOW	64	/* bytes before a label's colon, blanks included */

struct label {
	const char *pat;
	int cls;
};

/* Outlook's header block, by language; Gmail's and Apple's forwarded
 * blocks use the same words. */
static const struct label labels[] = {
	/* en */
	{ "from~:", QL_FROM }, { "sent~:", QL_SENT }, { "date~:", QL_SENT },
	{ "to~:", QL_TO }, { "cc~:", QL_TO }, { "bcc~:", QL_TO },
	{ "subject~:", QL_SUBJ },
	/* fr */
	{ "de~:", QL_FROM }, { "envoyé~:", QL_SENT }, { "envoyé le~:", QL_SENT },
	{ "à~:", QL_TO }, { "a~:", QL_TO }, { "objet~:", QL_SUBJ },
	/* de */
	{ "von~:", QL_FROM }, { "gesendet~:", QL_SENT }, { "datum~:", QL_SENT },
	{ "an~:", QL_TO }, { "betreff~:", QL_SUBJ },
	/* es */
	{ "enviado~:", QL_SENT }, { "enviado el~:", QL_SENT },
	{ "fecha~:", QL_SENT }, { "para~:", QL_TO }, { "asunto~:", QL_SUBJ },
	/* it */
	{ "da~:", QL_FROM }, { "inviato~:", QL_SENT }, { "data~:", QL_SENT },
	{ "oggetto~:", QL_SUBJ },
	/* nl */
	{ "van~:", QL_FROM }, { "verzonden~:", QL_SENT }, { "aan~:", QL_TO },
	{ "onderwerp~:", QL_SUBJ },
	/* pt */
	{ "enviada~:", QL_SENT }, { "enviada em~:", QL_SENT },
	{ "enviado em~:", QL_SENT }, { "assunto~:", QL_SUBJ },
	/* sv */
	{ "från~:", QL_FROM }, { "skickat~:", QL_SENT }, { "till~:", QL_TO },
	{ "kopia~:", QL_TO }, { "ämne~:", QL_SUBJ },
	/* da, no */
	{ "fra~:", QL_FROM }, { "sendt~:", QL_SENT }, { "dato~:", QL_SENT },
	{ "til~:", QL_TO }, { "kopi~:", QL_TO }, { "emne~:", QL_SUBJ },
	/* pl */
	{ "od~:", QL_FROM }, { "wysłano~:", QL_SENT }, { "wysłane~:", QL_SENT },
	{ "do~:", QL_TO }, { "dw~:", QL_TO }, { "temat~:", QL_SUBJ },
	/* cs, sk */
	{ "odesláno~:", QL_SENT }, { "odoslané~:", QL_SENT },
	{ "komu~:", QL_TO }, { "kopie~:", QL_TO }, { "předmět~:", QL_SUBJ },
	{ "predmet~:", QL_SUBJ },
	/* fi */
	{ "lähettäjä~:", QL_FROM }, { "lähetetty~:", QL_SENT },
	{ "päivämäärä~:", QL_SENT }, { "vastaanottaja~:", QL_TO },
	{ "kopio~:", QL_TO }, { "aihe~:", QL_SUBJ },
	/* hu */
	{ "feladó~:", QL_FROM }, { "elküldve~:", QL_SENT },
	{ "címzett~:", QL_TO }, { "tárgy~:", QL_SUBJ },
	/* ro */
	{ "de la~:", QL_FROM }, { "trimis~:", QL_SENT }, { "către~:", QL_TO },
	{ "subiect~:", QL_SUBJ },
	/* tr */
	{ "kimden~:", QL_FROM }, { "gönderildi~:", QL_SENT },
	{ "gönderilme tarihi~:", QL_SENT }, { "kime~:", QL_TO },
	{ "konu~:", QL_SUBJ },
	/* el */
	{ "από~:", QL_FROM }, { "στάλθηκε~:", QL_SENT }, { "προς~:", QL_TO },
	{ "θέμα~:", QL_SUBJ },
	/* ru, uk */
	{ "от~:", QL_FROM }, { "отправлено~:", QL_SENT }, { "дата~:", QL_SENT },
	{ "кому~:", QL_TO }, { "копия~:", QL_TO }, { "тема~:", QL_SUBJ },
	{ "від~:", QL_FROM }, { "надіслано~:", QL_SENT },
	/* ja */
	{ "差出人~:", QL_FROM }, { "送信日時~:", QL_SENT }, { "日付~:", QL_SENT },
	{ "宛先~:", QL_TO }, { "件名~:", QL_SUBJ },
	/* zh (simplified, traditional) */
	{ "发件人~:", QL_FROM }, { "发送时间~:", QL_SENT }, { "时间~:", QL_SENT },
	{ "日期~:", QL_SENT }, { "收件人~:", QL_TO }, { "抄送~:", QL_TO },
	{ "主题~:", QL_SUBJ }, { "寄件者~:", QL_FROM },
	{ "寄件日期~:", QL_SENT }, { "收件者~:", QL_TO }, { "副本~:", QL_TO },
	{ "主旨~:", QL_SUBJ },
	/* ko */
	{ "보낸 사람~:", QL_FROM }, { "보낸 날짜~:", QL_SENT },
	{ "받는 사람~:", QL_TO }, { "참조~:", QL_TO }, { "제목~:", QL_SUBJ },
	/* he, ar */
	{ "מאת~:", QL_FROM }, { "נשלח~:", QL_SENT }, { "אל~:", QL_TO },
	{ "נושא~:", QL_SUBJ }, { "من~:", QL_FROM },
	{ "تاريخ الإرسال~:", QL_SENT }, { "إلى~:", QL_TO },
	{ "الموضوع~:", QL_SUBJ },
};

/* Between two runs of dashes: "-----Original Message-----". */
static const char *const separators[] = {
	"original message", "forwarded message",		/* en */
	"message d'origine", "mail original", "message original",
	"message transféré",					/* fr */
	"ursprüngliche nachricht", "weitergeleitete nachricht",
	"originalnachricht",					/* de */
	"mensaje original", "mensaje reenviado",		/* es */
	"messaggio originale", "messaggio inoltrato",		/* it */
	"oorspronkelijk bericht", "doorgestuurd bericht",	/* nl */
	"mensagem original", "mensagem encaminhada",
	"mensagem reencaminhada",				/* pt */
	"ursprungligt meddelande", "originalmeddelande",
	"vidarebefordrat meddelande",				/* sv */
	"oprindelig meddelelse", "videresendt meddelelse",	/* da */
	"opprinnelig melding", "videresendt melding",		/* no */
	"wiadomość oryginalna", "oryginalna wiadomość",
	"wiadomość przekazana", "przekazana wiadomość",		/* pl */
	"původní zpráva", "přeposlaná zpráva", "pôvodná správa",	/* cs sk */
	"alkuperäinen viesti", "välitetty viesti",		/* fi */
	"eredeti üzenet", "továbbított üzenet", "továbbított levél",	/* hu */
	"mesaj original", "mesaj redirecționat",
	"mesaj redirecţionat",					/* ro */
	"orijinal ileti", "özgün ileti", "iletilen ileti",
	"yönlendirilen ileti", "iletilmiş ileti",		/* tr */
	"αρχικό μήνυμα", "προωθημένο μήνυμα",			/* el */
	"исходное сообщение", "пересылаемое сообщение",
	"пересланное сообщение", "оригинальное сообщение",	/* ru */
	"вихідне повідомлення", "оригінальне повідомлення",
	"переслане повідомлення", "пересланий лист",		/* uk */
	"元のメッセージ", "転送メッセージ",			/* ja */
	"原始邮件", "原始郵件", "转发邮件", "轉寄郵件",		/* zh */
	"원본 메시지", "전달된 메시지",				/* ko */
	"הודעה מקורית", "الرسالة الأصلية",			/* he ar */
};

/* A whole line opening a forwarded message (Apple Mail and others). */
static const char *const forward_lines[] = {
	"begin forwarded message~:", "début du message réexpédié~:",
	"anfang der weitergeleiteten nachricht~:",
	"inicio del mensaje reenviado~:", "inizio messaggio inoltrato~:",
	"início da mensagem reencaminhada~:", "begin doorgestuurd bericht~:",
	"vidarebefordrat brev~:", "videresendt besked~:",
	"videresendt melding~:", "początek przekazywanej wiadomości~:",
	"начало переадресованного сообщения~:", "välitetty viesti~:",
	"転送されたメッセージ~:", "以下是转发的邮件~:",
};

/* Flags of an attribution form. */
#define A_DIGIT	1	/* needs a digit: the date */

/*
 * "On <date>, <name> wrote:" and its translations, by leading word: the
 * start, the end, a word that must occur (German, Dutch, Scandinavian
 * forms end in a bare colon), flags.
 */
static const struct {
	const char *start;
	const char *end;
	const char *word;
	int flags;
} attributions[] = {
	{ "on ", "wrote~:", NULL, 0 },
	{ "le ", "a écrit~:", NULL, 0 }, { "le ", "a ecrit~:", NULL, 0 },
	{ "am ", ":", " schrieb ", A_DIGIT },
	{ "el ", "escribió~:", NULL, 0 }, { "el ", "escribio~:", NULL, 0 },
	{ "il ", "ha scritto~:", NULL, 0 },
	{ "op ", ":", " schreef ", A_DIGIT },
	{ "em ", "escreveu~:", NULL, 0 },
	{ "den ", ":", " skrev ", A_DIGIT },		/* sv, da */
	{ "w dniu ", "pisze~:", NULL, 0 },		/* pl */
	{ "w dniu ", "napisał(a)~:", NULL, 0 },
	{ "dne ", "napsal(a)~:", NULL, 0 },		/* cs */
	{ "στις ", "έγραψε~:", NULL, 0 },		/* el */
};

/*
 * How an attribution ends ("<name> wrote:"), in every language: after
 * a date in a paragraph of its own, or before quoted lines.
 */
static const char *const wrote_ends[] = {
	"wrote~:", "écrit~:", "ecrit~:", "escribió~:", "escribio~:",
	"ha scritto~:", "escreveu~:", "schrieb~:", "schreef~:",
	"geschrieben~:", "geschreven~:", "írta~:", "כתב/ה~:",
	"skrev~:", "pisze~:", "napisał(a)~:", "napisał~:", "napisała~:",
	"napsal(a)~:", "napsal~:", "napsala~:", "napísal(a)~:",
	"kirjoitti~:", "написал(а)~:", "написал~:", "написала~:",
	"пишет~:", "написав(ла)~:", "написав~:", "пише~:", "a scris~:",
	"yazdı~:", "έγραψε~:", "写道~:", "寫道~:", "のメール~:",
	"작성~:", "כתב~:", "كتب~:",
};

/* Ending in a bare colon: a word in the line and a date. */
static const char *const colon_words[] = {
	" schrieb ", " schreef ", " skrev ", " wrote on ", " ezt írta ",
	" kirjoitti ", " napisana przez ", " كتب ",
};

int
ql_header_class(struct qline l)
{
	size_t i;

	if (l.len > QL_MAX_LINE || !qm_has_colon(l, LABEL_WINDOW))
		return QL_NONE;
	l = qm_trim(l);
	while (l.len > 0 && l.p[0] == '*') {
		l.p++;
		l.len--;
	}
	for (i = 0; i < G_N_ELEMENTS(labels); i++)
		if (qm_match_fwd(l.p, l.len, labels[i].pat) != QL_NOMATCH)
			return labels[i].cls;
	return QL_NONE;
}

bool
ql_separator_title(struct qline inner)
{
	size_t i;

	inner = qm_trim(inner);
	if (inner.len == 0)
		return false;
	for (i = 0; i < G_N_ELEMENTS(separators); i++)
		if (qm_equals(inner, separators[i]))
			return true;
	return false;
}

bool
ql_forward_line(struct qline l)
{
	size_t i;

	l = qm_trim(l);
	for (i = 0; i < G_N_ELEMENTS(forward_lines); i++)
		if (qm_equals(l, forward_lines[i]))
			return true;
	return false;
}

static bool
ends_wrote(struct qline l)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(wrote_ends); i++)
		if (qm_match_back(l.p, l.len, wrote_ends[i]) != QL_NOMATCH)
			return true;
	return false;
}

/* "<date>, <name> написал(а):" or "Support schrieb am 8.1.2024 10:15:"
 * in a paragraph of its own. */
static bool
attribution_bare(struct qline j)
{
	size_t i;

	if (!qm_has_digit(j))
		return false;
	if (ends_wrote(j))
		return true;
	if (qm_match_back(j.p, j.len, ":") == QL_NOMATCH)
		return false;
	for (i = 0; i < G_N_ELEMENTS(colon_words); i++)
		if (qm_contains(j, colon_words[i]))
			return true;
	return false;
}

bool
ql_attribution(struct qline j, bool fresh)
{
	size_t i;

	if (!qm_ends_colon(j))
		return false;
	for (i = 0; i < G_N_ELEMENTS(attributions); i++) {
		if (qm_match_fwd(j.p, j.len, attributions[i].start) ==
		    QL_NOMATCH ||
		    qm_match_back(j.p, j.len, attributions[i].end) ==
		    QL_NOMATCH)
			continue;
		if ((attributions[i].flags & A_DIGIT) && !qm_has_digit(j))
			continue;
		if (attributions[i].word == NULL ||
		    qm_contains(j, attributions[i].word))
			return true;
	}
	return fresh && attribution_bare(j);
}

bool
ql_wrote_end(struct qline l)
{
	l = qm_trim(l);
	if (l.len == 0 || l.len > QL_MAX_LINE || !qm_ends_colon(l))
		return false;
	if (ends_wrote(l))
		return true;
	/* "2024年1月8日(月) 10:15 Support <support@example.com>:" */
	return qm_match_back(l.p, l.len, ">~:") != QL_NOMATCH &&
	    qm_contains(l, "@") && qm_has_digit(l);
}
