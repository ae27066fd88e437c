/*
 * hdrlist.h - a message's header fields in order, as the milter receives
 * them (name, and value without the leading space; folded values keep
 * their line breaks), and the edits pinmilter makes to them.
 *
 * The milter fills one from xxfi_header; "pinmilter -t" fills one by
 * splitting a message file the same way, so both run the same pipeline.
 * Limits: at most HDRLIST_MAX_FIELDS fields and HDRLIST_MAX_BYTES bytes;
 * past them fields are dropped and hdrlist_truncated() says so -- except
 * the fields pinmilter must be able to delete (X-Support-*,
 * Authentication-Results), which are kept (values cut to
 * HDRLIST_PROTECTED_VALUE bytes, enough for an authserv-id) up to
 * HDRLIST_MAX_PROTECTED more; past that hdrlist_unsafe() is true and the
 * message cannot be cleaned, so it must not be delivered as processed.
 */
#ifndef PM_HDRLIST_H
#define PM_HDRLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define HDRLIST_MAX_FIELDS	5000
#define HDRLIST_MAX_BYTES	(4u << 20)
#define HDRLIST_MAX_PROTECTED	20000
#define HDRLIST_PROTECTED_VALUE	512

struct hdr {
	char *name;
	char *value;
	bool extra;		/* a protected field kept past the limits */
};

/* Must fields called NAME be deletable too (helpdesk control fields)? */
typedef bool (*hdrlist_keep_fn)(const void *ctx, const char *name);

struct hdrlist {
	struct hdr *v;
	size_t n, cap;
	size_t bytes;
	size_t protected_extra;	/* protected fields kept past the limits */
	bool truncated;
	bool unsafe;		/* a protected field had to be dropped */
	bool unbounded;		/* no limits (pinmilter -t's printed copy) */
	hdrlist_keep_fn keep;	/* more fields to keep past the limits */
	const void *keep_ctx;
	bool unsafe_keep;	/* such a field had to be dropped */
};

void hdrlist_init(struct hdrlist *hl);
/* No limits at all: for printing a whole file the admin handed us. */
void hdrlist_init_unbounded(struct hdrlist *hl);
void hdrlist_clear(struct hdrlist *hl);

/* Append a copy (dropped past the limits, see above). */
void hdrlist_add(struct hdrlist *hl, const char *name, const char *value);

/* Insert a copy at position pos (0: first). */
void hdrlist_insert(struct hdrlist *hl, size_t pos, const char *name,
    const char *value);

/* The value of the nth (1-based) field called NAME (any case), or NULL. */
const char *hdrlist_get(const struct hdrlist *hl, const char *name,
    size_t nth);
size_t hdrlist_count(const struct hdrlist *hl, const char *name);

/* Delete or replace the nth (1-based) field called NAME, as
 * smfi_chgheader does (value NULL deletes).  0 ok, -1 no such field. */
int hdrlist_change(struct hdrlist *hl, const char *name, size_t nth,
    const char *value);

bool hdrlist_truncated(const struct hdrlist *hl);
bool hdrlist_unsafe(const struct hdrlist *hl);

/*
 * Keep the fields for which KEEP(CTX, name) is true past the limits as
 * the protected ones (set before the first field is added).  When one
 * had to be dropped, hdrlist_unsafe_keep() is true (and hdrlist_unsafe()
 * is not: that one concerns our own fields, in every message).
 */
void hdrlist_set_keep(struct hdrlist *hl, hdrlist_keep_fn keep,
    const void *ctx);
bool hdrlist_unsafe_keep(const struct hdrlist *hl);

/* Must pinmilter be able to delete fields called NAME? */
bool hdrlist_name_protected(const char *name);

/*
 * Split a whole message (BUF, LEN) into fields and the offset where the
 * body starts (after the empty line; LEN when there is none).  A field
 * starts as the MTA reads one: a name, optional spaces or tabs ("From :",
 * RFC 822's obsolete syntax, which Postfix accepts), a colon.  Lines may
 * end in LF or CRLF; continuation lines are kept in the value with "\n".
 * A line that is neither a field nor a continuation ends the header
 * (as in a message without an empty line before its body).
 */
void hdrlist_parse(struct hdrlist *hl, const char *buf, size_t len,
    size_t *body_offset);

/* Write "Name: value\n" for each field. */
int hdrlist_write(const struct hdrlist *hl, FILE *fp);

#endif
