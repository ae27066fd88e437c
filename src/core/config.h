/*
 * config.h - pinmilter.conf: "Key value" lines, one typed table of keys.
 *
 * Every key is one row of a table {name, type, default, min, max} in
 * config_keys.c; pinmilter.conf(5) documents each row.  Parsing is strict:
 * unknown keys, bad values and out-of-range numbers are errors naming the
 * file, the line and the key.  A struct pm_config is immutable once loaded
 * and may be shared read-only between threads.
 */
#ifndef PM_CONFIG_H
#define PM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef PM_DEFAULT_CONFIG
#define PM_DEFAULT_CONFIG "/etc/pinmilter/pinmilter.conf"
#endif

enum pm_on_error {
	PM_ON_ERROR_TEMPFAIL = 0,	/* default: the MTA retries later */
	PM_ON_ERROR_ACCEPT,		/* deliver unchanged but tagged temperror */
	PM_ON_ERROR_REJECT,
};

struct pm_strlist {
	char **v;			/* NULL-terminated, owned */
	size_t n;
};

struct pm_config {
	int refs;			/* config_ref() / config_free() */
	char *path;			/* file it was read from (NULL: defaults) */

	char *socket;			/* Socket: unix:/path, local:/path, inet:PORT@HOST */
	char *database;			/* Database */
	char *key_file;			/* KeyFile */
	unsigned database_timeout;	/* DatabaseTimeout, seconds (busy_timeout) */

	struct pm_strlist support_addresses;	/* SupportAddress (repeatable,
						 * canonical, lower-cased) */
	char *authserv_id;		/* AuthservID */
	struct pm_strlist trusted_authserv_ids;	/* TrustedAuthservIDs */
	bool require_aligned_from;	/* RequireAlignedFrom */

	unsigned max_candidates;	/* MaxCandidates */
	unsigned max_failures;		/* MaxFailures */
	unsigned failure_window;	/* FailureWindow, seconds */
	unsigned lockout_time;		/* LockoutTime, seconds */
	bool redact_pin;		/* RedactPIN */
	enum pm_on_error on_internal_error;	/* OnInternalError */

	size_t max_message_size;	/* MaxMessageSize, bytes scanned at most */
	size_t body_memory_limit;	/* BodyMemoryLimit: above it, spill to a file */
	char *temp_dir;			/* TempDir for spilled bodies */
	unsigned max_mime_depth;	/* MaxMimeDepth */
	unsigned max_mime_parts;	/* MaxMimeParts */

	char *user_id;			/* UserID: user[:group] to run as, NULL: stay */
	char *pid_file;			/* PidFile, NULL: none */
	char *syslog_facility;		/* Syslog: facility name, or "no" -> NULL */
	char *log_file;			/* LogFile, NULL: none (syslog/stderr) */

	char *notice_from;		/* NoticeFrom, canonical */
	char *mailer;			/* Mailer: argv, split on white space */
	char *template_dir;		/* TemplateDir */

	/* cases and notices */
	char *case_tag;			/* CaseTag: subject tag, "%n" = number */
	unsigned case_start;		/* CaseStart: the first case number */
	char *case_ref_pattern;		/* CaseRefPattern: GRegex with one group
					 * over the subject; NULL: we number */
	/* what a message asks (case/intent.h): folded, sorted word lists */
	struct pm_strlist change_verbs;		/* ChangeVerbs */
	struct pm_strlist object_verbs;		/* ObjectVerbs */
	struct pm_strlist change_objects;	/* ChangeObjects */
	struct pm_strlist other_pin_words;	/* OtherPINWords */
	struct pm_strlist change_keywords;	/* ChangeKeywords: deprecated, its
						 * words are in change_verbs too */
	bool reply_to_tokens;		/* ReplyToTokens: signed plus-address */
	char *smtp_relay;		/* SMTPRelay: host:port, NULL: Mailer */
	unsigned max_notices_per_day;	/* MaxNoticesPerDay, per recipient */
	unsigned pin_issue_interval;	/* PinIssueInterval, seconds, per user */
	unsigned outbox_max_attempts;	/* OutboxMaxAttempts */
	unsigned outbox_retry;		/* OutboxRetry: first backoff, seconds */
	char *notice_language;		/* NoticeLanguage: TemplateDir/LANG/ */

	/* helpdesk integration (filter/helpdesk.c) */
	char *helpdesk;			/* Helpdesk: preset name, lower case */
	bool reply_to_must_match;	/* ReplyToMustMatch: a Reply-To other
					 * than From never authenticates */
	struct pm_strlist strip_headers;	/* StripHeaders: names, "X-*" prefixes */
	char *verified_recipient;	/* VerifiedRecipient: authenticated
					 * mail goes here, NULL: off */
	struct pm_strlist add_headers;	/* AddHeader: "X-NAME TEMPLATE" each;
					 * TEMPLATE may hold %{verdict},
					 * %{pin}, %{case}, %{account},
					 * %{user} and %% */
};

/*
 * Load FILE into a new config (defaults first, then the file).  On error
 * returns NULL and writes one line "FILE:LINE: Key: reason" into err.
 */
struct pm_config *config_load(const char *file, char *err, size_t errlen);

/* A config holding only the defaults (g_malloc'd: allocation failure
 * aborts; NULL only when a default does not load, a bug). */
struct pm_config *config_defaults(void);

/*
 * A config is reference-counted so that a reload (SIGHUP) never frees one
 * a message or the outbox worker still reads: it starts with one
 * reference; config_ref() adds one (and returns CFG); config_free() drops
 * one and frees the config with the last.  Thread-safe.  A config is
 * never changed once loaded;
 * config_ref()/config_unref() work on a const config: the count is not
 * part of its value.
 */
const struct pm_config *config_ref(const struct pm_config *cfg);
void config_unref(const struct pm_config *cfg);
void config_free(struct pm_config *cfg);

/* Parse a duration "90", "90s", "15m", "1h", "2d" into seconds. 0 ok, -1 bad. */
int config_parse_duration(const char *s, unsigned *out);

/* Parse a size "1048576", "512k", "20M", "1G" into bytes. 0 ok, -1 bad. */
int config_parse_size(const char *s, size_t *out);

/*
 * Is ADDR (an envelope recipient as the MTA hands it over) a support
 * address or a plus-address variant of one (support+x@dom for
 * support@dom)?  Canonical addresses are compared: ADDR is read by
 * address_parse_rcpt() (angle brackets, source route, quotes, escapes,
 * white space, the domain's case and root dot do not matter) and its
 * local part is compared unquoted and in any case.
 */
bool config_is_support_address(const struct pm_config *cfg, const char *addr);

/* Is ADDR (read the same way) the VerifiedRecipient, or a plus-address
 * variant of it?  False when none is set. */
bool config_is_verified_recipient(const struct pm_config *cfg,
    const char *addr);

/*
 * The subject tag for case NUMBER: CaseTag with "%n" replaced by the
 * number in decimal ("[Case #100042]").  g_malloc'd; never NULL.
 */
char *config_case_tag(const struct pm_config *cfg, int64_t number);

/* A warning about a deprecated key CFG sets (static text), or NULL. */
const char *config_deprecated(const struct pm_config *cfg);

/* Write every key and its current value, one per line (pinmilter -n -v). */
void config_dump(const struct pm_config *cfg, FILE *out);

#endif
