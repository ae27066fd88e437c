/*
 * pool.h - the daemon's database connections, shared by the libmilter
 * threads: a message takes one for its processing and gives it back.
 */
#ifndef PM_MILTER_POOL_H
#define PM_MILTER_POOL_H

#include <stddef.h>

struct store;

#define POOL_IDLE_MAX	8	/* idle connections kept */

/* An idle connection to DATABASE, or a new one (NULL and ERR on failure). */
struct store *pool_take(const char *database, unsigned busy_ms, char *err,
    size_t errlen);
/* Give ST (opened for DATABASE) back: kept idle, or closed. */
void pool_give(struct store *st, const char *database);
/* Close every idle connection (at exit). */
void pool_drain(void);

#endif
