/*
 * test_store_key.c - the one key check: store_key_check() says ok / no
 * fingerprint yet / mismatch / error, store_key_record() stores a
 * fingerprint once and never replaces it.  A damaged fingerprint (wrong
 * length) is a mismatch, never a match.
 */
#include <stdio.h>
#include <string.h>

#include "core/secret.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static void
test_record(struct secret_key *key, struct secret_key *other)
{
	struct store *st = make_store("k.db");

	is_int(store_key_check(st, key), STORE_KEY_NONE, "new: no fingerprint");
	is_str(store_errmsg(st), "the database has no key fingerprint",
	    "new: the message");
	is_int(store_key_check(st, NULL), STORE_KEY_NONE,
	    "new, no key: no fingerprint");
	is_int(store_key_record(st, key), STORE_OK, "recorded");
	is_int(store_key_check(st, key), STORE_KEY_OK, "the key matches");
	is_int(store_key_check(st, other), STORE_KEY_MISMATCH,
	    "another key: mismatch");
	is_str(store_errmsg(st), "the key does not belong to this database "
	    "(fingerprint mismatch)", "mismatch: the message");
	is_int(store_key_check(st, NULL), STORE_KEY_MISMATCH,
	    "no key, fingerprint stored: mismatch");
	is_int(store_key_record(st, other), STORE_EXISTS,
	    "another fingerprint: never replaced");
	is_str(store_errmsg(st), "the database has a key fingerprint already",
	    "never replaced: the message");
	is_int(store_key_record(st, key), STORE_EXISTS, "the same: EXISTS too");
	is_int(store_key_check(st, key), STORE_KEY_OK, "still the first key");
	is_int(store_key_record(st, NULL), STORE_INVALID, "no key: invalid");
	store_close(st);
}

/* A stored value of the wrong length never matches. */
static void
test_damaged(struct secret_key *key)
{
	static const char *const values[] = {
		"x''", "x'0102'", "x'" "0000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000000" "'",
	};
	struct store *st;
	char sql[256];
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		(void)snprintf(sql, sizeof(sql), "UPDATE meta SET value = %s "
		    "WHERE name = 'key_check';", values[i]);
		ok(raw_exec(tpath("k.db"), sql) == 0, "damage %zu", i);
		st = make_store("k.db");
		is_int(store_key_check(st, key), STORE_KEY_MISMATCH,
		    "damaged %zu: mismatch", i);
		store_close(st);
	}
}

/* The fingerprint cannot be read: an error, with the store's reason. */
static void
test_error(struct secret_key *key)
{
	struct store *st;

	ok(raw_exec(tpath("k.db"), "DROP TABLE meta;") == 0, "meta dropped");
	st = make_store("k.db");
	is_int(store_key_check(st, key), STORE_KEY_ERROR, "unreadable: error");
	is_str(store_errmsg(st), "prepare: no such table: meta",
	    "unreadable: the reason");
	store_close(st);
}

int
main(void)
{
	struct secret_key *key, *other;

	tdir_make("test_store_key");
	key = make_key("a.key");
	other = make_key("b.key");
	test_record(key, other);
	test_damaged(key);
	test_error(key);
	secret_key_free(key);
	secret_key_free(other);
	rmtree(tdir);
	return tap_done();
}
