/*
 * edits.h - the changes pinmilter makes to one message, as a list of
 * milter-style operations, computed once and applied either through
 * libmilter (milter.c) or to a header list for "pinmilter -t"
 * (edits_apply), so what -t prints is what the MTA delivers.
 *
 * Operations, applied in list order:
 *   EDIT_CHANGE  name, index (1-based among fields of that name), value;
 *                value NULL deletes (smfi_chgheader)
 *   EDIT_INSERT  at the top of the header (smfi_insheader(ctx, 0, ...))
 * plus an optional new body (smfi_replacebody) and envelope recipients to
 * delete (smfi_delrcpt, as given at RCPT) and one to add (smfi_addrcpt):
 * the route of VerifiedRecipient (route.c).
 *
 * Deletions of one name are emitted from the highest index down, so no
 * deletion shifts the index of another (OpenDKIM CVE-2022-48521).
 */
#ifndef PM_EDITS_H
#define PM_EDITS_H

#include <stddef.h>

#include "core/config.h"
#include "mail/hdrlist.h"
#include "case/verdict.h"

enum edit_op { EDIT_CHANGE, EDIT_INSERT };

struct edit {
	enum edit_op op;
	char *name;
	size_t index;		/* EDIT_CHANGE */
	char *value;		/* NULL: delete */
};

struct edits {
	struct edit *v;
	size_t n, cap;
	char *body;		/* new body, or NULL: unchanged */
	size_t body_len;
	char **rcpt_del;	/* envelope recipients to delete */
	size_t nrcpt_del;
	char *rcpt_add;		/* envelope recipient to add, NULL: none */
};

void edits_init(struct edits *e);
void edits_clear(struct edits *e);

/* List a change or an insertion; NAME and VALUE are copied. */
void edits_change(struct edits *e, const char *name, size_t index,
    const char *value);
void edits_insert(struct edits *e, const char *name, const char *value);
/* List an envelope recipient to delete (as given at RCPT) or the one to
 * add (a second call replaces the first); copied. */
void edits_del_rcpt(struct edits *e, const char *rcpt);
void edits_add_rcpt(struct edits *e, const char *rcpt);
/* Take ownership of BODY (g_malloc'd; released with g_free). */
void edits_set_body(struct edits *e, char *body, size_t len);

/*
 * Only the deletions: every inbound X-Support-* field (any case) and
 * every Authentication-Results whose authserv-id is our AuthservID, each
 * name from its highest index down.  Made to every message that carries
 * such a field, for a support address or not.  Returns how many deletions
 * were listed (0: the message carries none of our fields).
 */
size_t edits_remove_ours(struct edits *e, const struct pm_config *cfg,
    const struct hdrlist *hl);

/*
 * The header edits of a verdict: delete every inbound X-Support-* field
 * (X-Support-Intent included), every Authentication-Results carrying
 * our AuthservID and every helpdesk control field (helpdesk_remove),
 * then add the helpdesk's fields (helpdesk_add) and Authentication-Results, X-Support-Auth,
 * X-Support-Case (when the case processor set one), (known sender)
 * X-Support-Account and (when the text was read) X-Support-Intent at the
 * top, in that order.
 * -1 when the Authentication-Results value would not fit (see
 * edits_ar_value; cannot happen with a valid AuthservID): the deletions
 * and the other fields are listed all the same.
 */
int edits_for_verdict(struct edits *e, const struct pm_config *cfg,
    const struct hdrlist *hl, const struct verdict *v);

/* The Authentication-Results value for V (folded, < 1024 bytes; release
 * with g_free), or NULL when it would be longer. */
char *edits_ar_value(const struct pm_config *cfg, const struct verdict *v);

/*
 * A Subject value to hand the MTA from UTF8 text: at most
 * EDITS_SUBJECT_CHARS characters (a longer one is cut and ends in "..."),
 * RFC 2047-encoded where needed and folded, so an edited field stays
 * well inside what libmilter and MTAs take.  Free with g_free.
 */
#define EDITS_SUBJECT_CHARS	500
#define EDITS_VALUE_MAX		1900	/* bytes of a raw value we prefix */
char *edits_subject_value(const char *utf8);

/*
 * Put TAG ("[Case #100042]") in front of the first Subject: on top of a
 * change already listed for it (redaction), else as a new change, else
 * (no Subject at all) as a new field.
 */
void edits_tag_subject(struct edits *e, const struct hdrlist *hl,
    const char *tag);

/* Apply the header operations to HL as the MTA would.  -1 when a change
 * names a field HL does not have. */
int edits_apply(const struct edits *e, struct hdrlist *hl);

#endif
