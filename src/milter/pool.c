/*
 * pool.c - a small pool of database connections for the milter threads.
 *
 * libmilter runs one thread per SMTP connection, and a thread that waits
 * for the client holds nothing of the store; only a message being decided
 * (end of message) needs a connection.  So a message takes one at the
 * start of its processing (pool_take) and gives it back at the end
 * (pool_give); at most POOL_IDLE_MAX stay open while idle, the rest are
 * closed.  With PostgreSQL (several gateways on one server) this keeps
 * each daemon's connections near the number of messages decided at once,
 * not the number of SMTP sessions, and saves a connect per message.  A
 * store is used by one thread at a time (both backends allow that from
 * any thread); a connection the server closed meanwhile is made again by
 * the store at its next transaction.
 *
 * Each idle connection remembers the Database value it was opened for:
 * after a reload that changes it, the old ones are closed, never reused.
 *
 * Security: nothing is cached but the connection; a store given back is
 * never in a transaction (the pipeline commits or rolls back first; one
 * that still is gets closed).
 *
 * Diagnostics: none here; a failed open returns store_open()'s message.
 */
#include <pthread.h>
#include <string.h>

#include <glib.h>

#include "milter/pool.h"
#include "store/store.h"

struct pool_conn {
	struct store *st;
	char *database;
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pool_conn pool_idle[POOL_IDLE_MAX];
static size_t pool_n;

struct store *
pool_take(const char *database, unsigned busy_ms, bool *fresh, char *err,
    size_t errlen)
{
	struct store *st = NULL, *gone[POOL_IDLE_MAX];
	size_t i, n = 0, ngone = 0;

	(void)pthread_mutex_lock(&pool_mu);
	for (i = 0; i < pool_n; i++) {
		bool ours = strcmp(pool_idle[i].database, database) == 0;

		if (ours && st == NULL && !store_stale(pool_idle[i].st, NULL, 0))
			st = pool_idle[i].st;
		else if (!ours || store_stale(pool_idle[i].st, NULL, 0))
			gone[ngone++] = pool_idle[i].st;
		else {
			pool_idle[n++] = pool_idle[i];
			continue;
		}
		g_free(pool_idle[i].database);
	}
	pool_n = n;
	(void)pthread_mutex_unlock(&pool_mu);
	for (i = 0; i < ngone; i++)
		store_close(gone[i]);
	*fresh = st == NULL;
	if (st != NULL)
		return st;
	if (store_open(database, busy_ms, 0, &st, err, errlen) != STORE_OK)
		return NULL;
	return st;
}

void
pool_give(struct store *st, const char *database)
{
	if (st == NULL)
		return;
	if (store_in_transaction(st)) {
		store_close(st);
		return;
	}
	(void)pthread_mutex_lock(&pool_mu);
	if (pool_n < POOL_IDLE_MAX) {
		pool_idle[pool_n].st = st;
		pool_idle[pool_n].database = g_strdup(database);
		pool_n++;
		st = NULL;
	}
	(void)pthread_mutex_unlock(&pool_mu);
	store_close(st);	/* NULL when kept */
}

void
pool_drain(void)
{
	size_t i;

	(void)pthread_mutex_lock(&pool_mu);
	for (i = 0; i < pool_n; i++) {
		store_close(pool_idle[i].st);
		g_free(pool_idle[i].database);
	}
	pool_n = 0;
	(void)pthread_mutex_unlock(&pool_mu);
}
