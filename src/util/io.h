/*
 * io.h - plain I/O helpers: the monotonic clock in milliseconds, waiting
 * for a descriptor, and writing a whole buffer.
 */
#ifndef PM_IO_H
#define PM_IO_H

#include <stddef.h>
#include <stdint.h>

#define IO_FOREVER	INT64_C(-1)	/* a deadline that never comes */

/* Milliseconds on the monotonic clock (deadlines are in this time). */
int64_t io_now_ms(void);

/*
 * poll() FD for EVENTS (POLLIN, POLLOUT) until DEADLINE, retrying on
 * EINTR.  1 ready, 0 timed out, -1 error (errno set).
 */
int io_wait(int fd, short events, int64_t deadline);

/*
 * Write all LEN bytes of BUF to FD, retrying on EINTR and short writes.
 * DEADLINE: an io_now_ms() time after which it gives up (for a
 * non-blocking FD, which is then waited for), or IO_FOREVER.  A socket
 * is written with MSG_NOSIGNAL, so a peer that went away is EPIPE, not
 * SIGPIPE.  0 done; -1 error with errno set (ETIMEDOUT at the deadline,
 * EIO when write(2) wrote nothing).
 */
int io_write_all(int fd, const void *buf, size_t len, int64_t deadline);

#endif
