/*
 * spool.h - a message body held in memory up to a limit, then in a
 * private temporary file.
 *
 * Memory per message stays below mem_limit whatever the message size:
 * past it the bytes already held move to a file created with mkstemp()
 * in dir (mode 0600) and unlinked at once, so nothing is left behind if
 * the process dies.  Past max_size further bytes are counted but dropped
 * (spool_truncated() says so).
 */
#ifndef PM_SPOOL_H
#define PM_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct spool;

/* Never NULL (see util/xalloc.h); nothing is created on disk yet. */
struct spool *spool_new(size_t mem_limit, size_t max_size, const char *dir);
void spool_free(struct spool *sp);

/* Append; 0 ok, -1 on I/O error (errno set; the spool is then unusable). */
int spool_append(struct spool *sp, const void *buf, size_t len);

size_t spool_size(const struct spool *sp);	/* bytes held */
size_t spool_seen(const struct spool *sp);	/* bytes offered, held or not */
bool spool_truncated(const struct spool *sp);
bool spool_on_disk(const struct spool *sp);

/*
 * Read the held bytes from the start: calls fn(buf, len, arg) with chunks
 * in order; a non-zero return stops and is returned.  -1 on I/O error.
 */
int spool_read(struct spool *sp, int (*fn)(const char *, size_t, void *),
    void *arg);

/* The file descriptor when on disk (for a GMime stream over it), else -1. */
int spool_fd(const struct spool *sp);
/* The bytes when in memory, else NULL. */
const char *spool_mem(const struct spool *sp);

#endif
