/*
 * store.h - all persistent state behind one interface (SQLite today).
 *
 * Every SQL statement of the project lives in store.c; nothing else
 * includes sqlite3.h, so a PostgreSQL store can later implement this same
 * header.  One struct store is one connection: use it from one thread.
 *
 * The database is opened in WAL mode with busy_timeout, foreign keys on,
 * and migrated to STORE_SCHEMA_VERSION (PRAGMA user_version) on open; a
 * newer schema than this code knows is refused (STORE_TOONEW).
 *
 * Strings in the structs are bounded copies (truncation never happens for
 * valid data: the store rejects longer input with STORE_INVALID).  Times
 * are Unix seconds.  Callers pass "now" in: the store never reads a clock.
 *
 * Transactions: store_begin() is BEGIN IMMEDIATE (read-then-write, e.g.
 * failure counters); calls made outside one run in their own implicit
 * transaction.  No PIN ever reaches the store, only salt + keyed hash.
 */
#ifndef PM_STORE_H
#define PM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/lockout.h"
#include "core/secret.h"

#define STORE_SCHEMA_VERSION	2	/* 2: cases and outbox (issue 4) */

#define STORE_EMAIL_MAX		256	/* RFC 5321 path limit incl. NUL */
#define STORE_NAME_MAX		256
#define STORE_ACCOUNT_MAX	128
#define STORE_ACTOR_MAX		128
#define STORE_ACTION_MAX	32
#define STORE_RESULT_MAX	32
#define STORE_DETAIL_MAX	512

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND,		/* no such row */
	STORE_EXISTS,		/* unique constraint: duplicate */
	STORE_CONSTRAINT,	/* other constraint (foreign key, check) */
	STORE_INVALID,		/* argument too long or malformed */
	STORE_BUSY,		/* locked past busy_timeout */
	STORE_READONLY,		/* read-only file or directory */
	STORE_TOONEW,		/* schema newer than this code */
	STORE_ERROR,		/* anything else (I/O, corrupt, ENOMEM) */
};

/* open flags */
#define STORE_OPEN_CREATE	0x1	/* create a missing file (pinctl init) */
#define STORE_OPEN_READONLY	0x2	/* never write (no migration either) */

struct store;

/*
 * Open PATH.  busy_ms is the busy_timeout.  A missing file without
 * STORE_OPEN_CREATE is an error.  On failure *out is NULL and err holds
 * one line; the return value says why.
 */
int store_open(const char *path, unsigned busy_ms, int flags,
    struct store **out, char *err, size_t errlen);
void store_close(struct store *st);

/* The last error of this connection, one line, for logs. */
const char *store_errmsg(const struct store *st);
/* A short constant name for a return code ("busy", "exists", ...). */
const char *store_rc_name(int rc);

int store_schema_version(struct store *st, int *version);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* meta: small named blobs (e.g. "key_check", the key fingerprint). */
int store_meta_get(struct store *st, const char *name, void *buf,
    size_t bufsize, size_t *len);
int store_meta_set(struct store *st, const char *name, const void *buf,
    size_t len);

/* ---- accounts ---- */
struct store_account {
	int64_t id;
	char name[STORE_ACCOUNT_MAX];
	time_t created;
	unsigned users;			/* number of users (list/find fill it) */
};
typedef int (*store_account_cb)(const struct store_account *a, void *arg);

int store_account_add(struct store *st, const char *name, time_t now,
    int64_t *id);
int store_account_find(struct store *st, const char *name,
    struct store_account *out);
/* Calls cb for each account by name; a non-zero cb return stops and is returned. */
int store_account_list(struct store *st, store_account_cb cb, void *arg);

/* ---- users ---- */
enum store_role { STORE_ROLE_USER = 0, STORE_ROLE_ADMIN = 1 };

struct store_user {
	int64_t id;
	int64_t account_id;
	char account[STORE_ACCOUNT_MAX];	/* account name (filled by reads) */
	char email[STORE_EMAIL_MAX];
	char name[STORE_NAME_MAX];		/* display name, may be "" */
	enum store_role role;
	bool has_pin;
	unsigned char pin_salt[SECRET_SALT_BYTES];
	unsigned char pin_hash[SECRET_HASH_BYTES];
	time_t pin_set_at;			/* 0: never */
	struct lockout_state lock;
	time_t created;
};
typedef int (*store_user_cb)(const struct store_user *u, void *arg);

/* Add a user: email, account_id, name, role are read from U. */
int store_user_add(struct store *st, const struct store_user *u, time_t now,
    int64_t *id);
/* Find by email, case-insensitively (ASCII). */
int store_user_find(struct store *st, const char *email,
    struct store_user *out);
int store_user_find_id(struct store *st, int64_t id, struct store_user *out);
/* All users (account NULL) or one account's, ordered by account, email. */
int store_user_list(struct store *st, const char *account, store_user_cb cb,
    void *arg);
/* The admins of an account, ordered by email. */
int store_user_list_admins(struct store *st, int64_t account_id,
    store_user_cb cb, void *arg);
int store_user_set_email(struct store *st, int64_t id, const char *email);
int store_user_remove(struct store *st, int64_t id);
/* Store a new salt+hash and clear the lockout state. */
int store_user_set_pin(struct store *st, int64_t id,
    const unsigned char salt[SECRET_SALT_BYTES],
    const unsigned char hash[SECRET_HASH_BYTES], time_t now);
int store_user_set_lockout(struct store *st, int64_t id,
    const struct lockout_state *lock);

/* ---- audit: every verification and admin action; never a PIN ---- */
struct store_audit {
	int64_t id;
	time_t at;
	char actor[STORE_ACTOR_MAX];	/* "pinmilter", "pinctl:alice", ... */
	char action[STORE_ACTION_MAX];	/* "pin.verify", "user.add", ... */
	char email[STORE_EMAIL_MAX];	/* subject user, may be "" */
	int64_t case_number;		/* 0: none */
	char result[STORE_RESULT_MAX];	/* "ok", "pass", "fail", "locked", ... */
	char detail[STORE_DETAIL_MAX];	/* free text, e.g. "approved-by=x@y" */
};
struct store_audit_filter {
	const char *email;		/* NULL: any */
	int64_t case_number;		/* 0: any */
	time_t since;			/* 0: any */
};
typedef int (*store_audit_cb)(const struct store_audit *a, void *arg);

/* Append a row; e->id and e->at as given (at must be set by the caller). */
int store_audit_add(struct store *st, const struct store_audit *e);
/* Matching rows, oldest first. */
int store_audit_list(struct store *st, const struct store_audit_filter *f,
    store_audit_cb cb, void *arg);

/* ---- cases (filled by the case processor; read by pinctl) ---- */
enum store_case_state {
	STORE_CASE_OPEN = 0,
	STORE_CASE_VERIFICATION_REQUESTED = 1,
	STORE_CASE_AUTHENTICATED = 2,
};
struct store_case {
	int64_t number;
	int64_t account_id;		/* 0: unknown sender */
	int64_t user_id;		/* 0: unknown sender */
	char account[STORE_ACCOUNT_MAX];
	char email[STORE_EMAIL_MAX];	/* sender address as seen */
	char subject[STORE_DETAIL_MAX];
	enum store_case_state state;
	time_t opened;
	time_t authenticated_at;	/* 0: not authenticated */
	char authenticated_by[STORE_ACTOR_MAX];
	/* schema 2 (issue 4) */
	char external_ref[STORE_ACCOUNT_MAX];	/* CaseRefPattern mode, "" */
	time_t verification_requested_at;	/* 0: none sent */
};
typedef int (*store_case_cb)(const struct store_case *c, void *arg);

int store_case_find(struct store *st, int64_t number, struct store_case *out);
int store_case_list(struct store *st, store_case_cb cb, void *arg);

/*
 * Open a case: account_id, user_id (0: unknown), email, subject and
 * external_ref are read from C; the number is the next after the
 * highest so far, or START for the first (numbers are never reused).
 * Call inside store_begin() so two threads cannot take the same number.
 * A string that fills its field (no NUL) or holds a control character
 * (a tab left by unfolding a Subject included) is STORE_INVALID.
 */
int store_case_open(struct store *st, const struct store_case *c,
    int64_t start, time_t now, int64_t *number);
/* The newest case carrying external reference REF (CaseRefPattern) of
 * account ACCOUNT_ID (0: of any account).  Per account, so that a
 * stranger's case with the same reference cannot hide a customer's. */
int store_case_find_external(struct store *st, const char *ref,
    int64_t account_id, struct store_case *out);
/* Mark authenticated (state, when, by whom); an authenticated case stays
 * so: a second call changes nothing and returns STORE_OK. */
int store_case_authenticate(struct store *st, int64_t number,
    const char *by, time_t now);
/* Record that a verification request was queued (state, time). */
int store_case_verification_requested(struct store *st, int64_t number,
    time_t now);

/* Message-IDs seen (direction "in") or sent ("out") on a case; adding
 * the same one again is a no-op.  Matching is exact (bytes). */
int store_case_message_add(struct store *st, int64_t number,
    const char *message_id, const char *direction, time_t now);
/* The case of a Message-ID we recorded (the latest recorded if on
 * several), STORE_NOTFOUND if none. */
int store_case_by_message_id(struct store *st, const char *message_id,
    int64_t *number);

/* ---- outbox: notices queued in the decision's transaction ---- */
#define STORE_KIND_MAX		32
#define STORE_ERROR_MAX		256
#define STORE_NOTICE_MAX	(1u << 20)	/* a sealed notice, bytes */

struct store_notice {
	int64_t id;
	int64_t case_number;			/* 0: none */
	char recipient[STORE_EMAIL_MAX];
	char kind[STORE_KIND_MAX];		/* "case-created", "pin-delivery", ... */
	unsigned char *message;			/* sealed bytes (secret_seal); malloc'd
						 * by reads, NULL after sending */
	size_t message_len;
	time_t created;
	unsigned attempts;
	time_t next_try;
	time_t sent_at;				/* 0: not sent */
	bool dead;				/* gave up: OutboxMaxAttempts */
	char last_error[STORE_ERROR_MAX];
};
typedef int (*store_notice_cb)(const struct store_notice *n, void *arg);

/* Queue a notice (id, attempts, sent_at ignored; next_try as given). */
int store_outbox_add(struct store *st, const struct store_notice *n,
    int64_t *id);
/* Due notices (not sent, not dead, next_try <= now), oldest first, at
 * most LIMIT (1..1000; 0: none); the message bytes are passed to cb and
 * freed after it.  The rows are read before the first cb, so cb may
 * mark them; a non-zero cb return stops and is returned. */
int store_outbox_due(struct store *st, time_t now, unsigned limit,
    store_notice_cb cb, void *arg);
/* Sent: set sent_at and drop the message bytes (they may hold a PIN). */
int store_outbox_mark_sent(struct store *st, int64_t id, time_t now);
/* Failed once more: attempts+1, next_try, last_error (NULL: none; no
 * control characters); dead stops retries and drops the message bytes
 * too.  STORE_NOTFOUND for an unknown or already sent notice. */
int store_outbox_mark_failed(struct store *st, int64_t id, time_t next_try,
    const char *error, bool dead);
/* Every notice, newest first, without message bytes (pinctl outbox list). */
int store_outbox_list(struct store *st, store_notice_cb cb, void *arg);
/* Notices to RECIPIENT (any case) created since SINCE, for daily caps;
 * KIND NULL: of any kind. */
int store_outbox_count(struct store *st, const char *recipient,
    const char *kind, time_t since, unsigned *count);

#endif
