/*
 * intent_pin.c - does one sentence ask for a new support PIN?
 *
 * Around each mention of the support PIN ("PIN", "NIP", "pin code", "code
 * PIN"; not a PIN of something else, OtherPINWords: "voicemail PIN",
 * "PIN for the SIM card", "NIP de la messagerie"), in this order:
 * - "what is my PIN", "quel est mon NIP": the author does not know it;
 * - a loss before it, with only small words between ("I forgot my
 *   PIN", "can't find the email with my PIN", "je n'ai jamais reçu de
 *   code PIN"), unless denied ("I didn't lose my PIN");
 * - a loss or a failure after it ("PIN lost", "NIP oublié", "my PIN
 *   doesn't work", "the PIN you sent is rejected"), unless denied;
 * - a verb that asks for one ("send", "reset", "renvoyer"...) governed by
 *   a request (intent_change.c's reading: "please reset my PIN", "could
 *   you send me a new PIN", "pourriez-vous m'envoyer un nouveau NIP"),
 *   or a wish for a new one ("I need a new PIN", "besoin d'un nouveau
 *   NIP").  Governed by anything else it does not ask: "I don't want to
 *   change my PIN", "how do I change my PIN?".
 * A mention followed by a number (at most three words later: "my PIN is
 * 482913") gives a PIN and asks for nothing.
 *
 * Security notes: pure; bounded windows around each mention.  The digits
 * of a given PIN are looked at, never copied.  Diagnostics: none.
 */
#include <string.h>

#include "case/intent_int.h"

#define BEFORE	7	/* words looked at before a mention */
#define AFTER	8	/* words looked at after a mention */

/* Small words between a loss or a request and the PIN. */
static const char *const pin_fillers[] = {
	"my", "the", "a", "an", "our", "your", "me", "us", "support", "own",
	"personal", "current", "old", "new", "another", "email", "e", "mail",
	"message", "with", "containing", "that", "had", "in", "code",
	"number", "of", "six", "6", "digit", "account", "it", "its", "one",
	"mon", "ma", "le", "la", "l", "un", "une", "de", "d", "du", "notre",
	"votre", "courriel", "avec", "contenant", "personnel", "actuel",
	"ancien", "nouveau", "autre", "moi", "nous", "m", "mes", "les",
	"all", "including", "emails", "messages", "mails",
	NULL
};

/* A loss before the PIN; those with their own negation come first. */
static const char *const loss_denied_inside[] = {
	"never received", "never got", "never had", "never been sent",
	"didn t receive", "didn t get", "did not receive", "did not get",
	"haven t received", "have not received", "haven t got",
	"haven t gotten", "hasn t arrived", "don t have", "do not have",
	"no longer have", "have no", "can t find", "cannot find",
	"can t remember", "cannot remember", "don t remember",
	"do not remember", "don t know", "do not know", "can t recall",
	"n ai pas recu", "n ai jamais recu", "n ai pas de", "n ai plus",
	"n ai jamais eu", "pas recu", "jamais recu", "ne retrouve plus",
	"ne retrouve pas", "ne trouve plus", "ne trouve pas",
	"ne me souviens plus", "ne me souviens pas", "ne me rappelle plus",
	"ne me rappelle pas", "ne connais pas", "n avons pas recu",
	"n avons pas de",
	NULL
};

static const char *const loss_before[] = {
	"forgot", "forgotten", "forget", "lost", "lose", "misplaced",
	"deleted", "oublie", "oubliee", "perdu", "perdue", "egare", "egaree",
	"supprime", "efface",
	NULL
};

/* After the PIN: it is lost, or failed. */
static const char *const loss_after[] = {
	"lost", "forgotten", "misplaced", "expired", "rejected", "refused",
	"invalid", "oublie", "oubliee", "perdu", "perdue", "egare", "egaree",
	"refuse", "refusee", "invalide", "expire", "bloque", "blocked",
	"locked",
	NULL
};

/* After the PIN and a negation: it fails ("doesn't work"). */
static const char *const works[] = {
	"work", "works", "working", "accepted", "valid", "fonctionne",
	"marche", "accepte", "valide",
	NULL
};

/* Verbs that ask for a PIN (the lemma, or a French form in -ez). */
static const char *const pin_verbs[] = {
	"send", "resend", "give", "issue", "reset", "renew", "regenerate",
	"generate", "provide", "replace", "change", "email", "mail",
	"remind", "tell", "create", "get", "have", "envoyer", "renvoyer", "donner",
	"attribuer", "reinitialiser", "changer", "fournir", "communiquer",
	"rappeler", "generer", "obtenir", "creer", "transmettre", "redonner",
	"envoyez", "renvoyez", "donnez", "attribuez", "reinitialisez",
	"changez", "fournissez", "communiquez", "rappelez", "transmettez",
	"redonnez",
	NULL
};

/* Wishes for a new one: "need a new PIN". */
static const char *const pin_wishes[] = {
	"need", "want", "like", "besoin", "voudrais", "veux", "souhaite",
	"souhaiterais", "aimerais", "voudrions", "souhaitons",
	NULL
};

static const char *const what_is_my[] = {
	"what is my", "what s my", "what my", "whats my", "what was my",
	"where is my", "where s my", "quel est mon", "quel est le",
	"c est quoi mon", "quel etait mon", "ou est mon",
	NULL
};

/* Words that may sit between the mention and a PIN given. */
static const char *const giving[] = {
	"is", "was", "est", "etait", "code", "number", "numero", "now",
	"maintenant", "s", "will", "be", "sera",
	NULL
};

bool
ipin_is_support(const struct intent_lexicon *lx, const struct isent *s,
    size_t i)
{
	static const char *const preps[] = {
		"for", "of", "on", "to", "de", "du", "des", "pour", "sur", NULL
	};
	size_t k, m;

	if (strcmp(s->w[i], "pin") != 0 && strcmp(s->w[i], "nip") != 0)
		return false;
	for (k = i; k > 0 && i - k < 2; k--)
		if (iw_in(&lx->other_pins, s->w[k - 1]))
			return false;
	for (k = i + 1; k < s->n && k <= i + 3 && !s->brk[k]; k++) {
		if (!iw_set(preps, s->w[k]))
			continue;
		for (m = k + 1; m < s->n && m <= k + 3 && !s->brk[m]; m++)
			if (iw_in(&lx->other_pins, s->w[m]))
				return false;
		break;
	}
	return true;
}

/* Is a PIN given after the mention at I ("my PIN is 482913")? */
static bool
pin_given(const struct isent *s, size_t i)
{
	size_t k, d;

	for (k = i + 1; k < s->n && k <= i + 3; k++) {
		d = strspn(s->w[k], "0123456789");
		if (d >= 3 && s->w[k][d] == '\0')
			return true;
		if (!iw_set(giving, s->w[k]))
			return false;
	}
	return false;
}

static void
found(struct ifind *f, enum intent_kind kind, const char *rule,
    const char *a, const char *b)
{
	f->kind = kind;
	f->rule = rule;
	f->w[0] = a;
	f->w[1] = b;
	f->w[2] = NULL;
}

/* The static copy of W in SET (for the explanation). */
static const char *
static_word(const char *const *set, const char *w)
{
	for (; *set != NULL; set++)
		if ((*set)[0] == w[0] && strcmp(*set, w) == 0)
			return *set;
	return NULL;
}

/* "What is my PIN" (not "what is my PIN for")? */
static const char *
what_is_my_pin(const struct isent *s, size_t i)
{
	size_t j, t;

	if (i + 1 < s->n && (strcmp(s->w[i + 1], "for") == 0 ||
	    strcmp(s->w[i + 1], "pour") == 0))
		return NULL;
	for (j = i; j > 0 && i - j < BEFORE; j--) {
		for (t = 0; what_is_my[t] != NULL; t++)
			if (iw_phrase_end(s, 0, j - 1, what_is_my[t]) > 0)
				return what_is_my[t];
		if (!iw_set(pin_fillers, s->w[j - 1]))
			return NULL;
	}
	return NULL;
}

/* Is the word at P denied in its clause ("didn't lose", "pas oublié")? */
static bool
denied(const struct isent *s, size_t p)
{
	size_t cs = isent_clause_start(s, p), k;

	for (k = p; k > cs && p - k < 3; k--)
		if (iw_negation_at(s, k - 1))
			return true;
	return false;
}

/* A loss before the mention at I: 1, -1 denied, 0 none. */
static int
loss_before_pin(const struct isent *s, size_t i, const char **cue)
{
	size_t j, t;

	for (j = i; j > 0 && i - j < BEFORE && !s->brk[j]; j--) {
		for (t = 0; loss_denied_inside[t] != NULL; t++)
			if (iw_phrase_end(s, 0, j - 1,
			    loss_denied_inside[t]) > 0) {
				*cue = loss_denied_inside[t];
				return 1;
			}
		if ((*cue = static_word(loss_before, s->w[j - 1])) != NULL)
			return denied(s, j - 1) ? -1 : 1;
		if (!iw_set(pin_fillers, s->w[j - 1]))
			return 0;
	}
	return 0;
}

/* Lost or failing after the mention at I: 1, -1 denied, 0 none. */
static int
loss_after_pin(const struct isent *s, size_t i, const char **cue)
{
	size_t k, t;
	bool neg = false;

	for (k = i + 1; k < s->n && k <= i + AFTER && !s->brk[k]; k++) {
		for (t = 0; loss_denied_inside[t] != NULL; t++)
			if (iw_phrase_at(s, k, loss_denied_inside[t]) > 0) {
				*cue = loss_denied_inside[t];
				return 1;	/* "a PIN ... I never got one" */
			}
		if ((*cue = static_word(loss_after, s->w[k])) != NULL)
			return neg ? -1 : 1;
		if ((*cue = static_word(works, s->w[k])) != NULL && neg)
			return 1;
		if (iw_negation_at(s, k))
			neg = true;
	}
	*cue = NULL;
	return 0;
}

/* The form of a verb asking for a PIN, for ichange_govern. */
static enum iform
pin_verb_form(const struct isent *s, const char *w)
{
	size_t n = strlen(w);

	if (n > 2 && strcmp(w + n - 2, "ez") == 0)
		return IF_IMP;
	if (s->lang == ILANG_FR && n > 2 && (strcmp(w + n - 2, "er") == 0 ||
	    strcmp(w + n - 2, "ir") == 0 || strcmp(w + n - 2, "re") == 0))
		return IF_INF;
	return IF_BASE;
}

/* "new"/"nouveau" among the words from P to I? */
static bool
new_between(const struct isent *s, size_t p, size_t i)
{
	static const char *const fresh[] = {
		"new", "another", "nouveau", "autre", NULL
	};

	for (; p < i; p++)
		if (iw_set(fresh, s->w[p]))
			return true;
	return false;
}

/* A wish for a new PIN at P ("I need a new PIN"): 1, -1, or 0. */
static int
pin_wished(const struct isent *s, size_t p, size_t i, const char **rule,
    const char **cue)
{
	size_t cs = isent_clause_start(s, p), k, st;
	enum icue c;

	static const char *const redone[] = {
		"resent", "reset", "renewed", "changed", "replaced",
		"regenerated", "reissued", NULL
	};

	static const char *const indefinite[] = { "a", "un", "une", NULL };
	static const char *const first[] = {
		"i", "we", "j", "je", "nous", "on", NULL
	};

	if (!new_between(s, p + 1, i) &&
	    (i + 1 >= s->n || !iw_set(redone, s->w[i + 1]))) {
		/* "I need a PIN", "j'ai besoin d'un NIP": one they lack */
		for (k = i; k > p + 1 && !iw_set(indefinite, s->w[k - 1]); k--)
			;
		if (k == p + 1)
			return 0;
		for (k = p; k > cs && p - k < 3 && !iw_set(first, s->w[k - 1]);
		    k--)
			;
		if (k == cs || p - k >= 3)
			return 0;
	}
	if (iw_cue_at(s, cs, p, &st, cue) == CUE_SELF) {
		*rule = "self-service";		/* "do I need a PIN" */
		return -1;
	}
	for (k = p; k > cs && p - k < 3; k--) {
		if (iw_negation_at(s, k - 1)) {
			*rule = "negated";
			return -1;
		}
		c = iw_cue_at(s, cs, k - 1, &st, cue);
		if (c == CUE_SELF || c == CUE_QUESTION || c == CUE_HYPO) {
			*rule = c == CUE_SELF ? "self-service" : "question";
			return -1;
		}
	}
	*rule = "pin-request";
	*cue = static_word(pin_wishes, s->w[p]);
	return 1;
}

/* A request for a PIN governing the mention at I: 1, -1, or 0. */
static int
pin_request(const struct isent *s, size_t i, const char **rule,
    const char **cue, const char **verb)
{
	size_t j, p, st;
	enum icue c;
	int g;

	for (j = i; j > 0 && i - j < BEFORE && !s->brk[j]; j--) {
		p = j - 1;
		if ((*verb = static_word(pin_verbs, s->w[p])) != NULL) {
			c = iw_cue_at(s, 0, p, &st, cue);
			if (c == CUE_WISH || c == CUE_REQUEST) {
				*rule = "pin-request";	/* "could I get" */
				return 1;
			}
			g = ichange_govern(s, p, pin_verb_form(s, s->w[p]),
			    rule, cue);
			if (g > 0)
				*rule = "pin-request";
			return g;
		}
		if (iw_set(pin_wishes, s->w[p]))
			return pin_wished(s, p, i, rule, cue);
		if (!iw_set(pin_fillers, s->w[p]))
			break;
	}
	*verb = NULL;
	return 0;
}

/*
 * "New PIN please", "nouveau code PIN", "New PIN needed": a new PIN with
 * at most small words, a please or a need around it, nothing else in its
 * clause.
 */
static bool
pin_noun_phrase(const struct isent *s, size_t i)
{
	static const char *const around[] = {
		"please", "pls", "plz", "svp", "stp", "needed", "required",
		"wanted", "requested", "merci", "s", "il", "vous", "plait",
		NULL
	};
	size_t cs = isent_clause_start(s, i), k;

	if (!new_between(s, cs, i))
		return false;
	for (k = cs; k < i; k++)
		if (!iw_set(pin_fillers, s->w[k]))
			return false;
	for (k = i + 1; k < s->n && !s->brk[k]; k++)
		if (!iw_set(around, s->w[k]) && !iw_set(pin_fillers, s->w[k]))
			return false;
	return true;
}

void
ipin_read(const struct intent_lexicon *lx, const struct isent *s,
    struct ifind *f)
{
	const char *cue, *rule = NULL, *verb = NULL, *pin;
	size_t i;
	int r;

	for (i = 0; i < s->n; i++) {
		if (!ipin_is_support(lx, s, i) || pin_given(s, i))
			continue;
		pin = s->w[i][0] == 'n' ? "nip" : "pin";
		if ((cue = what_is_my_pin(s, i)) != NULL) {
			found(f, INTENT_LOST_PIN, "what-is-my-pin", cue, pin);
			return;
		}
		if (pin_noun_phrase(s, i)) {
			found(f, INTENT_LOST_PIN, "pin-request", "new", pin);
			return;
		}
		rule = "lost";
		if ((r = loss_before_pin(s, i, &cue)) == 0 &&
		    (r = loss_after_pin(s, i, &cue)) == 0) {
			r = pin_request(s, i, &rule, &cue, &verb);
			if (r > 0 && verb != NULL)
				cue = verb;
		} else if (r < 0)
			rule = "negated";
		if (r > 0) {
			found(f, INTENT_LOST_PIN, rule, cue, pin);
			return;
		}
		if (r < 0 && f->rule == NULL)
			found(f, INTENT_OTHER, rule, cue, pin);
	}
}
