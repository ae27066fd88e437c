/*
 * meta.c - small named values of the database, and the key check built
 * on one of them: does a key file belong to this database?
 *
 * The key check is the one place that reads or writes the fingerprint
 * (meta "key_check", secret_key_check_value()): pinctl init records it
 * once, and pinctl, pinmilter -n and the daemon's start compare it.  A
 * fingerprint is never replaced: recording a second one is STORE_EXISTS.
 *
 * Security: the fingerprint is a keyed hash of a fixed string; it tells
 * nothing about the key and is never shown.  A stored value of the wrong
 * length is a mismatch, never a match.
 *
 * Diagnostics: "meta NAME: not set", "meta NAME: N bytes do not fit in
 * M", "the database has no key fingerprint", "the key does not belong to
 * this database (fingerprint mismatch)".
 */
#include <string.h>

#include "store/stmt.h"

#define META_NAME_MAX		64
#define META_VALUE_MAX		65536
#define META_KEY_CHECK		"key_check"

enum meta_col { META_VALUE };

static const struct store_query q_meta_get = { "meta get",
	"SELECT value FROM meta WHERE name = ?1", NULL, false };
static const struct store_query q_meta_set = { "meta set",
	"INSERT INTO meta (name, value) VALUES (?1, ?2) "
	"ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	NULL, false };
static const struct store_query q_meta_add = { "meta add",
	"INSERT INTO meta (name, value) VALUES (?1, ?2)", NULL, false };

int
store_meta_get(struct store *st, const char *name, void *buf, size_t bufsize,
    size_t *len)
{
	struct stmt q;
	const void *p;
	size_t n;
	int rc;

	*len = 0;
	if (!store_str_ok(name, META_NAME_MAX, false))
		return store_invalid(st, "meta name");
	stmt_start(&q, st, &q_meta_get);
	stmt_text(&q, 1, name);
	if ((rc = stmt_row(&q)) == STORE_NOTFOUND)
		(void)store_seterr(st, rc, "meta %s: not set", name);
	if (rc == STORE_OK) {
		p = stmt_col_bytes(&q, META_VALUE, &n);
		if ((rc = q.rc) == STORE_OK && (*len = n) > bufsize)
			rc = store_seterr(st, STORE_INVALID, "meta %s: %zu "
			    "bytes do not fit in %zu", name, n, bufsize);
		else if (rc == STORE_OK && n > 0)
			memcpy(buf, p, n);
	}
	stmt_end(&q);
	return rc;
}

static int
meta_write(struct store *st, const struct store_query *query,
    const char *name, const void *buf, size_t len)
{
	struct stmt q;

	if (!store_str_ok(name, META_NAME_MAX, false))
		return store_invalid(st, "meta name");
	if (len > META_VALUE_MAX || (buf == NULL && len > 0))
		return store_invalid(st, "meta value");
	stmt_start(&q, st, query);
	stmt_text(&q, 1, name);
	stmt_blob(&q, 2, buf, len);
	return stmt_write(&q, false, NULL);
}

int
store_meta_set(struct store *st, const char *name, const void *buf,
    size_t len)
{
	return meta_write(st, &q_meta_set, name, buf, len);
}

enum store_key_status
store_key_check(struct store *st, const struct secret_key *key)
{
	unsigned char want[SECRET_HASH_BYTES], got[SECRET_HASH_BYTES];
	size_t len = 0;
	int rc;

	rc = store_meta_get(st, META_KEY_CHECK, got, sizeof(got), &len);
	if (rc == STORE_NOTFOUND) {
		(void)store_seterr(st, rc,
		    "the database has no key fingerprint");
		return STORE_KEY_NONE;
	}
	if (rc != STORE_OK && rc != STORE_INVALID)	/* too long: no match */
		return STORE_KEY_ERROR;
	if (key != NULL)
		secret_key_check_value(key, want);
	if (rc != STORE_OK || key == NULL || len != sizeof(want) ||
	    memcmp(want, got, sizeof(want)) != 0) {
		(void)store_seterr(st, STORE_INVALID, "the key does not belong "
		    "to this database (fingerprint mismatch)");
		return STORE_KEY_MISMATCH;
	}
	return STORE_KEY_OK;
}

int
store_key_record(struct store *st, const struct secret_key *key)
{
	unsigned char want[SECRET_HASH_BYTES];
	int rc;

	if (key == NULL)
		return store_invalid(st, "key");
	secret_key_check_value(key, want);
	rc = meta_write(st, &q_meta_add, META_KEY_CHECK, want, sizeof(want));
	if (rc == STORE_EXISTS)
		(void)store_seterr(st, rc, "the database has a key "
		    "fingerprint already");
	return rc;
}
