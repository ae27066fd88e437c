/*
 * intent_int.h - the parts of the intent classifier (intent.c reads a
 * message, intent_split.c cuts sentences and words, intent_words.c holds
 * the word tables, intent_change.c and intent_pin.c read one sentence).
 * Not for use outside src/case/intent*.c.
 */
#ifndef PM_INTENT_INT_H
#define PM_INTENT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "case/intent.h"

enum ilang { ILANG_EN = 0, ILANG_FR };

/* How a verb is written. */
enum iform {
	IF_NONE = 0,
	IF_BASE,	/* English base form: imperative or infinitive */
	IF_INF,		/* French infinitive */
	IF_IMP,		/* French imperative (-ez) */
	IF_PART,	/* participle (or a French present in -e) */
	IF_ING,		/* English -ing, French -ant */
};

/* One sentence: folded words and where clauses start. */
struct isent {
	char *buf;		/* the folded words, NUL-separated (wiped) */
	size_t size;		/* bytes of buf */
	const char **w;		/* w[0..n-1] point into buf */
	unsigned char *brk;	/* brk[i]: word i starts a clause */
	size_t n;
	bool question;		/* ended with '?' */
	int votes;		/* English minus French common words */
	enum ilang lang;
};

/* What reading one sentence found. */
struct ifind {
	enum intent_kind kind;	/* INTENT_OTHER: nothing asked */
	const char *rule;	/* NULL: nothing to explain */
	const char *w[3];	/* up to three words shown (folded, static
				 * or in the sentence: copied at once) */
};

/* Kinds of grammatical cues (intent_words.c). */
enum icue {
	CUE_NONE = 0,
	CUE_REQUEST,	/* "please", "could you", "merci de" */
	CUE_WISH,	/* "I'd like to", "we need to", "je voudrais" */
	CUE_SELF,	/* "how do I", "can we", "comment puis-je" */
	CUE_INFO,	/* "tell me how", "let me know", "savoir" */
	CUE_NEG,	/* "don't", "not", "no", "ne", "pas", "aucun" */
	CUE_DEFER,	/* "hold off", "before", "avant de" */
	CUE_PAST,	/* "thanks for", "merci d'avoir" */
	CUE_QUESTION,	/* "why", "when", "if", "pourquoi" */
	CUE_HYPO,	/* "might", "thinking about", "planning to" */
};

/* intent_split.c */
struct isplit;
struct isplit *isplit_new(const char *text, size_t len);
/* The next sentence into S (release with isent_clear); false at the end. */
bool isplit_next(struct isplit *sp, struct isent *s);
void isplit_free(struct isplit *sp);
/* SUBJECT as one sentence; false when it is a reply or forward subject. */
bool isent_subject(const char *subject, size_t len, struct isent *s);
void isent_clear(struct isent *s);
/* English minus French common words among the words of S (intent.c). */
int isent_lang_votes(const struct isent *s);

/* intent_words.c: is W in the sorted list L? */
bool iw_in(const struct intent_words *l, const char *w);
/* Small fixed sets (NULL-terminated, any order). */
bool iw_set(const char *const *set, const char *w);
/* The verb at word I of S, its lemma (static or in LX) and its form. */
enum iform iw_verb(const struct intent_lexicon *lx, const struct isent *s,
    size_t i, bool *needs_object, const char **lemma);
/* The longest cue of KIND's tables ending at word J of S, not before word
 * FROM; its kind, with *start its first word.  CUE_NONE when none. */
enum icue iw_cue_at(const struct isent *s, size_t from, size_t j,
    size_t *start, const char **text);
/* Is the cue table in order (for test_intent)? */
bool iw_cues_sorted(void);
/* Is the phrase P (words separated by single spaces) at words I.. of S?
 * Returns its number of words, 0 when not. */
size_t iw_phrase_at(const struct isent *s, size_t i, const char *p);
/* The same, ending at word J (not before FROM). */
size_t iw_phrase_end(const struct isent *s, size_t from, size_t j,
    const char *p);

/* A negation ending at word J ("not", "don t", "ne", "pas")? */
bool iw_negation_at(const struct isent *s, size_t j);

/* Fixed word sets used by more than one reader (intent_words.c). */
extern const char *const iw_fillers[];		/* adverbs, "guys" */
extern const char *const iw_subjects[];		/* "you", "we", "vous" */
extern const char *const iw_aux_past[];		/* "has", "been", "avez" */
extern const char *const iw_determiners[];	/* "the", "no", "le" */
extern const char *const iw_conjunctions[];	/* "and", "et" */
extern const char *const iw_markers[];		/* "more", "another" */
extern const char *const iw_negations[];	/* "not", "ne", "pas" */

/* The clause of word I: the index of its first word. */
size_t isent_clause_start(const struct isent *s, size_t i);
/* Is word I of S the support PIN ("PIN", "NIP", not "voicemail PIN")? */
bool ipin_is_support(const struct intent_lexicon *lx, const struct isent *s,
    size_t i);

/* What governs a verb of form FORM at word I: 1 a request (imperative,
 * request form), -1 something else (a question, a negation...), 0
 * nothing; *rule and *cue say which (static). */
int ichange_govern(const struct isent *s, size_t i, enum iform form,
    const char **rule, const char **cue);

/* intent_change.c and intent_pin.c: read one sentence. */
void ichange_read(const struct intent_lexicon *lx, const struct isent *s,
    struct ifind *f);
void ipin_read(const struct intent_lexicon *lx, const struct isent *s,
    struct ifind *f);

#endif
