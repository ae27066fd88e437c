/*
 * fold.h - text folded for matching words: case, accents and
 * compatibility forms ignored.
 *
 * fold_text() makes LEN bytes of S valid UTF-8 (invalid bytes become
 * U+FFFD), decomposes it (NFKD: the canonical decomposition of NFD plus
 * compatibility forms, so full-width letters and ligatures become plain
 * ones), case folds it (g_utf8_casefold) and drops every combining mark
 * (Unicode categories Mn, Mc, Me).  "Désactiver", "DÉSACTIVER",
 * "De\u0301sactiver" and "desactiver" fold to the same string.  Only GLib
 * is used; no state, thread-safe.
 *
 * The text may hold a secret (a PIN): every intermediate copy is wiped
 * before it is freed; the caller wipes the result (fold_free).
 */
#ifndef PM_FOLD_H
#define PM_FOLD_H

#include <stddef.h>

/* The folded copy of LEN bytes of S (g_malloc'd, never NULL). */
char *fold_text(const char *s, size_t len);

/* Wipe and free a folded copy; NULL does nothing. */
void fold_free(char *folded);

#endif
