/*
 * io.c - writing a whole buffer, with or without a deadline.
 *
 * The one write loop of the programs: message bodies spilled to a file,
 * a notice fed to the Mailer program, the SMTP dialogue, key and PID
 * files, a PIN printed by pinctl.
 *
 * Security notes: a socket is written with MSG_NOSIGNAL, so a relay that
 * closes early cannot kill the daemon with SIGPIPE (for a pipe the
 * caller blocks SIGPIPE; see mailer.c).  The buffer is not copied.
 *
 * Diagnostics: none; errors are returned with errno.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "util/io.h"

int64_t
io_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
io_wait(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		if (deadline == IO_FOREVER)
			left = -1;
		else if ((left = deadline - io_now_ms()) <= 0)
			return 0;
		n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

int
io_wait_stop(int fd, short events, int64_t deadline, const atomic_bool *stop)
{
	int64_t step;
	int w;

	if (stop == NULL)
		return io_wait(fd, events, deadline);
	for (;;) {
		if (atomic_load(stop)) {
			errno = ECANCELED;
			return -1;
		}
		step = io_now_ms() + IO_STOP_STEP_MS;
		if (deadline != IO_FOREVER && deadline < step)
			step = deadline;
		if ((w = io_wait(fd, events, step)) != 0)
			return w;
		if (deadline != IO_FOREVER && io_now_ms() >= deadline)
			return 0;
	}
}

int
io_write_all(int fd, const void *buf, size_t len, int64_t deadline)
{
	return io_write_all_stop(fd, buf, len, deadline, NULL);
}

int
io_write_all_stop(int fd, const void *buf, size_t len, int64_t deadline,
    const atomic_bool *stop)
{
	const char *p = buf;
	struct stat st;
	bool sock = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
	ssize_t n;
	int w;

	while (len > 0) {
		if ((deadline != IO_FOREVER || stop != NULL) &&
		    (w = io_wait_stop(fd, POLLOUT, deadline, stop)) <= 0) {
			if (w == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		n = sock ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (deadline == IO_FOREVER &&
			    io_wait_stop(fd, POLLOUT, IO_FOREVER, stop) < 0)
				return -1;
			continue;
		}
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
