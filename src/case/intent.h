/*
 * intent.h - what the author of a support message asks for: a change on
 * the account (the PIN is required), a new support PIN (the lost-PIN
 * process), or something else (a question, information, thanks: no PIN).
 *
 * The input is the author's own text only (the pipeline has cut quoted
 * replies, forwarded messages and signatures' quote blocks) and the
 * subject.  The classifier is rule-based and explains itself: every
 * result names the rule that decided and the words it matched.  Pure: no
 * I/O, no logging, no global state; thread-safe.
 *
 * How it reads a message
 * - The subject is read as a sentence of its own, unless it starts with
 *   a reply or forward prefix (Re:, AW:, Fwd:, TR:, ...): then it is the
 *   subject of an earlier message, not new text.
 * - The body is cut into sentences at . ! ? ; (not after abbreviations
 *   such as "e.g.", "ext." or "Mme", nor inside numbers, addresses or
 *   URLs), at blank lines, and at line breaks after a short line (a
 *   greeting, a signature line, a list item).  Each sentence is folded
 *   (util/fold.h: case, accents and compatibility forms ignored), cut
 *   into words (letters and digits; apostrophes and hyphens separate
 *   words), and clauses (after , : ( ) quotes and dashes).
 * - English and French: each sentence's language is guessed from its
 *   common words (the message's when the sentence has too few), and
 *   decides how a verb form is read ("change" is an English imperative,
 *   the folded French "changé" a participle).
 * - Change request: an action verb (ChangeVerbs; ObjectVerbs only with a
 *   thing of the account, ChangeObjects, near it) governed by a request
 *   form ("please", "could you", "I'd like to", "we need to", "merci
 *   de", "pourriez-vous", "veuillez", "je voudrais", "il faut"...), or
 *   an imperative at the start of a clause ("Rename extension 201",
 *   "Désactivez le renvoi"), or a participle after a wish ("I need these
 *   calls blocked", "que les messages soient envoyés"); or a need for
 *   more of a thing ("we need two more extensions", "nous avons besoin
 *   d'une ligne supplémentaire").  The nearest form before the verb in
 *   its clause decides, and these win over a request form: negation and
 *   deferral ("don't", "not yet", "no change needed", "ne ... pas",
 *   "aucun"), doing it oneself ("how do I", "where can I", "can we",
 *   "is it possible to", "myself", "comment puis-je", "moi-même"),
 *   asking for information ("tell me how", "let me know", "explain"),
 *   the past and thanks ("the change you made", "thanks for adding",
 *   "vous avez ajouté"), and hypotheses ("we might", "if we").  A verb
 *   joined by "and" to an earlier one shares its reading.
 * - Lost PIN: the support PIN ("PIN", "NIP", "code PIN", not a PIN of
 *   something else, OtherPINWords: "voicemail PIN", "NIP de la
 *   messagerie") with a loss ("forgot", "lost", "never received", "can't
 *   find", "oublié", "perdu", "je n'ai pas reçu"), a failure ("doesn't
 *   work", "rejected", "ne fonctionne plus"), a request for one ("please
 *   send me a new PIN", "reset my PIN", "pourriez-vous m'envoyer un
 *   nouveau NIP"), or "what is my PIN".  Not when it is denied ("I don't
 *   want to change my PIN"), given ("my PIN is 482913"), a question
 *   about doing it oneself ("how do I change my PIN?"), or past ("I
 *   received the new PIN").
 * - The message is lost-pin when any sentence is, else change when any
 *   sentence is, else other.
 *
 * Limits: at most INTENT_MAX_SCAN bytes of text and INTENT_MAX_SUBJECT
 * of subject are read, at most INTENT_MAX_SENTENCES sentences; a longer
 * sentence is cut every INTENT_MAX_WORDS words.  Work is linear in the
 * text.  The text may hold a PIN: every copy made is wiped; the result
 * holds only rule names and words of the built-in and configured lists
 * (never digits), so it may be logged and written in a header.
 */
#ifndef PM_INTENT_H
#define PM_INTENT_H

#include <stdbool.h>
#include <stddef.h>

#define INTENT_MAX_SCAN		(64u * 1024)	/* bytes of body text read */
#define INTENT_MAX_SUBJECT	1024		/* bytes of subject read */
#define INTENT_MAX_SENTENCES	400
#define INTENT_MAX_WORDS	120		/* words in one sentence */
#define INTENT_CUE_MAX		64		/* bytes of the matched words */

enum intent_kind {
	INTENT_OTHER = 0,
	INTENT_CHANGE,
	INTENT_LOST_PIN,
};

/* Sorted lists of folded words (the configuration's word lists). */
struct intent_words {
	const char *const *v;
	size_t n;
};

struct intent_lexicon {
	struct intent_words verbs;	/* action verbs, on their own */
	struct intent_words object_verbs; /* action verbs with an object */
	struct intent_words objects;	/* things of the account */
	struct intent_words other_pins;	/* "voicemail" in "voicemail PIN" */
};

struct intent {
	enum intent_kind kind;
	const char *rule;		/* static: "request+action", ... */
	char cue[INTENT_CUE_MAX];	/* matched words, ASCII, may be "" */
	bool change;			/* some sentence asks for a change
					 * (also when kind is lost-pin) */
};

struct pm_config;

/* The lists of CFG: ChangeVerbs, ObjectVerbs, ChangeObjects and
 * OtherPINWords (ChangeKeywords is merged into ChangeVerbs by the loader);
 * they point into CFG.  CFG NULL: empty lists. */
void intent_lexicon_config(const struct pm_config *cfg,
    struct intent_lexicon *lx);

/*
 * Classify SUBJECT (may be NULL) and TEXT (the author's own text, may be
 * NULL) with the lists of LX into OUT.  Never fails.
 */
void intent_classify(const struct intent_lexicon *lx, const char *subject,
    const char *text, struct intent *out);

/* intent_classify with the lists of CFG. */
void intent_classify_cfg(const struct pm_config *cfg, const char *subject,
    const char *text, struct intent *out);

/* "change", "lost-pin" or "other". */
const char *intent_kind_name(enum intent_kind kind);

/*
 * The explanation written in X-Support-Intent and the log, ASCII only:
 * KIND " (rule: " RULE [" \"" CUE "\""] ")" into OUT (always
 * NUL-terminated).  Returns OUT.
 */
char *intent_describe(const struct intent *it, char *out, size_t size);

#define INTENT_DESCRIBE_MAX	(INTENT_CUE_MAX + 64)

#endif
