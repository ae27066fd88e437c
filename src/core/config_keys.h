/*
 * config_keys.h - inside the configuration: the typed table of keys and
 * the functions that read, check and store one value.  Only config*.c
 * include it; everyone else uses config.h.
 *
 * config_keys.c	the table cfg_keys[]: {name, type, default, min, max,
 *			field, flags}, one row per key
 * config_words.c	the defaults of the intent classifier's word lists
 * config_check.c	checks of text values (paths, sockets, addresses...)
 * config_value.c	numbers, durations and sizes; storing a value of
 *			any type into its field
 * config.c		reading the file, defaults, dump, queries
 */
#ifndef PM_CONFIG_KEYS_H
#define PM_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

#define CFG_LINE_MAX	4096	/* bytes in one line, newline excluded */
#define CFG_LIST_MAX	100	/* values in one list key */
#define CFG_LEXICON_MAX	1000	/* values in one word list (CFG_LEXICON) */
#define CFG_VALUE_MAX	1024	/* bytes in one value of a list */
#define CFG_SHOW_MAX	72	/* bytes of a value quoted in an error */
#define CFG_TAG_MAX	100	/* bytes in a CaseTag */
#define CFG_WORD_MAX	64	/* bytes in one word of a CFG_LEXICON list */
#define CFG_KEYS_MAX	64	/* rows the table may grow to */
#define CFG_FIELD_MAX	76	/* bytes in a header field name we take */
#define CFG_TEMPLATE_MAX 512	/* bytes in an AddHeader template */

#define KB	1024ULL
#define MB	(1024ULL * KB)
#define GB	(1024ULL * MB)

enum cfg_type {
	CFG_PATH,		/* absolute path */
	CFG_DATABASE,		/* absolute path, or a PostgreSQL URI */
	CFG_SOCKET,		/* milter socket specification */
	CFG_TOKEN,		/* authserv-id: an RFC 2045 token */
	CFG_ADDRESS,		/* one mail address */
	CFG_ADDRLIST,		/* list of addresses, lower-cased */
	CFG_IDLIST,		/* list of authserv-ids */
	CFG_BOOL,
	CFG_UINT,		/* unsigned, range min..max */
	CFG_DURATION,		/* seconds, range min..max */
	CFG_SIZE,		/* bytes, range min..max */
	CFG_ONERROR,		/* tempfail | accept | reject */
	CFG_FACILITY,		/* syslog facility name, or "no" */
	CFG_USER,		/* user or user:group */
	CFG_COMMAND,		/* absolute program path, then arguments */
	CFG_CASETAG,		/* subject tag holding "%n" once */
	CFG_REGEX,		/* GRegex with exactly one capture group */
	CFG_LEXICON,		/* list of single words (UTF-8), stored
				 * folded (util/fold.h) and sorted */
	CFG_HOSTPORT,		/* host:port or [address]:port */
	CFG_LANG,		/* language tag, a directory name */
	CFG_HELPDESK,		/* none | zammad | znuny | otrs | otobo | rt */
	CFG_FIELDLIST,		/* header field names, "X-RT-*": a prefix */
	CFG_ADDHEADER,		/* one "X-NAME TEMPLATE" per line (list) */
};

#define CF_REPEAT	0x01	/* may be given on several lines (lists) */
#define CF_NONE		0x02	/* "none" sets it to NULL (the default) */
#define CF_HOSTNAME	0x04	/* default: this host's name */

struct cfg_key {
	const char *name;
	enum cfg_type type;
	const char *def;	/* default as text, NULL: unset/empty */
	unsigned long long min, max;
	size_t off;		/* offset in struct pm_config */
	unsigned flags;
};

/* config_keys.c */
extern const struct cfg_key cfg_keys[];
extern const size_t cfg_nkeys;
extern const char *const cfg_onerror_names[];	/* by enum pm_on_error */

/* config_words.c: the defaults of the word lists */
extern const char cfg_default_change_verbs[];
extern const char cfg_default_object_verbs[];
extern const char cfg_default_change_objects[];
extern const char cfg_default_other_pins[];

const struct cfg_key *cfg_key_find(const char *name);
bool cfg_is_list(const struct cfg_key *k);
bool cfg_is_text(const struct cfg_key *k);

static inline void *
cfg_field(struct pm_config *cfg, const struct cfg_key *k)
{
	return (char *)cfg + k->off;
}

static inline const void *
cfg_cfield(const struct pm_config *cfg, const struct cfg_key *k)
{
	return (const char *)cfg + k->off;
}

/* What one parse reports back: a reason for the error line. */
struct cfg_why {
	char text[512];
};

/* config_check.c: each check returns 0, or -1 with a reason in WHY. */
void cfg_why_set(struct cfg_why *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Copy S into OUT (OUTSIZE bytes) printable, cut with "...". */
const char *cfg_show(const char *s, char *out, size_t outsize);
#define SHOWBUF	char showbuf[CFG_SHOW_MAX + 4]
#define SHOW(s)	cfg_show((s), showbuf, sizeof(showbuf))

int cfg_check_path(const char *v, struct cfg_why *why);
int cfg_check_database(const char *v, struct cfg_why *why);
int cfg_check_socket(const char *v, struct cfg_why *why);
int cfg_check_token(const char *v, struct cfg_why *why);
/* V as an address; its canonical form into CANON (ADDRESS_MAX + 1). */
int cfg_check_address(const char *v, char *canon, struct cfg_why *why);
int cfg_check_user(const char *v, struct cfg_why *why);
int cfg_check_command(const char *v, struct cfg_why *why);
int cfg_check_facility(const char *v, struct cfg_why *why);
int cfg_check_casetag(const char *v, struct cfg_why *why);
int cfg_check_regex(const char *v, struct cfg_why *why);
int cfg_check_word(const char *v, struct cfg_why *why);
int cfg_check_hostport(const char *v, struct cfg_why *why);
int cfg_check_lang(const char *v, struct cfg_why *why);
int cfg_check_helpdesk(const char *v, struct cfg_why *why);
/* A field name, or a prefix ending in "*" (StripHeaders). */
int cfg_check_fieldpat(const char *v, struct cfg_why *why);
/* "X-NAME TEMPLATE" (AddHeader): see config.h. */
int cfg_check_addheader(const char *v, struct cfg_why *why);

/* config_value.c */
/* Digits at *S into *OUT, at most LIMIT; advance *S.  0 ok, -1 bad. */
int cfg_parse_digits(const char **s, unsigned long long limit,
    unsigned long long *out);
/* V as the key's type shows it: "15m", "50M", "7". */
const char *cfg_format_number(enum cfg_type type, unsigned long long v,
    char *buf, size_t size);
/* Replace *FIELD by a copy of V (NULL: none). */
int cfg_set_string(char **field, const char *v, struct cfg_why *why);
void cfg_list_clear(struct pm_strlist *l);
/* Add the words of FROM to the CFG_LEXICON list TO, kept sorted.  0 ok,
 * -1 with WHY (too many values). */
int cfg_lexicon_merge(struct pm_strlist *to, const struct pm_strlist *from,
    struct cfg_why *why);
/* Parse V for key K into its field of CFG.  0 ok, -1 with WHY. */
int cfg_parse_value(const struct cfg_key *k, const char *v,
    struct pm_config *cfg, struct cfg_why *why);

#endif
