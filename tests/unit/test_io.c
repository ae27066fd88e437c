/*
 * test_io.c - io_write_all(): a whole buffer through a pipe, a file and a
 * socket; a deadline on a full non-blocking pipe; a closed socket peer
 * gives EPIPE (not SIGPIPE, which would kill this test); a non-blocking
 * pipe with no deadline is waited for until a reader drains it.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/io.h"
#include "util/timeconst.h"
#include "tap.h"
#include "testutil.h"

#define BIG	(1024 * 1024)

struct drain {
	int fd;
	size_t got;
	unsigned sum;
};

static void *
drain_run(void *arg)
{
	struct drain *d = arg;
	char buf[4096];
	ssize_t n, i;

	usleep(50 * 1000);	/* let the writer fill the pipe first */
	while ((n = read(d->fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++)
			d->sum += (unsigned char)buf[i];
		d->got += (size_t)n;
	}
	return NULL;
}

static char *
pattern(size_t n, unsigned *sum)
{
	char *b = malloc(n);
	size_t i;

	*sum = 0;
	for (i = 0; i < n; i++) {
		b[i] = (char)(i * 7 + 3);
		*sum += (unsigned char)b[i];
	}
	return b;
}

static void
test_pipe_forever(void)
{
	struct drain d = { 0 };
	pthread_t t;
	unsigned sum;
	char *b = pattern(BIG, &sum);
	int p[2];

	if (pipe(p) != 0) {
		printf("Bail out! pipe\n");
		exit(1);
	}
	(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	d.fd = p[0];
	pthread_create(&t, NULL, drain_run, &d);
	is_int(io_write_all(p[1], b, BIG, IO_FOREVER), 0,
	    "1 MB into a non-blocking pipe, no deadline: written");
	close(p[1]);
	pthread_join(t, NULL);
	close(p[0]);
	is_int((long long)d.got, BIG, "the reader got every byte");
	is_int(d.sum, sum, "in order (checksum)");
	free(b);
}

static void
test_pipe_deadline(void)
{
	unsigned sum;
	char *b = pattern(BIG, &sum);
	int64_t t0;
	int p[2], rc, e;

	if (pipe(p) != 0) {
		printf("Bail out! pipe\n");
		exit(1);
	}
	(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	t0 = io_now_ms();
	rc = io_write_all(p[1], b, BIG, t0 + 200);
	e = errno;
	is_int(rc, -1, "a full pipe nobody reads: fails");
	is_int(e, ETIMEDOUT, "with ETIMEDOUT");
	ok(io_now_ms() - t0 >= 200, "not before the deadline");
	ok(io_now_ms() - t0 < 5 * 1000, "and soon after it");
	close(p[0]);
	close(p[1]);
	free(b);
}

static void
test_socket(void)
{
	char buf[16] = { 0 };
	int s[2], rc, e;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) {
		printf("Bail out! socketpair\n");
		exit(1);
	}
	is_int(io_write_all(s[0], "hello", 5, io_now_ms() + 1000), 0,
	    "a socket: written");
	is_int(read(s[1], buf, sizeof(buf)), 5, "the peer reads 5 bytes");
	is_str(buf, "hello", "the same bytes");
	close(s[1]);
	rc = io_write_all(s[0], "x", 1, IO_FOREVER);
	e = errno;
	is_int(rc, -1, "the peer closed: fails (and SIGPIPE did not kill us)");
	is_int(e, EPIPE, "with EPIPE");
	close(s[0]);
}

static void
test_file(void)
{
	const char *path;
	char buf[32] = { 0 };
	int fd;

	tdir_make("test_io");
	path = tpath("f");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	is_int(io_write_all(fd, "0123456789", 10, IO_FOREVER), 0,
	    "a file: written");
	is_int(pread(fd, buf, sizeof(buf), 0), 10, "10 bytes in the file");
	is_str(buf, "0123456789", "the same bytes");
	close(fd);
	is_int(io_write_all(-1, "x", 1, IO_FOREVER), -1, "a bad descriptor");
	is_int(io_write_all(-1, "", 0, IO_FOREVER), 0,
	    "nothing to write is done at once");
	rmtree(tdir);
}

static void
test_timeconst(void)
{
	is_int(MINUTE, 60, "MINUTE");
	is_int(HOUR, 3600, "HOUR");
	is_int(DAY, 86400, "DAY");
	is_int(36500 * DAY, 3153600000LL, "36500 days do not overflow");
}

int
main(void)
{
	test_pipe_forever();
	test_pipe_deadline();
	test_socket();
	test_file();
	test_timeconst();
	return tap_done();
}
