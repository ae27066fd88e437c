/*
 * test_store.c - the SQLite store against real files in a private
 * directory: open/create/migrate/refuse, constraints and input checks,
 * lists and callbacks, audit filters, meta, PIN and lockout columns,
 * busy and read-only databases, rollbacks.  The test opens the files
 * with SQLite directly to build old, newer and foreign schemas and to
 * hold the write lock from a second connection.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static int
file_exists(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0;
}

static struct store *
open_ok(const char *path, unsigned busy, int flags, const char *what)
{
	struct store *st = NULL;
	char err[512] = "";
	int rc = store_open(path, busy, flags, &st, err, sizeof(err));

	is_int(rc, STORE_OK, "open %s", what);
	if (rc != STORE_OK)
		printf("#   %s\n", err);
	return st;
}

/* ---- open, create, migrate ---- */

static void
test_open(void)
{
	struct store *st = NULL;
	char err[512], want[512];
	int rc, v = -1;

	rc = store_open(tpath("missing.db"), 100, 0, &st, err, sizeof(err));
	is_int(rc, STORE_NOTFOUND, "missing file without CREATE");
	(void)snprintf(want, sizeof(want),
	    "database %s does not exist (run pinctl init)", tpath("missing.db"));
	is_str(err, want, "missing file: message");
	ok(st == NULL && !file_exists(tpath("missing.db")),
	    "missing file: not created");

	st = open_ok(tpath("a.db"), 100, STORE_OPEN_CREATE, "create");
	is_int(store_schema_version(st, &v), STORE_OK, "schema version read");
	is_int(v, STORE_SCHEMA_VERSION, "schema version is current");
	is_str(store_errmsg(st), "", "no error after open");
	store_close(st);
	is_str(raw_query(tpath("a.db"), "PRAGMA journal_mode"), "wal",
	    "journal mode is WAL");
	is_str(raw_query(tpath("a.db"), "SELECT group_concat(name, ',') FROM "
	    "(SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)"),
	    "accounts,audit,case_messages,case_sequence,cases,decisions,meta,"
	    "outbox,users", "schema v4 tables");

	st = open_ok(tpath("a.db"), 100, 0, "reopen without CREATE");
	v = -1;
	is_int(store_schema_version(st, &v), STORE_OK, "reopen: version read");
	is_int(v, STORE_SCHEMA_VERSION, "reopen: version unchanged");
	store_close(st);
	store_close(NULL);

	rc = store_open("", 100, STORE_OPEN_CREATE, &st, err, sizeof(err));
	is_int(rc, STORE_INVALID, "empty path refused");

	ok(raw_exec(tpath("text.db"), "") == 0, "make an empty file");
	{
		FILE *fp = fopen(tpath("notdb"), "w");

		ok(fp != NULL && fputs("this is not a database, just some "
		    "text that is long enough to have a header.......\n"
		    "more text more text more text more text more text\n",
		    fp) >= 0 && fclose(fp) == 0, "write a text file");
	}
	rc = store_open(tpath("notdb"), 100, 0, &st, err, sizeof(err));
	is_int(rc, STORE_ERROR, "text file refused");
	ok(strstr(err, "file is not a database") != NULL,
	    "text file: message \"%s\"", err);
	ok(st == NULL, "text file: no handle");
}

static void
test_migrate(void)
{
	struct store *st = NULL;
	char err[512], want[512];
	int fd, rc, v = -1;

	/* A zero-byte file is an empty version-0 database. */
	fd = open(tpath("empty.db"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	ok(fd >= 0 && close(fd) == 0, "zero-byte file made");
	st = open_ok(tpath("empty.db"), 100, 0, "zero-byte file migrates");
	is_int(store_schema_version(st, &v), STORE_OK, "migrated: version read");
	is_int(v, STORE_SCHEMA_VERSION, "zero-byte file: migrated to current");
	store_close(st);

	/* A version-0 database made by SQLite, tables gone: v0 -> v4. */
	ok(raw_exec(tpath("v0.db"), "PRAGMA user_version = 0;"
	    "CREATE TABLE t (x); DROP TABLE t;") == 0, "v0 database made");
	is_str(raw_query(tpath("v0.db"), "PRAGMA user_version"), "0",
	    "v0 before open");
	st = open_ok(tpath("v0.db"), 100, 0, "v0 migrates");
	store_close(st);
	is_str(raw_query(tpath("v0.db"), "PRAGMA user_version"), "4",
	    "v0 -> v4: user_version");
	is_str(raw_query(tpath("v0.db"), "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table'"), "9", "v0 -> v4: nine tables");

	/* A version-0 file with someone else's tables: refused, untouched. */
	ok(raw_exec(tpath("foreign.db"), "CREATE TABLE accounts (x);") == 0,
	    "foreign database made");
	rc = store_open(tpath("foreign.db"), 100, 0, &st, err, sizeof(err));
	is_int(rc, STORE_ERROR, "foreign database refused");
	(void)snprintf(want, sizeof(want), "database %s is not a pinmilter "
	    "database (schema version 0 but it holds tables)",
	    tpath("foreign.db"));
	is_str(err, want, "foreign database: message");
	is_str(raw_query(tpath("foreign.db"), "SELECT group_concat(name) FROM "
	    "sqlite_schema"), "accounts", "foreign database: nothing written");
	is_str(raw_query(tpath("foreign.db"), "PRAGMA user_version"), "0",
	    "foreign database: version untouched");

	/* Newer than this code: refused with a clear message. */
	ok(raw_exec(tpath("new.db"), "PRAGMA user_version = 5;") == 0,
	    "v5 database made");
	rc = store_open(tpath("new.db"), 100, 0, &st, err, sizeof(err));
	is_int(rc, STORE_TOONEW, "newer schema refused");
	is_str(err, "database schema version 5 is newer than this pinmilter "
	    "(4); upgrade pinmilter", "newer schema: message");
	ok(st == NULL, "newer schema: no handle");
	rc = store_open(tpath("new.db"), 100, STORE_OPEN_READONLY, &st, err,
	    sizeof(err));
	is_int(rc, STORE_TOONEW, "newer schema refused read-only too");

	/* Read-only open never migrates. */
	ok(raw_exec(tpath("v0ro.db"), "PRAGMA user_version = 0;"
	    "CREATE TABLE t (x); DROP TABLE t;") == 0, "v0 database made");
	rc = store_open(tpath("v0ro.db"), 100, STORE_OPEN_READONLY, &st, err,
	    sizeof(err));
	is_int(rc, STORE_READONLY, "read-only open of an old schema refused");
	is_str(err, "database schema version 0 is older than this pinmilter "
	    "(4) and the database is read-only", "read-only old schema: message");
	is_str(raw_query(tpath("v0ro.db"), "PRAGMA user_version"), "0",
	    "read-only: not migrated");
}

/* ---- schema 1 -> 2 ---- */

/* The schema as version 1 made it (frozen here: never edit), and rows. */
static const char v1_schema[] =
"CREATE TABLE meta (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);"
"CREATE TABLE accounts (id INTEGER PRIMARY KEY,"
"  name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),"
"  created INTEGER NOT NULL);"
"CREATE TABLE users (id INTEGER PRIMARY KEY,"
"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,"
"  email TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (instr(email, '@') > 0),"
"  name TEXT NOT NULL DEFAULT '',"
"  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),"
"  pin_salt BLOB CHECK (pin_salt IS NULL OR"
"    (typeof(pin_salt) = 'blob' AND length(pin_salt) = 16)),"
"  pin_hash BLOB CHECK (pin_hash IS NULL OR"
"    (typeof(pin_hash) = 'blob' AND length(pin_hash) = 32)),"
"  pin_set_at INTEGER NOT NULL DEFAULT 0,"
"  failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),"
"  window_start INTEGER NOT NULL DEFAULT 0,"
"  locked_until INTEGER NOT NULL DEFAULT 0,"
"  created INTEGER NOT NULL,"
"  CHECK ((pin_salt IS NULL) = (pin_hash IS NULL)));"
"CREATE INDEX users_account ON users(account_id);"
"CREATE TABLE cases (number INTEGER PRIMARY KEY,"
"  account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
"  email TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',"
"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN"
"    ('open', 'verification-requested', 'authenticated')),"
"  opened INTEGER NOT NULL,"
"  authenticated_at INTEGER NOT NULL DEFAULT 0,"
"  authenticated_by TEXT NOT NULL DEFAULT '',"
"  external_ref TEXT);"
"CREATE INDEX cases_user ON cases(user_id);"
"CREATE TABLE case_messages (id INTEGER PRIMARY KEY,"
"  case_number INTEGER NOT NULL REFERENCES cases(number) ON DELETE CASCADE,"
"  message_id TEXT NOT NULL,"
"  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
"  at INTEGER NOT NULL);"
"CREATE INDEX case_messages_message_id ON case_messages(message_id);"
"CREATE INDEX case_messages_case ON case_messages(case_number);"
"CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
"  actor TEXT NOT NULL, action TEXT NOT NULL,"
"  email TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
"  case_number INTEGER NOT NULL DEFAULT 0, result TEXT NOT NULL,"
"  detail TEXT NOT NULL DEFAULT '');"
"CREATE INDEX audit_email ON audit(email, at);"
"CREATE INDEX audit_at ON audit(at);"
"CREATE INDEX audit_case ON audit(case_number) WHERE case_number <> 0;"
"CREATE TABLE outbox (id INTEGER PRIMARY KEY,"
"  case_number INTEGER REFERENCES cases(number) ON DELETE SET NULL,"
"  recipient TEXT NOT NULL, kind TEXT NOT NULL, message BLOB NOT NULL,"
"  created INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
"  next_try INTEGER NOT NULL, sent_at INTEGER, last_error TEXT);"
"CREATE INDEX outbox_due ON outbox(next_try) WHERE sent_at IS NULL;"
"INSERT INTO meta VALUES ('key_check', x'0102');"
"INSERT INTO accounts VALUES (7, 'acme', 10);"
"INSERT INTO users (id, account_id, email, role, created)"
"  VALUES (3, 7, 'ann@acme.example', 'admin', 11);"
"INSERT INTO cases (number, account_id, user_id, email, subject, state,"
"  opened, authenticated_at, authenticated_by, external_ref)"
"  VALUES (100005, 7, 3, 'ann@acme.example', 'help', 'authenticated', 20,"
"  21, 'pin', 'TKT-9');"
"INSERT INTO cases (number, email, opened) VALUES (100002, 'x@y.example', 19);"
"INSERT INTO case_messages (case_number, message_id, direction, at)"
"  VALUES (100005, '<m1@acme.example>', 'in', 20);"
"INSERT INTO audit (at, actor, action, result) VALUES (12, 'pinctl:root',"
"  'init', 'ok');"
"INSERT INTO outbox (id, case_number, recipient, kind, message, created,"
"  attempts, next_try, sent_at, last_error) VALUES"
"  (4, 100005, 'Ann@Acme.example', 'case-created', x'cafe', 22, 2, 30,"
"  NULL, 'relay down'),"
"  (5, NULL, 'x@y.example', 'pin-delivery', x'beef', 23, 0, 23, 24, NULL);"
"PRAGMA user_version = 1;";

static void
test_migrate_v1(void)
{
	struct store *st = NULL;
	struct store_case c;
	struct store_user u;
	char err[512];
	int64_t n = 0;
	int rc, v = -1;

	ok(raw_exec(tpath("v1.db"), v1_schema) == 0, "v1 database made");
	ok(raw_exec(tpath("v1bad.db"), v1_schema) == 0 && raw_exec(
	    tpath("v1bad.db"), "CREATE TABLE outbox_v2 (x);") == 0,
	    "v1 database that cannot migrate made");

	/* Read-only: refused, untouched. */
	rc = store_open(tpath("v1.db"), 100, STORE_OPEN_READONLY, &st, err,
	    sizeof(err));
	is_int(rc, STORE_READONLY, "v1 read-only: refused");
	is_str(raw_query(tpath("v1.db"), "PRAGMA user_version"), "1",
	    "v1 read-only: not migrated");

	/* A failing migration leaves version 1 and every table as it was. */
	rc = store_open(tpath("v1bad.db"), 100, 0, &st, err, sizeof(err));
	is_int(rc, STORE_ERROR, "v1 with a clashing table: refused");
	ok(strstr(err, "migration: table outbox_v2 already exists") != NULL,
	    "v1 failed migration: message \"%s\"", err);
	is_str(raw_query(tpath("v1bad.db"), "PRAGMA user_version"), "1",
	    "v1 failed migration: version 1");
	is_str(raw_query(tpath("v1bad.db"), "SELECT count(*) FROM "
	    "pragma_table_info('cases') WHERE name = "
	    "'verification_requested_at'"), "0",
	    "v1 failed migration: cases untouched");
	is_str(raw_query(tpath("v1bad.db"), "SELECT count(*) FROM outbox"),
	    "2", "v1 failed migration: outbox kept");

	st = open_ok(tpath("v1.db"), 100, 0, "v1 migrates");
	if (st == NULL)
		return;
	is_int(store_schema_version(st, &v), STORE_OK, "v1 -> v2: version read");
	is_int(v, 4, "v1 -> v4: version 4");
	is_int(store_user_find(st, "ann@acme.example", &u), STORE_OK,
	    "v1 -> v2: user kept");
	ok(!u.has_pending && u.pending_until == 0 && u.pending_set_at == 0,
	    "v1 -> v3: no pending PIN");
	is_int(u.role, STORE_ROLE_ADMIN, "v1 -> v2: role kept");
	is_int(store_case_find(st, 100005, &c), STORE_OK, "v1 -> v2: case kept");
	is_str(c.account, "acme", "v1 -> v2: case account");
	is_str(c.authenticated_by, "pin", "v1 -> v2: case authenticated-by");
	is_str(c.external_ref, "TKT-9", "v1 -> v2: external ref");
	is_int(c.verification_requested_at, 0,
	    "v1 -> v2: verification_requested_at 0");
	is_int(store_case_find_external(st, "TKT-9", 0, &c), STORE_OK,
	    "v1 -> v2: found by external ref");
	is_int(c.number, 100005, "v1 -> v2: external ref case");
	is_int(store_case_by_message_id(st, "<m1@acme.example>", &n), STORE_OK,
	    "v1 -> v2: message-id kept");
	is_int(n, 100005, "v1 -> v2: message-id case");
	is_int(store_case_open(st, &(struct store_case){ .email = "z@z.example" },
	    100000, 40, &n), STORE_OK, "v1 -> v2: open a case");
	is_int(n, 100006, "v1 -> v2: numbering continues after the highest");
	store_close(st);

	is_str(raw_query(tpath("v1.db"), "SELECT group_concat(id || ':' || "
	    "coalesce(case_number, '-') || ':' || recipient || ':' || kind || "
	    "':' || coalesce(hex(message), '-') || ':' || created || ':' || "
	    "attempts || ':' || next_try || ':' || coalesce(sent_at, '-') || "
	    "':' || coalesce(last_error, '-') || ':' || dead, ' ') FROM "
	    "(SELECT * FROM outbox ORDER BY id)"),
	    "4:100005:Ann@Acme.example:case-created:CAFE:22:2:30:-:relay down:0 "
	    "5:-:x@y.example:pin-delivery:BEEF:23:0:23:24:-:0",
	    "v1 -> v2: outbox rows copied");
	is_str(raw_query(tpath("v1.db"), "SELECT group_concat(name, ',') FROM "
	    "(SELECT name FROM sqlite_schema WHERE type = 'index' AND "
	    "name NOT LIKE 'sqlite_%' ORDER BY name)"),
	    "audit_at,audit_case,audit_email,case_messages_case,"
	    "case_messages_message_id,cases_external_ref,cases_user,decisions_at,"
	    "outbox_due,outbox_recipient,users_account", "v1 -> v4: indexes");
	is_str(raw_query(tpath("v1.db"), "SELECT count(*) FROM outbox WHERE "
	    "recipient = 'ann@ACME.example'"), "1",
	    "v1 -> v2: outbox recipient compares without case");
	ok(raw_exec(tpath("v1.db"), "UPDATE outbox SET message = NULL, "
	    "sent_at = 50 WHERE id = 4") == 0, "v1 -> v2: message is nullable");
	ok(raw_exec(tpath("v1.db"), "INSERT INTO outbox (recipient, kind, "
	    "created, next_try) VALUES ('a@b.example', 'k', 1, 1)") != 0,
	    "v2: a queued notice needs its bytes");
	is_str(raw_query(tpath("v1.db"), "SELECT count(*) FROM "
	    "pragma_foreign_key_check"), "0", "v1 -> v2: foreign keys hold");
	is_str(raw_query(tpath("v1.db"), "PRAGMA integrity_check"), "ok",
	    "v1 -> v2: integrity");
	is_str(raw_query(tpath("v1.db"), "SELECT value FROM meta"), "\x01\x02",
	    "v1 -> v2: meta kept");
	is_str(raw_query(tpath("v1.db"), "SELECT group_concat(aligned) FROM "
	    "outbox WHERE id IN (4, 5)"), "0,0",
	    "v1 -> v3: old notices are not aligned");
	ok(raw_exec(tpath("v1.db"), "UPDATE users SET pending_salt = "
	    "zeroblob(16) WHERE email = 'ann@acme.example'") != 0,
	    "v3: a pending salt needs its hash");
	ok(raw_exec(tpath("v1.db"), "UPDATE users SET pending_salt = "
	    "zeroblob(16), pending_hash = zeroblob(31) WHERE email = "
	    "'ann@acme.example'") != 0, "v3: a pending hash is 32 bytes");
	ok(raw_exec(tpath("v1.db"), "UPDATE users SET pending_salt = "
	    "zeroblob(16), pending_hash = zeroblob(32) WHERE email = "
	    "'ann@acme.example'") == 0, "v3: salt and hash of their sizes");
	ok(raw_exec(tpath("v1.db"), "UPDATE outbox SET aligned = 2") != 0,
	    "v3: aligned is 0 or 1");
}

/* ---- constraints and input checks ---- */

static void
test_accounts(struct store *st)
{
	char long127[128], long128[129];
	static const struct {
		const char *name;
		int want;
	} cases[] = {
		{ "acme", STORE_OK },
		{ "beta", STORE_OK },
		{ "acme", STORE_EXISTS },
		{ "", STORE_INVALID },
		{ "a\nb", STORE_INVALID },
		{ "tab\tname", STORE_INVALID },
		{ "del\x7f", STORE_INVALID },
		{ "Acme", STORE_OK },		/* names are exact */
	};
	struct store_account a;
	int64_t id;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(store_account_add(st, cases[i].name, 500, &id),
		    cases[i].want, "account add [%zu]", i);
	is_str(store_errmsg(st), "invalid account name", "invalid: message");
	memset(long127, 'x', 127);
	long127[127] = '\0';
	memset(long128, 'y', 128);
	long128[128] = '\0';
	is_int(store_account_add(st, long127, 500, &id), STORE_OK,
	    "account name of 127 bytes");
	is_int(store_account_add(st, long128, 500, &id), STORE_INVALID,
	    "account name of 128 bytes");
	is_int(store_account_add(st, NULL, 500, &id), STORE_INVALID,
	    "account name NULL");
	is_int(store_account_find(st, long127, &a), STORE_OK, "find long name");
	is_str(a.name, long127, "long name intact");
	is_int(store_account_find(st, "acme", &a), STORE_OK, "find acme");
	is_int(a.id, 1, "acme id");
	is_int(a.created, 500, "acme created");
	is_int(store_account_find(st, "nope", &a), STORE_NOTFOUND,
	    "find unknown account");
	is_str(store_errmsg(st), "no account nope", "unknown account: message");
	is_int(store_account_add(st, "acme", 500, &id), STORE_EXISTS, "dup");
	is_str(store_errmsg(st), "account acme already exists", "dup: message");
}

static void
test_users(struct store *st)
{
	static const struct {
		const char *email;
		int64_t account;
		int role;
		int want;
	} cases[] = {
		{ "alice@example.com", 1, STORE_ROLE_USER, STORE_OK },
		{ "ALICE@Example.COM", 1, STORE_ROLE_USER, STORE_EXISTS },
		{ "alice@example.com", 2, STORE_ROLE_ADMIN, STORE_EXISTS },
		{ "bob@example.com", 9999, STORE_ROLE_USER, STORE_CONSTRAINT },
		{ "bob@example.com", 0, STORE_ROLE_USER, STORE_INVALID },
		{ "bob@example.com", 1, 7, STORE_INVALID },
		{ "nobody", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "a b@example.com", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "tab\t@example.com", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "nl@example.com\n", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "@example.com", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "bob@", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "a@b@c.example", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "dot.@example.com", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "bob@exa_mple.com", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "", 1, STORE_ROLE_USER, STORE_INVALID },
		{ "carol@beta.example", 2, STORE_ROLE_ADMIN, STORE_OK },
		{ "dave@beta.example", 2, STORE_ROLE_USER, STORE_OK },
		{ "erin@example.com", 1, STORE_ROLE_ADMIN, STORE_OK },
		{ "bob@example.com", 1, STORE_ROLE_USER, STORE_OK },
	};
	struct store_user u;
	char label[64];
	int64_t id;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&u, 0, sizeof(u));
		(void)snprintf(u.email, sizeof(u.email), "%s", cases[i].email);
		u.account_id = cases[i].account;
		u.role = (enum store_role)cases[i].role;
		(void)snprintf(u.name, sizeof(u.name), "User %zu", i);
		is_int(store_user_add(st, &u, 1000 + (time_t)i, &id),
		    cases[i].want, "user add [%zu] %s", i, cases[i].email);
	}

	/* Unterminated buffers: the bound is checked, not trusted. */
	memset(&u, 0, sizeof(u));
	u.account_id = 1;
	memset(u.email, 'a', sizeof(u.email));
	u.email[10] = '@';
	is_int(store_user_add(st, &u, 1, &id), STORE_INVALID,
	    "email filling the buffer without NUL");
	/* The longest address the one address rule takes: 254 bytes. */
	memset(label, 'b', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	(void)snprintf(u.email, sizeof(u.email), "aaaaaaaaaa@%s.%s.%s.%.52s",
	    label, label, label, label);
	is_int(strlen(u.email), 255, "a 255-byte address");
	is_int(store_user_add(st, &u, 1, &id), STORE_INVALID, "email of 255 bytes refused");
	u.email[strlen(u.email) - 1] = '\0';
	is_int(store_user_add(st, &u, 1, &id), STORE_OK, "email of 254 bytes");
	is_int(store_user_find(st, u.email, &u), STORE_OK, "find 254-byte email");
	is_int(strlen(u.email), 254, "254-byte email intact");
	memset(&u, 0, sizeof(u));
	u.account_id = 1;
	(void)snprintf(u.email, sizeof(u.email), "frank@example.com");
	memset(u.name, 'n', sizeof(u.name));
	is_int(store_user_add(st, &u, 1, &id), STORE_INVALID,
	    "name filling the buffer without NUL");

	is_int(store_user_find(st, "Alice@EXAMPLE.com", &u), STORE_OK,
	    "find is case-insensitive");
	is_str(u.email, "alice@example.com", "find: stored spelling");
	is_str(u.account, "acme", "find: account name");
	is_int(u.account_id, 1, "find: account id");
	is_str(u.name, "User 0", "find: name");
	is_int(u.role, STORE_ROLE_USER, "find: role");
	is_int(u.has_pin, 0, "find: no PIN yet");
	is_int(u.pin_set_at, 0, "find: pin_set_at 0");
	is_int(u.created, 1000, "find: created");
	is_int(u.lock.failures + u.lock.window_start + u.lock.locked_until, 0,
	    "find: no lockout");
	id = u.id;
	is_int(store_user_find_id(st, id, &u), STORE_OK, "find by id");
	is_str(u.email, "alice@example.com", "find by id: email");
	is_int(store_user_find_id(st, 424242, &u), STORE_NOTFOUND,
	    "find unknown id");
	is_int(store_user_find(st, "zed@example.com", &u), STORE_NOTFOUND,
	    "find unknown email");
	is_int(store_user_find(st, "bad email", &u), STORE_INVALID,
	    "find bad email");
	{
		char big[400];

		memset(big, 'b', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		big[5] = '@';
		is_int(store_user_find(st, big, &u), STORE_INVALID,
		    "find overlong email");
	}
}

static void
test_set_email(struct store *st)
{
	struct store_user u;
	int64_t id;

	is_int(store_user_find(st, "dave@beta.example", &u), STORE_OK, "dave");
	id = u.id;
	is_int(store_user_set_email(st, id, "ALICE@example.com"), STORE_EXISTS,
	    "set-email onto another user (other case)");
	is_int(store_user_set_email(st, id, "not-an-address"), STORE_INVALID,
	    "set-email to a bad address");
	is_int(store_user_set_email(st, 424242, "x@example.com"),
	    STORE_NOTFOUND, "set-email of an unknown id");
	is_int(store_user_set_email(st, id, "Dave@Beta.example"), STORE_OK,
	    "set-email (own address, new case)");
	is_int(store_user_find(st, "dave@beta.example", &u), STORE_OK,
	    "found under the new spelling");
	is_str(u.email, "Dave@Beta.example", "new spelling stored");
}

/* ---- lists ---- */

struct collect {
	char text[1024];
	int stop_after;			/* 0: never */
	int n;
};

static void
collect_add(struct collect *c, const char *s)
{
	size_t len = strlen(c->text);

	(void)snprintf(c->text + len, sizeof(c->text) - len, "%s%s",
	    len ? "," : "", s);
}

static int
collect_user(const struct store_user *u, void *arg)
{
	struct collect *c = arg;
	char buf[300];

	(void)snprintf(buf, sizeof(buf), "%s/%.20s%s", u->account, u->email,
	    u->role == STORE_ROLE_ADMIN ? "*" : "");
	collect_add(c, buf);
	return ++c->n == c->stop_after ? 42 : 0;
}

static int
collect_account(const struct store_account *a, void *arg)
{
	struct collect *c = arg;
	char buf[300];

	(void)snprintf(buf, sizeof(buf), "%.10s=%u", a->name, a->users);
	collect_add(c, buf);
	return ++c->n == c->stop_after ? 7 : 0;
}

static void
test_lists(struct store *st)
{
	struct collect c;
	struct store_account a;

	memset(&c, 0, sizeof(c));
	is_int(store_user_list(st, "beta", collect_user, &c), STORE_OK,
	    "list beta");
	is_str(c.text, "beta/carol@beta.example*,beta/Dave@Beta.example",
	    "list beta: order and roles");
	memset(&c, 0, sizeof(c));
	is_int(store_user_list(st, NULL, collect_user, &c), STORE_OK, "list all");
	is_str(c.text, "acme/aaaaaaaaaa@bbbbbbbbb,acme/alice@example.com,"
	    "acme/bob@example.com,acme/erin@example.com*,"
	    "beta/carol@beta.example*,beta/Dave@Beta.example",
	    "list all: by account, then email");
	memset(&c, 0, sizeof(c));
	is_int(store_user_list(st, "nope", collect_user, &c), STORE_OK,
	    "list unknown account");
	is_str(c.text, "", "list unknown account: empty");
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	is_int(store_user_list(st, NULL, collect_user, &c), 42,
	    "callback's non-zero stops and is returned");
	is_int(c.n, 2, "stopped after two");

	memset(&c, 0, sizeof(c));
	is_int(store_user_list_admins(st, 1, collect_user, &c), STORE_OK,
	    "admins of acme");
	is_str(c.text, "acme/erin@example.com*", "admins of acme: erin");
	memset(&c, 0, sizeof(c));
	is_int(store_user_list_admins(st, 99, collect_user, &c), STORE_OK,
	    "admins of unknown account");
	is_str(c.text, "", "admins of unknown account: none");

	memset(&c, 0, sizeof(c));
	is_int(store_account_list(st, collect_account, &c), STORE_OK,
	    "account list");
	is_str(c.text, "Acme=0,acme=4,beta=2,xxxxxxxxxx=0",
	    "account list: by name with user counts");
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	is_int(store_account_list(st, collect_account, &c), 7,
	    "account list stops");
	is_int(store_account_find(st, "beta", &a), STORE_OK, "find beta");
	is_int(a.users, 2, "beta has two users");
}

/* ---- audit ---- */

static int
collect_audit(const struct store_audit *a, void *arg)
{
	struct collect *c = arg;
	char buf[64];

	(void)snprintf(buf, sizeof(buf), "%lld", (long long)a->id);
	collect_add(c, buf);
	c->n++;
	return 0;
}

static void
test_audit(struct store *st)
{
	static const struct store_audit rows[] = {
		{ 0, 100, "pinmilter", "pin.verify", "alice@example.com", 0,
		    "fail", "channel=email candidates=1" },
		{ 0, 200, "pinctl:root", "user.add", "bob@example.com", 0,
		    "ok", "" },
		{ 0, 300, "pinmilter", "pin.verify", "Alice@Example.com",
		    100001, "pass", "channel=email" },
		{ 0, 150, "pinctl:root", "case.authenticate", "", 100001,
		    "ok", "approved-by=erin@example.com" },
	};
	static const struct {
		struct store_audit_filter f;
		const char *want;
	} filters[] = {
		{ { NULL, 0, 0 }, "1,4,2,3" },
		{ { "alice@example.com", 0, 0 }, "1,3" },
		{ { "ALICE@EXAMPLE.COM", 0, 0 }, "1,3" },
		{ { NULL, 100001, 0 }, "4,3" },
		{ { NULL, 0, 200 }, "2,3" },
		{ { "alice@example.com", 100001, 0 }, "3" },
		{ { "alice@example.com", 0, 301 }, "" },
		{ { "nobody@example.com", 0, 0 }, "" },
	};
	struct store_audit bad;
	struct collect c;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		is_int(store_audit_add(st, &rows[i]), STORE_OK, "audit add %zu", i);
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		memset(&c, 0, sizeof(c));
		is_int(store_audit_list(st, &filters[i].f, collect_audit, &c),
		    STORE_OK, "audit list [%zu]", i);
		is_str(c.text, filters[i].want, "audit filter [%zu]", i);
	}
	memset(&c, 0, sizeof(c));
	is_int(store_audit_list(st, NULL, collect_audit, &c), STORE_OK,
	    "audit list, NULL filter");
	is_int(c.n, 4, "NULL filter: all rows");

	bad = rows[0];
	memset(bad.detail, 'd', sizeof(bad.detail));
	is_int(store_audit_add(st, &bad), STORE_INVALID,
	    "detail filling the buffer without NUL");
	bad = rows[0];
	bad.actor[0] = '\0';
	is_int(store_audit_add(st, &bad), STORE_INVALID, "empty actor");
	bad = rows[0];
	bad.result[0] = '\0';
	is_int(store_audit_add(st, &bad), STORE_INVALID, "empty result");
	bad = rows[0];
	(void)snprintf(bad.detail, sizeof(bad.detail), "two\nlines");
	is_int(store_audit_add(st, &bad), STORE_INVALID, "newline in detail");
}

static int
first_audit(const struct store_audit *a, void *arg)
{
	*(struct store_audit *)arg = *a;
	return 1;
}

static void
test_remove(struct store *st)
{
	struct store_audit_filter f = { "bob@example.com", 0, 0 };
	struct store_audit a;
	struct store_user u;
	struct collect c;

	is_int(store_user_find(st, "bob@example.com", &u), STORE_OK, "bob");
	is_int(store_user_remove(st, u.id), STORE_OK, "remove bob");
	is_int(store_user_find(st, "bob@example.com", &u), STORE_NOTFOUND,
	    "bob gone");
	is_int(store_user_remove(st, u.id), STORE_NOTFOUND, "remove again");
	memset(&c, 0, sizeof(c));
	is_int(store_audit_list(st, &f, collect_audit, &c), STORE_OK,
	    "bob's audit");
	is_str(c.text, "2", "removing a user keeps the audit rows");
	memset(&a, 0, sizeof(a));
	is_int(store_audit_list(st, &f, first_audit, &a), 1, "first row");
	is_str(a.actor, "pinctl:root", "audit row: actor");
	is_str(a.action, "user.add", "audit row: action");
	is_str(a.email, "bob@example.com", "audit row: email");
	is_str(a.result, "ok", "audit row: result");
	is_int(a.at, 200, "audit row: at");
}

/* ---- meta, PIN, lockout ---- */

static void
test_meta(struct store *st)
{
	unsigned char v[32], out[64];
	size_t len = 99;

	memset(v, 0x5a, sizeof(v));
	is_int(store_meta_get(st, "key_check", out, sizeof(out), &len),
	    STORE_NOTFOUND, "meta missing");
	is_int(len, 0, "meta missing: len 0");
	is_int(store_meta_set(st, "key_check", v, sizeof(v)), STORE_OK,
	    "meta set");
	is_int(store_meta_get(st, "key_check", out, sizeof(out), &len),
	    STORE_OK, "meta get");
	ok(len == 32 && memcmp(out, v, 32) == 0, "meta value round trip");
	v[0] = 1;
	is_int(store_meta_set(st, "key_check", v, 3), STORE_OK, "meta replace");
	is_int(store_meta_get(st, "key_check", out, sizeof(out), &len),
	    STORE_OK, "meta get replaced");
	ok(len == 3 && memcmp(out, v, 3) == 0, "meta replaced value");
	is_int(store_meta_set(st, "big", v, 32), STORE_OK, "meta big");
	is_int(store_meta_get(st, "big", out, 16, &len), STORE_INVALID,
	    "meta buffer too small");
	is_int(len, 32, "meta too small: real length");
	is_int(store_meta_set(st, "empty", v, 0), STORE_OK, "meta empty value");
	is_int(store_meta_get(st, "empty", out, sizeof(out), &len), STORE_OK,
	    "meta get empty");
	is_int(len, 0, "meta empty: len 0");
	is_int(store_meta_set(st, "", v, 1), STORE_INVALID, "meta empty name");
}

static void
test_pin(struct store *st)
{
	static const struct lockout_state lock = { 3, 100, 200 };
	unsigned char salt[SECRET_SALT_BYTES], hash[SECRET_HASH_BYTES];
	unsigned char salt2[SECRET_SALT_BYTES], hash2[SECRET_HASH_BYTES];
	struct store_user u;
	int64_t id;

	memset(salt, 0xc3, sizeof(salt));
	memset(hash, 0xa7, sizeof(hash));
	hash[0] = 0x11;
	memset(salt2, 0x3c, sizeof(salt2));
	memset(hash2, 0x7a, sizeof(hash2));
	is_int(store_user_find(st, "erin@example.com", &u), STORE_OK, "erin");
	id = u.id;
	is_int(store_user_set_lockout(st, id, &lock), STORE_OK, "set lockout");
	is_int(store_user_find_id(st, id, &u), STORE_OK, "re-read");
	ok(u.lock.failures == 3 && u.lock.window_start == 100 &&
	    u.lock.locked_until == 200, "lockout stored");
	is_int(store_user_set_lockout(st, 424242, &lock), STORE_NOTFOUND,
	    "set lockout, unknown id");
	is_int(store_user_set_pin(st, id, salt, hash, 5000), STORE_OK, "set pin");
	is_int(store_user_find_id(st, id, &u), STORE_OK, "re-read");
	is_int(u.has_pin, 1, "has_pin");
	ok(memcmp(u.pin_salt, salt, sizeof(salt)) == 0, "salt stored");
	ok(memcmp(u.pin_hash, hash, sizeof(hash)) == 0, "hash stored");
	is_int(u.pin_set_at, 5000, "pin_set_at");
	ok(u.lock.failures == 0 && u.lock.window_start == 0 &&
	    u.lock.locked_until == 0, "set pin clears the lockout");
	is_int(store_user_set_pin(st, 424242, salt, hash, 1), STORE_NOTFOUND,
	    "set pin, unknown id");
	/* A replaced hash does not linger in the file (secure_delete). */
	is_int(store_user_set_pin(st, id, salt2, hash2, 6000), STORE_OK,
	    "set pin again");
	store_close(st);
	ok(!file_exists(tpath("s.db-wal")), "WAL checkpointed at close");
	ok(!file_contains(tpath("s.db"), hash, sizeof(hash)),
	    "old hash gone from the file");
	ok(file_contains(tpath("s.db"), hash2, sizeof(hash2)),
	    "new hash in the file (the scan works)");
}

/* ---- transactions, busy, read-only ---- */

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
test_rollback(struct store *st)
{
	struct store_account a;
	int64_t id;

	is_int(store_begin(st), STORE_OK, "begin");
	is_int(store_begin(st), STORE_ERROR, "nested begin is an error");
	is_int(store_account_add(st, "gamma", 1, &id), STORE_OK, "add in tx");
	is_int(store_account_find(st, "gamma", &a), STORE_OK, "seen in tx");
	store_rollback(st);
	is_int(store_account_find(st, "gamma", &a), STORE_NOTFOUND,
	    "rolled back: nothing written");
	store_rollback(st);		/* no transaction: harmless */
	is_int(store_begin(st), STORE_OK, "begin");
	is_int(store_account_add(st, "gamma", 1, &id), STORE_OK, "add in tx");
	is_int(store_commit(st), STORE_OK, "commit");
	is_int(store_account_find(st, "gamma", &a), STORE_OK, "committed");
	is_int(store_commit(st), STORE_ERROR, "commit without begin");
}

static void
test_busy(void)
{
	struct store *st, *other, *third;
	struct store_audit e = { 0, 1, "t", "test", "", 0, "ok", "" };
	struct store_user u;
	struct timespec t0;
	long ms;

	st = open_ok(tpath("s.db"), 50, 0, "busy: first connection");
	other = open_ok(tpath("s.db"), 50, 0, "busy: second connection");
	if (st == NULL || other == NULL)
		return;
	is_int(store_begin(other), STORE_OK, "second holds the write lock");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(store_begin(st), STORE_BUSY, "begin while locked: busy");
	ms = ms_since(&t0);
	ok(ms >= 40 && ms < 2000, "waited about busy_ms (%ld ms)", ms);
	is_str(store_errmsg(st), "database is locked (busy past 50 ms)",
	    "busy: message");
	is_int(store_audit_add(st, &e), STORE_BUSY, "implicit write: busy");
	is_int(store_user_find(st, "alice@example.com", &u), STORE_OK,
	    "reads go on while locked (WAL)");
	third = open_ok(tpath("s.db"), 50, 0, "opening while locked");
	store_close(third);
	store_rollback(other);
	is_int(store_begin(st), STORE_OK, "begin after release");
	is_int(store_audit_add(st, &e), STORE_OK, "write after release");
	is_int(store_commit(st), STORE_OK, "commit after release");
	store_close(other);
	store_close(st);
}

/* WAL needs the directory for -wal and -shm: a clear refusal. */
static void
test_readonly_dir(void)
{
	struct store *st = NULL;
	char sub[300], db[320], want[512], err[512];
	int rc;

	(void)snprintf(sub, sizeof(sub), "%s/ro", tdir);
	(void)snprintf(db, sizeof(db), "%s/d.db", sub);
	ok(mkdir(sub, 0755) == 0, "make a directory");
	st = open_ok(db, 50, STORE_OPEN_CREATE, "database in it");
	store_close(st);
	ok(chmod(sub, 0555) == 0, "chmod 0555 the directory");
	rc = store_open(db, 50, 0, &st, err, sizeof(err));
	is_int(rc, STORE_READONLY, "read-only directory: refused");
	(void)snprintf(want, sizeof(want), "database %s is read-only: its "
	    "directory is not writable (needed for the -wal and -shm files)",
	    db);
	is_str(err, want, "read-only directory: message");
	(void)chmod(sub, 0755);
	(void)unlink(db);
	(void)rmdir(sub);
}

static void
test_readonly(void)
{
	struct store *st;
	struct store_audit e = { 0, 1, "t", "test", "", 0, "ok", "" };
	struct store_user u;
	char want[512], err[512];
	int64_t id;
	int rc;

	st = open_ok(tpath("s.db"), 50, STORE_OPEN_READONLY, "read-only open");
	if (st == NULL)
		return;
	is_int(store_user_find(st, "alice@example.com", &u), STORE_OK,
	    "read-only: reads work");
	is_int(store_account_add(st, "delta", 1, &id), STORE_READONLY,
	    "read-only: account add");
	(void)snprintf(want, sizeof(want), "database %s is read-only: "
	    "attempt to write a readonly database", tpath("s.db"));
	is_str(store_errmsg(st), want, "read-only: message");
	is_int(store_audit_add(st, &e), STORE_READONLY, "read-only: audit add");
	is_int(store_user_set_lockout(st, u.id, &u.lock), STORE_READONLY,
	    "read-only: set lockout");
	is_int(store_begin(st), STORE_READONLY, "read-only: begin refused");
	is_str(store_errmsg(st), want, "read-only begin: message");
	is_int(store_user_find(st, "alice@example.com", &u), STORE_OK,
	    "read-only: reads still work");
	store_close(st);

	/* A write-protected file or directory, for a user the kernel holds
	 * to it. */
	if (geteuid() == 0) {
		for (rc = 0; rc < 7; rc++)	/* as many as the checks below */
			tap_skip("root ignores file modes");
		return;
	}
	test_readonly_dir();
	ok(chmod(tpath("s.db"), 0444) == 0, "chmod 0444");
	rc = store_open(tpath("s.db"), 50, 0, &st, err, sizeof(err));
	if (rc == STORE_OK) {
		is_int(store_account_add(st, "delta", 1, &id), STORE_READONLY,
		    "0444 file: write refused");
		store_close(st);
	} else
		is_int(rc, STORE_READONLY, "0444 file: %s", err);
	/* SQLite gave the -wal and -shm it made the file's mode: undo all. */
	(void)chmod(tpath("s.db"), 0644);
	(void)chmod(tpath("s.db-wal"), 0644);
	(void)chmod(tpath("s.db-shm"), 0644);
}

static int
collect_case(const struct store_case *c, void *arg)
{
	struct collect *col = arg;
	char buf[300];

	(void)snprintf(buf, sizeof(buf), "%lld:%s:%.20s", (long long)c->number,
	    c->state == STORE_CASE_AUTHENTICATED ? "authenticated" :
	    c->state == STORE_CASE_VERIFICATION_REQUESTED ? "2" : "open",
	    c->account);
	collect_add(col, buf);
	return 0;
}

static void
test_cases(void)
{
	struct store *st;
	struct store_case c;
	struct store_user u;
	struct collect col;

	ok(raw_exec(tpath("s.db"), "INSERT INTO cases (number, account_id, "
	    "user_id, email, subject, state, opened) VALUES (100000, 1, "
	    "(SELECT id FROM users WHERE email = 'alice@example.com'), "
	    "'alice@example.com', 'help', 'authenticated', 77);"
	    "UPDATE cases SET authenticated_at = 78, authenticated_by = "
	    "'pin' WHERE number = 100000;"
	    "INSERT INTO cases (number, email, subject, state, opened) VALUES "
	    "(100001, 'x@y.example', 'hi', 'verification-requested', 79);") == 0,
	    "cases inserted");
	st = open_ok(tpath("s.db"), 50, 0, "cases");
	if (st == NULL)
		return;
	is_int(store_case_find(st, 100000, &c), STORE_OK, "case 100000");
	is_str(c.account, "acme", "case: account");
	is_str(c.email, "alice@example.com", "case: email");
	is_str(c.subject, "help", "case: subject");
	is_int(c.state, STORE_CASE_AUTHENTICATED, "case: state");
	is_int(c.authenticated_at, 78, "case: authenticated_at");
	is_str(c.authenticated_by, "pin", "case: authenticated_by");
	ok(c.user_id > 0 && c.account_id == 1, "case: ids");
	is_int(store_case_find(st, 100001, &c), STORE_OK, "case 100001");
	ok(c.account_id == 0 && c.user_id == 0 && c.account[0] == '\0',
	    "unknown sender: no account, no user");
	is_int(c.state, STORE_CASE_VERIFICATION_REQUESTED, "case: state 2");
	is_int(store_case_find(st, 5, &c), STORE_NOTFOUND, "no case 5");
	memset(&col, 0, sizeof(col));
	is_int(store_case_list(st, collect_case, &col), STORE_OK, "case list");
	is_str(col.text, "100000:authenticated:acme,100001:2:",
	    "case list: by number");
	is_int(store_user_find(st, "alice@example.com", &u), STORE_OK, "alice");
	is_int(store_user_remove(st, u.id), STORE_OK,
	    "remove a user who has a case");
	is_int(store_case_find(st, 100000, &c), STORE_OK, "case kept");
	is_int(c.user_id, 0, "case: user unset");
	store_close(st);
}

static void
test_rc_names(void)
{
	static const struct {
		int rc;
		const char *name;
	} names[] = {
		{ STORE_OK, "ok" }, { STORE_NOTFOUND, "notfound" },
		{ STORE_EXISTS, "exists" }, { STORE_CONSTRAINT, "constraint" },
		{ STORE_INVALID, "invalid" }, { STORE_BUSY, "busy" },
		{ STORE_READONLY, "readonly" }, { STORE_TOONEW, "toonew" },
		{ STORE_ERROR, "error" }, { -1, "unknown" }, { 99, "unknown" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		is_str(store_rc_name(names[i].rc), names[i].name, "rc name %d",
		    names[i].rc);
}

/* ---- store_stale: the file behind a connection deleted, replaced, made
 * read-only, writable again ---- */

/* Make PATH unwritable (1) or writable again (0): the immutable flag as
 * root (root ignores modes), the mode otherwise.  0 when it worked. */
static int
protect(const char *path, int on)
{
	char cmd[600];

	if (geteuid() != 0)
		return chmod(path, on ? 0444 : 0644);
	(void)snprintf(cmd, sizeof(cmd), "chattr %ci '%s' 2>/dev/null",
	    on ? '+' : '-', path);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_stale(void)
{
	struct store *st, *st2;
	char why[512], want[600], aside[600];
	int64_t id;

	st = open_ok(tpath("st.db"), 50, STORE_OPEN_CREATE, "st.db");
	if (st == NULL)
		return;
	ok(!store_stale(st, why, sizeof(why)) && why[0] == '\0',
	    "fresh: not stale");
	(void)snprintf(aside, sizeof(aside), "%s.aside", tpath("st.db"));
	ok(rename(tpath("st.db"), aside) == 0, "the file moved away");
	ok(store_stale(st, why, sizeof(why)), "moved away: stale");
	(void)snprintf(want, sizeof(want), "database %s: No such file or "
	    "directory (deleted or moved)", tpath("st.db"));
	is_str(why, want, "moved away: why");
	ok(rename(aside, tpath("st.db")) == 0, "the file moved back");
	ok(!store_stale(st, NULL, 0), "moved back (the same file): not stale");

	/* another file under the name */
	st2 = open_ok(tpath("st2.db"), 50, STORE_OPEN_CREATE, "st2.db");
	store_close(st2);
	ok(rename(tpath("st.db"), aside) == 0 &&
	    rename(tpath("st2.db"), tpath("st.db")) == 0, "another file moved in");
	ok(store_stale(st, why, sizeof(why)), "replaced: stale");
	(void)snprintf(want, sizeof(want), "database %s was replaced by "
	    "another file", tpath("st.db"));
	is_str(why, want, "replaced: why");
	store_close(st);

	/* made read-only, writable again */
	st = open_ok(tpath("st.db"), 50, 0, "the new file");
	if (st == NULL)
		return;
	if (protect(tpath("st.db"), 1) != 0) {
		tap_skip("cannot make the file read-only here");
		store_close(st);
		return;
	}
	ok(store_stale(st, why, sizeof(why)), "made read-only: stale");
	(void)snprintf(want, sizeof(want), "database %s is no longer "
	    "writable: %s", tpath("st.db"), geteuid() == 0 ?
	    "Operation not permitted" : "Permission denied");
	is_str(why, want, "made read-only: why");
	store_close(st);
	st = open_ok(tpath("st.db"), 50, 0, "opened again, unwritable");
	if (st != NULL) {
		is_int(store_account_add(st, "x", 1, &id), STORE_READONLY,
		    "unwritable: opened read-only, a write refused");
		is_int(store_begin(st), STORE_READONLY, "unwritable: begin refused");
		ok(!store_stale(st, NULL, 0), "still unwritable: not stale");
		(void)protect(tpath("st.db"), 0);
		ok(store_stale(st, why, sizeof(why)), "writable again: stale");
		(void)snprintf(want, sizeof(want), "database %s is writable "
		    "again", tpath("st.db"));
		is_str(why, want, "writable again: why");
		store_close(st);
	} else
		(void)protect(tpath("st.db"), 0);
	st = open_ok(tpath("st.db"), 50, 0, "opened again, writable");
	if (st != NULL) {
		is_int(store_account_add(st, "x", 1, &id), STORE_OK,
		    "writable again: a write works");
		store_close(st);
	}
}

int
main(void)
{
	struct store *st;

	tdir_make("pm-test-store");
	test_rc_names();
	test_open();
	test_migrate();
	test_migrate_v1();
	st = open_ok(tpath("s.db"), 100, STORE_OPEN_CREATE, "s.db");
	if (st != NULL) {
		test_accounts(st);
		test_users(st);
		test_set_email(st);
		test_lists(st);
		test_audit(st);
		test_remove(st);
		test_meta(st);
		test_rollback(st);
		test_pin(st);		/* closes st */
	}
	test_busy();
	test_readonly();
	test_stale();
	test_cases();
	rmtree(tdir);
	return tap_done();
}
