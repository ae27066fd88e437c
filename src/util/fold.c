/*
 * fold.c - case folding, compatibility decomposition and the removal of
 * combining marks, for word matching (see fold.h).
 *
 * Security notes: the input is untrusted and may hold a PIN.  Work and
 * memory are linear in LEN (GLib's normalization grows a string by a
 * bounded factor); every copy made here is zeroed before it is freed.
 * Diagnostics: none.
 */
#include <string.h>

#include <glib.h>

#include "util/fold.h"

static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		g_free(s);
	}
}

char *
fold_text(const char *s, size_t len)
{
	char *valid, *cf, *nf, *out, *o;
	const char *p;
	gunichar c;

	valid = g_utf8_make_valid(s != NULL ? s : "", s != NULL ?
	    (gssize)len : 0);
	nf = g_utf8_normalize(valid, -1, G_NORMALIZE_NFKD);
	wipe_free(valid);
	if (nf == NULL)
		return g_strdup("");
	/* after NFKD: a compatibility form may decompose to a capital */
	cf = g_utf8_casefold(nf, -1);
	wipe_free(nf);
	nf = cf;
	out = o = g_malloc(strlen(nf) + 1);
	for (p = nf; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (g_unichar_ismark(c))
			continue;
		o += g_unichar_to_utf8(c, o);
	}
	*o = '\0';
	wipe_free(nf);
	return out;
}

void
fold_free(char *folded)
{
	wipe_free(folded);
}
