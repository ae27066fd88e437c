/*
 * ctl.h - pinctl internals: the command table, the per-run context and
 * the helpers shared by the command groups (ctl_*.c).
 *
 * Each command is one row {group, verb, handler, min/max positional
 * arguments, allowed options, what it needs opened, usage line}.
 * pinctl.c parses the global options, finds the row, parses the
 * command's options (getopt_long, options before or after positional
 * arguments), opens what the row asks for and calls the handler.  A
 * handler returns the exit status (CTL_EXIT_*).
 *
 * Diagnostics: every failure is one line on stderr, "pinctl: ...",
 * written by ctl_err() or ctl_store_err(); no PIN ever reaches one.
 */
#ifndef PM_CTL_H
#define PM_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "core/config.h"
#include "core/lockout.h"
#include "core/secret.h"
#include "store/store.h"

/* Exit statuses (pinctl(8) EXIT STATUS). */
enum {
	CTL_EXIT_OK = 0,
	CTL_EXIT_REFUSED = 1,	/* refused on its merits */
	CTL_EXIT_USAGE = 2,	/* usage, config, key file, database error */
	CTL_EXIT_LOCKED = 3,	/* pin verify: user locked */
	CTL_EXIT_NOUSER = 4,	/* pin verify: unknown user */
};

/* Command options (bit set of what a command accepts). */
enum {
	CTL_OPT_ACCOUNT = 1 << 0,
	CTL_OPT_ROLE = 1 << 1,
	CTL_OPT_NAME = 1 << 2,
	CTL_OPT_APPROVED_BY = 1 << 3,
	CTL_OPT_JSON = 1 << 4,
	CTL_OPT_PRINT = 1 << 5,
	CTL_OPT_SEND = 1 << 6,
	CTL_OPT_USER = 1 << 7,
	CTL_OPT_CASE = 1 << 8,
	CTL_OPT_SINCE = 1 << 9,
	CTL_OPT_PROMETHEUS = 1 << 10,
	CTL_OPT_FROM = 1 << 11,
	CTL_OPT_TO = 1 << 12,
};

/* What the command needs before its handler runs. */
enum {
	CTL_NEED_NOTHING = 0,
	CTL_NEED_STORE = 1 << 0,	/* open the database read-write */
	CTL_NEED_STORE_RO = 1 << 1,	/* open the database read-only */
	CTL_NEED_KEY = 1 << 2,		/* load and check the key file */
};

#define CTL_MAX_ARGS	4
#define CTL_PIN_LINE	64	/* longest PIN input line read */

struct ctl;
typedef int (*ctl_handler)(struct ctl *);

struct ctl_command {
	const char *group;
	const char *verb;		/* NULL: a one-word command */
	ctl_handler run;
	int min_args;
	int max_args;
	unsigned opts;			/* CTL_OPT_* accepted */
	unsigned need;			/* CTL_NEED_* */
	const char *usage;		/* arguments after the command words */
};

struct ctl {
	const char *config_path;
	const struct ctl_command *cmd;
	char what[64];			/* "user add": prefix of diagnostics */

	struct pm_config *cfg;
	struct store *st;
	struct secret_key *key;
	char actor[STORE_ACTOR_MAX];
	time_t now;

	/* positional arguments and options */
	const char *args[CTL_MAX_ARGS];
	int nargs;
	unsigned given;			/* CTL_OPT_* seen */
	const char *account;
	const char *role;
	const char *name;
	const char *approved_by;
	const char *user;
	const char *case_arg;
	const char *since;
	const char *from;		/* db copy */
	const char *to;
};

/* ---- ctl_common.c ---- */
void ctl_err(const struct ctl *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Report a store failure; returns the exit status it maps to. */
int ctl_store_err(const struct ctl *c, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Exit status for a store rc: merits (1) or environment (2). */
int ctl_store_exit(int rc);

int ctl_open_store(struct ctl *c, int flags);
int ctl_open_key(struct ctl *c);
int ctl_check_key(struct ctl *c);
void ctl_set_actor(struct ctl *c);
int ctl_audit(struct ctl *c, const char *action, const char *email,
    const char *result, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* An address as pinctl keeps it: plain, canonical (util/address.h). */
bool ctl_email_canonical(const char *email, char out[STORE_EMAIL_MAX]);
bool ctl_email_valid(const char *email);
/* store_user_find() by an address as typed: by its canonical form when
 * it is a valid one, else as it is (the store then finds nobody). */
int ctl_user_find(struct ctl *c, const char *email, struct store_user *u);
bool ctl_account_valid(const char *s);
bool ctl_name_valid(const char *s);
int ctl_role_parse(const char *s, enum store_role *out);
const char *ctl_role_name(enum store_role r);

/* UTC ISO 8601 time into buf[32]; "-" for 0. */
#define CTL_TIME_BUF	32
const char *ctl_time(time_t t, char buf[CTL_TIME_BUF]);
/* "2026-11-29", "2026-11-29T10:00:00Z", "30m", "12h", "7d": 0 ok, -1 bad. */
int ctl_parse_since(const char *s, time_t now, time_t *out);
/* A positive decimal integer: 0 ok, -1 bad. */
int ctl_parse_number(const char *s, int64_t *out);

/* Read a PIN line from stdin (no echo on a tty) into pin[PIN_BUF]. */
int ctl_read_pin(struct ctl *c, char pin[PIN_BUF]);

/*
 * Queue notice KIND (notice.h) to TO about user U, inside the current
 * transaction; PIN for a pin-delivery, OLD/NEW for email-changed (else
 * NULL).  Without templates: an error when REQUIRED, else a warning and
 * CTL_EXIT_OK.  Returns a CTL_EXIT_* code, after ctl_err on failure.
 */
int ctl_notice(struct ctl *c, const char *kind, const struct store_user *u,
    const char *to, const char *pin, const char *old_email,
    const char *new_email, bool required);

/* Print a json-c value on stdout and drop it. */
void ctl_json_print(json_object *o);

/*
 * JSON values.  json-c returns NULL when it cannot allocate; these never
 * do (util/xalloc.h).  A NULL value given to ctl_json_set() or
 * ctl_json_append() is JSON null, on purpose.
 */
json_object *ctl_json_object(void);
json_object *ctl_json_array(void);
json_object *ctl_json_str(const char *s);
json_object *ctl_json_int(int64_t v);
json_object *ctl_json_bool(bool v);
json_object *ctl_json_time(time_t t);		/* 0: NULL (null) */
void ctl_json_set(json_object *o, const char *key, json_object *v);
void ctl_json_append(json_object *a, json_object *v);

/* Aligned text tables. */
struct ctl_table;
struct ctl_table *ctl_table_new(unsigned ncols, const char *const *header);
void ctl_table_add(struct ctl_table *t, const char *const *cells);
void ctl_table_print(struct ctl_table *t);
void ctl_table_free(struct ctl_table *t);

/*
 * A listing: with --json a JSON array, else a table with NCOLS columns
 * under HEADER.  The store's row callback fills whichever is set.
 * ctl_list_done() prints it if RC is STORE_OK, else reports
 * "DOING: what the store said"; it frees the listing and returns the
 * exit status.
 */
struct ctl_list {
	struct ctl_table *table;
	json_object *array;
};
void ctl_list_init(const struct ctl *c, struct ctl_list *l, unsigned ncols,
    const char *const *header);
int ctl_list_done(const struct ctl *c, struct ctl_list *l, int rc,
    const char *doing);

/* ---- handlers ---- */
int ctl_init(struct ctl *);
int ctl_account_add(struct ctl *);
int ctl_account_list(struct ctl *);
int ctl_user_add(struct ctl *);
int ctl_user_list(struct ctl *);
int ctl_user_show(struct ctl *);
int ctl_user_set_email(struct ctl *);
int ctl_user_remove(struct ctl *);
int ctl_user_admins(struct ctl *);
int ctl_stats(struct ctl *);
int ctl_pin_set(struct ctl *);
int ctl_pin_issue(struct ctl *);
int ctl_pin_verify(struct ctl *);
int ctl_unlock(struct ctl *);
int ctl_import(struct ctl *);
/* ---- ctl_db.c ---- */
int ctl_db_copy(struct ctl *);
int ctl_audit_list(struct ctl *);
int ctl_case_list(struct ctl *);
int ctl_case_show(struct ctl *);
int ctl_case_authenticate(struct ctl *);
int ctl_outbox_list(struct ctl *);

/* ctl_account.c: find an account by name, ignoring case; a store_rc. */
int ctl_account_lookup(struct ctl *c, const char *name,
    struct store_account *out);

/* ctl_user.c: user rows as JSON / table cells, shared with ctl_pin.c */
json_object *ctl_user_json(const struct store_user *u, time_t now);
/* Find EMAIL or report "unknown user"; returns an exit status. */
int ctl_user_get(struct ctl *c, const char *email, struct store_user *u);

#endif
