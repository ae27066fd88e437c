/*
 * intent_change.c - does one sentence ask for a change on the account?
 *
 * Every action verb of the sentence (intent_words.c reads its form) is
 * judged by what governs it in its clause (intent.h): the nearest cue
 * before it, after skipping adverbs and object pronouns; failing that, a
 * request form further back with nothing in between that states, denies
 * or asks; failing that, its place at the start of a clause
 * (imperative).  A participle counts after a wish ("I need these calls
 * blocked"), never after an auxiliary ("has been removed").  A verb that
 * needs an object (ObjectVerbs) counts only with a thing of the account
 * (ChangeObjects) near it, or a particle ("turn it off"); "give", "make",
 * "send" and "forward" only with things they can act on.  The support PIN
 * is never such a thing: asking for it is intent_pin.c's.  Last, a wish
 * for more of a thing ("we need two more extensions").
 *
 * Security notes: pure; every backward scan is bounded (BACK words), so
 * work is linear in the words.  Diagnostics: none.
 */
#include <string.h>

#include "case/intent_int.h"

#define BACK		10	/* words looked at before a verb */
#define OBJ_AFTER	6	/* words after a verb for its object */
#define OBJ_BEFORE	8	/* words before a participle for its object */

enum verdict { V_NONE = 0, V_REQ, V_BLOCK };

struct vread {
	enum verdict v;
	const char *rule;
	const char *cue;	/* the cue's words, static */
};

/* Verbs whose object must be one of these (not just any thing). */
static const struct {
	const char *lemma;
	const char *const objs[16];
} restricted[] = {
	{ "give", { "access", "rights", "permission", "permissions", "admin",
	    "role", "number", "extension", "line", "licence", "license",
	    "seat", NULL } },
	{ "make", { "extension", "phone", "phones", "number", "line", "admin",
	    "user", "change", "changes", NULL } },
	{ "send", { "call", "calls", "voicemail", "voicemails", "fax",
	    "faxes", NULL } },
	{ "forward", { "call", "calls", "line", "lines", "number", "numbers",
	    "extension", "extensions", "ext", "phone", "phones", "voicemail",
	    "voicemails", "fax", "did", NULL } },
	{ "donner", { "acces", "droits", "numero", "poste", "ligne",
	    "licence", NULL } },
	{ "envoyer", { "appels", "appel", "messages", "messagerie", "fax",
	    NULL } },
	{ "take", { NULL } },		/* only "take ... off/out" */
};

static const char *const particles[] = {
	"off", "on", "up", "down", "out", "over", NULL
};

/* After a verb: the author will do it ("myself", "moi-même"). */
static const char *const reflexives[] = {
	"myself", "ourselves", "themselves", NULL
};
static const char *const reflexives_fr[] = {	/* before "même(s)" */
	"moi", "nous", "soi", "toi", NULL
};

/* Before a clause: it is subordinate ("when I call, forward ..."). */
static const char *const subordinators[] = {
	"when", "if", "because", "as", "since", "while", "once", "quand",
	"si", "lorsque", "comme", "parce", "puisque", NULL
};

/* After an English base form: it is a noun or a subject. */
static const char *const not_after_imperative[] = {
	"is", "are", "was", "were", "has", "have", "had", "will", "would",
	"can", "could", "should", "does", "did", "of", "request", "requests",
	"fee", "fees", "date", "form", "process", "works", "worked", "seems",
	"looks", "went", "goes", "s", "de", "du", "des", NULL
};

static bool
is_object(const struct intent_lexicon *lx, const struct isent *s, size_t k,
    const char *lemma)
{
	size_t r;

	if (ipin_is_support(lx, s, k))
		return false;
	for (r = 0; r < sizeof(restricted) / sizeof(restricted[0]); r++)
		if (lemma[0] == restricted[r].lemma[0] &&
		    strcmp(lemma, restricted[r].lemma) == 0)
			return iw_set(restricted[r].objs, s->w[k]);
	return iw_in(&lx->objects, s->w[k]);
}

/* A thing of the account governed by the verb at I, or NULL. */
static const char *
object_of(const struct intent_lexicon *lx, const struct isent *s, size_t i,
    enum iform form, const char *lemma)
{
	size_t k, cs = isent_clause_start(s, i);

	if (form == IF_PART) {
		for (k = i; k > cs && i - k < OBJ_BEFORE; k--)
			if (is_object(lx, s, k - 1, lemma))
				return s->w[k - 1];
		return NULL;
	}
	for (k = i + 1; k < s->n && k <= i + OBJ_AFTER && !s->brk[k]; k++)
		if (is_object(lx, s, k, lemma))
			return s->w[k];
	return NULL;
}

static bool
particle_after(const struct isent *s, size_t i, const char *lemma)
{
	static const char *const phrasal[] = {
		"turn", "switch", "shut", "set", "cut", "put", "take", NULL
	};
	size_t k;

	if (!iw_set(phrasal, lemma))
		return false;
	for (k = i + 1; k < s->n && k <= i + 3 && !s->brk[k]; k++)
		if (iw_set(particles, s->w[k]))
			return true;
	return false;
}

/* Things that are not on the account: "cancel my previous request",
 * "delete this email", "annuler ma demande". */
static const char *const not_account[] = {
	"request", "requests", "ticket", "case", "email", "emails", "mail",
	"question", "meeting", "appointment", "visit", "order",
	"demande", "courriel", "rendez", "rdv", "intervention", "commande",
	"newsletter", "reply", "answer", "reponse", NULL
};
static const char *const of_words[] = { "d", "de", "du", "des", NULL };
static const char *const not_account_skip[] = {
	"my", "our", "the", "this", "that", "previous", "last", "earlier",
	"first", "ma", "mon", "notre", "la", "le", "ce", "cette", "precedent",
	"precedente", "derniere", "dernier", "of", NULL
};

/* Does the verb at I act on something that is not on the account?  Not
 * when that word only qualifies a thing ("email address", "message
 * d'accueil"). */
static bool
on_other_thing(const struct intent_lexicon *lx, const struct isent *s,
    size_t i)
{
	size_t k;

	for (k = i + 1; k < s->n && k <= i + 5 && !s->brk[k]; k++) {
		if (iw_set(not_account, s->w[k]))
			return !(k + 1 < s->n && is_object(lx, s, k + 1, "")) &&
			    !(k + 2 < s->n && iw_set(of_words, s->w[k + 1]) &&
			    is_object(lx, s, k + 2, ""));
		if (k + 1 < s->n && strcmp(s->w[k + 1], "s") == 0)
			k++;		/* "the technician's visit" */
		else if (!iw_set(not_account_skip, s->w[k]))
			return false;
	}
	return false;
}

/* Does the verb at I act on the support PIN ("reset my PIN")? */
static bool
on_support_pin(const struct intent_lexicon *lx, const struct isent *s,
    size_t i)
{
	size_t k;

	for (k = i + 1; k < s->n && k <= i + 4 && !s->brk[k]; k++)
		if (ipin_is_support(lx, s, k))
			return true;
	return false;
}

static bool
reflexive_after(const struct isent *s, size_t i)
{
	size_t k;

	for (k = i + 1; k < s->n && k <= i + 8; k++)
		if (iw_set(reflexives, s->w[k]) ||
		    ((strcmp(s->w[k], "meme") == 0 ||
		    strcmp(s->w[k], "memes") == 0) &&
		    iw_set(reflexives_fr, s->w[k - 1])))
			return true;
	return false;
}

/* The first word before I (not before CS) that is not a filler; I when none. */
static size_t
skip_fillers(const struct isent *s, size_t cs, size_t i, bool pronouns)
{
	size_t j = i;

	while (j > cs && j + BACK > i) {
		const char *w = s->w[j - 1];

		if (!iw_set(iw_fillers, w))
			return j - 1;
		/* "le", "la", "les", "l": French object pronouns before a
		 * verb, but articles before a participle */
		if (!pronouns && (strcmp(w, "le") == 0 || strcmp(w, "la") == 0 ||
		    strcmp(w, "les") == 0 || strcmp(w, "l") == 0))
			return j - 1;
		j--;
	}
	return i;
}

static struct vread
vread(enum verdict v, const char *rule, const char *cue)
{
	struct vread r;

	r.v = v;
	r.rule = rule;
	r.cue = cue;
	return r;
}

/* Is word K the month May ("1 May", "in May"), not the modal? */
static bool
is_date_may(const struct isent *s, size_t k)
{
	static const char *const before[] = {
		"in", "from", "until", "by", "since", "of", "end", "early", "mid",
		"late", "next", "this", "last", "on", NULL
	};

	if (strcmp(s->w[k], "may") != 0 || k == 0)
		return false;
	return strspn(s->w[k - 1], "0123456789") > 0 ||
	    iw_set(before, s->w[k - 1]);
}

/* Does a question, a hypothesis or "doing it oneself" govern the cue at
 * START ("when can you", "let me know if we need to")? */
static const char *
cue_questioned(const struct isent *s, size_t cs, size_t start,
    const char **text)
{
	size_t k = start, st;
	enum icue c;

	while (k > cs && start - k < 3) {
		if (is_date_may(s, k - 1)) {
			k--;		/* "from 1 May we would like" */
			continue;
		}
		if (iw_negation_at(s, k - 1)) {
			*text = s->w[k - 1][0] == 't' ? "not" : "no";
			return "negated";
		}
		c = iw_cue_at(s, cs, k - 1, &st, text);
		if (c == CUE_QUESTION || c == CUE_SELF || c == CUE_INFO)
			return c == CUE_SELF ? "self-service" : c == CUE_INFO ?
			    "information" : "question";
		if (c == CUE_HYPO)
			return "hypothetical";
		/* a request form before a request form ("could you please"):
		 * look before the whole of it */
		k = c == CUE_REQUEST || c == CUE_WISH ? st : k - 1;
	}
	return NULL;
}

/* The reading of a cue of KIND that starts at START and governs a verb. */
static struct vread
from_cue(const struct isent *s, size_t cs, size_t start, enum icue kind,
    const char *text)
{
	const char *why, *t = text;

	switch (kind) {
	case CUE_REQUEST:
	case CUE_WISH:
		if ((why = cue_questioned(s, cs, start, &t)) != NULL)
			return vread(V_BLOCK, why, t);
		return vread(V_REQ, "request+action", text);
	case CUE_SELF:
		return vread(V_BLOCK, "self-service", text);
	case CUE_INFO:
		return vread(V_BLOCK, "information", text);
	case CUE_NEG:
		return vread(V_BLOCK, "negated", text);
	case CUE_DEFER:
		return vread(V_BLOCK, "deferred", text);
	case CUE_PAST:
		return vread(V_BLOCK, "past", text);
	case CUE_QUESTION:
		return vread(V_BLOCK, "question", text);
	case CUE_HYPO:
		return vread(V_BLOCK, "hypothetical", text);
	default:
		return vread(V_NONE, NULL, NULL);
	}
}

/* May the verb at I (its clause starting at CS) be an imperative? */
static bool
imperative(const struct isent *s, size_t cs, size_t i, enum iform form)
{
	if (i + 1 >= s->n || s->brk[i + 1])
		return false;		/* nothing follows in its clause */
	if (form == IF_BASE && (s->lang != ILANG_EN ||
	    iw_set(not_after_imperative, s->w[i + 1])))
		return false;
	if (form == IF_INF && s->lang != ILANG_FR)
		return false;
	if (form != IF_BASE && form != IF_INF && form != IF_IMP)
		return false;
	return cs == 0 ||
	    !iw_set(subordinators, s->w[isent_clause_start(s, cs - 1)]);
}

/* A request form further back than J in the clause, with nothing between
 * that states, asks or denies. */
static struct vread
request_further(const struct isent *s, size_t cs, size_t j)
{
	size_t p, st;
	const char *t;
	enum icue c;

	for (p = j + 1; p > cs && j + 1 - p < BACK; p--) {
		c = iw_cue_at(s, cs, p - 1, &st, &t);
		if (c == CUE_REQUEST || c == CUE_WISH)
			return from_cue(s, cs, st, c, t);
		if (c != CUE_NONE || iw_negation_at(s, p - 1) ||
		    iw_set(iw_subjects, s->w[p - 1]) ||
		    iw_set(iw_aux_past, s->w[p - 1]))
			break;
	}
	return vread(V_NONE, NULL, NULL);
}

/* A participle at I: asked for after a wish, done after an auxiliary. */
static struct vread
participle(const struct isent *s, size_t cs, size_t i)
{
	size_t j = skip_fillers(s, cs, i, false), k, st;
	const char *t;
	enum icue c;

	if (j == i)
		return vread(V_NONE, NULL, NULL);
	if (iw_set(iw_aux_past, s->w[j]) || iw_set(iw_subjects, s->w[j]))
		return vread(V_BLOCK, "past", NULL);
	for (k = j + 1; k > cs && j + 1 - k < BACK; k--) {
		c = iw_cue_at(s, cs, k - 1, &st, &t);
		if (c != CUE_NONE)
			return from_cue(s, cs, st, c, t);
		if (iw_negation_at(s, k - 1))
			return vread(V_BLOCK, "negated", NULL);
		if (iw_set(iw_aux_past, s->w[k - 1]))
			return vread(V_BLOCK, "past", NULL);
	}
	return vread(V_NONE, NULL, NULL);
}

struct vlast {
	bool set;
	size_t i;
	struct vread r;
};

/* What governs the action verb at I (before "myself" is looked at). */
static struct vread
governs(const struct isent *s, size_t i, enum iform form,
    const struct vlast *last)
{
	size_t cs = isent_clause_start(s, i), j, st;
	const char *t;
	enum icue c;

	if (form == IF_PART)
		return participle(s, cs, i);
	j = skip_fillers(s, cs, i, s->lang == ILANG_FR);
	if (form == IF_ING) {
		if (j < i && iw_cue_at(s, cs, j, &st, &t) == CUE_PAST)
			return vread(V_BLOCK, "past", t);
		return vread(V_NONE, NULL, NULL);
	}
	if (j == i)
		return imperative(s, cs, i, form) ?
		    vread(V_REQ, "imperative", NULL) : vread(V_NONE, NULL, NULL);
	if ((c = iw_cue_at(s, cs, j, &st, &t)) != CUE_NONE)
		return from_cue(s, cs, st, c, t);
	if (iw_negation_at(s, j))
		return vread(V_BLOCK, "negated", "not");
	if (iw_set(iw_conjunctions, s->w[j])) {
		if (last->set && last->i >= cs && last->i < j)
			return last->r;
		return imperative(s, j + 1, i, form) ?
		    vread(V_REQ, "imperative", NULL) : vread(V_NONE, NULL, NULL);
	}
	if (iw_set(iw_subjects, s->w[j]) || iw_set(iw_aux_past, s->w[j]))
		return vread(V_BLOCK, "statement", NULL);
	return request_further(s, cs, j);
}

/* A please after the verb, ending its clause ("line 3 cancel please")? */
static bool
please_after(const struct isent *s, size_t i)
{
	static const char *const pleases[] = {
		"please", "pls", "plz", "svp", "stp", NULL
	};
	size_t k;

	for (k = i + 1; k < s->n && k <= i + 8 && !s->brk[k]; k++)
		if (iw_set(pleases, s->w[k]))
			return k + 1 >= s->n || s->brk[k + 1];
	return false;
}

/* What governs the action verb at I: "myself" after it wins over a
 * request ("I'd like to change it myself"); a clause that ends in
 * "please" asks ("PIN 111111, reset please"). */
static struct vread
decide(const struct isent *s, size_t i, enum iform form,
    const struct vlast *last)
{
	struct vread r = governs(s, i, form, last);

	if (r.v != V_BLOCK && reflexive_after(s, i))
		return vread(V_BLOCK, "self-service", "myself");
	if (r.v == V_NONE && form != IF_PART && form != IF_ING &&
	    please_after(s, i))
		return vread(V_REQ, "request+action", "please");
	return r;
}

/* Glue between a wish and the thing: "we need [a couple of] more lines". */
static const char *const glue[] = {
	"a", "an", "the", "us", "me", "to", "get", "have", "one", "some",
	"of", "at", "least", "about", "around", "de", "d", "un", "une", "des",
	"du", "en", "nous", "me", "m", NULL
};

static bool
is_marker(const char *w)
{
	size_t n = strspn(w, "0123456789");

	return iw_set(iw_markers, w) || (n > 0 && n <= 2 && w[n] == '\0');
}

/* From word P: glue, then a marker near a thing. */
static const char *
wished_thing(const struct intent_lexicon *lx, const struct isent *s,
    size_t p)
{
	size_t k, m;

	for (k = p; k < s->n && k < p + 6 && (k == p || !s->brk[k]); k++) {
		if (is_marker(s->w[k])) {
			for (m = k + 1; m < s->n && m <= k + 3 && !s->brk[m]; m++)
				if (is_object(lx, s, m, ""))
					return s->w[m];
			return NULL;
		}
		if (is_object(lx, s, k, "")) {
			for (m = k + 1; m < s->n && m <= k + 2 && !s->brk[m]; m++)
				if (is_marker(s->w[m]))
					return s->w[k];
			return NULL;
		}
		if (!iw_set(glue, s->w[k]))
			return NULL;
	}
	return NULL;
}

/* After the wish ending at P: a thing, "to", a verb ("I want our calls
 * to go to voicemail", "we'd like the greeting to be changed"). */
static const char *
wished_to(const struct intent_lexicon *lx, const struct isent *s, size_t p)
{
	static const char *const owners[] = {
		"my", "our", "your", "his", "her", "their", "the", "all", "these",
		"those", "its", "this", "that", NULL
	};
	const char *thing = NULL;
	size_t k;

	if (s->lang != ILANG_EN)
		return NULL;
	for (k = p + 1; k + 2 < s->n && k <= p + 6 && !s->brk[k]; k++) {
		if (is_object(lx, s, k, ""))
			thing = s->w[k];
		else if (strcmp(s->w[k], "to") == 0 && thing != NULL)
			return s->brk[k + 1] || (strcmp(s->w[k + 1], "be") == 0 &&
			    strcmp(s->w[k + 2], "able") == 0) ? NULL : thing;
		else if (thing != NULL || !iw_set(owners, s->w[k]))
			return NULL;
	}
	return NULL;
}

/* "Another line please", "2 more users pls", "nouveau poste svp": a
 * marker and a thing open the clause, a please at P closes it. */
static bool
polite_thing(const struct intent_lexicon *lx, const struct isent *s,
    size_t cs, size_t p, struct ifind *f)
{
	static const char *const pleases[] = {
		"please", "pls", "plz", "svp", "stp", NULL
	};
	const char *thing;
	size_t k;

	if (!iw_set(pleases, s->w[p]) || p == cs ||
	    (p + 1 < s->n && !s->brk[p + 1]))
		return false;
	for (k = cs; k < p && iw_set(glue, s->w[k]); k++)
		;
	if (k == p || (thing = wished_thing(lx, s, k)) == NULL)
		return false;
	f->kind = INTENT_CHANGE;
	f->rule = "need+object";
	f->w[0] = "please";
	f->w[1] = thing;
	f->w[2] = NULL;
	return true;
}

/* Nouns of an action, after a request ("please proceed with the
 * cancellation", "veuillez procéder à la résiliation"). */
static const char *const action_nouns[] = {
	"cancellation", "cancelation", "termination", "removal", "deletion",
	"deactivation", "activation", "transfer", "porting", "port",
	"upgrade", "downgrade", "modification", "modifications", "change",
	"changes", "migration", "installation", "resiliation", "annulation",
	"suppression", "desactivation", "changement", "changements",
	"transfert", "portabilite", "ajout", "creation", "mise", NULL
};
static const char *const action_glue[] = {
	"proceed", "with", "to", "the", "a", "an", "go", "ahead", "process",
	"arrange", "schedule", "start", "initiate", "make", "do", "our", "my",
	"this", "that", "these", "proceder", "a", "la", "le", "l", "au",
	"aux", "de", "du", "d", "lancer", "effectuer", "faire", "notre",
	"mon", "ma", "cette", "ce", "les", "des", NULL
};

/* After the request ending at P: glue, then an action noun. */
static const char *
wished_action(const struct isent *s, size_t p)
{
	size_t k;

	for (k = p + 1; k < s->n && k <= p + 5 && !s->brk[k]; k++) {
		if (iw_set(action_nouns, s->w[k]))
			return s->w[k];
		if (!iw_set(action_glue, s->w[k]))
			return NULL;
	}
	return NULL;
}

/* "We need two more extensions", "besoin d'une ligne supplémentaire". */
static void
need_object(const struct intent_lexicon *lx, const struct isent *s,
    struct ifind *f)
{
	size_t p, st, cs;
	const char *t, *thing;
	struct vread r;
	enum icue c;

	for (p = 0; p < s->n; p++) {
		cs = isent_clause_start(s, p);
		if (polite_thing(lx, s, cs, p, f))
			return;
		c = iw_cue_at(s, cs, p, &st, &t);
		if (c != CUE_WISH && c != CUE_REQUEST)
			continue;
		r = from_cue(s, cs, st, c, t);
		if (r.v == V_REQ && (thing = wished_action(s, p)) != NULL) {
			f->kind = INTENT_CHANGE;
			f->rule = "request+action";
			f->w[0] = t;
			f->w[1] = thing;
			f->w[2] = NULL;
			return;
		}
		if (c != CUE_WISH)
			continue;
		if (r.v != V_REQ || p + 1 >= s->n || s->brk[p + 1] ||
		    ((thing = wished_thing(lx, s, p + 1)) == NULL &&
		    (thing = wished_to(lx, s, p)) == NULL))
			continue;
		f->kind = INTENT_CHANGE;
		f->rule = "need+object";
		f->w[0] = t;
		f->w[1] = thing;
		f->w[2] = NULL;
		return;
	}
}

void
ichange_read(const struct intent_lexicon *lx, const struct isent *s,
    struct ifind *f)
{
	struct vlast last;
	const char *lemma, *obj;
	enum iform form;
	struct vread r;
	bool weak;
	size_t i;

	memset(&last, 0, sizeof(last));
	for (i = 0; i < s->n; i++) {
		if ((form = iw_verb(lx, s, i, &weak, &lemma)) == IF_NONE ||
		    (form == IF_BASE && i > 0 && !s->brk[i] &&
		    iw_set(iw_determiners, s->w[i - 1])) ||
		    on_support_pin(lx, s, i) || on_other_thing(lx, s, i))
			continue;
		obj = object_of(lx, s, i, form, lemma);
		if (weak && obj == NULL && !particle_after(s, i, lemma))
			continue;
		r = decide(s, i, form, &last);
		last.set = true;
		last.i = i;
		last.r = r;
		if (r.v == V_REQ) {
			f->kind = INTENT_CHANGE;
			f->rule = r.rule;
			f->w[0] = r.cue;
			f->w[1] = lemma;
			f->w[2] = obj;
			return;
		}
		if (r.v == V_BLOCK && f->rule == NULL) {
			f->rule = r.rule;
			f->w[0] = r.cue;
			f->w[1] = lemma;
			f->w[2] = NULL;
		}
	}
	need_object(lx, s, f);
}

int
ichange_govern(const struct isent *s, size_t i, enum iform form,
    const char **rule, const char **cue)
{
	struct vlast none;
	struct vread r;

	memset(&none, 0, sizeof(none));
	r = decide(s, i, form, &none);
	*rule = r.rule;
	*cue = r.cue;
	return r.v == V_REQ ? 1 : r.v == V_BLOCK ? -1 : 0;
}
