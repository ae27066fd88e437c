/*
 * test_intent.c - the intent classifier.
 *
 * 1. The labelled corpus tests/intent/labelled.tsv (label, language,
 *    text; "# half A" and "# half B" start its two halves): every row is
 *    classified; precision and recall of change requests and lost-PIN
 *    mail, and the confusion matrix, are printed for each half and for
 *    the whole; the floors are asserted on each: change precision >=
 *    0.95 and recall >= 0.90, every lost-PIN mail classified lost-pin, no
 *    other mail classified lost-pin.  INTENT_SHOW=1 lists every row
 *    classified wrong, with the explanation; INTENT_HALF=A (or B) reads
 *    one half only.
 * 2. Tables of exact cases: sentence cutting (abbreviations, numbers,
 *    line breaks), subjects (reply prefixes), the explanation (format,
 *    ASCII, never a digit), the default word lists of the configuration
 *    (sorted and folded, as the classifier searches them), bounds.
 *
 * Needs $top_srcdir (make check sets it) for the corpus: without it the
 * corpus part is skipped.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "case/intent.h"
#include "case/intent_int.h"
#include "core/config.h"
#include "util/fold.h"
#include "tap.h"
#include "testutil.h"

#define NKIND	3

static struct pm_config *defaults;	/* config_defaults(): the word lists */

struct tally {
	unsigned m[NKIND][NKIND];	/* [label][classified] */
	unsigned rows;
};

static const char *const kind_names[NKIND] = { "other", "change",
	"lost-pin" };

static int
kind_of(const char *label)
{
	int k;

	for (k = 0; k < NKIND; k++)
		if (strcmp(label, kind_names[k]) == 0)
			return k;
	return -1;
}

/* "\n", "\t" and "\\" escapes, in place. */
static void
unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && (s[1] == 'n' || s[1] == 't' || s[1] == '\\')) {
			s++;
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : '\\';
		} else
			*o++ = *s;
	}
	*o = '\0';
}

static double
ratio(unsigned a, unsigned b)
{
	return b == 0 ? 1.0 : (double)a / (double)b;
}

static void
report(const char *name, const struct tally *t)
{
	unsigned tp = t->m[1][1], fp = 0, fn = 0, l, c, lost = 0, lost_ok;
	unsigned other_lost = t->m[0][2];

	for (l = 0; l < NKIND; l++) {
		if (l != 1)
			fp += t->m[l][1];
		if (l == 1)
			for (c = 0; c < NKIND; c++)
				if (c != 1)
					fn += t->m[1][c];
		lost += l == 2 ? t->m[2][0] + t->m[2][1] + t->m[2][2] : 0;
	}
	lost_ok = t->m[2][2];
	printf("# %s: %u rows\n", name, t->rows);
	printf("#   label \\ classified   other  change  lost-pin\n");
	for (l = 0; l < NKIND; l++)
		printf("#   %-21s %6u %7u %9u\n", kind_names[l], t->m[l][0],
		    t->m[l][1], t->m[l][2]);
	printf("#   change: precision %.3f (%u/%u), recall %.3f (%u/%u)\n",
	    ratio(tp, tp + fp), tp, tp + fp, ratio(tp, tp + fn), tp, tp + fn);
	printf("#   lost-pin: precision %.3f, recall %.3f (%u/%u)\n",
	    ratio(lost_ok, t->m[0][2] + t->m[1][2] + lost_ok),
	    ratio(lost_ok, lost), lost_ok, lost);
	ok(ratio(tp, tp + fp) >= 0.95, "%s: change precision %.3f >= 0.95",
	    name, ratio(tp, tp + fp));
	ok(ratio(tp, tp + fn) >= 0.90, "%s: change recall %.3f >= 0.90", name,
	    ratio(tp, tp + fn));
	is_int(lost_ok, lost, "%s: every lost-PIN mail is lost-pin", name);
	is_int(other_lost, 0, "%s: no other mail is lost-pin", name);
}

/* Classify one row; the first line "Subject: ..." is the subject. */
static int
classify_row(const struct intent_lexicon *lx, char *text, struct intent *it)
{
	char *subject = NULL, *body = text, *nl = NULL;

	if (strncmp(text, "Subject: ", 9) == 0) {
		subject = text + 9;
		nl = strchr(subject, '\n');
		body = nl != NULL ? nl + 1 : subject + strlen(subject);
		if (nl != NULL)
			*nl = '\0';
	}
	intent_classify(lx, subject, body, it);
	if (nl != NULL && subject != NULL)
		*nl = '\n';
	return (int)it->kind;
}

static void
show_row(const char *label, const char *lang, const char *text,
    const struct intent *it)
{
	char d[INTENT_DESCRIBE_MAX], *one = g_strdup(text), *p;

	for (p = one; *p != '\0'; p++)
		if (*p == '\n')
			*p = '|';
	printf("# WRONG %s/%s -> %s: %s\n", label, lang,
	    intent_describe(it, d, sizeof(d)), one);
	g_free(one);
}

static void
test_corpus(void)
{
	const char *top = getenv("top_srcdir"), *only = getenv("INTENT_HALF");
	bool show = getenv("INTENT_SHOW") != NULL;
	struct tally half[2], all;
	struct intent_lexicon lx;
	struct intent it;
	char *path, *buf, **lines, *f[3];
	int h = -1, k, got;
	size_t i;

	if (top == NULL) {
		tap_skip("no top_srcdir: corpus not read");
		return;
	}
	path = g_build_filename(top, "tests", "intent", "labelled.tsv", NULL);
	if (!g_file_get_contents(path, &buf, NULL, NULL)) {
		ok(0, "read %s", path);
		g_free(path);
		return;
	}
	memset(half, 0, sizeof(half));
	memset(&all, 0, sizeof(all));
	intent_lexicon_config(defaults, &lx);
	lines = g_strsplit(buf, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		char *l = lines[i], *t1, *t2;

		if (strncmp(l, "# half ", 7) == 0)
			h = l[7] == 'A' ? 0 : l[7] == 'B' ? 1 : -1;
		if (*l == '#' || *l == '\0')
			continue;
		if ((t1 = strchr(l, '\t')) == NULL ||
		    (t2 = strchr(t1 + 1, '\t')) == NULL || h < 0) {
			ok(0, "labelled.tsv:%zu: three fields in a half", i + 1);
			continue;
		}
		*t1 = *t2 = '\0';
		f[0] = l, f[1] = t1 + 1, f[2] = t2 + 1;
		if ((k = kind_of(f[0])) < 0 || (strcmp(f[1], "en") != 0 &&
		    strcmp(f[1], "fr") != 0)) {
			ok(0, "labelled.tsv:%zu: label and language", i + 1);
			continue;
		}
		if (only != NULL && only[0] != "AB"[h])
			continue;
		unescape(f[2]);
		got = classify_row(&lx, f[2], &it);
		half[h].m[k][got]++, half[h].rows++;
		all.m[k][got]++, all.rows++;
		if (show && got != k)
			show_row(f[0], f[1], f[2], &it);
	}
	if (only == NULL || only[0] == 'A')
		report("half A", &half[0]);
	if (only == NULL || only[0] == 'B')
		report("half B", &half[1]);
	if (only == NULL) {
		report("whole corpus", &all);
		ok(all.rows >= 200, "at least 200 rows (%u)", all.rows);
	}
	g_strfreev(lines);
	g_free(buf);
	g_free(path);
}

/* ---- exact cases ---- */

struct kcase {
	const char *subject, *text;
	enum intent_kind want;
	const char *describe;		/* NULL: not checked */
};

static const struct kcase cases[] = {
	/* sentences: an abbreviation, a number, an address do not cut */
	{ NULL, "Hi,\nI called ext. 201 yesterday. Nobody answered.",
	  INTENT_OTHER, "other (rule: no-request)" },
	{ NULL, "Please rename ext. 201 to Reception.", INTENT_CHANGE,
	  "change (rule: request+action \"please rename ext\")" },
	{ NULL, "Version 2.5 is fine. Thanks.", INTENT_OTHER,
	  "other (rule: no-request)" },
	{ NULL, "Write to j.smith@example.com please. Add him as a user.",
	  INTENT_CHANGE, "change (rule: imperative \"add user\")" },
	/* a question mark ends a sentence: the request is the next one */
	{ NULL, "How do I add a user? Never mind, please add Tom Baker.",
	  INTENT_CHANGE, NULL },
	/* a short line ends a sentence, a wrapped one does not */
	{ NULL, "Hello\nRename extension 201 to Reception", INTENT_CHANGE,
	  "change (rule: imperative \"rename extension\")" },
	{ NULL, "We were wondering whether it would be possible in the near\n"
	  "future to add a user", INTENT_OTHER, NULL },
	/* subjects */
	{ "Please cancel line 3", "Thanks!", INTENT_CHANGE, NULL },
	{ "Re: Please cancel line 3", "Thanks, it works now.", INTENT_OTHER,
	  NULL },
	{ "AW: Please cancel line 3", "Danke", INTENT_OTHER, NULL },
	{ "TR : Merci de résilier la ligne", "Voir ci-dessous", INTENT_OTHER,
	  NULL },
	{ "Fwd: forgot my PIN", "", INTENT_OTHER, NULL },
	{ "Forgot my PIN", "", INTENT_LOST_PIN,
	  "lost-pin (rule: lost \"forgot pin\")" },
	/* the explanation never holds a digit or customer words */
	{ NULL, "My PIN is 482913. Please change the greeting.",
	  INTENT_CHANGE, "change (rule: request+action \"please change greeting\")" },
	{ NULL, "I forgot my PIN", INTENT_LOST_PIN,
	  "lost-pin (rule: lost \"forgot pin\")" },
	{ NULL, "J'ai oublié mon NIP", INTENT_LOST_PIN,
	  "lost-pin (rule: lost \"oublie nip\")" },
	{ NULL, "Where can I change my voicemail greeting?", INTENT_OTHER,
	  "other (rule: self-service \"where can i change\")" },
	{ NULL, "I don't want to change my PIN, just checking it works.",
	  INTENT_OTHER, NULL },
	{ NULL, "My PIN is 482913", INTENT_OTHER, "other (rule: no-request)" },
	{ NULL, "Please reset the voicemail PIN of extension 12.",
	  INTENT_CHANGE, NULL },
	{ NULL, "What is my PIN?", INTENT_LOST_PIN, NULL },
	{ NULL, "What is the PIN for?", INTENT_OTHER, NULL },
	/* case and accents do not matter */
	{ NULL, "VEUILLEZ DÉSACTIVER LE RENVOI", INTENT_CHANGE, NULL },
	{ NULL, "veuillez desactiver le renvoi", INTENT_CHANGE, NULL },
	{ NULL, "Veuillez de\xcc\x81sactiver le renvoi", INTENT_CHANGE, NULL },
	{ NULL, "", INTENT_OTHER, "other (rule: no-request)" },
	{ NULL, NULL, INTENT_OTHER, "other (rule: no-request)" },
	/* the examples of pinmilter.conf(5), pinmilter(8) and README.md */
	{ NULL, "Set the greeting to the holiday message, please.",
	  INTENT_CHANGE, NULL },
	{ NULL, "Could you forward our calls to 555-0199 until Friday?",
	  INTENT_CHANGE, "change (rule: request+action \"could you forward "
	  "calls\")" },
	{ NULL, "We need two more extensions.", INTENT_CHANGE,
	  "change (rule: need+object \"need extensions\")" },
	{ NULL, "Je voudrais r\xc3\xa9silier la ligne fax.", INTENT_CHANGE,
	  NULL },
	{ NULL, "How do I add a user in the portal myself?", INTENT_OTHER,
	  "other (rule: self-service \"how do i add\")" },
	{ NULL, "Thanks, the change you made yesterday works.", INTENT_OTHER,
	  NULL },
	{ NULL, "We do not want to cancel, only asking about pricing.",
	  INTENT_OTHER, NULL },
	{ NULL, "Please don't change anything yet, I need to check.",
	  INTENT_OTHER, "other (rule: negated \"don t change\")" },
	{ NULL, "Looking forward to your answer.", INTENT_OTHER,
	  "other (rule: no-request)" },
	{ NULL, "Rename extension 201 to Reception", INTENT_CHANGE,
	  "change (rule: imperative \"rename extension\")" },
	{ NULL, "Turn off call recording", INTENT_CHANGE, NULL },
	{ NULL, "D\xc3\xa9sactivez le renvoi", INTENT_CHANGE, NULL },
	{ NULL, "I need calls from 555-0166 blocked", INTENT_CHANGE, NULL },
	{ NULL, "je souhaiterais que les messages soient envoy\xc3\xa9s par "
	  "e-mail", INTENT_CHANGE, NULL },
	{ NULL, "could we get another line", INTENT_CHANGE, NULL },
	{ NULL, "nous avons besoin d'une ligne suppl\xc3\xa9mentaire",
	  INTENT_CHANGE, NULL },
	{ NULL, "another line please", INTENT_CHANGE, NULL },
	{ NULL, "Please cancel my previous request.", INTENT_OTHER, NULL },
	{ NULL, "Please forward this email to billing.", INTENT_OTHER, NULL },
	{ NULL, "If you are not the intended recipient, please delete this "
	  "message.", INTENT_OTHER, NULL },
	{ NULL, "What happens if we cancel?", INTENT_OTHER, NULL },
	{ NULL, "We might add two users.", INTENT_OTHER, NULL },
	{ NULL, "Merci d'avoir ajout\xc3\xa9 le poste.", INTENT_OTHER, NULL },
	{ NULL, "Aucun changement \xc3\xa0 pr\xc3\xa9voir.", INTENT_OTHER,
	  NULL },
	{ NULL, "I never received a PIN", INTENT_LOST_PIN, NULL },
	{ NULL, "I can't find the email with my PIN", INTENT_LOST_PIN, NULL },
	{ NULL, "my PIN doesn't work", INTENT_LOST_PIN, NULL },
	{ NULL, "mon NIP ne fonctionne plus", INTENT_LOST_PIN, NULL },
	{ NULL, "please reset my PIN", INTENT_LOST_PIN, NULL },
	{ NULL, "I need a new PIN", INTENT_LOST_PIN, NULL },
	{ NULL, "how do I change my PIN?", INTENT_OTHER, NULL },
	{ NULL, "I received the new PIN", INTENT_OTHER, NULL },
	{ NULL, "please reset the voicemail PIN of extension 214",
	  INTENT_CHANGE, NULL },
	{ NULL, "I have lost my PIN", INTENT_LOST_PIN, NULL },
	{ NULL, "J'ai perdu mon NIP", INTENT_LOST_PIN, NULL },
};

static void
test_cases(void)
{
	struct intent_lexicon lx;
	struct intent it;
	char d[INTENT_DESCRIBE_MAX];
	size_t i;

	intent_lexicon_config(defaults, &lx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kcase *c = &cases[i];

		intent_classify(&lx, c->subject, c->text, &it);
		intent_describe(&it, d, sizeof(d));
		is_str(intent_kind_name(it.kind), intent_kind_name(c->want),
		    "\"%s\" / \"%s\": %s", c->subject ? c->subject : "-",
		    c->text ? c->text : "(null)", d);
		if (c->describe != NULL)
			is_str(d, c->describe, "explained: %s", c->describe);
		ok(strpbrk(d, "0123456789") == NULL, "no digit in \"%s\"", d);
	}
}

/* Asking for a PIN, or not (the earlier PIN-request table, kept). */
static const struct {
	const char *text;
	bool lost;
} pin_cases[] = {
	/* English requests */
	{ "I forgot my PIN", true },
	{ "Hi, I've forgotten my PIN, can you help?", true },
	{ "forgotten PIN", true },
	{ "Forgot PIN", true },
	{ "I lost my PIN code", true },
	{ "I need a new PIN", true },
	{ "new PIN please", true },
	{ "Please reset my PIN.", true },
	{ "I don't have a PIN", true },
	{ "I don\xe2\x80\x99t have a PIN", true },
	{ "I do not have a PIN yet", true },
	{ "I never received a PIN", true },
	{ "I didn't receive my PIN", true },
	{ "I haven't got a PIN", true },
	{ "I can't find my PIN", true },
	{ "I don't remember my PIN", true },
	{ "Please send me a PIN", true },
	{ "send me my PIN please", true },
	{ "Could you send me a new PIN?", true },
	{ "I want to change my PIN", true },
	{ "What is my PIN?", true },
	{ "what's my pin", true },
	{ "I forgot my 6-digit PIN", true },
	{ "PIN lost", true },
	{ "Subject: Forgot my pin!!", true },
	{ "Don't worry, I forgot my PIN", true },
	{ "I forgot what my PIN is", true },
	/* French requests */
	{ "J'ai oubli\xc3\xa9 mon NIP", true },
	{ "j'ai oublie mon code PIN", true },
	{ "J\xe2\x80\x99" "ai perdu mon NIP", true },
	{ "J'AI OUBLI\xc3\x89 MON NIP", true },
	{ "Pouvez-vous m'envoyer un nouveau NIP ?", true },
	{ "nouveau code PIN", true },
	{ "Je n'ai pas de NIP", true },
	{ "Je n'ai pas re\xc3\xa7u de NIP", true },
	{ "Je n'ai jamais re\xc3\xa7u mon NIP", true },
	{ "Envoyez-moi un NIP svp", true },
	{ "Quel est mon NIP ?", true },
	{ "NIP oubli\xc3\xa9", true },
	{ "Je voudrais r\xc3\xa9initialiser mon NIP", true },
	{ "j'ai besoin d'un NIP", true },
	{ "Je souhaite changer mon NIP", true },
	/* decoys: someone giving a PIN, or not asking */
	{ "My PIN is 482913", false },
	{ "Here is my PIN: 482 913", false },
	{ "My new PIN is 482913", false },
	{ "new PIN number 482913", false },
	{ "PIN: 482913. Please update my address.", false },
	{ "Mon nouveau NIP est 482913", false },
	{ "Mon NIP : 482913", false },
	{ "I have my PIN", false },
	{ "I forgot my password", false },
	{ "I forgot to add my PIN last time, it is 482913", false },
	{ "Lost my wallet. PIN 482913", false },
	{ "I didn't forget my PIN, it is 482913", false },
	{ "I never lost my PIN", false },
	{ "I don't need a new PIN", false },
	{ "Je n'ai pas oubli\xc3\xa9 mon NIP", false },
	{ "The spinning wheel", false },
	{ "pinned message, snip", false },
	{ "PINs are great", false },
	{ "a new pine tree", false },
	{ "I forgot my P.I.N.", false },
	{ "I can see my PIN", false },
	{ "I can find my PIN, thanks", false },
	{ "I can get a PIN myself", false },
	{ "Nip it in the bud", false },
	{ "", false },
};

static void
test_pin_cases(void)
{
	struct intent_lexicon lx;
	struct intent it;
	char d[INTENT_DESCRIBE_MAX];
	size_t i;

	intent_lexicon_config(defaults, &lx);
	for (i = 0; i < sizeof(pin_cases) / sizeof(pin_cases[0]); i++) {
		intent_classify(&lx, NULL, pin_cases[i].text, &it);
		is_int(it.kind == INTENT_LOST_PIN, pin_cases[i].lost,
		    "PIN asked for: %d \"%s\": %s", pin_cases[i].lost,
		    pin_cases[i].text, intent_describe(&it, d, sizeof(d)));
	}
}

/* The default lists: sorted, folded, unique. */
static void
check_list(const char *name, const struct intent_words *l)
{
	size_t i, bad = 0;
	char *f;

	for (i = 0; i < l->n; i++) {
		f = fold_text(l->v[i], strlen(l->v[i]));
		if (strcmp(f, l->v[i]) != 0 ||
		    (i > 0 && strcmp(l->v[i - 1], l->v[i]) >= 0)) {
			printf("# %s: \"%s\" out of order or not folded\n",
			    name, l->v[i]);
			bad++;
		}
		fold_free(f);
	}
	is_int(bad, 0, "%s: %zu words, sorted, folded, unique", name, l->n);
}

static void
test_lists(void)
{
	struct intent_lexicon lx;

	intent_lexicon_config(defaults, &lx);
	check_list("verbs", &lx.verbs);
	check_list("object verbs", &lx.object_verbs);
	check_list("objects", &lx.objects);
	check_list("other PINs", &lx.other_pins);
	ok(iw_cues_sorted(), "the cue table is sorted by last word");
}

/* The configured lists decide: a replaced ChangeVerbs, ChangeKeywords. */
static void
test_config_lists(void)
{
	static const struct {
		const char *conf, *text;
		enum intent_kind want;
	} t[] = {
		{ "ChangeVerbs frobnicate\n", "Please frobnicate the router.",
		  INTENT_CHANGE },
		{ "ChangeVerbs frobnicate\n", "Please cancel line 3.",
		  INTENT_OTHER },
		{ "ChangeKeywords Frobnicate\n", "Please frobnicate the router.",
		  INTENT_CHANGE },
		{ "ChangeKeywords Frobnicate\n", "Please cancel line 3.",
		  INTENT_CHANGE },
		{ "ObjectVerbs none\n", "Please forward calls to 555-0199.",
		  INTENT_OTHER },
		{ "ChangeObjects widget\n", "Please set the widget to blue.",
		  INTENT_CHANGE },
		{ "ChangeObjects widget\n", "Please set the greeting to blue.",
		  INTENT_OTHER },
		{ "OtherPINWords badge\n", "I forgot the PIN of my badge.",
		  INTENT_OTHER },
		{ "OtherPINWords voicemail\n", "I forgot the PIN of my badge.",
		  INTENT_LOST_PIN },
	};
	struct pm_config *c;
	struct intent it;
	char name[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		(void)snprintf(name, sizeof(name), "lists%zu.conf", i);
		if ((c = make_config(name, t[i].conf)) == NULL) {
			ok(0, "config %s", t[i].conf);
			continue;
		}
		intent_classify_cfg(c, NULL, t[i].text, &it);
		is_str(intent_kind_name(it.kind), intent_kind_name(t[i].want),
		    "with %.*s: %s", (int)strlen(t[i].conf) - 1, t[i].conf,
		    t[i].text);
		config_free(c);
	}
	intent_classify_cfg(NULL, NULL, "Please cancel line 3.", &it);
	is_int(it.kind, INTENT_OTHER, "no configuration: empty lists, other");
}

/* A request past INTENT_MAX_SCAN is not read; a long text is cheap. */
static void
test_bounds(void)
{
	struct intent_lexicon lx;
	struct intent it;
	size_t n = INTENT_MAX_SCAN + 4096;
	char *big = g_malloc(n + 1);

	intent_lexicon_config(defaults, &lx);
	memset(big, 'a', n);
	big[n] = '\0';
	memcpy(big + INTENT_MAX_SCAN + 100, " please cancel line 3. ", 23);
	intent_classify(&lx, NULL, big, &it);
	is_int(it.kind, INTENT_OTHER, "a request past INTENT_MAX_SCAN: other");
	memcpy(big, "Please cancel line 3. ", 22);
	intent_classify(&lx, NULL, big, &it);
	is_int(it.kind, INTENT_CHANGE, "a request at the start of a long text");
	for (n = 0; n < INTENT_MAX_SCAN; n += 2)
		big[n] = '.', big[n + 1] = ' ';
	intent_classify(&lx, NULL, big, &it);
	is_int(it.kind, INTENT_OTHER, "64 KiB of empty sentences: other");
	g_free(big);
}

int
main(void)
{
	if ((defaults = config_defaults()) == NULL) {
		ok(0, "config_defaults");
		return tap_done();
	}
	test_corpus();
	test_cases();
	test_pin_cases();
	test_lists();
	test_bounds();
	tdir_make("test_intent");
	test_config_lists();
	config_free(defaults);
	return tap_done();
}
