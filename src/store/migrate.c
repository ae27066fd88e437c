/*
 * migrate.c - the schema: one numbered list of migrations, applied on
 * open.
 *
 * Migration N takes the schema from version N - 1 to N; each carries its
 * SQL once per dialect (enum store_dialect), the only per-dialect SQL
 * outside a backend.  A second backend adds its dialect's column to every
 * entry: the same tables, columns, keys and checks, in its own words.
 * The version itself is kept by the backend (SQLite: PRAGMA
 * user_version; PostgreSQL: the table pinmilter_schema).
 *
 * On open, the missing migrations run inside one BEGIN IMMEDIATE
 * transaction: either all of them or none.  A schema newer than this
 * code is refused (STORE_TOONEW); a version-0 database that already holds
 * tables belongs to someone else and is refused too; a read-only
 * connection to an older schema is STORE_READONLY (nothing is written).
 *
 * Security: the schema keeps no PIN, only salt and keyed hash (checked
 * lengths); the audit table has no foreign keys, so removing a user keeps
 * its rows; case numbers are never reused (case_sequence).
 *
 * Diagnostics: "database schema version 9 is newer than this pinmilter
 * (2); upgrade pinmilter", "database /x is not a pinmilter database
 * (schema version 0 but it holds tables)", or the failing statement's
 * message, "migration: ...".
 */
#include <stddef.h>

#include "store/internal.h"

/* ---- SQLite ---- */

/* 1: meta, accounts, users, cases, case messages, audit, outbox. */
static const char sqlite_v1[] =
"CREATE TABLE meta ("
"  name TEXT PRIMARY KEY NOT NULL,"
"  value BLOB NOT NULL);"
"CREATE TABLE accounts ("
"  id INTEGER PRIMARY KEY,"
"  name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),"
"  created INTEGER NOT NULL);"
"CREATE TABLE users ("
"  id INTEGER PRIMARY KEY,"
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
"CREATE TABLE cases ("
"  number INTEGER PRIMARY KEY,"
"  account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
"  email TEXT NOT NULL DEFAULT '',"
"  subject TEXT NOT NULL DEFAULT '',"
"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN"
"    ('open', 'verification-requested', 'authenticated')),"
"  opened INTEGER NOT NULL,"
"  authenticated_at INTEGER NOT NULL DEFAULT 0,"
"  authenticated_by TEXT NOT NULL DEFAULT '',"
"  external_ref TEXT);"
"CREATE INDEX cases_user ON cases(user_id);"
"CREATE TABLE case_messages ("
"  id INTEGER PRIMARY KEY,"
"  case_number INTEGER NOT NULL REFERENCES cases(number) ON DELETE CASCADE,"
"  message_id TEXT NOT NULL,"
"  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
"  at INTEGER NOT NULL);"
"CREATE INDEX case_messages_message_id ON case_messages(message_id);"
"CREATE INDEX case_messages_case ON case_messages(case_number);"
"CREATE TABLE audit ("
"  id INTEGER PRIMARY KEY,"
"  at INTEGER NOT NULL,"
"  actor TEXT NOT NULL,"
"  action TEXT NOT NULL,"
"  email TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
"  case_number INTEGER NOT NULL DEFAULT 0,"
"  result TEXT NOT NULL,"
"  detail TEXT NOT NULL DEFAULT '');"
"CREATE INDEX audit_email ON audit(email, at);"
"CREATE INDEX audit_at ON audit(at);"
"CREATE INDEX audit_case ON audit(case_number) WHERE case_number <> 0;"
"CREATE TABLE outbox ("
"  id INTEGER PRIMARY KEY,"
"  case_number INTEGER REFERENCES cases(number) ON DELETE SET NULL,"
"  recipient TEXT NOT NULL,"
"  kind TEXT NOT NULL,"
"  message BLOB NOT NULL,"
"  created INTEGER NOT NULL,"
"  attempts INTEGER NOT NULL DEFAULT 0,"
"  next_try INTEGER NOT NULL,"
"  sent_at INTEGER,"
"  last_error TEXT);"
"CREATE INDEX outbox_due ON outbox(next_try) WHERE sent_at IS NULL;";

/*
 * 2: cases remember when a verification request was queued and are found
 * by external reference; a case_sequence row keeps the highest number
 * ever given (kept by a trigger), so a deleted case's number is never
 * given again.  The outbox loses its NOT NULL on message (bytes are
 * dropped once sent or dead), gains "dead", a case-insensitive recipient
 * and an index for the daily caps: SQLite cannot drop a NOT NULL, so the
 * table is rebuilt and its rows copied.  Nothing references the outbox,
 * so dropping the old table is safe with foreign keys on.
 */
static const char sqlite_v2[] =
"ALTER TABLE cases ADD COLUMN"
"  verification_requested_at INTEGER NOT NULL DEFAULT 0;"
"CREATE INDEX cases_external_ref ON cases(external_ref)"
"  WHERE external_ref IS NOT NULL;"
"CREATE TABLE case_sequence ("
"  id INTEGER PRIMARY KEY CHECK (id = 1),"
"  last INTEGER NOT NULL);"
"INSERT INTO case_sequence (id, last)"
"  SELECT 1, coalesce(max(number), 0) FROM cases;"
"CREATE TRIGGER cases_sequence AFTER INSERT ON cases BEGIN"
"  UPDATE case_sequence SET last = max(last, NEW.number) WHERE id = 1;"
"  END;"
"CREATE TABLE outbox_v2 ("
"  id INTEGER PRIMARY KEY,"
"  case_number INTEGER REFERENCES cases(number) ON DELETE SET NULL,"
"  recipient TEXT NOT NULL COLLATE NOCASE,"
"  kind TEXT NOT NULL,"
"  message BLOB,"
"  created INTEGER NOT NULL,"
"  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
"  next_try INTEGER NOT NULL,"
"  sent_at INTEGER,"
"  last_error TEXT,"
"  dead INTEGER NOT NULL DEFAULT 0 CHECK (dead IN (0, 1)),"
"  CHECK (message IS NOT NULL OR sent_at IS NOT NULL OR dead = 1));"
"INSERT INTO outbox_v2 (id, case_number, recipient, kind, message, created,"
"  attempts, next_try, sent_at, last_error)"
"  SELECT id, case_number, recipient, kind, message, created, attempts,"
"  next_try, sent_at, last_error FROM outbox;"
"DROP TABLE outbox;"
"ALTER TABLE outbox_v2 RENAME TO outbox;"
"CREATE INDEX outbox_due ON outbox(next_try)"
"  WHERE sent_at IS NULL AND dead = 0;"
"CREATE INDEX outbox_recipient ON outbox(recipient, created);";

/*
 * 3: a PIN mailed in answer to a request by email is pending next to the
 * current one (salt and keyed hash, when it was issued and when it
 * expires) until one of the two is used; an outbox row says whether it
 * answered mail with a trusted DMARC pass for its From domain (the daily
 * caps count that mail and the rest separately).
 */
static const char sqlite_v3[] =
"ALTER TABLE users ADD COLUMN pending_salt BLOB CHECK (pending_salt IS NULL OR"
"  (typeof(pending_salt) = 'blob' AND length(pending_salt) = 16));"
"ALTER TABLE users ADD COLUMN pending_hash BLOB CHECK (pending_hash IS NULL OR"
"  (typeof(pending_hash) = 'blob' AND length(pending_hash) = 32))"
"  CHECK ((pending_salt IS NULL) = (pending_hash IS NULL));"
"ALTER TABLE users ADD COLUMN pending_set_at INTEGER NOT NULL DEFAULT 0;"
"ALTER TABLE users ADD COLUMN pending_until INTEGER NOT NULL DEFAULT 0;"
"ALTER TABLE outbox ADD COLUMN aligned INTEGER NOT NULL DEFAULT 0"
"  CHECK (aligned IN (0, 1));";

/*
 * 4: the decision of each message, keyed by (sender, Message-ID), so a
 * message sent again (an MTA retry after a tempfail, a client resending)
 * gets the same case and verdict instead of a second guess counted, a
 * second case and a second notice (store_decision_find).  The digest is
 * a keyed MAC of the message's subject and body: the same key with
 * other content is not a repeat.
 */
static const char sqlite_v4[] =
"CREATE TABLE decisions ("
"  sender TEXT NOT NULL CHECK (length(sender) < 256),"
"  message_id TEXT NOT NULL CHECK (length(message_id) BETWEEN 1 AND 511),"
"  digest BLOB NOT NULL CHECK (typeof(digest) = 'blob' AND"
"    length(digest) = 32),"
"  at INTEGER NOT NULL,"
"  auth INTEGER NOT NULL CHECK (auth BETWEEN 0 AND 2),"
"  xpin INTEGER NOT NULL CHECK (xpin BETWEEN 0 AND 4),"
"  reason TEXT NOT NULL,"
"  case_number INTEGER NOT NULL DEFAULT 0,"
"  account TEXT NOT NULL DEFAULT '',"
"  PRIMARY KEY (sender, message_id));"
"CREATE INDEX decisions_at ON decisions(at);";


/* ---- PostgreSQL ----
 *
 * The same tables, columns, keys and checks.  Integers are bigint (the
 * store reads 64-bit integers), blobs bytea (its type is the check that
 * SQLite's typeof() makes), keys made by the database are identity
 * columns.  SQLite's COLLATE NOCASE is the collation pinmilter_nocase: a
 * non-deterministic ICU collation at secondary strength, which compares
 * letters without regard to case (Unicode case, where SQLite folds ASCII
 * only), so the entity SQL compares with "=" on either engine and the
 * UNIQUE constraints hold case-insensitively; the column stays of type
 * text.  Substring functions do not take such a collation, so the one
 * check that looks for '@' reads the column in the "C" collation.
 */

/* 1: meta, accounts, users, cases, case messages, audit, outbox. */
static const char pg_v1[] =
"CREATE COLLATION pinmilter_nocase (provider = icu,"
"  locale = 'und-u-ks-level2', deterministic = false);"
"CREATE TABLE meta ("
"  name TEXT PRIMARY KEY NOT NULL,"
"  value BYTEA NOT NULL);"
"CREATE TABLE accounts ("
"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
"  name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),"
"  created BIGINT NOT NULL);"
"CREATE TABLE users ("
"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
"  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,"
"  email TEXT COLLATE pinmilter_nocase NOT NULL UNIQUE"
"    CHECK (strpos(email COLLATE \"C\", '@') > 0),"
"  name TEXT NOT NULL DEFAULT '',"
"  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),"
"  pin_salt BYTEA CHECK (pin_salt IS NULL OR length(pin_salt) = 16),"
"  pin_hash BYTEA CHECK (pin_hash IS NULL OR length(pin_hash) = 32),"
"  pin_set_at BIGINT NOT NULL DEFAULT 0,"
"  failures BIGINT NOT NULL DEFAULT 0 CHECK (failures >= 0),"
"  window_start BIGINT NOT NULL DEFAULT 0,"
"  locked_until BIGINT NOT NULL DEFAULT 0,"
"  created BIGINT NOT NULL,"
"  CHECK ((pin_salt IS NULL) = (pin_hash IS NULL)));"
"CREATE INDEX users_account ON users(account_id);"
"CREATE TABLE cases ("
"  number BIGINT PRIMARY KEY,"
"  account_id BIGINT REFERENCES accounts(id) ON DELETE SET NULL,"
"  user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
"  email TEXT NOT NULL DEFAULT '',"
"  subject TEXT NOT NULL DEFAULT '',"
"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN"
"    ('open', 'verification-requested', 'authenticated')),"
"  opened BIGINT NOT NULL,"
"  authenticated_at BIGINT NOT NULL DEFAULT 0,"
"  authenticated_by TEXT NOT NULL DEFAULT '',"
"  external_ref TEXT);"
"CREATE INDEX cases_user ON cases(user_id);"
"CREATE TABLE case_messages ("
"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
"  case_number BIGINT NOT NULL REFERENCES cases(number) ON DELETE CASCADE,"
"  message_id TEXT NOT NULL,"
"  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
"  at BIGINT NOT NULL);"
"CREATE INDEX case_messages_message_id ON case_messages(message_id);"
"CREATE INDEX case_messages_case ON case_messages(case_number);"
"CREATE TABLE audit ("
"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
"  at BIGINT NOT NULL,"
"  actor TEXT NOT NULL,"
"  action TEXT NOT NULL,"
"  email TEXT COLLATE pinmilter_nocase NOT NULL DEFAULT '',"
"  case_number BIGINT NOT NULL DEFAULT 0,"
"  result TEXT NOT NULL,"
"  detail TEXT NOT NULL DEFAULT '');"
"CREATE INDEX audit_email ON audit(email, at);"
"CREATE INDEX audit_at ON audit(at);"
"CREATE INDEX audit_case ON audit(case_number) WHERE case_number <> 0;"
"CREATE TABLE outbox ("
"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
"  case_number BIGINT REFERENCES cases(number) ON DELETE SET NULL,"
"  recipient TEXT NOT NULL,"
"  kind TEXT NOT NULL,"
"  message BYTEA NOT NULL,"
"  created BIGINT NOT NULL,"
"  attempts BIGINT NOT NULL DEFAULT 0,"
"  next_try BIGINT NOT NULL,"
"  sent_at BIGINT,"
"  last_error TEXT);"
"CREATE INDEX outbox_due ON outbox(next_try) WHERE sent_at IS NULL;";

/*
 * 2: as for SQLite, and case numbers come from the sequence
 * case_numbers: a trigger gives each new case the next value of the
 * sequence, or the number the INSERT asked for when that is higher (the
 * first case, CaseStart), and keeps case_sequence up to date.  Two
 * gateways inserting at once get distinct numbers whatever their
 * snapshots saw.  The outbox is altered in place.
 */
static const char pg_v2[] =
"ALTER TABLE cases ADD COLUMN"
"  verification_requested_at BIGINT NOT NULL DEFAULT 0;"
"CREATE INDEX cases_external_ref ON cases(external_ref)"
"  WHERE external_ref IS NOT NULL;"
"CREATE TABLE case_sequence ("
"  id BIGINT PRIMARY KEY CHECK (id = 1),"
"  last BIGINT NOT NULL);"
"INSERT INTO case_sequence (id, last)"
"  SELECT 1, coalesce(max(number), 0) FROM cases;"
"CREATE SEQUENCE case_numbers AS BIGINT MINVALUE 0 START WITH 0;"
"SELECT setval('case_numbers', last) FROM case_sequence;"
"CREATE FUNCTION cases_number() RETURNS trigger LANGUAGE plpgsql AS $$"
"DECLARE n BIGINT;"
"BEGIN"
"  n := nextval('case_numbers');"
"  IF n < NEW.number THEN"
"    n := NEW.number;"
"    PERFORM setval('case_numbers', n);"
"  END IF;"
"  NEW.number := n;"
"  UPDATE case_sequence SET last = greatest(last, n) WHERE id = 1;"
"  RETURN NEW;"
"END $$;"
"CREATE TRIGGER cases_sequence BEFORE INSERT ON cases"
"  FOR EACH ROW EXECUTE FUNCTION cases_number();"
"ALTER TABLE outbox ALTER COLUMN message DROP NOT NULL;"
"ALTER TABLE outbox ALTER COLUMN recipient TYPE TEXT"
"  COLLATE pinmilter_nocase;"
"ALTER TABLE outbox ADD CHECK (attempts >= 0);"
"ALTER TABLE outbox ADD COLUMN"
"  dead BIGINT NOT NULL DEFAULT 0 CHECK (dead IN (0, 1));"
"ALTER TABLE outbox ADD"
"  CHECK (message IS NOT NULL OR sent_at IS NOT NULL OR dead = 1);"
"DROP INDEX outbox_due;"
"CREATE INDEX outbox_due ON outbox(next_try)"
"  WHERE sent_at IS NULL AND dead = 0;"
"CREATE INDEX outbox_recipient ON outbox(recipient, created);";

/* 3: the pending PIN; an outbox row's DMARC alignment. */
static const char pg_v3[] =
"ALTER TABLE users ADD COLUMN pending_salt BYTEA CHECK (pending_salt IS NULL"
"  OR length(pending_salt) = 16);"
"ALTER TABLE users ADD COLUMN pending_hash BYTEA CHECK (pending_hash IS NULL"
"  OR length(pending_hash) = 32);"
"ALTER TABLE users ADD"
"  CHECK ((pending_salt IS NULL) = (pending_hash IS NULL));"
"ALTER TABLE users ADD COLUMN pending_set_at BIGINT NOT NULL DEFAULT 0;"
"ALTER TABLE users ADD COLUMN pending_until BIGINT NOT NULL DEFAULT 0;"
"ALTER TABLE outbox ADD COLUMN aligned BIGINT NOT NULL DEFAULT 0"
"  CHECK (aligned IN (0, 1));";

/* 4: the decision of each message. */
static const char pg_v4[] =
"CREATE TABLE decisions ("
"  sender TEXT NOT NULL CHECK (length(sender) < 256),"
"  message_id TEXT NOT NULL CHECK (length(message_id) BETWEEN 1 AND 511),"
"  digest BYTEA NOT NULL CHECK (length(digest) = 32),"
"  at BIGINT NOT NULL,"
"  auth BIGINT NOT NULL CHECK (auth BETWEEN 0 AND 2),"
"  xpin BIGINT NOT NULL CHECK (xpin BETWEEN 0 AND 4),"
"  reason TEXT NOT NULL,"
"  case_number BIGINT NOT NULL DEFAULT 0,"
"  account TEXT NOT NULL DEFAULT '',"
"  PRIMARY KEY (sender, message_id));"
"CREATE INDEX decisions_at ON decisions(at);";

struct store_migration {
	int version;			/* the version it makes */
	const char *sql[STORE_DIALECT__COUNT];
};

static const struct store_migration store_migrations[] = {
	{ 1, { [STORE_DIALECT_SQLITE] = sqlite_v1,
	    [STORE_DIALECT_POSTGRESQL] = pg_v1 } },
	{ 2, { [STORE_DIALECT_SQLITE] = sqlite_v2,
	    [STORE_DIALECT_POSTGRESQL] = pg_v2 } },
	{ 3, { [STORE_DIALECT_SQLITE] = sqlite_v3,
	    [STORE_DIALECT_POSTGRESQL] = pg_v3 } },
	{ 4, { [STORE_DIALECT_SQLITE] = sqlite_v4,
	    [STORE_DIALECT_POSTGRESQL] = pg_v4 } },
};

_Static_assert(sizeof(store_migrations) / sizeof(store_migrations[0]) ==
    STORE_SCHEMA_VERSION, "one migration per schema version");

static int
store_version_check(struct store *st, int v)
{
	if (v > STORE_SCHEMA_VERSION)
		return store_seterr(st, STORE_TOONEW, "database schema version "
		    "%d is newer than this pinmilter (%d); upgrade pinmilter",
		    v, STORE_SCHEMA_VERSION);
	if (v < 0)
		return store_seterr(st, STORE_ERROR,
		    "database schema version %d is not valid", v);
	return STORE_OK;
}

/* Any table in a version-0 database means it is not ours. */
static int
store_foreign_check(struct store *st)
{
	bool empty;
	int rc;

	if ((rc = st->be->is_empty(st, &empty)) != STORE_OK)
		return rc;
	if (!empty)
		return store_seterr(st, STORE_ERROR, "database %s is not a "
		    "pinmilter database (schema version 0 but it holds tables)",
		    st->path);
	return STORE_OK;
}

/* Apply migrations from V to STORE_SCHEMA_VERSION, inside the caller's
 * transaction. */
static int
store_migrate_steps(struct store *st, int v)
{
	const struct store_migration *m;
	int rc;

	if (v == 0 && (rc = store_foreign_check(st)) != STORE_OK)
		return rc;
	for (; v < STORE_SCHEMA_VERSION; v++) {
		m = &store_migrations[v];
		if (m->version != v + 1 || m->sql[st->be->dialect] == NULL)
			return store_seterr(st, STORE_ERROR, "migration %d: "
			    "none for %s", v + 1, st->be->name);
		rc = st->be->exec(st, m->sql[st->be->dialect], "migration");
		if (rc != STORE_OK)
			return rc;
	}
	return st->be->version_set(st, STORE_SCHEMA_VERSION);
}

int
store_migrate(struct store *st)
{
	int rc, v;

	if ((rc = store_schema_version(st, &v)) != STORE_OK ||
	    (rc = store_version_check(st, v)) != STORE_OK)
		return rc;
	if (v == STORE_SCHEMA_VERSION)
		return STORE_OK;
	if (st->readonly)
		return store_seterr(st, STORE_READONLY, "database schema version "
		    "%d is older than this pinmilter (%d) and the database is "
		    "read-only", v, STORE_SCHEMA_VERSION);
	if ((rc = store_begin(st)) != STORE_OK)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	if ((rc = store_schema_version(st, &v)) == STORE_OK &&
	    (rc = store_version_check(st, v)) == STORE_OK &&
	    (v == STORE_SCHEMA_VERSION ||
	    (rc = store_migrate_steps(st, v)) == STORE_OK) &&
	    (rc = store_commit(st)) == STORE_OK)
		return STORE_OK;
	store_rollback(st);
	return rc;
}
