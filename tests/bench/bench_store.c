/*
 * bench_store.c - how long the store takes for the milter's two calls:
 * store_user_find (a lookup) and auth_verify on the fail path (lookup,
 * hash, counter update, audit row, commit), on a WAL file in a private
 * temporary directory, or on the PostgreSQL database named by
 * PINMILTER_TEST_DATABASE (a URI; its schema must be empty:
 * tests/bench/store_pg.sh starts a private server and runs both).
 * Prints microseconds per call.
 *
 * Usage: bench_store [USERS [ROUNDS]]   (defaults 1000 and 20000)
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pin/auth.h"

static char tdir[64];

static void
cleanup(void)
{
	static const char *const names[] = {
		"b.db", "b.db-wal", "b.db-shm", "key",
	};
	char p[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)snprintf(p, sizeof(p), "%s/%s", tdir, names[i]);
		(void)unlink(p);
	}
	(void)rmdir(tdir);
}

static double
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
fill(struct store *st, const struct secret_key *key, unsigned users)
{
	struct store_user u;
	int64_t acc, id;
	unsigned i;

	if (store_begin(st) != STORE_OK ||
	    store_account_add(st, "bench", 1, &acc) != STORE_OK)
		return -1;
	for (i = 0; i < users; i++) {
		memset(&u, 0, sizeof(u));
		u.account_id = acc;
		(void)snprintf(u.email, sizeof(u.email), "user%u@example.com", i);
		if (store_user_add(st, &u, 1, &id) != STORE_OK)
			return -1;
	}
	if (store_commit(st) != STORE_OK)
		return -1;
	for (i = 0; i < users; i++)	/* one transaction each, as pinctl */
		if (auth_set_pin(st, key, (int64_t)i + 1, "123456", "bench",
		    "pin.set", 2) != STORE_OK)
			return -1;
	return 0;
}

static int
bench(struct store *st, const struct secret_key *key, unsigned users,
    unsigned rounds)
{
	static const struct lockout_policy pol = { UINT_MAX, 900, 3600 };
	const char *cand[] = { "654321" };
	struct auth_request req = {
		.candidates = cand, .ncandidates = 1, .max_candidates = 3,
		.actor = "bench", .channel = "email", .ref = "BENCH",
	};
	struct store_user u;
	char email[64];
	double t0;
	unsigned i;

	t0 = now_us();
	for (i = 0; i < rounds; i++) {
		(void)snprintf(email, sizeof(email), "user%u@example.com",
		    (i * 7919u) % users);
		if (store_user_find(st, email, &u) != STORE_OK)
			return -1;
	}
	printf("store_user_find: %.2f us/call (%u calls, %u users)\n",
	    (now_us() - t0) / rounds, rounds, users);
	t0 = now_us();
	for (i = 0; i < rounds / 4; i++) {
		(void)snprintf(email, sizeof(email), "user%u@example.com",
		    (i * 7919u) % users);
		req.email = email;
		if (auth_verify(st, key, &pol, &req, 1000 + i, &u) != AUTH_FAIL)
			return -1;
	}
	printf("auth_verify (fail): %.2f us/call (%u calls, %s)\n",
	    (now_us() - t0) / (rounds / 4), rounds / 4,
	    getenv("PINMILTER_TEST_DATABASE") != NULL ? "PostgreSQL" :
	    "SQLite, WAL, synchronous=NORMAL");
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned users = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1000;
	unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) :
	    20000;
	struct secret_key *key = NULL;
	struct store *st = NULL;
	char p[1024], err[512];
	int rc = 1;

	if (users == 0 || rounds < 4) {
		fprintf(stderr, "usage: bench_store [USERS [ROUNDS]]\n");
		return 2;
	}
	(void)snprintf(tdir, sizeof(tdir), "/tmp/pm-bench-XXXXXX");
	if (mkdtemp(tdir) == NULL || secret_init() != 0)
		return 1;
	(void)snprintf(p, sizeof(p), "%s/key", tdir);
	if (secret_key_create(p, err, sizeof(err)) != 0 ||
	    (key = secret_key_load(p, err, sizeof(err))) == NULL)
		goto out;
	(void)snprintf(p, sizeof(p), "%s/b.db", tdir);
	if (getenv("PINMILTER_TEST_DATABASE") != NULL)
		(void)snprintf(p, sizeof(p), "%s",
		    getenv("PINMILTER_TEST_DATABASE"));
	if (store_open(p, 5000, STORE_OPEN_CREATE, &st, err, sizeof(err)) !=
	    STORE_OK)
		goto out;
	if (fill(st, key, users) != 0 || bench(st, key, users, rounds) != 0)
		(void)snprintf(err, sizeof(err), "%s", store_errmsg(st));
	else
		rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "bench_store: %s\n", err);
	store_close(st);
	secret_key_free(key);
	cleanup();
	return rc;
}
