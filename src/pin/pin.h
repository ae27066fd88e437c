/*
 * pin.h - PIN candidates in the author's own text, and their redaction.
 *
 * Pure functions: no I/O, no logging, no global state; they depend only
 * on GLib (Unicode tables).  The caller hands in text that is already
 * UTF-8 and already stripped of quoted replies and signatures' quoted
 * parts; these functions do not decide what is the author's text.
 *
 * What counts as a candidate (the full rules and their reasons are in
 * pin_scan.c and, as cases, in tests/unit/test_pin.c):
 * - exactly six digits, written 482913, 482 913, 482-913, 482.913 or
 *   4 8 2 9 1 3, after NFKC normalisation (full-width digits, NBSP and
 *   thin spaces become plain);
 * - anchored by the whole word PIN or NIP (PIN code, PIN#, my PIN is,
 *   code NIP, mon NIP est, ...): the digits follow within a short gap of
 *   punctuation and filler words, or precede "is my PIN", "(PIN)";
 * - never a part of something else: longer or shorter digit runs, phone
 *   numbers, dates, times, amounts, IP addresses, versions, URLs, email
 *   addresses, or a number named by another word (case, order, invoice,
 *   account, ticket, ext., poste, commande, facture, dossier, ...);
 * - with PIN_EXTRACT_BARE_LINE, also a line that holds nothing but the six
 *   digits (482913, 482 913 or 482-913): a reply to a verification
 *   request.
 *
 * Bounded work: one pass, constant work per character, no recursion.
 * Memory: the NFKC copy of the input (a few times its size at most for
 * pathological input), so callers cap what they scan (MaxMessageSize).
 *
 * Candidates are secrets: wipe them with pin_candidates_wipe() when done.
 */
#ifndef PM_PIN_H
#define PM_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/secret.h"	/* PIN_DIGITS, PIN_BUF */

#define PIN_MAX_FOUND	32

/*
 * Distinct candidates, each PIN_DIGITS ASCII digits + NUL, in order of
 * first appearance.  overflow: more distinct values existed than fit;
 * n is then PIN_MAX_FOUND.  The caller compares n (and overflow) with
 * MaxCandidates.
 */
struct pin_candidates {
	char	v[PIN_MAX_FOUND][PIN_BUF];
	size_t	n;
	bool	overflow;
};

/* Flags for pin_extract(). */
enum {
	PIN_EXTRACT_BARE_LINE = 1u << 0,	/* a line of only six digits counts */
	/*
	 * What redaction takes out of a text besides the message's
	 * candidates: every group of six digits a keyword anchors, written
	 * any way (482,913, 482'913, 482  913, 482 - 913), after any
	 * punctuation ("PIN, 482913", "PIN -> 482913"), up to
	 * PIN_GAP_LINES_LOOSE line breaks after the keyword, and every
	 * number of a list the keyword starts ("PINs: a, b and c").  Never
	 * used to find the candidates that are tested.
	 */
	PIN_EXTRACT_REDACT = 1u << 1
};

/*
 * Find the PIN candidates in TEXT (LEN bytes, UTF-8; invalid sequences
 * and NUL bytes are tolerated and never part of a candidate).  OUT is
 * reset first.  Returns the number of candidates (out->n), or -1 when
 * TEXT is NULL with a non-zero LEN or OUT is NULL.
 */
int pin_extract(const char *text, size_t len, unsigned flags,
    struct pin_candidates *out);

/*
 * A copy of TEXT (LEN bytes) in which every occurrence of every candidate
 * in C is replaced by MASK (NULL: PIN_REDACT_MASK): the six digits written
 * together, as 3+3, 2+2+2 or 1x6 digits joined by one space (any Unicode
 * space), hyphen or dot, in ASCII or any form NFKC turns into digits.  A
 * group that is part of a longer digit run ("1482913") is left alone.
 * Everything else, invalid UTF-8 included, is copied byte for byte.
 *
 * Returns a NUL-terminated buffer to release with g_free() (wipe it first
 * if it may hold secrets), its length without the NUL in *outlen, and the
 * number of replacements in *nreplaced (either pointer may be NULL).
 * Returns NULL only when TEXT is NULL with a non-zero LEN (errno EINVAL).
 * Like any GLib allocation, running out of memory aborts the process.
 */
#define PIN_REDACT_MASK	"[PIN redacted]"
char *pin_redact(const char *text, size_t len, const struct pin_candidates *c,
    const char *mask, size_t *outlen, size_t *nreplaced);

/* How many replacements pin_redact() would make in TEXT (no copy). */
size_t pin_redact_count(const char *text, size_t len,
    const struct pin_candidates *c);

/* Add B's values to A (distinct, in order; overflow when A is full). */
void pin_candidates_merge(struct pin_candidates *a,
    const struct pin_candidates *b);

/* Overwrite every candidate with zeros (not optimised away); n = 0. */
void pin_candidates_wipe(struct pin_candidates *c);

#endif
