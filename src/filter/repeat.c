/*
 * repeat.c - the decision of a message kept for its repeats (repeat.h):
 * the key (From address, Message-ID), the content MAC, reading a
 * decision back into a verdict and recording one.
 *
 * Security notes: the content MAC is keyed (secret_mac, its own purpose)
 * over a plain SHA-256 of every Subject field and the body: the plain
 * digest stays in memory and is wiped; only the MAC is stored.  A
 * decision read back is checked (verdict and x-pin within range); a row
 * that is not is an error, never a verdict.
 * Diagnostics: store errors go to the caller (store_errmsg).
 */
#include <string.h>

#include <glib.h>

#include "filter/repeat.h"

#define REPEAT_PURPOSE	"content"

static int
repeat_feed(const char *buf, size_t len, void *arg)
{
	g_checksum_update(arg, (const guchar *)buf, (gssize)len);
	return 0;
}

/* The Message-ID as the key keeps it: trimmed, printable, bounded. */
static bool
repeat_msgid(const struct hdrlist *hl, char *out, size_t size)
{
	const char *id = hdrlist_get(hl, "Message-ID", 1);
	size_t i, n;

	if (id == NULL)
		return false;
	while (*id == ' ' || *id == '\t')
		id++;
	n = strlen(id);
	while (n > 0 && (id[n - 1] == ' ' || id[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= size)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
			return false;
	memcpy(out, id, n);
	out[n] = '\0';
	return true;
}

bool
repeat_key_make(const struct secret_key *key, const struct hdrlist *hl,
    struct spool *body, const char *from, struct repeat_key *k)
{
	GChecksum *sum;
	guint8 plain[32];
	gsize len = sizeof(plain);
	const char *subj;
	size_t i;
	bool ok = true;

	memset(k, 0, sizeof(*k));
	if (key == NULL || strlen(from) >= sizeof(k->d.sender) ||
	    !repeat_msgid(hl, k->d.message_id, sizeof(k->d.message_id)))
		return false;
	for (i = 0; from[i] != '\0'; i++)
		k->d.sender[i] = g_ascii_tolower(from[i]);
	sum = g_checksum_new(G_CHECKSUM_SHA256);
	for (i = 1; (subj = hdrlist_get(hl, "Subject", i)) != NULL; i++) {
		g_checksum_update(sum, (const guchar *)subj, (gssize)strlen(subj));
		g_checksum_update(sum, (const guchar *)"\n", 1);
	}
	g_checksum_update(sum, (const guchar *)"\n", 1);
	if (body != NULL && spool_read(body, repeat_feed, sum) != 0)
		ok = false;
	g_checksum_get_digest(sum, plain, &len);
	g_checksum_free(sum);
	secret_mac(key, REPEAT_PURPOSE, plain, len, k->d.digest);
	secret_wipe(plain, sizeof(plain));
	return ok;
}

int
repeat_find(struct store *st, const struct repeat_key *k, time_t now,
    struct verdict *v, time_t *first)
{
	struct store_decision d;
	int rc;

	rc = store_decision_find(st, k->d.sender, k->d.message_id,
	    now - REPEAT_WINDOW, &d);
	if (rc != STORE_OK)
		return rc;
	if (memcmp(d.digest, k->d.digest, sizeof(d.digest)) != 0)
		return STORE_NOTFOUND;		/* other content: decide again */
	if (d.auth < VERDICT_UNVERIFIED ||
	    d.auth > VERDICT_VERIFICATION_REQUESTED || d.xpin < XPIN_NONE ||
	    d.xpin > XPIN_POLICY || d.case_number < 0)
		return STORE_ERROR;		/* never a verdict from a bad row */
	v->auth = (enum verdict_auth)d.auth;
	v->pin = (enum verdict_pin)d.xpin;
	(void)g_strlcpy(v->reason_buf, d.reason, sizeof(v->reason_buf));
	v->reason = v->reason_buf;
	(void)g_strlcpy(v->account, d.account, sizeof(v->account));
	v->case_number = d.case_number;
	v->tested = false;
	*first = d.at;
	return STORE_OK;
}

int
repeat_record(struct store *st, struct repeat_key *k, time_t now,
    const struct verdict *v)
{
	int rc;

	if ((rc = store_decision_prune(st, now - REPEAT_WINDOW)) != STORE_OK)
		return rc;
	k->d.at = now;
	k->d.auth = (int)v->auth;
	k->d.xpin = (int)v->pin;
	(void)g_strlcpy(k->d.reason, v->reason, sizeof(k->d.reason));
	k->d.case_number = v->case_number;
	(void)g_strlcpy(k->d.account, v->account, sizeof(k->d.account));
	return store_decision_put(st, &k->d);
}
