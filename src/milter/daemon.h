/*
 * daemon.h - process plumbing for pinmilter: socket file, PidFile, user
 * switch and detaching from the terminal.  Nothing here knows about mail.
 *
 * Every function that can fail returns 0 or -1 and writes one line into
 * err (errlen bytes); nothing here logs or exits.
 */
#ifndef PM_DAEMON_H
#define PM_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct daemon_user {
	char name[65];			/* login name, for initgroups() */
	uid_t uid;
	gid_t gid;			/* the :group of UserID, else the login group */
};

/* The file system path of a unix:/PATH or local:/PATH socket, else NULL. */
const char *daemon_socket_path(const char *spec);

/*
 * Make room for a unix socket at PATH: nothing there is fine; a socket
 * nobody listens on (stale, left by a crash) is removed; a socket that
 * accepts connections (another milter runs) or any other kind of file is
 * an error.
 */
int daemon_socket_clear(const char *path, char *err, size_t errlen);

/* Remove our own socket at exit: only if PATH is still a socket. */
int daemon_socket_remove(const char *path, char *err, size_t errlen);

/* Look up UserID "user[:group]" in the password and group databases. */
int daemon_user_lookup(const char *userid, struct daemon_user *out,
    char *err, size_t errlen);

/*
 * Become U for good: supplementary groups, gid, uid (real, effective and
 * saved), then check that root cannot be regained.  Without root, only
 * "switching" to the current user succeeds.
 */
int daemon_user_become(const struct daemon_user *u, char *err, size_t errlen);

/*
 * Write "PID\n" to PATH, mode 0644, truncating an old file.  A symbolic
 * link or anything but a regular file at PATH is refused.
 */
int daemon_pidfile_write(const char *path, pid_t pid, char *err,
    size_t errlen);

/* Remove PATH if it still holds PID (another instance may own it now). */
int daemon_pidfile_remove(const char *path, pid_t pid, char *err,
    size_t errlen);

/*
 * Detach: fork, and in the child start a new session and chdir("/").  The
 * parent never returns: it waits until the child calls daemon_ready() and
 * exits with the status given there (1 if the child died first), so a
 * start-up error still reaches the caller's exit status and terminal.
 * In the child, *readyfd is the descriptor to pass to daemon_ready().
 */
int daemon_detach(int *readyfd, char *err, size_t errlen);

/* Tell the waiting parent STATUS (0: running) and close READYFD. */
void daemon_ready(int readyfd, int status);

/* Point stdin, stdout and stderr at /dev/null. */
int daemon_stdio_null(char *err, size_t errlen);

#endif
