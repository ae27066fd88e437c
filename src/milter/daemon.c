/*
 * daemon.c - process plumbing: socket file, PidFile, user switch, detach.
 *
 * Security notes: the unix socket path is only ever unlinked when it is a
 * socket and nothing accepts connections on it, so a mistyped Socket
 * cannot delete a regular file and a second instance cannot steal a live
 * socket.  The PidFile is opened with O_NOFOLLOW and must be a regular
 * file: a symbolic link planted by the unprivileged user cannot make root
 * truncate another file.  Dropping privileges sets the supplementary
 * groups first, then the gid, then the uid, and verifies that setuid(0)
 * fails afterwards.
 *
 * Diagnostics: every failure writes one line into the caller's err buffer
 * naming the path or user and the system error; nothing here logs.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "milter/daemon.h"
#include "util/io.h"

const char *
daemon_socket_path(const char *spec)
{
	if (spec == NULL)
		return NULL;
	if (strncasecmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncasecmp(spec, "local:", 6) == 0)
		return spec + 6;
	if (spec[0] == '/')		/* libmilter's bare path form */
		return spec;
	return NULL;
}

/* 1: something accepts connections at PATH, 0: nobody, -1: unknown. */
static int
daemon_socket_live(const char *path)
{
	struct sockaddr_un sun;
	size_t len = strlen(path);
	int fd, rc, saved;

	if (len >= sizeof(sun.sun_path))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	saved = errno;
	(void)close(fd);
	if (rc == 0)
		return 1;
	return saved == ECONNREFUSED ? 0 : -1;
}

int
daemon_socket_clear(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(sb.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a socket; "
		    "not removing it", path);
		return -1;
	}
	switch (daemon_socket_live(path)) {
	case 1:
		snprintf(err, errlen, "%s: a running milter listens on it",
		    path);
		return -1;
	case 0:
		break;
	default:
		snprintf(err, errlen, "%s: cannot tell whether the socket "
		    "is in use: %s", path, strerror(errno));
		return -1;
	}
	if (unlink(path) == -1) {
		snprintf(err, errlen, "%s: cannot remove stale socket: %s",
		    path, strerror(errno));
		return -1;
	}
	return 0;
}

int
daemon_socket_remove(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (path == NULL || lstat(path, &sb) == -1 || !S_ISSOCK(sb.st_mode))
		return 0;
	if (unlink(path) == -1) {
		snprintf(err, errlen, "%s: cannot remove socket: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Resolve the ":group" part of UserID into out->gid. */
static int
daemon_group_lookup(const char *group, struct daemon_user *out, char *err,
    size_t errlen)
{
	struct group *gr;

	errno = 0;
	if ((gr = getgrnam(group)) == NULL) {
		snprintf(err, errlen, "UserID: no such group \"%s\"%s%s",
		    group, errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
	}
	out->gid = gr->gr_gid;
	return 0;
}

int
daemon_user_lookup(const char *userid, struct daemon_user *out, char *err,
    size_t errlen)
{
	char user[sizeof(out->name)];
	const char *colon = strchr(userid, ':');
	size_t ulen = colon ? (size_t)(colon - userid) : strlen(userid);
	struct passwd *pw;

	if (ulen == 0 || ulen >= sizeof(user)) {
		snprintf(err, errlen, "UserID: bad user name");
		return -1;
	}
	memcpy(user, userid, ulen);
	user[ulen] = '\0';
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "UserID: no such user \"%s\"%s%s", user,
		    errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
	}
	memcpy(out->name, user, ulen + 1);
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	if (colon != NULL)
		return daemon_group_lookup(colon + 1, out, err, errlen);
	return 0;
}

int
daemon_user_become(const struct daemon_user *u, char *err, size_t errlen)
{
	if (geteuid() != 0) {
		if (geteuid() == u->uid && getegid() == u->gid)
			return 0;
		snprintf(err, errlen, "UserID %s: only root can switch user",
		    u->name);
		return -1;
	}
	if (initgroups(u->name, u->gid) == -1 || setgid(u->gid) == -1 ||
	    setuid(u->uid) == -1) {
		snprintf(err, errlen, "UserID %s: cannot switch user: %s",
		    u->name, strerror(errno));
		return -1;
	}
	if (u->uid != 0 && (setuid(0) != -1 || geteuid() == 0)) {
		snprintf(err, errlen, "UserID %s: root privileges could be "
		    "regained", u->name);
		return -1;
	}
	if (getuid() != u->uid || getgid() != u->gid ||
	    getegid() != u->gid) {
		snprintf(err, errlen, "UserID %s: ids did not change",
		    u->name);
		return -1;
	}
	return 0;
}

int
daemon_pidfile_write(const char *path, pid_t pid, char *err, size_t errlen)
{
	char buf[32];
	struct stat sb;
	int fd, n;

	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "PidFile %s: %s", path,
		    S_ISLNK(sb.st_mode) ? "is a symbolic link" :
		    "not a regular file");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK, 0644);
	if (fd == -1) {
		snprintf(err, errlen, "PidFile %s: %s", path,
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	if (fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "PidFile %s: not a regular file", path);
		(void)close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) == -1 || fchmod(fd, 0644) == -1 ||
	    io_write_all(fd, buf, (size_t)n, IO_FOREVER) == -1) {
		snprintf(err, errlen, "PidFile %s: %s", path,
		    strerror(errno));
		(void)close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		snprintf(err, errlen, "PidFile %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
daemon_pidfile_remove(const char *path, pid_t pid, char *err, size_t errlen)
{
	char buf[32], want[32];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "PidFile %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	snprintf(want, sizeof(want), "%ld\n", (long)pid);
	if (n < 0 || (size_t)n != strlen(want) ||
	    memcmp(buf, want, (size_t)n) != 0)
		return 0;	/* not ours any more: leave it */
	if (unlink(path) == -1) {
		snprintf(err, errlen, "PidFile %s: cannot remove: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* The parent's side of daemon_detach(): wait for the child's status. */
static void
daemon_parent_wait(int fd)
{
	unsigned char status;
	ssize_t n;

	do
		n = read(fd, &status, 1);
	while (n == -1 && errno == EINTR);
	_exit(n == 1 ? status : 1);
}

int
daemon_detach(int *readyfd, char *err, size_t errlen)
{
	int p[2];
	pid_t pid;

	if (pipe(p) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		(void)close(p[0]);
		(void)close(p[1]);
		return -1;
	}
	if (pid != 0) {
		(void)close(p[1]);
		daemon_parent_wait(p[0]);
	}
	(void)close(p[0]);
	if (fcntl(p[1], F_SETFD, FD_CLOEXEC) == -1 || setsid() == -1 ||
	    chdir("/") == -1) {
		snprintf(err, errlen, "detach: %s", strerror(errno));
		(void)close(p[1]);
		return -1;
	}
	*readyfd = p[1];
	return 0;
}

void
daemon_ready(int readyfd, int status)
{
	unsigned char b = (unsigned char)status;

	if (readyfd < 0)
		return;
	while (write(readyfd, &b, 1) == -1 && errno == EINTR)
		;
	(void)close(readyfd);
}

int
daemon_stdio_null(char *err, size_t errlen)
{
	int fd, i;

	if ((fd = open("/dev/null", O_RDWR)) == -1) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i <= 2; i++) {
		if (fd != i && dup2(fd, i) == -1) {
			snprintf(err, errlen, "dup2: %s", strerror(errno));
			(void)close(fd);
			return -1;
		}
	}
	if (fd > 2)
		(void)close(fd);
	return 0;
}
