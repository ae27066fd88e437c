/*
 * intent_words.c - the words of the intent classifier: small sets of
 * grammatical words (fillers, subjects, auxiliaries, negations...), the
 * search of the configured word lists (ChangeVerbs, ObjectVerbs,
 * ChangeObjects, OtherPINWords: core/config_words.c has their defaults),
 * and the reading of verb forms.  The cue phrases are in intent_cues.c.
 *
 * Every word here is folded (util/fold.h): lower case, no accents; "I'd"
 * is the two words "i d", "pourriez-vous" is "pourriez vous".  The
 * configured lists are folded and sorted by the loader, for bsearch.
 *
 * Verb forms: a word is looked up as written, then without the endings
 * of the sentence's language: English -ed, -ing (a doubled consonant,
 * -ied), French -ez, -é, -ée, -és, -ées, -u, -ue, -ant after an -er, -ir
 * or -re stem; and in a few irregular forms ("sent", "made", "mis").
 * Third persons ("adds", "ajoutons") are never read as verbs: they
 * state, they do not ask.
 *
 * Security notes: pure functions over bounded words; no allocation.
 * Diagnostics: none.
 */
#include <stdlib.h>
#include <string.h>

#include "case/intent_int.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))


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
	for (; *set != NULL; set++)	/* the first letter first: fast */
		if ((*set)[0] == w[0] && strcmp(*set, w) == 0)
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
 * Verb forms.
 */

struct irregular {
	const char *form, *lemma;
	enum iform f;
};

/* Sorted by form (strcmp order). */
static const struct irregular irregulars[] = {
	{ "bought", "buy", IF_PART }, { "gave", "give", IF_PART },
	{ "given", "give", IF_PART }, { "made", "make", IF_PART },
	{ "mis", "mettre", IF_PART }, { "mise", "mettre", IF_PART },
	{ "mises", "mettre", IF_PART }, { "ouvert", "ouvrir", IF_PART },
	{ "ouverte", "ouvrir", IF_PART }, { "ouvertes", "ouvrir", IF_PART },
	{ "ouverts", "ouvrir", IF_PART }, { "sent", "send", IF_PART },
	{ "shut", "shut", IF_BASE },
};

static int
cmp_irregular(const void *key, const void *elem)
{
	return strcmp(key, ((const struct irregular *)elem)->form);
}

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
	const struct irregular *irr;
	size_t n = strlen(w);

	if (lemma_in(lx, w, n, "", lemma, weak))
		return IF_BASE;
	if ((irr = bsearch(w, irregulars, NELEM(irregulars),
	    sizeof(irregulars[0]), cmp_irregular)) != NULL)
		return lemma_in(lx, irr->lemma, strlen(irr->lemma), "", lemma,
		    weak) ? irr->f : IF_NONE;
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
	const struct irregular *irr;
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
	if ((irr = bsearch(w, irregulars, NELEM(irregulars),
	    sizeof(irregulars[0]), cmp_irregular)) != NULL)
		return lemma_in(lx, irr->lemma, strlen(irr->lemma), "", lemma,
		    weak) ? irr->f : IF_NONE;
	return IF_NONE;
}

enum iform
iw_verb(const struct intent_lexicon *lx, const struct isent *s, size_t i,
    bool *needs_object, const char **lemma)
{
	const char *w = s->w[i], *l_en = NULL, *l_fr = NULL;
	bool weak_en = false, weak_fr = false;
	enum iform en, fr;

	if (w[0] == '\0' || w[1] == '\0' || w[2] == '\0' ||
	    (w[0] >= '0' && w[0] <= '9'))
		return IF_NONE;		/* no verb is that short, or a number */
	if (i + 1 < s->n && strcmp(s->w[i + 1], "rid") == 0) {
		/* "get rid of": remove */
		*lemma = "get rid of";
		*needs_object = false;
		return strcmp(w, "get") == 0 ? IF_BASE : strcmp(w, "got") == 0 ||
		    strcmp(w, "gotten") == 0 ? IF_PART : strcmp(w, "getting") ==
		    0 ? IF_ING : IF_NONE;
	}
	/* the other language's endings are not tried (only its words as
	 * written): faster, and "change" in English is not "changé" */
	if (s->lang == ILANG_FR) {
		if ((fr = form_fr(lx, w, &l_fr, &weak_fr)) != IF_NONE) {
			*lemma = l_fr;
			*needs_object = weak_fr;
			return fr;
		}
		return lemma_in(lx, w, strlen(w), "", lemma, needs_object) ?
		    IF_BASE : IF_NONE;
	}
	if ((en = form_en(lx, w, &l_en, &weak_en)) != IF_NONE) {
		*lemma = l_en;
		*needs_object = weak_en;
		return en;
	}
	/* a French imperative in a sentence taken for English */
	if (strlen(w) > 2 && strcmp(w + strlen(w) - 2, "ez") == 0 &&
	    (fr = form_fr(lx, w, &l_fr, &weak_fr)) == IF_IMP) {
		*lemma = l_fr;
		*needs_object = weak_fr;
		return fr;
	}
	return IF_NONE;
}
