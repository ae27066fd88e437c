/*
 * intent_words.c - the words of the intent classifier: the built-in
 * lists of action verbs, things of the account and other PINs (the
 * configuration's defaults), the grammatical cues of requests, questions,
 * negation and the past in English and French, and the reading of verb
 * forms.
 *
 * Every word here is folded (util/fold.h): lower case, no accents; "I'd"
 * is the two words "i d", "pourriez-vous" is "pourriez vous".  The lists
 * in lex_* are sorted (strcmp order) for bsearch; test_intent checks it.
 *
 * Verb forms: a word is looked up as written, then without the endings
 * of English (-ed, -ing, a doubled consonant, -ied) and French (-ez, -é,
 * -ée, -és, -ées, -u, -ue, -ant after an -er, -ir or -re stem), and in a
 * few irregular forms ("sent", "made", "mis").  Third persons ("adds",
 * "ajoutons") are never read as verbs: they state, they do not ask.
 *
 * Security notes: pure functions over bounded words; no allocation.
 * Diagnostics: none.
 */
#include <stdlib.h>
#include <string.h>

#include "case/intent_int.h"

static const char *const lex_verbs[] = {
	"activate", "activer", "add", "affecter", "ajouter", "allocate",
	"allowlist", "amend", "annuler", "assign", "attribuer", "bar",
	"blacklist", "block", "blocklist", "bloquer", "cancel", "change",
	"changer", "configure", "configurer", "create", "creer",
	"deactivate", "debloquer", "decommission", "decrease", "delete",
	"deprovision", "deregister", "desactiver", "desinstaller", "disable",
	"disconnect", "discontinue", "divert", "downgrade", "edit",
	"effacer", "enable", "enlever", "erase", "extend", "increase",
	"install", "installer", "migrate", "migrer", "modifier", "modify",
	"parametrer", "provision", "rajouter", "reactivate", "reactiver",
	"reaffecter", "reassign", "reattribuer", "reconfigure",
	"reconfigurer", "redirect", "rediriger", "reduce", "reinitialiser",
	"remove", "remplacer", "rename", "renommer", "renumber", "replace",
	"reroute", "reset", "resilier", "restrict", "retirer", "setup",
	"supprimer", "suspend", "suspendre", "swap", "terminate", "unassign",
	"unbar", "unblock", "uninstall", "unregister", "unsubscribe",
	"unsuspend", "upgrade", "whitelist",
};

static const char *const lex_object_verbs[] = {
	"adjust", "ajuster", "allow", "appliquer", "apply", "arreter",
	"augmenter", "autoriser", "basculer", "brancher", "buy", "close",
	"commander", "connect", "convert", "couper", "cut", "deplacer",
	"diminuer", "donner", "drop", "enregistrer", "envoyer", "fermer",
	"forward", "give", "grant", "interdire", "link", "lower", "make",
	"map", "merge", "mettre", "move", "mute", "open", "order", "ouvrir",
	"passer", "permit", "point", "port", "porter", "programmer",
	"purchase", "put", "raise", "record", "reduire", "register",
	"release", "relier", "renew", "renvoyer", "restore", "revoke",
	"route", "schedule", "send", "set", "shut", "split", "start", "stop",
	"switch", "take", "transfer", "transferer", "turn", "unlink",
	"unmute", "update", "upload",
};

static const char *const lex_objects[] = {
	"abonnement", "abonnements", "acces", "access", "account",
	"accounts", "accueil", "address", "addresses", "admin",
	"administrator", "administrators", "adresse", "adresses", "alert",
	"alerts", "annonce", "annonces", "announcement", "app", "appel",
	"appels", "application", "attendant", "attente", "billing",
	"blocklist", "boite", "bridge", "bundle", "call", "caller", "calls",
	"card", "carte", "channel", "channels", "cli", "compte", "comptes",
	"conference", "contract", "contracts", "contrat", "contrats",
	"debit", "delay", "destination", "details", "device", "devices",
	"dial", "did", "directory", "display", "dnd", "droits", "email",
	"enregistrement", "enregistrements", "ext", "extension",
	"extensions", "facturation", "fax", "faxes", "feature", "features",
	"file", "forfait", "forfaits", "forwarding", "fuseau", "greeting",
	"greetings", "group", "groupe", "groupes", "groups", "handset",
	"handsets", "hold", "horaires", "hours", "id", "identifiant", "ivr",
	"language", "langue", "licence", "licences", "license", "licenses",
	"ligne", "lignes", "limit", "line", "lines", "login", "mailbox",
	"mailboxes", "menu", "message", "messagerie", "messages", "minutes",
	"mode", "music", "musique", "name", "names", "nom", "notification",
	"notifications", "number", "numbers", "numero", "numeros", "offre",
	"option", "options", "owner", "package", "paiement", "passe",
	"password", "payment", "permission", "permissions", "phone",
	"phones", "pin", "plan", "plans", "port", "portabilite", "porting",
	"poste", "postes", "profil", "profile", "prompt", "queue", "queues",
	"recording", "recordings", "records", "regle", "regles", "renvoi",
	"renvois", "repertoire", "repondeur", "rights", "ring", "role",
	"route", "routing", "rule", "rules", "schedule", "seat", "seats",
	"service", "services", "setting", "settings", "sim", "site", "sites",
	"softphone", "standard", "subscription", "subscriptions", "svi",
	"tariff", "telephone", "telephones", "timeout", "timezone",
	"transcription", "transfert", "transferts", "trunk", "trunks",
	"user", "users", "utilisateur", "utilisateurs", "voicemail",
	"voicemails", "waiting", "whitelist", "zone",
};

static const char *const lex_other_pins[] = {
	"alarm", "app", "atm", "badge", "bank", "bluetooth", "boite",
	"bridge", "card", "carte", "cellulaire", "conference", "credit",
	"debit", "desk", "deskphone", "device", "door", "ext", "extension",
	"handset", "lock", "mailbox", "meeting", "messagerie", "mobile",
	"phone", "portable", "poste", "puk", "repondeur", "router", "safe",
	"sim", "telephone", "vm", "vocale", "voice", "voicemail", "wifi",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

void
intent_lexicon_default(struct intent_lexicon *lx)
{
	lx->verbs.v = lex_verbs;
	lx->verbs.n = NELEM(lex_verbs);
	lx->object_verbs.v = lex_object_verbs;
	lx->object_verbs.n = NELEM(lex_object_verbs);
	lx->objects.v = lex_objects;
	lx->objects.n = NELEM(lex_objects);
	lx->other_pins.v = lex_other_pins;
	lx->other_pins.n = NELEM(lex_other_pins);
}

static int
cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool
iw_in(const struct intent_words *l, const char *w)
{
	return l->n > 0 && bsearch(w, l->v, l->n, sizeof(l->v[0]),
	    cmp_word) != NULL;
}

bool
iw_set(const char *const *set, const char *w)
{
	for (; *set != NULL; set++)
		if (strcmp(*set, w) == 0)
			return true;
	return false;
}

/*
 * Small sets.
 */

/* May stand between a request form and its verb. */
const char *const iw_fillers[] = {
	"also", "just", "quickly", "urgently", "asap", "maybe", "possibly",
	"perhaps", "then", "now", "again", "still", "all", "guys", "both",
	"simply", "immediately", "today", "finally", "additionally",
	"actually", "really", "already", "kindly", "first", "definitely",
	"aussi", "egalement", "bien", "rapidement", "simplement", "juste",
	"donc", "alors", "ensuite", "enfin", "urgemment", "immediatement",
	"deja", "vite", "svp", "stp", "le", "la", "les", "l", "lui", "leur",
	"en", "y", "me", "m", "te", "vouloir",
	NULL
};

/* Before a verb: someone states what was or is done. */
const char *const iw_subjects[] = {
	"i", "we", "you", "they", "he", "she", "someone", "somebody",
	"anyone", "who", "je", "j", "nous", "vous", "on", "il", "elle",
	"ils", "elles", "qui", "tu",
	NULL
};

/* Before a participle: it was done. */
const char *const iw_aux_past[] = {
	"has", "have", "had", "been", "was", "were", "is", "are", "am",
	"being", "got", "gotten", "did", "does", "ve", "ai", "as", "a",
	"avons", "avez", "ont", "avait", "avaient", "avoir", "suis", "es",
	"est", "sommes", "etes", "sont", "ete", "etait", "etaient", "s",
	NULL
};

/* Before an English word: it is a noun ("the change", "no change"). */
const char *const iw_determiners[] = {
	"the", "a", "an", "this", "that", "these", "those", "my", "our",
	"your", "his", "her", "their", "its", "no", "any", "some", "each",
	"every", "of",
	NULL
};

const char *const iw_conjunctions[] = {
	"and", "or", "et", "ou", "puis",
	NULL
};

/* More of a thing: "two more", "another", "supplémentaire". */
const char *const iw_markers[] = {
	"another", "more", "extra", "additional", "new", "second", "third",
	"two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "couple", "several", "spare", "separate", "dedicated",
	"autre", "supplementaire", "supplementaires", "nouveau", "nouvelle",
	"nouveaux", "nouvelles", "nouvel", "deuxieme", "seconde", "deux",
	"trois", "quatre", "cinq", "sept", "huit", "dix", "plusieurs",
	"additionnel", "additionnelle", "additionnels", "additionnelles",
	"plus",
	NULL
};

const char *const iw_negations[] = {
	"not", "no", "never", "nothing", "none", "nobody", "without", "dont",
	"doesnt", "didnt", "wont", "cannot", "nor", "ne", "n", "pas", "plus",
	"jamais", "rien", "aucun", "aucune", "sans", "ni",
	NULL
};

/* A negation ending at word J ("not", "don t", "ne", "pas")? */
bool
iw_negation_at(const struct isent *s, size_t j)
{
	static const char *const before_t[] = {
		"don", "doesn", "didn", "won", "can", "isn", "aren", "shouldn",
		"wouldn", "couldn", "haven", "hasn", "wasn", "weren", NULL
	};

	if (iw_set(iw_negations, s->w[j]))
		return true;
	return strcmp(s->w[j], "t") == 0 && j > 0 &&
	    iw_set(before_t, s->w[j - 1]);
}

/*
 * Cues: phrases of folded words, the longest match wins.
 */

struct cue {
	const char *p;
	enum icue kind;
};

static const struct cue cues[] = {
	/* English requests */
	{ "please", CUE_REQUEST }, { "pls", CUE_REQUEST },
	{ "plz", CUE_REQUEST }, { "kindly", CUE_REQUEST },
	{ "could you", CUE_REQUEST }, { "can you", CUE_REQUEST },
	{ "could u", CUE_REQUEST }, { "can u", CUE_REQUEST },
	{ "would u", CUE_REQUEST },
	{ "would you", CUE_REQUEST }, { "will you", CUE_REQUEST },
	{ "would you mind", CUE_REQUEST },
	{ "would you be able to", CUE_REQUEST },
	{ "could you be able to", CUE_REQUEST },
	{ "are you able to", CUE_REQUEST },
	{ "can someone", CUE_REQUEST }, { "could someone", CUE_REQUEST },
	{ "can somebody", CUE_REQUEST }, { "could somebody", CUE_REQUEST },
	{ "can anyone", CUE_REQUEST }, { "could anyone", CUE_REQUEST },
	{ "if you could", CUE_REQUEST }, { "if you can", CUE_REQUEST },
	{ "go ahead and", CUE_REQUEST }, { "don t forget to", CUE_REQUEST },
	{ "make sure to", CUE_REQUEST }, { "be sure to", CUE_REQUEST },
	{ "need you to", CUE_REQUEST }, { "want you to", CUE_REQUEST },
	{ "like you to", CUE_REQUEST }, { "ask you to", CUE_REQUEST },
	{ "asking you to", CUE_REQUEST }, { "request you to", CUE_REQUEST },
	{ "would it be possible to", CUE_REQUEST },
	{ "would it be possible for you to", CUE_REQUEST },
	{ "is it possible for you to", CUE_REQUEST },
	{ "could it be possible to", CUE_REQUEST },
	{ "be so kind as to", CUE_REQUEST },
	/* English wishes */
	{ "need to", CUE_WISH }, { "needs to", CUE_WISH },
	{ "want to", CUE_WISH }, { "wants to", CUE_WISH },
	{ "like to", CUE_WISH }, { "wish to", CUE_WISH },
	{ "love to", CUE_WISH }, { "prefer to", CUE_WISH },
	{ "decided to", CUE_WISH }, { "writing to", CUE_WISH },
	{ "looking to", CUE_WISH }, { "hoping to", CUE_WISH },
	{ "need", CUE_WISH }, { "needs", CUE_WISH }, { "want", CUE_WISH },
	{ "d like", CUE_WISH }, { "would like", CUE_WISH },
	{ "d like to", CUE_WISH }, { "would like to", CUE_WISH },
	{ "d love to", CUE_WISH }, { "would love to", CUE_WISH },
	{ "d prefer to", CUE_WISH }, { "would prefer to", CUE_WISH },
	{ "require", CUE_WISH }, { "must", CUE_WISH },
	{ "i request", CUE_WISH }, { "we request", CUE_WISH },
	{ "requesting", CUE_WISH },
	{ "has to", CUE_WISH },
	{ "could we get", CUE_WISH }, { "can we get", CUE_WISH },
	{ "could i get", CUE_WISH }, { "can i get", CUE_WISH },
	{ "could we have", CUE_WISH }, { "can we have", CUE_WISH },
	{ "could i have", CUE_WISH }, { "can i have", CUE_WISH },
	/* English: doing it oneself, capability */
	{ "how do i", CUE_SELF }, { "how do we", CUE_SELF },
	{ "how can i", CUE_SELF }, { "how can we", CUE_SELF },
	{ "how to", CUE_SELF }, { "how would i", CUE_SELF },
	{ "how would we", CUE_SELF }, { "how should i", CUE_SELF },
	{ "how should we", CUE_SELF }, { "how does one", CUE_SELF },
	{ "how do you", CUE_SELF }, { "how", CUE_SELF },
	{ "where can i", CUE_SELF }, { "where can we", CUE_SELF },
	{ "where do i", CUE_SELF }, { "where do we", CUE_SELF },
	{ "is there a way to", CUE_SELF }, { "is there any way to", CUE_SELF },
	{ "is it possible to", CUE_SELF },
	{ "is it possible for me to", CUE_SELF },
	{ "is it possible for us to", CUE_SELF },
	{ "can i", CUE_SELF }, { "can we", CUE_SELF },
	{ "could i", CUE_SELF }, { "could we", CUE_SELF },
	{ "am i able to", CUE_SELF }, { "are we able to", CUE_SELF },
	{ "able to", CUE_SELF }, { "allowed to", CUE_SELF },
	{ "do i need to", CUE_SELF }, { "do we need to", CUE_SELF },
	{ "do i have to", CUE_SELF }, { "do we have to", CUE_SELF },
	{ "do i need", CUE_SELF }, { "do we need", CUE_SELF },
	{ "should i", CUE_SELF }, { "should we", CUE_SELF },
	{ "best way to", CUE_SELF }, { "i can", CUE_SELF },
	{ "we can", CUE_SELF }, { "possible to", CUE_SELF },
	/* English: asking for information */
	{ "tell me", CUE_INFO }, { "tell us", CUE_INFO },
	{ "let me know", CUE_INFO }, { "let us know", CUE_INFO },
	{ "explain", CUE_INFO }, { "show me", CUE_INFO },
	{ "show us", CUE_INFO }, { "know", CUE_INFO },
	{ "understand", CUE_INFO }, { "learn", CUE_INFO },
	{ "wondering", CUE_INFO }, { "wonder", CUE_INFO },
	{ "find out", CUE_INFO }, { "ask", CUE_INFO },
	{ "asking", CUE_INFO }, { "question", CUE_INFO },
	{ "check", CUE_INFO }, { "see if", CUE_INFO },
	{ "confirm", CUE_INFO }, { "advise", CUE_INFO },
	{ "recommend", CUE_INFO }, { "help", CUE_INFO },
	{ "help me", CUE_INFO }, { "help us", CUE_INFO },
	{ "clarify", CUE_INFO }, { "cost", CUE_INFO },
	{ "costs", CUE_INFO }, { "fee", CUE_INFO }, { "fees", CUE_INFO },
	{ "price", CUE_INFO }, { "charge", CUE_INFO },
	{ "instructions", CUE_INFO }, { "steps", CUE_INFO },
	/* English: negation, deferral, past, questions, hypotheses */
	{ "don t", CUE_NEG }, { "do not", CUE_NEG }, { "doesn t", CUE_NEG },
	{ "does not", CUE_NEG }, { "didn t", CUE_NEG }, { "did not", CUE_NEG },
	{ "won t", CUE_NEG }, { "will not", CUE_NEG },
	{ "shouldn t", CUE_NEG }, { "can t", CUE_NEG },
	{ "no need to", CUE_NEG }, { "no longer", CUE_NEG },
	{ "not necessary to", CUE_NEG },
	{ "hold off", CUE_DEFER }, { "hold off on", CUE_DEFER },
	{ "wait", CUE_DEFER }, { "wait to", CUE_DEFER },
	{ "wait before", CUE_DEFER }, { "before", CUE_DEFER },
	{ "until", CUE_DEFER }, { "not yet", CUE_DEFER },
	{ "thanks for", CUE_PAST }, { "thank you for", CUE_PAST },
	{ "thx for", CUE_PAST }, { "after", CUE_PAST },
	{ "why", CUE_QUESTION }, { "when", CUE_QUESTION },
	{ "what", CUE_QUESTION }, { "which", CUE_QUESTION },
	{ "whether", CUE_QUESTION }, { "if", CUE_QUESTION },
	{ "what happens if", CUE_QUESTION }, { "in case", CUE_QUESTION },
	{ "might", CUE_HYPO }, { "may", CUE_HYPO }, { "could", CUE_HYPO },
	{ "would", CUE_HYPO }, { "will", CUE_HYPO }, { "ll", CUE_HYPO },
	{ "thinking about", CUE_HYPO }, { "thinking of", CUE_HYPO },
	{ "considering", CUE_HYPO }, { "planning to", CUE_HYPO },
	{ "plan to", CUE_HYPO }, { "going to", CUE_HYPO },
	/* French requests */
	{ "merci de", CUE_REQUEST }, { "merci d", CUE_REQUEST },
	{ "merci de bien", CUE_REQUEST }, { "veuillez", CUE_REQUEST },
	{ "pourriez vous", CUE_REQUEST }, { "pouvez vous", CUE_REQUEST },
	{ "pourrais tu", CUE_REQUEST }, { "peux tu", CUE_REQUEST },
	{ "voudriez vous", CUE_REQUEST }, { "voulez vous", CUE_REQUEST },
	{ "est ce que vous pouvez", CUE_REQUEST },
	{ "est ce que vous pourriez", CUE_REQUEST },
	{ "vous pouvez", CUE_REQUEST }, { "vous pourriez", CUE_REQUEST },
	{ "je vous prie de", CUE_REQUEST }, { "je vous prie d", CUE_REQUEST },
	{ "je vous remercie de", CUE_REQUEST },
	{ "je vous remercie d", CUE_REQUEST },
	{ "priere de", CUE_REQUEST }, { "priere d", CUE_REQUEST },
	{ "je vous demande de", CUE_REQUEST },
	{ "je vous demande d", CUE_REQUEST },
	{ "nous vous demandons de", CUE_REQUEST },
	{ "nous vous demandons d", CUE_REQUEST },
	{ "serait il possible de", CUE_REQUEST },
	{ "serait il possible d", CUE_REQUEST },
	{ "s il vous plait", CUE_REQUEST }, { "s il te plait", CUE_REQUEST },
	{ "svp", CUE_REQUEST }, { "stp", CUE_REQUEST },
	/* French wishes */
	{ "voudrais", CUE_WISH }, { "voudrions", CUE_WISH },
	{ "voudrait", CUE_WISH }, { "voulais", CUE_WISH },
	{ "aimerais", CUE_WISH }, { "aimerions", CUE_WISH },
	{ "aimerait", CUE_WISH }, { "souhaite", CUE_WISH },
	{ "souhaitons", CUE_WISH }, { "souhaiterais", CUE_WISH },
	{ "souhaiterions", CUE_WISH }, { "souhaitions", CUE_WISH },
	{ "veux", CUE_WISH }, { "voulons", CUE_WISH }, { "veut", CUE_WISH },
	{ "besoin de", CUE_WISH }, { "besoin d", CUE_WISH },
	{ "il faut", CUE_WISH }, { "il faudrait", CUE_WISH },
	{ "il faudra", CUE_WISH }, { "il nous faut", CUE_WISH },
	{ "il me faut", CUE_WISH }, { "decide de", CUE_WISH },
	{ "decide d", CUE_WISH }, { "je vous ecris pour", CUE_WISH },
	/* French: oneself, information, negation, past, questions */
	{ "comment", CUE_SELF }, { "comment faire pour", CUE_SELF },
	{ "puis je", CUE_SELF }, { "peut on", CUE_SELF },
	{ "pouvons nous", CUE_SELF }, { "pourrions nous", CUE_SELF },
	{ "est ce que je peux", CUE_SELF }, { "est ce qu on peut", CUE_SELF },
	{ "est ce que nous pouvons", CUE_SELF },
	{ "est il possible de", CUE_SELF }, { "est il possible d", CUE_SELF },
	{ "est ce possible de", CUE_SELF }, { "est ce possible d", CUE_SELF },
	{ "je peux", CUE_SELF }, { "nous pouvons", CUE_SELF },
	{ "on peut", CUE_SELF }, { "faut il", CUE_SELF },
	{ "dois je", CUE_SELF }, { "devons nous", CUE_SELF },
	{ "moyen de", CUE_SELF }, { "moyen d", CUE_SELF },
	{ "possible de", CUE_SELF }, { "possible d", CUE_SELF },
	{ "savoir", CUE_INFO }, { "connaitre", CUE_INFO },
	{ "comprendre", CUE_INFO }, { "expliquer", CUE_INFO },
	{ "indiquer", CUE_INFO }, { "dire", CUE_INFO },
	{ "verifier", CUE_INFO }, { "confirmer", CUE_INFO },
	{ "aider", CUE_INFO }, { "aide", CUE_INFO }, { "tarif", CUE_INFO },
	{ "prix", CUE_INFO }, { "cout", CUE_INFO }, { "frais", CUE_INFO },
	{ "devis", CUE_INFO }, { "question", CUE_INFO },
	{ "pas besoin de", CUE_NEG }, { "pas besoin d", CUE_NEG },
	{ "inutile de", CUE_NEG }, { "inutile d", CUE_NEG },
	{ "pas la peine de", CUE_NEG },
	{ "avant de", CUE_DEFER }, { "avant d", CUE_DEFER },
	{ "attendez", CUE_DEFER }, { "attendre", CUE_DEFER },
	{ "pas encore", CUE_DEFER },
	{ "merci pour", CUE_PAST }, { "merci d avoir", CUE_PAST },
	{ "d avoir", CUE_PAST }, { "apres", CUE_PAST },
	{ "pourquoi", CUE_QUESTION }, { "quand", CUE_QUESTION },
	{ "si", CUE_QUESTION }, { "quel", CUE_QUESTION },
	{ "quelle", CUE_QUESTION }, { "en cas de", CUE_QUESTION },
	{ "pour", CUE_QUESTION },
	{ "envisageons de", CUE_HYPO }, { "envisage de", CUE_HYPO },
	{ "pensons", CUE_HYPO }, { "prevoyons de", CUE_HYPO },
	{ "allons", CUE_HYPO },
};

size_t
iw_phrase_at(const struct isent *s, size_t i, const char *p)
{
	size_t k = 0, n;

	for (;;) {
		n = strcspn(p, " ");
		if (i + k >= s->n || strlen(s->w[i + k]) != n ||
		    strncmp(s->w[i + k], p, n) != 0)
			return 0;
		k++;
		if (p[n] == '\0')
			return k;
		p += n + 1;
	}
}

size_t
iw_phrase_end(const struct isent *s, size_t from, size_t j, const char *p)
{
	size_t k = 1;
	const char *q;

	for (q = p; *q != '\0'; q++)
		if (*q == ' ')
			k++;
	if (j + 1 < k || j + 1 - k < from)
		return 0;
	return iw_phrase_at(s, j + 1 - k, p) == k ? k : 0;
}

enum icue
iw_cue_at(const struct isent *s, size_t from, size_t j, size_t *start,
    const char **text)
{
	size_t i, k, best = 0;
	enum icue kind = CUE_NONE;

	for (i = 0; i < NELEM(cues); i++) {
		k = iw_phrase_end(s, from, j, cues[i].p);
		if (k > best) {
			best = k;
			kind = cues[i].kind;
			*start = j + 1 - k;
			*text = cues[i].p;
		}
	}
	return kind;
}

/*
 * Verb forms.
 */

struct irregular {
	const char *form, *lemma;
	enum iform f;
};

static const struct irregular irregulars[] = {
	{ "sent", "send", IF_PART }, { "made", "make", IF_PART },
	{ "given", "give", IF_PART }, { "gave", "give", IF_PART },
	{ "bought", "buy", IF_PART }, { "shut", "shut", IF_BASE },
	{ "mis", "mettre", IF_PART }, { "mise", "mettre", IF_PART },
	{ "mises", "mettre", IF_PART }, { "ouvert", "ouvrir", IF_PART },
	{ "ouverte", "ouvrir", IF_PART }, { "ouverts", "ouvrir", IF_PART },
	{ "ouvertes", "ouvrir", IF_PART },
};

/* W's lemma STEM + END in the lists?  Sets *lemma and *weak. */
static bool
lemma_in(const struct intent_lexicon *lx, const char *stem, size_t n,
    const char *end, const char **lemma, bool *weak)
{
	char buf[64];
	const char *const *hit;
	size_t e = strlen(end);

	if (n == 0 || n + e >= sizeof(buf))
		return false;
	memcpy(buf, stem, n);
	memcpy(buf + n, end, e + 1);
	if (lx->verbs.n > 0 && (hit = bsearch(buf, lx->verbs.v, lx->verbs.n,
	    sizeof(lx->verbs.v[0]), cmp_word)) != NULL) {
		*lemma = *hit;
		*weak = false;
		return true;
	}
	if (lx->object_verbs.n > 0 && (hit = bsearch(buf, lx->object_verbs.v,
	    lx->object_verbs.n, sizeof(lx->object_verbs.v[0]),
	    cmp_word)) != NULL) {
		*lemma = *hit;
		*weak = true;
		return true;
	}
	return false;
}

static bool
ends_with(const char *w, size_t n, const char *end)
{
	size_t e = strlen(end);

	return n > e + 1 && strcmp(w + n - e, end) == 0;
}

/* English: base, -ed, -ing (with a doubled consonant, -ied). */
static enum iform
form_en(const struct intent_lexicon *lx, const char *w, const char **lemma,
    bool *weak)
{
	size_t n = strlen(w), i;

	if (lemma_in(lx, w, n, "", lemma, weak))
		return IF_BASE;
	for (i = 0; i < NELEM(irregulars); i++)
		if (strcmp(w, irregulars[i].form) == 0 &&
		    lemma_in(lx, irregulars[i].lemma,
		    strlen(irregulars[i].lemma), "", lemma, weak))
			return irregulars[i].f;
	if (ends_with(w, n, "ed")) {
		if (lemma_in(lx, w, n - 1, "", lemma, weak) ||
		    lemma_in(lx, w, n - 2, "", lemma, weak) ||
		    (n > 4 && w[n - 3] == w[n - 4] &&
		    lemma_in(lx, w, n - 3, "", lemma, weak)) ||
		    (ends_with(w, n, "ied") &&
		    lemma_in(lx, w, n - 3, "y", lemma, weak)))
			return IF_PART;
	}
	if (ends_with(w, n, "ing")) {
		if (lemma_in(lx, w, n - 3, "", lemma, weak) ||
		    lemma_in(lx, w, n - 3, "e", lemma, weak) ||
		    (n > 5 && w[n - 4] == w[n - 5] &&
		    lemma_in(lx, w, n - 4, "", lemma, weak)))
			return IF_ING;
	}
	return IF_NONE;
}

/* A French verb of stem W[0..N) in -er, -ir or -re. */
static bool
fr_stem(const struct intent_lexicon *lx, const char *w, size_t n,
    const char **lemma, bool *weak)
{
	return lemma_in(lx, w, n, "er", lemma, weak) ||
	    lemma_in(lx, w, n, "ir", lemma, weak) ||
	    lemma_in(lx, w, n, "re", lemma, weak);
}

/* French: infinitive, -ez, participles, -ant. */
static enum iform
form_fr(const struct intent_lexicon *lx, const char *w, const char **lemma,
    bool *weak)
{
	static const char *const part_er[] = { "ees", "ee", "es", "e", NULL };
	static const char *const part_re[] = { "ues", "ue", "us", "u", NULL };
	size_t n = strlen(w), i;

	if ((ends_with(w, n, "er") || ends_with(w, n, "ir") ||
	    ends_with(w, n, "re")) && lemma_in(lx, w, n, "", lemma, weak))
		return IF_INF;
	if (ends_with(w, n, "ez") && fr_stem(lx, w, n - 2, lemma, weak))
		return IF_IMP;
	for (i = 0; part_er[i] != NULL; i++)
		if (ends_with(w, n, part_er[i]))
			return lemma_in(lx, w, n - strlen(part_er[i]), "er",
			    lemma, weak) ? IF_PART : IF_NONE;
	for (i = 0; part_re[i] != NULL; i++)
		if (ends_with(w, n, part_re[i]))
			return lemma_in(lx, w, n - strlen(part_re[i]), "re",
			    lemma, weak) ? IF_PART : IF_NONE;
	if (ends_with(w, n, "ant") && lemma_in(lx, w, n - 3, "er", lemma, weak))
		return IF_ING;
	for (i = 0; i < NELEM(irregulars); i++)
		if (strcmp(w, irregulars[i].form) == 0 &&
		    lemma_in(lx, irregulars[i].lemma,
		    strlen(irregulars[i].lemma), "", lemma, weak))
			return irregulars[i].f;
	return IF_NONE;
}

enum iform
iw_verb(const struct intent_lexicon *lx, const struct isent *s, size_t i,
    bool *needs_object, const char **lemma)
{
	const char *w = s->w[i], *l_en = NULL, *l_fr = NULL;
	bool weak_en = false, weak_fr = false;
	enum iform en, fr;

	if (i + 1 < s->n && strcmp(s->w[i + 1], "rid") == 0) {
		/* "get rid of": remove */
		*lemma = "get rid of";
		*needs_object = false;
		return strcmp(w, "get") == 0 ? IF_BASE : strcmp(w, "got") == 0 ||
		    strcmp(w, "gotten") == 0 ? IF_PART : strcmp(w, "getting") ==
		    0 ? IF_ING : IF_NONE;
	}
	en = form_en(lx, w, &l_en, &weak_en);
	fr = form_fr(lx, w, &l_fr, &weak_fr);
	if (fr != IF_NONE && (en == IF_NONE || s->lang == ILANG_FR)) {
		*lemma = l_fr;
		*needs_object = weak_fr;
		return fr;
	}
	*lemma = l_en;
	*needs_object = weak_en;
	return en;
}
