/*
 * intent_cues.c - the grammatical cues of the intent classifier: the
 * phrases of requests, wishes, doing it oneself, asking for information,
 * negation, deferral, the past, questions and hypotheses, in English and
 * French, and finding the longest one that ends at a word.
 *
 * Every phrase is folded words separated by single spaces ("I'd like to"
 * is "d like to", "pourriez-vous" is "pourriez vous").
 *
 * Security notes: pure functions over bounded words; no allocation.
 * Diagnostics: none.
 */
#include <stdlib.h>
#include <string.h>

#include "case/intent_int.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Cues: phrases of folded words, the longest match wins.  The table is
 * sorted by the last word of each phrase (strcmp order; test_intent
 * checks it), so the cues that may end at a word are found by bsearch.
 */

struct cue {
	const char *p;
	const char *last;	/* its last word: the sort key */
	enum icue kind;
};

static const struct cue cues[] = {
	{ "thinking about", "about", CUE_HYPO },
	{ "advise", "advise", CUE_INFO },
	{ "after", "after", CUE_PAST },
	{ "aide", "aide", CUE_INFO },
	{ "aider", "aider", CUE_INFO },
	{ "aimerais", "aimerais", CUE_WISH },
	{ "aimerait", "aimerait", CUE_WISH },
	{ "aimerions", "aimerions", CUE_WISH },
	{ "allons", "allons", CUE_HYPO },
	{ "go ahead and", "and", CUE_REQUEST },
	{ "can anyone", "anyone", CUE_REQUEST },
	{ "could anyone", "anyone", CUE_REQUEST },
	{ "apres", "apres", CUE_PAST },
	{ "ask", "ask", CUE_INFO },
	{ "asking", "asking", CUE_INFO },
	{ "attendez", "attendez", CUE_DEFER },
	{ "attendre", "attendre", CUE_DEFER },
	{ "d avoir", "avoir", CUE_PAST },
	{ "merci d avoir", "avoir", CUE_PAST },
	{ "before", "before", CUE_DEFER },
	{ "wait before", "before", CUE_DEFER },
	{ "merci de bien", "bien", CUE_REQUEST },
	{ "i can", "can", CUE_SELF },
	{ "if you can", "can", CUE_REQUEST },
	{ "we can", "can", CUE_SELF },
	{ "in case", "case", CUE_QUESTION },
	{ "charge", "charge", CUE_INFO },
	{ "check", "check", CUE_INFO },
	{ "clarify", "clarify", CUE_INFO },
	{ "comment", "comment", CUE_SELF },
	{ "comprendre", "comprendre", CUE_INFO },
	{ "confirm", "confirm", CUE_INFO },
	{ "confirmer", "confirmer", CUE_INFO },
	{ "connaitre", "connaitre", CUE_INFO },
	{ "considering", "considering", CUE_HYPO },
	{ "cost", "cost", CUE_INFO },
	{ "costs", "costs", CUE_INFO },
	{ "could", "could", CUE_HYPO },
	{ "if you could", "could", CUE_REQUEST },
	{ "cout", "cout", CUE_INFO },
	{ "avant d", "d", CUE_DEFER },
	{ "besoin d", "d", CUE_WISH },
	{ "decide d", "d", CUE_WISH },
	{ "est ce possible d", "d", CUE_SELF },
	{ "est il possible d", "d", CUE_SELF },
	{ "inutile d", "d", CUE_NEG },
	{ "je vous demande d", "d", CUE_REQUEST },
	{ "je vous prie d", "d", CUE_REQUEST },
	{ "je vous remercie d", "d", CUE_REQUEST },
	{ "merci d", "d", CUE_REQUEST },
	{ "moyen d", "d", CUE_SELF },
	{ "nous vous demandons d", "d", CUE_REQUEST },
	{ "pas besoin d", "d", CUE_NEG },
	{ "possible d", "d", CUE_SELF },
	{ "priere d", "d", CUE_REQUEST },
	{ "serait il possible d", "d", CUE_REQUEST },
	{ "avant de", "de", CUE_DEFER },
	{ "besoin de", "de", CUE_WISH },
	{ "decide de", "de", CUE_WISH },
	{ "en cas de", "de", CUE_QUESTION },
	{ "envisage de", "de", CUE_HYPO },
	{ "envisageons de", "de", CUE_HYPO },
	{ "est ce possible de", "de", CUE_SELF },
	{ "est il possible de", "de", CUE_SELF },
	{ "inutile de", "de", CUE_NEG },
	{ "je vous demande de", "de", CUE_REQUEST },
	{ "je vous prie de", "de", CUE_REQUEST },
	{ "je vous remercie de", "de", CUE_REQUEST },
	{ "merci de", "de", CUE_REQUEST },
	{ "moyen de", "de", CUE_SELF },
	{ "nous vous demandons de", "de", CUE_REQUEST },
	{ "pas besoin de", "de", CUE_NEG },
	{ "pas la peine de", "de", CUE_NEG },
	{ "possible de", "de", CUE_SELF },
	{ "prevoyons de", "de", CUE_HYPO },
	{ "priere de", "de", CUE_REQUEST },
	{ "serait il possible de", "de", CUE_REQUEST },
	{ "devis", "devis", CUE_INFO },
	{ "dire", "dire", CUE_INFO },
	{ "pas encore", "encore", CUE_DEFER },
	{ "explain", "explain", CUE_INFO },
	{ "expliquer", "expliquer", CUE_INFO },
	{ "il faudra", "faudra", CUE_WISH },
	{ "il faudrait", "faudrait", CUE_WISH },
	{ "il faut", "faut", CUE_WISH },
	{ "il me faut", "faut", CUE_WISH },
	{ "il nous faut", "faut", CUE_WISH },
	{ "fee", "fee", CUE_INFO },
	{ "fees", "fees", CUE_INFO },
	{ "thank you for", "for", CUE_PAST },
	{ "thanks for", "for", CUE_PAST },
	{ "thx for", "for", CUE_PAST },
	{ "frais", "frais", CUE_INFO },
	{ "can i get", "get", CUE_WISH },
	{ "can we get", "get", CUE_WISH },
	{ "could i get", "get", CUE_WISH },
	{ "could we get", "get", CUE_WISH },
	{ "can i have", "have", CUE_WISH },
	{ "can we have", "have", CUE_WISH },
	{ "could i have", "have", CUE_WISH },
	{ "could we have", "have", CUE_WISH },
	{ "help", "help", CUE_INFO },
	{ "how", "how", CUE_SELF },
	{ "can i", "i", CUE_SELF },
	{ "could i", "i", CUE_SELF },
	{ "how can i", "i", CUE_SELF },
	{ "how do i", "i", CUE_SELF },
	{ "how should i", "i", CUE_SELF },
	{ "how would i", "i", CUE_SELF },
	{ "should i", "i", CUE_SELF },
	{ "where can i", "i", CUE_SELF },
	{ "where do i", "i", CUE_SELF },
	{ "if", "if", CUE_QUESTION },
	{ "see if", "if", CUE_INFO },
	{ "what happens if", "if", CUE_QUESTION },
	{ "faut il", "il", CUE_SELF },
	{ "indiquer", "indiquer", CUE_INFO },
	{ "instructions", "instructions", CUE_INFO },
	{ "dois je", "je", CUE_SELF },
	{ "puis je", "je", CUE_SELF },
	{ "kindly", "kindly", CUE_REQUEST },
	{ "know", "know", CUE_INFO },
	{ "let me know", "know", CUE_INFO },
	{ "let us know", "know", CUE_INFO },
	{ "learn", "learn", CUE_INFO },
	{ "d like", "like", CUE_WISH },
	{ "would like", "like", CUE_WISH },
	{ "ll", "ll", CUE_HYPO },
	{ "no longer", "longer", CUE_NEG },
	{ "may", "may", CUE_HYPO },
	{ "help me", "me", CUE_INFO },
	{ "show me", "me", CUE_INFO },
	{ "tell me", "me", CUE_INFO },
	{ "might", "might", CUE_HYPO },
	{ "would you mind", "mind", CUE_REQUEST },
	{ "must", "must", CUE_WISH },
	{ "do i need", "need", CUE_SELF },
	{ "do we need", "need", CUE_SELF },
	{ "need", "need", CUE_WISH },
	{ "needs", "needs", CUE_WISH },
	{ "did not", "not", CUE_NEG },
	{ "do not", "not", CUE_NEG },
	{ "does not", "not", CUE_NEG },
	{ "will not", "not", CUE_NEG },
	{ "devons nous", "nous", CUE_SELF },
	{ "pourrions nous", "nous", CUE_SELF },
	{ "pouvons nous", "nous", CUE_SELF },
	{ "thinking of", "of", CUE_HYPO },
	{ "hold off", "off", CUE_DEFER },
	{ "hold off on", "on", CUE_DEFER },
	{ "peut on", "on", CUE_SELF },
	{ "how does one", "one", CUE_SELF },
	{ "find out", "out", CUE_INFO },
	{ "pensons", "pensons", CUE_HYPO },
	{ "est ce qu on peut", "peut", CUE_SELF },
	{ "on peut", "peut", CUE_SELF },
	{ "est ce que je peux", "peux", CUE_SELF },
	{ "je peux", "peux", CUE_SELF },
	{ "s il te plait", "plait", CUE_REQUEST },
	{ "s il vous plait", "plait", CUE_REQUEST },
	{ "please", "please", CUE_REQUEST },
	{ "pls", "pls", CUE_REQUEST },
	{ "plz", "plz", CUE_REQUEST },
	{ "comment faire pour", "pour", CUE_SELF },
	{ "je vous ecris pour", "pour", CUE_WISH },
	{ "merci pour", "pour", CUE_PAST },
	{ "pour", "pour", CUE_QUESTION },
	{ "pourquoi", "pourquoi", CUE_QUESTION },
	{ "est ce que vous pourriez", "pourriez", CUE_REQUEST },
	{ "vous pourriez", "pourriez", CUE_REQUEST },
	{ "est ce que vous pouvez", "pouvez", CUE_REQUEST },
	{ "vous pouvez", "pouvez", CUE_REQUEST },
	{ "est ce que nous pouvons", "pouvons", CUE_SELF },
	{ "nous pouvons", "pouvons", CUE_SELF },
	{ "price", "price", CUE_INFO },
	{ "prix", "prix", CUE_INFO },
	{ "quand", "quand", CUE_QUESTION },
	{ "quel", "quel", CUE_QUESTION },
	{ "quelle", "quelle", CUE_QUESTION },
	{ "question", "question", CUE_INFO },
	{ "recommend", "recommend", CUE_INFO },
	{ "i request", "request", CUE_WISH },
	{ "we request", "request", CUE_WISH },
	{ "requesting", "requesting", CUE_WISH },
	{ "require", "require", CUE_WISH },
	{ "savoir", "savoir", CUE_INFO },
	{ "si", "si", CUE_QUESTION },
	{ "can somebody", "somebody", CUE_REQUEST },
	{ "could somebody", "somebody", CUE_REQUEST },
	{ "can someone", "someone", CUE_REQUEST },
	{ "could someone", "someone", CUE_REQUEST },
	{ "souhaite", "souhaite", CUE_WISH },
	{ "souhaiterais", "souhaiterais", CUE_WISH },
	{ "souhaiterions", "souhaiterions", CUE_WISH },
	{ "souhaitions", "souhaitions", CUE_WISH },
	{ "souhaitons", "souhaitons", CUE_WISH },
	{ "steps", "steps", CUE_INFO },
	{ "stp", "stp", CUE_REQUEST },
	{ "svp", "svp", CUE_REQUEST },
	{ "can t", "t", CUE_NEG },
	{ "didn t", "t", CUE_NEG },
	{ "doesn t", "t", CUE_NEG },
	{ "don t", "t", CUE_NEG },
	{ "shouldn t", "t", CUE_NEG },
	{ "won t", "t", CUE_NEG },
	{ "tarif", "tarif", CUE_INFO },
	{ "able to", "to", CUE_SELF },
	{ "allowed to", "to", CUE_SELF },
	{ "am i able to", "to", CUE_SELF },
	{ "are we able to", "to", CUE_SELF },
	{ "are you able to", "to", CUE_REQUEST },
	{ "ask you to", "to", CUE_REQUEST },
	{ "asking you to", "to", CUE_REQUEST },
	{ "be so kind as to", "to", CUE_REQUEST },
	{ "be sure to", "to", CUE_REQUEST },
	{ "best way to", "to", CUE_SELF },
	{ "could it be possible to", "to", CUE_REQUEST },
	{ "could you be able to", "to", CUE_REQUEST },
	{ "d like to", "to", CUE_WISH },
	{ "d love to", "to", CUE_WISH },
	{ "d prefer to", "to", CUE_WISH },
	{ "decided to", "to", CUE_WISH },
	{ "do i have to", "to", CUE_SELF },
	{ "do i need to", "to", CUE_SELF },
	{ "do we have to", "to", CUE_SELF },
	{ "do we need to", "to", CUE_SELF },
	{ "don t forget to", "to", CUE_REQUEST },
	{ "going to", "to", CUE_HYPO },
	{ "has to", "to", CUE_WISH },
	{ "hoping to", "to", CUE_WISH },
	{ "how to", "to", CUE_SELF },
	{ "is it possible for me to", "to", CUE_SELF },
	{ "is it possible for us to", "to", CUE_SELF },
	{ "is it possible for you to", "to", CUE_REQUEST },
	{ "is it possible to", "to", CUE_SELF },
	{ "is there a way to", "to", CUE_SELF },
	{ "is there any way to", "to", CUE_SELF },
	{ "like to", "to", CUE_WISH },
	{ "like you to", "to", CUE_REQUEST },
	{ "looking to", "to", CUE_WISH },
	{ "love to", "to", CUE_WISH },
	{ "make sure to", "to", CUE_REQUEST },
	{ "need to", "to", CUE_WISH },
	{ "need you to", "to", CUE_REQUEST },
	{ "needs to", "to", CUE_WISH },
	{ "no need to", "to", CUE_NEG },
	{ "not necessary to", "to", CUE_NEG },
	{ "plan to", "to", CUE_HYPO },
	{ "planning to", "to", CUE_HYPO },
	{ "possible to", "to", CUE_SELF },
	{ "prefer to", "to", CUE_WISH },
	{ "request you to", "to", CUE_REQUEST },
	{ "wait to", "to", CUE_DEFER },
	{ "want to", "to", CUE_WISH },
	{ "want you to", "to", CUE_REQUEST },
	{ "wants to", "to", CUE_WISH },
	{ "wish to", "to", CUE_WISH },
	{ "would it be possible for you to", "to", CUE_REQUEST },
	{ "would it be possible to", "to", CUE_REQUEST },
	{ "would like to", "to", CUE_WISH },
	{ "would love to", "to", CUE_WISH },
	{ "would prefer to", "to", CUE_WISH },
	{ "would you be able to", "to", CUE_REQUEST },
	{ "writing to", "to", CUE_WISH },
	{ "peux tu", "tu", CUE_REQUEST },
	{ "pourrais tu", "tu", CUE_REQUEST },
	{ "can u", "u", CUE_REQUEST },
	{ "could u", "u", CUE_REQUEST },
	{ "would u", "u", CUE_REQUEST },
	{ "understand", "understand", CUE_INFO },
	{ "until", "until", CUE_DEFER },
	{ "help us", "us", CUE_INFO },
	{ "show us", "us", CUE_INFO },
	{ "tell us", "us", CUE_INFO },
	{ "verifier", "verifier", CUE_INFO },
	{ "veuillez", "veuillez", CUE_REQUEST },
	{ "veut", "veut", CUE_WISH },
	{ "veux", "veux", CUE_WISH },
	{ "voudrais", "voudrais", CUE_WISH },
	{ "voudrait", "voudrait", CUE_WISH },
	{ "voudrions", "voudrions", CUE_WISH },
	{ "voulais", "voulais", CUE_WISH },
	{ "voulons", "voulons", CUE_WISH },
	{ "pourriez vous", "vous", CUE_REQUEST },
	{ "pouvez vous", "vous", CUE_REQUEST },
	{ "voudriez vous", "vous", CUE_REQUEST },
	{ "voulez vous", "vous", CUE_REQUEST },
	{ "wait", "wait", CUE_DEFER },
	{ "want", "want", CUE_WISH },
	{ "can we", "we", CUE_SELF },
	{ "could we", "we", CUE_SELF },
	{ "how can we", "we", CUE_SELF },
	{ "how do we", "we", CUE_SELF },
	{ "how should we", "we", CUE_SELF },
	{ "how would we", "we", CUE_SELF },
	{ "should we", "we", CUE_SELF },
	{ "where can we", "we", CUE_SELF },
	{ "where do we", "we", CUE_SELF },
	{ "what", "what", CUE_QUESTION },
	{ "when", "when", CUE_QUESTION },
	{ "whether", "whether", CUE_QUESTION },
	{ "which", "which", CUE_QUESTION },
	{ "why", "why", CUE_QUESTION },
	{ "will", "will", CUE_HYPO },
	{ "wonder", "wonder", CUE_INFO },
	{ "wondering", "wondering", CUE_INFO },
	{ "would", "would", CUE_HYPO },
	{ "not yet", "yet", CUE_DEFER },
	{ "can you", "you", CUE_REQUEST },
	{ "could you", "you", CUE_REQUEST },
	{ "how do you", "you", CUE_SELF },
	{ "will you", "you", CUE_REQUEST },
	{ "would you", "you", CUE_REQUEST },
};

size_t
iw_phrase_at(const struct isent *s, size_t i, const char *p)
{
	size_t k = 0, n;

	if (i >= s->n || s->w[i][0] != p[0])
		return 0;		/* the common case, at once */
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

static int
cmp_cue_last(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cue *)elem)->last);
}

enum icue
iw_cue_at(const struct isent *s, size_t from, size_t j, size_t *start,
    const char **text)
{
	const struct cue *hit, *c;
	size_t k, best = 0;
	enum icue kind = CUE_NONE;

	hit = bsearch(s->w[j], cues, NELEM(cues), sizeof(cues[0]),
	    cmp_cue_last);
	if (hit == NULL)
		return CUE_NONE;
	while (hit > cues && strcmp(hit[-1].last, s->w[j]) == 0)
		hit--;
	for (c = hit; c < cues + NELEM(cues) &&
	    strcmp(c->last, s->w[j]) == 0; c++) {
		k = iw_phrase_end(s, from, j, c->p);
		if (k > best) {
			best = k;
			kind = c->kind;
			*start = j + 1 - k;
			*text = c->p;
		}
	}
	return kind;
}

bool
iw_cues_sorted(void)
{
	const char *sp;
	size_t i;

	for (i = 0; i < NELEM(cues); i++) {
		sp = strrchr(cues[i].p, ' ');
		if (strcmp(sp != NULL ? sp + 1 : cues[i].p, cues[i].last) != 0 ||
		    (i > 0 && strcmp(cues[i - 1].last, cues[i].last) > 0))
			return false;
	}
	return true;
}
