/*
 * message.h - read a MIME message: its subject and the author's own text.
 *
 * Typical use, per message:
 *	struct message_text t = { 0 };
 *	GMimeMessage *m = message_parse_stream(stream, &t);
 *	if (m == NULL || message_read(m, &limits, &t) == -1) ... tempfail
 *	... t.subject, t.author ...
 *	message_text_clear(&t);
 *	g_object_unref(m);
 */
#ifndef PM_MESSAGE_H
#define PM_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <gmime/gmime.h>

/* From the configuration; 0 means the built-in default. */
struct message_limits {
	unsigned max_depth;	/* MaxMimeDepth: top-level body is depth 1 */
	unsigned max_parts;	/* MaxMimeParts: MIME objects walked */
	size_t max_text;	/* bytes of author text kept */
};

#define MESSAGE_DEFAULT_DEPTH	10
#define MESSAGE_DEFAULT_PARTS	100
#define MESSAGE_DEFAULT_TEXT	(256 * 1024)
#define MESSAGE_HARD_DEPTH	64	/* max_depth is clamped to this */

struct message_text {
	char *subject;		/* RFC 2047 decoded, UTF-8, NULL if none */
	char *author;		/* author's own text: chosen body parts ->
				 * UTF-8 -> quotes cut; "" if none */
	unsigned parts;		/* MIME objects walked */
	unsigned depth;		/* deepest level walked */
	bool truncated;		/* a limit was hit: text may be incomplete */
	bool html;		/* some author text came from HTML */
	bool critical;		/* GMime GMIME_CRIT_* parser warnings seen */
	unsigned warnings;	/* parser warnings seen (all kinds) */
	/* The leaf parts the author text was read from, in order, for the
	 * redaction edits.  The array is owned (freed by
	 * message_text_clear); the parts are not: they live as long as the
	 * GMimeMessage. */
	GMimePart **author_parts;
	unsigned n_author_parts;
};

/* Initialise GMime and libxml2 once; idempotent and thread-safe. */
void message_init(void);

/*
 * Parse one message from S (read from its current position).  Parser
 * warnings are logged (at most a few per message, made printable) and
 * counted in T; GMIME_CRIT_* ones set T->critical.  T NULL: a second
 * reading of a message already parsed (the check after redaction),
 * whose warnings are not logged again.
 * Returns a new reference (g_object_unref), or NULL if GMime could not
 * build a message.  Calls message_init().
 */
GMimeMessage *message_parse_stream(GMimeStream *s, struct message_text *t);

/*
 * Fill OUT's subject, author text, counters and author_parts from M
 * within LIM (NULL: defaults).  OUT's warnings/critical from
 * message_parse_stream are kept; other fields must be zero (as after
 * message_text_clear).  Walks the MIME tree itself, depth- and
 * part-capped.  Author text: text/plain parts that are not attachments
 * (disposition attachment, or a file name); of a multipart/alternative
 * its first text/plain, else its text/html (through html_to_text); of a
 * multipart/related its root; of a multipart/signed its content.
 * Attached messages (message/rfc822), delivery reports and encrypted
 * parts are not author text.  Any transfer encoding is decoded and any
 * charset converted to UTF-8 (iso-8859-1 read as windows-1252; a part in
 * an unknown charset is read as UTF-8; invalid UTF-8 and NUL bytes become
 * U+FFFD; bytes invalid in a known charset are dropped by GMime's charset
 * filter); each part's text goes through quote_cut().  Parts are read
 * up to 4 x max_text bytes (HTML: 16 x); any limit hit sets truncated.
 * Returns 0, or -1 on a bad argument (M or OUT NULL).
 */
int message_read(GMimeMessage *m, const struct message_limits *lim,
    struct message_text *out);

/* Is PART text/plain; format=flowed (RFC 3676), and with DelSp=yes?
 * Its soft line breaks are undone before reading (flowed.c). */
bool message_part_is_flowed(GMimePart *part);
bool message_part_delsp(GMimePart *part);

/* Free and wipe T's contents (T itself is the caller's). */
void message_text_clear(struct message_text *t);

#endif
