/*
 * intent.c - the intent of a support message from its subject and the
 * author's own text (intent.h): sentence by sentence, lost PIN first,
 * then change; the first sentence that asks decides, and the first that
 * was held back (a question, a negation...) explains an "other".
 *
 * Security notes: the text may hold a PIN.  Sentences are folded copies
 * wiped on release (intent_split.c); the result keeps only static rule
 * names and words of the word lists, made ASCII, never a digit, so it
 * is safe for the log and a header field.  Work is linear in the text,
 * bounded by INTENT_MAX_SCAN.  Diagnostics: none.
 */
#include <string.h>

#include <glib.h>

#include "case/intent.h"
#include "case/intent_int.h"
#include "core/config.h"

#define LANG_MIN	2	/* votes a sentence needs to decide alone */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const words_en[] = {
	"all", "an", "and", "are", "at", "be", "by", "can", "could", "d",
	"do", "for", "from", "have", "hello", "hi", "how", "i", "is", "it",
	"just", "like", "ll", "me", "my", "need", "not", "of", "on", "our",
	"please", "s", "t", "thank", "thanks", "the", "this", "to", "us",
	"want", "we", "what", "where", "with", "would", "you", "your",
};

static const char *const words_fr[] = {
	"ai", "au", "aux", "avec", "avons", "bonjour", "ce", "cette",
	"comment", "d", "dans", "de", "des", "du", "est", "et", "faire",
	"il", "j", "je", "l", "la", "le", "les", "m", "ma", "merci", "mes",
	"mon", "n", "ne", "nos", "notre", "nous", "par", "pas", "plus",
	"pour", "pouvez", "qu", "que", "si", "sont", "sur", "svp", "un",
	"une", "vos", "votre", "vous", "y",
};

/* A sentence with one of these is a legal notice or a footer, not the
 * author asking ("If you are not the intended recipient, please delete
 * this message"). */
static const char *const footers[] = {
	"intended recipient", "in error", "confidential", "privileged",
	"before printing", "disclaimer", "par erreur", "confidentiel",
	"confidentielle", "destinataire", "avant d imprimer",
	NULL
};

static bool
is_footer(const struct isent *s)
{
	size_t i, t;

	for (i = 0; i < s->n; i++)
		for (t = 0; footers[t] != NULL; t++)
			if (iw_phrase_at(s, i, footers[t]) > 0)
				return true;
	return false;
}

static int
cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Is W in the sorted list SET of N words? */
static bool
in_sorted(const char *const *set, size_t n, const char *w)
{
	return bsearch(w, set, n, sizeof(set[0]), cmp_word) != NULL;
}

/* English votes minus French votes among the words of S. */
int
isent_lang_votes(const struct isent *s)
{
	size_t i;
	int v = 0;

	for (i = 0; i < s->n; i++) {
		if (in_sorted(words_en, NELEM(words_en), s->w[i]))
			v++;
		if (in_sorted(words_fr, NELEM(words_fr), s->w[i]))
			v--;
	}
	return v;
}

const char *
intent_kind_name(enum intent_kind kind)
{
	switch (kind) {
	case INTENT_CHANGE:
		return "change";
	case INTENT_LOST_PIN:
		return "lost-pin";
	default:
		return "other";
	}
}

/* Append word W to OUT (ASCII letters, at most 24 of them), separated. */
static void
cue_add(char *out, size_t size, const char *w)
{
	size_t n = strlen(out), k;

	if (w == NULL || *w == '\0')
		return;
	for (k = 0; w[k] != '\0'; k++)
		if (!g_ascii_isalpha(w[k]) && w[k] != ' ')
			return;		/* never a digit, never odd bytes */
	if (k > 24 || n + k + 2 >= size)
		return;
	if (n > 0)
		out[n++] = ' ';
	memcpy(out + n, w, k + 1);
}

static void
result_set(struct intent *out, const struct ifind *f)
{
	size_t i;

	out->kind = f->kind;
	out->rule = f->rule;
	out->cue[0] = '\0';
	for (i = 0; i < 3; i++)
		cue_add(out->cue, sizeof(out->cue), f->w[i]);
}

/* Read one sentence into OUT; true when it decides the message. */
static bool
read_sentence(const struct intent_lexicon *lx, struct isent *s, int votes,
    struct intent *out, bool *explained)
{
	struct ifind f;
	int v = s->votes;

	if (v >= LANG_MIN || v <= -LANG_MIN)
		s->lang = v > 0 ? ILANG_EN : ILANG_FR;
	else
		s->lang = votes < 0 ? ILANG_FR : ILANG_EN;
	if (is_footer(s))
		return false;
	memset(&f, 0, sizeof(f));
	ipin_read(lx, s, &f);
	if (f.kind == INTENT_LOST_PIN) {
		result_set(out, &f);
		return true;
	}
	ichange_read(lx, s, &f);
	if (f.kind == INTENT_CHANGE) {
		if (!out->change) {
			result_set(out, &f);
			out->change = true;
		}
		return false;
	}
	if (!*explained && !out->change && f.rule != NULL) {
		result_set(out, &f);
		*explained = true;
	}
	return false;
}

void
intent_classify(const struct intent_lexicon *lx, const char *subject,
    const char *text, struct intent *out)
{
	GArray *all = g_array_new(FALSE, FALSE, sizeof(struct isent));
	struct isplit *sp;
	struct isent s;
	bool done = false, explained = false;
	int votes = 0;
	guint i;

	memset(out, 0, sizeof(*out));
	out->kind = INTENT_OTHER;
	out->rule = "no-request";
	if (isent_subject(subject, subject ? strlen(subject) : 0, &s))
		g_array_append_val(all, s);
	sp = isplit_new(text, text ? strlen(text) : 0);
	while (isplit_next(sp, &s))
		g_array_append_val(all, s);
	isplit_free(sp);
	for (i = 0; i < all->len; i++) {
		struct isent *one = &g_array_index(all, struct isent, i);

		one->votes = isent_lang_votes(one);
		votes += one->votes;
	}
	for (i = 0; i < all->len; i++) {
		if (!done)
			done = read_sentence(lx, &g_array_index(all,
			    struct isent, i), votes, out, &explained);
		isent_clear(&g_array_index(all, struct isent, i));
	}
	g_array_free(all, TRUE);
	if (out->change && out->kind != INTENT_LOST_PIN)
		out->kind = INTENT_CHANGE;
}

/* A configured list (folded and sorted by the loader) as a word list. */
static void
words_of(const struct pm_strlist *l, struct intent_words *w)
{
	w->v = (const char *const *)l->v;
	w->n = l->n;
}

void
intent_lexicon_config(const struct pm_config *cfg, struct intent_lexicon *lx)
{
	memset(lx, 0, sizeof(*lx));
	if (cfg == NULL)
		return;
	words_of(&cfg->change_verbs, &lx->verbs);
	words_of(&cfg->object_verbs, &lx->object_verbs);
	words_of(&cfg->change_objects, &lx->objects);
	words_of(&cfg->other_pin_words, &lx->other_pins);
}

void
intent_classify_cfg(const struct pm_config *cfg, const char *subject,
    const char *text, struct intent *out)
{
	struct intent_lexicon lx;

	intent_lexicon_config(cfg, &lx);
	intent_classify(&lx, subject, text, out);
}

char *
intent_describe(const struct intent *it, char *out, size_t size)
{
	if (it->cue[0] != '\0')
		(void)g_snprintf(out, size, "%s (rule: %s \"%s\")",
		    intent_kind_name(it->kind), it->rule ? it->rule : "none",
		    it->cue);
	else
		(void)g_snprintf(out, size, "%s (rule: %s)",
		    intent_kind_name(it->kind), it->rule ? it->rule : "none");
	return out;
}
