/*
 * spool.c - message bodies in bounded memory, spilling to a temp file.
 *
 * Security notes: the file is made by mkstemp() (mode 0600, O_EXCL) in
 * the configured directory and unlinked immediately, so it has no name
 * another process could open, and it vanishes with the descriptor.
 * Diagnostics: I/O errors are returned with errno; the caller logs them
 * with the queue id.  Memory comes from GLib: running out of it aborts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "util/io.h"
#include "util/spool.h"

struct spool {
	char *mem;
	size_t len;		/* bytes held (memory or file) */
	size_t cap;
	size_t seen;
	size_t mem_limit;
	size_t max_size;
	int fd;			/* -1 while in memory */
	char dir[4096];
};

struct spool *
spool_new(size_t mem_limit, size_t max_size, const char *dir)
{
	struct spool *sp = g_new0(struct spool, 1);

	sp->mem_limit = mem_limit;
	sp->max_size = max_size;
	sp->fd = -1;
	snprintf(sp->dir, sizeof(sp->dir), "%s", dir ? dir : "/tmp");
	return sp;
}

void
spool_free(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	g_free(sp->mem);
	g_free(sp);
}

static int
spool_spill(struct spool *sp)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/pinmilter.XXXXXX", sp->dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -1;
	unlink(path);
	if (io_write_all(fd, sp->mem, sp->len, IO_FOREVER) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	g_free(sp->mem);
	sp->mem = NULL;
	sp->cap = 0;
	sp->fd = fd;
	return 0;
}

int
spool_append(struct spool *sp, const void *buf, size_t len)
{
	size_t room;

	sp->seen += len;
	room = sp->max_size > sp->len ? sp->max_size - sp->len : 0;
	if (len > room)
		len = room;
	if (len == 0)
		return 0;
	if (sp->fd < 0 && sp->len + len > sp->mem_limit && spool_spill(sp) != 0)
		return -1;
	if (sp->fd >= 0) {
		if (io_write_all(sp->fd, buf, len, IO_FOREVER) != 0)
			return -1;
		sp->len += len;
		return 0;
	}
	if (sp->len + len > sp->cap) {
		size_t ncap = sp->cap ? sp->cap : 8192;

		while (ncap < sp->len + len)
			ncap *= 2;
		if (ncap > sp->mem_limit)
			ncap = sp->mem_limit;
		sp->mem = g_realloc(sp->mem, ncap);
		sp->cap = ncap;
	}
	memcpy(sp->mem + sp->len, buf, len);
	sp->len += len;
	return 0;
}

size_t spool_size(const struct spool *sp) { return sp->len; }
size_t spool_seen(const struct spool *sp) { return sp->seen; }
bool spool_truncated(const struct spool *sp) { return sp->seen > sp->len; }
bool spool_on_disk(const struct spool *sp) { return sp->fd >= 0; }
int spool_fd(const struct spool *sp) { return sp->fd; }
const char *spool_mem(const struct spool *sp) { return sp->fd < 0 ? sp->mem : NULL; }

int
spool_read(struct spool *sp, int (*fn)(const char *, size_t, void *),
    void *arg)
{
	char buf[65536];
	off_t off = 0;
	int rc;

	if (sp->fd < 0)
		return sp->len ? fn(sp->mem, sp->len, arg) : 0;
	while ((size_t)off < sp->len) {
		ssize_t n = pread(sp->fd, buf, sizeof(buf), off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		if ((rc = fn(buf, (size_t)n, arg)) != 0)
			return rc;
		off += n;
	}
	return 0;
}
