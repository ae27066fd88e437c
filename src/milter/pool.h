/*
 * pool.h - the daemon's database connections, shared by the libmilter
 * threads: a message takes one for its processing and gives it back.
 */
#ifndef PM_MILTER_POOL_H
#define PM_MILTER_POOL_H

#include <stdbool.h>
#include <stddef.h>

struct store;

#define POOL_IDLE_MAX	8	/* idle connections kept */

/*
 * An idle connection to DATABASE, or a new one (*FRESH true; NULL and ERR
 * on failure).  Idle connections to another Database, or to a file that
 * was deleted, replaced or changed writability (store_stale), are closed.
 */
struct store *pool_take(const char *database, unsigned busy_ms, bool *fresh,
    char *err, size_t errlen);
/* Give ST (opened for DATABASE) back: kept idle, or closed. */
void pool_give(struct store *st, const char *database);
/* Close every idle connection (at exit). */
void pool_drain(void);

#endif
