/*
 * io.h - plain I/O helpers: the monotonic clock in milliseconds, waiting
 * for a descriptor, and writing a whole buffer.
 */
#ifndef PM_IO_H
#define PM_IO_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define IO_FOREVER	INT64_C(-1)	/* a deadline that never comes */
#define IO_STOP_STEP_MS	100	/* how often a wait looks at its stop flag */

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

/*
 * The same two, which also look at *STOP (NULL: never) before waiting and
 * every IO_STOP_STEP_MS while they wait: once it is true they return -1
 * with errno ECANCELED, so that a thread asked to stop leaves a wait on a
 * peer that does not answer within a fraction of a second.
 */
int io_wait_stop(int fd, short events, int64_t deadline,
    const atomic_bool *stop);
int io_write_all_stop(int fd, const void *buf, size_t len, int64_t deadline,
    const atomic_bool *stop);

#endif
