/*
 * store.h - all persistent state behind one interface.
 *
 * Every SQL statement of the project lives in src/store/; nothing outside
 * it includes an engine's header or writes SQL.  The engine sits behind
 * the backend interface of store/backend.h (SQLite today, store/sqlite.c);
 * a second engine, PostgreSQL say, implements that interface and this
 * contract holds unchanged.  One struct store is one connection: use it
 * from one thread.
 *
 * The database is opened with busy_timeout, foreign keys on (SQLite: in
 * WAL mode), and migrated to STORE_SCHEMA_VERSION on open; a newer schema
 * than this code knows is refused (STORE_TOONEW).
 *
 * Strings in the structs are bounded copies (truncation never happens for
 * valid data: the store rejects longer input with STORE_INVALID).  Times
 * are Unix seconds.  Callers pass "now" in: the store never reads a clock.
 *
 * Transactions: store_begin() is BEGIN IMMEDIATE (read-then-write, e.g.
 * failure counters): it takes the write lock at once or returns
 * STORE_BUSY after busy_timeout.  Calls made outside one run in their own
 * implicit transaction.  No PIN ever reaches the store, only salt + keyed
 * hash.
 *
 * Return values: every int function returns an enum store_rc; on any
 * code but STORE_OK, store_errmsg() holds one line saying why.  A list's
 * callback may stop it by returning non-zero: that value is returned.
 */
#ifndef PM_STORE_H
#define PM_STORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/lockout.h"
#include "core/secret.h"

#define STORE_SCHEMA_VERSION	4	/* 1: the tables; 2: case and outbox
					 * columns; 3: pending PINs, outbox
					 * alignment; 4: decisions
					 * (store/migrate.c) */

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
	STORE_ERROR,		/* anything else (I/O, corrupt); running out
				 * of memory is fatal, not an error */
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

/*
 * Is this connection no longer the database at its path?  True when the
 * file was deleted, moved or replaced (another file now has the name),
 * when it was opened for writing and can no longer be written (made
 * read-only: mode, immutable flag, a read-only mount), or when it was
 * opened read-only though writes were asked for and it can be written
 * now.  One stat(2) and one access(2).  The caller then closes it and
 * opens the path again: a connection to a deleted file would keep
 * writing decisions nobody will read.  WHY (if not NULL) gets one line.
 */
bool store_stale(const struct store *st, char *why, size_t whylen);

/* The last error of this connection, one line, for logs. */
const char *store_errmsg(const struct store *st);
/* A short constant name for a return code ("busy", "exists", ...). */
const char *store_rc_name(int rc);

int store_schema_version(struct store *st, int *version);
/*
 * Copy every row of FROM into TO, which holds no account, user, case,
 * audit row or notice (STORE_EXISTS otherwise), keeping keys, case
 * numbers and bytes, in one transaction of TO (copy.c).  N gets the rows
 * copied per table.  On failure the message is store_errmsg(TO).
 */
#define STORE_COPY_TABLES	8
struct store_copy_counts {
	const char *tables[STORE_COPY_TABLES];
	unsigned long rows[STORE_COPY_TABLES];
};
int store_copy(struct store *from, struct store *to,
    struct store_copy_counts *n);

/* Is a transaction of ST open? */
bool store_in_transaction(struct store *st);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/*
 * meta: small named blobs (names up to 63 bytes, values up to 64 KiB).
 * store_meta_get copies the value into BUF and its length into *LEN;
 * STORE_NOTFOUND if NAME is not set, STORE_INVALID (with *LEN the stored
 * length) if it does not fit in BUFSIZE.  store_meta_set adds or replaces.
 * The name "key_check" belongs to store_key_check(): use that.
 */
int store_meta_get(struct store *st, const char *name, void *buf,
    size_t bufsize, size_t *len);
int store_meta_set(struct store *st, const char *name, const void *buf,
    size_t len);

/*
 * The key check: does a key file belong to this database?  pinctl init
 * stores the key's fingerprint (secret_key_check_value(), which reveals
 * nothing about the key); pinctl and pinmilter compare it before using
 * the key, so a wrong key file is refused instead of failing every PIN.
 */
enum store_key_status {
	STORE_KEY_OK = 0,	/* KEY's fingerprint is the one stored */
	STORE_KEY_NONE,		/* no fingerprint stored yet (no pinctl init) */
	STORE_KEY_MISMATCH,	/* another key's fingerprint is stored */
	STORE_KEY_ERROR,	/* could not read it: store_errmsg() says why */
};
/* Check KEY; KEY NULL asks only whether a fingerprint is stored (then
 * STORE_KEY_MISMATCH: one is, and no key at all cannot match it).  Every
 * status but STORE_KEY_OK leaves one line in store_errmsg(). */
enum store_key_status store_key_check(struct store *st,
    const struct secret_key *key);
/* Store KEY's fingerprint when none is stored yet; STORE_EXISTS if one
 * is (a fingerprint is never replaced).  Call inside store_begin(), after
 * store_key_check() said STORE_KEY_NONE. */
int store_key_record(struct store *st, const struct secret_key *key);

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
	/* a PIN mailed on request, pending next to the current one until
	 * one of them is used or it expires (pin/auth.h) */
	bool has_pending;
	unsigned char pending_salt[SECRET_SALT_BYTES];
	unsigned char pending_hash[SECRET_HASH_BYTES];
	time_t pending_set_at;			/* when it was issued */
	time_t pending_until;			/* when it expires */
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
/* Store a new salt+hash, drop any pending PIN and clear the lockout
 * state (an administrator's PIN). */
int store_user_set_pin(struct store *st, int64_t id,
    const unsigned char salt[SECRET_SALT_BYTES],
    const unsigned char hash[SECRET_HASH_BYTES], time_t now);
/* A PIN mailed on request: the pending PIN (replacing any pending one,
 * expiring at UNTIL) when PENDING, else the current PIN (any pending one
 * dropped); the lockout state is kept either way. */
int store_user_set_mailed_pin(struct store *st, int64_t id,
    const unsigned char salt[SECRET_SALT_BYTES],
    const unsigned char hash[SECRET_HASH_BYTES], time_t now, time_t until,
    bool pending);
/* The pending PIN becomes the current one (pin_set_at: when it was
 * issued); STORE_NOTFOUND when there is none. */
int store_user_promote_pending(struct store *st, int64_t id);
/* Drop the pending PIN (none: no change, STORE_OK). */
int store_user_clear_pending(struct store *st, int64_t id);
/* Retire the user's PIN and any pending one (no PIN until one is set or
 * issued); the lockout state is kept. */
int store_user_clear_pin(struct store *st, int64_t id);
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

/*
 * Build and append one audit row: the one way the programs write the
 * audit.  AT is the time; ACTOR (who acted: never defaulted, NULL or ""
 * is STORE_INVALID), ACTION and RESULT are required; EMAIL is the subject
 * user (NULL: none) and CASE_NUMBER the case (0: none); FMT formats the
 * detail (NULL: none).  Each string is copied into its field: control
 * characters become '?', and a string too long for its field is cut on a
 * UTF-8 character boundary, so no caller text can make a row invalid or
 * span lines.  Never pass a PIN.
 */
int store_audit_record(struct store *st, time_t at, const char *actor,
    const char *action, const char *email, int64_t case_number,
    const char *result, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
int store_audit_vrecord(struct store *st, time_t at, const char *actor,
    const char *action, const char *email, int64_t case_number,
    const char *result, const char *fmt, va_list ap)
    __attribute__((format(printf, 8, 0)));
/* Append E as it is (id ignored): strings too long for their field, a
 * control character, an empty actor, action or result, or a negative
 * case number is STORE_INVALID.  store_audit_record() builds E. */
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
	/* since schema version 2 */
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

/* ---- decisions: what was decided for a message, for its repeats ---- */
#define STORE_MSGID_MAX		512
#define STORE_REASON_MAX	128

struct store_decision {
	char sender[STORE_EMAIL_MAX];		/* From address, lower case, or "" */
	char message_id[STORE_MSGID_MAX];	/* as in the field, trimmed */
	unsigned char digest[SECRET_HASH_BYTES];	/* keyed MAC of the content */
	time_t at;				/* when it was decided */
	int auth;				/* enum verdict_auth */
	int xpin;				/* enum verdict_pin */
	char reason[STORE_REASON_MAX];
	int64_t case_number;			/* 0: none */
	char account[STORE_ACCOUNT_MAX];	/* "" unless the sender is known */
};

/* The decision for (SENDER, MESSAGE_ID) made at SINCE or later;
 * STORE_NOTFOUND if none. */
int store_decision_find(struct store *st, const char *sender,
    const char *message_id, time_t since, struct store_decision *out);
/* Record D, replacing an older decision of the same key. */
int store_decision_put(struct store *st, const struct store_decision *d);
/* Forget the decisions made before BEFORE. */
int store_decision_prune(struct store *st, time_t before);

/* ---- outbox: notices queued in the decision's transaction ---- */
#define STORE_KIND_MAX		32
#define STORE_ERROR_MAX		256
#define STORE_NOTICE_MAX	(1u << 20)	/* a sealed notice, bytes */

struct store_notice {
	int64_t id;
	int64_t case_number;			/* 0: none */
	char recipient[STORE_EMAIL_MAX];
	char kind[STORE_KIND_MAX];		/* "case-created", "pin-delivery", ... */
	unsigned char *message;			/* sealed bytes (secret_seal); owned
						 * by the store on reads, NULL in
						 * lists and after sending */
	size_t message_len;
	time_t created;
	unsigned attempts;
	time_t next_try;
	time_t sent_at;				/* 0: not sent */
	bool dead;				/* gave up: OutboxMaxAttempts */
	bool aligned;				/* answers mail with a trusted DMARC
						 * pass for its From domain */
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
/*
 * Claim a due notice before it is handed to the Mailer: attempts + 1 and
 * next_try = LEASE_UNTIL, only if its attempts are still ATTEMPTS (as
 * read) and it is neither sent nor dead; STORE_NOTFOUND otherwise (another
 * process took it).  A process that dies during the send leaves it
 * counted, due again at LEASE_UNTIL.
 */
int store_outbox_claim(struct store *st, int64_t id, unsigned attempts,
    time_t lease_until);
/* Undo a claim (a send cut short by a stop): attempts - 1, next_try. */
int store_outbox_unclaim(struct store *st, int64_t id, time_t next_try);
/* Sent: set sent_at and drop the message bytes (they may hold a PIN);
 * attempts unchanged (the claim counted it). */
int store_outbox_mark_sent(struct store *st, int64_t id, time_t now);
/* Failed: next_try, last_error (NULL: none; no control characters);
 * attempts unchanged (the claim counted it); dead stops retries and drops
 * the message bytes too.  STORE_NOTFOUND for an unknown or already sent
 * notice. */
int store_outbox_mark_failed(struct store *st, int64_t id, time_t next_try,
    const char *error, bool dead);
/* Cancel every notice still queued to RECIPIENT (an address changed or
 * removed): dead, bytes dropped, last_error REASON; *COUNT how many. */
int store_outbox_cancel(struct store *st, const char *recipient,
    const char *reason, unsigned *count);
/* Every notice, newest first, without message bytes (pinctl outbox list). */
int store_outbox_list(struct store *st, store_notice_cb cb, void *arg);
/* Notices to RECIPIENT (any case) created since SINCE, for daily caps;
 * KIND NULL: of any kind. */
int store_outbox_count(struct store *st, const char *recipient,
    const char *kind, time_t since, unsigned *count);
/* The same notices: the creation time of the newest in *AT, 0 when none
 * (when was a PIN last mailed). */
int store_outbox_newest(struct store *st, const char *recipient,
    const char *kind, time_t since, time_t *at);
/* The notices of one budget class: to RECIPIENT, created since SINCE,
 * whose aligned flag is ALIGNED, of KIND (NULL: any) and not of EXCEPT
 * (NULL: none left out); their number and the newest's creation time (0:
 * none). */
int store_outbox_count_class(struct store *st, const char *recipient,
    bool aligned, const char *kind, const char *except, time_t since,
    unsigned *count, time_t *newest);

/*
 * What the milter did since SINCE (pinctl stats): messages by the result
 * of their PIN check (the audit's "message" rows, none, policy,
 * temperror, and its email "pin.verify" rows, pass, fail, locked...), verifications and wrong PINs on every channel,
 * lockouts (a verification that locked the user), lost-PIN requests
 * answered (a PIN delivery or a pin-recently-sent notice, queued or
 * skipped), notices queued, sent and given up, notices refused (daily
 * cap, automatic mail), cases opened; and now: the outbox backlog and
 * its oldest notice.
 */
#define STORE_STATS_RESULTS	16

struct store_stats_result {
	char name[32];
	int64_t n;
};

struct store_stats {
	time_t since;
	int64_t messages;
	struct store_stats_result results[STORE_STATS_RESULTS];
	size_t nresults;
	int64_t verifications, wrong_pins, lockouts, lost_pin;
	int64_t notices_queued, notices_sent, notices_dead, notices_skipped;
	int64_t backlog;
	time_t oldest_queued;		/* 0: none queued */
	int64_t cases_opened;
};

int store_stats(struct store *st, time_t since, struct store_stats *s);

#endif
