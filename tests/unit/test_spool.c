/*
 * test_spool.c - bodies stay in memory up to the limit, then spill to an
 * unlinked private file; content is preserved byte for byte; the
 * maximum size truncates; a bad directory is an error, not a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/spool.h"
#include "tap.h"

struct collect { char *buf; size_t len, cap; };

static int
collect_fn(const char *b, size_t n, void *arg)
{
	struct collect *c = arg;

	if (c->len + n > c->cap)
		return 1;
	memcpy(c->buf + c->len, b, n);
	c->len += n;
	return 0;
}

static void
check_case(const char *name, size_t mem_limit, size_t max, size_t total,
    size_t chunk, int want_disk, int want_trunc)
{
	struct spool *sp = spool_new(mem_limit, max, "/tmp");
	char *data = malloc(total ? total : 1);
	struct collect c = { malloc(total + 1), 0, total + 1 };
	size_t i, held = total < max ? total : max;
	int rc = 0;

	for (i = 0; i < total; i++)
		data[i] = (char)(i * 7 + i / 251);
	for (i = 0; i < total && rc == 0; i += chunk)
		rc = spool_append(sp, data + i, total - i < chunk ? total - i : chunk);
	is_int(rc, 0, "%s: appends succeed", name);
	is_int(spool_on_disk(sp), want_disk, "%s: on disk", name);
	is_int(spool_truncated(sp), want_trunc, "%s: truncated", name);
	is_int(spool_size(sp), held, "%s: bytes held", name);
	is_int(spool_seen(sp), total, "%s: bytes seen", name);
	is_int(spool_read(sp, collect_fn, &c), 0, "%s: read back", name);
	ok(c.len == held && memcmp(c.buf, data, held) == 0,
	    "%s: content identical", name);
	if (want_disk) {
		char link[64], target[4096];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", spool_fd(sp));
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		ok(n > 0 && strstr(target, "(deleted)") != NULL,
		    "%s: the spill file has no name (%s)", name, target);
		ok(spool_mem(sp) == NULL, "%s: memory released", name);
	}
	spool_free(sp);
	free(data);
	free(c.buf);
}

int
main(void)
{
	struct spool *sp;

	check_case("empty", 1024, 4096, 0, 1, 0, 0);
	check_case("small stays in memory", 65536, 1 << 20, 1000, 100, 0, 0);
	check_case("exactly the limit stays", 65536, 1 << 20, 65536, 4096, 0, 0);
	check_case("one byte over spills", 65536, 1 << 20, 65537, 4096, 1, 0);
	check_case("big in 64 KB chunks", 65536, 8 << 20, 5 << 20, 65536, 1, 0);
	check_case("one huge chunk", 65536, 8 << 20, 3 << 20, 3 << 20, 1, 0);
	check_case("past max is dropped (memory)", 65536, 1000, 5000, 333, 0, 1);
	check_case("past max is dropped (disk)", 4096, 100000, 300000, 7000, 1, 1);

	sp = spool_new(16, 1 << 20, "/nonexistent/dir");
	is_int(spool_append(sp, "0123456789", 10), 0, "memory append ok");
	is_int(spool_append(sp, "0123456789", 10), -1,
	    "spill into a missing directory fails cleanly");
	spool_free(sp);
	spool_free(NULL);
	return tap_done();
}
